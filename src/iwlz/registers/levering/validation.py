"""Validation of Leveringsregister writes (the aanbieder's input).

Rules: required values present (registers.md §3.2), AGB formats, the Levering's two
zorgkantoren (UZOVI, 4 digits; iwlz bookkeeping, see ``models.ZORGKANTOREN``), UUIDs, BSN
11-proef, percentages 0..100, a non-negative volume, time-zone-aware ``vaststellingMoment`` and
consistent date periods. The LR names no codelists (§3.2), so code values are not checked
against any. Every function returns a list of :class:`Veldfout`; empty means valid.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from typing import Any

from iwlz.core import ids
from iwlz.registers.indicatie.validation import Veldfout

__all__ = [
    "Veldfout",
    "validate",
    "validate_levering",
]

REQUIRED: dict[str, tuple[str, ...]] = {
    "Client": ("bsn",),
    "Levering": (
        "bemiddelingspecificatieID",
        "verantwoordelijkZorgkantoor",
        "uitvoerendZorgkantoor",
    ),
    "Leveringperiode": ("ingangsdatum",),
    "BehandelingPeriode": ("ingangsdatum",),
    "Uitstelperiode": ("ingangsdatum", "reden", "leveringsstatus", "leveringsstatusClassificatie"),
    "Afstel": ("afsteldatum", "reden"),
    "Verzoek": ("verzoekdatum", "product", "toewijzingSoort", "leveringsvorm"),
    "VerzoekAanbieder": (
        "aanbieder",
        "toewijzingIngangsdatum",
        "toewijzingPercentage",
        "regiehouder",
    ),
}

_DATES: dict[str, tuple[str, str]] = {
    "Leveringperiode": ("ingangsdatum", "einddatum"),
    "BehandelingPeriode": ("ingangsdatum", "einddatum"),
    "Uitstelperiode": ("ingangsdatum", "einddatum"),
    "VerzoekAanbieder": ("toewijzingIngangsdatum", "toewijzingEinddatum"),
}

_AGB = {
    "Leveringperiode": ("aanbiederBestemming",),
    "Afstel": ("aanbiederBestemming",),
    "VerzoekAanbieder": ("aanbieder",),
}

_UZOVI = {"Levering": ("verantwoordelijkZorgkantoor", "uitvoerendZorgkantoor")}

_MOMENT = ("Leveringperiode", "Uitstelperiode", "Afstel")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate(kind: str, data: Mapping[str, Any], pad: str) -> list[Veldfout]:
    """Field errors of one object of type ``kind`` (without its children)."""
    fouten = [
        Veldfout(f"{pad}.{name}", "VERPLICHT", f"{name} is required.")
        for name in REQUIRED.get(kind, ())
        if _blank(data.get(name))
    ]
    for name, value in data.items():
        if name.endswith("ID") and value is not None and not isinstance(value, uuid.UUID):
            fouten.append(Veldfout(f"{pad}.{name}", "FORMAAT", f"{name} must be a UUID."))
    for name in _AGB.get(kind, ()):
        value = data.get(name)
        if value is not None and not (isinstance(value, str) and ids.is_valid_agb(value)):
            fouten.append(
                Veldfout(f"{pad}.{name}", "FORMAAT", f"{name} must be an AGB code of 8 digits.")
            )
    for name in _UZOVI.get(kind, ()):
        value = data.get(name)
        if not _blank(value) and not (isinstance(value, str) and ids.is_valid_uzovi(value)):
            fouten.append(
                Veldfout(
                    f"{pad}.{name}", "FORMAAT", f"{name} must be a UZOVI code of 4 digits (COD001)."
                )
            )
    if kind in _MOMENT:
        value = data.get("vaststellingMoment")
        if value is not None and not (
            isinstance(value, dt.datetime) and value.utcoffset() is not None
        ):
            fouten.append(
                Veldfout(
                    f"{pad}.vaststellingMoment",
                    "FORMAAT",
                    "vaststellingMoment must be a date-time with a time-zone offset.",
                )
            )
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
    if kind == "VerzoekAanbieder":
        value = data.get("toewijzingPercentage")
        if value is not None and not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100
        ):
            fouten.append(
                Veldfout(
                    f"{pad}.toewijzingPercentage",
                    "BEREIK",
                    "toewijzingPercentage must be a whole number 0..100.",
                )
            )
    if kind == "Verzoek":
        value = data.get("volume")
        if value is not None and not (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        ):
            fouten.append(
                Veldfout(f"{pad}.volume", "BEREIK", "volume must be a finite number >= 0.")
            )
        aanbieders = data.get("verzoekAanbieders")
        if not aanbieders:
            fouten.append(
                Veldfout(
                    f"{pad}.verzoekAanbieders",
                    "VERPLICHT",
                    "A verzoek needs at least one verzoekAanbieder.",
                )
            )
        for i, a in enumerate(aanbieders or []):
            fouten += validate("VerzoekAanbieder", a, f"{pad}.verzoekAanbieders[{i}]")
    if kind == "Leveringperiode":
        for i, b in enumerate(data.get("behandelingperiodes") or []):
            fouten += validate("BehandelingPeriode", b, f"{pad}.behandelingperiodes[{i}]")
    if kind == "Client":
        bsn = data.get("bsn")
        if not _blank(bsn) and not (isinstance(bsn, str) and ids.is_valid_bsn(bsn)):
            fouten.append(Veldfout(f"{pad}.bsn", "FORMAAT", "bsn fails the 11-proef."))
    return fouten


def validate_levering(data: Mapping[str, Any], pad: str = "levering") -> list[Veldfout]:
    """A whole Levering write: the levering, its client and its periods (and verzoeken)."""
    fouten = validate("Levering", data, pad)
    client = data.get("client")
    if not isinstance(client, Mapping):
        fouten.append(Veldfout(f"{pad}.client", "VERPLICHT", "client is required."))
    else:
        fouten += validate("Client", client, f"{pad}.client")
    for veld, kind in (
        ("leveringperiodes", "Leveringperiode"),
        ("uitstelperiodes", "Uitstelperiode"),
        ("verzoeken", "Verzoek"),
    ):
        for i, item in enumerate(data.get(veld) or []):
            fouten += validate(kind, item, f"{pad}.{veld}[{i}]")
    if data.get("afstel") is not None:
        fouten += validate("Afstel", data["afstel"], f"{pad}.afstel")
    return fouten
