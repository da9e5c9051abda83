from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iwlz.core.ids import (
    IdentifierError,
    generate_bsn,
    is_valid_agb,
    is_valid_bsn,
    is_valid_gemeentecode,
    is_valid_huisarts_agb,
    is_valid_kvk,
    is_valid_postcode,
    is_valid_uzovi,
    normalise_postcode,
    validate_bsn,
)

# --- BSN ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999990019", "012345672"])
def test_valid_bsns(bsn: str) -> None:
    assert is_valid_bsn(bsn)
    validate_bsn(bsn)


@pytest.mark.parametrize(
    "bsn",
    [
        "111222334",  # last digit off
        "123456789",
        "12345678",  # 8 digits
        "1234567820",  # 10 digits
        " 11122233",
        "11122233 ",
        "1112223a3",
        "١١١٢٢٢٣٣٣",  # Arabic-Indic digits: isdigit() is True, but not a BSN
        "",
        "000000000",  # passes the arithmetic, still not a BSN
    ],
)
def test_invalid_bsns(bsn: str) -> None:
    assert not is_valid_bsn(bsn)
    with pytest.raises(IdentifierError):
        validate_bsn(bsn)


def test_validate_bsn_says_what_is_wrong() -> None:
    with pytest.raises(IdentifierError, match="BSN must be 9 digits"):
        validate_bsn("12345678")
    with pytest.raises(IdentifierError, match="BSN 123456789 fails the 11-proef"):
        validate_bsn("123456789")
    with pytest.raises(IdentifierError, match="000000000"):
        validate_bsn("000000000")


def test_non_string_is_not_a_bsn() -> None:
    assert not is_valid_bsn(111222333)  # type: ignore[arg-type]
    assert not is_valid_bsn(None)  # type: ignore[arg-type]


def test_identifier_error_is_value_error() -> None:
    assert issubclass(IdentifierError, ValueError)


@given(st.randoms(use_true_random=False))
def test_generated_bsn_is_valid_and_never_starts_with_zero(rng: random.Random) -> None:
    bsn = generate_bsn(rng)
    assert is_valid_bsn(bsn)
    assert bsn[0] != "0"


@given(st.randoms(use_true_random=False), st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_always_invalidates(
    rng: random.Random, position: int, delta: int
) -> None:
    bsn = generate_bsn(rng)
    digit = (int(bsn[position]) + delta) % 10
    changed = bsn[:position] + str(digit) + bsn[position + 1 :]
    assert changed != bsn
    assert not is_valid_bsn(changed)


@given(st.randoms(use_true_random=False), st.text("0123456789", min_size=0, max_size=7))
def test_generate_bsn_with_prefix(rng: random.Random, prefix: str) -> None:
    if prefix.startswith("0"):
        with pytest.raises(ValueError, match="prefix"):
            generate_bsn(rng, prefix=prefix)
        return
    bsn = generate_bsn(rng, prefix=prefix)
    assert bsn.startswith(prefix)
    assert is_valid_bsn(bsn)


def test_generate_bsn_is_reproducible() -> None:
    assert generate_bsn(random.Random(7)) == generate_bsn(random.Random(7))
    assert generate_bsn(random.Random(7), prefix="9999").startswith("9999")


@pytest.mark.parametrize("prefix", ["12345678", "abc", "0"])
def test_generate_bsn_rejects_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        generate_bsn(random.Random(1), prefix=prefix)


# --- AGB, UZOVI, KvK, gemeentecode -------------------------------------------------------


def test_agb() -> None:
    assert is_valid_agb("12345678")
    assert is_valid_agb("01234567")
    for bad in ("1234567", "123456789", "1234567a", "", " 1234567"):
        assert not is_valid_agb(bad), bad


def test_huisarts_agb_starts_with_01() -> None:
    assert is_valid_huisarts_agb("01123456")
    assert not is_valid_huisarts_agb("02123456")
    assert not is_valid_huisarts_agb("10123456")
    assert not is_valid_huisarts_agb("0112345")


def test_uzovi() -> None:
    assert is_valid_uzovi("5515")
    assert is_valid_uzovi("0101")
    for bad in ("551", "55155", "55a5", ""):
        assert not is_valid_uzovi(bad), bad


def test_kvk() -> None:
    assert is_valid_kvk("62253778")
    for bad in ("6225377", "622537781", "6225377x"):
        assert not is_valid_kvk(bad), bad


def test_gemeentecode() -> None:
    assert is_valid_gemeentecode("0363")
    for bad in ("363", "GM0363", "03630", ""):
        assert not is_valid_gemeentecode(bad), bad


# --- postcode ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1234AB", "1011AC", "9999ZZ", "2511SB"])
def test_valid_postcodes(value: str) -> None:
    assert is_valid_postcode(value)
    assert normalise_postcode(value) == value


@pytest.mark.parametrize(
    "value",
    ["0123AB", "1234SA", "1234SD", "1234SS", "123AB", "12345AB", "1234A", "1234ABC", "ABCD12", ""],
)
def test_invalid_postcodes(value: str) -> None:
    assert not is_valid_postcode(value)
    assert not is_valid_postcode(value, strict=False)
    with pytest.raises(IdentifierError):
        normalise_postcode(value)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("1234 AB", "1234AB"), ("1234ab", "1234AB"), (" 1234  aB ", "1234AB"), ("1234\tAB", "1234AB")],
)
def test_postcode_input_variants(raw: str, normal: str) -> None:
    assert not is_valid_postcode(raw)
    assert is_valid_postcode(raw, strict=False)
    assert normalise_postcode(raw) == normal


def test_normalise_postcode_messages() -> None:
    with pytest.raises(IdentifierError, match=r"4 digits and 2 letters"):
        normalise_postcode("B-1000")
    with pytest.raises(IdentifierError, match="cannot start with 0"):
        normalise_postcode("0123 AB")
    with pytest.raises(IdentifierError, match="letters SS are not used"):
        normalise_postcode("1234 ss")


def test_postcode_rejects_non_ascii_and_non_string() -> None:
    assert not is_valid_postcode("１２３４AB")  # full-width digits
    assert not is_valid_postcode(1234)  # type: ignore[arg-type]
    assert not is_valid_postcode(None, strict=False)  # type: ignore[arg-type]
