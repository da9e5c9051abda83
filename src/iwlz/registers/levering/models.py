"""Leveringsregister storage (object types of Leveringsregister 1, registers.md §3.2).

Columns are snake_case; each column's SQLAlchemy ``key`` is the standard's field name. The LR
is multi-tenant: each zorgaanbieder runs its own register, so every table carries
``aanbieder`` (the owning aanbieder's AGB code) and every read is restricted to one tenant.
Children reference their parents through ``(aanbieder, id)`` composite foreign keys, so a row
can never hang below another tenant's row. The parent's ID column (``leveringID``,
``leveringperiodeID``, ``verzoekID``) doubles as the filter-only parent key of §3.3.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

TENANT = "aanbieder"
VERZOEK_AANBIEDER_TENANT = "registerAanbieder"
S = sa.String
#: No codelists are named for the LR (§3.2); codes are stored as short strings.
CODE = 20
AGB = 8
UZOVI = 4

#: The Levering's two zorgkantoren (COD001 UZOVI codes), as the aanbieder learned them from its
#: QBR-0001 result. Not part of the standard's read schema: iwlz keeps them as the recipients
#: of the notifications (registers.md §3.5) and so that nID's PIP knows which zorgkantoor's
#: Bemiddelingsregister holds the bemiddelingspecificatie.
ZORGKANTOREN = ("verantwoordelijkZorgkantoor", "uitvoerendZorgkantoor")


def col(name: str, key: str, type_: Any, *args: Any, **kwargs: Any) -> sa.Column[Any]:
    """A column named ``name`` in SQL and ``key`` (the standard's field name) in Python."""
    return sa.Column(name, type_, *args, key=key, **kwargs)


def _tenant(name: str = TENANT, key: str = TENANT) -> sa.Column[Any]:
    return col(name, key, S(AGB), nullable=False, index=True)


def _bookkeeping() -> list[sa.Column[Any]]:
    """Not part of the standard's object types."""
    return [
        col("versie", "versie", sa.Integer(), nullable=False, server_default="1"),
        col("geregistreerd_op", "geregistreerdOp", UTCDateTime(), nullable=False),
        col("gewijzigd_op", "gewijzigdOp", UTCDateTime(), nullable=False),
    ]


def _unique(table: str, key: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(TENANT, key, name=f"uq_{table}_tenant_id")


def _fk(
    column: str, parent: str, parent_column: str, name: str, tenant: str = TENANT
) -> sa.ForeignKeyConstraint:
    """Same-tenant reference: ``(aanbieder, column)`` -> ``parent(aanbieder, id)``."""
    return sa.ForeignKeyConstraint(
        [tenant, column],
        [f"{parent}.{TENANT}", f"{parent}.{parent_column}"],
        ondelete="CASCADE",
        name=name,
    )


def _levering_id(**kwargs: Any) -> sa.Column[Any]:
    return col("levering_id", "leveringID", sa.Uuid(), nullable=False, index=True, **kwargs)


def _levering_fk(table: str) -> sa.ForeignKeyConstraint:
    return _fk("leveringID", "lr_levering", "leveringID", f"fk_{table}_levering")


client = sa.Table(
    "lr_client",
    metadata,
    col("client_id", "clientID", sa.Uuid(), primary_key=True),
    _tenant(),
    col("bsn", "bsn", S(9), nullable=False),
    *_bookkeeping(),
    _unique("lr_client", "clientID"),
    sa.UniqueConstraint(TENANT, "bsn", name="uq_lr_client_tenant_bsn"),
)

levering = sa.Table(
    "lr_levering",
    metadata,
    col("levering_id", "leveringID", sa.Uuid(), primary_key=True),
    _tenant(),
    col("client_id", "clientID", sa.Uuid(), nullable=False, index=True),
    col(
        "bemiddelingspecificatie_id",
        "bemiddelingspecificatieID",
        sa.Uuid(),
        nullable=False,
        index=True,
    ),
    # iwlz bookkeeping, not fields of the standard's Levering (see ZORGKANTOREN); nullable in
    # the database for rows registered before migration 0007, required by the validation.
    col("verantwoordelijk_zorgkantoor", "verantwoordelijkZorgkantoor", S(UZOVI)),
    col("uitvoerend_zorgkantoor", "uitvoerendZorgkantoor", S(UZOVI)),
    *_bookkeeping(),
    _unique("lr_levering", "leveringID"),
    # One Levering per Bemiddelingspecificatie in an aanbieder's register.
    sa.UniqueConstraint(TENANT, "bemiddelingspecificatieID", name="uq_lr_levering_tenant_bspec"),
    _fk("clientID", "lr_client", "clientID", "fk_lr_levering_client"),
)

leveringperiode = sa.Table(
    "lr_leveringperiode",
    metadata,
    col("leveringperiode_id", "leveringperiodeID", sa.Uuid(), primary_key=True),
    _tenant(),
    _levering_id(),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("vaststelling_moment", "vaststellingMoment", UTCDateTime(), nullable=False),
    col("sleuteldatum", "sleuteldatum", sa.Date()),
    col("einddatum", "einddatum", sa.Date()),
    col("beeindiging_reden", "beeindigingReden", S(CODE)),
    col("aanbieder_bestemming", "aanbiederBestemming", S(AGB)),
    *_bookkeeping(),
    _unique("lr_leveringperiode", "leveringperiodeID"),
    _levering_fk("lr_leveringperiode"),
)

behandelingperiode = sa.Table(
    "lr_behandelingperiode",
    metadata,
    col("behandelingperiode_id", "behandelingperiodeID", sa.Uuid(), primary_key=True),
    _tenant(),
    col("leveringperiode_id", "leveringperiodeID", sa.Uuid(), nullable=False, index=True),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
    *_bookkeeping(),
    _fk(
        "leveringperiodeID",
        "lr_leveringperiode",
        "leveringperiodeID",
        "fk_lr_behandelingperiode_leveringperiode",
    ),
)

uitstelperiode = sa.Table(
    "lr_uitstelperiode",
    metadata,
    col("uitstelperiode_id", "uitstelperiodeID", sa.Uuid(), primary_key=True),
    _tenant(),
    _levering_id(),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("vaststelling_moment", "vaststellingMoment", UTCDateTime(), nullable=False),
    col("reden", "reden", S(CODE), nullable=False),
    col("leveringsstatus", "leveringsstatus", S(CODE), nullable=False),
    col("leveringsstatus_classificatie", "leveringsstatusClassificatie", S(CODE), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
    *_bookkeeping(),
    _levering_fk("lr_uitstelperiode"),
)

afstel = sa.Table(
    "lr_afstel",
    metadata,
    col("afstel_id", "afstelID", sa.Uuid(), primary_key=True),
    _tenant(),
    # Levering.afstel is to-one: at most one afstel per levering.
    _levering_id(unique=True),
    col("afsteldatum", "afsteldatum", sa.Date(), nullable=False),
    col("vaststelling_moment", "vaststellingMoment", UTCDateTime(), nullable=False),
    col("reden", "reden", S(CODE), nullable=False),
    col("aanbieder_bestemming", "aanbiederBestemming", S(AGB)),
    *_bookkeeping(),
    _levering_fk("lr_afstel"),
)

verzoek = sa.Table(
    "lr_verzoek",
    metadata,
    col("verzoek_id", "verzoekID", sa.Uuid(), primary_key=True),
    _tenant(),
    _levering_id(),
    col("verzoekdatum", "verzoekdatum", sa.Date(), nullable=False),
    col("product", "product", S(CODE), nullable=False),
    col("toewijzing_soort", "toewijzingSoort", S(CODE), nullable=False),
    col("leveringsvorm", "leveringsvorm", S(CODE), nullable=False),
    col("volume", "volume", sa.Float()),
    col("eenheid", "eenheid", S(CODE)),
    col("frequentie", "frequentie", S(CODE)),
    col("doelmatig", "doelmatig", S(CODE)),
    col("toeslagreden", "toeslagreden", S(CODE)),
    col("verantwoord", "verantwoord", S(CODE)),
    *_bookkeeping(),
    _unique("lr_verzoek", "verzoekID"),
    _levering_fk("lr_verzoek"),
)

verzoek_aanbieder = sa.Table(
    "lr_verzoek_aanbieder",
    metadata,
    col("verzoek_aanbieder_id", "verzoekAanbiederID", sa.Uuid(), primary_key=True),
    # VerzoekAanbieder has a data field `aanbieder` (the addressee), so here the tenant column
    # is `register_aanbieder` (key ``registerAanbieder``); use :func:`tenant_column`.
    _tenant("register_aanbieder", VERZOEK_AANBIEDER_TENANT),
    col("verzoek_id", "verzoekID", sa.Uuid(), nullable=False, index=True),
    col("aanbieder", "aanbieder", S(AGB), nullable=False, index=True),
    col("toewijzing_ingangsdatum", "toewijzingIngangsdatum", sa.Date(), nullable=False),
    col("toewijzing_einddatum", "toewijzingEinddatum", sa.Date()),
    col("toewijzing_percentage", "toewijzingPercentage", sa.Integer(), nullable=False),
    col("opname", "opname", S(CODE)),
    col("regiehouder", "regiehouder", S(CODE), nullable=False),
    *_bookkeeping(),
    _fk(
        "verzoekID",
        "lr_verzoek",
        "verzoekID",
        "fk_lr_verzoek_aanbieder_verzoek",
        tenant=VERZOEK_AANBIEDER_TENANT,
    ),
)

# Every table, parents before children (insert order; reverse for deletes).
TABLES: tuple[sa.Table, ...] = (
    client,
    levering,
    leveringperiode,
    behandelingperiode,
    uitstelperiode,
    afstel,
    verzoek,
    verzoek_aanbieder,
)

# Bookkeeping columns that are not fields of the standard's object types.
BOOKKEEPING = frozenset({"versie", "geregistreerdOp", "gewijzigdOp"})
#: Keys of the tenant columns (never fields of the standard's object types).
TENANT_KEYS = frozenset({TENANT, VERZOEK_AANBIEDER_TENANT})


def tenant_column(table: sa.Table) -> sa.Column[Any]:
    """The tenant (owning aanbieder's AGB) column of ``table``."""
    if VERZOEK_AANBIEDER_TENANT in table.c:
        return table.c[VERZOEK_AANBIEDER_TENANT]
    return table.c[TENANT]


def field_keys(table: sa.Table) -> list[str]:
    """Keys of ``table``'s columns that are fields (or filter-only parent keys) of the
    standard: every column except the tenant and bookkeeping columns."""
    tenant = tenant_column(table).key
    return [c.key for c in table.c if c.key != tenant and c.key not in BOOKKEEPING]
