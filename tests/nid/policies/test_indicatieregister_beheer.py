"""Beheer API policy: only the CIZ, with the create scope, on beheer operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from iwlz.graphql.http import ParsedOperation
from iwlz.nid.pdp import Decision, InMemoryPip, PolicyDecisionPoint, build_pdp_input

CREATE = "registers/wlzindicatieregister/indicaties/indicatie:create"
CIZ = {
    "iss": "auth.nid",
    "client_id": "kvk:62253778",
    "scopes": [CREATE],
    "instantie_type": "Onderneming",
    "kvk": "62253778",
    "agb": None,
    "uzovi": None,
}
DELETE = (
    "mutation Verwijder { verwijderWlzIndicatie(wlzindicatieID: "
    '"3fa85f64-5717-4562-b3fc-2c963f66afa6") { geslaagd } }'
)


@pytest.fixture(scope="module")
def pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(InMemoryPip())


def decide(pdp: PolicyDecisionPoint, query: str, claims: dict[str, Any]) -> Decision:
    doc = parse(query)
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    return pdp.decide(
        build_pdp_input(
            register="indicatieregister_beheer",
            claims=claims,
            operation=ParsedOperation(query, {}, None, doc, op),
            now=dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC),
        )
    )


@pytest.mark.parametrize(
    "query",
    [
        DELETE,
        'mutation { wijzigVervaldatum(wlzindicatieID: "3fa85f64-5717-4562-b3fc-2c963f66afa6") { geslaagd } }',
        "query { wlzIndicatie { bsn client { geslachtsnaam } } }",
        "query { meldingen(status: ONTVANGEN) { meldingID status } }",
        'mutation { behandelMelding(meldingID: "3fa85f64-5717-4562-b3fc-2c963f66afa6", '
        "status: IN_BEHANDELING) { status } }",
    ],
)
def test_ciz_may_write_and_read(pdp: PolicyDecisionPoint, query: str) -> None:
    decision = decide(pdp, query, CIZ)
    assert decision.allowed and decision.use_case == "BEHEER-IR"


@pytest.mark.parametrize(
    "claims,status,reason",
    [
        (
            {
                **CIZ,
                "client_id": "uzovi:5515",
                "kvk": None,
                "uzovi": "5515",
                "instantie_type": "Zorgkantoor",
            },
            403,
            "not_bronhouder",
        ),
        ({**CIZ, "kvk": "18065868"}, 403, "not_bronhouder"),
        (
            {**CIZ, "scopes": ["registers/wlzindicatieregister/indicaties/indicatie:read"]},
            400,
            "scope_missing",
        ),
    ],
)
def test_others_may_not(
    pdp: PolicyDecisionPoint, claims: dict[str, Any], status: int, reason: str
) -> None:
    decision = decide(pdp, DELETE, claims)
    assert not decision.allowed
    assert decision.http_status == status
    assert reason in decision.reasons


def test_unknown_root_field_and_two_mutations(pdp: PolicyDecisionPoint) -> None:
    two = (
        'mutation { a: verwijderWlzIndicatie(wlzindicatieID: "x") { geslaagd } '
        'b: verwijderWlzIndicatie(wlzindicatieID: "y") { geslaagd } }'
    )
    decision = decide(pdp, two, CIZ)
    assert (decision.allowed, decision.http_status) == (False, 400)
    assert decision.message == "Only one selectionset in an operation is supported."


BEHANDEL = (
    'mutation { behandelMelding(meldingID: "3fa85f64-5717-4562-b3fc-2c963f66afa6", '
    'status: AFGEWEZEN, reden: "x") { status } }'
)


def test_only_the_ciz_handles_meldingen(pdp: PolicyDecisionPoint) -> None:
    zorgkantoor = {
        **CIZ,
        "client_id": "uzovi:5505",
        "kvk": None,
        "uzovi": "5505",
        "instantie_type": "Zorgkantoor",
    }
    for query in (BEHANDEL, "query { meldingen { meldingID } }"):
        decision = decide(pdp, query, zorgkantoor)
        assert (decision.allowed, decision.http_status) == (False, 403)
        assert "not_bronhouder" in decision.reasons


def test_meldingen_with_another_root_field_is_refused(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, "query { meldingen { meldingID } wlzIndicatie { bsn } }", CIZ)
    assert (decision.allowed, decision.http_status) == (False, 400)
