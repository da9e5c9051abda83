"""Fan-out deliveries: notifications whose receivers are found at send time.

``VERVALLEN_INDICATIE_ZORGKANTOOR`` goes to every zorgkantoor that is, was or becomes
responsible for the indication (registers.md §1.6). The CIZ finds them in the
Bemiddelingsregisters with QBR-0010-CIZ, over the network. That cannot happen inside the
Indicatieregister's write transaction (a network call holding a write lock; on SQLite the
register being asked shares the database file), so the register queues one ``fanout`` row in its
transaction and a delivery worker expands it: it walks the chain of registers from the
initially responsible zorgkantoor (:func:`iwlz.nid.pip_queries.keten`), then queues one
``notificatie`` per zorgkantoor, all with the original timestamp, in one transaction, and marks
the fan-out row delivered. A failure is retried on the outbox's schedule; a crash between the
two steps queues the notifications again, which the receivers' inboxes store once (same key).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from iwlz.core.clock import Clock
from iwlz.nid.pip import PipRefused, control_query
from iwlz.nid.pip_queries import QBR_0010_CIZ, keten
from iwlz.notificaties.outbox import KIND_NOTIFICATIE, Delivery, OutboxRow, enqueue

__all__ = ["Fanout", "FanoutError", "FanoutRefused"]

log = logging.getLogger("iwlz.notificaties.fanout")


class FanoutError(RuntimeError):
    """The receivers could not be found now; the row is retried."""


FanoutRefused = PipRefused
"""A register refused the query (4xx): retrying will not help; an operator must act."""


class Fanout:
    """Expands ``fanout`` rows (see the module docstring) for :class:`HttpTransport`.

    ``bemiddelingen(afzender, uzovi, wlzIndicatieID)`` runs QBR-0010-CIZ in that zorgkantoor's
    Bemiddelingsregister with the sender's token and returns the rows.
    """

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        bemiddelingen: Callable[[str, str, str], list[Any]],
        *,
        budget_seconds: float = 60.0,
    ) -> None:
        self.budget_seconds = budget_seconds
        self.engine = engine
        self.clock = clock
        self.bemiddelingen = bemiddelingen

    def __call__(self, row: OutboxRow) -> Any:
        """Expand one row: always at least the initially responsible zorgkantoor (``row``'s
        receiver), plus every zorgkantoor the reachable registers name. Registers that cannot
        be asked make the row retry (or dead-letter on a refusal); the zorgkantoren found are
        queued on the first attempt already, and all of them again once the walk succeeds (the
        receivers store a notification once)."""
        from iwlz.notificaties.worker import Attempt

        payload = dict(row.payload)
        subjects = payload.get("subjectList") or []
        record = str(subjects[0].get("recordID", "")) if subjects else ""
        wlz_id = record.split("/", 1)[1] if record.startswith("WlzIndicatie/") else None
        if wlz_id is None:
            return Attempt("dead", error="fan-out row without a WlzIndicatie subject")
        errors: list[Exception] = []
        # The walk must end well within the worker's lease on the row, or another worker
        # would expand it too.
        deadline = time.monotonic() + self.budget_seconds

        def bemiddelingen(uzovi: str) -> list[Any]:
            if time.monotonic() > deadline:
                raise FanoutError(f"no time left to ask {uzovi}'s register")
            return self.bemiddelingen(row.afzender, uzovi, wlz_id)

        ontvangers = keten(row.ontvanger_id, bemiddelingen, errors=errors)
        if errors and row.attempts > 0:
            # The zorgkantoren found were queued on the first attempt; wait for the rest.
            return self._outcome(errors)
        self._queue(row, payload, ontvangers)
        log.info(
            "fan-out expanded",
            extra={"event_type": row.event_type, "ontvangers": ",".join(ontvangers)},
        )
        return self._outcome(errors) if errors else Attempt("delivered", status=200)

    @staticmethod
    def _outcome(errors: list[Exception]) -> Any:
        from iwlz.notificaties.worker import Attempt

        text = "; ".join(f"{type(e).__name__}: {e}" for e in errors)[:2000]
        # A refusal will not go away by itself (network.md §5.4: no automatic retry of a 4xx);
        # everything else (unreachable, no address-book entry yet) is retried on the schedule.
        if all(isinstance(e, FanoutRefused) for e in errors):
            return Attempt("dead", error=f"fan-out refused: {text}")
        return Attempt("retry", error=f"fan-out: {text}")

    def _queue(self, row: OutboxRow, payload: dict[str, Any], ontvangers: list[str]) -> None:
        deliveries = [
            Delivery(
                kind=KIND_NOTIFICATIE,
                afzender=row.afzender,
                ontvanger_id_type=row.ontvanger_id_type,
                ontvanger_id=uzovi,
                payload={**payload, "ontvangerID": uzovi},
                systeemrol=row.systeemrol,
                event_type=row.event_type,
                ontvanger_kenmerk=row.ontvanger_kenmerk,
            )
            for uzovi in ontvangers
        ]
        with self.engine.begin() as conn:
            enqueue(conn, deliveries, now=self.clock.now())


def qbr0010_over_http(
    resolve_register: Callable[[str], Any],
    nid_for: Callable[[str, str], Any],
    http: httpx.Client,
    timeout: float,
) -> Callable[[str, str, str], list[Any]]:
    """QBR-0010-CIZ at ``/bemiddelingsregister/{uzovi}/graphql`` of the address book's
    ``<UZOVI>_REGISTER_<ENV>`` entry, with a token of the sender (the CIZ)."""

    def bemiddelingen(afzender: str, uzovi: str, wlz_id: str) -> list[Any]:
        endpoint = resolve_register(uzovi)
        return control_query(
            http,
            nid_for(afzender, endpoint.token_uri),
            endpoint.pep_uri,
            endpoint.resource_uri,
            QBR_0010_CIZ,
            {"X": wlz_id},
            "bemiddeling",
            timeout=timeout,
            wat="QBR-0010",
        )

    return bemiddelingen
