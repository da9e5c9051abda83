"""Tables of the netwerkpunt: the inbox of received notificaties/meldingen and the webhooks.

``netwerkpunt_inbox`` holds one row per received message. ``dedupe_key`` is the idempotency
key of network.md §5.2 (Impl); the unique constraint on (receiver, ``dedupe_key``) is what makes
receiving idempotent, also between concurrent requests on PostgreSQL. ``id`` only orders the
rows (the inbox cursor); the network sees ``item_id`` (= ``notificatieID`` / ``meldingID``).
``status``, ``reden`` and ``status_gewijzigd_at`` are the bronhouder's melding lifecycle
(network.md §6.5 Impl); they stay null for notificaties.
"""

from __future__ import annotations

import sqlalchemy as sa

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

inbox_table = sa.Table(
    "netwerkpunt_inbox",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("item_id", sa.Uuid(), nullable=False, unique=True),
    sa.Column("soort", sa.String(12), nullable=False),
    sa.Column("ontvanger_id_type", sa.String(12), nullable=False),
    sa.Column("ontvanger_id", sa.String(40), nullable=False),
    sa.Column("afzender_id_type", sa.String(12), nullable=False),
    sa.Column("afzender_id", sa.String(40), nullable=False),
    sa.Column("ontvanger_kenmerk", sa.String(200)),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("timestamp", UTCDateTime(), nullable=False),
    sa.Column("subject_list", sa.JSON(), nullable=False),
    sa.Column("dedupe_key", sa.String(64), nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("acknowledged_at", UTCDateTime()),
    sa.Column("trace_id", sa.String(32)),
    sa.Column("status", sa.String(16)),
    sa.Column("reden", sa.Text()),
    sa.Column("status_gewijzigd_at", UTCDateTime()),
    sa.UniqueConstraint(
        "ontvanger_id_type", "ontvanger_id", "dedupe_key", name="uq_netwerkpunt_inbox_dedupe"
    ),
    sa.Index("ix_netwerkpunt_inbox_ontvanger", "ontvanger_id_type", "ontvanger_id", "id"),
    sa.Index(
        "ix_netwerkpunt_inbox_melding_status",
        "ontvanger_id_type",
        "ontvanger_id",
        "soort",
        "status",
    ),
)

webhook_table = sa.Table(
    "netwerkpunt_webhook",
    metadata,
    sa.Column("participant_id_type", sa.String(12), primary_key=True),
    sa.Column("participant_id", sa.String(40), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    # Kept in clear: the HMAC needs it. Protect the database like the audit key.
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

TABLES = (inbox_table, webhook_table)
