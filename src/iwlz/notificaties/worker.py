"""Delivery workers: claim due outbox rows, send them, record the outcome.

Several workers may run at once, in one process or many, on SQLite or PostgreSQL:

* A worker *claims* a batch by stamping a lease (``lease_owner``, ``lease_until``) on due rows
  in one statement; on PostgreSQL the candidate rows are locked with ``FOR UPDATE SKIP LOCKED``
  so concurrent workers take different rows without waiting on each other. On SQLite the
  single ``UPDATE … RETURNING`` is atomic by itself (one writer at a time).
* Each outcome is written at once, and only while the worker still owns the lease. A worker
  that dies mid-batch (even by SIGKILL) leaves leased rows behind; they become claimable again
  when the lease runs out. A row can therefore be *sent* twice in that case, never *stored*
  twice: the receiver stores idempotently on the notification's content, which the outbox
  fixes at enqueue time (network.md §5.2).
* Failures are retried on the schedule of ``IWLZ_NOTIFY_RETRY_SCHEDULE`` with jitter,
  waiting at least as long as a ``Retry-After`` asks; after the last attempt the row is
  dead-lettered. A refusal that retrying cannot fix (4xx other than 408/429, GraphQL errors in
  a 200) dead-letters at once (network.md §5.4: "no automatic retry for 4xx, alert instead").

Order: rows are claimed oldest first, but there is no ordering guarantee per receiver once
retries interleave. Notifications are "notified pull" signals (the receiver queries the
current state), each carries its ``timestamp``, and holding back a receiver's later
notifications behind one that keeps failing would delay them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core.clock import Clock, SystemClock
from iwlz.core.logging import span_id_var, trace_id_var
from iwlz.core.tracing import SPAN_HEADER, TRACE_HEADER, new_span_id, new_trace_id
from iwlz.nid.client import NidClient
from iwlz.nid.keys import SigningKey, load_or_create
from iwlz.notificaties.outbox import (
    DEAD,
    DELIVERED,
    KIND_FANOUT,
    KIND_MELDING,
    KIND_WEBHOOK,
    NOTIFY_CHANNEL,
    PENDING,
    WAKE,
    OutboxRow,
    outbox_table,
)
from iwlz.notificaties.rules import melding_scope, notificatie_scope

log = logging.getLogger("iwlz.notificaties")

DEFAULT_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 50400.0, 72000.0, 86400.0)

ZEND_NOTIFICATIE = (
    "mutation zendNotificatie($notificatieInput: NotificatieInput!) "
    "{ zendNotificatie(notificatieInput: $notificatieInput) { notificatieID } }"
)
ZEND_MELDING = (
    "mutation zendMelding($meldingInput: MeldingInput!) "
    "{ zendMelding(meldingInput: $meldingInput) { meldingID } }"
)


def parse_schedule(text: str) -> tuple[float, ...]:
    """``"0,5,300"`` -> ``(0.0, 5.0, 300.0)``; each value is the wait before one attempt."""
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError(
            f"retry schedule {text!r} must be comma-separated seconds, e.g. '0,5,300'"
        ) from None
    if not values or any(v < 0 for v in values):
        raise ValueError(f"retry schedule {text!r} needs at least one value, none negative")
    return values


@dataclass(frozen=True)
class Attempt:
    """The outcome of one send."""

    outcome: Literal["delivered", "retry", "dead"]
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    response_id: str | None = None


class Transport(Protocol):
    def send(self, row: OutboxRow) -> Attempt:
        """Send one delivery; never raises for network or receiver failures."""
        ...


class RetryPolicy:
    """When the next attempt is due, or that there is none (dead letter)."""

    def __init__(
        self,
        schedule: Sequence[float] = DEFAULT_SCHEDULE,
        *,
        jitter: float = 0.1,
        rng: random.Random | None = None,
    ) -> None:
        self.schedule = tuple(schedule)
        self.jitter = jitter
        self.max_retry_after = max(max(self.schedule), 3600.0)
        self.rng = rng or random.Random()

    @property
    def first_delay(self) -> float:
        return self.schedule[0]

    def next_delay(self, attempts_done: int, retry_after: float | None = None) -> float | None:
        """Seconds until the next attempt after ``attempts_done`` failures, or None."""
        if attempts_done >= len(self.schedule):
            return None
        base = self.schedule[attempts_done]
        delay = base * (1 + self.rng.uniform(-self.jitter, self.jitter)) if base else 0.0
        if retry_after is not None:
            # A receiver may ask for more time, but not to park a row for years.
            delay = max(delay, min(retry_after, self.max_retry_after))
        return delay


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), 1e9)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return min(max(0.0, when.timestamp() - now), 1e9)
    except (TypeError, ValueError, OverflowError):
        return None


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes a webhook receives (and the netwerkpunt signs)."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


class WorkerMetrics(Protocol):
    def attempt(self, kind: str, outcome: str) -> None: ...

    def delivered(self, kind: str, seconds_since_created: float) -> None: ...


class DeliveryWorker:
    """Claims and sends outbox rows (see the module docstring for the guarantees)."""

    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        *,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        worker_id: str | None = None,
        batch_size: int = 50,
        lease_seconds: float = 60.0,
        metrics: WorkerMetrics | None = None,
        record_every: int = 10,
        send_budget: float = 75.0,
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.policy = policy or RetryPolicy()
        self.clock = clock or SystemClock()
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.metrics = metrics
        self.record_every = max(1, record_every)
        # The longest one send can take (token request plus POST, each up to the timeout);
        # leases are renewed while at least this much of them is left.
        self.send_budget = send_budget
        if lease_seconds < 2 * send_budget:
            log.warning(
                "IWLZ_NOTIFY_LEASE_SECONDS is less than twice the longest send: leases are "
                "renewed before every send (raise the lease or lower IWLZ_NOTIFY_TIMEOUT_SECONDS)",
                extra={"lease_seconds": lease_seconds, "send_budget": send_budget},
            )

    # -- claiming -------------------------------------------------------------------------

    def claim(self, limit: int | None = None) -> list[OutboxRow]:
        """Lease up to ``limit`` due rows for this worker, oldest due first."""
        t = outbox_table
        now = self.clock.now()
        candidates = (
            sa.select(t.c.id)
            .where(
                t.c.status == PENDING,
                t.c.next_attempt_at <= now,
                sa.or_(t.c.lease_until.is_(None), t.c.lease_until < now),
            )
            .order_by(t.c.next_attempt_at, t.c.id)
            .limit(limit or self.batch_size)
        )
        if self.engine.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        stmt = (
            t.update()
            .where(t.c.id.in_(candidates.scalar_subquery()))
            .values(
                lease_owner=self.worker_id,
                lease_until=now + _seconds(self.lease_seconds),
            )
            .returning(*t.c)
        )
        with self.engine.begin() as conn:
            rows = [OutboxRow.from_row(r) for r in conn.execute(stmt)]
        rows.sort(key=lambda r: (r.next_attempt_at, r.id))
        return rows

    def release(self, rows: Sequence[OutboxRow]) -> None:
        """Give back leased rows that were not sent (graceful stop)."""
        if not rows:
            return
        t = outbox_table
        with self.engine.begin() as conn:
            conn.execute(
                t.update()
                .where(t.c.id.in_([r.id for r in rows]), t.c.lease_owner == self.worker_id)
                .values(lease_owner=None, lease_until=None)
            )

    def _renew(self, rows: Sequence[OutboxRow]) -> set[int]:
        t = outbox_table
        now = self.clock.now()
        with self.engine.begin() as conn:
            result = conn.execute(
                t.update()
                .where(
                    t.c.id.in_([r.id for r in rows]),
                    t.c.lease_owner == self.worker_id,
                    t.c.status == PENDING,
                )
                .values(lease_until=now + _seconds(self.lease_seconds))
                .returning(t.c.id)
            )
            return {int(i) for (i,) in result}

    # -- recording ------------------------------------------------------------------------

    def record(self, row: OutboxRow, attempt: Attempt) -> str:
        """Store the outcome of one attempt; returns the row's new status."""
        return self.record_many([(row, attempt)])[0]

    def record_many(self, outcomes: Sequence[tuple[OutboxRow, Attempt]]) -> list[str]:
        """Store several outcomes in one transaction (only rows this worker still leases)."""
        now = self.clock.now()
        statuses: list[str] = []
        updates: list[tuple[OutboxRow, Attempt, str, dict[str, Any]]] = []
        for row, attempt in outcomes:
            attempts = row.attempts + 1
            # Every column every time: one statement shape, compiled once (see _RECORD).
            values: dict[str, Any] = {
                "_id": row.id,
                "_owner": self.worker_id,
                "status": PENDING,
                "attempts": attempts,
                "last_status": attempt.status,
                "last_error": attempt.error,
                "next_attempt_at": row.next_attempt_at,
                "delivered_at": None,
                "dead_at": None,
                "response_id": row.response_id,
            }
            status = PENDING
            if attempt.outcome == "delivered":
                status = DELIVERED
                values.update(status=DELIVERED, delivered_at=now, response_id=attempt.response_id)
            else:
                delay = (
                    None
                    if attempt.outcome == "dead"
                    else self.policy.next_delay(attempts, attempt.retry_after)
                )
                if delay is None:
                    status = DEAD
                    values.update(status=DEAD, dead_at=now)
                else:
                    values.update(next_attempt_at=now + _seconds(delay))
            statuses.append(status)
            updates.append((row, attempt, status, values))
        written: set[int] = set()
        with self.engine.begin() as conn:
            for row, _attempt, _status, values in updates:
                if conn.execute(_RECORD, values).first() is not None:
                    written.add(row.id)
        for row, attempt, status, values in updates:
            if row.id in written:
                self._report(row, attempt, status, values["attempts"], now)
            else:
                # Another worker holds the row now (our lease ran out): its outcome counts.
                log.warning(
                    "delivery outcome not recorded: lease lost",
                    extra={"delivery_id": str(row.delivery_id), "outcome": status},
                )
        return statuses

    def _report(
        self, row: OutboxRow, attempt: Attempt, status: str, attempts: int, now: dt.datetime
    ) -> None:
        if self.metrics is not None:
            self.metrics.attempt(row.kind, "retry" if status == PENDING else status)
            if status == DELIVERED:
                self.metrics.delivered(row.kind, (now - row.created_at).total_seconds())
        level = logging.WARNING if status == DEAD else logging.INFO
        log.log(
            level,
            "delivery dead-lettered" if status == DEAD else "delivery attempt",
            extra={
                "delivery_id": str(row.delivery_id),
                "kind": row.kind,
                "ontvanger": f"{row.ontvanger_id_type}:{row.ontvanger_id}",
                "event_type": row.event_type,
                "attempt": attempts,
                "outcome": status,
                "http_status": attempt.status,
                "error": attempt.error,
            },
        )

    # -- running --------------------------------------------------------------------------

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Claim one batch and work through it; returns how many rows were attempted.

        Outcomes are written ``record_every`` at a time (fewer commits). A worker killed
        before writing them leaves those rows leased; they are sent again after the lease and
        the receivers store them once.
        """
        rows = self.claim()
        done = 0
        lease_checked = time.monotonic()
        owned = {r.id for r in rows}
        unrecorded: list[tuple[OutboxRow, Attempt]] = []
        for i, row in enumerate(rows):
            if stop is not None and stop.is_set():
                self.release([r for r in rows[i:] if r.id in owned])
                break
            # No send may outlive the lease, or another worker would send the row too: renew
            # (the rows still to send and those sent but not yet recorded) while a whole
            # send still fits, and skip every row the renewal found taken.
            if time.monotonic() - lease_checked > self.lease_seconds - self.send_budget:
                pending = [r for r in rows[i:] if r.id in owned] + [r for r, _ in unrecorded]
                owned = self._renew(pending)
                lease_checked = time.monotonic()
            if row.id not in owned:
                continue
            trace = new_trace_id()
            token = trace_id_var.set(trace)
            span = span_id_var.set(new_span_id())
            try:
                try:
                    attempt = self.transport.send(row)
                except Exception as exc:  # a transport bug must not kill the worker
                    log.exception("transport failed")
                    attempt = Attempt("retry", error=f"internal: {type(exc).__name__}: {exc}")
                unrecorded.append((row, attempt))
                if len(unrecorded) >= self.record_every:
                    self.record_many(unrecorded)
                    unrecorded.clear()
            finally:
                trace_id_var.reset(token)
                span_id_var.reset(span)
            done += 1
        if unrecorded:
            self.record_many(unrecorded)
        return done

    def run(self, stop: threading.Event, *, poll_seconds: float = 0.2) -> None:
        """Work until ``stop`` is set; sleeps ``poll_seconds`` when nothing is due."""
        log.info("delivery worker started", extra={"worker": self.worker_id})
        listener = _Listener.open(self.engine)
        try:
            while not stop.is_set():
                try:
                    done = self.run_once(stop)
                except Exception:  # database hiccup: log, back off, keep going
                    log.exception("delivery worker loop failed")
                    done = 0
                    stop.wait(min(5.0, poll_seconds * 10))
                if done:
                    continue
                # Idle: poll, or start at once when new deliveries are committed - by this
                # process (WAKE), or by any process on PostgreSQL (LISTEN/NOTIFY).
                if listener is not None:
                    listener.wait(poll_seconds)
                elif WAKE.wait(poll_seconds):
                    WAKE.clear()
        finally:
            if listener is not None:
                listener.close()
        log.info("delivery worker stopped", extra={"worker": self.worker_id})


class _Listener:
    """A PostgreSQL connection of its own that LISTENs on the outbox channel (autocommit);
    reopened on the next wait when it breaks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.raw: Any = None
        self.driver: Any = None

    @classmethod
    def open(cls, engine: Engine) -> _Listener | None:
        if engine.dialect.name != "postgresql":
            return None
        listener = cls(engine)
        listener._connect()
        return listener

    def _connect(self) -> None:
        try:
            raw = self.engine.raw_connection()
            driver: Any = raw.driver_connection
            driver.autocommit = True
            driver.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except Exception:  # no LISTEN now: this round polls, the next one tries again
            log.warning("LISTEN failed; polling", exc_info=True)
            return
        self.raw, self.driver = raw, driver

    def wait(self, seconds: float) -> None:
        if self.driver is None:
            self._connect()
            if self.driver is None:
                time.sleep(seconds)
                return
        try:
            for _ in self.driver.notifies(timeout=seconds, stop_after=1):
                pass
        except Exception:  # connection lost: drop it, reconnect on the next wait
            log.warning("LISTEN connection lost", exc_info=True)
            self.close(invalidate=True)
            time.sleep(seconds)

    def close(self, *, invalidate: bool = False) -> None:
        raw, self.raw, self.driver = self.raw, None, None
        if raw is None:
            return
        with contextlib.suppress(Exception):
            if invalidate:
                raw.invalidate()
            else:
                raw.driver_connection.execute(f"UNLISTEN {NOTIFY_CHANNEL}")
                raw.close()


_RECORD = (
    outbox_table.update()
    .where(
        outbox_table.c.id == sa.bindparam("_id"),
        outbox_table.c.lease_owner == sa.bindparam("_owner"),
    )
    .values(
        {
            **{
                c: sa.bindparam(c)
                for c in (
                    "status",
                    "attempts",
                    "last_status",
                    "last_error",
                    "next_attempt_at",
                    "delivered_at",
                    "dead_at",
                    "response_id",
                )
            },
            "lease_owner": None,
            "lease_until": None,
        }
    )
    .returning(outbox_table.c.id)
)


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


# -- HTTP transport -----------------------------------------------------------------------


class EndpointResolver(Protocol):
    def resolve(self, organisatie_id: str, functionaliteit: str, systeemrolcode: str) -> Any:
        """An address-book endpoint with ``pep_uri``, ``token_uri`` and ``resource_uri``."""
        ...


KeyStore = Callable[[str], SigningKey]


def directory_keys(keys_dir: Path) -> KeyStore:
    """Senders' private keys as ``<keys_dir>/participants/<idtype>_<id>.pem``."""
    cache: dict[str, SigningKey] = {}
    lock = threading.Lock()

    def load(client_id: str) -> SigningKey:
        with lock:
            key = cache.get(client_id)
            if key is None:
                path = keys_dir / "participants" / f"{client_id.replace(':', '_')}.pem"
                if not path.exists():
                    raise FileNotFoundError(
                        f"no private key for sender {client_id} at {path}; put the "
                        f"participant's PEM key there (IWLZ_NID_KEYS_DIR)"
                    )
                key = cache[client_id] = load_or_create(path, create=False)
            return key

    return load


class HttpTransport:
    """Sends notificaties and meldingen through nID, and webhooks directly, over HTTP."""

    def __init__(
        self,
        resolver: EndpointResolver,
        keys: KeyStore,
        *,
        organisatie_id: Callable[[str, str], str],
        timeout: float = 35.0,
        http: httpx.Client | None = None,
        webhook_guard: Callable[[str], str | None] | None = None,
        fanout: Callable[[OutboxRow], Attempt] | None = None,
    ) -> None:
        self.fanout = fanout
        self.resolver = resolver
        self.keys = keys
        self.organisatie_id = organisatie_id
        self.timeout = timeout
        self.http = http or httpx.Client(timeout=timeout)
        # Checked again at send time: a name that resolved to a public address when the
        # webhook was set may point inside the network now (DNS rebinding).
        self.webhook_guard = webhook_guard
        self._clients: dict[tuple[str, str], NidClient] = {}
        self._lock = threading.Lock()

    def nid_client(self, client_id: str, token_uri: str) -> NidClient:
        """The (cached) nID client of a sender for a token endpoint."""
        return self._nid(client_id, token_uri)

    def _nid(self, client_id: str, token_uri: str) -> NidClient:
        with self._lock:
            client = self._clients.get((client_id, token_uri))
            if client is None:
                client = NidClient(client_id, self.keys(client_id), token_uri, http=self.http)
                self._clients[(client_id, token_uri)] = client
            return client

    def send(self, row: OutboxRow) -> Attempt:
        if row.kind == KIND_WEBHOOK:
            return self._webhook(row)
        if row.kind == KIND_FANOUT:
            if self.fanout is None:
                return Attempt("retry", error="this worker has no fan-out handler configured")
            return self.fanout(row)
        functionaliteit = "MELDING" if row.kind == KIND_MELDING else "NOTIFICATIE"
        try:
            endpoint = self.resolver.resolve(
                self.organisatie_id(row.ontvanger_id_type, row.ontvanger_id),
                functionaliteit,
                row.systeemrol or "",
            )
        except LookupError as exc:
            # network.md §8.4: not in the address book -> don't send, alert; retried in case
            # the operator adds the entry.
            return Attempt("retry", error=f"address book: {exc}")
        try:
            scope = (
                melding_scope(row.ontvanger_id_type)
                if row.kind == KIND_MELDING
                else notificatie_scope(row.ontvanger_id_type)
            )
        except KeyError:
            return Attempt(
                "dead",
                error=f"no {row.kind} scope exists for receivers of type "
                f"{row.ontvanger_id_type} (network.md §3.3)",
            )
        trace = trace_id_var.get() or new_trace_id()
        try:
            nid = self._nid(row.afzender, endpoint.token_uri)
            token = nid.token(scope, endpoint.resource_uri, trace_id=trace)
        except FileNotFoundError as exc:
            return Attempt("retry", error=str(exc))
        except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
            return Attempt("retry", error=f"token: {exc}"[:2000])
        if row.kind == KIND_MELDING:
            body = {"query": ZEND_MELDING, "variables": {"meldingInput": dict(row.payload)}}
            field, id_field = "zendMelding", "meldingID"
        else:
            body = {
                "query": ZEND_NOTIFICATIE,
                "variables": {"notificatieInput": dict(row.payload)},
            }
            field, id_field = "zendNotificatie", "notificatieID"
        try:
            response = self._post(
                endpoint.pep_uri,
                content=canonical_json(body),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Accept": "application/graphql-response+json, application/json",
                    TRACE_HEADER: trace,
                    SPAN_HEADER: new_span_id(),
                },
            )
        except (httpx.HTTPError, _TooSlow, _TooLarge) as exc:
            return Attempt("retry", error=f"{type(exc).__name__}: {exc}"[:2000])
        if response.status_code == 401:
            # The token may have been revoked or signed with a rotated key: fetch a new one.
            nid.forget(scope, endpoint.resource_uri)
        return _graphql_outcome(response, field, id_field)

    def _post(self, url: str, *, content: bytes, headers: Mapping[str, str]) -> httpx.Response:
        """POST with a deadline for the whole exchange and a cap on the answer's size: a
        receiver that trickles its answer must not hold a worker (httpx's timeouts are per
        read)."""
        deadline = time.monotonic() + self.timeout
        with self.http.stream("POST", url, content=content, headers=headers) as response:
            body = bytearray()
            for chunk in response.iter_raw():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise _TooLarge(f"answer larger than {MAX_RESPONSE_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise _TooSlow(f"answer took longer than {self.timeout} s")
            return httpx.Response(
                response.status_code, headers=response.headers, content=bytes(body)
            )

    def _webhook(self, row: OutboxRow) -> Attempt:
        url = row.target_url or ""
        if self.webhook_guard is not None:
            refused = self.webhook_guard(url)
            if refused:
                # A name that does not resolve now may resolve later; a forbidden address won't.
                unresolved = "could not be resolved" in refused or "has no address" in refused
                return Attempt(
                    "retry" if unresolved else "dead", error=f"webhook target refused: {refused}"
                )
        headers = {"Content-Type": "application/json", **(row.headers or {})}
        try:
            response = self._post(url, content=canonical_json(row.payload), headers=headers)
        except (httpx.HTTPError, _TooSlow, _TooLarge) as exc:
            return Attempt("retry", error=f"{type(exc).__name__}: {exc}"[:2000])
        if 200 <= response.status_code < 300:
            return Attempt("delivered", status=response.status_code)
        return _http_failure(response)


MAX_RESPONSE_BYTES = 1_048_576


class _TooSlow(Exception):
    pass


class _TooLarge(Exception):
    pass


def _http_failure(response: httpx.Response) -> Attempt:
    status = response.status_code
    text = response.text[:2000]
    retry_after = retry_after_seconds(response.headers.get("retry-after"), time.time())
    if status >= 500 or status in (401, 408, 425, 429):
        return Attempt("retry", status=status, error=text, retry_after=retry_after)
    return Attempt("dead", status=status, error=text)


def _graphql_outcome(response: httpx.Response, field: str, id_field: str) -> Attempt:
    if response.status_code != 200:
        return _http_failure(response)
    try:
        body = response.json()
    except ValueError:
        return Attempt("retry", status=200, error="response is not JSON")
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        codes = {((e or {}).get("extensions") or {}).get("code") for e in errors}
        outcome: Literal["retry", "dead"] = "retry" if "INTERNAL_SERVER_ERROR" in codes else "dead"
        return Attempt(outcome, status=200, error=json.dumps(errors)[:2000])
    data = (body.get("data") or {}).get(field) or {}
    response_id = data.get(id_field)
    if not response_id:
        return Attempt("retry", status=200, error=f"no {id_field} in the response")
    return Attempt("delivered", status=200, response_id=str(response_id))
