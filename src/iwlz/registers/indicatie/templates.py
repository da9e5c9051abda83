"""The Indicatieregister's query templates (QIR-0001, QIR-0002, QIR-0005) as request texts.

The network's PDP only allows queries whose selection lies within a use case's template, so
clients (the demo's participants, benchmarks, vendors reading the docs) should send these.
QIR-0003/0004 select Indicatieregister 3 fields (``vervallenGeldigheid``) that this register
version does not have; a subset of these texts without ``vervaldatum`` serves them.
"""

from __future__ import annotations


def selection(*, huisletter: bool = False, vervaldatum: bool = True) -> str:
    """The full WlzIndicatie selection of the templates."""
    adres = (
        "adresID adresSoort straatnaam huisnummer "
        + ("huisletter " if huisletter else "")
        + "huisnummerToevoeging postcode plaatsnaam landCode aanduidingWoonadres "
        "ingangsdatum einddatum"
    )
    contact_gegevens = (
        "contactGegevens { contactGegevensID adres { " + adres + " } "
        "email { emailID emailadres ingangsdatum einddatum } "
        "telefoon { telefoonID telefoonnummer landnummer ingangsdatum einddatum } }"
    )
    return (
        "wlzindicatieID bsn besluitnummer soortWlzindicatie afgiftedatum ingangsdatum einddatum "
        "meerzorg initieelVerantwoordelijkZorgkantoor "
        + ("vervaldatum " if vervaldatum else "")
        + "commentaar "
        "grondslag { grondslagID grondslag volgorde } "
        "geindiceerdZorgzwaartepakket { geindiceerdZorgzwaartepakketID zzpCode ingangsdatum "
        "einddatum voorkeurClient instellingVoorkeur financiering commentaar } "
        "beperking { beperkingID categorie duur commentaar "
        "beperkingScore { beperkingScoreID beperkingVraag beperkingScore commentaar } } "
        "stoornis { stoornisID grondslag diagnoseCodelijst diagnoseSubCodelijst "
        "ziektebeeldStoornis prognose commentaar } "
        "stoornisScore { stoornisScoreID stoornisVraag stoornisScore commentaar } "
        "wzd { wzdID wzdVerklaring ingangsdatum einddatum } "
        "client { clientID bsn geheimeClient geboorteDatum geboortedatumGebruik geslacht "
        "burgerlijkeStaat geslachtsnaam voorvoegselGeslachtsnaam partnernaam "
        "voorvoegselPartnernaam voornamen roepnaam voorletters naamGebruik leefeenheid "
        "agbcodeHuisarts communicatieVorm taal commentaar "
        + contact_gegevens
        + " contactPersoon { contactPersoonID relatieNummer volgorde soortRelatie rol relatie "
        "voornamen roepnaam voorletters geslachtsnaam voorvoegselGeslachtsnaam partnernaam "
        "voorvoegselPartnernaam naamGebruik geslacht geboorteDatum geboortedatumGebruik "
        "ingangsdatum einddatum " + contact_gegevens + " } }"
    )


QIR_0001 = (
    "query WlzIndicatie($wlzIndicatieID: UUID!, $initieelVerantwoordelijkZorgkantoor: String!) "
    "{ wlzIndicatie(where: {wlzindicatieID: {eq: $wlzIndicatieID}, "
    "initieelVerantwoordelijkZorgkantoor: {eq: $initieelVerantwoordelijkZorgkantoor}}) { "
    + selection()
    + " } }"
)
"""UCIR-0001: the initially responsible zorgkantoor (variables wlzIndicatieID,
initieelVerantwoordelijkZorgkantoor)."""

QIR_0002 = (
    "query WlzIndicatie($wlzIndicatieID: UUID!, $agbCodeInstelling: String!) "
    "{ wlzIndicatie(where: {wlzindicatieID: {eq: $wlzIndicatieID}, "
    "agbCodeInstelling: {eq: $agbCodeInstelling}}) { " + selection() + " } }"
)
"""UCIR-0002: a zorgaanbieder with a bemiddelingspecificatie (wlzIndicatieID,
agbCodeInstelling)."""

QIR_0003 = (
    "query WlzIndicatie($wlzIndicatieID: UUID!) "
    "{ wlzIndicatie(where: {wlzindicatieID: {eq: $wlzIndicatieID}}) { "
    + selection(huisletter=True, vervaldatum=False)
    + " } }"
)
"""UCIR-0003 / UCIR-0004: newly responsible or executing zorgkantoor (wlzIndicatieID)."""

QIR_0005 = (
    "query WlzIndicatieID($Bsn: String!, $Besluitnummer: Int!, $Afgiftedatum: Date!, "
    "$Ingangsdatum: Date!) { wlzIndicatie(where: {bsn: {eq: $Bsn}, besluitnummer: "
    "{eq: $Besluitnummer}, afgiftedatum: {eq: $Afgiftedatum}, ingangsdatum: "
    "{eq: $Ingangsdatum}}) { " + selection(huisletter=True) + " } }"
)
"""UCIR-0005: newly responsible zorgkantoor after a ZK31 message (Bsn, Besluitnummer,
Afgiftedatum, Ingangsdatum)."""
