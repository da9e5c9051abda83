"""Realistic, valid iWlz 2.2 heenberichten of all 11 types, for tests, the endpoint, the
benchmark and the robustness corpus.

Every message is built as nested data (:func:`gegevens`) and written with
:func:`iwlz.berichten.codec.schrijf` (:func:`voorbeeld`, or one function per type: :func:`io31`,
:func:`aw33`, …). Each builder takes the same keywords:

* ``clienten``: number of clients (ZK31 carries exactly one; more is refused);
* ``dagtekening``: the message's Dagtekening; every other date is derived from it, so all lie
  in a consistent order (birth < Afgiftedatum ≤ Ingangsdatum ≤ allocation dates ≤ Dagtekening,
  end ≥ start, AW317's period ends ≥ 7 days before the Dagtekening, ZK31's Overdrachtdatum
  after it);
* ``seed``: makes names, BSNs, postcodes, UUIDs and amounts vary reproducibly;
* ``identificatie``: the BerichtIdentificatie (default derived from type and seed).

The data is internally consistent, so the messages also pass the business rules that exist
(:func:`iwlz.berichten.regels.motor.controleer`, stateless rules, no reference data): BSNs pass
the 11-proef, Dutch postcodes are ``1234AB``, the zorgkantoor in an allocation is the header's
Afzender, an AW33's Instelling is its Ontvanger, AW35/AW39 report deliveries by their sender,
classes match codes and leveringsvormen (Klasse, Opname, Dossierhouder, Etmalen …), and a
Relatie/Contact has what its Soort requires.

The parties are :data:`ZORGKANTOOR` (Rotterdam), :data:`ANDER_ZORGKANTOOR` (Haaglanden) and
aanbieder :data:`AANBIEDER`. A one-client IO31 and AW33 are about 5 KB each (a client with
relations, contacts, stoornissen, beperkingen with scores, stoornisscores and three ZZPs).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import Any

from lxml import etree

from iwlz.berichten.catalogus import XSD_VERSIE, bericht
from iwlz.berichten.codec import schrijf

__all__ = [
    "AANBIEDER",
    "ANDER_ZORGKANTOOR",
    "DAGTEKENING",
    "HEEN",
    "ZORGKANTOOR",
    "aw33",
    "aw35",
    "aw39",
    "aw317",
    "bsn",
    "ca317",
    "ca319",
    "gegevens",
    "io31",
    "voorbeeld",
    "zk31",
    "zk33",
    "zk35",
    "zk39",
]

DAGTEKENING = dt.date(2026, 11, 2)
ZORGKANTOOR = "5521"
ANDER_ZORGKANTOOR = "5518"
AANBIEDER = "73730801"
HUISARTS = "01012345"
HEEN = ("IO31", "AW33", "AW35", "AW39", "AW317", "CA317", "CA319", "ZK31", "ZK33", "ZK35", "ZK39")

_ACHTERNAMEN = (
    ("Jansen", None),
    ("Berg", "van den"),
    ("Vries", "de"),
    ("Bakker", None),
    ("Dijk", "van"),
    ("Visser", None),
    ("Meer", "van der"),
    ("Smit", None),
)
_VROUW = ("Maria Johanna", "Cornelia", "Hendrika Wilhelmina", "Anna", "Geertruida")
_MAN = ("Johannes Petrus", "Hendrik", "Cornelis Jan", "Willem", "Gerrit Adriaan")
_STRATEN = ("Coolsingel", "Lijnbaan", "Meent", "Goudsesingel", "Oostzeedijk", "Mathenesserlaan")
_LETTERS = "ABCEGHJKLMNPRTVWXZ"


def bsn(rng: random.Random) -> str:
    """A random BSN that passes the 11-proef (weights 9…2 and −1)."""
    while True:
        cijfers = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        som = sum(c * w for c, w in zip(cijfers, range(9, 1, -1), strict=True))
        laatste = som % 11
        if laatste < 10:
            return "".join(map(str, cijfers)) + str(laatste)


def _postcode(rng: random.Random) -> str:
    return f"{rng.randint(3011, 3089)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _header(code: str, dag: dt.date, identificatie: str, **extra: Any) -> dict[str, Any]:
    t = bericht(code)
    header: dict[str, Any] = {
        "BerichtCode": t.berichtcode,
        "BerichtVersie": 5,
        "BerichtSubversie": 2,
    }
    if t.afzender is not None:
        header["Afzender"] = AANBIEDER if t.afzender == "ZA" else ZORGKANTOOR
    if t.ontvanger is not None:
        if t.ontvanger == "ZA":
            header["Ontvanger"] = AANBIEDER
        else:
            header["Ontvanger"] = ANDER_ZORGKANTOOR if t.afzender == "ZK" else ZORGKANTOOR
    header.update(extra)
    header["BerichtIdentificatie"] = {"Identificatie": identificatie, "Dagtekening": dag}
    header["XsdVersie"] = {"BasisschemaXsdVersie": XSD_VERSIE, "BerichtXsdVersie": XSD_VERSIE}
    return header


# --- persons ---------------------------------------------------------------------------------


class _Persoon:
    def __init__(self, rng: random.Random, geboren: dt.date, vrouw: bool) -> None:
        self.achternaam, self.voorvoegsel = rng.choice(_ACHTERNAMEN)
        self.voornamen = rng.choice(_VROUW if vrouw else _MAN)
        self.voorletters = "".join(n[0] for n in self.voornamen.split())
        self.geslacht = "2" if vrouw else "1"
        self.geboren = geboren

    def achternaam_cdt(self) -> dict[str, Any]:
        naam: dict[str, Any] = {"Achternaam": self.achternaam}
        if self.voorvoegsel:
            naam["Voorvoegsel"] = self.voorvoegsel
        return naam

    def volledig(self, partner: _Persoon | None = None) -> dict[str, Any]:
        naam: dict[str, Any] = {"Geslachtsnaam": self.achternaam_cdt()}
        if partner is not None:
            naam["Partnernaam"] = partner.achternaam_cdt()
        naam["Voornamen"] = self.voornamen
        naam["Voorletters"] = self.voorletters
        # CS050: with a Partnernaam 1–4 (here: own name followed by the partner's), else 1.
        naam["NaamGebruik"] = "4" if partner is not None else "1"
        return naam

    def verkort(self) -> dict[str, Any]:
        return {
            "Geslachtsnaam": self.achternaam_cdt(),
            "Voornamen": self.voornamen,
            "Voorletters": self.voorletters,
        }


def _geboren(rng: random.Random, dag: dt.date, jaren: tuple[int, int]) -> dt.date:
    return dag - dt.timedelta(days=rng.randint(jaren[0] * 365, jaren[1] * 365))


def _adres(rng: random.Random, postcode: str, *, huisletter: bool = False) -> dict[str, Any]:
    huis: dict[str, Any] = {"Huisnummer": rng.randint(1, 250)}
    if huisletter:
        huis["Huisletter"] = rng.choice("ABC")
    return {
        "Huis": huis,
        "Postcode": postcode,
        "Straatnaam": rng.choice(_STRATEN),
        "Plaatsnaam": "Rotterdam",
        "LandCode": "NL",
    }


def _telefoon(rng: random.Random, mobiel: bool = True) -> dict[str, Any]:
    nummer = (
        f"06{rng.randint(10000000, 99999999)}" if mobiel else f"010{rng.randint(1000000, 9999999)}"
    )
    return {"Telefoon01": {"Telefoonnummer": nummer, "Landnummer": "0031"}}


def _client_volledig(
    rng: random.Random, dag: dt.date, *, relaties: bool = True
) -> tuple[dict[str, Any], _Persoon]:
    """Full client data (IO31, AW33, ZK31, ZK33) up to Contactgegevens, in schema order."""
    vrouw = rng.random() < 0.6
    client = _Persoon(rng, _geboren(rng, dag, (72, 94)), vrouw)
    partner = _Persoon(rng, _geboren(rng, dag, (70, 95)), not vrouw) if relaties else None
    postcode = _postcode(rng)
    thuis = _adres(rng, postcode, huisletter=rng.random() < 0.3)
    data: dict[str, Any] = {
        "Bsn": bsn(rng),
        "GeheimeClient": "2",
        "Geboortedatum": {"Datum": client.geboren},
        "Geslacht": client.geslacht,
        "BurgerlijkeStaat": "2" if partner else "4",
        "Naam": client.volledig(partner),
        # TR004: a household with a partner has a partner Relatie.
        "Leefeenheid": "3" if partner else "1",
        "Huisarts": HUISARTS,
        "Communicatie": {"Vorm": "1", "Taal": "Turks"} if rng.random() < 0.3 else None,
        "Wzd": {
            "WzdVerklaring": "1",
            "WzdIngangsdatum": dag - dt.timedelta(days=200),
            "WzdEinddatum": dag + dt.timedelta(days=530),
        },
        "Commentaar": "Client is bekend met beginnende dementie; partner is mantelzorger.",
    }
    if data["Communicatie"] is None:
        del data["Communicatie"]
    if partner is not None:
        kind = _Persoon(rng, _geboren(rng, dag, (40, 55)), rng.random() < 0.5)
        data["Relaties"] = {
            "Relatie": [
                {
                    "Nummer": f"R{rng.randint(100000, 999999)}",
                    "Soort": "12",
                    "Geboortedatum": {"Datum": partner.geboren},
                    "Geslacht": partner.geslacht,
                    "Naam": partner.volledig(client),
                    # TR005: a partner's contact has Huisnummer and Postcode.
                    "Contact": {"Soort": "01", "Adres": thuis, "Telefoon": _telefoon(rng, False)},
                },
                {
                    "Nummer": f"R{rng.randint(100000, 999999)}",
                    "Volgorde": 1,
                    "Soort": "16",
                    "Geslacht": kind.geslacht,
                    "Naam": kind.volledig(),
                    "Contact": {
                        "Soort": "02",
                        "Adres": _adres(rng, _postcode(rng)),
                        "Telefoon": _telefoon(rng),
                        "Emailadres": f"{kind.achternaam.lower()}{rng.randint(1, 99)}@example.nl",
                    },
                },
            ]
        }
    data["Contactgegevens"] = {
        "Contact": [
            {"Soort": "01", "Adres": thuis, "Telefoon": _telefoon(rng, False)},
            {
                "Soort": "04",
                "Telefoon": _telefoon(rng),
                "Periode": {
                    "Begindatum": dag - dt.timedelta(days=30),
                    "Einddatum": dag + dt.timedelta(days=60),
                },
            },
        ]
    }
    return data, client


# --- indicatie -------------------------------------------------------------------------------


class _Indicatie:
    """One Wlz decision: dates and its three consecutive ZZPs (VV 4, 5, 6), the last open."""

    def __init__(self, rng: random.Random, dag: dt.date) -> None:
        self.besluitnummer = rng.randint(100000000, 999999999)
        self.afgifte = dag - dt.timedelta(days=rng.randint(380, 420))
        self.ingang = self.afgifte + dt.timedelta(days=1)
        wissel1 = self.ingang + dt.timedelta(days=120)
        wissel2 = self.ingang + dt.timedelta(days=300)
        self.zzps: list[tuple[str, dt.date, dt.date | None]] = [
            ("753", self.ingang, wissel1 - dt.timedelta(days=1)),
            ("754", wissel1, wissel2 - dt.timedelta(days=1)),
            ("755", wissel2, None),
        ]

    def basis(self, *, meerzorg: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "Besluitnummer": self.besluitnummer,
            "Soort": "1",
            "Grondslagen": {"Grondslag01": "02", "Grondslag02": "01"},
            "Afgiftedatum": self.afgifte,
            "Ingangsdatum": self.ingang,
        }
        if meerzorg:
            data["Meerzorg"] = "2"
        return data

    @staticmethod
    def stoornissen() -> dict[str, Any]:
        return {
            "Stoornis": [
                {
                    "Grondslag": "02",
                    "DiagnoseCodelijst": "014",
                    "DiagnoseSubcodelijst": "04",
                    "ZiektebeeldStoornis": "05",
                    "Prognose": "4",
                    "Commentaar": "Dementie van het Alzheimer-type, progressief.",
                },
            ]
        }

    @staticmethod
    def beperkingen(rng: random.Random) -> dict[str, Any]:
        def scores(vragen: tuple[str, ...]) -> dict[str, Any]:
            return {"BeperkingScore": [{"Vraag": v, "Score": rng.choice("123")} for v in vragen]}

        return {
            "Beperking": [
                {
                    "Categorie": "1",
                    "Duur": "4",
                    "BeperkingScores": scores(("0104", "0111")),
                },
                {"Categorie": "2", "Duur": "4", "BeperkingScores": scores(("0208",))},
                {
                    "Categorie": "3",
                    "Duur": "4",
                    "BeperkingScores": scores(("0301", "0302")),
                },
            ]
        }

    @staticmethod
    def stoornisscores(rng: random.Random) -> dict[str, Any]:
        return {
            "StoornisScore": [
                {"Vraag": v, "Score": rng.choice("0123")} for v in ("0101", "0202", "0602")
            ]
        }

    def geindiceerde_functies(self, *, voorkeur: bool) -> dict[str, Any]:
        functie: dict[str, Any] = {
            "FunctieCode": "64",
            "Ingangsdatum": self.ingang,
            "Klasse": "KD03",
            "Leveringsvoorwaarde": "1",
            "Vervoer": "1",
        }
        if voorkeur:
            functie["InstellingVoorkeur"] = AANBIEDER
        functie["Financiering"] = "1"
        return {"GeindiceerdeFunctie": [functie]}

    def geindiceerde_zzps(self, *, voorkeur: bool, ziet_af: bool = False) -> dict[str, Any]:
        lijst = []
        for code, ingang, eind in self.zzps:
            zzp: dict[str, Any] = {"ZzpCode": code, "Ingangsdatum": ingang}
            if eind is not None:
                zzp["Einddatum"] = eind
            zzp["Klasse"] = "KE7"
            zzp["VoorkeurClient"] = "4"
            if voorkeur:
                zzp["InstellingVoorkeur"] = AANBIEDER
            zzp["Financiering"] = "1"
            if ziet_af:
                zzp["ZietAfVanZorg"] = "2"
            lijst.append(zzp)
        return {"GeindiceerdZorgzwaartepakket": lijst}


def _toegewezen_functies(ind: _Indicatie, code: str, dag: dt.date) -> dict[str, Any]:
    return {
        "ToegewezenFunctie": [
            {
                "FunctieCode": "64",
                "Instelling": AANBIEDER,
                "Zorgkantoor": ZORGKANTOOR,
                "Soort": "1",
                "Toewijzingsdatum": ind.ingang - dt.timedelta(days=1),
                "Toewijzingstijd": dt.time(9, 30),
                "Ingangsdatum": ind.ingang,
                "Klasse": "KD03",
                "Vervoer": "1",
            }
        ]
    }


def _toegewezen_zzps(ind: _Indicatie, code: str, dag: dt.date) -> dict[str, Any]:
    """The last two indicated ZZPs allocated as Verblijf to :data:`AANBIEDER`."""
    lijst = []
    # A dossier handed over (ZK31) carries only the current allocation (TR111).
    for n, (zzp, ingang, eind) in enumerate(ind.zzps[2 if code == "ZK31" else 1 :]):
        t: dict[str, Any] = {
            "ZzpCode": zzp,
            "Instelling": AANBIEDER,
            "Zorgkantoor": ZORGKANTOOR,
            "Soort": "1",
            "Toewijzingsdatum": min(ingang, dag) - dt.timedelta(days=2),
            "Toewijzingstijd": dt.time(10 + n, 15, 0),
            "ToewijzingPercentage": 10000,
            "Ingangsdatum": ingang,
        }
        if eind is not None:
            t["Einddatum"] = eind
        t["Klasse"] = "KE7"
        t["Leveringsvorm"] = "4"
        t["Dossierhouder"] = AANBIEDER
        if code == "ZK31":
            t["Leveringsstatus"] = "4"
        t["Opname"] = "1"
        lijst.append(t)
    return {"ToegewezenZorgzwaartepakket": lijst}


def _volledig(code: str, rng: random.Random, dag: dt.date) -> dict[str, Any]:
    """A client of IO31, AW33, ZK31 or ZK33 with its Indicatie."""
    client, _ = _client_volledig(rng, dag)
    ind = _Indicatie(rng, dag)
    if code == "AW33":
        # Partneropname sits between Wzd and Commentaar: rebuild in schema order.
        client = _voeg_in(client, "Commentaar", "Partneropname", "2")
    if code == "ZK31":
        client = _voeg_in(client, "Commentaar", "Verhuisdatum", dag - dt.timedelta(days=14))
    indicatie = ind.basis(meerzorg=code in ("IO31", "ZK31"))
    if code == "ZK31":
        indicatie["Overdrachtdatum"] = dag + dt.timedelta(days=30)
    indicatie["Commentaar"] = "Indicatie na herbeoordeling; client woont nog thuis."
    indicatie["Stoornissen"] = ind.stoornissen()
    indicatie["Beperkingen"] = ind.beperkingen(rng)
    indicatie["GeindiceerdeFuncties"] = ind.geindiceerde_functies(voorkeur=code == "IO31")
    indicatie["StoornisScores"] = ind.stoornisscores(rng)
    if code != "IO31":
        indicatie["ToegewezenFuncties"] = _toegewezen_functies(ind, code, dag)
    indicatie["GeindiceerdeZorgzwaartepakketten"] = ind.geindiceerde_zzps(voorkeur=code == "IO31")
    if code != "IO31":
        indicatie["ToegewezenZorgzwaartepakketten"] = _toegewezen_zzps(ind, code, dag)
    client["Indicatie"] = indicatie
    return client


def _voeg_in(data: dict[str, Any], voor: str, naam: str, waarde: Any) -> dict[str, Any]:
    uit: dict[str, Any] = {}
    for k, v in data.items():
        if k == voor:
            uit[naam] = waarde
        uit[k] = v
    if naam not in uit:
        uit[naam] = waarde
    return uit


# --- short client data: deliveries and mutations -----------------------------------------------


def _client_kort(rng: random.Random, dag: dt.date) -> dict[str, Any]:
    p = _Persoon(rng, _geboren(rng, dag, (72, 94)), rng.random() < 0.6)
    return {
        "Bsn": bsn(rng),
        "Geboortedatum": {"Datum": p.geboren},
        "Geslacht": p.geslacht,
        "Naam": p.verkort(),
    }


def _geleverd(rng: random.Random, dag: dt.date) -> dict[str, Any]:
    client = _client_kort(rng, dag)
    ind = _Indicatie(rng, dag)
    zzp, ingang, _ = ind.zzps[2]
    begin = min(ingang + dt.timedelta(days=rng.randint(0, 20)), dag)
    client["GeleverdeFuncties"] = {
        "GeleverdeFunctie": [
            {
                "Besluitnummer": ind.besluitnummer,
                "FunctieCode": "64",
                "ToewijzingIngangsdatum": ind.ingang,
                "Begindatum": ind.ingang + dt.timedelta(days=7),
                "Instelling": AANBIEDER,
                "Klasse": "KD03",
                "StatusAanlevering": "1",
            }
        ]
    }
    client["GeleverdeZorgzwaartepakketten"] = {
        "GeleverdZorgzwaartepakket": [
            {
                "Besluitnummer": ind.besluitnummer,
                "ZzpCode": zzp,
                "ToewijzingIngangsdatum": ingang,
                "Begindatum": begin,
                "Instelling": AANBIEDER,
                "Klasse": "KE7",
                "Leveringsstatus": "4",
                "Leveringsvorm": "4",
                "Behandeling": "2",
                "StatusAanlevering": "1",
            }
        ]
    }
    return client


def _mutatie(rng: random.Random, dag: dt.date) -> dict[str, Any]:
    client = _client_kort(rng, dag)
    ind = _Indicatie(rng, dag)
    zzp, ingang, _ = ind.zzps[2]
    begin = ingang + dt.timedelta(days=3)
    client["MutatieZorgzwaartepakketten"] = {
        "MutatieZorgzwaartepakket": [
            {
                "Besluitnummer": ind.besluitnummer,
                "ZzpCode": zzp,
                "ToewijzingIngangsdatum": ingang,
                "Begindatum": begin,
                "Instelling": AANBIEDER,
                "Mutatiecode": "19",
                "Mutatiedatum": dag - dt.timedelta(days=rng.randint(1, 10)),
                "Leveringsstatus": "5",
                "Leveringsvorm": "4",
                "StatusAanlevering": "1",
            }
        ]
    }
    client["Aanvragen"] = {
        "Aanvraag": [
            {
                "Besluitnummer": ind.besluitnummer,
                "Afgiftedatum": ind.afgifte,
                "Instelling": AANBIEDER,
                "ZzpCode": "756",
                "Klasse": "KE7",
                "Leveringsvorm": "4",
                "Dossierhouder": AANBIEDER,
                "AanvraagInstellingen": {
                    "AanvraagInstelling": [
                        {
                            "Instelling": AANBIEDER,
                            "Soort": "1",
                            "ToewijzingIngangsdatum": dag + dt.timedelta(days=7),
                            "ToewijzingPercentage": 10000,
                            "Opname": "1",
                        }
                    ]
                },
            }
        ]
    }
    return client


# --- AW317, CA317, CA319 -----------------------------------------------------------------------


def _aw317_client(
    rng: random.Random, dag: dt.date, periode: tuple[dt.date, dt.date]
) -> dict[str, Any]:
    p = _Persoon(rng, _geboren(rng, dag, (72, 94)), rng.random() < 0.6)
    ind = _Indicatie(rng, dag)
    zzp, ingang, _ = ind.zzps[2]
    toewijzing = ingang - dt.timedelta(days=2)
    begin = ingang + dt.timedelta(days=5)
    indicatie = ind.basis(meerzorg=False)
    del indicatie["Besluitnummer"]
    indicatie = {"VolgnummerIndicatie": 1, **indicatie}
    indicatie["Stoornissen"] = {
        "Stoornis": [
            {
                k: v
                for k, v in s.items()
                if k
                in ("Grondslag", "DiagnoseCodelijst", "DiagnoseSubcodelijst", "ZiektebeeldStoornis")
            }
            for s in ind.stoornissen()["Stoornis"]
        ]
    }
    indicatie["Beperkingen"] = {"Beperking": [{"Categorie": c} for c in "123"]}
    indicatie["GeindiceerdeZorgzwaartepakketten"] = ind.geindiceerde_zzps(
        voorkeur=False, ziet_af=True
    )
    indicatie["WachtlijstZorgzwaartepakketten"] = {
        "WachtlijstZorgzwaartepakket": [
            {
                "ZzpCode": zzp,
                "Soort": "1",
                "Instelling": AANBIEDER,
                "Toewijzingsdatum": toewijzing,
                "Ingangsdatum": ingang,
                "Begindatum": begin,
                "Mutatiedatum": min(periode[1], begin + dt.timedelta(days=40)),
                "Leveringsvorm": "4",
                "Opname": "1",
                "Leveringsstatussen": {
                    "Leveringsstatus": [
                        {
                            "IngangsdatumStatus": toewijzing,
                            "Leveringsstatus": "2",
                            "LeveringsstatusClassificatie": "13",
                        },
                        {"IngangsdatumStatus": begin, "Leveringsstatus": "4"},
                    ]
                },
            }
        ]
    }
    return {
        "Bsn": bsn(rng),
        "Geslacht": p.geslacht,
        "Geboortejaar": p.geboren.year,
        "Postcode": _postcode(rng)[:4],
        "LandCode": "NL",
        "Indicaties": {"Indicatie": [indicatie]},
    }


def _ca317_client(rng: random.Random, dag: dt.date) -> dict[str, Any]:
    start = dag - dt.timedelta(days=rng.randint(5, 60))
    return {
        "Bsn": bsn(rng),
        "ZorgLeveringen": {
            "GeleverdeZorg": [
                {
                    "GeleverdeZorgID": _uuid(rng),
                    "Startdatum": start,
                    "ZzpCode": rng.choice(("754", "755", "756")),
                    "Instelling": AANBIEDER,
                    "Leveringsvorm": "4",
                    "StatusAanlevering": "1",
                }
            ]
        },
    }


def _ca319_client(rng: random.Random, dag: dt.date) -> dict[str, Any]:
    return {
        "Bsn": bsn(rng),
        "MutatiesZorg": {
            "MutatieZorg": [
                {
                    "MutatieZorgID": _uuid(rng),
                    "Mutatiecode": rng.choice(("19", "20")),
                    "Mutatiedatum": dag - dt.timedelta(days=rng.randint(1, 20)),
                    "StatusAanlevering": "1",
                }
            ]
        },
    }


# --- public API --------------------------------------------------------------------------------


def gegevens(
    code: str,
    *,
    clienten: int = 1,
    dagtekening: dt.date = DAGTEKENING,
    seed: int = 0,
    identificatie: str | None = None,
) -> dict[str, Any]:
    """The nested data (as :func:`iwlz.berichten.codec.lees` returns it) of a valid heenbericht
    of type ``code``; see the module docstring for the keywords."""
    code = code.upper()
    if code not in HEEN:
        raise ValueError(f"{code} is not an iWlz 2.2 heenbericht ({', '.join(HEEN)})")
    if clienten < 1 or (code == "ZK31" and clienten != 1):
        raise ValueError(
            f"{code} holds {'exactly one' if code == 'ZK31' else 'at least one'} client"
        )
    rng = random.Random(f"{code}/{seed}")
    ident = identificatie or f"{code}-{seed:05d}"[:12]
    dag = dagtekening
    extra: dict[str, Any] = {}
    if code == "AW317":
        einde = dag - dt.timedelta(days=10)
        begin = einde.replace(day=1)
        extra["Periode"] = {"Begindatum": begin, "Einddatum": einde}
    maak: dict[str, Callable[[], dict[str, Any]]] = {
        "IO31": lambda: _volledig("IO31", rng, dag),
        "AW33": lambda: _volledig("AW33", rng, dag),
        "ZK31": lambda: _volledig("ZK31", rng, dag),
        "ZK33": lambda: _volledig("ZK33", rng, dag),
        "AW35": lambda: _geleverd(rng, dag),
        "ZK35": lambda: _geleverd(rng, dag),
        "AW39": lambda: _mutatie(rng, dag),
        "ZK39": lambda: _mutatie(rng, dag),
        "AW317": lambda: _aw317_client(
            rng, dag, (extra["Periode"]["Begindatum"], extra["Periode"]["Einddatum"])
        ),
        "CA317": lambda: _ca317_client(rng, dag),
        "CA319": lambda: _ca319_client(rng, dag),
    }
    lijst = [maak[code]() for _ in range(clienten)]
    data: dict[str, Any] = {"Header": _header(code, dag, ident, **extra)}
    if code == "ZK31":
        data["Client"] = lijst[0]
    else:
        data["Clienten"] = {"Client": lijst}
    return data


def voorbeeld(
    code: str,
    *,
    clienten: int = 1,
    dagtekening: dt.date = DAGTEKENING,
    seed: int = 0,
    identificatie: str | None = None,
) -> etree._Element:
    """A valid heenbericht of type ``code`` (its ``Bericht`` root element)."""
    return schrijf(
        code,
        gegevens(
            code, clienten=clienten, dagtekening=dagtekening, seed=seed, identificatie=identificatie
        ),
    )


def _bouwer(code: str) -> Callable[..., etree._Element]:
    def bouw(**kw: Any) -> etree._Element:
        return voorbeeld(code, **kw)

    bouw.__name__ = code.lower()
    bouw.__doc__ = f"A valid {code} (keywords as :func:`voorbeeld`)."
    return bouw


io31 = _bouwer("IO31")
aw33 = _bouwer("AW33")
aw35 = _bouwer("AW35")
aw39 = _bouwer("AW39")
aw317 = _bouwer("AW317")
ca317 = _bouwer("CA317")
ca319 = _bouwer("CA319")
zk31 = _bouwer("ZK31")
zk33 = _bouwer("ZK33")
zk35 = _bouwer("ZK35")
zk39 = _bouwer("ZK39")
