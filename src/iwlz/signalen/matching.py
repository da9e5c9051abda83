"""The daily matching (spec §1.5): Wmo records × the kopie Wlz register → new signals.

Rule, per Wmo record W (gemeente g, bsn b, period [W.ingangsdatum, W.einddatum or ∞)) and Wlz
decision Z of the same BSN (period [Z.ingangsdatum, Z.einddatum or ∞)):

* Z.status ``Ja`` or ``Onbekend`` and the periods overlap → a candidate, ``NIEUW_WLZ`` when no
  signal was offered for (g, W.ref) before, else ``GEWIJZIGD_WLZ``;
* Z.status ``Nee`` and a signal was offered for (g, W.ref) before → ``WLZ_VERVALLEN``.

A candidate is new when its signal key was never offered: HMAC-SHA256 (secret key) over
``g|b|W.ref|Z.afgiftedatum|Z.ingangsdatum|Z.einddatum|Z.status``. Any change of the Wlz decision
thus gives a new key and a new signal; re-uploading the same Wmo record does not. A run for a
date gives every new signal that ``signaaldatum``; a second run finds no new keys and changes
nothing.

Performance: the join runs in SQL on the BSN indexes of both tables and returns only
overlapping pairs (plus ``Nee`` pairs); keys are computed in Python and looked up in chunks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.core.clock import Clock, SystemClock
from iwlz.signalen.models import signaal, signaal_sleutel, signalen_run, wlz_kopie, wmo_client

__all__ = [
    "GEWIJZIGD_WLZ",
    "NIEUW_WLZ",
    "WLZ_VERVALLEN",
    "Matcher",
    "RunResultaat",
    "signaal_sleutel_van",
]

log = logging.getLogger("iwlz.signalen")

NIEUW_WLZ = "NIEUW_WLZ"
GEWIJZIGD_WLZ = "GEWIJZIGD_WLZ"
WLZ_VERVALLEN = "WLZ_VERVALLEN"
_CHUNK = 900  # below SQLite's 999 bound parameters


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d is not None else ""


def signaal_sleutel_van(
    key: bytes,
    gemeentecode: str,
    bsn: str,
    wmo_referentie: str,
    afgiftedatum: dt.date,
    ingangsdatum: dt.date,
    einddatum: dt.date | None,
    status: str,
) -> str:
    """The signal key of spec §1.5, keyed: a plain SHA-256 of a BSN and a few dates can be
    reversed by trying every BSN, a keyed hash cannot without the secret."""
    text = "|".join(
        (
            gemeentecode,
            bsn,
            wmo_referentie,
            _iso(afgiftedatum),
            _iso(ingangsdatum),
            _iso(einddatum),
            status,
        )
    )
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class RunResultaat:
    """Outcome of a run: pairs considered, new signals per gemeente."""

    signaaldatum: dt.date
    kandidaten: int
    nieuw_per_gemeente: dict[str, int]
    seconden: float

    @property
    def nieuw(self) -> int:
        return sum(self.nieuw_per_gemeente.values())


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _kandidaten_query() -> sa.Select[Any]:
    w = wmo_client.c
    z = wlz_kopie.c
    overlap = sa.and_(
        z.wlz_status.in_(("Ja", "Onbekend")),
        sa.or_(w.einddatum.is_(None), z.ingangsdatum < w.einddatum),
        sa.or_(z.einddatum.is_(None), w.ingangsdatum < z.einddatum),
    )
    return (
        sa.select(
            w.gemeentecode,
            w.bsn,
            w.wmo_referentie,
            w.status,
            w.ingangsdatum,
            w.einddatum,
            z.wlz_status,
            z.afgiftedatum,
            z.ingangsdatum,
            z.einddatum,
        )
        .select_from(wmo_client.join(wlz_kopie, z.bsn == w.bsn))
        .where(sa.or_(overlap, z.wlz_status == "Nee"))
    )


class Matcher:
    """Runs the daily matching on the service's tables."""

    def __init__(self, engine: Engine, *, sleutel_key: bytes, clock: Clock | None = None) -> None:
        self.engine = engine
        self.key = sleutel_key
        self.clock = clock or SystemClock()

    def run(self, signaaldatum: dt.date | None = None) -> RunResultaat:
        """Create the new signals for ``signaaldatum`` (default: today). Idempotent."""
        import time

        started = time.perf_counter()
        datum = signaaldatum or self.clock.today()
        now = self.clock.now()
        key = self.key
        # 1. Candidate pairs from the join, keyed.
        kandidaten: dict[str, tuple[Any, ...]] = {}
        n = 0
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=20_000).execute(
                _kandidaten_query()
            )
            for row in result:
                n += 1
                g, bsn, ref, _ws, _wi, _we, zs, za, zi, ze = row
                sleutel = signaal_sleutel_van(key, g, bsn, ref, za, zi, ze, zs)
                kandidaten[sleutel] = tuple(row)
        # 2. Which keys were offered before.
        sleutels = list(kandidaten)
        with self.engine.connect() as conn:
            bekend: set[str] = set()
            for chunk in _chunks(sleutels):
                bekend.update(
                    conn.execute(
                        sa.select(signaal_sleutel.c.sleutel).where(
                            signaal_sleutel.c.sleutel.in_(list(chunk))
                        )
                    ).scalars()
                )
            nieuw = {s: r for s, r in kandidaten.items() if s not in bekend}
            eerder = self._eerder_gesignaleerd(conn, nieuw.values())
        # 3. Types; Nee only when the gemeente heard of a Wlz indication for this record before.
        signalen: list[dict[str, Any]] = []
        sleutel_rows: list[dict[str, Any]] = []
        per_gemeente: dict[str, int] = {}
        for sleutel, (g, bsn, ref, ws, wi, we, zs, za, zi, ze) in sorted(
            nieuw.items(), key=lambda kv: (kv[1][0], kv[1][2], kv[0])
        ):
            gemeld = (g, ref) in eerder
            if zs == "Nee":
                if not gemeld:
                    continue
                soort = WLZ_VERVALLEN
            else:
                soort = GEWIJZIGD_WLZ if gemeld else NIEUW_WLZ
            signalen.append(
                {
                    "signaal_id": str(uuid.uuid4()),
                    "sleutel": sleutel,
                    "signaaldatum": datum,
                    "signaaltype": soort,
                    "gemeentecode": g,
                    "bsn": bsn,
                    "wmo_referentie": ref,
                    "wmo_status": ws,
                    "wmo_ingangsdatum": wi,
                    "wmo_einddatum": we,
                    "wlz_status": zs,
                    "wlz_afgiftedatum": za,
                    "wlz_ingangsdatum": zi,
                    "wlz_einddatum": ze,
                    "aangemaakt_op": now,
                    "ontvangen_op": None,
                }
            )
            sleutel_rows.append(
                {
                    "sleutel": sleutel,
                    "gemeentecode": g,
                    "wmo_referentie": ref,
                    "aangemaakt_op": datum,
                }
            )
            per_gemeente[g] = per_gemeente.get(g, 0) + 1
        # 4. One transaction: signals, their keys and the run record.
        with self.engine.begin() as conn:
            for chunk in _chunks(signalen, 5000):
                conn.execute(sa.insert(signaal), list(chunk))
            for chunk in _chunks(sleutel_rows, 5000):
                conn.execute(sa.insert(signaal_sleutel), list(chunk))
            bestaand = conn.execute(
                sa.select(signalen_run.c.nieuw).where(signalen_run.c.signaaldatum == datum)
            ).scalar_one_or_none()
            if bestaand is None:
                conn.execute(
                    sa.insert(signalen_run).values(
                        signaaldatum=datum,
                        gestart_op=now,
                        voltooid_op=self.clock.now(),
                        kandidaten=n,
                        nieuw=len(signalen),
                    )
                )
            elif signalen:
                # Data changed since the earlier run of this date: its signals join that day.
                conn.execute(
                    sa.update(signalen_run)
                    .where(signalen_run.c.signaaldatum == datum)
                    .values(nieuw=bestaand + len(signalen), voltooid_op=self.clock.now())
                )
        seconds = time.perf_counter() - started
        log.info(
            "signalen run",
            extra={
                "signaaldatum": datum.isoformat(),
                "kandidaten": n,
                "nieuw": len(signalen),
                "gemeenten": len(per_gemeente),
                "duration_s": round(seconds, 2),
            },
        )
        return RunResultaat(datum, n, per_gemeente, seconds)

    @staticmethod
    def _eerder_gesignaleerd(conn: Connection, rows: Any) -> set[tuple[str, str]]:
        """(gemeentecode, wmo_referentie) pairs among ``rows`` that had a signal before."""
        per_gemeente: dict[str, set[str]] = {}
        for r in rows:
            per_gemeente.setdefault(r[0], set()).add(r[2])
        found: set[tuple[str, str]] = set()
        c = signaal_sleutel.c
        for g, refs in per_gemeente.items():
            for chunk in _chunks(sorted(refs)):
                for ref in conn.execute(
                    sa.select(c.wmo_referentie)
                    .where(c.gemeentecode == g, c.wmo_referentie.in_(list(chunk)))
                    .distinct()
                ).scalars():
                    found.add((g, ref))
        return found

    def laatste_run(self) -> dt.date | None:
        """The latest signaaldatum that ran."""
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(sa.func.max(signalen_run.c.signaaldatum))).scalar()
        return value if isinstance(value, dt.date) else None
