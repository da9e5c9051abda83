"""Fixtures for Wlz-signalen: a migrated database and the whole app in-process with real nID
tokens (client credentials, private_key_jwt) for a few participants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from iwlz.adresboek import Adresboek
from iwlz.app import create_app
from iwlz.config import Settings
from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.nid.client import token_request
from iwlz.nid.keys import SigningKey, load_or_create
from iwlz.nid.participants import ParticipantRegistry
from iwlz.signalen.demo import SERVICE_SCOPES, netwerkpunt_entry
from iwlz.signalen.toegang import SCOPE_SIGNALEN, SCOPE_WMO

NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
BASE = "http://testserver"
SLEUTEL = b"test-signalen-key-0123456789"
AMSTERDAM = "0363"
ROTTERDAM = "0599"
SERVICE = "KVK:90000025"
CIZ = "KVK:62253778"
ZORGKANTOOR = "UZOVI:5513"
# 11-proef BSNs, synthetic.
BSN_A = "999993653"
BSN_B = "999990019"
BSN_C = "999990032"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@dataclass
class Net:
    """The app in-process and the participants' keys."""

    client: TestClient
    engine: Engine
    keys: dict[str, tuple[str, SigningKey]]
    app: Any

    def token(self, who: str, scope: str, audience_path: str) -> str:
        client_id, key = self.keys[who]
        params = token_request(
            client_id, key, f"{BASE}/oauth/token", scope=scope, audience=BASE + audience_path
        )
        r = self.client.post("/oauth/token", data=params)
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def bearer(self, who: str, scope: str, audience_path: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(who, scope, audience_path)}"}


def register(
    registry: ParticipantRegistry,
    keys_dir: Path,
    type_: str,
    identifier: str,
    scopes: tuple[str, ...] | None = None,
) -> tuple[str, SigningKey]:
    key = load_or_create(keys_dir / f"{identifier.replace(':', '_')}.pem", create=True)
    p = registry.add(
        type=type_, identifier=identifier, naam=identifier, jwks={"keys": [key.jwk]}, scopes=scopes
    )
    return p.client_id, key


@pytest.fixture
def net(engine: Engine, tmp_path: Path) -> Iterator[Net]:
    """The app on ``engine`` (dev mode off: secrets given; no scheduler, no delivery workers)
    with the signalen service, two gemeenten, the CIZ and a zorgkantoor registered."""
    settings = Settings(
        database_url=str(engine.url),
        dev=False,
        public_url=BASE,
        nid_signing_key_file=str(tmp_path / "nid.pem"),
        audit_bsn_key="test-audit-key-0123456789",
        signalen_sleutel_key=SLEUTEL.decode(),
        signalen_portal_secret="test-portal-secret-0123456789",
        signalen_scheduler=False,
        nid_participant_cache_seconds=0,
    )
    load_or_create(tmp_path / "nid.pem", create=True)
    registry = ParticipantRegistry(engine)
    keys_dir = tmp_path / "keys"
    keys = {
        SERVICE: register(registry, keys_dir, "leverancier", SERVICE, SERVICE_SCOPES),
        AMSTERDAM: register(
            registry,
            keys_dir,
            "gemeente",
            f"GEMEENTECODE:{AMSTERDAM}",
            (SCOPE_WMO, SCOPE_SIGNALEN),
        ),
        ROTTERDAM: register(
            registry,
            keys_dir,
            "gemeente",
            f"GEMEENTECODE:{ROTTERDAM}",
            (SCOPE_WMO, SCOPE_SIGNALEN),
        ),
        CIZ: register(registry, keys_dir, "ciz", CIZ),
        ZORGKANTOOR: register(registry, keys_dir, "zorgkantoor", ZORGKANTOOR),
    }
    # Real time: client assertions are signed with the current time.
    # The service's netwerkpunt in the address book (a valid token audience, as in the demo).
    Adresboek(engine).import_json(
        {"electronicServices": [netwerkpunt_entry(settings, "KVK", "90000025")]}
    )
    app = create_app(settings, engine=engine, delivery_workers=0)
    with TestClient(app, base_url=BASE) as client:
        yield Net(client, engine, keys, app)
