"""nID's network PIP: the chain walk over the Bemiddelingsregisters, the Leveringsregister's
control queries, failures (fail closed), and the VERVALLEN fan-out's chain."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from iwlz.nid.pip import NetworkPip, PipUnavailable, RoutingPip
from iwlz.nid.pip_queries import PIP_QUERIES, QBR_0010_CIZ, keten

X = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
B = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a04"


class FakeClient:
    """Stands in for nID's token client: hands out a token per audience, counts them."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []
        self.forgotten: list[str] = []

    def token(self, scope: str, audience: str, *, trace_id: str | None = None) -> str:
        self.asked.append((scope, audience))
        return f"token-for-{audience}"

    def forget(self, scope: str, audience: str) -> None:
        self.forgotten.append(audience)


class Registers:
    """Bemiddelingsregisters answering PIP queries from facts, over an httpx MockTransport."""

    def __init__(self, facts: Mapping[str, Mapping[str, list[Any]]]) -> None:
        self.facts = facts  # uzovi -> pip id -> rows
        self.calls: list[tuple[str, str]] = []
        self.status = 200

    def handler(self, request: httpx.Request) -> httpx.Response:
        uzovi = request.url.path.split("/")[2]
        body = json.loads(request.content)
        pip_id = next(k for k, q in PIP_QUERIES.items() if q == body["query"])
        self.calls.append((uzovi, pip_id))
        assert request.headers["authorization"] == (
            f"Bearer token-for-http://br/bemiddelingsregister/{uzovi}/graphql"
        )
        if self.status != 200:
            return httpx.Response(self.status, json={"errors": [{"message": "nope"}]})
        root = {"PIP-0003": "overdracht"}.get(pip_id, "bemiddeling")
        if pip_id.startswith("PIP-UCLR"):
            root = "bemiddelingspecificatie"
        rows = self.facts.get(uzovi, {}).get(pip_id, [])
        return httpx.Response(200, json={"data": {root: rows}})


def pip(registers: Registers, *, start: str | None = "5501", levering: str | None = "5501") -> Any:
    client = FakeClient()

    def register_url(uzovi: str) -> str:
        if uzovi == "9999":
            raise LookupError("no entry 9999_REGISTER_TST")
        return f"http://br/bemiddelingsregister/{uzovi}/graphql"

    return NetworkPip(
        client=client,  # type: ignore[arg-type]
        register_url=register_url,
        startpunt=lambda _x: start,
        levering_zorgkantoor=lambda _agb, _b: levering,
        http=httpx.Client(transport=httpx.MockTransport(registers.handler)),
    )


def test_pip_0002_found_in_the_initially_responsible_register() -> None:
    regs = Registers({"5501": {"PIP-0002": [{"bemiddelingID": "b1"}]}})
    assert pip(regs).check("PIP-0002", {"wlzIndicatieID": X, "agb": "12345678"}, {}) is True
    assert regs.calls == [("5501", "PIP-0002")]


def test_pip_0003_found_after_following_the_overdracht() -> None:
    # The overdracht to 5518 lives in 5501's register; PIP-0003 asks there first and finds it.
    regs = Registers(
        {
            "5501": {
                "PIP-0003": [{"overdrachtID": "o1"}],
                "PIP-KETEN": [
                    {
                        "verantwoordelijkZorgkantoor": "5501",
                        "overdracht": {"verantwoordelijkZorgkantoor": "5518"},
                    }
                ],
            }
        }
    )
    assert pip(regs).check("PIP-0003", {"wlzIndicatieID": X, "uzovi": "5518"}, {}) is True


def test_pip_0004_walks_to_the_next_register() -> None:
    # The bemiddeling with 5509 executing is in 5518's register, after an overdracht.
    regs = Registers(
        {
            "5501": {
                "PIP-KETEN": [
                    {
                        "verantwoordelijkZorgkantoor": "5501",
                        "overdracht": {"verantwoordelijkZorgkantoor": "5518"},
                    }
                ]
            },
            "5518": {
                "PIP-0004": [{"bemiddelingID": "b2"}],
                "PIP-KETEN": [{"verantwoordelijkZorgkantoor": "5518", "overdracht": None}],
            },
        }
    )
    assert pip(regs).check("PIP-0004", {"wlzIndicatieID": X, "uzovi": "5509"}, {}) is True
    assert regs.calls == [("5501", "PIP-0004"), ("5501", "PIP-KETEN"), ("5518", "PIP-0004")]


def test_nothing_anywhere_is_false_and_a_cycle_ends() -> None:
    cycle = {
        "5501": {
            "PIP-KETEN": [
                {
                    "verantwoordelijkZorgkantoor": "5501",
                    "overdracht": {"verantwoordelijkZorgkantoor": "5518"},
                }
            ]
        },
        "5518": {
            "PIP-KETEN": [
                {
                    "verantwoordelijkZorgkantoor": "5518",
                    "overdracht": {"verantwoordelijkZorgkantoor": "5501"},
                }
            ]
        },
    }
    regs = Registers(cycle)
    assert pip(regs).check("PIP-0002", {"wlzIndicatieID": X, "agb": "12345678"}, {}) is False
    assert [c for c in regs.calls if c[1] == "PIP-0002"] == [
        ("5501", "PIP-0002"),
        ("5518", "PIP-0002"),
    ]


def test_unknown_indication_is_false_without_asking_anyone() -> None:
    regs = Registers({})
    assert pip(regs, start=None).check("PIP-0002", {"wlzIndicatieID": X, "agb": "1"}, {}) is False
    assert regs.calls == []


def test_failures_raise_so_the_pdp_denies() -> None:
    regs = Registers({})
    regs.status = 403
    with pytest.raises(PipUnavailable, match="403"):
        pip(regs).check("PIP-0002", {"wlzIndicatieID": X, "agb": "12345678"}, {})
    with pytest.raises(PipUnavailable, match="no Bemiddelingsregister for 9999"):
        pip(Registers({}), start="9999").check("PIP-0002", {"wlzIndicatieID": X, "agb": "1"}, {})
    with pytest.raises(PipUnavailable, match="unknown PIP"):
        pip(regs).check("PIP-9999", {}, {})
    with pytest.raises(PipUnavailable, match=r"\$A"):
        pip(regs).check("PIP-0002", {"wlzIndicatieID": X}, {})


def test_a_refused_token_is_fetched_again_once() -> None:
    regs = Registers({})
    regs.status = 401
    network = pip(regs)
    with pytest.raises(PipUnavailable, match="401"):
        network.check("PIP-0002", {"wlzIndicatieID": X, "agb": "12345678"}, {})
    assert len(regs.calls) == 2
    assert network.client.forgotten == ["http://br/bemiddelingsregister/5501/graphql"]


def test_levering_pips_go_to_the_stored_responsible_zorgkantoor() -> None:
    rows = [{"bemiddelingspecificatieID": B, "bemiddeling": {"bemiddelingspecificatie": []}}]
    regs = Registers(
        {"5507": {"PIP-UCLR-0006": [{"bemiddelingspecificatieID": B}], "PIP-UCLR-0001": rows}}
    )
    params = {"bemiddelingspecificatieID": B, "uzovi": "5507", "tenant": "12345678"}
    assert pip(regs, levering="5507").check("PIP-UCLR-0006", params, {}) is True
    agb = {"bemiddelingspecificatieID": B, "agb": "87654321", "tenant": "12345678"}
    assert pip(regs, levering="5507").check("PIP-UCLR-0001", agb, {}) == rows
    assert regs.calls == [("5507", "PIP-UCLR-0006"), ("5507", "PIP-UCLR-0001")]
    # No levering for B in the aanbieder's register: nothing to check, nothing to read.
    assert pip(regs, levering=None).check("PIP-UCLR-0006", params, {}) is False
    assert pip(regs, levering=None).check("PIP-UCLR-0001", agb, {}) == []
    with pytest.raises(PipUnavailable, match="tenant"):
        pip(regs).check("PIP-UCLR-0006", {"bemiddelingspecificatieID": B, "uzovi": "5507"}, {})


def test_routing_pip_by_prefix() -> None:
    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

        def check(self, pip_id: str, params: Any, claims: Any) -> Any:
            return [self.name, pip_id]

    routing = RoutingPip({"PIP-UCBR-": Named("local")}, Named("remote"))
    assert routing.check("PIP-UCBR-0012", {}, {}) == ["local", "PIP-UCBR-0012"]
    assert routing.check("PIP-0002", {}, {}) == ["remote", "PIP-0002"]


def test_keten_finds_past_current_and_future_zorgkantoren() -> None:
    registers = {
        "5501": [
            {
                "verantwoordelijkZorgkantoor": "5501",
                "overdracht": {"verantwoordelijkZorgkantoor": "5518"},
            }
        ],
        "5518": [
            {
                "verantwoordelijkZorgkantoor": "5518",
                "overdracht": {"verantwoordelijkZorgkantoor": "5509"},
            }
        ],
        "5509": [],  # the overdracht is registered, the new bemiddeling not yet
    }
    asked: list[str] = []

    def rows(uzovi: str) -> list[Any]:
        asked.append(uzovi)
        return registers[uzovi]

    assert keten("5501", rows) == ["5501", "5518", "5509"]
    assert asked == ["5501", "5518", "5509"]
    assert keten("5501", lambda _u: []) == ["5501"]
    assert "overdracht" in QBR_0010_CIZ


def test_the_chain_is_walked_once_for_two_pips_of_one_decision() -> None:
    regs = Registers(
        {
            "5501": {
                "PIP-KETEN": [
                    {
                        "verantwoordelijkZorgkantoor": "5501",
                        "overdracht": {"verantwoordelijkZorgkantoor": "5518"},
                    }
                ]
            },
            "5518": {"PIP-KETEN": [{"verantwoordelijkZorgkantoor": "5518", "overdracht": None}]},
        }
    )
    network = pip(regs)
    params = {"wlzIndicatieID": X, "uzovi": "5509"}
    assert network.check("PIP-0003", params, {}) is False
    assert network.check("PIP-0004", params, {}) is False
    keten_calls = [c for c in regs.calls if c[1] == "PIP-KETEN"]
    assert keten_calls == [("5501", "PIP-KETEN"), ("5518", "PIP-KETEN")]
    # The control queries themselves are asked every time, in every register.
    assert [c for c in regs.calls if c[1] != "PIP-KETEN"] == [
        ("5501", "PIP-0003"),
        ("5518", "PIP-0003"),
        ("5501", "PIP-0004"),
        ("5518", "PIP-0004"),
    ]
