"""Alembic environment: migrates the database the caller's connection points at."""

from __future__ import annotations

from alembic import context

from iwlz.core.metadata import metadata
from iwlz.core.models import load_all_models

load_all_models()
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through iwlz.core.migrate (iwlz db upgrade)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
