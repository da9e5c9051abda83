"""`iwlz notifications list|retry|redrive` on a real (SQLite) database."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from typer.testing import CliRunner

from iwlz import cli
from iwlz.core import migrate
from iwlz.core.db import create_engine
from iwlz.notificaties import outbox
from iwlz.notificaties.outbox import Delivery, OutboxRow, enqueue
from iwlz.notificaties.worker import Attempt, DeliveryWorker

T0 = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


class Refusing:
    def send(self, row: OutboxRow) -> Attempt:
        return Attempt(
            "dead", status=400, error="zendNotificatie mutation: event_type is not valid."
        )


def _dead_letters(url: str, n: int) -> list[uuid.UUID]:
    engine = create_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        ids = enqueue(
            conn,
            [
                Delivery(
                    "notificatie",
                    "kvk:62253778",
                    "UZOVI",
                    f"55{i:02d}",
                    {"n": i},
                    systeemrol="NOTIFICATIE_INDICATIE",
                    event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
                )
                for i in range(1, n + 1)
            ],
            now=dt.datetime.now(dt.UTC),
        )
    DeliveryWorker(engine, Refusing()).run_once()
    assert outbox.counts(engine)["dead"] == n
    engine.dispose()
    return ids


def test_list_retry_and_redrive(tmp_path: Path) -> None:
    cli._mount()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    ids = _dead_letters(url, 3)
    runner = CliRunner()
    listed = runner.invoke(
        cli.app, ["notifications", "list", "--status", "dead", "--json", "--database-url", url]
    )
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert {r["deliveryID"] for r in rows} == {str(i) for i in ids}
    assert all(r["lastStatus"] == 400 and "event_type" in r["lastError"] for r in rows)

    retried = runner.invoke(cli.app, ["notifications", "retry", str(ids[0]), "--database-url", url])
    assert retried.exit_code == 0, retried.output
    assert "1 deliveries queued again" in retried.output
    again = runner.invoke(cli.app, ["notifications", "retry", str(ids[0]), "--database-url", url])
    assert again.exit_code == 1  # not dead any more: nothing to do, and it says so
    bad = runner.invoke(cli.app, ["notifications", "retry", "not-a-uuid", "--database-url", url])
    assert bad.exit_code == 2 and "UUID" in bad.output

    redrive = runner.invoke(
        cli.app,
        ["notifications", "redrive", "--ontvanger", "UZOVI:5502", "--yes", "--database-url", url],
    )
    assert redrive.exit_code == 0 and "1 deliveries queued again" in redrive.output
    everything = runner.invoke(
        cli.app, ["notifications", "redrive", "--yes", "--database-url", url]
    )
    assert "1 deliveries queued again" in everything.output
    engine = create_engine(url)
    assert outbox.counts(engine) == {"pending": 3, "delivered": 0, "dead": 0, "cancelled": 0}
    bad_status = runner.invoke(
        cli.app, ["notifications", "list", "--status", "lost", "--database-url", url]
    )
    assert bad_status.exit_code == 2 and "--status must be one of" in bad_status.output


def test_every_command_has_help() -> None:
    cli._mount()
    runner = CliRunner()
    for args in (
        ["notifications", "--help"],
        ["notifications", "list", "--help"],
        ["notifications", "retry", "--help"],
        ["notifications", "redrive", "--help"],
        ["worker", "--help"],
        ["adresboek", "--help"],
        ["inbox", "--help"],
        ["meldingen", "--help"],
    ):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output
