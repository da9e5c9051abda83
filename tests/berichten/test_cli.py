"""``iwlz berichten validate``: per file the message, the schema result and each finding with
the retour code it implies; exit 1 on findings; --json for machines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from iwlz.cli import _mount, app

from .test_retour import CA317

runner = CliRunner()


@pytest.fixture(autouse=True)
def mounted() -> None:
    _mount()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "goed": tmp_path / "ca317.xml",
        "fout": tmp_path / "ca317-fout.xml",
        "xxe": tmp_path / "xxe.xml",
    }
    out["goed"].write_bytes(CA317)
    out["fout"].write_bytes(CA317.replace(b"<ZzpCode>755</ZzpCode>", b"<ZzpCode>5VV</ZzpCode>"))
    out["xxe"].write_bytes(
        b'<!DOCTYPE b [<!ENTITY x SYSTEM "file:///etc/passwd">]><Bericht xmlns="urn:x">&x;</Bericht>'
    )
    return out


def test_valid_message_with_the_official_schemas(shared_dir: Path, files: dict[str, Path]) -> None:
    xsd = shared_dir / "reference" / "iwlz-2.2-xsd"
    result = runner.invoke(
        app, ["berichten", "validate", str(files["goed"]), "--xsd-dir", str(xsd)]
    )
    assert result.exit_code == 0, result.output
    assert "CA317 — schema goed (xsd) — goed" in result.output


def test_findings_with_retour_codes_and_json(shared_dir: Path, files: dict[str, Path]) -> None:
    xsd = shared_dir / "reference" / "iwlz-2.2-xsd"
    args = ["berichten", "validate", str(files["fout"]), str(files["xxe"]), "--xsd-dir", str(xsd)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 1
    fout, xxe = json.loads(result.output)
    assert fout["bericht"] == "CA317" and fout["schema"] == "afgekeurd" and not fout["goed"]
    (b,) = fout["bevindingen"]
    assert b["code"] == "XSD" and b["retourcode"] == "0001"
    assert b["locatie"].startswith(
        "/Bericht/Clienten/Client/ZorgLeveringen/GeleverdeZorg[1]/ZzpCode"
    )
    assert xxe["bericht"] is None
    assert [(x["code"], x["retourcode"]) for x in xxe["bevindingen"]] == [("DTD", "0001")]


def test_without_schemas_the_reading_is_still_checked(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["berichten", "validate", str(files["goed"])])
    assert result.exit_code == 0, result.output
    assert "CA317 — schema goed (iwlz) — goed" in result.output
    assert "IWLZ_XSD_DIR" in result.output


def test_a_wrong_xsd_folder_is_a_usage_error(tmp_path: Path, files: dict[str, Path]) -> None:
    result = runner.invoke(
        app, ["berichten", "validate", str(files["goed"]), "--xsd-dir", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert "IWLZ_XSD_DIR" in result.output


def test_export_io31_from_the_register(shared_dir: Path, tmp_path: Path) -> None:
    import datetime as dt

    from iwlz.core import migrate
    from iwlz.core.db import create_engine
    from iwlz.demo.synthetic import generate
    from iwlz.registers.indicatie.service import Indicatieregister

    url = f"sqlite:///{tmp_path / 'ir.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    ir = Indicatieregister(engine)
    rows = [c.indicatie for c in generate(20, seed=3, today=dt.date(2026, 11, 27))]
    assert all(u.geslaagd for u in ir.registreer_batch(rows))
    zk = _first_zorgkantoor(engine)
    engine.dispose()
    xsd = shared_dir / "reference" / "iwlz-2.2-xsd"
    out = tmp_path / "io31.xml"
    args = ["berichten", "export", "io31", "--zorgkantoor", zk, "--out", str(out)]
    result = runner.invoke(app, [*args, "--database-url", url, "--xsd-dir", str(xsd)])
    assert result.exit_code == 0, result.output
    assert f"{out}: IO31, " in result.output and "no rule findings" in result.output
    checked = runner.invoke(app, ["berichten", "validate", str(out), "--xsd-dir", str(xsd)])
    assert checked.exit_code == 0, checked.output
    # A zorgkantoor without indications: a clear error, nothing written.
    empty = tmp_path / "leeg.xml"
    args = ["berichten", "export", "io31", "--zorgkantoor", "5599", "--out", str(empty)]
    refused = runner.invoke(app, [*args, "--database-url", url])
    assert refused.exit_code == 2 and not empty.exists()
    assert "holds no indications for zorgkantoor 5599" in refused.output


def _first_zorgkantoor(engine: Engine) -> str:
    import sqlalchemy as sa

    from iwlz.registers.indicatie.models import wlz_indicatie

    with engine.connect() as conn:
        return str(
            conn.execute(
                sa.select(wlz_indicatie.c.initieelVerantwoordelijkZorgkantoor).limit(1)
            ).scalar_one()
        )


def test_import_receives_messages_and_writes_their_retours(tmp_path: Path) -> None:
    from iwlz.core import migrate
    from iwlz.core.db import create_engine

    from .keten import keten

    url = f"sqlite:///{tmp_path / 'reg.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    k = keten(seed=41)
    files = []
    for naam, data in (("io31", k.io31), ("aw33", k.aw33), ("aw35", k.aw35)):
        path = tmp_path / f"{naam}.xml"
        path.write_bytes(data)
        files.append(str(path))
    retour_dir = tmp_path / "retour"
    args = ["berichten", "import", *files, "--database-url", url, "--retour-dir", str(retour_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "[3/3]" in result.output and "AW35 geaccepteerd" in result.output
    assert sorted(p.name for p in retour_dir.iterdir()) == [
        "aw33.retour.xml",
        "aw35.retour.xml",
        "io31.retour.xml",
    ]
    # The same files again: TR056 on every one, nothing written, exit status 1.
    again = runner.invoke(app, [*args, "--json"])
    assert again.exit_code == 1
    uitkomsten = json.loads(again.output)
    assert [u["status"] for u in uitkomsten] == ["bevindingen"] * 3
    assert all(any(b["retourcode"] == "9056" for b in u["bevindingen"]) for u in uitkomsten)
    assert all(u["geimporteerd"] == {} for u in uitkomsten)


def test_validate_with_history_sees_earlier_files(files: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "nog-eens.xml"
    copy.write_bytes(files["goed"].read_bytes())
    result = runner.invoke(
        app, ["berichten", "validate", str(files["goed"]), str(copy), "--historie", "--json"]
    )
    assert result.exit_code == 1
    eerste, tweede = json.loads(result.output)
    assert eerste["goed"]
    # The same Identificatie (TR056) and the same two GeleverdeZorgIDs as new records (TR074).
    assert [(b["code"], b["retourcode"]) for b in tweede["bevindingen"]] == [
        ("TR056", "9056"),
        ("TR074", "9074"),
        ("TR074", "9074"),
    ]


def test_rules_are_listed_per_message() -> None:
    result = runner.invoke(app, ["berichten", "regels", "--bericht", "AW35", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in json.loads(result.output)}
    assert rows["TR019"]["retourcode"] == "9019" and rows["TR019"]["historie"]
    assert "AW35" in rows["CD004"]["berichten"] and "TR100" in rows
    refused = runner.invoke(app, ["berichten", "regels", "--bericht", "AW36"])
    assert refused.exit_code == 2 and "not an iWlz 2.2 heenbericht" in refused.output


def test_export_needs_its_parties(tmp_path: Path) -> None:
    out = tmp_path / "x.xml"
    result = runner.invoke(app, ["berichten", "export", "aw33", "--out", str(out)])
    assert result.exit_code == 2 and "--zorgkantoor and --aanbieder" in result.output
    result = runner.invoke(app, ["berichten", "export", "aw36", "--out", str(out)])
    assert result.exit_code == 2 and "supported: io31, aw33" in result.output
    assert not out.exists()
