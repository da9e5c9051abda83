"""The gemeente portal: plain HTML forms (Jinja2, no JavaScript), under ``/wlzsignalen/portal``.

Sign-in: the gemeente pastes an nID access token issued for the audience
``{public_url}/wlzsignalen/portal`` (its own client credentials, like any API call). The token
is verified like at every PEP (signature, issuer, audience, expiry, participant active); the
portal then keeps only the claims it needs in a session cookie that is signed (HMAC-SHA256,
``IWLZ_SIGNALEN_PORTAL_SECRET``), ``HttpOnly``, ``SameSite=Strict``, ``Secure`` on https, and
expires with the token (at most 8 hours). Every form that changes something carries the
session's CSRF token. Every page is decided by the ``wlzsignalen`` policy and audit-logged,
exactly as the API. In dev mode only, a picker signs in as any registered gemeente.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from iwlz.nid.participants import ParticipantRegistry
from iwlz.nid.pep import InvalidToken, TokenVerifier
from iwlz.signalen.dienst import SignalenDienst, signalen_secret
from iwlz.signalen.toegang import SCOPE_SIGNALEN, SCOPE_WMO
from iwlz.signalen.uitvoer import csv_bestandsnaam
from iwlz.signalen.wmo import Invoerfout, lees_csv

__all__ = ["COOKIE", "PORTAL_PATH", "Sessies", "portal_routes"]

PORTAL_PATH = "/wlzsignalen/portal"
COOKIE = "wlzsignalen_sessie"
MAX_SESSION_SECONDS = 8 * 3600

_env = Environment(
    loader=PackageLoader("iwlz.signalen", "templates"),
    autoescape=select_autoescape(["html"]),
)


class Sessies:
    """Signed session cookies: ``base64url(json).base64url(hmac)``."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self.secret, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def maak(self, claims: Mapping[str, Any], expires: float) -> str:
        body = {
            "client_id": claims.get("client_id"),
            "scopes": list(claims.get("scopes") or []),
            "instantie_type": claims.get("instantie_type"),
            "exp": int(min(expires, time.time() + MAX_SESSION_SECONDS)),
            "csrf": secrets.token_urlsafe(24),
        }
        raw = json.dumps(body, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + self._sign(raw)

    def lees(self, value: str | None) -> dict[str, Any] | None:
        if not value or "." not in value:
            return None
        data, _, mac = value.partition(".")
        try:
            raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        except ValueError:
            return None
        if not hmac.compare_digest(self._sign(raw), mac):
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("exp"), int):
            return None
        if body["exp"] < time.time():
            return None
        return body


def _render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status)


def portal_routes(
    dienst: SignalenDienst,
    *,
    verifier: TokenVerifier,
    participants: ParticipantRegistry,
    audience: str,
) -> list[Route]:
    """The portal's routes; ``audience`` is the token audience of the portal."""
    settings = dienst.settings
    sessies = Sessies(signalen_secret(settings, "signalen_portal_secret"))
    secure = settings.public_url.startswith("https://")
    toegang = dienst.toegang

    def sessie(request: Request) -> dict[str, Any] | None:
        body = sessies.lees(request.cookies.get(COOKIE))
        if body is None:
            return None
        found = participants.get(str(body.get("client_id")))
        if found is None or not found.active or found.type != "gemeente":
            return None
        body["gemeentecode"] = found.id_value
        body["naam"] = found.naam
        return body

    def set_cookie(response: Response, value: str, max_age: int) -> None:
        response.set_cookie(
            COOKIE,
            value,
            max_age=max_age,
            path=PORTAL_PATH,
            httponly=True,
            secure=secure,
            samesite="strict",
        )

    def login_page(status: int = 200, fout: str | None = None) -> HTMLResponse:
        gemeenten = (
            [p for p in participants.list(include_revoked=False) if p.type == "gemeente"]
            if settings.dev
            else []
        )
        return _render(
            "login.html",
            status,
            fout=fout,
            dev=settings.dev,
            gemeenten=gemeenten,
            audience=audience,
            scopes=f"{SCOPE_SIGNALEN} {SCOPE_WMO}",
            portal=PORTAL_PATH,
        )

    Page = Callable[[Request, dict[str, Any]], Awaitable[Response]]

    def page(
        actie: str, handler: Page, *, csrf: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            s = await run_in_threadpool(sessie, request)
            if s is None:
                if request.method == "GET":
                    return login_page()
                return login_page(401, "Uw sessie is verlopen: meld u opnieuw aan.")
            if csrf:
                form = await request.form()
                token = form.get("csrf")
                if not isinstance(token, str) or not hmac.compare_digest(token, s["csrf"]):
                    return _render(
                        "fout.html",
                        403,
                        titel="Ongeldig formulier",
                        melding="CSRF-controle mislukt.",
                        portal=PORTAL_PATH,
                    )
            decision = await run_in_threadpool(
                toegang.beslis, s, actie, s["gemeentecode"], kanaal="portal"
            )
            if not decision.allowed:
                return _render(
                    "fout.html",
                    decision.http_status,
                    titel="Geen toegang",
                    melding=decision.message or "Policy: Access Denied",
                    portal=PORTAL_PATH,
                )
            return await handler(request, s)

        return endpoint

    async def index(request: Request, s: dict[str, Any]) -> Response:
        g = s["gemeentecode"]
        ongelezen = await run_in_threadpool(
            lambda: dienst.signalen.lijst(g, status="ONGELEZEN", limit=200)
        )
        rapporten = await run_in_threadpool(dienst.signalen.rapporten, g)
        wmo = await run_in_threadpool(dienst.wmo.samenvatting, g)
        leveringen = await run_in_threadpool(dienst.wmo.leveringen, g, 5)
        await run_in_threadpool(
            lambda: toegang.vastleggen(
                s,
                "signalen.lezen",
                g,
                kanaal="portal",
                use_case="SIG-GEM-SIGNALEN",
                records=[f"Signaal/{x['signaal_id']}" for x in ongelezen.items],
                bsns=[x["bsn"] for x in ongelezen.items],
            )
        )
        return _render(
            "index.html",
            s=s,
            signalen=ongelezen.items,
            meer=ongelezen.volgende is not None,
            rapporten=rapporten,
            wmo=wmo,
            leveringen=leveringen,
            mag_leveren=SCOPE_WMO in s.get("scopes", []),
            portal=PORTAL_PATH,
        )

    async def upload(request: Request, s: dict[str, Any]) -> Response:
        g = s["gemeentecode"]
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.signalen_max_upload_bytes:
            return _render(
                "fout.html",
                413,
                titel="Te groot",
                melding="Het bestand is te groot.",
                portal=PORTAL_PATH,
            )
        form = await request.form()
        bestand = form.get("bestand")
        if not isinstance(bestand, UploadFile):
            return _render(
                "fout.html",
                400,
                titel="Geen bestand",
                melding="Kies een CSV-bestand.",
                portal=PORTAL_PATH,
            )
        if bestand.size is not None and bestand.size > settings.signalen_max_upload_bytes:
            # A chunked upload has no Content-Length: check what was spooled.
            return _render(
                "fout.html",
                413,
                titel="Te groot",
                melding="Het bestand is te groot.",
                portal=PORTAL_PATH,
            )
        data = await bestand.read()
        try:
            rows = lees_csv(data)
        except Invoerfout as exc:
            await run_in_threadpool(
                lambda: toegang.vastleggen(s, "wmo.levering", g, kanaal="portal", status=400)
            )
            return _render(
                "fout.html", 400, titel="Onleesbaar bestand", melding=str(exc), portal=PORTAL_PATH
            )
        result = await run_in_threadpool(
            lambda: dienst.wmo.volledig(g, rows, formaat="CSV", door=str(s["client_id"]))
        )
        await run_in_threadpool(
            lambda: toegang.vastleggen(
                s,
                "wmo.levering",
                g,
                kanaal="portal",
                status=200 if result.geslaagd else 422,
                use_case="SIG-GEM-WMO",
                records=(f"WmoLevering/{result.levering_id}",),
                details={"rijen": result.aantal_rijen, "fouten": result.aantal_fouten},
            )
        )
        return _render(
            "levering.html",
            200 if result.geslaagd else 422,
            s=s,
            levering=result,
            portal=PORTAL_PATH,
        )

    async def rapport(request: Request, s: dict[str, Any]) -> Response:
        g = s["gemeentecode"]
        try:
            datum = dt.date.fromisoformat(str(request.path_params["datum"]))
        except ValueError:
            return _render(
                "fout.html", 400, titel="Ongeldige datum", melding="YYYY-MM-DD", portal=PORTAL_PATH
            )
        found = await run_in_threadpool(dienst.signalen.csv, g, datum)
        await run_in_threadpool(
            lambda: toegang.vastleggen(
                s,
                "signalen.lezen",
                g,
                kanaal="portal",
                status=200 if found else 404,
                use_case="SIG-GEM-SIGNALEN",
                records=(f"Rapport/{datum.isoformat()}",),
                bsns=found[1] if found else (),
            )
        )
        if found is None:
            return _render(
                "fout.html",
                404,
                titel="Geen signalen",
                melding="Geen signalen op deze dag.",
                portal=PORTAL_PATH,
            )
        return Response(
            found[0],
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": f'attachment; filename="{csv_bestandsnaam(g, datum)}"',
                "cache-control": "no-store",
            },
        )

    async def ontvangst(request: Request, s: dict[str, Any]) -> Response:
        g = s["gemeentecode"]
        form = await request.form()
        ids_ = [str(v) for v in form.getlist("signaal_id")][:1000]
        own = await run_in_threadpool(dienst.signalen.ontvangst, g, ids_)
        await run_in_threadpool(
            lambda: toegang.vastleggen(
                s,
                "signalen.ontvangst",
                g,
                kanaal="portal",
                use_case="SIG-GEM-SIGNALEN",
                records=[f"Signaal/{i}" for i in own],
            )
        )
        if own:
            acknowledged = await run_in_threadpool(dienst.signalen.haal, g, own)
            await run_in_threadpool(dienst.na_ontvangst, g, acknowledged)
        return RedirectResponse(PORTAL_PATH + "/", status_code=303)

    async def levering(request: Request, s: dict[str, Any]) -> Response:
        g = s["gemeentecode"]
        lid = str(request.path_params["levering_id"])
        found = await run_in_threadpool(dienst.wmo.levering, g, lid)
        await run_in_threadpool(
            lambda: toegang.vastleggen(
                s,
                "wmo.lezen",
                g,
                kanaal="portal",
                status=200 if found else 404,
                use_case="SIG-GEM-WMO",
                records=(f"WmoLevering/{lid}",),
            )
        )
        if found is None:
            return _render(
                "fout.html",
                404,
                titel="Niet gevonden",
                melding="Onbekende levering.",
                portal=PORTAL_PATH,
            )
        return _render("levering.html", s=s, levering=found, portal=PORTAL_PATH)

    async def login(request: Request) -> Response:
        form = await request.form()
        token = str(form.get("token") or "").strip()
        try:
            claims = await run_in_threadpool(verifier.verify, token, audience)
        except InvalidToken as exc:
            why = f"token_invalid:{exc.reason}"
            await run_in_threadpool(
                lambda: toegang.vastleggen(
                    {},
                    "portal.aanmelden",
                    "-",
                    kanaal="portal",
                    allowed=False,
                    status=401,
                    reason=why,
                )
            )
            return login_page(401, "Dit token is ongeldig of verlopen (audience: het portaal).")
        found = await run_in_threadpool(participants.get, str(claims.get("client_id")))
        if found is None or not found.active or found.type != "gemeente":
            await run_in_threadpool(
                lambda: toegang.vastleggen(
                    claims,
                    "portal.aanmelden",
                    "-",
                    kanaal="portal",
                    allowed=False,
                    status=403,
                    reason="not_a_gemeente",
                )
            )
            return login_page(403, "Alleen gemeenten kunnen dit portaal gebruiken.")
        await run_in_threadpool(
            lambda: toegang.vastleggen(claims, "portal.aanmelden", found.id_value, kanaal="portal")
        )
        response = RedirectResponse(PORTAL_PATH + "/", status_code=303)
        exp = float(claims.get("exp") or 0)
        set_cookie(response, sessies.maak(claims, exp), int(max(0, exp - time.time())))
        return response

    async def dev_login(request: Request) -> Response:
        if not settings.dev:
            return _render("fout.html", 404, titel="Niet gevonden", melding="", portal=PORTAL_PATH)
        form = await request.form()
        found = await run_in_threadpool(participants.get, str(form.get("client_id") or ""))
        if found is None or not found.active or found.type != "gemeente":
            return login_page(400, "Kies een geregistreerde gemeente.")
        claims = {
            "client_id": found.client_id,
            "scopes": list(found.scopes),
            "instantie_type": found.instantie_type,
        }
        await run_in_threadpool(
            lambda: toegang.vastleggen(
                claims, "portal.aanmelden", found.id_value, kanaal="portal-dev"
            )
        )
        response = RedirectResponse(PORTAL_PATH + "/", status_code=303)
        set_cookie(response, sessies.maak(claims, time.time() + 3600), 3600)
        return response

    async def logout(request: Request) -> Response:
        s = sessies.lees(request.cookies.get(COOKIE))
        form = await request.form()
        token = form.get("csrf")
        if s is not None and not (isinstance(token, str) and hmac.compare_digest(token, s["csrf"])):
            return _render(
                "fout.html",
                403,
                titel="Ongeldig formulier",
                melding="CSRF-controle mislukt.",
                portal=PORTAL_PATH,
            )
        response = RedirectResponse(PORTAL_PATH + "/", status_code=303)
        response.delete_cookie(COOKIE, path=PORTAL_PATH)
        return response

    return [
        Route(PORTAL_PATH + "/", page("signalen.lezen", index), methods=["GET"]),
        Route(PORTAL_PATH + "/login", login, methods=["POST"]),
        Route(PORTAL_PATH + "/dev-login", dev_login, methods=["POST"]),
        Route(PORTAL_PATH + "/logout", logout, methods=["POST"]),
        Route(PORTAL_PATH + "/upload", page("wmo.levering", upload, csrf=True), methods=["POST"]),
        Route(
            PORTAL_PATH + "/ontvangst",
            page("signalen.ontvangst", ontvangst, csrf=True),
            methods=["POST"],
        ),
        Route(PORTAL_PATH + "/rapporten/{datum}", page("signalen.lezen", rapport), methods=["GET"]),
        Route(
            PORTAL_PATH + "/leveringen/{levering_id}", page("wmo.lezen", levering), methods=["GET"]
        ),
    ]
