"""TR rules on allocations and party references: TR021, TR042, TR064, TR065, TR077, TR082,
TR100, TR106, TR119, TR124."""

from __future__ import annotations

import pytest

from tests.berichten.regels.maak import bericht, bevindingen


class Register:
    """A small stand-in for the AGB register and the iWlz-AGB codelijst: it knows the AGBs it
    is given; anything else is unknown (None)."""

    def __init__(
        self, bekend: dict[str, frozenset[str]], ongeldig: frozenset[str] = frozenset()
    ) -> None:
        self.bekend = bekend
        self.ongeldig = ongeldig

    def agb_bestaat(self, agb: str) -> bool | None:
        if agb in self.ongeldig:
            return False
        return True if agb in self.bekend else None

    def agb_zorgkantoren(self, agb: str) -> frozenset[str] | None:
        return self.bekend.get(agb)


REGISTER = Register(
    {"12345678": frozenset({"5521"}), "87654321": frozenset({"5509", "5510"})},
    ongeldig=frozenset({"99999999"}),
)


def _clienten(inhoud: str) -> str:
    return f"<Clienten><Client>{inhoud}</Client></Clienten>"


def _tzzp(velden: str) -> str:
    return f"<ToegewezenZorgzwaartepakket>{velden}</ToegewezenZorgzwaartepakket>"


def _tf(velden: str) -> str:
    return f"<ToegewezenFunctie>{velden}</ToegewezenFunctie>"


def _indicatie(zzps: str = "", functies: str = "", geindiceerd: str = "") -> str:
    body = ""
    if geindiceerd:
        body += f"<GeindiceerdeFuncties>{geindiceerd}</GeindiceerdeFuncties>"
    if functies:
        body += f"<ToegewezenFuncties>{functies}</ToegewezenFuncties>"
    if zzps:
        body += f"<ToegewezenZorgzwaartepakketten>{zzps}</ToegewezenZorgzwaartepakketten>"
    return _clienten(f"<Indicatie>{body}</Indicatie>")


# -- TR021 -------------------------------------------------------------------------------------------
def test_tr021_passes_when_an_instelling_is_the_ontvanger() -> None:
    zzps = _tzzp("<Instelling>11111111</Instelling>") + _tzzp("<Instelling>12345678</Instelling>")
    b = bericht("AW33", _indicatie(zzps), ontvanger="12345678")
    assert bevindingen(b, "TR021") == []


def test_tr021_fires_when_no_instelling_is_the_ontvanger() -> None:
    b = bericht(
        "AW33", _indicatie(functies=_tf("<Instelling>11111111</Instelling>")), ontvanger="12345678"
    )
    [f] = bevindingen(b, "TR021")
    assert f.pad.endswith("Clienten/Client")
    assert "'12345678'" in f.melding and "11111111" in f.melding


def test_tr021_fires_for_a_client_with_only_pgb_allocations() -> None:
    b = bericht("AW33", _indicatie(_tzzp("<Leveringsvorm>2</Leveringsvorm>")), ontvanger="12345678")
    assert len(bevindingen(b, "TR021")) == 1


def test_tr021_zk33_uses_the_codelijst() -> None:
    goed = bericht("ZK33", _indicatie(_tzzp("<Instelling>87654321</Instelling>")), ontvanger="5509")
    fout = bericht("ZK33", _indicatie(_tzzp("<Instelling>12345678</Instelling>")), ontvanger="5509")
    onbekend = bericht(
        "ZK33", _indicatie(_tzzp("<Instelling>22222222</Instelling>")), ontvanger="5509"
    )
    assert bevindingen(goed, "TR021", referentie=REGISTER) == []
    assert len(bevindingen(fout, "TR021", referentie=REGISTER)) == 1
    assert bevindingen(onbekend, "TR021", referentie=REGISTER) == []


# -- TR042 -------------------------------------------------------------------------------------------
def test_tr042_fires_on_an_invalid_agb() -> None:
    zzps = _tzzp("<Instelling>12345678</Instelling><Dossierhouder>99999999</Dossierhouder>")
    [f] = bevindingen(bericht("AW33", _indicatie(zzps)), "TR042", referentie=REGISTER)
    assert f.pad.endswith("ToegewezenZorgzwaartepakket/Dossierhouder")
    assert "99999999" in f.melding


def test_tr042_unknown_agb_passes() -> None:
    zzps = _tzzp("<Instelling>22222222</Instelling>")
    assert bevindingen(bericht("AW33", _indicatie(zzps)), "TR042", referentie=REGISTER) == []
    assert (
        bevindingen(
            bericht("AW33", _indicatie(_tzzp("<Instelling>99999999</Instelling>"))), "TR042"
        )
        == []
    )


def test_tr042_checks_preferences_in_io31_and_deliveries_in_ca317() -> None:
    io31 = _clienten(
        "<Indicatie><GeindiceerdeZorgzwaartepakketten><GeindiceerdZorgzwaartepakket>"
        "<InstellingVoorkeur>99999999</InstellingVoorkeur></GeindiceerdZorgzwaartepakket>"
        "</GeindiceerdeZorgzwaartepakketten></Indicatie>"
    )
    ca317 = _clienten(
        "<ZorgLeveringen><GeleverdeZorg><Instelling>99999999</Instelling></GeleverdeZorg></ZorgLeveringen>"
    )
    assert len(bevindingen(bericht("IO31", io31), "TR042", referentie=REGISTER)) == 1
    assert len(bevindingen(bericht("CA317", ca317), "TR042", referentie=REGISTER)) == 1


def test_tr042_ignores_agb_fields_outside_its_selection() -> None:
    # InstellingBestemming of an allocation is not among the official TR042 fields.
    zzps = _tzzp("<InstellingBestemming>99999999</InstellingBestemming>")
    assert bevindingen(bericht("AW33", _indicatie(zzps)), "TR042", referentie=REGISTER) == []


# -- TR064 -------------------------------------------------------------------------------------------
def _geleverd(instelling: str) -> str:
    return _clienten(
        "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket>"
        f"<Instelling>{instelling}</Instelling></GeleverdZorgzwaartepakket></GeleverdeZorgzwaartepakketten>"
    )


def test_tr064_passes_when_instelling_is_afzender() -> None:
    assert (
        bevindingen(
            bericht("AW35", _geleverd("12345678"), afzender="12345678", ontvanger="5521"), "TR064"
        )
        == []
    )


def test_tr064_fires_when_provider_reports_for_another_instelling() -> None:
    b = bericht("AW35", _geleverd("87654321"), afzender="12345678", ontvanger="5521")
    [f] = bevindingen(b, "TR064", referentie=REGISTER)
    assert f.pad.endswith("GeleverdZorgzwaartepakket/Instelling")
    assert "'87654321'" in f.melding and "'12345678'" in f.melding


def test_tr064_aanvraag_instelling_of_aw39() -> None:
    body = _clienten(
        "<Aanvragen><Aanvraag><Instelling>87654321</Instelling></Aanvraag></Aanvragen>"
    )
    assert (
        len(bevindingen(bericht("AW39", body, afzender="12345678", ontvanger="5521"), "TR064")) == 1
    )


def test_tr064_zk35_uses_the_codelijst() -> None:
    goed = bericht("ZK35", _geleverd("87654321"), afzender="5509", ontvanger="5521")
    fout = bericht("ZK35", _geleverd("12345678"), afzender="5509", ontvanger="5521")
    onbekend = bericht("ZK35", _geleverd("22222222"), afzender="5509", ontvanger="5521")
    assert bevindingen(goed, "TR064", referentie=REGISTER) == []
    [f] = bevindingen(fout, "TR064", referentie=REGISTER)
    assert "codelijst" in f.melding
    assert bevindingen(onbekend, "TR064", referentie=REGISTER) == []


# -- TR065 -------------------------------------------------------------------------------------------
def test_tr065_fires_when_zorgkantoor_differs_from_afzender() -> None:
    zzps = _tzzp("<Zorgkantoor>5521</Zorgkantoor>") + _tzzp("<Zorgkantoor>5509</Zorgkantoor>")
    [f] = bevindingen(bericht("ZK33", _indicatie(zzps), afzender="5521", ontvanger="5509"), "TR065")
    assert f.pad.endswith("ToegewezenZorgzwaartepakket[2]/Zorgkantoor")


def test_tr065_zk31_function_passes_when_equal() -> None:
    body = (
        "<Client><Indicatie><ToegewezenFuncties>"
        + _tf("<Zorgkantoor>5521</Zorgkantoor>")
        + "</ToegewezenFuncties></Indicatie></Client>"
    )
    assert bevindingen(bericht("ZK31", body, afzender="5521", ontvanger="5509"), "TR065") == []


def test_tr065_is_a_no_op_for_aw33() -> None:
    # A supra-regional allocation names the executing zorgkantoor, not the Afzender.
    b = bericht("AW33", _indicatie(_tzzp("<Zorgkantoor>5509</Zorgkantoor>")), afzender="5521")
    assert bevindingen(b, "TR065") == []


# -- TR077 -------------------------------------------------------------------------------------------
def _functie(
    code: str, soort: str, ingang: str, eind: str | None = None, instelling: str = "12345678"
) -> str:
    einde = f"<Einddatum>{eind}</Einddatum>" if eind else ""
    return _tf(
        f"<FunctieCode>{code}</FunctieCode><Instelling>{instelling}</Instelling><Soort>{soort}</Soort>"
        f"<Ingangsdatum>{ingang}</Ingangsdatum>{einde}"
    )


def test_tr077_allows_one_day_overlap() -> None:
    functies = _functie("21", "1", "2026-01-01", "2026-03-01") + _functie(
        "21", "1", "2026-03-01", None, "11111111"
    )
    assert bevindingen(bericht("AW33", _indicatie(functies=functies)), "TR077") == []


def test_tr077_fires_on_longer_overlap() -> None:
    functies = _functie("21", "1", "2026-01-01", "2026-03-02") + _functie(
        "21", "1", "2026-03-01", None, "11111111"
    )
    [f] = bevindingen(bericht("AW33", _indicatie(functies=functies)), "TR077")
    assert f.pad.endswith("ToegewezenFunctie[2]")


def test_tr077_ignores_other_code_or_soort() -> None:
    functies = (
        _functie("21", "1", "2026-01-01")
        + _functie("21", "3", "2026-01-01")
        + _functie("31", "1", "2026-01-01")
    )
    assert bevindingen(bericht("AW33", _indicatie(functies=functies)), "TR077") == []


# -- TR082 -------------------------------------------------------------------------------------------
def test_tr082_passes_for_regular_adl_that_was_indicated() -> None:
    geindiceerd = "<GeindiceerdeFunctie><FunctieCode>91</FunctieCode></GeindiceerdeFunctie>"
    b = bericht(
        "AW33", _indicatie(functies=_functie("91", "1", "2026-01-01"), geindiceerd=geindiceerd)
    )
    assert bevindingen(b, "TR082") == []


def test_tr082_fires_for_adl_without_indication() -> None:
    geindiceerd = "<GeindiceerdeFunctie><FunctieCode>21</FunctieCode></GeindiceerdeFunctie>"
    b = bericht(
        "AW33", _indicatie(functies=_functie("91", "1", "2026-01-01"), geindiceerd=geindiceerd)
    )
    [f] = bevindingen(b, "TR082")
    assert f.pad.endswith("ToegewezenFunctie/FunctieCode")


def test_tr082_fires_for_adl_with_other_soort() -> None:
    geindiceerd = "<GeindiceerdeFunctie><FunctieCode>91</FunctieCode></GeindiceerdeFunctie>"
    b = bericht(
        "ZK33", _indicatie(functies=_functie("91", "3", "2026-01-01"), geindiceerd=geindiceerd)
    )
    [f] = bevindingen(b, "TR082")
    assert f.pad.endswith("ToegewezenFunctie/Soort") and "'3'" in f.melding


# -- TR100 -------------------------------------------------------------------------------------------
def test_tr100_passes_when_ontvanger_contracts_the_provider() -> None:
    b = bericht("AW35", _geleverd("87654321"), afzender="87654321", ontvanger="5510")
    assert bevindingen(b, "TR100", referentie=REGISTER) == []


def test_tr100_fires_when_ontvanger_does_not_contract_the_provider() -> None:
    b = bericht("AW39", "<Clienten><Client/></Clienten>", afzender="87654321", ontvanger="5521")
    [f] = bevindingen(b, "TR100", referentie=REGISTER)
    assert f.pad == "/Bericht/Header/Afzender"
    assert f.klasse is None
    assert "5509, 5510" in f.melding


def test_tr100_unknown_provider_passes() -> None:
    b = bericht("AW35", _geleverd("22222222"), afzender="22222222", ontvanger="5521")
    assert bevindingen(b, "TR100", referentie=REGISTER) == []
    assert (
        bevindingen(bericht("AW35", _geleverd("1"), afzender="87654321", ontvanger="5521"), "TR100")
        == []
    )


def test_tr100_not_run_for_zk35() -> None:
    b = bericht("ZK35", _geleverd("1"), afzender="5509", ontvanger="5521")
    assert bevindingen(b, "TR100", referentie=REGISTER) == []


# -- TR106 -------------------------------------------------------------------------------------------
def _zzp(
    instelling: str,
    ingang: str,
    eind: str | None = None,
    lv: str = "4",
    soort: str = "1",
    code: str = "753",
) -> str:
    einde = f"<Einddatum>{eind}</Einddatum>" if eind else ""
    return _tzzp(
        f"<ZzpCode>{code}</ZzpCode><Instelling>{instelling}</Instelling><Soort>{soort}</Soort>"
        f"<Ingangsdatum>{ingang}</Ingangsdatum>{einde}<Leveringsvorm>{lv}</Leveringsvorm>"
    )


def test_tr106_passes_for_consecutive_allocations() -> None:
    zzps = _zzp("12345678", "2026-01-01", "2026-03-31") + _zzp("12345678", "2026-04-01")
    assert bevindingen(bericht("AW33", _indicatie(zzps)), "TR106") == []


def test_tr106_fires_for_overlapping_allocations() -> None:
    zzps = _zzp("12345678", "2026-01-01", "2026-03-31") + _zzp("12345678", "2026-03-31")
    [f] = bevindingen(bericht("AW33", _indicatie(zzps)), "TR106")
    assert f.pad.endswith("ToegewezenZorgzwaartepakket[2]")


def test_tr106_fires_for_overlapping_functions() -> None:
    functies = _functie("21", "1", "2026-01-01") + _functie("21", "1", "2026-02-01")
    body = f"<Client><Indicatie><ToegewezenFuncties>{functies}</ToegewezenFuncties></Indicatie></Client>"
    assert len(bevindingen(bericht("ZK31", body), "TR106")) == 1


@pytest.mark.parametrize(
    "tweede",
    [
        _zzp("11111111", "2026-01-01"),
        _zzp("12345678", "2026-01-01", lv="5"),
        _zzp("12345678", "2026-01-01", soort="3"),
        _zzp("12345678", "2026-01-01", code="754"),
    ],
)
def test_tr106_other_key_may_overlap(tweede: str) -> None:
    zzps = _zzp("12345678", "2026-01-01") + tweede
    assert bevindingen(bericht("AW33", _indicatie(zzps)), "TR106") == []


def _aanvraag_instelling(
    instelling: str, ingang: str, eind: str | None = None, soort: str = "1"
) -> str:
    einde = f"<ToewijzingEinddatum>{eind}</ToewijzingEinddatum>" if eind else ""
    return (
        f"<AanvraagInstelling><Instelling>{instelling}</Instelling><Soort>{soort}</Soort>"
        f"<ToewijzingIngangsdatum>{ingang}</ToewijzingIngangsdatum>{einde}</AanvraagInstelling>"
    )


def _aanvraag(lv: str, *instellingen: str, code: str = "753") -> str:
    return (
        f"<Aanvraag><ZzpCode>{code}</ZzpCode><Leveringsvorm>{lv}</Leveringsvorm>"
        f"<AanvraagInstellingen>{''.join(instellingen)}</AanvraagInstellingen></Aanvraag>"
    )


def test_tr106_requests_across_aanvragen_of_a_client() -> None:
    fout = _aanvraag("4", _aanvraag_instelling("12345678", "2026-01-01")) + _aanvraag(
        "4", _aanvraag_instelling("12345678", "2026-06-01")
    )
    goed = _aanvraag("4", _aanvraag_instelling("12345678", "2026-01-01", "2026-05-31")) + _aanvraag(
        "4", _aanvraag_instelling("12345678", "2026-06-01")
    )
    [f] = bevindingen(bericht("AW39", _clienten(f"<Aanvragen>{fout}</Aanvragen>")), "TR106")
    assert f.pad.endswith("Aanvraag[2]/AanvraagInstellingen/AanvraagInstelling")
    assert bevindingen(bericht("AW39", _clienten(f"<Aanvragen>{goed}</Aanvragen>")), "TR106") == []


def test_tr106_requests_of_different_clients_do_not_clash() -> None:
    aanvraag = (
        "<Aanvragen>"
        + _aanvraag("4", _aanvraag_instelling("12345678", "2026-01-01"))
        + "</Aanvragen>"
    )
    body = f"<Clienten><Client>{aanvraag}</Client><Client>{aanvraag}</Client></Clienten>"
    assert bevindingen(bericht("ZK39", body), "TR106") == []


# -- TR119 / TR124 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("soort", "opname"), [("5", "1"), ("5", None), ("1", "2")])
def test_tr119_passes(soort: str, opname: str | None) -> None:
    veld = f"<Opname>{opname}</Opname>" if opname else ""
    assert (
        bevindingen(bericht("AW33", _indicatie(_tzzp(f"<Soort>{soort}</Soort>{veld}"))), "TR119")
        == []
    )


def test_tr119_fires_for_administrative_allocation_without_admission() -> None:
    [f] = bevindingen(
        bericht("AW33", _indicatie(_tzzp("<Soort>5</Soort><Opname>2</Opname>"))), "TR119"
    )
    assert f.pad.endswith("ToegewezenZorgzwaartepakket/Opname")


def test_tr124_dtv_from_2020() -> None:
    goed = _zzp("12345678", "2020-01-01", lv="8")
    fout = _zzp("12345678", "2019-12-31", lv="8")
    ander = _zzp("12345678", "2019-12-31", lv="4")
    assert bevindingen(bericht("AW33", _indicatie(goed + ander)), "TR124") == []
    [f] = bevindingen(bericht("AW33", _indicatie(fout)), "TR124")
    assert f.pad.endswith("ToegewezenZorgzwaartepakket/Ingangsdatum")
    assert "2019-12-31" in f.melding
