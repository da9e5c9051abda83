"""HTTP surface of the nID authorization server: ``POST /oauth/token``, ``GET /oauth/jwks``."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from iwlz.core.logging import span_id_var, trace_id_var
from iwlz.nid.audit import AuditEvent, AuditLog
from iwlz.nid.tokens import AuthorizationServer, IssuedToken, TokenError

MAX_TOKEN_REQUEST = 64 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(exc: TokenError) -> Response:
    headers = dict(_NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_client"'
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


async def _params(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_TOKEN_REQUEST:
        raise TokenError("invalid_request", "token request body is too large")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/x-www-form-urlencoded":
        try:
            pairs = urllib.parse.parse_qs(body.decode("utf-8"), strict_parsing=False)
        except UnicodeDecodeError:
            raise TokenError("invalid_request", "body is not UTF-8") from None
        return {k: v[0] for k, v in pairs.items()}
    if ctype == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise TokenError("invalid_request", "body is not valid JSON") from None
        if not isinstance(data, dict):
            raise TokenError("invalid_request", "body must be a JSON object")
        return data
    # network.md §3.8 #01: a wrong Content-Type answers like a missing audience.
    raise TokenError("invalid_request", "audience is required")


class TokenEndpoint:
    """ASGI endpoint: client credentials grant with private_key_jwt; every outcome audited."""

    def __init__(self, server: AuthorizationServer, audit: AuditLog) -> None:
        self.server = server
        self.audit = audit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        if request.method != "POST":
            response: Response = JSONResponse(
                {"error": "invalid_request", "error_description": "use POST"},
                status_code=405,
                headers={"Allow": "POST"},
            )
        else:
            response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        try:
            params = await _params(request)
            issued = await run_in_threadpool(self._issue, params)
        except TokenError as exc:
            await run_in_threadpool(self._audit_refused, exc)
            return _error(exc)
        return JSONResponse(issued.body(), headers=_NO_STORE)

    def _issue(self, params: dict[str, Any]) -> IssuedToken:
        issued = self.server.token(params)
        self.audit.append(
            AuditEvent(
                event_type="token.issued",
                decision="allow",
                participant=issued.client_id,
                on_behalf_of=issued.actor,
                operation="token client_credentials",
                resource=str(issued.claims["aud"]),
                use_case=None,
                records=(),
                bsns=(),
                reason=None,
                http_status=200,
                trace_id=trace_id_var.get(),
                span_id=span_id_var.get(),
                occurred_at=self.server.clock.now(),
                details={
                    "scopes": list(issued.claims["scopes"]),
                    "jti": issued.claims["jti"],
                    "exp": issued.claims["exp"],
                },
            )
        )
        return issued

    def _audit_refused(self, exc: TokenError) -> None:
        self.audit.append(
            AuditEvent(
                event_type="token.refused",
                decision="deny",
                participant=exc.client_id,
                on_behalf_of=None,
                operation="token client_credentials",
                resource=None,
                use_case=None,
                records=(),
                bsns=(),
                reason=f"{exc.error}: {exc.description}",
                http_status=exc.status,
                trace_id=trace_id_var.get(),
                span_id=span_id_var.get(),
                occurred_at=self.server.clock.now(),
                details={},
            )
        )


class JwksEndpoint:
    def __init__(self, server: AuthorizationServer) -> None:
        self.server = server

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        response = JSONResponse(self.server.jwks(), headers={"Cache-Control": "max-age=300"})
        await response(scope, receive, send)
