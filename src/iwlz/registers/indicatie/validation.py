"""Validation of a WlzIndicatie write (bronhouder input) into field-level errors.

Rules: required values present and not blank, formats of the iWlz data types (lengths,
digits), BSN 11-proef, codelist membership, and consistent dates. The result is a list
of :class:`Veldfout`; an empty list means the input may be stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iwlz import codelists
from iwlz.core import ids


@dataclass(frozen=True)
class Veldfout:
    """One problem with one input field; ``veld`` is a path like ``indicatie.client.bsn``."""

    veld: str
    code: str
    melding: str

    def as_dict(self) -> dict[str, str]:
        return {"veld": self.veld, "code": self.code, "melding": self.melding}


# Field -> codelist per input type (registers.md §1.3).
CODELISTS: dict[str, dict[str, str]] = {
    "WlzIndicatie": {
        "soortWlzindicatie": "COD169",
        "meerzorg": "COD260",
        "initieelVerantwoordelijkZorgkantoor": "COD001",
    },
    "GeindiceerdZorgzwaartepakket": {
        "zzpCode": "COD163",
        "voorkeurClient": "COD999",
        "financiering": "COD998",
    },
    "Grondslag": {"grondslag": "COD736"},
    "Beperking": {"categorie": "COD539", "duur": "COD749"},
    "BeperkingScore": {"beperkingVraag": "COD825", "beperkingScore": "COD828"},
    "Stoornis": {
        "grondslag": "COD736",
        "diagnoseCodelijst": "COD392",
        "diagnoseSubCodelijst": "COD770",
        "prognose": "COD737",
    },
    "StoornisScore": {"stoornisVraag": "COD824", "stoornisScore": "COD827"},
    "Wzd": {"wzdVerklaring": "COD127"},
    "Client": {
        "geheimeClient": "COD260",
        "geboortedatumGebruik": "COD170",
        "geslacht": "COD046",
        "burgerlijkeStaat": "COD366",
        "naamGebruik": "COD700",
        "leefeenheid": "COD478",
        "communicatieVorm": "COD747",
    },
    "ContactPersoon": {
        "soortRelatie": "COD472",
        "naamGebruik": "COD700",
        "geslacht": "COD046",
        "geboortedatumGebruik": "COD170",
    },
    "Adres": {"adresSoort": "COD757", "landCode": "COD032", "aanduidingWoonadres": "NUM061"},
}

# Maximum lengths of the iWlz data types (messages.md §1.5) for free-text fields.
MAX_LENGTH: dict[str, int] = {
    "geslachtsnaam": 200,
    "partnernaam": 200,
    "voornamen": 200,
    "roepnaam": 200,
    "voorletters": 6,
    "voorvoegselGeslachtsnaam": 10,
    "voorvoegselPartnernaam": 10,
    "straatnaam": 24,
    "plaatsnaam": 80,
    "postcode": 8,
    "huisletter": 1,
    "huisnummerToevoeging": 4,
    "emailadres": 80,
    "telefoonnummer": 15,
    "landnummer": 4,
    "taal": 25,
    "relatieNummer": 20,
    "ziektebeeldStoornis": 8,
    "rol": 10,
    "relatie": 10,
    "commentaar": 4000,
}

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Non-null fields of each input type (the GraphQL schema checks these at the API; bulk loads
# that do not pass through GraphQL rely on this table).
REQUIRED: dict[str, tuple[str, ...]] = {
    "WlzIndicatie": (
        "bsn",
        "besluitnummer",
        "soortWlzindicatie",
        "afgiftedatum",
        "ingangsdatum",
        "client",
    ),
    "GeindiceerdZorgzwaartepakket": ("zzpCode", "ingangsdatum", "financiering"),
    "Grondslag": ("grondslag", "volgorde"),
    "Beperking": ("categorie",),
    "BeperkingScore": ("beperkingVraag", "beperkingScore"),
    "Stoornis": ("grondslag", "diagnoseCodelijst", "ziektebeeldStoornis"),
    "StoornisScore": ("stoornisVraag", "stoornisScore"),
    "Wzd": ("wzdVerklaring",),
    "Client": ("bsn", "geheimeClient", "geboorteDatum", "geslacht", "geslachtsnaam", "naamGebruik"),
    "ContactPersoon": ("relatieNummer", "soortRelatie", "ingangsdatum"),
    "Adres": ("adresSoort", "ingangsdatum"),
    "Telefoon": ("telefoonnummer", "ingangsdatum"),
    "Email": ("emailadres", "ingangsdatum"),
}
_DATE_FIELDS = frozenset(
    {"afgiftedatum", "ingangsdatum", "einddatum", "vervaldatum", "geboorteDatum"}
)
_INT_FIELDS = frozenset({"besluitnummer", "volgorde", "huisnummer"})


class _Checker:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.fouten: list[Veldfout] = []

    def add(self, veld: str, code: str, melding: str) -> None:
        self.fouten.append(Veldfout(veld, code, melding))

    # -- generic checks ----------------------------------------------------------------

    def required(self, path: str, type_name: str, obj: Mapping[str, Any]) -> bool:
        """Report missing non-null fields and wrongly typed values; False if any."""
        ok = True
        for key in REQUIRED.get(type_name, ()):
            if obj.get(key) is None:
                self.add(f"{path}.{key}", "VERPLICHT", f"{key} is required.")
                ok = False
        for key, value in obj.items():
            if value is None:
                continue
            if key in _DATE_FIELDS and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                self.add(f"{path}.{key}", "TYPE", f"{key} must be a date (YYYY-MM-DD).")
                ok = False
            elif key in _INT_FIELDS and (not isinstance(value, int) or isinstance(value, bool)):
                self.add(f"{path}.{key}", "TYPE", f"{key} must be a whole number.")
                ok = False
        return ok

    def texts(self, path: str, obj: Mapping[str, Any]) -> None:
        for key, value in obj.items():
            if not isinstance(value, str):
                continue
            if not value.strip():
                self.add(f"{path}.{key}", "LEEG", f"{key} may not be empty or only spaces.")
                continue
            limit = MAX_LENGTH.get(key)
            if limit is not None and len(value) > limit:
                self.add(
                    f"{path}.{key}",
                    "TE_LANG",
                    f"{key} is {len(value)} characters long; at most {limit} are allowed.",
                )

    def codes(self, path: str, type_name: str, obj: Mapping[str, Any]) -> None:
        for key, cod in CODELISTS.get(type_name, {}).items():
            value = obj.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            lst = codelists.get(cod)
            if value not in lst:
                self.add(
                    f"{path}.{key}",
                    "CODELIJST",
                    f"{value!r} is not a valid value of {cod} ({lst.name}) for {key}.",
                )

    def period(
        self, path: str, obj: Mapping[str, Any], start: str = "ingangsdatum", end: str = "einddatum"
    ) -> None:
        begin, eind = obj.get(start), obj.get(end)
        if begin is not None and eind is not None and eind < begin:
            self.add(
                f"{path}.{end}",
                "DATUMVOLGORDE",
                f"{end} {eind.isoformat()} lies before {start} {begin.isoformat()}.",
            )

    def unique_ids(self, items: Iterable[tuple[str, Any]]) -> None:
        seen: dict[Any, str] = {}
        for path, value in items:
            if value is None:
                continue
            if value in seen:
                self.add(path, "DUBBEL_ID", f"ID {value} is also used at {seen[value]}.")
            else:
                seen[value] = path


def validate_indicatie(data: Mapping[str, Any], *, today: dt.date) -> list[Veldfout]:
    """Check a WlzIndicatieInput value; returns every problem found (empty: valid)."""
    c = _Checker(today)
    p = "indicatie"
    # Shape first: the value checks below compare dates and would trip over wrong types.
    if not _structure(c, p, data):
        return c.fouten
    c.texts(p, data)
    c.codes(p, "WlzIndicatie", data)
    bsn = data.get("bsn")
    if isinstance(bsn, str) and not ids.is_valid_bsn(bsn):
        c.add(f"{p}.bsn", "BSN", f"BSN {bsn!r} is not 9 digits passing the 11-proef.")
    besluit = data.get("besluitnummer")
    if isinstance(besluit, int) and not 1 <= besluit <= 999_999_999:
        c.add(f"{p}.besluitnummer", "BEREIK", "besluitnummer must be between 1 and 999999999.")
    afgifte, ingang = data.get("afgiftedatum"), data.get("ingangsdatum")
    eind, verval = data.get("einddatum"), data.get("vervaldatum")
    if afgifte is not None and afgifte > today:
        c.add(
            f"{p}.afgiftedatum",
            "TOEKOMST",
            f"afgiftedatum {afgifte.isoformat()} lies in the future.",
        )
    c.period(p, data)
    if verval is not None and ingang is not None and verval < ingang:
        c.add(
            f"{p}.vervaldatum",
            "DATUMVOLGORDE",
            "vervaldatum lies before the ingangsdatum of the indication.",
        )
    if verval is not None and eind is not None and verval > eind:
        c.add(
            f"{p}.vervaldatum",
            "DATUMVOLGORDE",
            "vervaldatum lies after the einddatum of the indication.",
        )

    id_paths: list[tuple[str, Any]] = [(f"{p}.wlzindicatieID", data.get("wlzindicatieID"))]

    grondslagen = data.get("grondslag") or []
    volgordes: set[int] = set()
    for i, g in enumerate(grondslagen):
        gp = f"{p}.grondslag[{i}]"
        c.codes(gp, "Grondslag", g)
        id_paths.append((f"{gp}.grondslagID", g.get("grondslagID")))
        v = g.get("volgorde")
        if isinstance(v, int):
            if v < 1:
                c.add(f"{gp}.volgorde", "BEREIK", "volgorde starts at 1.")
            if v in volgordes:
                c.add(f"{gp}.volgorde", "DUBBEL", f"volgorde {v} is used twice.")
            volgordes.add(v)

    for i, z in enumerate(data.get("geindiceerdZorgzwaartepakket") or []):
        zp = f"{p}.geindiceerdZorgzwaartepakket[{i}]"
        c.texts(zp, z)
        c.codes(zp, "GeindiceerdZorgzwaartepakket", z)
        c.period(zp, z)
        id_paths.append(
            (f"{zp}.geindiceerdZorgzwaartepakketID", z.get("geindiceerdZorgzwaartepakketID"))
        )
        zin = z.get("ingangsdatum")
        if zin is not None and ingang is not None and zin < ingang:
            c.add(
                f"{zp}.ingangsdatum",
                "DATUMVOLGORDE",
                "the zorgzwaartepakket starts before the indication.",
            )
        if zin is not None and eind is not None and zin > eind:
            c.add(
                f"{zp}.ingangsdatum",
                "DATUMVOLGORDE",
                "the zorgzwaartepakket starts after the indication ends.",
            )
        zeind = z.get("einddatum")
        if eind is not None and zeind is not None and zeind > eind:
            c.add(
                f"{zp}.einddatum",
                "DATUMVOLGORDE",
                "the zorgzwaartepakket ends after the indication.",
            )
        agb = z.get("instellingVoorkeur")
        if isinstance(agb, str) and agb.strip() and not ids.is_valid_agb(agb):
            c.add(
                f"{zp}.instellingVoorkeur", "AGB", "instellingVoorkeur must be an 8-digit AGB code."
            )

    for i, b in enumerate(data.get("beperking") or []):
        bp = f"{p}.beperking[{i}]"
        c.texts(bp, b)
        c.codes(bp, "Beperking", b)
        id_paths.append((f"{bp}.beperkingID", b.get("beperkingID")))
        for j, s in enumerate(b.get("beperkingScore") or []):
            sp = f"{bp}.beperkingScore[{j}]"
            c.texts(sp, s)
            c.codes(sp, "BeperkingScore", s)
            id_paths.append((f"{sp}.beperkingScoreID", s.get("beperkingScoreID")))

    for i, s in enumerate(data.get("stoornis") or []):
        sp = f"{p}.stoornis[{i}]"
        c.texts(sp, s)
        c.codes(sp, "Stoornis", s)
        id_paths.append((f"{sp}.stoornisID", s.get("stoornisID")))

    for i, s in enumerate(data.get("stoornisScore") or []):
        sp = f"{p}.stoornisScore[{i}]"
        c.texts(sp, s)
        c.codes(sp, "StoornisScore", s)
        id_paths.append((f"{sp}.stoornisScoreID", s.get("stoornisScoreID")))

    w = data.get("wzd")
    if w is not None:
        c.codes(f"{p}.wzd", "Wzd", w)
        c.period(f"{p}.wzd", w)
        id_paths.append((f"{p}.wzd.wzdID", w.get("wzdID")))

    client = data.get("client")
    if client is not None:
        id_paths.extend(_client(c, f"{p}.client", client, data))
    c.unique_ids(id_paths)
    return c.fouten


def _structure(c: _Checker, p: str, data: Mapping[str, Any]) -> bool:
    ok = c.required(p, "WlzIndicatie", data)
    lists = (
        ("grondslag", "Grondslag"),
        ("geindiceerdZorgzwaartepakket", "GeindiceerdZorgzwaartepakket"),
        ("beperking", "Beperking"),
        ("stoornis", "Stoornis"),
        ("stoornisScore", "StoornisScore"),
    )
    for key, type_name in lists:
        for i, item in enumerate(data.get(key) or []):
            ok &= c.required(f"{p}.{key}[{i}]", type_name, item)
            for j, score in enumerate(item.get("beperkingScore") or []):
                ok &= c.required(f"{p}.{key}[{i}].beperkingScore[{j}]", "BeperkingScore", score)
    if data.get("wzd") is not None:
        ok &= c.required(f"{p}.wzd", "Wzd", data["wzd"])
    client = data.get("client")
    if client is None:
        return False
    ok &= c.required(f"{p}.client", "Client", client)
    owners = [(f"{p}.client", client)]
    for i, cp in enumerate(client.get("contactPersoon") or []):
        ok &= c.required(f"{p}.client.contactPersoon[{i}]", "ContactPersoon", cp)
        owners.append((f"{p}.client.contactPersoon[{i}]", cp))
    for op, owner in owners:
        for i, g in enumerate(owner.get("contactGegevens") or []):
            for key, type_name in (
                ("adres", "Adres"),
                ("telefoon", "Telefoon"),
                ("email", "Email"),
            ):
                if g.get(key) is not None:
                    ok &= c.required(f"{op}.contactGegevens[{i}].{key}", type_name, g[key])
    return ok


def _client(
    c: _Checker, p: str, client: Mapping[str, Any], indicatie: Mapping[str, Any]
) -> list[tuple[str, Any]]:
    c.texts(p, client)
    c.codes(p, "Client", client)
    bsn = client.get("bsn")
    if isinstance(bsn, str):
        if not ids.is_valid_bsn(bsn):
            c.add(f"{p}.bsn", "BSN", f"BSN {bsn!r} is not 9 digits passing the 11-proef.")
        elif bsn != indicatie.get("bsn"):
            c.add(f"{p}.bsn", "BSN_ONGELIJK", "client.bsn differs from the indication's bsn.")
    geboren = client.get("geboorteDatum")
    if geboren is not None and geboren > c.today:
        c.add(f"{p}.geboorteDatum", "TOEKOMST", "geboorteDatum lies in the future.")
    elif geboren is not None and geboren > indicatie["afgiftedatum"]:
        c.add(
            f"{p}.geboorteDatum",
            "DATUMVOLGORDE",
            "geboorteDatum lies after the afgiftedatum of the indication.",
        )
    _voorletters(c, p, client)
    huisarts = client.get("agbcodeHuisarts")
    if isinstance(huisarts, str) and huisarts.strip() and not ids.is_valid_huisarts_agb(huisarts):
        c.add(
            f"{p}.agbcodeHuisarts",
            "AGB",
            "agbcodeHuisarts must be an 8-digit AGB code starting with 01.",
        )
    id_paths: list[tuple[str, Any]] = [(f"{p}.clientID", client.get("clientID"))]
    gegevens = client.get("contactGegevens") or []
    id_paths.extend(_gegevens(c, f"{p}.contactGegevens", gegevens))
    relatienummers: set[str] = set()
    for i, cp in enumerate(client.get("contactPersoon") or []):
        cpp = f"{p}.contactPersoon[{i}]"
        c.texts(cpp, cp)
        c.codes(cpp, "ContactPersoon", cp)
        c.period(cpp, cp)
        _voorletters(c, cpp, cp)
        nr = cp.get("relatieNummer")
        if isinstance(nr, str):
            if nr in relatienummers:
                c.add(f"{cpp}.relatieNummer", "DUBBEL", f"relatieNummer {nr!r} is used twice.")
            relatienummers.add(nr)
        id_paths.append((f"{cpp}.contactPersoonID", cp.get("contactPersoonID")))
        id_paths.extend(_gegevens(c, f"{cpp}.contactGegevens", cp.get("contactGegevens") or []))
    return id_paths


def _voorletters(c: _Checker, p: str, obj: Mapping[str, Any]) -> None:
    v = obj.get("voorletters")
    # LDT_Voorletters: 1-6 letters; str.isalpha covers initials beyond Latin-1 (Ş, Ł, İ).
    if isinstance(v, str) and v.strip() and not (1 <= len(v) <= 6 and v.isalpha()):
        c.add(
            f"{p}.voorletters", "FORMAAT", "voorletters must be 1 to 6 letters, no dots or spaces."
        )


def _gegevens(c: _Checker, p: str, items: Sequence[Mapping[str, Any]]) -> list[tuple[str, Any]]:
    id_paths: list[tuple[str, Any]] = []
    for i, g in enumerate(items):
        gp = f"{p}[{i}]"
        id_paths.append((f"{gp}.contactGegevensID", g.get("contactGegevensID")))
        parts = [k for k in ("adres", "telefoon", "email") if g.get(k) is not None]
        if not parts:
            c.add(gp, "VERPLICHT", "contactGegevens needs an adres, a telefoon or an email.")
        adres = g.get("adres")
        if adres is not None:
            ap = f"{gp}.adres"
            c.texts(ap, adres)
            c.codes(ap, "Adres", adres)
            c.period(ap, adres)
            id_paths.append((f"{ap}.adresID", adres.get("adresID")))
            nr = adres.get("huisnummer")
            if isinstance(nr, int) and not 0 <= nr <= 99_999:
                c.add(f"{ap}.huisnummer", "BEREIK", "huisnummer must be between 0 and 99999.")
            pc = adres.get("postcode")
            land = adres.get("landCode")
            if (
                isinstance(pc, str)
                and pc.strip()
                and land in (None, "NL")
                and not (ids.is_valid_postcode(pc))
            ):
                c.add(
                    f"{ap}.postcode",
                    "POSTCODE",
                    f"{pc!r} is not a Dutch postcode (four digits, two letters: 1234AB).",
                )
            gem = adres.get("gemeentecode")
            if isinstance(gem, str) and not ids.is_valid_gemeentecode(gem):
                c.add(f"{ap}.gemeentecode", "FORMAAT", "gemeentecode must be 4 digits (CBS).")
        tel = g.get("telefoon")
        if tel is not None:
            tp = f"{gp}.telefoon"
            c.texts(tp, tel)
            c.period(tp, tel)
            id_paths.append((f"{tp}.telefoonID", tel.get("telefoonID")))
            nummer = tel.get("telefoonnummer")
            if isinstance(nummer, str) and not (nummer.isdigit() and len(nummer) <= 15):
                c.add(
                    f"{tp}.telefoonnummer",
                    "FORMAAT",
                    "telefoonnummer must be 1 to 15 digits, without spaces or signs.",
                )
            land = tel.get("landnummer")
            if isinstance(land, str) and not (land.isdigit() and len(land) <= 4):
                c.add(
                    f"{tp}.landnummer",
                    "FORMAAT",
                    "landnummer must be 1 to 4 digits without '+', e.g. 31.",
                )
        mail = g.get("email")
        if mail is not None:
            ep = f"{gp}.email"
            c.texts(ep, mail)
            c.period(ep, mail)
            id_paths.append((f"{ep}.emailID", mail.get("emailID")))
            adr = mail.get("emailadres")
            if isinstance(adr, str) and not _EMAIL_RE.match(adr):
                c.add(f"{ep}.emailadres", "FORMAAT", f"{adr!r} is not an e-mail address.")
    return id_paths
