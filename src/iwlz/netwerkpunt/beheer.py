# ruff: noqa: E501  (SDL descriptions stay on one line)
"""A bronhouder's handling of the meldingen it received, as part of its register's beheer API.

The CIZ (Indicatieregister), every zorgkantoor (its Bemiddelingsregister) and every aanbieder
(its Leveringsregister) receive foutmeldingen about their register at their own netwerkpunt
(network.md §6). The beheer API of each register offers the same two fields on that netwerkpunt:
``meldingen(status:)`` and ``behandelMelding(meldingID:, status:, reden:)``. The lifecycle is
:class:`iwlz.netwerkpunt.service.Inbox`'s.

Context contract: ``context["netwerkpunt"]`` is the :class:`Inbox`; ``context["claims"]`` the
caller's token claims (``client_id`` is recorded as the handler).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ariadne import MutationType, QueryType

from iwlz.graphql.schema import Info
from iwlz.netwerkpunt.service import Inbox, InboxItem

__all__ = ["MELDINGEN_SDL", "bind_meldingen"]

Party = tuple[str, str]

MELDINGEN_SDL = """
extend type Query {
  "Meldingen (foutmeldingen) received at the bronhouder's netwerkpunt, oldest first."
  meldingen(status: MeldingStatus): [OntvangenMelding!]!
}

extend type Mutation {
  "Move a received melding to its next status: ONTVANGEN -> IN_BEHANDELING | AFGEWEZEN, IN_BEHANDELING -> AFGEHANDELD | AFGEWEZEN. AFGEWEZEN needs a reden."
  behandelMelding(meldingID: UUID!, status: MeldingStatus!, reden: String): OntvangenMelding!
}

"The bronhouder's handling status of a received melding (iwlz's own lifecycle; the standard defines none)."
enum MeldingStatus {
  ONTVANGEN
  IN_BEHANDELING
  AFGEHANDELD
  AFGEWEZEN
}

"A melding sent to the bronhouder with zendMelding, as received, with its handling status."
type OntvangenMelding {
  meldingID: UUID!
  timestamp: DateTime!
  afzenderIDType: String!
  afzenderID: String!
  "The original melder when it is not the sender, as <IDType>:<ID>."
  ontvangerKenmerk: String
  eventType: String!
  subjectList: [MeldingSubject!]!
  status: MeldingStatus!
  reden: String
  ontvangenOp: DateTime!
  statusGewijzigdOp: DateTime
}

"subject: the violated rule (e.g. IRG0012); recordID: the record it is about (e.g. Stoornis/<uuid>)."
type MeldingSubject {
  subject: String!
  recordID: String!
}
"""


def _inbox(info: Info) -> Inbox:
    inbox = info.context.get("netwerkpunt")
    if not isinstance(inbox, Inbox):
        raise RuntimeError("the beheer context has no 'netwerkpunt' inbox")
    return inbox


def ontvangen_melding(item: InboxItem) -> dict[str, Any]:
    """An inbox item as ``OntvangenMelding``."""
    return {
        "meldingID": item.item_id,
        "timestamp": item.timestamp,
        "afzenderIDType": item.afzender_id_type,
        "afzenderID": item.afzender_id,
        "ontvangerKenmerk": item.ontvanger_kenmerk,
        "eventType": item.event_type,
        "subjectList": [dict(s) for s in item.subject_list],
        "status": item.status,
        "reden": item.reden,
        "ontvangenOp": item.received_at,
        "statusGewijzigdOp": item.status_gewijzigd_at,
    }


def bind_meldingen(
    query: QueryType, mutation: MutationType, netwerkpunt: Callable[[Info], Party]
) -> None:
    """Bind ``meldingen`` and ``behandelMelding`` for the netwerkpunt ``netwerkpunt(info)``
    (e.g. ``("UZOVI", <the register's zorgkantoor>)``)."""

    @query.field("meldingen")
    def resolve_meldingen(_obj: Any, info: Info, status: str | None = None) -> list[dict[str, Any]]:
        found = _inbox(info).meldingen(netwerkpunt(info), status=status)
        return [ontvangen_melding(melding) for melding in found]

    @mutation.field("behandelMelding")
    def resolve_behandel_melding(
        _obj: Any, info: Info, meldingID: uuid.UUID, status: str, reden: str | None = None
    ) -> dict[str, Any]:
        claims = info.context.get("claims") or {}
        item = _inbox(info).behandel_melding(
            netwerkpunt(info), meldingID, status, reden, door=claims.get("client_id")
        )
        return ontvangen_melding(item)
