"""Notifications the aanbieder sends from its Leveringsregister (registers.md §3.5).

All are VERPLICHT, afzender ``AGB``/the tenant (the register's aanbieder), ``ontvangerKenmerk``
null, systeemrol ``NOTIFICATIE_LEVERING`` (the address book's ``<Functionaliteit>_<inhoud>``
form for a Leveringsregister). The ID type is written ``AGB``, the ``IDTypeEnum`` value that
the netwerkpunt accepts (network.md §12 point 1; registers.md §3.5 writes ``AGBCODE``).

* Create/update/delete of a Leveringperiode, BehandelingPeriode or Uitstelperiode:
  ``{NIEUWE,GEWIJZIGDE,VERWIJDERDE}_{LEVERINGPERIODE,BEHANDELINGPERIODE,UITSTELPERIODE}_ZORGKANTOOR``;
  of the Afstel: ``{NIEUW,GEWIJZIGD,VERWIJDERD}_AFSTEL_ZORGKANTOOR``. Recipients: the
  Levering's ``verantwoordelijkZorgkantoor`` and its ``uitvoerendZorgkantoor`` when that
  differs (``UZOVI``).
* Create of a Verzoek: ``NIEUW_VERZOEK_ZORGKANTOOR`` to the responsible zorgkantoor only.
* Create of a VerzoekAanbieder: ``NIEUW_VERZOEKAANBIEDER_AANBIEDER`` to its ``aanbieder``
  (``AGB``), unless that is the sending aanbieder itself.

Subject: the documented table mixes ``Levering/{bemiddelingspecificatieID}`` and
``Levering/{leveringID}`` (§4 item 10). iwlz always sends ``Levering/{bemiddelingspecificatieID}``:
the zorgkantoor needs that ID for UCLR-0006…0010 (and its PIP check on the BR). The exception
is ``NIEUW_VERZOEKAANBIEDER_AANBIEDER``, whose subject is ``Verzoek/{verzoekID}``. The
recordID is ``<Type>/<id>`` of the changed record (``Behandelingperiode`` with a lower-case
p, as documented). Deleting a Levering deletes its rows one by one, each with its own
notification; there are none for the Levering itself, nor for changed or deleted verzoeken.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.engine import Connection

from iwlz.core.events import DomainEvent
from iwlz.notificaties.outbox import Delivery
from iwlz.notificaties.rules import NotificationRule, notificatie
from iwlz.registers.levering.service import (
    EVENT_AFSTEL_GEWIJZIGD,
    EVENT_AFSTEL_NIEUW,
    EVENT_AFSTEL_VERWIJDERD,
    EVENT_BEHANDELINGPERIODE_GEWIJZIGD,
    EVENT_BEHANDELINGPERIODE_NIEUW,
    EVENT_BEHANDELINGPERIODE_VERWIJDERD,
    EVENT_LEVERINGPERIODE_GEWIJZIGD,
    EVENT_LEVERINGPERIODE_NIEUW,
    EVENT_LEVERINGPERIODE_VERWIJDERD,
    EVENT_UITSTELPERIODE_GEWIJZIGD,
    EVENT_UITSTELPERIODE_NIEUW,
    EVENT_UITSTELPERIODE_VERWIJDERD,
    EVENT_VERZOEK_NIEUW,
    EVENT_VERZOEKAANBIEDER_NIEUW,
    REGISTER,
)

SYSTEEMROL = "NOTIFICATIE_LEVERING"
AGB = "AGB"  # network.md §12 point 1: messages use the IDTypeEnum value, not "AGBCODE".
UZOVI = "UZOVI"

# Domain event -> (eventType, recordID type) of the notifications to the zorgkantoren.
ZORGKANTOOR_EVENTS: dict[str, tuple[str, str]] = {
    EVENT_LEVERINGPERIODE_NIEUW: ("NIEUWE_LEVERINGPERIODE_ZORGKANTOOR", "Leveringperiode"),
    EVENT_LEVERINGPERIODE_GEWIJZIGD: ("GEWIJZIGDE_LEVERINGPERIODE_ZORGKANTOOR", "Leveringperiode"),
    EVENT_LEVERINGPERIODE_VERWIJDERD: (
        "VERWIJDERDE_LEVERINGPERIODE_ZORGKANTOOR",
        "Leveringperiode",
    ),
    EVENT_BEHANDELINGPERIODE_NIEUW: (
        "NIEUWE_BEHANDELINGPERIODE_ZORGKANTOOR",
        "Behandelingperiode",
    ),
    EVENT_BEHANDELINGPERIODE_GEWIJZIGD: (
        "GEWIJZIGDE_BEHANDELINGPERIODE_ZORGKANTOOR",
        "Behandelingperiode",
    ),
    EVENT_BEHANDELINGPERIODE_VERWIJDERD: (
        "VERWIJDERDE_BEHANDELINGPERIODE_ZORGKANTOOR",
        "Behandelingperiode",
    ),
    EVENT_UITSTELPERIODE_NIEUW: ("NIEUWE_UITSTELPERIODE_ZORGKANTOOR", "Uitstelperiode"),
    EVENT_UITSTELPERIODE_GEWIJZIGD: ("GEWIJZIGDE_UITSTELPERIODE_ZORGKANTOOR", "Uitstelperiode"),
    EVENT_UITSTELPERIODE_VERWIJDERD: ("VERWIJDERDE_UITSTELPERIODE_ZORGKANTOOR", "Uitstelperiode"),
    EVENT_AFSTEL_NIEUW: ("NIEUW_AFSTEL_ZORGKANTOOR", "Afstel"),
    EVENT_AFSTEL_GEWIJZIGD: ("GEWIJZIGD_AFSTEL_ZORGKANTOOR", "Afstel"),
    EVENT_AFSTEL_VERWIJDERD: ("VERWIJDERD_AFSTEL_ZORGKANTOOR", "Afstel"),
}
NIEUW_VERZOEK_ZORGKANTOOR = "NIEUW_VERZOEK_ZORGKANTOOR"
NIEUW_VERZOEKAANBIEDER_AANBIEDER = "NIEUW_VERZOEKAANBIEDER_AANBIEDER"


def afzender_client_id(tenant: str) -> str:
    """The sending aanbieder's nID client ID (``agb:<code>``, as ``make_client_id`` builds)."""
    return f"agb:{tenant}"


def _send(
    event: DomainEvent,
    ontvanger: tuple[str, str],
    event_type: str,
    subjects: Sequence[tuple[str, str]],
) -> Delivery:
    return notificatie(
        instant=event.occurred_at,
        afzender_client_id=afzender_client_id(event.tenant),
        afzender=(AGB, event.tenant),
        ontvanger=ontvanger,
        event_type=event_type,
        subjects=subjects,
        systeemrol=SYSTEEMROL,
    )


def _levering_subject(event: DomainEvent) -> str:
    return f"Levering/{event.payload['bemiddelingspecificatieID']}"


def zorgkantoren(event: DomainEvent, *, alleen_verantwoordelijk: bool = False) -> list[str]:
    """The Levering's responsible zorgkantoor, then its executing one when different (rows
    registered before migration 0007 may lack them: those get no notification)."""
    keys: tuple[str, ...] = ("verantwoordelijkZorgkantoor",)
    if not alleen_verantwoordelijk:
        keys += ("uitvoerendZorgkantoor",)
    return list(dict.fromkeys(str(v) for v in (event.payload.get(k) for k in keys) if v))


def levering_rules() -> list[NotificationRule]:
    """The Leveringsregister's rules, for :class:`iwlz.notificaties.rules.NotificationRules`."""

    def periode_zorgkantoor(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        found = ZORGKANTOOR_EVENTS.get(event.event_type)
        if event.register != REGISTER or found is None:
            return ()
        event_type, record_type = found
        subjects = [(_levering_subject(event), f"{record_type}/{event.aggregate_id}")]
        return [_send(event, (UZOVI, zk), event_type, subjects) for zk in zorgkantoren(event)]

    def verzoek_zorgkantoor(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        if event.register != REGISTER or event.event_type != EVENT_VERZOEK_NIEUW:
            return ()
        subjects = [(_levering_subject(event), f"Verzoek/{event.aggregate_id}")]
        return [
            _send(event, (UZOVI, zk), NIEUW_VERZOEK_ZORGKANTOOR, subjects)
            for zk in zorgkantoren(event, alleen_verantwoordelijk=True)
        ]

    def verzoekaanbieder_aanbieder(conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        if event.register != REGISTER or event.event_type != EVENT_VERZOEKAANBIEDER_NIEUW:
            return ()
        agb = event.payload.get("aanbieder")
        if not agb or agb == event.tenant:
            return ()
        subjects = [
            (f"Verzoek/{event.payload['verzoekID']}", f"VerzoekAanbieder/{event.aggregate_id}")
        ]
        return [_send(event, (AGB, str(agb)), NIEUW_VERZOEKAANBIEDER_AANBIEDER, subjects)]

    return [periode_zorgkantoor, verzoek_zorgkantoor, verzoekaanbieder_aanbieder]
