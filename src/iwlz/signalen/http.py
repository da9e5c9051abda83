"""REST API of Wlz-signalen for gemeenten (spec §1.7, OpenAPI at ``/wlzsignalen/v1/openapi.json``).

Every route takes an nID access token (audience ``{public_url}/wlzsignalen/v1``, scope
``wlzsignalen/wmo:create`` or ``wlzsignalen/signalen:read``) checked by the network's PEP, then
the PDP's ``wlzsignalen`` policy, then runs; every access is audit-logged. BSNs never appear in
URLs. Errors are ``application/problem+json`` (RFC 9457) with, for deliveries, the per-row
report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from iwlz.nid.pep import PolicyEnforcementPoint
from iwlz.signalen.dienst import SignalenDienst
from iwlz.signalen.openapi import openapi_document
from iwlz.signalen.wmo import Invoerfout, LeveringResultaat, lees_csv

__all__ = ["API_PATH", "API_PREFIX", "read_limited", "signalen_api_routes"]

API_PATH = "/wlzsignalen/v1"
API_PREFIX = API_PATH + "/gemeenten/{gemeentecode}"

Handler = Callable[[Request, dict[str, Any], str], Awaitable[Response]]


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem answer."""
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
        status_code=status,
        media_type="application/problem+json",
    )


class TeGroot(Exception):
    """The body is larger than allowed."""


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes without reading it all first."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise TeGroot
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TeGroot
        chunks.append(chunk)
    return b"".join(chunks)


def _levering_response(result: LeveringResultaat) -> JSONResponse:
    body = result.as_dict()
    if result.geslaagd:
        return JSONResponse(body, status_code=200)
    return JSONResponse(
        {
            "type": "about:blank",
            "title": "Levering afgewezen",
            "status": 422,
            "detail": f"{result.aantal_fouten} fout(en); de vorige levering blijft van kracht.",
            **body,
        },
        status_code=422,
        media_type="application/problem+json",
    )


def signalen_api_routes(dienst: SignalenDienst, pep: PolicyEnforcementPoint) -> list[Route]:
    """The API's routes; ``pep`` checks tokens for the audience ``{public_url}/wlzsignalen/v1``."""
    toegang = dienst.toegang

    def guarded(actie: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            refused = await pep.check_request(request)
            if refused is not None:
                return refused
            claims: dict[str, Any] = request.state.claims
            gemeentecode = str(request.path_params["gemeentecode"])
            decision = await run_in_threadpool(
                toegang.beslis, claims, actie, gemeentecode, kanaal="api"
            )
            if not decision.allowed:
                return problem(
                    decision.http_status,
                    "Geen toegang",
                    decision.message or "Policy: Access Denied",
                )
            return await handler(request, claims, gemeentecode)

        return endpoint

    async def levering(request: Request, claims: dict[str, Any], g: str) -> Response:
        try:
            body = await read_limited(request, dienst.settings.signalen_max_upload_bytes)
        except TeGroot:
            await run_in_threadpool(
                toegang.vastleggen, claims, "wmo.levering", g, kanaal="api", status=413
            )
            return problem(413, "Te groot", "the delivery exceeds IWLZ_SIGNALEN_MAX_UPLOAD_BYTES")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if ctype in ("text/csv", "application/csv"):
                rows: list[Any] = lees_csv(body)
                formaat = "CSV"
            elif ctype == "application/json":
                doc = json.loads(body)
                found = doc.get("clienten") if isinstance(doc, dict) else doc
                if not isinstance(found, list):
                    raise Invoerfout('JSON must be an array of records or {"clienten": [...]}')
                rows = found
                formaat = "JSON"
            else:
                return problem(415, "Mediatype", "send text/csv or application/json")
        except (Invoerfout, ValueError) as exc:
            await run_in_threadpool(
                toegang.vastleggen, claims, "wmo.levering", g, kanaal="api", status=400
            )
            return problem(400, "Onleesbare levering", str(exc))
        result = await run_in_threadpool(
            dienst.wmo.volledig, g, rows, formaat=formaat, door=str(claims.get("client_id"))
        )
        await run_in_threadpool(
            toegang.vastleggen,
            claims,
            "wmo.levering",
            g,
            kanaal="api",
            status=200 if result.geslaagd else 422,
            use_case="SIG-GEM-WMO",
            records=(f"WmoLevering/{result.levering_id}",),
            details={"rijen": result.aantal_rijen, "fouten": result.aantal_fouten},
        )
        return _levering_response(result)

    async def mutaties(request: Request, claims: dict[str, Any], g: str) -> Response:
        try:
            body = await read_limited(request, dienst.settings.signalen_max_upload_bytes)
            doc = json.loads(body)
        except TeGroot:
            return problem(413, "Te groot", "the mutations exceed IWLZ_SIGNALEN_MAX_UPLOAD_BYTES")
        except ValueError:
            return problem(400, "Onleesbaar", 'send JSON {"mutaties": [...]}')
        items = doc.get("mutaties") if isinstance(doc, dict) else None
        if not isinstance(items, list) or not items:
            return problem(400, "Onleesbaar", 'send JSON {"mutaties": [...]} with at least one')
        result = await run_in_threadpool(
            dienst.wmo.mutaties, g, items, door=str(claims.get("client_id"))
        )
        await run_in_threadpool(
            toegang.vastleggen,
            claims,
            "wmo.mutaties",
            g,
            kanaal="api",
            status=200 if result.geslaagd else 422,
            use_case="SIG-GEM-WMO",
            records=(f"WmoLevering/{result.levering_id}",),
            details={"rijen": result.aantal_rijen, "fouten": result.aantal_fouten},
        )
        return _levering_response(result)

    async def samenvatting(request: Request, claims: dict[str, Any], g: str) -> Response:
        found = await run_in_threadpool(dienst.wmo.samenvatting, g)
        found["leveringen"] = [
            {k: v for k, v in r.as_dict().items() if k != "fouten"}
            for r in await run_in_threadpool(dienst.wmo.leveringen, g, 10)
        ]
        await run_in_threadpool(
            toegang.vastleggen, claims, "wmo.lezen", g, kanaal="api", use_case="SIG-GEM-WMO"
        )
        return JSONResponse(found)

    async def levering_rapport(request: Request, claims: dict[str, Any], g: str) -> Response:
        lid = str(request.path_params["levering_id"])
        found = await run_in_threadpool(dienst.wmo.levering, g, lid)
        await run_in_threadpool(
            toegang.vastleggen,
            claims,
            "wmo.lezen",
            g,
            kanaal="api",
            status=200 if found else 404,
            use_case="SIG-GEM-WMO",
            records=(f"WmoLevering/{lid}",),
        )
        if found is None:
            return problem(404, "Niet gevonden", "no delivery with this ID for this gemeente")
        return JSONResponse(found.as_dict())

    async def lijst(request: Request, claims: dict[str, Any], g: str) -> Response:
        q = request.query_params
        try:
            sinds = dt.date.fromisoformat(q["sinds"]) if q.get("sinds") else None
            limit = int(q.get("limit", "100"))
            status = q.get("status")
            if status not in (None, "ONGELEZEN", "ALLE"):
                raise ValueError("status: ONGELEZEN or ALLE")
            page = await run_in_threadpool(
                lambda: dienst.signalen.lijst(
                    g, sinds=sinds, status=status, limit=limit, na=q.get("na")
                )
            )
        except ValueError as exc:
            return problem(400, "Ongeldige parameter", str(exc))
        await run_in_threadpool(
            toegang.vastleggen,
            claims,
            "signalen.lezen",
            g,
            kanaal="api",
            use_case="SIG-GEM-SIGNALEN",
            records=[f"Signaal/{s['signaal_id']}" for s in page.items],
            bsns=[s["bsn"] for s in page.items],
        )
        return JSONResponse({"items": page.items, "volgende": page.volgende})

    async def ontvangst_een(request: Request, claims: dict[str, Any], g: str) -> Response:
        sid = str(request.path_params["signaal_id"])
        return await _ontvangst(claims, g, [sid], single=True)

    async def ontvangst_batch(request: Request, claims: dict[str, Any], g: str) -> Response:
        try:
            doc = json.loads(await read_limited(request, 1_000_000))
        except (TeGroot, ValueError):
            return problem(400, "Onleesbaar", 'send JSON {"signaalIds": [...]}')
        ids_ = doc.get("signaalIds") if isinstance(doc, dict) else None
        if not isinstance(ids_, list) or not all(isinstance(i, str) for i in ids_):
            return problem(400, "Onleesbaar", 'send JSON {"signaalIds": [...]}')
        return await _ontvangst(claims, g, ids_[:1000], single=False)

    async def _ontvangst(
        claims: dict[str, Any], g: str, ids_: list[str], *, single: bool
    ) -> Response:
        own = await run_in_threadpool(dienst.signalen.ontvangst, g, ids_)
        await run_in_threadpool(
            toegang.vastleggen,
            claims,
            "signalen.ontvangst",
            g,
            kanaal="api",
            status=200 if own or not single else 404,
            use_case="SIG-GEM-SIGNALEN",
            records=[f"Signaal/{i}" for i in own],
        )
        if own:
            acknowledged = await run_in_threadpool(dienst.signalen.haal, g, own)
            await run_in_threadpool(dienst.na_ontvangst, g, acknowledged)
        if single and not own:
            return problem(404, "Niet gevonden", "no signal with this ID for this gemeente")
        return JSONResponse({"ontvangen": own})

    async def rapporten(request: Request, claims: dict[str, Any], g: str) -> Response:
        found = await run_in_threadpool(dienst.signalen.rapporten, g)
        await run_in_threadpool(
            toegang.vastleggen,
            claims,
            "signalen.lezen",
            g,
            kanaal="api",
            use_case="SIG-GEM-SIGNALEN",
        )
        return JSONResponse({"items": found})

    async def rapport(request: Request, claims: dict[str, Any], g: str) -> Response:
        try:
            datum = dt.date.fromisoformat(str(request.path_params["datum"]))
        except ValueError:
            return problem(400, "Ongeldige datum", "the date is YYYY-MM-DD")
        found = await run_in_threadpool(dienst.signalen.csv, g, datum)
        await run_in_threadpool(
            toegang.vastleggen,
            claims,
            "signalen.lezen",
            g,
            kanaal="api",
            status=200 if found else 404,
            use_case="SIG-GEM-SIGNALEN",
            records=(f"Rapport/{datum.isoformat()}",),
            bsns=found[1] if found else (),
        )
        if found is None:
            return problem(404, "Geen signalen", "no signals for this gemeente on this date")
        from iwlz.signalen.uitvoer import csv_bestandsnaam

        return Response(
            found[0],
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": f'attachment; filename="{csv_bestandsnaam(g, datum)}"',
                "cache-control": "no-store",
            },
        )

    async def openapi(_request: Request) -> Response:
        return JSONResponse(openapi_document(dienst.settings.public_url))

    p = API_PREFIX
    return [
        Route(f"{API_PATH}/openapi.json", openapi, methods=["GET"]),
        Route(f"{p}/wmo-clienten", guarded("wmo.levering", levering), methods=["PUT"]),
        Route(f"{p}/wmo-clienten", guarded("wmo.lezen", samenvatting), methods=["GET"]),
        Route(f"{p}/wmo-clienten/mutaties", guarded("wmo.mutaties", mutaties), methods=["POST"]),
        Route(
            f"{p}/wmo-clienten/leveringen/{{levering_id}}",
            guarded("wmo.lezen", levering_rapport),
            methods=["GET"],
        ),
        Route(f"{p}/signalen", guarded("signalen.lezen", lijst), methods=["GET"]),
        Route(
            f"{p}/signalen/ontvangst",
            guarded("signalen.ontvangst", ontvangst_batch),
            methods=["POST"],
        ),
        Route(
            f"{p}/signalen/{{signaal_id}}/ontvangst",
            guarded("signalen.ontvangst", ontvangst_een),
            methods=["POST"],
        ),
        Route(f"{p}/rapporten", guarded("signalen.lezen", rapporten), methods=["GET"]),
        Route(f"{p}/rapporten/{{datum}}", guarded("signalen.lezen", rapport), methods=["GET"]),
    ]
