"""Hand-written WlzIndicatieInput values for tests (the synthetic generator is tested apart)."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any

TODAY = dt.date(2026, 6, 15)

_BASE: dict[str, Any] = {
    "bsn": "111222333",
    "besluitnummer": 4711,
    "soortWlzindicatie": "1",
    "afgiftedatum": dt.date(2026, 3, 1),
    "ingangsdatum": dt.date(2026, 3, 1),
    "einddatum": None,
    "meerzorg": "2",
    "grondslag": [
        {"grondslag": "02", "volgorde": 1},
        {"grondslag": "01", "volgorde": 2},
    ],
    "geindiceerdZorgzwaartepakket": [
        {
            "zzpCode": "755",
            "ingangsdatum": dt.date(2026, 3, 1),
            "financiering": "1",
            "voorkeurClient": "4",
            "instellingVoorkeur": "12345678",
        },
    ],
    "beperking": [
        {
            "categorie": "3",
            "duur": "4",
            "beperkingScore": [{"beperkingVraag": "0301", "beperkingScore": "2"}],
        },
    ],
    "stoornis": [
        {
            "grondslag": "02",
            "diagnoseCodelijst": "014",
            "ziektebeeldStoornis": "F03",
            "prognose": "4",
        },
    ],
    "stoornisScore": [{"stoornisVraag": "0101", "stoornisScore": "2"}],
    "wzd": {"wzdVerklaring": "3", "ingangsdatum": dt.date(2026, 3, 1)},
    "client": {
        "bsn": "111222333",
        "geheimeClient": "2",
        "geboorteDatum": dt.date(1938, 4, 12),
        "geslacht": "2",
        "geslachtsnaam": "Jansen",
        "voorvoegselGeslachtsnaam": None,
        "voornamen": "Maria Johanna",
        "voorletters": "MJ",
        "naamGebruik": "1",
        "contactGegevens": [
            {
                "adres": {
                    "adresSoort": "01",
                    "straatnaam": "Kerkstraat",
                    "huisnummer": 12,
                    "postcode": "1017GC",
                    "plaatsnaam": "Amsterdam",
                    "landCode": "NL",
                    "ingangsdatum": dt.date(1990, 1, 1),
                    "gemeentecode": "0363",
                }
            },
            {"telefoon": {"telefoonnummer": "0201234567", "ingangsdatum": dt.date(2020, 1, 1)}},
        ],
        "contactPersoon": [
            {
                "relatieNummer": "1",
                "volgorde": 1,
                "soortRelatie": "12",
                "geslachtsnaam": "Jansen",
                "voorletters": "P",
                "ingangsdatum": dt.date(2020, 1, 1),
                "contactGegevens": [
                    {
                        "telefoon": {
                            "telefoonnummer": "0612345678",
                            "ingangsdatum": dt.date(2020, 1, 1),
                        }
                    },
                ],
            },
            {
                "relatieNummer": "2",
                "volgorde": 2,
                "soortRelatie": "15",
                "geslachtsnaam": "Bakker",
                "ingangsdatum": dt.date(2019, 1, 1),
                "einddatum": dt.date(2025, 12, 31),
            },
        ],
    },
}


def indicatie(**overrides: Any) -> dict[str, Any]:
    """A valid WlzIndicatieInput (Amsterdam, so zorgkantoor 5515) with ``overrides``."""
    data = copy.deepcopy(_BASE)
    data.update(overrides)
    return data


def with_ids(data: dict[str, Any]) -> dict[str, Any]:
    """Give every part an explicit ID (to test ID preservation)."""
    data = copy.deepcopy(data)
    data["wlzindicatieID"] = uuid.uuid4()
    for g in data["grondslag"]:
        g["grondslagID"] = uuid.uuid4()
    for z in data["geindiceerdZorgzwaartepakket"]:
        z["geindiceerdZorgzwaartepakketID"] = uuid.uuid4()
    data["client"]["clientID"] = uuid.uuid4()
    return data
