"""What the 22 iWlz 2.2 messages look like: every element in schema order, with its namespace,
cardinality and simple type (messages.md §1–2).

The structure is the standard's (the official XSDs, tag ``iWlz2.2-v1.0``); the description is
ours, so that messages can be written, read and checked without the XSDs at hand. The building
blocks (``LDT_*``, ``CDT_*``) are in :mod:`iwlz.berichten.model_basis`.

* ``E(naam, type, min, max)`` is an element in the message's own namespace, ``B(…)`` one in the
  basisschema namespace (a child of a ``CDT_*`` type: ``elementFormDefault="qualified"``);
  ``max=N`` is unbounded.
* A message's own complex types are shared between messages where the XSDs define them alike
  (a ``_IO31``/``_AW33``… suffix names the first message of a variant).
* Only the 11 heen messages are described here. A retour is derived from its heen
  (:func:`retour_van`, messages.md §1.4): retour namespace and ``BerichtCode`` + 1, the four
  retour header fields after ``XsdVersie``, an optional header ``RetourCodes``, a mandatory
  ``RetourCodes`` as the last child of every berichtklasse, and the body optional.

tests/berichten/test_model.py checks every descriptor against the official XSDs when they are
present.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from iwlz.berichten.catalogus import BERICHT_SUBVERSIE, BERICHT_VERSIE, bericht
from iwlz.berichten.model_basis import (
    LDT_UUID,
    CDT_Adres,
    CDT_BerichtIdentificatie,
    CDT_BijzondereSituatie,
    CDT_Communicatie,
    CDT_Geboortedatum,
    CDT_GeslotenPeriode,
    CDT_Grondslagen,
    CDT_OpenPeriode,
    CDT_Telefoonnummers,
    CDT_VerkorteNaam,
    CDT_VolledigeNaam,
    CDT_Wzd,
    CDT_XsdVersie,
    E,
    Element,
    LDT_AdresSoort,
    LDT_AgbCode,
    LDT_BeperkingCategorie,
    LDT_BeperkingScore,
    LDT_BeperkingVraag,
    LDT_BerichtCode,
    LDT_BerichtSubversie,
    LDT_BerichtVersie,
    LDT_Besluitnummer,
    LDT_BurgerlijkeStaat,
    LDT_BurgerServicenummer,
    LDT_Commentaar,
    LDT_Datum,
    LDT_DiagnoseCodelijst,
    LDT_DiagnoseSubcodelijst,
    LDT_Duur,
    LDT_Emailadres,
    LDT_Etmalen,
    LDT_Financiering,
    LDT_FunctieCode,
    LDT_Geslacht,
    LDT_Grondslag,
    LDT_IdentificatieBericht,
    LDT_iWlzAgbCode,
    LDT_Jaar,
    LDT_JaNee,
    LDT_Klasse,
    LDT_LandCode,
    LDT_Leefeenheid,
    LDT_Leveringsstatus,
    LDT_LeveringsstatusClassificatie,
    LDT_Leveringsvoorwaarde,
    LDT_Leveringsvorm,
    LDT_MutatieCode,
    LDT_Nummer,
    LDT_Opslag,
    LDT_Organisatienaam,
    LDT_Percentage,
    LDT_Persoonsid,
    LDT_Postcode,
    LDT_Prognose,
    LDT_RedenIntrekking,
    LDT_RelatieVolgorde,
    LDT_RetourCode,
    LDT_SoortIndicatie,
    LDT_SoortRelatie,
    LDT_SoortToewijzing,
    LDT_StatusAanlevering,
    LDT_StoornisCode,
    LDT_StoornisScore,
    LDT_StoornisVraag,
    LDT_Tijd,
    LDT_Versie,
    LDT_Vervoer,
    LDT_VoorkeurClient,
    LDT_ZorgkantoorCode,
    LDT_ZzpCode,
    N,
    S,
    Samengesteld,
)

__all__ = ["HEEN", "descriptor", "retour_van"]

_PARTIJ = {"ZK": LDT_ZorgkantoorCode, "ZA": LDT_iWlzAgbCode}


def _header(code: str) -> Samengesteld:
    t = bericht(code)
    kinderen = [
        E("BerichtCode", LDT_BerichtCode.beperk(t.berichtcode)),
        E("BerichtVersie", LDT_BerichtVersie.beperk(BERICHT_VERSIE)),
        E("BerichtSubversie", LDT_BerichtSubversie.beperk(BERICHT_SUBVERSIE)),
    ]
    if t.afzender is not None:
        kinderen.append(E("Afzender", _PARTIJ[t.afzender]))
    if t.ontvanger is not None:
        kinderen.append(E("Ontvanger", _PARTIJ[t.ontvanger]))
    if code in ("AW317", "AW318"):
        kinderen.append(E("Periode", CDT_GeslotenPeriode))
    kinderen += [
        E("BerichtIdentificatie", CDT_BerichtIdentificatie),
        E("XsdVersie", CDT_XsdVersie),
    ]
    return S("Header", *kinderen)


def _bericht(code: str, body: Element) -> Element:
    return E("Bericht", S("Root", E("Header", _header(code)), body))


# --- the messages' own complex types, innermost first

CONTACT = S(
    "Contact",
    E("Soort", LDT_AdresSoort),
    E("Adres", CDT_Adres, 0),
    E("Organisatie", LDT_Organisatienaam, 0),
    E("Telefoon", CDT_Telefoonnummers, 0),
    E("Emailadres", LDT_Emailadres, 0),
    E("Periode", CDT_OpenPeriode, 0),
)
RELATIE = S(
    "Relatie",
    E("Nummer", LDT_Persoonsid),
    E("Volgorde", LDT_RelatieVolgorde, 0),
    E("Soort", LDT_SoortRelatie),
    E("Geboortedatum", CDT_Geboortedatum, 0),
    E("Geslacht", LDT_Geslacht, 0),
    E("Naam", CDT_VolledigeNaam),
    E("Contact", CONTACT),
)
RELATIES = S("Relaties", E("Relatie", RELATIE, 1, N))
CONTACTGEGEVENS = S("Contactgegevens", E("Contact", CONTACT, 1, N))
STOORNIS_IO31 = S(
    "Stoornis",
    E("Grondslag", LDT_Grondslag),
    E("DiagnoseCodelijst", LDT_DiagnoseCodelijst),
    E("DiagnoseSubcodelijst", LDT_DiagnoseSubcodelijst, 0),
    E("ZiektebeeldStoornis", LDT_StoornisCode),
    E("Prognose", LDT_Prognose, 0),
    E("Commentaar", LDT_Commentaar, 0),
)
STOORNISSEN_IO31 = S("Stoornissen", E("Stoornis", STOORNIS_IO31, 1, N))
BEPERKINGSCORE = S(
    "BeperkingScore",
    E("Vraag", LDT_BeperkingVraag),
    E("Score", LDT_BeperkingScore),
    E("Commentaar", LDT_Commentaar, 0),
)
BEPERKINGSCORES = S("BeperkingScores", E("BeperkingScore", BEPERKINGSCORE, 1, N))
BEPERKING_IO31 = S(
    "Beperking",
    E("Categorie", LDT_BeperkingCategorie),
    E("Duur", LDT_Duur, 0),
    E("Commentaar", LDT_Commentaar, 0),
    E("BeperkingScores", BEPERKINGSCORES, 0),
)
BEPERKINGEN_IO31 = S("Beperkingen", E("Beperking", BEPERKING_IO31, 1, N))
GEINDICEERDEFUNCTIE_IO31 = S(
    "GeindiceerdeFunctie",
    E("FunctieCode", LDT_FunctieCode),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Klasse", LDT_Klasse),
    E("Opslag", LDT_Opslag, 0),
    E("Leveringsvoorwaarde", LDT_Leveringsvoorwaarde),
    E("Vervoer", LDT_Vervoer, 0),
    E("InstellingVoorkeur", LDT_iWlzAgbCode, 0),
    E("Financiering", LDT_Financiering),
    E("Commentaar", LDT_Commentaar, 0),
)
GEINDICEERDEFUNCTIES_IO31 = S(
    "GeindiceerdeFuncties",
    E("GeindiceerdeFunctie", GEINDICEERDEFUNCTIE_IO31, 1, N),
)
STOORNISSCORE = S(
    "StoornisScore",
    E("Vraag", LDT_StoornisVraag),
    E("Score", LDT_StoornisScore),
    E("Commentaar", LDT_Commentaar, 0),
)
STOORNISSCORES = S("StoornisScores", E("StoornisScore", STOORNISSCORE, 1, N))
GEINDICEERDZORGZWAARTEPAKKET_IO31 = S(
    "GeindiceerdZorgzwaartepakket",
    E("ZzpCode", LDT_ZzpCode),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Klasse", LDT_Klasse),
    E("VoorkeurClient", LDT_VoorkeurClient, 0),
    E("InstellingVoorkeur", LDT_iWlzAgbCode, 0),
    E("Financiering", LDT_Financiering),
    E("Commentaar", LDT_Commentaar, 0),
)
GEINDICEERDEZORGZWAARTEPAKKETTEN_IO31 = S(
    "GeindiceerdeZorgzwaartepakketten",
    E("GeindiceerdZorgzwaartepakket", GEINDICEERDZORGZWAARTEPAKKET_IO31, 1, N),
)
INDICATIE_IO31 = S(
    "Indicatie",
    E("Besluitnummer", LDT_Besluitnummer),
    E("Soort", LDT_SoortIndicatie),
    E("Grondslagen", CDT_Grondslagen, 0),
    E("Afgiftedatum", LDT_Datum),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Meerzorg", LDT_JaNee, 0),
    E("Commentaar", LDT_Commentaar, 0),
    E("Stoornissen", STOORNISSEN_IO31, 0),
    E("Beperkingen", BEPERKINGEN_IO31, 0),
    E("GeindiceerdeFuncties", GEINDICEERDEFUNCTIES_IO31, 0),
    E("StoornisScores", STOORNISSCORES, 0),
    E("GeindiceerdeZorgzwaartepakketten", GEINDICEERDEZORGZWAARTEPAKKETTEN_IO31, 0),
)
CLIENT_IO31 = S(
    "Client",
    E("Bsn", LDT_BurgerServicenummer),
    E("GeheimeClient", LDT_JaNee),
    E("Geboortedatum", CDT_Geboortedatum),
    E("Geslacht", LDT_Geslacht),
    E("BurgerlijkeStaat", LDT_BurgerlijkeStaat, 0),
    E("Naam", CDT_VolledigeNaam),
    E("Leefeenheid", LDT_Leefeenheid),
    E("Huisarts", LDT_AgbCode, 0),
    E("Communicatie", CDT_Communicatie, 0),
    E("Wzd", CDT_Wzd, 0),
    E("Commentaar", LDT_Commentaar, 0),
    E("Relaties", RELATIES, 0),
    E("Contactgegevens", CONTACTGEGEVENS),
    E("Indicatie", INDICATIE_IO31),
)
CLIENTEN_IO31 = S("Clienten", E("Client", CLIENT_IO31, 1, N))
GEINDICEERDEFUNCTIE_AW33 = S(
    "GeindiceerdeFunctie",
    E("FunctieCode", LDT_FunctieCode),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Klasse", LDT_Klasse),
    E("Opslag", LDT_Opslag, 0),
    E("Leveringsvoorwaarde", LDT_Leveringsvoorwaarde),
    E("Vervoer", LDT_Vervoer, 0),
    E("Financiering", LDT_Financiering),
    E("Commentaar", LDT_Commentaar, 0),
)
GEINDICEERDEFUNCTIES_AW33 = S(
    "GeindiceerdeFuncties",
    E("GeindiceerdeFunctie", GEINDICEERDEFUNCTIE_AW33, 1, N),
)
TOEGEWEZENFUNCTIE_AW33 = S(
    "ToegewezenFunctie",
    E("FunctieCode", LDT_FunctieCode),
    E("Instelling", LDT_iWlzAgbCode),
    E("Zorgkantoor", LDT_ZorgkantoorCode),
    E("Soort", LDT_SoortToewijzing),
    E("Toewijzingsdatum", LDT_Datum),
    E("Toewijzingstijd", LDT_Tijd),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("RedenIntrekking", LDT_RedenIntrekking, 0),
    E("Klasse", LDT_Klasse),
    E("Opslag", LDT_Opslag, 0),
    E("Vervoer", LDT_Vervoer, 0),
    E("InstellingBestemming", LDT_iWlzAgbCode, 0),
)
TOEGEWEZENFUNCTIES_AW33 = S(
    "ToegewezenFuncties",
    E("ToegewezenFunctie", TOEGEWEZENFUNCTIE_AW33, 1, N),
)
GEINDICEERDZORGZWAARTEPAKKET_AW33 = S(
    "GeindiceerdZorgzwaartepakket",
    E("ZzpCode", LDT_ZzpCode),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Klasse", LDT_Klasse),
    E("VoorkeurClient", LDT_VoorkeurClient, 0),
    E("Financiering", LDT_Financiering),
    E("Commentaar", LDT_Commentaar, 0),
)
GEINDICEERDEZORGZWAARTEPAKKETTEN_AW33 = S(
    "GeindiceerdeZorgzwaartepakketten",
    E("GeindiceerdZorgzwaartepakket", GEINDICEERDZORGZWAARTEPAKKET_AW33, 1, N),
)
TOEGEWEZENZORGZWAARTEPAKKET_AW33 = S(
    "ToegewezenZorgzwaartepakket",
    E("ZzpCode", LDT_ZzpCode),
    E("Instelling", LDT_iWlzAgbCode, 0),
    E("Zorgkantoor", LDT_ZorgkantoorCode),
    E("Soort", LDT_SoortToewijzing),
    E("Toewijzingsdatum", LDT_Datum),
    E("Toewijzingstijd", LDT_Tijd),
    E("ToewijzingPercentage", LDT_Percentage.beperk("[1-9][0-9]*00"), 0),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("RedenIntrekking", LDT_RedenIntrekking, 0),
    E("Etmalen", LDT_Etmalen, 0),
    E("Klasse", LDT_Klasse, 0),
    E("InstellingBestemming", LDT_iWlzAgbCode, 0),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("Dossierhouder", LDT_iWlzAgbCode, 0),
    E("CoordinatorZorgThuis", LDT_iWlzAgbCode, 0),
    E("Opname", LDT_JaNee, 0),
)
TOEGEWEZENZORGZWAARTEPAKKETTEN_AW33 = S(
    "ToegewezenZorgzwaartepakketten",
    E("ToegewezenZorgzwaartepakket", TOEGEWEZENZORGZWAARTEPAKKET_AW33, 1, N),
)
INDICATIE_AW33 = S(
    "Indicatie",
    E("Besluitnummer", LDT_Besluitnummer),
    E("Soort", LDT_SoortIndicatie),
    E("Grondslagen", CDT_Grondslagen, 0),
    E("Afgiftedatum", LDT_Datum),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Commentaar", LDT_Commentaar, 0),
    E("Stoornissen", STOORNISSEN_IO31, 0),
    E("Beperkingen", BEPERKINGEN_IO31, 0),
    E("GeindiceerdeFuncties", GEINDICEERDEFUNCTIES_AW33, 0),
    E("StoornisScores", STOORNISSCORES, 0),
    E("ToegewezenFuncties", TOEGEWEZENFUNCTIES_AW33, 0),
    E("GeindiceerdeZorgzwaartepakketten", GEINDICEERDEZORGZWAARTEPAKKETTEN_AW33, 0),
    E("ToegewezenZorgzwaartepakketten", TOEGEWEZENZORGZWAARTEPAKKETTEN_AW33, 0),
)
CLIENT_AW33 = S(
    "Client",
    E("Bsn", LDT_BurgerServicenummer),
    E("GeheimeClient", LDT_JaNee),
    E("Geboortedatum", CDT_Geboortedatum),
    E("Geslacht", LDT_Geslacht),
    E("BurgerlijkeStaat", LDT_BurgerlijkeStaat, 0),
    E("Naam", CDT_VolledigeNaam),
    E("Leefeenheid", LDT_Leefeenheid),
    E("Huisarts", LDT_AgbCode, 0),
    E("Communicatie", CDT_Communicatie, 0),
    E("Wzd", CDT_Wzd, 0),
    E("Partneropname", LDT_JaNee),
    E("Commentaar", LDT_Commentaar, 0),
    E("Relaties", RELATIES, 0),
    E("Contactgegevens", CONTACTGEGEVENS),
    E("Indicatie", INDICATIE_AW33),
)
CLIENTEN_AW33 = S("Clienten", E("Client", CLIENT_AW33, 1, N))
GELEVERDEFUNCTIE = S(
    "GeleverdeFunctie",
    E("Besluitnummer", LDT_Nummer),
    E("FunctieCode", LDT_FunctieCode),
    E("ToewijzingIngangsdatum", LDT_Datum),
    E("Begindatum", LDT_Datum),
    E("Instelling", LDT_iWlzAgbCode),
    E("Klasse", LDT_Klasse),
    E("Opslag", LDT_Opslag, 0),
    E("StatusAanlevering", LDT_StatusAanlevering),
)
GELEVERDEFUNCTIES = S("GeleverdeFuncties", E("GeleverdeFunctie", GELEVERDEFUNCTIE, 1, N))
GELEVERDZORGZWAARTEPAKKET = S(
    "GeleverdZorgzwaartepakket",
    E("Besluitnummer", LDT_Nummer),
    E("ZzpCode", LDT_ZzpCode),
    E("ToewijzingIngangsdatum", LDT_Datum),
    E("Begindatum", LDT_Datum),
    E("Sleuteldatum", LDT_Datum, 0),
    E("Instelling", LDT_iWlzAgbCode),
    E("Etmalen", LDT_Etmalen, 0),
    E("Klasse", LDT_Klasse, 0),
    E("Leveringsstatus", LDT_Leveringsstatus),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("Behandeling", LDT_JaNee, 0),
    E("StatusAanlevering", LDT_StatusAanlevering),
)
GELEVERDEZORGZWAARTEPAKKETTEN = S(
    "GeleverdeZorgzwaartepakketten",
    E("GeleverdZorgzwaartepakket", GELEVERDZORGZWAARTEPAKKET, 1, N),
)
CLIENT_AW35 = S(
    "Client",
    E("Bsn", LDT_BurgerServicenummer),
    E("Geboortedatum", CDT_Geboortedatum),
    E("Geslacht", LDT_Geslacht),
    E("Naam", CDT_VerkorteNaam),
    E("GeleverdeFuncties", GELEVERDEFUNCTIES, 0),
    E("GeleverdeZorgzwaartepakketten", GELEVERDEZORGZWAARTEPAKKETTEN, 0),
)
CLIENTEN_AW35 = S("Clienten", E("Client", CLIENT_AW35, 1, N))
MUTATIEFUNCTIE = S(
    "MutatieFunctie",
    E("Besluitnummer", LDT_Nummer),
    E("FunctieCode", LDT_FunctieCode),
    E("ToewijzingIngangsdatum", LDT_Datum),
    E("Begindatum", LDT_Datum, 0),
    E("Instelling", LDT_iWlzAgbCode),
    E("Mutatiecode", LDT_MutatieCode),
    E("Mutatiedatum", LDT_Datum),
    E("InstellingBestemming", LDT_iWlzAgbCode, 0),
    E("StatusAanlevering", LDT_StatusAanlevering),
)
MUTATIEFUNCTIES = S("MutatieFuncties", E("MutatieFunctie", MUTATIEFUNCTIE, 1, N))
MUTATIEZORGZWAARTEPAKKET = S(
    "MutatieZorgzwaartepakket",
    E("Besluitnummer", LDT_Nummer),
    E("ZzpCode", LDT_ZzpCode),
    E("ToewijzingIngangsdatum", LDT_Datum),
    E("Begindatum", LDT_Datum, 0),
    E("Instelling", LDT_iWlzAgbCode),
    E("Mutatiecode", LDT_MutatieCode),
    E("Mutatiedatum", LDT_Datum),
    E("Leveringsstatus", LDT_Leveringsstatus),
    E("LeveringsstatusClassificatie", LDT_LeveringsstatusClassificatie, 0),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("InstellingBestemming", LDT_iWlzAgbCode, 0),
    E("StatusAanlevering", LDT_StatusAanlevering),
)
MUTATIEZORGZWAARTEPAKKETTEN = S(
    "MutatieZorgzwaartepakketten",
    E("MutatieZorgzwaartepakket", MUTATIEZORGZWAARTEPAKKET, 1, N),
)
AANVRAAGINSTELLING = S(
    "AanvraagInstelling",
    E("Instelling", LDT_iWlzAgbCode),
    E("Soort", LDT_SoortToewijzing),
    E("ToewijzingIngangsdatum", LDT_Datum),
    E("ToewijzingEinddatum", LDT_Datum, 0),
    E("ToewijzingPercentage", LDT_Percentage.beperk("[1-9][0-9]*00"), 0),
    E("Opname", LDT_JaNee, 0),
)
AANVRAAGINSTELLINGEN = S("AanvraagInstellingen", E("AanvraagInstelling", AANVRAAGINSTELLING, 1, N))
AANVRAAG = S(
    "Aanvraag",
    E("Besluitnummer", LDT_Nummer),
    E("Afgiftedatum", LDT_Datum),
    E("Instelling", LDT_iWlzAgbCode),
    E("ZzpCode", LDT_ZzpCode),
    E("Etmalen", LDT_Etmalen, 0),
    E("Klasse", LDT_Klasse, 0),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("Dossierhouder", LDT_iWlzAgbCode, 0),
    E("CoordinatorZorgThuis", LDT_iWlzAgbCode, 0),
    E("Doelmatig", LDT_JaNee, 0),
    E("BijzondereSituatie", CDT_BijzondereSituatie, 0),
    E("Verantwoord", LDT_JaNee, 0),
    E("AanvraagInstellingen", AANVRAAGINSTELLINGEN),
)
AANVRAGEN = S("Aanvragen", E("Aanvraag", AANVRAAG, 1, N))
CLIENT_AW39 = S(
    "Client",
    E("Bsn", LDT_BurgerServicenummer),
    E("Geboortedatum", CDT_Geboortedatum),
    E("Geslacht", LDT_Geslacht),
    E("Naam", CDT_VerkorteNaam),
    E("MutatieFuncties", MUTATIEFUNCTIES, 0),
    E("MutatieZorgzwaartepakketten", MUTATIEZORGZWAARTEPAKKETTEN, 0),
    E("Aanvragen", AANVRAGEN, 0),
)
CLIENTEN_AW39 = S("Clienten", E("Client", CLIENT_AW39, 1, N))
STOORNIS_AW317 = S(
    "Stoornis",
    E("Grondslag", LDT_Grondslag),
    E("DiagnoseCodelijst", LDT_DiagnoseCodelijst),
    E("DiagnoseSubcodelijst", LDT_DiagnoseSubcodelijst, 0),
    E("ZiektebeeldStoornis", LDT_StoornisCode),
)
STOORNISSEN_AW317 = S("Stoornissen", E("Stoornis", STOORNIS_AW317, 1, N))
BEPERKING_AW317 = S("Beperking", E("Categorie", LDT_BeperkingCategorie))
BEPERKINGEN_AW317 = S("Beperkingen", E("Beperking", BEPERKING_AW317, 1, N))
GEINDICEERDZORGZWAARTEPAKKET_AW317 = S(
    "GeindiceerdZorgzwaartepakket",
    E("ZzpCode", LDT_ZzpCode),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Klasse", LDT_Klasse),
    E("VoorkeurClient", LDT_VoorkeurClient, 0),
    E("Financiering", LDT_Financiering),
    E("ZietAfVanZorg", LDT_JaNee),
)
GEINDICEERDEZORGZWAARTEPAKKETTEN_AW317 = S(
    "GeindiceerdeZorgzwaartepakketten",
    E("GeindiceerdZorgzwaartepakket", GEINDICEERDZORGZWAARTEPAKKET_AW317, 1, N),
)
LEVERINGSSTATUS = S(
    "Leveringsstatus",
    E("IngangsdatumStatus", LDT_Datum),
    E("Leveringsstatus", LDT_Leveringsstatus),
    E("LeveringsstatusClassificatie", LDT_LeveringsstatusClassificatie, 0),
)
LEVERINGSSTATUSSEN = S("Leveringsstatussen", E("Leveringsstatus", LEVERINGSSTATUS, 1, N))
WACHTLIJSTZORGZWAARTEPAKKET = S(
    "WachtlijstZorgzwaartepakket",
    E("ZzpCode", LDT_ZzpCode),
    E("Soort", LDT_SoortToewijzing),
    E("Instelling", LDT_iWlzAgbCode, 0),
    E("Toewijzingsdatum", LDT_Datum),
    E("Ingangsdatum", LDT_Datum),
    E("Begindatum", LDT_Datum, 0),
    E("Mutatiedatum", LDT_Datum, 0),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("Etmalen", LDT_Etmalen, 0),
    E("Opname", LDT_JaNee, 0),
    E("Leveringsstatussen", LEVERINGSSTATUSSEN, 0),
)
WACHTLIJSTZORGZWAARTEPAKKETTEN = S(
    "WachtlijstZorgzwaartepakketten",
    E("WachtlijstZorgzwaartepakket", WACHTLIJSTZORGZWAARTEPAKKET, 1, N),
)
INDICATIE_AW317 = S(
    "Indicatie",
    E("VolgnummerIndicatie", LDT_Nummer),
    E("Soort", LDT_SoortIndicatie),
    E("Grondslagen", CDT_Grondslagen, 0),
    E("Afgiftedatum", LDT_Datum),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Stoornissen", STOORNISSEN_AW317, 0),
    E("Beperkingen", BEPERKINGEN_AW317, 0),
    E("GeindiceerdeZorgzwaartepakketten", GEINDICEERDEZORGZWAARTEPAKKETTEN_AW317, 0),
    E("WachtlijstZorgzwaartepakketten", WACHTLIJSTZORGZWAARTEPAKKETTEN, 0),
)
INDICATIES = S("Indicaties", E("Indicatie", INDICATIE_AW317, 1, N))
CLIENT_AW317 = S(
    "Client",
    E("Bsn", LDT_BurgerServicenummer),
    E("Geslacht", LDT_Geslacht),
    E("Geboortejaar", LDT_Jaar),
    E("Postcode", LDT_Postcode, 0),
    E("LandCode", LDT_LandCode),
    E("Indicaties", INDICATIES),
)
CLIENTEN_AW317 = S("Clienten", E("Client", CLIENT_AW317, 1, N))
GELEVERDEZORG = S(
    "GeleverdeZorg",
    E("GeleverdeZorgID", LDT_UUID),
    E("Startdatum", LDT_Datum),
    E("ZzpCode", LDT_ZzpCode),
    E("Instelling", LDT_iWlzAgbCode, 0),
    E("Etmalen", LDT_Etmalen, 0),
    E("Klasse", LDT_Klasse, 0),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("StatusAanlevering", LDT_StatusAanlevering),
)
ZORGLEVERINGEN = S("ZorgLeveringen", E("GeleverdeZorg", GELEVERDEZORG, 1, N))
CLIENT_CA317 = S("Client", E("Bsn", LDT_BurgerServicenummer), E("ZorgLeveringen", ZORGLEVERINGEN))
CLIENTEN_CA317 = S("Clienten", E("Client", CLIENT_CA317, 1, N))
MUTATIEZORG = S(
    "MutatieZorg",
    E("MutatieZorgID", LDT_UUID),
    E("Mutatiecode", LDT_MutatieCode),
    E("Mutatiedatum", LDT_Datum),
    E("StatusAanlevering", LDT_StatusAanlevering),
)
MUTATIESZORG = S("MutatiesZorg", E("MutatieZorg", MUTATIEZORG, 1, N))
CLIENT_CA319 = S("Client", E("Bsn", LDT_BurgerServicenummer), E("MutatiesZorg", MUTATIESZORG))
CLIENTEN_CA319 = S("Clienten", E("Client", CLIENT_CA319, 1, N))
TOEGEWEZENFUNCTIE_ZK31 = S(
    "ToegewezenFunctie",
    E("FunctieCode", LDT_FunctieCode),
    E("Instelling", LDT_iWlzAgbCode),
    E("Zorgkantoor", LDT_ZorgkantoorCode),
    E("Soort", LDT_SoortToewijzing),
    E("Toewijzingsdatum", LDT_Datum),
    E("Toewijzingstijd", LDT_Tijd),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Klasse", LDT_Klasse),
    E("Opslag", LDT_Opslag, 0),
    E("Vervoer", LDT_Vervoer, 0),
)
TOEGEWEZENFUNCTIES_ZK31 = S(
    "ToegewezenFuncties",
    E("ToegewezenFunctie", TOEGEWEZENFUNCTIE_ZK31, 1, N),
)
TOEGEWEZENZORGZWAARTEPAKKET_ZK31 = S(
    "ToegewezenZorgzwaartepakket",
    E("ZzpCode", LDT_ZzpCode),
    E("Instelling", LDT_iWlzAgbCode, 0),
    E("Zorgkantoor", LDT_ZorgkantoorCode),
    E("Soort", LDT_SoortToewijzing),
    E("Toewijzingsdatum", LDT_Datum),
    E("Toewijzingstijd", LDT_Tijd),
    E("ToewijzingPercentage", LDT_Percentage),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Etmalen", LDT_Etmalen, 0),
    E("Klasse", LDT_Klasse, 0),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("Dossierhouder", LDT_iWlzAgbCode, 0),
    E("CoordinatorZorgThuis", LDT_iWlzAgbCode, 0),
    E("Leveringsstatus", LDT_Leveringsstatus),
    E("LeveringsstatusClassificatie", LDT_LeveringsstatusClassificatie, 0),
    E("Opname", LDT_JaNee, 0),
)
TOEGEWEZENZORGZWAARTEPAKKETTEN_ZK31 = S(
    "ToegewezenZorgzwaartepakketten",
    E("ToegewezenZorgzwaartepakket", TOEGEWEZENZORGZWAARTEPAKKET_ZK31, 1, N),
)
INDICATIE_ZK31 = S(
    "Indicatie",
    E("Besluitnummer", LDT_Besluitnummer),
    E("Soort", LDT_SoortIndicatie),
    E("Grondslagen", CDT_Grondslagen, 0),
    E("Afgiftedatum", LDT_Datum),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Meerzorg", LDT_JaNee, 0),
    E("Overdrachtdatum", LDT_Datum),
    E("Commentaar", LDT_Commentaar, 0),
    E("Stoornissen", STOORNISSEN_IO31, 0),
    E("Beperkingen", BEPERKINGEN_IO31, 0),
    E("GeindiceerdeFuncties", GEINDICEERDEFUNCTIES_IO31, 0),
    E("StoornisScores", STOORNISSCORES, 0),
    E("ToegewezenFuncties", TOEGEWEZENFUNCTIES_ZK31, 0),
    E("GeindiceerdeZorgzwaartepakketten", GEINDICEERDEZORGZWAARTEPAKKETTEN_IO31, 0),
    E("ToegewezenZorgzwaartepakketten", TOEGEWEZENZORGZWAARTEPAKKETTEN_ZK31, 0),
)
CLIENT_ZK31 = S(
    "Client",
    E("Bsn", LDT_BurgerServicenummer),
    E("GeheimeClient", LDT_JaNee),
    E("Geboortedatum", CDT_Geboortedatum),
    E("Geslacht", LDT_Geslacht),
    E("BurgerlijkeStaat", LDT_BurgerlijkeStaat, 0),
    E("Naam", CDT_VolledigeNaam),
    E("Leefeenheid", LDT_Leefeenheid),
    E("Huisarts", LDT_AgbCode, 0),
    E("Communicatie", CDT_Communicatie, 0),
    E("Wzd", CDT_Wzd, 0),
    E("Verhuisdatum", LDT_Datum),
    E("Commentaar", LDT_Commentaar, 0),
    E("Relaties", RELATIES, 0),
    E("Contactgegevens", CONTACTGEGEVENS),
    E("Indicatie", INDICATIE_ZK31),
)
TOEGEWEZENZORGZWAARTEPAKKET_ZK33 = S(
    "ToegewezenZorgzwaartepakket",
    E("ZzpCode", LDT_ZzpCode),
    E("Instelling", LDT_iWlzAgbCode, 0),
    E("Zorgkantoor", LDT_ZorgkantoorCode),
    E("Soort", LDT_SoortToewijzing),
    E("Toewijzingsdatum", LDT_Datum),
    E("Toewijzingstijd", LDT_Tijd),
    E("ToewijzingPercentage", LDT_Percentage),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("RedenIntrekking", LDT_RedenIntrekking, 0),
    E("Etmalen", LDT_Etmalen, 0),
    E("Klasse", LDT_Klasse, 0),
    E("InstellingBestemming", LDT_iWlzAgbCode, 0),
    E("Leveringsvorm", LDT_Leveringsvorm),
    E("Dossierhouder", LDT_iWlzAgbCode, 0),
    E("CoordinatorZorgThuis", LDT_iWlzAgbCode, 0),
    E("Opname", LDT_JaNee, 0),
)
TOEGEWEZENZORGZWAARTEPAKKETTEN_ZK33 = S(
    "ToegewezenZorgzwaartepakketten",
    E("ToegewezenZorgzwaartepakket", TOEGEWEZENZORGZWAARTEPAKKET_ZK33, 1, N),
)
INDICATIE_ZK33 = S(
    "Indicatie",
    E("Besluitnummer", LDT_Besluitnummer),
    E("Soort", LDT_SoortIndicatie),
    E("Grondslagen", CDT_Grondslagen, 0),
    E("Afgiftedatum", LDT_Datum),
    E("Ingangsdatum", LDT_Datum),
    E("Einddatum", LDT_Datum, 0),
    E("Commentaar", LDT_Commentaar, 0),
    E("Stoornissen", STOORNISSEN_IO31, 0),
    E("Beperkingen", BEPERKINGEN_IO31, 0),
    E("GeindiceerdeFuncties", GEINDICEERDEFUNCTIES_AW33, 0),
    E("StoornisScores", STOORNISSCORES, 0),
    E("ToegewezenFuncties", TOEGEWEZENFUNCTIES_AW33, 0),
    E("GeindiceerdeZorgzwaartepakketten", GEINDICEERDEZORGZWAARTEPAKKETTEN_AW33, 0),
    E("ToegewezenZorgzwaartepakketten", TOEGEWEZENZORGZWAARTEPAKKETTEN_ZK33, 0),
)
CLIENT_ZK33 = S(
    "Client",
    E("Bsn", LDT_BurgerServicenummer),
    E("GeheimeClient", LDT_JaNee),
    E("Geboortedatum", CDT_Geboortedatum),
    E("Geslacht", LDT_Geslacht),
    E("BurgerlijkeStaat", LDT_BurgerlijkeStaat, 0),
    E("Naam", CDT_VolledigeNaam),
    E("Leefeenheid", LDT_Leefeenheid),
    E("Huisarts", LDT_AgbCode, 0),
    E("Communicatie", CDT_Communicatie, 0),
    E("Wzd", CDT_Wzd, 0),
    E("Commentaar", LDT_Commentaar, 0),
    E("Relaties", RELATIES, 0),
    E("Contactgegevens", CONTACTGEGEVENS),
    E("Indicatie", INDICATIE_ZK33),
)
CLIENTEN_ZK33 = S("Clienten", E("Client", CLIENT_ZK33, 1, N))


# --- the 11 heen messages

HEEN: dict[str, Element] = {
    "IO31": _bericht("IO31", E("Clienten", CLIENTEN_IO31)),
    "AW33": _bericht("AW33", E("Clienten", CLIENTEN_AW33)),
    "AW35": _bericht("AW35", E("Clienten", CLIENTEN_AW35)),
    "AW39": _bericht("AW39", E("Clienten", CLIENTEN_AW39)),
    "AW317": _bericht("AW317", E("Clienten", CLIENTEN_AW317)),
    "CA317": _bericht("CA317", E("Clienten", CLIENTEN_CA317)),
    "CA319": _bericht("CA319", E("Clienten", CLIENTEN_CA319)),
    "ZK31": _bericht("ZK31", E("Client", CLIENT_ZK31)),
    "ZK33": _bericht("ZK33", E("Clienten", CLIENTEN_ZK33)),
    "ZK35": _bericht("ZK35", E("Clienten", CLIENTEN_AW35)),
    "ZK39": _bericht("ZK39", E("Clienten", CLIENTEN_AW39)),
}


# --- retours, derived from their heen (messages.md §1.4)

_RETOURCODES = S("RetourCodes", E("RetourCode", LDT_RetourCode, 1, N))
_RETOUR_HEADER = (
    E("IdentificatieRetour", LDT_IdentificatieBericht),
    E("DagtekeningRetour", LDT_Datum),
    E("XsltVersie", LDT_Versie, 0),
    E("XsdVersieRetour", CDT_XsdVersie),
    E("RetourCodes", _RETOURCODES, 0),
)


def _met_retourcodes(t: Samengesteld, klassen: frozenset[str]) -> Samengesteld:
    kinderen: list[Element] = []
    for k in t.kinderen:
        if isinstance(k.type, Samengesteld) and not k.type.naam.startswith("CDT_"):
            inhoud = _met_retourcodes(k.type, klassen)
            if k.naam in klassen:
                inhoud = Samengesteld(
                    inhoud.naam, (*inhoud.kinderen, E("RetourCodes", _RETOURCODES))
                )
            k = replace(k, type=inhoud)
        kinderen.append(k)
    return Samengesteld(t.naam, tuple(kinderen))


@functools.cache
def retour_van(heen: str) -> Element:
    """The descriptor of the retour that answers heen message ``heen`` (e.g. ``AW33`` → AW34)."""
    heen_type = bericht(heen)
    retour_type = bericht(heen_type.tegenhanger)
    root = HEEN[heen_type.code].type
    assert isinstance(root, Samengesteld)
    header, body = root.kinderen
    assert isinstance(header.type, Samengesteld) and isinstance(body.type, Samengesteld)
    kop = [
        replace(k, type=LDT_BerichtCode.beperk(retour_type.berichtcode))
        if k.naam == "BerichtCode"
        else k
        for k in header.type.kinderen
    ]
    klassen = frozenset(retour_type.klassen)
    # The body element itself (ZK32's Client) may be a class too.
    inhoud = _met_retourcodes(S("Root", body), klassen).kinderen[0]
    return E(
        "Bericht",
        S(
            "Root",
            E("Header", S("Header", *kop, *_RETOUR_HEADER)),
            replace(inhoud, min=0),
        ),
    )


def descriptor(code: str) -> Element:
    """The root element (``Bericht``) of message type ``code``, heen or retour (``io31``,
    ``IO32`` …); KeyError for an unknown code."""
    t = bericht(code)
    return HEEN[t.code] if t.heen else retour_van(t.tegenhanger)
