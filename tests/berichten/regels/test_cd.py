"""The CD rules (messages.md §3.3), each on small messages: a failing case, a passing case and
the edge cases (absent elements, the classes the rule must leave alone)."""

from __future__ import annotations

import pytest

from iwlz.berichten.regels.basis import REGELS, Bevinding
from iwlz.berichten.regels.toepassing import TOEPASSING

from .maak import bericht, bevindingen


def _client(inhoud: str) -> str:
    return f"<Clienten><Client>{inhoud}</Client></Clienten>"


def run(code: str, body: str, regel: str) -> list[Bevinding]:
    assert regel in TOEPASSING[code], f"{code} does not run {regel}"
    return bevindingen(bericht(code, body), regel)


def paden(found: list[Bevinding]) -> list[str]:
    return [f.pad.removeprefix("/Bericht/Clienten/Client/") for f in found]


# -- building blocks --------------------------------------------------------------------------
def contact(soort: str = "01", adres: str = "", periode: str = "") -> str:
    return (
        "<Contactgegevens><Contact>"
        f"<Soort>{soort}</Soort>{adres}{periode}"
        "</Contact></Contactgegevens>"
    )


def adres(
    postcode: str | None = "1234AB", landcode: str | None = "NL", huisnummer: str | None = "1"
) -> str:
    huis = f"<Huis><Huisnummer>{huisnummer}</Huisnummer></Huis>" if huisnummer else ""
    pc = f"<Postcode>{postcode}</Postcode>" if postcode is not None else ""
    lc = f"<LandCode>{landcode}</LandCode>" if landcode is not None else ""
    return f"<Adres>{huis}{pc}{lc}</Adres>"


def tzzp(leveringsvorm: str, velden: str = "") -> str:
    """A ToegewezenZorgzwaartepakket in an AW33 Indicatie."""
    return _client(
        "<Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket>"
        f"<ZzpCode>753</ZzpCode>{velden}<Leveringsvorm>{leveringsvorm}</Leveringsvorm>"
        "</ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie>"
    )


def gzzp(leveringsvorm: str, velden: str = "") -> str:
    """An AW35 GeleverdZorgzwaartepakket."""
    return _client(
        "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket>"
        f"<ZzpCode>753</ZzpCode>{velden}<Leveringsvorm>{leveringsvorm}</Leveringsvorm>"
        "</GeleverdZorgzwaartepakket></GeleverdeZorgzwaartepakketten>"
    )


def aanvraag(
    leveringsvorm: str, velden: str = "", instellingen: str = "<AanvraagInstelling/>"
) -> str:
    """An AW39 Aanvraag."""
    return _client(
        f"<Aanvragen><Aanvraag><ZzpCode>753</ZzpCode>{velden}"
        f"<Leveringsvorm>{leveringsvorm}</Leveringsvorm>"
        f"<AanvraagInstellingen>{instellingen}</AanvraagInstellingen></Aanvraag></Aanvragen>"
    )


def wachtlijst(leveringsvorm: str, velden: str = "", statussen: str = "") -> str:
    """An AW317 WachtlijstZorgzwaartepakket."""
    return _client(
        "<Indicaties><Indicatie><WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket>"
        f"<ZzpCode>753</ZzpCode>{velden}<Leveringsvorm>{leveringsvorm}</Leveringsvorm>"
        f"{statussen}</WachtlijstZorgzwaartepakket></WachtlijstZorgzwaartepakketten>"
        "</Indicatie></Indicaties>"
    )


def geleverde_zorg(leveringsvorm: str, velden: str = "", start: str = "2024-01-01") -> str:
    """A CA317 GeleverdeZorg."""
    return _client(
        f"<ZorgLeveringen><GeleverdeZorg><Startdatum>{start}</Startdatum>{velden}"
        f"<Leveringsvorm>{leveringsvorm}</Leveringsvorm></GeleverdeZorg></ZorgLeveringen>"
    )


def test_every_cd_rule_is_registered() -> None:
    codes = (
        "004 005 007 009 016 017 020 022 025 029 034 036 040 047 048 050 051 052 070 071 072 073 "
        "074 090 091"
    )
    for n in codes.split():
        assert f"CD{n}" in REGELS, n
        assert REGELS[f"CD{n}"].omschrijving


# -- CD004 ------------------------------------------------------------------------------------
def test_cd004_sleuteldatum_needs_verblijf() -> None:
    found = run("AW35", gzzp("5", "<Sleuteldatum>2024-01-01</Sleuteldatum>"), "CD004")
    assert paden(found) == ["GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket/Sleuteldatum"]
    assert found[0].retourcode == "D004"
    assert "'5'" in found[0].melding
    assert found[0].klasse is not None and found[0].klasse.naam == "GeleverdZorgzwaartepakket"


def test_cd004_passes() -> None:
    assert run("AW35", gzzp("4", "<Sleuteldatum>2024-01-01</Sleuteldatum>"), "CD004") == []
    assert run("AW35", gzzp("5"), "CD004") == []


# -- CD005 / CD025 (CDT_Adres) ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("postcode", "landcode", "fout"),
    [
        ("1234AB", None, "Postcode"),
        (None, "BE", "LandCode"),
        ("1234AB", "NL", None),
        (None, None, None),
    ],
)
def test_cd005_postcode_and_landcode_together(
    postcode: str | None, landcode: str | None, fout: str | None
) -> None:
    found = run("IO31", _client(contact(adres=adres(postcode, landcode))), "CD005")
    if fout is None:
        assert found == []
    else:
        assert paden(found) == [f"Contactgegevens/Contact/Adres/{fout}"]
        assert found[0].klasse is not None and found[0].klasse.naam == "Contact"


def test_cd005_cd025_cs089_leave_aw317_client_postcode_alone() -> None:
    # AW317's own Client/Postcode and LandCode are not a CDT_Adres.
    body = _client("<Bsn>1</Bsn><Postcode>12</Postcode>")
    for regel in ("CD005", "CD025", "CS089"):
        assert run("AW317", body, regel) == []
    body = _client("<Bsn>1</Bsn><LandCode>NL</LandCode>")
    for regel in ("CD005", "CD025", "CS089"):
        assert run("AW317", body, regel) == []


def test_cd025_nl_needs_huisnummer() -> None:
    found = run("IO31", _client(contact(adres=adres(huisnummer=None))), "CD025")
    assert paden(found) == ["Contactgegevens/Contact/Adres"]
    assert run("IO31", _client(contact(adres=adres())), "CD025") == []
    assert run("IO31", _client(contact(adres=adres("1000", "BE", None))), "CD025") == []
    assert run("IO31", _client(contact(adres=adres(None, None, None))), "CD025") == []


# -- CD007 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("inhoud", "pad"),
    [
        ("<Vorm>1</Vorm>", "Communicatie"),
        ("<Vorm>2</Vorm><Taal>Pools</Taal>", "Communicatie/Taal"),
        ("<Vorm>1</Vorm><Taal>Pools</Taal>", None),
        ("<Vorm>3</Vorm>", None),
    ],
)
def test_cd007_taal_exactly_with_vorm_1(inhoud: str, pad: str | None) -> None:
    found = run("IO31", _client(f"<Communicatie>{inhoud}</Communicatie>"), "CD007")
    assert paden(found) == ([pad] if pad else [])


# -- CD009 ------------------------------------------------------------------------------------
def test_cd009_periode_only_for_temporary_address() -> None:
    periode = "<Periode><Begindatum>2024-01-01</Begindatum></Periode>"
    found = run("IO31", _client(contact("01", periode=periode)), "CD009")
    assert paden(found) == ["Contactgegevens/Contact/Periode"]
    assert "'01'" in found[0].melding
    assert run("IO31", _client(contact("04", periode=periode)), "CD009") == []
    assert run("IO31", _client(contact("01")), "CD009") == []


def test_cd009_also_judges_a_relation_contact() -> None:
    body = _client(
        "<Relaties><Relatie><Soort>10</Soort><Contact><Soort>02</Soort>"
        "<Periode><Einddatum>2024-01-01</Einddatum></Periode></Contact></Relatie></Relaties>"
    )
    assert paden(run("AW33", body, "CD009")) == ["Relaties/Relatie/Contact/Periode"]


# -- CD016 / CD017 ----------------------------------------------------------------------------
def relatie(soort: str, velden: str = "") -> str:
    return _client(f"<Relaties><Relatie><Soort>{soort}</Soort>{velden}</Relatie></Relaties>")


def test_cd016_volgorde_required_unless_partner() -> None:
    assert paden(run("IO31", relatie("10"), "CD016")) == ["Relaties/Relatie"]
    assert run("IO31", relatie("10", "<Volgorde>1</Volgorde>"), "CD016") == []
    assert run("IO31", relatie("12"), "CD016") == []


def test_cd017_partner_needs_birth_date() -> None:
    assert paden(run("AW33", relatie("12"), "CD017")) == ["Relaties/Relatie"]
    leeg = "<Geboortedatum><DatumGebruik>3</DatumGebruik></Geboortedatum>"
    assert paden(run("AW33", relatie("12", leeg), "CD017")) == ["Relaties/Relatie/Geboortedatum"]
    datum = "<Geboortedatum><Datum>1950-01-01</Datum></Geboortedatum>"
    assert run("AW33", relatie("12", datum), "CD017") == []
    assert run("AW33", relatie("10"), "CD017") == []


# -- CD020 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("klasse", "code", "bestemming", "fout"),
    [
        ("MutatieZorgzwaartepakket", "17", False, True),
        ("MutatieFunctie", "21", False, True),
        ("MutatieZorgzwaartepakket", "19", True, True),
        ("MutatieFunctie", "17", True, False),
        ("MutatieZorgzwaartepakket", "12", False, False),
    ],
)
def test_cd020_instelling_bestemming(klasse: str, code: str, bestemming: bool, fout: bool) -> None:
    lijst = "MutatieFuncties" if klasse == "MutatieFunctie" else "MutatieZorgzwaartepakketten"
    extra = "<InstellingBestemming>12345678</InstellingBestemming>" if bestemming else ""
    body = _client(
        f"<{lijst}><{klasse}><Mutatiecode>{code}</Mutatiecode>{extra}</{klasse}></{lijst}>"
    )
    found = run("AW39", body, "CD020")
    if not fout:
        assert found == []
    else:
        suffix = "/InstellingBestemming" if bestemming else ""
        assert paden(found) == [f"{lijst}/{klasse}{suffix}"]
        assert f"'{code}'" in found[0].melding


# -- CD022 ------------------------------------------------------------------------------------
def functie(klasse: str, code: str, vervoer: bool) -> str:
    lijst = {
        "GeindiceerdeFunctie": "GeindiceerdeFuncties",
        "ToegewezenFunctie": "ToegewezenFuncties",
    }[klasse]
    extra = "<Vervoer>1</Vervoer>" if vervoer else ""
    return _client(
        f"<Indicatie><{lijst}><{klasse}><FunctieCode>{code}</FunctieCode>{extra}</{klasse}>"
        f"</{lijst}></Indicatie>"
    )


def test_cd022_vervoer_exactly_for_group_functions() -> None:
    assert paden(run("IO31", functie("GeindiceerdeFunctie", "64", False), "CD022")) == [
        "Indicatie/GeindiceerdeFuncties/GeindiceerdeFunctie"
    ]
    assert paden(run("AW33", functie("ToegewezenFunctie", "31", True), "CD022")) == [
        "Indicatie/ToegewezenFuncties/ToegewezenFunctie/Vervoer"
    ]
    assert run("AW33", functie("ToegewezenFunctie", "82", True), "CD022") == []
    assert run("IO31", functie("GeindiceerdeFunctie", "21", False), "CD022") == []


# -- CD029 ------------------------------------------------------------------------------------
def indicatie(inhoud: str) -> str:
    return _client(f"<Indicatie>{inhoud}</Indicatie>")


def gzzps(*codes: str) -> str:
    zzps = "".join(
        f"<GeindiceerdZorgzwaartepakket><ZzpCode>{c}</ZzpCode></GeindiceerdZorgzwaartepakket>"
        for c in codes
    )
    return f"<GeindiceerdeZorgzwaartepakketten>{zzps}</GeindiceerdeZorgzwaartepakketten>"


def test_cd029_grondslagen_required_with_care() -> None:
    assert paden(run("IO31", indicatie(gzzps("753")), "CD029")) == ["Indicatie"]
    functies = "<GeindiceerdeFuncties><GeindiceerdeFunctie/></GeindiceerdeFuncties>"
    assert paden(run("IO31", indicatie(functies), "CD029")) == ["Indicatie"]
    grondslag = "<Grondslagen><Grondslag01>01</Grondslag01></Grondslagen>"
    assert run("IO31", indicatie(grondslag + gzzps("753")), "CD029") == []


def test_cd029_negative_decision_or_zzp0_only() -> None:
    assert run("IO31", indicatie(""), "CD029") == []
    assert run("IO31", indicatie(gzzps("999", "999")), "CD029") == []
    assert paden(run("IO31", indicatie(gzzps("999", "753")), "CD029")) == ["Indicatie"]


def test_cd029_aw317() -> None:
    body = _client(f"<Indicaties><Indicatie>{gzzps('753')}</Indicatie></Indicaties>")
    assert paden(run("AW317", body, "CD029")) == ["Indicaties/Indicatie"]


# -- CD034 ------------------------------------------------------------------------------------
def test_cd034_brp_address_needs_postcode() -> None:
    found = run("IO31", _client(contact("01", adres(None, None))), "CD034")
    assert paden(found) == ["Contactgegevens/Contact/Adres"]
    assert run("IO31", _client(contact("03", adres())), "CD034") == []
    assert run("IO31", _client(contact("02", adres(None, None))), "CD034") == []
    # a contact without an address is TR006's business
    assert run("IO31", _client(contact("01")), "CD034") == []


# -- CD036 ------------------------------------------------------------------------------------
def test_cd036_aw317_postcode_only_in_nl() -> None:
    found = run("AW317", _client("<Postcode>1234</Postcode><LandCode>BE</LandCode>"), "CD036")
    assert paden(found) == ["Postcode"]
    assert run("AW317", _client("<Postcode>1234</Postcode><LandCode>NL</LandCode>"), "CD036") == []
    assert run("AW317", _client("<LandCode>BE</LandCode>"), "CD036") == []


# -- CD040 ------------------------------------------------------------------------------------
INSTELLING = "<Instelling>12345678</Instelling>"
PERCENTAGE = "<ToewijzingPercentage>10000</ToewijzingPercentage>"


def test_cd040_aw33_pgb_leaves_instelling_and_percentage_empty() -> None:
    found = run("AW33", tzzp("2", INSTELLING + PERCENTAGE), "CD040")
    pad = "Indicatie/ToegewezenZorgzwaartepakketten/ToegewezenZorgzwaartepakket"
    assert sorted(paden(found)) == [f"{pad}/Instelling", f"{pad}/ToewijzingPercentage"]
    assert run("AW33", tzzp("2"), "CD040") == []


def test_cd040_aw33_other_forms_require_both() -> None:
    found = run("AW33", tzzp("4"), "CD040")
    assert len(found) == 2
    assert all("ToegewezenZorgzwaartepakket/" in f.melding for f in found)
    assert run("AW33", tzzp("4", INSTELLING + PERCENTAGE), "CD040") == []


def test_cd040_zk31_judges_only_instelling() -> None:
    body = "<Client><Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket>"
    body += f"{PERCENTAGE}<Leveringsvorm>2</Leveringsvorm></ToegewezenZorgzwaartepakket>"
    body += "</ToegewezenZorgzwaartepakketten></Indicatie></Client>"
    assert run("ZK31", body, "CD040") == []


def test_cd040_aanvraag_instelling_percentage() -> None:
    met = f"<AanvraagInstelling>{PERCENTAGE}</AanvraagInstelling>"
    zonder = "<AanvraagInstelling/>"
    found = run("AW39", aanvraag("2", instellingen=met + zonder), "CD040")
    assert paden(found) == [
        "Aanvragen/Aanvraag/AanvraagInstellingen/AanvraagInstelling[1]/ToewijzingPercentage"
    ]
    found = run("AW39", aanvraag("4", instellingen=met + zonder), "CD040")
    assert paden(found) == ["Aanvragen/Aanvraag/AanvraagInstellingen/AanvraagInstelling[2]"]


def test_cd040_wachtlijst_instelling() -> None:
    assert paden(run("AW317", wachtlijst("4"), "CD040")) == [
        "Indicaties/Indicatie/WachtlijstZorgzwaartepakketten/WachtlijstZorgzwaartepakket"
    ]
    assert run("AW317", wachtlijst("4", INSTELLING), "CD040") == []
    assert len(run("AW317", wachtlijst("2", INSTELLING), "CD040")) == 1


# -- CD047 / CD048 ----------------------------------------------------------------------------
def test_cd047_niet_doelmatig_needs_bijzondere_situatie() -> None:
    found = run("AW39", aanvraag("7", "<Doelmatig>2</Doelmatig>"), "CD047")
    assert paden(found) == ["Aanvragen/Aanvraag/Doelmatig"]
    situatie = "<BijzondereSituatie><ToeslagOverig>5</ToeslagOverig></BijzondereSituatie>"
    assert run("AW39", aanvraag("7", "<Doelmatig>2</Doelmatig>" + situatie), "CD047") == []
    assert run("AW39", aanvraag("7", "<Doelmatig>1</Doelmatig>"), "CD047") == []
    assert run("AW39", aanvraag("4"), "CD047") == []


@pytest.mark.parametrize(
    ("inhoud", "pad"),
    [
        ("<ExtraKostenThuis>5</ExtraKostenThuis>", None),
        ("<ToeslagBeademing>1</ToeslagBeademing>", None),
        ("<ToeslagOverig>3</ToeslagOverig>", None),
        ("", "BijzondereSituatie"),
        (
            "<ExtraKostenThuis>5</ExtraKostenThuis><ToeslagOverig>3</ToeslagOverig>",
            "BijzondereSituatie/ToeslagOverig",
        ),
    ],
)
def test_cd048_toeslag_overig(inhoud: str, pad: str | None) -> None:
    body = aanvraag(
        "7", f"<Doelmatig>2</Doelmatig><BijzondereSituatie>{inhoud}</BijzondereSituatie>"
    )
    found = run("AW39", body, "CD048")
    assert paden(found) == ([f"Aanvragen/Aanvraag/{pad}"] if pad else [])


# -- CD050 / CD051 / CD072 / CD073 (Leveringsvorm conditions) ---------------------------------
TZZP = "Indicatie/ToegewezenZorgzwaartepakketten/ToegewezenZorgzwaartepakket"


@pytest.mark.parametrize(
    ("regel", "veld", "waarde", "ja", "nee"),
    [
        ("CD050", "CoordinatorZorgThuis", "12345678", "7", "4"),
        ("CD051", "Klasse", "KE4", "5", "7"),
        ("CD072", "Etmalen", "4,0", "8", "4"),
        ("CD073", "Dossierhouder", "12345678", "8", "7"),
    ],
)
def test_leveringsvorm_conditions_on_toegewezen_zzp(
    regel: str, veld: str, waarde: str, ja: str, nee: str
) -> None:
    element = f"<{veld}>{waarde}</{veld}>"
    assert paden(run("AW33", tzzp(ja), regel)) == [TZZP]
    assert paden(run("AW33", tzzp(nee, element), regel)) == [f"{TZZP}/{veld}"]
    assert run("AW33", tzzp(ja, element), regel) == []
    assert run("AW33", tzzp(nee), regel) == []


@pytest.mark.parametrize(
    ("regel", "veld", "ja", "nee"),
    [
        ("CD050", "CoordinatorZorgThuis", "7", "8"),
        ("CD051", "Klasse", "4", "7"),
        ("CD072", "Etmalen", "8", "7"),
        ("CD073", "Dossierhouder", "5", "7"),
        ("CD074", "Verantwoord", "8", "4"),
    ],
)
def test_leveringsvorm_conditions_on_aanvraag(regel: str, veld: str, ja: str, nee: str) -> None:
    element = f"<{veld}>1</{veld}>"
    assert any(f.pad.endswith("Aanvraag") for f in run("AW39", aanvraag(ja), regel))
    assert paden(run("AW39", aanvraag(nee, element), regel)) == [f"Aanvragen/Aanvraag/{veld}"]


def test_cd051_cd072_on_geleverd_zzp() -> None:
    assert paden(run("AW35", gzzp("4"), "CD051")) == [
        "GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket"
    ]
    assert run("AW35", gzzp("4", "<Klasse>KE4</Klasse>"), "CD051") == []
    assert len(run("AW35", gzzp("8"), "CD072")) == 1
    assert run("AW35", gzzp("8", "<Etmalen>4,0</Etmalen>"), "CD072") == []


def test_cd072_on_wachtlijst_and_geleverde_zorg() -> None:
    assert len(run("AW317", wachtlijst("8"), "CD072")) == 1
    assert run("AW317", wachtlijst("4"), "CD072") == []
    assert len(run("CA317", geleverde_zorg("4", "<Etmalen>4,0</Etmalen>"), "CD072")) == 1
    assert run("CA317", geleverde_zorg("8", "<Etmalen>4,0</Etmalen>"), "CD072") == []


def test_cd073_counts_vkb_as_the_stylesheet_does() -> None:
    # open point O4: the stylesheet requires the Dossierhouder/Instelling for 9 (VKB) too
    assert len(run("AW33", tzzp("9"), "CD073")) == 1
    assert len(run("CA317", geleverde_zorg("9"), "CD073")) == 1
    assert run("CA317", geleverde_zorg("9", INSTELLING), "CD073") == []
    assert paden(run("CA317", geleverde_zorg("7", INSTELLING), "CD073")) == [
        "ZorgLeveringen/GeleverdeZorg/Instelling"
    ]


# -- CD052 ------------------------------------------------------------------------------------
def test_cd052_opname_on_toegewezen_and_wachtlijst() -> None:
    assert paden(run("AW33", tzzp("4"), "CD052")) == [TZZP]
    assert paden(run("AW33", tzzp("5", "<Opname>1</Opname>"), "CD052")) == [f"{TZZP}/Opname"]
    assert run("AW33", tzzp("8", "<Opname>2</Opname>"), "CD052") == []
    assert len(run("AW317", wachtlijst("8"), "CD052")) == 1
    assert run("AW317", wachtlijst("7"), "CD052") == []


def test_cd052_opname_on_each_aanvraag_instelling() -> None:
    met = "<AanvraagInstelling><Opname>1</Opname></AanvraagInstelling>"
    zonder = "<AanvraagInstelling/>"
    found = run("AW39", aanvraag("8", instellingen=met + zonder), "CD052")
    assert paden(found) == ["Aanvragen/Aanvraag/AanvraagInstellingen/AanvraagInstelling[2]"]
    found = run("AW39", aanvraag("7", instellingen=met + zonder), "CD052")
    assert paden(found) == ["Aanvragen/Aanvraag/AanvraagInstellingen/AanvraagInstelling[1]/Opname"]
    assert run("AW39", aanvraag("4", instellingen=met), "CD052") == []


# -- CD070 ------------------------------------------------------------------------------------
def test_cd070_wzd_dates_exactly_with_verklaring_1() -> None:
    datums = "<WzdIngangsdatum>2024-01-01</WzdIngangsdatum><WzdEinddatum>2025-01-01</WzdEinddatum>"
    assert len(run("IO31", _client("<Wzd><WzdVerklaring>1</WzdVerklaring></Wzd>"), "CD070")) == 2
    found = run("IO31", _client(f"<Wzd><WzdVerklaring>2</WzdVerklaring>{datums}</Wzd>"), "CD070")
    assert paden(found) == ["Wzd/WzdIngangsdatum", "Wzd/WzdEinddatum"]
    assert (
        run("IO31", _client(f"<Wzd><WzdVerklaring>1</WzdVerklaring>{datums}</Wzd>"), "CD070") == []
    )
    assert run("IO31", _client("<Wzd><WzdVerklaring>9</WzdVerklaring></Wzd>"), "CD070") == []


# -- CD071 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vorm", "start", "klasse", "fout"),
    [
        ("4", "2019-12-31", False, True),
        ("4", "2019-12-31", True, False),
        ("4", "2020-01-01", True, True),
        ("4", "2020-01-01", False, False),
        ("7", "2019-06-01", True, True),
        ("5", "2018-01-01", True, False),
    ],
)
def test_cd071_klasse_before_2020(vorm: str, start: str, klasse: bool, fout: bool) -> None:
    extra = "<Klasse>KE4</Klasse>" if klasse else ""
    found = run("CA317", geleverde_zorg(vorm, extra, start), "CD071")
    assert len(found) == (1 if fout else 0)


# -- CD074 ------------------------------------------------------------------------------------
def test_cd074_doelmatig_and_verantwoord() -> None:
    found = run("AW39", aanvraag("7"), "CD074")
    assert len(found) == 2 and {f.pad for f in found} == {
        "/Bericht/Clienten/Client/Aanvragen/Aanvraag"
    }
    both = "<Doelmatig>1</Doelmatig><Verantwoord>1</Verantwoord>"
    assert run("AW39", aanvraag("8", both), "CD074") == []
    assert len(run("AW39", aanvraag("4", both), "CD074")) == 2
    assert run("AW39", aanvraag("4"), "CD074") == []


# -- CD090 ------------------------------------------------------------------------------------
def mutatie_zzp(status: str, classificatie: str | None = None) -> str:
    extra = (
        f"<LeveringsstatusClassificatie>{classificatie}</LeveringsstatusClassificatie>"
        if classificatie
        else ""
    )
    return _client(
        "<MutatieZorgzwaartepakketten><MutatieZorgzwaartepakket>"
        f"<Leveringsstatus>{status}</Leveringsstatus>{extra}"
        "</MutatieZorgzwaartepakket></MutatieZorgzwaartepakketten>"
    )


def test_cd090_classificatie_with_waiting_statuses() -> None:
    assert paden(run("AW39", mutatie_zzp("6"), "CD090")) == [
        "MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket"
    ]
    assert paden(run("AW39", mutatie_zzp("5", "13"), "CD090")) == [
        "MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket/LeveringsstatusClassificatie"
    ]
    assert run("AW39", mutatie_zzp("2", "13"), "CD090") == []
    assert run("AW39", mutatie_zzp("5"), "CD090") == []


def test_cd090_aw317_leveringsstatus_class() -> None:
    statussen = (
        "<Leveringsstatussen>"
        "<Leveringsstatus><Leveringsstatus>7</Leveringsstatus></Leveringsstatus>"
        "<Leveringsstatus><Leveringsstatus>4</Leveringsstatus></Leveringsstatus>"
        "</Leveringsstatussen>"
    )
    found = run("AW317", wachtlijst("4", statussen=statussen), "CD090")
    assert len(found) == 1 and found[0].pad.endswith("Leveringsstatussen/Leveringsstatus[1]")
    assert found[0].klasse is not None and found[0].klasse.naam == "Leveringsstatus"


def test_cd090_zk31_toegewezen_zzp() -> None:
    body = (
        "<Client><Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket>"
        "<Leveringsstatus>3</Leveringsstatus></ToegewezenZorgzwaartepakket>"
        "</ToegewezenZorgzwaartepakketten></Indicatie></Client>"
    )
    assert len(run("ZK31", body, "CD090")) == 1


# -- CD091 ------------------------------------------------------------------------------------
def test_cd091_ca317_instelling() -> None:
    assert paden(run("CA317", geleverde_zorg("9"), "CD091")) == ["ZorgLeveringen/GeleverdeZorg"]
    assert len(run("CA317", geleverde_zorg("2", INSTELLING), "CD091")) == 1
    assert run("CA317", geleverde_zorg("5", INSTELLING), "CD091") == []
    assert run("CA317", geleverde_zorg("7"), "CD091") == []
