"""Tables of the Wlz-signalen service (migration 0008).

Only the fields of the spec are stored (§1.3 Wlz side, §1.4 Wmo side, §1.6 signal): no names,
addresses, zorgprofielen or diagnoses. The Wlz copy keeps the CIZ's ``wlzindicatieID`` as its
technical key, needed to apply a notification about that indication.
"""

from __future__ import annotations

import sqlalchemy as sa

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

__all__ = [
    "signaal",
    "signaal_sleutel",
    "signalen_run",
    "wlz_kopie",
    "wmo_client",
    "wmo_levering",
]

S = sa.String

wmo_client = sa.Table(
    "sig_wmo_client",
    metadata,
    # One row per client per voorziening; the referentie is the gemeente's own, unique within it.
    sa.Column("gemeentecode", S(4), primary_key=True),
    sa.Column("wmo_referentie", S(36), primary_key=True),
    sa.Column("bsn", S(9), nullable=False),
    sa.Column("status", S(11), nullable=False),
    sa.Column("ingangsdatum", sa.Date(), nullable=False),
    sa.Column("einddatum", sa.Date()),
    sa.Column("voorzieningsoort", S(2)),
    sa.Column("levering_id", S(36), nullable=False),
    # The daily matching joins on BSN: one index serves both databases' join plans.
    sa.Index("ix_sig_wmo_client_bsn", "bsn"),
)

wmo_levering = sa.Table(
    "sig_wmo_levering",
    metadata,
    sa.Column("levering_id", S(36), primary_key=True),
    sa.Column("gemeentecode", S(4), nullable=False),
    sa.Column("soort", S(10), nullable=False),  # VOLLEDIG | MUTATIES
    sa.Column("formaat", S(4), nullable=False),  # CSV | JSON
    sa.Column("status", S(10), nullable=False),  # VERWERKT | AFGEWEZEN
    sa.Column("aantal_rijen", sa.Integer(), nullable=False),
    sa.Column("aantal_fouten", sa.Integer(), nullable=False),
    # JSON text of the per-row report: row, field, code, message - never a BSN.
    sa.Column("rapport", sa.Text(), nullable=False),
    sa.Column("ingediend_door", S(40), nullable=False),
    sa.Column("ontvangen_op", UTCDateTime(), nullable=False),
    sa.Index("ix_sig_wmo_levering_gemeente", "gemeentecode", "ontvangen_op"),
)

wlz_kopie = sa.Table(
    "sig_wlz_kopie",
    metadata,
    sa.Column("wlzindicatie_id", S(36), primary_key=True),
    sa.Column("bsn", S(9), nullable=False),
    sa.Column("wlz_status", S(8), nullable=False),  # Ja | Nee | Onbekend
    sa.Column("afgiftedatum", sa.Date(), nullable=False),
    sa.Column("ingangsdatum", sa.Date(), nullable=False),
    sa.Column("einddatum", sa.Date()),
    sa.Column("bijgewerkt_op", UTCDateTime(), nullable=False),
    sa.Index("ix_sig_wlz_kopie_bsn", "bsn"),
)

signaal = sa.Table(
    "sig_signaal",
    metadata,
    sa.Column("signaal_id", S(36), primary_key=True),
    sa.Column("sleutel", S(64), nullable=False, unique=True),
    sa.Column("signaaldatum", sa.Date(), nullable=False),
    sa.Column("signaaltype", S(14), nullable=False),
    sa.Column("gemeentecode", S(4), nullable=False),
    sa.Column("bsn", S(9), nullable=False),
    sa.Column("wmo_referentie", S(36), nullable=False),
    sa.Column("wmo_status", S(11), nullable=False),
    sa.Column("wmo_ingangsdatum", sa.Date(), nullable=False),
    sa.Column("wmo_einddatum", sa.Date()),
    sa.Column("wlz_status", S(8), nullable=False),
    sa.Column("wlz_afgiftedatum", sa.Date(), nullable=False),
    sa.Column("wlz_ingangsdatum", sa.Date(), nullable=False),
    sa.Column("wlz_einddatum", sa.Date()),
    sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
    sa.Column("ontvangen_op", UTCDateTime()),
    sa.Index("ix_sig_signaal_gemeente_datum", "gemeentecode", "signaaldatum"),
    sa.Index("ix_sig_signaal_aangemaakt", "aangemaakt_op"),
)

signaal_sleutel = sa.Table(
    "sig_signaal_sleutel",
    metadata,
    # HMAC-SHA256 of the spec's signal key fields; outlives the signal (24 months) for as long
    # as the Wmo record it was about is delivered, so a purged signal is not offered again.
    sa.Column("sleutel", S(64), primary_key=True),
    sa.Column("gemeentecode", S(4), nullable=False),
    sa.Column("wmo_referentie", S(36), nullable=False),
    sa.Column("aangemaakt_op", sa.Date(), nullable=False),
    sa.Index("ix_sig_signaal_sleutel_wmo", "gemeentecode", "wmo_referentie"),
)

signalen_run = sa.Table(
    "sig_run",
    metadata,
    sa.Column("signaaldatum", sa.Date(), primary_key=True),
    sa.Column("gestart_op", UTCDateTime(), nullable=False),
    sa.Column("voltooid_op", UTCDateTime()),
    sa.Column("kandidaten", sa.Integer(), nullable=False),
    sa.Column("nieuw", sa.Integer(), nullable=False),
)
