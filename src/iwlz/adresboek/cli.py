"""``iwlz adresboek``: maintain the address book (list, add, remove, export, import, resolve)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from iwlz.adresboek.models import (
    ROOT_KEY,
    AdresboekError,
    EndpointNotFound,
    normalise_gegevensdienst_id,
    organisatie_id,
    validate_entry,
)
from iwlz.adresboek.service import Adresboek, AdresboekResolver
from iwlz.config import Settings

adresboek_app = typer.Typer(
    help=(
        "Address book: which endpoint (PEP, token server, resource) serves each gegevensdienst "
        "(<OrganisatieID>_<REGISTER|NOTIFICATIE|MELDING>_<PRD|ACC|TST>)."
    ),
    no_args_is_help=True,
)

# The same option as ``iwlz.cli.DbOption``. It is repeated here (not imported) because iwlz.cli
# imports this module to mount it, and a module-level import back would be circular.
DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from IWLZ_DATABASE_URL."),
]


def _fail(message: str) -> NoReturn:
    from iwlz.cli import _fail as fail

    fail(message)
    raise typer.Exit(code=2)  # pragma: no cover - iwlz.cli._fail always exits


def _settings(database_url: str | None) -> Settings:
    from iwlz.cli import _settings as settings

    return settings(database_url)


def _adresboek(settings: Settings) -> Adresboek:
    from iwlz.cli import _migrated_engine

    return Adresboek(_migrated_engine(settings))


@contextmanager
def _guard(settings: Settings) -> Iterator[None]:
    """Turn the address book's and the database's errors into a message and exit code 2."""
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except (AdresboekError, EndpointNotFound) as exc:
        _fail(str(exc))
    except DBAPIError as exc:
        _fail(
            f"the address book in {settings.database_url} cannot be used: {exc.orig}. "
            "If the table adresboek_service is missing, run `iwlz db upgrade`."
        )


def _read_json(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot read {source}: {exc.strerror or exc}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@adresboek_app.command("list")
def list_(
    omgeving: Annotated[
        str | None, typer.Option("--omgeving", help="Only this environment: PRD, ACC or TST.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    database_url: DbOption = None,
) -> None:
    """List the entries: one line per systeemrol (gegevensdienstId, systeemrolcode, resource)."""
    settings = _settings(database_url)
    with _guard(settings):
        services = _adresboek(settings).list(omgeving=omgeving)
    if as_json:
        typer.echo(
            _dump(
                [
                    {
                        "gegevensdienstId": s.gegevensdienst_id,
                        "weergavenaam": s.weergavenaam,
                        "authorizationEndpointuri": s.authorization_uri,
                        "tokenEndpointuri": s.token_uri,
                        "systeemrollen": {r.code: r.resource_uri for r in s.systeemrollen},
                        "createdAt": s.created_at.isoformat() if s.created_at else None,
                        "updatedAt": s.updated_at.isoformat() if s.updated_at else None,
                    }
                    for s in services
                ]
            ),
            nl=False,
        )
        return
    for s in services:
        for rol in s.systeemrollen:
            typer.echo(f"{s.gegevensdienst_id:28} {rol.code:24} {rol.resource_uri}")
    typer.echo(f"{len(services)} services", err=True)


@adresboek_app.command("add")
def add(
    file: Annotated[
        str | None,
        typer.Argument(
            help="JSON file ('-' = stdin) with one ElectronicService, or a whole "
            '{"electronicServices": [...]} document; instead of the options.',
            show_default=False,
        ),
    ] = None,
    gegevensdienst_id: Annotated[
        str | None,
        typer.Option(
            "--gegevensdienst-id",
            help="<OrganisatieID>_<Functionaliteit>_<Omgeving>, e.g. 5501_NOTIFICATIE_TST.",
        ),
    ] = None,
    naam: Annotated[str | None, typer.Option("--naam", help="weergavenaam (display name).")] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="Free text; default: the naam.")
    ] = None,
    pep: Annotated[
        str | None, typer.Option("--pep", help="authorizationEndpointuri: the PEP in front.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="tokenEndpointuri; default: nID's token endpoint under IWLZ_PUBLIC_URL.",
        ),
    ] = None,
    rol: Annotated[
        list[str] | None,
        typer.Option(
            "--rol",
            help="Systeemrol as CODE=RESOURCE_URI (repeat), e.g. "
            "NOTIFICATIE_INDICATIE=https://host/graphql.",
        ),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Add an entry, or replace the entry with the same gegevensdienstId as a whole."""
    settings = _settings(database_url)
    options = (gegevensdienst_id, naam, description, pep, token, rol)
    if file is not None:
        if any(o is not None for o in options):
            _fail("give either a JSON file or the options (--gegevensdienst-id ...), not both")
        entry = _read_json(file)
        if isinstance(entry, dict) and ROOT_KEY in entry:
            with _guard(settings):
                result = _adresboek(settings).import_json(entry, replace=False)
            typer.echo(
                f"added {result.added}, updated {result.updated}, "
                f"unchanged {result.unchanged} entries"
            )
            return
    else:
        missing = [
            flag
            for flag, value in (
                ("--gegevensdienst-id", gegevensdienst_id),
                ("--naam", naam),
                ("--pep", pep),
                ("--rol", rol),
            )
            if not value
        ]
        if missing:
            _fail(
                f"missing {', '.join(missing)}; give a JSON file, or at least --gegevensdienst-id, "
                "--naam, --pep and one --rol CODE=URI (see --help)"
            )
        rollen = []
        for item in rol or ():
            code, sep, uri = item.partition("=")
            if not sep or not code.strip() or not uri.strip():
                _fail(f"--rol {item!r} is not CODE=URI, e.g. MELDING=https://host/graphql")
            rollen.append(
                {"systeemrolcode": code.strip(), "resourceEndpoint": {"resourceEndpointuri": uri}}
            )
        from iwlz.nid.setup import TOKEN_PATH

        entry = {
            "description": description or naam,
            "gegevensdienstId": gegevensdienst_id,
            "weergavenaam": naam,
            "authorizationEndpoint": {"authorizationEndpointuri": pep},
            "tokenEndpoint": {
                "tokenEndpointuri": token or settings.public_url.rstrip("/") + TOKEN_PATH
            },
            "systeemrollen": rollen,
        }
    with _guard(settings):
        checked = validate_entry(entry)  # a bad entry is reported before the database is opened
        adresboek = _adresboek(settings)
        before = adresboek.get(checked.gegevensdienst_id)
        service = adresboek.publish(entry)
    if before is None:
        verb = "added"
    else:
        verb = "unchanged" if before.document == service.document else "updated"
    rollen_text = ", ".join(r.code for r in service.systeemrollen)
    typer.echo(f"{verb} {service.gegevensdienst_id} ({rollen_text})")


@adresboek_app.command("remove")
def remove(
    gegevensdienst_id: Annotated[
        str, typer.Argument(help="The entry to delete, e.g. 5501_NOTIFICATIE_TST.")
    ],
    database_url: DbOption = None,
) -> None:
    """Delete an entry: senders stop finding the endpoint at their next reload."""
    settings = _settings(database_url)
    with _guard(settings):
        key = normalise_gegevensdienst_id(gegevensdienst_id)
        _adresboek(settings).remove(key)
    typer.echo(f"removed {key}")


@adresboek_app.command("export")
def export(
    file: Annotated[
        Path | None,
        typer.Argument(help="Write here; default: standard output.", dir_okay=False),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Write the whole address book in the network's JSON format ({"electronicServices": [...]})."""
    settings = _settings(database_url)
    with _guard(settings):
        document = _adresboek(settings).export()
    text = _dump(document)
    if file is None:
        typer.echo(text, nl=False)
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {file}: {exc.strerror or exc}")
    typer.echo(f"exported {len(document[ROOT_KEY])} entries to {file}", err=True)


@adresboek_app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="Address-book JSON file ('-' = stdin).")],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Also delete the entries the file does not hold (the list becomes the file).",
        ),
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Load an address-book document, all or nothing: one bad entry and nothing changes."""
    settings = _settings(database_url)
    document = _read_json(file)
    with _guard(settings):
        result = _adresboek(settings).import_json(document, replace=replace)
    typer.echo(
        f"imported {file}: added {result.added}, updated {result.updated}, "
        f"unchanged {result.unchanged}, removed {result.removed}"
    )


@adresboek_app.command("resolve")
def resolve(
    organisatie: Annotated[
        str,
        typer.Argument(
            help="OrganisatieID (CIZ, an AGB, UZOVI or KvK number) or IDTYPE:value "
            "(e.g. UZOVI:5501, KVK:62253778)."
        ),
    ],
    functionaliteit: Annotated[str, typer.Argument(help="REGISTER, NOTIFICATIE or MELDING.")],
    systeemrol: Annotated[
        str,
        typer.Argument(help="REGISTER, MELDING, NOTIFICATIE_INDICATIE or NOTIFICATIE_BEMIDDELING."),
    ],
    omgeving: Annotated[
        str | None, typer.Option("--omgeving", help="PRD, ACC or TST; default IWLZ_OMGEVING.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    database_url: DbOption = None,
) -> None:
    """Show the endpoint a sender would use (PEP, token endpoint, audience), as senders do."""
    settings = _settings(database_url)
    with _guard(settings):
        org = organisatie_id(*organisatie.split(":", 1)) if ":" in organisatie else organisatie
        resolver = AdresboekResolver(
            _adresboek(settings), omgeving or settings.omgeving, reload_seconds=0
        )
        endpoint = resolver.resolve(org, functionaliteit, systeemrol)
    if as_json:
        typer.echo(
            _dump(
                {
                    "gegevensdienstId": endpoint.gegevensdienst_id,
                    "pep": endpoint.pep_uri,
                    "token": endpoint.token_uri,
                    "audience": endpoint.resource_uri,
                }
            ),
            nl=False,
        )
        return
    typer.echo(
        f"gegevensdienstId  {endpoint.gegevensdienst_id}\n"
        f"pep               {endpoint.pep_uri}\n"
        f"token             {endpoint.token_uri}\n"
        f"audience          {endpoint.resource_uri}"
    )
