"""Bemiddelingsregister beheer API policy: only the zorgkantoor whose register it is (UZOVI ==
tenant), with the create scope, on beheer operations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from iwlz.nid.pdp import Decision, InMemoryPip, PolicyDecisionPoint, pdp_input_for_query

CREATE = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:create"
READ = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"
TENANT = "5501"
ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def zorgkantoor(uzovi: str = TENANT, scopes: tuple[str, ...] = (CREATE,)) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"uzovi:{uzovi}",
        "scopes": list(scopes),
        "instantie_type": "Zorgkantoor",
        "uzovi": uzovi,
        "agb": None,
        "kvk": None,
    }


OWNER = zorgkantoor()


@pytest.fixture(scope="module")
def pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(InMemoryPip())


def decide(
    pdp: PolicyDecisionPoint,
    query: str,
    claims: Mapping[str, Any],
    *,
    tenant: str | None = TENANT,
    register: str = "bemiddelingsregister_beheer",
) -> Decision:
    return pdp.decide(
        pdp_input_for_query(
            register=register,
            claims=claims,
            query=query,
            now=dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC),
            resource={"tenant": tenant} if tenant is not None else None,
        )
    )


MUTATIONS = [
    'mutation R { registreerBemiddeling(bemiddeling: {wlzIndicatieID: "%s"}) { geslaagd } }' % ID,
    'mutation { wijzigBemiddeling(bemiddelingID: "%s", bemiddeling: {}) { geslaagd } }' % ID,
    'mutation { verwijderBemiddeling(bemiddelingID: "%s", versie: 2) { geslaagd } }' % ID,
    'mutation { registreerBemiddelingspecificatie(bemiddelingID: "%s", bemiddelingspecificatie: {}) { geslaagd } }'
    % ID,
    'mutation { wijzigBemiddelingspecificatie(bemiddelingspecificatieID: "%s", bemiddelingspecificatie: {}) { geslaagd } }'
    % ID,
    'mutation { verwijderBemiddelingspecificatie(bemiddelingspecificatieID: "%s") { geslaagd } }'
    % ID,
    'mutation { registreerRegiehouder(bemiddelingID: "%s", regiehouder: {}) { geslaagd } }' % ID,
    'mutation { wijzigRegiehouder(regiehouderID: "%s", regiehouder: {}) { geslaagd } }' % ID,
    'mutation { verwijderRegiehouder(regiehouderID: "%s") { geslaagd } }' % ID,
    'mutation { registreerOverdracht(bemiddelingID: "%s", overdracht: {}) { geslaagd } }' % ID,
    'mutation { wijzigOverdracht(overdrachtID: "%s", overdracht: {}) { geslaagd } }' % ID,
    'mutation { verwijderOverdracht(overdrachtID: "%s") { geslaagd } }' % ID,
    # The zorgkantoor handles the foutmeldingen about its register.
    'mutation { behandelMelding(meldingID: "%s", status: IN_BEHANDELING) { status } }' % ID,
]

QUERIES = [
    "query { client { bsn contactpersoon { geslachtsnaam } } }",
    "query Alles { bemiddeling { bemiddelingID bemiddelingspecificatie { pgbPercentage } } }",
    'query { bemiddelingspecificatie(where: {zzpCode: {eq: "1VV"}}) { bemiddelingspecificatieID } }',
    "query { overdracht { overdrachtID } }",
    "query { regiehouder { regiehouderID } }",
    "query { meldingen { meldingID } }",
]


@pytest.mark.parametrize("query", MUTATIONS + QUERIES)
def test_the_bronhouder_may_write_and_read_its_own_register(
    pdp: PolicyDecisionPoint, query: str
) -> None:
    decision = decide(pdp, query, OWNER)
    assert decision.allowed, decision
    assert decision.use_case == "BEHEER-BR"


@pytest.mark.parametrize("query", [MUTATIONS[0], MUTATIONS[5], QUERIES[0]])
@pytest.mark.parametrize(
    ("claims", "tenant", "reason"),
    [
        (zorgkantoor("5050"), TENANT, "not_bronhouder"),  # another zorgkantoor
        (OWNER, "5050", "not_bronhouder"),  # its token on another tenant's register
        (OWNER, None, "resource_missing:tenant"),
        (
            {**OWNER, "instantie_type": "Zorgaanbieder", "agb": "12345678"},
            TENANT,
            "instantie_type_not_zorgkantoor",
        ),
        (
            {**OWNER, "instantie_type": "Onderneming", "uzovi": None, "kvk": "62253778"},
            TENANT,
            "instantie_type_not_zorgkantoor",
        ),
        (
            {**OWNER, "instantie_type": "Onderneming", "kvk": "18065868"},
            TENANT,
            "instantie_type_not_zorgkantoor",
        ),
        ({**OWNER, "uzovi": None}, TENANT, "not_bronhouder"),
    ],
)
def test_only_the_tenant_itself(
    pdp: PolicyDecisionPoint,
    query: str,
    claims: dict[str, Any],
    tenant: str | None,
    reason: str,
) -> None:
    decision = decide(pdp, query, claims, tenant=tenant)
    assert not decision.allowed
    assert (decision.http_status, decision.code) == (403, "FORBIDDEN"), decision
    assert decision.message is not None and decision.message.endswith(": Policy: Access Denied")
    assert decision.reasons == (reason,)
    assert decision.use_case == "BEHEER-BR"


@pytest.mark.parametrize(
    "scopes", [(READ,), (), ("registers/wlzindicatieregister/indicaties/indicatie:create",)]
)
def test_the_create_scope_is_needed(pdp: PolicyDecisionPoint, scopes: tuple[str, ...]) -> None:
    decision = decide(pdp, MUTATIONS[2], zorgkantoor(scopes=scopes))
    assert (decision.http_status, decision.code, decision.message) == (
        400,
        "BAD_REQUEST",
        "mutation: scope not allowed",
    )


@pytest.mark.parametrize(
    "query",
    [
        "mutation { registreerWlzIndicatie(wlzIndicatie: {}) { geslaagd } }",
        "mutation { zendNotificatie(notificatieInput: {}) { notificatieID } }",
        "query { wlzIndicatie { bsn } }",
        "subscription { bemiddeling { bemiddelingID } }",
    ],
)
def test_other_operations_are_not_beheer(pdp: PolicyDecisionPoint, query: str) -> None:
    decision = decide(pdp, query, OWNER)
    assert not decision.allowed
    assert (decision.http_status, decision.code) == (400, "BAD_REQUEST")
    assert decision.message is not None and decision.message.endswith(
        "No operation found to evaluate"
    )


def test_one_root_field_and_one_operation(pdp: PolicyDecisionPoint) -> None:
    two_roots = "query { client { bsn } regiehouder { regiehouderID } }"
    decision = decide(pdp, two_roots, OWNER)
    assert (decision.http_status, decision.message) == (
        400,
        "Only one selectionset in an operation is supported.",
    )
    two_operations = QUERIES[3] + "\nquery B { client { bsn } }"
    decision = decide(pdp, two_operations, OWNER)
    assert (decision.http_status, decision.message) == (
        400,
        "Only one operation at the time is supported.",
    )


def test_beheer_tokens_do_not_open_the_read_api(pdp: PolicyDecisionPoint) -> None:
    # The same query on the read API is judged by the read policy: no template, no access.
    decision = decide(
        pdp, QUERIES[3], zorgkantoor(scopes=(CREATE, READ)), register="bemiddelingsregister"
    )
    assert not decision.allowed
    assert decision.http_status == 403
