"""Wlz-signalen daily matching at national scale (SQLite and PostgreSQL).

Loads (or reuses) 1.5 million Wmo records of 342 gemeenten and 400,000 Wlz records into a
database migrated to head, then measures, in a fresh process that only does the matching:

1. the first run (initial load: every overlapping pair is new and becomes a signal);
2. a second run for the next day (nothing changed: no new signals);
3. a run after 1,000 new Wlz decisions (the ordinary day).

Each run prints its wall time and the process's peak memory (``ru_maxrss``; the loading
happens in another process, so the figure is the matching's). Target: < 60 s per run.

    python bench/signalen.py                              # SQLite, and PostgreSQL when reachable
    python bench/signalen.py --db sqlite --reuse
    python bench/signalen.py --db postgres --database-url postgresql+psycopg://…/db
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import resource
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from iwlz import regio
from iwlz.core import migrate
from iwlz.core.db import create_engine
from iwlz.signalen.matching import Matcher
from iwlz.signalen.models import (
    signaal,
    signaal_sleutel,
    signalen_run,
    wlz_kopie,
    wmo_client,
    wmo_levering,
)

PG_BASE = os.environ.get(
    "IWLZ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_DATABASE = "iwlz_bench_signalen"
KEY = b"bench-signalen-key-0123456789"
NOW = dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC)
D1 = dt.date(2026, 11, 1)


def _bsn(n: int) -> str:
    return f"{100000000 + n:09d}"


def _wlz_rows(count: int, rng: random.Random, start: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i in range(start, start + count):
        begin = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000))
        r = rng.random()
        rows.append(
            {
                "wlzindicatie_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "bsn": _bsn(i),
                "wlz_status": "Nee" if r < 0.05 else "Onbekend" if r < 0.15 else "Ja",
                "afgiftedatum": begin,
                "ingangsdatum": begin,
                "einddatum": None if rng.random() < 0.9 else begin + dt.timedelta(days=700),
                "bijgewerkt_op": NOW,
            }
        )
    return rows


def load(url: str, wmo: int, wlz: int, overlap: int) -> None:
    """Fresh tables filled with synthetic data (runs in a child process)."""
    engine = create_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        for t in (signaal, signaal_sleutel, signalen_run, wlz_kopie, wmo_client, wmo_levering):
            conn.execute(sa.delete(t))
    rng = random.Random(7)
    codes = [g.code for g in regio.gemeenten()]
    weights = [rng.random() ** 3 + 0.01 for _ in codes]  # a few big gemeenten, many small
    started = time.perf_counter()
    pg = engine.dialect.name == "postgresql"
    wlz_bsns = list(range(wlz))
    rng.shuffle(wlz_bsns)
    in_both = set(wlz_bsns[:overlap])
    chunk = 50_000
    for s in range(0, wlz, chunk):
        rows = _wlz_rows(min(chunk, wlz - s), rng, s)
        _insert(engine, wlz_kopie, rows, pg)
    levering = str(uuid.uuid4())
    n = 0
    ref = 0
    batch: list[dict[str, Any]] = []
    both = sorted(in_both)
    gemeenten = rng.choices(codes, weights, k=wmo)
    while n < wmo:
        # Residents in both stores first, then Wmo-only residents (BSNs above the Wlz range).
        bsn = _bsn(both[n]) if n < len(both) else _bsn(wlz + n)
        ref += 1
        start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        batch.append(
            {
                "gemeentecode": gemeenten[n],
                "wmo_referentie": f"W{ref:09d}",
                "bsn": bsn,
                "status": "LOPEND" if rng.random() < 0.85 else "AANGEVRAAGD",
                "ingangsdatum": start,
                "einddatum": None if rng.random() < 0.7 else start + dt.timedelta(days=900),
                "voorzieningsoort": "01",
                "levering_id": levering,
            }
        )
        n += 1
        if len(batch) == chunk:
            _insert(engine, wmo_client, batch, pg)
            batch = []
    if batch:
        _insert(engine, wmo_client, batch, pg)
    if pg:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(
        f"  loaded {wmo:,} Wmo and {wlz:,} Wlz records ({overlap:,} residents in both) "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    engine.dispose()


def _insert(engine: sa.Engine, table: sa.Table, rows: list[dict[str, Any]], pg: bool) -> None:
    if not pg:
        with engine.begin() as conn:
            conn.execute(sa.insert(table), rows)
        return
    cols = list(rows[0])
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for r in rows:
                copy.write_row([r[c] for c in cols])
        raw.commit()
    finally:
        raw.close()


def measure(url: str, label: str) -> None:
    """The three runs (in this process, which loaded nothing)."""
    engine = create_engine(url)
    matcher = Matcher(engine, sleutel_key=KEY)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name, day in (
        ("first run (initial load)", D1),
        ("next day, nothing new", D1 + dt.timedelta(days=1)),
    ):
        r = matcher.run(day)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"  {label} {name}: {r.seconden:.1f} s, {r.kandidaten:,} overlapping pairs, "
            f"{r.nieuw:,} new signals, {len(r.nieuw_per_gemeente)} gemeenten; "
            f"peak RSS {peak / 1024:.0f} MB (process start {base / 1024:.0f} MB)",
            flush=True,
        )
    # An ordinary day: 1,000 new Wlz decisions for residents in the Wmo lists.
    with engine.connect() as conn:
        bsns = list(
            conn.execute(
                sa.select(wmo_client.c.bsn)
                .where(wmo_client.c.einddatum.is_(None))
                .order_by(wmo_client.c.wmo_referentie.desc())
                .limit(1000)
            ).scalars()
        )
    rng = random.Random(11)
    rows = []
    for bsn in bsns:
        row = _wlz_rows(1, rng)[0]
        row.update(bsn=bsn, wlz_status="Ja", ingangsdatum=D1, afgiftedatum=D1, einddatum=None)
        rows.append(row)
    with engine.begin() as conn:
        conn.execute(sa.insert(wlz_kopie), rows)
    r = matcher.run(D1 + dt.timedelta(days=2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"  {label} ordinary day (1,000 new Wlz decisions): {r.seconden:.1f} s, "
        f"{r.nieuw:,} new signals; peak RSS {peak / 1024:.0f} MB",
        flush=True,
    )
    engine.dispose()


def _pg_url(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    base = sa.make_url(PG_BASE)
    try:
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_DATABASE}
            ).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
    except Exception as exc:  # no server: say so and skip
        print(f"PostgreSQL not reachable ({type(exc).__name__}): skipped", file=sys.stderr)
        return None
    return base.set(database=PG_DATABASE).render_as_string(hide_password=False)


def _run(url: str, label: str, args: argparse.Namespace) -> None:
    print(f"{label}: {url.split('@')[-1]}", flush=True)
    if not args.reuse:
        child = multiprocessing.get_context("spawn").Process(
            target=load, args=(url, args.wmo, args.wlz, args.overlap)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"loading failed ({child.exitcode})")
    else:
        engine = create_engine(url)
        with engine.begin() as conn:  # measure from the same starting point every time
            for t in (signaal, signaal_sleutel, signalen_run):
                conn.execute(sa.delete(t))
            conn.execute(sa.delete(wlz_kopie).where(wlz_kopie.c.afgiftedatum == D1))
        engine.dispose()
    child = multiprocessing.get_context("spawn").Process(target=measure, args=(url, label))
    child.start()
    child.join()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--database-url", help="PostgreSQL URL to use instead of a bench database")
    p.add_argument("--sqlite-path", default="var/bench-signalen.db")
    p.add_argument("--wmo", type=int, default=1_500_000)
    p.add_argument("--wlz", type=int, default=400_000)
    p.add_argument("--overlap", type=int, default=100_000, help="residents in both stores")
    p.add_argument("--reuse", action="store_true", help="keep the loaded data, measure again")
    args = p.parse_args()
    if args.db in ("sqlite", "both"):
        path = Path(args.sqlite_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not args.reuse and path.exists():
            path.unlink()
        _run(f"sqlite:///{path}", "SQLite", args)
    if args.db in ("postgres", "both"):
        url = _pg_url(args.database_url)
        if url:
            _run(url, "PostgreSQL", args)


if __name__ == "__main__":
    main()
