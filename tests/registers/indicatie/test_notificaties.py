"""The CIZ's notification rules fill the outbox in the register write's own transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from iwlz.core.events import DomainEvent
from iwlz.notificaties.outbox import OutboxRow, outbox_table
from iwlz.notificaties.rules import NotificationRules
from iwlz.registers.indicatie import models as m
from iwlz.registers.indicatie.notificaties import indicatie_rules
from iwlz.registers.indicatie.service import Indicatieregister

from .factories import TODAY, indicatie


def _outbox(ir: Indicatieregister) -> list[OutboxRow]:
    with ir.engine.connect() as conn:
        return [
            OutboxRow.from_row(r)
            for r in conn.execute(sa.select(outbox_table).order_by(outbox_table.c.id))
        ]


@dataclasses.dataclass(frozen=True)
class _Abo:
    abonnementId: uuid.UUID
    abonneeIDType: str
    abonneeID: str


def test_new_indication_notifies_the_regions_zorgkantoor(ir: Indicatieregister) -> None:
    ir.event_hooks.append(NotificationRules(indicatie_rules()))
    uitkomst = ir.registreer(indicatie())
    assert uitkomst.geslaagd
    (row,) = _outbox(ir)
    record = f"WlzIndicatie/{uitkomst.wlzindicatieID}"
    assert row.kind == "notificatie" and row.systeemrol == "NOTIFICATIE_INDICATIE"
    assert row.afzender == "kvk:62253778" and row.ontvanger_id_type == "UZOVI"
    payload = dict(row.payload)
    assert payload == {
        "timestamp": payload["timestamp"],
        "afzenderIDType": "KVK",
        "afzenderID": "62253778",
        "ontvangerIDType": "UZOVI",
        "ontvangerID": row.ontvanger_id,
        "ontvangerKenmerk": None,
        "eventType": "NIEUWE_INDICATIE_ZORGKANTOOR",
        "subjectList": [{"subject": record, "recordID": record}],
    }
    assert payload["timestamp"].endswith("Z") and payload["timestamp"].startswith(TODAY.isoformat())
    with ir.engine.connect() as conn:
        stored = conn.execute(
            sa.select(m.wlz_indicatie.c.initieelVerantwoordelijkZorgkantoor).where(
                m.wlz_indicatie.c[m.ROOT] == uitkomst.wlzindicatieID
            )
        ).scalar_one()
    assert row.ontvanger_id == stored


def test_vervaldatum_changes_notify_every_responsible_zorgkantoor(
    ir: Indicatieregister,
) -> None:
    seen: list[uuid.UUID] = []

    def verantwoordelijken(
        conn: Connection, wlzindicatie_id: uuid.UUID, initieel: str | None
    ) -> Sequence[str]:
        seen.append(wlzindicatie_id)
        return [initieel or "", "5517", initieel or ""]

    ir.event_hooks.append(NotificationRules(indicatie_rules(verantwoordelijken=verantwoordelijken)))
    wid = ir.registreer(indicatie()).wlzindicatieID
    assert wid is not None
    ir.wijzig_vervaldatum(wid, TODAY + dt.timedelta(days=30))  # gezet
    ir.wijzig_vervaldatum(wid, TODAY + dt.timedelta(days=30))  # unchanged: nothing
    ir.wijzig_vervaldatum(wid, None)  # verwijderd
    rows = [r for r in _outbox(ir) if r.event_type == "VERVALLEN_INDICATIE_ZORGKANTOOR"]
    assert len(rows) == 4  # two mutations x two distinct zorgkantoren
    assert {r.ontvanger_id for r in rows} >= {"5517"}
    assert seen == [wid, wid]


def test_seeding_without_notify_queues_nothing(ir: Indicatieregister) -> None:
    ir.event_hooks.append(NotificationRules(indicatie_rules()))
    ir.registreer_batch([indicatie(), indicatie(bsn="111222333")], notify=False)
    assert _outbox(ir) == []


def test_a_failing_rule_rolls_the_write_back(ir: Indicatieregister) -> None:
    def broken(conn: Connection, event: DomainEvent) -> list[Any]:
        raise RuntimeError("rule failed")

    ir.event_hooks.append(NotificationRules([broken]))
    with pytest.raises(RuntimeError):
        ir.registreer(indicatie())
    with ir.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(m.wlz_indicatie)).scalar() == 0
    assert _outbox(ir) == []


def test_subscribers_get_the_voluntary_type_with_their_abonnement_id(
    ir: Indicatieregister,
) -> None:
    abo = _Abo(uuid.uuid4(), "KVK", "90000017")
    asked: list[tuple[str, Mapping[str, Any]]] = []

    def abonnees(conn: Connection, type_id: str, facts: Mapping[str, Any]) -> list[_Abo]:
        asked.append((type_id, dict(facts)))
        return [abo] if facts["mutatie"] in ("NIEUW", "VERWIJDERD") else []

    ir.event_hooks.append(NotificationRules(indicatie_rules(abonnees=abonnees)))
    wid = ir.registreer(indicatie()).wlzindicatieID
    assert wid is not None
    ir.wijzig_vervaldatum(wid, TODAY + dt.timedelta(days=10))
    ir.verwijder(wid)
    vrijwillig = [r for r in _outbox(ir) if r.event_type == "WLZINDICATIE_MUTATIE_ABONNEMENT"]
    assert len(vrijwillig) == 2
    assert all(r.payload["ontvangerKenmerk"] == str(abo.abonnementId) for r in vrijwillig)
    assert all((r.ontvanger_id_type, r.ontvanger_id) == ("KVK", "90000017") for r in vrijwillig)
    assert [a[1]["mutatie"] for a in asked] == ["NIEUW", "VERVALDATUM", "VERWIJDERD"]
    assert all(a[0] == "WLZINDICATIE_MUTATIE_ABONNEMENT" and a[1]["zorgkantoor"] for a in asked)
