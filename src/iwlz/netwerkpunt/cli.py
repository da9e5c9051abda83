"""``iwlz inbox …`` and ``iwlz meldingen …``: the netwerkpunt inbox on the local database.

For operators and development: these commands work on the database directly, without nID.
Participants use the REST API (``/netwerkpunt/{IDTYPE}/{id}/inbox``) instead.

``iwlz.cli`` mounts :data:`inbox_app` and :data:`meldingen_app`; its helpers are imported
inside the commands, so this module can be imported from ``iwlz.cli`` at any point.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from iwlz.netwerkpunt.service import Inbox, Party

inbox_app = typer.Typer(
    help="The netwerkpunt inbox of a participant: list, acknowledge, webhook.",
    no_args_is_help=True,
)
meldingen_app = typer.Typer(
    help="Meldingen received as bronhouder: list and handle (ONTVANGEN → IN_BEHANDELING → "
    "AFGEHANDELD | AFGEWEZEN).",
    no_args_is_help=True,
)

# The same option as iwlz.cli.DbOption (kept here: iwlz.cli imports this module).
DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from IWLZ_DATABASE_URL."),
]
ParticipantArg = Annotated[
    str, typer.Argument(help="The participant, <IDTYPE>:<id>, e.g. UZOVI:5505 or uzovi:5505.")
]
BronhouderArg = Annotated[
    str, typer.Argument(help="The bronhouder, <IDTYPE>:<id>, e.g. KVK:62253778 (the CIZ).")
]


def _fail(message: str) -> NoReturn:
    from iwlz.cli import _fail as fail

    fail(message)
    raise typer.Exit(code=2)  # not reached: iwlz.cli._fail exits


def _inbox(database_url: str | None) -> Inbox:
    from iwlz.cli import _migrated_engine, _settings
    from iwlz.config import ConfigurationError, require_secret
    from iwlz.core.clock import SystemClock
    from iwlz.netwerkpunt.service import Inbox
    from iwlz.nid.audit import AuditLog

    settings = _settings(database_url)
    engine = _migrated_engine(settings)
    try:
        audit: AuditLog | None = AuditLog(
            engine, bsn_key=require_secret(settings, "audit_bsn_key").encode()
        )
    except ConfigurationError:
        audit = None  # melding status changes are then not audit-logged
    # The webhook rules of the server (iwlz.app): http and private addresses only in dev mode.
    return Inbox(
        engine,
        SystemClock(),
        audit,
        webhook_https_only=not settings.dev,
        webhook_allow_private=settings.dev,
    )


def _participant(text: str) -> Party:
    from iwlz.nid.participants import ParticipantError, parse_client_id

    try:
        return parse_client_id(text)
    except ParticipantError as exc:
        _fail(str(exc))


def _user_errors() -> tuple[type[Exception], ...]:
    from iwlz.graphql.errors import GraphQLUserError

    return (GraphQLUserError,)


@inbox_app.command("list")
def inbox_list(
    participant: ParticipantArg,
    all_items: Annotated[
        bool, typer.Option("--all", help="Also items already acknowledged.")
    ] = False,
    soort: Annotated[
        str | None, typer.Option("--soort", help="Only notificatie or melding.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Most items to show.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array of the items.")] = False,
    database_url: DbOption = None,
) -> None:
    """List received notificaties and meldingen, oldest first (by default only new ones)."""
    party = _participant(participant)
    try:
        items = _inbox(database_url).list(
            party, soort=soort, alleen_nieuw=not all_items, limit=limit
        )
    except _user_errors() as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([i.as_json() for i in items], indent=1, ensure_ascii=False))
        return
    for i in items:
        subjects = ",".join(s["recordID"] for s in i.subject_list[:3])
        more = f" (+{len(i.subject_list) - 3})" if len(i.subject_list) > 3 else ""
        columns: list[Any] = [
            i.received_at.isoformat(timespec="seconds"),
            i.item_id,
            f"{i.soort:11}",
            f"{i.afzender_id_type}:{i.afzender_id}",
            i.event_type,
            subjects + more,
        ]
        if i.status:
            columns.append(i.status)
        if i.acknowledged_at is None:
            columns.append("NEW")
        typer.echo(" ".join(str(c) for c in columns))
    typer.echo(f"{len(items)} items", err=True)


@inbox_app.command("ack")
def inbox_ack(
    participant: ParticipantArg,
    item_ids: Annotated[
        list[str] | None, typer.Argument(help="Item IDs (notificatieID / meldingID).")
    ] = None,
    all_items: Annotated[bool, typer.Option("--all", help="Acknowledge every new item.")] = False,
    soort: Annotated[
        str | None, typer.Option("--soort", help="With --all: only notificatie or melding.")
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Acknowledge items: they no longer show as new. Exit 1 when an ID is not in the inbox."""
    party = _participant(participant)
    if all_items == bool(item_ids):
        _fail("give item IDs or --all (not both).")
    inbox = _inbox(database_url)
    try:
        if all_items:
            count = inbox.ack_all(party, soort=soort)
            typer.echo(f"acknowledged {count} items")
            return
        result = inbox.ack(party, item_ids or [])
    except _user_errors() as exc:
        _fail(str(exc))
    typer.echo(
        f"acknowledged {len(result.bevestigd)}, already acknowledged {len(result.al_bevestigd)}"
    )
    for unknown in result.onbekend:
        typer.secho(f"not in this inbox: {unknown}", fg=typer.colors.RED, err=True)
    if result.onbekend:
        raise typer.Exit(code=1)


@inbox_app.command("webhook")
def inbox_webhook(
    participant: ParticipantArg,
    url: Annotated[
        str | None, typer.Option("--url", help="http(s) URL that receives every new item.")
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option("--secret", help="HMAC secret (≥ 16 characters); default: generated."),
    ] = None,
    delete: Annotated[bool, typer.Option("--delete", help="Remove the webhook.")] = False,
    database_url: DbOption = None,
) -> None:
    """Show, set (--url) or remove (--delete) the participant's webhook.

    Each new item is POSTed as JSON with ``X-Iwlz-Signature: sha256=<HMAC-SHA256 of the body>``.
    """
    party = _participant(participant)
    if url and delete:
        _fail("give --url or --delete, not both.")
    if secret and not url:
        _fail("--secret goes with --url.")
    inbox = _inbox(database_url)
    if delete:
        if not inbox.delete_webhook(party):
            _fail(f"{party[0]}:{party[1]} has no webhook.")
        typer.echo(f"webhook of {party[0]}:{party[1]} removed")
        return
    if url is None:
        hook = inbox.get_webhook(party)
        if hook is None:
            typer.echo(f"{party[0]}:{party[1]} has no webhook")
            raise typer.Exit(code=1)
        typer.echo(f"{hook.url} (since {hook.created_at.isoformat(timespec='seconds')})")
        return
    try:
        new_hook, generated = inbox.set_webhook(party, url, secret)
    except _user_errors() as exc:
        _fail(str(exc))
    typer.echo(f"webhook of {party[0]}:{party[1]}: {new_hook.url}")
    if generated:
        typer.echo(f"secret (shown once): {generated}")


@meldingen_app.command("list")
def meldingen_list(
    bronhouder: BronhouderArg,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only ONTVANGEN, IN_BEHANDELING, AFGEHANDELD or AFGEWEZEN."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array of the meldingen.")] = False,
    database_url: DbOption = None,
) -> None:
    """List the meldingen the bronhouder received, oldest first."""
    party = _participant(bronhouder)
    try:
        found = _inbox(database_url).meldingen(party, status=status)
    except _user_errors() as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([m.as_json() for m in found], indent=1, ensure_ascii=False))
        return
    for m in found:
        regels = ",".join(f"{s['subject']}@{s['recordID']}" for s in m.subject_list[:3])
        typer.echo(
            " ".join(
                str(c)
                for c in (
                    m.received_at.isoformat(timespec="seconds"),
                    m.item_id,
                    f"{m.status:14}",
                    f"{m.afzender_id_type}:{m.afzender_id}",
                    m.event_type,
                    regels,
                    m.reden or "",
                )
            )
        )
    typer.echo(f"{len(found)} meldingen", err=True)


@meldingen_app.command("behandel")
def meldingen_behandel(
    bronhouder: BronhouderArg,
    melding_id: Annotated[str, typer.Argument(help="The meldingID.")],
    status: Annotated[
        str,
        typer.Option("--status", help="IN_BEHANDELING, AFGEHANDELD or AFGEWEZEN."),
    ],
    reden: Annotated[
        str | None, typer.Option("--reden", help="Why; required for AFGEWEZEN.")
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Move a melding to its next status; the sender sees it in the melding status API."""
    party = _participant(bronhouder)
    try:
        item = _inbox(database_url).behandel_melding(party, melding_id, status, reden, door="cli")
    except _user_errors() as exc:
        _fail(str(exc))
    typer.echo(
        f"melding {item.item_id}: {item.status}" + (f" ({item.reden})" if item.reden else "")
    )
