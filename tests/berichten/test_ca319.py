"""CA319 from delivery data: only periods ended with Mutatiecode 19 or 20, ``MutatieZorgID`` = the
CA317 ``GeleverdeZorgID`` of the same leveringperiode (TR118), valid against the official schema;
CA317 and CA319 of a responsible zorgkantoor straight from the registers."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from lxml import etree

from iwlz.berichten.brug_lr_export import ca317_uit_registers, ca319_uit_registers
from iwlz.berichten.ca319 import MutatieZorg, ca319, mutatie_zorg
from iwlz.berichten.io31 import ExportFout
from iwlz.berichten.retour import maak_retour
from iwlz.berichten.xml import parse_bericht
from iwlz.berichten.xsd import SchemaSet

from .test_brug_lr import TODAY, Bron, bron, vul_lr

__all__ = ["bron"]  # the fixture, shared with test_brug_lr

NS = "{http://www.istandaarden.nl/iwlz/2_2/ca319/schema}"
NS317 = "{http://www.istandaarden.nl/iwlz/2_2/ca317/schema}"
P1, P2, P3 = (uuid.uuid4() for _ in range(3))


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def _periode(pid: uuid.UUID, reden: str | None, einde: object) -> dict[str, object]:
    return {
        "leveringperiodeID": str(pid),
        "ingangsdatum": "2026-01-01",
        "einddatum": einde,
        "beeindigingReden": reden,
    }


def test_only_codes_19_and_20_become_a_mutation() -> None:
    m19 = mutatie_zorg("999993653", _periode(P1, "19", "2026-03-01"))
    assert m19 == MutatieZorg("999993653", P1, "19", dt.date(2026, 3, 1))
    m20 = mutatie_zorg("999993653", _periode(P2, "20", dt.date(2026, 4, 1)))
    assert m20 is not None and m20.mutatiecode == "20"
    for reden in ("17", "21", "12", None):
        assert mutatie_zorg("999993653", _periode(P3, reden, "2026-03-01")) is None
    assert mutatie_zorg("999993653", _periode(P3, "19", None)) is None  # not ended


def test_ca319_is_valid_and_its_retour_too(xsd: SchemaSet) -> None:
    mutaties = [
        MutatieZorg("999993653", P1, "19", dt.date(2026, 3, 1)),
        MutatieZorg("999993653", P2, "20", dt.date(2026, 4, 1)),
        MutatieZorg("999990111", P3, "19", dt.date(2026, 5, 1)),
    ]
    bericht = ca319(mutaties, afzender="5507", identificatie="CA19", dagtekening=TODAY)
    data = etree.tostring(bericht, xml_declaration=True, encoding="UTF-8")
    assert xsd.validate(parse_bericht(data).root) == ("CA319", [])
    assert [c.findtext(f"{NS}Bsn") for c in bericht.iter(f"{NS}Client")] == [
        "999993653",
        "999990111",
    ]
    ids = [m.findtext(f"{NS}MutatieZorgID") for m in bericht.iter(f"{NS}MutatieZorg")]
    assert ids == [str(P1), str(P2), str(P3)]
    assert {m.findtext(f"{NS}StatusAanlevering") for m in bericht.iter(f"{NS}MutatieZorg")} == {"1"}
    retour = maak_retour(bericht, identificatie="R1", dagtekening=TODAY)
    assert xsd.validate(retour)[1] == []


def test_ca319_refuses_other_codes_and_nothing() -> None:
    with pytest.raises(ExportFout, match="19 or 20"):
        ca319(
            [MutatieZorg("999993653", P1, "17", dt.date(2026, 3, 1))],
            afzender="5507",
            identificatie="CA19",
            dagtekening=TODAY,
        )
    with pytest.raises(ExportFout, match="at least one"):
        ca319([], afzender="5507", identificatie="CA19", dagtekening=TODAY)


def test_ca317_and_ca319_from_the_registers_refer_to_each_other(bron: Bron, xsd: SchemaSet) -> None:
    vul_lr(bron)
    zk = bron.zk()
    c317 = ca317_uit_registers(bron.regs, zk, identificatie="C17", dagtekening=TODAY)
    c319 = ca319_uit_registers(bron.regs, zk, identificatie="C19", dagtekening=TODAY)
    assert xsd.validate(c317) == ("CA317", [])
    assert xsd.validate(c319) == ("CA319", [])
    geleverd = {
        g.findtext(f"{NS317}GeleverdeZorgID"): g.findtext(f"{NS317}Startdatum")
        for g in c317.iter(f"{NS317}GeleverdeZorg")
    }
    assert len(geleverd) == 4  # every leveringperiode
    mutaties = {
        m.findtext(f"{NS}MutatieZorgID"): (
            m.findtext(f"{NS}Mutatiecode"),
            m.findtext(f"{NS}Mutatiedatum"),
        )
        for m in c319.iter(f"{NS}MutatieZorg")
    }
    # The fixture ends one period with 19 and one with 20 (17 is not for the CAK).
    assert sorted(code for code, _ in mutaties.values()) == ["19", "20"]
    for mid, (_, datum) in mutaties.items():
        assert mid in geleverd  # TR118
        assert (datum or "") >= (geleverd[mid] or "")  # TR128


def test_ca319_from_registers_without_endings_fails(bron: Bron) -> None:
    with pytest.raises(ExportFout, match="at least one"):
        ca319_uit_registers(bron.regs, bron.zk(), identificatie="C19", dagtekening=TODAY)
