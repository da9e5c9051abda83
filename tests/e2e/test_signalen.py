"""Wlz-signalen over real HTTP: the demo's definition of done.

A real ``iwlz serve`` (SQLite): the signalen service subscribes at the CIZ and fills its
kopie Wlz register through nID (scheduler inside the server); two gemeenten deliver their Wmo
lists with the API; the CIZ registers an indication for a resident of one of them; after the
copy caught up, ``iwlz signalen run`` yields exactly one signal, for that gemeente only, in its
CSV and its API; running again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..registers.indicatie.test_api import REGISTREER, indicatie_json
from .conftest import BEHEER_PATH, IR_CREATE, free_port, iwlz
from .harness import Proc, network_env, prepare, start_server, wait_for

API = "/wlzsignalen/v1"
WMO = "wlzsignalen/wmo:create"
SIGNALEN = "wlzsignalen/signalen:read"
AMSTERDAM = "0363"
ROTTERDAM = "0599"
BSN_NEW = "999993653"  # in Amsterdam's Wmo list, no Wlz indication yet
BSN_OTHER = "999990019"  # in Rotterdam's list only
HEADER = "gemeentecode;bsn;wmo_referentie;status;ingangsdatum;einddatum;voorzieningsoort\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], str, Path]]:
    root = tmp_path_factory.mktemp("signalen")
    port = free_port()
    env = network_env(
        root,
        f"sqlite:///{root / 'iwlz.db'}",
        port,
        IWLZ_SIGNALEN_SYNC_SECONDS="0.3",
        IWLZ_SIGNALEN_RUN_TIME="23:59",
    )
    prepare(env, clients=8)
    # The service is not part of `participants demo`: register it (no demo Wmo lists).
    done = iwlz("signalen", "demo", "--no-wmo", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    proc: Proc = start_server(env, root / "server.log")
    try:
        yield env, env["IWLZ_PUBLIC_URL"], root
    finally:
        proc.stop()


def token(root: Path, base: str, participant: str, scope: str, audience_path: str) -> str:
    from iwlz.nid.client import token_request
    from iwlz.nid.demo import participant_key

    client_id, key = participant_key(root / "keys", participant)
    params = token_request(
        client_id, key, f"{base}/oauth/token", scope=scope, audience=base + audience_path
    )
    r = httpx.post(f"{base}/oauth/token", data=params, timeout=30)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def status(env: dict[str, str]) -> dict[str, Any]:
    done = iwlz("signalen", "status", "--json", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def signals(base: str, root: Path, g: str) -> list[dict[str, Any]]:
    headers = {"authorization": f"Bearer {token(root, base, f'GEMEENTECODE:{g}', SIGNALEN, API)}"}
    r = httpx.get(f"{base}{API}/gemeenten/{g}/signalen", headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_a_new_indication_gives_exactly_one_signal_to_its_gemeente(
    server: tuple[dict[str, str], str, Path],
) -> None:
    env, base, root = server
    # 1. The service filled its copy by resync through nID (8 seeded indications).
    wait_for(lambda: sum(status(env)["wlzKopie"].values()) == 8, 30, "the initial resync")
    # 2. Both gemeenten deliver with the API.
    for g, bsn in ((AMSTERDAM, BSN_NEW), (ROTTERDAM, BSN_OTHER)):
        headers = {
            "authorization": f"Bearer {token(root, base, f'GEMEENTECODE:{g}', WMO, API)}",
            "content-type": "text/csv",
        }
        body = HEADER + f"{g};{bsn};WMO-{g}-1;LOPEND;2026-01-01;;02\n"
        r = httpx.put(
            f"{base}{API}/gemeenten/{g}/wmo-clienten", content=body, headers=headers, timeout=30
        )
        assert r.status_code == 200, r.text
    done = iwlz("signalen", "run", "--date", "2030-01-01", env=env)
    assert done.returncode == 0, done.stderr
    before = {g: signals(base, root, g) for g in (AMSTERDAM, ROTTERDAM)}
    assert all(s["bsn"] != BSN_NEW for items in before.values() for s in items)
    # 3. The CIZ registers an indication for Amsterdam's resident.
    ciz = token(root, base, "KVK:62253778", IR_CREATE, BEHEER_PATH)
    data = indicatie_json(bsn=BSN_NEW)
    data["client"]["bsn"] = BSN_NEW
    r = httpx.post(
        f"{base}{BEHEER_PATH}",
        json={"query": REGISTREER, "variables": {"i": data}},
        headers={"authorization": f"Bearer {ciz}"},
        timeout=30,
    )
    assert r.status_code == 200 and r.json()["data"]["registreerWlzIndicatie"]["geslaagd"], r.text
    # 4. Notification → the service's inbox → query through nID → copy.
    wait_for(lambda: sum(status(env)["wlzKopie"].values()) == 9, 30, "the notification")
    # 5. The next run: exactly one new signal, for Amsterdam.
    done = iwlz("signalen", "run", "--date", "2030-01-02", env=env)
    assert done.returncode == 0, done.stderr
    assert "1 new signal(s)" in done.stdout and f"{AMSTERDAM}: 1" in done.stdout, done.stdout
    amsterdam = [s for s in signals(base, root, AMSTERDAM) if s["bsn"] == BSN_NEW]
    assert [(s["signaaldatum"], s["signaaltype"], s["wlz_status"]) for s in amsterdam] == [
        ("2030-01-02", "NIEUW_WLZ", "Ja")
    ]
    assert all(s["bsn"] != BSN_NEW for s in signals(base, root, ROTTERDAM))
    # The CSV of that day: Amsterdam's has the one row, Rotterdam has no file.
    csv = httpx.get(
        f"{base}{API}/gemeenten/{AMSTERDAM}/rapporten/2030-01-02",
        headers={
            "authorization": f"Bearer {token(root, base, 'GEMEENTECODE:0363', SIGNALEN, API)}"
        },
        timeout=30,
    )
    assert csv.status_code == 200
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and f";{BSN_NEW};WMO-0363-1;" in rows[1]
    none = httpx.get(
        f"{base}{API}/gemeenten/{ROTTERDAM}/rapporten/2030-01-02",
        headers={
            "authorization": f"Bearer {token(root, base, 'GEMEENTECODE:0599', SIGNALEN, API)}"
        },
        timeout=30,
    )
    assert none.status_code == 404
    # 6. Running again for that date changes nothing.
    again = iwlz("signalen", "run", "--date", "2030-01-02", env=env)
    assert "0 new signal(s)" in again.stdout, again.stdout
    assert len([s for s in signals(base, root, AMSTERDAM) if s["bsn"] == BSN_NEW]) == 1
