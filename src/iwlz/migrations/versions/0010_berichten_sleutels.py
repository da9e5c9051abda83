"""berichten sleutels

Estafette business keys to register IDs (issue 6)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 02:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import iwlz.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "berichten_sleutel",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("soort", sa.String(length=40), nullable=False),
        sa.Column("partij", sa.String(length=8), nullable=False),
        sa.Column("sleutel", sa.String(length=200), nullable=False),
        sa.Column("entiteit", sa.String(length=40), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("geregistreerd_op", iwlz.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_berichten_sleutel")),
        sa.UniqueConstraint("soort", "partij", "sleutel", "entiteit", name="uq_berichten_sleutel"),
    )
    op.create_index(op.f("ix_berichten_sleutel_register_id"), "berichten_sleutel", ["register_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_berichten_sleutel_register_id"), table_name="berichten_sleutel")
    op.drop_table("berichten_sleutel")
