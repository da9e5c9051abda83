"""Storage of the receiver's message history (:class:`iwlz.berichten.regels.historie.DbHistorie`).

Parties are stored as the header has them, with ``""`` for a message that names none (the CIZ
of an IO31, the ZIN/CAK of AW317/CA317/CA319), so that equality lookups and the unique key work
alike on SQLite and PostgreSQL. The child rows point at the accepted message they came from.
"""

from __future__ import annotations

import sqlalchemy as sa

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

__all__ = ["aanlevering", "bericht", "periode", "toewijzing"]

PARTIJ = 8  # LDT_iWlzAgbCode (8) or LDT_ZorgkantoorCode (4)
BSN = 9


def _bericht_id() -> sa.Column[int]:
    return sa.Column(
        "bericht_id",
        sa.Integer(),
        sa.ForeignKey("berichten_bericht.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


bericht = sa.Table(
    "berichten_bericht",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(5), nullable=False),
    sa.Column("afzender", sa.String(PARTIJ), nullable=False),
    sa.Column("ontvanger", sa.String(PARTIJ), nullable=False),
    sa.Column("identificatie", sa.String(12), nullable=False),
    sa.Column("dagtekening", sa.Date(), nullable=True),
    sa.Column("geregistreerd_op", UTCDateTime(), nullable=False),
    # TR056's key: a message registered twice fails, also between concurrent transactions.
    sa.UniqueConstraint(
        "code", "afzender", "ontvanger", "identificatie", name="uq_berichten_bericht_sleutel"
    ),
)
"""Every accepted heenbericht."""

aanlevering = sa.Table(
    "berichten_aanlevering",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    _bericht_id(),
    sa.Column("afzender", sa.String(PARTIJ), nullable=False),
    sa.Column("ontvanger", sa.String(PARTIJ), nullable=False),
    sa.Column("bsn", sa.String(BSN), nullable=False),
    sa.Column("soort", sa.String(5), nullable=False),
    sa.Column("sleutel", sa.String(200), nullable=False),
    sa.Column("status", sa.SmallInteger(), nullable=True),
    sa.Column("besluitnummer", sa.BigInteger(), nullable=True),
    sa.Column("functie", sa.Boolean(), nullable=False),
    sa.Column("code", sa.String(3), nullable=True),
    sa.Column("toewijzing_ingangsdatum", sa.Date(), nullable=True),
    sa.Column("instelling", sa.String(8), nullable=True),
    sa.Column("begindatum", sa.Date(), nullable=True),
    sa.Column("mutatiecode", sa.String(2), nullable=True),
    sa.Column("mutatiedatum", sa.Date(), nullable=True),
    sa.Index("ix_berichten_aanlevering_client", "afzender", "ontvanger", "bsn"),
)
"""Delivery records (MAZ, MUT, CA317, CA319) with their business key and StatusAanlevering;
``id`` orders them as registered."""

toewijzing = sa.Table(
    "berichten_toewijzing",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    _bericht_id(),
    sa.Column("zorgkantoor", sa.String(4), nullable=False),
    sa.Column("bsn", sa.String(BSN), nullable=False),
    sa.Column("besluitnummer", sa.BigInteger(), nullable=False),
    sa.Column("functie", sa.Boolean(), nullable=False),
    sa.Column("code", sa.String(3), nullable=False),
    sa.Column("ingangsdatum", sa.Date(), nullable=False),
    sa.Column("instelling", sa.String(8), nullable=False),  # "" for a PGB
    sa.Column("einddatum", sa.Date(), nullable=True),
    sa.Column("soort", sa.String(1), nullable=True),
    sa.Column("klasse", sa.String(4), nullable=True),
    sa.Column("opslag", sa.Integer(), nullable=True),
    sa.Column("etmalen", sa.String(3), nullable=True),
    sa.Column("opname", sa.String(1), nullable=True),
    sa.Column("leveringsvorm", sa.String(1), nullable=True),
    sa.Column("dossierhouder", sa.String(8), nullable=True),
    sa.Column("coordinator_zorg_thuis", sa.String(8), nullable=True),
    sa.Column("reden_intrekking", sa.String(1), nullable=True),
    sa.Column("toewijzingsdatum", sa.Date(), nullable=True),
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
"""The current allocations from registered AW33/ZK33 messages, one row per logical key (a later
message replaces the row)."""

periode = sa.Table(
    "berichten_periode",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    _bericht_id(),
    sa.Column("zorgkantoor", sa.String(4), nullable=False, index=True),
    sa.Column("begindatum", sa.Date(), nullable=False),
    sa.Column("einddatum", sa.Date(), nullable=False),
)
"""Accepted AW317 reporting periods per zorgkantoor (TR080)."""
