"""ASGI composition: every component of the network on one Starlette application."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLSchema, OperationType
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iwlz import __version__, regio
from iwlz.abonnementen.api import build_abonnementen_schema
from iwlz.abonnementen.service import Abonnementen
from iwlz.abonnementen.service import matching as abonnementen_matching
from iwlz.adresboek import Adresboek, AdresboekResolver
from iwlz.adresboek.http import ADRESBOEK_PATH, adresboek_routes
from iwlz.berichten.api import BERICHTEN_PATH, SCOPE_BERICHTEN, BerichtenEndpoint
from iwlz.berichten.dienst import berichtendienst
from iwlz.config import Settings
from iwlz.core.clock import Clock, SystemClock
from iwlz.core.db import create_engine
from iwlz.core.events import EventHook
from iwlz.core.logging import span_id_var, trace_id_var
from iwlz.core.tracing import SPAN_HEADER, TRACE_HEADER, incoming_trace, new_span_id
from iwlz.graphql.http import GraphQLEndpoint, Guard, Limits, ParsedOperation
from iwlz.netwerkpunt.http import netwerkpunt_routes
from iwlz.netwerkpunt.service import Inbox
from iwlz.nid.http import JwksEndpoint, TokenEndpoint
from iwlz.nid.keys import SigningKey
from iwlz.nid.participants import (
    SCOPE_ABONNEMENT_IR,
    SCOPE_BR_CREATE,
    SCOPE_BR_READ,
    SCOPE_IR_CREATE,
    SCOPE_IR_READ,
    SCOPE_IR_READ_DEPRECATED,
    SCOPE_LR_CREATE,
    SCOPE_LR_READ,
    ParticipantRegistry,
)
from iwlz.nid.pdp import Pip
from iwlz.nid.pip import LazyNidClient, LocalPip, NetworkPip, RoutingPip
from iwlz.nid.setup import JWKS_PATH, TOKEN_PATH, Nid, build_nid
from iwlz.notificaties.rules import NotificationRules
from iwlz.notificaties.setup import OutboxMetrics, WorkerPool, build_worker
from iwlz.registers.bemiddeling.api import build_beheer_schema as build_br_beheer_schema
from iwlz.registers.bemiddeling.api import build_read_schema as build_br_read_schema
from iwlz.registers.bemiddeling.notificaties import bemiddeling_rules
from iwlz.registers.bemiddeling.service import Bemiddelingsregister
from iwlz.registers.indicatie.api import build_beheer_schema, build_read_schema
from iwlz.registers.indicatie.models import wlz_indicatie
from iwlz.registers.indicatie.notificaties import WLZINDICATIE_MUTATIE_ABONNEMENT, indicatie_rules
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.levering import models as lr_models
from iwlz.registers.levering.api import build_beheer_schema as build_lr_beheer_schema
from iwlz.registers.levering.api import build_read_schema as build_lr_read_schema
from iwlz.registers.levering.notificaties import levering_rules
from iwlz.registers.levering.service import Leveringsregister

IR_READ_PATH = "/indicatieregister/graphql"
IR_BEHEER_PATH = "/indicatieregister/beheer/graphql"
ABONNEMENTEN_PATH = "/indicatieregister/abonnementen/graphql"
# One register per bronhouder: `{tenant}` is the zorgkantoor's UZOVI or the aanbieder's AGB.
BR_READ_PATH = "/bemiddelingsregister/{tenant}/graphql"
BR_BEHEER_PATH = "/bemiddelingsregister/{tenant}/beheer/graphql"
LR_READ_PATH = "/leveringsregister/{tenant}/graphql"
LR_BEHEER_PATH = "/leveringsregister/{tenant}/beheer/graphql"

log = logging.getLogger("iwlz.http")


@dataclass
class Network:
    """The running components, for tests and the CLI to reach into."""

    settings: Settings
    engine: Engine
    clock: Clock
    indicatieregister: Indicatieregister
    bemiddelingsregister: Bemiddelingsregister
    leveringsregister: Leveringsregister
    metrics: CollectorRegistry
    nid: Nid
    adresboek: Adresboek
    abonnementen: Abonnementen
    delivery: WorkerPool
    inbox: Inbox


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    guard: Guard | None = None,
    pip: Pip | None = None,
    signing_key: SigningKey | None = None,
    delivery_workers: int | None = None,
) -> Starlette:
    """Build the application with nID in front of every register endpoint.

    ``guard`` replaces nID's PEP on the register endpoints (tests of a register's own
    behaviour only); ``pip`` is the PDP's information point (default: in-memory until the
    Bemiddelingsregister serves it); ``signing_key`` overrides nID's token key;
    ``delivery_workers`` overrides ``IWLZ_NOTIFY_WORKERS`` (the in-process delivery workers,
    started with the application's lifespan).
    """
    engine = engine or create_engine(settings.database_url, pre_ping=settings.db_pool_pre_ping)
    clock = clock or SystemClock()
    resolver = (
        regio.GemeenteResolver.from_csv(settings.postcode_gemeente_csv)
        if settings.postcode_gemeente_csv
        else regio.GemeenteResolver()
    )
    ir = Indicatieregister(
        engine, clock=clock, gemeente_resolver=resolver, event_hooks=indicatieregister_hooks()
    )
    br = Bemiddelingsregister(engine, clock=clock, event_hooks=bemiddelingsregister_hooks())
    lr = Leveringsregister(engine, clock=clock, event_hooks=leveringsregister_hooks())
    br_read_schema = build_br_read_schema()
    adresboek = Adresboek(engine, clock=clock)
    nid = build_nid(
        settings,
        engine,
        clock,
        pip=pip or network_pip(settings, engine, adresboek, br_read_schema, br),
        key=signing_key,
    )
    ir_guard: Guard = guard or nid.protect(
        IR_READ_PATH,
        register="indicatieregister",
        scope_prefixes=(SCOPE_IR_READ, SCOPE_IR_READ_DEPRECATED),
        decision_threads=settings.pip_decision_threads,
    )
    beheer_guard: Guard = guard or nid.protect(
        IR_BEHEER_PATH, register="indicatieregister_beheer", scope_prefixes=(SCOPE_IR_CREATE,)
    )
    metrics = CollectorRegistry()
    requests_total = Counter(
        "iwlz_http_requests_total",
        "HTTP requests",
        ["route", "method", "status"],
        registry=metrics,
    )
    latency = Histogram(
        "iwlz_http_request_duration_seconds",
        "HTTP request latency",
        ["route"],
        registry=metrics,
        buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    )
    limits = Limits(
        max_body_bytes=settings.max_body_bytes,
        max_depth=settings.graphql_max_depth,
        max_aliases=settings.graphql_max_aliases,
        max_tokens=settings.graphql_max_tokens,
        introspection=settings.dev,
    )

    inbox = Inbox(
        engine,
        clock,
        nid.audit,
        webhook_https_only=not settings.dev,
        webhook_allow_private=settings.dev,
    )

    def ir_context(request: Request, operation: ParsedOperation) -> dict[str, Any]:
        return {
            "indicatieregister": ir,
            "netwerkpunt": inbox,
            "request": request,
            "operation": operation,
            "claims": operation.state.get("claims"),
        }

    ir_read = GraphQLEndpoint(
        build_read_schema(),
        context_factory=ir_context,
        guard=ir_guard,
        limits=limits,
        name="indicatieregister",
    )
    ir_beheer = GraphQLEndpoint(
        build_beheer_schema(),
        context_factory=ir_context,
        guard=beheer_guard,
        limits=limits,
        allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}),
        name="indicatieregister-beheer",
    )

    async def healthz(_request: Request) -> Response:
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # report, don't crash: the probe must get an answer
            log.warning("health check failed", extra={"error": str(exc)})
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    async def metrics_endpoint(_request: Request) -> Response:
        return Response(generate_latest(metrics), media_type=CONTENT_TYPE_LATEST)

    async def index(_request: Request) -> Response:
        return HTMLResponse(_INDEX_HTML.format(version=__version__))

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route(TOKEN_PATH, TokenEndpoint(nid.server, nid.audit), methods=["GET", "POST"]),
        Route(JWKS_PATH, JwksEndpoint(nid.server), methods=["GET"]),
        Route(IR_READ_PATH, ir_read, methods=["GET", "POST", "PUT", "DELETE"]),
        Route(IR_BEHEER_PATH, ir_beheer, methods=["GET", "POST", "PUT", "DELETE"]),
    ]

    # -- Bemiddelingsregisters and Leveringsregisters: one per bronhouder ----------------
    def br_context(request: Request, operation: ParsedOperation) -> dict[str, Any]:
        return {
            "bemiddelingsregister": br,
            "zorgkantoor": request.path_params["tenant"],
            "request": request,
            "claims": operation.state.get("claims"),
            "use_case": operation.state.get("use_case"),
            "netwerkpunt": inbox,
        }

    def lr_context(request: Request, operation: ParsedOperation) -> dict[str, Any]:
        return {
            "leveringsregister": lr,
            "aanbieder": request.path_params["tenant"],
            "request": request,
            "claims": operation.state.get("claims"),
            "netwerkpunt": inbox,
        }

    # The Leveringsregister's PIPs call Bemiddelingsregisters over HTTP: own decision threads.
    pip_threads = {"leveringsregister": settings.pip_decision_threads}
    registers: list[tuple[str, str, GraphQLSchema, Any, str, tuple[str, ...], bool]] = [
        (
            BR_READ_PATH,
            "bemiddelingsregister",
            br_read_schema,
            br_context,
            "zorgkantoor",
            (SCOPE_BR_READ,),
            False,
        ),
        (
            BR_BEHEER_PATH,
            "bemiddelingsregister_beheer",
            build_br_beheer_schema(),
            br_context,
            "zorgkantoor",
            (SCOPE_BR_CREATE,),
            True,
        ),
        (
            LR_READ_PATH,
            "leveringsregister",
            build_lr_read_schema(),
            lr_context,
            "zorgaanbieder",
            (SCOPE_LR_READ,),
            False,
        ),
        (
            LR_BEHEER_PATH,
            "leveringsregister_beheer",
            build_lr_beheer_schema(),
            lr_context,
            "zorgaanbieder",
            (SCOPE_LR_CREATE,),
            True,
        ),
    ]
    for path, register, schema, context, bronhouder, scopes, writes in registers:
        endpoint = GraphQLEndpoint(
            schema,
            context_factory=context,
            guard=guard
            or nid.protect_by_url(
                register=register,
                scope_prefixes=scopes,
                decision_threads=pip_threads.get(register),
            ),
            limits=limits,
            allowed_operations=frozenset(
                {OperationType.QUERY, OperationType.MUTATION} if writes else {OperationType.QUERY}
            ),
            name=register.replace("_", "-"),
        )
        routes.append(
            Route(
                path,
                TenantGate(endpoint, nid.participants, bronhouder),
                methods=["GET", "POST", "PUT", "DELETE"],
            )
        )
    nid.audience_sources.append(
        bronhouder_audiences(nid, (BR_READ_PATH, BR_BEHEER_PATH, LR_READ_PATH, LR_BEHEER_PATH))
    )
    # -- estafette messages: POST /berichten/iwlz answers the retour --------------------
    dienst = berichtendienst(settings, engine, clock, ir=ir, br=br, lr=lr)
    routes.append(
        Route(
            BERICHTEN_PATH,
            BerichtenEndpoint(
                pep=nid.protect(
                    BERICHTEN_PATH, register="berichten", scope_prefixes=(SCOPE_BERICHTEN,)
                ),
                verwerker=dienst.ontvang,
            ).handle,
            methods=["POST"],
        )
    )
    # -- address book, subscriptions, outbox --------------------------------------------
    nid.audience_sources.append(adresboek.resource_uris)
    adresboek_guard = nid.protect(ADRESBOEK_PATH, register="adresboek", scope_prefixes=())
    routes += adresboek_routes(
        adresboek, authorize=None if settings.dev else adresboek_guard.check_request
    )
    abonnementen = Abonnementen(engine, clock=clock, toegelaten=abonnement_toelating(settings))
    abonnementen_endpoint = GraphQLEndpoint(
        build_abonnementen_schema(),
        context_factory=lambda _request, operation: {
            "abonnementen": abonnementen,
            "claims": operation.state.get("claims"),
        },
        guard=guard
        or nid.protect(
            ABONNEMENTEN_PATH, register="abonnementen", scope_prefixes=(SCOPE_ABONNEMENT_IR,)
        ),
        limits=limits,
        allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}),
        name="abonnementen",
    )
    routes.append(
        Route(ABONNEMENTEN_PATH, abonnementen_endpoint, methods=["GET", "POST", "PUT", "DELETE"])
    )
    # -- Wlz-signalen: the CIZ's delivery, the gemeente API and portal (docs/signalen.md) --
    from iwlz.signalen.setup import build_signalen

    signalen = build_signalen(settings, engine, clock, nid, limits=limits, guard=guard)
    routes += signalen.routes
    # -- netwerkpunten: every participant's receiving endpoint and inbox ----------------
    routes += netwerkpunt_routes(
        inbox=inbox,
        participants=nid.participants,
        guard=guard or nid.protect_by_url(register="netwerkpunt", scope_prefixes=()),
        limits=limits,
        # The inbox, webhook and melding-status APIs belong to the same resource server as
        # the participant's netwerkpunt, so they take tokens for that audience.
        authorize=nid.protect_by_url(
            register="netwerkpunt",
            scope_prefixes=(),
            path=lambda r: f"/netwerkpunt/{r.path_params['idtype']}/{r.path_params['id']}/graphql",
        ).check_request,
        audit=nid.audit,
        compat=settings.netwerkpunt_compat,
    )
    outbox_metrics = OutboxMetrics(metrics, engine)
    workers = settings.notify_workers if delivery_workers is None else delivery_workers
    pool = WorkerPool(
        [
            build_worker(settings, engine, clock=clock, metrics=outbox_metrics, adresboek=adresboek)
            for _ in range(workers)
        ],
        settings.notify_poll_seconds,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        pool.start()
        signalen.start()
        try:
            yield
        finally:
            await run_in_threadpool(signalen.stop)
            await run_in_threadpool(pool.stop)
            try:
                await run_in_threadpool(nid.audit.flush)
            except Exception:  # the database is gone: say so, the records are lost
                log.exception("audit records queued at shutdown could not be written")

    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(ObserveMiddleware, requests_total=requests_total, latency=latency)
    app.state.network = Network(
        settings, engine, clock, ir, br, lr, metrics, nid, adresboek, abonnementen, pool, inbox
    )
    app.state.signalen = signalen
    return app


class TenantGate:
    """Answers 404 for a register of a bronhouder that is not an active participant of the
    right type, before the token or the query is looked at (the path names the register);
    requests without credentials go on to the PEP's 401."""

    def __init__(self, app: ASGIApp, participants: ParticipantRegistry, type_: str) -> None:
        self.app = app
        self.participants = participants
        self.type = type_
        self.id_type = "UZOVI" if type_ == "zorgkantoor" else "AGB"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not any(k.lower() == b"authorization" for k, _ in scope.get("headers", [])):
            # Without credentials the PEP answers 401 whatever the path: which bronhouders
            # have a register is not told to anonymous callers.
            await self.app(scope, receive, send)
            return
        tenant = str(scope.get("path_params", {}).get("tenant", ""))
        found = None
        if tenant.isdigit() and len(tenant) in (4, 8):
            found = await run_in_threadpool(
                self.participants.get, f"{self.id_type.lower()}:{tenant}"
            )
        if found is None or not found.active or found.type != self.type:
            register = "Bemiddelingsregister" if self.type == "zorgkantoor" else "Leveringsregister"
            response = JSONResponse(
                {
                    "errors": [
                        {
                            "message": f"No {register} for {self.id_type} {tenant!r} in this "
                            f"network: check the address book (GET /adresboek).",
                            "extensions": {"code": "NOT_FOUND"},
                        }
                    ]
                },
                status_code=404,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def bronhouder_audiences(nid: Nid, paths: tuple[str, ...]) -> Any:
    """A token audience source: the register URLs of every active zorgkantoor and aanbieder
    (re-read at most every 10 s; token requests are rare, tokens are cached for an hour)."""
    cache: list[tuple[float, frozenset[str]]] = []

    def audiences() -> frozenset[str]:
        now = time.monotonic()
        if cache and now - cache[0][0] < 10:
            return cache[0][1]
        found: set[str] = set()
        for p in nid.participants.list(include_revoked=False):
            kind = {"zorgkantoor": "/bemiddelingsregister/", "zorgaanbieder": "/leveringsregister/"}
            prefix = kind.get(p.type)
            if prefix is None:
                continue
            for path in paths:
                if path.startswith(prefix):
                    found.add(nid.audience(path.format(tenant=p.id_value)))
        value = frozenset(found)
        cache[:] = [(now, value)]
        return value

    return audiences


def network_pip(
    settings: Settings,
    engine: Engine,
    adresboek: Adresboek,
    br_read_schema: GraphQLSchema,
    br: Bemiddelingsregister,
) -> Pip:
    """The PDP's information points: the Bemiddelingsregister's own UCBR-0012/0013 queries on
    its data, everything else over HTTP to the zorgkantoor's register (found in the address
    book) with nID's own token."""
    resolver = AdresboekResolver.from_settings(adresboek, settings)

    def register_url(uzovi: str) -> tuple[str, str]:
        endpoint = resolver.resolve(uzovi, "REGISTER", "REGISTER")
        return endpoint.pep_uri, endpoint.resource_uri

    def startpunt(wlz_indicatie_id: str) -> str | None:
        try:
            key = uuid.UUID(wlz_indicatie_id)
        except ValueError:
            return None
        c = wlz_indicatie.c
        with engine.connect() as conn:
            found = conn.execute(
                sa.select(c.initieelVerantwoordelijkZorgkantoor).where(c.wlzindicatieID == key)
            ).scalar_one_or_none()
        return str(found) if found is not None else None

    def levering_zorgkantoor(agb: str, bspec_id: str) -> str | None:
        try:
            key = uuid.UUID(bspec_id)
        except ValueError:
            return None
        c = lr_models.levering.c
        with engine.connect() as conn:
            found = conn.execute(
                sa.select(c.verantwoordelijkZorgkantoor).where(
                    c.aanbieder == agb, c.bemiddelingspecificatieID == key
                )
            ).scalar_one_or_none()
        return str(found) if found is not None else None

    remote = NetworkPip(
        client=LazyNidClient(settings),
        register_url=register_url,
        startpunt=startpunt,
        levering_zorgkantoor=levering_zorgkantoor,
        timeout=settings.pip_timeout_seconds,
    )
    local = LocalPip(
        br_read_schema,
        lambda tenant: {"bemiddelingsregister": br, "zorgkantoor": tenant},
    )
    return RoutingPip({"PIP-UCBR-": local}, remote)


def bemiddelingsregister_hooks() -> list[EventHook]:
    """The Bemiddelingsregister's notification rules (registers.md §2.6)."""
    return [NotificationRules(bemiddeling_rules())]


def leveringsregister_hooks() -> list[EventHook]:
    """The Leveringsregister's notification rules (registers.md §3.5)."""
    return [NotificationRules(levering_rules())]


def abonnement_toelating(settings: Settings) -> dict[str, frozenset[str]]:
    """Who the CIZ admits as subscriber, per voluntary notification type."""
    return {
        WLZINDICATIE_MUTATIE_ABONNEMENT: frozenset(
            c.strip().lower() for c in settings.wlzindicatie_abonnees.split(",") if c.strip()
        )
        # The Wlz-signalen service keeps the kopie Wlz register on the CIZ's behalf (spec
        # wlz-signalen §1.2): the CIZ admits it as subscriber.
        | {settings.signalen_client_id.strip().lower()}
    }


def indicatieregister_hooks() -> list[EventHook]:
    """The Indicatieregister's event hooks: its notification rules (mandatory and, through
    the subscriptions, voluntary) filling the outbox inside each write's transaction."""
    return [NotificationRules(indicatie_rules(abonnees=abonnementen_matching))]


class ObserveMiddleware:
    """Trace IDs (B3), metrics and one structured log line per request (pure ASGI: cheap)."""

    def __init__(self, app: ASGIApp, *, requests_total: Counter, latency: Histogram) -> None:
        self.app = app
        self.requests_total = requests_total
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        trace = incoming_trace(headers.get(TRACE_HEADER.lower()))
        span = new_span_id()
        token = trace_id_var.set(trace)
        span_token = span_id_var.set(span)
        start = time.perf_counter()
        status = 500

        async def send_with_trace(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = [
                    (TRACE_HEADER.encode(), trace.encode()),
                    (SPAN_HEADER.encode(), span.encode()),
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_trace)
        finally:
            elapsed = time.perf_counter() - start
            path = scope.get("path", "")
            route = _route_name(path)
            method = scope.get("method", "")
            self.requests_total.labels(route, method, str(status)).inc()
            self.latency.labels(route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            trace_id_var.reset(token)
            span_id_var.reset(span_token)


_KNOWN_ROUTES = (
    IR_BEHEER_PATH,
    IR_READ_PATH,
    ABONNEMENTEN_PATH,
    TOKEN_PATH,
    JWKS_PATH,
    ADRESBOEK_PATH,
    "/healthz",
    "/metrics",
)


def _route_name(path: str) -> str:
    # Bounded label values: per-participant paths collapse into one route name each.
    if path in _KNOWN_ROUTES:
        return path
    for prefix in ("/bemiddelingsregister/", "/leveringsregister/"):
        if path.startswith(prefix):
            kind = "beheer/graphql" if path.endswith("/beheer/graphql") else "graphql"
            return f"{prefix}{{tenant}}/{kind}"
    if path.startswith("/netwerkpunt/"):
        tail = path.rsplit("/", 1)[-1]
        if tail == "graphql":
            return "/netwerkpunt/{idtype}/{id}/graphql"
        if "/meldingen/" in path:
            return "/netwerkpunt/{idtype}/{id}/meldingen/{meldingID}"
        if tail in ("inbox", "ack", "webhook"):
            return "/netwerkpunt/{idtype}/{id}/" + ("inbox/ack" if tail == "ack" else tail)
    return "other"


_INDEX_HTML = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>iwlz network</title></head>
<body>
<h1>iwlz {version}</h1>
<p>Local iWlz network. Endpoints:</p>
<ul>
<li><code>POST /indicatieregister/graphql</code> &mdash; Indicatieregister (read, wlzIndicatie)</li>
<li><code>POST /indicatieregister/beheer/graphql</code> &mdash; CIZ beheer API (mutations)</li>
<li><a href="/healthz">/healthz</a> &middot; <a href="/metrics">/metrics</a></li>
</ul>
</body></html>
"""
