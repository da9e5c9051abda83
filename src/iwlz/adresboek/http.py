"""``GET /adresboek``: the address book in the network's JSON format (network.md §8.2).

The list is readable only by participants (§8.1). The ``authorize`` hook decides: it returns
``None`` to let the request through or the refusal to send (the app wires it to nID's token
check); without a hook the list is open (dev mode).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from iwlz.adresboek.service import Adresboek

ADRESBOEK_PATH = "/adresboek"

Authorize = Callable[[Request], Awaitable[Response | None]]

log = logging.getLogger("iwlz.adresboek")


def adresboek_routes(
    adresboek: Adresboek, authorize: Authorize | None = None, *, path: str = ADRESBOEK_PATH
) -> list[Route]:
    """The address book's HTTP routes (``GET`` and ``HEAD`` on ``path``).

    The response carries an ``ETag``; a client that polls with ``If-None-Match`` gets ``304``
    while nothing changed. Failures use the legacy ``{"ErrorCode", "Error"}`` body the sources
    define for the address book (network.md §4).
    """

    async def endpoint(request: Request) -> Response:
        if authorize is not None:
            refused = await authorize(request)
            if refused is not None:
                return refused
        try:
            document = await run_in_threadpool(adresboek.export)
        except Exception:
            log.exception("address book could not be read")
            return JSONResponse(
                {"ErrorCode": "service_unavailable", "Error": "address book unavailable"},
                status_code=503,
                headers={"Retry-After": "60"},
            )
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        wanted = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
        if etag in wanted or f"W/{etag}" in wanted:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    return [Route(path, endpoint, methods=["GET"], name="adresboek")]
