"""``POST /berichten/iwlz``: a participant hands in an iWlz 2.2 heenbericht and gets the
retourbericht its receiver answers with (messages.md §1.4).

The request body is the message's XML (``application/xml``), the caller authenticates with an
nID access token for this URL carrying the scope ``iwlz/berichten/iwlz:create`` (our own: the
estafette model has no network scope), and the PDP (``policies/berichten*.rego``) allows a
participant to hand in only the messages it is the ``Afzender`` of — the CIZ for IO31.

Answers:

* **200** with the retour (``application/xml``) for every message that could be read, whether
  accepted (``0200`` everywhere), with findings (codes per class) or rejected as a whole
  (``0001``). Header ``Iwlz-Retour``: ``geaccepteerd``, ``bevindingen`` or ``afgekeurd``.
* **400** (JSON, ``BAD_REQUEST``) for a message that gets no retour: unreadable, not UTF-8, a
  DTD, not iWlz 2.2, a retourbericht, no header; **413** above the size limit; **415** for
  another content type; **401/403** from the PEP/PDP.

Every decision and every message received is written to the audit log (BSNs hashed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from iwlz.berichten.verwerking import Onleesbaar, Verwerking, lees
from iwlz.berichten.xml import DEFAULT_MAX_BYTES
from iwlz.core.logging import span_id_var, trace_id_var
from iwlz.graphql.http import error_body, json_response
from iwlz.nid.audit import AuditEvent
from iwlz.nid.participants import SCOPE_BERICHTEN_IWLZ
from iwlz.nid.pep import PolicyEnforcementPoint, resolve_claim

__all__ = ["BERICHTEN_PATH", "SCOPE_BERICHTEN", "BerichtenEndpoint"]

BERICHTEN_PATH = "/berichten/iwlz"
SCOPE_BERICHTEN = SCOPE_BERICHTEN_IWLZ

log = logging.getLogger("iwlz.berichten")

_XML_TYPES = ("application/xml", "text/xml")
_JSON = "application/json"

Verwerker = Callable[[bytes], Verwerking]
"""Receives one message's bytes (already authorized) and answers the retour; raises
:class:`Onleesbaar` for a message that gets none."""


class BerichtenEndpoint:
    """The ASGI endpoint (see the module docstring)."""

    def __init__(
        self,
        *,
        pep: PolicyEnforcementPoint,
        verwerker: Verwerker,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.pep = pep
        self.verwerker = verwerker
        self.max_bytes = max_bytes

    async def handle(self, request: Request) -> Response:
        """The route handler (a bound method, so Starlette passes the request)."""
        refused = await self.pep.check_request(request)
        if refused is not None:
            return refused
        claims: Mapping[str, Any] = request.state.claims
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in _XML_TYPES:
            return _fout(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                f"Send the message as application/xml, not {content_type or 'no content type'!r}.",
            )
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > self.max_bytes:
                return _fout(
                    413,
                    "PAYLOAD_TOO_LARGE",
                    f"A message has at most {self.max_bytes:,} bytes.",
                )
        try:
            bericht = lees(bytes(data), max_bytes=self.max_bytes)
        except Onleesbaar as exc:
            await self._audit(claims, None, "deny", 400, f"onleesbaar:{exc.code}", {})
            return _fout(400, "BAD_REQUEST", exc.melding, reason=exc.code)
        participant = self.pep.participants.get(str(claims.get("client_id")))
        resource = {
            "bericht": bericht.code,
            "afzender": bericht.afzender,
            "ontvanger": bericht.ontvanger,
            "deelnemer_type": participant.type if participant is not None else None,
        }
        pdp_input = {
            "register": "berichten",
            "resource": resource,
            "time": self.pep.clock.now().isoformat(),
            "date": self.pep.clock.now().date().isoformat(),
            "claims": _claims(claims),
            "operation": {
                "type": "mutation",
                "name": bericht.code,
                "root_fields": ["bericht"],
                "operation_count": 1,
            },
            "arguments": {},
            "selection": [],
            "nested_arguments": {},
        }
        decision = await run_in_threadpool(self.pep.pdp.decide, pdp_input)
        details = {
            "bericht": bericht.code,
            "identificatie": bericht.identificatie,
            "afzender": bericht.afzender,
            "ontvanger": bericht.ontvanger,
        }
        if not decision.allowed:
            await self._audit(
                claims,
                decision.use_case,
                "deny",
                decision.http_status,
                ";".join(decision.reasons) or None,
                details,
            )
            return json_response(
                error_body(
                    decision.message or "Policy: Access Denied", decision.code or "FORBIDDEN"
                ),
                decision.http_status,
                _JSON,
            )
        try:
            uitkomst = await run_in_threadpool(self.verwerker, bytes(data))
        except Onleesbaar as exc:  # lees() above already read it; kept for safety
            return _fout(400, "BAD_REQUEST", exc.melding, reason=exc.code)
        except Exception:
            # A message that was allowed and received is audited even when processing fails;
            # the sender learns nothing of the internals and may send it again (nothing was
            # written: the import is one transaction).
            log.exception("processing a message failed", extra={"bericht": bericht.code})
            await self._audit(
                claims, decision.use_case, "allow", 500, "verwerking_mislukt", details
            )
            return _fout(500, "INTERNAL_SERVER_ERROR", "Internal Server Error")
        status = (
            "afgekeurd"
            if uitkomst.afgekeurd
            else "geaccepteerd"
            if uitkomst.geaccepteerd
            else "bevindingen"
        )
        bsns = tuple(
            sorted({b for c in uitkomst.bericht.clienten() if (b := c.tekst("Bsn")) is not None})
        )
        await self._audit(
            claims,
            decision.use_case,
            "allow",
            200,
            status,
            {
                **details,
                "retour": status,
                "retourcodes": sorted({b.retourcode for b in uitkomst.bevindingen}),
                "structuurfouten": len(uitkomst.structuurfouten),
                "geimporteerd": {k: len(v) for k, v in uitkomst.geimporteerd.items()},
            },
            bsns=bsns,
            records=tuple(i for ids in uitkomst.geimporteerd.values() for i in ids),
        )
        return Response(
            uitkomst.retour_bytes,
            status_code=200,
            media_type="application/xml",
            headers={"Iwlz-Retour": status},
        )

    async def _audit(
        self,
        claims: Mapping[str, Any],
        use_case: str | None,
        decision: str,
        status: int,
        reason: str | None,
        details: Mapping[str, Any],
        *,
        bsns: tuple[str, ...] = (),
        records: tuple[str, ...] = (),
    ) -> None:
        event = AuditEvent(
            event_type="berichten.ontvangen",
            decision=decision,
            participant=str(claims.get("client_id")),
            on_behalf_of=(claims.get("act") or {}).get("sub"),
            operation=f"bericht {details.get('bericht') or '?'}",
            resource="berichten",
            use_case=use_case,
            records=records,
            bsns=bsns,
            reason=reason,
            http_status=status,
            trace_id=trace_id_var.get(),
            span_id=span_id_var.get(),
            occurred_at=self.pep.clock.now(),
            details={k: v for k, v in details.items() if v is not None},
        )
        await run_in_threadpool(self.pep.audit.append, event)


def _claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    out = {
        "client_id": claims.get("client_id"),
        "scopes": claims.get("scopes") or [],
    }
    for name in ("agb", "uzovi", "kvk", "instantie_type"):
        out[name] = resolve_claim(claims, name)
    if "act" in claims:
        out["act"] = claims["act"]
    return out


def _fout(status: int, code: str, melding: str, **extensions: Any) -> Response:
    return json_response(error_body(melding, code, **extensions), status, _JSON)
