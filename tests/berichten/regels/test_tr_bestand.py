"""TR rules on the file as a whole, AW317 and ZK31: TR079, TR091, TR101, TR108, TR109, TR110,
TR111; and the rule set's speed on a large message."""

from __future__ import annotations

import datetime as dt

import pytest

from iwlz.berichten.regels.basis import REGELS
from iwlz.berichten.regels.motor import controleer
from tests.berichten.regels.maak import bericht, bevindingen

STATELESS = [
    "002",
    "004",
    "005",
    "006",
    "008",
    "010",
    "014",
    "015",
    "016",
    "018",
    "021",
    "034",
    "035",
    "037",
    "039",
    "040",
    "041",
    "042",
    "046",
    "057",
    "061",
    "064",
    "065",
    "066",
    "077",
    "079",
    "082",
    "091",
    "097",
    "100",
    "101",
    "106",
    "108",
    "109",
    "110",
    "111",
    "119",
    "120",
    "124",
    "127",
]


def test_every_stateless_tr_rule_is_registered() -> None:
    for nummer in STATELESS:
        assert f"TR{nummer}" in REGELS
        assert not REGELS[f"TR{nummer}"].historie


# -- TR101 -------------------------------------------------------------------------------------------
def test_tr101_passes_for_distinct_records() -> None:
    body = "<Clienten><Client><Bsn>1</Bsn></Client><Client><Bsn>2</Bsn></Client></Clienten>"
    assert bevindingen(bericht("CA319", body), "TR101") == []


def test_tr101_fires_for_duplicate_clients() -> None:
    body = "<Clienten><Client><Bsn>1</Bsn></Client><Client><Bsn>2</Bsn></Client><Client><Bsn>1</Bsn></Client></Clienten>"
    [f] = bevindingen(bericht("CA319", body), "TR101")
    assert f.retourcode == "9101"
    assert f.pad.endswith("Client[3]")
    assert "Bsn '1'" in f.melding


def test_tr101_compares_the_key_fields_only() -> None:
    zzp = (
        "<GeleverdZorgzwaartepakket><Besluitnummer>7</Besluitnummer><ZzpCode>753</ZzpCode>"
        "<ToewijzingIngangsdatum>2026-01-01</ToewijzingIngangsdatum><Begindatum>2026-02-01</Begindatum>"
        "<Instelling>12345678</Instelling><Etmalen>{}</Etmalen><Leveringsvorm>4</Leveringsvorm>"
        "</GeleverdZorgzwaartepakket>"
    )
    body = (
        "<Clienten><Client><Bsn>1</Bsn><GeleverdeZorgzwaartepakketten>"
        + zzp.format("3,5")
        + zzp.format("4,0")
        + "</GeleverdeZorgzwaartepakketten></Client></Clienten>"
    )
    [f] = bevindingen(bericht("AW35", body), "TR101")
    assert f.pad.endswith("GeleverdZorgzwaartepakket[2]")


def test_tr101_only_compares_siblings() -> None:
    contact = "<Contactgegevens><Contact><Soort>01</Soort></Contact></Contactgegevens>"
    body = f"<Clienten><Client><Bsn>1</Bsn>{contact}</Client><Client><Bsn>2</Bsn>{contact}</Client></Clienten>"
    assert bevindingen(bericht("IO31", body), "TR101") == []


def test_tr101_aw317_indicaties_by_sequence_number() -> None:
    indicatie = "<Indicatie><VolgnummerIndicatie>{}</VolgnummerIndicatie></Indicatie>"
    body = "<Clienten><Client><Indicaties>{}</Indicaties></Client></Clienten>"
    dubbel = body.format(indicatie.format(1) + indicatie.format(1))
    uniek = body.format(indicatie.format(1) + indicatie.format(2))
    assert len(bevindingen(bericht("AW317", dubbel), "TR101")) == 1
    assert bevindingen(bericht("AW317", uniek), "TR101") == []


# -- TR079 / TR091 -----------------------------------------------------------------------------------
def _aw317_client(*besluiten: tuple[str, int]) -> str:
    indicaties = "".join(
        f"<Indicatie><VolgnummerIndicatie>{n}</VolgnummerIndicatie><Afgiftedatum>{d}</Afgiftedatum></Indicatie>"
        for d, n in besluiten
    )
    return f"<Clienten><Client><Indicaties>{indicaties}</Indicaties></Client></Clienten>"


def test_tr079_passes_for_numbers_in_date_order() -> None:
    body = _aw317_client(("2024-01-01", 1), ("2025-01-01", 2), ("2025-01-01", 3), ("2023-01-01", 0))
    assert bevindingen(bericht("AW317", body), "TR079") == []


def test_tr079_fires_for_numbers_out_of_date_order() -> None:
    body = _aw317_client(("2024-01-01", 2), ("2025-01-01", 1))
    [f] = bevindingen(bericht("AW317", body), "TR079")
    assert f.pad.endswith("Indicatie[2]/VolgnummerIndicatie")
    assert "2024-01-01" in f.melding


def _periode(eind: str) -> str:
    return f"<Periode><Begindatum>2026-10-01</Begindatum><Einddatum>{eind}</Einddatum></Periode>"


@pytest.mark.parametrize(("eind", "fout"), [("2026-10-26", False), ("2026-10-27", True)])
def test_tr091_dagtekening_seven_days_after_period(eind: str, fout: bool) -> None:
    b = bericht(
        "AW317", "<Clienten/>", header_extra=_periode(eind), dagtekening=dt.date(2026, 11, 2)
    )
    found = bevindingen(b, "TR091")
    assert len(found) == int(fout)
    if fout:
        assert found[0].pad == "/Bericht/Header/BerichtIdentificatie/Dagtekening"
        assert found[0].klasse is None


def test_tr091_without_period_does_not_fire() -> None:
    assert bevindingen(bericht("AW317", "<Clienten/>"), "TR091") == []


# -- ZK31: TR108 - TR111 -----------------------------------------------------------------------------
def _zk31(overdracht: str | None, *zzps: tuple[str, str | None]) -> str:
    eenheden = "".join(
        "<ToegewezenZorgzwaartepakket><Leveringsvorm>{}</Leveringsvorm>{}</ToegewezenZorgzwaartepakket>".format(
            lv, f"<Einddatum>{eind}</Einddatum>" if eind else ""
        )
        for lv, eind in zzps
    )
    datum = f"<Overdrachtdatum>{overdracht}</Overdrachtdatum>" if overdracht else ""
    return (
        f"<Client><Indicatie>{datum}<ToegewezenZorgzwaartepakketten>{eenheden}"
        "</ToegewezenZorgzwaartepakketten></Indicatie></Client>"
    )


def test_tr108_pgb_transfer_dated_in_november_passes() -> None:
    b = bericht("ZK31", _zk31("2027-01-01", ("2", None)), dagtekening=dt.date(2026, 11, 2))
    assert bevindingen(b, "TR108") == []


def test_tr108_pgb_transfer_dated_in_october_fires() -> None:
    b = bericht(
        "ZK31", _zk31("2027-01-01", ("2", None), ("2", None)), dagtekening=dt.date(2026, 10, 30)
    )
    [f] = bevindingen(b, "TR108")
    assert f.pad == "/Bericht/Header/BerichtIdentificatie/Dagtekening"


def test_tr108_without_pgb_passes() -> None:
    b = bericht("ZK31", _zk31("2027-01-01", ("4", None)), dagtekening=dt.date(2026, 10, 30))
    assert bevindingen(b, "TR108") == []


def test_tr109_pgb_transfer_on_1_january() -> None:
    assert bevindingen(bericht("ZK31", _zk31("2027-01-01", ("2", None))), "TR109") == []
    assert bevindingen(bericht("ZK31", _zk31("2027-02-01", ("4", None))), "TR109") == []
    [f] = bevindingen(bericht("ZK31", _zk31("2027-02-01", ("2", None))), "TR109")
    assert f.pad.endswith("Indicatie/Overdrachtdatum")


@pytest.mark.parametrize(
    ("overdracht", "fout"), [("2026-11-03", False), ("2026-11-02", True), ("2026-10-01", True)]
)
def test_tr110_transfer_after_dagtekening(overdracht: str, fout: bool) -> None:
    b = bericht("ZK31", _zk31(overdracht, ("4", None)), dagtekening=dt.date(2026, 11, 2))
    found = bevindingen(b, "TR110")
    assert len(found) == int(fout)
    if fout:
        assert found[0].pad.endswith("Client/Indicatie/Overdrachtdatum")


def test_tr111_allocation_end_not_before_transfer() -> None:
    b = bericht("ZK31", _zk31("2027-01-01", ("4", None), ("4", "2027-01-01"), ("4", "2026-12-31")))
    [f] = bevindingen(b, "TR111")
    assert f.pad.endswith("ToegewezenZorgzwaartepakket[3]/Einddatum")
    assert "2026-12-31" in f.melding


def test_tr111_without_overdrachtdatum_does_not_fire() -> None:
    assert bevindingen(bericht("ZK31", _zk31(None, ("4", "2020-01-01"))), "TR111") == []


# -- a large file ------------------------------------------------------------------------------
def test_tr_rules_on_a_large_file_find_no_false_duplicates_or_overlaps() -> None:
    """6,000 allocations in one file: distinct records are not duplicates (TR101), consecutive
    periods do not overlap (TR106, TR016). Speed is bench/berichten.py's business."""
    zzp = (
        "<ToegewezenZorgzwaartepakket><ZzpCode>753</ZzpCode><Instelling>12345678</Instelling>"
        "<Soort>1</Soort><Ingangsdatum>2026-{:02d}-01</Ingangsdatum><Einddatum>2026-{:02d}-28</Einddatum>"
        "<Leveringsvorm>4</Leveringsvorm></ToegewezenZorgzwaartepakket>"
    )
    client = (
        "<Client><Bsn>{}</Bsn><Indicatie><Ingangsdatum>2026-01-01</Ingangsdatum>"
        "<ToegewezenZorgzwaartepakketten>"
        + "".join(zzp.format(m, m) for m in range(1, 13))
        + "</ToegewezenZorgzwaartepakketten></Indicatie></Client>"
    )
    b = bericht(
        "AW33", "<Clienten>" + "".join(client.format(i) for i in range(500)) + "</Clienten>"
    )
    found = [
        f
        for f in controleer(b, vandaag=dt.date(2026, 11, 2))
        if f.regel in {f"TR{n}" for n in STATELESS}
    ]
    assert not any(f.regel in ("TR101", "TR106", "TR016") for f in found)
