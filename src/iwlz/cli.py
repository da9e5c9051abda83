"""The ``iwlz`` command line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from iwlz.config import Settings, get_settings

app = typer.Typer(
    help="iwlz: the iWlz network (registers, nID, messages) on one machine or per component.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: migrate and inspect.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _settings(database_url: str | None) -> Settings:
    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from IWLZ_DATABASE_URL."),
]


def _engine(settings: Settings) -> Any:
    from iwlz.core.db import create_engine, ensure_sqlite_dir

    ensure_sqlite_dir(settings.database_url)
    return create_engine(settings.database_url)


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@db_app.command("upgrade")
def db_upgrade(
    database_url: DbOption = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the database schema to the newest revision."""
    from sqlalchemy.exc import OperationalError

    from iwlz.core import migrate

    settings = _settings(database_url)
    engine = _engine(settings)
    try:
        before = migrate.current_revision(engine)
        migrate.upgrade(engine, revision)
        after = migrate.current_revision(engine)
    except OperationalError as exc:
        _fail(
            f"cannot reach the database {engine.url!r}: {exc.orig}. "
            "Check IWLZ_DATABASE_URL and that the server runs."
        )
    typer.echo(f"database {engine.url!r}: {before or 'empty'} -> {after}")


@db_app.command("current")
def db_current(database_url: DbOption = None) -> None:
    """Show the database's schema revision and the newest one available."""
    from iwlz.core import migrate

    engine = _engine(_settings(database_url))
    current, head = migrate.current_revision(engine), migrate.head_revision()
    typer.echo(f"current: {current or 'none (run iwlz db upgrade)'}\nhead:    {head}")
    if current != head:
        raise typer.Exit(code=1)


@app.command()
def seed(
    clients: Annotated[int, typer.Option("--clients", min=1, help="How many clients.")] = 2000,
    seed_value: Annotated[
        int, typer.Option("--seed", help="Random seed (same seed, same data).")
    ] = 1,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="Write a JSON manifest of the created indications here."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Indications per transaction.")] = 500,
    start_index: Annotated[int, typer.Option(min=0, help="Skip this many generated clients.")] = 0,
    database_url: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
) -> None:
    """Load realistic synthetic clients and indications into the Indicatieregister."""
    from iwlz.core import migrate
    from iwlz.core.clock import SystemClock
    from iwlz.demo.synthetic import generate
    from iwlz.registers.indicatie.service import Indicatieregister

    settings = _settings(database_url)
    engine = _engine(settings)
    if migrate.current_revision(engine) != migrate.head_revision():
        _fail("the database schema is not up to date: run `iwlz db upgrade` first.")
    clock = SystemClock()
    ir = Indicatieregister(engine, clock=clock)
    entries: list[dict[str, str]] = []
    started = time.perf_counter()
    batch: list[Any] = []
    done = 0

    def flush() -> None:
        nonlocal done
        try:
            outcomes = ir.registreer_batch([c.indicatie for c in batch])
        except ValueError as exc:
            _fail(f"{exc}. These clients are already loaded: use another --seed or --start-index.")
        for c, o in zip(batch, outcomes, strict=True):
            if not o.geslaagd:
                _fail(f"generated client {c.bsn} was rejected: {o.fouten}")
            entries.append(
                {
                    "wlzindicatieID": str(o.wlzindicatieID),
                    "bsn": c.bsn,
                    "initieelVerantwoordelijkZorgkantoor": c.initieelVerantwoordelijkZorgkantoor,
                    "gemeentecode": c.gemeentecode,
                }
            )
        done += len(batch)
        batch.clear()
        if not quiet:
            rate = done / max(time.perf_counter() - started, 1e-9)
            typer.echo(f"\rseeded {done}/{clients} clients ({rate:,.0f}/s)", nl=False, err=True)

    for client in generate(clients, seed=seed_value, today=clock.today(), start_index=start_index):
        batch.append(client)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    if not quiet:
        typer.echo("", err=True)
    if manifest is not None:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps({"seed": seed_value, "indicaties": entries}, indent=1))
        typer.echo(f"manifest with {len(entries)} indications written to {manifest}")
    typer.echo(f"seeded {done} clients in {time.perf_counter() - started:.1f} s")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (IWLZ_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (IWLZ_PORT).")] = None,
    database_url: DbOption = None,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Run `db upgrade` before serving.")
    ] = False,
) -> None:
    """Serve the network over HTTP (all components in one process)."""
    import uvicorn

    from iwlz.app import create_app
    from iwlz.core import migrate
    from iwlz.core.logging import configure_logging

    settings = _settings(database_url)
    configure_logging(settings.log_level, settings.log_format)
    engine = _engine(settings)
    if migrate_first:
        migrate.upgrade(engine)
    elif migrate.current_revision(engine) != migrate.head_revision():
        _fail("the database schema is not up to date: run `iwlz db upgrade` (or --migrate).")
    application = create_app(settings, engine=engine)
    uvicorn.run(
        application,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        access_log=False,
    )


@app.command()
def demo(
    clients: Annotated[int, typer.Option(help="Synthetic clients to load on first start.")] = 2000,
    manifest: Annotated[Path, typer.Option(help="Where the manifest of IDs goes.")] = Path(
        "var/manifest.json"
    ),
    port: Annotated[int | None, typer.Option(help="Port (IWLZ_PORT).")] = None,
) -> None:
    """Migrate, seed on first start, and serve the whole network in dev mode."""
    import os

    os.environ.setdefault("IWLZ_DEV", "true")
    get_settings.cache_clear()
    settings = get_settings()
    db_upgrade(database_url=None, revision="head")
    engine = _engine(settings)
    from sqlalchemy import func, select

    from iwlz.registers.indicatie.models import wlz_indicatie

    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(wlz_indicatie)).scalar_one()
    if count == 0:
        seed(
            clients=clients,
            seed_value=1,
            manifest=manifest,
            batch_size=500,
            start_index=0,
            database_url=None,
            quiet=False,
        )
    else:
        typer.echo(f"database already holds {count} indications; manifest: {manifest}")
    typer.echo(f"\niwlz network on http://{settings.host}:{port or settings.port}/ (Ctrl-C stops)")
    serve(host=None, port=port, database_url=None, migrate_first=False)


def main() -> None:
    """Entry point of the ``iwlz`` script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
