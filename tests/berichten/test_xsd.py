"""XSD validation against the official schemas in shared/reference (read there, never copied):
every message schema loads despite the basisschema file-name quirk, the schema follows from the
root namespace, and violations come back with a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from iwlz.berichten.xml import parse_bericht
from iwlz.berichten.xsd import SchemaSet, element_path, message_code

HEEN = ["IO31", "AW33", "AW35", "AW39", "AW317", "CA317", "CA319", "ZK31", "ZK33", "ZK35", "ZK39"]
RETOUR = ["IO32", "AW34", "AW36", "AW310", "AW318", "CA318", "CA320", "ZK32", "ZK34", "ZK36"]
RETOUR += ["ZK310"]


@pytest.fixture(scope="module")
def iwlz_xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def test_every_iwlz_message_schema_compiles(iwlz_xsd: SchemaSet) -> None:
    assert iwlz_xsd.berichten == sorted(HEEN + RETOUR)
    for code in iwlz_xsd.berichten:
        assert iwlz_xsd.schema(code) is not None


def test_iwmo_schemas_compile_too(shared_dir: Path) -> None:
    wmo = SchemaSet(shared_dir / "reference" / "iwmo-3.2-xsd")
    assert "WMO301" in wmo.berichten
    for code in wmo.berichten:
        assert wmo.schema(code) is not None


def test_iwmo_example_messages_validate(shared_dir: Path) -> None:
    wmo = SchemaSet(shared_dir / "reference" / "iwmo-3.2-xsd")
    examples = sorted((shared_dir / "reference" / "iwmo-3.2-examples").glob("*.xml"))
    assert examples
    for example in examples:
        parsed = parse_bericht(example.read_bytes())
        code, fouten = wmo.validate(parsed.root)
        assert code == example.stem, example
        assert fouten == [], (example.name, fouten[:3])


def test_message_code_from_namespace() -> None:
    assert message_code("http://www.istandaarden.nl/iwlz/2_2/io31/schema") == (
        "iwlz",
        "2_2",
        "IO31",
    )
    assert message_code("http://www.istandaarden.nl/iwlz/2_2/zk310/schema") == (
        "iwlz",
        "2_2",
        "ZK310",
    )
    assert message_code("http://www.istandaarden.nl/iwmo/3_2/wmo301/schema") == (
        "iwmo",
        "3_2",
        "WMO301",
    )
    assert message_code("http://www.istandaarden.nl/iwlz/2_2/basisschema/schema") is None
    assert message_code("urn:x") is None


def test_an_invalid_message_gets_violations_with_paths(iwlz_xsd: SchemaSet) -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/iwlz/2_2/io31/schema">
  <Header><BerichtCode>999</BerichtCode></Header>
</Bericht>"""
    code, fouten = iwlz_xsd.validate(parse_bericht(data).root)
    assert code == "IO31"
    assert fouten
    assert all(f.line >= 1 and f.path.startswith("/Bericht") for f in fouten)
    by_path = {f.path: f.melding for f in fouten}
    assert "'999' is not accepted by the pattern '388'" in by_path["/Bericht/Header/BerichtCode"]
    assert "Clienten" in by_path["/Bericht"]
    assert not any("{http" in f.melding for f in fouten)  # readable: no namespace URIs


def test_element_paths_number_repeated_siblings() -> None:
    root = parse_bericht(
        b'<Bericht xmlns="urn:x"><Clienten><Client/><Client><Naam/></Client></Clienten>'
        b"<Header/></Bericht>"
    ).root
    naam = root.find(".//{urn:x}Naam")
    assert naam is not None
    assert element_path(naam) == "/Bericht/Clienten/Client[2]/Naam"
    assert element_path(root) == "/Bericht"


def test_an_unknown_namespace_is_one_violation(iwlz_xsd: SchemaSet) -> None:
    root = parse_bericht(b'<Bericht xmlns="http://example.org/x"/>').root
    code, fouten = iwlz_xsd.validate(root)
    assert code is None
    assert len(fouten) == 1 and "No schema" in fouten[0].melding


def test_a_missing_folder_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="IWLZ_XSD_DIR"):
        SchemaSet(tmp_path / "nope")
