"""Indicatieregister authorization over real HTTP (loopback): IR-T1…T9 and the BOLA matrix.

The app runs in a uvicorn thread with an in-memory PIP whose Bemiddelingsregister facts the
test sets; every request is a real token request plus a real GraphQL request.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from iwlz.app import create_app
from iwlz.config import Settings
from iwlz.core import migrate
from iwlz.core.clock import SystemClock
from iwlz.core.db import create_engine
from iwlz.nid.client import token_request
from iwlz.nid.demo import (
    demo_aanbieder_agbs,
    demo_participants,
    participant_key,
    seed_demo_participants,
)
from iwlz.nid.pdp import InMemoryPip
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.indicatie.templates import QIR_0001, QIR_0002, QIR_0003, QIR_0005
from tests.registers.indicatie.factories import indicatie

from .conftest import free_port

IR_READ = "registers/wlzindicatieregister/indicaties/indicatie:read"
PATH = "/indicatieregister/graphql"

AGB_WITH_BSPEC, AGB_WITHOUT = demo_aanbieder_agbs()[:2]
ZK_INITIAL = "5515"  # Amsterdam: derived from the factory's address
ZK_OVERDRACHT = "5518"
ZK_UITVOEREND = "5509"


@dataclass
class Live:
    base: str
    keys: Path
    pip: InMemoryPip
    ids: dict[str, Any]
    tokens: dict[str, str | None]

    def token(self, participant: str) -> str | None:
        if participant not in self.tokens:
            client_id, key = participant_key(self.keys, participant)
            params = token_request(
                client_id,
                key,
                f"{self.base}/oauth/token",
                scope=IR_READ,
                audience=f"{self.base}{PATH}",
            )
            r = httpx.post(f"{self.base}/oauth/token", data=params)
            self.tokens[participant] = r.json()["access_token"] if r.status_code == 200 else None
        return self.tokens[participant]

    def query(self, participant: str, query: str, variables: dict[str, Any]) -> httpx.Response:
        token = self.token(participant)
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return httpx.post(
            f"{self.base}{PATH}",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=30,
        )


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("authz")
    port = free_port()
    url = f"sqlite:///{root / 'iwlz.db'}"
    settings = Settings(
        database_url=url,
        dev=True,
        nid_keys_dir=str(root / "keys"),
        public_url=f"http://127.0.0.1:{port}",
        nid_participant_cache_seconds=0,
    )
    engine = create_engine(url)
    migrate.upgrade(engine)
    pip = InMemoryPip()
    app = create_app(settings, engine=engine, clock=SystemClock(), pip=pip)
    seed_demo_participants(app.state.network.nid.participants, root / "keys")
    ir: Indicatieregister = app.state.network.indicatieregister
    today = dt.date.today()
    data = indicatie(
        afgiftedatum=today - dt.timedelta(days=30), ingangsdatum=today - dt.timedelta(days=30)
    )
    data["geindiceerdZorgzwaartepakket"][0]["ingangsdatum"] = today - dt.timedelta(days=30)
    uitkomst = ir.registreer(data)
    assert uitkomst.geslaagd, uitkomst.fouten
    wid = str(uitkomst.wlzindicatieID)
    # Bemiddelingsregister facts: the initial ZK mediated to AGB_WITH_BSPEC, executed by
    # ZK_UITVOEREND; the dossier was handed over to ZK_OVERDRACHT.
    bid = pip.add_bemiddeling(
        wid, ZK_INITIAL, [{"instelling": AGB_WITH_BSPEC}, {"uitvoerendZorgkantoor": ZK_UITVOEREND}]
    )
    pip.add_overdracht(ZK_OVERDRACHT, bid)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    ids = {
        "wid": wid,
        "bsn": data["bsn"],
        "besluitnummer": data["besluitnummer"],
        "afgiftedatum": data["afgiftedatum"].isoformat(),
        "ingangsdatum": data["ingangsdatum"].isoformat(),
    }
    yield Live(f"http://127.0.0.1:{port}", root / "keys", pip, ids, {})
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def _uc_request(live: Live, uc: str, participant: str) -> tuple[str, dict[str, Any]]:
    value = participant.split(":")[1]
    ids = live.ids
    if uc == "UCIR-0001":
        return QIR_0001, {
            "wlzIndicatieID": ids["wid"],
            "initieelVerantwoordelijkZorgkantoor": value,
        }
    if uc == "UCIR-0002":
        return QIR_0002, {"wlzIndicatieID": ids["wid"], "agbCodeInstelling": value}
    if uc in ("UCIR-0003", "UCIR-0004"):
        return QIR_0003, {"wlzIndicatieID": ids["wid"]}
    return QIR_0005, {
        "Bsn": ids["bsn"],
        "Besluitnummer": ids["besluitnummer"],
        "Afgiftedatum": ids["afgiftedatum"],
        "Ingangsdatum": ids["ingangsdatum"],
    }


def _allowed(r: httpx.Response, wid: str) -> bool:
    if r.status_code != 200:
        assert r.status_code in (401, 403), r.text
        assert (
            "data" not in r.json()
            if r.headers["content-type"].startswith("application/json")
            else True
        )
        return False
    return [x["wlzindicatieID"] for x in r.json()["data"]["wlzIndicatie"]] == [wid]


# IR-T1…T9 (registers.md §1.5), with this network's identities.
def test_ir_t1_t2_t3(live: Live) -> None:
    q, v = _uc_request(live, "UCIR-0001", f"UZOVI:{ZK_INITIAL}")
    assert _allowed(live.query(f"UZOVI:{ZK_INITIAL}", q, v), live.ids["wid"])  # T1
    wrong = {**v, "initieelVerantwoordelijkZorgkantoor": "5501"}
    r = live.query(f"UZOVI:{ZK_INITIAL}", q, wrong)  # T2
    assert r.status_code == 403 and "Policy: Access Denied" in r.json()["errors"][0]["message"]
    no_id = QIR_0001.replace("wlzindicatieID: {eq: $wlzIndicatieID}, ", "").replace(
        "$wlzIndicatieID: UUID!, ", ""
    )
    r = live.query(
        f"UZOVI:{ZK_INITIAL}", no_id, {"initieelVerantwoordelijkZorgkantoor": ZK_INITIAL}
    )
    assert r.status_code == 403  # T3


def test_ir_t4_t5(live: Live) -> None:
    q, v = _uc_request(live, "UCIR-0002", f"AGB:{AGB_WITH_BSPEC}")
    assert _allowed(live.query(f"AGB:{AGB_WITH_BSPEC}", q, v), live.ids["wid"])  # T4
    q, v = _uc_request(live, "UCIR-0002", f"AGB:{AGB_WITHOUT}")
    assert live.query(f"AGB:{AGB_WITHOUT}", q, v).status_code == 403  # T5


def test_ir_t6_t7_t8(live: Live) -> None:
    q, v = _uc_request(live, "UCIR-0003", f"UZOVI:{ZK_OVERDRACHT}")
    assert _allowed(live.query(f"UZOVI:{ZK_OVERDRACHT}", q, v), live.ids["wid"])  # T6
    # T7: the responsible ZK itself does not get in through the overdracht use case
    assert live.query(f"UZOVI:{ZK_INITIAL}", q, v).status_code == 403
    assert _allowed(live.query(f"UZOVI:{ZK_UITVOEREND}", q, v), live.ids["wid"])  # T8


def test_ir_t9_field_outside_template(live: Live) -> None:
    q, v = _uc_request(live, "UCIR-0001", f"UZOVI:{ZK_INITIAL}")
    q = q.replace("postcode plaatsnaam", "postcode huisletter plaatsnaam", 1)
    assert live.query(f"UZOVI:{ZK_INITIAL}", q, v).status_code == 403


def _expected(uc: str, participant: str) -> bool:
    kind = participant.split(":")[0]
    if uc == "UCIR-0001":
        return participant == f"UZOVI:{ZK_INITIAL}"
    if uc == "UCIR-0002":
        return participant == f"AGB:{AGB_WITH_BSPEC}"
    if uc in ("UCIR-0003", "UCIR-0004"):
        return participant in (f"UZOVI:{ZK_OVERDRACHT}", f"UZOVI:{ZK_UITVOEREND}")
    return kind == "UZOVI"  # UCIR-0005: any zorgkantoor that received the ZK31


def test_bola_matrix_every_participant_every_use_case(live: Live) -> None:
    """Only the right participants get data; everybody else gets 401/403 and no data."""
    mistakes = []
    for p in demo_participants():
        for uc in ("UCIR-0001", "UCIR-0002", "UCIR-0003", "UCIR-0005"):
            q, v = _uc_request(live, uc, p.identifier)
            got = _allowed(live.query(p.identifier, q, v), live.ids["wid"])
            if got != _expected(uc, p.identifier):
                mistakes.append((p.identifier, uc, got))
    assert mistakes == []
