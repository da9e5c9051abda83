"""Output for gemeenten (spec §1.6/§1.7): signal listing, acknowledgement and the daily CSV.

Every function takes the gemeentecode and filters on it in SQL: a gemeente's request can only
ever reach rows of its own gemeente, whatever IDs it sends.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core.clock import Clock, SystemClock
from iwlz.signalen.models import signaal

__all__ = ["CSV_KOLOMMEN", "Signalen", "csv_bestandsnaam"]

CSV_KOLOMMEN = (
    "signaal_id",
    "signaaldatum",
    "signaaltype",
    "gemeentecode",
    "bsn",
    "wmo_referentie",
    "wmo_status",
    "wmo_ingangsdatum",
    "wmo_einddatum",
    "wlz_status",
    "wlz_afgiftedatum",
    "wlz_ingangsdatum",
    "wlz_einddatum",
)
"""Columns of the daily CSV (spec §1.6), also the fields of a signal in the API."""

MAX_LIMIT = 1000


def csv_bestandsnaam(gemeentecode: str, datum: dt.date) -> str:
    """``wlz-signalen_<gemeentecode>_<YYYYMMDD>.csv`` (spec §1.6)."""
    return f"wlz-signalen_{gemeentecode}_{datum:%Y%m%d}.csv"


def _waarde(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Pagina:
    items: list[dict[str, Any]]
    volgende: str | None


class Signalen:
    """Signals as a gemeente sees them."""

    def __init__(self, engine: Engine, *, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()

    def lijst(
        self,
        gemeentecode: str,
        *,
        sinds: dt.date | None = None,
        status: str | None = None,
        limit: int = 100,
        na: str | None = None,
    ) -> Pagina:
        """Signals of the gemeente, oldest first (by signaaldatum, then ID); ``status``
        ``ONGELEZEN`` leaves out acknowledged ones. ``na`` is the previous page's
        ``volgende``."""
        c = signaal.c
        limit = max(1, min(limit, MAX_LIMIT))
        stmt = sa.select(signaal).where(c.gemeentecode == gemeentecode)
        if sinds is not None:
            stmt = stmt.where(c.signaaldatum >= sinds)
        if status == "ONGELEZEN":
            stmt = stmt.where(c.ontvangen_op.is_(None))
        if na:
            datum_text, _, sid = na.partition("_")
            try:
                datum = dt.date.fromisoformat(datum_text)
            except ValueError:
                raise ValueError("na: not a cursor of this API") from None
            stmt = stmt.where(
                sa.or_(c.signaaldatum > datum, sa.and_(c.signaaldatum == datum, c.signaal_id > sid))
            )
        stmt = stmt.order_by(c.signaaldatum, c.signaal_id).limit(limit + 1)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
        more = len(rows) > limit
        rows = rows[:limit]
        volgende = (
            f"{rows[-1]['signaaldatum'].isoformat()}_{rows[-1]['signaal_id']}"
            if more and rows
            else None
        )
        return Pagina([self._api(r) for r in rows], volgende)

    @staticmethod
    def _api(row: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: _waarde(row[k]) for k in CSV_KOLOMMEN}
        out["ontvangen_op"] = _waarde(row["ontvangen_op"])
        return out

    def ontvangst(self, gemeentecode: str, signaal_ids: Sequence[str]) -> list[str]:
        """Acknowledge signals of this gemeente; returns the IDs that were the gemeente's (an
        ID of another gemeente, or unknown, is not in the answer and changes nothing)."""
        ids_ = [i for i in signaal_ids if _is_uuid(i)]
        if not ids_:
            return []
        c = signaal.c
        with self.engine.begin() as conn:
            own = list(
                conn.execute(
                    sa.select(c.signaal_id).where(
                        c.gemeentecode == gemeentecode, c.signaal_id.in_(ids_)
                    )
                ).scalars()
            )
            if own:
                conn.execute(
                    sa.update(signaal)
                    .where(
                        c.gemeentecode == gemeentecode,
                        c.signaal_id.in_(own),
                        c.ontvangen_op.is_(None),
                    )
                    .values(ontvangen_op=self.clock.now())
                )
        return own

    def haal(self, gemeentecode: str, signaal_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The gemeente's signals with these IDs (others' are never returned)."""
        ids_ = [i for i in signaal_ids if _is_uuid(i)]
        if not ids_:
            return []
        c = signaal.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(signaal).where(c.gemeentecode == gemeentecode, c.signaal_id.in_(ids_))
            ).mappings()
            return [self._api(dict(r)) for r in rows]

    def rapporten(self, gemeentecode: str, limit: int = 60) -> list[dict[str, Any]]:
        """The days with signals for the gemeente, newest first, with their count."""
        c = signaal.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(c.signaaldatum, sa.func.count())
                .where(c.gemeentecode == gemeentecode)
                .group_by(c.signaaldatum)
                .order_by(c.signaaldatum.desc())
                .limit(limit)
            ).all()
        return [
            {
                "signaaldatum": d.isoformat(),
                "aantal": int(n),
                "bestandsnaam": csv_bestandsnaam(gemeentecode, d),
            }
            for d, n in rows
        ]

    def csv(self, gemeentecode: str, datum: dt.date) -> tuple[bytes, list[str]] | None:
        """The day's CSV (UTF-8 with BOM, ``;``, header row) and the BSNs it holds; None
        when the gemeente has no signals that day (no file is offered then)."""
        c = signaal.c
        with self.engine.connect() as conn:
            rows = list(
                conn.execute(
                    sa.select(*[c[k] for k in CSV_KOLOMMEN])
                    .where(c.gemeentecode == gemeentecode, c.signaaldatum == datum)
                    .order_by(c.wmo_referentie, c.signaal_id)
                ).mappings()
            )
        if not rows:
            return None
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerow(CSV_KOLOMMEN)
        for r in rows:
            writer.writerow(["" if r[k] is None else _waarde(r[k]) for k in CSV_KOLOMMEN])
        return ("\ufeff" + buf.getvalue()).encode("utf-8"), [str(r["bsn"]) for r in rows]


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
