"""Landelijke voorziening Wmo: the gemeenten's deliveries of Wmo clients (spec §1.4).

A delivery is validated row by row; any invalid row rejects the whole delivery with a report
naming each row, field and problem (never the BSN), and the previous delivery stays in force:
a full replacement that silently dropped bad rows would stop signals for those clients. A
valid full delivery (``VOLLEDIG``) replaces the gemeente's list in one transaction; mutations
(``MUTATIES``, API only) add, change or remove single records, all or nothing as well.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.core import ids
from iwlz.core.clock import Clock, SystemClock
from iwlz.signalen.models import wmo_client, wmo_levering

__all__ = [
    "KOLOMMEN",
    "LeveringResultaat",
    "Rijfout",
    "WmoRecord",
    "WmoVoorziening",
    "lees_csv",
    "valideer_rijen",
]

KOLOMMEN = (
    "gemeentecode",
    "bsn",
    "wmo_referentie",
    "status",
    "ingangsdatum",
    "einddatum",
    "voorzieningsoort",
)
"""The upload record of spec §1.4, in CSV column order."""

VERPLICHT = ("gemeentecode", "bsn", "wmo_referentie", "status", "ingangsdatum")
STATUSSEN = ("AANGEVRAAGD", "LOPEND")
MUTATIE_ACTIES = ("TOEVOEGEN", "WIJZIGEN", "VERWIJDEREN")
_REFERENTIE = re.compile(r"[A-Za-z0-9._\-/]{1,36}")
# iWmo product categories (the spec asks to reuse them rather than free text): two digits.
_VOORZIENINGSOORT = re.compile(r"[0-9]{2}")
MAX_FOUTEN_IN_RAPPORT = 1000


@dataclass(frozen=True)
class WmoRecord:
    """One validated Wmo client record."""

    gemeentecode: str
    bsn: str
    wmo_referentie: str
    status: str
    ingangsdatum: dt.date
    einddatum: dt.date | None
    voorzieningsoort: str | None


@dataclass(frozen=True)
class Rijfout:
    """A problem in one row (1-based data row; the CSV header is not counted)."""

    rij: int
    veld: str
    code: str
    melding: str

    def as_dict(self) -> dict[str, Any]:
        return {"rij": self.rij, "veld": self.veld, "code": self.code, "melding": self.melding}


@dataclass
class LeveringResultaat:
    """Outcome of one delivery: stored (``VERWERKT``) or rejected with its report."""

    levering_id: str
    gemeentecode: str
    soort: str
    formaat: str
    status: str
    aantal_rijen: int
    fouten: list[Rijfout] = field(default_factory=list)
    aantal_fouten: int = 0
    ontvangen_op: dt.datetime | None = None

    @property
    def geslaagd(self) -> bool:
        return self.status == "VERWERKT"

    def as_dict(self) -> dict[str, Any]:
        return {
            "leveringId": self.levering_id,
            "gemeentecode": self.gemeentecode,
            "soort": self.soort,
            "formaat": self.formaat,
            "status": self.status,
            "aantalRijen": self.aantal_rijen,
            "aantalFouten": self.aantal_fouten,
            "fouten": [f.as_dict() for f in self.fouten],
            "ontvangenOp": self.ontvangen_op.isoformat() if self.ontvangen_op else None,
        }


class Invoerfout(ValueError):
    """The delivery as a whole cannot be read (no header, wrong encoding, not JSON)."""


def lees_csv(data: bytes) -> list[dict[str, str]]:
    """Rows of an uploaded CSV: UTF-8 (a BOM is fine), ``;`` or ``,`` separated, header row
    with the column names of :data:`KOLOMMEN` (order free, ``einddatum`` and
    ``voorzieningsoort`` may be left out)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invoerfout(f"the file is not UTF-8 (byte {exc.start})") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [k for k in VERPLICHT if k not in header]
    if missing:
        raise Invoerfout(
            "the header row lacks column(s) "
            + ", ".join(missing)
            + f"; expected {';'.join(KOLOMMEN)}"
        )
    unknown = [h for h in header if h not in KOLOMMEN]
    if unknown:
        raise Invoerfout(f"unknown column(s) {', '.join(unknown)}; expected {';'.join(KOLOMMEN)}")
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    for raw in reader:
        if None in raw:  # more cells than header columns
            raw = {**raw, "__extra__": "x"}
        rows.append({k: (v or "").strip() for k, v in raw.items() if isinstance(k, str)})
    return rows


def _datum(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError
    return dt.date.fromisoformat(value)


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def valideer_rij(
    row: Mapping[str, Any], nummer: int, gemeentecode: str
) -> tuple[WmoRecord | None, list[Rijfout]]:
    """One row checked against spec §1.4; the record, or the problems found."""
    fouten: list[Rijfout] = []

    def fout(veld: str, code: str, melding: str) -> None:
        fouten.append(Rijfout(nummer, veld, code, melding))

    if not isinstance(row, Mapping):
        fout("-", "ONGELDIG", "a row must be an object")
        return None, fouten
    if "__extra__" in row:
        fout("-", "KOLOMMEN", "more cells than header columns")
    unknown = [k for k in row if k not in KOLOMMEN and k != "__extra__"]
    for k in unknown:
        fout(str(k)[:40], "ONBEKEND_VELD", "not a field of the Wmo record")
    for k in VERPLICHT:
        if not _text(row, k):
            fout(k, "VERPLICHT", "required")
    code = _text(row, "gemeentecode")
    if code and code != gemeentecode:
        fout(
            "gemeentecode",
            "ANDERE_GEMEENTE",
            f"must be the delivering gemeente {gemeentecode}",
        )
    bsn = _text(row, "bsn")
    if bsn and not ids.is_valid_bsn(bsn):
        fout("bsn", "BSN", "not a valid BSN (9 digits, 11-proef)")
    ref = _text(row, "wmo_referentie")
    if ref and not _REFERENTIE.fullmatch(ref):
        fout(
            "wmo_referentie",
            "FORMAAT",
            "1 to 36 characters: letters, digits, '.', '_', '-', '/'",
        )
    status = _text(row, "status").upper()
    if status and status not in STATUSSEN:
        fout("status", "CODELIJST", f"one of {', '.join(STATUSSEN)}")
    start: dt.date | None = None
    end: dt.date | None = None
    if _text(row, "ingangsdatum"):
        try:
            start = _datum(row.get("ingangsdatum"))
        except ValueError:
            fout("ingangsdatum", "DATUM", "a date as YYYY-MM-DD")
    if _text(row, "einddatum"):
        try:
            end = _datum(row.get("einddatum"))
        except ValueError:
            fout("einddatum", "DATUM", "a date as YYYY-MM-DD")
    if start is not None and end is not None and end <= start:
        fout("einddatum", "VOLGORDE", "must be after ingangsdatum (the period is [start, end))")
    soort = _text(row, "voorzieningsoort")
    if soort and not _VOORZIENINGSOORT.fullmatch(soort):
        fout("voorzieningsoort", "FORMAAT", "an iWmo product category: two digits")
    if fouten or start is None:
        return None, fouten
    return (
        WmoRecord(code, bsn, ref, status, start, end, soort or None),
        [],
    )


def valideer_rijen(
    rows: Iterable[Mapping[str, Any]], gemeentecode: str
) -> tuple[list[WmoRecord], list[Rijfout], int]:
    """All rows checked: (records, problems, row count). A wmo_referentie given twice is a
    problem of the later row."""
    records: list[WmoRecord] = []
    fouten: list[Rijfout] = []
    seen: dict[str, int] = {}
    n = 0
    for n, row in enumerate(rows, start=1):
        record, problems = valideer_rij(row, n, gemeentecode)
        fouten.extend(problems)
        if record is None:
            continue
        first = seen.setdefault(record.wmo_referentie, n)
        if first != n:
            fouten.append(Rijfout(n, "wmo_referentie", "DUBBEL", f"already given in row {first}"))
            continue
        records.append(record)
    return records, fouten, n


def _record_row(r: WmoRecord, levering_id: str) -> dict[str, Any]:
    return {
        "gemeentecode": r.gemeentecode,
        "wmo_referentie": r.wmo_referentie,
        "bsn": r.bsn,
        "status": r.status,
        "ingangsdatum": r.ingangsdatum,
        "einddatum": r.einddatum,
        "voorzieningsoort": r.voorzieningsoort,
        "levering_id": levering_id,
    }


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class WmoVoorziening:
    """The landelijke voorziening Wmo: store deliveries, report on them."""

    def __init__(self, engine: Engine, *, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()

    # -- deliveries ---------------------------------------------------------------------------

    def volledig(
        self,
        gemeentecode: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        formaat: str,
        door: str,
    ) -> LeveringResultaat:
        """A full delivery: validated, then replaces the gemeente's list atomically (or is
        rejected as a whole, leaving the previous list in force)."""
        records, fouten, n = valideer_rijen(rows, gemeentecode)
        result = self._resultaat(gemeentecode, "VOLLEDIG", formaat, n, fouten)
        with self.engine.begin() as conn:
            if result.geslaagd:
                conn.execute(sa.delete(wmo_client).where(wmo_client.c.gemeentecode == gemeentecode))
                rows_out = [_record_row(r, result.levering_id) for r in records]
                for chunk in _chunks(rows_out, 5000):
                    conn.execute(sa.insert(wmo_client), list(chunk))
            self._bewaar(conn, result, door)
        return result

    def mutaties(
        self,
        gemeentecode: str,
        items: Sequence[Mapping[str, Any]],
        *,
        door: str,
    ) -> LeveringResultaat:
        """Incremental changes: ``[{"actie": "TOEVOEGEN"|"WIJZIGEN"|"VERWIJDEREN",
        "record": {…}}]`` (VERWIJDEREN needs only ``wmo_referentie``). All or nothing: an
        unknown referentie to change or remove, or one to add that exists, is a row error."""
        fouten: list[Rijfout] = []
        plan: list[tuple[str, WmoRecord | str]] = []
        refs: dict[str, int] = {}
        for n, item in enumerate(items, start=1):
            if not isinstance(item, Mapping):
                fouten.append(Rijfout(n, "-", "ONGELDIG", "a mutation must be an object"))
                continue
            actie = str(item.get("actie", "")).upper()
            record = item.get("record")
            if actie not in MUTATIE_ACTIES:
                fouten.append(
                    Rijfout(n, "actie", "CODELIJST", f"one of {', '.join(MUTATIE_ACTIES)}")
                )
                continue
            if not isinstance(record, Mapping):
                fouten.append(Rijfout(n, "record", "VERPLICHT", "an object with the record"))
                continue
            ref = _text(record, "wmo_referentie")
            if not ref:
                fouten.append(Rijfout(n, "wmo_referentie", "VERPLICHT", "required"))
                continue
            first = refs.setdefault(ref, n)
            if first != n:
                fouten.append(
                    Rijfout(n, "wmo_referentie", "DUBBEL", f"already changed in mutation {first}")
                )
                continue
            if actie == "VERWIJDEREN":
                plan.append((actie, ref))
                continue
            checked, problems = valideer_rij(record, n, gemeentecode)
            fouten.extend(problems)
            if checked is not None:
                plan.append((actie, checked))
        with self.engine.begin() as conn:
            bestaand: set[str] = set()
            wanted = list(refs)
            for chunk in _chunks(wanted, 500):
                bestaand.update(
                    conn.execute(
                        sa.select(wmo_client.c.wmo_referentie).where(
                            wmo_client.c.gemeentecode == gemeentecode,
                            wmo_client.c.wmo_referentie.in_(list(chunk)),
                        )
                    ).scalars()
                )
            for actie, target in plan:
                ref = target if isinstance(target, str) else target.wmo_referentie
                n = refs[ref]
                if actie == "TOEVOEGEN" and ref in bestaand:
                    fouten.append(
                        Rijfout(n, "wmo_referentie", "BESTAAT", "already delivered: use WIJZIGEN")
                    )
                elif actie != "TOEVOEGEN" and ref not in bestaand:
                    fouten.append(
                        Rijfout(n, "wmo_referentie", "ONBEKEND", "not in the current delivery")
                    )
            fouten.sort(key=lambda f: f.rij)
            result = self._resultaat(gemeentecode, "MUTATIES", "JSON", len(items), fouten)
            if result.geslaagd:
                for actie, target in plan:
                    if isinstance(target, str):
                        conn.execute(
                            sa.delete(wmo_client).where(
                                wmo_client.c.gemeentecode == gemeentecode,
                                wmo_client.c.wmo_referentie == target,
                            )
                        )
                        continue
                    if actie == "WIJZIGEN":
                        conn.execute(
                            sa.delete(wmo_client).where(
                                wmo_client.c.gemeentecode == gemeentecode,
                                wmo_client.c.wmo_referentie == target.wmo_referentie,
                            )
                        )
                    conn.execute(sa.insert(wmo_client), [_record_row(target, result.levering_id)])
            self._bewaar(conn, result, door)
        return result

    def _resultaat(
        self, gemeentecode: str, soort: str, formaat: str, n: int, fouten: list[Rijfout]
    ) -> LeveringResultaat:
        if n == 0 and soort == "VOLLEDIG":
            # An empty full delivery would wipe the list: almost always a mistake. A gemeente
            # that really has no Wmo clients any more removes them with mutations.
            fouten = [Rijfout(0, "-", "LEEG", "a full delivery needs at least one row")]
        return LeveringResultaat(
            levering_id=str(uuid.uuid4()),
            gemeentecode=gemeentecode,
            soort=soort,
            formaat=formaat,
            status="AFGEWEZEN" if fouten else "VERWERKT",
            aantal_rijen=n,
            fouten=fouten[:MAX_FOUTEN_IN_RAPPORT],
            aantal_fouten=len(fouten),
            ontvangen_op=self.clock.now(),
        )

    def _bewaar(self, conn: Connection, result: LeveringResultaat, door: str) -> None:
        conn.execute(
            sa.insert(wmo_levering).values(
                levering_id=result.levering_id,
                gemeentecode=result.gemeentecode,
                soort=result.soort,
                formaat=result.formaat,
                status=result.status,
                aantal_rijen=result.aantal_rijen,
                aantal_fouten=result.aantal_fouten,
                rapport=json.dumps([f.as_dict() for f in result.fouten]),
                ingediend_door=door[:40],
                ontvangen_op=result.ontvangen_op,
            )
        )

    # -- reading --------------------------------------------------------------------------------

    def levering(self, gemeentecode: str, levering_id: str) -> LeveringResultaat | None:
        """A stored delivery report of this gemeente (None for another gemeente's)."""
        c = wmo_levering.c
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    sa.select(wmo_levering).where(
                        c.levering_id == levering_id, c.gemeentecode == gemeentecode
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return LeveringResultaat(
            levering_id=row["levering_id"],
            gemeentecode=row["gemeentecode"],
            soort=row["soort"],
            formaat=row["formaat"],
            status=row["status"],
            aantal_rijen=row["aantal_rijen"],
            fouten=[Rijfout(**f) for f in json.loads(row["rapport"])],
            aantal_fouten=row["aantal_fouten"],
            ontvangen_op=row["ontvangen_op"],
        )

    def leveringen(self, gemeentecode: str, limit: int = 20) -> list[LeveringResultaat]:
        """The gemeente's latest delivery reports, newest first."""
        c = wmo_levering.c
        with self.engine.connect() as conn:
            ids_ = list(
                conn.execute(
                    sa.select(c.levering_id)
                    .where(c.gemeentecode == gemeentecode)
                    .order_by(c.ontvangen_op.desc())
                    .limit(limit)
                ).scalars()
            )
        found = [self.levering(gemeentecode, i) for i in ids_]
        return [f for f in found if f is not None]

    def samenvatting(self, gemeentecode: str) -> dict[str, Any]:
        """How many records the gemeente has delivered, by status (no BSNs)."""
        c = wmo_client.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(c.status, sa.func.count())
                .where(c.gemeentecode == gemeentecode)
                .group_by(c.status)
            ).all()
        per_status = {str(s): int(n) for s, n in rows}
        return {
            "gemeentecode": gemeentecode,
            "aantal": sum(per_status.values()),
            "perStatus": per_status,
        }
