"""Zorgkantoorregio and zorgkantoor (UZOVI) of a client, derived from the client's address.

The Indicatieregister fills ``initieelVerantwoordelijkZorgkantoor`` with the zorgkantoor of
the region of the client's address (registers.md §1.6): the **BRP-adres** (``adresSoort``
``01``) if there is one, otherwise the **verblijfadres** (``03``). The chain is

    address ──▶ gemeente (CBS gemeentecode) ──▶ zorgkantoorregio ──▶ zorgkantoor (UZOVI)

The last two steps are data shipped with this package (``data/*.csv``, copied verbatim from
``shared/data``). The first step is the hard one, because an IR ``Adres`` has no
gemeentecode. :class:`GemeenteResolver` tries, in this order:

1. an explicit **gemeentecode** - the BRP *gemeente van inschrijving*, which the CIZ knows;
   this is the only exact source and callers should pass it whenever they have it;
2. the **postcode**, in an operator-supplied PC6/PC4 → gemeentecode table
   (:meth:`GemeenteResolver.from_csv`, e.g. built from the CBS "postcode-huisnummer-gemeente"
   file); no national table is shipped. PC6 entries win over PC4 entries because a few PC4
   areas straddle a municipal border;
3. the **plaatsnaam**, when it is the name of a gemeente (case, diacritics, ``'s-``,
   punctuation, hyphens and spaces ignored; plus a small alias table such as "Den Haag" for
   ``'s-Gravenhage``). This is a heuristic: a woonplaats is not a gemeente ("Zaandam" is in
   Zaanstad). Names that are ambiguous - "Bergen" (``Bergen (L.)`` or ``Bergen (NH.)``), or a
   gemeente name that is also a woonplaats elsewhere, like "Hengelo" (also in Bronckhorst) -
   raise :class:`RegioError` rather than guess, since a wrong region sends an indication to a
   zorgkantoor that may not read it.

If none applies, :class:`RegioError` says what was tried and what to supply. A BRP-adres that
cannot be resolved is an error, not a reason to fall back to the verblijfadres: the rule picks
the address by kind, not by how easy it is to resolve.

Data caveats (see ``shared/data/README.md``): regions and numbering are the 2014 VWS
designation and municipalities the 2023 division. Regions 06 and 32 may since have merged,
gemeente 1961 Vijfheerenlanden may belong to region 24 instead of 09, and Weesp addresses
follow Amsterdam (region 15). The iWlz 2.2 COD001 list also differs: it no longer has 5522
(region 22, expired 2020-01-01 per the public iStandaarden list) and adds 5533 "Zorgkantoor
Friesland" next to 5502. The data are kept as shipped; :attr:`Zorgkantoor.note` and
:attr:`Gemeente.note` carry the per-row remarks (``UNSURE: …``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, NotRequired, Protocol, TypeAlias, TypedDict

from iwlz.core.ids import IdentifierError, normalise_postcode

__all__ = [
    "OPGEHEVEN_ZORGKANTOREN",
    "AdresDict",
    "AdresLike",
    "AdresRecord",
    "Gemeente",
    "GemeenteResolver",
    "RegioError",
    "Zorgkantoor",
    "gemeente",
    "gemeenten",
    "zorgkantoor",
    "zorgkantoor_voor_adressen",
    "zorgkantoor_voor_gemeente",
    "zorgkantoren",
]

ADRES_BRP = "01"
ADRES_VERBLIJF = "03"
_ADRES_LABEL = {ADRES_BRP: "BRP-adres (01)", ADRES_VERBLIJF: "verblijfadres (03)"}

_ASK_CODE = "give the BRP gemeentecode (gemeente van inschrijving)"
_ASK_TABLE = "or load a postcode table with GemeenteResolver.from_csv()"

# Usual names that differ from the CBS gemeente name. Keys are compared normalised.
_ALIASES: Mapping[str, str] = {
    "Den Haag": "0518",  # 's-Gravenhage
    "Den Bosch": "0796",  # 's-Hertogenbosch
    "Nuenen": "0820",  # Nuenen, Gerwen en Nederwetten
    "Tietjerksteradeel": "0737",  # Dutch name of Tytsjerksteradiel
    "Dantumadeel": "1891",  # Dutch name of Dantumadiel
}

# Gemeente names that are also the name of a woonplaats in another gemeente (BAG), so a bare
# plaatsnaam does not identify the gemeente. Not exhaustive: only well-known cases.
_WOONPLAATS_ELDERS: Mapping[str, str] = {
    "0164": "Bronckhorst",  # Hengelo (Gld)
    "0214": "Ameland",  # Buren
    "0405": "Terschelling",  # Hoorn
    "0417": "Lochem",  # Laren (Gld)
    "0537": "Land van Cuijk",  # Katwijk (NB)
    "0575": "Westerkwartier",  # Noordwijk (Gr)
    "0603": "Altena",  # Rijswijk (NB)
    "0797": "Asten",  # Heusden
    "0826": "Nijmegen",  # Oosterhout (Gld)
    "0888": "Montferland and Berg en Dal",  # Beek
}


class RegioError(LookupError):
    """A gemeente, region or zorgkantoor could not be determined; the message says why."""


@dataclass(frozen=True)
class Gemeente:
    """A gemeente (CBS code and name) and the zorgkantoorregio it belongs to."""

    code: str
    naam: str
    regio_code: str
    note: str | None = None


@dataclass(frozen=True)
class Zorgkantoor:
    """The zorgkantoor (UZOVI, COD001) that acts for one zorgkantoorregio."""

    uzovi: str
    naam: str
    regio_code: str
    regio_naam: str
    note: str | None = None


class AdresDict(TypedDict):
    """An IR ``Adres`` as a mapping (GraphQL input names), plus an optional gemeentecode."""

    adresSoort: str
    ingangsdatum: NotRequired[dt.date | str | None]
    einddatum: NotRequired[dt.date | str | None]
    postcode: NotRequired[str | None]
    plaatsnaam: NotRequired[str | None]
    landCode: NotRequired[str | None]
    gemeentecode: NotRequired[str | None]


class AdresRecord(Protocol):
    """An IR ``Adres`` as an object; ``gemeentecode`` and ``landCode`` are read if present."""

    @property
    def adresSoort(self) -> str: ...
    @property
    def ingangsdatum(self) -> dt.date | str | None: ...
    @property
    def einddatum(self) -> dt.date | str | None: ...
    @property
    def postcode(self) -> str | None: ...
    @property
    def plaatsnaam(self) -> str | None: ...


AdresLike: TypeAlias = AdresDict | AdresRecord


# --- shipped data ------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files(__name__).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def _zorgkantoren_by_regio() -> Mapping[str, Zorgkantoor]:
    result: dict[str, Zorgkantoor] = {}
    for row in _read_csv("zorgkantoorregios.csv"):
        zk = Zorgkantoor(
            uzovi=row["zorgkantoor_code"],
            naam=row["zorgkantoor_naam"],
            regio_code=row["regio_code"],
            regio_naam=row["regio_naam"],
            note=row["note"] or None,
        )
        if zk.regio_code in result:
            raise RuntimeError(f"zorgkantoorregios.csv: region {zk.regio_code} appears twice")
        result[zk.regio_code] = zk
    return MappingProxyType(result)


@functools.cache
def _zorgkantoren_by_uzovi() -> Mapping[str, Zorgkantoor]:
    result = {zk.uzovi: zk for zk in _zorgkantoren_by_regio().values()}
    if len(result) != len(_zorgkantoren_by_regio()):
        raise RuntimeError("zorgkantoorregios.csv: a UZOVI number serves two regions")
    return MappingProxyType(result)


@functools.cache
def _gemeenten_by_code() -> Mapping[str, Gemeente]:
    regios = _zorgkantoren_by_regio()
    result: dict[str, Gemeente] = {}
    for row in _read_csv("gemeente_zorgkantoorregio.csv"):
        gm = Gemeente(
            code=row["gemeentecode"],
            naam=row["gemeentenaam"],
            regio_code=row["regio_code"],
            note=row["note"] or None,
        )
        if gm.code in result or gm.regio_code not in regios:
            raise RuntimeError(f"gemeente_zorgkantoorregio.csv: bad row for {gm.code}")
        result[gm.code] = gm
    return MappingProxyType(result)


def gemeenten() -> Sequence[Gemeente]:
    """All gemeenten in the shipped list (municipal division of 2023), by gemeentecode."""
    return tuple(_gemeenten_by_code().values())


def zorgkantoren() -> Sequence[Zorgkantoor]:
    """All zorgkantoorregios with their zorgkantoor, by region number."""
    return tuple(_zorgkantoren_by_regio().values())


def _normalise_gemeentecode(value: str) -> str | None:
    # Accept the CBS spellings "GM0363" and "363" (CBS postcode files drop the zeros); a
    # gemeentecode is a 4-digit number, so padding cannot change which gemeente is meant.
    text = value.strip().upper().removeprefix("GM")
    if text.isascii() and text.isdigit() and 1 <= len(text) <= 4:
        return text.zfill(4)
    return None


def gemeente(code: str) -> Gemeente:
    """The gemeente with this gemeentecode (``"0363"``; ``"GM0363"`` and ``"363"`` also work).

    Raises :class:`RegioError` for a malformed or unknown code.
    """
    normal = _normalise_gemeentecode(code) if isinstance(code, str) else None
    if normal is None:
        raise RegioError(f"{code!r} is not a gemeentecode (4 digits, e.g. '0363' Amsterdam)")
    found = _gemeenten_by_code().get(normal)
    if found is None:
        raise RegioError(
            f"gemeentecode {normal} is not in the gemeente list (municipal division of "
            "2023-01-01; codes of merged gemeenten are not included)"
        )
    return found


def zorgkantoor(uzovi: str) -> Zorgkantoor:
    """The zorgkantoor with this UZOVI number (COD001, e.g. ``"5515"``)."""
    found = _zorgkantoren_by_uzovi().get(uzovi)
    if found is None:
        known = ", ".join(_zorgkantoren_by_uzovi())
        raise RegioError(f"no zorgkantoor with UZOVI {uzovi!r}; known: {known}")
    return found


# UZOVI codes that COD001 (iWlz 2.2) no longer has, and the zorgkantoor that took over the
# region: 5522 Nieuwe Waterweg-Noord expired on 2020-01-01 and its gemeenten are served by
# Rotterdam (docs/conformance.md). The shipped region table is kept as received.
OPGEHEVEN_ZORGKANTOREN: Mapping[str, str] = MappingProxyType({"5522": "5521"})


def zorgkantoor_voor_gemeente(gemeentecode: str) -> Zorgkantoor:
    """The zorgkantoor that serves the gemeente today (successor of an expired code)."""
    zk = _zorgkantoren_by_regio()[gemeente(gemeentecode).regio_code]
    opvolger = OPGEHEVEN_ZORGKANTOREN.get(zk.uzovi)
    return zorgkantoor(opvolger) if opvolger else zk


# --- gemeente from an address ------------------------------------------------------------


def _normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    # "'s-Gravenhage", "’s Gravenhage" and "S-GRAVENHAGE" all become "s gravenhage".
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


@dataclass(frozen=True)
class _NameIndex:
    full: Mapping[str, str]
    base: Mapping[str, frozenset[str]]


@functools.cache
def _name_index() -> _NameIndex:
    full: dict[str, str] = {}
    base: dict[str, set[str]] = {}
    for gm in _gemeenten_by_code().values():
        full[_normalise_name(gm.naam)] = gm.code
        # "Bergen (L.)" is also found as "Bergen" - and then it is ambiguous.
        base.setdefault(_normalise_name(re.sub(r"\(.*?\)", " ", gm.naam)), set()).add(gm.code)
    for alias, code in _ALIASES.items():
        full.setdefault(_normalise_name(alias), code)
    return _NameIndex(
        full=MappingProxyType(full),
        base=MappingProxyType({k: frozenset(v) for k, v in base.items()}),
    )


def _describe(codes: Iterable[str]) -> str:
    gms = _gemeenten_by_code()
    return ", ".join(f"{gms[c].naam} ({c})" for c in sorted(codes))


def _gemeente_by_name(plaatsnaam: str) -> Gemeente | None:
    key = _normalise_name(plaatsnaam)
    index = _name_index()
    code = index.full.get(key)
    if code is None:
        candidates = index.base.get(key, frozenset())
        if len(candidates) > 1:
            raise RegioError(
                f"plaatsnaam {plaatsnaam!r} is ambiguous: {_describe(candidates)}; "
                f"{_ASK_CODE} {_ASK_TABLE}"
            )
        code = next(iter(candidates), None)
    if code is None:
        return None
    if code in _WOONPLAATS_ELDERS:
        raise RegioError(
            f"plaatsnaam {plaatsnaam!r} is ambiguous: gemeente {_describe([code])}, but also a "
            f"woonplaats in {_WOONPLAATS_ELDERS[code]}; {_ASK_CODE} {_ASK_TABLE}"
        )
    return _gemeenten_by_code()[code]


_PC4 = re.compile(r"[1-9][0-9]{3}")


def _postcode_key(raw: str) -> str | None:
    """``1234AB`` for a full postcode, ``1234`` for a bare PC4, None otherwise."""
    try:
        return normalise_postcode(raw)
    except IdentifierError:
        text = raw.strip()
        return text if _PC4.fullmatch(text) else None


class GemeenteResolver:
    """Finds the gemeente of an address; see the module docstring for the order of steps.

    ``postcode_table`` maps PC6 (``1234AB``) or PC4 (``1234``) postcodes to gemeentecodes.
    Every gemeentecode in it must be in the shipped gemeente list, so a table for another
    municipal division fails loudly (ValueError) instead of resolving to a gemeente that no
    longer exists; so does a postcode mapped to two gemeenten.
    """

    def __init__(self, postcode_table: Mapping[str, str] | None = None) -> None:
        table: dict[str, str] = {}
        unknown: set[str] = set()
        for raw_postcode, raw_code in (postcode_table or {}).items():
            key = _postcode_key(raw_postcode)
            if key is None:
                raise ValueError(f"postcode table: {raw_postcode!r} is not a PC4 or PC6 postcode")
            code = _normalise_gemeentecode(raw_code)
            if code is None or code not in _gemeenten_by_code():
                unknown.add(raw_code)
                continue
            if table.setdefault(key, code) != code:
                raise ValueError(
                    f"postcode table: {key} maps to both {table[key]} and {code}; "
                    "use PC6 rows where a PC4 area spans two gemeenten"
                )
        if unknown:
            shown = ", ".join(sorted(unknown)[:5])
            raise ValueError(
                f"postcode table: {len(unknown)} gemeentecode(s) not in the gemeente list "
                f"(municipal division of 2023-01-01): {shown}; use a table for that division"
            )
        self._table: Mapping[str, str] = MappingProxyType(table)

    @classmethod
    def from_csv(
        cls, path: str | os.PathLike[str], *, encoding: str = "utf-8-sig"
    ) -> GemeenteResolver:
        """Load a postcode table from a CSV file with a header row.

        The postcode column is named ``postcode``, ``pc4`` or ``pc6``; the gemeente column
        ``gemeentecode``, ``gemeente`` or any name starting with ``gemeente`` (the CBS file
        uses ``Gemeente2023``). Comma, semicolon and tab separators are detected. Repeated
        rows with the same postcode and gemeente (one per house number) are fine.
        """
        with open(path, encoding=encoding, newline="") as handle:
            text = handle.read()
        try:
            dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        header = [h.strip().casefold() for h in next(reader, [])]
        pc_col = next((i for i, h in enumerate(header) if h in ("postcode", "pc4", "pc6")), None)
        gm_col = next(
            (i for i, h in enumerate(header) if h.startswith("gemeente") and h != "gemeentenaam"),
            None,
        )
        if pc_col is None or gm_col is None:
            raise ValueError(
                f"{os.fspath(path)}: need a postcode column (postcode, pc4 or pc6) and a "
                f"gemeente column (gemeentecode, gemeente, Gemeente2023…); header is {header}"
            )
        pairs: dict[str, str] = {}
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(pc_col, gm_col):
                raise ValueError(f"{os.fspath(path)} line {line}: too few columns: {row}")
            postcode, code = row[pc_col].strip(), row[gm_col].strip()
            if pairs.setdefault(postcode, code) != code:
                raise ValueError(
                    f"{os.fspath(path)} line {line}: postcode {postcode} maps to both "
                    f"{pairs[postcode]} and {code}; use PC6 rows where a PC4 area spans two "
                    "gemeenten"
                )
        return cls(pairs)

    @property
    def postcode_table(self) -> Mapping[str, str]:
        """The normalised postcode table (``1234AB``/``1234`` → ``0363``), read-only."""
        return self._table

    def resolve(
        self,
        *,
        gemeentecode: str | None = None,
        postcode: str | None = None,
        plaatsnaam: str | None = None,
    ) -> Gemeente:
        """The gemeente of an address: by gemeentecode, then postcode table, then plaatsnaam.

        Raises :class:`RegioError` saying what was tried and what to supply.
        """
        if gemeentecode is not None and gemeentecode.strip():
            # An explicit code is authoritative: if it is wrong, say so instead of guessing.
            return gemeente(gemeentecode)
        tried: list[str] = []
        if postcode is not None and postcode.strip():
            found = self._by_postcode(postcode, tried)
            if found is not None:
                return found
        if plaatsnaam is not None and plaatsnaam.strip():
            by_name = _gemeente_by_name(plaatsnaam)
            if by_name is not None:
                return by_name
            tried.append(f"plaatsnaam {plaatsnaam!r} is not the name of a gemeente")
        if not tried:
            tried.append("no gemeentecode, postcode or plaatsnaam given")
        raise RegioError(
            f"cannot determine the gemeente of the address ({'; '.join(tried)}); "
            f"{_ASK_CODE} {_ASK_TABLE}"
        )

    def _by_postcode(self, postcode: str, tried: list[str]) -> Gemeente | None:
        key = _postcode_key(postcode)
        if key is None:
            tried.append(f"postcode {postcode!r} is not a Dutch postcode")
            return None
        if not self._table:
            tried.append("no postcode table loaded")
            return None
        code = self._table.get(key) or self._table.get(key[:4])
        if code is None:
            tried.append(f"postcode {key} is not in the postcode table")
            return None
        return _gemeenten_by_code()[code]


# --- zorgkantoor from the client's addresses ---------------------------------------------


def _field(adres: AdresLike, name: str) -> Any:
    if isinstance(adres, Mapping):
        return adres.get(name)
    return getattr(adres, name, None)


def _as_date(value: object, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"address {name} must be a date or ISO date string, got {value!r}")


def _valid_on(adres: AdresLike, peildatum: dt.date) -> bool:
    # A missing ingangsdatum (nullable in IR 1.2) counts as "valid since always".
    start = _as_date(_field(adres, "ingangsdatum"), "ingangsdatum") or dt.date.min
    end = _as_date(_field(adres, "einddatum"), "einddatum")
    return start <= peildatum and (end is None or end >= peildatum)


def _zorgkantoor_voor_adres(adres: AdresLike, resolver: GemeenteResolver) -> Zorgkantoor:
    land = _field(adres, "landCode")
    if land not in (None, "", "NL"):
        raise RegioError(f"the address is abroad (landCode {land}): no zorgkantoorregio applies")
    gm = resolver.resolve(
        gemeentecode=_field(adres, "gemeentecode"),
        postcode=_field(adres, "postcode"),
        plaatsnaam=_field(adres, "plaatsnaam"),
    )
    return zorgkantoor_voor_gemeente(gm.code)


def zorgkantoor_voor_adressen(
    adressen: Sequence[AdresLike], resolver: GemeenteResolver, peildatum: dt.date
) -> Zorgkantoor:
    """The zorgkantoor for ``initieelVerantwoordelijkZorgkantoor`` (registers.md §1.6).

    Uses the client's BRP-adres (``01``) valid on ``peildatum``; only if there is none, the
    verblijfadres (``03``). Valid means ``ingangsdatum <= peildatum <= einddatum`` (open end
    allowed). Among several valid addresses of that kind the latest ``ingangsdatum`` wins; if
    addresses with that same date lead to different zorgkantoren, that is an error.
    """
    valid = [a for a in adressen if _valid_on(a, peildatum)]
    for soort in (ADRES_BRP, ADRES_VERBLIJF):
        candidates = [a for a in valid if _field(a, "adresSoort") == soort]
        if candidates:
            break
    else:
        raise RegioError(
            f"no BRP-adres (01) or verblijfadres (03) valid on {peildatum.isoformat()} "
            f"among {len(adressen)} address(es); the zorgkantoorregio follows one of those"
        )
    label = f"{_ADRES_LABEL[soort]} valid on {peildatum.isoformat()}"

    def start(adres: AdresLike) -> dt.date:
        return _as_date(_field(adres, "ingangsdatum"), "ingangsdatum") or dt.date.min

    latest = max(start(a) for a in candidates)
    found: dict[str, Zorgkantoor] = {}
    for adres in (a for a in candidates if start(a) == latest):
        try:
            zk = _zorgkantoor_voor_adres(adres, resolver)
        except RegioError as err:
            raise RegioError(f"{label}: {err}") from err
        found[zk.uzovi] = zk
    if len(found) > 1:
        raise RegioError(
            f"{label}: addresses starting on the same day ({latest.isoformat()}) lie in "
            f"different regions ({', '.join(sorted(found))}); correct the address data"
        )
    return next(iter(found.values()))
