"""iWlz codelists (COD tables) as data, with lookup and validation.

The lists live in ``codelists.json`` next to this module. Enumerated lists mirror the
``xs:enumeration`` of one ``LDT_*`` type in the iWlz 2.2 ``Basisschema.xsd`` exactly; the COD
number comes from ``shared/spec/messages.md`` §1.6 or, where the spec names none, from the
public iStandaarden codelist overview (each list's ``source`` says which). A few lists the
registers reference are not enumerated in our sources (COD923-COD927 for
``ziektebeeldStoornis``, COD1002/COD1003 for ``ContactPersoon.relatie``/``rol``); they carry a
``pattern`` instead of values and a ``note`` that says so.

Codes are text: ``"01"`` and ``"1"`` are different values, and nothing here strips or pads.

>>> get("COD163").validate("750")
>>> "01" in get("COD736"), "1" in get("COD736")
(True, False)
>>> get("LDT_AdresSoort").description("01")
'BRP-adres'
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = ["Codelist", "CodelistError", "all_codelists", "get"]

_DATA_FILE = "codelists.json"
# Long lists (COD032 has 249 codes) would make an error message unreadable.
_MAX_LISTED = 12


class CodelistError(ValueError):
    """A value is not in the codelist (or does not match its pattern)."""

    def __init__(self, message: str, *, codelist: str, value: object) -> None:
        super().__init__(message)
        self.codelist = codelist
        self.value = value


@dataclass(frozen=True)
class Codelist:
    """One codelist: either enumerated ``values`` or, when not enumerated, a ``pattern``.

    ``name`` is the XSD type (``LDT_ZzpCode``) or, for lists without one, a short name.
    ``xsd_type`` is set when ``values`` mirror that type's XSD enumeration; ``extra_values``
    are codes kept on purpose that the XSD does not list (see ``note``).
    """

    code: str
    name: str
    values: Mapping[str, str] = field(hash=False)
    pattern: str | None = None
    note: str | None = None
    source: str | None = None
    title: str | None = None
    xsd_type: str | None = None
    extra_values: frozenset[str] = frozenset()

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        if value in self.values:
            return True
        return self.pattern is not None and _compiled(self.pattern).fullmatch(value) is not None

    @property
    def label(self) -> str:
        """``COD163 (LDT_ZzpCode)``: how the list is named in messages."""
        return f"{self.code} ({self.name})"

    def validate(self, value: str) -> None:
        """Raise :class:`CodelistError` unless ``value`` is a valid code of this list."""
        if value in self:
            return
        raise CodelistError(self._explain(value), codelist=self.code, value=value)

    def description(self, value: str) -> str | None:
        """The (Dutch) description of ``value``, or None if the list has no such code."""
        return self.values.get(value)

    def _explain(self, value: object) -> str:
        head = f"{value!r} is not a valid value of {self.label}"
        if not isinstance(value, str):
            return f"{head}; codes are strings, got {type(value).__name__}"
        if not self.values:
            rule = f"expected text matching {self.pattern!r}"
            return f"{head}; {rule}" + (f" ({self.note})" if self.note else "")
        codes = list(self.values)
        shown = ", ".join(codes[:_MAX_LISTED])
        more = f", … ({len(codes)} values)" if len(codes) > _MAX_LISTED else ""
        message = f"{head}; expected one of {shown}{more}"
        hint = self._near_miss(value)
        if hint is not None:
            message += (
                f" (did you mean {hint!r}? codes are exact text:"
                " no trimming, case folding or zero padding)"
            )
        return message

    def _near_miss(self, value: str) -> str | None:
        # The usual mistake is a code that went through an int or picked up whitespace.
        stripped = value.strip()
        candidates = [stripped, stripped.upper()]
        if stripped.isdigit():
            candidates.append(str(int(stripped)))
            candidates.extend(stripped.zfill(n) for n in {len(c) for c in self.values})
        for candidate in candidates:
            if candidate != value and candidate in self.values:
                return candidate
        return None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _parse(entry: Mapping[str, Any]) -> Codelist:
    values = entry.get("values") or {}
    pattern = entry.get("pattern")
    if not values and pattern is None:
        raise ValueError(f"codelist {entry.get('code')!r} has neither values nor a pattern")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        raise ValueError(f"codelist {entry.get('code')!r}: codes and descriptions must be text")
    extra = frozenset(entry.get("extra_values") or ())
    if not extra <= values.keys():
        raise ValueError(f"codelist {entry.get('code')!r}: extra_values not among its values")
    if pattern is not None:
        _compiled(pattern)
    return Codelist(
        code=entry["code"],
        name=entry["name"],
        values=MappingProxyType(dict(values)),
        pattern=pattern,
        note=entry.get("note"),
        source=entry.get("source"),
        title=entry.get("title"),
        xsd_type=entry.get("xsd_type"),
        extra_values=extra,
    )


@functools.cache
def _load() -> tuple[Mapping[str, Codelist], Mapping[str, str]]:
    raw = resources.files(__name__).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    by_code: dict[str, Codelist] = {}
    by_type: dict[str, str] = {}
    for entry in json.loads(raw)["codelists"]:
        codelist = _parse(entry)
        if codelist.code in by_code:
            raise ValueError(f"codelist {codelist.code} is defined twice in {_DATA_FILE}")
        by_code[codelist.code] = codelist
        # Only the XSD type is a unique alias; several pattern lists share LDT_StoornisCode.
        if codelist.xsd_type is not None:
            by_type[codelist.xsd_type] = codelist.code
    return MappingProxyType(by_code), MappingProxyType(by_type)


def get(code: str) -> Codelist:
    """The codelist with this COD number (``"COD163"``) or XSD type (``"LDT_ZzpCode"``).

    Raises KeyError naming the known lists when there is no such list.
    """
    by_code, by_type = _load()
    found = by_code.get(code) or by_code.get(by_type.get(code, ""))
    if found is None:
        raise KeyError(
            f"unknown codelist {code!r}; give a COD number or LDT type, known: "
            + ", ".join(by_code)
        )
    return found


def all_codelists() -> Mapping[str, Codelist]:
    """Every codelist, keyed by COD number, in file order (read-only)."""
    return _load()[0]
