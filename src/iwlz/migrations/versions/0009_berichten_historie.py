"""berichten historie

Estafette message history for the stateful rules (issue 6)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 02:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import iwlz.core.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _bericht_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["bericht_id"],
        ["berichten_bericht.id"],
        name=op.f(f"fk_{table}_bericht_id_berichten_bericht"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "berichten_bericht",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("afzender", sa.String(length=8), nullable=False),
        sa.Column("ontvanger", sa.String(length=8), nullable=False),
        sa.Column("identificatie", sa.String(length=12), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=True),
        sa.Column("geregistreerd_op", iwlz.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_berichten_bericht")),
        sa.UniqueConstraint(
            "code", "afzender", "ontvanger", "identificatie", name="uq_berichten_bericht_sleutel"
        ),
    )
    op.create_table(
        "berichten_aanlevering",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bericht_id", sa.Integer(), nullable=False),
        sa.Column("afzender", sa.String(length=8), nullable=False),
        sa.Column("ontvanger", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("soort", sa.String(length=5), nullable=False),
        sa.Column("sleutel", sa.String(length=200), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=True),
        sa.Column("besluitnummer", sa.BigInteger(), nullable=True),
        sa.Column("functie", sa.Boolean(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=True),
        sa.Column("toewijzing_ingangsdatum", sa.Date(), nullable=True),
        sa.Column("instelling", sa.String(length=8), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=True),
        sa.Column("mutatiecode", sa.String(length=2), nullable=True),
        sa.Column("mutatiedatum", sa.Date(), nullable=True),
        _bericht_fk("berichten_aanlevering"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_berichten_aanlevering")),
    )
    op.create_index(
        op.f("ix_berichten_aanlevering_bericht_id"), "berichten_aanlevering", ["bericht_id"]
    )
    op.create_index(
        "ix_berichten_aanlevering_client", "berichten_aanlevering", ["afzender", "ontvanger", "bsn"]
    )
    op.create_table(
        "berichten_periode",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bericht_id", sa.Integer(), nullable=False),
        sa.Column("zorgkantoor", sa.String(length=4), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        _bericht_fk("berichten_periode"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_berichten_periode")),
    )
    op.create_index(op.f("ix_berichten_periode_bericht_id"), "berichten_periode", ["bericht_id"])
    op.create_index(op.f("ix_berichten_periode_zorgkantoor"), "berichten_periode", ["zorgkantoor"])
    op.create_table(
        "berichten_toewijzing",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bericht_id", sa.Integer(), nullable=False),
        sa.Column("zorgkantoor", sa.String(length=4), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("besluitnummer", sa.BigInteger(), nullable=False),
        sa.Column("functie", sa.Boolean(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("instelling", sa.String(length=8), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("soort", sa.String(length=1), nullable=True),
        sa.Column("klasse", sa.String(length=4), nullable=True),
        sa.Column("opslag", sa.Integer(), nullable=True),
        sa.Column("etmalen", sa.String(length=3), nullable=True),
        sa.Column("opname", sa.String(length=1), nullable=True),
        sa.Column("leveringsvorm", sa.String(length=1), nullable=True),
        sa.Column("dossierhouder", sa.String(length=8), nullable=True),
        sa.Column("coordinator_zorg_thuis", sa.String(length=8), nullable=True),
        sa.Column("reden_intrekking", sa.String(length=1), nullable=True),
        sa.Column("toewijzingsdatum", sa.Date(), nullable=True),
        _bericht_fk("berichten_toewijzing"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_berichten_toewijzing")),
        sa.UniqueConstraint(
            "zorgkantoor",
            "bsn",
            "besluitnummer",
            "functie",
            "code",
            "ingangsdatum",
            "instelling",
            name="uq_berichten_toewijzing_sleutel",
        ),
    )
    op.create_index(
        op.f("ix_berichten_toewijzing_bericht_id"), "berichten_toewijzing", ["bericht_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_berichten_toewijzing_bericht_id"), table_name="berichten_toewijzing")
    op.drop_table("berichten_toewijzing")
    op.drop_index(op.f("ix_berichten_periode_zorgkantoor"), table_name="berichten_periode")
    op.drop_index(op.f("ix_berichten_periode_bericht_id"), table_name="berichten_periode")
    op.drop_table("berichten_periode")
    op.drop_index("ix_berichten_aanlevering_client", table_name="berichten_aanlevering")
    op.drop_index(op.f("ix_berichten_aanlevering_bericht_id"), table_name="berichten_aanlevering")
    op.drop_table("berichten_aanlevering")
    op.drop_table("berichten_bericht")
