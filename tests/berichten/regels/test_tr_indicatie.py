"""TR rules on the indicatie and its units: TR008, TR010, TR014, TR015, TR016, TR034, TR035,
TR037, TR057."""

from __future__ import annotations

import pytest

from tests.berichten.regels.maak import bericht, bevindingen


def _periode(ingang: str | None, eind: str | None) -> str:
    uit = f"<Ingangsdatum>{ingang}</Ingangsdatum>" if ingang else ""
    return uit + (f"<Einddatum>{eind}</Einddatum>" if eind else "")


def _functie(
    code: str, klasse: str | None = None, opslag: str | None = None, **periode: str | None
) -> str:
    uit = f"<FunctieCode>{code}</FunctieCode>"
    uit += _periode(periode.get("ingang"), periode.get("eind"))
    uit += f"<Klasse>{klasse}</Klasse>" if klasse else ""
    uit += f"<Opslag>{opslag}</Opslag>" if opslag else ""
    return f"<GeindiceerdeFunctie>{uit}</GeindiceerdeFunctie>"


def _zzp(code: str, ingang: str | None, eind: str | None = None) -> str:
    return f"<GeindiceerdZorgzwaartepakket><ZzpCode>{code}</ZzpCode>{_periode(ingang, eind)}</GeindiceerdZorgzwaartepakket>"


def _indicatie(
    ingang: str | None, eind: str | None, functies: str = "", zzps: str = "", extra: str = ""
) -> str:
    body = _periode(ingang, eind)
    if functies:
        body += f"<GeindiceerdeFuncties>{functies}</GeindiceerdeFuncties>"
    if zzps:
        body += f"<GeindiceerdeZorgzwaartepakketten>{zzps}</GeindiceerdeZorgzwaartepakketten>"
    return f"<Clienten><Client><Indicatie>{body}{extra}</Indicatie></Client></Clienten>"


# -- TR008 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "klasse"),
    [("21", "K8"), ("41", "K0"), ("61", "99"), ("64", "KD09"), ("71", "KE7"), ("91", None)],
)
def test_tr008_passes_fitting_class(code: str, klasse: str | None) -> None:
    b = bericht("IO31", _indicatie("2026-01-01", None, _functie(code, klasse)))
    assert bevindingen(b, "TR008") == []


@pytest.mark.parametrize(
    ("code", "klasse"), [("21", "K0"), ("41", "K8"), ("91", "K1"), ("82", "KD10"), ("71", "K1")]
)
def test_tr008_fires_on_wrong_class(code: str, klasse: str) -> None:
    [f] = bevindingen(
        bericht("IO31", _indicatie("2026-01-01", None, _functie(code, klasse))), "TR008"
    )
    assert f.pad.endswith("GeindiceerdeFunctie/Klasse")
    assert repr(klasse) in f.melding


def test_tr008_checks_delivered_functions() -> None:
    geleverd = "<GeleverdeFuncties><GeleverdeFunctie><FunctieCode>31</FunctieCode><Klasse>KD01</Klasse></GeleverdeFunctie></GeleverdeFuncties>"
    [f] = bevindingen(bericht("AW35", f"<Clienten><Client>{geleverd}</Client></Clienten>"), "TR008")
    assert "GeleverdeFunctie/Klasse" in f.pad


# -- TR010 / TR034 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "klasse"), [("21", "K8"), ("41", "K7"), ("64", "KD09"), ("71", "KE7")]
)
def test_tr010_allows_surcharge_with_top_class(code: str, klasse: str) -> None:
    b = bericht("IO31", _indicatie("2026-01-01", None, _functie(code, klasse, "10")))
    assert bevindingen(b, "TR010") == []


@pytest.mark.parametrize(
    ("code", "klasse"), [("21", "K7"), ("41", "K6"), ("82", "KD08"), ("61", "99")]
)
def test_tr010_fires_on_surcharge_below_top_class(code: str, klasse: str) -> None:
    [f] = bevindingen(
        bericht("AW33", _indicatie("2026-01-01", None, _functie(code, klasse, "10"))), "TR010"
    )
    assert f.pad.endswith("GeindiceerdeFunctie/Opslag")


def test_tr010_without_surcharge_passes() -> None:
    assert (
        bevindingen(bericht("IO31", _indicatie("2026-01-01", None, _functie("21", "K3"))), "TR010")
        == []
    )


def test_tr034_fires_on_surcharge_for_71() -> None:
    [f] = bevindingen(
        bericht("IO31", _indicatie("2026-01-01", None, _functie("71", "KE7", "5"))), "TR034"
    )
    assert f.pad.endswith("Opslag")
    assert "'5'" in f.melding


def test_tr034_passes_without_surcharge_or_other_code() -> None:
    functies = _functie("71", "KE7") + _functie("21", "K8", "5")
    assert bevindingen(bericht("AW33", _indicatie("2026-01-01", None, functies)), "TR034") == []


# -- TR014 / TR015 -----------------------------------------------------------------------------------
def test_tr014_passes_when_latest_unit_end_matches() -> None:
    units = _zzp("753", "2026-01-01", "2026-06-30") + _zzp("754", "2026-07-01", "2026-12-31")
    b = bericht("IO31", _indicatie("2026-01-01", "2026-12-31", zzps=units))
    assert bevindingen(b, "TR014") == []


def test_tr014_fires_when_latest_unit_end_differs() -> None:
    units = _zzp("753", "2026-01-01", "2026-06-30")
    [f] = bevindingen(bericht("IO31", _indicatie("2026-01-01", "2026-12-31", zzps=units)), "TR014")
    assert f.pad.endswith("Indicatie/Einddatum")
    assert "2026-06-30" in f.melding


def test_tr014_fires_when_indicatie_ends_but_a_unit_is_open() -> None:
    units = _zzp("753", "2026-01-01")
    [f] = bevindingen(bericht("AW33", _indicatie("2026-01-01", "2026-12-31", zzps=units)), "TR014")
    assert "no Einddatum" in f.melding


def test_tr014_fires_when_indicatie_open_but_all_units_end() -> None:
    units = _functie("21", "K1", ingang="2026-01-01", eind="2026-03-01")
    [f] = bevindingen(bericht("IO31", _indicatie("2026-01-01", None, units)), "TR014")
    assert f.pad.endswith("Client/Indicatie")


def test_tr014_open_indicatie_with_an_open_unit_passes() -> None:
    units = _zzp("753", "2026-01-01", "2026-03-01") + _zzp("754", "2026-03-02")
    assert bevindingen(bericht("IO31", _indicatie("2026-01-01", None, zzps=units)), "TR014") == []


def test_tr014_and_tr015_skip_indicatie_without_units() -> None:
    b = bericht("IO31", _indicatie("2026-01-01", "2026-12-31"))
    assert bevindingen(b, "TR014") == [] and bevindingen(b, "TR015") == []


def test_tr015_passes_when_earliest_start_matches() -> None:
    units = _functie("21", "K1", ingang="2026-02-01") + _functie("31", "K1", ingang="2026-01-01")
    assert bevindingen(bericht("IO31", _indicatie("2026-01-01", None, units)), "TR015") == []


def test_tr015_fires_when_earliest_start_differs() -> None:
    units = _zzp("753", "2026-02-01")
    [f] = bevindingen(bericht("AW33", _indicatie("2026-01-01", None, zzps=units)), "TR015")
    assert f.pad.endswith("Indicatie/Ingangsdatum")
    assert "2026-02-01" in f.melding


# -- TR016 -------------------------------------------------------------------------------------------
def _toegewezen(ingang: str, eind: str | None) -> str:
    return (
        "<ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket><ZzpCode>753</ZzpCode>"
        f"{_periode(ingang, eind)}</ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten>"
    )


@pytest.mark.parametrize(
    ("ind_eind", "ingang", "eind"),
    [
        ("2026-12-31", "2026-01-01", "2026-12-31"),
        (None, "2026-03-01", None),
        (None, "2026-03-01", "2026-04-01"),
    ],
)
def test_tr016_passes_within_indicatie(ind_eind: str | None, ingang: str, eind: str | None) -> None:
    b = bericht("AW33", _indicatie("2026-01-01", ind_eind, extra=_toegewezen(ingang, eind)))
    assert bevindingen(b, "TR016") == []


@pytest.mark.parametrize(
    ("ind_eind", "ingang", "eind", "veld"),
    [
        ("2026-12-31", "2025-12-31", "2026-06-30", "Ingangsdatum"),
        ("2026-12-31", "2026-01-01", "2027-01-01", "Einddatum"),
        ("2026-12-31", "2026-01-01", None, "ToegewezenZorgzwaartepakket"),
        (None, "2025-06-01", None, "Ingangsdatum"),
    ],
)
def test_tr016_fires_outside_indicatie(
    ind_eind: str | None, ingang: str, eind: str | None, veld: str
) -> None:
    [f] = bevindingen(
        bericht("ZK33", _indicatie("2026-01-01", ind_eind, extra=_toegewezen(ingang, eind))),
        "TR016",
    )
    assert f.pad.endswith(veld)
    assert "outside the indicatie period" in f.melding


# -- TR035 / TR057 -----------------------------------------------------------------------------------
def test_tr035_passes_for_consecutive_indications_of_a_unit() -> None:
    functies = _functie("21", "K1", ingang="2026-01-01", eind="2026-03-31") + _functie(
        "21", "K2", ingang="2026-04-01"
    )
    assert bevindingen(bericht("IO31", _indicatie("2026-01-01", None, functies)), "TR035") == []


def test_tr035_fires_for_overlapping_indications_of_a_unit() -> None:
    functies = (
        _functie("21", "K1", ingang="2026-01-01", eind="2026-03-31")
        + _functie("31", "K1", ingang="2026-01-01")
        + _functie("21", "K2", ingang="2026-03-31")
    )
    [f] = bevindingen(bericht("IO31", _indicatie("2026-01-01", None, functies)), "TR035")
    assert f.pad.endswith("GeindiceerdeFunctie[3]")
    assert "2026-01-01–2026-03-31" in f.melding


def test_tr035_fires_for_the_same_zzp_twice() -> None:
    zzps = _zzp("753", "2026-01-01") + _zzp("753", "2026-05-01")
    [f] = bevindingen(bericht("AW33", _indicatie("2026-01-01", None, zzps=zzps)), "TR035")
    assert "GeindiceerdZorgzwaartepakket[2]" in f.pad


def test_tr057_passes_for_consecutive_zzps() -> None:
    zzps = _zzp("753", "2026-01-01", "2026-04-30") + _zzp("754", "2026-05-01")
    assert bevindingen(bericht("IO31", _indicatie("2026-01-01", None, zzps=zzps)), "TR057") == []


def test_tr057_fires_for_overlapping_zzps_of_any_code() -> None:
    zzps = _zzp("754", "2026-05-01") + _zzp("753", "2026-01-01", "2026-05-01")
    [f] = bevindingen(bericht("IO31", _indicatie("2026-01-01", None, zzps=zzps)), "TR057")
    # The later-starting one is reported.
    assert f.pad.endswith("GeindiceerdZorgzwaartepakket[1]")
    assert "754" in f.melding and "753" in f.melding


def test_tr057_reports_each_zzp_that_overlaps_an_earlier_one() -> None:
    zzps = _zzp("753", "2026-01-01") + _zzp("754", "2026-02-01") + _zzp("755", "2026-03-01")
    found = bevindingen(bericht("IO31", _indicatie("2026-01-01", None, zzps=zzps)), "TR057")
    assert [f.pad.rsplit("/", 1)[1] for f in found] == [
        "GeindiceerdZorgzwaartepakket[2]",
        "GeindiceerdZorgzwaartepakket[3]",
    ]


# -- TR037 -------------------------------------------------------------------------------------------
def test_tr037_passes_with_an_indicated_unit() -> None:
    assert (
        bevindingen(
            bericht("AW33", _indicatie("2026-01-01", None, zzps=_zzp("753", "2026-01-01"))), "TR037"
        )
        == []
    )


def test_tr037_fires_without_indicated_units() -> None:
    [f] = bevindingen(bericht("AW33", _indicatie("2026-01-01", None)), "TR037")
    assert f.pad.endswith("Client/Indicatie")


def test_tr037_not_run_for_io31_negative_decisions() -> None:
    assert bevindingen(bericht("IO31", _indicatie("2026-01-01", None)), "TR037") == []
