"""One client's estafette chain as consistent messages: the CIZ's IO31, the zorgkantoor's AW33
allocating a ZZP to an aanbieder, and the aanbieder's AW35 for that allocation.

Built from the example data of :mod:`tests.berichten.voorbeelden` (an AW33's client and
indication), so the three messages name the same client, decision and allocation."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from lxml import etree

from iwlz.berichten.catalogus import bericht
from iwlz.berichten.codec import schrijf

from .voorbeelden import AANBIEDER, ZORGKANTOOR, gegevens


@dataclass(frozen=True)
class Keten:
    io31: bytes
    aw33: bytes
    aw35: bytes
    bsn: str
    besluitnummer: int
    zzp_code: str
    ingangsdatum: dt.date


def _bytes(code: str, data: dict[str, Any]) -> bytes:
    return etree.tostring(schrijf(code, data), xml_declaration=True, encoding="UTF-8")


def _header(data: dict[str, Any], code: str, identificatie: str, **partijen: str | None) -> None:
    header = data["Header"]
    header["BerichtCode"] = bericht(code).berichtcode
    header["BerichtIdentificatie"]["Identificatie"] = identificatie
    for naam, waarde in partijen.items():
        if waarde is None:
            header.pop(naam, None)
        else:
            header[naam] = waarde


def keten(seed: int = 3, *, zorgkantoor: str = ZORGKANTOOR, aanbieder: str = AANBIEDER) -> Keten:
    """The three messages for one client (see the module docstring)."""
    aw33 = gegevens("AW33", seed=seed)
    _header(aw33, "AW33", f"AW33-{seed:05d}", Afzender=zorgkantoor, Ontvanger=aanbieder)
    client = aw33["Clienten"]["Client"][0]
    aw33["Clienten"]["Client"] = [client]
    indicatie = client["Indicatie"]
    pakketten = indicatie["ToegewezenZorgzwaartepakketten"]["ToegewezenZorgzwaartepakket"]
    for pakket in pakketten:
        pakket["Zorgkantoor"] = zorgkantoor
        for veld in ("Instelling", "Dossierhouder"):
            if veld in pakket:
                pakket[veld] = aanbieder
    for functie in (indicatie.get("ToegewezenFuncties") or {}).get("ToegewezenFunctie", []):
        functie["Zorgkantoor"] = zorgkantoor
        functie["Instelling"] = aanbieder

    io31 = copy.deepcopy(aw33)
    _header(io31, "IO31", f"IO31-{seed:05d}", Afzender=None, Ontvanger=zorgkantoor)
    io31_client = io31["Clienten"]["Client"][0]
    io31_client.pop("Partneropname", None)
    for veld in ("ToegewezenFuncties", "ToegewezenZorgzwaartepakketten"):
        io31_client["Indicatie"].pop(veld, None)

    eerste = pakketten[0]
    aw35 = gegevens("AW35", seed=seed)
    _header(aw35, "AW35", f"AW35-{seed:05d}", Afzender=aanbieder, Ontvanger=zorgkantoor)
    kort = aw35["Clienten"]["Client"][0]
    kort["Bsn"] = client["Bsn"]
    kort["Geboortedatum"] = client["Geboortedatum"]
    kort.pop("GeleverdeFuncties", None)
    kort["GeleverdeZorgzwaartepakketten"] = {
        "GeleverdZorgzwaartepakket": [
            {
                "Besluitnummer": indicatie["Besluitnummer"],
                "ZzpCode": eerste["ZzpCode"],
                "ToewijzingIngangsdatum": eerste["Ingangsdatum"],
                "Begindatum": eerste["Ingangsdatum"] + dt.timedelta(days=1),
                "Instelling": aanbieder,
                "Klasse": eerste.get("Klasse", "KE7"),
                "Leveringsstatus": "4",
                "Leveringsvorm": eerste["Leveringsvorm"],
                # TR129: required when the allocation has Opname 1 (Verblijf).
                **({"Behandeling": "2"} if eerste.get("Opname") == "1" else {}),
                "StatusAanlevering": "1",
            }
        ]
    }
    aw35["Clienten"]["Client"] = [kort]
    return Keten(
        io31=_bytes("IO31", io31),
        aw33=_bytes("AW33", aw33),
        aw35=_bytes("AW35", aw35),
        bsn=client["Bsn"],
        besluitnummer=indicatie["Besluitnummer"],
        zzp_code=eerste["ZzpCode"],
        ingangsdatum=eerste["Ingangsdatum"],
    )
