"""The example messages: valid against the official XSD and our structure check, consistent
enough to pass the (stateless) business rules, and parameterised as documented."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from lxml import etree

from iwlz.berichten.catalogus import bericht, namespace
from iwlz.berichten.codec import lees, structuur
from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.motor import controleer
from iwlz.berichten.xml import parse_bericht
from iwlz.berichten.xsd import SchemaSet

from . import voorbeelden
from .voorbeelden import DAGTEKENING, HEEN, bsn, gegevens, voorbeeld


def _elf_proef(nummer: str) -> bool:
    return (
        sum(int(c) * w for c, w in zip(nummer, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0
    )


@pytest.fixture(scope="module")
def iwlz_xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


@pytest.mark.parametrize("code", HEEN)
def test_every_example_validates_against_the_official_xsd(code: str, iwlz_xsd: SchemaSet) -> None:
    for seed in range(3):
        x = voorbeeld(code, seed=seed, clienten=1 if code == "ZK31" else 3)
        assert iwlz_xsd.validate(x) == (code, [])


@pytest.mark.parametrize("code", HEEN)
def test_every_example_passes_our_structure_check(code: str) -> None:
    for seed in range(5):
        x = voorbeeld(code, seed=seed, clienten=1 if code == "ZK31" else 2)
        assert structuur(x) == []


@pytest.mark.parametrize("code", HEEN)
def test_every_example_passes_the_business_rules(code: str) -> None:
    for seed in range(5):
        x = voorbeeld(code, seed=seed, clienten=1 if code == "ZK31" else 2)
        # As the endpoint sees it: bytes in, parsed safely.
        root = parse_bericht(etree.tostring(x, xml_declaration=True, encoding="UTF-8")).root
        bevindingen = controleer(Bericht(root), vandaag=DAGTEKENING)
        assert [(b.regel, b.pad, b.melding) for b in bevindingen] == []


@pytest.mark.parametrize("code", HEEN)
def test_the_builders_take_clients_dates_and_a_seed(code: str) -> None:
    dag = dt.date(2025, 3, 14)
    clienten = 1 if code == "ZK31" else 4
    x = voorbeeld(code, clienten=clienten, dagtekening=dag, seed=3, identificatie="ABC-1")
    data = lees(x)
    assert data["Header"]["BerichtIdentificatie"] == {"Identificatie": "ABC-1", "Dagtekening": dag}
    assert data["Header"]["BerichtCode"] == bericht(code).berichtcode
    lijst = [data["Client"]] if code == "ZK31" else data["Clienten"]["Client"]
    assert len(lijst) == clienten
    assert all(_elf_proef(c["Bsn"]) for c in lijst)
    assert len({c["Bsn"] for c in lijst}) == clienten
    # Deterministic per seed, different between seeds.
    assert etree.tostring(voorbeeld(code, seed=3)) == etree.tostring(voorbeeld(code, seed=3))
    assert etree.tostring(voorbeeld(code, seed=3)) != etree.tostring(voorbeeld(code, seed=4))
    # Every date in the message, except an announced future one, is on or before the Dagtekening.
    toekomst = {
        "WzdEinddatum",
        "Einddatum",
        "Overdrachtdatum",
        "ToewijzingIngangsdatum",
        "Ingangsdatum",
    }
    for el in x.iter():
        naam = etree.QName(el).localname
        if el.text and len(el.text) == 10 and el.text[4] == "-" and naam not in toekomst:
            assert dt.date.fromisoformat(el.text) <= dag, naam


def test_a_realistic_io31_and_aw33_are_a_few_kilobytes_with_everything() -> None:
    for code in ("IO31", "AW33"):
        x = voorbeeld(code)
        assert 4_000 < len(etree.tostring(x)) < 9_000
        ns = namespace(code)
        for naam, minimaal in (
            ("Relatie", 2),
            ("Contact", 4),
            ("Stoornis", 1),
            ("Beperking", 2),
            ("BeperkingScore", 3),
            ("StoornisScore", 2),
            ("GeindiceerdZorgzwaartepakket", 3),
        ):
            assert sum(1 for _ in x.iter(f"{{{ns}}}{naam}")) >= minimaal, (code, naam)


def test_zk31_has_exactly_one_client_and_unknown_types_are_refused() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        gegevens("ZK31", clienten=2)
    with pytest.raises(ValueError, match="at least one"):
        gegevens("AW35", clienten=0)
    with pytest.raises(ValueError, match=r"not an iWlz 2\.2 heenbericht"):
        gegevens("AW34")


def test_named_builders_match_voorbeeld() -> None:
    for code in HEEN:
        bouw = getattr(voorbeelden, code.lower())
        assert etree.tostring(bouw(seed=2)) == etree.tostring(voorbeeld(code, seed=2))


def test_bsn_passes_the_elf_proef() -> None:
    rng = random.Random(1)
    nummers = [bsn(rng) for _ in range(200)]
    assert all(len(n) == 9 and n.isdigit() and n[0] != "0" and _elf_proef(n) for n in nummers)
