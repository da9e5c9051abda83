"""Indicatieregister service: register, change and delete WlzIndicaties; load them as trees.

Writes take one transaction each: the aggregate's rows plus a domain event. Inside
:meth:`Indicatieregister.transactie` they join the caller's transaction instead (several writes,
possibly of several registers, committed or rolled back together). Reads load the requested
parts of any number of indications with one query per table.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz import regio
from iwlz.core.clock import Clock, SystemClock
from iwlz.core.events import EventHook, record_event
from iwlz.graphql.errors import BadUserInput
from iwlz.registers.indicatie import models as m
from iwlz.registers.indicatie.validation import Veldfout, validate_indicatie

REGISTER = "indicatieregister"
TENANT = "CIZ"

EVENT_NIEUW = "WlzIndicatieGeregistreerd"
EVENT_GEWIJZIGD = "WlzIndicatieGewijzigd"
EVENT_VERVALDATUM = "VervaldatumGewijzigd"
EVENT_VERWIJDERD = "WlzIndicatieVerwijderd"


@dataclass
class Uitkomst:
    """Outcome of a write: the ID and new version on success, field errors otherwise."""

    wlzindicatieID: uuid.UUID | None
    versie: int | None = None
    fouten: list[Veldfout] = field(default_factory=list)

    @property
    def geslaagd(self) -> bool:
        return not self.fouten


_GEDEELD: ContextVar[dict[int, Connection]] = ContextVar("iwlz_gedeelde_transactie")
"""Per service object (by ``id``), the connection of the caller's transaction its writes
join; per thread / task, so concurrent requests never share one."""


@contextlib.contextmanager
def gedeelde_transactie(
    eigenaar: object, engine: Engine, conn: Connection | None
) -> Iterator[Connection]:
    """Make ``eigenaar``'s writes join ``conn``'s transaction (a new one on ``engine`` when
    None, committed when the block ends without an exception) until the block ends. Nothing
    commits in between: the caller's transaction decides. A write that fails inside leaves
    its partial rows in that transaction, so the caller must roll back (raise) on any failed
    :class:`Uitkomst`."""
    if conn is None:
        with engine.begin() as eigen, gedeelde_transactie(eigenaar, engine, eigen) as c:
            yield c
        return
    token = _GEDEELD.set({**_GEDEELD.get({}), id(eigenaar): conn})
    try:
        yield conn
    finally:
        _GEDEELD.reset(token)


def actieve_transactie(eigenaar: object) -> Connection | None:
    """The connection ``eigenaar``'s writes currently join (:func:`gedeelde_transactie`)."""
    return _GEDEELD.get({}).get(id(eigenaar))


@contextlib.contextmanager
def schrijf_transactie(eigenaar: object, engine: Engine) -> Iterator[Connection]:
    """A write's connection: the joined transaction of :func:`gedeelde_transactie` when one
    is active for ``eigenaar``, else a transaction of its own."""
    gedeeld = _GEDEELD.get({}).get(id(eigenaar))
    if gedeeld is not None:
        yield gedeeld
        return
    with engine.begin() as conn:
        yield conn


class Indicatieregister:
    """The CIZ's register: storage operations behind both GraphQL APIs."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        gemeente_resolver: regio.GemeenteResolver | None = None,
        max_results: int = 1000,
        event_hooks: Sequence[EventHook] = (),
    ) -> None:
        self.engine = engine
        # Run inside every write's transaction (the notification rules fill the outbox).
        self.event_hooks: list[EventHook] = list(event_hooks)
        self.clock: Clock = clock or SystemClock()
        self.gemeente_resolver = gemeente_resolver or regio.GemeenteResolver()
        self.max_results = max_results

    # -- writes ---------------------------------------------------------------------------

    def transactie(
        self, conn: Connection | None = None
    ) -> contextlib.AbstractContextManager[Connection]:
        """A block whose writes (rows, events and what the event hooks write) share one
        transaction: ``conn``'s, or a new one committed at the end (see
        :func:`gedeelde_transactie`)."""
        return gedeelde_transactie(self, self.engine, conn)

    def _begin(self) -> contextlib.AbstractContextManager[Connection]:
        return schrijf_transactie(self, self.engine)

    def registreer(self, data: Mapping[str, Any]) -> Uitkomst:
        """Register a new WlzIndicatie (with all parts) in one transaction."""
        result = self.registreer_batch([data])
        return result[0]

    def registreer_batch(
        self, items: Sequence[Mapping[str, Any]], *, notify: bool = True
    ) -> list[Uitkomst]:
        """Register many indications in one transaction (bulk loading, seeding).

        Items that fail validation are skipped and reported; the others are stored.
        ``notify=False`` loads history without event hooks (no notifications): for seeding
        and migrations, never for the CIZ's real registrations.
        """
        hooks = self.event_hooks if notify else ()
        today = self.clock.today()
        now = self.clock.now()
        outcomes: list[Uitkomst] = []
        rows: dict[sa.Table, list[dict[str, Any]]] = defaultdict(list)
        events: list[dict[str, Any]] = []
        with self._begin() as conn:
            for data in items:
                fouten = validate_indicatie(data, today=today)
                zk: str | None = None
                if not fouten:
                    zk, fout = self._zorgkantoor(data, today)
                    if fout is not None:
                        fouten.append(fout)
                if fouten:
                    outcomes.append(Uitkomst(None, None, fouten))
                    continue
                assert zk is not None
                root_id = data.get("wlzindicatieID") or uuid.uuid4()
                flat = flatten(data, root_id, zk, now)
                for table, table_rows in flat.items():
                    rows[table].extend(table_rows)
                events.append({"id": root_id, "zk": zk, "bsn": data["bsn"]})
                outcomes.append(Uitkomst(root_id, 1))
            if not events:
                return outcomes
            taken = _existing(conn, [e["id"] for e in events])
            taken_children = _existing_children(conn, rows, other_than=None)
            if taken or taken_children:
                if len(items) > 1:
                    raise ValueError(
                        f"IDs already in the register: {sorted(map(str, taken))[:5]} "
                        f"{taken_children[:5]}"
                    )
                o = outcomes[0]
                melding = (
                    f"WlzIndicatie {o.wlzindicatieID} already exists."
                    if taken
                    else f"IDs already used by another indication: {', '.join(taken_children)}"
                )
                veld = "indicatie.wlzindicatieID" if taken else "indicatie"
                return [Uitkomst(None, None, [Veldfout(veld, "BESTAAT", melding)])]
            _insert_all(conn, rows)
            for e in events:
                record_event(
                    conn,
                    register=REGISTER,
                    tenant=TENANT,
                    aggregate_type="WlzIndicatie",
                    aggregate_id=e["id"],
                    event_type=EVENT_NIEUW,
                    payload={
                        "wlzindicatieID": str(e["id"]),
                        "initieelVerantwoordelijkZorgkantoor": e["zk"],
                    },
                    occurred_at=now,
                    hooks=hooks,
                )
        return outcomes

    def wijzig(
        self, wlzindicatie_id: uuid.UUID, data: Mapping[str, Any], versie: int | None = None
    ) -> Uitkomst:
        """Replace an indication's content; child IDs given in ``data`` are kept."""
        today, now = self.clock.today(), self.clock.now()
        if data.get("wlzindicatieID") not in (None, wlzindicatie_id):
            return Uitkomst(
                None,
                None,
                [
                    Veldfout(
                        "indicatie.wlzindicatieID",
                        "ONGELIJK",
                        "indicatie.wlzindicatieID differs from the wlzindicatieID argument.",
                    )
                ],
            )
        fouten = validate_indicatie(data, today=today)
        if fouten:
            return Uitkomst(None, None, fouten)
        with self._begin() as conn:
            current = _current(conn, wlzindicatie_id, versie)
            if isinstance(current, Veldfout):
                return Uitkomst(None, None, [current])
            zk = (
                data.get("initieelVerantwoordelijkZorgkantoor")
                or current["initieelVerantwoordelijkZorgkantoor"]
            )
            new_version = int(current["versie"]) + 1
            flat = flatten(data, wlzindicatie_id, zk, now)
            taken = _existing_children(conn, flat, other_than=wlzindicatie_id)
            if taken:
                return Uitkomst(
                    None,
                    None,
                    [
                        Veldfout(
                            "indicatie",
                            "BESTAAT",
                            f"IDs already used by another indication: {', '.join(taken)}",
                        )
                    ],
                )
            _delete_children(conn, wlzindicatie_id)
            root_row = flat.pop(m.wlz_indicatie)[0]
            root_row.update(versie=new_version, geregistreerdOp=current["geregistreerdOp"])
            root_row.pop(m.ROOT)
            conn.execute(
                m.wlz_indicatie.update()
                .where(m.wlz_indicatie.c[m.ROOT] == wlzindicatie_id)
                .values(**root_row)
            )
            _insert_all(conn, flat)
            vervaldatum_changed = current["vervaldatum"] != data.get("vervaldatum")
            record_event(
                conn,
                register=REGISTER,
                tenant=TENANT,
                aggregate_type="WlzIndicatie",
                aggregate_id=wlzindicatie_id,
                event_type=EVENT_GEWIJZIGD,
                payload={
                    "wlzindicatieID": str(wlzindicatie_id),
                    "versie": new_version,
                    "vervaldatumGewijzigd": vervaldatum_changed,
                    "initieelVerantwoordelijkZorgkantoor": zk,
                },
                occurred_at=now,
                hooks=self.event_hooks,
            )
        return Uitkomst(wlzindicatie_id, new_version)

    def wijzig_vervaldatum(
        self, wlzindicatie_id: uuid.UUID, vervaldatum: dt.date | None, versie: int | None = None
    ) -> Uitkomst:
        """Set, change or remove (``None``) the vervaldatum of an indication."""
        now = self.clock.now()
        with self._begin() as conn:
            current = _current(conn, wlzindicatie_id, versie)
            if isinstance(current, Veldfout):
                return Uitkomst(None, None, [current])
            if vervaldatum is not None:
                if vervaldatum < current["ingangsdatum"]:
                    return Uitkomst(
                        None,
                        None,
                        [
                            Veldfout(
                                "vervaldatum",
                                "DATUMVOLGORDE",
                                "vervaldatum lies before the ingangsdatum of the indication.",
                            )
                        ],
                    )
                eind = current["einddatum"]
                if eind is not None and vervaldatum > eind:
                    return Uitkomst(
                        None,
                        None,
                        [
                            Veldfout(
                                "vervaldatum",
                                "DATUMVOLGORDE",
                                "vervaldatum lies after the einddatum of the indication.",
                            )
                        ],
                    )
            old = current["vervaldatum"]
            new_version = int(current["versie"]) + 1
            conn.execute(
                m.wlz_indicatie.update()
                .where(m.wlz_indicatie.c[m.ROOT] == wlzindicatie_id)
                .values(vervaldatum=vervaldatum, versie=new_version, gewijzigdOp=now)
            )
            if old != vervaldatum:
                soort = (
                    "verwijderd"
                    if vervaldatum is None
                    else ("gezet" if old is None else "gewijzigd")
                )
                record_event(
                    conn,
                    register=REGISTER,
                    tenant=TENANT,
                    aggregate_type="WlzIndicatie",
                    aggregate_id=wlzindicatie_id,
                    event_type=EVENT_VERVALDATUM,
                    payload={
                        "wlzindicatieID": str(wlzindicatie_id),
                        "mutatie": soort,
                        "initieelVerantwoordelijkZorgkantoor": current[
                            "initieelVerantwoordelijkZorgkantoor"
                        ],
                        "oud": old.isoformat() if old else None,
                        "nieuw": vervaldatum.isoformat() if vervaldatum else None,
                    },
                    occurred_at=now,
                    hooks=self.event_hooks,
                )
        return Uitkomst(wlzindicatie_id, new_version)

    def verwijder(self, wlzindicatie_id: uuid.UUID, versie: int | None = None) -> Uitkomst:
        """Delete an indication and all its parts."""
        now = self.clock.now()
        with self._begin() as conn:
            current = _current(conn, wlzindicatie_id, versie)
            if isinstance(current, Veldfout):
                return Uitkomst(None, None, [current])
            _delete_children(conn, wlzindicatie_id)
            conn.execute(
                m.wlz_indicatie.delete().where(m.wlz_indicatie.c[m.ROOT] == wlzindicatie_id)
            )
            record_event(
                conn,
                register=REGISTER,
                tenant=TENANT,
                aggregate_type="WlzIndicatie",
                aggregate_id=wlzindicatie_id,
                event_type=EVENT_VERWIJDERD,
                payload={
                    "wlzindicatieID": str(wlzindicatie_id),
                    "initieelVerantwoordelijkZorgkantoor": current[
                        "initieelVerantwoordelijkZorgkantoor"
                    ],
                },
                occurred_at=now,
                hooks=self.event_hooks,
            )
        return Uitkomst(wlzindicatie_id, None)

    def _zorgkantoor(
        self, data: Mapping[str, Any], today: dt.date
    ) -> tuple[str | None, Veldfout | None]:
        given = data.get("initieelVerantwoordelijkZorgkantoor")
        if given:
            return str(given), None
        adressen = [
            g["adres"]
            for g in (data["client"].get("contactGegevens") or [])
            if g.get("adres") is not None
        ]
        for peildatum in (today, data["ingangsdatum"]):
            try:
                zk = regio.zorgkantoor_voor_adressen(adressen, self.gemeente_resolver, peildatum)
            except regio.RegioError as exc:
                last = str(exc)
                continue
            return zk.uzovi, None
        return None, Veldfout(
            "indicatie.initieelVerantwoordelijkZorgkantoor",
            "ZORGKANTOOR_ONBEKEND",
            f"Cannot derive the zorgkantoor from the client's BRP or verblijf address: {last} "
            "Give adres.gemeentecode or initieelVerantwoordelijkZorgkantoor.",
        )

    # -- reads ----------------------------------------------------------------------------

    def zoek(
        self,
        conn: Connection,
        where: sa.ColumnElement[bool],
        *,
        onderdelen: Collection[str] | None = None,
        peildatum: dt.date | None = None,
    ) -> list[dict[str, Any]]:
        """Indications matching ``where`` as nested dicts shaped like the GraphQL type.

        ``onderdelen`` names the parts to load (see :data:`PARTS`); None loads all.
        Contact data follows IRA0001A for ``peildatum`` (default: today).
        """
        stmt = _root_select().where(where).order_by(m.wlz_indicatie.c[m.ROOT])
        stmt = stmt.limit(self.max_results + 1)
        roots = [dict(r) for r in conn.execute(stmt).mappings()]
        if len(roots) > self.max_results:
            raise BadUserInput(
                f"More than {self.max_results} indications match; narrow the filter "
                "(e.g. where: {wlzindicatieID: {eq: ...}})."
            )
        if roots:
            load_parts(conn, roots, onderdelen, peildatum or self.clock.today())
        return roots


# -- flattening and loading -----------------------------------------------------------------


def _new(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.uuid4()


def _cols(table: sa.Table, data: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    row = {c.key: data.get(c.key) for c in table.c}
    row.update(extra)
    return row


def flatten(
    data: Mapping[str, Any], root_id: uuid.UUID, zorgkantoor: str, now: dt.datetime
) -> dict[sa.Table, list[dict[str, Any]]]:
    """Turn a WlzIndicatieInput value into rows per table, assigning missing IDs."""
    out: dict[sa.Table, list[dict[str, Any]]] = defaultdict(list)
    R = m.ROOT
    root = _cols(m.wlz_indicatie, data, **{R: root_id})
    root.update(
        initieelVerantwoordelijkZorgkantoor=zorgkantoor,
        versie=1,
        geregistreerdOp=now,
        gewijzigdOp=now,
    )
    out[m.wlz_indicatie].append(root)
    for g in data.get("grondslag") or []:
        out[m.grondslag].append(
            _cols(m.grondslag, g, grondslagID=_new(g.get("grondslagID")), **{R: root_id})
        )
    for z in data.get("geindiceerdZorgzwaartepakket") or []:
        out[m.geindiceerd_zorgzwaartepakket].append(
            _cols(
                m.geindiceerd_zorgzwaartepakket,
                z,
                geindiceerdZorgzwaartepakketID=_new(z.get("geindiceerdZorgzwaartepakketID")),
                **{R: root_id},
            )
        )
    for b in data.get("beperking") or []:
        bid = _new(b.get("beperkingID"))
        out[m.beperking].append(_cols(m.beperking, b, beperkingID=bid, **{R: root_id}))
        for s in b.get("beperkingScore") or []:
            out[m.beperking_score].append(
                _cols(
                    m.beperking_score,
                    s,
                    beperkingScoreID=_new(s.get("beperkingScoreID")),
                    beperkingID=bid,
                    **{R: root_id},
                )
            )
    for s in data.get("stoornis") or []:
        out[m.stoornis].append(
            _cols(m.stoornis, s, stoornisID=_new(s.get("stoornisID")), **{R: root_id})
        )
    for s in data.get("stoornisScore") or []:
        out[m.stoornis_score].append(
            _cols(
                m.stoornis_score, s, stoornisScoreID=_new(s.get("stoornisScoreID")), **{R: root_id}
            )
        )
    w = data.get("wzd")
    if w is not None:
        out[m.wzd].append(_cols(m.wzd, w, wzdID=_new(w.get("wzdID")), **{R: root_id}))
    c = data["client"]
    cid = _new(c.get("clientID"))
    out[m.client].append(_cols(m.client, c, clientID=cid, **{R: root_id}))
    _flatten_gegevens(out, c.get("contactGegevens") or [], root_id, client_id=cid)
    for cp in c.get("contactPersoon") or []:
        cpid = _new(cp.get("contactPersoonID"))
        out[m.contact_persoon].append(
            _cols(
                m.contact_persoon,
                cp,
                contactPersoonID=cpid,
                clientID=cid,
                organisatieNaam=None,
                **{R: root_id},
            )
        )
        _flatten_gegevens(out, cp.get("contactGegevens") or [], root_id, persoon_id=cpid)
    return out


def _flatten_gegevens(
    out: dict[sa.Table, list[dict[str, Any]]],
    items: Iterable[Mapping[str, Any]],
    root_id: uuid.UUID,
    *,
    client_id: uuid.UUID | None = None,
    persoon_id: uuid.UUID | None = None,
) -> None:
    R = m.ROOT
    for g in items:
        gid = _new(g.get("contactGegevensID"))
        out[m.contact_gegevens].append(
            {
                "contactGegevensID": gid,
                R: root_id,
                "clientID": client_id,
                "contactPersoonID": persoon_id,
            }
        )
        for key, table, id_key in (
            ("adres", m.adres, "adresID"),
            ("telefoon", m.telefoon, "telefoonID"),
            ("email", m.email, "emailID"),
        ):
            part = g.get(key)
            if part is not None:
                out[table].append(
                    _cols(
                        table,
                        part,
                        contactGegevensID=gid,
                        **{id_key: _new(part.get(id_key)), R: root_id},
                    )
                )


def _insert_all(conn: Connection, rows: Mapping[sa.Table, list[dict[str, Any]]]) -> None:
    for table in (m.wlz_indicatie, *m.CHILD_TABLES):
        batch = rows.get(table)
        if batch:
            conn.execute(table.insert(), batch)


def _existing(conn: Connection, root_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    col = m.wlz_indicatie.c[m.ROOT]
    for i in range(0, len(root_ids), 500):
        chunk = root_ids[i : i + 500]
        found.update(conn.execute(sa.select(col).where(col.in_(chunk))).scalars())
    return found


def _existing_children(
    conn: Connection, rows: Mapping[sa.Table, list[dict[str, Any]]], other_than: uuid.UUID | None
) -> list[str]:
    """IDs in ``rows`` that another indication already uses."""
    taken: list[str] = []
    for table, batch in rows.items():
        if table is m.wlz_indicatie:
            continue
        pk = next(iter(table.primary_key.columns))
        ids_ = [r[pk.key] for r in batch]
        for i in range(0, len(ids_), 500):
            stmt = sa.select(pk).where(pk.in_(ids_[i : i + 500]))
            if other_than is not None:
                stmt = stmt.where(table.c[m.ROOT] != other_than)
            taken.extend(str(x) for x in conn.execute(stmt).scalars())
    return taken


def _current(conn: Connection, root_id: uuid.UUID, versie: int | None) -> dict[str, Any] | Veldfout:
    """The indication's root row, locked for the write on PostgreSQL, or why it cannot be
    written (unknown ID, stale ``versie``)."""
    stmt = _root_select().where(m.wlz_indicatie.c[m.ROOT] == root_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    if row is None:
        return Veldfout(
            "wlzindicatieID", "NIET_GEVONDEN", f"WlzIndicatie {root_id} does not exist."
        )
    if versie is not None and versie != row["versie"]:
        return Veldfout(
            "versie",
            "VERSIECONFLICT",
            f"WlzIndicatie {root_id} is at versie {row['versie']}, not {versie}; "
            "read it again and retry.",
        )
    return dict(row)


def _delete_children(conn: Connection, root_id: uuid.UUID) -> None:
    for table in reversed(m.CHILD_TABLES):
        conn.execute(table.delete().where(table.c[m.ROOT] == root_id))


# Which tables a selected field needs. A field name may appear at several levels (grondslag
# is a list on WlzIndicatie and a scalar on Stoornis): loading a table too many is harmless.
PARTS: dict[str, tuple[sa.Table, ...]] = {
    "grondslag": (m.grondslag,),
    "geindiceerdZorgzwaartepakket": (m.geindiceerd_zorgzwaartepakket,),
    "beperking": (m.beperking,),
    "beperkingScore": (m.beperking_score,),
    "beperkingScores": (m.beperking_score,),
    "stoornis": (m.stoornis,),
    "stoornisScore": (m.stoornis_score,),
    "wzd": (m.wzd,),
    "client": (m.client,),
    "contactPersoon": (m.contact_persoon,),
    "contactGegevens": (m.contact_gegevens,),
    "adres": (m.adres,),
    "telefoon": (m.telefoon,),
    "email": (m.email,),
}


@functools.cache
def _child_select(table: sa.Table, many: bool) -> sa.Select[Any]:
    # Built once per table: constructing a SELECT costs several times more than running it.
    col = table.c[m.ROOT]
    cond = col.in_(sa.bindparam("roots", expanding=True)) if many else col == sa.bindparam("root")
    return m.labelled(table).where(cond)


def _rows(conn: Connection, table: sa.Table, root_ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    if len(root_ids) == 1:
        result = conn.execute(_child_select(table, False), {"root": root_ids[0]})
    else:
        result = conn.execute(_child_select(table, True), {"roots": list(root_ids)})
    pk = next(iter(table.primary_key.columns)).key
    out = []
    for r in result.mappings():
        d = dict(r)
        d["id"] = d[pk]  # the deprecated `id` field of the 1.6.x types
        out.append(d)
    return out


_GEGEVENS_PARTS = (
    ("adres", m.adres, "adresID"),
    ("telefoon", m.telefoon, "telefoonID"),
    ("email", m.email, "emailID"),
)


@functools.cache
def _root_select() -> sa.Select[Any]:
    return m.labelled(m.wlz_indicatie)


@functools.cache
def _gegevens_select(many: bool) -> sa.Select[Any]:
    """ContactGegevens with their adres, telefoon and email in one query (LEFT JOINs).

    Every joined table is also restricted by the root ID, so each can use its own
    ``wlzindicatieID`` index whatever the planner's statistics say (stale statistics after a
    bulk load made PostgreSQL scan whole tables here).
    """
    cg = m.contact_gegevens

    def roots(table: sa.Table) -> sa.ColumnElement[bool]:
        col = table.c[m.ROOT]
        if many:
            return col.in_(sa.bindparam("roots", expanding=True))
        return col == sa.bindparam("root")

    cols = [c.label(c.key) for c in cg.c]
    joined: sa.FromClause = cg
    for prefix, table, _pk in _GEGEVENS_PARTS:
        cols += [
            c.label(f"{prefix}.{c.key}")
            for c in table.c
            if c.key not in (m.ROOT, "contactGegevensID")
        ]
        joined = joined.outerjoin(
            table, sa.and_(table.c.contactGegevensID == cg.c.contactGegevensID, roots(table))
        )
    return sa.select(*cols).select_from(joined).where(roots(cg))


def _gegevens_rows(conn: Connection, root_ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    if len(root_ids) == 1:
        result = conn.execute(_gegevens_select(False), {"root": root_ids[0]})
    else:
        result = conn.execute(_gegevens_select(True), {"roots": list(root_ids)})
    return [_split_gegevens(dict(r)) for r in result.mappings()]


@functools.cache
def _pg_sql(table: sa.Table | None, dialect: sa.Dialect) -> str:
    """SQL text (psycopg placeholders) of a child-table or contact-data select by root IDs."""
    if table is None:
        sql = str(_gegevens_select(True).compile(dialect=dialect))
        return sql.replace("IN (__[POSTCOMPILE_roots])", "= ANY(%(roots)s)")
    col = table.c[m.ROOT]
    stmt = m.labelled(table).where(col == sa.func.any(sa.bindparam("roots")))
    return str(stmt.compile(dialect=dialect))


def _pg_pipeline(
    conn: Connection, tables: set[sa.Table], root_ids: Sequence[uuid.UUID], gegevens: bool
) -> tuple[dict[sa.Table, list[dict[str, Any]]], list[dict[str, Any]] | None]:
    """All child selects in one psycopg pipeline: one network round trip instead of one per
    table (PostgreSQL lookups are bound by round trips, not by the queries)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    order = sorted(tables, key=lambda t: t.name)
    params = {"roots": list(root_ids)}
    cursors = []
    with raw.pipeline():
        for table in order:
            cursors.append(raw.execute(_pg_sql(table, conn.dialect), params))
        if gegevens:
            cursors.append(raw.execute(_pg_sql(None, conn.dialect), params))
    data: dict[sa.Table, list[dict[str, Any]]] = {}
    for table, cur in zip(order, cursors, strict=False):
        names = [d.name for d in cur.description or ()]
        pk = next(iter(table.primary_key.columns)).key
        rows = []
        for values in cur.fetchall():
            d = dict(zip(names, values, strict=True))
            d["id"] = d[pk]
            rows.append(d)
        data[table] = rows
    gegevens_rows = None
    if gegevens:
        cur = cursors[-1]
        names = [d.name for d in cur.description or ()]
        gegevens_rows = [_split_gegevens(dict(zip(names, v, strict=True))) for v in cur.fetchall()]
    return data, gegevens_rows


def _split_gegevens(r: Mapping[str, Any]) -> dict[str, Any]:
    g: dict[str, Any] = {
        k: r[k] for k in ("contactGegevensID", "clientID", "contactPersoonID", m.ROOT)
    }
    g["id"] = g["contactGegevensID"]
    for prefix, table, pk in _GEGEVENS_PARTS:
        if r[f"{prefix}.{pk}"] is None:
            g[prefix] = None
            continue
        part = {
            c.key: r[f"{prefix}.{c.key}"]
            for c in table.c
            if c.key not in (m.ROOT, "contactGegevensID")
        }
        part["id"] = part[pk]
        g[prefix] = part
    return g


def _group(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    return groups


def _open_on(item: Mapping[str, Any] | None, peildatum: dt.date) -> bool:
    return item is not None and (item["einddatum"] is None or item["einddatum"] >= peildatum)


def load_parts(
    conn: Connection,
    roots: list[dict[str, Any]],
    onderdelen: Collection[str] | None,
    peildatum: dt.date,
) -> None:
    """Attach the requested parts to ``roots`` in place; one query per needed table."""
    names = set(PARTS) if onderdelen is None else set(onderdelen) & set(PARTS)
    tables = {t for n in names for t in PARTS[n]}
    gegevens_needed = bool(tables & {m.contact_gegevens, m.adres, m.telefoon, m.email})
    tables -= {m.contact_gegevens, m.adres, m.telefoon, m.email}
    if gegevens_needed:
        tables.add(m.client)
    ids_ = [r[m.ROOT] for r in roots]
    R = m.ROOT
    gegevens_raw: list[dict[str, Any]] | None = None
    if conn.dialect.name == "postgresql":
        data, gegevens_raw = _pg_pipeline(conn, tables, ids_, gegevens_needed)
    else:
        data = {t: _rows(conn, t, ids_) for t in tables}

    def by_root(table: sa.Table) -> dict[Any, list[dict[str, Any]]]:
        return _group(data.get(table, []), R)

    if m.beperking in tables:
        scores = _group(data.get(m.beperking_score, []), "beperkingID")
        for b in data[m.beperking]:
            lst = scores.get(b["beperkingID"], [])
            b["beperkingScore"] = lst
            b["beperkingScores"] = lst
    gegevens_by_client: dict[Any, list[dict[str, Any]]] = {}
    gegevens_by_persoon: dict[Any, list[dict[str, Any]]] = {}
    if gegevens_needed:
        # IRA0001A: only contact data not ended at the moment of consultation.
        visible = []
        rows = gegevens_raw if gegevens_raw is not None else _gegevens_rows(conn, ids_)
        for g in rows:
            items = [g[k] for k in ("adres", "telefoon", "email") if g[k] is not None]
            if not items or any(_open_on(i, peildatum) for i in items):
                visible.append(g)
        gegevens_by_client = _group((g for g in visible if g["clientID"]), "clientID")
        gegevens_by_persoon = _group(
            (g for g in visible if g["contactPersoonID"]), "contactPersoonID"
        )
    personen_by_client: dict[Any, list[dict[str, Any]]] = {}
    if m.contact_persoon in tables:
        personen = [p for p in data[m.contact_persoon] if _open_on(p, peildatum)]
        for p in personen:
            p["contactGegevens"] = gegevens_by_persoon.get(p["contactPersoonID"], [])
        personen_by_client = _group(personen, "clientID")
    clients = {c[R]: c for c in data.get(m.client, [])}
    for c in clients.values():
        c["contactPersoon"] = personen_by_client.get(c["clientID"], [])
        c["contactGegevens"] = gegevens_by_client.get(c["clientID"], [])

    lists = {
        name: by_root(t)
        for name, t in (
            ("grondslag", m.grondslag),
            ("geindiceerdZorgzwaartepakket", m.geindiceerd_zorgzwaartepakket),
            ("beperking", m.beperking),
            ("stoornis", m.stoornis),
            ("stoornisScore", m.stoornis_score),
        )
        if t in tables
    }
    wzd = {w[R]: w for w in data.get(m.wzd, [])}
    for root in roots:
        rid = root[R]
        for name, groups in lists.items():
            root[name] = groups.get(rid, [])
        if m.wzd in tables:
            root["wzd"] = wzd.get(rid)
        if rid in clients:
            client = clients[rid]
            if _contact_window_closed(root, peildatum):
                client = {**client, "contactPersoon": [], "contactGegevens": []}
            root["client"] = client
        for name in ("grondslag",):
            if name in root:
                root[name].sort(key=lambda g: g["volgorde"])


def _contact_window_closed(root: Mapping[str, Any], peildatum: dt.date) -> bool:
    """IRA0001A: after the last vervaldatum (or einddatum without one) no contact data."""
    end = root["vervaldatum"] or root["einddatum"]
    return end is not None and peildatum > end
