"""Validation of Bemiddelingsregister writes (the responsible zorgkantoor's input).

Rules: required values present, iWlz formats (BSN 11-proef, AGB, UZOVI), codelist membership
(registers.md §2.3), percentages 0..100, time-zone-aware ``vaststellingMoment`` and consistent
date periods. Every function returns a list of :class:`Veldfout`; empty means valid.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from iwlz import codelists
from iwlz.core import ids
from iwlz.registers.indicatie.validation import Veldfout

__all__ = [
    "CODELISTS",
    "Veldfout",
    "validate_bemiddeling",
    "validate_bemiddelingspecificatie",
    "validate_client",
    "validate_overdracht",
    "validate_regiehouder",
]

# Field -> codelist per object type (registers.md §2.3).
CODELISTS: dict[str, dict[str, str]] = {
    "Client": {"leefeenheid": "COD478", "communicatievorm": "COD747"},
    "Bemiddeling": {"verantwoordelijkZorgkantoor": "COD001"},
    "Bemiddelingspecificatie": {
        "leveringsvorm": "COD578",
        "zzpCode": "COD163",
        "uitvoerendZorgkantoor": "COD001",
        "opname": "COD260",
        "redenIntrekking": "COD172",
        "etmalen": "COD755",
        "soortToewijzing": "COD165",
    },
    "Overdracht": {"verantwoordelijkZorgkantoor": "COD001"},
    "Overdrachtspecificatie": {
        "leveringsstatus": "COD167",
        "leveringsstatusClassificatie": "COD168",
    },
    "Contactpersoon": {
        "soortRelatie": "COD472",
        "rol": "COD1003",
        "relatie": "COD1002",
        "naamgebruik": "COD700",
        "geslacht": "COD046",
        "geboortedatumgebruik": "COD170",
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "Client": ("bsn",),
    "Bemiddeling": ("wlzIndicatieID", "verantwoordelijkheidIngangsdatum"),
    "Bemiddelingspecificatie": (
        "leveringsvorm",
        "zzpCode",
        "toewijzingIngangsdatum",
        "uitvoerendZorgkantoor",
        "vaststellingMoment",
        "soortToewijzing",
    ),
    "Regiehouder": ("instelling", "ingangsdatum", "regierol"),
    "Overdracht": ("verantwoordelijkZorgkantoor", "overdrachtDatum", "verhuisDatum"),
    "Overdrachtspecificatie": ("bemiddelingspecificatieID", "leveringsstatus"),
    "Contactpersoon": ("relatienummer", "soortRelatie", "ingangsdatum"),
    "Contactgegevens": ("adressoort", "ingangsdatum"),
}

_DATES = {
    "Bemiddeling": ("verantwoordelijkheidIngangsdatum", "verantwoordelijkheidEinddatum"),
    "Bemiddelingspecificatie": ("toewijzingIngangsdatum", "toewijzingEinddatum"),
    "Regiehouder": ("ingangsdatum", "einddatum"),
    "Contactpersoon": ("ingangsdatum", "einddatum"),
    "Contactgegevens": ("ingangsdatum", "einddatum"),
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _common(kind: str, data: Mapping[str, Any], pad: str) -> list[Veldfout]:
    fouten = [
        Veldfout(f"{pad}.{name}", "VERPLICHT", f"{name} is required.")
        for name in REQUIRED.get(kind, ())
        if _blank(data.get(name))
    ]
    for name, code in CODELISTS.get(kind, {}).items():
        value = data.get(name)
        if value is not None and value not in codelists.get(code):
            fouten.append(
                Veldfout(
                    f"{pad}.{name}", "CODELIJST", f"{name} {value!r} is not a value of {code}."
                )
            )
    for name, value in data.items():
        if name.endswith("ID") and value is not None and not isinstance(value, uuid.UUID):
            fouten.append(Veldfout(f"{pad}.{name}", "FORMAAT", f"{name} must be a UUID."))
    if kind in _DATES:
        start_name, end_name = _DATES[kind]
        start, end = data.get(start_name), data.get(end_name)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            fouten.append(
                Veldfout(
                    f"{pad}.{end_name}",
                    "DATUMVOLGORDE",
                    f"{end_name} {end.isoformat()} lies before {start_name} {start.isoformat()}.",
                )
            )
    return fouten


def _agb(data: Mapping[str, Any], name: str, pad: str) -> list[Veldfout]:
    value = data.get(name)
    if value is None or (isinstance(value, str) and ids.is_valid_agb(value)):
        return []
    return [Veldfout(f"{pad}.{name}", "FORMAAT", f"{name} must be an AGB code of 8 digits.")]


def _moment(data: Mapping[str, Any], name: str, pad: str) -> list[Veldfout]:
    value = data.get(name)
    if value is None or (isinstance(value, dt.datetime) and value.utcoffset() is not None):
        return []
    return [
        Veldfout(f"{pad}.{name}", "FORMAAT", f"{name} must be a date-time with a time-zone offset.")
    ]


def validate_contactgegevens(data: Mapping[str, Any], pad: str) -> list[Veldfout]:
    return _common("Contactgegevens", data, pad)


def validate_client(data: Mapping[str, Any], pad: str = "client") -> list[Veldfout]:
    fouten = _common("Client", data, pad)
    bsn = data.get("bsn")
    if not _blank(bsn) and not (isinstance(bsn, str) and ids.is_valid_bsn(bsn)):
        fouten.append(Veldfout(f"{pad}.bsn", "FORMAAT", "bsn fails the 11-proef."))
    for i, g in enumerate(data.get("contactgegevens") or []):
        fouten += validate_contactgegevens(g, f"{pad}.contactgegevens[{i}]")
    for i, p in enumerate(data.get("contactpersoon") or []):
        ppad = f"{pad}.contactpersoon[{i}]"
        fouten += _common("Contactpersoon", p, ppad)
        for j, g in enumerate(p.get("contactgegevens") or []):
            fouten += validate_contactgegevens(g, f"{ppad}.contactgegevens[{j}]")
    return fouten


def validate_bemiddelingspecificatie(
    data: Mapping[str, Any], pad: str = "bemiddelingspecificatie"
) -> list[Veldfout]:
    fouten = _common("Bemiddelingspecificatie", data, pad)
    fouten += _agb(data, "instelling", pad)
    fouten += _agb(data, "instellingBestemming", pad)
    fouten += _moment(data, "vaststellingMoment", pad)
    for name in ("percentage", "pgbPercentage"):
        value = data.get(name)
        if value is not None and not (isinstance(value, int) and 0 <= value <= 100):
            fouten.append(
                Veldfout(f"{pad}.{name}", "BEREIK", f"{name} must be a whole number 0..100.")
            )
    return fouten


def validate_regiehouder(data: Mapping[str, Any], pad: str = "regiehouder") -> list[Veldfout]:
    return _common("Regiehouder", data, pad) + _agb(data, "instelling", pad)


def validate_bemiddeling(
    data: Mapping[str, Any], zorgkantoor: str, pad: str = "bemiddeling"
) -> list[Veldfout]:
    """A whole Bemiddeling write: the bemiddeling, its client and its children."""
    fouten = _common("Bemiddeling", data, pad)
    given = data.get("verantwoordelijkZorgkantoor")
    if given is not None and given != zorgkantoor:
        fouten.append(
            Veldfout(
                f"{pad}.verantwoordelijkZorgkantoor",
                "ONGELIJK",
                "verantwoordelijkZorgkantoor must be the register's own zorgkantoor "
                f"({zorgkantoor}).",
            )
        )
    client = data.get("client")
    if not isinstance(client, Mapping):
        fouten.append(Veldfout(f"{pad}.client", "VERPLICHT", "client is required."))
    else:
        fouten += validate_client(client, f"{pad}.client")
    for i, b in enumerate(data.get("bemiddelingspecificatie") or []):
        fouten += validate_bemiddelingspecificatie(b, f"{pad}.bemiddelingspecificatie[{i}]")
    for i, r in enumerate(data.get("regiehouder") or []):
        fouten += validate_regiehouder(r, f"{pad}.regiehouder[{i}]")
    return fouten


def validate_overdracht(
    data: Mapping[str, Any], zorgkantoor: str, pad: str = "overdracht"
) -> list[Veldfout]:
    fouten = _common("Overdracht", data, pad) + _moment(data, "vaststellingMoment", pad)
    if data.get("verantwoordelijkZorgkantoor") == zorgkantoor:
        fouten.append(
            Veldfout(
                f"{pad}.verantwoordelijkZorgkantoor",
                "GELIJK",
                "An overdracht goes to another zorgkantoor than the register's own.",
            )
        )
    for i, s in enumerate(data.get("overdrachtspecificatie") or []):
        fouten += _common("Overdrachtspecificatie", s, f"{pad}.overdrachtspecificatie[{i}]")
    return fouten
