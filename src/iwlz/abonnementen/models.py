"""Storage of subscriptions (``abonnement``, network.md §7.2).

A deleted subscription keeps its row with ``deleted_at`` set (soft delete), so the history
of who subscribed to what, and when that stopped, stays. The notification rules read active
subscriptions of one type per register write: ``ix_abonnement_type_actief`` serves that.
"""

from __future__ import annotations

import sqlalchemy as sa

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

abonnement = sa.Table(
    "abonnement",
    metadata,
    sa.Column("abonnement_id", sa.Uuid(), primary_key=True),
    # The subscriber's nID client_id (``kvk:90000017``): the owner of the subscription.
    sa.Column("organisatie_id", sa.String(40), nullable=False, index=True),
    sa.Column("notificatie_type_id", sa.String(100), nullable=False),
    # Where the notifications go: ontvangerIDType / ontvangerID of zendNotificatie.
    sa.Column("abonnee_id_type", sa.String(10), nullable=False),
    sa.Column("abonnee_id", sa.String(40), nullable=False),
    # Normalised filter: {key: [values…]}; {} means no restriction.
    sa.Column("filter", sa.JSON(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("deleted_at", UTCDateTime()),
    sa.Index("ix_abonnement_type_actief", "notificatie_type_id", "deleted_at"),
)
