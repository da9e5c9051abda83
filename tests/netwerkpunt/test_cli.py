"""``iwlz inbox …`` and ``iwlz meldingen …`` on a local database."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from iwlz.config import get_settings
from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.core.metadata import metadata
from iwlz.netwerkpunt.cli import inbox_app, meldingen_app
from iwlz.netwerkpunt.service import Inbox
from iwlz.nid.audit import AuditLog

from .conftest import CIZ, NOW, TEST_TABLES, ZK, melding, notificatie

app = typer.Typer()
app.add_typer(inbox_app, name="inbox")
app.add_typer(meldingen_app, name="meldingen")
runner = CliRunner()
AUDIT_KEY = "cli-test-audit-key-0123456789"


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Inbox]]:
    """A database at the head revision with the netwerkpunt tables, and an inbox on it."""
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    metadata.create_all(engine, tables=TEST_TABLES, checkfirst=True)
    monkeypatch.setenv("IWLZ_AUDIT_BSN_KEY", AUDIT_KEY)
    get_settings.cache_clear()
    yield db_url, Inbox(engine, FixedClock(NOW))
    get_settings.cache_clear()
    engine.dispose()


def run(db_url: str, *args: str) -> object:
    return runner.invoke(app, [*args, "--database-url", db_url])


def test_inbox_list_and_ack(cli_db: tuple[str, Inbox]) -> None:
    url, inbox = cli_db
    a = inbox.ontvang_notificatie(ZK, notificatie())
    b = inbox.ontvang_notificatie(ZK, notificatie(eventType="VERVALLEN_INDICATIE_ZORGKANTOOR"))

    result = run(url, "inbox", "list", "uzovi:5505")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and str(a.item_id) in lines[0] and "NEW" in lines[0]
    assert "NIEUWE_INDICATIE_ZORGKANTOOR" in lines[0] and "KVK:62253778" in lines[0]

    result = run(url, "inbox", "ack", "UZOVI:5505", str(a.item_id))
    assert result.exit_code == 0 and "acknowledged 1" in result.stdout
    listed = json.loads(run(url, "inbox", "list", "UZOVI:5505", "--json").stdout)
    assert [i["itemID"] for i in listed] == [str(b.item_id)]
    listed = json.loads(run(url, "inbox", "list", "UZOVI:5505", "--all", "--json").stdout)
    assert len(listed) == 2 and listed[0]["bevestigdOp"] is not None

    result = run(
        url, "inbox", "ack", "UZOVI:5505", str(b.item_id), "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )
    assert result.exit_code == 1 and "not in this inbox" in result.output
    inbox.ontvang_melding(CIZ, melding())
    result = run(url, "inbox", "ack", "KVK:62253778", "--all")
    assert result.exit_code == 0 and "acknowledged 1 items" in result.stdout
    assert (
        json.loads(run(url, "inbox", "list", "KVK:62253778", "--soort", "melding", "--json").stdout)
        == []
    )


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["inbox", "list", "5505"], "is not <idtype>:<value>"),
        (["inbox", "list", "UZOVI:55055"], "not a valid UZOVI"),
        (["inbox", "list", "UZOVI:5505", "--soort", "brief"], "soort must be one of"),
        (["inbox", "ack", "UZOVI:5505"], "give item IDs or --all"),
        (["inbox", "ack", "UZOVI:5505", "nope"], "not a UUID"),
        (["inbox", "webhook", "UZOVI:5505", "--url", "ftp://x.example/"], "http://"),
        (["inbox", "webhook", "UZOVI:5505", "--url", "https://x.example/", "--delete"], "not both"),
        (["meldingen", "list", "KVK:62253778", "--status", "KLAAR"], "status must be one of"),
    ],
)
def test_errors_are_explained(cli_db: tuple[str, Inbox], args: list[str], fragment: str) -> None:
    url, _ = cli_db
    result = run(url, *args)
    assert result.exit_code == 2
    assert fragment in result.output


def test_webhook(cli_db: tuple[str, Inbox]) -> None:
    url, inbox = cli_db
    assert run(url, "inbox", "webhook", "UZOVI:5505").exit_code == 1
    result = run(url, "inbox", "webhook", "UZOVI:5505", "--url", "https://zk.example/in")
    assert result.exit_code == 0 and "secret (shown once):" in result.stdout
    secret = result.stdout.strip().rsplit(" ", 1)[-1]
    hook = inbox.get_webhook(ZK)
    assert hook is not None and hook.secret == secret
    result = run(
        url, "inbox", "webhook", "UZOVI:5505", "--url", "https://b.example/", "--secret", "k" * 16
    )
    assert result.exit_code == 0 and "secret" not in result.stdout
    assert "https://b.example/" in run(url, "inbox", "webhook", "UZOVI:5505").stdout
    assert run(url, "inbox", "webhook", "UZOVI:5505", "--delete").exit_code == 0
    assert run(url, "inbox", "webhook", "UZOVI:5505", "--delete").exit_code == 2
    # The server's rules outside dev mode: https, and a public address.
    for target, fragment in [
        ("http://zk.example/in", "must use https"),
        ("https://10.0.0.1/in", "10.0.0.1 is a private address"),
        ("https://localhost/in", "the host localhost is this machine"),
    ]:
        result = run(url, "inbox", "webhook", "UZOVI:5505", "--url", target)
        assert result.exit_code == 2 and fragment in result.output, target


def test_meldingen_list_and_behandel(cli_db: tuple[str, Inbox]) -> None:
    url, inbox = cli_db
    m = inbox.ontvang_melding(CIZ, melding()).item_id
    result = run(url, "meldingen", "list", "KVK:62253778")
    assert result.exit_code == 0 and str(m) in result.stdout and "ONTVANGEN" in result.stdout

    result = run(url, "meldingen", "behandel", "KVK:62253778", str(m), "--status", "IN_BEHANDELING")
    assert result.exit_code == 0 and "IN_BEHANDELING" in result.stdout
    result = run(url, "meldingen", "behandel", "KVK:62253778", str(m), "--status", "ONTVANGEN")
    assert result.exit_code == 2 and "cannot become ONTVANGEN" in result.output
    result = run(url, "meldingen", "behandel", "KVK:62253778", str(m), "--status", "AFGEWEZEN")
    assert result.exit_code == 2 and "reden is required" in result.output
    result = run(
        url,
        "meldingen",
        "behandel",
        "kvk:62253778",
        str(m),
        "--status",
        "afgewezen",
        "--reden",
        "geen fout",
    )
    assert result.exit_code == 0 and "AFGEWEZEN (geen fout)" in result.stdout
    listed = json.loads(
        run(url, "meldingen", "list", "KVK:62253778", "--status", "AFGEWEZEN", "--json").stdout
    )
    assert [x["meldingID"] for x in listed] == [str(m)] and listed[0]["reden"] == "geen fout"
    assert run(url, "meldingen", "list", "KVK:62253778", "--status", "ONTVANGEN").stdout == ""
    # Operator changes are audit-logged when the audit key is configured.
    records = AuditLog(inbox.engine, bsn_key=AUDIT_KEY.encode()).show(participant="cli")
    assert [r.operation for r in records] == [
        "behandelMelding AFGEWEZEN",
        "behandelMelding IN_BEHANDELING",
    ]


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["inbox"],
        ["inbox", "list"],
        ["inbox", "ack"],
        ["inbox", "webhook"],
        ["meldingen"],
        ["meldingen", "list"],
        ["meldingen", "behandel"],
    ],
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout
