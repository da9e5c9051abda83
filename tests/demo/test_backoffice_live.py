"""The demo's back offices on a live ``iwlz serve``: the chain CIZ → zorgkantoor → aanbieder →
zorgkantoor, only over HTTP with nID tokens (like tests/e2e).

Needs the Bemiddelingsregister and Leveringsregister routes in ``src/iwlz/app.py`` (read and
beheer, ``/bemiddelingsregister/{uzovi}/…``, ``/leveringsregister/{agb}/…``) and their policies.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from iwlz.demo.backoffice import (
    IR_BEHEER_PATH,
    BackofficeNetwork,
    BspecStatus,
    CizDriver,
    RoundResult,
    Zorgaanbieder,
    Zorgkantoor,
    br_beheer_path,
    br_path,
    stable_uuid,
    start_in_background,
)
from iwlz.demo.cli import backoffice_app
from iwlz.demo.queries import QBR_0001, REGISTREER_INDICATIE
from iwlz.nid.demo import CIZ, demo_aanbieder_agbs
from iwlz.nid.netwerk import NetworkClient
from iwlz.nid.participants import SCOPE_BR_CREATE, SCOPE_BR_READ, SCOPE_IR_CREATE

from ..e2e.harness import Proc, free_port, network_env, prepare, start_server

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "registreer-indicatie.json"
AGB = demo_aanbieder_agbs()[0]


@dataclass
class Live:
    base_url: str
    keys_dir: Path
    server: Proc

    def client(self, participant: str) -> NetworkClient:
        return NetworkClient.demo(participant, base_url=self.base_url, keys_dir=self.keys_dir)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("backoffice")
    port = free_port()
    env = network_env(root, f"sqlite:///{root / 'iwlz.db'}", port)
    prepare(env)
    server = start_server(env, root / "server.log")
    try:
        yield Live(env["IWLZ_PUBLIC_URL"], root / "keys", server)
    finally:
        server.stop()


def registreer(live: Live, bsn: str, besluitnummer: int) -> dict[str, Any]:
    """The CIZ registers the README's example indication (→ zorgkantoor 5501), with a
    preference for the demo aanbieder AGB."""
    variables = json.loads(EXAMPLE.read_text())["variables"]["i"]
    variables["bsn"] = variables["client"]["bsn"] = bsn
    variables["besluitnummer"] = besluitnummer
    for zzp in variables["geindiceerdZorgzwaartepakket"]:
        zzp["instellingVoorkeur"] = AGB
    data = live.client(CIZ).graphql(
        IR_BEHEER_PATH, SCOPE_IR_CREATE, REGISTREER_INDICATIE, {"i": variables}
    )
    result: dict[str, Any] = data["registreerWlzIndicatie"]
    assert result["geslaagd"], result["fouten"]
    return result["wlzIndicatie"]


def wait_for(client: NetworkClient, event_type: str, record: str, timeout: float = 10.0) -> None:
    """Until the notification is in the participant's inbox (not acknowledged)."""
    deadline = time.monotonic() + timeout
    while True:
        for item in client.inbox():
            if item["eventType"] == event_type and any(
                record in (s["recordID"], s["subject"]) for s in item["subjectList"]
            ):
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"no {event_type} for {record} at {client.participant}")
        time.sleep(0.05)


def ok(result: RoundResult) -> bool:
    """The round handled something and nothing failed."""
    return result.handled >= 1 and result.failed == 0 and result.given_up == 0 and not result.error


def mine(zk: Zorgkantoor, wlz_id: str) -> list[BspecStatus]:
    return [s for s in zk.status.values() if s.wlzIndicatieID == wlz_id]


def test_the_chain_runs_round_by_round(live: Live) -> None:
    ind = registreer(live, "111222333", 4711)
    wid, uzovi = ind["wlzindicatieID"], ind["initieelVerantwoordelijkZorgkantoor"]
    zk = Zorgkantoor(live.client(f"UZOVI:{uzovi}"))
    aanbieder = Zorgaanbieder(live.client(f"AGB:{AGB}"))

    # 1. The zorgkantoor reads the indication (QIR-0001) and bemiddelt in its own register.
    wait_for(zk.client, "NIEUWE_INDICATIE_ZORGKANTOOR", f"WlzIndicatie/{wid}")
    assert ok(zk.run_once())
    (bspec,) = mine(zk, wid)
    assert bspec.instelling == AGB and bspec.wlzIndicatieID == wid
    # The aanbieder is notified and can read its allocation at the zorgkantoor's register.
    wait_for(
        aanbieder.client,
        "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
        f"Bemiddelingspecificatie/{bspec.bemiddelingspecificatieID}",
    )
    rows = aanbieder.client.graphql(
        br_path(uzovi),
        SCOPE_BR_READ,
        QBR_0001,
        {"bemiddelingspecificatieID": bspec.bemiddelingspecificatieID, "instelling": AGB},
    )["bemiddelingspecificatie"]
    assert rows[0]["bemiddeling"]["wlzIndicatieID"] == wid
    assert rows[0]["bemiddeling"]["client"]["bsn"] == "111222333"

    # 2. The aanbieder takes the allocation on and registers the levering in its own register.
    assert ok(aanbieder.run_once())

    # 3. The zorgkantoor hears of the leveringperiode and reads it (QLR-0006).
    wait_for(
        zk.client,
        "NIEUWE_LEVERINGPERIODE_ZORGKANTOOR",
        f"Levering/{bspec.bemiddelingspecificatieID}",
    )
    assert ok(zk.run_once())
    assert bspec.status == "in zorg"
    assert bspec.sinds == "2026-03-01"
    assert any("in zorg bij AGB" in line and "111222333" in line for line in zk.status_lines())
    # Everything about it is acknowledged.
    left = [*zk.client.inbox(), *aanbieder.client.inbox()]
    assert not [i for i in left if bspec.bemiddelingspecificatieID in json.dumps(i)]
    assert not [i for i in left if wid in json.dumps(i)]


def test_the_aanbieder_may_read_the_indication_once_it_has_an_allocation(live: Live) -> None:
    ind = registreer(live, "999990020", 4712)
    uzovi = ind["initieelVerantwoordelijkZorgkantoor"]
    zk = Zorgkantoor(live.client(f"UZOVI:{uzovi}"))
    aanbieder = Zorgaanbieder(live.client(f"AGB:{AGB}"))
    wait_for(zk.client, "NIEUWE_INDICATIE_ZORGKANTOOR", f"WlzIndicatie/{ind['wlzindicatieID']}")
    assert ok(zk.run_once())
    (bspec,) = mine(zk, ind["wlzindicatieID"])
    wait_for(
        aanbieder.client,
        "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
        f"Bemiddelingspecificatie/{bspec.bemiddelingspecificatieID}",
    )
    assert ok(aanbieder.run_once())
    # QIR-0002 passes nID's PIP (PIP-0002 on the zorgkantoor's Bemiddelingsregister).
    assert aanbieder.indicaties_gelezen >= 1 and aanbieder.indicaties_geweigerd == 0


def test_the_network_runner_and_the_ciz_driver_keep_the_chain_going(live: Live) -> None:
    lines: list[str] = []
    driver = CizDriver(live.client(CIZ), seed=424242, say=lines.append)
    done = driver.register_one()
    assert done.wlzindicatieID and done.zorgkantoor
    network = BackofficeNetwork(
        live.base_url,
        live.keys_dir,
        participants=[f"UZOVI:{done.zorgkantoor}", *(f"AGB:{a}" for a in demo_aanbieder_agbs())],
        say=lines.append,
    )
    zk = network.office(f"UZOVI:{done.zorgkantoor}")
    assert isinstance(zk, Zorgkantoor)

    def in_zorg() -> bool:
        mine = [s for s in zk.status.values() if s.wlzIndicatieID == done.wlzindicatieID]
        return bool(mine) and all(s.status == "in zorg" for s in mine)

    try:
        deadline = time.monotonic() + 30
        while not in_zorg():
            assert time.monotonic() < deadline, "\n".join(lines)
            results = network.run_once()
            assert all(r.error is None and r.given_up == 0 for r in results), results
            time.sleep(0.2)
    finally:
        network.close()
    assert any(f"registered indication {done.wlzindicatieID[:8]}" in line for line in lines)
    assert any("in zorg bij AGB" in line for line in network.status_lines())


REGISTREER_OVERDRACHT = (
    "mutation($b: UUID!, $o: OverdrachtInput!) { registreerOverdracht(bemiddelingID: $b, "
    "overdracht: $o) { geslaagd fouten { veld code melding } overdracht { overdrachtID } } }"
)


def test_overdracht_the_new_zorgkantoor_takes_over(live: Live) -> None:
    ind = registreer(live, "999990032", 4714)
    wid, uzovi = ind["wlzindicatieID"], ind["initieelVerantwoordelijkZorgkantoor"]
    nieuw = "5507" if uzovi != "5507" else "5505"
    oud_zk = Zorgkantoor(live.client(f"UZOVI:{uzovi}"))
    nieuw_zk = Zorgkantoor(live.client(f"UZOVI:{nieuw}"))
    aanbieder = Zorgaanbieder(live.client(f"AGB:{AGB}"))
    wait_for(oud_zk.client, "NIEUWE_INDICATIE_ZORGKANTOOR", f"WlzIndicatie/{wid}")
    assert ok(oud_zk.run_once())
    (oud_bspec,) = mine(oud_zk, wid)
    # The responsible zorgkantoor hands the client over (its own beheer API).
    data = oud_zk.client.graphql(
        br_beheer_path(uzovi),
        SCOPE_BR_CREATE,
        REGISTREER_OVERDRACHT,
        {
            "b": stable_uuid("bemiddeling", uzovi, wid),
            "o": {
                "verantwoordelijkZorgkantoor": nieuw,
                "overdrachtDatum": "2026-09-01",
                "verhuisDatum": "2026-08-15",
                "overdrachtspecificatie": [
                    {
                        "bemiddelingspecificatieID": oud_bspec.bemiddelingspecificatieID,
                        "leveringsstatus": "4",
                    }
                ],
            },
        },
    )
    result = data["registreerOverdracht"]
    assert result["geslaagd"], result["fouten"]
    oid = result["overdracht"]["overdrachtID"]
    # The new zorgkantoor reads it (QBR-0007) and registers its own bemiddeling.
    wait_for(nieuw_zk.client, "NIEUWE_OVERDRACHT_ZORGKANTOOR", f"Overdracht/{oid}")
    assert ok(nieuw_zk.run_once())
    (nieuw_bspec,) = mine(nieuw_zk, wid)
    assert nieuw_bspec.wlzIndicatieID == wid
    assert nieuw_bspec.toewijzingIngangsdatum == "2026-09-01"
    assert nieuw_bspec.instelling == AGB
    # The aanbieder hears from the new zorgkantoor too and registers that levering.
    wait_for(
        aanbieder.client,
        "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
        f"Bemiddelingspecificatie/{nieuw_bspec.bemiddelingspecificatieID}",
    )
    assert ok(aanbieder.run_once())
    wait_for(
        nieuw_zk.client,
        "NIEUWE_LEVERINGPERIODE_ZORGKANTOOR",
        f"Levering/{nieuw_bspec.bemiddelingspecificatieID}",
    )
    assert ok(nieuw_zk.run_once())
    assert nieuw_bspec.status == "in zorg" and nieuw_bspec.sinds == "2026-09-01"


def test_cli_run_once(live: Live) -> None:
    registreer(live, "123456782", 4713)
    time.sleep(1.0)
    result = CliRunner().invoke(
        backoffice_app,
        [
            "run",
            "--once",
            "--base-url",
            live.base_url,
            "--keys-dir",
            str(live.keys_dir),
            "--only",
            "UZOVI:5501",
            "--only",
            f"AGB:{AGB}",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "round done: 2 back offices" in result.output
    assert "bemiddeling" in result.output


def test_in_the_background_for_iwlz_demo(live: Live) -> None:
    lines: list[str] = []
    thread, stop = start_in_background(
        live.base_url, live.keys_dir, interval=0.3, drive=1.0, say=lines.append
    )
    try:
        deadline = time.monotonic() + 30
        while not any("in zorg bij AGB" in line or "was in zorg" in line for line in lines):
            assert time.monotonic() < deadline, "\n".join(lines)
            assert thread.is_alive(), "\n".join(lines)
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
    assert not [line for line in lines if "GAVE UP" in line]
