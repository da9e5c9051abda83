"""Reliable delivery over real HTTP: receivers down, workers killed, racing workers, dead letters.

Each test runs its own network of subprocesses (``iwlz serve``, ``iwlz worker``) on a fresh
database, with a fast retry schedule.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from iwlz.core.db import create_engine

from ..conftest import PG_ENV, _drop_pg_database, _fresh_pg_database
from .conftest import free_port, iwlz
from .harness import Proc, network_env, prepare, scalar, seed_clients, start_server, wait_for

FAST = ",".join(["0", "0.3"] + ["0.5"] * 30)  # 32 attempts over ~15 s


def _count(engine: sa.Engine, where: str = "") -> int:
    return scalar(engine, f"SELECT count(*) FROM notificatie_outbox {where}")


def _inbox(engine: sa.Engine) -> int:
    return scalar(engine, "SELECT count(*) FROM netwerkpunt_inbox WHERE soort = 'notificatie'")


def _redirect_notifications(
    env: dict[str, str], root: Path, old: str, new: str, only: str = ""
) -> None:
    """Point NOTIFICATIE entries of the address book (all, or one organisation's) elsewhere."""
    path = root / "adresboek.json"
    done = iwlz("adresboek", "export", str(path), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(path.read_text())
    for entry in doc["electronicServices"]:
        gid = entry["gegevensdienstId"]
        if "_NOTIFICATIE_" in gid and (not only or gid.startswith(f"{only}_")):
            text = json.dumps(entry).replace(old, new)
            entry.clear()
            entry.update(json.loads(text))
    path.write_text(json.dumps(doc))
    done = iwlz("adresboek", "import", str(path), "--replace", env=env)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path


def _env(root: Path, database_url: str, **extra: str) -> dict[str, str]:
    port = free_port()
    return network_env(
        root,
        database_url,
        port,
        IWLZ_NOTIFY_WORKERS="0",
        IWLZ_NOTIFY_RETRY_SCHEDULE=FAST,
        IWLZ_NOTIFY_JITTER="0",
        IWLZ_NOTIFY_LEASE_SECONDS="2",
        IWLZ_NOTIFY_POLL_SECONDS="0.05",
        IWLZ_ADRESBOEK_RELOAD_SECONDS="0",
        **extra,
    )


@pytest.fixture
def sqlite_env(root: Path) -> dict[str, str]:
    env = _env(root, f"sqlite:///{root / 'iwlz.db'}")
    prepare(env)
    return env


def test_receiver_down_then_up_gets_everything_once(root: Path, sqlite_env: dict[str, str]) -> None:
    env = sqlite_env
    engine = create_engine(env["IWLZ_DATABASE_URL"])
    server = start_server(env, root / "a.log")
    # A second server (sharing the database) hosts the netwerkpunten; it starts later.
    port_b = free_port()
    env_b = {**env, "IWLZ_PORT": str(port_b), "IWLZ_PUBLIC_URL": f"http://127.0.0.1:{port_b}"}
    _redirect_notifications(env, root, env["IWLZ_PUBLIC_URL"], env_b["IWLZ_PUBLIC_URL"])
    worker = Proc(["worker"], env, root / "worker.log").start()
    receiver: Proc | None = None
    try:
        seed_clients(env, 30, seed=5, notify=True)
        # One NIEUWE_INDICATIE_ZORGKANTOOR each, plus the demo CAK subscription's copies.
        total = _count(engine)
        assert total == 60
        wait_for(lambda: _count(engine, "WHERE attempts >= 2") == total, 20, "failed attempts")
        assert _count(engine, "WHERE status = 'delivered'") == 0
        receiver = start_server(env_b, root / "b.log")
        wait_for(lambda: _count(engine, "WHERE status = 'delivered'") == total, 30, "delivery")
        assert _inbox(engine) == total
        assert _count(engine, "WHERE status = 'dead'") == 0
    finally:
        worker.stop()
        if receiver is not None:
            receiver.stop()
        server.stop()
        engine.dispose()


def test_worker_killed_mid_batch_loses_nothing_and_stores_nothing_twice(
    root: Path, sqlite_env: dict[str, str]
) -> None:
    env = {**sqlite_env, "IWLZ_NOTIFY_BATCH_SIZE": "40"}
    engine = create_engine(env["IWLZ_DATABASE_URL"])
    server = start_server(env, root / "a.log")
    try:
        seed_clients(env, 150, seed=6, notify=True)
        total = _count(engine)
        first = Proc(["worker"], env, root / "w1.log").start()
        wait_for(lambda: _count(engine, "WHERE status = 'delivered'") >= 20, 60, "some delivered")
        first.kill()
        leased = _count(engine, "WHERE status = 'pending' AND lease_owner IS NOT NULL")
        delivered_at_kill = _count(engine, "WHERE status = 'delivered'")
        assert delivered_at_kill < total
        second = Proc(["worker"], env, root / "w2.log").start()
        try:
            wait_for(lambda: _count(engine, "WHERE status = 'delivered'") == total, 120, "all")
        finally:
            second.stop()
        assert _inbox(engine) == total
        distinct = scalar(
            engine,
            "SELECT count(DISTINCT dedupe_key) FROM netwerkpunt_inbox WHERE soort = 'notificatie'",
        )
        assert distinct == total
        print(
            f"leased by the killed worker: {leased}; delivered before the kill: {delivered_at_kill}"
        )
    finally:
        server.stop()
        engine.dispose()


@pytest.fixture
def pg_env(root: Path) -> Iterator[dict[str, str]]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"set {PG_ENV} to run the PostgreSQL delivery test")
    url, name = _fresh_pg_database(base)
    try:
        env = _env(root, url, IWLZ_NOTIFY_BATCH_SIZE="10")
        prepare(env)
        yield env
    finally:
        _drop_pg_database(base, name)


def test_two_workers_on_postgresql_never_deliver_twice(root: Path, pg_env: dict[str, str]) -> None:
    env = pg_env
    engine = create_engine(env["IWLZ_DATABASE_URL"])
    server = start_server(env, root / "a.log")
    workers: list[Proc] = []
    try:
        seed_clients(env, 150, seed=7, notify=True)
        total = _count(engine)
        workers = [Proc(["worker"], env, root / f"w{i}.log").start() for i in range(2)]
        wait_for(lambda: _count(engine, "WHERE status = 'delivered'") == total, 120, "all")
        # Every row was sent exactly once: one attempt each, and one PEP decision each.
        assert _count(engine, "WHERE attempts = 1") == total
        assert _inbox(engine) == total
        owners = scalar(
            engine,
            "SELECT count(DISTINCT afzender) FROM notificatie_outbox WHERE status = 'delivered'",
        )
        assert owners == 1  # the CIZ
        decisions = scalar(
            engine,
            "SELECT count(*) FROM nid_audit_log WHERE resource = 'netwerkpunt' "
            "AND event_type = 'pep.decision' AND decision = 'allow'",
        )
        assert decisions == total
        logs = [w.output() for w in workers]
        assert all("delivery attempt" in log for log in logs), "both workers took part"
    finally:
        for w in workers:
            w.stop()
        server.stop()
        engine.dispose()


class _Failing(BaseHTTPRequestHandler):
    hits = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        with _Failing.lock:
            _Failing.hits += 1
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(500)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"always broken")

    def log_message(self, *args: object) -> None:
        pass


def test_a_receiver_failing_forever_is_dead_lettered_others_are_not(
    root: Path, sqlite_env: dict[str, str]
) -> None:
    attempts = 4
    env = {**sqlite_env, "IWLZ_NOTIFY_RETRY_SCHEDULE": "0,0.2,0.2,0.2"}
    engine = create_engine(env["IWLZ_DATABASE_URL"])
    broken = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=broken.serve_forever, daemon=True).start()
    broken_url = f"http://127.0.0.1:{broken.server_address[1]}"
    server = start_server(env, root / "a.log")
    worker: Proc | None = None
    try:
        seed_clients(env, 60, seed=8, notify=True)
        total = _count(engine)
        with engine.connect() as conn:
            victim, n_victim = conn.execute(
                sa.text(
                    "SELECT ontvanger_id, count(*) FROM notificatie_outbox "
                    "WHERE ontvanger_id_type = 'UZOVI' "
                    "GROUP BY ontvanger_id ORDER BY count(*) DESC LIMIT 1"
                )
            ).one()
        # Only the PEP address moves: the token's audience stays the receiver's resource URI.
        path = root / "adresboek.json"
        assert iwlz("adresboek", "export", str(path), env=env).returncode == 0
        doc = json.loads(path.read_text())
        for entry in doc["electronicServices"]:
            if entry["gegevensdienstId"] == f"{victim}_NOTIFICATIE_TST":
                entry["authorizationEndpoint"]["authorizationEndpointuri"] = broken_url
        path.write_text(json.dumps(doc))
        done = iwlz("adresboek", "import", str(path), "--replace", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        worker = Proc(["worker"], env, root / "worker.log").start()
        wait_for(lambda: _count(engine, "WHERE status = 'pending'") == 0, 60, "queue drained")
        assert _count(engine, f"WHERE status = 'dead' AND ontvanger_id = '{victim}'") == n_victim
        assert _count(engine, f"WHERE status = 'dead' AND attempts = {attempts}") == n_victim
        assert _count(engine, "WHERE status = 'dead' AND last_status = 500") == n_victim
        assert _count(engine, "WHERE status = 'delivered'") == total - n_victim
        assert _inbox(engine) == total - n_victim
        assert _Failing.hits == attempts * n_victim
        listed = iwlz("notifications", "list", "--status", "dead", "--json", env=env)
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == n_victim
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
        broken.shutdown()
        engine.dispose()
