"""``iwlz berichten validate``: per file the message, the schema result and each finding with
the retour code it implies; exit 1 on findings; --json for machines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
