"""Notification rules: domain events in, outbox deliveries out, in the write's transaction.

Each register contributes rules (callables ``(conn, event) -> deliveries``); a
:class:`NotificationRules` hook runs them all for every event the register records and queues
the result. A failing rule fails the write: a change is never committed without its
notifications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from iwlz.core.events import DomainEvent
from iwlz.notificaties.outbox import KIND_MELDING, KIND_NOTIFICATIE, Delivery, enqueue

# Receiver ID type -> scope segment (network.md §3.3, §5.5 rule 2).
NOTIFICATIE_SCOPE_SEGMENT = {"UZOVI": "zorgkantoor", "AGB": "zorgaanbieder", "KVK": "onderneming"}
# Meldingen to a KVK party go to the CIZ (indicatieorgaan, RFC0014 v2.1; network.md §11.4).
MELDING_SCOPE_SEGMENT = {"UZOVI": "zorgkantoor", "AGB": "zorgaanbieder", "KVK": "indicatieorgaan"}


def notificatie_scope(ontvanger_id_type: str) -> str:
    """The token scope for sending a notification to a receiver of this ID type."""
    segment = NOTIFICATIE_SCOPE_SEGMENT[ontvanger_id_type]
    return f"organisaties/{segment}/notificaties/notificatie:create"


def melding_scope(ontvanger_id_type: str) -> str:
    """The token scope for sending a melding to a bronhouder of this ID type."""
    return f"organisaties/{MELDING_SCOPE_SEGMENT[ontvanger_id_type]}/meldingen/melding:create"


def timestamp(instant: dt.datetime) -> str:
    """A GEN ``DateTime``: ISO 8601 in UTC with milliseconds, e.g. 2026-11-27T21:40:39.123Z."""
    utc = instant.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def bericht_input(
    *,
    instant: dt.datetime,
    afzender: tuple[str, str],
    ontvanger: tuple[str, str],
    event_type: str,
    subjects: Sequence[tuple[str, str]],
    ontvanger_kenmerk: str | None = None,
) -> dict[str, Any]:
    """A ``NotificatieInput`` / ``MeldingInput`` (network.md §5.2): both have the same fields."""
    return {
        "timestamp": timestamp(instant),
        "afzenderIDType": afzender[0],
        "afzenderID": afzender[1],
        "ontvangerIDType": ontvanger[0],
        "ontvangerID": ontvanger[1],
        "ontvangerKenmerk": ontvanger_kenmerk,
        "eventType": event_type,
        "subjectList": [{"subject": s, "recordID": r} for s, r in subjects],
    }


def notificatie(
    *,
    instant: dt.datetime,
    afzender_client_id: str,
    afzender: tuple[str, str],
    ontvanger: tuple[str, str],
    event_type: str,
    subjects: Sequence[tuple[str, str]],
    systeemrol: str,
    ontvanger_kenmerk: str | None = None,
) -> Delivery:
    """A notification delivery; ``systeemrol`` selects the address-book entry."""
    return _bericht(
        KIND_NOTIFICATIE,
        systeemrol,
        instant,
        afzender_client_id,
        afzender,
        ontvanger,
        event_type,
        subjects,
        ontvanger_kenmerk,
    )


def melding(
    *,
    instant: dt.datetime,
    afzender_client_id: str,
    afzender: tuple[str, str],
    ontvanger: tuple[str, str],
    event_type: str,
    subjects: Sequence[tuple[str, str]],
    ontvanger_kenmerk: str | None = None,
) -> Delivery:
    """A melding delivery to a bronhouder (systeemrol ``MELDING``)."""
    return _bericht(
        KIND_MELDING,
        "MELDING",
        instant,
        afzender_client_id,
        afzender,
        ontvanger,
        event_type,
        subjects,
        ontvanger_kenmerk,
    )


def _bericht(
    kind: str,
    systeemrol: str,
    instant: dt.datetime,
    afzender_client_id: str,
    afzender: tuple[str, str],
    ontvanger: tuple[str, str],
    event_type: str,
    subjects: Sequence[tuple[str, str]],
    ontvanger_kenmerk: str | None,
) -> Delivery:
    return Delivery(
        kind=kind,
        afzender=afzender_client_id,
        ontvanger_id_type=ontvanger[0],
        ontvanger_id=ontvanger[1],
        systeemrol=systeemrol,
        event_type=event_type,
        ontvanger_kenmerk=ontvanger_kenmerk,
        payload=bericht_input(
            instant=instant,
            afzender=afzender,
            ontvanger=ontvanger,
            event_type=event_type,
            subjects=subjects,
            ontvanger_kenmerk=ontvanger_kenmerk,
        ),
    )


class NotificationRule(Protocol):
    def __call__(self, conn: Connection, event: DomainEvent) -> Iterable[Delivery]:
        """The deliveries ``event`` causes (none when the rule does not apply)."""
        ...


class NotificationRules:
    """An event hook that runs every rule and queues what they produce."""

    def __init__(self, rules: Sequence[NotificationRule]) -> None:
        self.rules = list(rules)

    def __call__(self, conn: Connection, event: DomainEvent) -> None:
        deliveries = [d for rule in self.rules for d in rule(conn, event)]
        if deliveries:
            enqueue(conn, deliveries, now=event.occurred_at, source_event_id=event.event_id)
