"""Authorization and audit of every gemeente access (API and portal).

Each request is decided by nID's PDP with the ``wlzsignalen`` policy (use cases SIG-GEM-WMO and
SIG-GEM-SIGNALEN: the right scope, participant type gemeente, and the gemeentecode in the path
equal to the caller's own) and lands in nID's hash-chained audit log with the action, the
records and - as keyed hashes only - the BSNs it disclosed. The API's token checks (signature,
audience, expiry, participant active) are the network PEP's; the portal checks its session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iwlz.core.clock import Clock
from iwlz.core.logging import span_id_var, trace_id_var
from iwlz.nid.audit import AuditEvent, AuditLog
from iwlz.nid.pdp import PDP_CLAIMS, Decision, PolicyDecisionPoint

__all__ = [
    "MUTATIES",
    "REGISTER",
    "SCOPE_SIGNALEN",
    "SCOPE_WMO",
    "Toegang",
]

REGISTER = "wlzsignalen"
SCOPE_WMO = "wlzsignalen/wmo:create"
SCOPE_SIGNALEN = "wlzsignalen/signalen:read"
MUTATIES = frozenset({"wmo.levering", "wmo.mutaties", "signalen.ontvangst"})
"""Actions that change data (``mutation`` in the policy input)."""


@dataclass
class Toegang:
    """Decides and audits one gemeente action."""

    pdp: PolicyDecisionPoint
    audit: AuditLog
    clock: Clock

    def beslis(
        self,
        claims: Mapping[str, Any],
        actie: str,
        gemeentecode: str,
        *,
        kanaal: str,
    ) -> Decision:
        """The PDP's decision on ``actie`` for ``gemeentecode``; a denial is audited here
        (an allowed action is audited by :meth:`vastleggen` once its outcome is known)."""
        now = self.clock.now()
        pdp_input = {
            "register": REGISTER,
            "resource": {"tenant": gemeentecode},
            "time": now.isoformat(),
            "date": now.date().isoformat(),
            "claims": {k: claims.get(k) for k in PDP_CLAIMS if k != "act" or "act" in claims},
            "operation": {
                "type": "mutation" if actie in MUTATIES else "query",
                "name": None,
                "root_fields": [actie],
                "operation_count": 1,
            },
            "arguments": {"gemeentecode": gemeentecode},
            "selection": (),
            "nested_arguments": {},
        }
        decision = self.pdp.decide(pdp_input)
        if not decision.allowed:
            self.vastleggen(
                claims,
                actie,
                gemeentecode,
                kanaal=kanaal,
                allowed=False,
                status=decision.http_status,
                use_case=decision.use_case,
                reason=";".join(decision.reasons) or None,
            )
        return decision

    def vastleggen(
        self,
        claims: Mapping[str, Any],
        actie: str,
        gemeentecode: str,
        *,
        kanaal: str,
        allowed: bool = True,
        status: int = 200,
        use_case: str | None = None,
        records: Sequence[str] = (),
        bsns: Sequence[str] = (),
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """One audit record of an access (BSNs are stored as keyed hashes only)."""
        self.audit.append(
            AuditEvent(
                event_type="wlzsignalen.toegang",
                decision="allow" if allowed else "deny",
                participant=str(claims["client_id"]) if claims.get("client_id") else None,
                on_behalf_of=(claims.get("act") or {}).get("sub")
                if isinstance(claims.get("act"), Mapping)
                else None,
                operation=actie,
                resource=f"{REGISTER}/{gemeentecode}",
                use_case=use_case,
                records=tuple(records[:200]),
                bsns=tuple(dict.fromkeys(bsns)),
                reason=reason,
                http_status=status,
                trace_id=trace_id_var.get(),
                span_id=span_id_var.get(),
                occurred_at=self.clock.now(),
                details={"kanaal": kanaal, **(details or {})},
            )
        )
