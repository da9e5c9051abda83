"""The Rego policies of Wlz-signalen, decided by nID's PDP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from iwlz.graphql.http import ParsedOperation
from iwlz.nid.pdp import InMemoryPip, PolicyDecisionPoint, build_pdp_input
from iwlz.signalen.ciz import QUERY_PAGINA, QUERY_STATUS, SCOPE_WLZSIGNALEN_IR

WID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SERVICE = {
    "iss": "auth.nid",
    "client_id": "kvk:90000025",
    "scopes": [SCOPE_WLZSIGNALEN_IR],
    "instantie_type": "Onderneming",
    "kvk": "90000025",
}
GEMEENTE = {
    "iss": "auth.nid",
    "client_id": "gemeentecode:0363",
    "scopes": ["wlzsignalen/wmo:create", "wlzsignalen/signalen:read"],
    "instantie_type": "Gemeente",
}


@pytest.fixture(scope="module")
def pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(InMemoryPip())


def ir(
    pdp: PolicyDecisionPoint, query: str, variables: dict[str, Any], claims: dict[str, Any]
) -> Any:
    doc = parse(query)
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    return pdp.decide(
        build_pdp_input(
            register="indicatieregister_signalen",
            claims=claims,
            operation=ParsedOperation(query, variables, None, doc, op),
            now=dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC),
        )
    )


def test_service_queries_are_allowed(pdp: PolicyDecisionPoint) -> None:
    d = ir(pdp, QUERY_STATUS, {"id": WID}, SERVICE)
    assert (d.allowed, d.use_case) == (True, "SIG-IR-0001")
    d = ir(pdp, QUERY_PAGINA, {"na": None, "aantal": 1000}, SERVICE)
    assert (d.allowed, d.use_case) == (True, "SIG-IR-0002")


@pytest.mark.parametrize(
    ("query", "variables", "claims", "status", "reason"),
    [
        (QUERY_STATUS, {"id": WID}, {**SERVICE, "scopes": ["x"]}, 400, "scope_missing"),
        (
            QUERY_STATUS,
            {"id": WID},
            {**SERVICE, "instantie_type": "Zorgkantoor", "kvk": None, "uzovi": "5505"},
            403,
            "not_signalen_service",
        ),
        (QUERY_PAGINA, {"na": None, "aantal": 1001}, SERVICE, 400, "argument_invalid:aantal"),
        (
            "query { wlzStatusPagina(aantal: 5) { items { bsn } volgende } wlzStatus("
            f'wlzindicatieID: "{WID}") {{ bsn }} }}',
            {},
            SERVICE,
            400,
            None,
        ),
        (
            "query($id: UUID!) { wlzStatus(wlzindicatieID: $id) { bsn zzp } }",
            {"id": WID},
            SERVICE,
            400,
            "template_mismatch:SIG-IR-0001",
        ),
    ],
)
def test_service_denials(
    pdp: PolicyDecisionPoint,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
    status: int,
    reason: str | None,
) -> None:
    d = ir(pdp, query, variables, claims)
    assert not d.allowed and d.http_status == status
    if reason:
        assert reason in d.reasons


def gem(pdp: PolicyDecisionPoint, actie: str, tenant: str, claims: dict[str, Any]) -> Any:
    mutation = actie in ("wmo.levering", "wmo.mutaties", "signalen.ontvangst")
    return pdp.decide(
        {
            "register": "wlzsignalen",
            "resource": {"tenant": tenant},
            "time": "2026-06-15T12:00:00+00:00",
            "date": "2026-06-15",
            "claims": claims,
            "operation": {
                "type": "mutation" if mutation else "query",
                "name": None,
                "root_fields": [actie],
                "operation_count": 1,
            },
            "arguments": {"gemeentecode": tenant},
            "selection": (),
            "nested_arguments": {},
        }
    )


@pytest.mark.parametrize(
    ("actie", "use_case"),
    [
        ("wmo.levering", "SIG-GEM-WMO"),
        ("wmo.mutaties", "SIG-GEM-WMO"),
        ("wmo.lezen", "SIG-GEM-WMO"),
        ("signalen.lezen", "SIG-GEM-SIGNALEN"),
        ("signalen.ontvangst", "SIG-GEM-SIGNALEN"),
    ],
)
def test_gemeente_on_its_own_code(pdp: PolicyDecisionPoint, actie: str, use_case: str) -> None:
    d = gem(pdp, actie, "0363", GEMEENTE)
    assert (d.allowed, d.use_case) == (True, use_case)
    other = gem(pdp, actie, "0599", GEMEENTE)
    assert not other.allowed and other.http_status == 403 and "not_own_gemeente" in other.reasons


def test_gemeente_denials(pdp: PolicyDecisionPoint) -> None:
    read_only = {**GEMEENTE, "scopes": ["wlzsignalen/signalen:read"]}
    d = gem(pdp, "wmo.levering", "0363", read_only)
    assert not d.allowed and "scope_missing" in d.reasons
    zk = {**GEMEENTE, "client_id": "uzovi:5505", "instantie_type": "Zorgkantoor"}
    assert not gem(pdp, "signalen.lezen", "0363", zk).allowed
    # A gemeente whose client_id merely ends in the code, or an unknown action: denied.
    fake = {**GEMEENTE, "client_id": "kvk:12340363", "instantie_type": "Gemeente"}
    assert not gem(pdp, "signalen.lezen", "0363", fake).allowed
    unknown = gem(pdp, "signalen.wissen", "0363", GEMEENTE)
    assert not unknown.allowed and unknown.http_status == 400
