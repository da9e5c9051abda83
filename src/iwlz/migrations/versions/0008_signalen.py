"""signalen

Wlz-signalen: Wmo deliveries, the Wlz copy, signals (issue 7)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 02:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from iwlz.core.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sig_wmo_client",
        sa.Column("gemeentecode", sa.String(length=4), nullable=False),
        sa.Column("wmo_referentie", sa.String(length=36), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("status", sa.String(length=11), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("voorzieningsoort", sa.String(length=2), nullable=True),
        sa.Column("levering_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("gemeentecode", "wmo_referentie"),
    )
    op.create_index("ix_sig_wmo_client_bsn", "sig_wmo_client", ["bsn"])
    op.create_table(
        "sig_wmo_levering",
        sa.Column("levering_id", sa.String(length=36), nullable=False),
        sa.Column("gemeentecode", sa.String(length=4), nullable=False),
        sa.Column("soort", sa.String(length=10), nullable=False),
        sa.Column("formaat", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("aantal_rijen", sa.Integer(), nullable=False),
        sa.Column("aantal_fouten", sa.Integer(), nullable=False),
        sa.Column("rapport", sa.Text(), nullable=False),
        sa.Column("ingediend_door", sa.String(length=40), nullable=False),
        sa.Column("ontvangen_op", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("levering_id"),
    )
    op.create_index(
        "ix_sig_wmo_levering_gemeente", "sig_wmo_levering", ["gemeentecode", "ontvangen_op"]
    )
    op.create_table(
        "sig_wlz_kopie",
        sa.Column("wlzindicatie_id", sa.String(length=36), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("wlz_status", sa.String(length=8), nullable=False),
        sa.Column("afgiftedatum", sa.Date(), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("bijgewerkt_op", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("wlzindicatie_id"),
    )
    op.create_index("ix_sig_wlz_kopie_bsn", "sig_wlz_kopie", ["bsn"])
    op.create_table(
        "sig_signaal",
        sa.Column("signaal_id", sa.String(length=36), nullable=False),
        sa.Column("sleutel", sa.String(length=64), nullable=False),
        sa.Column("signaaldatum", sa.Date(), nullable=False),
        sa.Column("signaaltype", sa.String(length=14), nullable=False),
        sa.Column("gemeentecode", sa.String(length=4), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("wmo_referentie", sa.String(length=36), nullable=False),
        sa.Column("wmo_status", sa.String(length=11), nullable=False),
        sa.Column("wmo_ingangsdatum", sa.Date(), nullable=False),
        sa.Column("wmo_einddatum", sa.Date(), nullable=True),
        sa.Column("wlz_status", sa.String(length=8), nullable=False),
        sa.Column("wlz_afgiftedatum", sa.Date(), nullable=False),
        sa.Column("wlz_ingangsdatum", sa.Date(), nullable=False),
        sa.Column("wlz_einddatum", sa.Date(), nullable=True),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.Column("ontvangen_op", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("signaal_id"),
        sa.UniqueConstraint("sleutel"),
    )
    op.create_index(
        "ix_sig_signaal_gemeente_datum", "sig_signaal", ["gemeentecode", "signaaldatum"]
    )
    op.create_index("ix_sig_signaal_aangemaakt", "sig_signaal", ["aangemaakt_op"])
    op.create_table(
        "sig_signaal_sleutel",
        sa.Column("sleutel", sa.String(length=64), nullable=False),
        sa.Column("gemeentecode", sa.String(length=4), nullable=False),
        sa.Column("wmo_referentie", sa.String(length=36), nullable=False),
        sa.Column("aangemaakt_op", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("sleutel"),
    )
    op.create_index(
        "ix_sig_signaal_sleutel_wmo", "sig_signaal_sleutel", ["gemeentecode", "wmo_referentie"]
    )
    op.create_table(
        "sig_run",
        sa.Column("signaaldatum", sa.Date(), nullable=False),
        sa.Column("gestart_op", UTCDateTime(), nullable=False),
        sa.Column("voltooid_op", UTCDateTime(), nullable=True),
        sa.Column("kandidaten", sa.Integer(), nullable=False),
        sa.Column("nieuw", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("signaaldatum"),
    )


def downgrade() -> None:
    op.drop_table("sig_run")
    op.drop_index("ix_sig_signaal_sleutel_wmo", table_name="sig_signaal_sleutel")
    op.drop_table("sig_signaal_sleutel")
    op.drop_index("ix_sig_signaal_aangemaakt", table_name="sig_signaal")
    op.drop_index("ix_sig_signaal_gemeente_datum", table_name="sig_signaal")
    op.drop_table("sig_signaal")
    op.drop_index("ix_sig_wlz_kopie_bsn", table_name="sig_wlz_kopie")
    op.drop_table("sig_wlz_kopie")
    op.drop_index("ix_sig_wmo_levering_gemeente", table_name="sig_wmo_levering")
    op.drop_table("sig_wmo_levering")
    op.drop_index("ix_sig_wmo_client_bsn", table_name="sig_wmo_client")
    op.drop_table("sig_wmo_client")
