"""``iwlz adresboek`` through Typer's test runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iwlz.adresboek import Adresboek, adresboek_service
from iwlz.adresboek.cli import adresboek_app
from iwlz.config import get_settings
from iwlz.core import migrate
from iwlz.core.db import create_engine
from iwlz.core.metadata import metadata

from .conftest import PEP, TOKEN, entry

runner = CliRunner()


@pytest.fixture
def url(db_url: str) -> Iterator[str]:
    """A migrated database (plus the adresboek table until its migration exists)."""
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    metadata.create_all(engine, tables=[adresboek_service])
    engine.dispose()
    yield db_url


def run(url: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(adresboek_app, [*args, "--database-url", url], input=input)
    return result.exit_code, result.stdout, result.stderr


def stored(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return [s.gegevensdienst_id for s in Adresboek(engine).list()]
    finally:
        engine.dispose()


def test_every_command_has_help() -> None:
    for command in ("list", "add", "remove", "export", "import", "resolve"):
        result = runner.invoke(adresboek_app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "--database-url" in result.stdout


def test_add_from_options_list_resolve_remove(url: str) -> None:
    code, out, err = run(
        url,
        "add",
        "--gegevensdienst-id",
        "5501-notificatie-tst",
        "--naam",
        "notificaties voor zorgkantoor 5501",
        "--pep",
        PEP,
        "--token",
        TOKEN,
        "--rol",
        "NOTIFICATIE_INDICATIE=https://zk.example/ni",
        "--rol",
        "notificatie_bemiddeling=https://zk.example/nb",
    )
    assert code == 0, err
    assert out == "added 5501_NOTIFICATIE_TST (NOTIFICATIE_INDICATIE, NOTIFICATIE_BEMIDDELING)\n"

    code, out, err = run(url, "list")
    assert code == 0
    assert out.splitlines() == [
        "5501_NOTIFICATIE_TST         NOTIFICATIE_INDICATIE    https://zk.example/ni",
        "5501_NOTIFICATIE_TST         NOTIFICATIE_BEMIDDELING  https://zk.example/nb",
    ]
    assert "1 services" in err

    code, out, _ = run(url, "list", "--json")
    listed = json.loads(out)
    assert listed[0]["gegevensdienstId"] == "5501_NOTIFICATIE_TST"
    assert listed[0]["weergavenaam"] == "notificaties voor zorgkantoor 5501"
    assert listed[0]["systeemrollen"] == {
        "NOTIFICATIE_INDICATIE": "https://zk.example/ni",
        "NOTIFICATIE_BEMIDDELING": "https://zk.example/nb",
    }
    assert listed[0]["createdAt"]

    code, out, err = run(
        url,
        "resolve",
        "UZOVI:5501",
        "notificatie",
        "NOTIFICATIE_BEMIDDELING",
        "--omgeving",
        "TST",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) == {
        "gegevensdienstId": "5501_NOTIFICATIE_TST",
        "pep": PEP,
        "token": TOKEN,
        "audience": "https://zk.example/nb",
    }
    code, out, _ = run(
        url, "resolve", "5501", "NOTIFICATIE", "NOTIFICATIE_INDICATIE", "--omgeving", "TST"
    )
    assert code == 0 and "audience          https://zk.example/ni" in out

    code, out, _ = run(url, "remove", "5501-NOTIFICATIE-TST")
    assert (code, out) == (0, "removed 5501_NOTIFICATIE_TST\n")
    assert stored(url) == []


def test_add_defaults_description_and_token(url: str) -> None:
    code, _out, err = run(
        url,
        "add",
        "--gegevensdienst-id",
        "CIZ_MELDING_TST",
        "--naam",
        "meldingen CIZ",
        "--pep",
        PEP,
        "--rol",
        "MELDING=https://ciz.example/m",
    )
    assert code == 0, err
    engine = create_engine(url)
    service = Adresboek(engine).get("CIZ_MELDING_TST")
    engine.dispose()
    assert service is not None
    assert service.description == "meldingen CIZ"
    assert service.token_uri == get_settings().public_url.rstrip("/") + "/oauth/token"
    # Again, the same: unchanged; with another role: updated.
    args = [
        "add",
        "--gegevensdienst-id",
        "CIZ_MELDING_TST",
        "--naam",
        "meldingen CIZ",
        "--pep",
        PEP,
    ]
    assert run(url, *args, "--rol", "MELDING=https://ciz.example/m")[1].startswith("unchanged")
    assert run(url, *args, "--rol", "MELDING=https://ciz.example/m2")[1].startswith("updated")


def test_add_from_json_file_and_stdin(url: str, tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(entry("CIZ_REGISTER_TST")))
    code, out, err = run(url, "add", str(single))
    assert (code, out) == (0, "added CIZ_REGISTER_TST (REGISTER)\n"), err
    code, out, _ = run(
        url,
        "add",
        "-",
        input=json.dumps(
            {"electronicServices": [entry("5501_MELDING_TST"), entry("CIZ_REGISTER_TST")]}
        ),
    )
    assert (code, out) == (0, "added 1, updated 0, unchanged 1 entries\n")
    assert stored(url) == ["5501_MELDING_TST", "CIZ_REGISTER_TST"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "--naam", "x"], "missing --gegevensdienst-id, --pep, --rol"),
        (
            [
                "add",
                "--gegevensdienst-id",
                "5501_MELDING_TST",
                "--naam",
                "x",
                "--pep",
                PEP,
                "--rol",
                "MELDING",
            ],
            "--rol 'MELDING' is not CODE=URI",
        ),
        (
            [
                "add",
                "--gegevensdienst-id",
                "5501.MELDING.TST",
                "--naam",
                "x",
                "--pep",
                PEP,
                "--rol",
                "MELDING=https://a/",
            ],
            "gegevensdienstId: gegevensdienstId '5501.MELDING.TST' is not",
        ),
        (
            [
                "add",
                "--gegevensdienst-id",
                "5501_MELDING_TST",
                "--naam",
                "x",
                "--pep",
                "ftp://pep",
                "--rol",
                "MELDING=https://a/",
            ],
            "is not an absolute http(s) URI",
        ),
        (["add", "nonexistent.json"], "cannot read nonexistent.json"),
        (["remove", "5501_MELDING_TST"], "no entry 5501_MELDING_TST"),
        (["remove", "5501_MELDING"], "is not [OrganisatieID]_[Functionaliteit]_[Omgeving]"),
        (
            ["resolve", "5501", "MELDING", "MELDING", "--omgeving", "TST"],
            "no entry 5501_MELDING_TST (needed for systeemrol MELDING)",
        ),
        (["resolve", "5501", "MELDING", "MELDING", "--omgeving", "DEV"], "Omgeving 'DEV'"),
        (["resolve", "BSN:123456782", "MELDING", "MELDING"], "has no address-book OrganisatieID"),
        (["list", "--omgeving", "XYZ"], "Omgeving 'XYZ'"),
    ],
)
def test_errors_say_what_to_do(url: str, args: list[str], message: str) -> None:
    code, _out, err = run(url, *args)
    assert code == 2
    assert message in " ".join(err.split()), err


def test_add_refuses_a_file_and_options_together(url: str, tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(entry()))
    code, _, err = run(url, "add", str(path), "--naam", "x")
    assert code == 2 and "either a JSON file or the options" in err


def test_resolve_miss_names_the_add_command(url: str) -> None:
    code, _, err = run(url, "resolve", "CIZ", "MELDING", "MELDING", "--omgeving", "TST")
    assert code == 2
    assert "iwlz adresboek add --gegevensdienst-id CIZ_MELDING_TST" in " ".join(err.split())


def test_export_and_import(url: str, tmp_path: Path) -> None:
    doc = {
        "_comment": "lijst",
        "electronicServices": [
            entry("5501_MELDING_TST"),
            entry("CIZ_REGISTER_TST", fgEmail="fg@ciz.example"),
        ],
    }
    source = tmp_path / "in.json"
    source.write_text(json.dumps(doc))
    code, out, err = run(url, "import", str(source))
    assert (code, out) == (0, f"imported {source}: added 2, updated 0, unchanged 0, removed 0\n"), (
        err
    )

    code, out, _ = run(url, "export")
    exported = json.loads(out)
    assert list(exported) == ["electronicServices"]
    assert exported["electronicServices"][1]["fgEmail"] == "fg@ciz.example"
    target = tmp_path / "sub" / "out.json"
    code, _, err = run(url, "export", str(target))
    assert code == 0 and "exported 2 entries" in err
    assert json.loads(target.read_text()) == exported

    smaller = tmp_path / "smaller.json"
    smaller.write_text(json.dumps({"electronicServices": [entry("CIZ_REGISTER_TST")]}))
    code, out, _ = run(url, "import", str(smaller), "--replace")
    assert out.endswith("added 0, updated 1, unchanged 0, removed 1\n")
    assert stored(url) == ["CIZ_REGISTER_TST"]

    code, out, _ = run(url, "import", "-", "--replace", input=target.read_text())
    assert code == 0 and stored(url) == ["5501_MELDING_TST", "CIZ_REGISTER_TST"]


def test_import_with_a_bad_entry_changes_nothing(url: str, tmp_path: Path) -> None:
    run(url, "add", "-", input=json.dumps(entry("CIZ_REGISTER_TST")))
    bad = entry("5501_MELDING_TST")
    bad["systeemrollen"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"electronicServices": [entry("5502_MELDING_TST"), bad]}))
    code, _, err = run(url, "import", str(path), "--replace")
    assert code == 2
    assert "electronicServices[1]" in err and "systeemrollen: must be a list" in err
    assert "nothing was changed" in err
    assert stored(url) == ["CIZ_REGISTER_TST"]
    path.write_text("{not json")
    code, _, err = run(url, "import", str(path))
    assert code == 2 and "is not valid JSON" in err and "line 1" in err


def test_unmigrated_database_is_reported(tmp_path: Path) -> None:
    code, _, err = run(f"sqlite:///{tmp_path / 'empty.db'}", "list")
    assert code == 2 and "iwlz db upgrade" in err


def test_missing_table_is_reported(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        adresboek_service.drop(conn, checkfirst=True)
    engine.dispose()
    code, _, err = run(db_url, "list")
    assert code == 2
    assert "adresboek_service" in err and "iwlz db upgrade" in err
