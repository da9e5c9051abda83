"""The CIZ handles the meldingen it received through the beheer API (meldingen, behandelMelding)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import OperationType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.core.metadata import metadata
from iwlz.graphql.http import GraphQLEndpoint, ParsedOperation
from iwlz.netwerkpunt.models import TABLES
from iwlz.netwerkpunt.service import Inbox
from iwlz.notificaties.outbox import outbox_table
from iwlz.registers.indicatie.api import CIZ_NETWERKPUNT, build_beheer_schema
from iwlz.registers.indicatie.service import Indicatieregister

from .factories import TODAY

BEHEER = "/indicatieregister/beheer/graphql"
STOORNIS = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a04"
MELDINGEN = """
query($status: MeldingStatus) {
  meldingen(status: $status) {
    meldingID timestamp afzenderIDType afzenderID ontvangerKenmerk eventType
    subjectList { subject recordID } status reden ontvangenOp statusGewijzigdOp
  }
}
"""
BEHANDEL = """
mutation($id: UUID!, $status: MeldingStatus!, $reden: String) {
  behandelMelding(meldingID: $id, status: $status, reden: $reden) { meldingID status reden statusGewijzigdOp }
}
"""


def melding_input(afzender: str = "5505", **overrides: Any) -> dict[str, Any]:
    return {
        "timestamp": "2026-06-15T09:15:00Z",
        "afzenderIDType": "UZOVI",
        "afzenderID": afzender,
        "ontvangerIDType": "KVK",
        "ontvangerID": "62253778",
        "ontvangerKenmerk": "UZOVI:5151",
        "eventType": "IWLZFOUTMELDING",
        "subjectList": [{"subject": "IRG0012", "recordID": f"Stoornis/{STOORNIS}"}],
        **overrides,
    }


@pytest.fixture
def setup(db_url: str) -> Iterator[tuple[TestClient, Inbox, FixedClock]]:
    """The beheer endpoint with the context key app.py provides: ``netwerkpunt``."""
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    metadata.create_all(engine, tables=[*TABLES, outbox_table], checkfirst=True)
    clock = FixedClock(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC))
    ir = Indicatieregister(engine, clock=clock)
    inbox = Inbox(engine, clock)

    def context(request: Request, operation: ParsedOperation) -> dict[str, Any]:
        return {
            "indicatieregister": ir,
            "netwerkpunt": inbox,
            "request": request,
            "operation": operation,
            "claims": {"client_id": "kvk:62253778", "kvk": "62253778"},
        }

    endpoint = GraphQLEndpoint(
        build_beheer_schema(),
        context_factory=context,
        allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}),
    )
    app = Starlette(routes=[Route(BEHEER, endpoint, methods=["POST"])])
    with TestClient(app) as client:
        yield client, inbox, clock
    engine.dispose()


def gql(client: TestClient, query: str, variables: dict[str, Any]) -> Any:
    return client.post(
        BEHEER,
        content=json.dumps({"query": query, "variables": variables}),
        headers={"content-type": "application/json"},
    )


def test_ciz_lists_and_handles_meldingen(setup: tuple[TestClient, Inbox, FixedClock]) -> None:
    client, inbox, clock = setup
    first = inbox.ontvang_melding(CIZ_NETWERKPUNT, melding_input()).item_id
    second = inbox.ontvang_melding(CIZ_NETWERKPUNT, melding_input("5506")).item_id
    inbox.ontvang_melding(
        ("UZOVI", "5505"), melding_input(ontvangerIDType="UZOVI", ontvangerID="5505")
    )

    r = gql(client, MELDINGEN, {})
    assert r.status_code == 200, r.text
    listed = r.json()["data"]["meldingen"]
    assert [m["meldingID"] for m in listed] == [str(first), str(second)]  # only the CIZ's
    assert listed[0] == {
        "meldingID": str(first),
        "timestamp": "2026-06-15T09:15:00.000+00:00",
        "afzenderIDType": "UZOVI",
        "afzenderID": "5505",
        "ontvangerKenmerk": "UZOVI:5151",
        "eventType": "IWLZFOUTMELDING",
        "subjectList": [{"subject": "IRG0012", "recordID": f"Stoornis/{STOORNIS}"}],
        "status": "ONTVANGEN",
        "reden": None,
        "ontvangenOp": "2026-06-15T09:00:00.000+00:00",
        "statusGewijzigdOp": "2026-06-15T09:00:00.000+00:00",
    }

    clock.instant += dt.timedelta(hours=2)
    r = gql(client, BEHANDEL, {"id": str(first), "status": "IN_BEHANDELING"})
    assert r.json() == {
        "data": {
            "behandelMelding": {
                "meldingID": str(first),
                "status": "IN_BEHANDELING",
                "reden": None,
                "statusGewijzigdOp": "2026-06-15T11:00:00.000+00:00",
            }
        }
    }
    r = gql(client, BEHANDEL, {"id": str(first), "status": "AFGEHANDELD", "reden": "hersteld"})
    assert r.json()["data"]["behandelMelding"]["status"] == "AFGEHANDELD"

    open_ = gql(client, MELDINGEN, {"status": "ONTVANGEN"}).json()["data"]["meldingen"]
    assert [m["meldingID"] for m in open_] == [str(second)]
    done = gql(client, MELDINGEN, {"status": "AFGEHANDELD"}).json()["data"]["meldingen"]
    assert [(m["meldingID"], m["reden"]) for m in done] == [(str(first), "hersteld")]


@pytest.mark.parametrize(
    "status,reden,code,fragment",
    [
        ("AFGEHANDELD", None, "CONFLICT", "cannot become AFGEHANDELD"),
        ("ONTVANGEN", None, "CONFLICT", "cannot become ONTVANGEN"),
        ("AFGEWEZEN", None, "BAD_USER_INPUT", "reden is required"),
    ],
)
def test_illegal_changes_are_refused(
    setup: tuple[TestClient, Inbox, FixedClock],
    status: str,
    reden: str | None,
    code: str,
    fragment: str,
) -> None:
    client, inbox, _ = setup
    m = inbox.ontvang_melding(CIZ_NETWERKPUNT, melding_input()).item_id
    r = gql(client, BEHANDEL, {"id": str(m), "status": status, "reden": reden})
    error = r.json()["errors"][0]
    assert error["extensions"]["code"] == code and fragment in error["message"]
    assert inbox.meldingen(CIZ_NETWERKPUNT)[0].status == "ONTVANGEN"


def test_unknown_melding_and_status(setup: tuple[TestClient, Inbox, FixedClock]) -> None:
    client, _, _ = setup
    r = gql(client, BEHANDEL, {"id": str(uuid.uuid4()), "status": "IN_BEHANDELING"})
    assert r.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    r = gql(client, MELDINGEN, {"status": "KLAAR"})
    assert r.status_code == 400  # not a MeldingStatus value
