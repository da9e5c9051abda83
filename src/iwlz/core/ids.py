"""Dutch identifiers used in iWlz: BSN, AGB, UZOVI, KvK, gemeentecode and postcode.

All identifiers are text. Only ASCII digits count as digits (``str.isdigit`` would also accept
e.g. Arabic-Indic digits), and nothing is trimmed or padded except by
:func:`normalise_postcode`, which exists for exactly that purpose.

Decisions:

* **BSN** - 9 digits that pass the 11-proef (CS002); ``000000000`` passes the arithmetic but is
  rejected. A leading zero is accepted: the BRP has BSNs that start with 0 (converted
  sofinummers). :func:`generate_bsn` never produces one, so synthetic BSNs survive a round trip
  through integer columns and spreadsheets.
* **Postcode** - :func:`is_valid_postcode` checks the stored form CS089 asks for, ``1234AB``:
  first digit 1-9, two upper-case letters, not ``SA``/``SD``/``SS`` (PostNL does not issue
  them). ``1234 AB`` and lower case are input variants: :func:`normalise_postcode` turns them
  into the stored form, and ``is_valid_postcode(value, strict=False)`` accepts them.
"""

from __future__ import annotations

import random
import re

__all__ = [
    "IdentifierError",
    "generate_bsn",
    "is_valid_agb",
    "is_valid_bsn",
    "is_valid_gemeentecode",
    "is_valid_huisarts_agb",
    "is_valid_kvk",
    "is_valid_postcode",
    "is_valid_uzovi",
    "normalise_postcode",
    "validate_bsn",
]

_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_POSTCODE = re.compile(r"[1-9][0-9]{3}(?!SA|SD|SS)[A-Z]{2}")
# Input variants: any case, optional whitespace between the digits and the letters.
_POSTCODE_INPUT = re.compile(r"\s*([0-9]{4})\s*([A-Za-z]{2})\s*")


class IdentifierError(ValueError):
    """An identifier is malformed; the message says what is wrong."""


def _digits(value: object, count: int) -> bool:
    return isinstance(value, str) and len(value) == count and value.isascii() and value.isdigit()


def _bsn_checksum(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, _BSN_WEIGHTS, strict=True)) % 11


def validate_bsn(value: str) -> None:
    """Raise :class:`IdentifierError` unless ``value`` is a valid BSN."""
    if not _digits(value, 9):
        raise IdentifierError(f"BSN must be 9 digits, got {value!r}")
    if value == "000000000":
        raise IdentifierError("BSN 000000000 is not a valid BSN")
    if _bsn_checksum(value) != 0:
        raise IdentifierError(f"BSN {value} fails the 11-proef")


def is_valid_bsn(value: str) -> bool:
    """True for 9 digits that pass the 11-proef (not ``000000000``)."""
    try:
        validate_bsn(value)
    except IdentifierError:
        return False
    return True


def generate_bsn(rng: random.Random, *, prefix: str = "") -> str:
    """A random valid BSN for synthetic data; never starts with ``0``.

    ``prefix`` (at most 7 digits, not starting with ``0``) fixes the leading digits, e.g. to
    keep synthetic data inside a range agreed as test data. The same ``rng`` state gives the
    same BSN.
    """
    if len(prefix) > 7 or not (prefix == "" or (_digits(prefix, len(prefix)) and prefix[0] != "0")):
        raise ValueError(f"prefix must be 0-7 digits not starting with 0, got {prefix!r}")
    while True:
        head = prefix or str(rng.randint(1, 9))
        head += "".join(str(rng.randint(0, 9)) for _ in range(8 - len(head)))
        # The last digit has weight -1, so it must equal the weighted sum of the first eight
        # modulo 11; a remainder of 10 cannot be written as one digit, so draw again.
        check = sum(int(d) * w for d, w in zip(head, _BSN_WEIGHTS[:8], strict=True)) % 11
        if check < 10:
            return head + str(check)


def is_valid_agb(value: str) -> bool:
    """True for an AGB code: 8 digits (``LDT_AgbCode`` / ``LDT_iWlzAgbCode``)."""
    return _digits(value, 8)


def is_valid_huisarts_agb(value: str) -> bool:
    """True for a huisarts AGB code: 8 digits starting with ``01`` (CS069)."""
    return is_valid_agb(value) and value.startswith("01")


def is_valid_uzovi(value: str) -> bool:
    """True for a UZOVI number: 4 digits (zorgkantoren use 55nn, see codelist COD001)."""
    return _digits(value, 4)


def is_valid_kvk(value: str) -> bool:
    """True for a KvK number: 8 digits."""
    return _digits(value, 8)


def is_valid_gemeentecode(value: str) -> bool:
    """True for a CBS/BRP gemeentecode: 4 digits (``0363``, not ``363`` or ``GM0363``)."""
    return _digits(value, 4)


def normalise_postcode(value: str) -> str:
    """The stored form ``1234AB`` of a Dutch postcode typed as e.g. ``1234 ab``.

    Raises :class:`IdentifierError` when the value is not a Dutch postcode.
    """
    match = _POSTCODE_INPUT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise IdentifierError(f"postcode must be 4 digits and 2 letters (1234AB), got {value!r}")
    result = match.group(1) + match.group(2).upper()
    if result[0] == "0":
        raise IdentifierError(f"postcode cannot start with 0, got {value!r}")
    if result[4:] in ("SA", "SD", "SS"):
        raise IdentifierError(f"postcode letters {result[4:]} are not used, got {value!r}")
    return result


def is_valid_postcode(value: str, *, strict: bool = True) -> bool:
    """True for a Dutch postcode.

    ``strict`` (default): only the stored form ``1234AB``. Otherwise any form
    :func:`normalise_postcode` accepts (``1234 AB``, ``1234ab``).
    """
    if strict:
        return isinstance(value, str) and _POSTCODE.fullmatch(value) is not None
    try:
        normalise_postcode(value)
    except IdentifierError:
        return False
    return True
