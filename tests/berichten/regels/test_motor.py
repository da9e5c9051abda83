"""The engine: every rule of the §3.2 table is implemented, findings land on the right
berichtklasse, and the retour codes derived from them."""

from __future__ import annotations

import datetime as dt

import pytest

from iwlz.berichten.regels.basis import REGELS, retourcode_van
from iwlz.berichten.regels.motor import controleer, regels_voor, retourcodes
from iwlz.berichten.regels.toepassing import TOEPASSING, regelcodes

from .maak import bericht


def test_every_rule_of_the_table_is_implemented_and_every_rule_is_used() -> None:
    assert regelcodes() == set(REGELS)
    assert set(TOEPASSING) == {
        "IO31", "AW33", "AW35", "AW39", "AW317", "CA317", "CA319", "ZK31", "ZK33", "ZK35", "ZK39",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("code", "retour"), [("CD005", "D005"), ("CS002", "S002"), ("TR056", "9056")]
)
def test_retour_code_follows_from_the_rule_code(code: str, retour: str) -> None:
    assert retourcode_van(code) == retour == REGELS[code].retourcode


def test_retour_code_of_something_else_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a CD/CS/TR rule code"):
        retourcode_van("IV028")


def test_rules_per_message_follow_the_table() -> None:
    assert [r.code for r in regels_voor("ca319")] == sorted(TOEPASSING["CA319"])
    assert "TR100" in TOEPASSING["AW35"] and "TR100" not in TOEPASSING["ZK35"]
    with pytest.raises(KeyError):
        regels_voor("AW36")


def test_a_finding_lands_on_its_class_and_the_header_on_the_header() -> None:
    # CS002 on the client's BSN (11-proef fails) and CS023 on a future Startdatum.
    b = bericht(
        "CA317",
        "<Clienten><Client><Bsn>123456789</Bsn><ZorgLeveringen><GeleverdeZorg>"
        "<GeleverdeZorgID>2f1b6c1e-4f3a-4d7e-9a55-0c1d2e3f4a5b</GeleverdeZorgID>"
        "<Startdatum>2027-01-01</Startdatum><ZzpCode>755</ZzpCode><Instelling>12345678</Instelling>"
        "<Leveringsvorm>4</Leveringsvorm><StatusAanlevering>1</StatusAanlevering></GeleverdeZorg>"
        "</ZorgLeveringen></Client></Clienten>",
    )
    found = controleer(b, vandaag=dt.date(2026, 11, 2))
    by_rule = {f.regel: f for f in found}
    assert by_rule["CS002"].klasse is not None and by_rule["CS002"].klasse.naam == "Client"
    assert by_rule["CS023"].klasse is not None and by_rule["CS023"].klasse.naam == "GeleverdeZorg"
    per_klasse, header = retourcodes(found)
    client = b.clienten()[0]
    zorg = client.knoop("ZorgLeveringen/GeleverdeZorg")
    assert zorg is not None
    assert "S002" in per_klasse[client.element]
    assert "S023" in per_klasse[zorg.element]
    assert header == []


def test_a_leaf_named_like_a_class_is_not_a_class() -> None:
    # AW317's Leveringsstatussen/Leveringsstatus holds a value element Leveringsstatus: a
    # finding on the value belongs to the class around it.
    from iwlz.berichten.catalogus import bericht as berichttype
    from iwlz.berichten.regels.motor import _klasse

    b = bericht(
        "AW317",
        "<Clienten><Client><Bsn>999993653</Bsn><Indicaties><Indicatie>"
        "<WachtlijstZorgzwaartepakketten><WachtlijstZorgzwaartepakket><Leveringsstatussen>"
        "<Leveringsstatus><IngangsdatumStatus>2026-01-01</IngangsdatumStatus>"
        "<Leveringsstatus>2</Leveringsstatus></Leveringsstatus></Leveringsstatussen>"
        "</WachtlijstZorgzwaartepakket></WachtlijstZorgzwaartepakketten></Indicatie></Indicaties>"
        "</Client></Clienten>",
    )
    klasse = b.klassen("Leveringsstatus")[0]
    waarde = klasse.knoop("Leveringsstatus")
    assert waarde is not None and not waarde.volgorde
    klassen = frozenset(berichttype("AW318").klassen)
    assert _klasse(waarde, klassen) is klasse


def test_codes_are_given_once_per_class_in_finding_order() -> None:
    b = bericht("AW35", "<Clienten><Client><Bsn>123456789</Bsn></Client></Clienten>")
    found = controleer(b)
    per_klasse, _ = retourcodes([*found, *found])
    for codes in per_klasse.values():
        assert len(codes) == len(set(codes))
