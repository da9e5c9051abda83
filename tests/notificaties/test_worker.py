"""Outbox and delivery worker: leases, retries, dead letters, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core import migrate
from iwlz.core.db import create_engine
from iwlz.notificaties import outbox
from iwlz.notificaties.outbox import Delivery, OutboxRow, enqueue, outbox_table
from iwlz.notificaties.worker import (
    Attempt,
    DeliveryWorker,
    RetryPolicy,
    _graphql_outcome,
    parse_schedule,
    retry_after_seconds,
)

T0 = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


class MovingClock:
    def __init__(self, instant: dt.datetime) -> None:
        self.instant = instant

    def now(self) -> dt.datetime:
        return self.instant

    def today(self) -> dt.date:
        return self.instant.date()

    def advance(self, seconds: float) -> None:
        self.instant += dt.timedelta(seconds=seconds)


class ScriptedTransport:
    """Answers from a script per receiver; records every send."""

    def __init__(self, script: dict[str, list[Attempt]] | None = None) -> None:
        self.script = script or {}
        self.sent: list[uuid.UUID] = []
        self.lock = threading.Lock()

    def send(self, row: OutboxRow) -> Attempt:
        with self.lock:
            self.sent.append(row.delivery_id)
            answers = self.script.get(row.ontvanger_id)
            if answers:
                return answers.pop(0) if len(answers) > 1 else answers[0]
        return Attempt("delivered", status=200, response_id=str(uuid.uuid4()))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


def _delivery(ontvanger: str, n: int = 0) -> Delivery:
    return Delivery(
        kind="notificatie",
        afzender="kvk:62253778",
        ontvanger_id_type="UZOVI",
        ontvanger_id=ontvanger,
        systeemrol="NOTIFICATIE_INDICATIE",
        event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
        payload={"n": n},
    )


def _queue(engine: Engine, deliveries: list[Delivery], now: dt.datetime = T0) -> list[uuid.UUID]:
    with engine.begin() as conn:
        return enqueue(conn, deliveries, now=now)


def _rows(engine: Engine) -> dict[uuid.UUID, OutboxRow]:
    with engine.connect() as conn:
        return {
            r.delivery_id: r
            for r in (OutboxRow.from_row(x) for x in conn.execute(sa.select(outbox_table)))
        }


def test_delivery_is_recorded_with_the_receivers_id(engine: Engine) -> None:
    clock = MovingClock(T0)
    (did,) = _queue(engine, [_delivery("5505")])
    worker = DeliveryWorker(engine, ScriptedTransport(), clock=clock)
    assert worker.run_once() == 1
    row = _rows(engine)[did]
    assert row.status == outbox.DELIVERED
    assert row.attempts == 1 and row.response_id and row.delivered_at == T0
    assert worker.run_once() == 0


def test_failures_follow_the_schedule_then_dead_letter(engine: Engine) -> None:
    clock = MovingClock(T0)
    (did,) = _queue(engine, [_delivery("5505")])
    transport = ScriptedTransport({"5505": [Attempt("retry", status=503, error="down")]})
    schedule = (0.0, 5.0, 60.0)
    worker = DeliveryWorker(
        engine, transport, clock=clock, policy=RetryPolicy(schedule, jitter=0.0)
    )
    assert worker.run_once() == 1
    row = _rows(engine)[did]
    assert row.status == outbox.PENDING and row.next_attempt_at == T0 + dt.timedelta(seconds=5)
    clock.advance(4)
    assert worker.run_once() == 0  # not due yet
    clock.advance(1)
    assert worker.run_once() == 1
    assert _rows(engine)[did].next_attempt_at == clock.now() + dt.timedelta(seconds=60)
    clock.advance(60)
    assert worker.run_once() == 1
    row = _rows(engine)[did]
    assert row.status == outbox.DEAD and row.attempts == 3
    assert row.last_status == 503 and row.last_error == "down"
    assert len(transport.sent) == 3


def test_retry_after_stretches_the_wait_and_jitter_stays_in_bounds(engine: Engine) -> None:
    policy = RetryPolicy((0, 10, 10), jitter=0.2, rng=random.Random(1))
    delays = [policy.next_delay(1) for _ in range(200)]
    assert all(d is not None and 8 <= d <= 12 for d in delays)
    assert len({round(d or 0, 3) for d in delays}) > 50
    assert policy.next_delay(1, retry_after=120) == 120
    assert policy.next_delay(3) is None
    clock = MovingClock(T0)
    (did,) = _queue(engine, [_delivery("5505")])
    transport = ScriptedTransport({"5505": [Attempt("retry", status=429, retry_after=600)]})
    DeliveryWorker(
        engine, transport, clock=clock, policy=RetryPolicy((0, 1, 1), jitter=0)
    ).run_once()
    assert _rows(engine)[did].next_attempt_at == T0 + dt.timedelta(seconds=600)


def test_a_refusal_dead_letters_at_once_and_others_are_unaffected(engine: Engine) -> None:
    clock = MovingClock(T0)
    ids = _queue(engine, [_delivery("5505"), _delivery("5506")])
    transport = ScriptedTransport({"5505": [Attempt("dead", status=400, error="refused")]})
    DeliveryWorker(engine, transport, clock=clock).run_once()
    rows = _rows(engine)
    assert rows[ids[0]].status == outbox.DEAD and rows[ids[0]].attempts == 1
    assert rows[ids[1]].status == outbox.DELIVERED
    assert outbox.counts(engine) == {"pending": 0, "delivered": 1, "dead": 1, "cancelled": 0}
    # The operator fixes the cause and retries: the row is due again, with a fresh schedule.
    assert outbox.retry(engine, now=clock.now(), ids=[ids[0]]) == 1
    assert outbox.retry(engine, now=clock.now(), ids=[ids[1]]) == 0  # delivered: untouched
    transport.script.clear()
    DeliveryWorker(engine, transport, clock=clock).run_once()
    assert _rows(engine)[ids[0]].status == outbox.DELIVERED


def test_a_leased_row_waits_for_its_lease_and_a_stale_owner_cannot_overwrite(
    engine: Engine,
) -> None:
    clock = MovingClock(T0)
    (did,) = _queue(engine, [_delivery("5505")])
    first = DeliveryWorker(engine, ScriptedTransport(), clock=clock, lease_seconds=30)
    second = DeliveryWorker(engine, ScriptedTransport(), clock=clock, lease_seconds=30)
    claimed = first.claim()  # then "dies" before sending
    assert [r.delivery_id for r in claimed] == [did]
    assert second.claim() == []
    clock.advance(31)
    retaken = second.claim()
    assert [r.delivery_id for r in retaken] == [did]
    # The first worker wakes up and reports: its lease is gone, so nothing is written.
    first.record(claimed[0], Attempt("dead", status=400))
    assert _rows(engine)[did].status == outbox.PENDING
    second.record(retaken[0], Attempt("delivered", status=200, response_id="x"))
    assert _rows(engine)[did].status == outbox.DELIVERED


def test_concurrent_workers_send_every_row_exactly_once(engine: Engine) -> None:
    n = 300
    _queue(engine, [_delivery(f"55{i % 40:02d}", i) for i in range(n)])
    transport = ScriptedTransport()
    workers = [DeliveryWorker(engine, transport, batch_size=7) for _ in range(4)]

    def drain(w: DeliveryWorker) -> None:
        while w.run_once():
            pass

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sends = Counter(transport.sent)
    assert len(sends) == n and max(sends.values()) == 1
    assert outbox.counts(engine)["delivered"] == n


def test_enqueue_joins_the_callers_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        enqueue(conn, [_delivery("5505")], now=T0)
        raise RuntimeError("the register write failed")
    assert _rows(engine) == {}


def test_delivery_validation() -> None:
    with pytest.raises(ValueError, match="systeemrol"):
        Delivery("notificatie", "kvk:1", "UZOVI", "5505", {})
    with pytest.raises(ValueError, match="target_url"):
        Delivery("webhook", "netwerkpunt", "UZOVI", "5505", {})
    with pytest.raises(ValueError, match="unknown delivery kind"):
        Delivery("fax", "kvk:1", "UZOVI", "5505", {}, systeemrol="X")


def test_schedule_and_retry_after_parsing() -> None:
    assert parse_schedule("0, 5,300") == (0.0, 5.0, 300.0)
    for bad in ("", "a,b", "5,-1"):
        with pytest.raises(ValueError):
            parse_schedule(bad)
    assert retry_after_seconds("120", 0) == 120
    assert retry_after_seconds(None, 0) is None
    assert retry_after_seconds("soon", 0) is None
    when = dt.datetime(2026, 11, 27, 12, 0, 30, tzinfo=dt.UTC)
    http_date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after_seconds(http_date, T0.timestamp()) == 30


@pytest.mark.parametrize(
    ("status", "body", "headers", "outcome"),
    [
        (200, {"data": {"zendNotificatie": {"notificatieID": "abc"}}}, {}, "delivered"),
        (200, {"errors": [{"message": "x", "extensions": {"code": "BAD_USER_INPUT"}}]}, {}, "dead"),
        (
            200,
            {"errors": [{"message": "x", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]},
            {},
            "retry",
        ),
        (200, {"data": {"zendNotificatie": None}}, {}, "retry"),
        (
            400,
            {"errors": [{"message": "zendNotificatie mutation: event_type is not valid."}]},
            {},
            "dead",
        ),
        (403, {"errors": [{"message": "denied"}]}, {}, "dead"),
        (401, "Jwt is expired", {}, "retry"),
        (429, "slow down", {"Retry-After": "7"}, "retry"),
        (500, "boom", {}, "retry"),
        (503, "maintenance", {"Retry-After": "30"}, "retry"),
    ],
)
def test_http_outcomes(status: int, body: object, headers: dict[str, str], outcome: str) -> None:
    if isinstance(body, str):
        response = httpx.Response(status, text=body, headers=headers)
    else:
        response = httpx.Response(status, json=body, headers=headers)
    attempt = _graphql_outcome(response, "zendNotificatie", "notificatieID")
    assert attempt.outcome == outcome
    if "Retry-After" in headers:
        assert attempt.retry_after == float(headers["Retry-After"])
    if outcome == "delivered":
        assert attempt.response_id == "abc"


def test_rows_taken_over_after_a_lost_lease_are_not_sent(engine: Engine) -> None:
    clock = MovingClock(T0)
    ids = _queue(engine, [_delivery(f"55{i:02d}", i) for i in range(1, 5)])
    other = DeliveryWorker(engine, ScriptedTransport(), clock=clock, lease_seconds=10)
    stolen: list[uuid.UUID] = []

    class SlowFirst(ScriptedTransport):
        def send(self, row: OutboxRow) -> Attempt:
            if not self.sent:
                clock.advance(11)  # the first send outlives the lease ...
                stolen.extend(r.delivery_id for r in other.claim())  # ... and B takes over
            return super().send(row)

    slow = SlowFirst()
    # send_budget >= lease: the worker renews before every send and sees what it lost.
    mine = DeliveryWorker(engine, slow, clock=clock, lease_seconds=10, send_budget=10)
    assert mine.run_once() == 1
    assert slow.sent == [ids[0]]
    assert set(stolen) == set(ids)
    rows = _rows(engine)
    # B owns all four; A's outcome for the first was not written over B's lease.
    assert all(rows[i].status == outbox.PENDING and rows[i].attempts == 0 for i in ids)


def test_an_absurd_retry_after_is_capped(engine: Engine) -> None:
    clock = MovingClock(T0)
    (did,) = _queue(engine, [_delivery("5505")])
    transport = ScriptedTransport({"5505": [Attempt("retry", status=503, retry_after=1e12)]})
    DeliveryWorker(
        engine, transport, clock=clock, policy=RetryPolicy((0, 60, 600), jitter=0)
    ).run_once()
    row = _rows(engine)[did]
    assert row.attempts == 1 and row.status == outbox.PENDING
    assert row.next_attempt_at == T0 + dt.timedelta(seconds=3600)
    assert retry_after_seconds("Fri, 31 Dec 9999 23:59:59 GMT", T0.timestamp()) == 1e9


def test_cancel_stops_waiting_deliveries_only(engine: Engine) -> None:
    clock = MovingClock(T0)
    kept, gone = _queue(
        engine,
        [
            _delivery("5505"),
            Delivery(
                "notificatie",
                "kvk:62253778",
                "KVK",
                "90000017",
                {"n": 1},
                systeemrol="NOTIFICATIE_INDICATIE",
                event_type="WLZINDICATIE_MUTATIE_ABONNEMENT",
                ontvanger_kenmerk="abo-1",
            ),
        ],
    )
    with engine.begin() as conn:
        assert (
            outbox.cancel(conn, now=T0, reason="abonnement verwijderd", ontvanger_kenmerk="abo-1")
            == 1
        )
        with pytest.raises(ValueError):
            outbox.cancel(conn, now=T0, reason="everything")
    DeliveryWorker(engine, ScriptedTransport(), clock=clock).run_once()
    rows = _rows(engine)
    assert rows[kept].status == outbox.DELIVERED
    assert (
        rows[gone].status == outbox.CANCELLED and rows[gone].last_error == "abonnement verwijderd"
    )
    assert outbox.retry(engine, now=T0, all_dead=True) == 0  # cancelled is not dead


def test_an_idle_worker_starts_at_once_when_deliveries_are_committed(engine: Engine) -> None:
    """SQLite: the in-process wake-up; PostgreSQL: LISTEN/NOTIFY (which also reaches workers in
    other processes). The poll interval is 30 s, so only the wake-up explains a quick start."""
    import time

    transport = ScriptedTransport()
    worker = DeliveryWorker(engine, transport)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_seconds": 30})
    thread.start()
    try:
        time.sleep(0.5)  # the worker has found nothing and waits
        started = time.monotonic()
        (first,) = _queue(engine, [_delivery("5505")])
        while not transport.sent and time.monotonic() - started < 10:
            time.sleep(0.01)
        assert transport.sent == [first]
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        _queue(engine, [_delivery("5506")])  # wakes it once more, so that it sees `stop`
        thread.join(35)
    assert not thread.is_alive()
