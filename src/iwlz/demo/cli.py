"""``iwlz backoffice``: the demo's scripted zorgkantoren and zorgaanbieders (and the CIZ)."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

__all__ = ["backoffice_app"]

backoffice_app = typer.Typer(
    help="Scripted back offices of the demo's zorgkantoren and zorgaanbieders: they read their "
    "inboxes and act on the notifications over HTTP with their own nID tokens "
    "(CIZ → zorgkantoor → aanbieder → zorgkantoor).",
    no_args_is_help=True,
)


@backoffice_app.callback()
def _group() -> None:
    """Scripted back offices of the demo's zorgkantoren and zorgaanbieders."""


def _echo(line: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    typer.echo(f"{stamp} {line}")


@backoffice_app.command("run")
def run(
    interval: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Seconds between rounds. An inbox with work is read every round, an idle one "
            "less and less often (up to --idle-max).",
        ),
    ] = 2.0,
    once: Annotated[
        bool, typer.Option("--once", help="One round, then print the zorgkantoren's status.")
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Run only these participants (repeat: --only UZOVI:5501 --only AGB:12345678). "
            "Default: every demo zorgkantoor and zorgaanbieder.",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="The network's public URL (default IWLZ_PUBLIC_URL)."),
    ] = None,
    keys_dir: Annotated[
        Path | None,
        typer.Option(help="The demo participants' keys (default IWLZ_NID_KEYS_DIR)."),
    ] = None,
    drive: Annotated[
        float | None,
        typer.Option(
            "--drive",
            min=1.0,
            help="Levende demo: the CIZ registers a new synthetic indication every SECONDS.",
        ),
    ] = None,
    drive_seed: Annotated[
        int | None,
        typer.Option(help="Synthetic seed of the driven indications (default: from the clock)."),
    ] = None,
    idle_max: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Longest wait (seconds) before reading an inbox that stayed empty (each read "
            "is audit-logged, so idle inboxes are read less often).",
        ),
    ] = 30.0,
    max_attempts: Annotated[
        int, typer.Option(min=1, help="Tries per notification before it is acknowledged.")
    ] = 5,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Run the back offices until Ctrl-C (or one round with --once)."""
    from iwlz.config import get_settings
    from iwlz.demo.backoffice import BackofficeNetwork

    settings = get_settings()
    url = (base_url or settings.public_url).rstrip("/")
    keys = keys_dir or Path(settings.nid_keys_dir)
    say = (lambda _line: None) if quiet else _echo
    try:
        network = BackofficeNetwork(
            url,
            keys,
            participants=only or None,
            max_attempts=max_attempts,
            say=say,
            idle_max=idle_max,
        )
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if network.skipped:
        typer.echo(
            f"no demo key for {len(network.skipped)} participant(s) in {keys}: "
            f"{', '.join(network.skipped[:5])}{' …' if len(network.skipped) > 5 else ''}",
            err=True,
        )
    if not network.offices:
        typer.echo(f"error: no participant with a demo key in {keys}", err=True)
        raise typer.Exit(2)
    driver = network.driver(seed=drive_seed) if drive else None
    try:
        if once:
            if driver is not None:
                try:
                    driver.register_one()
                except Exception as exc:  # a refused registration is reported, not fatal
                    typer.echo(f"CIZ: registering failed: {exc}", err=True)
            results = network.run_once()
            handled = sum(r.handled for r in results)
            failed = sum(r.failed for r in results)
            given_up = sum(r.given_up for r in results)
            errors = [r for r in results if r.error]
            typer.echo(
                f"round done: {len(results)} back offices, {handled} handled, {failed} to retry, "
                f"{given_up} given up, {len(errors)} inbox errors"
            )
            for r in errors[:5]:
                typer.echo(f"  {r.participant}: {r.error}", err=True)
            for line in network.status_lines():
                typer.echo(f"  {line}")
            return
        stop = threading.Event()

        def _stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        if not quiet:
            typer.echo(
                f"back offices of {len(network.offices)} participants on {url}, a round every "
                f"{interval:g} s"
                + (f", the CIZ registers an indication every {drive:g} s" if drive else "")
                + " (Ctrl-C stops)"
            )
        try:
            network.run(interval=interval, stop=stop, drive=drive, driver=driver)
        except KeyboardInterrupt:
            stop.set()
        if not quiet:
            for line in network.status_lines():
                typer.echo(f"  {line}")
    finally:
        network.close()
