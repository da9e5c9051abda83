"""Policy enforcement point in front of every register endpoint.

It plugs into :class:`iwlz.graphql.http.GraphQLEndpoint` as its ``Guard``:

1. ``check_request`` (before the body is read): bearer token present and valid — signature with
   the pinned algorithm ES256 and nID's JWKS, ``iss``, ``aud`` (this endpoint), ``exp``/``nbf`` —
   the participant (and an actor) still active, and a scope of this register in the token.
2. ``check_operation`` (after parsing): the PDP input is built from the parsed operation and the
   verified claims; the PDP decides; the decision is audit-logged; a denial answers with the
   PDP's status and a GraphQL error body, never with ``data``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anyio
import anyio.to_thread
import jwt
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from iwlz.core.clock import Clock
from iwlz.core.logging import span_id_var, trace_id_var
from iwlz.graphql.http import ParsedOperation, json_response
from iwlz.nid.audit import AuditEvent, AuditLog
from iwlz.nid.participants import ParticipantRegistry
from iwlz.nid.pdp import Decision, PolicyDecisionPoint, build_pdp_input
from iwlz.nid.tokens import decode_at

log = logging.getLogger("iwlz.nid.pep")

ALGORITHM = "ES256"


class InvalidToken(Exception):
    def __init__(self, reason: str, expired: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expired = expired


class TokenVerifier:
    """Verifies nID access tokens; verified tokens are cached until they expire.

    ``jwks`` returns the current key set (in-process: the authorization server's; a PEP in
    another process fetches and caches ``/oauth/jwks``).
    """

    def __init__(
        self,
        jwks: Callable[[], Mapping[str, Any]],
        *,
        issuer: str,
        clock: Clock,
        cache_size: int = 10_000,
    ) -> None:
        self._jwks = jwks
        self.issuer = issuer
        self.clock = clock
        self._cache: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def verify(self, token: str, audience: str) -> dict[str, Any]:
        """The token's claims, or InvalidToken with a reason for the audit log."""
        now = self.clock.now()
        key = (token, audience)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            if cached["exp"] <= now.timestamp():
                raise InvalidToken("expired", expired=True)
            if cached.get("nbf", 0) - 30 > now.timestamp():
                raise InvalidToken("not_yet_valid")
            return cached
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("malformed") from None
        if header.get("alg") != ALGORITHM:
            # Pinning the algorithm defeats alg=none and HS256-with-the-public-key attacks.
            raise InvalidToken(f"algorithm_not_allowed:{header.get('alg')}")
        signing_key = self._key(header.get("kid"))
        if signing_key is None:
            raise InvalidToken("unknown_key")
        try:
            claims = decode_at(
                token,
                signing_key,
                [ALGORITHM],
                now,
                audience,
                require=("exp", "iat", "iss", "aud", "client_id", "scopes"),
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("expired", expired=True) from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken("not_yet_valid") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("wrong_audience") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid:{type(exc).__name__}") from None
        if claims.get("iss") != self.issuer:
            raise InvalidToken("wrong_issuer")
        if not isinstance(claims.get("scopes"), list):
            raise InvalidToken("scopes_not_a_list")
        with self._lock:
            self._cache[key] = claims
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return claims

    def _key(self, kid: Any) -> Any:
        for k in self._jwks().get("keys", []):
            if k.get("kid") == kid and k.get("kty") == "EC":
                return jwt.PyJWK(k, algorithm=ALGORITHM).key
        return None


def resolve_claim(claims: Mapping[str, Any], name: str) -> Any:
    """A claim read directly, or through OpenID aggregated claims (network.md §3.4)."""
    if name in claims:
        return claims[name]
    source = (claims.get("_claim_names") or {}).get(name)
    src = (claims.get("_claim_sources") or {}).get(source) if source else None
    if isinstance(src, Mapping) and isinstance(src.get("jwt"), str):
        try:
            nested = jwt.decode(src["jwt"], options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        return nested.get(name)
    return None


def _unauthorized(text: str) -> Response:
    return PlainTextResponse(
        text, status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


class PolicyEnforcementPoint:
    """The PEP of one register endpoint (see module docstring)."""

    def __init__(
        self,
        *,
        register: str,
        audience: str | Callable[[Request], str],
        scope_prefixes: Sequence[str],
        verifier: TokenVerifier,
        participants: ParticipantRegistry,
        pdp: PolicyDecisionPoint,
        audit: AuditLog,
        clock: Clock,
        decision_threads: int | None = None,
    ) -> None:
        # A register whose PIPs call other registers over HTTP (possibly this very process)
        # decides on threads of its own: on the shared pool, decisions waiting for a PIP could
        # hold every thread the PIP's own request needs.
        self.decision_threads = decision_threads
        self._limiter: anyio.CapacityLimiter | None = None
        self.register = register
        self.audience = audience
        self.scope_prefixes = tuple(scope_prefixes)
        self.verifier = verifier
        self.participants = participants
        self.pdp = pdp
        self.audit = audit
        self.clock = clock

    async def check_request(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            await self._audit_refusal(None, None, "token_missing", 401)
            return _unauthorized("Unauthorized")
        try:
            audience = self.audience if isinstance(self.audience, str) else self.audience(request)
            claims = self.verifier.verify(token.strip(), audience)
        except InvalidToken as exc:
            await self._audit_refusal(None, None, f"token_invalid:{exc.reason}", 401)
            return _unauthorized("Jwt is expired" if exc.expired else "Jwt is invalid")
        client_id = str(claims.get("client_id"))
        actor = (claims.get("act") or {}).get("sub")
        for party in (client_id, actor):
            if party is None:
                continue
            found = self.participants.get(party)
            if found is None or not found.active:
                await self._audit_refusal(client_id, actor, f"participant_inactive:{party}", 401)
                return _unauthorized("Jwt is invalid")
        scopes = claims.get("scopes") or []
        if self.scope_prefixes and not any(
            isinstance(s, str) and s.startswith(p) for s in scopes for p in self.scope_prefixes
        ):
            await self._audit_refusal(client_id, actor, "scope_mismatch", 403)
            return json_response(
                {
                    "errors": [
                        {
                            "message": "Request Does Not Match Scopes",
                            "extensions": {"code": "FORBIDDEN", "source": "PEP"},
                        }
                    ]
                },
                403,
                "application/json",
            )
        request.state.claims = claims
        return None

    async def check_operation(
        self, request: Request, operation: ParsedOperation
    ) -> Response | None:
        claims: dict[str, Any] = request.state.claims
        tenant = request.path_params.get("tenant")
        resource = {"tenant": str(tenant)} if tenant is not None else None
        if self.decision_threads:
            if self._limiter is None:  # created on the event loop
                self._limiter = anyio.CapacityLimiter(self.decision_threads)
            decision = await anyio.to_thread.run_sync(
                self._decide_and_audit, claims, operation, resource, limiter=self._limiter
            )
        else:
            decision = await run_in_threadpool(self._decide_and_audit, claims, operation, resource)
        if not decision.allowed:
            return json_response(
                {
                    "errors": [
                        {
                            "message": decision.message or "Policy: Access Denied",
                            "extensions": {"code": decision.code or "FORBIDDEN", "source": "PDP"},
                        }
                    ]
                },
                decision.http_status,
                "application/json",
            )
        operation.state["claims"] = claims
        operation.state["use_case"] = decision.use_case
        return None

    def _decide_and_audit(
        self,
        claims: Mapping[str, Any],
        operation: ParsedOperation,
        resource: Mapping[str, str] | None = None,
    ) -> Decision:
        now = self.clock.now()
        pdp_input = build_pdp_input(
            register=self.register,
            claims=_pdp_claims(claims),
            operation=operation,
            now=now,
            resource=resource,
        )
        try:
            decision = self.pdp.decide(pdp_input)
        except Exception:
            log.exception("PDP failed")
            decision = Decision(
                False,
                500,
                "INTERNAL_SERVER_ERROR",
                "Internal server error.",
                None,
                ("pdp_error",),
                (),
            )
        arguments = pdp_input.get("arguments") or {}
        records, bsns = _subjects(arguments.get("where") or {})
        for name in ("notificatieInput", "meldingInput"):
            bericht = arguments.get(name)
            if isinstance(bericht, Mapping) and isinstance(bericht.get("subjectList"), list):
                records += tuple(
                    str(s.get("recordID"))
                    for s in bericht["subjectList"][:50]
                    if isinstance(s, Mapping)
                )
        op = operation.operation
        self.audit.append(
            AuditEvent(
                event_type="pep.decision",
                decision="allow" if decision.allowed else "deny",
                participant=str(claims.get("client_id")),
                on_behalf_of=(claims.get("act") or {}).get("sub"),
                operation=" ".join(
                    x
                    for x in (
                        op.operation.value,
                        ",".join(pdp_input["operation"]["root_fields"]),
                        op.name.value if op.name else None,
                    )
                    if x
                ),
                resource=self.register,
                use_case=decision.use_case,
                records=records,
                bsns=bsns,
                reason=";".join(decision.reasons) or None,
                http_status=decision.http_status,
                trace_id=trace_id_var.get(),
                span_id=span_id_var.get(),
                occurred_at=now,
                details={
                    "pip": [{"id": c.id, "result": c.summary()} for c in decision.pip_checks],
                    **({"tenant": resource["tenant"]} if resource else {}),
                },
            )
        )
        return decision

    async def _audit_refusal(
        self, client_id: str | None, actor: str | None, reason: str, status: int
    ) -> None:
        event = AuditEvent(
            event_type="pep.decision",
            decision="deny",
            participant=client_id,
            on_behalf_of=actor,
            operation=None,
            resource=self.register,
            use_case=None,
            records=(),
            bsns=(),
            reason=reason,
            http_status=status,
            trace_id=trace_id_var.get(),
            span_id=span_id_var.get(),
            occurred_at=self.clock.now(),
            details={},
        )
        await run_in_threadpool(self.audit.append, event)


def _pdp_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(claims)
    for name in ("agb", "uzovi", "kvk", "instantie_type"):
        out[name] = resolve_claim(claims, name)
    out.pop("_claim_sources", None)
    out.pop("_claim_names", None)
    return out


_RECORD_TYPES = {"wlzindicatieID": "WlzIndicatie", "wlzIndicatieID": "WlzIndicatie"}


def _subjects(where: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    records: list[str] = []
    bsns: list[str] = []
    if not isinstance(where, Mapping):
        return (), ()
    # Every `<object>ID: {eq: …}` of the root filter names a record the request is about.
    for key, value in where.items():
        if not key.endswith("ID") or not isinstance(value, Mapping):
            continue
        rid = value.get("eq")
        if isinstance(rid, str):
            kind = _RECORD_TYPES.get(key) or key[0].upper() + key[1:-2]
            records.append(f"{kind}/{rid}")
    bsn = (where.get("bsn") or {}).get("eq")
    if isinstance(bsn, str):
        bsns.append(bsn)
    return tuple(records), tuple(bsns)
