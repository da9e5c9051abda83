"""Indicatieregister lookup benchmark (issue: full-tree lookup >= 500/s on SQLite, one core).

Builds (or reuses) a database of N synthetic indications, then measures in-process:

1. full-tree lookup of one indication by wlzindicatieID: GraphQL execution + SQL
   (parse/validate cached, as for the network's fixed templates);
2. the same query's GraphQL execution alone over in-memory data (no database);
3. the same lookup through the ASGI app (HTTP semantics, no sockets).

Prints lookups/s, p50 and p99 per row and the ratio of (1) to (2).

    python bench/ir_query.py                          # SQLite, 100,000 indications
    python bench/ir_query.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/iwlz_bench
    python bench/ir_query.py --n 10000 --lookups 2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from graphql import ExecutionResult, OperationDefinitionNode, execute, parse, validate

from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine, ensure_sqlite_dir
from iwlz.demo.synthetic import generate
from iwlz.graphql.fastpath import compile_query
from iwlz.registers.indicatie import models as m
from iwlz.registers.indicatie.api import build_read_schema
from iwlz.registers.indicatie.service import Indicatieregister

TODAY = dt.date(2026, 11, 1)
CLOCK = FixedClock(dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))

FULL_TREE = """
query QIR0001($id: UUID!) {
  wlzIndicatie(where: {wlzindicatieID: {eq: $id}}) {
    wlzindicatieID bsn besluitnummer soortWlzindicatie afgiftedatum ingangsdatum einddatum
    meerzorg initieelVerantwoordelijkZorgkantoor vervaldatum commentaar
    grondslag { grondslagID grondslag volgorde }
    geindiceerdZorgzwaartepakket { geindiceerdZorgzwaartepakketID zzpCode ingangsdatum einddatum
      voorkeurClient instellingVoorkeur financiering commentaar }
    beperking { beperkingID categorie duur commentaar
      beperkingScore { beperkingScoreID beperkingVraag beperkingScore commentaar } }
    stoornis { stoornisID grondslag diagnoseCodelijst diagnoseSubCodelijst ziektebeeldStoornis
      prognose commentaar }
    stoornisScore { stoornisScoreID stoornisVraag stoornisScore commentaar }
    wzd { wzdID wzdVerklaring ingangsdatum einddatum }
    client {
      clientID bsn geheimeClient geboorteDatum geboortedatumGebruik geslacht burgerlijkeStaat
      geslachtsnaam voorvoegselGeslachtsnaam partnernaam voorvoegselPartnernaam voornamen
      roepnaam voorletters naamGebruik leefeenheid agbcodeHuisarts communicatieVorm taal
      commentaar
      contactPersoon {
        contactPersoonID relatieNummer volgorde soortRelatie rol relatie voornamen roepnaam
        voorletters geslachtsnaam voorvoegselGeslachtsnaam partnernaam voorvoegselPartnernaam
        naamGebruik geslacht geboorteDatum geboortedatumGebruik ingangsdatum einddatum clientID
        contactGegevens { ...cg }
      }
      contactGegevens { ...cg }
    }
  }
}
fragment cg on ContactGegevens {
  contactGegevensID clientID contactPersoonID
  adres { adresID adresSoort straatnaam huisnummer huisletter huisnummerToevoeging postcode
    plaatsnaam landCode aanduidingWoonadres ingangsdatum einddatum }
  telefoon { telefoonID telefoonnummer landnummer ingangsdatum einddatum }
  email { emailID emailadres ingangsdatum einddatum }
}
"""


def populate(engine: sa.Engine, n: int, batch: int = 1000) -> None:
    with engine.connect() as conn:
        have = conn.execute(sa.select(sa.func.count()).select_from(m.wlz_indicatie)).scalar_one()
    if have >= n:
        print(f"database already holds {have:,} indications", file=sys.stderr)
        return
    ir = Indicatieregister(engine, clock=CLOCK)
    started = time.perf_counter()
    items: list[dict[str, Any]] = []
    done = have
    for client in generate(n - have, seed=42, today=TODAY, start_index=have):
        items.append(client.indicatie)
        if len(items) == batch:
            ir.registreer_batch(items)
            done += len(items)
            items.clear()
            rate = (done - have) / (time.perf_counter() - started)
            print(f"\rloading {done:,}/{n:,} ({rate:,.0f}/s)", end="", file=sys.stderr)
    if items:
        ir.registreer_batch(items)
    print(f"\nloaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def measure(fn: Callable[[Any], Any], args: list[Any]) -> dict[str, float]:
    for a in args:
        fn(a)  # one warm pass: caches, connection pool, and the database pages of the sample
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
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": times[int(len(times) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///var/bench/ir_100k.db")
    parser.add_argument("--n", type=int, default=100_000, help="indications in the database")
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    ensure_sqlite_dir(args.database_url)
    engine = create_engine(args.database_url)
    migrate.upgrade(engine)
    populate(engine, args.n)
    with engine.connect() as conn:
        ids = list(conn.execute(sa.select(m.wlz_indicatie.c[m.ROOT])).scalars())
    rng = random.Random(7)
    sample = [rng.choice(ids) for _ in range(args.lookups)]

    ir = Indicatieregister(engine, clock=CLOCK)
    schema = build_read_schema()
    document = parse(FULL_TREE)
    assert not validate(schema, document)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    compiled = compile_query(schema, document, operation)
    assert compiled is not None, "the template query must take the compiled path"

    def check(result: ExecutionResult | None) -> ExecutionResult:
        assert isinstance(result, ExecutionResult) and not result.errors, result
        assert result.data and len(result.data["wlzIndicatie"]) == 1
        return result

    def with_db(wid: Any) -> ExecutionResult:
        return check(compiled.run({"indicatieregister": ir}, {"id": str(wid)}))

    def with_db_core(wid: Any) -> ExecutionResult:
        return check(
            execute(
                schema,
                document,
                context_value={"indicatieregister": ir},
                variable_values={"id": str(wid)},
            )
        )

    # Same query over in-memory data: preload each sample's tree once, then resolve from RAM.
    preloaded: dict[str, list[dict[str, Any]]] = {}
    where = m.wlz_indicatie.c[m.ROOT].in_(list(set(sample))[:500])
    with engine.connect() as conn:
        for row in ir.zoek(conn, where):
            preloaded[str(row[m.ROOT])] = [row]
    memory_ids = list(preloaded)
    mem_schema = build_read_schema()
    mem_schema.query_type.fields["wlzIndicatie"].resolve = (  # type: ignore[union-attr]
        lambda _o, _i, where: preloaded[str(where["wlzindicatieID"]["eq"])]
    )
    mem_compiled = compile_query(mem_schema, document, operation)
    assert mem_compiled is not None

    def in_memory(wid: str) -> ExecutionResult:
        return check(mem_compiled.run({}, {"id": wid}))

    def in_memory_core(wid: str) -> ExecutionResult:
        return check(execute(mem_schema, document, variable_values={"id": wid}))

    from starlette.testclient import TestClient

    from iwlz.app import create_app
    from iwlz.config import Settings
    from iwlz.graphql.http import OpenGuard

    # nID is measured apart (bench/authz.py): an open guard isolates the register's own cost.
    app = create_app(
        Settings(database_url=args.database_url, dev=True),
        engine=engine,
        clock=CLOCK,
        guard=OpenGuard(),
    )
    client = TestClient(app)
    body = {"query": FULL_TREE}

    def over_asgi(wid: Any) -> None:
        r = client.post("/indicatieregister/graphql", json={**body, "variables": {"id": str(wid)}})
        assert r.status_code == 200

    memory_sample = [rng.choice(memory_ids) for _ in range(args.lookups)]
    rows = {
        "lookup (compiled executor + SQL)": measure(with_db, sample),
        "lookup (graphql-core executor + SQL)": measure(with_db_core, sample),
        "GraphQL alone, in memory (compiled)": measure(in_memory, memory_sample),
        "GraphQL alone, in memory (graphql-core)": measure(in_memory_core, memory_sample),
        "lookup through ASGI app (HTTP semantics)": measure(over_asgi, sample[: args.lookups // 2]),
    }
    size = len(json.dumps(with_db(sample[0]).data))
    main_row = rows["lookup (compiled executor + SQL)"]
    ratio = main_row["per_s"] / rows["GraphQL alone, in memory (compiled)"]["per_s"]
    report = {
        "database": engine.dialect.name,
        "indications": len(ids),
        "response_bytes": size,
        "rows": rows,
        "ratio_db_to_memory": ratio,
        "target_lookups_per_s": 500,
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(
        f"\nIndicatieregister full-tree lookup, {engine.dialect.name}, "
        f"{len(ids):,} indications, response {size:,} bytes"
    )
    print(f"{'':44} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, r in rows.items():
        print(f"{name:44} {r['per_s']:9,.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f}")
    print(f"ratio lookups/s with database / in-memory execution: {ratio:.2f}")
    verdict = "meets" if main_row["per_s"] >= 500 else "MISSES"
    print(f"target >= 500 lookups/s: {verdict}")


if __name__ == "__main__":
    main()
