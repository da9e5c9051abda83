"""Bemiddelingsregister storage (object types of Bemiddelingsregister 1, schema 1.1.x).

Columns are snake_case; each column's SQLAlchemy ``key`` is the standard's field name. The BR
is multi-tenant: each responsible zorgkantoor runs its own register, so every table carries
``zorgkantoor`` (the owning zorgkantoor's UZOVI) and every read is restricted to one tenant.
Children reference their parents through ``(zorgkantoor, id)`` composite foreign keys, so a
row can never hang below another tenant's row. Children of a Bemiddeling carry the root
``bemiddelingID``; contact data carries the root ``clientID``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

TENANT = "zorgkantoor"
S = sa.String


def col(name: str, key: str, type_: Any, *args: Any, **kwargs: Any) -> sa.Column[Any]:
    """A column named ``name`` in SQL and ``key`` (the standard's field name) in Python."""
    return sa.Column(name, type_, *args, key=key, **kwargs)


def _tenant() -> sa.Column[Any]:
    return col("zorgkantoor", TENANT, S(4), nullable=False, index=True)


def _bookkeeping() -> list[sa.Column[Any]]:
    """Not part of the standard's object types."""
    return [
        col("versie", "versie", sa.Integer(), nullable=False, server_default="1"),
        col("geregistreerd_op", "geregistreerdOp", UTCDateTime(), nullable=False),
        col("gewijzigd_op", "gewijzigdOp", UTCDateTime(), nullable=False),
    ]


def _fk(column: str, parent: str, parent_column: str, name: str) -> sa.ForeignKeyConstraint:
    """Same-tenant reference: ``(zorgkantoor, column)`` -> ``parent(zorgkantoor, id)``."""
    return sa.ForeignKeyConstraint(
        ["zorgkantoor", column],
        [f"{parent}.zorgkantoor", f"{parent}.{parent_column}"],
        ondelete="CASCADE",
        name=name,
    )


def _contactgegevens_columns() -> list[sa.Column[Any]]:
    return [
        col("adressoort", "adressoort", S(2), nullable=False),
        col("straatnaam", "straatnaam", S(24)),
        col("huisnummer", "huisnummer", sa.Integer()),
        col("huisletter", "huisletter", S(1)),
        col("huisnummertoevoeging", "huisnummertoevoeging", S(4)),
        col("postcode", "postcode", S(8)),
        col("plaatsnaam", "plaatsnaam", S(80)),
        col("land", "land", S(2)),
        col("aanduiding_woonadres", "aanduidingWoonadres", S(2)),
        col("emailadres", "emailadres", S(80)),
        col("telefoonnummer01", "telefoonnummer01", S(15)),
        col("landnummer01", "landnummer01", S(4)),
        col("telefoonnummer02", "telefoonnummer02", S(15)),
        col("landnummer02", "landnummer02", S(4)),
        col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
        col("einddatum", "einddatum", sa.Date()),
    ]


client = sa.Table(
    "br_client",
    metadata,
    col("client_id", "clientID", sa.Uuid(), primary_key=True),
    _tenant(),
    col("bsn", "bsn", S(9), nullable=False),
    col("leefeenheid", "leefeenheid", S(1)),
    col("huisarts", "huisarts", S(8)),
    col("communicatievorm", "communicatievorm", S(1)),
    col("taal", "taal", S(25)),
    *_bookkeeping(),
    sa.UniqueConstraint("zorgkantoor", "clientID", name="uq_br_client_tenant_id"),
    sa.UniqueConstraint("zorgkantoor", "bsn", name="uq_br_client_tenant_bsn"),
)

bemiddeling = sa.Table(
    "br_bemiddeling",
    metadata,
    col("bemiddeling_id", "bemiddelingID", sa.Uuid(), primary_key=True),
    _tenant(),
    col("client_id", "clientID", sa.Uuid(), nullable=False, index=True),
    col("wlz_indicatie_id", "wlzIndicatieID", sa.Uuid(), nullable=False, index=True),
    col("verantwoordelijk_zorgkantoor", "verantwoordelijkZorgkantoor", S(4), nullable=False),
    col(
        "verantwoordelijkheid_ingangsdatum",
        "verantwoordelijkheidIngangsdatum",
        sa.Date(),
        nullable=False,
    ),
    col("verantwoordelijkheid_einddatum", "verantwoordelijkheidEinddatum", sa.Date()),
    *_bookkeeping(),
    sa.UniqueConstraint("zorgkantoor", "bemiddelingID", name="uq_br_bemiddeling_tenant_id"),
    _fk("clientID", "br_client", "clientID", "fk_br_bemiddeling_client"),
)


def _root_bemiddeling() -> sa.Column[Any]:
    return col("bemiddeling_id", "bemiddelingID", sa.Uuid(), nullable=False, index=True)


def _root_fk(table: str) -> sa.ForeignKeyConstraint:
    return _fk("bemiddelingID", "br_bemiddeling", "bemiddelingID", f"fk_{table}_bemiddeling")


bemiddelingspecificatie = sa.Table(
    "br_bemiddelingspecificatie",
    metadata,
    col("bemiddelingspecificatie_id", "bemiddelingspecificatieID", sa.Uuid(), primary_key=True),
    _tenant(),
    _root_bemiddeling(),
    col("leveringsvorm", "leveringsvorm", S(2), nullable=False),
    col("zzp_code", "zzpCode", S(3), nullable=False),
    col("toewijzing_ingangsdatum", "toewijzingIngangsdatum", sa.Date(), nullable=False),
    col("instelling", "instelling", S(8), index=True),
    col("uitvoerend_zorgkantoor", "uitvoerendZorgkantoor", S(4), nullable=False, index=True),
    col("vaststelling_moment", "vaststellingMoment", UTCDateTime(), nullable=False),
    col("toewijzing_einddatum", "toewijzingEinddatum", sa.Date()),
    col("percentage", "percentage", sa.Integer()),
    col("pgb_percentage", "pgbPercentage", sa.Integer()),
    col("opname", "opname", S(1)),
    col("reden_intrekking", "redenIntrekking", S(2)),
    col("etmalen", "etmalen", S(3)),
    col("instelling_bestemming", "instellingBestemming", S(8)),
    col("soort_toewijzing", "soortToewijzing", S(2), nullable=False),
    *_bookkeeping(),
    sa.UniqueConstraint(
        "zorgkantoor", "bemiddelingspecificatieID", name="uq_br_bemiddelingspecificatie_tenant_id"
    ),
    _root_fk("br_bemiddelingspecificatie"),
)

regiehouder = sa.Table(
    "br_regiehouder",
    metadata,
    col("regiehouder_id", "regiehouderID", sa.Uuid(), primary_key=True),
    _tenant(),
    _root_bemiddeling(),
    col("instelling", "instelling", S(8), nullable=False, index=True),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
    col("regierol", "regierol", S(40), nullable=False),
    # Filter/sort key `client` of RegiehouderFilterInput: denormalised from the Bemiddeling.
    col("client_id", "clientID", sa.Uuid(), nullable=False, index=True),
    *_bookkeeping(),
    _root_fk("br_regiehouder"),
    _fk("clientID", "br_client", "clientID", "fk_br_regiehouder_client"),
)

overdracht = sa.Table(
    "br_overdracht",
    metadata,
    col("overdracht_id", "overdrachtID", sa.Uuid(), primary_key=True),
    _tenant(),
    # Bemiddeling.overdracht is to-one: at most one overdracht per bemiddeling.
    col("bemiddeling_id", "bemiddelingID", sa.Uuid(), nullable=False, unique=True),
    col("verantwoordelijk_zorgkantoor", "verantwoordelijkZorgkantoor", S(4), nullable=False),
    col("overdracht_datum", "overdrachtDatum", sa.Date(), nullable=False),
    col("verhuis_datum", "verhuisDatum", sa.Date(), nullable=False),
    col("vaststelling_moment", "vaststellingMoment", UTCDateTime(), nullable=False),
    *_bookkeeping(),
    sa.UniqueConstraint("zorgkantoor", "overdrachtID", name="uq_br_overdracht_tenant_id"),
    _root_fk("br_overdracht"),
)

overdrachtspecificatie = sa.Table(
    "br_overdrachtspecificatie",
    metadata,
    col("overdrachtspecificatie_id", "overdrachtspecificatieID", sa.Uuid(), primary_key=True),
    _tenant(),
    _root_bemiddeling(),
    col("overdracht_id", "overdrachtID", sa.Uuid(), nullable=False, index=True),
    # Bemiddelingspecificatie.overdrachtspecificatie is to-one.
    col(
        "bemiddelingspecificatie_id",
        "bemiddelingspecificatieID",
        sa.Uuid(),
        nullable=False,
        unique=True,
    ),
    col("leveringsstatus", "leveringsstatus", S(1), nullable=False),
    col("leveringsstatus_classificatie", "leveringsstatusClassificatie", S(2)),
    col(
        "oorspronkelijke_toewijzing_einddatum",
        "oorspronkelijkeToewijzingEinddatum",
        sa.Date(),
    ),
    _root_fk("br_overdrachtspecificatie"),
    _fk("overdrachtID", "br_overdracht", "overdrachtID", "fk_br_ospec_overdracht"),
    _fk(
        "bemiddelingspecificatieID",
        "br_bemiddelingspecificatie",
        "bemiddelingspecificatieID",
        "fk_br_ospec_bspec",
    ),
)

contactpersoon = sa.Table(
    "br_contactpersoon",
    metadata,
    col("contactpersoon_id", "contactpersoonID", sa.Uuid(), primary_key=True),
    _tenant(),
    col("client_id", "clientID", sa.Uuid(), nullable=False, index=True),
    col("relatienummer", "relatienummer", S(20), nullable=False),
    col("volgorde", "volgorde", sa.Integer()),
    col("soort_relatie", "soortRelatie", S(2), nullable=False),
    col("rol", "rol", S(10)),
    col("relatie", "relatie", S(10)),
    col("geslachtsnaam", "geslachtsnaam", S(200)),
    col("voorvoegsel_geslachtsnaam", "voorvoegselGeslachtsnaam", S(10)),
    col("partnernaam", "partnernaam", S(200)),
    col("voorvoegsel_partnernaam", "voorvoegselPartnernaam", S(10)),
    col("voornamen", "voornamen", S(200)),
    col("voorletters", "voorletters", S(6)),
    col("roepnaam", "roepnaam", S(200)),
    col("naamgebruik", "naamgebruik", S(1)),
    col("geslacht", "geslacht", S(1)),
    col("geboortedatum", "geboortedatum", sa.Date()),
    col("geboortedatumgebruik", "geboortedatumgebruik", S(1)),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
    sa.UniqueConstraint("zorgkantoor", "contactpersoonID", name="uq_br_contactpersoon_tenant_id"),
    _fk("clientID", "br_client", "clientID", "fk_br_contactpersoon_client"),
)

client_contactgegevens = sa.Table(
    "br_client_contactgegevens",
    metadata,
    col("client_contactgegevens_id", "clientContactgegevensID", sa.Uuid(), primary_key=True),
    _tenant(),
    col("client_id", "clientID", sa.Uuid(), nullable=False, index=True),
    *_contactgegevens_columns(),
    _fk("clientID", "br_client", "clientID", "fk_br_client_contactgegevens_client"),
)

contactpersoon_contactgegevens = sa.Table(
    "br_contactpersoon_contactgegevens",
    metadata,
    col(
        "contactpersoon_contactgegevens_id",
        "contactpersoonContactgegevensID",
        sa.Uuid(),
        primary_key=True,
    ),
    _tenant(),
    col("client_id", "clientID", sa.Uuid(), nullable=False, index=True),
    col("contactpersoon_id", "contactpersoonID", sa.Uuid(), nullable=False, index=True),
    *_contactgegevens_columns(),
    _fk(
        "contactpersoonID",
        "br_contactpersoon",
        "contactpersoonID",
        "fk_br_cp_contactgegevens_contactpersoon",
    ),
)

# Every table, parents before children (insert order; reverse for deletes).
TABLES: tuple[sa.Table, ...] = (
    client,
    bemiddeling,
    bemiddelingspecificatie,
    regiehouder,
    overdracht,
    overdrachtspecificatie,
    contactpersoon,
    client_contactgegevens,
    contactpersoon_contactgegevens,
)

# Bookkeeping columns that are not fields of the standard's object types.
BOOKKEEPING = frozenset({"versie", "geregistreerdOp", "gewijzigdOp"})
