"""Fixtures of the address-book tests: an engine with the adresboek table, sample entries."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from iwlz.adresboek import Adresboek, adresboek_service
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.core.metadata import metadata

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
PEP = "https://pep.nid.example/"
TOKEN = "https://auth.nid.example/oauth/token"


def entry(gid: str = "5501_NOTIFICATIE_TST", **overrides: Any) -> dict[str, Any]:
    """A valid ElectronicService; NOTIFICATIE entries get both notification roles."""
    func = gid.strip().replace("-", "_").split("_")[1].upper()
    codes = {
        "NOTIFICATIE": ["NOTIFICATIE_INDICATIE", "NOTIFICATIE_BEMIDDELING"],
        "MELDING": ["MELDING"],
        "REGISTER": ["REGISTER"],
    }.get(func, ["REGISTER"])
    org = gid.strip().replace("-", "_").split("_")[0]
    doc: dict[str, Any] = {
        "description": f"TEST OMGEVING {gid}",
        "gegevensdienstId": gid,
        "weergavenaam": f"TEST OMGEVING - {gid}",
        "authorizationEndpoint": {"authorizationEndpointuri": PEP},
        "tokenEndpoint": {"tokenEndpointuri": TOKEN},
        "systeemrollen": [
            {
                "systeemrolcode": code,
                "resourceEndpoint": {
                    "resourceEndpointuri": f"https://{org.lower()}.example/{code.lower()}/graphql"
                },
            }
            for code in codes
        ],
    }
    doc.update(copy.deepcopy(overrides))
    return doc


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    metadata.create_all(eng, tables=[adresboek_service])
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def adresboek(engine: Engine, clock: FixedClock) -> Adresboek:
    return Adresboek(engine, clock=clock)
