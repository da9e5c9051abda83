"""``iwlz berichten validate`` (check estafette message files) and ``iwlz berichten export``.

Per file: can it be read safely (see :mod:`iwlz.berichten.xml`), which message is it, and — when
the official XSDs are configured (``IWLZ_XSD_DIR`` or ``--xsd-dir``) — does it follow its
schema. Every finding carries the retour code it implies: a message that cannot be read or fails
its schema is rejected as a whole (``0001``, messages.md §1.4). Exit status 1 when any file has
findings, 2 for a usage error.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from iwlz.berichten.catalogus import BERICHTEN
from iwlz.berichten.retour import TECHNISCH_AFGEKEURD
from iwlz.berichten.xml import DEFAULT_MAX_BYTES, BerichtFout, parse_bericht
from iwlz.berichten.xsd import SchemaSet, message_code

berichten_app = typer.Typer(
    help="Estafette messages (iWlz 2.2): check message files.", no_args_is_help=True
)


@dataclass
class Bevinding:
    """One finding: rule or check code, the retour code it implies, where, and what."""

    code: str
    retourcode: str
    locatie: str
    melding: str


@dataclass
class Resultaat:
    bestand: str
    bericht: str | None = None
    schema: str = "niet gecontroleerd"
    bevindingen: list[Bevinding] = field(default_factory=list)

    @property
    def goed(self) -> bool:
        return not self.bevindingen


def controleer(data: bytes, naam: str, schemas: SchemaSet | None) -> Resultaat:
    """Check one message's bytes (see the module docstring)."""
    resultaat = Resultaat(naam)
    try:
        parsed = parse_bericht(data, max_bytes=DEFAULT_MAX_BYTES)
    except BerichtFout as exc:
        resultaat.bevindingen.append(Bevinding(exc.code, TECHNISCH_AFGEKEURD, "/", exc.melding))
        return resultaat
    found = message_code(parsed.namespace)
    if found is None or found[:2] != ("iwlz", "2_2") or found[2] not in BERICHTEN:
        resultaat.bevindingen.append(
            Bevinding(
                "BERICHT",
                TECHNISCH_AFGEKEURD,
                f"/{parsed.naam}",
                f"Unknown message namespace {parsed.namespace!r}: expected an iWlz 2.2 message "
                f"({', '.join(sorted(BERICHTEN))}).",
            )
        )
        return resultaat
    resultaat.bericht = found[2]
    if schemas is not None:
        _, fouten = schemas.validate(parsed.root)
        resultaat.schema = "afgekeurd" if fouten else "goed"
        for f in fouten:
            resultaat.bevindingen.append(
                Bevinding("XSD", TECHNISCH_AFGEKEURD, f"{f.path} (regel {f.line})", f.melding)
            )
    return resultaat


@berichten_app.command("validate")
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Message files (XML).", exists=True, dir_okay=False, readable=True),
    ],
    xsd_dir: Annotated[
        Path | None,
        typer.Option(
            "--xsd-dir",
            help="Folder with the official iWlz 2.2 XSDs (default: IWLZ_XSD_DIR; none: the "
            "schema check is skipped).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check message files: safe to read, which message, and its schema (when configured)."""
    folder = xsd_dir
    if folder is None:
        from iwlz.config import get_settings

        configured = get_settings().xsd_dir
        folder = Path(configured) if configured else None
    try:
        schemas = SchemaSet(folder) if folder is not None else None
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    results = [controleer(path.read_bytes(), str(path), schemas) for path in files]
    if as_json:
        typer.echo(json.dumps([_json(r) for r in results], indent=2, ensure_ascii=False))
    else:
        for r in results:
            head = f"{r.bestand}: {r.bericht or '?'}"
            status = "goed" if r.goed else f"{len(r.bevindingen)} bevinding(en)"
            typer.echo(f"{head} — schema {r.schema} — {status}")
            for b in r.bevindingen:
                typer.echo(f"  [{b.code} → {b.retourcode}] {b.locatie}: {b.melding}")
        if schemas is None:
            typer.echo("(no XSD folder: set IWLZ_XSD_DIR or --xsd-dir to check the schemas)")
    if any(not r.goed for r in results):
        raise typer.Exit(1)


@berichten_app.command("export")
def export_command(
    bericht: Annotated[str, typer.Argument(help="The message to build: io31.")],
    zorgkantoor: Annotated[
        str,
        typer.Option(
            "--zorgkantoor",
            help="UZOVI of the receiving zorgkantoor: the indications it is initially "
            "responsible for.",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="File to write (it is replaced).", dir_okay=False)
    ],
    identificatie: Annotated[
        str, typer.Option(help="BerichtIdentificatie (1–12 characters).")
    ] = "IWLZ0001",
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: IWLZ_DATABASE_URL).")
    ] = None,
    xsd_dir: Annotated[
        Path | None,
        typer.Option("--xsd-dir", help="Check the result against the official XSDs here."),
    ] = None,
) -> None:
    """Build an estafette message from the registers (now: IO31 from the Indicatieregister)
    and write it; with the official XSDs at hand it is checked before it is written."""
    import datetime as dt

    from graphql import graphql_sync
    from lxml import etree

    from iwlz.berichten.io31 import IO31_QUERY, ExportFout, io31
    from iwlz.cli import _fail, _migrated_engine, _settings
    from iwlz.registers.indicatie.api import build_read_schema
    from iwlz.registers.indicatie.service import Indicatieregister

    if bericht.lower() != "io31":
        _fail(f"cannot export {bericht!r} yet; supported: io31")
        return
    settings = _settings(database_url)
    folder = xsd_dir or (Path(settings.xsd_dir) if settings.xsd_dir else None)
    result = graphql_sync(
        build_read_schema(),
        IO31_QUERY,
        variable_values={"where": {"initieelVerantwoordelijkZorgkantoor": {"eq": zorgkantoor}}},
        context_value={"indicatieregister": Indicatieregister(_migrated_engine(settings))},
    )
    if result.errors:
        _fail(f"reading the Indicatieregister failed: {result.errors[0].message}")
        return
    rows = (result.data or {}).get("wlzIndicatie") or []
    if not rows:
        _fail(f"the Indicatieregister holds no indications for zorgkantoor {zorgkantoor}")
        return
    try:
        root = io31(
            rows, ontvanger=zorgkantoor, identificatie=identificatie, dagtekening=dt.date.today()
        )
    except ExportFout as exc:
        _fail(str(exc))
        return
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if folder is not None:
        uitkomst = controleer(data, str(out), SchemaSet(folder))
        if not uitkomst.goed:
            for b in uitkomst.bevindingen[:10]:
                typer.echo(f"  {b.locatie}: {b.melding}", err=True)
            _fail("the message does not pass the official XSD; nothing was written")
            return
    out.write_bytes(data)
    typer.echo(
        f"{out}: IO31 for zorgkantoor {zorgkantoor}, {len(rows)} client(s), {len(data):,} bytes"
    )


def _json(r: Resultaat) -> dict[str, Any]:
    return {
        "bestand": r.bestand,
        "bericht": r.bericht,
        "schema": r.schema,
        "goed": r.goed,
        "bevindingen": [asdict(b) for b in r.bevindingen],
    }


__all__ = ["Bevinding", "Resultaat", "berichten_app", "controleer"]
