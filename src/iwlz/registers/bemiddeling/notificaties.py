"""Notifications the responsible zorgkantoor sends from the Bemiddelingsregister (§2.6).

See registers.md §2.6 and network.md §5.3.

Mandatory (network.md §5.3), on create/update/delete of the object:

* ``*_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER`` to the bspec's ``instelling`` (AGB).
* ``*_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR`` to its ``uitvoerendZorgkantoor`` when that is not
  the sending (responsible) zorgkantoor.
* ``*_REGIEHOUDER_ZORGAANBIEDER`` to the regiehouder's ``instelling``.
* ``*_OVERDRACHT_ZORGKANTOOR`` to the overdracht's ``verantwoordelijkZorgkantoor`` (the new one).

On an update that changes the recipient, the previous recipient is notified as well.

BR 1.1 (informative, VERPLICHT "as long as there is no subscription registry"):

* ``INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER`` on create/update of bspec A, to the
  ``instelling`` of every other bspec of the Bemiddeling that overlaps A and has not ended at
  A's ``vaststellingMoment``.
* ``INFORMATIEVE_{NIEUWE,GEWIJZIGDE,VERWIJDERDE}_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR`` to the
  ``uitvoerendZorgkantoor`` of every other overlapping bspec still within its 31-May window,
  except the responsible zorgkantoor and A's own executing one.
* ``*_REGIEHOUDER_ZORGKANTOOR`` to the executing zorgkantoor of every bspec active at the
  moment of the write (except the responsible one), one notification per zorgkantoor with a
  subject per active bspec.

The overlap rule is the access rule of §2.5 (a bspec's period starts at its
toewijzingIngangsdatum or its earlier vaststellingMoment; a null end is open). All: afzender
``UZOVI``/the tenant, ``ontvangerKenmerk`` null, systeemrol ``NOTIFICATIE_BEMIDDELING``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from iwlz.core.events import DomainEvent
from iwlz.notificaties.outbox import Delivery
from iwlz.notificaties.rules import NotificationRule, notificatie
from iwlz.registers.bemiddeling import models as m
from iwlz.registers.bemiddeling.service import (
    EVENT_BSPEC_GEWIJZIGD,
    EVENT_BSPEC_NIEUW,
    EVENT_BSPEC_VERWIJDERD,
    EVENT_OVERDRACHT_GEWIJZIGD,
    EVENT_OVERDRACHT_NIEUW,
    EVENT_OVERDRACHT_VERWIJDERD,
    EVENT_REGIEHOUDER_GEWIJZIGD,
    EVENT_REGIEHOUDER_NIEUW,
    EVENT_REGIEHOUDER_VERWIJDERD,
    REGISTER,
)

SYSTEEMROL = "NOTIFICATIE_BEMIDDELING"
AGB = "AGB"  # network.md §12 point 1: messages use the IDTypeEnum value, not "AGBCODE".
UZOVI = "UZOVI"

# Domain event -> the prefix of the eventType it causes.
BSPEC_PREFIX = {
    EVENT_BSPEC_NIEUW: "NIEUWE",
    EVENT_BSPEC_GEWIJZIGD: "GEWIJZIGDE",
    EVENT_BSPEC_VERWIJDERD: "VERWIJDERDE",
}
REGIEHOUDER_PREFIX = {
    EVENT_REGIEHOUDER_NIEUW: "NIEUWE",
    EVENT_REGIEHOUDER_GEWIJZIGD: "GEWIJZIGDE",
    EVENT_REGIEHOUDER_VERWIJDERD: "VERWIJDERDE",
}
OVERDRACHT_PREFIX = {
    EVENT_OVERDRACHT_NIEUW: "NIEUWE",
    EVENT_OVERDRACHT_GEWIJZIGD: "GEWIJZIGDE",
    EVENT_OVERDRACHT_VERWIJDERD: "VERWIJDERDE",
}
INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER = (
    "INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER"
)


def afzender_client_id(tenant: str) -> str:
    return f"uzovi:{tenant}"


def _datum(value: Any) -> dt.date | None:
    """A payload or column date (ISO string, date or datetime) as a date; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.date()
    assert isinstance(value, dt.date)
    return value


def _start(bspec: Mapping[str, Any]) -> dt.date | None:
    """Start of a bspec's period: its toewijzingIngangsdatum or earlier vaststellingMoment."""
    candidates = (bspec.get("toewijzingIngangsdatum"), bspec.get("vaststellingMoment"))
    dates = [d for d in map(_datum, candidates) if d is not None]
    return min(dates) if dates else None


def overlapt(own: Mapping[str, Any], target: Mapping[str, Any]) -> bool:
    """registers.md §2.5 overlap rule: does bspec ``own`` overlap bspec ``target``?"""
    t_end = _datum(target.get("toewijzingEinddatum"))
    start = _start(own)
    start_ok = t_end is None or (start is not None and start <= t_end)
    own_end = _datum(own.get("toewijzingEinddatum"))
    t_start = _datum(target.get("toewijzingIngangsdatum"))
    t_moment = _datum(target.get("vaststellingMoment"))
    end_ok = (
        own_end is None
        or (t_start is not None and own_end >= t_start)
        or (t_moment is not None and own_end >= t_moment)
    )
    return start_ok and end_ok


def niet_beeindigd_op(bspec: Mapping[str, Any], dag: dt.date | None) -> bool:
    """The bspec has not ended on ``dag`` (toewijzingEinddatum ≥ dag, or null)."""
    end = _datum(bspec.get("toewijzingEinddatum"))
    return end is None or dag is None or end >= dag


def binnen_venster(bspec: Mapping[str, Any], dag: dt.date) -> bool:
    """The 31-May window: ``dag`` ≤ 31 May of the year after toewijzingEinddatum (or open)."""
    end = _datum(bspec.get("toewijzingEinddatum"))
    return end is None or dag <= dt.date(end.year + 1, 5, 31)


def actief_op(bspec: Mapping[str, Any], dag: dt.date) -> bool:
    """Active at ``dag``: started (ingangsdatum or earlier vaststellingMoment) and not ended."""
    start = _start(bspec)
    end = _datum(bspec.get("toewijzingEinddatum"))
    return start is not None and start <= dag and (end is None or end > dag)


def _recipients(event: DomainEvent, key: str, *, not_tenant: bool = False) -> list[str]:
    """``key`` of the payload, plus the previous value on an update; deduplicated."""
    values = [event.payload.get(key)]
    vorige = event.payload.get("vorige")
    if isinstance(vorige, Mapping):
        values.append(vorige.get(key))
    out = dict.fromkeys(str(v) for v in values if v)
    return [v for v in out if not (not_tenant and v == event.tenant)]


def _send(
    event: DomainEvent,
    ontvanger: tuple[str, str],
    event_type: str,
    subjects: Sequence[tuple[str, str]],
) -> Delivery:
    return notificatie(
        instant=event.occurred_at,
        afzender_client_id=afzender_client_id(event.tenant),
        afzender=(UZOVI, event.tenant),
        ontvanger=ontvanger,
        event_type=event_type,
        subjects=subjects,
        systeemrol=SYSTEEMROL,
    )


def _bspec_subject(event: DomainEvent) -> list[tuple[str, str]]:
    return [
        (
            f"Bemiddeling/{event.payload['bemiddelingID']}",
            f"Bemiddelingspecificatie/{event.aggregate_id}",
        )
    ]


def _andere_bspecs(conn: Connection, event: DomainEvent) -> list[dict[str, Any]]:
    """The other bspecs of the event's Bemiddeling, as stored in this transaction."""
    t = m.bemiddelingspecificatie
    stmt = (
        sa.select(
            *[
                t.c[k].label(k)
                for k in (
                    "bemiddelingspecificatieID",
                    "instelling",
                    "uitvoerendZorgkantoor",
                    "toewijzingIngangsdatum",
                    "toewijzingEinddatum",
                    "vaststellingMoment",
                )
            ]
        )
        .where(
            t.c.zorgkantoor == event.tenant,
            t.c.bemiddelingID == uuid.UUID(str(event.payload["bemiddelingID"])),
            t.c.bemiddelingspecificatieID != event.aggregate_id,
        )
        .order_by(t.c.toewijzingIngangsdatum, t.c.bemiddelingspecificatieID)
    )
    return [dict(r) for r in conn.execute(stmt).mappings()]


def bemiddeling_rules() -> list[NotificationRule]:
    """The Bemiddelingsregister's rules, for :class:`iwlz.notificaties.rules.NotificationRules`."""

    def bspec_zorgaanbieder(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        prefix = BSPEC_PREFIX.get(event.event_type)
        if event.register != REGISTER or prefix is None:
            return ()
        event_type = f"{prefix}_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER"
        return [
            _send(event, (AGB, agb), event_type, _bspec_subject(event))
            for agb in _recipients(event, "instelling")
        ]

    def bspec_zorgkantoor(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        prefix = BSPEC_PREFIX.get(event.event_type)
        if event.register != REGISTER or prefix is None:
            return ()
        event_type = f"{prefix}_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR"
        return [
            _send(event, (UZOVI, zk), event_type, _bspec_subject(event))
            for zk in _recipients(event, "uitvoerendZorgkantoor", not_tenant=True)
        ]

    def informatief_zorgaanbieder(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        if event.register != REGISTER or event.event_type not in (
            EVENT_BSPEC_NIEUW,
            EVENT_BSPEC_GEWIJZIGD,
        ):
            return ()
        a = event.payload
        dag = _datum(a.get("vaststellingMoment"))
        eigen = {str(a.get("instelling"))}
        ontvangers = dict.fromkeys(
            str(b["instelling"])
            for b in _andere_bspecs(conn, event)
            if b["instelling"] and overlapt(b, a) and niet_beeindigd_op(b, dag)
        )
        return [
            _send(
                event,
                (AGB, agb),
                INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER,
                _bspec_subject(event),
            )
            for agb in ontvangers
            if agb not in eigen
        ]

    def informatief_zorgkantoor(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        prefix = BSPEC_PREFIX.get(event.event_type)
        if event.register != REGISTER or prefix is None:
            return ()
        a = event.payload
        dag = event.occurred_at.date()
        uitgesloten = {event.tenant, *_recipients(event, "uitvoerendZorgkantoor")}
        ontvangers = dict.fromkeys(
            str(b["uitvoerendZorgkantoor"])
            for b in _andere_bspecs(conn, event)
            if b["uitvoerendZorgkantoor"] and overlapt(b, a) and binnen_venster(b, dag)
        )
        event_type = f"INFORMATIEVE_{prefix}_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR"
        return [
            _send(event, (UZOVI, zk), event_type, _bspec_subject(event))
            for zk in ontvangers
            if zk not in uitgesloten
        ]

    def regiehouder_zorgaanbieder(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        prefix = REGIEHOUDER_PREFIX.get(event.event_type)
        if event.register != REGISTER or prefix is None:
            return ()
        subjects = [
            (f"Bemiddeling/{event.payload['bemiddelingID']}", f"Regiehouder/{event.aggregate_id}")
        ]
        return [
            _send(event, (AGB, agb), f"{prefix}_REGIEHOUDER_ZORGAANBIEDER", subjects)
            for agb in _recipients(event, "instelling")
        ]

    def regiehouder_zorgkantoor(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        prefix = REGIEHOUDER_PREFIX.get(event.event_type)
        if event.register != REGISTER or prefix is None:
            return ()
        dag = event.occurred_at.date()
        per_zk: dict[str, list[tuple[str, str]]] = {}
        for b in event.payload.get("bemiddelingspecificaties") or []:
            zk = b.get("uitvoerendZorgkantoor")
            if not zk or zk == event.tenant or not actief_op(b, dag):
                continue
            per_zk.setdefault(str(zk), []).append(
                (
                    f"Bemiddelingspecificatie/{b['bemiddelingspecificatieID']}",
                    f"Regiehouder/{event.aggregate_id}",
                )
            )
        return [
            _send(event, (UZOVI, zk), f"{prefix}_REGIEHOUDER_ZORGKANTOOR", subjects)
            for zk, subjects in per_zk.items()
        ]

    def overdracht_zorgkantoor(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        prefix = OVERDRACHT_PREFIX.get(event.event_type)
        if event.register != REGISTER or prefix is None:
            return ()
        record = f"Overdracht/{event.aggregate_id}"
        return [
            _send(event, (UZOVI, zk), f"{prefix}_OVERDRACHT_ZORGKANTOOR", [(record, record)])
            for zk in _recipients(event, "verantwoordelijkZorgkantoor", not_tenant=True)
        ]

    return [
        bspec_zorgaanbieder,
        informatief_zorgaanbieder,
        bspec_zorgkantoor,
        informatief_zorgkantoor,
        regiehouder_zorgaanbieder,
        regiehouder_zorgkantoor,
        overdracht_zorgkantoor,
    ]
