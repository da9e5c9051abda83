from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from iwlz.abonnementen.catalogus import WLZINDICATIE_MUTATIE_ABONNEMENT
from iwlz.abonnementen.models import abonnement
from iwlz.abonnementen.service import Abonnementen
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.core.metadata import metadata
from iwlz.nid.participants import SCOPE_ABONNEMENT_IR
from iwlz.notificaties.outbox import outbox_table

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)

CAK_KVK = "90000017"
SIGNALEN_KVK = "90000025"
ZK_UZOVI = "5505"
ZA_AGB = "12345678"


def claims(id_type: str, value: str, **extra: Any) -> dict[str, Any]:
    """Token claims as nID issues them (network.md §3.4; iwlz.nid.tokens)."""
    instantie = {"KVK": "Onderneming", "UZOVI": "Zorgkantoor", "AGB": "Zorgaanbieder"}
    out: dict[str, Any] = {
        "iss": "auth.nid",
        "sub": f"{id_type.lower()}:{value}",
        "client_id": f"{id_type.lower()}:{value}",
        "scopes": [SCOPE_ABONNEMENT_IR],
        "instantie_type": instantie.get(id_type, "Onderneming"),
        "agb": value if id_type == "AGB" else None,
        "uzovi": value if id_type == "UZOVI" else None,
        "kvk": value if id_type == "KVK" else None,
    }
    if id_type == "OIN":
        out["oin"] = value
    out.update(extra)
    return out


CAK = claims("KVK", CAK_KVK)
SIGNALEN = claims("KVK", SIGNALEN_KVK)
ZORGKANTOOR = claims("UZOVI", ZK_UZOVI)
AANBIEDER = claims("AGB", ZA_AGB)

TOEGELATEN = {
    WLZINDICATIE_MUTATIE_ABONNEMENT: frozenset(
        {f"kvk:{CAK_KVK}", f"KVK:{SIGNALEN_KVK}", f"uzovi:{ZK_UZOVI}", f"agb:{ZA_AGB}"}
    )
}
"""Who may subscribe in these tests (one spelled as in the settings, upper case)."""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on SQLite and (when configured) PostgreSQL with the abonnement and outbox
    tables."""
    eng = create_engine(db_url)
    metadata.create_all(eng, tables=[abonnement, outbox_table])
    yield eng
    eng.dispose()


@pytest.fixture
def service(engine: Engine, clock: FixedClock) -> Abonnementen:
    return Abonnementen(engine, clock=clock, toegelaten=TOEGELATEN)
