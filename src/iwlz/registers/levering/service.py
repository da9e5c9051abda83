"""Leveringsregister service: tenant-scoped writes with domain events, and batched reads.

Each zorgaanbieder (AGB code) is a tenant; every operation takes it explicitly and never
touches another tenant's rows. Writes take one transaction each: the rows plus their domain
events (register ``leveringsregister``, tenant = AGB), with ``event_hooks`` run inside it;
inside :meth:`Leveringsregister.transactie` they join the caller's transaction instead.
Every event payload carries the record's fields plus ``leveringID``,
``bemiddelingspecificatieID``, ``clientID``, ``verantwoordelijkZorgkantoor`` and
``uitvoerendZorgkantoor`` of its Levering, so the notification layer can build either
documented subject form and find its recipients (registers.md §3.5, §4 item 10). Changes add
``versie`` and ``vorige`` (the fields before the change). Deletes record one event per deleted
row, children before their parent. Event types are ``<Entity>Geregistreerd``,
``<Entity>Gewijzigd`` and ``<Entity>Verwijderd`` (the ``EVENT_*`` constants). Reads load one
table per query for any number of parents (no N+1).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.core.clock import Clock, SystemClock
from iwlz.core.events import EventHook, record_event
from iwlz.registers import common
from iwlz.registers.common import Relatie as Relatie  # re-exported: part of this API
from iwlz.registers.common import Uitkomst as Uitkomst  # re-exported: part of this API
from iwlz.registers.common import fout as _fout
from iwlz.registers.common import labelled, stored_ids
from iwlz.registers.common import new_id as _new
from iwlz.registers.common import pk as _pk
from iwlz.registers.indicatie.service import gedeelde_transactie, schrijf_transactie
from iwlz.registers.levering import models as m
from iwlz.registers.levering.validation import Veldfout, validate, validate_levering

REGISTER = "leveringsregister"

EVENT_LEVERING_NIEUW = "LeveringGeregistreerd"
EVENT_LEVERING_VERWIJDERD = "LeveringVerwijderd"
EVENT_LEVERINGPERIODE_NIEUW = "LeveringperiodeGeregistreerd"
EVENT_LEVERINGPERIODE_GEWIJZIGD = "LeveringperiodeGewijzigd"
EVENT_LEVERINGPERIODE_VERWIJDERD = "LeveringperiodeVerwijderd"
EVENT_BEHANDELINGPERIODE_NIEUW = "BehandelingperiodeGeregistreerd"
EVENT_BEHANDELINGPERIODE_GEWIJZIGD = "BehandelingperiodeGewijzigd"
EVENT_BEHANDELINGPERIODE_VERWIJDERD = "BehandelingperiodeVerwijderd"
EVENT_UITSTELPERIODE_NIEUW = "UitstelperiodeGeregistreerd"
EVENT_UITSTELPERIODE_GEWIJZIGD = "UitstelperiodeGewijzigd"
EVENT_UITSTELPERIODE_VERWIJDERD = "UitstelperiodeVerwijderd"
EVENT_AFSTEL_NIEUW = "AfstelGeregistreerd"
EVENT_AFSTEL_GEWIJZIGD = "AfstelGewijzigd"
EVENT_AFSTEL_VERWIJDERD = "AfstelVerwijderd"
EVENT_VERZOEK_NIEUW = "VerzoekGeregistreerd"
EVENT_VERZOEK_VERWIJDERD = "VerzoekVerwijderd"  # only with its levering
EVENT_VERZOEKAANBIEDER_NIEUW = "VerzoekAanbiederGeregistreerd"
EVENT_VERZOEKAANBIEDER_VERWIJDERD = "VerzoekAanbiederVerwijderd"  # only with its levering

ENTITY_TABLES: dict[str, sa.Table] = {
    "Client": m.client,
    "Levering": m.levering,
    "Leveringperiode": m.leveringperiode,
    "BehandelingPeriode": m.behandelingperiode,
    "Uitstelperiode": m.uitstelperiode,
    "Afstel": m.afstel,
    "Verzoek": m.verzoek,
    "VerzoekAanbieder": m.verzoek_aanbieder,
}

_NEW_EVENTS: dict[str, str] = {
    "Levering": EVENT_LEVERING_NIEUW,
    "Leveringperiode": EVENT_LEVERINGPERIODE_NIEUW,
    "BehandelingPeriode": EVENT_BEHANDELINGPERIODE_NIEUW,
    "Uitstelperiode": EVENT_UITSTELPERIODE_NIEUW,
    "Afstel": EVENT_AFSTEL_NIEUW,
    "Verzoek": EVENT_VERZOEK_NIEUW,
    "VerzoekAanbieder": EVENT_VERZOEKAANBIEDER_NIEUW,
}

_GEWIJZIGD_EVENTS: dict[str, str] = {
    "Leveringperiode": EVENT_LEVERINGPERIODE_GEWIJZIGD,
    "BehandelingPeriode": EVENT_BEHANDELINGPERIODE_GEWIJZIGD,
    "Uitstelperiode": EVENT_UITSTELPERIODE_GEWIJZIGD,
    "Afstel": EVENT_AFSTEL_GEWIJZIGD,
}

_VERWIJDERD_EVENTS: dict[str, str] = {
    "Levering": EVENT_LEVERING_VERWIJDERD,
    "Leveringperiode": EVENT_LEVERINGPERIODE_VERWIJDERD,
    "BehandelingPeriode": EVENT_BEHANDELINGPERIODE_VERWIJDERD,
    "Uitstelperiode": EVENT_UITSTELPERIODE_VERWIJDERD,
    "Afstel": EVENT_AFSTEL_VERWIJDERD,
    "Verzoek": EVENT_VERZOEK_VERWIJDERD,
    "VerzoekAanbieder": EVENT_VERZOEKAANBIEDER_VERWIJDERD,
}

# Changeable entities: (input path, parent ID key, child list only allowed on registration).
_WIJZIGBAAR: dict[str, tuple[str, str, str | None]] = {
    "Leveringperiode": ("leveringperiode", "leveringID", "behandelingperiodes"),
    "BehandelingPeriode": ("behandelingperiode", "leveringperiodeID", None),
    "Uitstelperiode": ("uitstelperiode", "leveringID", None),
    "Afstel": ("afstel", "leveringID", None),
}

# Rows deleted with their parent: entity -> [(child entity, the child's parent ID key)].
_KINDEREN: dict[str, tuple[tuple[str, str], ...]] = {
    "Levering": (
        ("Leveringperiode", "leveringID"),
        ("Uitstelperiode", "leveringID"),
        ("Afstel", "leveringID"),
        ("Verzoek", "leveringID"),
    ),
    "Leveringperiode": (("BehandelingPeriode", "leveringperiodeID"),),
    "Verzoek": (("VerzoekAanbieder", "verzoekID"),),
}


# Relation fields of the LR object types (registers.md §3.2).
RELATIES: dict[tuple[str, str], Relatie] = {
    ("Client", "leveringen"): Relatie("Levering", "clientID", "clientID", True),
    ("Levering", "client"): Relatie("Client", "clientID", "clientID", False),
    ("Levering", "leveringperiodes"): Relatie("Leveringperiode", "leveringID", "leveringID", True),
    ("Levering", "uitstelperiodes"): Relatie("Uitstelperiode", "leveringID", "leveringID", True),
    ("Levering", "afstel"): Relatie("Afstel", "leveringID", "leveringID", False),
    ("Levering", "verzoeken"): Relatie("Verzoek", "leveringID", "leveringID", True),
    ("Leveringperiode", "behandelingperiodes"): Relatie(
        "BehandelingPeriode", "leveringperiodeID", "leveringperiodeID", True
    ),
    ("Leveringperiode", "levering"): Relatie("Levering", "leveringID", "leveringID", False),
    ("BehandelingPeriode", "leveringperiode"): Relatie(
        "Leveringperiode", "leveringperiodeID", "leveringperiodeID", False
    ),
    ("Uitstelperiode", "levering"): Relatie("Levering", "leveringID", "leveringID", False),
    ("Afstel", "levering"): Relatie("Levering", "leveringID", "leveringID", False),
    ("Verzoek", "levering"): Relatie("Levering", "leveringID", "leveringID", False),
    ("Verzoek", "verzoekAanbieders"): Relatie("VerzoekAanbieder", "verzoekID", "verzoekID", True),
    ("VerzoekAanbieder", "verzoek"): Relatie("Verzoek", "verzoekID", "verzoekID", False),
}

_P = ParamSpec("_P")


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date):  # datetime included
        return value.isoformat()
    return value


@dataclass
class _Batch:
    """Rows to insert (per table) and their creation events, built before any write."""

    rows: dict[sa.Table, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, entity: str, row: dict[str, Any]) -> None:
        self.rows[ENTITY_TABLES[entity]].append(row)
        self.events.append((entity, row))


class Leveringsregister:
    """All zorgaanbieders' Leveringsregisters in one database, isolated by tenant."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        event_hooks: Sequence[EventHook] = (),
        max_results: int = 1000,
    ) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        # Run inside every write's transaction (the notification rules fill the outbox).
        self.event_hooks: list[EventHook] = list(event_hooks)
        self.max_results = max_results

    def transactie(
        self, conn: Connection | None = None
    ) -> contextlib.AbstractContextManager[Connection]:
        """A block whose writes (rows, events and what the event hooks write) share one
        transaction: ``conn``'s, or a new one committed at the end. A failed write inside
        leaves its partial rows: the caller rolls back (raises) on any failed outcome
        (:func:`iwlz.registers.indicatie.service.gedeelde_transactie`)."""
        return gedeelde_transactie(self, self.engine, conn)

    def _begin(self) -> contextlib.AbstractContextManager[Connection]:
        return schrijf_transactie(self, self.engine)

    # -- building rows --------------------------------------------------------------------

    def _row(
        self, entity: str, aanbieder: str, data: Mapping[str, Any], now: dt.datetime, **links: Any
    ) -> dict[str, Any]:
        """A new row of ``entity`` from ``data`` (IDs generated when absent)."""
        table = ENTITY_TABLES[entity]
        row = {k: data.get(k) for k in m.field_keys(table)}
        row.update(links)
        pk = _pk(table).key
        row[pk] = _new(data.get(pk))
        row[m.tenant_column(table).key] = aanbieder
        if "vaststellingMoment" in table.c and row.get("vaststellingMoment") is None:
            row["vaststellingMoment"] = now
        row.update(versie=1, geregistreerdOp=now, gewijzigdOp=now)
        return row

    def _leveringperiode(
        self,
        batch: _Batch,
        aanbieder: str,
        levering_id: uuid.UUID,
        data: Mapping[str, Any],
        now: dt.datetime,
    ) -> dict[str, Any]:
        row = self._row("Leveringperiode", aanbieder, data, now, leveringID=levering_id)
        batch.add("Leveringperiode", row)
        for b in data.get("behandelingperiodes") or []:
            batch.add(
                "BehandelingPeriode",
                self._row(
                    "BehandelingPeriode",
                    aanbieder,
                    b,
                    now,
                    leveringperiodeID=row["leveringperiodeID"],
                ),
            )
        return row

    def _verzoek(
        self,
        batch: _Batch,
        aanbieder: str,
        levering_id: uuid.UUID,
        data: Mapping[str, Any],
        now: dt.datetime,
    ) -> dict[str, Any]:
        row = self._row("Verzoek", aanbieder, data, now, leveringID=levering_id)
        batch.add("Verzoek", row)
        for a in data.get("verzoekAanbieders") or []:
            batch.add(
                "VerzoekAanbieder",
                self._row("VerzoekAanbieder", aanbieder, a, now, verzoekID=row["verzoekID"]),
            )
        return row

    # -- writing --------------------------------------------------------------------------

    def _event(
        self,
        conn: Connection,
        aanbieder: str,
        entity: str,
        event_type: str,
        row: Mapping[str, Any],
        levering: Mapping[str, Any],
        now: dt.datetime,
        **extra: Any,
    ) -> None:
        # The owning aanbieder is the event's tenant; in a VerzoekAanbieder's payload
        # `aanbieder` is the addressee.
        keys = m.field_keys(ENTITY_TABLES[entity])
        payload = {k: _json(row[k]) for k in keys}
        payload.update(
            leveringID=str(levering["leveringID"]),
            bemiddelingspecificatieID=str(levering["bemiddelingspecificatieID"]),
            clientID=str(levering["clientID"]),
            verantwoordelijkZorgkantoor=levering.get("verantwoordelijkZorgkantoor"),
            uitvoerendZorgkantoor=levering.get("uitvoerendZorgkantoor"),
            **extra,
        )
        record_event(
            conn,
            register=REGISTER,
            tenant=aanbieder,
            aggregate_type=entity,
            aggregate_id=row[_pk(ENTITY_TABLES[entity]).key],
            event_type=event_type,
            payload=payload,
            occurred_at=now,
            hooks=self.event_hooks,
        )

    def _write(
        self,
        conn: Connection,
        aanbieder: str,
        batch: _Batch,
        levering: Mapping[str, Any],
        now: dt.datetime,
        veld: str,
    ) -> None:
        """Insert ``batch`` (parents first) and record its events. IDs already in use abort
        the whole transaction with :class:`common.Afgebroken`."""
        taken = _taken(conn, batch.rows)
        if taken:
            raise common.Afgebroken(
                Veldfout(veld, "BESTAAT", f"IDs already in use: {', '.join(taken)}")
            )
        for table in m.TABLES:
            if batch.rows.get(table):
                conn.execute(table.insert(), batch.rows[table])
        for entity, row in batch.events:
            self._event(conn, aanbieder, entity, _NEW_EVENTS[entity], row, levering, now)

    def _get(
        self,
        conn: Connection,
        aanbieder: str,
        entity: str,
        id_: uuid.UUID,
        *,
        lock: bool = False,
    ) -> dict[str, Any] | None:
        table = ENTITY_TABLES[entity]
        stmt = labelled(table).where(_pk(table) == id_, m.tenant_column(table) == aanbieder)
        if lock and conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = conn.execute(stmt).mappings().first()
        return None if row is None else dict(row)

    def _client(
        self, conn: Connection, aanbieder: str, data: Mapping[str, Any], now: dt.datetime
    ) -> tuple[uuid.UUID, Veldfout | None]:
        """The tenant's client with this BSN; created when new."""
        c = m.client.c
        existing = conn.execute(
            sa.select(c.clientID).where(c.aanbieder == aanbieder, c.bsn == data["bsn"])
        ).first()
        if existing is not None:
            client_id: uuid.UUID = existing.clientID
            if data.get("clientID") not in (None, client_id):
                return client_id, Veldfout(
                    "levering.client.clientID",
                    "ONGELIJK",
                    f"The client with this bsn has clientID {client_id}.",
                )
            return client_id, None
        client_id = _new(data.get("clientID"))
        if conn.execute(sa.select(c.clientID).where(c.clientID == client_id)).first():
            return client_id, Veldfout(
                "levering.client.clientID", "BESTAAT", f"Client {client_id} already exists."
            )
        conn.execute(
            m.client.insert().values(
                clientID=client_id,
                aanbieder=aanbieder,
                bsn=data["bsn"],
                versie=1,
                geregistreerdOp=now,
                gewijzigdOp=now,
            )
        )
        return client_id, None

    @common.afbreekbaar
    def registreer_levering(self, aanbieder: str, data: Mapping[str, Any]) -> Uitkomst:
        """Register a Levering for one bemiddelingspecificatie, with its client (found by BSN
        or created) and optionally its leveringperiodes (with behandelingperiodes),
        uitstelperiodes, afstel and verzoeken (with verzoekAanbieders), in one transaction."""
        fouten = validate_levering(data)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        lid = _new(data.get("leveringID"))
        bspec = data["bemiddelingspecificatieID"]
        lc = m.levering.c
        with self._begin() as conn:
            if conn.execute(sa.select(lc.leveringID).where(lc.leveringID == lid)).first():
                return _fout("levering.leveringID", "BESTAAT", f"Levering {lid} already exists.")
            if conn.execute(
                sa.select(lc.leveringID).where(
                    lc.aanbieder == aanbieder, lc.bemiddelingspecificatieID == bspec
                )
            ).first():
                return _fout(
                    "levering.bemiddelingspecificatieID",
                    "BESTAAT",
                    f"There already is a levering for bemiddelingspecificatie {bspec}.",
                )
            client_id, fout = self._client(conn, aanbieder, data["client"], now)
            if fout is not None:
                return Uitkomst(None, None, [fout])
            batch = _Batch()
            root = self._row(
                "Levering",
                aanbieder,
                {**data, "leveringID": lid},
                now,
                clientID=client_id,
            )
            batch.add("Levering", root)
            for p in data.get("leveringperiodes") or []:
                self._leveringperiode(batch, aanbieder, lid, p, now)
            for u in data.get("uitstelperiodes") or []:
                batch.add(
                    "Uitstelperiode", self._row("Uitstelperiode", aanbieder, u, now, leveringID=lid)
                )
            if data.get("afstel") is not None:
                batch.add(
                    "Afstel", self._row("Afstel", aanbieder, data["afstel"], now, leveringID=lid)
                )
            for v in data.get("verzoeken") or []:
                self._verzoek(batch, aanbieder, lid, v, now)
            self._write(conn, aanbieder, batch, root, now, "levering")
        return Uitkomst(lid, 1)

    @common.afbreekbaar
    def _add_to_levering(
        self,
        aanbieder: str,
        levering_id: uuid.UUID,
        entity: str,
        data: Mapping[str, Any],
    ) -> Uitkomst:
        pad = entity[0].lower() + entity[1:]
        fouten = validate(entity, data, pad)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        with self._begin() as conn:
            root = self._get(conn, aanbieder, "Levering", levering_id, lock=True)
            if root is None:
                return _fout("leveringID", "NIET_GEVONDEN", f"Levering {levering_id} not found.")
            if entity == "Afstel":
                a = m.afstel.c
                if conn.execute(sa.select(a.afstelID).where(a.leveringID == levering_id)).first():
                    return _fout("leveringID", "BESTAAT", "This levering already has an afstel.")
            batch = _Batch()
            if entity == "Leveringperiode":
                row = self._leveringperiode(batch, aanbieder, levering_id, data, now)
            elif entity == "Verzoek":
                row = self._verzoek(batch, aanbieder, levering_id, data, now)
            else:
                row = self._row(entity, aanbieder, data, now, leveringID=levering_id)
                batch.add(entity, row)
            self._write(conn, aanbieder, batch, root, now, pad)
        return Uitkomst(row[_pk(ENTITY_TABLES[entity]).key], 1)

    def registreer_leveringperiode(
        self, aanbieder: str, levering_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Add a leveringperiode (with its behandelingperiodes) to one of the tenant's
        leveringen."""
        return self._add_to_levering(aanbieder, levering_id, "Leveringperiode", data)

    def registreer_uitstelperiode(
        self, aanbieder: str, levering_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Add an uitstelperiode to one of the tenant's leveringen."""
        return self._add_to_levering(aanbieder, levering_id, "Uitstelperiode", data)

    def registreer_afstel(
        self, aanbieder: str, levering_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Register the afstel of one of the tenant's leveringen (at most one per levering)."""
        return self._add_to_levering(aanbieder, levering_id, "Afstel", data)

    def registreer_verzoek(
        self, aanbieder: str, levering_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Add a verzoek with its verzoekAanbieders (at least one) to a levering."""
        return self._add_to_levering(aanbieder, levering_id, "Verzoek", data)

    @common.afbreekbaar
    def registreer_behandelingperiode(
        self, aanbieder: str, leveringperiode_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Add a behandelingperiode to one of the tenant's leveringperiodes."""
        fouten = validate("BehandelingPeriode", data, "behandelingperiode")
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        with self._begin() as conn:
            periode = self._get(conn, aanbieder, "Leveringperiode", leveringperiode_id, lock=True)
            if periode is None:
                return _fout(
                    "leveringperiodeID",
                    "NIET_GEVONDEN",
                    f"Leveringperiode {leveringperiode_id} not found.",
                )
            root = self._get(conn, aanbieder, "Levering", periode["leveringID"])
            assert root is not None
            batch = _Batch()
            row = self._row(
                "BehandelingPeriode", aanbieder, data, now, leveringperiodeID=leveringperiode_id
            )
            batch.add("BehandelingPeriode", row)
            self._write(conn, aanbieder, batch, root, now, "behandelingperiode")
        return Uitkomst(row["behandelingperiodeID"], 1)

    # -- changes and deletes ---------------------------------------------------------------

    def _locked(
        self,
        conn: Connection,
        aanbieder: str,
        entity: str,
        id_: uuid.UUID,
        versie: int | None,
    ) -> dict[str, Any]:
        """The tenant's row ``id_`` of ``entity`` (locked on PostgreSQL), with the optimistic
        ``versie`` check. Raises :class:`common.Afgebroken` (NIET_GEVONDEN, VERSIECONFLICT)."""
        row = self._get(conn, aanbieder, entity, id_, lock=True)
        if row is None:
            key = _pk(ENTITY_TABLES[entity]).key
            raise common.Afgebroken(Veldfout(key, "NIET_GEVONDEN", f"{entity} {id_} not found."))
        if versie is not None and versie != row["versie"]:
            raise common.Afgebroken(
                Veldfout(
                    "versie",
                    "VERSIECONFLICT",
                    f"{entity} {id_} is at versie {row['versie']}, not {versie}.",
                )
            )
        return row

    def _levering_van(
        self, conn: Connection, aanbieder: str, entity: str, row: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The Levering ``row`` (of ``entity``) belongs to."""
        parent: Mapping[str, Any] | None = row
        if entity == "BehandelingPeriode":
            parent = self._get(conn, aanbieder, "Leveringperiode", row["leveringperiodeID"])
        elif entity == "VerzoekAanbieder":
            parent = self._get(conn, aanbieder, "Verzoek", row["verzoekID"])
        assert parent is not None
        root = self._get(conn, aanbieder, "Levering", parent["leveringID"])
        assert root is not None
        return root

    @common.afbreekbaar
    def _wijzig(
        self,
        aanbieder: str,
        entity: str,
        id_: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None,
    ) -> Uitkomst:
        """Replace the fields of one of the tenant's ``entity`` rows (not its parent, not its
        children), with an optimistic ``versie`` check. A missing ``vaststellingMoment``
        becomes the clock's now."""
        pad, parent, kinderen = _WIJZIGBAAR[entity]
        table = ENTITY_TABLES[entity]
        key = _pk(table).key
        if data.get(key) not in (None, id_):
            return _fout(f"{pad}.{key}", "ONGELIJK", f"{key} differs from the argument.")
        if kinderen is not None and data.get(kinderen):
            return _fout(
                f"{pad}.{kinderen}",
                "NIET_TOEGESTAAN",
                f"Change {kinderen} with their own mutations.",
            )
        fouten = validate(entity, data, pad)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        with self._begin() as conn:
            current = self._locked(conn, aanbieder, entity, id_, versie)
            root = self._levering_van(conn, aanbieder, entity, current)
            new_version = int(current["versie"]) + 1
            values = {k: data.get(k) for k in m.field_keys(table) if k not in (key, parent)}
            if "vaststellingMoment" in values and values["vaststellingMoment"] is None:
                values["vaststellingMoment"] = now
            conn.execute(
                table.update()
                .where(_pk(table) == id_)
                .values(**values, versie=new_version, gewijzigdOp=now)
            )
            vorige = {k: _json(current[k]) for k in m.field_keys(table)}
            self._event(
                conn,
                aanbieder,
                entity,
                _GEWIJZIGD_EVENTS[entity],
                {**current, **values},
                root,
                now,
                versie=new_version,
                vorige=vorige,
            )
        return Uitkomst(id_, new_version)

    def _verwijder_rijen(
        self,
        conn: Connection,
        aanbieder: str,
        entity: str,
        rows: Sequence[Mapping[str, Any]],
        levering: Mapping[str, Any],
        now: dt.datetime,
    ) -> None:
        """Delete ``rows`` of ``entity`` with everything below them: children first, one
        delete event per row."""
        if not rows:
            return
        table = ENTITY_TABLES[entity]
        key = _pk(table)
        ids_ = [r[key.key] for r in rows]
        for kind, parent in _KINDEREN.get(entity, ()):
            ct = ENTITY_TABLES[kind]
            stmt = (
                labelled(ct)
                .where(m.tenant_column(ct) == aanbieder, ct.c[parent].in_(ids_))
                .order_by(_pk(ct))
            )
            children = [dict(r) for r in conn.execute(stmt).mappings()]
            self._verwijder_rijen(conn, aanbieder, kind, children, levering, now)
        conn.execute(table.delete().where(key.in_(ids_), m.tenant_column(table) == aanbieder))
        if entity == "Levering":
            return  # verwijder_levering records its own event (with clientVerwijderd)
        for row in rows:
            self._event(conn, aanbieder, entity, _VERWIJDERD_EVENTS[entity], row, levering, now)

    @common.afbreekbaar
    def _verwijder(
        self, aanbieder: str, entity: str, id_: uuid.UUID, versie: int | None
    ) -> Uitkomst:
        now = self.clock.now()
        with self._begin() as conn:
            current = self._locked(conn, aanbieder, entity, id_, versie)
            root = self._levering_van(conn, aanbieder, entity, current)
            self._verwijder_rijen(conn, aanbieder, entity, [current], root, now)
        return Uitkomst(id_, None)

    def wijzig_leveringperiode(
        self,
        aanbieder: str,
        leveringperiode_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace a leveringperiode's fields, with an optimistic ``versie`` check. Its
        behandelingperiodes change through their own writes (giving any is NIET_TOEGESTAAN).
        A missing ``vaststellingMoment`` becomes the clock's now."""
        return self._wijzig(aanbieder, "Leveringperiode", leveringperiode_id, data, versie)

    def verwijder_leveringperiode(
        self, aanbieder: str, leveringperiode_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete a leveringperiode with its behandelingperiodes (an event for each)."""
        return self._verwijder(aanbieder, "Leveringperiode", leveringperiode_id, versie)

    def wijzig_behandelingperiode(
        self,
        aanbieder: str,
        behandelingperiode_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace a behandelingperiode's dates (optimistic ``versie`` check)."""
        return self._wijzig(aanbieder, "BehandelingPeriode", behandelingperiode_id, data, versie)

    def verwijder_behandelingperiode(
        self, aanbieder: str, behandelingperiode_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete a behandelingperiode."""
        return self._verwijder(aanbieder, "BehandelingPeriode", behandelingperiode_id, versie)

    def wijzig_uitstelperiode(
        self,
        aanbieder: str,
        uitstelperiode_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace an uitstelperiode's fields (optimistic ``versie`` check). A missing
        ``vaststellingMoment`` becomes the clock's now."""
        return self._wijzig(aanbieder, "Uitstelperiode", uitstelperiode_id, data, versie)

    def verwijder_uitstelperiode(
        self, aanbieder: str, uitstelperiode_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete an uitstelperiode."""
        return self._verwijder(aanbieder, "Uitstelperiode", uitstelperiode_id, versie)

    def wijzig_afstel(
        self,
        aanbieder: str,
        afstel_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace an afstel's fields (optimistic ``versie`` check). A missing
        ``vaststellingMoment`` becomes the clock's now."""
        return self._wijzig(aanbieder, "Afstel", afstel_id, data, versie)

    def verwijder_afstel(
        self, aanbieder: str, afstel_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete an afstel."""
        return self._verwijder(aanbieder, "Afstel", afstel_id, versie)

    @common.afbreekbaar
    def verwijder_levering(
        self, aanbieder: str, levering_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete a levering with everything below it (one delete event per row, children
        first, then the levering's), and its client when no other levering refers to it."""
        now = self.clock.now()
        with self._begin() as conn:
            root = self._locked(conn, aanbieder, "Levering", levering_id, versie)
            self._verwijder_rijen(conn, aanbieder, "Levering", [root], root, now)
            lc, cc = m.levering.c, m.client.c
            client_id = root["clientID"]
            client_weg = not conn.execute(
                sa.select(lc.leveringID)
                .where(lc.aanbieder == aanbieder, lc.clientID == client_id)
                .limit(1)
            ).first()
            if client_weg:
                conn.execute(
                    m.client.delete().where(cc.aanbieder == aanbieder, cc.clientID == client_id)
                )
            self._event(
                conn,
                aanbieder,
                "Levering",
                EVENT_LEVERING_VERWIJDERD,
                root,
                root,
                now,
                clientVerwijderd=client_weg,
            )
        return Uitkomst(levering_id, None)

    # -- reads ----------------------------------------------------------------------------

    def zoek(
        self,
        conn: Connection,
        aanbieder: str,
        entity: str,
        where: sa.ColumnElement[bool] | None = None,
        order: Sequence[sa.ColumnElement[Any]] = (),
    ) -> list[dict[str, Any]]:
        """The tenant's objects of ``entity`` matching ``where`` (flat dicts keyed by field)."""
        table = ENTITY_TABLES[entity]
        return common.zoek(
            conn,
            table,
            m.tenant_column(table) == aanbieder,
            entity=entity,
            where=where,
            order=order,
            max_results=self.max_results,
        )

    def relatie(
        self,
        conn: Connection,
        aanbieder: str,
        entity: str,
        veld: str,
        parents: Sequence[Mapping[str, Any]],
        where: sa.ColumnElement[bool] | None = None,
        order: Sequence[sa.ColumnElement[Any]] = (),
    ) -> dict[Any, list[dict[str, Any]]]:
        """Rows of relation ``entity.veld`` for all ``parents`` with one query (per 1000
        parents), grouped by the parent's join value. Only the tenant's rows."""
        rel = RELATIES[(entity, veld)]
        table = ENTITY_TABLES[rel.target]
        return common.relatie(
            conn, table, m.tenant_column(table) == aanbieder, rel, parents, where=where, order=order
        )


def _taken(conn: Connection, rows: Mapping[sa.Table, Sequence[Mapping[str, Any]]]) -> list[str]:
    """IDs in ``rows`` that are already stored (by any tenant: IDs are global), or repeated."""
    taken: list[str] = []
    for table, batch in rows.items():
        ids_ = [r[_pk(table).key] for r in batch]
        taken.extend(str(x) for x in dict.fromkeys(x for x in ids_ if ids_.count(x) > 1))
    return taken + stored_ids(conn, rows)
