"""Assembles the signalen service for ``create_app`` (routes and the scheduler)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from graphql import OperationType
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from iwlz.config import ConfigurationError, Settings
from iwlz.core.clock import Clock
from iwlz.graphql.http import GraphQLEndpoint, Guard, Limits, ParsedOperation
from iwlz.nid.setup import Nid
from iwlz.signalen.ciz import CIZ_SIGNALEN_PATH, SCOPE_WLZSIGNALEN_IR, build_ciz_schema
from iwlz.signalen.dienst import SignalenDienst, signalen_secret
from iwlz.signalen.http import API_PATH, signalen_api_routes
from iwlz.signalen.matching import Matcher
from iwlz.signalen.portal import PORTAL_PATH, portal_routes
from iwlz.signalen.scheduler import SignalenScheduler
from iwlz.signalen.toegang import SCOPE_SIGNALEN, SCOPE_WMO, Toegang
from iwlz.signalen.uitvoer import Signalen
from iwlz.signalen.wmo import WmoVoorziening

__all__ = ["SignalenOnderdelen", "build_signalen"]

log = logging.getLogger("iwlz.signalen")


@dataclass
class SignalenOnderdelen:
    """What the app mounts and starts (``dienst`` and ``scheduler`` are None when off)."""

    dienst: SignalenDienst | None
    routes: list[Route]
    scheduler: SignalenScheduler | None

    def start(self) -> None:
        if (
            self.scheduler is not None
            and self.dienst is not None
            and self.dienst.settings.signalen_scheduler
        ):
            self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()


def _uit_routes(reason: str) -> list[Route]:
    async def off(_request: Request) -> Response:
        return JSONResponse(
            {"title": "Wlz-signalen is not configured", "status": 503, "detail": reason},
            status_code=503,
            media_type="application/problem+json",
        )

    methods = ["GET", "POST", "PUT", "DELETE"]
    return [
        Route(CIZ_SIGNALEN_PATH, off, methods=methods),
        Route(API_PATH + "/{rest:path}", off, methods=methods),
        Route(PORTAL_PATH + "/{rest:path}", off, methods=methods),
    ]


def build_signalen(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    nid: Nid,
    *,
    limits: Limits,
    guard: Guard | None = None,
) -> SignalenOnderdelen:
    """The CIZ's Wlz-signalen endpoint, the gemeente API and portal, and the jobs.

    Outside dev mode the service needs its two secrets (``IWLZ_SIGNALEN_SLEUTEL_KEY``,
    ``IWLZ_SIGNALEN_PORTAL_SECRET``); without them it is switched off: its routes answer 503
    naming the missing setting and no job runs. The rest of the network is not affected.
    """
    try:
        signalen_secret(settings, "signalen_sleutel_key")
        signalen_secret(settings, "signalen_portal_secret")
    except ConfigurationError as exc:
        log.warning("Wlz-signalen is off: %s", exc)
        return SignalenOnderdelen(None, _uit_routes(str(exc)), None)
    dienst = SignalenDienst(
        settings=settings,
        engine=engine,
        clock=clock,
        toegang=Toegang(nid.pdp, nid.audit, clock),
        wmo=WmoVoorziening(engine, clock=clock),
        signalen=Signalen(engine, clock=clock),
        matcher=Matcher(
            engine, sleutel_key=signalen_secret(settings, "signalen_sleutel_key"), clock=clock
        ),
    )

    def ciz_context(_request: Request, _operation: ParsedOperation) -> dict[str, Any]:
        return {"engine": engine, "clock": clock}

    ciz = GraphQLEndpoint(
        build_ciz_schema(),
        context_factory=ciz_context,
        guard=guard
        or nid.protect(
            CIZ_SIGNALEN_PATH,
            register="indicatieregister_signalen",
            scope_prefixes=(SCOPE_WLZSIGNALEN_IR,),
        ),
        limits=limits,
        allowed_operations=frozenset({OperationType.QUERY}),
        name="indicatieregister-wlzsignalen",
    )
    api_pep = nid.protect(
        API_PATH, register="wlzsignalen", scope_prefixes=(SCOPE_WMO, SCOPE_SIGNALEN)
    )
    portal_audience = nid.audience(PORTAL_PATH)
    if portal_audience not in nid.audiences:
        nid.audiences.append(portal_audience)
    routes = [
        Route(CIZ_SIGNALEN_PATH, ciz, methods=["GET", "POST", "PUT", "DELETE"]),
        *signalen_api_routes(dienst, api_pep),
        *portal_routes(
            dienst,
            verifier=nid.verifier,
            participants=nid.participants,
            audience=portal_audience,
        ),
    ]
    return SignalenOnderdelen(dienst, routes, SignalenScheduler(dienst, nid.participants))
