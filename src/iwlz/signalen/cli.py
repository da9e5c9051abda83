"""``iwlz signalen``: the daily run, the copy's sync and resync, purge, status, demo setup."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer

__all__ = ["signalen_app"]

signalen_app = typer.Typer(
    help="Wlz-signalen: daily Wmo–Wlz overlap signals for gemeenten (docs/signalen.md).",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from IWLZ_DATABASE_URL."),
]


def _setup(database_url: str | None) -> tuple[Any, Any]:
    from iwlz.cli import _migrated_engine, _settings

    settings = _settings(database_url)
    return settings, _migrated_engine(settings)


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@signalen_app.command("run")
def run(
    date: Annotated[
        str | None, typer.Option("--date", help="Signaaldatum YYYY-MM-DD (default: today).")
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Match the Wmo deliveries against the kopie Wlz register; new signals get this date.
    Running twice for a date changes nothing."""
    from iwlz.config import ConfigurationError
    from iwlz.signalen.dienst import signalen_secret
    from iwlz.signalen.matching import Matcher

    settings, engine = _setup(database_url)
    try:
        datum = dt.date.fromisoformat(date) if date else None
    except ValueError:
        _fail(f"--date {date!r} is not YYYY-MM-DD")
        return
    try:
        key = signalen_secret(settings, "signalen_sleutel_key")
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    result = Matcher(engine, sleutel_key=key).run(datum)
    typer.echo(
        f"signaaldatum {result.signaaldatum}: {result.kandidaten} overlapping pair(s), "
        f"{result.nieuw} new signal(s) in {result.seconden:.1f} s"
    )
    for g, n in sorted(result.nieuw_per_gemeente.items()):
        typer.echo(f"  {g}: {n}")


def _kopie(settings: Any, engine: Any) -> Any:
    from iwlz.config import ConfigurationError
    from iwlz.signalen.kopie import KopieWlzRegister
    from iwlz.signalen.netwerk import SignalenNetwerk

    try:
        net = SignalenNetwerk.from_settings(settings)
    except ConfigurationError as exc:
        _fail(str(exc))
    return KopieWlzRegister(engine, net)


@signalen_app.command("sync")
def sync(database_url: DbOption = None) -> None:
    """Read the service's inbox once and update the copy (through nID, over HTTP)."""
    from iwlz.signalen.netwerk import NetwerkFout

    settings, engine = _setup(database_url)
    kopie = _kopie(settings, engine)
    try:
        kopie.abonneer()
        r = kopie.verwerk_inbox()
    except NetwerkFout as exc:
        _fail(f"{exc} (is `iwlz serve` running at {settings.public_url}?)")
        return
    typer.echo(
        f"{r.gelezen} notification(s): {r.bijgewerkt} updated, {r.vervallen} withdrawn, "
        f"{r.overgeslagen} skipped"
    )


@signalen_app.command("resync")
def resync(database_url: DbOption = None) -> None:
    """Read every indication from the CIZ (SIG-IR-0002, paged, through nID) and make the copy
    equal to the Indicatieregister."""
    from iwlz.signalen.netwerk import NetwerkFout

    settings, engine = _setup(database_url)
    kopie = _kopie(settings, engine)
    try:
        n, weg = kopie.resync()
    except NetwerkFout as exc:
        _fail(f"{exc} (is `iwlz serve` running at {settings.public_url}?)")
        return
    typer.echo(f"resync: {n} indication(s) read, {weg} no longer in the register (now Nee)")


@signalen_app.command("purge")
def purge_command(database_url: DbOption = None) -> None:
    """Delete what is past its retention (signals, keys, delivery reports, withdrawn Wlz)."""
    from iwlz.signalen.bewaren import purge

    settings, engine = _setup(database_url)
    r = purge(engine, months=settings.signalen_bewaar_maanden)
    typer.echo(
        f"purged: {r.signalen} signal(s), {r.sleutels} key(s), {r.leveringen} delivery "
        f"report(s), {r.wlz_kopie} withdrawn Wlz row(s)"
    )


@signalen_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    database_url: DbOption = None,
) -> None:
    """Counts: Wmo records per gemeente, the copy by Wlz-status, signals, the last run (no
    BSNs)."""
    import sqlalchemy as sa

    from iwlz.signalen.models import signaal, signalen_run, wlz_kopie, wmo_client

    _settings, engine = _setup(database_url)
    with engine.connect() as conn:
        wmo = {
            str(g): int(n)
            for g, n in conn.execute(
                sa.select(wmo_client.c.gemeentecode, sa.func.count()).group_by(
                    wmo_client.c.gemeentecode
                )
            )
        }
        kopie = {
            str(s): int(n)
            for s, n in conn.execute(
                sa.select(wlz_kopie.c.wlz_status, sa.func.count()).group_by(wlz_kopie.c.wlz_status)
            )
        }
        signalen = {
            str(g): int(n)
            for g, n in conn.execute(
                sa.select(signaal.c.gemeentecode, sa.func.count()).group_by(signaal.c.gemeentecode)
            )
        }
        last = conn.execute(sa.select(sa.func.max(signalen_run.c.signaaldatum))).scalar()
    out = {
        "wmo": wmo,
        "wlzKopie": kopie,
        "signalen": signalen,
        "laatsteRun": last.isoformat() if last else None,
    }
    if as_json:
        typer.echo(json.dumps(out, indent=1))
        return
    typer.echo(f"Wmo records: {sum(wmo.values())} in {len(wmo)} gemeente(n)")
    typer.echo(f"Kopie Wlz register: {kopie or 'empty'}")
    typer.echo(f"Signals: {sum(signalen.values())} ({signalen or 'none'})")
    typer.echo(f"Last run: {out['laatsteRun'] or 'never'}")


@signalen_app.command("demo")
def demo_command(
    wmo: Annotated[
        bool,
        typer.Option("--wmo/--no-wmo", help="Also deliver synthetic Wmo lists (default)."),
    ] = True,
    database_url: DbOption = None,
) -> None:
    """Dev only: register the demo signalen service (participant, key, netwerkpunt), give the
    demo gemeenten their scopes and deliver synthetic Wmo lists (``iwlz demo`` does this too;
    ``iwlz participants demo`` does not, so networks without the service stay as they were)."""
    from iwlz.signalen.demo import seed_signalen_demo

    settings, engine = _setup(database_url)
    if not settings.dev:
        _fail("demo data and generated keys: dev mode only (IWLZ_DEV=true).")
    r = seed_signalen_demo(settings, engine, per_gemeente=60 if wmo else 0)
    typer.echo(
        f"Wlz-signalen: service {settings.signalen_client_id}"
        f"{' registered' if r.service_added else ''}, {r.gemeenten} gemeente(n) with scopes, "
        f"{r.leveringen} new Wmo deliver(y/ies)"
    )


@signalen_app.command("demo-bsn")
def demo_bsn(
    gemeente: Annotated[str, typer.Argument(help="Gemeentecode, e.g. 0363.")],
    limit: Annotated[int, typer.Option(min=1, max=50)] = 5,
    database_url: DbOption = None,
) -> None:
    """Dev only: BSNs (synthetic) of the gemeente's Wmo list that have no Wlz indication in
    the copy yet, to register one for in the demo."""
    import sqlalchemy as sa

    from iwlz.signalen.models import wlz_kopie, wmo_client

    settings, engine = _setup(database_url)
    if not settings.dev:
        _fail("lists BSNs: dev mode only (IWLZ_DEV=true).")
    w = wmo_client.c
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(w.bsn, w.wmo_referentie)
            .where(
                w.gemeentecode == gemeente,
                ~sa.select(wlz_kopie.c.bsn).where(wlz_kopie.c.bsn == w.bsn).exists(),
            )
            .order_by(w.wmo_referentie)
            .limit(limit)
        ).all()
    for bsn, ref in found:
        typer.echo(f"{bsn} {ref}")
