"""Read, write and structurally check every iWlz 2.2 message with the descriptors of
:mod:`iwlz.berichten.model` (no XSD needed).

**Representation** (:func:`lees` / :func:`schrijf`). A message is nested plain data: a complex
element is a ``dict`` keyed by the children's local names, in schema order; an element that may
occur more than once (``maxOccurs`` > 1) is a ``list`` (also when it occurs once); an absent
optional element is an absent key. Leaves are typed by their simple type's base:

* ``xs:date`` (``LDT_Datum``) → :class:`datetime.date`, ``xs:time`` (``LDT_Tijd``) →
  :class:`datetime.time`, ``xs:integer`` (``LDT_Nummer``, ``LDT_Percentage``, …) → ``int``;
* everything else, codes included, → ``str`` exactly as written: ``"01"`` keeps its zero,
  ``Etmalen`` stays ``"3,5"``.

The root itself is not in the data: ``lees(root)`` is ``{"Header": {…}, "Clienten": {…}}``
and ``schrijf(code, data)`` makes the ``Bericht`` element of message type ``code``.

**Structure check** (:func:`structuur`). What the official XSD checks, from the descriptors:
element order, unknown, missing and repeated elements, the namespace of each element, no stray
text or attributes, and every leaf's simple type (length, range, pattern, enumeration, date and
time syntax), hence also the fixed ``BerichtCode``/``BerichtVersie``/``BerichtSubversie``. It
decides ``0001`` when no official XSDs are configured, so it agrees with them on accept/reject
(tests/berichten/test_codec.py proves it on systematic mutations). One pass over the tree; the
descriptors are compiled once per message type.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from iwlz.berichten.catalogus import BASISSCHEMA_NS, BERICHTEN, namespace
from iwlz.berichten.model import descriptor
from iwlz.berichten.model_basis import Element, Enkelvoudig, Samengesteld
from iwlz.berichten.xsd import MAX_FOUTEN, XsdFout, element_path, message_code

__all__ = ["berichtcode", "lees", "schrijf", "structuur"]

_WS = " \t\n\r"
"""XML whitespace (what XSD's ``\\s`` and whiteSpace ``collapse`` mean; not Unicode spaces)."""
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_XSI_TOEGESTAAN = frozenset({f"{_XSI}schemaLocation", f"{_XSI}noNamespaceSchemaLocation"})

# --- simple types ---------------------------------------------------------------------------

# XSD regular expressions are anchored and their `.`/`\s` are narrower than Python's.
_XSD_KLASSE = {"s": " \\t\\n\\r"}


def _python_regex(xsd: str) -> str:
    out: list[str] = []
    in_klasse = False
    i = 0
    while i < len(xsd):
        c = xsd[i]
        if c == "\\" and i + 1 < len(xsd):
            esc = xsd[i + 1]
            if esc == "s":
                out.append(_XSD_KLASSE["s"] if in_klasse else "[ \\t\\n\\r]")
            elif esc == "S" and not in_klasse:
                out.append("[^ \\t\\n\\r]")
            elif esc in "dDwWiIcC" or (esc == "S" and in_klasse):
                # Not used by the iWlz 2.2 schemas; refuse rather than guess their XSD meaning.
                raise ValueError(f"XSD escape \\{esc} is not supported: {xsd!r}")
            else:
                out.append(c + esc)
            i += 2
            continue
        if c == "[":
            in_klasse = True
        elif c == "]":
            in_klasse = False
        elif c == "." and not in_klasse:
            out.append("[^\\n\\r]")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


# Patterns whose literal translation backtracks badly on long input, with an equivalent test.
# LDT_Commentaar's pattern matches exactly the strings holding a non-whitespace character.
_NIET_WIT = re.compile(r"[^ \t\n\r]")
_SNEL: dict[str, Callable[[str], bool]] = {
    r"([.\s]*\S+[.\s]*)+": lambda v: _NIET_WIT.search(v) is not None,
}


@functools.cache
def _patroon(xsd: str) -> Callable[[str], bool]:
    snel = _SNEL.get(xsd)
    if snel is not None:
        return snel
    regex = re.compile(_python_regex(xsd))
    return lambda v: regex.fullmatch(v) is not None


_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"(-?)([1-9][0-9]{4,}|[0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _toon(tekst: str) -> str:
    """A value for a message to people: at most 40 characters (it may be a whole BSN, or a
    5 MiB string an attacker chose)."""
    return repr(tekst if len(tekst) <= 40 else tekst[:37] + "…")


def _datum_fout(v: str) -> str | None:
    m = _DATE.fullmatch(v)
    if m is None:
        return "is not a date (YYYY-MM-DD)"
    if len(m[2]) > 9:  # int() of thousands of digits is refused by Python, and slow before
        return "has a year out of range"
    year, month, day = int(m[2]), int(m[3]), int(m[4])
    if m[1]:
        year = -year
    if year == 0:
        return "has year 0000"
    if not 1 <= month <= 12 or not 1 <= day <= _MONTH_DAYS[month - 1]:
        return "is not a valid date"
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return "is not a valid date (no leap year)"
    return None


def _tijd_fout(v: str) -> str | None:
    m = _TIME.fullmatch(v)
    if m is None:
        return "is not a time (hh:mm:ss)"
    h, mi, s = int(m[1]), int(m[2]), int(m[3])
    if h == 24 and mi == 0 and s == 0 and not (m[4] or "0").strip("0"):
        return None
    if h > 23 or mi > 59 or s > 59:
        return "is not a valid time"
    return None


@dataclass(frozen=True, slots=True)
class _Blad:
    """A compiled simple type: checks a lexical value, converts it to and from Python."""

    type: Enkelvoudig
    patronen: tuple[Callable[[str], bool], ...]
    snel: Callable[[str], bool]
    """True only for valid values, and cheaply for the usual ones; the rest get the full check."""

    def fout(self, tekst: str) -> str | None:
        """Why ``tekst`` is not a valid value, or None."""
        if self.snel(tekst):
            return None
        return self._fout(tekst)

    def _fout(self, tekst: str) -> str | None:
        t = self.type
        if t.basis == "string":
            v = tekst
            n = len(v)
            if t.min_lengte is not None and n < t.min_lengte:
                return f"is shorter than {t.min_lengte} character(s)"
            if t.max_lengte is not None and n > t.max_lengte:
                return f"is longer than {t.max_lengte} character(s)"
            if t.waarden is not None and v not in t.waarden:
                return f"is not a code of {t.naam}"
        else:
            v = tekst.strip(_WS)
            if t.basis == "int":
                if _INTEGER.fullmatch(v) is None:
                    return "is not an integer"
                if len(v.lstrip("+-").lstrip("0")) > 18:  # beyond every LDT range
                    return "is out of range"
                getal = int(v)
                if t.minimum is not None and getal < t.minimum:
                    return f"is less than {t.minimum}"
                if t.maximum is not None and getal > t.maximum:
                    return f"is greater than {t.maximum}"
            else:
                fout = _datum_fout(v) if t.basis == "date" else _tijd_fout(v)
                if fout is not None:
                    return fout
        for i, past in enumerate(self.patronen):
            if not past(v):
                return f"does not match the pattern {t.patronen[i]!r} of {t.naam}"
        return None

    def lees(self, tekst: str) -> Any:
        basis = self.type.basis
        if basis == "string":
            return tekst
        v = tekst.strip(_WS)
        if basis == "int":
            return int(v)
        if basis == "date":
            return dt.date.fromisoformat(v)
        m = _TIME.fullmatch(v)
        if m is None:
            raise ValueError("not a time")
        micro = int((m[4] or "0")[:6].ljust(6, "0"))
        return dt.time(int(m[1]), int(m[2]), int(m[3]), micro)

    def tekst(self, waarde: Any) -> str:
        basis = self.type.basis
        if isinstance(waarde, str):
            return waarde
        if basis == "int" and isinstance(waarde, int) and not isinstance(waarde, bool):
            return str(waarde)
        if basis == "date" and type(waarde) is dt.date:
            return waarde.isoformat()
        if basis == "time" and isinstance(waarde, dt.time):
            return waarde.isoformat()
        soort = {"string": "str", "int": "int", "date": "datetime.date", "time": "datetime.time"}
        raise TypeError(f"expected {soort[basis]} (or str), got {type(waarde).__name__}")


def _nooit(tekst: str) -> bool:
    return False


def _snel(t: Enkelvoudig, patronen: tuple[Callable[[str], bool], ...]) -> Callable[[str], bool]:
    def past(v: str) -> bool:
        return all(p(v) for p in patronen)

    if t.basis == "string":
        laag, hoog = t.min_lengte or 0, t.max_lengte if t.max_lengte is not None else 1 << 62
        if not patronen:
            return lambda v: laag <= len(v) <= hoog
        if len(patronen) == 1:
            patroon = patronen[0]
            return lambda v: laag <= len(v) <= hoog and patroon(v)
        return lambda v: laag <= len(v) <= hoog and past(v)
    if t.basis == "int":
        minimum = t.minimum if t.minimum is not None else -(1 << 62)
        maximum = t.maximum if t.maximum is not None else 1 << 62
        return lambda v: (
            v.isascii()
            and v.isdigit()
            and len(v) <= 18
            and minimum <= int(v) <= maximum
            and past(v)
        )
    if t.basis == "date":

        def datum(v: str) -> bool:
            if len(v) != 10 or v[4] != "-" or v[7] != "-" or not v.isascii():
                return False
            try:  # YYYY-MM-DD with years 0001–9999: exactly what fromisoformat takes in this form
                dt.date.fromisoformat(v)
            except ValueError:
                return False
            return past(v)

        return datum
    return _nooit


@functools.cache
def _blad(t: Enkelvoudig) -> _Blad:
    patronen = tuple(_patroon(p) for p in t.patronen)
    blad = _Blad(t, patronen, _nooit)
    if t.waarden is not None and all(blad.fout(v) is None for v in t.waarden):
        # A codelist whose every code meets the other facets: membership alone decides.
        return _Blad(t, patronen, t.waarden.__contains__)
    return _Blad(t, patronen, _snel(t, patronen))


# --- compiled descriptors -------------------------------------------------------------------


@dataclass(slots=True)
class _Kind:
    naam: str
    tag: str
    min: int
    max: int | None
    herhaald: bool
    plan: _Plan | None
    blad: _Blad | None


@dataclass(slots=True)
class _Plan:
    kinderen: tuple[_Kind, ...]
    index: dict[str, int]
    namen: frozenset[str]
    verwacht: str
    verplicht: tuple[int, ...]
    """``verplicht[k]``: how many of the first ``k`` children are required (minOccurs > 0)."""

    def ontbreekt(self, i: int, aantal: int, j: int) -> list[str]:
        """The required children missing when child ``i`` (seen ``aantal`` times) is followed
        by child ``j`` (``len(kinderen)``: the end)."""
        kinderen = self.kinderen
        uit = [kinderen[i].naam] if aantal < kinderen[i].min else []
        return uit + [k.naam for k in kinderen[i + 1 : j] if k.min > 0]


@dataclass(slots=True)
class _Bericht:
    code: str
    tag: str
    nsmap: dict[str | None, str]
    plan: _Plan


def _compileer(t: Samengesteld, ns: str, klaar: dict[int, _Plan]) -> _Plan:
    found = klaar.get(id(t))
    if found is not None:
        return found
    kinderen: list[_Kind] = []
    for e in t.kinderen:
        kinderen.append(_kind(e, ns, klaar))
    verplicht = [0]
    for k in kinderen:
        verplicht.append(verplicht[-1] + (k.min > 0))
    plan = _Plan(
        tuple(kinderen),
        {k.tag: i for i, k in enumerate(kinderen)},
        frozenset(k.naam for k in kinderen),
        ", ".join(k.naam for k in kinderen),
        tuple(verplicht),
    )
    klaar[id(t)] = plan
    return plan


def _kind(e: Element, ns: str, klaar: dict[int, _Plan]) -> _Kind:
    tag = f"{{{BASISSCHEMA_NS if e.basis else ns}}}{e.naam}"
    if isinstance(e.type, Samengesteld):
        return _Kind(e.naam, tag, e.min, e.max, e.herhaald, _compileer(e.type, ns, klaar), None)
    return _Kind(e.naam, tag, e.min, e.max, e.herhaald, None, _blad(e.type))


@functools.cache
def _bericht(code: str) -> _Bericht:
    ns = namespace(code)
    root = descriptor(code)
    assert isinstance(root.type, Samengesteld)
    return _Bericht(
        code,
        f"{{{ns}}}{root.naam}",
        {None: ns, "iwlz": BASISSCHEMA_NS},
        _compileer(root.type, ns, {}),
    )


def berichtcode(root: etree._Element) -> str | None:
    """The iWlz 2.2 message code (``IO31``, ``AW34`` …) of a root element, from its namespace;
    None when it is no iWlz 2.2 message."""
    tag = root.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    found = message_code(tag[1 : tag.index("}")])
    if found is None or found[:2] != ("iwlz", "2_2") or found[2] not in BERICHTEN:
        return None
    return found[2]


def _lokaal(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _blad_tekst(el: etree._Element) -> str:
    if len(el) == 0:
        return el.text or ""
    # Comments and processing instructions inside a value do not count; their tails do.
    return (el.text or "") + "".join(c.tail or "" for c in el)


# --- lees -----------------------------------------------------------------------------------


def lees(root: etree._Element) -> dict[str, Any]:
    """The message under ``root`` as nested data (see the module docstring). ``ValueError``,
    naming the element's path, for an element the message type does not have, one that occurs
    twice where once is allowed, or a leaf that cannot be converted; check with
    :func:`structuur` first to know everything that is wrong."""
    code = berichtcode(root)
    if code is None:
        raise ValueError(f"{root.tag!r} is not the root of an iWlz 2.2 message")
    b = _bericht(code)
    if root.tag != b.tag:
        raise ValueError(f"the root of an iWlz message is Bericht, not {_lokaal(str(root.tag))}")
    return _lees(root, b.plan)


def _lees(el: etree._Element, plan: _Plan) -> dict[str, Any]:
    data: dict[str, Any] = {}
    index = plan.index
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        i = index.get(tag)
        if i is None:
            raise ValueError(
                f"{element_path(child)}: not an element here (expected {plan.verwacht})"
            )
        k = plan.kinderen[i]
        if k.plan is not None:
            waarde: Any = _lees(child, k.plan)
        else:
            assert k.blad is not None
            try:
                waarde = k.blad.lees(_blad_tekst(child))
            except ValueError:
                raise ValueError(
                    f"{element_path(child)}: {_toon(_blad_tekst(child))} is not a valid "
                    f"{k.blad.type.basis} of {k.blad.type.naam}"
                ) from None
        if k.herhaald:
            data.setdefault(k.naam, []).append(waarde)
        elif k.naam in data:
            raise ValueError(f"{element_path(child)}: {k.naam} occurs more than once")
        else:
            data[k.naam] = waarde
    return data


# --- schrijf --------------------------------------------------------------------------------


def schrijf(code: str, data: Mapping[str, Any], *, controleer: bool = True) -> etree._Element:
    """The ``Bericht`` element of message type ``code`` (heen or retour) holding ``data`` (as
    :func:`lees` returns it), elements in schema order, each in its namespace, with nsmap
    ``{None: <message namespace>, "iwlz": <basisschema namespace>}``.

    Leaves may be given as ``str`` or as their Python type (``int``, ``date``, ``time``).
    ``ValueError`` naming the path for an unknown key, a missing required element, a wrong
    number of repetitions or (with ``controleer``, the default) a value its simple type does
    not allow; with ``controleer=False`` values are written as given (for invalid test
    messages)."""
    b = _bericht(code.upper())
    root = etree.Element(b.tag, nsmap=b.nsmap)
    _schrijf(root, data, b.plan, "/Bericht", controleer)
    return root


def _schrijf(parent: etree._Element, data: Any, plan: _Plan, pad: str, controleer: bool) -> None:
    if not isinstance(data, Mapping):
        raise ValueError(f"{pad}: expected a mapping of child elements, got {type(data).__name__}")
    onbekend = [k for k in data if k not in plan.namen]
    if onbekend:
        raise ValueError(
            f"{pad}: unknown element(s) {', '.join(map(str, onbekend))} (expected {plan.verwacht})"
        )
    for k in plan.kinderen:
        waarde = data.get(k.naam)
        if waarde is None:
            if k.min > 0:
                raise ValueError(f"{pad}/{k.naam}: required element is missing")
            continue
        if k.herhaald:
            if not isinstance(waarde, Sequence) or isinstance(waarde, str):
                raise ValueError(
                    f"{pad}/{k.naam}: may occur more than once, give a list "
                    f"(got {type(waarde).__name__})"
                )
            if len(waarde) < k.min or (k.max is not None and len(waarde) > k.max):
                raise ValueError(
                    f"{pad}/{k.naam}: occurs {len(waarde)} times, allowed {k.min} to "
                    f"{'unbounded' if k.max is None else k.max}"
                )
            items: Sequence[Any] = waarde
            meer = len(waarde) > 1
        else:
            items = (waarde,)
            meer = False
        sub = etree.SubElement
        for n, item in enumerate(items, 1):
            el = sub(parent, k.tag)
            if k.plan is not None:
                hier = f"{pad}/{k.naam}[{n}]" if meer else f"{pad}/{k.naam}"
                _schrijf(el, item, k.plan, hier, controleer)
                continue
            blad = k.blad
            assert blad is not None
            # The common case first: a str needs no conversion; paths only for messages.
            if isinstance(item, str):
                tekst = item
            else:
                try:
                    tekst = blad.tekst(item)
                except TypeError as exc:
                    raise ValueError(f"{_pad(pad, k, n, meer)}: {exc}") from None
            if controleer:
                fout = blad.fout(tekst)
                if fout is not None:
                    raise ValueError(f"{_pad(pad, k, n, meer)}: {_toon(tekst)} {fout}")
            el.text = tekst


def _pad(pad: str, k: _Kind, n: int, meer: bool) -> str:
    return f"{pad}/{k.naam}[{n}]" if meer else f"{pad}/{k.naam}"


# --- structuur ------------------------------------------------------------------------------


def structuur(root: etree._Element) -> list[XsdFout]:
    """Every structural violation of the message under ``root`` (empty when it is valid): what
    the official XSD would reject, found with our own descriptors. Paths as
    :func:`~iwlz.berichten.xsd.element_path` gives them."""
    code = berichtcode(root)
    if code is None:
        tag = root.tag if isinstance(root.tag, str) else ""
        ns = tag[1 : tag.index("}")] if tag.startswith("{") else ""
        return [
            XsdFout(
                root.sourceline or 0,
                f"/{_lokaal(tag)}",
                f"No iWlz 2.2 message has namespace {ns!r}.",
            )
        ]
    b = _bericht(code)
    fouten: list[XsdFout] = []
    if root.tag != b.tag:
        fouten.append(
            XsdFout(
                root.sourceline or 0,
                f"/{_lokaal(str(root.tag))}",
                f"Element '{_lokaal(str(root.tag))}': the root element is 'Bericht'.",
            )
        )
        return fouten
    try:
        # No iWlz element has attributes: one C-level query finds any, not a look per element.
        attributen: Any = _ATTRIBUTEN(root)
        for attribuut in attributen:
            if attribuut.attrname not in _XSI_TOEGESTAAN:
                el = attribuut.getparent()
                melding = (
                    f"Element '{_lokaal(el.tag)}', attribute '{attribuut.attrname}': not allowed."
                )
                _fout(fouten, el, melding)
        _structuur(root, b.plan, fouten)
    except _Genoeg:
        pass  # the first MAX_FOUTEN violations are reported
    return fouten


class _Genoeg(Exception):
    """Enough violations found (:data:`~iwlz.berichten.xsd.MAX_FOUTEN`): stop looking."""


def _fout(fouten: list[XsdFout], el: etree._Element, melding: str) -> None:
    fouten.append(XsdFout(el.sourceline or 0, element_path(el), melding))
    if len(fouten) >= MAX_FOUTEN:
        raise _Genoeg


_ATTRIBUTEN = etree.XPath("//@*")


def _structuur(el: etree._Element, plan: _Plan, fouten: list[XsdFout]) -> None:
    if el.text and el.text.strip(_WS):
        _fout(
            fouten, el, f"Element '{_lokaal(el.tag)}': text is not allowed in element-only content."
        )
    kinderen = plan.kinderen
    index = plan.index
    verplicht = plan.verplicht
    i = 0
    aantal = 0
    gestopt = False
    for child in el:
        tail = child.tail
        if tail and tail.strip(_WS):
            _fout(
                fouten,
                el,
                f"Element '{_lokaal(el.tag)}': text is not allowed in element-only content.",
            )
        tag = child.tag
        if not isinstance(tag, str) or gestopt:
            continue
        j = index.get(tag)
        if j is None:
            lokaal = _lokaal(tag)
            if lokaal in plan.namen:
                melding = f"Element '{lokaal}': wrong namespace {tag[1 : tag.index('}')]!r}."
            else:
                melding = f"Element '{lokaal}': not expected here (expected {plan.verwacht})."
            _fout(fouten, child, melding)
            gestopt = True
            continue
        if j != i:
            # Moving on from child i to child j: i must have occurred often enough and nothing
            # required may lie in between; going back is never allowed (names are unique).
            if j < i or aantal < kinderen[i].min or verplicht[j] != verplicht[i + 1]:
                if j < i:
                    melding = f"Element '{kinderen[j].naam}': not expected here (order)."
                else:
                    melding = (
                        f"Element '{kinderen[j].naam}': not expected; missing before it: "
                        f"{', '.join(plan.ontbreekt(i, aantal, j))}."
                    )
                _fout(fouten, child, melding)
                gestopt = True
                continue
            i = j
            aantal = 0
        else:
            hoogstens = kinderen[i].max
            if hoogstens is not None and aantal >= hoogstens:
                _fout(fouten, child, f"Element '{kinderen[j].naam}': occurs too often.")
                gestopt = True
                continue
        aantal += 1
        k = kinderen[j]
        if k.plan is not None:
            _structuur(child, k.plan, fouten)
            continue
        blad = k.blad
        assert blad is not None
        if len(child):
            if any(isinstance(c.tag, str) for c in child):
                _fout(fouten, child, f"Element '{k.naam}': a value may not have child elements.")
                continue
            tekst = _blad_tekst(child)
        else:
            tekst = child.text or ""
        if not blad.snel(tekst):
            fout = blad.fout(tekst)
            if fout is not None:
                _fout(fouten, child, f"Element '{k.naam}': {_toon(tekst)} {fout}.")
    n = len(kinderen)
    if gestopt or not n:
        return
    if aantal < kinderen[i].min or verplicht[n] != verplicht[i + 1]:
        _fout(
            fouten,
            el,
            f"Element '{_lokaal(el.tag)}': missing child element(s) "
            f"{', '.join(plan.ontbreekt(i, aantal, n))}.",
        )
