"""``iwlz berichten validate|import|export``: estafette messages (iWlz 2.2) from files.

* ``validate`` checks files: safe to read, which message, its structure (the official XSDs when
  configured with ``IWLZ_XSD_DIR``/``--xsd-dir``, else iwlz's own description of them), and
  every business rule of its type (messages.md §3); ``--historie`` checks the files in order as
  one receiver would, so the stateful rules see the earlier files. Every finding carries its
  code and the retour code it implies. Exit status 1 when any file has findings, 2 for a usage
  error.
* ``import`` receives messages into the registers of a database and writes their retours.
* ``export`` builds messages from the registers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from lxml import etree

from iwlz.berichten.regels.historie import Historie
from iwlz.berichten.regels.motor import controleer as regels_controleer
from iwlz.berichten.retour import TECHNISCH_AFGEKEURD
from iwlz.berichten.verwerking import Onleesbaar, lees, structuurfouten
from iwlz.berichten.xml import DEFAULT_MAX_BYTES
from iwlz.berichten.xsd import SchemaSet

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
    structuur: str | None = None
    """Who checked the structure: ``xsd`` (the official schemas) or ``iwlz`` (our own)."""
    bevindingen: list[Bevinding] = field(default_factory=list)

    @property
    def goed(self) -> bool:
        return not self.bevindingen


def controleer(
    data: bytes,
    naam: str,
    schemas: SchemaSet | None,
    *,
    historie: Historie | None = None,
    vandaag: dt.date | None = None,
) -> Resultaat:
    """Check one message's bytes: readable, its structure (the official XSDs when given, else
    our own description of them), then — for a heenbericht — every business rule of its type,
    the stateful ones against ``historie`` when given. A heenbericht without findings is
    recorded in ``historie``, so a sequence of files is checked as one receiver would."""
    resultaat = Resultaat(naam)
    try:
        b = lees(data, max_bytes=DEFAULT_MAX_BYTES, alleen_heen=False)
    except Onleesbaar as exc:
        resultaat.bevindingen.append(Bevinding(exc.code, TECHNISCH_AFGEKEURD, "/", exc.melding))
        return resultaat
    resultaat.bericht = b.code
    fouten, door = structuurfouten(b, schemas)
    resultaat.schema = "afgekeurd" if fouten else "goed"
    resultaat.structuur = door
    for f in fouten:
        resultaat.bevindingen.append(
            Bevinding(
                "XSD" if door == "xsd" else "STRUCTUUR",
                TECHNISCH_AFGEKEURD,
                f"{f.path} (regel {f.line})" if f.line else f.path,
                f.melding,
            )
        )
    if fouten or not b.type.heen:
        return resultaat
    for r in regels_controleer(b, historie=historie, vandaag=vandaag):
        resultaat.bevindingen.append(Bevinding(r.regel, r.retourcode, r.pad, r.melding))
    if historie is not None and resultaat.goed:
        historie.registreer(b)
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
            help="Folder with the official iWlz 2.2 XSDs (default: IWLZ_XSD_DIR; none: iwlz's "
            "own description of the schemas).",
        ),
    ] = None,
    met_historie: Annotated[
        bool,
        typer.Option(
            "--historie",
            help="Check the files in order as one receiver: the stateful rules (TR056, "
            "TR063, TR074, …) see the files before them that passed.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check message files: safe to read, which message, structure, business rules."""
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
    historie: Historie | None = None
    if met_historie:
        from iwlz.berichten.regels.historie import GeheugenHistorie

        historie = GeheugenHistorie()
    results = [
        controleer(path.read_bytes(), str(path), schemas, historie=historie) for path in files
    ]
    if as_json:
        typer.echo(json.dumps([_json(r) for r in results], indent=2, ensure_ascii=False))
    else:
        for r in results:
            head = f"{r.bestand}: {r.bericht or '?'}"
            schema = f"{r.schema} ({r.structuur})" if r.structuur else r.schema
            status = "goed" if r.goed else f"{len(r.bevindingen)} bevinding(en)"
            typer.echo(f"{head} — schema {schema} — {status}")
            for b in r.bevindingen:
                typer.echo(f"  [{b.code} → {b.retourcode}] {b.locatie}: {b.melding}")
        if schemas is None:
            typer.echo(
                "(no XSD folder: checked with iwlz's own description of the schemas; set "
                "IWLZ_XSD_DIR or --xsd-dir to check against the official XSDs)"
            )
    if any(not r.goed for r in results):
        raise typer.Exit(1)


@berichten_app.command("regels")
def regels_command(
    bericht: Annotated[
        str | None,
        typer.Option("--bericht", help="Only the rules this heenbericht runs (e.g. AW35)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the business rules: code, retour code, whether it needs the receiver's history,
    the messages that run it (messages.md §3.2) and what it checks."""
    from iwlz.berichten.regels.basis import REGELS
    from iwlz.berichten.regels.motor import regels_voor
    from iwlz.berichten.regels.toepassing import TOEPASSING

    if bericht is not None and bericht.upper() not in TOEPASSING:
        typer.echo(
            f"error: {bericht!r} is not an iWlz 2.2 heenbericht; known: "
            f"{', '.join(sorted(TOEPASSING))}",
            err=True,
        )
        raise typer.Exit(2)
    chosen = regels_voor(bericht) if bericht else [REGELS[c] for c in sorted(REGELS)]
    rows: list[dict[str, Any]] = [
        {
            "code": r.code,
            "retourcode": r.retourcode,
            "historie": r.historie,
            "berichten": sorted(m for m, codes in TOEPASSING.items() if r.code in codes),
            "omschrijving": r.omschrijving,
        }
        for r in chosen
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        state = " S" if row["historie"] else "  "
        typer.echo(
            f"{row['code']} {row['retourcode']}{state}  {row['omschrijving']}  "
            f"[{' '.join(row['berichten'])}]"
        )
    typer.echo(f"{len(rows)} rule(s); S: needs the receiver's history")


@berichten_app.command("import")
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Heenberichten (XML), imported in this order.", exists=True, dir_okay=False
        ),
    ],
    retour_dir: Annotated[
        Path | None,
        typer.Option(
            "--retour-dir",
            help="Write each retour here as <file>.retour.xml (default: next to the message).",
            file_okay=False,
        ),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: IWLZ_DATABASE_URL).")
    ] = None,
    xsd_dir: Annotated[
        Path | None,
        typer.Option(
            "--xsd-dir",
            help="Official iWlz 2.2 XSDs (default: IWLZ_XSD_DIR; none: our own structure check).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Receive heenberichten as their receiver would: structure, business rules (the stateful
    ones against the stored history), import into the registers of this database — each
    message whole or not at all, in one transaction — and write the retour. Exit status 1 when
    a message was not accepted."""

    from iwlz.berichten.dienst import berichtendienst
    from iwlz.cli import _fail, _migrated_engine, _settings
    from iwlz.core.clock import SystemClock
    from iwlz.registers.bemiddeling.service import Bemiddelingsregister
    from iwlz.registers.indicatie.service import Indicatieregister
    from iwlz.registers.levering.service import Leveringsregister

    settings = _settings(database_url)
    if xsd_dir is not None:
        settings = settings.model_copy(update={"xsd_dir": str(xsd_dir)})
    if retour_dir is not None:
        retour_dir.mkdir(parents=True, exist_ok=True)
    engine = _migrated_engine(settings)
    clock = SystemClock()
    from iwlz.app import (
        bemiddelingsregister_hooks,
        indicatieregister_hooks,
        leveringsregister_hooks,
    )

    try:
        dienst = berichtendienst(
            settings,
            engine,
            clock,
            ir=Indicatieregister(engine, clock=clock, event_hooks=indicatieregister_hooks()),
            br=Bemiddelingsregister(engine, clock=clock, event_hooks=bemiddelingsregister_hooks()),
            lr=Leveringsregister(engine, clock=clock, event_hooks=leveringsregister_hooks()),
        )
    except FileNotFoundError as exc:
        _fail(str(exc))
        return
    uitkomsten: list[dict[str, Any]] = []
    for i, path in enumerate(files, 1):
        try:
            v = dienst.ontvang(path.read_bytes())
        except Onleesbaar as exc:
            uitkomsten.append(
                {"bestand": str(path), "status": "onleesbaar", "melding": exc.melding}
            )
            if not as_json:
                typer.echo(f"[{i}/{len(files)}] {path}: not read ({exc.code}): {exc.melding}")
            continue
        target = (retour_dir or path.parent) / f"{path.stem}.retour.xml"
        target.write_bytes(v.retour_bytes)
        status = "afgekeurd" if v.afgekeurd else "geaccepteerd" if v.geaccepteerd else "bevindingen"
        geschreven = sum(len(ids) for ids in v.geimporteerd.values())
        uitkomsten.append(
            {
                "bestand": str(path),
                "bericht": v.type.code,
                "status": status,
                "retour": str(target),
                "geimporteerd": v.geimporteerd,
                "bevindingen": [
                    {
                        "code": b.regel,
                        "retourcode": b.retourcode,
                        "locatie": b.pad,
                        "melding": b.melding,
                    }
                    for b in v.bevindingen
                ]
                + [
                    {
                        "code": "STRUCTUUR",
                        "retourcode": TECHNISCH_AFGEKEURD,
                        "locatie": f.path,
                        "melding": f.melding,
                    }
                    for f in v.structuurfouten
                ],
            }
        )
        if not as_json:
            typer.echo(
                f"[{i}/{len(files)}] {path}: {v.type.code} {status}, {geschreven} object(s) "
                f"written, retour {v.type.tegenhanger} → {target}"
            )
            for b in v.bevindingen:
                typer.echo(f"  [{b.regel} → {b.retourcode}] {b.pad}: {b.melding}")
            for f in v.structuurfouten[:10]:
                typer.echo(f"  [STRUCTUUR → {TECHNISCH_AFGEKEURD}] {f.path}: {f.melding}")
    if as_json:
        typer.echo(json.dumps(uitkomsten, indent=2, ensure_ascii=False, default=str))
    if any(u["status"] != "geaccepteerd" for u in uitkomsten):
        raise typer.Exit(1)


EXPORTS = ("io31", "aw33", "zk31", "zk33", "aw35", "aw39", "ca317", "ca319")


@berichten_app.command("export")
def export_command(
    bericht: Annotated[
        str,
        typer.Argument(help=f"The message to build: {', '.join(EXPORTS)}."),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="File to write (it is replaced).", dir_okay=False)
    ],
    zorgkantoor: Annotated[
        str | None,
        typer.Option(
            "--zorgkantoor",
            help="UZOVI of the zorgkantoor: the receiver of IO31/AW35/AW39, the sender of "
            "AW33/ZK31/ZK33/CA317/CA319.",
        ),
    ] = None,
    aanbieder: Annotated[
        str | None,
        typer.Option(
            "--aanbieder", help="AGB of the aanbieder: receiver of AW33, sender of AW35/AW39."
        ),
    ] = None,
    ontvanger: Annotated[
        str | None,
        typer.Option("--ontvanger", help="UZOVI of the receiving zorgkantoor (ZK33)."),
    ] = None,
    overdracht: Annotated[
        str | None, typer.Option("--overdracht", help="overdrachtID (ZK31).")
    ] = None,
    klasse: Annotated[
        str | None,
        typer.Option(
            "--klasse",
            help="ZZP Klasse (KE4–KE7) for AW35/AW39 records the registers hold none for.",
        ),
    ] = None,
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
    """Build an estafette message from the registers — what its sender would have sent for
    what the registers hold — check it (structure and business rules; the official XSDs when
    configured) and write it. Nothing is written when a check fails."""
    from iwlz.berichten import brug_br, brug_lr_export
    from iwlz.berichten.brug import Registers
    from iwlz.berichten.io31 import ExportFout
    from iwlz.cli import _fail, _migrated_engine, _settings
    from iwlz.core.clock import SystemClock
    from iwlz.registers.bemiddeling.service import Bemiddelingsregister
    from iwlz.registers.indicatie.service import Indicatieregister
    from iwlz.registers.levering.service import Leveringsregister

    soort = bericht.lower()
    if soort not in EXPORTS:
        _fail(f"cannot export {bericht!r}; supported: {', '.join(EXPORTS)}")
        return
    nodig = {
        "io31": ("zorgkantoor",),
        "aw33": ("zorgkantoor", "aanbieder"),
        "zk31": ("zorgkantoor", "overdracht"),
        "zk33": ("zorgkantoor", "ontvanger"),
        "aw35": ("aanbieder", "zorgkantoor"),
        "aw39": ("aanbieder", "zorgkantoor"),
        "ca317": ("zorgkantoor",),
        "ca319": ("zorgkantoor",),
    }[soort]
    gegeven = {
        "zorgkantoor": zorgkantoor,
        "aanbieder": aanbieder,
        "ontvanger": ontvanger,
        "overdracht": overdracht,
    }
    ontbreekt = [f"--{n}" for n in nodig if not gegeven[n]]
    if ontbreekt:
        _fail(f"{soort} needs {' and '.join(ontbreekt)}")
        return
    settings = _settings(database_url)
    folder = xsd_dir or (Path(settings.xsd_dir) if settings.xsd_dir else None)
    engine = _migrated_engine(settings)
    clock = SystemClock()
    regs = Registers(
        engine=engine,
        clock=clock,
        ir=Indicatieregister(engine, clock=clock),
        br=Bemiddelingsregister(engine, clock=clock),
        lr=Leveringsregister(engine, clock=clock),
    )
    dag = dt.date.today()
    zk, za = zorgkantoor or "", aanbieder or ""
    overgeslagen: list[str] = []
    try:
        if soort == "io31":
            root = brug_br.io31_uit_registers(
                regs, zk, identificatie=identificatie, dagtekening=dag, overgeslagen=overgeslagen
            )
        elif soort == "aw33":
            root = brug_br.aw33_uit_registers(
                regs, zk, ontvanger=za, identificatie=identificatie, dagtekening=dag
            )
        elif soort == "zk31":
            root = brug_br.zk31_uit_registers(
                regs, zk, overdracht or "", identificatie=identificatie, dagtekening=dag
            )
        elif soort == "zk33":
            root = brug_br.zk33_uit_registers(
                regs, zk, ontvanger=ontvanger or "", identificatie=identificatie, dagtekening=dag
            )
        elif soort in ("aw35", "aw39"):
            bouw = (
                brug_lr_export.aw35_uit_registers
                if soort == "aw35"
                else brug_lr_export.aw39_uit_registers
            )
            root = bouw(
                regs, za, ontvanger=zk, identificatie=identificatie, dagtekening=dag, klasse=klasse
            )
        else:
            bouw_ca = (
                brug_lr_export.ca317_uit_registers
                if soort == "ca317"
                else brug_lr_export.ca319_uit_registers
            )
            root = bouw_ca(regs, zk, identificatie=identificatie, dagtekening=dag)
    except ExportFout as exc:
        _fail(str(exc))
        return
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    uitkomst = controleer(
        data, str(out), SchemaSet(folder) if folder is not None else None, vandaag=dag
    )
    if not uitkomst.goed:
        for b in uitkomst.bevindingen[:10]:
            typer.echo(f"  [{b.code} → {b.retourcode}] {b.locatie}: {b.melding}", err=True)
        _fail("the message does not pass its checks; nothing was written")
        return
    out.write_bytes(data)
    for reden in overgeslagen[:5]:
        typer.echo(f"  left out: {reden}", err=True)
    if len(overgeslagen) > 5:
        typer.echo(f"  … and {len(overgeslagen) - 5} more left out", err=True)
    clienten = len(list(root.iter("{*}Client")))
    typer.echo(
        f"{out}: {soort.upper()}, {clienten} client(s), {len(data):,} bytes, "
        f"schema goed ({uitkomst.structuur}), no rule findings"
    )


def _json(r: Resultaat) -> dict[str, Any]:
    return {
        "bestand": r.bestand,
        "bericht": r.bericht,
        "schema": r.schema,
        "structuur": r.structuur,
        "goed": r.goed,
        "bevindingen": [asdict(b) for b in r.bevindingen],
    }


__all__ = ["Bevinding", "Resultaat", "berichten_app", "controleer"]
