"""TR rules on deliveries, mutations and requests: TR018, TR039, TR040, TR041, TR046, TR066,
TR120, TR127."""

from __future__ import annotations

import pytest

from tests.berichten.regels.maak import bericht, bevindingen


def _clienten(*clienten: str) -> str:
    return "<Clienten>" + "".join(f"<Client>{c}</Client>" for c in clienten) + "</Clienten>"


def _mutatie(
    naam: str,
    code: str,
    mutatiedatum: str | None = "2026-05-01",
    begindatum: str | None = None,
    status: str | None = None,
) -> str:
    velden = f"<Begindatum>{begindatum}</Begindatum>" if begindatum else ""
    velden += f"<Mutatiecode>{code}</Mutatiecode>"
    velden += f"<Mutatiedatum>{mutatiedatum}</Mutatiedatum>" if mutatiedatum else ""
    velden += f"<Leveringsstatus>{status}</Leveringsstatus>" if status else ""
    lijst = "MutatieFuncties" if naam == "MutatieFunctie" else "MutatieZorgzwaartepakketten"
    return f"<{lijst}><{naam}>{velden}</{naam}></{lijst}>"


# -- TR018 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("begindatum", ["2026-05-01", "2026-04-30", None])
def test_tr018_passes(begindatum: str | None) -> None:
    b = bericht(
        "AW39", _clienten(_mutatie("MutatieZorgzwaartepakket", "19", "2026-05-01", begindatum))
    )
    assert bevindingen(b, "TR018") == []


def test_tr018_fires_when_mutation_precedes_start() -> None:
    b = bericht("ZK39", _clienten(_mutatie("MutatieFunctie", "19", "2026-05-01", "2026-05-02")))
    [f] = bevindingen(b, "TR018")
    assert f.pad.endswith("MutatieFunctie/Mutatiedatum")
    assert "2026-05-02" in f.melding


# -- TR039 / TR040 -----------------------------------------------------------------------------------
def test_tr039_passes_with_a_delivered_unit() -> None:
    body = _clienten(
        "<GeleverdeFuncties><GeleverdeFunctie/></GeleverdeFuncties>",
        "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket/></GeleverdeZorgzwaartepakketten>",
    )
    assert bevindingen(bericht("AW35", body), "TR039") == []


def test_tr039_fires_for_a_client_without_deliveries() -> None:
    body = _clienten("<GeleverdeFuncties><GeleverdeFunctie/></GeleverdeFuncties>", "<Bsn>1</Bsn>")
    [f] = bevindingen(bericht("ZK35", body), "TR039")
    assert f.pad.endswith("Client[2]")


@pytest.mark.parametrize(
    "inhoud",
    [
        _mutatie("MutatieFunctie", "12"),
        _mutatie("MutatieZorgzwaartepakket", "12"),
        "<Aanvragen><Aanvraag/></Aanvragen>",
    ],
)
def test_tr040_passes_with_a_mutation_or_request(inhoud: str) -> None:
    assert bevindingen(bericht("AW39", _clienten(inhoud)), "TR040") == []


def test_tr040_fires_for_an_empty_client() -> None:
    [f] = bevindingen(bericht("AW39", _clienten("<Bsn>1</Bsn>")), "TR040")
    assert f.pad.endswith("Clienten/Client")


# -- TR041 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["12", "18", "19"])
def test_tr041_allows_codes_next_to_a_request(code: str) -> None:
    body = _clienten(
        _mutatie("MutatieZorgzwaartepakket", code) + "<Aanvragen><Aanvraag/></Aanvragen>"
    )
    assert bevindingen(bericht("AW39", body), "TR041") == []


def test_tr041_fires_for_other_code_next_to_a_request() -> None:
    body = _clienten(
        _mutatie("MutatieZorgzwaartepakket", "20") + "<Aanvragen><Aanvraag/></Aanvragen>"
    )
    [f] = bevindingen(bericht("AW39", body), "TR041")
    assert f.pad.endswith("MutatieZorgzwaartepakket/Mutatiecode")


def test_tr041_without_request_or_for_functions_passes() -> None:
    zonder = _clienten(_mutatie("MutatieZorgzwaartepakket", "20"))
    functie = _clienten(_mutatie("MutatieFunctie", "20") + "<Aanvragen><Aanvraag/></Aanvragen>")
    assert bevindingen(bericht("AW39", zonder), "TR041") == []
    assert bevindingen(bericht("AW39", functie), "TR041") == []


# -- TR046 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "status"),
    [("12", "3"), ("12", "5"), ("17", "5"), ("18", "7"), ("20", "2"), ("21", "5")],
)
def test_tr046_passes_fitting_status(code: str, status: str) -> None:
    body = _clienten(_mutatie("MutatieZorgzwaartepakket", code, status=status))
    assert bevindingen(bericht("AW39", body), "TR046") == []


@pytest.mark.parametrize(("code", "status"), [("12", "4"), ("19", "2"), ("18", "5"), ("20", "5")])
def test_tr046_fires_on_status_not_fitting_code(code: str, status: str) -> None:
    body = _clienten(_mutatie("MutatieZorgzwaartepakket", code, status=status))
    [f] = bevindingen(bericht("ZK39", body), "TR046")
    assert f.pad.endswith("MutatieZorgzwaartepakket/Leveringsstatus")
    assert repr(status) in f.melding and repr(code) in f.melding


def test_tr046_without_status_does_not_fire() -> None:
    assert (
        bevindingen(bericht("AW39", _clienten(_mutatie("MutatieZorgzwaartepakket", "12"))), "TR046")
        == []
    )


# -- TR066 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "begindatum"), [("17", "2026-01-01"), ("20", "2026-01-01"), ("12", None), ("21", None)]
)
def test_tr066_passes(code: str, begindatum: str | None) -> None:
    body = _clienten(_mutatie("MutatieFunctie", code, begindatum=begindatum))
    assert bevindingen(bericht("AW39", body), "TR066") == []


def test_tr066_fires_when_required_start_is_missing() -> None:
    [f] = bevindingen(
        bericht("AW39", _clienten(_mutatie("MutatieZorgzwaartepakket", "19"))), "TR066"
    )
    assert f.pad.endswith("MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket")
    assert "requires a Begindatum" in f.melding


def test_tr066_fires_when_start_is_forbidden() -> None:
    body = _clienten(_mutatie("MutatieFunctie", "18", begindatum="2026-01-01"))
    [f] = bevindingen(bericht("ZK39", body), "TR066")
    assert f.pad.endswith("MutatieFunctie/Begindatum")


# -- TR120 / TR127 -----------------------------------------------------------------------------------
def _ai(ingang: str, eind: str | None, opname: str, soort: str = "1") -> str:
    einde = f"<ToewijzingEinddatum>{eind}</ToewijzingEinddatum>" if eind else ""
    return (
        f"<AanvraagInstelling><Instelling>12345678</Instelling><Soort>{soort}</Soort>"
        f"<ToewijzingIngangsdatum>{ingang}</ToewijzingIngangsdatum>{einde}<Opname>{opname}</Opname>"
        "</AanvraagInstelling>"
    )


def _aanvraag(lv: str, *instellingen: str) -> str:
    return _clienten(
        f"<Aanvragen><Aanvraag><Leveringsvorm>{lv}</Leveringsvorm><AanvraagInstellingen>"
        f"{''.join(instellingen)}</AanvraagInstellingen></Aanvraag></Aanvragen>"
    )


def test_tr120_passes_with_one_admission_per_date_and_soort() -> None:
    body = _aanvraag(
        "4",
        _ai("2026-01-01", None, "1"),
        _ai("2026-01-01", None, "2"),
        _ai("2026-01-01", None, "1", soort="3"),
        _ai("2026-02-01", None, "1"),
    )
    assert bevindingen(bericht("AW39", body), "TR120") == []


def test_tr120_fires_on_two_admissions_for_the_same_date_and_soort() -> None:
    body = _aanvraag("4", _ai("2026-01-01", None, "1"), _ai("2026-01-01", "2026-02-01", "1"))
    [f] = bevindingen(bericht("ZK39", body), "TR120")
    assert f.pad.endswith("AanvraagInstelling[2]")


def test_tr120_only_for_verblijf() -> None:
    body = _aanvraag("5", _ai("2026-01-01", None, "1"), _ai("2026-01-01", None, "1"))
    assert bevindingen(bericht("AW39", body), "TR120") == []


def test_tr127_passes_when_admissions_cover_the_part_time_period() -> None:
    body = _aanvraag(
        "8",
        _ai("2026-01-01", "2026-06-30", "2"),
        _ai("2026-01-01", "2026-03-31", "1"),
        _ai("2026-04-01", None, "1"),
    )
    assert bevindingen(bericht("AW39", body), "TR127") == []


def test_tr127_fires_on_a_gap_in_coverage() -> None:
    body = _aanvraag(
        "8",
        _ai("2026-01-01", "2026-06-30", "2"),
        _ai("2026-01-01", "2026-03-30", "1"),
        _ai("2026-04-01", None, "1"),
    )
    [f] = bevindingen(bericht("AW39", body), "TR127")
    assert f.pad.endswith("AanvraagInstelling[1]")
    assert "not fully covered" in f.melding


def test_tr127_fires_when_an_open_request_is_covered_only_until_a_date() -> None:
    body = _aanvraag("8", _ai("2026-01-01", None, "2"), _ai("2026-01-01", "2026-12-31", "1"))
    assert len(bevindingen(bericht("ZK39", body), "TR127")) == 1


def test_tr127_fires_on_overlapping_admissions() -> None:
    body = _aanvraag("8", _ai("2026-01-01", "2026-03-31", "1"), _ai("2026-03-31", None, "1"))
    [f] = bevindingen(bericht("AW39", body), "TR127")
    assert f.pad.endswith("AanvraagInstelling[2]")
    assert "overlaps" in f.melding


def test_tr127_only_for_dtv() -> None:
    body = _aanvraag(
        "4",
        _ai("2026-01-01", None, "2"),
        _ai("2026-03-31", None, "1"),
        _ai("2026-03-31", None, "1"),
    )
    assert bevindingen(bericht("AW39", body), "TR127") == []
