"""Database engines and column types shared by every register.

SQLite is the embedded default (WAL, foreign keys on, case-sensitive LIKE so that string
filters are ordinal as in the standard); PostgreSQL is the production store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.pool import StaticPool


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Timezone-aware datetime stored as UTC.

    SQLite keeps naive text; normalising to UTC on the way in makes comparisons and
    ordering agree between SQLite and PostgreSQL. Values come back tz-aware in UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a time zone is required")
        utc = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA case_sensitive_like=ON")
    cur.close()


def create_engine(url: str, *, echo: bool = False, pre_ping: bool = False) -> Engine:
    """Create an engine for ``url`` with the settings iwlz relies on.

    ``sqlite://`` (in memory) gets a single shared connection so that every session
    sees the same database. On PostgreSQL, ``pre_ping`` tests each pooled connection before
    use (one extra round trip per checkout, about 10 % of a notification's cost); without it
    a connection broken by a database restart fails one request, after which the whole pool
    is replaced, and connections are recycled hourly.
    """
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    else:
        kwargs["pool_pre_ping"] = pre_ping
        kwargs["pool_recycle"] = 3600
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def ensure_sqlite_dir(url: str) -> None:
    """Create the parent folder of a file-based SQLite URL."""
    from pathlib import Path

    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        Path(url[len(prefix) :]).expanduser().parent.mkdir(parents=True, exist_ok=True)
