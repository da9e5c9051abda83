"""HTTP surface of the netwerkpunt: one GraphQL endpoint and a small REST API per participant.

Routes (``{idtype}`` is ``UZOVI``, ``AGB`` or ``KVK`` in upper case; the participant is the nID
participant with client_id ``<idtype lower>:<id>`` and must be active, else 404 - but only for a
caller that passed authorization: the token is checked first, against an audience built from the
path alone, so an anonymous caller gets 401 for every path and learns nothing about who
exists)::

    POST        /netwerkpunt/{idtype}/{id}/graphql               zendNotificatie / zendMelding
    GET         /netwerkpunt/{idtype}/{id}/inbox?soort=&nieuw=&limit=&after=
    POST        /netwerkpunt/{idtype}/{id}/inbox/ack             {"itemIDs": [...]}
    GET|PUT|DELETE /netwerkpunt/{idtype}/{id}/webhook            PUT {"url": ..., "secret"?: ...}
    GET         /netwerkpunt/{idtype}/{id}/meldingen/{meldingID} status, for the melding's sender

The GraphQL endpoint sits behind ``guard`` (nID's PEP/PDP). The REST endpoints call
``authorize`` (bearer token → ``request.state.claims``; no claims means an open test setup) and
then demand that the token's party is the participant itself with the scope
``iwlz/netwerkpunt/inbox:read`` — except the melding status, which only the melding's sender
sees. Every REST request that passes ``authorize`` is audit-logged (a refusal by ``authorize``
is the PEP's to log). REST errors are ``{"error": CODE, "message": text}``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from graphql import ExecutionResult, GraphQLError, OperationType
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from iwlz.core.logging import span_id_var, trace_id_var
from iwlz.graphql.errors import GraphQLUserError
from iwlz.graphql.http import (
    GRAPHQL_RESPONSE,
    JSON,
    GraphQLEndpoint,
    Guard,
    Limits,
    ParsedOperation,
    error_body,
    json_response,
)
from iwlz.netwerkpunt.api import build_netwerkpunt_schema, rewrite_compat
from iwlz.netwerkpunt.service import MELDING, SOORTEN, Inbox, InboxItem, Party
from iwlz.nid.audit import AuditEvent, AuditLog
from iwlz.nid.participants import SCOPE_INBOX_READ, ParticipantRegistry

__all__ = ["NETWERKPUNT_ID_TYPES", "NetwerkpuntEndpoint", "netwerkpunt_routes"]

NETWERKPUNT_ID_TYPES = ("UZOVI", "AGB", "KVK")
PREFIX = "/netwerkpunt"
MAX_REST_BODY = 256 * 1024
_MELDING_SCOPE = re.compile(r"^organisaties/[^\s/:]+/meldingen/melding:create$")

Authorize = Callable[[Request], Awaitable[Response | None]]


class NetwerkpuntEndpoint(GraphQLEndpoint):
    """The GraphQL endpoint with two netwerkpunt rules on top of the shared one.

    * A refused message (``BAD_USER_INPUT`` raised while validating) answers **200** with
      ``"data": null`` and the error (network.md §5.5 last paragraph): the request was valid
      GraphQL, the receiver declines its content. The sender must treat it as not delivered
      and not retry automatically (§5.4: no retry for refusals). Other errors keep the shared
      mapping (``FORBIDDEN`` 403, ``INTERNAL_SERVER_ERROR`` 500).
    * ``compat=True`` rewrites the published examples' variable types first (§11.2).
    """

    def __init__(self, *args: Any, compat: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.compat = compat

    def _document(self, query: str) -> Any:
        return super()._document(rewrite_compat(query) if self.compat else query)

    def _result_response(self, result: ExecutionResult, media: str) -> Response:
        errors = result.errors or []
        if errors and result.data is None and all(_user_error(e) for e in errors):
            payload = {"errors": [_format_user_error(e) for e in errors], "data": None}
            return json_response(payload, 200, media)
        return super()._result_response(result, media)


def _user_error(error: GraphQLError) -> bool:
    original = error.original_error
    return (
        error.path is not None
        and isinstance(original, GraphQLUserError)
        and original.code == "BAD_USER_INPUT"
    )


def _format_user_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    assert isinstance(original, GraphQLUserError)
    out = dict(error.formatted)
    out["message"] = str(original)
    out["extensions"] = {"code": original.code, **original.extensions}
    return out


def _rest_error(status: int, code: str, message: str, **extra: Any) -> Response:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


def _client_id(party: Party) -> str:
    return f"{party[0].lower()}:{party[1]}"


def _not_found(request: Request, message: str) -> Response:
    accept = request.headers.get("accept", "")
    media = JSON if JSON in accept and GRAPHQL_RESPONSE not in accept else GRAPHQL_RESPONSE
    return json_response(error_body(message, "NOT_FOUND"), 404, media)


class _PartyGuard:
    """``guard`` first, then the path's participant: 404 only for an authorized caller."""

    def __init__(self, guard: Guard, find: Callable[[Request], Awaitable[Party | str]]) -> None:
        self.guard = guard
        self.find = find

    async def check_request(self, request: Request) -> Response | None:
        denial = await self.guard.check_request(request)
        if denial is not None:
            return denial
        party = await self.find(request)
        if isinstance(party, str):
            return _not_found(request, party)
        request.state.netwerkpunt = party
        return None

    async def check_operation(
        self, request: Request, operation: ParsedOperation
    ) -> Response | None:
        return await self.guard.check_operation(request, operation)


def netwerkpunt_routes(
    *,
    inbox: Inbox,
    participants: ParticipantRegistry,
    guard: Guard,
    limits: Limits | None,
    authorize: Authorize,
    audit: AuditLog | None,
    compat: bool = False,
) -> list[Route]:
    """The netwerkpunt routes of every participant (see the module docstring).

    ``guard`` protects the GraphQL endpoint (its audience is the request URL); ``authorize``
    verifies the bearer token of REST requests and sets ``request.state.claims`` (None: open).
    ``compat`` enables the §11.2 document rewrite (default: strict).
    """

    def context(request: Request, operation: ParsedOperation) -> dict[str, Any]:
        return {
            "inbox": inbox,
            "ontvanger": request.state.netwerkpunt,
            "claims": operation.state.get("claims"),
            "request": request,
            "operation": operation,
        }

    async def path_party(request: Request) -> Party | str:
        """The netwerkpunt named in the path, or why there is none. Call it only after the
        caller is authorized: its answer tells who exists."""
        id_type = request.path_params["idtype"]
        ident = request.path_params["id"]
        if id_type not in NETWERKPUNT_ID_TYPES:
            return (
                f"no netwerkpunt {id_type}/{ident}: the ID type is one of "
                f"{', '.join(NETWERKPUNT_ID_TYPES)} (upper case)."
            )
        found = await run_in_threadpool(participants.get, _client_id((id_type, ident)))
        if found is None or not found.active:
            return f"no netwerkpunt {id_type}/{ident}: not an active participant."
        return (id_type, ident)

    endpoint = NetwerkpuntEndpoint(
        build_netwerkpunt_schema(),
        context_factory=context,
        guard=_PartyGuard(guard, path_party),
        limits=limits,
        allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}),
        name="netwerkpunt",
        fast_path=False,
        compat=compat,
    )

    async def graphql(request: Request) -> Response:
        return await endpoint.handle(request)

    async def record(
        request: Request,
        event_type: str,
        operation: str,
        *,
        allowed: bool,
        status: int,
        reason: str | None = None,
        records: tuple[str, ...] = (),
    ) -> None:
        if audit is None:
            return
        claims = getattr(request.state, "claims", None) or {}
        act = claims.get("act") if isinstance(claims, Mapping) else None
        event = AuditEvent(
            event_type=event_type,
            decision="allow" if allowed else "deny",
            participant=str(claims["client_id"]) if claims.get("client_id") else None,
            on_behalf_of=act.get("sub") if isinstance(act, Mapping) else None,
            operation=operation,
            resource=(
                f"netwerkpunt/{request.path_params.get('idtype')}/{request.path_params.get('id')}"
            ),
            use_case=None,
            records=records[:100],
            bsns=(),
            reason=reason,
            http_status=status,
            trace_id=trace_id_var.get(),
            span_id=span_id_var.get(),
            occurred_at=inbox.clock.now(),
            details={},
        )
        await run_in_threadpool(audit.append, event)

    async def refuse(
        request: Request,
        event_type: str,
        operation: str,
        status: int,
        code: str,
        message: str,
        reason: str,
    ) -> Response:
        await record(request, event_type, operation, allowed=False, status=status, reason=reason)
        return _rest_error(status, code, message)

    async def own_resource(
        request: Request, event_type: str, operation: str
    ) -> tuple[Party | None, Response | None]:
        """The path's participant when the caller is that participant (or the setup is open).

        Order: the token (``authorize``; its refusals are the PEP's to audit), then whether the
        caller is the participant of the path (no lookup needed), then the scope, and only then
        whether the participant exists and is active.
        """
        denial = await authorize(request)
        if denial is not None:
            return None, denial
        claims = getattr(request.state, "claims", None)
        if claims is not None:  # None: open, tests and local tooling only
            id_type, ident = request.path_params["idtype"], request.path_params["id"]
            caller = str(claims.get("client_id") or "")
            if caller != _client_id((id_type, ident)):
                return None, await refuse(
                    request,
                    event_type,
                    operation,
                    403,
                    "FORBIDDEN",
                    f"this {event_type.rsplit('.', 1)[-1]} belongs to {id_type}/{ident}; "
                    f"the token is of {caller or 'nobody'}.",
                    "not_owner",
                )
            scopes = claims.get("scopes") or []
            if SCOPE_INBOX_READ not in scopes:
                return None, await refuse(
                    request,
                    event_type,
                    operation,
                    403,
                    "FORBIDDEN",
                    f"the token lacks the scope {SCOPE_INBOX_READ}.",
                    "scope_missing",
                )
        party = await path_party(request)
        if isinstance(party, str):
            return None, await refuse(
                request, event_type, operation, 404, "NOT_FOUND", party, "unknown_netwerkpunt"
            )
        return party, None

    async def read_json(request: Request) -> dict[str, Any] | str:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_REST_BODY:
            return f"the body is larger than {MAX_REST_BODY} bytes."
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_REST_BODY:
                return f"the body is larger than {MAX_REST_BODY} bytes."
        try:
            data = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            return f"the body is not valid JSON: {exc}."
        if not isinstance(data, dict):
            return "the body must be a JSON object."
        return data

    async def bad_request(request: Request, event_type: str, operation: str, msg: str) -> Response:
        return await refuse(request, event_type, operation, 400, "BAD_REQUEST", msg, "bad_request")

    async def inbox_list(request: Request) -> Response:
        kind, op = "netwerkpunt.inbox", "list"
        party, denial = await own_resource(request, kind, op)
        if party is None:
            assert denial is not None
            return denial
        q = request.query_params
        soort = q.get("soort") or None
        if soort is not None and soort not in SOORTEN:
            msg = f"soort must be one of {', '.join(SOORTEN)}."
            return await bad_request(request, kind, op, msg)
        nieuw = (q.get("nieuw") or "true").lower()
        if nieuw not in ("true", "false"):
            return await bad_request(request, kind, op, "nieuw must be true or false.")
        limit_text = q.get("limit") or "100"
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 1000:
            return await bad_request(request, kind, op, "limit must be a number from 1 to 1000.")
        after = q.get("after") or None
        if after is not None:
            try:
                uuid.UUID(after)
            except ValueError:
                return await bad_request(request, kind, op, "after must be an item ID (UUID).")
        try:
            items = await run_in_threadpool(
                lambda: inbox.list(
                    party,
                    soort=soort,
                    alleen_nieuw=nieuw == "true",
                    limit=int(limit_text),
                    after=after,
                )
            )
        except GraphQLUserError as exc:
            return await bad_request(request, kind, op, str(exc))
        await record(
            request,
            kind,
            op,
            allowed=True,
            status=200,
            records=tuple(f"{i.soort}/{i.item_id}" for i in items),
        )
        full = len(items) == int(limit_text)
        return JSONResponse(
            {
                "items": [i.as_json() for i in items],
                "next": str(items[-1].item_id) if full and items else None,
            }
        )

    async def inbox_ack(request: Request) -> Response:
        kind, op = "netwerkpunt.inbox", "ack"
        party, denial = await own_resource(request, kind, op)
        if party is None:
            assert denial is not None
            return denial
        data = await read_json(request)
        if isinstance(data, str):
            return await bad_request(request, kind, op, data)
        item_ids = data.get("itemIDs")
        if not isinstance(item_ids, list) or not all(isinstance(i, str) for i in item_ids):
            msg = 'the body must be {"itemIDs": ["<uuid>", ...]}.'
            return await bad_request(request, kind, op, msg)
        try:
            result = await run_in_threadpool(inbox.ack, party, item_ids)
        except GraphQLUserError as exc:
            return await bad_request(request, kind, op, str(exc))
        await record(
            request, kind, op, allowed=True, status=200, records=tuple(map(str, result.bevestigd))
        )
        return JSONResponse(result.as_json())

    async def webhook(request: Request) -> Response:
        kind, op = "netwerkpunt.webhook", request.method.lower()
        party, denial = await own_resource(request, kind, op)
        if party is None:
            assert denial is not None
            return denial
        if request.method == "GET":
            hook = await run_in_threadpool(inbox.get_webhook, party)
            if hook is None:
                return await refuse(
                    request, kind, op, 404, "NOT_FOUND", "no webhook is set.", "no_webhook"
                )
            await record(request, kind, op, allowed=True, status=200)
            return JSONResponse(hook.as_json())
        if request.method == "DELETE":
            if not await run_in_threadpool(inbox.delete_webhook, party):
                return await refuse(
                    request, kind, op, 404, "NOT_FOUND", "no webhook is set.", "no_webhook"
                )
            await record(request, kind, op, allowed=True, status=204)
            return Response(status_code=204)
        data = await read_json(request)
        if isinstance(data, str):
            return await bad_request(request, kind, op, data)
        unknown = sorted(set(data) - {"url", "secret"})
        if unknown:
            msg = f"unknown key(s) {', '.join(unknown)}; allowed are url and secret."
            return await bad_request(request, kind, op, msg)
        secret = data.get("secret")
        if secret is not None and not isinstance(secret, str):
            return await bad_request(request, kind, op, "secret must be a string.")
        try:
            new_hook, generated = await run_in_threadpool(
                inbox.set_webhook, party, data.get("url"), secret
            )
        except GraphQLUserError as exc:
            return await bad_request(request, kind, op, str(exc))
        await record(request, kind, op, allowed=True, status=200)
        body = new_hook.as_json()
        if generated is not None:
            body["secret"] = generated
        return JSONResponse(body)

    async def melding_status(request: Request) -> Response:
        kind, op = "netwerkpunt.melding", "status"
        denial = await authorize(request)
        if denial is not None:  # the PEP audits its own refusals
            return denial
        raw_id = request.path_params["meldingID"]
        id_type, ident = request.path_params["idtype"], request.path_params["id"]
        not_found = f"no melding {raw_id} that you sent to {id_type}/{ident}."
        try:
            melding_id = uuid.UUID(raw_id)
        except ValueError:
            return await bad_request(request, kind, op, "meldingID must be a UUID.")
        claims = getattr(request.state, "claims", None)
        if claims is not None:
            scopes = claims.get("scopes") or []
            if SCOPE_INBOX_READ not in scopes and not any(
                isinstance(s, str) and _MELDING_SCOPE.match(s) for s in scopes
            ):
                return await refuse(
                    request,
                    kind,
                    op,
                    403,
                    "FORBIDDEN",
                    f"the token needs a meldingen/melding:create scope or {SCOPE_INBOX_READ}.",
                    "scope_missing",
                )
        caller = None if claims is None else _caller_party(claims)
        party = await path_party(request)
        if isinstance(party, str):  # the same answer as for a melding that is not there
            return await refuse(request, kind, op, 404, "NOT_FOUND", not_found, "not_sender")

        def lookup() -> InboxItem | None:
            try:
                if claims is None:  # open: tests and local tooling only
                    item = inbox.get(party, melding_id)
                    return item if item.soort == MELDING else None
                if caller is None:
                    return None
                return inbox.melding_status(melding_id, caller, bronhouder=party)
            except GraphQLUserError:
                return None

        found = await run_in_threadpool(lookup)
        if found is None:  # the same answer for "does not exist" and "not yours"
            return await refuse(request, kind, op, 404, "NOT_FOUND", not_found, "not_sender")
        await record(
            request, kind, op, allowed=True, status=200, records=(f"melding/{melding_id}",)
        )
        return JSONResponse(found.status_json())

    base = PREFIX + "/{idtype}/{id}"
    return [
        Route(base + "/graphql", graphql, methods=["GET", "POST", "PUT", "DELETE"]),
        Route(base + "/inbox", inbox_list, methods=["GET"]),
        Route(base + "/inbox/ack", inbox_ack, methods=["POST"]),
        Route(base + "/webhook", webhook, methods=["GET", "PUT", "DELETE"]),
        Route(base + "/meldingen/{meldingID}", melding_status, methods=["GET"]),
    ]


def _caller_party(claims: Mapping[str, Any]) -> Party | None:
    """The token's party (``client_id`` ``uzovi:5505`` → (``UZOVI``, ``5505``))."""
    client_id = claims.get("client_id")
    if not isinstance(client_id, str) or ":" not in client_id:
        return None
    id_type, ident = client_id.split(":", 1)
    return (id_type.upper(), ident)
