"""The CS rules (messages.md §3.3), each on small messages: a failing case, a passing case and
the edge cases (absent elements, the classes the rule must leave alone)."""

from __future__ import annotations

import datetime as dt

import pytest

from iwlz.berichten.regels.basis import REGELS, Bevinding
from iwlz.berichten.regels.cs import elfproef
from iwlz.berichten.regels.toepassing import TOEPASSING

from .maak import DAGTEKENING, bericht, bevindingen


def _client(inhoud: str) -> str:
    return f"<Clienten><Client>{inhoud}</Client></Clienten>"


def run(
    code: str, body: str, regel: str, *, vandaag: dt.date = DAGTEKENING, header_extra: str = ""
) -> list[Bevinding]:
    assert regel in TOEPASSING[code], f"{code} does not run {regel}"
    return bevindingen(bericht(code, body, header_extra=header_extra), regel, vandaag=vandaag)


def paden(found: list[Bevinding]) -> list[str]:
    return [f.pad.removeprefix("/Bericht/Clienten/Client/") for f in found]


def test_every_cs_rule_is_registered() -> None:
    codes = (
        "002 003 012 014 023 035 050 058 062 064 067 069 072 074 088 089 092 093 107 108 113 118 "
        "123 125 127 130 131 132 133"
    )
    for n in codes.split():
        assert f"CS{n}" in REGELS, n


# -- CS002 ------------------------------------------------------------------------------------
def _met_controlecijfer(acht: str) -> str:
    """The 9-digit BSN that completes ``acht`` digits, if one exists."""
    som = sum((9 - i) * int(c) for i, c in enumerate(acht))
    laatste = som % 11
    assert laatste < 10
    return acht + str(laatste)


def test_elfproef() -> None:
    geldig = _met_controlecijfer("12345678")
    assert elfproef(geldig)
    fout = geldig[:8] + str((int(geldig[8]) + 1) % 10)
    assert not elfproef(fout)
    assert not elfproef("12345678")
    assert not elfproef("12345678a")


def test_cs002_bsn_11_proef() -> None:
    geldig = _met_controlecijfer("11122233")
    ongeldig = geldig[:8] + str((int(geldig[8]) + 1) % 10)
    body = f"<Clienten><Client><Bsn>{geldig}</Bsn></Client><Client><Bsn>{ongeldig}</Bsn></Client></Clienten>"
    found = run("AW35", body, "CS002")
    assert [f.pad for f in found] == ["/Bericht/Clienten/Client[2]/Bsn"]
    assert found[0].retourcode == "S002" and ongeldig in found[0].melding
    assert found[0].klasse is not None and found[0].klasse.naam == "Client"
    assert run("CA319", _client(f"<Bsn>{geldig}</Bsn>"), "CS002") == []


# -- CS003 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("klasse_xml", "pad"),
    [
        (
            "<Indicatie><Ingangsdatum>2024-02-01</Ingangsdatum><Einddatum>2024-01-31</Einddatum></Indicatie>",
            "Indicatie/Einddatum",
        ),
        (
            "<Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket>"
            "<Ingangsdatum>2024-02-01</Ingangsdatum><Einddatum>2023-01-01</Einddatum>"
            "</ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie>",
            "Indicatie/ToegewezenZorgzwaartepakketten/ToegewezenZorgzwaartepakket/Einddatum",
        ),
        (
            "<Contactgegevens><Contact><Soort>04</Soort><Periode><Begindatum>2024-02-01</Begindatum>"
            "<Einddatum>2024-01-01</Einddatum></Periode></Contact></Contactgegevens>",
            "Contactgegevens/Contact/Periode/Einddatum",
        ),
    ],
)
def test_cs003_end_before_start(klasse_xml: str, pad: str) -> None:
    found = run("AW33", _client(klasse_xml), "CS003")
    assert paden(found) == [pad]
    assert "is not on or after" in found[0].melding


def test_cs003_aanvraag_instelling() -> None:
    body = _client(
        "<Aanvragen><Aanvraag><AanvraagInstellingen><AanvraagInstelling>"
        "<ToewijzingIngangsdatum>2024-02-01</ToewijzingIngangsdatum>"
        "<ToewijzingEinddatum>2024-01-31</ToewijzingEinddatum>"
        "</AanvraagInstelling></AanvraagInstellingen></Aanvraag></Aanvragen>"
    )
    assert len(run("AW39", body, "CS003")) == 1


def test_cs003_passes_same_day_and_open_periods() -> None:
    same = "<Indicatie><Ingangsdatum>2024-02-01</Ingangsdatum><Einddatum>2024-02-01</Einddatum></Indicatie>"
    assert run("IO31", _client(same), "CS003") == []
    open_start = (
        "<Contactgegevens><Contact><Soort>04</Soort><Periode><Einddatum>2024-01-01</Einddatum>"
        "</Periode></Contact></Contactgegevens>"
    )
    assert run("IO31", _client(open_start), "CS003") == []
    assert (
        run(
            "IO31",
            _client("<Indicatie><Ingangsdatum>2024-02-01</Ingangsdatum></Indicatie>"),
            "CS003",
        )
        == []
    )


# -- CS012 / CS014 ----------------------------------------------------------------------------
def stoornis(lijst: str, sub: str | None, beeld: str | None) -> str:
    s = f"<DiagnoseSubcodelijst>{sub}</DiagnoseSubcodelijst>" if sub else ""
    z = f"<ZiektebeeldStoornis>{beeld}</ZiektebeeldStoornis>" if beeld else ""
    return _client(
        f"<Indicatie><Stoornissen><Stoornis><DiagnoseCodelijst>{lijst}</DiagnoseCodelijst>{s}{z}"
        "</Stoornis></Stoornissen></Indicatie>"
    )


@pytest.mark.parametrize(
    ("lijst", "sub", "beeld", "goed"),
    [
        ("014", "04", "21", True),
        ("019", "07", "22", False),
        ("021", "01", "b117", True),
        ("021", "01", "b210", False),
        ("021", "02", "b210", True),
        ("021", "03", "b869", True),
        ("021", "03", "b110", False),
        ("022", None, "b117.9", True),
        ("022", None, "b117.5", False),
        ("023", "12", "b210.1", True),
        ("023", "12", "b230.1", False),
        ("024", "13", "b230.4", True),
        ("024", "13", "b230", False),
        ("021", "09", "anything", True),  # a wrong sublist is CS014's
        ("014", "04", None, True),  # nothing to judge
    ],
)
def test_cs012_ziektebeeld_fits_list(
    lijst: str, sub: str | None, beeld: str | None, goed: bool
) -> None:
    found = run("IO31", stoornis(lijst, sub, beeld), "CS012")
    if goed:
        assert found == []
    else:
        assert paden(found) == ["Indicatie/Stoornissen/Stoornis/ZiektebeeldStoornis"]
        assert repr(beeld) in found[0].melding


@pytest.mark.parametrize(
    ("lijst", "sub", "goed"),
    [
        ("014", "05", True),
        ("014", "07", False),
        ("019", "11", True),
        ("021", "03", True),
        ("021", "04", False),
        ("023", "12", True),
        ("024", "12", False),
        ("024", None, False),
        ("022", "01", True),  # no sublist restriction for IQ
    ],
)
def test_cs014_subcodelijst_fits_codelijst(lijst: str, sub: str | None, goed: bool) -> None:
    found = run("AW317", stoornis(lijst, sub, None), "CS014")
    assert len(found) == (0 if goed else 1)


# -- CS023 ------------------------------------------------------------------------------------
NA = (DAGTEKENING + dt.timedelta(days=1)).isoformat()
OP = DAGTEKENING.isoformat()


@pytest.mark.parametrize(
    ("code", "inhoud", "pad"),
    [
        ("IO31", f"<Geboortedatum><Datum>{NA}</Datum></Geboortedatum>", "Geboortedatum/Datum"),
        (
            "IO31",
            f"<Relaties><Relatie><Geboortedatum><Datum>{NA}</Datum></Geboortedatum></Relatie></Relaties>",
            "Relaties/Relatie/Geboortedatum/Datum",
        ),
        (
            "IO31",
            f"<Indicatie><Afgiftedatum>{NA}</Afgiftedatum></Indicatie>",
            "Indicatie/Afgiftedatum",
        ),
        (
            "AW33",
            "<Indicatie><ToegewezenFuncties><ToegewezenFunctie>"
            f"<Toewijzingsdatum>{NA}</Toewijzingsdatum></ToegewezenFunctie></ToegewezenFuncties></Indicatie>",
            "Indicatie/ToegewezenFuncties/ToegewezenFunctie/Toewijzingsdatum",
        ),
        (
            "AW35",
            "<GeleverdeFuncties><GeleverdeFunctie>"
            f"<Begindatum>{NA}</Begindatum></GeleverdeFunctie></GeleverdeFuncties>",
            "GeleverdeFuncties/GeleverdeFunctie/Begindatum",
        ),
        (
            "AW39",
            "<MutatieZorgzwaartepakketten><MutatieZorgzwaartepakket>"
            f"<Mutatiedatum>{NA}</Mutatiedatum></MutatieZorgzwaartepakket></MutatieZorgzwaartepakketten>",
            "MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket/Mutatiedatum",
        ),
        (
            "CA317",
            f"<ZorgLeveringen><GeleverdeZorg><Startdatum>{NA}</Startdatum></GeleverdeZorg></ZorgLeveringen>",
            "ZorgLeveringen/GeleverdeZorg/Startdatum",
        ),
        (
            "CA319",
            f"<MutatiesZorg><MutatieZorg><Mutatiedatum>{NA}</Mutatiedatum></MutatieZorg></MutatiesZorg>",
            "MutatiesZorg/MutatieZorg/Mutatiedatum",
        ),
    ],
)
def test_cs023_date_after_dagtekening(code: str, inhoud: str, pad: str) -> None:
    found = run(code, _client(inhoud), "CS023")
    assert paden(found) == [pad]
    assert NA in found[0].melding
    assert run(code, _client(inhoud.replace(NA, OP)), "CS023") == []


def test_cs023_leaves_other_dates_alone() -> None:
    # Ingangsdatum/Einddatum may lie in the future; so may an AW317 wachtlijst Mutatiedatum.
    body = f"<Indicatie><Ingangsdatum>{NA}</Ingangsdatum><Einddatum>{NA}</Einddatum></Indicatie>"
    assert run("IO31", _client(body), "CS023") == []
    wachtlijst = (
        "<Indicaties><Indicatie><WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket>"
        f"<Mutatiedatum>{NA}</Mutatiedatum></WachtlijstZorgzwaartepakket>"
        "</WachtlijstZorgzwaartepakketten></Indicatie></Indicaties>"
    )
    assert run("AW317", _client(wachtlijst), "CS023") == []


def test_cs023_aw317_periode_begin() -> None:
    periode = f"<Periode><Begindatum>{NA}</Begindatum><Einddatum>{NA}</Einddatum></Periode>"
    found = run("AW317", _client("<Bsn>1</Bsn>"), "CS023", header_extra=periode)
    assert [f.pad for f in found] == ["/Bericht/Header/Periode/Begindatum"]
    assert found[0].klasse is None  # a header finding
    periode = f"<Periode><Begindatum>{OP}</Begindatum><Einddatum>{OP}</Einddatum></Periode>"
    assert run("AW317", _client("<Bsn>1</Bsn>"), "CS023", header_extra=periode) == []


# -- simple value sets --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("regel", "code", "fout", "goed", "pad"),
    [
        (
            "CS035",
            "IO31",
            "<BurgerlijkeStaat>3</BurgerlijkeStaat>",
            "<BurgerlijkeStaat>1</BurgerlijkeStaat>",
            "BurgerlijkeStaat",
        ),
        (
            "CS035",
            "AW33",
            "<BurgerlijkeStaat>6</BurgerlijkeStaat>",
            "<BurgerlijkeStaat>9</BurgerlijkeStaat>",
            "BurgerlijkeStaat",
        ),
        (
            "CS058",
            "AW35",
            "<GeleverdeFuncties><GeleverdeFunctie><StatusAanlevering>2</StatusAanlevering></GeleverdeFunctie></GeleverdeFuncties>",
            "<GeleverdeFuncties><GeleverdeFunctie><StatusAanlevering>3</StatusAanlevering></GeleverdeFunctie></GeleverdeFuncties>",
            "GeleverdeFuncties/GeleverdeFunctie/StatusAanlevering",
        ),
        (
            "CS058",
            "AW39",
            "<MutatieZorgzwaartepakketten><MutatieZorgzwaartepakket><StatusAanlevering>9</StatusAanlevering></MutatieZorgzwaartepakket></MutatieZorgzwaartepakketten>",
            "<MutatieZorgzwaartepakketten><MutatieZorgzwaartepakket><StatusAanlevering>1</StatusAanlevering></MutatieZorgzwaartepakket></MutatieZorgzwaartepakketten>",
            "MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket/StatusAanlevering",
        ),
        (
            "CS062",
            "AW35",
            "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket><Leveringsstatus>5</Leveringsstatus></GeleverdZorgzwaartepakket></GeleverdeZorgzwaartepakketten>",
            "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket><Leveringsstatus>4</Leveringsstatus></GeleverdZorgzwaartepakket></GeleverdeZorgzwaartepakketten>",
            "GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket/Leveringsstatus",
        ),
        (
            "CS067",
            "CA319",
            "<MutatiesZorg><MutatieZorg><Mutatiecode>17</Mutatiecode></MutatieZorg></MutatiesZorg>",
            "<MutatiesZorg><MutatieZorg><Mutatiecode>20</Mutatiecode></MutatieZorg></MutatiesZorg>",
            "MutatiesZorg/MutatieZorg/Mutatiecode",
        ),
        (
            "CS069",
            "IO31",
            "<Huisarts>02123456</Huisarts>",
            "<Huisarts>01123456</Huisarts>",
            "Huisarts",
        ),
        (
            "CS072",
            "AW33",
            "<Indicatie><ToegewezenFuncties><ToegewezenFunctie><Soort>5</Soort></ToegewezenFunctie></ToegewezenFuncties></Indicatie>",
            "<Indicatie><ToegewezenFuncties><ToegewezenFunctie><Soort>3</Soort></ToegewezenFunctie></ToegewezenFuncties></Indicatie>",
            "Indicatie/ToegewezenFuncties/ToegewezenFunctie/Soort",
        ),
        (
            "CS072",
            "AW39",
            "<Aanvragen><Aanvraag><AanvraagInstellingen><AanvraagInstelling><Soort>5</Soort></AanvraagInstelling></AanvraagInstellingen></Aanvraag></Aanvragen>",
            "<Aanvragen><Aanvraag><AanvraagInstellingen><AanvraagInstelling><Soort>1</Soort></AanvraagInstelling></AanvraagInstellingen></Aanvraag></Aanvragen>",
            "Aanvragen/Aanvraag/AanvraagInstellingen/AanvraagInstelling/Soort",
        ),
        (
            "CS072",
            "AW317",
            "<Indicaties><Indicatie><WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket><Soort>5</Soort></WachtlijstZorgzwaartepakket></WachtlijstZorgzwaartepakketten></Indicatie></Indicaties>",
            "<Indicaties><Indicatie><WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket><Soort>1</Soort></WachtlijstZorgzwaartepakket></WachtlijstZorgzwaartepakketten></Indicatie></Indicaties>",
            "Indicaties/Indicatie/WachtlijstZorgzwaartepakketten/WachtlijstZorgzwaartepakket/Soort",
        ),
        (
            "CS074",
            "AW33",
            "<Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket><Klasse>KE3</Klasse></ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie>",
            "<Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket><Klasse>KE7</Klasse></ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie>",
            "Indicatie/ToegewezenZorgzwaartepakketten/ToegewezenZorgzwaartepakket/Klasse",
        ),
        (
            "CS074",
            "AW39",
            "<Aanvragen><Aanvraag><Klasse>99</Klasse></Aanvraag></Aanvragen>",
            "<Aanvragen><Aanvraag><Klasse>KE4</Klasse></Aanvraag></Aanvragen>",
            "Aanvragen/Aanvraag/Klasse",
        ),
        (
            "CS074",
            "CA317",
            "<ZorgLeveringen><GeleverdeZorg><Klasse>K3</Klasse></GeleverdeZorg></ZorgLeveringen>",
            "<ZorgLeveringen><GeleverdeZorg><Klasse>KE5</Klasse></GeleverdeZorg></ZorgLeveringen>",
            "ZorgLeveringen/GeleverdeZorg/Klasse",
        ),
        (
            "CS107",
            "IO31",
            "<Indicatie><GeindiceerdeFuncties><GeindiceerdeFunctie><Vervoer>9</Vervoer></GeindiceerdeFunctie></GeindiceerdeFuncties></Indicatie>",
            "<Indicatie><GeindiceerdeFuncties><GeindiceerdeFunctie><Vervoer>2</Vervoer></GeindiceerdeFunctie></GeindiceerdeFuncties></Indicatie>",
            "Indicatie/GeindiceerdeFuncties/GeindiceerdeFunctie/Vervoer",
        ),
        (
            "CS113",
            "IO31",
            "<Indicatie><Soort>2</Soort></Indicatie>",
            "<Indicatie><Soort>4</Soort></Indicatie>",
            "Indicatie/Soort",
        ),
        (
            "CS123",
            "AW33",
            "<Relaties><Relatie><Soort>25</Soort></Relatie></Relaties>",
            "<Relaties><Relatie><Soort>21</Soort></Relatie></Relaties>",
            "Relaties/Relatie/Soort",
        ),
        (
            "CS125",
            "CA317",
            "<ZorgLeveringen><GeleverdeZorg><StatusAanlevering>9</StatusAanlevering></GeleverdeZorg></ZorgLeveringen>",
            "<ZorgLeveringen><GeleverdeZorg><StatusAanlevering>2</StatusAanlevering></GeleverdeZorg></ZorgLeveringen>",
            "ZorgLeveringen/GeleverdeZorg/StatusAanlevering",
        ),
        (
            "CS125",
            "CA319",
            "<MutatiesZorg><MutatieZorg><StatusAanlevering>4</StatusAanlevering></MutatieZorg></MutatiesZorg>",
            "<MutatiesZorg><MutatieZorg><StatusAanlevering>3</StatusAanlevering></MutatieZorg></MutatiesZorg>",
            "MutatiesZorg/MutatieZorg/StatusAanlevering",
        ),
        (
            "CS127",
            "AW35",
            "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket><Leveringsvorm>2</Leveringsvorm></GeleverdZorgzwaartepakket></GeleverdeZorgzwaartepakketten>",
            "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket><Leveringsvorm>4</Leveringsvorm></GeleverdZorgzwaartepakket></GeleverdeZorgzwaartepakketten>",
            "GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket/Leveringsvorm",
        ),
        (
            "CS127",
            "AW39",
            "<Aanvragen><Aanvraag><Leveringsvorm>9</Leveringsvorm></Aanvraag></Aanvragen>",
            "<Aanvragen><Aanvraag><Leveringsvorm>8</Leveringsvorm></Aanvraag></Aanvragen>",
            "Aanvragen/Aanvraag/Leveringsvorm",
        ),
        (
            "CS132",
            "AW33",
            "<Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket><Leveringsvorm>9</Leveringsvorm></ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie>",
            "<Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket><Leveringsvorm>2</Leveringsvorm></ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie>",
            "Indicatie/ToegewezenZorgzwaartepakketten/ToegewezenZorgzwaartepakket/Leveringsvorm",
        ),
        (
            "CS132",
            "AW317",
            "<Indicaties><Indicatie><WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket><Leveringsvorm>9</Leveringsvorm></WachtlijstZorgzwaartepakket></WachtlijstZorgzwaartepakketten></Indicatie></Indicaties>",
            "<Indicaties><Indicatie><WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket><Leveringsvorm>4</Leveringsvorm></WachtlijstZorgzwaartepakket></WachtlijstZorgzwaartepakketten></Indicatie></Indicaties>",
            "Indicaties/Indicatie/WachtlijstZorgzwaartepakketten/WachtlijstZorgzwaartepakket/Leveringsvorm",
        ),
        (
            "CS133",
            "AW39",
            "<MutatieZorgzwaartepakketten><MutatieZorgzwaartepakket><Leveringsstatus>1</Leveringsstatus></MutatieZorgzwaartepakket></MutatieZorgzwaartepakketten>",
            "<MutatieZorgzwaartepakketten><MutatieZorgzwaartepakket><Leveringsstatus>5</Leveringsstatus></MutatieZorgzwaartepakket></MutatieZorgzwaartepakketten>",
            "MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket/Leveringsstatus",
        ),
    ],
)
def test_value_constraints(regel: str, code: str, fout: str, goed: str, pad: str) -> None:
    found = run(code, _client(fout), regel)
    assert paden(found) == [pad]
    assert found[0].retourcode == "S" + regel[2:]
    assert run(code, _client(goed), regel) == []
    assert run(code, _client("<Bsn>1</Bsn>"), regel) == []  # element absent


def test_value_constraints_leave_similar_elements_alone() -> None:
    # CS074 is about ZZP classes: a function's Klasse K3 is TR008's business.
    functie = "<Indicatie><ToegewezenFuncties><ToegewezenFunctie><Klasse>K3</Klasse></ToegewezenFunctie></ToegewezenFuncties></Indicatie>"
    assert run("AW33", _client(functie), "CS074") == []
    # CS123 is about relations, not a contact's Soort
    contact = "<Contactgegevens><Contact><Soort>25</Soort></Contact></Contactgegevens>"
    assert run("AW33", _client(contact), "CS123") == []
    # CS113 judges the Indicatie/Soort, not a ToegewezenFunctie/Soort
    soort = "<Indicatie><ToegewezenFuncties><ToegewezenFunctie><Soort>3</Soort></ToegewezenFunctie></ToegewezenFuncties></Indicatie>"
    assert run("ZK31", f"<Client>{soort}</Client>", "CS113") == []


# -- CS050 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("partner", "gebruik", "goed"),
    [(True, "4", True), (True, "5", False), (False, "1", True), (False, "2", False)],
)
def test_cs050_naamgebruik(partner: bool, gebruik: str, goed: bool) -> None:
    pn = "<Partnernaam><Achternaam>Jansen</Achternaam></Partnernaam>" if partner else ""
    body = _client(
        f"<Naam><Geslachtsnaam><Achternaam>A</Achternaam></Geslachtsnaam>{pn}<NaamGebruik>{gebruik}</NaamGebruik></Naam>"
    )
    found = run("IO31", body, "CS050")
    assert paden(found) == ([] if goed else ["Naam/NaamGebruik"])


def test_cs050_also_judges_a_relation_name() -> None:
    body = _client(
        "<Relaties><Relatie><Naam><NaamGebruik>3</NaamGebruik></Naam></Relatie></Relaties>"
    )
    assert paden(run("AW33", body, "CS050")) == ["Relaties/Relatie/Naam/NaamGebruik"]


# -- CS064 ------------------------------------------------------------------------------------
def test_cs064_birth_date_not_in_future() -> None:
    vandaag = dt.date(2026, 11, 2)
    body = _client("<Geboortedatum><Datum>2026-11-03</Datum></Geboortedatum>")
    found = run("AW35", body, "CS064", vandaag=vandaag)
    assert paden(found) == ["Geboortedatum/Datum"] and "2026-11-03" in found[0].melding
    assert run("AW35", body, "CS064", vandaag=dt.date(2026, 11, 3)) == []


def test_cs064_birth_date_must_exist() -> None:
    found = run(
        "IO31", _client("<Geboortedatum><Datum>2023-02-30</Datum></Geboortedatum>"), "CS064"
    )
    assert paden(found) == ["Geboortedatum/Datum"] and "not an existing date" in found[0].melding
    found = run(
        "IO31", _client("<Geboortedatum><DatumGebruik>3</DatumGebruik></Geboortedatum>"), "CS064"
    )
    assert paden(found) == ["Geboortedatum"]


def test_cs064_only_the_clients_birth_date() -> None:
    body = _client(
        "<Geboortedatum><Datum>1950-01-01</Datum></Geboortedatum>"
        "<Relaties><Relatie><Geboortedatum><Datum>2999-01-01</Datum></Geboortedatum></Relatie></Relaties>"
    )
    assert run("IO31", body, "CS064") == []
    zk31 = "<Client><Geboortedatum><Datum>2999-01-01</Datum></Geboortedatum></Client>"
    assert [f.pad for f in run("ZK31", zk31, "CS064")] == ["/Bericht/Client/Geboortedatum/Datum"]
    assert run("AW35", _client("<Bsn>1</Bsn>"), "CS064") == []


# -- CS088 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sleutel", "begin", "goed"),
    [
        ("2024-01-01", "2024-01-02", True),
        ("2024-01-02", "2024-01-02", False),
        ("2024-02-01", "2024-01-02", False),
    ],
)
def test_cs088_sleuteldatum_before_begindatum(sleutel: str, begin: str, goed: bool) -> None:
    body = _client(
        "<GeleverdeZorgzwaartepakketten><GeleverdZorgzwaartepakket>"
        f"<Begindatum>{begin}</Begindatum><Sleuteldatum>{sleutel}</Sleuteldatum>"
        "</GeleverdZorgzwaartepakket></GeleverdeZorgzwaartepakketten>"
    )
    found = run("AW35", body, "CS088")
    assert paden(found) == (
        [] if goed else ["GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket/Sleuteldatum"]
    )


# -- CS089 / CS118 ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("postcode", "landcode", "goed"),
    [
        ("1234AB", "NL", True),
        ("1234ab", "NL", True),
        ("1234 AB", "NL", False),
        ("0123AB", "NL", False),
        ("1234", "NL", False),
        ("B-1000", "BE", True),
    ],
)
def test_cs089_dutch_postcode(postcode: str, landcode: str, goed: bool) -> None:
    body = _client(
        "<Contactgegevens><Contact><Soort>01</Soort><Adres>"
        f"<Postcode>{postcode}</Postcode><LandCode>{landcode}</LandCode>"
        "</Adres></Contact></Contactgegevens>"
    )
    found = run("IO31", body, "CS089")
    assert paden(found) == ([] if goed else ["Contactgegevens/Contact/Adres/Postcode"])


@pytest.mark.parametrize(
    ("postcode", "landcode", "goed"),
    [("1234", "NL", True), ("1234AB", "NL", False), ("0999", "NL", False), ("B-1000", "BE", True)],
)
def test_cs118_aw317_postcode_digits(postcode: str, landcode: str, goed: bool) -> None:
    body = _client(f"<Postcode>{postcode}</Postcode><LandCode>{landcode}</LandCode>")
    found = run("AW317", body, "CS118")
    assert paden(found) == ([] if goed else ["Postcode"])
    assert run("AW317", _client("<LandCode>NL</LandCode>"), "CS118") == []


# -- CS092 / CS093 / CS108 (AW317 and Wzd dates) -------------------------------------------------
def wachtlijst(velden: str) -> str:
    return _client(
        "<Indicaties><Indicatie><WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket>"
        f"{velden}</WachtlijstZorgzwaartepakket></WachtlijstZorgzwaartepakketten></Indicatie></Indicaties>"
    )


def test_cs092_wachtlijst_begindatum() -> None:
    fout = wachtlijst("<Ingangsdatum>2024-02-01</Ingangsdatum><Begindatum>2024-01-31</Begindatum>")
    assert len(run("AW317", fout, "CS092")) == 1
    goed = wachtlijst("<Ingangsdatum>2024-02-01</Ingangsdatum><Begindatum>2024-02-01</Begindatum>")
    assert run("AW317", goed, "CS092") == []


def test_cs092_wzd_einddatum() -> None:
    fout = "<Wzd><WzdVerklaring>1</WzdVerklaring><WzdIngangsdatum>2024-02-01</WzdIngangsdatum><WzdEinddatum>2024-01-01</WzdEinddatum></Wzd>"
    assert paden(run("IO31", _client(fout), "CS092")) == ["Wzd/WzdEinddatum"]
    goed = fout.replace("2024-01-01", "2024-03-01")
    assert run("IO31", _client(goed), "CS092") == []
    assert run("IO31", _client("<Wzd><WzdEinddatum>2024-01-01</WzdEinddatum></Wzd>"), "CS092") == []


def test_cs093_wachtlijst_mutatiedatum() -> None:
    fout = wachtlijst("<Begindatum>2024-02-01</Begindatum><Mutatiedatum>2024-01-01</Mutatiedatum>")
    found = run("AW317", fout, "CS093")
    assert len(found) == 1 and found[0].pad.endswith("WachtlijstZorgzwaartepakket/Mutatiedatum")
    assert run("AW317", wachtlijst("<Mutatiedatum>2024-01-01</Mutatiedatum>"), "CS093") == []
    goed = wachtlijst("<Begindatum>2024-01-01</Begindatum><Mutatiedatum>2024-01-01</Mutatiedatum>")
    assert run("AW317", goed, "CS093") == []


@pytest.mark.parametrize(
    ("begin", "eind", "aantal"),
    [
        ("2026-10-01", "2026-10-31", 0),
        ("2026-10-01", "2026-09-30", 1),
        ("2026-10-01", "2026-11-03", 1),  # after the Dagtekening 2026-11-02
        ("2026-10-15", "2026-10-14", 1),
    ],
)
def test_cs108_aw317_periode(begin: str, eind: str, aantal: int) -> None:
    periode = f"<Periode><Begindatum>{begin}</Begindatum><Einddatum>{eind}</Einddatum></Periode>"
    found = run("AW317", _client("<Bsn>1</Bsn>"), "CS108", header_extra=periode)
    assert len(found) == aantal
    assert all(f.pad == "/Bericht/Header/Periode/Einddatum" for f in found)


# -- CS130 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vorm", "percentage", "goed"),
    [
        ("4", "10000", True),
        ("4", "5000", True),
        ("4", "100", True),
        ("4", "5050", False),
        ("4", "50", False),
        ("2", "5050", True),
    ],
)
def test_cs130_whole_percent(vorm: str, percentage: str, goed: bool) -> None:
    body = (
        "<Client><Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket>"
        f"<ToewijzingPercentage>{percentage}</ToewijzingPercentage><Leveringsvorm>{vorm}</Leveringsvorm>"
        "</ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie></Client>"
    )
    found = run("ZK31", body, "CS130")
    assert len(found) == (0 if goed else 1)
    zk33 = _client(body.removeprefix("<Client>").removesuffix("</Client>"))
    assert len(run("ZK33", zk33, "CS130")) == (0 if goed else 1)


# -- CS131 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "classificatie", "goed"),
    [
        ("6", "08", True),
        ("6", "09", False),
        ("7", "12", True),
        ("7", "13", False),
        ("2", "16", True),
        ("3", "16", False),
        ("3", "19", True),
        ("5", "01", True),  # no fit to judge (CD090 rejects the classification)
    ],
)
def test_cs131_classificatie_fits_status(status: str, classificatie: str, goed: bool) -> None:
    body = _client(
        "<MutatieZorgzwaartepakketten><MutatieZorgzwaartepakket>"
        f"<Leveringsstatus>{status}</Leveringsstatus>"
        f"<LeveringsstatusClassificatie>{classificatie}</LeveringsstatusClassificatie>"
        "</MutatieZorgzwaartepakket></MutatieZorgzwaartepakketten>"
    )
    found = run("AW39", body, "CS131")
    assert paden(found) == (
        []
        if goed
        else ["MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket/LeveringsstatusClassificatie"]
    )


def test_cs131_aw317_and_zk31() -> None:
    statussen = (
        "<Leveringsstatussen><Leveringsstatus><Leveringsstatus>7</Leveringsstatus>"
        "<LeveringsstatusClassificatie>01</LeveringsstatusClassificatie></Leveringsstatus>"
        "</Leveringsstatussen>"
    )
    found = run("AW317", wachtlijst(statussen), "CS131")
    assert len(found) == 1 and found[0].pad.endswith("Leveringsstatus/LeveringsstatusClassificatie")
    zk31 = (
        "<Client><Indicatie><ToegewezenZorgzwaartepakketten><ToegewezenZorgzwaartepakket>"
        "<Leveringsstatus>2</Leveringsstatus><LeveringsstatusClassificatie>01</LeveringsstatusClassificatie>"
        "</ToegewezenZorgzwaartepakket></ToegewezenZorgzwaartepakketten></Indicatie></Client>"
    )
    assert len(run("ZK31", zk31, "CS131")) == 1
