"""nID audit log: chain integrity, tamper detection, BSN privacy, concurrency, on both databases."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from iwlz.core.db import create_engine
from iwlz.core.metadata import metadata
from iwlz.nid.audit import (
    GENESIS_HASH,
    AuditEvent,
    AuditIntegrityError,
    AuditLog,
    audit_bsn,
    audit_head,
    audit_log,
    postgres_append_only_ddl,
    postgres_append_only_drop_ddl,
)

KEY = b"test-audit-bsn-key-0123456789"
BSN_A = "123456782"
BSN_B = "111222333"
BSN_C = "012345672"  # leading zero: also written as 12345672
TABLES = [audit_log, audit_bsn, audit_head]
T0 = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)


def event(i: int = 0, **overrides: Any) -> AuditEvent:
    fields: dict[str, Any] = {
        "event_type": "pep.decision",
        "decision": "allow" if i % 3 else "deny",
        "participant": ("uzovi:5050", "agb:12345678", "kvk:62253778")[i % 3],
        "on_behalf_of": "agb:87654321" if i % 4 == 0 else None,
        "operation": "query wlzIndicatie QIR0001",
        "resource": "indicatieregister",
        "use_case": "UCIR-0001",
        "records": (f"WlzIndicatie/3fa85f64-5717-4562-b3fc-2c963f66a{i:03d}",),
        "bsns": (BSN_A,) if i % 2 else (),
        "reason": None if i % 3 else "claim_mismatch:initieelVerantwoordelijkZorgkantoor",
        "http_status": 200 if i % 3 else 403,
        "trace_id": f"{i + 1:032x}",
        "span_id": f"{i + 1:016x}",
        "occurred_at": T0 + dt.timedelta(seconds=i),
        "details": {"scopes": ["registers/wlzindicatieregister/indicaties/indicatie:read"], "i": i},
    }
    fields.update(overrides)
    return AuditEvent(**fields)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    metadata.create_all(eng, tables=TABLES)
    if eng.dialect.name == "postgresql":
        with eng.begin() as conn:
            for statement in postgres_append_only_ddl():
                conn.execute(sa.text(statement))  # as Alembic's op.execute() would
    yield eng
    eng.dispose()


@pytest.fixture
def log(engine: Engine) -> AuditLog:
    return AuditLog(engine, bsn_key=KEY)


def tamper(engine: Engine, *statements: str, params: dict[str, Any] | None = None) -> None:
    """Run raw SQL the way an intruder would: around every guard the application has."""
    if engine.dialect.name == "sqlite":
        # A plain sqlite3 connection has foreign keys off, as an intruder's would.
        raw = sqlite3.connect(str(engine.url.database))
        try:
            for statement in statements:
                raw.execute(statement, params or {})
            raw.commit()
        finally:
            raw.close()
        return
    with engine.begin() as conn:
        # A superuser can switch off triggers (append-only guard and foreign keys alike).
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for statement in statements:
            conn.execute(sa.text(statement), params or {})


def problems_for(result: Any, seq: int) -> list[str]:
    return [p for p in result.problems if p.startswith(f"seq {seq}:")]


# -- the chain ---------------------------------------------------------------------------------


def test_empty_log_verifies(log: AuditLog) -> None:
    result = log.verify()
    assert result.ok and result.checked == 0 and result.problems == []
    assert log.head() == (0, GENESIS_HASH)
    assert log.append_many([]) == []


def test_chain_verifies_after_appends(log: AuditLog) -> None:
    seqs = [log.append(event(i)) for i in range(30)]
    seqs += log.append_many([event(i) for i in range(30, 50)])
    assert seqs == list(range(1, 51))
    calls: list[tuple[int, int]] = []
    result = log.verify(progress=lambda done, total: calls.append((done, total)))
    assert result.ok, result.problems
    assert result.checked == 50
    assert calls[-1] == (50, 50)
    head_seq, head_hash = log.head()
    newest = log.show(limit=1)[0]
    assert (head_seq, head_hash) == (50, newest.hash)
    first = log.show(limit=50)[-1]
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH


def test_verify_streams_in_batches_and_finds_damage_at_batch_edges(
    log: AuditLog, engine: Engine
) -> None:
    log.append_many([event(i) for i in range(2100)])
    # 1000/1001 straddle the first batch edge; 2000 is the last row of the second batch.
    tamper(
        engine,
        "UPDATE nid_audit_log SET reason = 'x' WHERE seq IN (1000, 1001)",
        "UPDATE nid_audit_bsn SET bsn_hash = 'f' WHERE seq = 2000",
        "INSERT INTO nid_audit_bsn (bsn_hash, seq) VALUES ('e', 5000)",
    )
    calls: list[tuple[int, int]] = []
    result = log.verify(progress=lambda done, total: calls.append((done, total)))
    assert result.checked == 2100
    assert [c[0] for c in calls][:3] == [1000, 2000, 2100]
    assert all(total == 2100 for _, total in calls)
    assert any("altered" in p for p in problems_for(result, 1000))
    assert any("altered" in p for p in problems_for(result, 1001))
    assert any("BSN index differs" in p for p in problems_for(result, 2000))
    assert any("not in the log" in p for p in problems_for(result, 5000))
    assert len(result.problems) == 4, result.problems


def _tampered_value(column: str, dialect: str) -> Any:
    if column in ("occurred_at", "recorded_at"):
        return (
            "2020-01-01 00:00:00.000000"
            if dialect == "sqlite"
            else dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
    return {
        "v": 2,
        "http_status": 299,
        "records": '["WlzIndicatie/other"]',
        "bsn_hashes": json.dumps(["f" * 64]),
        "details": '{"i":-1}',
        "prev_hash": "a" * 64,
        "hash": "b" * 64,
    }.get(column, "tampered")


ALTERABLE = [c.name for c in audit_log.columns if c.name != "seq"]


def test_altering_any_field_of_any_row_is_reported(log: AuditLog, engine: Engine) -> None:
    n = len(ALTERABLE)
    log.append_many([event(i, bsns=(BSN_A,)) for i in range(n + 2)])
    for k, column in enumerate(ALTERABLE):
        tamper(
            engine,
            f"UPDATE nid_audit_log SET {column} = :value WHERE seq = :seq",
            params={"value": _tampered_value(column, engine.dialect.name), "seq": k + 2},
        )
    result = log.verify()
    assert not result.ok
    for k, column in enumerate(ALTERABLE):
        seq = k + 2
        found = problems_for(result, seq)
        if column == "hash":
            # The row itself still hashes to its content; the next row no longer links to it.
            assert any("hash does not match the row's content" in p for p in found), found
            assert any(
                "prev_hash does not match the hash of seq" in p
                for p in problems_for(result, seq + 1)
            )
        elif column == "prev_hash":
            assert any("prev_hash does not match" in p for p in found), (column, found)
            assert any("row altered" in p for p in found), (column, found)
        else:
            assert any("row altered" in p for p in found), (column, found)
        if column == "bsn_hashes":
            assert any("BSN index differs" in p for p in found), found


def test_a_one_microsecond_change_is_reported(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(3)])
    value: Any = (
        "2026-03-01 09:30:16.123457"
        if engine.dialect.name == "sqlite"
        else T0 + dt.timedelta(seconds=1, microseconds=1)
    )
    tamper(engine, "UPDATE nid_audit_log SET occurred_at = :v WHERE seq = 2", params={"v": value})
    result = log.verify()
    assert [p for p in result.problems if "altered" in p] == [
        "seq 2: hash does not match the row's content (row altered)"
    ]


def test_deleting_a_middle_row_is_reported(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(10)])
    tamper(
        engine, "DELETE FROM nid_audit_bsn WHERE seq = 6", "DELETE FROM nid_audit_log WHERE seq = 6"
    )
    result = log.verify()
    assert not result.ok and result.checked == 9
    assert result.problems == [
        "seq 6: missing (rows removed before seq 7)",
        "seq 7: prev_hash does not link to seq 5, rows are missing",
    ]


def test_deleting_a_row_but_keeping_its_bsn_rows_is_reported(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(4)])
    tamper(engine, "DELETE FROM nid_audit_log WHERE seq = 2")
    result = log.verify()
    assert "seq 2: BSN index rows exist for a seq that is not in the log" in result.problems


@pytest.mark.parametrize("removed", [1, 3])
def test_deleting_the_tail_is_reported(log: AuditLog, engine: Engine, removed: int) -> None:
    log.append_many([event(i) for i in range(10)])
    first_removed = 11 - removed
    tamper(
        engine,
        f"DELETE FROM nid_audit_bsn WHERE seq >= {first_removed}",
        f"DELETE FROM nid_audit_log WHERE seq >= {first_removed}",
    )
    result = log.verify()
    span = "seq 10" if removed == 1 else f"seq {first_removed}-10"
    assert result.problems == [
        f"{span}: missing at the end (head record says the log ends at seq 10, "
        f"last row is seq {first_removed - 1}; tail removed)"
    ]


def test_deleting_the_first_rows_is_reported(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(5)])
    tamper(
        engine,
        "DELETE FROM nid_audit_bsn WHERE seq <= 2",
        "DELETE FROM nid_audit_log WHERE seq <= 2",
    )
    result = log.verify()
    assert result.problems[0] == "seq 1-2: missing (rows removed before seq 3)"


def test_swapping_two_rows_is_reported(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(6)])
    # Move row 4 into place 3 and vice versa, BSN index rows included.
    statements = [
        "UPDATE {table} SET seq = -3 WHERE seq = 3",
        "UPDATE {table} SET seq = 3 WHERE seq = 4",
        "UPDATE {table} SET seq = 4 WHERE seq = -3",
    ]
    tamper(
        engine,
        *[s.format(table="nid_audit_bsn") for s in statements],
        *[s.format(table="nid_audit_log") for s in statements],
    )
    result = log.verify()
    for seq in (3, 4, 5):
        assert any("prev_hash does not match" in p for p in problems_for(result, seq)), (
            result.problems
        )
    for seq in (3, 4):
        assert any("row altered" in p for p in problems_for(result, seq)), result.problems


def test_swapping_content_but_keeping_hashes_in_place_is_reported(
    log: AuditLog, engine: Engine
) -> None:
    log.append_many([event(i) for i in range(5)])
    # Swap just the payload, leaving the chain columns: the links still look fine.
    a, b = log.show(limit=5)[-2], log.show(limit=5)[-3]  # seq 2 and 3
    tamper(
        engine,
        "UPDATE nid_audit_log SET participant = :p, trace_id = :t WHERE seq = :s",
        params={"p": b.participant, "t": b.trace_id, "s": a.seq},
    )
    tamper(
        engine,
        "UPDATE nid_audit_log SET participant = :p, trace_id = :t WHERE seq = :s",
        params={"p": a.participant, "t": a.trace_id, "s": b.seq},
    )
    result = log.verify()
    assert result.problems == [
        "seq 2: hash does not match the row's content (row altered)",
        "seq 3: hash does not match the row's content (row altered)",
    ]


def test_altering_bsn_index_rows_is_reported(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i, bsns=(BSN_A, BSN_B)) for i in range(6)])
    tamper(
        engine,
        "UPDATE nid_audit_bsn SET bsn_hash = :h WHERE seq = 2 AND bsn_hash = :old",
        params={"h": "c" * 64, "old": log.hash_bsn(BSN_A)},
    )
    tamper(
        engine,
        "DELETE FROM nid_audit_bsn WHERE seq = 4 AND bsn_hash = :h",
        params={"h": log.hash_bsn(BSN_B)},
    )
    tamper(
        engine, "INSERT INTO nid_audit_bsn (bsn_hash, seq) VALUES (:h, 5)", params={"h": "d" * 64}
    )
    result = log.verify()
    assert result.problems == [
        "seq 2: BSN index differs from the row's bsn_hashes (1 missing, 1 unexpected)",
        "seq 4: BSN index differs from the row's bsn_hashes (1 missing, 0 unexpected)",
        "seq 5: BSN index differs from the row's bsn_hashes (0 missing, 1 unexpected)",
    ]


def test_unreadable_content_is_reported_not_raised(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(3)])
    tamper(engine, "UPDATE nid_audit_log SET details = '{not json' WHERE seq = 2")
    result = log.verify()
    assert result.problems == ["seq 2: content unreadable (JSONDecodeError), row altered"]


def test_head_record_damage(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(4)])
    tamper(engine, "UPDATE nid_audit_head SET hash = :h", params={"h": "9" * 64})
    assert log.verify().problems == ["seq 4: head hash does not match the last row's hash"]
    tamper(engine, "UPDATE nid_audit_head SET seq = 2")
    assert log.verify().problems == [
        "seq 3-4: rows after the head record's seq 2 (head rolled back or rows added around the log)"
    ]
    tamper(engine, "DELETE FROM nid_audit_head")
    assert log.verify().problems == ["seq 4: head record missing (log has rows)"]
    # Appending now would restart at seq 1 and hide the damage: refuse instead.
    with pytest.raises(AuditIntegrityError, match="head record is missing"):
        log.append(event(9))
    assert log.verify().checked == 4


def test_problem_list_is_bounded(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(30)])
    tamper(engine, "UPDATE nid_audit_log SET reason = 'x'")
    result = log.verify(max_problems=10)
    assert len(result.problems) == 11
    assert result.problems[-1] == "… and 20 more problems"


# -- concurrency -------------------------------------------------------------------------------


def _assert_contiguous(log: AuditLog, seqs: list[int]) -> None:
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    result = log.verify()
    assert result.ok, result.problems[:10]
    assert result.checked == len(seqs)


def test_eight_threads_append_concurrently(log: AuditLog) -> None:
    seqs: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(w: int) -> None:
        try:
            barrier.wait()
            for i in range(40):
                if i % 10 == 9:
                    seqs.extend(log.append_many([event(w * 1000 + i + j) for j in range(3)]))
                else:
                    seqs.append(log.append(event(w * 1000 + i)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(seqs) == 8 * (36 + 4 * 3)
    _assert_contiguous(log, seqs)


def test_separate_engines_append_concurrently(db_url: str, engine: Engine) -> None:
    """Each engine has its own pool, as separate processes would; the database serialises."""
    seqs: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(w: int) -> None:
        own = create_engine(db_url)
        try:
            audit = AuditLog(own, bsn_key=KEY)
            barrier.wait()
            for i in range(30):
                seqs.append(audit.append(event(w * 100 + i)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _assert_contiguous(AuditLog(engine, bsn_key=KEY), seqs)


_WORKER = textwrap.dedent(
    """
    import datetime as dt, sys
    from iwlz.core.db import create_engine
    from iwlz.nid.audit import AuditEvent, AuditLog
    url, n, w = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    engine = create_engine(url)
    log = AuditLog(engine, bsn_key=sys.argv[4].encode())
    sys.stdin.readline()  # start together
    for i in range(n):
        seq = log.append(AuditEvent(
            event_type="token.issued", decision="allow", participant="process:" + w,
            on_behalf_of=None, operation="token client_credentials", resource=None,
            use_case=None, records=(), bsns=("123456782",), reason=None, http_status=200,
            trace_id=None, span_id=None, occurred_at=dt.datetime.now(dt.UTC), details={"i": i}))
        print(seq, flush=True)
    engine.dispose()
    """
)


@pytest.mark.slow
def test_separate_processes_append_concurrently(db_url: str, log: AuditLog) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, db_url, "40", str(w), KEY.decode()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    time.sleep(1.5)  # let all of them import and connect before they start racing
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    seqs: list[int] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        seqs += [int(line) for line in out.split()]
    assert len(seqs) == 160
    _assert_contiguous(log, seqs)
    assert len(log.show(participant="process:2", limit=1000)) == 40


def test_verify_during_concurrent_appends_sees_a_consistent_snapshot(log: AuditLog) -> None:
    log.append_many([event(i) for i in range(50)])
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        i = 0
        try:
            while not stop.is_set():
                log.append(event(i))
                i += 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    try:
        results = [log.verify() for _ in range(15)]
    finally:
        stop.set()
        t.join()
    assert errors == []
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok]
    assert results[-1].checked >= 50


def test_in_memory_database_with_threads() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=TABLES)
    logs = [AuditLog(engine, bsn_key=KEY), AuditLog(engine, bsn_key=KEY)]  # one shared lock
    log = logs[0]
    seqs: list[int] = []
    oks: list[bool] = []

    def worker(w: int) -> None:
        for i in range(25):
            seqs.append(logs[(w + i) % 2].append(event(w * 100 + i)))
            if i % 10 == 0:
                oks.append(log.verify().ok)
                log.show(bsn=BSN_A, limit=5)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(oks)
    _assert_contiguous(log, seqs)
    engine.dispose()


# -- show and BSN privacy ------------------------------------------------------------------------


def test_show_filters(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(12)])
    log.append(event(20, bsns=(BSN_B, BSN_C), participant="uzovi:9999"))
    mine = log.show(participant="uzovi:5050")
    assert [r.seq for r in mine] == [10, 7, 4, 1]  # newest first
    assert all(r.participant == "uzovi:5050" for r in mine)
    assert [r.seq for r in log.show(participant="uzovi:5050", limit=2)] == [10, 7]
    by_bsn = log.show(bsn=BSN_A)
    assert [r.seq for r in by_bsn] == [12, 10, 8, 6, 4, 2]
    assert all(r.bsn_hashes == (log.hash_bsn(BSN_A),) for r in by_bsn)
    assert [r.seq for r in log.show(bsn=BSN_A, participant="agb:12345678")] == [8, 2]
    assert [r.seq for r in log.show(bsn=BSN_C)] == [13]
    assert [r.seq for r in log.show(bsn="12345672")] == [13], "8-digit spelling of a BSN"
    assert log.show(bsn="999999999") == []
    since = T0 + dt.timedelta(seconds=9)
    assert [
        r.seq for r in log.show(since=since.astimezone(dt.timezone(dt.timedelta(hours=2))))
    ] == [
        13,
        12,
        11,
        10,
    ]
    other_key = AuditLog(engine, bsn_key=b"another-key-entirely-0000")
    assert other_key.show(bsn=BSN_A) == []
    with pytest.raises(ValueError, match="timezone"):
        log.show(since=dt.datetime(2026, 1, 1))


def test_lookups_use_indexes(log: AuditLog, engine: Engine) -> None:
    log.append_many([event(i) for i in range(20)])
    h = log.hash_bsn(BSN_A)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            plan_bsn = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT l.seq FROM nid_audit_log l JOIN nid_audit_bsn b "
                    "ON b.seq = l.seq WHERE b.bsn_hash = ? ORDER BY l.seq DESC LIMIT 100",
                    (h,),
                )
            )
            plan_participant = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT seq FROM nid_audit_log WHERE participant = ? "
                    "ORDER BY seq DESC LIMIT 100",
                    ("uzovi:5050",),
                )
            )
        assert "sqlite_autoindex_nid_audit_bsn_1" in plan_bsn or "PRIMARY KEY" in plan_bsn, plan_bsn
        assert "ix_nid_audit_log_participant" in plan_participant, plan_participant
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan_bsn = "\n".join(
                r[0]
                for r in conn.exec_driver_sql(
                    "EXPLAIN SELECT seq FROM nid_audit_bsn WHERE bsn_hash = %(h)s", {"h": h}
                )
            )
            plan_participant = "\n".join(
                r[0]
                for r in conn.exec_driver_sql(
                    "EXPLAIN SELECT seq FROM nid_audit_log WHERE participant = 'uzovi:5050' "
                    "ORDER BY seq DESC LIMIT 100"
                )
            )
        assert "pk_nid_audit_bsn" in plan_bsn, plan_bsn
        assert "ix_nid_audit_log_participant" in plan_participant, plan_participant


def _dump_everything(engine: Engine) -> str:
    parts: list[str] = []
    with engine.connect() as conn:
        for name in sa.inspect(engine).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def test_bsns_never_stored_in_clear_text(log: AuditLog, engine: Engine) -> None:
    log.append(
        event(
            1,
            bsns=(BSN_A, BSN_C),
            records=(f"Client/{BSN_A}", "WlzIndicatie/abc"),
            reason=f"bsn {BSN_A} not in bemiddeling; 12345672 either",
            operation=f"query client bsn={BSN_A}",
            details={
                "where": {"bsn": {"eq": BSN_A}},
                "n": int(BSN_A),
                BSN_A: "key",
                "agb": "12345678",
            },
        )
    )
    log.append(event(2, bsns=(BSN_B,)))
    dump = _dump_everything(engine)
    for bsn in (BSN_A, BSN_B, BSN_C, "12345672"):
        assert bsn not in dump
    if engine.dialect.name == "sqlite":
        engine.dispose()  # checkpoint the WAL so the main file holds everything too
        db = Path(str(engine.url.database))
        for path in [db, *db.parent.glob(db.name + "-*")]:
            raw = path.read_bytes()
            for bsn in (BSN_A, BSN_B, BSN_C, "12345672"):
                assert bsn.encode() not in raw, path
    record = log.show(bsn=BSN_A)[0]
    assert record.records == ("Client/[bsn]", "WlzIndicatie/abc")
    assert record.reason == "bsn [bsn] not in bemiddeling; [bsn] either"
    assert record.details == {
        "where": {"bsn": {"eq": "[bsn]"}},
        "n": "[bsn]",
        "[bsn]": "key",
        "agb": "12345678",
    }
    assert set(record.bsn_hashes) == {log.hash_bsn(BSN_A), log.hash_bsn(BSN_C)}
    assert "12345678" in (record.details.get("agb") or ""), "AGB codes are not BSNs"
    assert log.verify().ok


# -- round trips -------------------------------------------------------------------------------


def test_round_trip_of_times_and_details(log: AuditLog) -> None:
    cest = dt.timezone(dt.timedelta(hours=2))
    occurred = dt.datetime(2026, 7, 1, 23, 59, 59, 999999, tzinfo=cest)
    details = {
        "scopes": ["a", "b"],
        "aud": "https://koppelpunt.ciz.nl/iwlz/indicatieregister/v2/graphql",
        "jti": "5c3a…",
        "exp": 1_790_000_000,
        "ratio": 0.1,
        "nested": {"z": [1, {"y": None}], "a": True},
        "naam": "Zorgkantoor Zuid-Holland – ‘test’ 🙂",
        "at": dt.datetime(2026, 1, 1, 12, tzinfo=cest),
        7: "int key",
    }
    seq = log.append(event(3, occurred_at=occurred, details=details, bsns=()))
    (record,) = log.show(participant=event(3).participant, limit=1)
    assert record.seq == seq
    assert record.occurred_at == occurred
    assert record.occurred_at.tzinfo is not None and record.occurred_at.utcoffset() == dt.timedelta(
        0
    )
    assert record.occurred_at.microsecond == 999999
    assert record.recorded_at.tzinfo is not None
    expected = {str(k): v for k, v in details.items()}
    assert record.details == {**expected, "at": "2026-01-01T10:00:00.000000+00:00"}
    assert record.records == event(3).records
    assert record.bsn_hashes == ()
    as_dict = record.as_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["occurred_at"] == "2026-07-01T21:59:59.999999+00:00"
    assert log.verify().ok


def test_hostile_text_is_stored_safely(log: AuditLog) -> None:
    nasty = "a\x00b\ud800c" + "x" * 10_000
    log.append(event(1, participant=nasty, reason=nasty, details={"v": nasty, nasty[:3]: 1}))
    (record,) = log.show(limit=1)
    assert record.participant is not None and record.participant.startswith("a\ufffdb?c")
    assert record.participant.endswith("…[truncated]") and len(record.participant) < 4200
    assert record.details["v"].startswith("a\x00b?c")  # NUL is escaped inside the JSON text
    assert log.verify().ok


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    details=st.dictionaries(st.text(max_size=10), _json_values, max_size=5),
    text=st.text(max_size=60),
    occurred=st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-9, minutes=-30))]),
    ),
)
def test_any_json_details_and_text_round_trip_and_verify(
    log: AuditLog, details: dict[str, Any], text: str, occurred: dt.datetime
) -> None:
    seq = log.append(event(5, details=details, operation=text, occurred_at=occurred, bsns=()))
    record = next(r for r in log.show(limit=1) if r.seq == seq)
    if _encodable(details):
        assert _normalised(record.details) == _normalised(details)
    assert record.occurred_at == occurred
    assert log.verify().ok


def _encodable(details: dict[str, Any]) -> bool:
    try:
        json.dumps(details, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates are replaced before storing
        return False
    return True


def _normalised(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value == 0:
        return 0.0
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


# -- contract checks ---------------------------------------------------------------------------


def test_event_validation() -> None:
    with pytest.raises(ValueError, match="timezone"):
        event(occurred_at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="decision"):
        event(decision="maybe")
    with pytest.raises(TypeError):
        event(bsns=BSN_A)
    with pytest.raises(ValueError, match="event_type"):
        event(event_type="")
    with pytest.raises(ValueError, match="16 bytes"):
        AuditLog(create_engine("sqlite://"), bsn_key=b"short")


def test_postgres_append_only_triggers(db_url: str, log: AuditLog, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL triggers")
    log.append_many([event(i) for i in range(3)])
    refused = [
        "UPDATE nid_audit_log SET reason = 'x' WHERE seq = 1",
        "DELETE FROM nid_audit_log WHERE seq = 3",
        "TRUNCATE nid_audit_log CASCADE",
        "UPDATE nid_audit_bsn SET bsn_hash = 'x'",
        "DELETE FROM nid_audit_bsn",
        "DELETE FROM nid_audit_head",
        "UPDATE nid_audit_head SET seq = seq - 1",
    ]
    for statement in refused:
        with (
            pytest.raises(sa.exc.DBAPIError, match=r"append-only|move forward"),
            engine.begin() as conn,
        ):
            conn.exec_driver_sql(statement)
    assert log.append(event(4)) == 4  # the head may still move forward
    assert log.verify().ok
    with engine.begin() as conn:
        for statement in postgres_append_only_drop_ddl():
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("UPDATE nid_audit_log SET reason = 'x' WHERE seq = 1")
    assert problems_for(log.verify(), 1) == [
        "seq 1: hash does not match the row's content (row altered)"
    ]


def test_append_latency(log: AuditLog, engine: Engine, record_property: Any) -> None:
    for i in range(50):
        log.append(event(i))
    timings: list[float] = []
    for i in range(2000):
        e = event(i)
        start = time.perf_counter()
        log.append(e)
        timings.append(time.perf_counter() - start)
    timings.sort()
    p50_us = timings[len(timings) // 2] * 1e6
    p99_us = timings[int(len(timings) * 0.99)] * 1e6
    record_property("append_p50_us", round(p50_us))
    print(f"\n{engine.dialect.name}: append p50 {p50_us:.0f} µs, p99 {p99_us:.0f} µs")
    if engine.dialect.name == "sqlite":
        assert p50_us < 1000
    assert log.verify().ok


def test_concurrent_appends_are_group_committed(
    log: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Callers that arrive while a write is under way share the next transaction, and each
    still gets its own seq back only after it is committed."""
    import threading
    import time

    calls: list[int] = []
    original = log.append_many

    def slow_append_many(events: Any) -> list[int]:
        calls.append(len(events))
        time.sleep(0.01)  # a slow disk: the others queue up meanwhile
        return original(events)

    monkeypatch.setattr(log, "append_many", slow_append_many)
    seqs: list[int] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        for i in range(20):
            s = log.append(event(offset + i))
            with lock:
                seqs.append(s)

    threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seqs) == list(range(1, 161))
    assert sum(calls) == 160 and len(calls) < 100, calls
    assert log.verify().ok


def test_deferred_records_are_written_in_batches_and_on_flush(log: AuditLog) -> None:
    for i in range(30):
        log.append_later(event(i))
    log.flush()
    assert log.head()[0] == 30
    assert log.verify().ok
    log.append_later(event(99))
    import time

    deadline = time.monotonic() + 5
    while log.head()[0] < 31 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert log.head()[0] == 31  # the background writer got there on its own


def test_a_failed_deferred_batch_is_kept_and_written_later(
    log: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = log.append_many
    failures = [RuntimeError("database restarted")]

    def flaky(events: Any) -> list[int]:
        if failures:
            raise failures.pop()
        return original(events)

    monkeypatch.setattr(log, "append_many", flaky)
    with log._later_lock:  # queue without waking the writer: this test drives flush itself
        log._later.extend(event(i) for i in range(5))
    with pytest.raises(RuntimeError):
        log.flush()
    log.flush()
    assert log.head()[0] == 5 and log.verify().ok


def test_one_bad_record_in_a_group_fails_only_its_caller(
    log: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    original = log.append_many

    def picky(events: Any) -> list[int]:
        time.sleep(0.01)
        if any(e.reason == "poison" for e in events):
            raise ValueError("cannot store this one")
        return original(events)

    monkeypatch.setattr(log, "append_many", picky)
    outcomes: dict[int, str] = {}

    def worker(i: int) -> None:
        try:
            log.append(event(i, reason="poison" if i == 3 else None))
            outcomes[i] = "ok"
        except ValueError:
            outcomes[i] = "failed"

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == {i: ("failed" if i == 3 else "ok") for i in range(8)}
    assert log.head()[0] == 7 and log.verify().ok
