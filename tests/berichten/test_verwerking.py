"""Receiving messages as their receiver would (verwerking + dienst): structure, rules against
the stored history, import into the registers in one transaction, and the retour — on SQLite
and PostgreSQL, without the official XSDs (our own structure check), and checked against them
when they are at hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from iwlz.app import bemiddelingsregister_hooks, indicatieregister_hooks, leveringsregister_hooks
from iwlz.berichten.brug import Registers
from iwlz.berichten.codec import structuur
from iwlz.berichten.dienst import Berichtendienst
from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.historie import DbHistorie
from iwlz.berichten.retour import terug_naar_heen
from iwlz.berichten.verwerking import Onleesbaar, Verwerking
from iwlz.berichten.xsd import SchemaSet
from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.registers.bemiddeling.service import Bemiddelingsregister
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.levering.service import Leveringsregister

from .keten import Keten, keten
from .voorbeelden import AANBIEDER, ZORGKANTOOR, voorbeeld

NU = dt.datetime(2026, 11, 2, 14, tzinfo=dt.UTC)
TABELLEN = (
    "ir_wlz_indicatie",
    "br_bemiddelingspecificatie",
    "lr_leveringperiode",
    "domain_event",
    "notificatie_outbox",
    "berichten_bericht",
)


@pytest.fixture
def dienst(db_url: str) -> Iterator[Berichtendienst]:
    from iwlz.berichten.brug_br import BrToewijzingsbron

    engine = create_engine(db_url)
    migrate.upgrade(engine)
    clock = FixedClock(NU)
    ir = Indicatieregister(engine, clock=clock, event_hooks=indicatieregister_hooks())
    br = Bemiddelingsregister(engine, clock=clock, event_hooks=bemiddelingsregister_hooks())
    lr = Leveringsregister(engine, clock=clock, event_hooks=leveringsregister_hooks())
    yield Berichtendienst(
        registers=Registers(engine=engine, clock=clock, ir=ir, br=br, lr=lr),
        clock=clock,
        historie=DbHistorie(engine, bron=BrToewijzingsbron(ir, br)),
    )
    engine.dispose()


def tellingen(dienst: Berichtendienst) -> dict[str, int]:
    with dienst.registers.engine.connect() as conn:
        return {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in TABELLEN
            if sa.inspect(conn).has_table(t)
        }


def codes(v: Verwerking) -> dict[str, list[str]]:
    """Per retour class element name (with index) its RetourCodes; the header as ``Header``."""
    out: dict[str, list[str]] = {}
    for element in v.retour.iter("{*}RetourCodes"):
        parent = element.getparent()
        assert parent is not None
        name = etree.QName(parent).localname
        out.setdefault(name, []).extend(c.text or "" for c in element)
    return out


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def test_the_chain_io31_aw33_aw35_lands_in_the_registers(dienst: Berichtendienst) -> None:
    k: Keten = keten()
    v = dienst.ontvang(k.io31)
    assert v.geaccepteerd, v.bevindingen
    assert v.type.tegenhanger == "IO32" and v.geimporteerd
    assert set(codes(v)) >= {"Client", "Indicatie", "Relatie", "Contact", "Stoornis"}
    assert {c for cs in codes(v).values() for c in cs} == {"0200"}
    assert structuur(v.retour) == []  # the retour follows its schema too
    # The retour maps back to exactly the heen (messages.md §1.4).
    assert etree.tostring(terug_naar_heen(v.retour), method="c14n") == etree.tostring(
        v.bericht.root, method="c14n"
    )
    v = dienst.ontvang(k.aw33)
    assert v.geaccepteerd, v.bevindingen
    assert v.geimporteerd.get("Bemiddelingspecificatie")
    v = dienst.ontvang(k.aw35)
    assert v.geaccepteerd, v.bevindingen
    assert v.geimporteerd.get("Leveringperiode")
    assert tellingen(dienst)["berichten_bericht"] == 3
    # The notifications of the network model follow from the messages (outbox rows).
    assert tellingen(dienst)["notificatie_outbox"] > 0


def test_a_message_received_twice_is_refused_by_tr056_and_writes_nothing(
    dienst: Berichtendienst,
) -> None:
    k = keten()
    assert dienst.ontvang(k.io31).geaccepteerd
    voor = tellingen(dienst)
    v = dienst.ontvang(k.io31)
    assert not v.geaccepteerd and not v.afgekeurd
    assert codes(v)["Header"] == ["9056"]
    assert tellingen(dienst) == voor


def test_a_delivery_for_an_allocation_that_is_not_there_gets_9019(
    dienst: Berichtendienst,
) -> None:
    k = keten()
    assert dienst.ontvang(k.io31).geaccepteerd
    voor = tellingen(dienst)
    v = dienst.ontvang(k.aw35)  # no AW33 was received: the zorgkantoor allocated nothing
    assert [(b.regel, b.retourcode) for b in v.bevindingen] == [("TR019", "9019")]
    assert codes(v)["GeleverdZorgzwaartepakket"] == ["9019"]
    assert codes(v)["Client"] == ["0200"]
    assert tellingen(dienst) == voor


def test_an_allocation_for_an_unknown_client_writes_nothing(dienst: Berichtendienst) -> None:
    k = keten()
    voor = tellingen(dienst)
    v = dienst.ontvang(k.aw33)  # the IO31 never arrived
    assert [b.retourcode for b in v.bevindingen] == ["0448"]
    assert codes(v)["Client"] == ["0448"]
    assert tellingen(dienst) == voor


def test_a_structure_error_is_a_header_only_0001(dienst: Berichtendienst) -> None:
    k = keten()
    kapot = k.io31.replace(b"<Geslacht>", b"<Geslacht>9", 1)
    voor = tellingen(dienst)
    v = dienst.ontvang(kapot)
    assert v.afgekeurd and v.structuurfouten and v.structuur_door == "iwlz"
    assert codes(v) == {"Header": ["0001"]}
    assert v.retour.find("{*}Clienten") is None
    assert tellingen(dienst) == voor


@pytest.mark.parametrize("code", ["AW317", "CA317"])
def test_messages_without_a_register_are_accepted_into_the_history(
    dienst: Berichtendienst, code: str
) -> None:
    data = etree.tostring(voorbeeld(code), xml_declaration=True, encoding="UTF-8")
    assert dienst.ontvang(data).geaccepteerd
    # Sent again: TR056 (and for AW317 TR080: its period does not follow the previous one).
    assert codes(dienst.ontvang(data))["Header"][0] == "9056"


@pytest.mark.parametrize(
    ("data", "reden"),
    [
        (b"<Bericht", "XML"),
        (b'<Bericht xmlns="urn:iets-anders"/>', "BERICHT"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>', "CODERING"),
        (b"", "LEEG"),
    ],
)
def test_unreadable_messages_get_no_retour(
    dienst: Berichtendienst, data: bytes, reden: str
) -> None:
    with pytest.raises(Onleesbaar) as exc:
        dienst.ontvang(data)
    assert exc.value.code == reden


def test_a_retour_is_not_received(dienst: Berichtendienst) -> None:
    k = keten()
    v = dienst.ontvang(k.io31)
    with pytest.raises(Onleesbaar) as exc:
        dienst.ontvang(etree.tostring(v.retour))
    assert exc.value.code == "RETOUR"


def test_with_the_official_schemas_the_retours_are_valid(
    dienst: Berichtendienst, xsd: SchemaSet
) -> None:
    dienst.schemas = xsd
    k = keten(seed=5)
    for data in (k.io31, k.aw33, k.aw35, k.io31.replace(b"<Geslacht>", b"<Geslacht>9", 1)):
        v = dienst.ontvang(data)
        assert v.structuur_door == "xsd"
        code, fouten = xsd.validate(v.retour)
        assert fouten == [], (code, fouten[:3])


def test_the_view_reads_header_fields() -> None:
    b = Bericht(voorbeeld("AW35"))
    assert (b.code, b.afzender, b.ontvanger) == ("AW35", AANBIEDER, ZORGKANTOOR)
