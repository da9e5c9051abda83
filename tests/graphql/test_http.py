"""GraphQL-over-HTTP semantics of every register endpoint (network.md §4), on a tiny schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ariadne import QueryType
from graphql import GraphQLResolveInfo
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from iwlz.graphql.errors import BadUserInput
from iwlz.graphql.http import GraphQLEndpoint, Limits, ParsedOperation, json_response
from iwlz.graphql.schema import build_schema

SDL = """
scalar UUID
scalar Date
scalar DateTime
type Query {
  echo(id: UUID, day: Date, at: DateTime): String!
  node: Node
  fails: String
  refuses: String!
}
type Node { name: String! child: Node }
"""


def _schema() -> Any:
    query = QueryType()

    @query.field("echo")
    def echo(
        _o: Any, _i: GraphQLResolveInfo, id: Any = None, day: Any = None, at: Any = None
    ) -> str:
        return f"{id}|{day}|{at.isoformat() if at else None}"

    @query.field("node")
    def node(*_: Any) -> dict[str, Any]:
        leaf: dict[str, Any] = {"name": "leaf", "child": None}
        return {"name": "root", "child": {"name": "mid", "child": leaf}}

    @query.field("fails")
    def fails(*_: Any) -> str:
        raise RuntimeError("database password is hunter2")

    @query.field("refuses")
    def refuses(*_: Any) -> str:
        raise BadUserInput("narrow the filter")

    return build_schema(SDL, [query])


class DenyMarkedGuard:
    """Refuses operations named 'forbidden' — stands in for the PEP."""

    seen: list[ParsedOperation]

    def __init__(self) -> None:
        self.seen = []

    async def check_request(self, request: Request) -> Response | None:
        if request.headers.get("authorization") == "Bearer bad":
            return json_response({"errors": [{"message": "Unauthorized"}]}, 401)
        return None

    async def check_operation(self, request: Request, op: ParsedOperation) -> Response | None:
        self.seen.append(op)
        if op.operation.name and op.operation.name.value == "forbidden":
            return json_response({"errors": [{"message": "Policy: Access Denied"}]}, 403)
        return None


@pytest.fixture
def guard() -> DenyMarkedGuard:
    return DenyMarkedGuard()


@pytest.fixture
def client(guard: DenyMarkedGuard) -> TestClient:
    endpoint = GraphQLEndpoint(
        _schema(),
        context_factory=lambda r, o: {},
        guard=guard,
        limits=Limits(max_body_bytes=4096, max_depth=3, max_aliases=3, max_tokens=200),
    )
    app = Starlette(routes=[Route("/graphql", endpoint, methods=["GET", "POST"])])
    return TestClient(app)


def post(client: TestClient, body: Any, **headers: str) -> Any:
    return client.post(
        "/graphql",
        content=json.dumps(body),
        headers={"content-type": "application/json", **headers},
    )


def test_ok_response_uses_graphql_response_media_type(client: TestClient) -> None:
    r = post(client, {"query": '{ echo(id: "3fa85f64-5717-4562-b3fc-2c963f66afa6") }'})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/graphql-response+json")
    assert r.json() == {"data": {"echo": "3fa85f64-5717-4562-b3fc-2c963f66afa6|None|None"}}


def test_get_is_405(client: TestClient) -> None:
    r = client.get("/graphql", params={"query": "{ echo }"})
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


def test_wrong_content_type_is_415(client: TestClient) -> None:
    r = client.post("/graphql", content="{ echo }", headers={"content-type": "text/plain"})
    assert r.status_code == 415


@pytest.mark.parametrize(
    "body,fragment",
    [
        (b"{not json", "not valid JSON"),
        (b"[1,2]", "JSON object"),
        (b'{"query": 5}', "non-empty string"),
        (b'{"query": "{ echo }", "variables": [1]}', "'variables'"),
        (b'{"query": "{ echo }", "extra": 1}', "Unknown key"),
    ],
)
def test_malformed_bodies_are_400_with_message(
    client: TestClient, body: bytes, fragment: str
) -> None:
    r = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert fragment in r.json()["errors"][0]["message"]
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_body_over_limit_is_413(client: TestClient) -> None:
    r = post(client, {"query": "{ echo }", "variables": {"x": "a" * 5000}})
    assert r.status_code == 413


def test_syntax_error_is_400(client: TestClient) -> None:
    r = post(client, {"query": "{ echo "})
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "data" not in r.json()


def test_unknown_field_is_400(client: TestClient) -> None:
    r = post(client, {"query": "{ nope }"})
    assert r.status_code == 400
    assert "nope" in r.json()["errors"][0]["message"]


def test_plain_json_accept_gives_200_with_null_data(client: TestClient) -> None:
    r = post(client, {"query": "{ nope }"}, accept="application/json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["data"] is None


@pytest.mark.parametrize(
    "literal,fragment",
    [
        ('id: "not-a-uuid"', "UUID must be"),
        ('day: "2026-02-30"', "does not exist"),
        ('day: "15-06-2026"', "YYYY-MM-DD"),
        ('at: "2026-06-15T10:00:00"', "offset"),
    ],
)
def test_bad_scalar_literals_are_400(client: TestClient, literal: str, fragment: str) -> None:
    r = post(client, {"query": f"{{ echo({literal}) }}"})
    assert r.status_code == 400
    assert fragment in r.json()["errors"][0]["message"]


def test_bad_scalar_variable_is_400(client: TestClient) -> None:
    r = post(client, {"query": "query($d: Date) { echo(day: $d) }", "variables": {"d": "tomorrow"}})
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_datetime_scalar_keeps_offset(client: TestClient) -> None:
    r = post(client, {"query": '{ echo(at: "2020-02-09T13:47:16.000+01:00") }'})
    assert r.json()["data"]["echo"].endswith("2020-02-09T13:47:16+01:00")


def test_depth_limit(client: TestClient) -> None:
    r = post(client, {"query": "{ node { child { child { child { name } } } } }"})
    assert r.status_code == 400
    assert "nested" in r.json()["errors"][0]["message"]


def test_depth_limit_sees_through_fragments(client: TestClient) -> None:
    q = "{ node { ...a } } fragment a on Node { child { child { child { name } } } }"
    assert post(client, {"query": q}).status_code == 400


def test_alias_bomb_rejected(client: TestClient) -> None:
    q = "{ " + " ".join(f"a{i}: echo" for i in range(5)) + " }"
    r = post(client, {"query": q})
    assert r.status_code == 400
    assert "aliases" in r.json()["errors"][0]["message"]


def test_token_limit(client: TestClient) -> None:
    q = "{ " + " ".join("echo" for _ in range(300)) + " }"
    r = post(client, {"query": q})
    assert r.status_code == 400
    assert "tokens" in r.json()["errors"][0]["message"]


def test_introspection_disabled(client: TestClient) -> None:
    r = post(client, {"query": "{ __schema { types { name } } }"})
    assert r.status_code == 400
    assert "IWLZ_DEV" in r.json()["errors"][0]["message"]
    assert post(client, {"query": "{ node { __typename } }"}).status_code == 200


def test_mutation_not_served_on_read_endpoint(client: TestClient) -> None:
    r = post(client, {"query": "mutation { x }"})
    assert r.status_code == 400


def test_several_operations_need_operation_name(client: TestClient) -> None:
    q = "query a { echo } query b { node { name } }"
    assert post(client, {"query": q}).status_code == 400
    r = post(client, {"query": q, "operationName": "b"})
    assert r.json() == {"data": {"node": {"name": "root"}}}


def test_resolver_fault_is_masked(client: TestClient) -> None:
    r = post(client, {"query": "{ echo fails }"})
    assert r.status_code == 200
    body = r.json()
    assert body["data"] == {"echo": "None|None|None", "fails": None}
    assert body["errors"][0]["message"] == "Internal server error."
    assert "hunter2" not in r.text


def test_user_error_without_data_is_400(client: TestClient) -> None:
    r = post(client, {"query": "{ refuses }"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert r.json()["errors"][0]["message"] == "narrow the filter"


def test_guard_sees_raw_request_then_parsed_operation(
    client: TestClient, guard: DenyMarkedGuard
) -> None:
    assert post(client, {"query": "{ echo }"}, authorization="Bearer bad").status_code == 401
    assert guard.seen == []
    r = post(client, {"query": "query forbidden { echo }"})
    assert r.status_code == 403
    assert "data" not in r.json()
    assert guard.seen[-1].operation_type == "query"


def test_parse_cache_reuses_document(client: TestClient) -> None:
    endpoint: GraphQLEndpoint = client.app.routes[0].endpoint  # type: ignore[attr-defined]
    first = endpoint._document("{ echo }")
    assert endpoint._document("{ echo }") is first
