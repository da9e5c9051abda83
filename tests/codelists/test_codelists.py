from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest

from iwlz import codelists
from iwlz.codelists import Codelist, CodelistError, all_codelists, get

SHARED = Path(__file__).resolve().parents[3] / "shared"
BASISSCHEMA = SHARED / "reference" / "iwlz-2.2-xsd" / "Basisschema.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"

# Lists the Indicatieregister validates against, plus the other LDT lists of messages.md §1.6.
IR_LISTS = [
    "COD001", "COD032", "COD046", "COD127", "COD163", "COD169", "COD170", "COD260", "COD366",
    "COD392", "COD472", "COD478", "COD539", "COD700", "COD736", "COD737", "COD747", "COD749",
    "COD757", "COD770", "COD824", "COD825", "COD827", "COD828", "COD998", "COD999", "NUM061",
    "COD923", "COD924", "COD925", "COD1002", "COD1003",
]  # fmt: skip
MESSAGE_LISTS = ["COD165", "COD167", "COD168", "COD172", "COD467", "COD578", "COD755"]
PATTERN_ONLY = ["COD923", "COD924", "COD925", "COD926", "COD927", "COD1002", "COD1003"]


def xsd_enumerations() -> dict[str, list[str]]:
    if not BASISSCHEMA.is_file():
        pytest.skip(f"reference XSD not found at {BASISSCHEMA}")
    root = ET.parse(BASISSCHEMA).getroot()
    return {
        st.attrib["name"]: [e.attrib["value"] for e in st.iter(f"{XS}enumeration")]
        for st in root.findall(f"{XS}simpleType")
    }


# --- loading ---------------------------------------------------------------------------


def test_every_list_loads_with_values_or_pattern() -> None:
    lists = all_codelists()
    assert len(lists) >= 50
    for code, cl in lists.items():
        assert cl.code == code
        assert cl.name
        assert cl.source, f"{code} has no source"
        assert cl.values or cl.pattern, code


@pytest.mark.parametrize("code", IR_LISTS + MESSAGE_LISTS)
def test_required_list_present(code: str) -> None:
    assert get(code).code == code


@pytest.mark.parametrize("code", PATTERN_ONLY)
def test_pattern_only_lists_say_so(code: str) -> None:
    cl = get(code)
    assert not cl.values
    assert cl.pattern is not None
    assert cl.note and "not enumerated" in cl.note.lower()
    assert cl.xsd_type is None


def test_loaded_once_and_read_only() -> None:
    assert get("COD163") is get("COD163")
    assert all_codelists() is all_codelists()
    with pytest.raises(TypeError):
        get("COD163").values["761"] = "nope"  # type: ignore[index]
    with pytest.raises(TypeError):
        all_codelists()["X"] = get("COD163")  # type: ignore[index]


def test_data_file_is_package_data() -> None:
    raw = resources.files("iwlz.codelists").joinpath("codelists.json").read_text("utf-8")
    codes = [entry["code"] for entry in json.loads(raw)["codelists"]]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(all_codelists())


def test_codelist_is_hashable_and_comparable() -> None:
    assert hash(get("COD046")) == hash(get("COD046"))
    assert get("COD046") == get("LDT_Geslacht")
    assert get("COD046") != get("COD260")


# --- lookup ------------------------------------------------------------------------------


def test_lookup_by_xsd_type() -> None:
    assert get("LDT_ZzpCode") is get("COD163")
    assert get("LDT_AanduidingWoonadres") is get("NUM061")


def test_unknown_list_raises_key_error_naming_known_lists() -> None:
    with pytest.raises(KeyError, match=r"unknown codelist 'COD9999'.*COD163"):
        get("COD9999")
    # Several pattern lists share this type, so it is deliberately not an alias.
    with pytest.raises(KeyError):
        get("LDT_StoornisCode")


# --- values ------------------------------------------------------------------------------


def test_cod163_zzp_codes() -> None:
    zzp = get("COD163")
    assert len(zzp.values) == 64
    for ok in ("750", "759", "190", "191", "760", "866", "888", "996", "997", "998", "999"):
        assert ok in zzp, ok
    for bad in ("761", "889", "7500", "75", ""):
        assert bad not in zzp, bad
    assert zzp.description("750") == "1VV: Beschut wonen met enige begeleiding"


def test_cod757_adressoort() -> None:
    soort = get("COD757")
    assert list(soort.values) == ["01", "02", "03", "04"]
    assert soort.description("01") == "BRP-adres"
    assert soort.description("03") == "Verblijfadres"


def test_cod046_geslacht() -> None:
    assert list(get("COD046").values) == ["0", "1", "2"]
    assert "9" not in get("COD046")


def test_leading_zeros_matter() -> None:
    grondslag = get("COD736")
    assert "01" in grondslag
    assert "1" not in grondslag
    assert "001" not in grondslag
    assert "1" in get("COD366")
    assert "01" not in get("COD366")
    assert "014" in get("COD392")
    assert "14" not in get("COD392")


def test_cod001_zorgkantoren() -> None:
    zk = get("COD001")
    assert "5501" in zk and "5533" in zk and "5515" in zk
    assert "5500" not in zk and "5534" not in zk
    # Expired 2020-01-01 and absent from the 2.2 XSD; iwlz.regio maps region 22 to 5521.
    assert "5522" not in zk
    assert zk.note and "5522" in zk.note


def test_other_lists_spot_checks() -> None:
    assert set(get("COD260").values) == {"1", "2"}
    assert list(get("COD755").values) == ["3,5", "4,0", "4,5"]
    assert "4.0" not in get("COD755")
    assert set(get("COD999").values) == {str(n) for n in range(2, 11)}
    assert set(get("COD366").values) == {"1", "2", "3", "4", "5", "6", "7", "9"}
    assert set(get("COD478").values) == {"1", "2", "3", "4", "5", "6", "7", "9"}
    assert set(get("COD472").values) == {f"{n:02d}" for n in range(3, 26)}
    assert set(get("COD827").values) == set(get("COD828").values) == {"0", "1", "2", "3", "9"}
    assert len(get("COD825").values) == 65 and "0101" in get("COD825")
    assert len(get("COD824").values) == 30 and "0605" in get("COD824")
    assert len(get("COD032").values) == 249 and "NL" in get("COD032")
    assert set(get("NUM061").values) == {"AB", "BY", "TO", "WW"}
    assert len(get("COD910").values) == 128 and "0001" in get("COD910")


def test_non_string_values_are_not_members() -> None:
    assert 1 not in get("COD046")
    assert None not in get("COD046")
    with pytest.raises(CodelistError, match="codes are strings, got int"):
        get("COD046").validate(1)  # type: ignore[arg-type]


# --- validation messages -----------------------------------------------------------------


def test_validate_accepts_valid_value() -> None:
    get("COD163").validate("750")
    get("COD757").validate("01")


def test_invalid_value_message_names_list_and_choices() -> None:
    with pytest.raises(CodelistError) as info:
        get("COD163").validate("761")
    message = str(info.value)
    assert message.startswith("'761' is not a valid value of COD163 (LDT_ZzpCode); expected one of")
    assert "750" in message
    assert "… (64 values)" in message
    assert info.value.codelist == "COD163"
    assert info.value.value == "761"


def test_short_list_is_listed_in_full() -> None:
    with pytest.raises(CodelistError, match=r"expected one of 01, 02, 03, 04$"):
        get("COD757").validate("05")


def test_near_miss_hint_for_lost_leading_zero() -> None:
    with pytest.raises(CodelistError, match=r"did you mean '01'\?"):
        get("COD736").validate("1")
    with pytest.raises(CodelistError, match=r"did you mean 'NL'\?"):
        get("COD032").validate("nl")
    with pytest.raises(CodelistError, match=r"did you mean '5'\?"):
        get("COD737").validate("05")


def test_pattern_list_validation() -> None:
    stoornis = get("COD923")
    stoornis.validate("F00.0")
    stoornis.validate("b117.0")
    assert "12345678" in stoornis
    assert "123456789" not in stoornis
    assert "" not in stoornis
    with pytest.raises(CodelistError, match=r"expected text matching '\.\{1,8\}'"):
        stoornis.validate("123456789")
    assert stoornis.description("F00.0") is None

    rol = get("COD1003")
    rol.validate("01")
    rol.validate("Mantelzorger")
    assert "   " not in rol
    with pytest.raises(CodelistError, match="COD1003"):
        rol.validate("")


def test_codelist_error_is_value_error() -> None:
    assert issubclass(CodelistError, ValueError)


def test_label() -> None:
    assert get("COD163").label == "COD163 (LDT_ZzpCode)"


def test_codelist_can_be_built_directly() -> None:
    cl = Codelist(code="X1", name="LDT_X", values={"a": "A"}, pattern=None, note=None)
    assert "a" in cl and "b" not in cl
    assert cl.description("a") == "A"


# --- cross-check with the official XSD ---------------------------------------------------


def test_enumerated_lists_equal_the_xsd_enumeration_exactly() -> None:
    xsd = xsd_enumerations()
    derived = [cl for cl in all_codelists().values() if cl.xsd_type is not None]
    assert len(derived) >= 40
    for cl in derived:
        assert cl.xsd_type in xsd, f"{cl.code}: {cl.xsd_type} not in Basisschema.xsd"
        expected = xsd[cl.xsd_type]
        ours = [v for v in cl.values if v not in cl.extra_values]
        assert ours == expected, f"{cl.code} ({cl.xsd_type}) differs from the XSD"
        assert not (cl.extra_values & set(expected)), cl.code


def test_every_enumerated_xsd_type_is_covered() -> None:
    xsd = xsd_enumerations()
    covered = {cl.xsd_type for cl in all_codelists().values()}
    missing = {name for name, values in xsd.items() if values} - covered
    assert not missing, f"LDT types with an enumeration but no codelist: {sorted(missing)}"


def test_pattern_lists_match_xsd_length_rule() -> None:
    xsd_root = None
    if BASISSCHEMA.is_file():
        xsd_root = ET.parse(BASISSCHEMA).getroot()
    if xsd_root is None:
        pytest.skip(f"reference XSD not found at {BASISSCHEMA}")
    st = next(s for s in xsd_root.findall(f"{XS}simpleType") if s.get("name") == "LDT_StoornisCode")
    max_length = int(st.find(f".//{XS}maxLength").attrib["value"])  # type: ignore[union-attr]
    for code in ("COD923", "COD924", "COD925", "COD926", "COD927"):
        pattern = get(code).pattern
        assert pattern is not None
        assert re.fullmatch(pattern, "x" * max_length)
        assert not re.fullmatch(pattern, "x" * (max_length + 1))


def test_module_exports() -> None:
    assert set(codelists.__all__) == {"Codelist", "CodelistError", "all_codelists", "get"}
