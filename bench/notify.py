"""Notifications end to end: register write -> outbox -> worker -> nID -> netwerkpunt -> inbox.

Throughput: seed N synthetic registrations with ``--notify`` (the outbox fills in the same
transactions), then start W ``iwlz worker`` processes and time until every notification is in
its zorgkantoor's inbox. Latency: at low load (one registration every 100 ms) with the server's
own in-process worker, commit-to-inbox time per notification, read from the two tables'
timestamps (one clock: the same machine).

    python bench/notify.py       # SQLite and PostgreSQL, 1 and 4 workers
    python bench/notify.py --db sqlite --n 1000 --workers 1,4
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

PG_BASE = os.environ.get(
    "IWLZ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "iwlz.cli", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"iwlz {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(
        [sys.executable, "-m", "iwlz.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT
    )


def wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(log.read_text())
        time.sleep(0.1)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def fresh_database(kind: str, root: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{root / 'bench.db'}", None
    name = f"iwlz_bench_notify_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(PG_BASE).set(database=name).render_as_string(hide_password=False), name


def drop_database(name: str | None) -> None:
    if name is None:
        return
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def network(root: Path, url: str, **extra: str) -> dict[str, str]:
    port = free_port()
    env = {
        **os.environ,
        "IWLZ_DATABASE_URL": url,
        "IWLZ_PORT": str(port),
        "IWLZ_DEV": "true",
        "IWLZ_NID_KEYS_DIR": str(root / "keys"),
        "IWLZ_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "IWLZ_LOG_LEVEL": "WARNING",
        **extra,
    }
    run(["db", "upgrade"], env)
    run(["participants", "demo"], env)
    return env


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def latencies(engine: sa.Engine) -> list[float]:
    """Seconds from enqueue (the register's commit) to storage in the receiver's inbox."""
    from iwlz.netwerkpunt.models import inbox_table
    from iwlz.notificaties.outbox import outbox_table

    with engine.connect() as conn:
        created = {
            str(r.response_id): r.created_at
            for r in conn.execute(
                sa.select(outbox_table.c.response_id, outbox_table.c.created_at).where(
                    outbox_table.c.response_id.is_not(None)
                )
            )
        }
        received = {
            str(r.item_id): r.received_at
            for r in conn.execute(sa.select(inbox_table.c.item_id, inbox_table.c.received_at))
        }
    return [(received[k] - created[k]).total_seconds() for k in created if k in received]


def queued(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM notificatie_outbox")).scalar_one())


def delivered(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT count(*) FROM notificatie_outbox WHERE status = 'delivered'")
            ).scalar_one()
        )


def throughput(kind: str, n: int, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url, name = fresh_database(kind, root)
        try:
            env = network(root, url, IWLZ_NOTIFY_WORKERS="0")
            server = start(["serve"], env, root / "server.log")
            wait_healthy(env["IWLZ_PUBLIC_URL"], server, root / "server.log")
            t = time.perf_counter()
            run(["seed", "--clients", str(n), "--seed", "11", "--quiet", "--notify"], env)
            seeded = time.perf_counter() - t
            engine = sa.create_engine(url)
            # Each registration notifies its zorgkantoor, and the demo CAK subscription adds a
            # voluntary copy: count what is actually queued.
            total = queued(engine)
            procs = [start(["worker"], env, root / f"worker{i}.log") for i in range(workers)]
            t0 = time.perf_counter()
            while delivered(engine) < total:
                if time.perf_counter() - t0 > 600:
                    raise SystemExit("not delivered within 600 s")
                time.sleep(0.05)
            elapsed = time.perf_counter() - t0
            for p in procs:
                stop(p)
            stop(server)
            lat = latencies(engine)
            engine.dispose()
            return {
                "rate": total / elapsed,
                "total": total,
                "seconds": elapsed,
                "write_rate": n / seeded,
                "p50": percentile(lat, 0.5),
                "p99": percentile(lat, 0.99),
            }
        finally:
            drop_database(name)


def low_load_latency(
    kind: str, n: int, interval: float, *, in_process: bool = True
) -> dict[str, float]:
    """The CIZ registers through the beheer API (over HTTP, with its own nID token) one
    indication every ``interval`` seconds; the server's in-process worker delivers, or (not
    ``in_process``) one ``iwlz worker`` process."""
    import json

    from iwlz.core.clock import SystemClock
    from iwlz.demo.synthetic import generate
    from iwlz.nid.client import NidClient
    from iwlz.nid.demo import participant_key

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url, name = fresh_database(kind, root)
        try:
            env = network(root, url, IWLZ_NOTIFY_WORKERS="1" if in_process else "0")
            server = start(["serve"], env, root / "server.log")
            base = env["IWLZ_PUBLIC_URL"]
            wait_healthy(base, server, root / "server.log")
            worker = None if in_process else start(["worker"], env, root / "worker.log")
            if worker is not None:
                time.sleep(2)  # its start-up is not what is measured
            client_id, key = participant_key(root / "keys", "KVK:62253778")
            nid = NidClient(client_id, key, f"{base}/oauth/token")
            beheer = f"{base}/indicatieregister/beheer/graphql"
            token = nid.token("registers/wlzindicatieregister/indicaties/indicatie:create", beheer)
            mutation = (
                "mutation($i: WlzIndicatieInput!) { registreerWlzIndicatie(indicatie: $i) "
                "{ geslaagd fouten { melding } } }"
            )
            http = httpx.Client(timeout=30)
            for client in generate(n, seed=12, today=SystemClock().today()):
                started = time.perf_counter()
                body = json.dumps(
                    {"query": mutation, "variables": {"i": client.indicatie}}, default=str
                )
                r = http.post(
                    beheer,
                    content=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                assert r.json()["data"]["registreerWlzIndicatie"]["geslaagd"], r.text
                time.sleep(max(0.0, interval - (time.perf_counter() - started)))
            engine = sa.create_engine(url)
            deadline = time.monotonic() + 30
            while delivered(engine) < queued(engine) and time.monotonic() < deadline:
                time.sleep(0.05)
            if worker is not None:
                stop(worker)
            stop(server)
            lat = latencies(engine)
            engine.dispose()
            return {
                "n": len(lat),
                "p50": percentile(lat, 0.5),
                "p99": percentile(lat, 0.99),
                "max": max(lat),
                "mean": statistics.fmean(lat),
            }
        finally:
            drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=2000, help="notifications per throughput run")
    parser.add_argument("--workers", default="1,4", help="worker process counts to compare")
    parser.add_argument("--latency-n", type=int, default=100)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for kind in kinds:
        base: float | None = None
        for w in (int(x) for x in args.workers.split(",")):
            r = throughput(kind, args.n, w)
            base = base or r["rate"]
            print(
                f"{kind:10} workers={w}: {r['rate']:7.1f} notifications/s end to end "
                f"({r['total']:.0f} from {args.n} registrations in {r['seconds']:.1f} s; "
                f"x{r['rate'] / base:.2f} vs the first); "
                f"register writes {r['write_rate']:.0f}/s; queue-to-inbox p50 {r['p50']:.2f} s "
                f"p99 {r['p99']:.2f} s",
                flush=True,
            )
        for in_process in (True, False):
            lat = low_load_latency(kind, args.latency_n, 0.1, in_process=in_process)
            where = "in-process worker" if in_process else "separate `iwlz worker`"
            print(
                f"{kind:10} low load (10 registrations/s through the beheer API, {where}): "
                f"commit-to-inbox p50 {lat['p50'] * 1000:.0f} ms, p99 {lat['p99'] * 1000:.0f} ms, "
                f"max {lat['max'] * 1000:.0f} ms over {lat['n']:.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
