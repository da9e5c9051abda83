"""PIP-checked lookups through the whole network over real HTTP: what the chain costs.

Loads N synthetic indications into the Indicatieregister and, for each, a bemiddeling in the
initially responsible zorgkantoor's Bemiddelingsregister (an open bemiddelingspecificatie for a
demo aanbieder, an ended one executed by another, supra-regional zorgkantoor, client contact
data, a contactpersoon and a regiehouder); a tenth of them are transferred (overdracht) to a
third zorgkantoor, which registers its own bemiddeling. Everything is written through the
registers' services before the server starts.

Then ``iwlz serve`` runs in a subprocess on a loopback port and one client thread (a persistent
httpx.Client with keep-alive; tokens fetched once per participant and audience) measures, after
a warm-up, lookups/s and p50/p95/p99 over ``--lookups`` requests each:

a. QIR-0001 by the initially responsible zorgkantoor (no PIP): the baseline;
b. QIR-0002 by the aanbieder (PIP-0002 over HTTP);
c. QIR-0003 by the new zorgkantoor after overdracht (PIP-0003);
d. QIR-0004 by the executing zorgkantoor (the same text as QIR-0003: PIP-0003 walks the chain
   first, then PIP-0004), a QIR-0002 refused to an aanbieder without allocation and a
   QIR-0003/0004 refused to a zorgkantoor outside the chain, both on transferred indications
   (the PIPs walk the whole chain and find nothing: the worst case);
e. QBR-0001 by the aanbieder and QBR-0005 (full dossier, nested lists with date filters) by the
   executing zorgkantoor, on the Bemiddelingsregister (no PIP).

Ratios are against (a). The PEP decisions in nID's audit log (``nid_audit_log``) give how many
HTTP requests one lookup causes (the PIP's own requests are made by nID's participant
kvk:18065868). Every answer is checked (allowed with the expected record, or 403); unexpected
answers are counted and the first of each kind is printed in full. No timing assertions.

    python bench/keten.py                        # SQLite, 2,000 indications
    python bench/keten.py --db postgres --pg-url postgresql+psycopg://postgres@127.0.0.1/postgres
    python bench/keten.py --db both --n 2000 --lookups 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa

from iwlz.core.clock import SystemClock
from iwlz.core.db import create_engine
from iwlz.demo.synthetic import generate
from iwlz.nid.audit import audit_log
from iwlz.nid.client import token_request
from iwlz.nid.demo import demo_aanbieder_agbs, participant_key
from iwlz.nid.pip_queries import NID_PIP_KVK
from iwlz.registers.bemiddeling.service import Bemiddelingsregister
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.indicatie.templates import QIR_0001, QIR_0002, QIR_0003

PG_DEFAULT = os.environ.get(
    "IWLZ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_DATABASE = "iwlz_bench_keten"

IR_PATH = "/indicatieregister/graphql"
IR_READ = "registers/wlzindicatieregister/indicaties/indicatie:read"
BR_READ = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"

TODAY = dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()
V = dt.datetime.combine(TODAY - dt.timedelta(days=400), dt.time(9), tzinfo=dt.UTC)
START = TODAY - dt.timedelta(days=3 * 365)  # responsibility and the ended allocation begin
OPEN_START = TODAY - dt.timedelta(days=365)  # the open allocation begins
ENDED = TODAY - dt.timedelta(days=30)  # the executing zorgkantoor's allocation ended
OVERDRACHT = TODAY - dt.timedelta(days=10)

# --- query texts (the shapes of tests/nid/policies/test_bemiddelingsregister.py) -------------

BSPEC = """bemiddelingspecificatieID leveringsvorm zzpCode toewijzingIngangsdatum
    toewijzingEinddatum instelling uitvoerendZorgkantoor vaststellingMoment percentage opname
    redenIntrekking etmalen instellingBestemming soortToewijzing"""
BEMIDDELING = """bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor
    verantwoordelijkheidIngangsdatum verantwoordelijkheidEinddatum"""
CLIENT = "bsn clientID taal communicatievorm huisarts leefeenheid"
CONTACTPERSOON = """contactpersoonID relatienummer volgorde soortRelatie rol relatie geslachtsnaam
    voorvoegselGeslachtsnaam partnernaam voorvoegselPartnernaam voornamen voorletters roepnaam
    naamgebruik geslacht geboortedatum geboortedatumgebruik ingangsdatum einddatum"""
CONTACTGEGEVENS = """adressoort straatnaam huisnummer huisletter huisnummertoevoeging postcode
    plaatsnaam land aanduidingWoonadres emailadres telefoonnummer01 landnummer01
    telefoonnummer02 landnummer02 ingangsdatum einddatum"""
REGIEHOUDER = "regiehouderID instelling ingangsdatum einddatum regierol"

QBR_0001 = (
    "query Bemiddelingspecificatie($B: UUID!, $A: String) {\n"
    "  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B} instelling: {eq: $A}})"
    f" {{\n    {BSPEC}\n    bemiddeling {{ {BEMIDDELING} client {{ {CLIENT} }} }}\n  }}\n}}"
)


def _ended(end: str, start: str, bound: str) -> str:
    return (
        f"(where: {{and: [{{or: [{{{end}: {{eq: null}}}}, {{{end}: {{gte: $I}}}}]}}, "
        f"{{{start}: {{ngt: {bound}}}}}]}})"
    )


_CG = _ended("einddatum", "ingangsdatum", "$E2")
_BS = _ended("toewijzingEinddatum", "toewijzingIngangsdatum", "$E31")
_RH = _ended("einddatum", "ingangsdatum", "$E31")
QBR_0005 = (
    "query Bemiddelingspecificatie($B: UUID!, $U: String, $I: Date, $E: Date, $E2: Date, "
    "$E31: Date) {\n"
    "  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B} "
    "uitvoerendZorgkantoor: {eq: $U} toewijzingIngangsdatum: {eq: $I} "
    "toewijzingEinddatum: {eq: $E}}) {\n"
    f"    {BSPEC}\n"
    f"    bemiddeling {{ {BEMIDDELING}\n"
    f"      client {{ {CLIENT}\n"
    f"        contactpersoon{_CG} {{ {CONTACTPERSOON}\n"
    f"          contactgegevens{_CG} {{ contactpersoonContactgegevensID {CONTACTGEGEVENS} }} }}\n"
    f"        contactgegevens{_CG} {{ clientContactgegevensID {CONTACTGEGEVENS} }} }}\n"
    f"      bemiddelingspecificatie{_BS} {{ {BSPEC} pgbPercentage }}\n"
    f"      regiehouder{_RH} {{ {REGIEHOUDER} }} }}\n"
    "  }\n}"
)


def plus_two_years(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 2, day=28)


def br_path(uzovi: str) -> str:
    return f"/bemiddelingsregister/{uzovi}/graphql"


# --- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dossier:
    """One indication and what its chain looks like."""

    wid: str
    zk: str  # initially responsible: its register holds the bemiddeling
    agb: str  # aanbieder of the open allocation b1
    b1: str
    zk_exec: str  # executes the ended allocation b2 (supra-regional)
    b2: str
    zk_new: str | None  # took the bemiddeling over (overdracht), or None
    outsider_agb: str  # an aanbieder without allocation
    outsider_zk: str  # a zorgkantoor outside the chain


def _bspec(
    b: str, instelling: str, uitvoerend: str, zzp: str, start: dt.date, end: dt.date | None
) -> dict[str, Any]:
    return {
        "bemiddelingspecificatieID": uuid.UUID(b),
        "leveringsvorm": "4",
        "zzpCode": zzp,
        "toewijzingIngangsdatum": start,
        "toewijzingEinddatum": end,
        "instelling": instelling,
        "uitvoerendZorgkantoor": uitvoerend,
        "vaststellingMoment": V,
        "soortToewijzing": "1",
    }


def load(engine: sa.Engine, n: int, seed: int = 11) -> list[Dossier]:
    """N indications in the IR and their chains in the Bemiddelingsregisters (services)."""
    clock = SystemClock()
    ir = Indicatieregister(engine, clock=clock)
    br = Bemiddelingsregister(engine, clock=clock)
    clients = list(generate(n, seed=seed, today=clock.today()))
    for i in range(0, n, 500):
        ir.registreer_batch([c.indicatie for c in clients[i : i + 500]])
    zorgkantoren = sorted({c.initieelVerantwoordelijkZorgkantoor for c in clients})
    agbs = demo_aanbieder_agbs()
    rng = random.Random(seed)
    dossiers: list[Dossier] = []
    for i, c in enumerate(clients):
        zk = c.initieelVerantwoordelijkZorgkantoor
        others = [z for z in zorgkantoren if z != zk]
        zk_exec, zk_new, outsider_zk = rng.sample(others, 3)
        agb, agb2 = agbs[i % 20], agbs[20 + i % 10]
        outsider_agb = agbs[30 + i % 10]
        b1, b2 = str(uuid.uuid4()), str(uuid.uuid4())
        zzps = c.indicatie.get("geindiceerdZorgzwaartepakket") or [{}]
        zzp = str(zzps[0].get("zzpCode") or "754")
        cg = {"adressoort": "01", "ingangsdatum": START}
        done = br.registreer_bemiddeling(
            zk,
            {
                "wlzIndicatieID": c.wlzindicatieID,
                "verantwoordelijkheidIngangsdatum": START,
                "client": {
                    "bsn": c.bsn,
                    "taal": "nl",
                    "contactgegevens": [cg],
                    "contactpersoon": [
                        {
                            "relatienummer": "1",
                            "soortRelatie": "10",
                            "ingangsdatum": START,
                            "contactgegevens": [cg],
                        }
                    ],
                },
                "bemiddelingspecificatie": [
                    _bspec(b1, agb, zk, zzp, OPEN_START, None),
                    _bspec(b2, agb2, zk_exec, zzp, START, ENDED),
                ],
                "regiehouder": [
                    {"instelling": agb, "ingangsdatum": OPEN_START, "regierol": "1"},
                ],
            },
        )
        if not done.geslaagd or done.id is None:
            raise SystemExit(f"registreer_bemiddeling failed: {done.fouten}")
        transferred = i % 10 == 0
        if transferred:
            o = br.registreer_overdracht(
                zk,
                done.id,
                {
                    "verantwoordelijkZorgkantoor": zk_new,
                    "overdrachtDatum": OVERDRACHT,
                    "verhuisDatum": OVERDRACHT - dt.timedelta(days=10),
                    "overdrachtspecificatie": [
                        {"bemiddelingspecificatieID": uuid.UUID(b1), "leveringsstatus": "1"}
                    ],
                },
            )
            if not o.geslaagd:
                raise SystemExit(f"registreer_overdracht failed: {o.fouten}")
            own = br.registreer_bemiddeling(
                zk_new,
                {
                    "wlzIndicatieID": c.wlzindicatieID,
                    "verantwoordelijkheidIngangsdatum": OVERDRACHT,
                    "client": {"bsn": c.bsn, "taal": "nl"},
                },
            )
            if not own.geslaagd:
                raise SystemExit(f"registreer_bemiddeling ({zk_new}) failed: {own.fouten}")
        dossiers.append(
            Dossier(
                str(c.wlzindicatieID),
                zk,
                agb,
                b1,
                zk_exec,
                b2,
                zk_new if transferred else None,
                outsider_agb,
                outsider_zk,
            )
        )
    return dossiers


# --- the network ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "iwlz.cli", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"iwlz {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@dataclass
class Server:
    base: str
    proc: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, env: dict[str, str], log: Path) -> Server:
        out = open(log, "ab")  # noqa: SIM115 - lives as long as the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "iwlz.cli", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        server = cls(env["IWLZ_PUBLIC_URL"], proc, log)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{server.base}/healthz", timeout=1).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise SystemExit(log.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


@dataclass
class Caller:
    """One keep-alive HTTP client; tokens cached per (participant, audience)."""

    base: str
    keys: Path
    http: httpx.Client
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    def token(self, participant: str, scope: str, path: str) -> str:
        key = (participant, path)
        if key not in self.tokens:
            client_id, signing_key = participant_key(self.keys, participant)
            params = token_request(
                client_id,
                signing_key,
                f"{self.base}/oauth/token",
                scope=scope,
                audience=f"{self.base}{path}",
            )
            r = self.http.post(f"{self.base}/oauth/token", data=params)
            if r.status_code != 200:
                raise SystemExit(f"token for {participant} at {path}: {r.status_code} {r.text}")
            self.tokens[key] = str(r.json()["access_token"])
        return self.tokens[key]

    def post(self, request: Request) -> httpx.Response:
        token = self.token(request.participant, request.scope, request.path)
        return self.http.post(
            f"{self.base}{request.path}",
            content=request.body,
            headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
        )


@dataclass(frozen=True)
class Request:
    participant: str
    scope: str
    path: str
    query: str
    variables: dict[str, Any]
    root: str
    expect: str  # the record ID every answered row must carry, or "" when a 403 is expected
    body: bytes = b""

    @classmethod
    def make(
        cls,
        participant: str,
        scope: str,
        path: str,
        query: str,
        variables: dict[str, Any],
        root: str,
        expect: str,
    ) -> Request:
        query, variables = _tidy(query, variables)
        body = json.dumps({"query": query, "variables": variables}).encode()
        return cls(participant, scope, path, query, variables, root, expect, body)


def _tidy(query: str, variables: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Drop declared variables the query does not use (a GraphQL server refuses them)."""
    header, _, body = query.partition(")")
    declared = re.findall(r"\$(\w+)\s*:\s*([\w!\[\]]+)", header)
    if "(" not in header or not declared:
        return query, variables
    used = [(n, t) for n, t in declared if re.search(rf"\${n}\b", body)]
    start = header.split("(", 1)[0]
    text = start + "(" + ", ".join(f"${n}: {t}" for n, t in used) + ")" + body
    return text, {n: v for n, v in variables.items() if n in {u for u, _ in used}}


def unexpected(request: Request, response: httpx.Response) -> str | None:
    """Why this answer is not the one expected, or None."""
    if not request.expect:
        if response.status_code == 403 and "data" not in response.json():
            return None
        return f"expected 403, got {response.status_code}"
    if response.status_code != 200:
        return f"expected 200, got {response.status_code}"
    body = response.json()
    if body.get("errors"):
        return "errors in a 200 answer"
    rows = (body.get("data") or {}).get(request.root)
    if not rows or request.expect not in json.dumps(rows):
        return f"expected {request.expect} in {request.root}, got {rows!r:.200}"
    return None


# --- scenarios ---------------------------------------------------------------------------------

Build = Callable[[Dossier], Request]


def qir_0001(d: Dossier) -> Request:
    variables = {"wlzIndicatieID": d.wid, "initieelVerantwoordelijkZorgkantoor": d.zk}
    return Request.make(
        f"UZOVI:{d.zk}", IR_READ, IR_PATH, QIR_0001, variables, "wlzIndicatie", d.wid
    )


def qir_0002(d: Dossier) -> Request:
    variables = {"wlzIndicatieID": d.wid, "agbCodeInstelling": d.agb}
    return Request.make(
        f"AGB:{d.agb}", IR_READ, IR_PATH, QIR_0002, variables, "wlzIndicatie", d.wid
    )


def qir_0003_new(d: Dossier) -> Request:
    assert d.zk_new is not None
    variables = {"wlzIndicatieID": d.wid}
    return Request.make(
        f"UZOVI:{d.zk_new}", IR_READ, IR_PATH, QIR_0003, variables, "wlzIndicatie", d.wid
    )


def qir_0004_exec(d: Dossier) -> Request:
    variables = {"wlzIndicatieID": d.wid}
    return Request.make(
        f"UZOVI:{d.zk_exec}", IR_READ, IR_PATH, QIR_0003, variables, "wlzIndicatie", d.wid
    )


def qir_0002_refused(d: Dossier) -> Request:
    variables = {"wlzIndicatieID": d.wid, "agbCodeInstelling": d.outsider_agb}
    return Request.make(
        f"AGB:{d.outsider_agb}", IR_READ, IR_PATH, QIR_0002, variables, "wlzIndicatie", ""
    )


def qir_0003_refused(d: Dossier) -> Request:
    variables = {"wlzIndicatieID": d.wid}
    return Request.make(
        f"UZOVI:{d.outsider_zk}", IR_READ, IR_PATH, QIR_0003, variables, "wlzIndicatie", ""
    )


def qbr_0001(d: Dossier) -> Request:
    variables = {"B": d.b1, "A": d.agb}
    return Request.make(
        f"AGB:{d.agb}", BR_READ, br_path(d.zk), QBR_0001, variables, "bemiddelingspecificatie", d.b1
    )


def qbr_0005(d: Dossier) -> Request:
    variables = {
        "B": d.b2,
        "U": d.zk_exec,
        "I": START.isoformat(),
        "E": ENDED.isoformat(),
        "E2": plus_two_years(ENDED).isoformat(),
        "E31": dt.date(ENDED.year + 1, 5, 31).isoformat(),
    }
    return Request.make(
        f"UZOVI:{d.zk_exec}",
        BR_READ,
        br_path(d.zk),
        QBR_0005,
        variables,
        "bemiddelingspecificatie",
        d.b2,
    )


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    build: Build
    transferred: bool | None  # which dossiers: with overdracht, without, or any (None)


SCENARIOS = [
    Scenario("a", "QIR-0001 by the responsible zorgkantoor (no PIP)", qir_0001, None),
    Scenario("b", "QIR-0002 by the aanbieder (PIP-0002)", qir_0002, False),
    Scenario("c", "QIR-0003 by the new zorgkantoor (PIP-0003)", qir_0003_new, True),
    Scenario("d1", "QIR-0004 by the executing zk (PIP-0003, -0004)", qir_0004_exec, False),
    Scenario("d2", "QIR-0002 refused: aanbieder, chain of 2", qir_0002_refused, True),
    Scenario("d3", "QIR-0003/4 refused: zk outside, chain of 2", qir_0003_refused, True),
    Scenario("e1", "QBR-0001 by the aanbieder (no PIP)", qbr_0001, None),
    Scenario("e2", "QBR-0005 full dossier by the executing zk", qbr_0005, None),
]


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def audit_counts(engine: sa.Engine) -> dict[str, int]:
    """PEP decisions so far: by resource, and those of nID's own PIP participant."""
    a = audit_log.c
    pip = f"kvk:{NID_PIP_KVK}"
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(a.resource, a.participant, sa.func.count())
            .where(a.event_type == "pep.decision")
            .group_by(a.resource, a.participant)
        ).all()
    out: dict[str, int] = {}
    for resource, participant, count in rows:
        name = f"{resource}{' (nID PIP)' if participant == pip else ''}"
        out[name] = out.get(name, 0) + int(count)
    return out


@dataclass
class Result:
    rate: float
    p50: float
    p95: float
    p99: float
    requests: int
    statuses: dict[int, int]
    wrong: int
    first_wrong: str | None
    decisions: dict[str, float]


def measure(
    caller: Caller,
    engine: sa.Engine,
    scenario: Scenario,
    dossiers: list[Dossier],
    lookups: int,
    warmup: int,
    rng: random.Random,
) -> Result:
    pool = [
        d
        for d in dossiers
        if scenario.transferred is None or (d.zk_new is not None) == scenario.transferred
    ]
    warm = [scenario.build(rng.choice(pool)) for _ in range(warmup)]
    sample = [scenario.build(rng.choice(pool)) for _ in range(lookups)]
    for r in {(r.participant, r.path): r for r in warm + sample}.values():
        caller.token(r.participant, r.scope, r.path)  # outside the measurement
    for r in warm:
        caller.post(r)
    before = audit_counts(engine)
    times: list[float] = []
    responses: list[httpx.Response] = []
    start = time.perf_counter()
    for r in sample:
        t0 = time.perf_counter()
        responses.append(caller.post(r))
        times.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    after = audit_counts(engine)
    statuses: dict[int, int] = {}
    wrong, first = 0, None
    for r, response in zip(sample, responses, strict=True):
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        why = unexpected(r, response)
        if why is not None:
            wrong += 1
            if first is None:
                first = (
                    f"{why}\n  participant {r.participant} POST {r.path}\n  query: {r.query}\n"
                    f"  variables: {json.dumps(r.variables)}\n"
                    f"  answer {response.status_code}: {response.text[:1500]}"
                )
    decisions = {k: (after.get(k, 0) - before.get(k, 0)) / lookups for k in after}
    times.sort()
    return Result(
        lookups / elapsed,
        percentile(times, 0.50) * 1000,
        percentile(times, 0.95) * 1000,
        percentile(times, 0.99) * 1000,
        lookups,
        statuses,
        wrong,
        first,
        {k: v for k, v in decisions.items() if v},
    )


# --- databases --------------------------------------------------------------------------------


def pg_admin(pg_url: str) -> sa.Engine:
    return sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")


def pg_drop(pg_url: str) -> None:
    admin = pg_admin(pg_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
    admin.dispose()


def database(kind: str, root: Path, pg_url: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{root / 'keten.db'}"
    pg_drop(pg_url)  # a database of an interrupted run of this benchmark
    admin = pg_admin(pg_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
    admin.dispose()
    return sa.make_url(pg_url).set(database=PG_DATABASE).render_as_string(hide_password=False)


def run(kind: str, args: argparse.Namespace) -> None:
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="iwlz-keten-") as tmp:
        root = Path(tmp)
        url = database(kind, root, args.pg_url)
        engine: sa.Engine | None = None
        server: Server | None = None
        try:
            port = free_port()
            env = {
                **os.environ,
                "IWLZ_DATABASE_URL": url,
                "IWLZ_HOST": "127.0.0.1",
                "IWLZ_PORT": str(port),
                "IWLZ_DEV": "true",
                "IWLZ_NID_KEYS_DIR": str(root / "keys"),
                "IWLZ_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "IWLZ_LOG_LEVEL": "WARNING",
                "IWLZ_NOTIFY_WORKERS": "0",
            }
            cli(["db", "upgrade"], env)
            cli(["participants", "demo"], env)
            engine = create_engine(url)
            t0 = time.perf_counter()
            dossiers = load(engine, args.n)
            loaded = time.perf_counter() - t0
            transferred = sum(d.zk_new is not None for d in dossiers)
            print(
                f"\n{kind}: {args.n:,} indications, {args.n:,} bemiddelingen "
                f"(+{transferred:,} overdrachten and the new zorgkantoren's bemiddelingen) "
                f"loaded through the services in {loaded:.1f} s",
                flush=True,
            )
            server = Server.start(env, root / "server.log")
            with httpx.Client(timeout=30) as http:
                caller = Caller(server.base, root / "keys", http)
                rng = random.Random(7)
                results: dict[str, Result] = {}
                for s in SCENARIOS:
                    if s.key != "a" and args.only and s.key not in args.only.split(","):
                        continue
                    results[s.key] = measure(
                        caller, engine, s, dossiers, args.lookups, args.warmup, rng
                    )
                    r = results[s.key]
                    print(f"  measured {s.key} ({r.rate:,.0f}/s)", flush=True)
            report(kind, results, len(caller.tokens))
            server.stop()
            lines = (root / "server.log").read_text(errors="replace").splitlines()
            noisy = [x for x in lines if re.search(r"WARNING|ERROR|Traceback", x)]
            print(f"{kind}: server log {len(lines)} lines, {len(noisy)} warnings/errors")
            for line in noisy[:5]:
                print(f"  {line[:400]}")
        finally:
            if server is not None:
                server.stop()
            if engine is not None:
                engine.dispose()
            if kind == "postgres":
                pg_drop(args.pg_url)
    print(f"{kind}: whole run {time.perf_counter() - t_start:.0f} s", flush=True)


def report(kind: str, results: dict[str, Result], tokens: int) -> None:
    base = results["a"].rate
    print(
        f"\n{kind}: lookups over HTTP on loopback, one client thread, keep-alive, "
        f"{tokens} tokens fetched once"
    )
    print(
        f"{'':3} {'request':48} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'x (a)':>6}  PEP decisions per lookup (IR / BR by nID's PIP / BR)  answers"
    )
    for s in SCENARIOS:
        if s.key not in results:
            continue
        r = results[s.key]
        ir = r.decisions.get("indicatieregister", 0.0)
        pip = r.decisions.get("bemiddelingsregister (nID PIP)", 0.0)
        br = r.decisions.get("bemiddelingsregister", 0.0)
        other = {k: v for k, v in r.decisions.items() if not k.startswith(("indic", "bemid"))}
        answers = " ".join(f"{code}×{n}" for code, n in sorted(r.statuses.items()))
        print(
            f"{s.key:3} {s.title:48} {r.rate:7,.0f} {r.p50:7.2f} {r.p95:7.2f} {r.p99:7.2f} "
            f"{r.rate / base:6.2f}  {ir:4.2f} / {pip:4.2f} / {br:4.2f}"
            f"{'  other ' + str(other) if other else ''}  {answers}"
            f"{f'  UNEXPECTED {r.wrong}' if r.wrong else ''}"
        )
    for s in SCENARIOS:
        found = results.get(s.key)
        if found is not None and found.first_wrong:
            print(f"\n{kind} {s.key} {s.title}: {found.wrong} unexpected answers; the first:")
            print(f"  {found.first_wrong}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--pg-url", default=PG_DEFAULT, help="PostgreSQL server (admin URL)")
    parser.add_argument("--n", type=int, default=2000, help="indications to load")
    parser.add_argument("--lookups", type=int, default=1000, help="requests per measurement")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--only", default="", help="measure these only, e.g. b,e2 (a always)")
    args = parser.parse_args()
    for kind in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        run(kind, args)


if __name__ == "__main__":
    main()
