"""``iwlz notifications …`` and ``iwlz worker``: operate the outbox and run delivery workers."""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from typing import Annotated, Any

import typer

from iwlz.notificaties import outbox

notifications_app = typer.Typer(
    help="Outgoing notifications, meldingen and webhooks: inspect, retry, redrive.",
    no_args_is_help=True,
)

StatusOption = Annotated[
    str | None,
    typer.Option("--status", help="pending, delivered or dead."),
]
OntvangerOption = Annotated[
    str | None,
    typer.Option("--ontvanger", help="Receiver as IDTYPE:ID, e.g. UZOVI:5505."),
]


def _cli() -> Any:
    # Imported late: iwlz.cli imports this module to mount it.
    from iwlz import cli

    return cli


def _row_json(r: outbox.OutboxRow) -> dict[str, Any]:
    return {
        "deliveryID": str(r.delivery_id),
        "kind": r.kind,
        "afzender": r.afzender,
        "ontvanger": f"{r.ontvanger_id_type}:{r.ontvanger_id}",
        "eventType": r.event_type,
        "status": r.status,
        "attempts": r.attempts,
        "nextAttemptAt": r.next_attempt_at.isoformat(),
        "lastStatus": r.last_status,
        "lastError": r.last_error,
        "responseID": r.response_id,
        "createdAt": r.created_at.isoformat(),
        "deliveredAt": r.delivered_at.isoformat() if r.delivered_at else None,
        "deadAt": r.dead_at.isoformat() if r.dead_at else None,
    }


@notifications_app.command("list")
def list_command(
    status: StatusOption = None,
    ontvanger: OntvangerOption = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="notificatie, melding or webhook.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Most rows shown.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines for machines.")] = False,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Overrides IWLZ_DATABASE_URL.")
    ] = None,
) -> None:
    """Show outbox rows, newest first, with their delivery state and last error."""
    cli = _cli()
    if status is not None and status not in outbox.STATUSES:
        cli._fail(f"--status must be one of {', '.join(outbox.STATUSES)}, not {status!r}.")
    if kind is not None and kind not in outbox.KINDS:
        cli._fail(f"--kind must be one of {', '.join(outbox.KINDS)}, not {kind!r}.")
    engine = cli._migrated_engine(cli._settings(database_url))
    rows = outbox.list_deliveries(
        engine, status=status, ontvanger=ontvanger, kind=kind, limit=limit
    )
    if as_json:
        for r in rows:
            typer.echo(json.dumps(_row_json(r)))
        return
    counts = outbox.counts(engine)
    typer.echo(", ".join(f"{s}: {n}" for s, n in counts.items()))
    for r in rows:
        error = (r.last_error or "").replace("\n", " ")[:80]
        typer.echo(
            f"{r.delivery_id}  {r.status:9}  {r.kind:11}  {r.ontvanger_id_type}:{r.ontvanger_id:10}"
            f"  {r.event_type or '-':40}  tries={r.attempts}"
            f"  {r.last_status or ''} {error}"
        )


@notifications_app.command("retry")
def retry_command(
    delivery_ids: Annotated[
        list[str], typer.Argument(help="Delivery IDs (from `iwlz notifications list`).")
    ],
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Overrides IWLZ_DATABASE_URL.")
    ] = None,
) -> None:
    """Send dead-lettered deliveries again, now, with a fresh retry schedule."""
    cli = _cli()
    try:
        ids = [uuid.UUID(i) for i in delivery_ids]
    except ValueError:
        cli._fail("each delivery ID must be a UUID as shown by `iwlz notifications list`.")
    engine = cli._migrated_engine(cli._settings(database_url))
    from iwlz.core.clock import SystemClock

    n = outbox.retry(engine, now=SystemClock().now(), ids=ids)
    if n < len(ids):
        typer.echo(
            f"{len(ids) - n} of the IDs are unknown or not dead (only dead ones are retried).",
            err=True,
        )
    typer.echo(f"{n} deliveries queued again")
    if n == 0:
        raise typer.Exit(1)


@notifications_app.command("redrive")
def redrive_command(
    ontvanger: OntvangerOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Don't ask for confirmation.")] = False,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Overrides IWLZ_DATABASE_URL.")
    ] = None,
) -> None:
    """Queue every dead-lettered delivery again (optionally only one receiver's)."""
    cli = _cli()
    engine = cli._migrated_engine(cli._settings(database_url))
    dead = outbox.counts(engine)[outbox.DEAD]
    if dead == 0:
        typer.echo("no dead deliveries")
        return
    if not yes and not typer.confirm(f"queue dead deliveries again ({dead} in total)?"):
        raise typer.Exit(1)
    from iwlz.core.clock import SystemClock

    n = outbox.retry(engine, now=SystemClock().now(), all_dead=True, ontvanger=ontvanger)
    typer.echo(f"{n} deliveries queued again")


def worker_command(
    threads: Annotated[
        int, typer.Option("--threads", min=1, max=64, help="Workers in this process.")
    ] = 1,
    once: Annotated[
        bool, typer.Option("--once", help="Work off what is due now, then exit.")
    ] = False,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Overrides IWLZ_DATABASE_URL.")
    ] = None,
) -> None:
    """Run delivery workers: send the outbox's notificaties, meldingen and webhooks.

    Safe to run several times at once (on several machines too): workers lease the rows they
    send. Stops cleanly on SIGTERM or Ctrl-C, giving back the rows it has not sent yet.
    """
    cli = _cli()
    from iwlz.core.logging import configure_logging
    from iwlz.notificaties.setup import WorkerPool, build_worker

    settings = cli._settings(database_url)
    configure_logging(settings.log_level, settings.log_format)
    engine = cli._migrated_engine(settings)
    try:
        workers = [build_worker(settings, engine) for _ in range(threads)]
    except ValueError as exc:
        cli._fail(f"{exc} (check IWLZ_NOTIFY_RETRY_SCHEDULE).")
    if once:
        total = 0
        while True:
            n = workers[0].run_once()
            total += n
            if n == 0:
                break
        typer.echo(f"{total} deliveries attempted")
        return
    pool = WorkerPool(workers, settings.notify_poll_seconds)
    stopped = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pool.start()
    typer.echo(f"{threads} delivery worker(s) running (SIGTERM or Ctrl-C stops)", err=True)
    while not stopped.is_set():
        time.sleep(0.2)
    pool.stop()
