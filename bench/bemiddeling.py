"""Bemiddelingsregister full-dossier queries on a large register (SQLite and PostgreSQL).

Builds (or reuses) a database migrated to head holding N synthetic bemiddelingen spread over
three zorgkantoren (80 % in the measured tenant 5501), loaded with SQLAlchemy Core
executemany, then measures single-threaded through the real GraphQL read schema (graphql-core
``execute``, parse and validation cached as for the network's fixed templates):

1. QBR-0005-ZKu: the executing zorgkantoor's full dossier of its own bemiddelingspecificatie
   with an end date, every nested list carrying the mandatory date filters (registers.md §2.5);
2. a client-rooted dossier: ``client(where: {bsn: {eq: …}})`` with all bemiddelingen, their
   specificaties, regiehouders and overdracht, and the contact data.

Prints load time and rows/s, queries/s, p50/p95/p99 per query, and checks a sample of the
answers against direct SQL (the expected bemiddeling is there, every row is the tenant's).

    python bench/bemiddeling.py                                  # SQLite and PostgreSQL
    python bench/bemiddeling.py --db sqlite --bemiddelingen 300000
    python bench/bemiddeling.py --db postgres --keep             # keep the PostgreSQL database
    python bench/bemiddeling.py --db postgres --reuse            # ... and measure it again
    python bench/bemiddeling.py --db sqlite --reuse --explain    # SQL and plans of one query
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from graphql import ExecutionResult, execute, parse, validate

from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.registers.bemiddeling import models as m
from iwlz.registers.bemiddeling.api import build_read_schema
from iwlz.registers.bemiddeling.service import ENTITY_TABLES, Bemiddelingsregister

PG_BASE = os.environ.get(
    "IWLZ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_DATABASE = "iwlz_bench_br"
ZK = "5501"  # the measured zorgkantoor (tenant and executing zorgkantoor)
OTHERS = ("5502", "5503")
TODAY = dt.date(2026, 11, 1)
NOW = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
CLOCK = FixedClock(NOW)

_CP = """contactpersoonID relatienummer volgorde soortRelatie rol relatie geslachtsnaam
  voorvoegselGeslachtsnaam partnernaam voorvoegselPartnernaam voornamen voorletters roepnaam
  naamgebruik geslacht geboortedatum geboortedatumgebruik ingangsdatum einddatum"""
_CG = """adressoort straatnaam huisnummer huisletter huisnummertoevoeging postcode plaatsnaam
  land aanduidingWoonadres emailadres telefoonnummer01 landnummer01 telefoonnummer02
  landnummer02 ingangsdatum einddatum"""
_FRAGMENTS = f"""
fragment bspec on Bemiddelingspecificatie {{
  bemiddelingspecificatieID leveringsvorm zzpCode toewijzingIngangsdatum instelling
  uitvoerendZorgkantoor vaststellingMoment toewijzingEinddatum percentage pgbPercentage opname
  redenIntrekking etmalen instellingBestemming soortToewijzing
}}
fragment regie on Regiehouder {{ regiehouderID instelling ingangsdatum einddatum regierol }}
fragment ccg on ClientContactgegevens {{ clientContactgegevensID {_CG} }}
fragment pcg on ContactpersoonContactgegevens {{ contactpersoonContactgegevensID {_CG} }}
"""

# QBR-0005-ZKu (registers.md §2.5): own bspec with an end date; I, E, E2 = E + 2 years,
# E31 = 31 May of the year after E.
QBR_0005 = (
    """
query QBR0005($b: UUID!, $zk: String!, $i: Date!, $e: Date!, $e2: Date!, $e31: Date!) {
  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $b},
      uitvoerendZorgkantoor: {eq: $zk}, toewijzingIngangsdatum: {eq: $i},
      toewijzingEinddatum: {eq: $e}}) {
    ...bspec
    bemiddeling {
      bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor verantwoordelijkheidIngangsdatum
      verantwoordelijkheidEinddatum
      client {
        clientID bsn leefeenheid huisarts communicatievorm taal
        contactpersoon(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $i}}]},
            {ingangsdatum: {ngt: $e2}}]}) {
          """
    + _CP
    + """
          contactgegevens(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $i}}]},
              {ingangsdatum: {ngt: $e2}}]}) { ...pcg }
        }
        contactgegevens(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $i}}]},
            {ingangsdatum: {ngt: $e2}}]}) { ...ccg }
      }
      bemiddelingspecificatie(where: {and: [{or: [{toewijzingEinddatum: {eq: null}},
          {toewijzingEinddatum: {gte: $i}}]}, {toewijzingIngangsdatum: {ngt: $e31}}]}) { ...bspec }
      regiehouder(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $i}}]},
          {ingangsdatum: {ngt: $e31}}]}) { ...regie }
    }
  }
}
"""
    + _FRAGMENTS
)

# The whole dossier of one client of the tenant, found by BSN.
CLIENT_DOSSIER = (
    """
query ClientDossier($bsn: String!) {
  client(where: {bsn: {eq: $bsn}}) {
    clientID bsn leefeenheid huisarts communicatievorm taal
    bemiddeling {
      bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor verantwoordelijkheidIngangsdatum
      verantwoordelijkheidEinddatum
      bemiddelingspecificatie { ...bspec }
      regiehouder { ...regie }
      overdracht {
        overdrachtID verantwoordelijkZorgkantoor overdrachtDatum verhuisDatum vaststellingMoment
        overdrachtspecificatie { overdrachtspecificatieID leveringsstatus
          leveringsstatusClassificatie oorspronkelijkeToewijzingEinddatum }
      }
    }
    contactpersoon { """
    + _CP
    + """ contactgegevens { ...pcg } }
    contactgegevens { ...ccg }
  }
}
"""
    + _FRAGMENTS
)


# -- synthetic data ---------------------------------------------------------------------------

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def bsns(start: int) -> Iterator[str]:
    """Distinct valid BSNs (11-proef), counting up from the 8-digit head ``start``."""
    head = start
    while True:
        digits = str(head)
        check = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
        if check < 10:
            yield digits + str(check)
        head += 1


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(7, 18), rng.randint(0, 59)), dt.UTC)


_ZZP = ("4VV", "5VV", "6VV", "7VV", "8VV", "9VV", "3LG", "5LG", "4LG", "2LV")
_STRATEN = ("Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianalaan")
_PLAATSEN = ("Utrecht", "Zwolle", "Arnhem", "Amersfoort", "Deventer", "Apeldoorn", "Ede")
_NAMEN = ("Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer")
_VOORNAMEN = ("Anna", "Jan", "Maria", "Pieter", "Johanna", "Cornelis", "Hendrika", "Willem")
_REGIEROL = ("Coordinator zorg thuis", "Dossierhouder", "Regiehouder")


def _contactgegevens(rng: random.Random, start: dt.date, **ids: Any) -> dict[str, Any]:
    ended = rng.random() < 0.2
    begin = _day(rng, start - dt.timedelta(days=2000), start)
    return {
        **ids,
        "adressoort": rng.choice(("01", "02", "03")),
        "straatnaam": rng.choice(_STRATEN),
        "huisnummer": rng.randint(1, 300),
        "huisletter": rng.choice((None, None, None, "A", "B")),
        "huisnummertoevoeging": None,
        "postcode": f"{rng.randint(1000, 9999)}{rng.choice('ABCDEFGH')}{rng.choice('KLMNPR')}",
        "plaatsnaam": rng.choice(_PLAATSEN),
        "land": "NL",
        "aanduidingWoonadres": None,
        "emailadres": f"p{rng.getrandbits(32):x}@example.nl" if rng.random() < 0.5 else None,
        "telefoonnummer01": f"06{rng.randint(10_000_000, 99_999_999)}",
        "landnummer01": "0031",
        "telefoonnummer02": None,
        "landnummer02": None,
        "ingangsdatum": begin,
        "einddatum": _day(rng, begin, TODAY) if ended else None,
    }


Rows = dict[sa.Table, list[dict[str, Any]]]


def dossier(rng: random.Random, zk: str, bsn: str, instellingen: list[str], rows: Rows) -> None:
    """Append one bemiddeling of tenant ``zk`` with its client and everything below it."""
    stamp = {"versie": 1, "geregistreerdOp": NOW, "gewijzigdOp": NOW}
    client_id, bemiddeling_id = _uuid(rng), _uuid(rng)
    start = _day(rng, dt.date(2015, 1, 1), dt.date(2026, 6, 30))
    rows[m.client].append(
        {
            "clientID": client_id,
            "zorgkantoor": zk,
            "bsn": bsn,
            "leefeenheid": rng.choice(("1", "2", "3")),
            "huisarts": f"01{rng.randint(0, 999_999):06d}",
            "communicatievorm": rng.choice(("1", "2", None)),
            "taal": rng.choice(("nl", "nl", "nl", "en", "tr", None)),
            **stamp,
        }
    )
    # Allocations one after the other from the start of the responsibility; the last may be
    # open-ended.
    bspecs: list[dict[str, Any]] = []
    begin = start
    count = rng.choice((1, 1, 2, 2, 3))
    for k in range(count):
        end: dt.date | None = begin + dt.timedelta(days=rng.randint(60, 1200))
        if k == count - 1 and rng.random() < 0.4:
            end = None
        leveringsvorm = rng.choice(("1", "2", "3", "4"))
        bspecs.append(
            {
                "bemiddelingspecificatieID": _uuid(rng),
                "zorgkantoor": zk,
                "bemiddelingID": bemiddeling_id,
                "leveringsvorm": leveringsvorm,
                "zzpCode": rng.choice(_ZZP),
                "toewijzingIngangsdatum": begin,
                "instelling": rng.choice(instellingen),
                "uitvoerendZorgkantoor": zk if rng.random() < 0.95 else rng.choice((*OTHERS, ZK)),
                "vaststellingMoment": _moment(begin - dt.timedelta(days=rng.randint(0, 30)), rng),
                "toewijzingEinddatum": end,
                "percentage": 100,
                "pgbPercentage": 100 if leveringsvorm == "4" else None,
                "opname": rng.choice(("1", "2", None)),
                "redenIntrekking": None if end is None or rng.random() < 0.7 else "01",
                "etmalen": None,
                "instellingBestemming": None,
                "soortToewijzing": rng.choice(("01", "02", "03")),
                **stamp,
            }
        )
        if end is None:
            break
        begin = end + dt.timedelta(days=1)
    rows[m.bemiddelingspecificatie].extend(bspecs)
    overdracht = rng.random() < 0.03
    verantwoordelijk_eind = None
    if overdracht:
        datum = _day(rng, start + dt.timedelta(days=30), dt.date(2026, 10, 1))
        verantwoordelijk_eind = datum - dt.timedelta(days=1)
        overdracht_id = _uuid(rng)
        rows[m.overdracht].append(
            {
                "overdrachtID": overdracht_id,
                "zorgkantoor": zk,
                "bemiddelingID": bemiddeling_id,
                "verantwoordelijkZorgkantoor": rng.choice([z for z in (ZK, *OTHERS) if z != zk]),
                "overdrachtDatum": datum,
                "verhuisDatum": datum - dt.timedelta(days=rng.randint(0, 30)),
                "vaststellingMoment": _moment(datum - dt.timedelta(days=40), rng),
                **stamp,
            }
        )
        for b in bspecs:
            if b["toewijzingEinddatum"] is None or b["toewijzingEinddatum"] >= datum:
                rows[m.overdrachtspecificatie].append(
                    {
                        "overdrachtspecificatieID": _uuid(rng),
                        "zorgkantoor": zk,
                        "bemiddelingID": bemiddeling_id,
                        "overdrachtID": overdracht_id,
                        "bemiddelingspecificatieID": b["bemiddelingspecificatieID"],
                        "leveringsstatus": rng.choice(("1", "2")),
                        "leveringsstatusClassificatie": None,
                        "oorspronkelijkeToewijzingEinddatum": b["toewijzingEinddatum"],
                    }
                )
    rows[m.bemiddeling].append(
        {
            "bemiddelingID": bemiddeling_id,
            "zorgkantoor": zk,
            "clientID": client_id,
            "wlzIndicatieID": _uuid(rng),
            "verantwoordelijkZorgkantoor": zk,
            "verantwoordelijkheidIngangsdatum": start,
            "verantwoordelijkheidEinddatum": verantwoordelijk_eind,
            **stamp,
        }
    )
    if rng.random() < 0.5:
        regie_begin = _day(rng, start, start + dt.timedelta(days=365))
        rows[m.regiehouder].append(
            {
                "regiehouderID": _uuid(rng),
                "zorgkantoor": zk,
                "bemiddelingID": bemiddeling_id,
                "clientID": client_id,
                "instelling": rng.choice(instellingen),
                "ingangsdatum": regie_begin,
                "einddatum": (
                    regie_begin + dt.timedelta(days=rng.randint(30, 900))
                    if rng.random() < 0.4
                    else None
                ),
                "regierol": rng.choice(_REGIEROL),
                **stamp,
            }
        )
    for n in range(rng.choice((0, 1, 1, 2))):
        persoon_id = _uuid(rng)
        begin = _day(rng, start - dt.timedelta(days=1000), start + dt.timedelta(days=200))
        rows[m.contactpersoon].append(
            {
                "contactpersoonID": persoon_id,
                "zorgkantoor": zk,
                "clientID": client_id,
                "relatienummer": str(n + 1),
                "volgorde": n + 1,
                "soortRelatie": rng.choice(("01", "02", "03", "10")),
                "rol": rng.choice(("1", "2", None)),
                "relatie": rng.choice(("01", "02", "04", None)),
                "geslachtsnaam": rng.choice(_NAMEN),
                "voorvoegselGeslachtsnaam": None,
                "partnernaam": None,
                "voorvoegselPartnernaam": None,
                "voornamen": rng.choice(_VOORNAMEN),
                "voorletters": "A",
                "roepnaam": None,
                "naamgebruik": "1",
                "geslacht": rng.choice(("1", "2")),
                "geboortedatum": _day(rng, dt.date(1940, 1, 1), dt.date(2000, 12, 31)),
                "geboortedatumgebruik": "1",
                "ingangsdatum": begin,
                "einddatum": _day(rng, begin, TODAY) if rng.random() < 0.2 else None,
            }
        )
        rows[m.contactpersoon_contactgegevens].append(
            _contactgegevens(
                rng,
                start,
                contactpersoonContactgegevensID=_uuid(rng),
                zorgkantoor=zk,
                clientID=client_id,
                contactpersoonID=persoon_id,
            )
        )
    for _ in range(rng.choice((1, 1, 2))):
        rows[m.client_contactgegevens].append(
            _contactgegevens(
                rng, start, clientContactgegevensID=_uuid(rng), zorgkantoor=zk, clientID=client_id
            )
        )


def count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(m.bemiddeling.name):
            return 0
        return int(conn.execute(sa.select(sa.func.count()).select_from(m.bemiddeling)).scalar_one())


def load(engine: sa.Engine, n: int, batch: int = 5000) -> None:
    """``n`` bemiddelingen: 80 % of tenant ZK, 10 % of each other; a tenth of the other
    tenants' clients share a BSN with a client of ZK (moved clients)."""
    rng = random.Random(2026)
    instellingen = [f"{rng.randint(10_000_000, 99_999_999)}" for _ in range(2000)]
    own = bsns(10_000_000)
    other = bsns(60_000_000)
    plan = [ZK] * (n * 8 // 10)
    plan += [OTHERS[i % 2] for i in range(n - len(plan))]
    rng.shuffle(plan)
    own_bsns: list[str] = []
    totals: dict[str, int] = {t.name: 0 for t in m.TABLES}
    started = time.perf_counter()
    for lo in range(0, n, batch):
        rows: Rows = {t: [] for t in m.TABLES}
        for zk in plan[lo : lo + batch]:
            if zk == ZK:
                bsn = next(own)
                own_bsns.append(bsn)
            elif own_bsns and rng.random() < 0.1:
                bsn = own_bsns.pop(rng.randrange(len(own_bsns)))  # once per other tenant
            else:
                bsn = next(other)
            dossier(rng, zk, bsn, instellingen, rows)
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                # Random UUID keys touch pages all over the indexes: 2 MB is too small a cache.
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
            for table in m.TABLES:  # parents before children
                if rows[table]:
                    conn.execute(table.insert(), rows[table])
                    totals[table.name] += len(rows[table])
        done = min(n, lo + batch)
        rate = done / (time.perf_counter() - started)
        print(f"\rloading {done:,}/{n:,} bemiddelingen ({rate:,.0f}/s)", end="", file=sys.stderr)
    elapsed = time.perf_counter() - started
    total = sum(totals.values())
    print(file=sys.stderr)
    print(
        f"loaded {n:,} bemiddelingen, {total:,} rows in {elapsed:.1f} s "
        f"({total / elapsed:,.0f} rows/s, {n / elapsed:,.0f} bemiddelingen/s)"
    )
    print("  " + ", ".join(f"{name} {k:,}" for name, k in totals.items()))
    started = time.perf_counter()
    analyze(engine)
    print(f"ANALYZE in {time.perf_counter() - started:.1f} s")


def analyze(engine: sa.Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")


# -- databases --------------------------------------------------------------------------------


def database(kind: str, args: argparse.Namespace) -> tuple[sa.Engine, bool]:
    """An engine on the bench database at head, and whether it already holds the data."""
    if kind == "sqlite":
        path = Path(args.sqlite_path or f"var/bench/br_{args.bemiddelingen}.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        admin = sa.create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": PG_DATABASE}
            ).first()
            if exists and not args.reuse:
                conn.execute(sa.text(f'DROP DATABASE "{PG_DATABASE}" WITH (FORCE)'))
            if not exists or not args.reuse:
                conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
        url = sa.make_url(args.pg_url).set(database=PG_DATABASE).render_as_string(False)
    engine = create_engine(url)
    have = count(engine)
    migrate.upgrade(engine)
    if have and have != args.bemiddelingen:
        print(f"the database holds {have:,} bemiddelingen, not {args.bemiddelingen:,}: reloading")
        engine.dispose()
        args_copy = argparse.Namespace(**{**vars(args), "reuse": False})
        return database(kind, args_copy)
    return engine, have > 0


def drop_pg(args: argparse.Namespace) -> None:
    admin = sa.create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
    admin.dispose()


# -- measuring --------------------------------------------------------------------------------


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def measure(fn: Callable[[Any], Any], warmup: list[Any], args: list[Any]) -> dict[str, float]:
    for a in warmup:
        fn(a)
    times = []
    start = time.perf_counter()
    for a in args:
        t0 = time.perf_counter()
        fn(a)
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    times.sort()
    return {
        "per_s": len(args) / total,
        "p50_ms": percentile(times, 0.50) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "p99_ms": percentile(times, 0.99) * 1000,
        "mean_ms": statistics.fmean(times) * 1000,
    }


def qbr_0005_variables(b: uuid.UUID, begin: dt.date, end: dt.date) -> dict[str, Any]:
    try:
        e2 = end.replace(year=end.year + 2)
    except ValueError:  # 29 February
        e2 = dt.date(end.year + 2, 2, 28)
    return {
        "b": str(b),
        "zk": ZK,
        "i": begin.isoformat(),
        "e": end.isoformat(),
        "e2": e2.isoformat(),
        "e31": dt.date(end.year + 1, 5, 31).isoformat(),
    }


_PK_TABLES = {t.primary_key.columns.values()[0].key: t for t in ENTITY_TABLES.values()}


def _ids(node: Any, out: dict[str, set[str]]) -> None:
    """Every object ID in a response, by its primary-key field."""
    if isinstance(node, list):
        for item in node:
            _ids(item, out)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _PK_TABLES and value is not None:
                out.setdefault(key, set()).add(value)
            else:
                _ids(value, out)


def check_tenant(conn: sa.Connection, data: Any) -> int:
    """Every object in ``data`` is a row of tenant ZK; returns how many objects."""
    found: dict[str, set[str]] = {}
    _ids(data, found)
    total = 0
    for key, ids in found.items():
        table = _PK_TABLES[key]
        rows = conn.execute(
            sa.select(table.c[key], table.c.zorgkantoor).where(
                table.c[key].in_([uuid.UUID(i) for i in ids])
            )
        ).all()
        assert len(rows) == len(ids), f"{key}: {len(ids)} in the answer, {len(rows)} stored"
        wrong = [r for r in rows if r.zorgkantoor != ZK]
        assert not wrong, f"rows of another tenant in the answer: {wrong}"
        total += len(ids)
    return total


def check_qbr_0005(conn: sa.Connection, data: Any, b: uuid.UUID, e: dt.date) -> None:
    bs = m.bemiddelingspecificatie.c
    expected = conn.execute(
        sa.select(bs.bemiddelingID).where(bs.bemiddelingspecificatieID == b, bs.zorgkantoor == ZK)
    ).scalar_one()
    [own] = data["bemiddelingspecificatie"]
    assert own["bemiddelingspecificatieID"] == str(b)
    bem = own["bemiddeling"]
    assert bem["bemiddelingID"] == str(expected), (bem["bemiddelingID"], expected)
    # The informative allocations: those of the same bemiddeling within the date window.
    i = dt.date.fromisoformat(own["toewijzingIngangsdatum"])
    e31 = dt.date(e.year + 1, 5, 31)
    want = set(
        str(x)
        for x in conn.execute(
            sa.select(bs.bemiddelingspecificatieID).where(
                bs.bemiddelingID == expected,
                bs.zorgkantoor == ZK,
                sa.or_(bs.toewijzingEinddatum.is_(None), bs.toewijzingEinddatum >= i),
                bs.toewijzingIngangsdatum <= e31,
            )
        ).scalars()
    )
    got = {x["bemiddelingspecificatieID"] for x in bem["bemiddelingspecificatie"]}
    assert got == want, (got, want)
    cp = m.contactpersoon.c
    e2 = dt.date.fromisoformat(qbr_0005_variables(b, i, e)["e2"])
    want_cp = set(
        str(x)
        for x in conn.execute(
            sa.select(cp.contactpersoonID).where(
                cp.clientID == uuid.UUID(bem["client"]["clientID"]),
                cp.zorgkantoor == ZK,
                sa.or_(cp.einddatum.is_(None), cp.einddatum >= i),
                cp.ingangsdatum <= e2,
            )
        ).scalars()
    )
    got_cp = {x["contactpersoonID"] for x in bem["client"]["contactpersoon"]}
    assert got_cp == want_cp, (got_cp, want_cp)


def check_client(conn: sa.Connection, data: Any, bsn: str) -> None:
    c, b = m.client.c, m.bemiddeling.c
    want = set(
        str(x)
        for x in conn.execute(
            sa.select(b.bemiddelingID)
            .join_from(m.bemiddeling, m.client, b.clientID == c.clientID)
            .where(c.bsn == bsn, c.zorgkantoor == ZK)
        ).scalars()
    )
    [client] = data["client"]
    assert client["bsn"] == bsn
    got = {x["bemiddelingID"] for x in client["bemiddeling"]}
    assert got == want and want, (got, want)


class Statements:
    """The SQL statements an engine runs while active (for ``--explain`` and counting)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, Any]] = []

    def _hook(self, _c: Any, _cur: Any, statement: str, params: Any, *_a: Any) -> None:
        self.seen.append((statement, params))

    def __enter__(self) -> Statements:
        sa.event.listen(self.engine, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._hook)


def sql_alone(
    engine: sa.Engine, fn: Callable[[Any], Any], warmup: list[Any], args: list[Any]
) -> dict[str, float]:
    """The same queries' SQL statements replayed on a raw DBAPI cursor (no GraphQL, no
    SQLAlchemy): the database's share, round trips included."""
    groups: list[list[tuple[str, Any]]] = []
    with Statements(engine) as seen:
        for a in warmup + args:
            start = len(seen.seen)
            fn(a)
            groups.append(seen.seen[start:])
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()

        def replay(group: list[tuple[str, Any]]) -> None:
            for statement, params in group:
                cur.execute(statement, params)
                cur.fetchall()

        return measure(replay, groups[: len(warmup)], groups[len(warmup) :])
    finally:
        raw.close()


def explain(engine: sa.Engine, statements: list[tuple[str, Any]]) -> None:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for statement, params in statements:
            print("\n" + " ".join(statement.split())[:400])
            cur = raw.cursor()
            if engine.dialect.name == "sqlite":
                cur.execute("EXPLAIN QUERY PLAN " + statement, params)
                for row in cur.fetchall():
                    print("   ", row[-1])
            else:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                for row in cur.fetchall():
                    print("   ", row[0])
            cur.close()


def run(kind: str, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    engine, loaded = database(kind, args)
    if loaded:
        print(f"\n{kind}: reusing the database ({count(engine):,} bemiddelingen)")
    else:
        print(f"\n{kind}: loading {args.bemiddelingen:,} bemiddelingen")
        load(engine, args.bemiddelingen)

    br = Bemiddelingsregister(engine, clock=CLOCK)
    schema = build_read_schema()
    context = {"bemiddelingsregister": br, "zorgkantoor": ZK}
    rng = random.Random(5)
    bs, c = m.bemiddelingspecificatie.c, m.client.c
    with engine.connect() as conn:
        candidates = conn.execute(
            sa.select(
                bs.bemiddelingspecificatieID, bs.toewijzingIngangsdatum, bs.toewijzingEinddatum
            )
            .where(
                bs.zorgkantoor == ZK,
                bs.uitvoerendZorgkantoor == ZK,
                bs.toewijzingEinddatum.is_not(None),
            )
            .order_by(bs.bemiddelingspecificatieID)
        ).all()
        client_bsns = list(
            conn.execute(sa.select(c.bsn).where(c.zorgkantoor == ZK).order_by(c.bsn)).scalars()
        )
        shared = list(
            conn.execute(
                sa.select(c.bsn)
                .where(c.zorgkantoor == ZK)
                .where(c.bsn.in_(sa.select(m.client.c.bsn).where(m.client.c.zorgkantoor != ZK)))
                .order_by(c.bsn)
                .limit(50)
            ).scalars()
        )
    wanted = args.warmup + args.queries
    bspec_sample = [rng.choice(candidates) for _ in range(wanted)]
    bsn_sample = [rng.choice(client_bsns) for _ in range(wanted)]

    documents = {
        name: parse(text) for name, text in (("qbr", QBR_0005), ("client", CLIENT_DOSSIER))
    }
    for doc in documents.values():
        errors = validate(schema, doc)
        assert not errors, errors

    def checked(result: Any) -> ExecutionResult:
        assert isinstance(result, ExecutionResult) and not result.errors, result
        return result

    def qbr(row: Any) -> ExecutionResult:
        return checked(
            execute(
                schema,
                documents["qbr"],
                context_value=context,
                variable_values=qbr_0005_variables(*row),
            )
        )

    def dossier_by_bsn(bsn: str) -> ExecutionResult:
        return checked(
            execute(
                schema, documents["client"], context_value=context, variable_values={"bsn": bsn}
            )
        )

    # Correctness: a sample of answers against direct SQL, and tenant isolation (including
    # clients whose BSN is also a client of another tenant).
    objects = 0
    with engine.connect() as conn:
        for row in bspec_sample[:25]:
            data = qbr(row).data
            check_qbr_0005(conn, data, row[0], row[2])
            objects += check_tenant(conn, data)
        for bsn in bsn_sample[:25] + shared[:25]:
            data = dossier_by_bsn(bsn).data
            check_client(conn, data, bsn)
            objects += check_tenant(conn, data)
        # The same requests in another tenant's register find nothing.
        for tenant in OTHERS:
            elsewhere = {"bemiddelingsregister": br, "zorgkantoor": tenant}
            for row in bspec_sample[:5]:
                found = execute(
                    schema,
                    documents["qbr"],
                    context_value=elsewhere,
                    variable_values=qbr_0005_variables(*row),
                )
                assert isinstance(found, ExecutionResult) and not found.errors, found
                assert found.data == {"bemiddelingspecificatie": []}, found.data
    print(
        f"answers checked against SQL: 25 QBR-0005, {25 + len(shared[:25])} client dossiers "
        f"({len(shared[:25])} with a BSN also known to another tenant), {objects:,} objects, "
        f"all of the tenant; the same QBR-0005 requests in {' and '.join(OTHERS)} find nothing"
    )

    cases: list[tuple[str, Callable[[Any], ExecutionResult], list[Any]]] = [
        ("QBR-0005-ZKu", qbr, bspec_sample),
        ("client(bsn)", dossier_by_bsn, bsn_sample),
    ]
    for name, fn, sample in cases:
        with Statements(engine) as seen:
            result = fn(sample[0])
        print(
            f"{name}: {len(seen.seen)} SQL statements per query, "
            f"response {len(str(result.data)):,} chars"
        )
        if args.explain:
            explain(engine, seen.seen)

    rows = {
        "QBR-0005-ZKu full dossier": measure(
            qbr, bspec_sample[: args.warmup], bspec_sample[args.warmup :]
        ),
        "client(bsn) full dossier": measure(
            dossier_by_bsn, bsn_sample[: args.warmup], bsn_sample[args.warmup :]
        ),
        "QBR-0005-ZKu, SQL alone": sql_alone(
            engine, qbr, bspec_sample[: args.warmup], bspec_sample[args.warmup :]
        ),
        "client(bsn), SQL alone": sql_alone(
            engine, dossier_by_bsn, bsn_sample[: args.warmup], bsn_sample[args.warmup :]
        ),
    }
    print(
        f"\nBemiddelingsregister full-dossier queries, {engine.dialect.name}, "
        f"{args.bemiddelingen:,} bemiddelingen ({ZK}: 80 %), {args.queries:,} queries each "
        f"after {args.warmup:,} warm-up, one thread, graphql-core execute"
    )
    print(f"{'':28} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, r in rows.items():
        print(
            f"{label:28} {r['per_s']:8,.0f} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} "
            f"{r['p99_ms']:8.2f}"
        )
    for query in ("QBR-0005-ZKu", "client(bsn)"):
        share = rows[f"{query}, SQL alone"]["mean_ms"] / rows[f"{query} full dossier"]["mean_ms"]
        print(f"{query}: the SQL statements take {share:.0%} of the mean query time")
    engine.dispose()
    if kind == "postgres" and not args.keep:
        drop_pg(args)
    print(f"{kind}: {time.perf_counter() - t0:.0f} s end to end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default=PG_BASE, help="PostgreSQL server (admin database)")
    parser.add_argument("--sqlite-path", help="default var/bench/br_<N>.db")
    parser.add_argument("--bemiddelingen", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=2000, help="measured queries per kind")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument(
        "--reuse", action="store_true", help="keep an existing database with the data"
    )
    parser.add_argument(
        "--keep", action="store_true", help=f"do not drop PostgreSQL database {PG_DATABASE}"
    )
    parser.add_argument("--explain", action="store_true", help="print SQL and plans")
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        run(kind, args)


if __name__ == "__main__":
    main()
