"""The subscription GraphQL API through iwlz.graphql.http.GraphQLEndpoint (HTTP semantics)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import OperationType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from iwlz.abonnementen.api import build_abonnementen_schema
from iwlz.abonnementen.catalogus import (
    NIEUWE_INDICATIE_ZORGKANTOOR,
    WLZINDICATIE_MUTATIE_ABONNEMENT,
)
from iwlz.abonnementen.service import Abonnementen
from iwlz.graphql.http import GraphQLEndpoint, ParsedOperation

from .conftest import CAK, CAK_KVK, SIGNALEN, ZK_UZOVI, ZORGKANTOOR, claims

TYPE = WLZINDICATIE_MUTATIE_ABONNEMENT
PATH = "/indicatieregister/abonnementen/graphql"
VECOZO_KVK = "18065868"
CALLERS = {
    "cak": CAK,
    "signalen": SIGNALEN,
    "zk": ZORGKANTOOR,
    "vecozo": claims("KVK", VECOZO_KVK),  # not admitted to the voluntary type
}

CREATE = """
mutation($input: AbonnementInput!) {
  createAbonnement(abonnementInput: $input) {
    abonnementId
    abonnement { abonnementId organisatieId notificatieTypeID abonneeIDType abonneeID
      filter { mutaties zorgkantoren } createdAt deletedAt }
  }
}
"""
DELETE = "mutation($id: UUID!) { deleteAbonnement(abonnementId: $id) }"
LIST = """
query($all: Boolean) {
  abonnementen(inclusiefVerwijderd: $all) { abonnementId organisatieId filter { mutaties } deletedAt }
}
"""
GET = "query($id: UUID!) { abonnement(abonnementId: $id) { abonnementId abonneeID deletedAt } }"
TYPES = """
{ notificatieTypen { organisatieID notificatieTypeID notificatieType notificatieDoel
    notificatieOmschrijving idTypeAbonnee eventType objectIDType abonneerbaar
    filters { naam omschrijving waarden codelist patroon } } }
"""


class ClaimsGuard:
    """Stands in for the PEP: puts the claims of the caller named in ``X-Test-Caller`` into
    ``operation.state["claims"]``, as the PEP does with a verified token."""

    async def check_request(self, request: Request) -> Response | None:
        return None

    async def check_operation(
        self, request: Request, operation: ParsedOperation
    ) -> Response | None:
        caller = request.headers.get("x-test-caller")
        if caller:
            operation.state["claims"] = CALLERS[caller]
        return None


@pytest.fixture
def client(service: Abonnementen) -> Iterator[TestClient]:
    def context(request: Request, operation: ParsedOperation) -> dict[str, Any]:
        return {"abonnementen": service, "claims": operation.state.get("claims")}

    endpoint = GraphQLEndpoint(
        build_abonnementen_schema(),
        context_factory=context,
        guard=ClaimsGuard(),
        allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}),
        name="abonnementen",
    )
    app = Starlette(routes=[Route(PATH, endpoint)])
    with TestClient(app) as c:
        yield c


def post(
    client: TestClient, query: str, variables: dict[str, Any] | None = None, caller: str = "cak"
) -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json"}
    if caller:
        headers["x-test-caller"] = caller
    r = client.post(PATH, json={"query": query, "variables": variables or {}}, headers=headers)
    return r.status_code, r.json()


def cak_input(**overrides: Any) -> dict[str, Any]:
    data = {
        "organisatieId": f"kvk:{CAK_KVK}",
        "notificatieTypeID": TYPE,
        "abonneeIDType": "KVK",
        "abonneeID": CAK_KVK,
        "filter": {"mutaties": ["NIEUW", "VERVALDATUM"], "zorgkantoren": ["5505"]},
    }
    data.update(overrides)
    return data


def test_catalogue_query(client: TestClient) -> None:
    status, body = post(client, TYPES, caller="")
    assert status == 200, body
    types = {t["notificatieTypeID"]: t for t in body["data"]["notificatieTypen"]}
    assert set(types) >= {NIEUWE_INDICATIE_ZORGKANTOOR, TYPE}
    verplicht = types[NIEUWE_INDICATIE_ZORGKANTOOR]
    assert verplicht["notificatieType"] == "IWLZ_VERPLICHT"
    assert verplicht["abonneerbaar"] is False
    assert verplicht["idTypeAbonnee"] == []
    assert verplicht["eventType"] == "CREATE"
    vrijwillig = types[TYPE]
    assert vrijwillig["organisatieID"] == "kvk:62253778"
    assert vrijwillig["notificatieType"] == "VRIJWILLIG"
    assert vrijwillig["eventType"] == "ALL"
    assert vrijwillig["objectIDType"] == "wlzindicatieID"
    assert set(vrijwillig["idTypeAbonnee"]) == {"AGB", "KVK", "UZOVI"}
    assert vrijwillig["filters"][0]["waarden"] == [
        "NIEUW",
        "GEWIJZIGD",
        "VERVALDATUM",
        "VERWIJDERD",
    ]
    assert vrijwillig["filters"][1]["codelist"] == "COD001"


def test_create_list_get_delete(client: TestClient) -> None:
    status, body = post(client, CREATE, {"input": cak_input()})
    assert status == 200, body
    result = body["data"]["createAbonnement"]
    abonnement_id = result["abonnementId"]
    uuid.UUID(abonnement_id)
    assert result["abonnement"] == {
        "abonnementId": abonnement_id,
        "organisatieId": f"kvk:{CAK_KVK}",
        "notificatieTypeID": TYPE,
        "abonneeIDType": "KVK",
        "abonneeID": CAK_KVK,
        "filter": {"mutaties": ["NIEUW", "VERVALDATUM"], "zorgkantoren": ["5505"]},
        "createdAt": "2026-03-02T10:00:00.000+00:00",
        "deletedAt": None,
    }

    status, body = post(client, LIST)
    assert status == 200
    assert [a["abonnementId"] for a in body["data"]["abonnementen"]] == [abonnement_id]
    status, body = post(client, LIST, caller="signalen")
    assert body == {"data": {"abonnementen": []}}

    status, body = post(client, GET, {"id": abonnement_id})
    assert body["data"]["abonnement"]["abonneeID"] == CAK_KVK
    status, body = post(client, GET, {"id": abonnement_id}, caller="signalen")
    assert status == 200 and body == {"data": {"abonnement": None}}

    status, body = post(client, DELETE, {"id": abonnement_id})
    assert (status, body) == (200, {"data": {"deleteAbonnement": True}})
    status, body = post(client, LIST)
    assert body["data"]["abonnementen"] == []
    status, body = post(client, LIST, {"all": True})
    assert body["data"]["abonnementen"][0]["deletedAt"] == "2026-03-02T10:00:00.000+00:00"


def test_zorgkantoor_subscribes_with_its_uzovi(client: TestClient) -> None:
    data = {"notificatieTypeID": TYPE, "abonneeIDType": "UZOVI", "abonneeID": ZK_UZOVI}
    status, body = post(client, CREATE, {"input": data}, caller="zk")
    assert status == 200, body
    assert body["data"]["createAbonnement"]["abonnement"]["organisatieId"] == f"uzovi:{ZK_UZOVI}"
    assert body["data"]["createAbonnement"]["abonnement"]["filter"] == {
        "mutaties": None,
        "zorgkantoren": None,
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisatieId": "kvk:90000025"}, "organisatieId"),
        ({"notificatieTypeID": "ONBEKEND"}, "notificatieTypeID"),
        ({"notificatieTypeID": NIEUWE_INDICATIE_ZORGKANTOOR}, "notificatieTypeID"),
        ({"abonneeIDType": "BSN"}, "abonneeIDType"),
        ({"abonneeID": "90000025"}, "abonneeID"),
        ({"filter": {"mutaties": ["ALLES"]}}, "filter.mutaties"),
        ({"filter": {"zorgkantoren": []}}, "filter.zorgkantoren"),
    ],
)
def test_rejections_are_bad_user_input(
    client: TestClient, overrides: dict[str, Any], field: str
) -> None:
    status, body = post(client, CREATE, {"input": cak_input(**overrides)})
    assert status == 400, body
    assert "data" not in body or body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert field in error["message"]
    status, body = post(client, LIST, {"all": True})
    assert body["data"]["abonnementen"] == []


def test_unknown_filter_key_is_refused_by_the_schema(client: TestClient) -> None:
    status, body = post(client, CREATE, {"input": cak_input(filter={"regio": ["22"]})})
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "regio" in body["errors"][0]["message"]


def test_delete_of_someone_elses_or_missing_subscription_is_not_found(client: TestClient) -> None:
    status, body = post(client, CREATE, {"input": cak_input()})
    theirs = body["data"]["createAbonnement"]["abonnementId"]
    missing = str(uuid.uuid4())

    status, foreign = post(client, DELETE, {"id": theirs}, caller="signalen")
    assert status == 400
    status, absent = post(client, DELETE, {"id": missing}, caller="signalen")
    assert status == 400
    assert foreign["errors"][0]["extensions"] == absent["errors"][0]["extensions"]
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert foreign["errors"][0]["message"].replace(theirs, "<id>") == absent["errors"][0][
        "message"
    ].replace(missing, "<id>")

    status, body = post(client, LIST)
    assert [a["abonnementId"] for a in body["data"]["abonnementen"]] == [theirs]


def test_an_organisation_that_is_not_admitted_is_forbidden(client: TestClient) -> None:
    vecozo = cak_input(organisatieId=None, abonneeID=VECOZO_KVK)
    status, body = post(client, CREATE, {"input": vecozo}, caller="vecozo")
    assert status == 403, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == (
        f"Organisation kvk:{VECOZO_KVK} may not subscribe to {TYPE}: the bronhouder "
        "(kvk:62253778) must admit the organisation first."
    )
    # The catalogue and the organisation's own (empty) list stay open to it.
    status, body = post(client, TYPES, caller="vecozo")
    assert status == 200 and body["data"]["notificatieTypen"]
    status, body = post(client, LIST, {"all": True}, caller="vecozo")
    assert status == 200 and body["data"]["abonnementen"] == []


def test_without_token_claims_it_is_forbidden(client: TestClient) -> None:
    status, body = post(client, CREATE, {"input": cak_input()}, caller="")
    assert status == 403
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    status, body = post(client, LIST, caller="")
    assert status == 403
