"""Bemiddelingsregister service: tenant-scoped writes with domain events, and batched reads.

Each responsible zorgkantoor (UZOVI) is a tenant; every operation takes it explicitly and
never touches another tenant's rows. Writes take one transaction each: the rows plus their
domain events (register ``bemiddelingsregister``, tenant = UZOVI); inside
:meth:`Bemiddelingsregister.transactie` they join the caller's transaction instead. Reads load
one table per query for any number of parents (no N+1).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.core.clock import Clock, SystemClock
from iwlz.core.events import EventHook, record_event
from iwlz.registers import common
from iwlz.registers.bemiddeling import models as m
from iwlz.registers.bemiddeling.validation import (
    Veldfout,
    validate_bemiddeling,
    validate_bemiddelingspecificatie,
    validate_overdracht,
    validate_regiehouder,
)
from iwlz.registers.common import Afgebroken, afbreekbaar, labelled, stored_ids
from iwlz.registers.common import Relatie as Relatie  # re-exported: part of this API
from iwlz.registers.common import Uitkomst as Uitkomst  # re-exported: part of this API
from iwlz.registers.common import fout as _fout
from iwlz.registers.common import new_id as _new
from iwlz.registers.common import pk as _pk
from iwlz.registers.indicatie.service import gedeelde_transactie, schrijf_transactie

REGISTER = "bemiddelingsregister"

EVENT_BEMIDDELING_NIEUW = "BemiddelingGeregistreerd"
EVENT_BEMIDDELING_GEWIJZIGD = "BemiddelingGewijzigd"
EVENT_BEMIDDELING_VERWIJDERD = "BemiddelingVerwijderd"
EVENT_BSPEC_NIEUW = "BemiddelingspecificatieGeregistreerd"
EVENT_BSPEC_GEWIJZIGD = "BemiddelingspecificatieGewijzigd"
EVENT_BSPEC_VERWIJDERD = "BemiddelingspecificatieVerwijderd"
EVENT_REGIEHOUDER_NIEUW = "RegiehouderGeregistreerd"
EVENT_REGIEHOUDER_GEWIJZIGD = "RegiehouderGewijzigd"
EVENT_REGIEHOUDER_VERWIJDERD = "RegiehouderVerwijderd"
EVENT_OVERDRACHT_NIEUW = "OverdrachtGeregistreerd"
EVENT_OVERDRACHT_GEWIJZIGD = "OverdrachtGewijzigd"
EVENT_OVERDRACHT_VERWIJDERD = "OverdrachtVerwijderd"

ENTITY_TABLES: dict[str, sa.Table] = {
    "Client": m.client,
    "Bemiddeling": m.bemiddeling,
    "Bemiddelingspecificatie": m.bemiddelingspecificatie,
    "Regiehouder": m.regiehouder,
    "Overdracht": m.overdracht,
    "Overdrachtspecificatie": m.overdrachtspecificatie,
    "Contactpersoon": m.contactpersoon,
    "ClientContactgegevens": m.client_contactgegevens,
    "ContactpersoonContactgegevens": m.contactpersoon_contactgegevens,
}


# Relation fields of the 1.1.x object types (registers.md §2.3).
RELATIES: dict[tuple[str, str], Relatie] = {
    ("Client", "bemiddeling"): Relatie("Bemiddeling", "clientID", "clientID", True),
    ("Client", "contactpersoon"): Relatie("Contactpersoon", "clientID", "clientID", True),
    ("Client", "contactgegevens"): Relatie("ClientContactgegevens", "clientID", "clientID", True),
    ("Bemiddeling", "client"): Relatie("Client", "clientID", "clientID", False),
    ("Bemiddeling", "bemiddelingspecificatie"): Relatie(
        "Bemiddelingspecificatie", "bemiddelingID", "bemiddelingID", True
    ),
    ("Bemiddeling", "regiehouder"): Relatie("Regiehouder", "bemiddelingID", "bemiddelingID", True),
    ("Bemiddeling", "overdracht"): Relatie("Overdracht", "bemiddelingID", "bemiddelingID", False),
    ("Bemiddelingspecificatie", "bemiddeling"): Relatie(
        "Bemiddeling", "bemiddelingID", "bemiddelingID", False
    ),
    ("Bemiddelingspecificatie", "overdrachtspecificatie"): Relatie(
        "Overdrachtspecificatie", "bemiddelingspecificatieID", "bemiddelingspecificatieID", False
    ),
    ("Regiehouder", "bemiddeling"): Relatie("Bemiddeling", "bemiddelingID", "bemiddelingID", False),
    ("Overdracht", "bemiddeling"): Relatie("Bemiddeling", "bemiddelingID", "bemiddelingID", False),
    ("Overdracht", "overdrachtspecificatie"): Relatie(
        "Overdrachtspecificatie", "overdrachtID", "overdrachtID", True
    ),
    ("Overdrachtspecificatie", "overdracht"): Relatie(
        "Overdracht", "overdrachtID", "overdrachtID", False
    ),
    ("Overdrachtspecificatie", "bemiddelingspecificatie"): Relatie(
        "Bemiddelingspecificatie", "bemiddelingspecificatieID", "bemiddelingspecificatieID", False
    ),
    ("Contactpersoon", "client"): Relatie("Client", "clientID", "clientID", False),
    ("Contactpersoon", "contactgegevens"): Relatie(
        "ContactpersoonContactgegevens", "contactpersoonID", "contactpersoonID", True
    ),
    ("ClientContactgegevens", "client"): Relatie("Client", "clientID", "clientID", False),
    ("ContactpersoonContactgegevens", "contactpersoon"): Relatie(
        "Contactpersoon", "contactpersoonID", "contactpersoonID", False
    ),
}


def _cols(table: sa.Table, data: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    row = {c.key: data.get(c.key) for c in table.c if c.key not in m.BOOKKEEPING}
    row.update(extra)
    return row


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment_iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _lock(
    conn: Connection,
    table: sa.Table,
    zorgkantoor: str,
    id_: uuid.UUID,
    versie: int | None,
    naam: str,
) -> dict[str, Any]:
    """The tenant's row ``id_`` of ``table``, locked on PostgreSQL, with the optimistic
    ``versie`` check. Raises :class:`Afgebroken` (NIET_GEVONDEN, VERSIECONFLICT)."""
    pk = _pk(table)
    stmt = labelled(table).where(pk == id_, table.c.zorgkantoor == zorgkantoor)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise Afgebroken(Veldfout(pk.key, "NIET_GEVONDEN", f"{naam} {id_} not found."))
    if versie is not None and versie != row["versie"]:
        raise Afgebroken(
            Veldfout(
                "versie",
                "VERSIECONFLICT",
                f"{naam} {id_} is at versie {row['versie']}, not {versie}.",
            )
        )
    return dict(row)


def _rows(conn: Connection, table: sa.Table, where: sa.ColumnElement[bool]) -> list[dict[str, Any]]:
    stmt = labelled(table).where(where).order_by(_pk(table))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def _bspec_ref(bspec: Mapping[str, Any]) -> dict[str, Any]:
    """What the regiehouder notification rules need of each bemiddelingspecificatie."""
    return {
        "bemiddelingspecificatieID": str(bspec["bemiddelingspecificatieID"]),
        "instelling": bspec["instelling"],
        "uitvoerendZorgkantoor": bspec["uitvoerendZorgkantoor"],
        "toewijzingIngangsdatum": _iso(bspec["toewijzingIngangsdatum"]),
        "toewijzingEinddatum": _iso(bspec["toewijzingEinddatum"]),
        "vaststellingMoment": _moment_iso(bspec["vaststellingMoment"]),
    }


class Bemiddelingsregister:
    """All zorgkantoren's Bemiddelingsregisters in one database, isolated by tenant."""

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

    # -- events ---------------------------------------------------------------------------

    def _event(
        self,
        conn: Connection,
        zorgkantoor: str,
        aggregate_type: str,
        aggregate_id: uuid.UUID,
        event_type: str,
        payload: dict[str, Any],
        now: dt.datetime,
    ) -> None:
        record_event(
            conn,
            register=REGISTER,
            tenant=zorgkantoor,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
            event_type=event_type,
            payload=payload,
            occurred_at=now,
            hooks=self.event_hooks,
        )

    @staticmethod
    def _bspec_payload(
        zorgkantoor: str, bemiddeling: Mapping[str, Any], bspec: Mapping[str, Any]
    ) -> dict[str, Any]:
        moment = bspec["vaststellingMoment"]
        return {
            "bemiddelingID": str(bemiddeling["bemiddelingID"]),
            "bemiddelingspecificatieID": str(bspec["bemiddelingspecificatieID"]),
            "wlzIndicatieID": str(bemiddeling["wlzIndicatieID"]),
            "verantwoordelijkZorgkantoor": zorgkantoor,
            "instelling": bspec["instelling"],
            "uitvoerendZorgkantoor": bspec["uitvoerendZorgkantoor"],
            "toewijzingIngangsdatum": _iso(bspec["toewijzingIngangsdatum"]),
            "toewijzingEinddatum": _iso(bspec["toewijzingEinddatum"]),
            "vaststellingMoment": moment.isoformat() if moment is not None else None,
        }

    @staticmethod
    def _bemiddeling_payload(bemiddeling: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "bemiddelingID": str(bemiddeling["bemiddelingID"]),
            "clientID": str(bemiddeling["clientID"]),
            "wlzIndicatieID": str(bemiddeling["wlzIndicatieID"]),
            "verantwoordelijkZorgkantoor": bemiddeling["verantwoordelijkZorgkantoor"],
            "verantwoordelijkheidIngangsdatum": _iso(
                bemiddeling["verantwoordelijkheidIngangsdatum"]
            ),
            "verantwoordelijkheidEinddatum": _iso(bemiddeling["verantwoordelijkheidEinddatum"]),
        }

    @staticmethod
    def _regiehouder_payload(
        zorgkantoor: str, regiehouder: Mapping[str, Any], bspecs: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Regiehouder event payload, with the bemiddeling's bemiddelingspecificaties at the
        time of the write (recipients of the *_REGIEHOUDER_ZORGKANTOOR notifications)."""
        return {
            "bemiddelingID": str(regiehouder["bemiddelingID"]),
            "regiehouderID": str(regiehouder["regiehouderID"]),
            "instelling": regiehouder["instelling"],
            "ingangsdatum": _iso(regiehouder["ingangsdatum"]),
            "einddatum": _iso(regiehouder["einddatum"]),
            "regierol": regiehouder["regierol"],
            "verantwoordelijkZorgkantoor": zorgkantoor,
            "bemiddelingspecificaties": [_bspec_ref(b) for b in bspecs],
        }

    @staticmethod
    def _overdracht_payload(
        zorgkantoor: str,
        bemiddeling: Mapping[str, Any],
        overdracht: Mapping[str, Any],
        specs: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        return {
            "overdrachtID": str(overdracht["overdrachtID"]),
            "bemiddelingID": str(bemiddeling["bemiddelingID"]),
            "wlzIndicatieID": str(bemiddeling["wlzIndicatieID"]),
            "afzender": zorgkantoor,
            "verantwoordelijkZorgkantoor": overdracht["verantwoordelijkZorgkantoor"],
            "overdrachtDatum": _iso(overdracht["overdrachtDatum"]),
            "verhuisDatum": _iso(overdracht["verhuisDatum"]),
            "overdrachtspecificatieIDs": [str(s["overdrachtspecificatieID"]) for s in specs],
            "bemiddelingspecificatieIDs": [str(s["bemiddelingspecificatieID"]) for s in specs],
        }

    # -- writes ---------------------------------------------------------------------------

    @afbreekbaar
    def registreer_bemiddeling(self, zorgkantoor: str, data: Mapping[str, Any]) -> Uitkomst:
        """Register a Bemiddeling with its client (found by BSN or created), contact data,
        bemiddelingspecificaties and regiehouders, in one transaction."""
        fouten = validate_bemiddeling(data, zorgkantoor)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        bid = _new(data.get("bemiddelingID"))
        client_data: Mapping[str, Any] = data["client"]
        with self._begin() as conn:
            if conn.execute(
                sa.select(m.bemiddeling.c.bemiddelingID).where(m.bemiddeling.c.bemiddelingID == bid)
            ).first():
                return _fout(
                    "bemiddeling.bemiddelingID", "BESTAAT", f"Bemiddeling {bid} already exists."
                )
            client_id, fout = self._client(conn, zorgkantoor, client_data, now)
            if fout is not None:
                raise Afgebroken(fout)
            root = _cols(
                m.bemiddeling,
                data,
                bemiddelingID=bid,
                clientID=client_id,
                zorgkantoor=zorgkantoor,
                verantwoordelijkZorgkantoor=zorgkantoor,
            )
            bspecs = [
                _cols(
                    m.bemiddelingspecificatie,
                    b,
                    bemiddelingspecificatieID=_new(b.get("bemiddelingspecificatieID")),
                    bemiddelingID=bid,
                    zorgkantoor=zorgkantoor,
                )
                for b in data.get("bemiddelingspecificatie") or []
            ]
            regie = [
                _cols(
                    m.regiehouder,
                    r,
                    regiehouderID=_new(r.get("regiehouderID")),
                    bemiddelingID=bid,
                    clientID=client_id,
                    zorgkantoor=zorgkantoor,
                )
                for r in data.get("regiehouder") or []
            ]
            taken = stored_ids(conn, {m.bemiddelingspecificatie: bspecs, m.regiehouder: regie})
            if taken:
                raise Afgebroken(
                    Veldfout("bemiddeling", "BESTAAT", f"IDs already in use: {', '.join(taken)}")
                )
            stamp = {"versie": 1, "geregistreerdOp": now, "gewijzigdOp": now}
            conn.execute(m.bemiddeling.insert(), [{**root, **stamp}])
            if bspecs:
                conn.execute(m.bemiddelingspecificatie.insert(), [{**b, **stamp} for b in bspecs])
            if regie:
                conn.execute(m.regiehouder.insert(), [{**r, **stamp} for r in regie])
            self._event(
                conn,
                zorgkantoor,
                "Bemiddeling",
                bid,
                EVENT_BEMIDDELING_NIEUW,
                self._bemiddeling_payload(root),
                now,
            )
            for b in bspecs:
                self._event(
                    conn,
                    zorgkantoor,
                    "Bemiddelingspecificatie",
                    b["bemiddelingspecificatieID"],
                    EVENT_BSPEC_NIEUW,
                    self._bspec_payload(zorgkantoor, root, b),
                    now,
                )
            for r in regie:
                self._event(
                    conn,
                    zorgkantoor,
                    "Regiehouder",
                    r["regiehouderID"],
                    EVENT_REGIEHOUDER_NIEUW,
                    self._regiehouder_payload(zorgkantoor, r, bspecs),
                    now,
                )
        return Uitkomst(bid, 1)

    def _client(
        self, conn: Connection, zorgkantoor: str, data: Mapping[str, Any], now: dt.datetime
    ) -> tuple[uuid.UUID, Veldfout | None]:
        """The tenant's client with this BSN, updated with ``data``; created when new.

        Contact lists given in ``data`` replace the stored ones; absent lists are kept.
        """
        c = m.client.c
        existing = conn.execute(
            sa.select(c.clientID, c.versie).where(
                c.zorgkantoor == zorgkantoor, c.bsn == data["bsn"]
            )
        ).first()
        scalars = {k: data.get(k) for k in ("leefeenheid", "huisarts", "communicatievorm", "taal")}
        if existing is None:
            client_id = _new(data.get("clientID"))
            if conn.execute(sa.select(c.clientID).where(c.clientID == client_id)).first():
                return client_id, Veldfout(
                    "bemiddeling.client.clientID", "BESTAAT", f"Client {client_id} already exists."
                )
            conn.execute(
                m.client.insert().values(
                    clientID=client_id,
                    zorgkantoor=zorgkantoor,
                    bsn=data["bsn"],
                    versie=1,
                    geregistreerdOp=now,
                    gewijzigdOp=now,
                    **scalars,
                )
            )
        else:
            client_id = existing.clientID
            if data.get("clientID") not in (None, client_id):
                return client_id, Veldfout(
                    "bemiddeling.client.clientID",
                    "ONGELIJK",
                    f"The client with this bsn has clientID {client_id}.",
                )
            conn.execute(
                m.client.update()
                .where(c.clientID == client_id)
                .values(versie=existing.versie + 1, gewijzigdOp=now, **scalars)
            )
        fout = self._contact(conn, zorgkantoor, client_id, data)
        return client_id, fout

    def _contact(
        self, conn: Connection, zorgkantoor: str, client_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Veldfout | None:
        rows: dict[sa.Table, list[dict[str, Any]]] = defaultdict(list)
        base = {"zorgkantoor": zorgkantoor, "clientID": client_id}
        if data.get("contactpersoon") is not None:
            conn.execute(
                m.contactpersoon_contactgegevens.delete().where(
                    m.contactpersoon_contactgegevens.c.clientID == client_id
                )
            )
            conn.execute(m.contactpersoon.delete().where(m.contactpersoon.c.clientID == client_id))
            for p in data["contactpersoon"]:
                pid = _new(p.get("contactpersoonID"))
                rows[m.contactpersoon].append(
                    _cols(m.contactpersoon, p, contactpersoonID=pid, **base)
                )
                for g in p.get("contactgegevens") or []:
                    rows[m.contactpersoon_contactgegevens].append(
                        _cols(
                            m.contactpersoon_contactgegevens,
                            g,
                            contactpersoonContactgegevensID=_new(
                                g.get("contactpersoonContactgegevensID")
                            ),
                            contactpersoonID=pid,
                            **base,
                        )
                    )
        if data.get("contactgegevens") is not None:
            conn.execute(
                m.client_contactgegevens.delete().where(
                    m.client_contactgegevens.c.clientID == client_id
                )
            )
            for g in data["contactgegevens"]:
                rows[m.client_contactgegevens].append(
                    _cols(
                        m.client_contactgegevens,
                        g,
                        clientContactgegevensID=_new(g.get("clientContactgegevensID")),
                        **base,
                    )
                )
        taken = stored_ids(conn, rows)
        if taken:
            return Veldfout(
                "bemiddeling.client", "BESTAAT", f"IDs already in use: {', '.join(taken)}"
            )
        for table in (m.contactpersoon, m.contactpersoon_contactgegevens, m.client_contactgegevens):
            if rows.get(table):
                conn.execute(table.insert(), rows[table])
        return None

    def _bemiddeling(
        self, conn: Connection, zorgkantoor: str, bemiddeling_id: uuid.UUID
    ) -> dict[str, Any] | None:
        b = m.bemiddeling.c
        row = (
            conn.execute(
                labelled(m.bemiddeling).where(
                    b.bemiddelingID == bemiddeling_id, b.zorgkantoor == zorgkantoor
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else dict(row)

    def registreer_bemiddelingspecificatie(
        self, zorgkantoor: str, bemiddeling_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Add a bemiddelingspecificatie to one of the tenant's bemiddelingen."""
        fouten = validate_bemiddelingspecificatie(data)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        with self._begin() as conn:
            root = self._bemiddeling(conn, zorgkantoor, bemiddeling_id)
            if root is None:
                return _fout(
                    "bemiddelingID", "NIET_GEVONDEN", f"Bemiddeling {bemiddeling_id} not found."
                )
            row = _cols(
                m.bemiddelingspecificatie,
                data,
                bemiddelingspecificatieID=_new(data.get("bemiddelingspecificatieID")),
                bemiddelingID=bemiddeling_id,
                zorgkantoor=zorgkantoor,
            )
            taken = stored_ids(conn, {m.bemiddelingspecificatie: [row]})
            if taken:
                return _fout(
                    "bemiddelingspecificatie.bemiddelingspecificatieID",
                    "BESTAAT",
                    f"IDs already in use: {', '.join(taken)}",
                )
            conn.execute(
                m.bemiddelingspecificatie.insert().values(
                    **row, versie=1, geregistreerdOp=now, gewijzigdOp=now
                )
            )
            bid = row["bemiddelingspecificatieID"]
            self._event(
                conn,
                zorgkantoor,
                "Bemiddelingspecificatie",
                bid,
                EVENT_BSPEC_NIEUW,
                self._bspec_payload(zorgkantoor, root, row),
                now,
            )
        return Uitkomst(bid, 1)

    def _bspec(
        self, conn: Connection, zorgkantoor: str, bspec_id: uuid.UUID, versie: int | None
    ) -> dict[str, Any] | Veldfout:
        t = m.bemiddelingspecificatie
        stmt = labelled(t).where(
            t.c.bemiddelingspecificatieID == bspec_id, t.c.zorgkantoor == zorgkantoor
        )
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = conn.execute(stmt).mappings().first()
        if row is None:
            return Veldfout(
                "bemiddelingspecificatieID",
                "NIET_GEVONDEN",
                f"Bemiddelingspecificatie {bspec_id} not found.",
            )
        if versie is not None and versie != row["versie"]:
            return Veldfout(
                "versie",
                "VERSIECONFLICT",
                f"Bemiddelingspecificatie {bspec_id} is at versie {row['versie']}, not {versie}.",
            )
        return dict(row)

    def wijzig_bemiddelingspecificatie(
        self,
        zorgkantoor: str,
        bemiddelingspecificatie_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace a bemiddelingspecificatie's content (optimistic ``versie`` check)."""
        if data.get("bemiddelingspecificatieID") not in (None, bemiddelingspecificatie_id):
            return _fout(
                "bemiddelingspecificatie.bemiddelingspecificatieID",
                "ONGELIJK",
                "bemiddelingspecificatieID differs from the argument.",
            )
        fouten = validate_bemiddelingspecificatie(data)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        t = m.bemiddelingspecificatie
        with self._begin() as conn:
            current = self._bspec(conn, zorgkantoor, bemiddelingspecificatie_id, versie)
            if isinstance(current, Veldfout):
                return Uitkomst(None, None, [current])
            root = self._bemiddeling(conn, zorgkantoor, current["bemiddelingID"])
            assert root is not None
            new_version = int(current["versie"]) + 1
            values = _cols(
                t,
                data,
                bemiddelingspecificatieID=bemiddelingspecificatie_id,
                bemiddelingID=current["bemiddelingID"],
                zorgkantoor=zorgkantoor,
            )
            conn.execute(
                t.update()
                .where(t.c.bemiddelingspecificatieID == bemiddelingspecificatie_id)
                .values(**values, versie=new_version, gewijzigdOp=now)
            )
            payload = self._bspec_payload(zorgkantoor, root, values)
            payload["versie"] = new_version
            payload["vorige"] = self._bspec_payload(zorgkantoor, root, current)
            self._event(
                conn,
                zorgkantoor,
                "Bemiddelingspecificatie",
                bemiddelingspecificatie_id,
                EVENT_BSPEC_GEWIJZIGD,
                payload,
                now,
            )
        return Uitkomst(bemiddelingspecificatie_id, new_version)

    def verwijder_bemiddelingspecificatie(
        self, zorgkantoor: str, bemiddelingspecificatie_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete a bemiddelingspecificatie (and its overdrachtspecificatie)."""
        now = self.clock.now()
        t = m.bemiddelingspecificatie
        with self._begin() as conn:
            current = self._bspec(conn, zorgkantoor, bemiddelingspecificatie_id, versie)
            if isinstance(current, Veldfout):
                return Uitkomst(None, None, [current])
            root = self._bemiddeling(conn, zorgkantoor, current["bemiddelingID"])
            assert root is not None
            o = m.overdrachtspecificatie
            conn.execute(
                o.delete().where(o.c.bemiddelingspecificatieID == bemiddelingspecificatie_id)
            )
            conn.execute(
                t.delete().where(t.c.bemiddelingspecificatieID == bemiddelingspecificatie_id)
            )
            self._event(
                conn,
                zorgkantoor,
                "Bemiddelingspecificatie",
                bemiddelingspecificatie_id,
                EVENT_BSPEC_VERWIJDERD,
                self._bspec_payload(zorgkantoor, root, current),
                now,
            )
        return Uitkomst(bemiddelingspecificatie_id, None)

    @afbreekbaar
    def registreer_overdracht(
        self, zorgkantoor: str, bemiddeling_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Register the transfer of a bemiddeling to the newly responsible zorgkantoor, with
        an overdrachtspecificatie per bemiddelingspecificatie given."""
        fouten = validate_overdracht(data, zorgkantoor)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        with self._begin() as conn:
            root = self._bemiddeling(conn, zorgkantoor, bemiddeling_id)
            if root is None:
                return _fout(
                    "bemiddelingID", "NIET_GEVONDEN", f"Bemiddeling {bemiddeling_id} not found."
                )
            o = m.overdracht.c
            if conn.execute(
                sa.select(o.overdrachtID).where(o.bemiddelingID == bemiddeling_id)
            ).first():
                return _fout(
                    "bemiddelingID", "BESTAAT", "This bemiddeling already has an overdracht."
                )
            oid = _new(data.get("overdrachtID"))
            row = _cols(m.overdracht, data, overdrachtID=oid, bemiddelingID=bemiddeling_id)
            row.update(
                zorgkantoor=zorgkantoor,
                vaststellingMoment=data.get("vaststellingMoment") or now,
            )
            specs = self._ospecs(conn, zorgkantoor, bemiddeling_id, oid, data)
            taken = stored_ids(conn, {m.overdracht: [row], m.overdrachtspecificatie: specs})
            if taken:
                return _fout("overdracht", "BESTAAT", f"IDs already in use: {', '.join(taken)}")
            conn.execute(
                m.overdracht.insert().values(**row, versie=1, geregistreerdOp=now, gewijzigdOp=now)
            )
            if specs:
                conn.execute(m.overdrachtspecificatie.insert(), specs)
            self._event(
                conn,
                zorgkantoor,
                "Overdracht",
                oid,
                EVENT_OVERDRACHT_NIEUW,
                self._overdracht_payload(zorgkantoor, root, row, specs),
                now,
            )
        return Uitkomst(oid, 1)

    @staticmethod
    def _ospecs(
        conn: Connection,
        zorgkantoor: str,
        bemiddeling_id: uuid.UUID,
        overdracht_id: uuid.UUID,
        data: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """Rows for the given overdrachtspecificaties; each must refer to a
        bemiddelingspecificatie of the same bemiddeling."""
        t = m.bemiddelingspecificatie
        own = set(
            conn.execute(
                sa.select(t.c.bemiddelingspecificatieID).where(
                    t.c.bemiddelingID == bemiddeling_id, t.c.zorgkantoor == zorgkantoor
                )
            ).scalars()
        )
        specs = []
        seen: set[uuid.UUID] = set()
        for i, s in enumerate(data.get("overdrachtspecificatie") or []):
            if s["bemiddelingspecificatieID"] in seen:
                # One overdrachtspecificatie per bemiddelingspecificatie (a unique key).
                raise Afgebroken(
                    Veldfout(
                        f"overdracht.overdrachtspecificatie[{i}].bemiddelingspecificatieID",
                        "DUBBEL",
                        "This bemiddelingspecificatie already has an overdrachtspecificatie "
                        "in this input.",
                    )
                )
            seen.add(s["bemiddelingspecificatieID"])
            if s["bemiddelingspecificatieID"] not in own:
                raise Afgebroken(
                    Veldfout(
                        f"overdracht.overdrachtspecificatie[{i}].bemiddelingspecificatieID",
                        "NIET_GEVONDEN",
                        "Not a bemiddelingspecificatie of this bemiddeling.",
                    )
                )
            specs.append(
                _cols(
                    m.overdrachtspecificatie,
                    s,
                    overdrachtspecificatieID=_new(s.get("overdrachtspecificatieID")),
                    overdrachtID=overdracht_id,
                    bemiddelingID=bemiddeling_id,
                    zorgkantoor=zorgkantoor,
                )
            )
        return specs

    @afbreekbaar
    def wijzig_overdracht(
        self,
        zorgkantoor: str,
        overdracht_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace an overdracht's content and its overdrachtspecificaties (optimistic
        ``versie`` check). A missing vaststellingMoment becomes the moment of the change."""
        if data.get("overdrachtID") not in (None, overdracht_id):
            return _fout(
                "overdracht.overdrachtID", "ONGELIJK", "overdrachtID differs from the argument."
            )
        fouten = validate_overdracht(data, zorgkantoor)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        t, st = m.overdracht, m.overdrachtspecificatie
        with self._begin() as conn:
            current = _lock(conn, t, zorgkantoor, overdracht_id, versie, "Overdracht")
            bemiddeling_id = current["bemiddelingID"]
            root = self._bemiddeling(conn, zorgkantoor, bemiddeling_id)
            assert root is not None
            old_specs = _rows(conn, st, st.c.overdrachtID == overdracht_id)
            conn.execute(st.delete().where(st.c.overdrachtID == overdracht_id))
            specs = self._ospecs(conn, zorgkantoor, bemiddeling_id, overdracht_id, data)
            taken = stored_ids(conn, {st: specs})
            if taken:
                raise Afgebroken(
                    Veldfout("overdracht", "BESTAAT", f"IDs already in use: {', '.join(taken)}")
                )
            values = _cols(
                t,
                data,
                overdrachtID=overdracht_id,
                bemiddelingID=bemiddeling_id,
                zorgkantoor=zorgkantoor,
                vaststellingMoment=data.get("vaststellingMoment") or now,
            )
            new_version = int(current["versie"]) + 1
            conn.execute(
                t.update()
                .where(t.c.overdrachtID == overdracht_id)
                .values(**values, versie=new_version, gewijzigdOp=now)
            )
            if specs:
                conn.execute(st.insert(), specs)
            payload = self._overdracht_payload(zorgkantoor, root, values, specs)
            payload["versie"] = new_version
            payload["vorige"] = self._overdracht_payload(zorgkantoor, root, current, old_specs)
            self._event(
                conn,
                zorgkantoor,
                "Overdracht",
                overdracht_id,
                EVENT_OVERDRACHT_GEWIJZIGD,
                payload,
                now,
            )
        return Uitkomst(overdracht_id, new_version)

    @afbreekbaar
    def verwijder_overdracht(
        self, zorgkantoor: str, overdracht_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete an overdracht with its overdrachtspecificaties."""
        now = self.clock.now()
        with self._begin() as conn:
            current = _lock(conn, m.overdracht, zorgkantoor, overdracht_id, versie, "Overdracht")
            root = self._bemiddeling(conn, zorgkantoor, current["bemiddelingID"])
            assert root is not None
            self._verwijder_overdracht(conn, zorgkantoor, root, current, now)
        return Uitkomst(overdracht_id, None)

    def _verwijder_overdracht(
        self,
        conn: Connection,
        zorgkantoor: str,
        root: Mapping[str, Any],
        overdracht: Mapping[str, Any],
        now: dt.datetime,
    ) -> None:
        st = m.overdrachtspecificatie
        oid = overdracht["overdrachtID"]
        specs = _rows(conn, st, st.c.overdrachtID == oid)
        conn.execute(st.delete().where(st.c.overdrachtID == oid))
        conn.execute(m.overdracht.delete().where(m.overdracht.c.overdrachtID == oid))
        self._event(
            conn,
            zorgkantoor,
            "Overdracht",
            oid,
            EVENT_OVERDRACHT_VERWIJDERD,
            self._overdracht_payload(zorgkantoor, root, overdracht, specs),
            now,
        )

    def registreer_regiehouder(
        self, zorgkantoor: str, bemiddeling_id: uuid.UUID, data: Mapping[str, Any]
    ) -> Uitkomst:
        """Add a regiehouder to one of the tenant's bemiddelingen."""
        fouten = validate_regiehouder(data)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        t = m.regiehouder
        with self._begin() as conn:
            root = self._bemiddeling(conn, zorgkantoor, bemiddeling_id)
            if root is None:
                return _fout(
                    "bemiddelingID", "NIET_GEVONDEN", f"Bemiddeling {bemiddeling_id} not found."
                )
            row = _cols(
                t,
                data,
                regiehouderID=_new(data.get("regiehouderID")),
                bemiddelingID=bemiddeling_id,
                clientID=root["clientID"],
                zorgkantoor=zorgkantoor,
            )
            taken = stored_ids(conn, {t: [row]})
            if taken:
                return _fout(
                    "regiehouder.regiehouderID",
                    "BESTAAT",
                    f"IDs already in use: {', '.join(taken)}",
                )
            conn.execute(t.insert().values(**row, versie=1, geregistreerdOp=now, gewijzigdOp=now))
            rid = row["regiehouderID"]
            bspecs = self._bspecs(conn, bemiddeling_id)
            self._event(
                conn,
                zorgkantoor,
                "Regiehouder",
                rid,
                EVENT_REGIEHOUDER_NIEUW,
                self._regiehouder_payload(zorgkantoor, row, bspecs),
                now,
            )
        return Uitkomst(rid, 1)

    @staticmethod
    def _bspecs(conn: Connection, bemiddeling_id: uuid.UUID) -> list[dict[str, Any]]:
        t = m.bemiddelingspecificatie
        return _rows(conn, t, t.c.bemiddelingID == bemiddeling_id)

    @afbreekbaar
    def wijzig_regiehouder(
        self,
        zorgkantoor: str,
        regiehouder_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace a regiehouder's content (optimistic ``versie`` check)."""
        if data.get("regiehouderID") not in (None, regiehouder_id):
            return _fout(
                "regiehouder.regiehouderID", "ONGELIJK", "regiehouderID differs from the argument."
            )
        fouten = validate_regiehouder(data)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        t = m.regiehouder
        with self._begin() as conn:
            current = _lock(conn, t, zorgkantoor, regiehouder_id, versie, "Regiehouder")
            values = _cols(
                t,
                data,
                regiehouderID=regiehouder_id,
                bemiddelingID=current["bemiddelingID"],
                clientID=current["clientID"],
                zorgkantoor=zorgkantoor,
            )
            new_version = int(current["versie"]) + 1
            conn.execute(
                t.update()
                .where(t.c.regiehouderID == regiehouder_id)
                .values(**values, versie=new_version, gewijzigdOp=now)
            )
            bspecs = self._bspecs(conn, current["bemiddelingID"])
            payload = self._regiehouder_payload(zorgkantoor, values, bspecs)
            payload["versie"] = new_version
            vorige = self._regiehouder_payload(zorgkantoor, current, bspecs)
            vorige.pop("bemiddelingspecificaties")
            payload["vorige"] = vorige
            self._event(
                conn,
                zorgkantoor,
                "Regiehouder",
                regiehouder_id,
                EVENT_REGIEHOUDER_GEWIJZIGD,
                payload,
                now,
            )
        return Uitkomst(regiehouder_id, new_version)

    @afbreekbaar
    def verwijder_regiehouder(
        self, zorgkantoor: str, regiehouder_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete a regiehouder."""
        now = self.clock.now()
        t = m.regiehouder
        with self._begin() as conn:
            current = _lock(conn, t, zorgkantoor, regiehouder_id, versie, "Regiehouder")
            conn.execute(t.delete().where(t.c.regiehouderID == regiehouder_id))
            bspecs = self._bspecs(conn, current["bemiddelingID"])
            self._event(
                conn,
                zorgkantoor,
                "Regiehouder",
                regiehouder_id,
                EVENT_REGIEHOUDER_VERWIJDERD,
                self._regiehouder_payload(zorgkantoor, current, bspecs),
                now,
            )
        return Uitkomst(regiehouder_id, None)

    @afbreekbaar
    def wijzig_bemiddeling(
        self,
        zorgkantoor: str,
        bemiddeling_id: uuid.UUID,
        data: Mapping[str, Any],
        versie: int | None = None,
    ) -> Uitkomst:
        """Replace a bemiddeling's own fields and its client's data (optimistic ``versie``).

        The client keeps its BSN; contact lists given replace the stored ones. Children
        (bemiddelingspecificaties, regiehouders, overdracht) change through their own writes.
        """
        if data.get("bemiddelingID") not in (None, bemiddeling_id):
            return _fout(
                "bemiddeling.bemiddelingID", "ONGELIJK", "bemiddelingID differs from the argument."
            )
        for veld in ("bemiddelingspecificatie", "regiehouder"):
            if data.get(veld):
                return _fout(
                    f"bemiddeling.{veld}",
                    "NIET_TOEGESTAAN",
                    f"Change {veld} objects with their own mutations.",
                )
        fouten = validate_bemiddeling(data, zorgkantoor)
        if fouten:
            return Uitkomst(None, None, fouten)
        now = self.clock.now()
        t = m.bemiddeling
        with self._begin() as conn:
            current = _lock(conn, t, zorgkantoor, bemiddeling_id, versie, "Bemiddeling")
            bsn = conn.execute(
                sa.select(m.client.c.bsn).where(m.client.c.clientID == current["clientID"])
            ).scalar_one()
            if data["client"]["bsn"] != bsn:
                raise Afgebroken(
                    Veldfout(
                        "bemiddeling.client.bsn",
                        "ONGELIJK",
                        "A bemiddeling's client cannot change; register a new bemiddeling.",
                    )
                )
            _, fout = self._client(conn, zorgkantoor, data["client"], now)
            if fout is not None:
                raise Afgebroken(fout)
            values = {
                k: data.get(k)
                for k in (
                    "wlzIndicatieID",
                    "verantwoordelijkheidIngangsdatum",
                    "verantwoordelijkheidEinddatum",
                )
            }
            new_version = int(current["versie"]) + 1
            conn.execute(
                t.update()
                .where(t.c.bemiddelingID == bemiddeling_id)
                .values(**values, versie=new_version, gewijzigdOp=now)
            )
            payload = self._bemiddeling_payload({**current, **values})
            payload["versie"] = new_version
            payload["vorige"] = self._bemiddeling_payload(current)
            self._event(
                conn,
                zorgkantoor,
                "Bemiddeling",
                bemiddeling_id,
                EVENT_BEMIDDELING_GEWIJZIGD,
                payload,
                now,
            )
        return Uitkomst(bemiddeling_id, new_version)

    @afbreekbaar
    def verwijder_bemiddeling(
        self, zorgkantoor: str, bemiddeling_id: uuid.UUID, versie: int | None = None
    ) -> Uitkomst:
        """Delete a bemiddeling with everything below it, and its client (with contact data)
        when no other bemiddeling refers to it. Each deleted overdracht, regiehouder and
        bemiddelingspecificatie gets its own delete event (the notification rules need them),
        then the bemiddeling."""
        now = self.clock.now()
        with self._begin() as conn:
            root = _lock(conn, m.bemiddeling, zorgkantoor, bemiddeling_id, versie, "Bemiddeling")
            o = m.overdracht
            for ov in _rows(conn, o, o.c.bemiddelingID == bemiddeling_id):
                self._verwijder_overdracht(conn, zorgkantoor, root, ov, now)
            bspecs = self._bspecs(conn, bemiddeling_id)
            r = m.regiehouder
            regie = _rows(conn, r, r.c.bemiddelingID == bemiddeling_id)
            conn.execute(r.delete().where(r.c.bemiddelingID == bemiddeling_id))
            for rh in regie:
                self._event(
                    conn,
                    zorgkantoor,
                    "Regiehouder",
                    rh["regiehouderID"],
                    EVENT_REGIEHOUDER_VERWIJDERD,
                    self._regiehouder_payload(zorgkantoor, rh, bspecs),
                    now,
                )
            b = m.bemiddelingspecificatie
            conn.execute(b.delete().where(b.c.bemiddelingID == bemiddeling_id))
            for bs in bspecs:
                # Its siblings go too (each with its own event): rules can tell by the flag.
                payload = self._bspec_payload(zorgkantoor, root, bs)
                payload["bemiddelingVerwijderd"] = True
                self._event(
                    conn,
                    zorgkantoor,
                    "Bemiddelingspecificatie",
                    bs["bemiddelingspecificatieID"],
                    EVENT_BSPEC_VERWIJDERD,
                    payload,
                    now,
                )
            conn.execute(
                m.bemiddeling.delete().where(m.bemiddeling.c.bemiddelingID == bemiddeling_id)
            )
            client_id = root["clientID"]
            client_weg = not conn.execute(
                sa.select(m.bemiddeling.c.bemiddelingID)
                .where(m.bemiddeling.c.clientID == client_id)
                .limit(1)
            ).first()
            if client_weg:
                for table in (
                    m.contactpersoon_contactgegevens,
                    m.contactpersoon,
                    m.client_contactgegevens,
                    m.client,
                ):
                    conn.execute(table.delete().where(table.c.clientID == client_id))
            payload = self._bemiddeling_payload(root)
            payload["clientVerwijderd"] = client_weg
            self._event(
                conn,
                zorgkantoor,
                "Bemiddeling",
                bemiddeling_id,
                EVENT_BEMIDDELING_VERWIJDERD,
                payload,
                now,
            )
        return Uitkomst(bemiddeling_id, None)

    # -- reads ----------------------------------------------------------------------------

    def zoek(
        self,
        conn: Connection,
        zorgkantoor: str,
        entity: str,
        where: sa.ColumnElement[bool] | None = None,
        order: Sequence[sa.ColumnElement[Any]] = (),
    ) -> list[dict[str, Any]]:
        """The tenant's objects of ``entity`` matching ``where`` (flat dicts keyed by field)."""
        table = ENTITY_TABLES[entity]
        return common.zoek(
            conn,
            table,
            table.c.zorgkantoor == zorgkantoor,
            entity=entity,
            where=where,
            order=order,
            max_results=self.max_results,
        )

    def relatie(
        self,
        conn: Connection,
        zorgkantoor: str,
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
            conn, table, table.c.zorgkantoor == zorgkantoor, rel, parents, where=where, order=order
        )
