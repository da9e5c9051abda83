"""Indicatieregister storage (object types of Indicatieregister 2, schema 1.6.4–1.7.0).

Database columns are snake_case; each column's SQLAlchemy ``key`` is the exact field name of
the standard, so rows selected with :func:`labelled` come back keyed as the GraphQL type.
Every child table carries the root ``wlzindicatieID``: one query per table loads the children
of any number of indications, whatever their depth (no N+1).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

ROOT = "wlzindicatieID"


def col(
    name: str,
    key: str,
    type_: Any,
    *args: Any,
    **kwargs: Any,
) -> sa.Column[Any]:
    """A column named ``name`` in SQL and ``key`` (the standard's field name) in Python."""
    return sa.Column(name, type_, *args, key=key, **kwargs)


def _root_fk() -> sa.Column[Any]:
    return col(
        "wlzindicatie_id",
        ROOT,
        sa.Uuid(),
        sa.ForeignKey("ir_wlz_indicatie.wlzindicatieID", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


S = sa.String

wlz_indicatie = sa.Table(
    "ir_wlz_indicatie",
    metadata,
    col("wlzindicatie_id", ROOT, sa.Uuid(), primary_key=True),
    col("bsn", "bsn", S(9), nullable=False, index=True),
    col("besluitnummer", "besluitnummer", sa.Integer(), nullable=False),
    col("soort_wlzindicatie", "soortWlzindicatie", S(2), nullable=False),
    col("afgiftedatum", "afgiftedatum", sa.Date(), nullable=False),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
    col("meerzorg", "meerzorg", S(1)),
    col(
        "initieel_verantwoordelijk_zorgkantoor",
        "initieelVerantwoordelijkZorgkantoor",
        S(4),
        nullable=False,
        index=True,
    ),
    col("vervaldatum", "vervaldatum", sa.Date()),
    col("commentaar", "commentaar", sa.Text()),
    # Bookkeeping, not part of the standard's object type.
    col("versie", "versie", sa.Integer(), nullable=False, server_default="1"),
    col("geregistreerd_op", "geregistreerdOp", UTCDateTime(), nullable=False),
    col("gewijzigd_op", "gewijzigdOp", UTCDateTime(), nullable=False),
    sa.Index("ix_ir_wlz_indicatie_besluit", "bsn", "besluitnummer"),
)

grondslag = sa.Table(
    "ir_grondslag",
    metadata,
    col("grondslag_id", "grondslagID", sa.Uuid(), primary_key=True),
    _root_fk(),
    col("grondslag", "grondslag", S(2), nullable=False),
    col("volgorde", "volgorde", sa.Integer(), nullable=False),
)

geindiceerd_zorgzwaartepakket = sa.Table(
    "ir_geindiceerd_zorgzwaartepakket",
    metadata,
    col(
        "geindiceerd_zorgzwaartepakket_id",
        "geindiceerdZorgzwaartepakketID",
        sa.Uuid(),
        primary_key=True,
    ),
    _root_fk(),
    col("zzp_code", "zzpCode", S(3), nullable=False),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
    col("voorkeur_client", "voorkeurClient", S(2)),
    col("instelling_voorkeur", "instellingVoorkeur", S(8)),
    col("financiering", "financiering", S(2), nullable=False),
    col("commentaar", "commentaar", sa.Text()),
)

beperking = sa.Table(
    "ir_beperking",
    metadata,
    col("beperking_id", "beperkingID", sa.Uuid(), primary_key=True),
    _root_fk(),
    col("categorie", "categorie", S(2), nullable=False),
    col("duur", "duur", S(2)),
    col("commentaar", "commentaar", sa.Text()),
)

beperking_score = sa.Table(
    "ir_beperking_score",
    metadata,
    col("beperking_score_id", "beperkingScoreID", sa.Uuid(), primary_key=True),
    _root_fk(),
    col(
        "beperking_id",
        "beperkingID",
        sa.Uuid(),
        sa.ForeignKey("ir_beperking.beperkingID", ondelete="CASCADE"),
        nullable=False,
    ),
    col("beperking_vraag", "beperkingVraag", S(4), nullable=False),
    col("beperking_score", "beperkingScore", S(2), nullable=False),
    col("commentaar", "commentaar", sa.Text()),
)

stoornis = sa.Table(
    "ir_stoornis",
    metadata,
    col("stoornis_id", "stoornisID", sa.Uuid(), primary_key=True),
    _root_fk(),
    col("grondslag", "grondslag", S(2), nullable=False),
    col("diagnose_codelijst", "diagnoseCodelijst", S(3), nullable=False),
    col("diagnose_sub_codelijst", "diagnoseSubCodelijst", S(2)),
    col("ziektebeeld_stoornis", "ziektebeeldStoornis", S(8), nullable=False),
    col("prognose", "prognose", S(1)),
    col("commentaar", "commentaar", sa.Text()),
)

stoornis_score = sa.Table(
    "ir_stoornis_score",
    metadata,
    col("stoornis_score_id", "stoornisScoreID", sa.Uuid(), primary_key=True),
    _root_fk(),
    col("stoornis_vraag", "stoornisVraag", S(4), nullable=False),
    col("stoornis_score", "stoornisScore", S(2), nullable=False),
    col("commentaar", "commentaar", sa.Text()),
)

wzd = sa.Table(
    "ir_wzd",
    metadata,
    col("wzd_id", "wzdID", sa.Uuid(), primary_key=True),
    col(
        "wlzindicatie_id",
        ROOT,
        sa.Uuid(),
        sa.ForeignKey("ir_wlz_indicatie.wlzindicatieID", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    col("wzd_verklaring", "wzdVerklaring", S(1), nullable=False),
    col("ingangsdatum", "ingangsdatum", sa.Date()),
    col("einddatum", "einddatum", sa.Date()),
)

client = sa.Table(
    "ir_client",
    metadata,
    col("client_id", "clientID", sa.Uuid(), primary_key=True),
    col(
        "wlzindicatie_id",
        ROOT,
        sa.Uuid(),
        sa.ForeignKey("ir_wlz_indicatie.wlzindicatieID", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    col("bsn", "bsn", S(9), nullable=False),
    col("geheime_client", "geheimeClient", S(1), nullable=False),
    col("geboorte_datum", "geboorteDatum", sa.Date(), nullable=False),
    col("geboortedatum_gebruik", "geboortedatumGebruik", S(1)),
    col("geslacht", "geslacht", S(1), nullable=False),
    col("burgerlijke_staat", "burgerlijkeStaat", S(1)),
    col("geslachtsnaam", "geslachtsnaam", S(200), nullable=False),
    col("voorvoegsel_geslachtsnaam", "voorvoegselGeslachtsnaam", S(10)),
    col("partnernaam", "partnernaam", S(200)),
    col("voorvoegsel_partnernaam", "voorvoegselPartnernaam", S(10)),
    col("voornamen", "voornamen", S(200)),
    col("roepnaam", "roepnaam", S(200)),
    col("voorletters", "voorletters", S(6)),
    col("naam_gebruik", "naamGebruik", S(1), nullable=False),
    col("leefeenheid", "leefeenheid", S(1)),
    col("agbcode_huisarts", "agbcodeHuisarts", S(8)),
    col("communicatie_vorm", "communicatieVorm", S(1)),
    col("taal", "taal", S(25)),
    col("commentaar", "commentaar", sa.Text()),
)

contact_persoon = sa.Table(
    "ir_contact_persoon",
    metadata,
    col("contact_persoon_id", "contactPersoonID", sa.Uuid(), primary_key=True),
    _root_fk(),
    col(
        "client_id",
        "clientID",
        sa.Uuid(),
        sa.ForeignKey("ir_client.clientID", ondelete="CASCADE"),
        nullable=False,
    ),
    col("relatie_nummer", "relatieNummer", S(20), nullable=False),
    col("volgorde", "volgorde", sa.Integer()),
    col("soort_relatie", "soortRelatie", S(2), nullable=False),
    col("rol", "rol", S(10)),
    col("relatie", "relatie", S(10)),
    col("organisatie_naam", "organisatieNaam", S(35)),
    col("voornamen", "voornamen", S(200)),
    col("roepnaam", "roepnaam", S(200)),
    col("voorletters", "voorletters", S(6)),
    col("geslachtsnaam", "geslachtsnaam", S(200)),
    col("voorvoegsel_geslachtsnaam", "voorvoegselGeslachtsnaam", S(10)),
    col("partnernaam", "partnernaam", S(200)),
    col("voorvoegsel_partnernaam", "voorvoegselPartnernaam", S(10)),
    col("naam_gebruik", "naamGebruik", S(1)),
    col("geslacht", "geslacht", S(1)),
    col("geboorte_datum", "geboorteDatum", sa.Date()),
    col("geboortedatum_gebruik", "geboortedatumGebruik", S(1)),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
)

contact_gegevens = sa.Table(
    "ir_contact_gegevens",
    metadata,
    col("contact_gegevens_id", "contactGegevensID", sa.Uuid(), primary_key=True),
    _root_fk(),
    # Exactly one owner: the client itself or one of its contact persons.
    col(
        "client_id", "clientID", sa.Uuid(), sa.ForeignKey("ir_client.clientID", ondelete="CASCADE")
    ),
    col(
        "contact_persoon_id",
        "contactPersoonID",
        sa.Uuid(),
        sa.ForeignKey("ir_contact_persoon.contactPersoonID", ondelete="CASCADE"),
    ),
    sa.CheckConstraint("(client_id IS NULL) <> (contact_persoon_id IS NULL)", name="een_eigenaar"),
)


def _gegevens_fk() -> sa.Column[Any]:
    return col(
        "contact_gegevens_id",
        "contactGegevensID",
        sa.Uuid(),
        sa.ForeignKey("ir_contact_gegevens.contactGegevensID", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    )


adres = sa.Table(
    "ir_adres",
    metadata,
    col("adres_id", "adresID", sa.Uuid(), primary_key=True),
    _root_fk(),
    _gegevens_fk(),
    col("adres_soort", "adresSoort", S(2), nullable=False),
    col("straatnaam", "straatnaam", S(24)),
    col("huisnummer", "huisnummer", sa.Integer()),
    col("huisletter", "huisletter", S(1)),
    col("huisnummer_toevoeging", "huisnummerToevoeging", S(4)),
    col("postcode", "postcode", S(8)),
    col("plaatsnaam", "plaatsnaam", S(80)),
    col("land_code", "landCode", S(2)),
    col("aanduiding_woonadres", "aanduidingWoonadres", S(2)),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
    # Not in the standard: the BRP gemeente, kept because the zorgkantoor follows from it.
    col("gemeentecode", "gemeentecode", S(4)),
)

telefoon = sa.Table(
    "ir_telefoon",
    metadata,
    col("telefoon_id", "telefoonID", sa.Uuid(), primary_key=True),
    _root_fk(),
    _gegevens_fk(),
    col("telefoonnummer", "telefoonnummer", S(15), nullable=False),
    col("landnummer", "landnummer", S(4)),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
)

email = sa.Table(
    "ir_email",
    metadata,
    col("email_id", "emailID", sa.Uuid(), primary_key=True),
    _root_fk(),
    _gegevens_fk(),
    col("emailadres", "emailadres", S(80), nullable=False),
    col("ingangsdatum", "ingangsdatum", sa.Date(), nullable=False),
    col("einddatum", "einddatum", sa.Date()),
)

# Children in insert order (parents before children) and reverse for deletes.
CHILD_TABLES: tuple[sa.Table, ...] = (
    client,
    grondslag,
    geindiceerd_zorgzwaartepakket,
    beperking,
    beperking_score,
    stoornis,
    stoornis_score,
    wzd,
    contact_persoon,
    contact_gegevens,
    adres,
    telefoon,
    email,
)


def labelled(table: sa.Table) -> sa.Select[Any]:
    """SELECT every column of ``table`` labelled with its standard field name."""
    return sa.select(*[c.label(c.key) for c in table.c])
