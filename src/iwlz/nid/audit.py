"""nID audit log: an append-only, hash-chained record of every token and PEP/PDP decision.

Every row carries ``seq`` (1, 2, 3, … without gaps), the previous row's hash and its own hash:
SHA-256 over a canonical JSON serialisation of all stored fields. A one-row head table holds
the last ``seq`` and hash, so a removed tail is noticed too. :meth:`AuditLog.verify` walks the
chain. BSNs are never stored in clear text: only HMAC-SHA256(``bsn_key``, BSN) is kept, in the
row and in an indexed side table that serves look-ups by BSN.

The chain makes tampering *evident*; it cannot stop somebody with write access who rewrites
the whole tail and the head consistently. Anchoring the head hash outside the database
(see :meth:`AuditLog.head`) closes that gap.

Hash input, version 1 (``v`` = 1): UTF-8 of ``json.dumps(obj, sort_keys=True,
separators=(",", ":"), ensure_ascii=True, allow_nan=False)`` where ``obj`` maps every column of
``nid_audit_log`` except ``hash`` to its value; ``records``, ``bsn_hashes`` and ``details`` as the
JSON values they encode, timestamps as ``datetime.isoformat(timespec="microseconds")`` in UTC
(``…+00:00``). The genesis ``prev_hash`` is 64 zeros.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

log = logging.getLogger("iwlz.nid.audit")

__all__ = [
    "GENESIS_HASH",
    "AuditEvent",
    "AuditIntegrityError",
    "AuditLog",
    "AuditRecord",
    "VerifyResult",
    "audit_bsn",
    "audit_head",
    "audit_log",
    "canonical_bytes",
    "postgres_append_only_ddl",
    "postgres_append_only_drop_ddl",
    "row_hash",
]

GENESIS_HASH = "0" * 64
FORMAT_VERSION = 1
DECISIONS = frozenset({"allow", "deny"})
# Untrusted input (e.g. a client_id from a refused token request) must not bloat the log.
MAX_TEXT = 4096
MAX_DETAILS = 16384
_BATCH = 1000
_MAX_PROBLEMS = 1000

_SeqType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

audit_log = sa.Table(
    "nid_audit_log",
    metadata,
    # INTEGER on SQLite makes seq the rowid: rows are clustered by seq, no extra index.
    sa.Column("seq", _SeqType, primary_key=True, autoincrement=False),
    sa.Column("v", sa.SmallInteger(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("decision", sa.String(8), nullable=False),
    sa.Column("participant", sa.Text(), nullable=True),
    sa.Column("on_behalf_of", sa.Text(), nullable=True),
    sa.Column("operation", sa.Text(), nullable=True),
    sa.Column("resource", sa.Text(), nullable=True),
    sa.Column("use_case", sa.Text(), nullable=True),
    # JSON kept as the exact canonical text we wrote, not a JSON column: what is read back
    # is byte-for-byte what was hashed, whatever the database does with JSON.
    sa.Column("records", sa.Text(), nullable=False),
    sa.Column("bsn_hashes", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("http_status", sa.Integer(), nullable=True),
    sa.Column("trace_id", sa.Text(), nullable=True),
    sa.Column("span_id", sa.Text(), nullable=True),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
    sa.Column("details", sa.Text(), nullable=False),
    sa.Index("ix_nid_audit_log_participant", "participant", "seq"),
    sa.Index("ix_nid_audit_log_occurred_at", "occurred_at"),
)

audit_bsn = sa.Table(
    "nid_audit_bsn",
    metadata,
    sa.Column("bsn_hash", sa.String(64), primary_key=True),
    sa.Column(
        "seq",
        _SeqType,
        sa.ForeignKey("nid_audit_log.seq"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Index("ix_nid_audit_bsn_seq", "seq"),
)

audit_head = sa.Table(
    "nid_audit_head",
    metadata,
    sa.Column("id", sa.SmallInteger(), primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
)


def postgres_append_only_ddl() -> list[str]:
    """SQL that makes the audit tables append-only on PostgreSQL (for the Alembic migration).

    UPDATE, DELETE and TRUNCATE of ``nid_audit_log`` and ``nid_audit_bsn`` raise; the head row
    may only move forward and cannot be deleted. A superuser can still disable triggers, which
    is why :meth:`AuditLog.verify` exists. Requires PostgreSQL 11+ (``EXECUTE FUNCTION``).
    The statements contain no ``%`` and no ``:name``, so ``op.execute(sql)`` (a ``text()``
    construct) and a driver-level execute both pass them through unchanged.
    """
    return [
        """CREATE OR REPLACE FUNCTION nid_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'nid audit log is append-only: ' || TG_OP || ' on ' || TG_TABLE_NAME
            || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$""",
        """CREATE OR REPLACE FUNCTION nid_audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.seq < OLD.seq THEN
        RAISE EXCEPTION USING
            MESSAGE = 'nid audit head may only move forward (seq ' || OLD.seq || ' to '
                || NEW.seq || ')',
            ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$""",
        "CREATE TRIGGER nid_audit_log_append_only BEFORE UPDATE OR DELETE ON nid_audit_log "
        "FOR EACH ROW EXECUTE FUNCTION nid_audit_refuse_change()",
        "CREATE TRIGGER nid_audit_log_no_truncate BEFORE TRUNCATE ON nid_audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION nid_audit_refuse_change()",
        "CREATE TRIGGER nid_audit_bsn_append_only BEFORE UPDATE OR DELETE ON nid_audit_bsn "
        "FOR EACH ROW EXECUTE FUNCTION nid_audit_refuse_change()",
        "CREATE TRIGGER nid_audit_bsn_no_truncate BEFORE TRUNCATE ON nid_audit_bsn "
        "FOR EACH STATEMENT EXECUTE FUNCTION nid_audit_refuse_change()",
        "CREATE TRIGGER nid_audit_head_forward_only BEFORE UPDATE ON nid_audit_head "
        "FOR EACH ROW EXECUTE FUNCTION nid_audit_head_forward_only()",
        "CREATE TRIGGER nid_audit_head_no_delete BEFORE DELETE ON nid_audit_head "
        "FOR EACH ROW EXECUTE FUNCTION nid_audit_refuse_change()",
        "CREATE TRIGGER nid_audit_head_no_truncate BEFORE TRUNCATE ON nid_audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION nid_audit_refuse_change()",
    ]


def postgres_append_only_drop_ddl() -> list[str]:
    """The inverse of :func:`postgres_append_only_ddl` (for the migration's downgrade)."""
    return [
        "DROP TRIGGER IF EXISTS nid_audit_head_no_truncate ON nid_audit_head",
        "DROP TRIGGER IF EXISTS nid_audit_head_no_delete ON nid_audit_head",
        "DROP TRIGGER IF EXISTS nid_audit_head_forward_only ON nid_audit_head",
        "DROP TRIGGER IF EXISTS nid_audit_bsn_no_truncate ON nid_audit_bsn",
        "DROP TRIGGER IF EXISTS nid_audit_bsn_append_only ON nid_audit_bsn",
        "DROP TRIGGER IF EXISTS nid_audit_log_no_truncate ON nid_audit_log",
        "DROP TRIGGER IF EXISTS nid_audit_log_append_only ON nid_audit_log",
        "DROP FUNCTION IF EXISTS nid_audit_head_forward_only()",
        "DROP FUNCTION IF EXISTS nid_audit_refuse_change()",
    ]


@dataclass(frozen=True)
class AuditEvent:
    """One thing nID decided: a token issued or refused, or a PEP/PDP decision.

    ``bsns`` are given in clear text and are only ever stored as keyed hashes; they are also
    blanked out wherever they occur in the other text fields. ``details`` holds small JSON
    extras (scopes, audience, jti, …) and must not contain tokens.
    """

    event_type: str
    decision: str
    participant: str | None
    on_behalf_of: str | None
    operation: str | None
    resource: str | None
    use_case: str | None
    records: tuple[str, ...]
    bsns: tuple[str, ...]
    reason: str | None
    http_status: int | None
    trace_id: str | None
    span_id: str | None
    occurred_at: dt.datetime
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.event_type or len(self.event_type) > 64:
            raise ValueError("event_type must be 1 to 64 characters")
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be 'allow' or 'deny', not {self.decision!r}")
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware")
        # A bare string would be split into characters by tuple(): a BSN would be lost.
        if isinstance(self.records, str) or isinstance(self.bsns, str):
            raise TypeError("records and bsns must be sequences of strings, not a string")


@dataclass(frozen=True)
class AuditRecord:
    """A stored audit row as read back; BSNs appear only as their keyed hashes."""

    seq: int
    prev_hash: str
    hash: str
    event_type: str
    decision: str
    participant: str | None
    on_behalf_of: str | None
    operation: str | None
    resource: str | None
    use_case: str | None
    records: tuple[str, ...]
    bsn_hashes: tuple[str, ...]
    reason: str | None
    http_status: int | None
    trace_id: str | None
    span_id: str | None
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    details: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (timestamps as ISO 8601 UTC), e.g. for JSON-lines output."""
        return {
            "seq": self.seq,
            "event_type": self.event_type,
            "decision": self.decision,
            "participant": self.participant,
            "on_behalf_of": self.on_behalf_of,
            "operation": self.operation,
            "resource": self.resource,
            "use_case": self.use_case,
            "records": list(self.records),
            "bsn_hashes": list(self.bsn_hashes),
            "reason": self.reason,
            "http_status": self.http_status,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "occurred_at": _iso(self.occurred_at),
            "recorded_at": _iso(self.recorded_at),
            "details": dict(self.details),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :meth:`AuditLog.verify`; each problem starts with ``seq N:`` (or a range)."""

    ok: bool
    checked: int
    problems: list[str]


class AuditIntegrityError(RuntimeError):
    """The chain's head is inconsistent with the log, so appending could fork or hide damage."""


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """The hash input for a row: sorted-key, compact, ASCII-only JSON."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _json_text(value: Any) -> str:
    # Stored text is canonical too (but readable non-ASCII); loads(dumps(x)) is a fixed point,
    # so hashing the parsed value at append and at verify time gives the same bytes.
    text = json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    )
    return _clean(text, limit=None)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _iso(value) if value.tzinfo else value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(str(v) for v in value)
    return str(value)


def _clean(value: str, *, limit: int | None = MAX_TEXT) -> str:
    # PostgreSQL text rejects NUL, and lone surrogates (legal in Python, e.g. from a JSON
    # "\ud800" escape in a request) cannot be encoded; both would make the append fail.
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    value = value.encode("utf-8", "replace").decode("utf-8")
    if limit is not None and len(value) > limit:
        value = value[:limit] + "…[truncated]"
    return value


def _opt(value: str | None) -> str | None:
    return None if value is None else _clean(str(value))


def _normalise_bsn(bsn: str) -> str:
    digits = bsn.strip().replace(" ", "").replace(".", "")
    # BSNs with a leading zero are often written with 8 digits.
    if digits.isdigit() and len(digits) == 8:
        digits = "0" + digits
    return digits


def _row_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """The hash input (everything but ``hash``) from stored column values."""
    return {
        "v": row["v"],
        "seq": row["seq"],
        "prev_hash": row["prev_hash"],
        "event_type": row["event_type"],
        "decision": row["decision"],
        "participant": row["participant"],
        "on_behalf_of": row["on_behalf_of"],
        "operation": row["operation"],
        "resource": row["resource"],
        "use_case": row["use_case"],
        "records": json.loads(row["records"]),
        "bsn_hashes": json.loads(row["bsn_hashes"]),
        "reason": row["reason"],
        "http_status": row["http_status"],
        "trace_id": row["trace_id"],
        "span_id": row["span_id"],
        "occurred_at": _iso(row["occurred_at"]),
        "recorded_at": _iso(row["recorded_at"]),
        "details": json.loads(row["details"]),
    }


def row_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a stored row's canonical serialisation."""
    return hashlib.sha256(canonical_bytes(_row_fields(row))).hexdigest()


_ENGINE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_ENGINE_LOCKS_GUARD = threading.Lock()


def _engine_lock(engine: Engine) -> threading.Lock:
    # One lock per engine, not per AuditLog: two logs on one in-memory database share it.
    with _ENGINE_LOCKS_GUARD:
        lock = _ENGINE_LOCKS.get(engine)
        if lock is None:
            lock = _ENGINE_LOCKS[engine] = threading.Lock()
        return lock


@dataclass
class _Prepared:
    values: dict[str, Any]
    bsn_hashes: list[str]


@dataclass
class _PendingAppend:
    event: AuditEvent
    done: threading.Event = field(default_factory=threading.Event)
    seq: int | None = None
    error: BaseException | None = None


class AuditLog:
    """Append-only, hash-chained audit log in ``nid_audit_log`` (see the module docstring).

    ``bsn_key`` is the secret for the keyed BSN hashes; it must stay the same for the lifetime
    of the log, or look-ups by BSN stop finding older rows.
    """

    def __init__(self, engine: Engine, *, bsn_key: bytes) -> None:
        if len(bsn_key) < 16:
            # The BSN space is only 10^9: a short key is as good as no key.
            raise ValueError("bsn_key must be at least 16 bytes")
        dialect = engine.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {dialect!r}")
        self._engine = engine
        self._key = bsn_key
        self._sqlite = dialect == "sqlite"
        # Threads in one process queue here instead of in SQLite's busy handler, which
        # sleeps in coarse steps; on an in-memory database (one shared connection) this
        # lock is what keeps transactions apart. PostgreSQL's row lock needs no help.
        self._lock = _engine_lock(engine) if self._sqlite else None
        self._shared_connection = isinstance(engine.pool, StaticPool)
        self._group_cond = threading.Condition()
        self._group_queue: list[_PendingAppend] = []
        self._group_writing = False
        self._later: list[AuditEvent] = []
        self._later_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._later_wake = threading.Event()
        self._later_thread: threading.Thread | None = None
        insert = sqlite.insert if self._sqlite else postgresql.insert
        self._init_head = (
            insert(audit_head)
            .values(id=1, seq=0, hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=["id"])
            # rowcount is not reliable here (psycopg reports -1); RETURNING is.
            .returning(audit_head.c.id)
        )
        self._select_head = (
            sa.select(audit_head.c.seq, audit_head.c.hash)
            .where(audit_head.c.id == 1)
            .with_for_update()
        )
        self._insert_log = audit_log.insert()
        self._insert_bsn = audit_bsn.insert()
        self._update_head = (
            audit_head.update()
            .where(audit_head.c.id == 1)
            .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))
        )

    # -- writing ---------------------------------------------------------------------------

    def hash_bsn(self, bsn: str) -> str:
        """HMAC-SHA256 (hex) of a BSN under this log's key, as stored and looked up."""
        return hmac.new(self._key, _normalise_bsn(bsn).encode(), hashlib.sha256).hexdigest()

    def append(self, event: AuditEvent) -> int:
        """Append one event durably and return its ``seq``.

        Safe from many threads and (on a file database or PostgreSQL) many processes.
        Raises :class:`AuditIntegrityError` when the head record is missing while the log
        has rows: a log that cannot be extended safely must not be extended.

        Group commit: appends are serialised on the chain head anyway, so concurrent callers
        in this process queue up and the first of them writes the whole queue in one
        transaction while the others wait for it. Each caller still returns only after its
        own record is committed; alone, it writes its record itself at once.
        """
        pending = _PendingAppend(event)
        with self._group_cond:
            self._group_queue.append(pending)
            # Wait while another thread writes; when it is done, either our record was in
            # its batch, or we write the next batch (ours and whoever queued meanwhile).
            while self._group_writing and not pending.done.is_set():
                self._group_cond.wait()
            if not pending.done.is_set():
                self._group_writing = True
                batch, self._group_queue = self._group_queue, []
            else:
                batch = []
        if batch:
            try:
                self._write_batch(batch)
            finally:
                with self._group_cond:
                    self._group_writing = False
                    self._group_cond.notify_all()
        if pending.error is not None:
            raise pending.error
        assert pending.seq is not None
        return pending.seq

    def _write_batch(self, batch: Sequence[_PendingAppend]) -> None:
        try:
            seqs = self.append_many([p.event for p in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = exc
                batch[0].done.set()
                return
            # One bad record must not fail the others: write them one by one.
            for p in batch:
                try:
                    p.seq = self.append_many([p.event])[0]
                except Exception as single:
                    p.error = single
                p.done.set()
            return
        for p, seq in zip(batch, seqs, strict=True):
            p.seq = seq
            p.done.set()

    def append_later(self, event: AuditEvent) -> None:
        """Queue a record of something already committed elsewhere; a background writer
        appends the queue in batches within milliseconds.

        For records that follow a decision already appended with :meth:`append` (for example
        the receipt of a notification whose PEP decision is logged): the caller does not wait
        for the audit transaction, and many of them share one. A crash in that window loses
        the queued records, never the decision's. :meth:`flush` writes the queue now.
        """
        with self._later_lock:
            self._later.append(event)
            if self._later_thread is None:
                self._later_thread = threading.Thread(
                    target=self._later_loop, name="iwlz-audit-writer", daemon=True
                )
                self._later_thread.start()
                atexit.register(self.flush)
        self._later_wake.set()

    def flush(self) -> None:
        """Append every queued :meth:`append_later` record now (including a batch the
        background writer has taken but not written yet). On failure the records go back
        to the front of the queue and the error is raised."""
        with self._flush_lock:
            with self._later_lock:
                batch, self._later = self._later, []
            if not batch:
                return
            try:
                self.append_many(batch)
            except Exception:
                with self._later_lock:
                    self._later[:0] = batch
                raise

    def _later_loop(self) -> None:
        backoff = 0.0
        while True:
            self._later_wake.wait()
            self._later_wake.clear()
            time.sleep(max(0.05, backoff))  # let a burst gather into one transaction
            try:
                self.flush()
                backoff = 0.0
            except Exception:  # kept queued; try again, slower each time (up to 30 s)
                backoff = min(30.0, backoff * 2 or 0.5)
                log.exception("deferred audit append failed; will retry")
                self._later_wake.set()

    def append_many(self, events: Sequence[AuditEvent]) -> list[int]:
        """Append events in one transaction (one lock round trip); returns their ``seq``s."""
        if not events:
            return []
        prepared = [self._prepare(e) for e in events]
        with (
            self._outer_lock(),
            self._engine.connect() as conn,
            self._inner_lock(),
            self._write_transaction(conn),
        ):
            seq, prev = self._lock_head(conn)
            recorded_at = dt.datetime.now(dt.UTC)
            rows: list[dict[str, Any]] = []
            bsn_rows: list[dict[str, Any]] = []
            for p in prepared:
                seq += 1
                row = dict(p.values, seq=seq, prev_hash=prev, recorded_at=recorded_at)
                row["hash"] = prev = row_hash(row)
                rows.append(row)
                bsn_rows.extend({"bsn_hash": h, "seq": seq} for h in p.bsn_hashes)
            conn.execute(self._insert_log, rows)
            if bsn_rows:
                conn.execute(self._insert_bsn, bsn_rows)
            conn.execute(self._update_head, {"new_seq": seq, "new_hash": prev})
        return [r["seq"] for r in rows]

    def _prepare(self, event: AuditEvent) -> _Prepared:
        bsns = [_normalise_bsn(b) for b in event.bsns if b and b.strip()]
        hashes = list(dict.fromkeys(self.hash_bsn(b) for b in bsns))
        scrub = _bsn_scrubber(bsns)
        # str keys up front: sort_keys cannot order a mix of key types.
        raw_details = {str(k): v for k, v in event.details.items()}
        details = _scrub_json(json.loads(_json_text(raw_details)), scrub)
        values: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "event_type": _clean(event.event_type),
            "decision": event.decision,
            "participant": _scrub_opt(scrub, event.participant),
            "on_behalf_of": _scrub_opt(scrub, event.on_behalf_of),
            "operation": _scrub_opt(scrub, event.operation),
            "resource": _scrub_opt(scrub, event.resource),
            "use_case": _scrub_opt(scrub, event.use_case),
            "records": _json_text([scrub(_clean(str(r))) for r in event.records]),
            "bsn_hashes": _json_text(hashes),
            "reason": _scrub_opt(scrub, event.reason),
            "http_status": None if event.http_status is None else int(event.http_status),
            "trace_id": _opt(event.trace_id),
            "span_id": _opt(event.span_id),
            # Microsecond precision is what both databases keep, so this is what we hash.
            "occurred_at": event.occurred_at.astimezone(dt.UTC),
            "details": _json_text(details),
        }
        if len(values["details"]) > MAX_DETAILS:
            values["details"] = _json_text({"truncated": values["details"][:MAX_DETAILS]})
        return _Prepared(values, hashes)

    def _outer_lock(self) -> AbstractContextManager[Any]:
        # With one shared connection, returning it to the pool rolls it back: another
        # thread's transaction must not start before that has happened.
        if self._lock is not None and self._shared_connection:
            return self._lock
        return nullcontext()

    def _inner_lock(self) -> AbstractContextManager[Any]:
        # Taken after the pool checkout, so a lock holder never waits for a connection that
        # a thread queued on this lock is holding.
        if self._lock is not None and not self._shared_connection:
            return self._lock
        return nullcontext()

    @contextmanager
    def _write_transaction(self, conn: Connection) -> Iterator[None]:
        if self._sqlite:
            # Take SQLite's write lock before reading the head; a deferred transaction
            # would let two writers read the same head and fork the chain.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _lock_head(self, conn: Connection) -> tuple[int, str]:
        head = conn.execute(self._select_head).first()
        if head is None:
            created = conn.execute(self._init_head).first() is not None
            head = conn.execute(self._select_head).one()
            if created:
                last = conn.execute(sa.select(sa.func.max(audit_log.c.seq))).scalar()
                if last is not None:
                    raise AuditIntegrityError(
                        f"seq {last}: the audit head record is missing while the log has "
                        "rows; run verify and restore the head before appending"
                    )
        return int(head.seq), str(head.hash)

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """A read-only connection that sees one consistent state of all audit tables."""
        with self._outer_lock(), self._engine.connect() as conn:
            if self._sqlite:
                # In WAL mode a read transaction keeps the snapshot of its first read.
                conn.exec_driver_sql("BEGIN")
            else:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            try:
                yield conn
            finally:
                conn.rollback()

    def head(self) -> tuple[int, str]:
        """The head record ``(seq, hash)``; ``(0, GENESIS_HASH)`` for an empty log.

        Publishing this pair elsewhere (a ticket, another system) from time to time lets a
        later verification prove that nothing up to that ``seq`` was rewritten.
        """
        with self._snapshot() as conn:
            row = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        return (0, GENESIS_HASH) if row is None else (int(row.seq), str(row.hash))

    def show(
        self,
        *,
        participant: str | None = None,
        bsn: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """The newest ``limit`` records matching all given filters, newest first.

        ``participant`` matches the caller exactly; ``bsn`` is hashed with this log's key and
        looked up in the BSN index; ``since`` compares with ``occurred_at`` (inclusive).
        """
        query = sa.select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
        if participant is not None:
            query = query.where(audit_log.c.participant == participant)
        if bsn is not None:
            query = query.join(audit_bsn, audit_bsn.c.seq == audit_log.c.seq).where(
                audit_bsn.c.bsn_hash == self.hash_bsn(bsn)
            )
        if since is not None:
            if since.tzinfo is None:
                raise ValueError("since must be timezone-aware")
            query = query.where(audit_log.c.occurred_at >= since)
        with self._snapshot() as conn:
            return [_record(row._mapping) for row in conn.execute(query)]

    def verify(
        self,
        *,
        progress: Callable[[int, int], None] | None = None,
        max_problems: int = _MAX_PROBLEMS,
    ) -> VerifyResult:
        """Walk the whole chain and report every inconsistency found.

        Detects altered rows (hash mismatch), removed rows (gaps in ``seq``, broken
        ``prev_hash`` links), reordered rows, a BSN index that differs from the rows, and a
        removed tail (head record ahead of the last row). Reads in ``seq`` batches inside one
        snapshot, so memory stays bounded and concurrent appends do not cause false alarms.
        ``progress(checked, total)`` is called after each batch. At most ``max_problems``
        problems are listed (plus a final count of the rest).
        """
        problems = _Problems(max_problems)
        checked = 0
        with self._snapshot() as conn:
            head = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
            total = int(
                conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()
            )
            last_seq, last_hash = 0, GENESIS_HASH
            while True:
                rows = conn.execute(
                    sa.select(audit_log)
                    .where(audit_log.c.seq > last_seq)
                    .order_by(audit_log.c.seq)
                    .limit(_BATCH)
                ).all()
                # The last batch takes every index row beyond it, so orphans there are seen.
                upper = rows[-1].seq if len(rows) == _BATCH else None
                index = _bsn_index(conn, last_seq, upper)
                for row in rows:
                    last_seq, last_hash = _check_row(
                        row._mapping, last_seq, last_hash, index, problems
                    )
                    checked += 1
                for seq in sorted(index):
                    problems.add(
                        f"seq {seq}: BSN index rows exist for a seq that is not in the log"
                    )
                if progress is not None:
                    progress(checked, total)
                if len(rows) < _BATCH:
                    break
            _check_head(head, last_seq, last_hash, problems)
        return VerifyResult(ok=not problems.items, checked=checked, problems=problems.listing())


class _Problems:
    def __init__(self, limit: int) -> None:
        self.items: list[str] = []
        self.limit = limit
        self.dropped = 0

    def add(self, problem: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(problem)
        else:
            self.dropped += 1

    def listing(self) -> list[str]:
        if self.dropped:
            return [*self.items, f"… and {self.dropped} more problems"]
        return list(self.items)


def _bsn_index(conn: Connection, after: int, upper: int | None) -> dict[int, set[str]]:
    """BSN index rows with ``after < seq <= upper`` (no upper bound on the last batch)."""
    query = sa.select(audit_bsn.c.seq, audit_bsn.c.bsn_hash).where(audit_bsn.c.seq > after)
    if upper is not None:
        query = query.where(audit_bsn.c.seq <= upper)
    index: dict[int, set[str]] = {}
    for seq, bsn_hash in conn.execute(query):
        index.setdefault(int(seq), set()).add(str(bsn_hash))
    return index


def _check_row(
    row: Mapping[Any, Any],
    last_seq: int,
    last_hash: str,
    index: dict[int, set[str]],
    problems: _Problems,
) -> tuple[int, str]:
    seq = int(row["seq"])
    expected = last_seq + 1
    if seq != expected:
        span = f"seq {expected}" if seq == expected + 1 else f"seq {expected}-{seq - 1}"
        problems.add(f"{span}: missing (rows removed before seq {seq})")
        problems.add(f"seq {seq}: prev_hash does not link to seq {last_seq}, rows are missing")
    elif row["prev_hash"] != last_hash:
        what = "the genesis value" if last_seq == 0 else f"the hash of seq {last_seq}"
        problems.add(f"seq {seq}: prev_hash does not match {what} (row removed or reordered)")
    try:
        if row_hash(row) != row["hash"]:
            problems.add(f"seq {seq}: hash does not match the row's content (row altered)")
    except (ValueError, TypeError, AttributeError) as exc:
        problems.add(f"seq {seq}: content unreadable ({type(exc).__name__}), row altered")
    indexed = index.pop(seq, set())
    try:
        stored_bsns = {str(h) for h in json.loads(row["bsn_hashes"])}
    except (ValueError, TypeError):
        return seq, str(row["hash"])  # already reported as unreadable
    if indexed != stored_bsns:
        problems.add(
            f"seq {seq}: BSN index differs from the row's bsn_hashes "
            f"({len(stored_bsns - indexed)} missing, {len(indexed - stored_bsns)} unexpected)"
        )
    return seq, str(row["hash"])


def _check_head(head: Any, last_seq: int, last_hash: str, problems: _Problems) -> None:
    if head is None:
        if last_seq:
            problems.add(f"seq {last_seq}: head record missing (log has rows)")
        return
    head_seq, head_hash = int(head.seq), str(head.hash)
    if head_seq > last_seq:
        span = f"seq {head_seq}" if head_seq == last_seq + 1 else f"seq {last_seq + 1}-{head_seq}"
        problems.add(
            f"{span}: missing at the end (head record says the log ends at seq {head_seq}, "
            f"last row is seq {last_seq}; tail removed)"
        )
    elif head_seq < last_seq:
        problems.add(
            f"seq {head_seq + 1}-{last_seq}: rows after the head record's seq {head_seq} "
            "(head rolled back or rows added around the log)"
        )
    elif head_hash != last_hash:
        problems.add(f"seq {last_seq}: head hash does not match the last row's hash")


def _record(row: Mapping[Any, Any]) -> AuditRecord:
    return AuditRecord(
        seq=int(row["seq"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        event_type=row["event_type"],
        decision=row["decision"],
        participant=row["participant"],
        on_behalf_of=row["on_behalf_of"],
        operation=row["operation"],
        resource=row["resource"],
        use_case=row["use_case"],
        records=tuple(json.loads(row["records"])),
        bsn_hashes=tuple(json.loads(row["bsn_hashes"])),
        reason=row["reason"],
        http_status=row["http_status"],
        trace_id=row["trace_id"],
        span_id=row["span_id"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        details=json.loads(row["details"]),
    )


def _bsn_scrubber(bsns: Sequence[str]) -> Callable[[str], str]:
    """A function that blanks the event's clear BSNs (either spelling) out of a text."""
    forms = {f for b in bsns if b.isdigit() for f in (b, b.lstrip("0")) if len(f) >= 8}
    if not forms:
        return lambda text: text
    pattern = re.compile(
        r"(?<!\d)(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")(?!\d)"
    )
    return lambda text: pattern.sub("[bsn]", text)


def _scrub_json(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value if scrub(str(value)) == str(value) else "[bsn]"
    if isinstance(value, list):
        return [_scrub_json(v, scrub) for v in value]
    if isinstance(value, dict):
        return {scrub(k): _scrub_json(v, scrub) for k, v in value.items()}
    return value


def _scrub_opt(scrub: Callable[[str], str], value: str | None) -> str | None:
    cleaned = _opt(value)
    return None if cleaned is None else scrub(cleaned)
