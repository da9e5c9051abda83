"""Domain events: one row per register write, recorded in the write's own transaction.

Later components (notification rules, outbox, audit) hang on these rows; because they are
written in the same transaction as the data, nothing committed can lose its event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

domain_event = sa.Table(
    "domain_event",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("event_id", sa.Uuid(), nullable=False, unique=True),
    sa.Column("register", sa.String(40), nullable=False),
    sa.Column("tenant", sa.String(40), nullable=False),
    sa.Column("aggregate_type", sa.String(60), nullable=False),
    sa.Column("aggregate_id", sa.Uuid(), nullable=False),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Index("ix_domain_event_aggregate", "aggregate_type", "aggregate_id"),
)


@dataclass(frozen=True)
class DomainEvent:
    """A recorded domain event, as handed to event hooks."""

    event_id: uuid.UUID
    register: str
    tenant: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    event_type: str
    payload: dict[str, Any]
    occurred_at: dt.datetime


EventHook = Callable[[Connection, DomainEvent], None]
"""Runs inside the write's transaction (e.g. notification rules filling the outbox); an
exception rolls the whole write back, so a change never commits without its consequences."""


def record_event(
    conn: Connection,
    *,
    register: str,
    tenant: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID,
    event_type: str,
    payload: dict[str, Any],
    occurred_at: dt.datetime,
    hooks: Sequence[EventHook] = (),
) -> uuid.UUID:
    """Append a domain event inside the caller's transaction, run ``hooks`` on it in that same
    transaction, and return its ID."""
    event_id = uuid.uuid4()
    conn.execute(
        domain_event.insert().values(
            event_id=event_id,
            register=register,
            tenant=tenant,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
            event_type=event_type,
            payload=payload,
            occurred_at=occurred_at,
        )
    )
    if hooks:
        event = DomainEvent(
            event_id,
            register,
            tenant,
            aggregate_type,
            aggregate_id,
            event_type,
            payload,
            occurred_at,
        )
        for hook in hooks:
            hook(conn, event)
    return event_id
