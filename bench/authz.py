"""nID authorization cost: PEP + PDP per request, and authorized vs open lookups per second.

Measures in one run, in-process (no sockets), on SQLite (or --database-url):

1. token verification (ES256) cold and cached, PDP input building, PDP decision (regopy),
   audit append — each in µs, p50/p99 — and "authorization added" = verify + input + decide;
2. full-tree UCIR-0001 lookups/s through the ASGI app with nID (token, PEP, PDP, audit) and
   with an open guard, as a ratio.

    python bench/authz.py [--n 2000] [--lookups 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from graphql import OperationDefinitionNode, parse

from iwlz.app import create_app
from iwlz.config import Settings
from iwlz.core import migrate
from iwlz.core.clock import SystemClock
from iwlz.core.db import create_engine
from iwlz.demo.synthetic import generate
from iwlz.graphql.http import OpenGuard, ParsedOperation
from iwlz.nid.audit import AuditEvent
from iwlz.nid.client import token_request
from iwlz.nid.keys import SigningKey
from iwlz.nid.pdp import build_pdp_input
from iwlz.registers.indicatie import models as m
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.indicatie.templates import QIR_0001

SCOPE = "registers/wlzindicatieregister/indicaties/indicatie:read"
QUERY = QIR_0001


def stats(fn: Callable[[], Any], n: int) -> dict[str, float]:
    for _ in range(min(200, n)):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"p50_us": statistics.median(times) * 1e6, "p99_us": times[int(n * 0.99) - 1] * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--n", type=int, default=2000, help="indications to load")
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="iwlz-authz-"))
    url = args.database_url or f"sqlite:///{tmp / 'authz.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    clock = SystemClock()
    ir = Indicatieregister(engine, clock=clock)
    with engine.connect() as conn:
        have = conn.execute(sa.select(sa.func.count()).select_from(m.wlz_indicatie)).scalar_one()
    if have < args.n:
        batch: list[dict[str, Any]] = []
        for c in generate(args.n - have, seed=11, today=clock.today(), start_index=have):
            batch.append(c.indicatie)
            if len(batch) == 500:
                ir.registreer_batch(batch)
                batch.clear()
        if batch:
            ir.registreer_batch(batch)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                m.wlz_indicatie.c[m.ROOT], m.wlz_indicatie.c.initieelVerantwoordelijkZorgkantoor
            )
        ).all()
    rng = random.Random(5)
    sample = [rng.choice(rows) for _ in range(args.lookups)]

    settings = Settings(
        database_url=url,
        dev=True,
        nid_keys_dir=str(tmp / "keys"),
        public_url="http://bench",
        audit_bsn_key="bench-audit-key-0123456789",
    )
    app = create_app(settings, engine=engine, clock=clock)
    net = app.state.network
    nid = net.nid
    keys: dict[str, SigningKey] = {}
    for zk in sorted({r[1] for r in rows}):
        key = SigningKey.generate()
        if nid.participants.get(f"uzovi:{zk}") is None:
            nid.participants.add(
                type="zorgkantoor", identifier=f"UZOVI:{zk}", naam=zk, jwks={"keys": [key.jwk]}
            )
            keys[zk] = key
    audience = nid.audience("/indicatieregister/graphql")
    tokens = {
        zk: nid.server.token(
            token_request(f"uzovi:{zk}", key, nid.token_endpoint, scope=SCOPE, audience=audience)
        ).access_token
        for zk, key in keys.items()
    }

    # -- component costs -------------------------------------------------------------------
    wid, zk = sample[0]
    token = tokens[zk]
    document = parse(QUERY)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    parsed = ParsedOperation(
        QUERY,
        {"wlzIndicatieID": str(wid), "initieelVerantwoordelijkZorgkantoor": zk},
        None,
        document,
        operation,
    )
    claims = nid.verifier.verify(token, audience)
    now = clock.now()

    def verify_cold() -> None:
        nid.verifier._cache.clear()
        nid.verifier.verify(token, audience)

    def pdp_input() -> dict[str, Any]:
        return build_pdp_input(
            register="indicatieregister", claims=claims, operation=parsed, now=now
        )

    prepared = pdp_input()
    decision = nid.pdp.decide(prepared)
    assert decision.allowed, decision

    def decide() -> None:
        nid.pdp.decide(prepared)

    def authorize() -> None:
        c = nid.verifier.verify(token, audience)
        d = nid.pdp.decide(
            build_pdp_input(register="indicatieregister", claims=c, operation=parsed, now=now)
        )
        assert d.allowed

    event = AuditEvent(
        event_type="pep.decision",
        decision="allow",
        participant=f"uzovi:{zk}",
        on_behalf_of=None,
        operation="query wlzIndicatie QIR0001",
        resource="indicatieregister",
        use_case="UCIR-0001",
        records=(f"WlzIndicatie/{wid}",),
        bsns=(),
        reason=None,
        http_status=200,
        trace_id=None,
        span_id=None,
        occurred_at=now,
    )
    n = 3000
    parts = {
        "token verify, cold (ES256)": stats(verify_cold, 500),
        "token verify, cached": stats(lambda: nid.verifier.verify(token, audience), n),
        "PDP input (selection, arguments)": stats(pdp_input, n),
        "PDP decide (regopy, UCIR-0001)": stats(decide, n),
        "authorization added (verify+input+decide)": stats(authorize, n),
        "audit append (SQLite, own transaction)": stats(lambda: nid.audit.append(event), 1000),
    }

    # -- lookups through the app ------------------------------------------------------------
    open_app = create_app(settings, engine=engine, clock=clock, guard=OpenGuard())

    async def lookups(application: Any, with_token: bool) -> float:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def one(w: Any, z: str) -> None:
                headers = {"authorization": f"Bearer {tokens[z]}"} if with_token else {}
                r = await client.post(
                    "/indicatieregister/graphql",
                    json={
                        "query": QUERY,
                        "variables": {
                            "wlzIndicatieID": str(w),
                            "initieelVerantwoordelijkZorgkantoor": z,
                        },
                    },
                    headers=headers,
                )
                assert r.status_code == 200, r.text

            for w, z in sample[:100]:
                await one(w, z)
            start = time.perf_counter()
            for w, z in sample:
                await one(w, z)
            return len(sample) / (time.perf_counter() - start)

    open_rate = asyncio.run(lookups(open_app, False))
    authz_rate = asyncio.run(lookups(app, True))

    print(f"\nnID authorization cost, {engine.dialect.name}, {args.n:,} indications")
    print(f"{'':44} {'p50 µs':>9} {'p99 µs':>9}")
    for name, r in parts.items():
        print(f"{name:44} {r['p50_us']:9,.0f} {r['p99_us']:9,.0f}")
    print("\nfull-tree UCIR-0001 lookups/s through the ASGI app:")
    print(f"  open guard (no nID)        {open_rate:8,.0f}")
    print(f"  nID (token, PEP, PDP, audit) {authz_rate:6,.0f}")
    print(f"  ratio authorized / open    {authz_rate / open_rate:8.2f}")
    added = parts["authorization added (verify+input+decide)"]["p50_us"]
    print(
        f"target: authorization adds <= 150 µs at p50: {'meets' if added <= 150 else 'MISSES'} "
        f"({added:.0f} µs)"
    )


if __name__ == "__main__":
    main()
