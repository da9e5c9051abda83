"""Fan-out rows: VERVALLEN_INDICATIE_ZORGKANTOOR expanded to every zorgkantoor in the chain,
through the delivery worker, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core import migrate
from iwlz.core.db import create_engine
from iwlz.notificaties import outbox
from iwlz.notificaties.fanout import Fanout, FanoutError, FanoutRefused
from iwlz.notificaties.outbox import KIND_FANOUT, Delivery, OutboxRow, enqueue, outbox_table
from iwlz.notificaties.worker import Attempt, DeliveryWorker, RetryPolicy

T0 = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
WID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


class Clock:
    def now(self) -> dt.datetime:
        return T0

    def today(self) -> dt.date:
        return T0.date()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


def _fanout_row(engine: Engine) -> None:
    payload = {
        "afzenderIDType": "KVK",
        "afzenderID": "62253778",
        "ontvangerIDType": "UZOVI",
        "ontvangerID": "5501",
        "eventType": "VERVALLEN_INDICATIE_ZORGKANTOOR",
        "timestamp": "2026-11-27T12:00:00.000Z",
        "subjectList": [{"subject": f"WlzIndicatie/{WID}", "recordID": f"WlzIndicatie/{WID}"}],
    }
    with engine.begin() as conn:
        enqueue(
            conn,
            [
                Delivery(
                    kind=KIND_FANOUT,
                    afzender="kvk:62253778",
                    ontvanger_id_type="UZOVI",
                    ontvanger_id="5501",
                    payload=payload,
                    systeemrol="NOTIFICATIE_INDICATIE",
                    event_type="VERVALLEN_INDICATIE_ZORGKANTOOR",
                )
            ],
            now=T0,
        )


class Sender:
    """The worker's transport: fan-out rows to the Fanout, notifications recorded as sent."""

    def __init__(self, fanout: Fanout) -> None:
        self.fanout = fanout
        self.sent: list[OutboxRow] = []

    def send(self, row: OutboxRow) -> Attempt:
        if row.kind == KIND_FANOUT:
            result: Attempt = self.fanout(row)
            return result
        self.sent.append(row)
        return Attempt("delivered", status=200)


def _rows(engine: Engine) -> list[OutboxRow]:
    with engine.connect() as conn:
        return [OutboxRow.from_row(r) for r in conn.execute(sa.select(outbox_table))]


def test_fanout_queues_one_notification_per_zorgkantoor_in_the_chain(engine: Engine) -> None:
    registers: dict[str, list[Any]] = {
        "5501": [
            {
                "verantwoordelijkZorgkantoor": "5501",
                "overdracht": {"verantwoordelijkZorgkantoor": "5518"},
            }
        ],
        "5518": [{"verantwoordelijkZorgkantoor": "5518", "overdracht": None}],
    }
    asked: list[tuple[str, str, str]] = []

    def bemiddelingen(afzender: str, uzovi: str, wid: str) -> list[Any]:
        asked.append((afzender, uzovi, wid))
        return registers[uzovi]

    _fanout_row(engine)
    sender = Sender(Fanout(engine, Clock(), bemiddelingen))
    worker = DeliveryWorker(engine, sender, clock=Clock())
    assert worker.run_once() == 1  # the fan-out row
    assert worker.run_once() == 2  # the notifications it queued
    assert asked == [("kvk:62253778", "5501", WID), ("kvk:62253778", "5518", WID)]
    assert sorted(r.payload["ontvangerID"] for r in sender.sent) == ["5501", "5518"]
    for r in sender.sent:
        assert r.kind == "notificatie" and r.ontvanger_id == r.payload["ontvangerID"]
        assert r.payload["timestamp"] == "2026-11-27T12:00:00.000Z"
        assert r.event_type == "VERVALLEN_INDICATIE_ZORGKANTOOR"
    assert {r.kind: r.status for r in _rows(engine) if r.kind == KIND_FANOUT} == {
        KIND_FANOUT: outbox.DELIVERED
    }


def test_an_unreachable_register_still_notifies_the_first_zorgkantoor_and_retries(
    engine: Engine,
) -> None:
    calls: list[str] = []

    def down(afzender: str, uzovi: str, wid: str) -> list[Any]:
        calls.append(uzovi)
        raise FanoutError("503 from the Bemiddelingsregister")

    _fanout_row(engine)
    sender = Sender(Fanout(engine, Clock(), down))
    worker = DeliveryWorker(
        engine, sender, clock=Clock(), policy=RetryPolicy((0.0, 0.0, 60.0), jitter=0.0)
    )
    assert worker.run_once() == 1  # the fan-out row: retry, but its first receiver is queued
    fanout = next(r for r in _rows(engine) if r.kind == KIND_FANOUT)
    assert fanout.status == outbox.PENDING and fanout.attempts == 1
    assert fanout.last_error and "503" in fanout.last_error
    assert [r.ontvanger_id for r in _rows(engine) if r.kind == "notificatie"] == ["5501"]
    # The next round sends it; the fan-out's second attempt fails again and queues nothing new.
    assert worker.run_once() == 2
    assert [r.payload["ontvangerID"] for r in sender.sent] == ["5501"]
    assert len([r for r in _rows(engine) if r.kind == "notificatie"]) == 1
    assert calls == ["5501", "5501"]


def test_a_refusing_register_dead_letters_the_fanout_after_notifying_the_first(
    engine: Engine,
) -> None:
    def refused(afzender: str, uzovi: str, wid: str) -> list[Any]:
        raise FanoutRefused("403 Policy: Access Denied")

    _fanout_row(engine)
    sender = Sender(Fanout(engine, Clock(), refused))
    worker = DeliveryWorker(engine, sender, clock=Clock())
    worker.run_once()
    worker.run_once()
    fanout = next(r for r in _rows(engine) if r.kind == KIND_FANOUT)
    assert fanout.status == outbox.DEAD
    assert fanout.last_error and "refused" in fanout.last_error
    assert [r.payload["ontvangerID"] for r in sender.sent] == ["5501"]
