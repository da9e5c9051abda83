"""GraphQL over HTTP (network.md §4, RFC0040) for every register endpoint.

One request path for all registers::

    body checks -> guard.check_request (PEP: token) -> parse + validate (cached per query text)
    -> guard.check_operation (PDP: policy over the parsed operation) -> execute -> status mapping

A :class:`Guard` is where the policy enforcement point plugs in: it sees the raw request
first and the parsed operation next, and may answer instead of the register. Resolvers
never know it is there.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, Generic, Protocol, TypeVar

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    specified_rules,
    validate,
)
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from iwlz.graphql.errors import GraphQLUserError
from iwlz.graphql.fastpath import CompiledQuery, compile_query
from iwlz.graphql.filters import FilterError
from iwlz.graphql.limits import NoIntrospectionRule, max_aliases_rule, max_depth_rule

log = logging.getLogger("iwlz.graphql")

K = TypeVar("K")
V = TypeVar("V")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_ALLOWED_BODY_KEYS = frozenset({"query", "variables", "operationName", "extensions"})


@dataclass(frozen=True)
class Limits:
    """Request limits of one endpoint."""

    max_body_bytes: int = 1_048_576
    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5000
    introspection: bool = False


@dataclass
class ParsedOperation:
    """A request after parsing: what the guard (PEP/PDP) and the executor work on."""

    query: str
    variables: dict[str, Any]
    operation_name: str | None
    document: DocumentNode
    operation: OperationDefinitionNode
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def operation_type(self) -> str:
        return self.operation.operation.value


class Guard(Protocol):
    """Hook for the policy enforcement point. Return a Response to refuse the request."""

    async def check_request(self, request: Request) -> Response | None: ...

    async def check_operation(
        self, request: Request, operation: ParsedOperation
    ) -> Response | None: ...


class OpenGuard:
    """No authorization: only for tests of the GraphQL layer itself and for dev tooling."""

    async def check_request(self, request: Request) -> Response | None:
        return None

    async def check_operation(
        self, request: Request, operation: ParsedOperation
    ) -> Response | None:
        return None


ContextFactory = Callable[[Request, ParsedOperation], Any]


def error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def json_response(
    payload: Mapping[str, Any],
    status: int,
    media_type: str = GRAPHQL_RESPONSE,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def _wants_plain_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return JSON in accept and GRAPHQL_RESPONSE not in accept


class _LRU(Generic[K, V]):
    """A small thread-safe LRU map (parsed documents, compiled plans).

    The network uses fixed query templates, so almost every request is a hit and skips
    parsing, validation and compilation.
    """

    def __init__(self, size: int = 512) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def __contains__(self, key: K) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class GraphQLEndpoint:
    """ASGI endpoint serving one GraphQL schema with the network's HTTP semantics."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        context_factory: ContextFactory,
        guard: Guard | None = None,
        limits: Limits | None = None,
        allowed_operations: frozenset[OperationType] = frozenset({OperationType.QUERY}),
        name: str = "graphql",
        fast_path: bool = True,
    ) -> None:
        self.schema = schema
        self.context_factory = context_factory
        self.guard: Guard = guard or OpenGuard()
        self.limits = limits or Limits()
        self.allowed_operations = allowed_operations
        self.name = name
        rules = [
            *specified_rules,
            max_depth_rule(self.limits.max_depth),
            max_aliases_rule(self.limits.max_aliases),
        ]
        if not self.limits.introspection:
            rules.append(NoIntrospectionRule)
        self._rules = rules
        self._cache: _LRU[str, DocumentNode | list[GraphQLError]] = _LRU()
        self.fast_path = fast_path
        self._plans: _LRU[tuple[str, str | None], CompiledQuery | None] = _LRU()

    # -- request handling -------------------------------------------------------------

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        media = JSON if _wants_plain_json(request) else GRAPHQL_RESPONSE
        if request.method != "POST":
            return json_response(
                error_body("Only POST is supported on GraphQL endpoints.", "METHOD_NOT_ALLOWED"),
                405,
                media,
                headers={"Allow": "POST"},
            )
        denial = await self.guard.check_request(request)
        if denial is not None:
            return denial
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != JSON:
            return json_response(
                error_body("Content-Type must be application/json.", "BAD_REQUEST"), 415, media
            )
        body = await self._read_body(request)
        if isinstance(body, Response):
            return body
        parsed = self._parse_body(body, media)
        if isinstance(parsed, Response):
            return parsed
        denial = await self.guard.check_operation(request, parsed)
        if denial is not None:
            return denial
        context = self.context_factory(request, parsed)
        result = await run_in_threadpool(self.execute, parsed, context)
        return self._result_response(result, media)

    async def _read_body(self, request: Request) -> bytes | Response:
        limit = self.limits.max_body_bytes
        too_big = json_response(
            error_body(f"Request body is larger than {limit} bytes.", "PAYLOAD_TOO_LARGE"), 413
        )
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return too_big
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return too_big
            chunks.append(chunk)
        return b"".join(chunks)

    def _parse_body(self, body: bytes, media: str) -> ParsedOperation | Response:
        def bad(message: str, code: str = "BAD_REQUEST") -> Response:
            return json_response(error_body(message, code), 400, media)

        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return bad(f"Body is not valid JSON: {exc}.")
        if not isinstance(data, dict):
            return bad("Body must be a JSON object with a 'query' string.")
        unknown = sorted(set(data) - _ALLOWED_BODY_KEYS)
        if unknown:
            return bad(
                f"Unknown key(s) in request body: {', '.join(unknown)}; "
                "allowed are query, variables, operationName, extensions."
            )
        query = data.get("query")
        if not isinstance(query, str) or not query.strip():
            return bad("'query' must be a non-empty string.")
        variables = data.get("variables") or {}
        if not isinstance(variables, dict):
            return bad("'variables' must be a JSON object.")
        operation_name = data.get("operationName")
        if operation_name is not None and not isinstance(operation_name, str):
            return bad("'operationName' must be a string.")

        document = self._document(query)
        if isinstance(document, list):
            payload: dict[str, Any] = {
                "errors": [_format_error(e, "GRAPHQL_VALIDATION_FAILED") for e in document]
            }
            if media == JSON:
                payload["data"] = None
                return json_response(payload, 200, media)
            return json_response(payload, 400, media)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is not None:
            operations = [o for o in operations if o.name and o.name.value == operation_name]
            if not operations:
                return bad(f"No operation named {operation_name!r} in the query.")
        if len(operations) != 1:
            return bad("The query must hold exactly one operation (or name one in operationName).")
        operation = operations[0]
        if operation.operation not in self.allowed_operations:
            allowed = ", ".join(sorted(o.value for o in self.allowed_operations))
            return bad(
                f"{operation.operation.value} operations are not served here; allowed: {allowed}.",
                "GRAPHQL_VALIDATION_FAILED",
            )
        return ParsedOperation(query, variables, operation_name, document, operation)

    def _document(self, query: str) -> DocumentNode | list[GraphQLError]:
        cached = self._cache.get(query)
        if cached is not None:
            return cached
        try:
            document = parse(query, max_tokens=self.limits.max_tokens)
        except GraphQLError as exc:
            result: DocumentNode | list[GraphQLError] = [exc]
        else:
            errors = validate(self.schema, document, self._rules, max_errors=20)
            result = errors if errors else document
        self._cache.put(query, result)
        return result

    def execute(self, parsed: ParsedOperation, context: Any) -> ExecutionResult:
        """Run a parsed, validated operation (synchronously; called in a worker thread).

        Plain read queries take the compiled fast path; everything else, and every request
        that would produce an error, runs through graphql-core.
        """
        plan = self._plan(parsed)
        if plan is not None:
            fast = plan.run(context, parsed.variables)
            if fast is not None:
                return fast
        result = execute(
            self.schema,
            parsed.document,
            context_value=context,
            variable_values=parsed.variables,
            operation_name=parsed.operation_name,
        )
        if not isinstance(result, ExecutionResult):  # pragma: no cover - no async resolvers
            raise TypeError("async resolvers are not supported")
        return result

    def _plan(self, parsed: ParsedOperation) -> CompiledQuery | None:
        if not self.fast_path:
            return None
        key = (parsed.query, parsed.operation_name)
        if key in self._plans:  # a cached None means "not compilable": use graphql-core
            return self._plans.get(key)
        plan = compile_query(self.schema, parsed.document, parsed.operation)
        self._plans.put(key, plan)
        return plan

    def _result_response(self, result: ExecutionResult, media: str) -> Response:
        if not result.errors:
            return json_response({"data": result.data}, 200, media)
        formatted = [_classify(e) for e in result.errors]
        payload: dict[str, Any] = {"errors": [f for f, _ in formatted]}
        if result.data is not None:
            payload["data"] = result.data
            return json_response(payload, 200, media)
        # No data at all: a request error (bad variables, bad filter) is the caller's
        # fault (400); otherwise the server failed (500).
        if media == JSON:
            payload["data"] = None
            return json_response(payload, 200, media)
        if not all(user for _, user in formatted):
            return json_response(payload, 500, media)
        codes = {f["extensions"].get("code") for f, _ in formatted}
        return json_response(payload, 403 if "FORBIDDEN" in codes else 400, media)


def _format_error(error: GraphQLError, default_code: str) -> dict[str, Any]:
    out = error.formatted
    ext = dict(out.get("extensions") or {})
    ext.setdefault("code", default_code)
    out["extensions"] = ext
    return dict(out)


def _classify(error: GraphQLError) -> tuple[dict[str, Any], bool]:
    """Format one execution error and tell whether the caller caused it."""
    original = error.original_error
    if original is None or error.path is None:
        # Variable coercion and similar request errors happen before any resolver runs:
        # they have no path, and their message is about the caller's input.
        return _format_error(error, "BAD_USER_INPUT"), True
    if isinstance(original, GraphQLUserError):
        err = GraphQLError(
            str(original),
            error.nodes,
            path=error.path,
            extensions={"code": original.code, **original.extensions},
        )
        return _format_error(err, original.code), True
    if isinstance(original, FilterError):
        err = GraphQLError(
            str(original),
            error.nodes,
            path=error.path,
            extensions={"code": "BAD_USER_INPUT", "filterPath": original.path},
        )
        return _format_error(err, "BAD_USER_INPUT"), True
    log.error("resolver failed", exc_info=original)
    masked = GraphQLError(
        "Internal server error.",
        error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )
    return _format_error(masked, "INTERNAL_SERVER_ERROR"), False
