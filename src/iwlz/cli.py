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
participants_app = typer.Typer(
    help="nID participant registry: toetreden (add), list, uittreden (revoke).",
    no_args_is_help=True,
)
app.add_typer(participants_app, name="participants")
audit_app = typer.Typer(
    help="nID audit log: verify the hash chain, show records.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
dev_app = typer.Typer(help="Developer conveniences (dev mode only).", no_args_is_help=True)
app.add_typer(dev_app, name="dev")


_mounted: list[bool] = []


def _mount() -> None:
    # Sub-apps live with their domain packages and import this module's helpers, so they are
    # mounted when the command runs rather than when this module is imported.
    if _mounted:
        return
    _mounted.append(True)
    from iwlz.adresboek.cli import adresboek_app
    from iwlz.berichten.cli import berichten_app
    from iwlz.demo.cli import backoffice_app
    from iwlz.netwerkpunt.cli import inbox_app, meldingen_app
    from iwlz.notificaties.cli import notifications_app, worker_command
    from iwlz.signalen.cli import signalen_app

    app.add_typer(adresboek_app, name="adresboek")
    app.add_typer(notifications_app, name="notifications")
    app.add_typer(inbox_app, name="inbox")
    app.add_typer(meldingen_app, name="meldingen")
    app.add_typer(backoffice_app, name="backoffice")
    app.add_typer(berichten_app, name="berichten")
    app.add_typer(signalen_app, name="signalen")
    app.command("worker")(worker_command)


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
    return create_engine(settings.database_url, pre_ping=settings.db_pool_pre_ping)


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
    notify: Annotated[
        bool,
        typer.Option(
            "--notify/--no-notify",
            help="Queue the notifications these registrations cause (NIEUWE_INDICATIE_"
            "ZORGKANTOOR ...), as if the CIZ registered them now. Default: history, no "
            "notifications.",
        ),
    ] = False,
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
    if notify:
        from iwlz.app import indicatieregister_hooks

        ir.event_hooks.extend(indicatieregister_hooks())
    entries: list[dict[str, str]] = []
    started = time.perf_counter()
    batch: list[Any] = []
    done = 0

    def flush() -> None:
        nonlocal done
        try:
            outcomes = ir.registreer_batch([c.indicatie for c in batch], notify=notify)
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
    if engine.dialect.name == "postgresql":
        # Fresh statistics: after a bulk load the planner otherwise guesses badly.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
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
    from iwlz.config import ConfigurationError

    try:
        application = create_app(settings, engine=engine)
    except ConfigurationError as exc:
        _fail(str(exc))
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
    backoffice: Annotated[
        bool,
        typer.Option(
            "--backoffice/--no-backoffice",
            help="Run the scripted zorgkantoren and zorgaanbieders (they answer notifications "
            "over HTTP: bemiddeling, levering, status).",
        ),
    ] = True,
    drive: Annotated[
        float | None,
        typer.Option(
            help="With the back offices: the CIZ registers a new synthetic indication every "
            "this many seconds, so the chain keeps running (0: off).",
        ),
    ] = 20.0,
) -> None:
    """Migrate, seed on first start, and serve the whole network in dev mode.

    With the back offices (default) the chain lives: each new indication reaches its
    zorgkantoor, which mediates to an aanbieder, which registers the delivery, which the
    zorgkantoor sees; progress lines show it."""
    import os

    os.environ.setdefault("IWLZ_DEV", "true")
    # The terminal shows the chain's progress lines; a request log line per inbox poll would
    # bury them. IWLZ_LOG_LEVEL=INFO brings every request back.
    os.environ.setdefault("IWLZ_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    settings = get_settings()
    if port is not None and "IWLZ_PUBLIC_URL" not in os.environ:
        # Token audiences and the address book derive from the public URL: follow the port.
        os.environ["IWLZ_PUBLIC_URL"] = f"http://{settings.host}:{port}"
        get_settings.cache_clear()
        settings = get_settings()
    db_upgrade(database_url=None, revision="head")
    engine = _engine(settings)
    from sqlalchemy import func, select

    from iwlz.nid.demo import seed_demo_participants
    from iwlz.nid.participants import ParticipantRegistry
    from iwlz.registers.indicatie.models import wlz_indicatie

    added = seed_demo_participants(ParticipantRegistry(engine), Path(settings.nid_keys_dir))
    if added:
        typer.echo(f"registered {added} demo participants (keys in {settings.nid_keys_dir}/)")
    _seed_demo_network(settings, engine)
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
            notify=False,
        )
    else:
        typer.echo(f"database already holds {count} indications; manifest: {manifest}")
    from iwlz.signalen.demo import seed_signalen_demo

    sig = seed_signalen_demo(settings, engine)
    typer.echo(
        f"Wlz-signalen: {sig.leveringen} new Wmo deliveries of demo gemeenten "
        f"(portal: /wlzsignalen/portal/)"
    )
    served = f"http://{settings.host}:{port or settings.port}"
    if backoffice:
        from iwlz.demo.backoffice import start_in_background

        start_in_background(
            settings.public_url,
            Path(settings.nid_keys_dir),
            interval=2.0,
            drive=drive or None,
            say=typer.echo,
        )
        typer.echo("back offices of the demo zorgkantoren and zorgaanbieders started")
    typer.echo(f"\niwlz network on {served}/ (Ctrl-C stops)")
    serve(host=None, port=port, database_url=None, migrate_first=False)


def _migrated_engine(settings: Settings) -> Any:
    from iwlz.core import migrate

    engine = _engine(settings)
    if migrate.current_revision(engine) != migrate.head_revision():
        _fail("the database schema is not up to date: run `iwlz db upgrade` first.")
    return engine


@participants_app.command("add")
def participants_add(
    type_: Annotated[
        str,
        typer.Option(
            "--type",
            help=(
                "ciz, zorgkantoor, zorgaanbieder, cak, gemeente, netwerkbeheerder or leverancier"
            ),
        ),
    ],
    identifier: Annotated[
        str,
        typer.Option("--id", help="<IDTYPE>:<value>, e.g. UZOVI:5501, AGB:12345678, KVK:62253778"),
    ],
    naam: Annotated[str, typer.Option("--naam", help="Organisation name.")],
    jwks_file: Annotated[
        Path,
        typer.Option(
            "--jwks",
            help="JSON Web Key Set file with the participant's PUBLIC key(s).",
            exists=True,
            dir_okay=False,
        ),
    ],
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="Allowed scope (repeat); default: the type's usual scopes."),
    ] = None,
    acts_for: Annotated[
        list[str] | None,
        typer.Option(
            "--acts-for", help="Participant it may act on behalf of (repeat), e.g. UZOVI:5501."
        ),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Register a participant (toetreden) with its public keys and allowed scopes."""
    from iwlz.nid.participants import ParticipantError, ParticipantRegistry

    registry = ParticipantRegistry(_migrated_engine(_settings(database_url)))
    try:
        jwks = json.loads(jwks_file.read_text())
        p = registry.add(
            type=type_,
            identifier=identifier,
            naam=naam,
            jwks=jwks,
            scopes=scope or None,
            acts_for=acts_for or (),
        )
    except (ParticipantError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"added {p.client_id} ({p.type}, {p.naam}) with scopes: {', '.join(p.scopes)}")


@participants_app.command("list")
def participants_list(
    type_: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    database_url: DbOption = None,
) -> None:
    """List participants with their status."""
    from iwlz.nid.participants import ParticipantRegistry

    registry = ParticipantRegistry(_migrated_engine(_settings(database_url)))
    found = registry.list(type=type_)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "client_id": p.client_id,
                        "type": p.type,
                        "naam": p.naam,
                        "status": p.status,
                        "scopes": list(p.scopes),
                    }
                    for p in found
                ],
                indent=1,
            )
        )
        return
    for p in found:
        typer.echo(f"{p.client_id:24} {p.type:16} {p.status:8} {p.naam}")
    typer.echo(f"{len(found)} participants", err=True)


@participants_app.command("revoke")
def participants_revoke(
    client_id: Annotated[str, typer.Argument(help="e.g. uzovi:5501 or UZOVI:5501")],
    database_url: DbOption = None,
) -> None:
    """Revoke a participant (uittreden): no new tokens; its tokens stop working within 5 s."""
    from iwlz.nid.participants import (
        ParticipantError,
        ParticipantRegistry,
        make_client_id,
        parse_client_id,
    )

    registry = ParticipantRegistry(_migrated_engine(_settings(database_url)))
    try:
        p = registry.revoke(make_client_id(*parse_client_id(client_id)))
    except ParticipantError as exc:
        _fail(str(exc))
    typer.echo(f"revoked {p.client_id} at {p.revoked_at}")


@participants_app.command("scopes")
def participants_scopes(
    client_id: Annotated[str, typer.Argument(help="e.g. uzovi:5501 or UZOVI:5501")],
    add: Annotated[list[str] | None, typer.Option("--add", help="Scope to allow (repeat).")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Scope to take away (repeat).")
    ] = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            help="Add the scopes its type has in this version (after an upgrade that brought "
            "new registers, e.g. the Bemiddelingsregister read scope for the netwerkbeheerder "
            "that sends nID's PIP queries).",
        ),
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Show or change the scopes a participant may request; new tokens get them at once."""
    from iwlz.nid.participants import (
        ParticipantError,
        ParticipantRegistry,
        default_scopes,
        make_client_id,
        parse_client_id,
    )

    registry = ParticipantRegistry(_migrated_engine(_settings(database_url)))
    try:
        cid = make_client_id(*parse_client_id(client_id))
    except ParticipantError as exc:
        _fail(str(exc))
    found = registry.get(cid)
    if found is None:
        _fail(f"no participant {cid}: see `iwlz participants list`.")
        return
    scopes = list(found.scopes)
    if defaults:
        scopes += default_scopes(found.type)
    scopes += add or []
    scopes = [x for x in dict.fromkeys(scopes) if x not in set(remove or [])]
    if scopes != list(found.scopes):
        registry.set_scopes(cid, scopes)
        typer.echo(f"{cid}: scopes changed")
    for scope in scopes:
        typer.echo(scope)


@participants_app.command("demo")
def participants_demo(database_url: DbOption = None) -> None:
    """Register the demo participants with generated keys (dev mode only)."""
    from iwlz.nid.demo import seed_demo_participants
    from iwlz.nid.participants import ParticipantRegistry

    settings = _settings(database_url)
    if not settings.dev:
        _fail("demo participants get generated private keys: dev mode only (IWLZ_DEV=true).")
    engine = _migrated_engine(settings)
    added = seed_demo_participants(ParticipantRegistry(engine), Path(settings.nid_keys_dir))
    typer.echo(f"registered {added} demo participants (keys in {settings.nid_keys_dir}/)")
    _seed_demo_network(settings, engine)


def _seed_demo_network(settings: Settings, engine: Any) -> None:
    """The demo's address book (every participant's netwerkpunt) and the CAK's subscription
    to the voluntary WLZINDICATIE_MUTATIE_ABONNEMENT."""
    from iwlz.abonnementen.service import Abonnementen
    from iwlz.adresboek import Adresboek
    from iwlz.adresboek.demo import seed_demo_adresboek
    from iwlz.nid.demo import CAK
    from iwlz.nid.participants import ParticipantRegistry

    result = seed_demo_adresboek(Adresboek(engine), settings, ParticipantRegistry(engine))
    typer.echo(
        f"address book: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged (GET /adresboek)"
    )
    kvk = CAK.split(":")[1]
    from iwlz.app import abonnement_toelating
    from iwlz.graphql.errors import Forbidden

    try:
        abonnement = Abonnementen(engine, toegelaten=abonnement_toelating(settings)).create(
            {"client_id": f"kvk:{kvk}", "kvk": kvk, "instantie_type": "Onderneming"},
            {
                "notificatieTypeID": "WLZINDICATIE_MUTATIE_ABONNEMENT",
                "abonneeIDType": "KVK",
                "abonneeID": kvk,
            },
        )
    except Forbidden:
        typer.echo(
            f"the demo CAK (kvk:{kvk}) is not in IWLZ_WLZINDICATIE_ABONNEES: no demo subscription"
        )
        return
    typer.echo(f"CAK subscription to WLZINDICATIE_MUTATIE_ABONNEMENT: {abonnement.abonnement_id}")


@dev_app.command("token")
def dev_token(
    participant: Annotated[
        str,
        typer.Option(
            "--participant", help="Demo participant, e.g. UZOVI:5515, AGB:12345678, KVK:62253778"
        ),
    ],
    scope: Annotated[str, typer.Option(help="Scope(s), space separated.")] = (
        "registers/wlzindicatieregister/indicaties/indicatie:read"
    ),
    audience: Annotated[
        str | None, typer.Option(help="Resource URL; default: the Indicatieregister read endpoint.")
    ] = None,
    on_behalf_of: Annotated[
        str | None,
        typer.Option(
            "--on-behalf-of", help="Act for this participant (needs a registered machtiging)."
        ),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Print an access token for a demo participant (a real private_key_jwt token request)."""
    from iwlz.core.clock import SystemClock
    from iwlz.nid.client import token_request
    from iwlz.nid.demo import participant_key
    from iwlz.nid.setup import build_nid
    from iwlz.nid.tokens import TokenError

    settings = _settings(database_url)
    if not settings.dev:
        _fail("`iwlz dev token` works in dev mode only: set IWLZ_DEV=true (make demo does).")
    from iwlz.adresboek import Adresboek

    engine = _migrated_engine(settings)
    nid = build_nid(settings, engine, SystemClock())
    base = settings.public_url.rstrip("/")
    # The audiences `iwlz serve` accepts: its fixed resources and the address book's.
    from iwlz.adresboek.http import ADRESBOEK_PATH
    from iwlz.app import ABONNEMENTEN_PATH, IR_BEHEER_PATH, IR_READ_PATH
    from iwlz.berichten.api import BERICHTEN_PATH

    nid.audiences.extend(
        f"{base}{path}"
        for path in (
            IR_READ_PATH,
            IR_BEHEER_PATH,
            ABONNEMENTEN_PATH,
            ADRESBOEK_PATH,
            BERICHTEN_PATH,
        )
    )
    nid.audience_sources.append(Adresboek(engine).resource_uris)
    from iwlz.signalen.ciz import CIZ_SIGNALEN_PATH
    from iwlz.signalen.http import API_PATH as SIGNALEN_API_PATH
    from iwlz.signalen.portal import PORTAL_PATH as SIGNALEN_PORTAL_PATH

    nid.audiences.extend(
        f"{base}{path}" for path in (CIZ_SIGNALEN_PATH, SIGNALEN_API_PATH, SIGNALEN_PORTAL_PATH)
    )
    try:
        client_id, key = participant_key(Path(settings.nid_keys_dir), participant)
    except Exception as exc:
        _fail(
            f"no demo key for {participant}: {exc}. Run `iwlz demo` first, or use a "
            "participant listed by `iwlz participants list`."
        )
    params = token_request(
        client_id,
        key,
        nid.token_endpoint,
        scope=scope,
        audience=audience or f"{base}{IR_READ_PATH}",
        on_behalf_of=on_behalf_of,
    )
    try:
        issued = nid.server.token(params)
    except TokenError as exc:
        _fail(f"{exc.error}: {exc.description}")
    typer.echo(issued.access_token)


@audit_app.command("verify")
def audit_verify(database_url: DbOption = None) -> None:
    """Walk the audit log's hash chain; exit 1 and list problems if anything was altered."""
    from iwlz.config import require_secret
    from iwlz.nid.audit import AuditLog

    settings = _settings(database_url)
    log = AuditLog(
        _migrated_engine(settings), bsn_key=require_secret(settings, "audit_bsn_key").encode()
    )

    def progress(done: int, total: int) -> None:
        typer.echo(f"\rverified {done:,}/{total:,}", nl=False, err=True)

    result = log.verify(progress=progress)
    typer.echo("", err=True)
    for problem in result.problems:
        typer.secho(problem, fg=typer.colors.RED)
    typer.echo(f"{result.checked:,} records checked: {'OK' if result.ok else 'BROKEN'}")
    if not result.ok:
        raise typer.Exit(code=1)


@audit_app.command("show")
def audit_show(
    participant: Annotated[
        str | None, typer.Option("--participant", help="client_id, e.g. uzovi:5515")
    ] = None,
    bsn: Annotated[
        str | None,
        typer.Option("--bsn", help="BSN (looked up by keyed hash; never stored in clear)"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most records to show.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    database_url: DbOption = None,
) -> None:
    """Show audit records, newest first, for a participant or a BSN."""
    import dataclasses

    from iwlz.config import require_secret
    from iwlz.nid.audit import AuditLog

    settings = _settings(database_url)
    log = AuditLog(
        _migrated_engine(settings), bsn_key=require_secret(settings, "audit_bsn_key").encode()
    )
    records = log.show(participant=participant, bsn=bsn, limit=limit)
    for r in records:
        if as_json:
            typer.echo(json.dumps(dataclasses.asdict(r), default=str))
        else:
            typer.echo(
                " ".join(
                    str(x)
                    for x in (
                        r.seq,
                        r.occurred_at,
                        r.event_type,
                        r.decision,
                        r.participant,
                        r.operation or "-",
                        r.use_case or "-",
                        ",".join(r.records) or "-",
                        r.reason or "",
                    )
                )
            )
    typer.echo(f"{len(records)} records", err=True)


def main() -> None:
    """Entry point of the ``iwlz`` script."""
    _mount()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
