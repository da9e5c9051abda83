"""The outbox: everything a participant must send (notificaties, meldingen, webhooks).

A register write calls :func:`enqueue` inside its own transaction, so a committed change always
has its notifications queued and a rolled-back one never does. Delivery workers
(:mod:`iwlz.notificaties.worker`) claim rows with a lease, send them and record the outcome.

Row states: ``pending`` (waiting for its ``next_attempt_at``), ``delivered`` (HTTP 200 without
``errors``), ``dead`` (the last attempt of the schedule failed, or the receiver refused it for
good). An operator moves ``dead`` rows back to ``pending`` with ``iwlz notifications retry``.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

KIND_NOTIFICATIE = "notificatie"
KIND_MELDING = "melding"
KIND_WEBHOOK = "webhook"
KIND_FANOUT = "fanout"
"""A notification whose receivers are found at send time (over the network, outside the
register's transaction): the worker expands it into ``notificatie`` rows (see
:mod:`iwlz.notificaties.fanout`). ``payload`` is the notification with the first receiver."""
KINDS = (KIND_NOTIFICATIE, KIND_MELDING, KIND_WEBHOOK, KIND_FANOUT)

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
CANCELLED = "cancelled"
STATUSES = (PENDING, DELIVERED, DEAD, CANCELLED)

outbox_table = sa.Table(
    "notificatie_outbox",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("delivery_id", sa.Uuid(), nullable=False, unique=True),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("afzender", sa.String(40), nullable=False),
    sa.Column("ontvanger_id_type", sa.String(12), nullable=False),
    sa.Column("ontvanger_id", sa.String(40), nullable=False),
    sa.Column("systeemrol", sa.String(40)),
    sa.Column("event_type", sa.String(80)),
    sa.Column("ontvanger_kenmerk", sa.String(200)),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("target_url", sa.String(500)),
    sa.Column("headers", sa.JSON()),
    sa.Column("source_event_id", sa.Uuid()),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_until", UTCDateTime()),
    sa.Column("last_status", sa.Integer()),
    sa.Column("last_error", sa.Text()),
    sa.Column("response_id", sa.String(64)),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("delivered_at", UTCDateTime()),
    sa.Column("dead_at", UTCDateTime()),
    sa.Index("ix_notificatie_outbox_due", "status", "next_attempt_at"),
    sa.Index("ix_notificatie_outbox_ontvanger", "ontvanger_id_type", "ontvanger_id"),
)


@dataclass(frozen=True)
class Delivery:
    """One thing to send.

    * ``notificatie`` / ``melding``: ``payload`` is the ``NotificatieInput`` / ``MeldingInput``
      (JSON-ready: ``timestamp`` as ISO string); the worker finds the receiver's netwerkpunt in
      the address book under ``systeemrol`` (e.g. ``NOTIFICATIE_INDICATIE``, ``MELDING``) and
      sends with a token of ``afzender`` (an nID client_id such as ``kvk:62253778``).
    * ``webhook``: ``payload`` is POSTed as JSON to ``target_url`` with ``headers``; the
      receiver fields say whose webhook it is.
    """

    kind: str
    afzender: str
    ontvanger_id_type: str
    ontvanger_id: str
    payload: Mapping[str, Any]
    systeemrol: str | None = None
    event_type: str | None = None
    ontvanger_kenmerk: str | None = None
    target_url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown delivery kind {self.kind!r}; use one of {KINDS}")
        if self.kind == KIND_WEBHOOK and not self.target_url:
            raise ValueError("a webhook delivery needs a target_url")
        if self.kind != KIND_WEBHOOK and not self.systeemrol:
            raise ValueError(f"a {self.kind} delivery needs a systeemrol for the address book")


def enqueue(
    conn: Connection,
    deliveries: Iterable[Delivery],
    *,
    now: dt.datetime,
    first_delay: float = 0.0,
    source_event_id: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Queue ``deliveries`` inside the caller's transaction; returns their delivery IDs."""
    rows: list[dict[str, Any]] = []
    due = now + dt.timedelta(seconds=first_delay)
    for d in deliveries:
        rows.append(
            {
                "delivery_id": uuid.uuid4(),
                "kind": d.kind,
                "afzender": d.afzender,
                "ontvanger_id_type": d.ontvanger_id_type,
                "ontvanger_id": d.ontvanger_id,
                "systeemrol": d.systeemrol,
                "event_type": d.event_type,
                "ontvanger_kenmerk": d.ontvanger_kenmerk,
                "payload": dict(d.payload),
                "target_url": d.target_url,
                "headers": dict(d.headers) or None,
                "source_event_id": source_event_id,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": due,
                "created_at": now,
            }
        )
    if rows:
        conn.execute(outbox_table.insert(), rows)
        # Workers start at once after the commit instead of at their next poll: in this
        # process through WAKE, on PostgreSQL in every process (NOTIFY is sent at commit).
        sa.event.listen(conn, "commit", _wake, once=True)
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"NOTIFY {NOTIFY_CHANNEL}"))
    return [r["delivery_id"] for r in rows]


NOTIFY_CHANNEL = "iwlz_outbox"

WAKE = threading.Event()
"""Set when this process commits new deliveries; in-process workers wait on it."""


def _wake(_conn: Connection) -> None:
    WAKE.set()


@dataclass(frozen=True)
class OutboxRow:
    """A delivery as stored, with its state."""

    id: int
    delivery_id: uuid.UUID
    kind: str
    afzender: str
    ontvanger_id_type: str
    ontvanger_id: str
    systeemrol: str | None
    event_type: str | None
    ontvanger_kenmerk: str | None
    payload: Mapping[str, Any]
    target_url: str | None
    headers: Mapping[str, str] | None
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_status: int | None
    last_error: str | None
    response_id: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    dead_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: Any) -> OutboxRow:
        m = row._mapping
        return cls(**{f: m[f] for f in cls.__dataclass_fields__})


def cancel(
    conn: Connection,
    *,
    now: dt.datetime,
    reason: str,
    kind: str | None = None,
    ontvanger: tuple[str, str] | None = None,
    ontvanger_kenmerk: str | None = None,
) -> int:
    """Stop deliveries that are still waiting (``pending``, or ``dead`` and so retryable)
    because what they were for is gone: a deleted subscription, a changed webhook. Runs in
    the caller's transaction; a row a worker is sending right now may still arrive once."""
    t = outbox_table
    cond: list[sa.ColumnElement[bool]] = [t.c.status.in_((PENDING, DEAD))]
    if kind is not None:
        cond.append(t.c.kind == kind)
    if ontvanger is not None:
        cond += [t.c.ontvanger_id_type == ontvanger[0], t.c.ontvanger_id == ontvanger[1]]
    if ontvanger_kenmerk is not None:
        cond.append(t.c.ontvanger_kenmerk == ontvanger_kenmerk)
    if len(cond) == 1:
        raise ValueError("cancel needs a kind, a receiver or an ontvangerKenmerk")
    result = conn.execute(
        t.update()
        .where(*cond)
        .values(
            status=CANCELLED, last_error=reason, lease_owner=None, lease_until=None, dead_at=now
        )
    )
    return int(result.rowcount or 0)


def list_deliveries(
    engine: Engine,
    *,
    status: str | None = None,
    ontvanger: str | None = None,
    kind: str | None = None,
    limit: int = 100,
) -> list[OutboxRow]:
    """Newest first; ``ontvanger`` is ``IDTYPE:ID`` (e.g. ``UZOVI:5505``)."""
    q = sa.select(outbox_table).order_by(outbox_table.c.id.desc()).limit(limit)
    if status:
        q = q.where(outbox_table.c.status == status)
    if kind:
        q = q.where(outbox_table.c.kind == kind)
    if ontvanger:
        id_type, _, value = ontvanger.partition(":")
        q = q.where(
            outbox_table.c.ontvanger_id_type == id_type.upper(),
            outbox_table.c.ontvanger_id == value,
        )
    with engine.connect() as conn:
        return [OutboxRow.from_row(r) for r in conn.execute(q)]


def counts(engine: Engine) -> dict[str, int]:
    """Rows per status (for ``/metrics`` and the CLI)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(outbox_table.c.status, sa.func.count()).group_by(outbox_table.c.status)
        )
        found = {str(s): int(n) for s, n in rows}
    return {s: found.get(s, 0) for s in STATUSES}


def retry(
    engine: Engine,
    *,
    now: dt.datetime,
    ids: Sequence[uuid.UUID] = (),
    all_dead: bool = False,
    ontvanger: str | None = None,
) -> int:
    """Put dead deliveries back in the queue, due now, with a fresh schedule."""
    if not ids and not all_dead and not ontvanger:
        raise ValueError("name deliveries to retry, a receiver, or ask for all dead ones")
    cond = [outbox_table.c.status == DEAD]
    if ids:
        cond.append(outbox_table.c.delivery_id.in_(list(ids)))
    if ontvanger:
        id_type, _, value = ontvanger.partition(":")
        cond.append(outbox_table.c.ontvanger_id_type == id_type.upper())
        cond.append(outbox_table.c.ontvanger_id == value)
    with engine.begin() as conn:
        result = conn.execute(
            outbox_table.update()
            .where(*cond)
            .values(
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                lease_owner=None,
                lease_until=None,
                dead_at=None,
            )
        )
    return int(result.rowcount or 0)
