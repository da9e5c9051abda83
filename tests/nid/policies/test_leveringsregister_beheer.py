"""Leveringsregister beheer API policy: only the aanbieder whose register it is (the tenant),
with the provisional create scope, on one query or mutation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from iwlz.nid.pdp import Decision, InMemoryPip, PolicyDecisionPoint, pdp_input_for_query

CREATE = "registers/leveringsregister/leveringen/levering:create"
READ = "registers/leveringsregister/leveringen/levering:read"
TENANT = "12345678"
NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)

BRONHOUDER = {
    "iss": "auth.nid",
    "client_id": f"agb:{TENANT}",
    "scopes": [CREATE],
    "instantie_type": "Zorgaanbieder",
    "agb": TENANT,
    "uzovi": None,
    "kvk": None,
}
# The beheer schema decides which root fields exist; these stand for any of them.
MUTATION = (
    "mutation Registreer { registreerLeveringperiode(leveringperiode: {}) { leveringperiodeID } }"
)
QUERY = "query Levering { levering { leveringID verzoeken { verzoekID } } }"


@pytest.fixture(scope="module")
def pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(InMemoryPip())


def decide(
    pdp: PolicyDecisionPoint,
    query: str,
    claims: Mapping[str, Any],
    *,
    tenant: str | None = TENANT,
) -> Decision:
    return pdp.decide(
        pdp_input_for_query(
            register="leveringsregister_beheer",
            claims=claims,
            query=query,
            now=NOW,
            resource={"tenant": tenant} if tenant is not None else None,
        )
    )


@pytest.mark.parametrize("query", [MUTATION, QUERY])
def test_the_bronhouder_may_write_and_read_its_own_register(
    pdp: PolicyDecisionPoint, query: str
) -> None:
    decision = decide(pdp, query, BRONHOUDER)
    assert (decision.allowed, decision.use_case, decision.http_status) == (True, "BEHEER-LR", 200)


@pytest.mark.parametrize(
    ("claims", "tenant", "status", "reason"),
    [
        # another aanbieder, on this tenant's register
        (
            {**BRONHOUDER, "agb": "87654321", "client_id": "agb:87654321"},
            TENANT,
            403,
            "not_bronhouder",
        ),
        # the bronhouder on another tenant's register
        (BRONHOUDER, "87654321", 403, "not_bronhouder"),
        # a zorgkantoor (even one whose token names the tenant's agb)
        (
            {**BRONHOUDER, "instantie_type": "Zorgkantoor", "uzovi": "5050"},
            TENANT,
            403,
            "instantie_type_not_zorgaanbieder",
        ),
        (
            {**BRONHOUDER, "instantie_type": "Onderneming", "agb": None, "kvk": "62253778"},
            TENANT,
            403,
            "instantie_type_not_zorgaanbieder",
        ),
        # only the read scope, or none
        ({**BRONHOUDER, "scopes": [READ]}, TENANT, 400, "scope_missing"),
        ({**BRONHOUDER, "scopes": []}, TENANT, 400, "scope_missing"),
        # no tenant (no register): nobody is its bronhouder
        (BRONHOUDER, None, 403, "tenant_missing"),
        (BRONHOUDER, "", 403, "tenant_missing"),
    ],
)
def test_others_may_not(
    pdp: PolicyDecisionPoint,
    claims: dict[str, Any],
    tenant: str | None,
    status: int,
    reason: str,
) -> None:
    decision = decide(pdp, MUTATION, claims, tenant=tenant)
    assert not decision.allowed
    assert decision.http_status == status
    assert reason in decision.reasons, decision.reasons
    if status == 403:
        assert decision.message == "Registreer mutation: Policy: Access Denied"
    else:
        assert decision.message == "Registreer mutation: scope not allowed"


def test_two_root_fields_or_operations_are_bad_requests(pdp: PolicyDecisionPoint) -> None:
    two = 'mutation { a: verwijderAfstel(afstelID: "x") { afstelID } b: verwijderAfstel(afstelID: "y") { afstelID } }'
    decision = decide(pdp, two, BRONHOUDER)
    assert (decision.allowed, decision.http_status) == (False, 400)
    assert decision.message == "Only one selectionset in an operation is supported."
    decision = decide(pdp, MUTATION + "\n" + QUERY, BRONHOUDER)
    assert (decision.allowed, decision.http_status) == (False, 400)
    assert decision.message == "Only one operation at the time is supported."


def test_a_subscription_is_no_beheer_operation(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, "subscription S { leveringen { leveringID } }", BRONHOUDER)
    assert (decision.allowed, decision.http_status, decision.code) == (False, 400, "BAD_REQUEST")
    assert "template_mismatch:BEHEER-LR" in decision.reasons


def test_the_read_register_does_not_let_the_bronhouder_in_without_a_use_case() -> None:
    # The network read API has no "own register" use case: beheer is the bronhouder's way in.
    pdp = PolicyDecisionPoint(InMemoryPip())
    decision = pdp.decide(
        pdp_input_for_query(
            register="leveringsregister",
            claims={**BRONHOUDER, "scopes": [READ]},
            query=QUERY,
            now=NOW,
            resource={"tenant": TENANT},
        )
    )
    assert not decision.allowed


def test_the_pdp_passes_the_tenant_to_the_policies(pdp: PolicyDecisionPoint) -> None:
    assert decide(pdp, MUTATION, BRONHOUDER).allowed
