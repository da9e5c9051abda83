"""Fixtures for the netwerkpunt: a database with its tables, a fixed clock, messages."""

from __future__ import annotations

import copy
import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.core.metadata import metadata
from iwlz.netwerkpunt.models import TABLES
from iwlz.netwerkpunt.service import Inbox
from iwlz.nid.audit import AuditLog, audit_bsn, audit_head, audit_log
from iwlz.nid.participants import participant_table
from iwlz.notificaties.outbox import outbox_table

NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
ZK = ("UZOVI", "5505")
ZK_OTHER = ("UZOVI", "5506")
CIZ = ("KVK", "62253778")
WID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
STOORNIS = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a04"
TEST_TABLES = [*TABLES, outbox_table, participant_table, audit_log, audit_bsn, audit_head]
PUBLIC_IP = "93.184.215.14"
"""What a name under ``.example`` resolves to in these tests, unless :func:`dns` says else."""


def notificatie(**overrides: Any) -> dict[str, Any]:
    """A NotificatieInput from the CIZ to zorgkantoor 5505 (as the GraphQL layer passes it)."""
    return {
        "timestamp": "2026-06-15T11:00:00.000+02:00",
        "afzenderIDType": "KVK",
        "afzenderID": "62253778",
        "ontvangerIDType": "UZOVI",
        "ontvangerID": "5505",
        "eventType": "NIEUWE_INDICATIE_ZORGKANTOOR",
        "subjectList": [{"subject": f"WlzIndicatie/{WID}", "recordID": f"WlzIndicatie/{WID}"}],
        **copy.deepcopy(overrides),
    }


def melding(**overrides: Any) -> dict[str, Any]:
    """A MeldingInput (foutmelding) from zorgkantoor 5505 to the CIZ."""
    return {
        "timestamp": "2026-06-15T09:15:00Z",
        "afzenderIDType": "UZOVI",
        "afzenderID": "5505",
        "ontvangerIDType": "KVK",
        "ontvangerID": "62253778",
        "ontvangerKenmerk": None,
        "eventType": "IWLZFOUTMELDING",
        "subjectList": [{"subject": "IRG0012", "recordID": f"wlzindicatie/Stoornis/{STOORNIS}"}],
        **copy.deepcopy(overrides),
    }


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """No real DNS in tests: a name under ``.example`` resolves to :data:`PUBLIC_IP`, or to the
    addresses a test puts in the returned dict; other names do not resolve; numeric hosts
    (``127.1``, ``2130706433``) are read by the real resolver without a lookup."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = str(host).lower()
        if name in names or name.endswith(".example"):
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in names.get(name, [PUBLIC_IP])
            ]
        try:
            return real(host, port, *args, **{**kwargs, "flags": socket.AI_NUMERICHOST})
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine(db_url)
    metadata.create_all(engine, tables=TEST_TABLES)
    yield engine
    engine.dispose()


@pytest.fixture
def audit(engine: Engine) -> Iterator[AuditLog]:
    log = AuditLog(engine, bsn_key=b"netwerkpunt-test-audit-key")
    yield log
    log.flush()  # receipts are written in the background: finish before the database goes


@pytest.fixture
def inbox(engine: Engine, clock: FixedClock, audit: AuditLog) -> Inbox:
    return Inbox(engine, clock, audit)
