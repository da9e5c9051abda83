"""Notifications the CIZ sends from the Indicatieregister (registers.md §1.6).

* ``NIEUWE_INDICATIE_ZORGKANTOOR`` on a new WlzIndicatie, to the zorgkantoor of the client's
  region (``initieelVerantwoordelijkZorgkantoor``, derived on registration).
* ``VERVALLEN_INDICATIE_ZORGKANTOOR`` when the vervaldatum is set, changed or removed, to every
  zorgkantoor that is, was or becomes responsible. Which ones those are comes from the
  Bemiddelingsregisters (QBR-0010-CIZ), found by a delivery worker (a fan-out row).
* The voluntary ``WLZINDICATIE_MUTATIE_ABONNEMENT`` on every mutation, to subscribers whose
  filters match, with ``ontvangerKenmerk`` = their ``abonnementId`` (network.md §7.2).

All of them: afzender ``KVK``/62253778, ``subject`` = ``recordID`` = ``WlzIndicatie/<id>``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from iwlz.core.events import DomainEvent
from iwlz.notificaties.outbox import KIND_FANOUT, Delivery
from iwlz.notificaties.rules import NotificationRule, notificatie
from iwlz.registers.indicatie.service import (
    EVENT_GEWIJZIGD,
    EVENT_NIEUW,
    EVENT_VERVALDATUM,
    EVENT_VERWIJDERD,
    REGISTER,
)

CIZ_KVK = "62253778"
CIZ_CLIENT_ID = f"kvk:{CIZ_KVK}"
SYSTEEMROL = "NOTIFICATIE_INDICATIE"

NIEUWE_INDICATIE_ZORGKANTOOR = "NIEUWE_INDICATIE_ZORGKANTOOR"
VERVALLEN_INDICATIE_ZORGKANTOOR = "VERVALLEN_INDICATIE_ZORGKANTOOR"
WLZINDICATIE_MUTATIE_ABONNEMENT = "WLZINDICATIE_MUTATIE_ABONNEMENT"

# Domain event -> the mutation name a subscription filters on.
MUTATIES = {
    EVENT_NIEUW: "NIEUW",
    EVENT_GEWIJZIGD: "GEWIJZIGD",
    EVENT_VERVALDATUM: "VERVALDATUM",
    EVENT_VERWIJDERD: "VERWIJDERD",
}


class Verantwoordelijken(Protocol):
    def __call__(
        self, conn: Connection, wlzindicatie_id: uuid.UUID, initieel: str | None
    ) -> Sequence[str]:
        """UZOVI codes of every zorgkantoor that is, was or will be responsible."""
        ...


class Abonnee(Protocol):
    @property
    def abonnementId(self) -> uuid.UUID: ...
    @property
    def abonneeIDType(self) -> str: ...
    @property
    def abonneeID(self) -> str: ...


class AbonneeFinder(Protocol):
    def __call__(
        self, conn: Connection, notificatie_type_id: str, facts: Mapping[str, Any]
    ) -> Sequence[Abonnee]:
        """Active subscriptions to the type whose filters match ``facts``."""
        ...


def _subject(event: DomainEvent) -> list[tuple[str, str]]:
    record = f"WlzIndicatie/{event.aggregate_id}"
    return [(record, record)]


def indicatie_rules(
    *,
    verantwoordelijken: Verantwoordelijken | None = None,
    abonnees: AbonneeFinder | None = None,
) -> list[NotificationRule]:
    """The Indicatieregister's rules, for :class:`iwlz.notificaties.rules.NotificationRules`.

    ``verantwoordelijken`` None (the network): VERVALLEN_INDICATIE_ZORGKANTOOR is queued as
    one fan-out row for the initially responsible zorgkantoor, which a delivery worker expands
    into one notification per zorgkantoor in the chain of Bemiddelingsregisters
    (:mod:`iwlz.notificaties.fanout`). A function instead names the receivers at once.
    """

    def nieuwe_indicatie(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        if event.register != REGISTER or event.event_type != EVENT_NIEUW:
            return ()
        zk = event.payload.get("initieelVerantwoordelijkZorgkantoor")
        if not zk:
            return ()
        return [
            notificatie(
                instant=event.occurred_at,
                afzender_client_id=CIZ_CLIENT_ID,
                afzender=("KVK", CIZ_KVK),
                ontvanger=("UZOVI", str(zk)),
                event_type=NIEUWE_INDICATIE_ZORGKANTOOR,
                subjects=_subject(event),
                systeemrol=SYSTEEMROL,
            )
        ]

    def vervallen_indicatie(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        if event.register != REGISTER:
            return ()
        changed = event.event_type == EVENT_VERVALDATUM or (
            event.event_type == EVENT_GEWIJZIGD and event.payload.get("vervaldatumGewijzigd")
        )
        if not changed:
            return ()
        initieel = event.payload.get("initieelVerantwoordelijkZorgkantoor")
        if verantwoordelijken is None:
            if not initieel:
                return ()
            template = notificatie(
                instant=event.occurred_at,
                afzender_client_id=CIZ_CLIENT_ID,
                afzender=("KVK", CIZ_KVK),
                ontvanger=("UZOVI", str(initieel)),
                event_type=VERVALLEN_INDICATIE_ZORGKANTOOR,
                subjects=_subject(event),
                systeemrol=SYSTEEMROL,
            )
            return [dataclasses.replace(template, kind=KIND_FANOUT)]
        ontvangers = dict.fromkeys(
            verantwoordelijken(conn, event.aggregate_id, str(initieel) if initieel else None)
        )
        return [
            notificatie(
                instant=event.occurred_at,
                afzender_client_id=CIZ_CLIENT_ID,
                afzender=("KVK", CIZ_KVK),
                ontvanger=("UZOVI", zk),
                event_type=VERVALLEN_INDICATIE_ZORGKANTOOR,
                subjects=_subject(event),
                systeemrol=SYSTEEMROL,
            )
            for zk in ontvangers
        ]

    def abonnementen(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        mutatie = MUTATIES.get(event.event_type)
        if abonnees is None or event.register != REGISTER or mutatie is None:
            return ()
        facts = {
            "mutatie": mutatie,
            "zorgkantoor": event.payload.get("initieelVerantwoordelijkZorgkantoor"),
        }
        return [
            notificatie(
                instant=event.occurred_at,
                afzender_client_id=CIZ_CLIENT_ID,
                afzender=("KVK", CIZ_KVK),
                ontvanger=(a.abonneeIDType, a.abonneeID),
                event_type=WLZINDICATIE_MUTATIE_ABONNEMENT,
                subjects=_subject(event),
                systeemrol=SYSTEEMROL,
                ontvanger_kenmerk=str(a.abonnementId),
            )
            for a in abonnees(conn, WLZINDICATIE_MUTATIE_ABONNEMENT, facts)
        ]

    return [nieuwe_indicatie, vervallen_indicatie, abonnementen]
