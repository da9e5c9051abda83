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
    assert "CA317 — schema goed — goed" in result.output


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
    assert "schema niet gecontroleerd" in result.output
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
    assert f"IO31 for zorgkantoor {zk}" in result.output
    checked = runner.invoke(app, ["berichten", "validate", str(out), "--xsd-dir", str(xsd)])
    assert checked.exit_code == 0, checked.output
    # A zorgkantoor without indications: a clear error, nothing written.
    empty = tmp_path / "leeg.xml"
    args = ["berichten", "export", "io31", "--zorgkantoor", "5599", "--out", str(empty)]
    refused = runner.invoke(app, [*args, "--database-url", url])
    assert refused.exit_code == 2 and not empty.exists()
    assert "no indications for zorgkantoor 5599" in refused.output


def _first_zorgkantoor(engine: Engine) -> str:
    import sqlalchemy as sa

    from iwlz.registers.indicatie.models import wlz_indicatie

    with engine.connect() as conn:
        return str(
            conn.execute(
                sa.select(wlz_indicatie.c.initieelVerantwoordelijkZorgkantoor).limit(1)
            ).scalar_one()
        )
