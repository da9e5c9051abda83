"""The netwerkpunt over HTTP: GraphQL receipt, the inbox REST API, webhooks, melding status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient

from iwlz.graphql.http import Guard, Limits, OpenGuard, ParsedOperation
from iwlz.netwerkpunt.http import Authorize, netwerkpunt_routes
from iwlz.netwerkpunt.service import Inbox
from iwlz.nid.audit import AuditLog
from iwlz.nid.keys import SigningKey
from iwlz.nid.participants import SCOPE_INBOX_READ, ParticipantRegistry

from .conftest import CIZ, WID, ZK, melding, notificatie

ZK_URL = "/netwerkpunt/UZOVI/5505"
CIZ_URL = "/netwerkpunt/KVK/62253778"
MELDING_CREATE = "organisaties/indicatieorgaan/meldingen/melding:create"

ZEND_NOTIFICATIE = """
mutation zendNotificatie(
  $afzenderID: String!, $afzenderIDType: IDTypeEnum!, $eventType: String!,
  $ontvangerID: String!, $ontvangerIDType: IDTypeEnum!, $timestamp: DateTime!,
  $subjectList: [SubjectEntityInput!]!
) {
  zendNotificatie(notificatieInput: {
    afzenderID: $afzenderID, afzenderIDType: $afzenderIDType, eventType: $eventType,
    ontvangerID: $ontvangerID, ontvangerIDType: $ontvangerIDType, timestamp: $timestamp,
    subjectList: $subjectList
  }) { notificatieID }
}
"""

# As published in the GEN examples (network.md §11.2): ID types as String!, the output type
# SubjectEntity for the input list. A strict server refuses this document.
ZEND_MELDING_AS_PUBLISHED = """
mutation zendMelding(
  $timestamp: DateTime!
  $afzenderIDType: String!
  $afzenderID: String!
  $ontvangerIDType: String!
  $ontvangerID: String!
  $ontvangerKenmerk: String
  $eventType: String!
  $subjectList: [SubjectEntity!]!
) {
  zendMelding(
    meldingInput: {
      timestamp: $timestamp
      afzenderIDType: $afzenderIDType
      afzenderID: $afzenderID
      ontvangerIDType: $ontvangerIDType
      ontvangerID: $ontvangerID
      ontvangerKenmerk: $ontvangerKenmerk
      eventType: $eventType
      subjectList: $subjectList
    }
  ) {
    meldingID
  }
}
"""

ZEND_MELDING_FULL = """
mutation($m: MeldingInput!) {
  zendMelding(meldingInput: $m) {
    meldingID timestamp afzenderIDType afzenderID ontvangerIDType ontvangerID
    ontvangerKenmerk eventType subjectList { subject recordID }
  }
}
"""


async def token_authorize(request: Request) -> Response | None:
    """Stands in for nID: ``Authorization: Bearer <client_id> <scope>,<scope>``."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return JSONResponse({"error": "UNAUTHENTICATED", "message": "no token"}, 401)
    client_id, _, scopes = header[len("Bearer ") :].partition(" ")
    request.state.claims = {"client_id": client_id, "scopes": scopes.split(",") if scopes else []}
    return None


async def open_authorize(request: Request) -> Response | None:
    return None


def bearer(client_id: str, *scopes: str) -> dict[str, str]:
    return {"authorization": f"Bearer {client_id} {','.join(scopes)}"}


OWN = bearer("uzovi:5505", SCOPE_INBOX_READ)


class ClaimsGuard(OpenGuard):
    """Like the PEP, passes the caller's claims on: ``x-test-caller: <client_id>[ <act.sub>]``."""

    async def check_operation(self, request: Request, operation: ParsedOperation) -> None:
        caller = request.headers.get("x-test-caller")
        if caller:
            client_id, _, actor = caller.partition(" ")
            claims: dict[str, Any] = {"client_id": client_id}
            if actor:
                claims["act"] = {"sub": actor}
            operation.state["claims"] = claims


class TokenGuard(ClaimsGuard):
    """Like the PEP's check_request: no bearer token, 401 (before anything else)."""

    async def check_request(self, request: Request) -> Response | None:
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return JSONResponse({"errors": [{"message": "Unauthorized"}]}, 401)
        return None


@pytest.fixture
def registry(engine: Engine) -> ParticipantRegistry:
    registry = ParticipantRegistry(engine, cache_seconds=0)
    jwks = {"keys": [SigningKey.generate().jwk]}
    registry.add(type="zorgkantoor", identifier="UZOVI:5505", naam="ZK 5505", jwks=jwks)
    registry.add(type="zorgkantoor", identifier="UZOVI:5506", naam="ZK 5506", jwks=jwks)
    registry.add(type="ciz", identifier="KVK:62253778", naam="CIZ", jwks=jwks)
    registry.add(type="zorgaanbieder", identifier="AGB:12345678", naam="ZA", jwks=jwks)
    registry.add(type="zorgkantoor", identifier="UZOVI:5507", naam="weg", jwks=jwks)
    registry.revoke("uzovi:5507")
    return registry


def make_client(
    inbox: Inbox,
    registry: ParticipantRegistry,
    audit: AuditLog,
    *,
    authorize: Authorize = token_authorize,
    guard: Guard | None = None,
    compat: bool = False,
) -> TestClient:
    routes = netwerkpunt_routes(
        inbox=inbox,
        participants=registry,
        guard=guard or ClaimsGuard(),
        limits=Limits(),
        authorize=authorize,
        audit=audit,
        compat=compat,
    )
    return TestClient(Starlette(routes=routes))


@pytest.fixture
def client(inbox: Inbox, registry: ParticipantRegistry, audit: AuditLog) -> Iterator[TestClient]:
    with make_client(inbox, registry, audit) as c:
        yield c


def gql(
    client: TestClient, path: str, query: str, variables: dict[str, Any], **headers: str
) -> Any:
    return client.post(
        path + "/graphql",
        content=json.dumps({"query": query, "variables": variables}),
        headers={"content-type": "application/json", **headers},
    )


# -- GraphQL ----------------------------------------------------------------------------------


def test_zend_notificatie_answers_exactly_the_id(client: TestClient, inbox: Inbox) -> None:
    r = gql(client, ZK_URL, ZEND_NOTIFICATIE, notificatie())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/graphql-response+json")
    stored = inbox.list(ZK)
    assert len(stored) == 1
    assert r.json() == {"data": {"zendNotificatie": {"notificatieID": str(stored[0].item_id)}}}
    # Resent (the sender did not see the answer): the same ID, nothing new.
    again = gql(client, ZK_URL, ZEND_NOTIFICATIE, notificatie())
    assert again.json() == r.json() and len(inbox.list(ZK)) == 1


def test_zend_melding_repeats_the_input(client: TestClient, inbox: Inbox) -> None:
    r = gql(client, CIZ_URL, ZEND_MELDING_FULL, {"m": melding(ontvangerKenmerk="UZOVI:5151")})
    assert r.status_code == 200, r.text
    out = r.json()["data"]["zendMelding"]
    item = inbox.meldingen(CIZ)[0]
    assert out == {
        "meldingID": str(item.item_id),
        "timestamp": "2026-06-15T09:15:00.000+00:00",
        "afzenderIDType": "UZOVI",
        "afzenderID": "5505",
        "ontvangerIDType": "KVK",
        "ontvangerID": "62253778",
        "ontvangerKenmerk": "UZOVI:5151",
        "eventType": "IWLZFOUTMELDING",
        "subjectList": [
            {"subject": "IRG0012", "recordID": melding()["subjectList"][0]["recordID"]}
        ],
    }


def test_wrong_receiver_is_200_with_bad_user_input(client: TestClient, inbox: Inbox) -> None:
    r = gql(client, ZK_URL, ZEND_NOTIFICATIE, notificatie(ontvangerID="5506"))
    assert r.status_code == 200
    body = r.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "is not this netwerkpunt" in error["message"]
    assert error["path"] == ["zendNotificatie"]
    assert inbox.list(ZK) == [] and inbox.list(("UZOVI", "5506")) == []


def test_invalid_subject_is_200_with_bad_user_input(client: TestClient) -> None:
    bad = notificatie(subjectList=[{"subject": "WlzIndicatie", "recordID": f"WlzIndicatie/{WID}"}])
    r = gql(client, ZK_URL, ZEND_NOTIFICATIE, bad)
    assert r.status_code == 200
    assert r.json()["errors"][0]["extensions"]["field"] == "notificatieInput.subjectList[0].subject"


def test_sender_must_be_the_caller(client: TestClient, inbox: Inbox) -> None:
    """Second line of defence behind the PDP: nobody sends in another participant's name."""
    ciz = {"x-test-caller": "kvk:62253778"}
    assert gql(client, ZK_URL, ZEND_NOTIFICATIE, notificatie(), **ciz).status_code == 200
    r = gql(
        client,
        ZK_URL,
        ZEND_NOTIFICATIE,
        notificatie(eventType="X"),
        **{"x-test-caller": "uzovi:5506"},
    )
    assert r.status_code == 403
    assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert len(inbox.list(ZK)) == 1
    # Acting on behalf of somebody (Silvester, POL216) is left to the policy.
    silvester = {"x-test-caller": "uzovi:5505 20001000001131"}
    agb = melding(
        afzenderIDType="AGB", afzenderID="12345678", ontvangerIDType="UZOVI", ontvangerID="5505"
    )
    assert gql(client, ZK_URL, ZEND_MELDING_FULL, {"m": agb}, **silvester).status_code == 200


def test_schema_errors_keep_rfc0040_status(client: TestClient) -> None:
    r = gql(client, ZK_URL, ZEND_NOTIFICATIE, notificatie(afzenderIDType="AGBCODE"))
    assert r.status_code == 400  # variable coercion: the request itself is invalid
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    r = client.get(ZK_URL + "/graphql")
    assert r.status_code == 405
    r = gql(client, ZK_URL, "{ _empty }", {})
    assert r.json() == {"data": {"_empty": None}}


@pytest.mark.parametrize(
    "path",
    [
        "/netwerkpunt/uzovi/5505",
        "/netwerkpunt/UZOVI/9999",
        "/netwerkpunt/UZOVI/5507",
        "/netwerkpunt/BSN/111222333",
        "/netwerkpunt/OIN/00000001234567890000",
    ],
)
def test_unknown_or_revoked_netwerkpunt_is_404_after_authorization(
    inbox: Inbox, registry: ParticipantRegistry, audit: AuditLog, path: str
) -> None:
    """Without a token every path answers 401, so an anonymous caller learns nothing about
    which participants exist; an authorized caller gets 404 for an unknown one."""
    _, idtype, ident = path.rsplit("/", 2)
    melding_id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    rest = [("GET", "/inbox"), ("POST", "/inbox/ack"), ("GET", "/webhook"), ("PUT", "/webhook")]
    rest += [("DELETE", "/webhook"), ("GET", f"/meldingen/{melding_id}")]
    with make_client(inbox, registry, audit, guard=TokenGuard()) as client:
        for anonymous in (path, ZK_URL):  # unknown and known alike
            assert gql(client, anonymous, ZEND_NOTIFICATIE, notificatie()).status_code == 401
            for method, tail in rest:
                r = client.request(method, anonymous + tail, json={})
                assert r.status_code == 401, (anonymous, method, tail)
        assert audit.show(limit=1000) == []  # refusals without a token are the PEP's to log

        token = bearer(f"{idtype.lower()}:{ident}", SCOPE_INBOX_READ, MELDING_CREATE)
        r = gql(client, path, ZEND_NOTIFICATIE, notificatie(), **token)
        assert r.status_code == 404
        assert r.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert "no netwerkpunt" in r.json()["errors"][0]["message"]
        r = client.get(path + "/inbox", headers=token)
        assert r.status_code == 404 and "no netwerkpunt" in r.json()["message"]
        (logged,) = audit.show(limit=1000)
        assert (logged.reason, logged.http_status) == ("unknown_netwerkpunt", 404)
        # The melding status gives the answer of a melding that is not there.
        r = client.get(f"{path}/meldingen/{melding_id}", headers=token)
        assert r.status_code == 404
        assert r.json()["message"] == f"no melding {melding_id} that you sent to {idtype}/{ident}."
        # Another participant's token is refused as not the owner, whether the path exists or not.
        if f"{idtype.lower()}:{ident}" != "uzovi:5505":
            r = client.get(path + "/inbox", headers=OWN)
            assert r.status_code == 403 and "belongs to" in r.json()["message"]


def test_published_example_document_needs_compat_mode(
    client: TestClient, inbox: Inbox, registry: ParticipantRegistry, audit: AuditLog
) -> None:
    variables = melding()
    r = gql(client, CIZ_URL, ZEND_MELDING_AS_PUBLISHED, variables)
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    with make_client(inbox, registry, audit, compat=True) as compat:
        r = gql(compat, CIZ_URL, ZEND_MELDING_AS_PUBLISHED, variables)
        assert r.status_code == 200, r.text
        assert r.json() == {
            "data": {"zendMelding": {"meldingID": str(inbox.meldingen(CIZ)[0].item_id)}}
        }
        # Strict documents pass unchanged in compat mode too.
        assert gql(compat, ZK_URL, ZEND_NOTIFICATIE, notificatie()).status_code == 200


# -- inbox REST -------------------------------------------------------------------------------


def test_inbox_list_and_ack(client: TestClient, inbox: Inbox) -> None:
    ids = [
        gql(client, ZK_URL, ZEND_NOTIFICATIE, notificatie(eventType=f"T{n}")).json()["data"][
            "zendNotificatie"
        ]["notificatieID"]
        for n in range(3)
    ]
    r = client.get(ZK_URL + "/inbox", headers=OWN)
    assert r.status_code == 200
    body = r.json()
    assert [i["itemID"] for i in body["items"]] == ids and body["next"] is None
    first = body["items"][0]
    assert first["soort"] == "notificatie" and first["notificatieID"] == ids[0]
    assert first["subjectList"] == [
        {"subject": f"WlzIndicatie/{WID}", "recordID": f"WlzIndicatie/{WID}"}
    ]
    assert first["bevestigdOp"] is None

    page = client.get(ZK_URL + "/inbox?limit=2", headers=OWN).json()
    assert page["next"] == ids[1]
    rest = client.get(ZK_URL + f"/inbox?limit=2&after={page['next']}", headers=OWN).json()
    assert [i["itemID"] for i in rest["items"]] == ids[2:]

    r = client.post(ZK_URL + "/inbox/ack", json={"itemIDs": [ids[0], ids[1], WID]}, headers=OWN)
    assert r.status_code == 200
    assert r.json() == {"bevestigd": ids[:2], "alBevestigd": [], "onbekend": [WID]}
    assert [i["itemID"] for i in client.get(ZK_URL + "/inbox", headers=OWN).json()["items"]] == ids[
        2:
    ]
    everything = client.get(ZK_URL + "/inbox?nieuw=false&soort=notificatie", headers=OWN).json()
    assert len(everything["items"]) == 3
    assert client.get(ZK_URL + "/inbox?soort=melding", headers=OWN).json()["items"] == []


@pytest.mark.parametrize(
    "query,fragment",
    [
        ("soort=brief", "soort must be one of"),
        ("nieuw=ja", "nieuw must be true or false"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("after=nope", "after must be an item ID"),
        (f"after={WID}", "after: no item"),
    ],
)
def test_inbox_bad_parameters(client: TestClient, query: str, fragment: str) -> None:
    r = client.get(ZK_URL + "/inbox?" + query, headers=OWN)
    assert r.status_code == 400
    assert r.json()["error"] == "BAD_REQUEST" and fragment in r.json()["message"]


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"itemIDs": "x"}', b'{"itemIDs": [1]}', b'{"itemIDs": ["nope"]}']
)
def test_ack_bad_bodies(client: TestClient, body: bytes) -> None:
    r = client.post(ZK_URL + "/inbox/ack", content=body, headers=OWN)
    assert r.status_code == 400 and r.json()["error"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/inbox"),
        ("POST", "/inbox/ack"),
        ("GET", "/webhook"),
        ("PUT", "/webhook"),
        ("DELETE", "/webhook"),
    ],
)
def test_only_the_participant_itself(
    client: TestClient, audit: AuditLog, method: str, path: str
) -> None:
    body = {"itemIDs": []} if path.endswith("ack") else {"url": "https://x.example/"}
    kwargs: dict[str, Any] = {} if method in ("GET", "DELETE") else {"json": body}
    r = client.request(method, ZK_URL + path, **kwargs)
    assert r.status_code == 401  # authorize's own answer is passed on
    r = client.request(
        method, ZK_URL + path, headers=bearer("uzovi:5506", SCOPE_INBOX_READ), **kwargs
    )
    assert r.status_code == 403
    assert r.json()["error"] == "FORBIDDEN" and "belongs to UZOVI/5505" in r.json()["message"]
    r = client.request(
        method, ZK_URL + path, headers=bearer("uzovi:5505", MELDING_CREATE), **kwargs
    )
    assert r.status_code == 403 and SCOPE_INBOX_READ in r.json()["message"]
    refused = audit.show(participant="uzovi:5506")
    assert refused[0].decision == "deny" and refused[0].reason == "not_owner"
    assert refused[0].resource == "netwerkpunt/UZOVI/5505" and refused[0].http_status == 403
    assert audit.show(participant="uzovi:5505")[0].reason == "scope_missing"


def test_rest_access_is_audited(client: TestClient, audit: AuditLog) -> None:
    client.get(ZK_URL + "/inbox", headers=OWN)
    assert client.get(ZK_URL + "/inbox").status_code == 401
    (ok,) = audit.show(limit=10)  # the refusal without a token is the PEP's to log
    assert (ok.participant, ok.event_type, ok.decision, ok.operation, ok.http_status) == (
        "uzovi:5505",
        "netwerkpunt.inbox",
        "allow",
        "list",
        200,
    )


def test_open_authorize_lets_everything_through(
    inbox: Inbox, registry: ParticipantRegistry, audit: AuditLog
) -> None:
    with make_client(inbox, registry, audit, authorize=open_authorize) as c:
        assert c.get(ZK_URL + "/inbox").json() == {"items": [], "next": None}


# -- webhook REST -----------------------------------------------------------------------------


def test_webhook_rest(client: TestClient, inbox: Inbox) -> None:
    assert client.get(ZK_URL + "/webhook", headers=OWN).status_code == 404
    r = client.put(ZK_URL + "/webhook", json={"url": "https://zk5505.example/in"}, headers=OWN)
    assert r.status_code == 200
    generated = r.json()["secret"]
    assert len(generated) >= 32 and r.json()["url"] == "https://zk5505.example/in"
    hook = inbox.get_webhook(ZK)
    assert hook is not None and hook.secret == generated
    shown = client.get(ZK_URL + "/webhook", headers=OWN).json()
    assert shown == {
        "url": "https://zk5505.example/in",
        "aangemaaktOp": "2026-06-15T09:30:00.000+00:00",
    }

    r = client.put(
        ZK_URL + "/webhook", json={"url": "https://b.example/", "secret": "k" * 20}, headers=OWN
    )
    assert r.status_code == 200 and "secret" not in r.json()
    for bad in [
        {"url": "ftp://b.example/"},
        {"url": "https://b.example/", "secret": "short"},
        {"url": "https://b.example/", "extra": 1},
        {"secret": "k" * 20},
        {"url": "http://169.254.169.254/latest/meta-data"},
        {"url": "https://localhost:8443/"},
    ]:
        r = client.put(ZK_URL + "/webhook", json=bad, headers=OWN)
        assert r.status_code == 400, bad
    r = client.put(ZK_URL + "/webhook", json={"url": "https://10.0.0.8/in"}, headers=OWN)
    assert r.json() == {
        "error": "BAD_REQUEST",
        "message": "url 'https://10.0.0.8/in': 10.0.0.8 is a private address; webhooks go to "
        "public internet addresses only (others only in dev mode).",
    }
    assert inbox.get_webhook(ZK) is not None and inbox.get_webhook(ZK).url == "https://b.example/"
    assert client.delete(ZK_URL + "/webhook", headers=OWN).status_code == 204
    assert client.delete(ZK_URL + "/webhook", headers=OWN).status_code == 404


# -- melding status ---------------------------------------------------------------------------


def test_melding_status_for_its_sender_only(client: TestClient, inbox: Inbox) -> None:
    r = gql(client, CIZ_URL, ZEND_MELDING_FULL, {"m": melding()})
    melding_id = r.json()["data"]["zendMelding"]["meldingID"]
    inbox.behandel_melding(CIZ, melding_id, "AFGEWEZEN", "geen fout gevonden")
    url = f"{CIZ_URL}/meldingen/{melding_id}"

    r = client.get(url, headers=bearer("uzovi:5505", MELDING_CREATE))
    assert r.status_code == 200
    assert r.json() == {
        "meldingID": melding_id,
        "ontvangerIDType": "KVK",
        "ontvangerID": "62253778",
        "eventType": "IWLZFOUTMELDING",
        "timestamp": "2026-06-15T09:15:00.000+00:00",
        "ontvangenOp": "2026-06-15T09:30:00.000+00:00",
        "status": "AFGEWEZEN",
        "reden": "geen fout gevonden",
        "statusGewijzigdOp": "2026-06-15T09:30:00.000+00:00",
    }
    assert client.get(url, headers=bearer("uzovi:5505", SCOPE_INBOX_READ)).status_code == 200
    for other in ["uzovi:5506", "kvk:62253778", "agb:12345678"]:
        r = client.get(url, headers=bearer(other, MELDING_CREATE, SCOPE_INBOX_READ))
        assert r.status_code == 404 and r.json()["error"] == "NOT_FOUND"
    assert client.get(url, headers=bearer("uzovi:5505")).status_code == 403
    assert client.get(url).status_code == 401
    # Sent to another bronhouder, or not a melding at all.
    assert (
        client.get(
            f"{ZK_URL}/meldingen/{melding_id}", headers=bearer("uzovi:5505", MELDING_CREATE)
        ).status_code
        == 404
    )
    notificatie_id = inbox.ontvang_notificatie(ZK, notificatie()).item_id
    r = client.get(
        f"{ZK_URL}/meldingen/{notificatie_id}", headers=bearer("kvk:62253778", MELDING_CREATE)
    )
    assert r.status_code == 404
    assert (
        client.get(
            f"{CIZ_URL}/meldingen/nope", headers=bearer("uzovi:5505", MELDING_CREATE)
        ).status_code
        == 400
    )


def test_melding_status_open(inbox: Inbox, registry: ParticipantRegistry, audit: AuditLog) -> None:
    melding_id = inbox.ontvang_melding(CIZ, melding()).item_id
    notificatie_id = inbox.ontvang_notificatie(ZK, notificatie()).item_id
    with make_client(inbox, registry, audit, authorize=open_authorize) as c:
        assert c.get(f"{CIZ_URL}/meldingen/{melding_id}").json()["status"] == "ONTVANGEN"
        assert c.get(f"{ZK_URL}/meldingen/{notificatie_id}").status_code == 404
