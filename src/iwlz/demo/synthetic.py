"""Realistic, deterministic synthetic clients and Wlz-indicaties for the Indicatieregister.

:func:`generate` yields :class:`SyntheticClient` values whose ``indicatie`` is a
``WlzIndicatieInput`` (``schema/beheer.graphql``) as a plain dict: UUIDs as
:class:`uuid.UUID`, dates as :class:`datetime.date`, optional fields left out when empty.
Every item passes :func:`iwlz.registers.indicatie.validation.validate_indicatie`, and what
the registers then export (IO31, AW33, ZK33) passes the business rules of
:mod:`iwlz.berichten.regels` (tests/berichten/test_export_regels.py); an indication that has
ended shows no contact data (IRA0001A), so no IO31 can be made of it.

Determinism: client *i* depends only on ``(seed, i, today)``. Each client has its own
``random.Random(f"{seed}:{i}")``, and the values that must be unique in a run (BSN,
besluitnummer) are bijections of the index, so generating in batches with ``start_index``
gives exactly the clients of one big run. Nothing reads the clock, ``uuid4`` or ``hash()``.

Realism: the sector (VV, VG, LVG, LG, ZG, GGZ) decides age, ZZP, grondslagen, stoornissen,
beperkingen and the kind of contact persons; names follow the client's generation and
origin; the partner named in ``partnernaam`` is the partner among the contact persons;
gemeenten are weighted by size and the BRP address carries the ``gemeentecode`` the write
API uses to derive the zorgkantoor. ``initieelVerantwoordelijkZorgkantoor`` is left out of
the indicatie on purpose, so that loading exercises that derivation; the expected value is
:attr:`SyntheticClient.initieelVerantwoordelijkZorgkantoor`.

Codes come from :mod:`iwlz.codelists`. Where a field needs a code with a particular meaning
(grondslag "02" for dementia, soortRelatie "12" for the partner) the code is named here and
checked against the codelist when the tables are first built, so a changed codelist fails
loudly instead of producing invalid data.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import random
import re
import unicodedata
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from iwlz import codelists, regio

__all__ = ["MAX_CLIENTS", "SyntheticClient", "generate", "zzp_family"]

T = TypeVar("T")


@dataclass(frozen=True)
class SyntheticClient:
    """One generated client: the indicatie to load plus what a tester needs to find it."""

    wlzindicatieID: uuid.UUID
    bsn: str
    gemeentecode: str
    initieelVerantwoordelijkZorgkantoor: str
    indicatie: dict[str, Any] = field(hash=False)


# --- small helpers -----------------------------------------------------------------------


class _Weighted(Generic[T]):
    """A weighted choice that costs one ``random()`` and a bisect per draw."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items: list[T] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight > 0:
                total += weight
                items.append(item)
                cum.append(total)
        if not items:
            raise ValueError("a weighted choice needs at least one item with a positive weight")
        self._items = tuple(items)
        self._cum = tuple(cum)
        self._total = total

    def pick(self, rng: random.Random) -> T:
        i = bisect.bisect_right(self._cum, rng.random() * self._total)
        # random() * total can round up to total itself.
        return self._items[min(i, len(self._items) - 1)]

    @property
    def items(self) -> tuple[T, ...]:
        return self._items


def _check_codes(cod: str, codes: Iterable[str]) -> None:
    lst = codelists.get(cod)
    missing = sorted(c for c in codes if c not in lst.values)
    if missing:
        raise RuntimeError(
            f"codelist {cod} lacks {missing}, which the synthetic data generator relies on"
        )


def _codes(cod: str, weights: Mapping[str, float]) -> _Weighted[str]:
    """A weighted choice among named codes of ``cod`` (each checked against the list)."""
    _check_codes(cod, weights)
    return _Weighted((code, weights[code]) for code in codelists.get(cod).values if code in weights)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _years(n: float) -> dt.timedelta:
    return dt.timedelta(days=round(n * 365.2425))


def _between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A uniform date in ``[lo, hi]``; ``lo`` when the range is empty."""
    span = (hi - lo).days
    return lo if span <= 0 else lo + _days(rng.randint(0, span))


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _born_apart(rng: random.Random, ref: dt.date, years: int) -> dt.date:
    """A birth date about ``years`` after ``ref`` (negative: before), not on its birthday."""
    return ref + _years(years) + _days(rng.randint(-182, 182))


_ASCII_FIX = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "æ": "ae"})


def _ascii(text: str) -> str:
    """Lower-case ASCII letters and digits only, for e-mail local parts."""
    bare = unicodedata.normalize("NFKD", text.translate(_ASCII_FIX))
    return re.sub(r"[^a-z0-9]", "", bare.encode("ascii", "ignore").decode().lower())


# --- names -------------------------------------------------------------------------------

# A given name and the roepnamen people with that name are known by; an empty tuple means
# the name itself. Older generations were baptised Johannes and called Jan, hence aliases.
_Name = tuple[str, tuple[str, ...]]


def _plain(names: str) -> tuple[_Name, ...]:
    return tuple((n, ()) for n in names.split())


_NAMES_1920_MEN: tuple[_Name, ...] = (
    ("Johannes", ("Jan", "Hans", "Johan", "Joop")),
    ("Hendrik", ("Henk", "Hendrik", "Harry")),
    ("Cornelis", ("Kees", "Cor", "Cees")),
    ("Wilhelmus", ("Wim", "Willy", "Willem")),
    ("Jacobus", ("Jaap", "Koos", "Jacques")),
    ("Petrus", ("Piet", "Peter")),
    ("Antonius", ("Toon", "Ton", "Anton")),
    ("Adrianus", ("Adriaan", "Ad", "Janus")),
    ("Theodorus", ("Theo", "Dorus")),
    ("Gerardus", ("Gerard", "Gert", "Gerrit")),
    ("Franciscus", ("Frans", "Sjef")),
    ("Josephus", ("Joop", "Jos", "Sjaak")),
    ("Martinus", ("Martin", "Tinus")),
    ("Bernardus", ("Ben", "Bernard")),
    ("Nicolaas", ("Klaas", "Niek")),
    ("Hermanus", ("Herman", "Harrie")),
    ("Marinus", ("Rinus", "Marinus")),
    ("Lambertus", ("Bert",)),
    ("Everhardus", ("Evert",)),
    *_plain("Jan Pieter Gerrit Willem Dirk Klaas Albert Arie Jacob Hendrikus Teunis Evert Jan"),
)
_NAMES_1920_WOMEN: tuple[_Name, ...] = (
    ("Johanna", ("Jo", "Annie", "Hanna", "Joke")),
    ("Maria", ("Marie", "Mies", "Ria", "Maria")),
    ("Cornelia", ("Corrie", "Nel", "Cor")),
    ("Wilhelmina", ("Mien", "Wil", "Willy")),
    ("Hendrika", ("Riek", "Henny", "Rika")),
    ("Geertruida", ("Truus", "Truida")),
    ("Elisabeth", ("Bep", "Els", "Lies", "Betty")),
    ("Catharina", ("Toos", "Tiny", "Rina")),
    ("Adriana", ("Jaantje", "Adrie", "Ria")),
    ("Anna", ("Anna", "Annie", "An")),
    ("Jacoba", ("Coby", "Co", "Jacoba")),
    ("Petronella", ("Nel", "Nelly", "Pietje")),
    ("Gerarda", ("Gerda", "Gerry")),
    ("Antonia", ("Toos", "Toni")),
    ("Margaretha", ("Greet", "Margriet", "Grietje")),
    ("Helena", ("Leni", "Lenie", "Heleen")),
    ("Alida", ("Alie", "Lida")),
    ("Christina", ("Stien", "Tineke")),
    ("Francisca", ("Cisca", "Fransje")),
    *_plain("Aaltje Grietje Dina Jantje Geertje Trijntje Neeltje Klaziena Hilda Gerda"),
)
_NAMES_1955_MEN: tuple[_Name, ...] = (
    ("Johannes", ("Hans", "Johan", "John")),
    ("Petrus", ("Peter", "Piet")),
    ("Cornelis", ("Kees", "Cor")),
    ("Adrianus", ("Ad", "Arie")),
    *_plain(
        "Peter Hans Gerard Henk Kees Wim Rob Ton Paul Frank René Marcel Erik Johan Jos "
        "Martin Ronald Richard Edwin Patrick Michel André Arjan Marco Jeroen Harm"
    ),
)
_NAMES_1955_WOMEN: tuple[_Name, ...] = (
    ("Maria", ("Ria", "Marja", "Marian")),
    ("Johanna", ("Anneke", "Joke", "Hanneke")),
    *_plain(
        "Anja Monique Ingrid Marja Annemieke Gerda Petra Wilma Marian Yvonne Carla Jolanda "
        "Ellen Karin Sandra José Marjolein Astrid Ilse Miranda Saskia Esther Angelique Hennie"
    ),
)
_NAMES_1980_MEN = _plain(
    "Mark Dennis Kevin Jeroen Martijn Stefan Bas Thomas Tim Niels Rick Mike Sander Joost "
    "Bart Jeffrey Jordy Nick Wouter Roy Joris Jelle Koen Lars Stijn Jasper Tom Ruben"
)
_NAMES_1980_WOMEN = _plain(
    "Linda Kim Sanne Lisa Anouk Iris Marieke Femke Esther Laura Charlotte Manon Naomi "
    "Melissa Romy Demi Kelly Nikki Sophie Lotte Eva Fleur Maaike Inge Anne Denise"
)
_NAMES_2005_MEN = _plain(
    "Daan Sem Lucas Levi Finn Milan Luuk Bram Thijs Jesse Noah Liam Ruben Max Sven Gijs "
    "Mees Jens Julian Stijn"
)
_NAMES_2005_WOMEN = _plain(
    "Emma Julia Sophie Tess Lotte Mila Sara Eva Zoë Fleur Noor Nina Lieke Isa Evi Saar "
    "Anna Roos Lynn Femke"
)
_NAMES_TR_MEN = _plain("Mehmet Mustafa Ahmet Ali Hasan Hüseyin Ismail Emre Yusuf Murat Osman Ömer")
_NAMES_TR_WOMEN = _plain("Fatma Ayşe Emine Hatice Zeynep Elif Hülya Sevgi Gül Meryem Songül")
_NAMES_MA_MEN = _plain(
    "Mohamed Ahmed Abdelkader Mustapha Rachid Youssef Said Hassan Abdellah Driss Mimoun Karim"
)
_NAMES_MA_WOMEN = _plain(
    "Fatima Khadija Aicha Malika Naima Samira Rachida Zohra Hafida Latifa Nadia Saida"
)
_NAMES_UNISEX = _plain("Kim Robin Sam Jo Chris Sasha Noa Jip")

# (voorvoegsel, geslachtsnaam, relative frequency: thousands of bearers, roughly).
_SURNAMES_NL: tuple[tuple[str, str, float], ...] = (
    ("de", "Jong", 86), ("", "Jansen", 75), ("de", "Vries", 73), ("van den", "Berg", 60),
    ("van", "Dijk", 56), ("", "Bakker", 55), ("", "Janssen", 53), ("", "Visser", 49),
    ("", "Smit", 43), ("", "Meijer", 41), ("de", "Boer", 39), ("", "Mulder", 36),
    ("de", "Groot", 36), ("", "Bos", 34), ("", "Vos", 32), ("", "Peters", 32),
    ("", "Hendriks", 31), ("van", "Leeuwen", 30), ("", "Dekker", 29), ("", "Brouwer", 28),
    ("de", "Wit", 27), ("", "Dijkstra", 27), ("", "Smits", 27), ("de", "Graaf", 26),
    ("van der", "Meer", 26), ("van der", "Linden", 25), ("", "Kok", 25), ("", "Jacobs", 24),
    ("de", "Haan", 24), ("", "Vermeulen", 24), ("van den", "Heuvel", 23),
    ("van der", "Veen", 23), ("van den", "Broek", 23), ("de", "Bruijn", 22),
    ("de", "Bruin", 22), ("van der", "Heijden", 22), ("", "Schouten", 22), ("van", "Beek", 21),
    ("", "Willems", 21), ("van", "Vliet", 21), ("van de", "Ven", 20), ("", "Hoekstra", 20),
    ("", "Maas", 20), ("", "Verhoeven", 20), ("", "Koster", 20), ("van", "Dam", 19),
    ("van der", "Wal", 19), ("", "Prins", 19), ("", "Blom", 19), ("", "Huisman", 19),
    ("", "Peeters", 18), ("de", "Jonge", 18), ("", "Kuipers", 18), ("van", "Veen", 17),
    ("", "Post", 17), ("", "Kuiper", 17), ("", "Veenstra", 17), ("", "Kramer", 16),
    ("van den", "Brink", 16), ("", "Scholten", 16), ("van", "Wijk", 16), ("", "Postma", 16),
    ("", "Martens", 15), ("", "Vink", 15), ("de", "Ruiter", 15), ("", "Timmermans", 15),
    ("", "Groen", 15), ("", "Gerritsen", 15), ("", "Jonker", 15), ("van", "Loon", 15),
    ("van der", "Velde", 14), ("", "Willemsen", 14), ("", "Smeets", 14), ("de", "Lange", 14),
    ("de", "Vos", 14), ("", "Bosch", 14), ("van", "Dongen", 13), ("", "Schipper", 13),
    ("de", "Koning", 13), ("van der", "Laan", 13), ("", "Driessen", 13), ("van", "Doorn", 13),
    ("", "Hermans", 13), ("", "Evers", 12), ("van den", "Bosch", 12),
    ("van der", "Meulen", 12), ("", "Hofman", 12), ("", "Bosman", 12), ("", "Wolters", 12),
    ("", "Sanders", 12), ("van der", "Horst", 12), ("", "Mol", 12), ("", "Kuijpers", 12),
    ("", "Molenaar", 12), ("van de", "Pol", 12), ("de", "Leeuw", 12), ("", "Verbeek", 11),
    ("van der", "Zee", 8), ("den", "Hartog", 6), ("ten", "Brink", 4), ("in 't", "Veld", 3),
    ("ter", "Horst", 3), ("van 't", "Hof", 3), ("op de", "Beek", 2),
)  # fmt: skip
_SURNAMES_TR = ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın",
                "Arslan", "Doğan", "Koç", "Kılıç")  # fmt: skip
_SURNAMES_MA = ("El Amrani", "Bouzid", "Benali", "El Idrissi", "Ouali", "Boukhari", "Azzouzi",
                "El Khattabi", "Bakkali", "Ziani", "Tahiri", "Bouali")  # fmt: skip

_NL, _TR, _MA = "nl", "tr", "ma"


def _given_names(origin: str, female: bool, born: int) -> tuple[_Name, ...]:
    if origin == _TR:
        return _NAMES_TR_WOMEN if female else _NAMES_TR_MEN
    if origin == _MA:
        return _NAMES_MA_WOMEN if female else _NAMES_MA_MEN
    if born < 1952:
        return _NAMES_1920_WOMEN if female else _NAMES_1920_MEN
    if born < 1978:
        return _NAMES_1955_WOMEN if female else _NAMES_1955_MEN
    if born < 2004:
        return _NAMES_1980_WOMEN if female else _NAMES_1980_MEN
    return _NAMES_2005_WOMEN if female else _NAMES_2005_MEN


# --- places ------------------------------------------------------------------------------

# Inhabitants (in 10,000s), PC4 range and netnummer of the largest gemeenten. Others weigh
# _DEFAULT_WEIGHT (about the median gemeente) and take the PC4 range of their region.
_BIG_GEMEENTEN: Mapping[str, tuple[float, int, int, str]] = {
    "0363": (93, 1011, 1109, "020"), "0599": (66, 3011, 3089, "010"),
    "0518": (56, 2491, 2597, "070"), "0344": (37, 3511, 3585, "030"),
    "0772": (24, 5611, 5658, "040"), "0014": (24, 9711, 9747, "050"),
    "0855": (23, 5011, 5049, "013"), "0034": (22, 1311, 1363, "036"),
    "0758": (19, 4811, 4845, "076"), "0268": (18, 6511, 6546, "024"),
    "0200": (17, 7311, 7339, "055"), "0202": (17, 6811, 6846, "026"),
    "0392": (16, 2011, 2037, "023"), "0394": (16, 2131, 2158, "023"),
    "0153": (16, 7511, 7548, "053"), "0307": (16, 3811, 3829, "033"),
    "0479": (16, 1501, 1567, "075"), "0796": (16, 5211, 5249, "073"),
    "0193": (13, 8011, 8048, "038"), "0546": (13, 2311, 2334, "071"),
    "0637": (13, 2711, 2729, "079"), "0080": (13, 8911, 8941, "058"),
    "0935": (12, 6211, 6229, "043"), "0505": (12, 3311, 3329, "078"),
    "0228": (12, 6711, 6718, "0318"), "1783": (11, 2671, 2695, "0174"),
    "0361": (11, 1811, 1834, "072"), "0114": (11, 7811, 7891, "0591"),
    "0983": (10, 5911, 5944, "077"), "0503": (10, 2611, 2629, "015"),
    "0150": (10, 7411, 7431, "0570"), "1883": (9, 6131, 6166, "046"),
    "0794": (9, 5701, 5709, "0492"), "0917": (9, 6411, 6422, "045"),
    "0402": (9, 1211, 1223, "035"), "0828": (9, 5341, 5349, "0412"),
    "0362": (9, 1181, 1189, "020"), "0439": (9, 1441, 1448, "0299"),
}  # fmt: skip
_DEFAULT_WEIGHT = 3.5

# PC4 range and netnummers per zorgkantoorregio, for gemeenten not in _BIG_GEMEENTEN.
_REGIO_PLACES: Mapping[str, tuple[int, int, tuple[str, ...]]] = {
    "01": (9300, 9999, ("050", "0595", "0596", "0597", "0598", "0599")),
    "02": (8400, 9299, ("058", "0511", "0513", "0515", "0517", "0519")),
    "03": (7740, 7999, ("0591", "0592", "0593", "0528", "0521")),
    "04": (7700, 8299, ("038", "0523", "0524", "0529", "0572")),
    "05": (7480, 7699, ("053", "074", "0546", "0541", "0547")),
    "06": (7200, 7399, ("055", "0575", "0573", "0578")),
    "07": (6700, 7199, ("026", "0318", "0314", "0313", "0315")),
    "08": (6500, 6699, ("024", "0481", "0487", "0488")),
    "09": (3400, 3999, ("030", "033", "0343", "0346", "0348")),
    "10": (8200, 8399, ("0320", "0321", "0527")),
    "11": (1200, 1299, ("035", "036", "0294")),
    "12": (1600, 1899, ("072", "0229", "0223", "0226", "0227")),
    "13": (1940, 2099, ("023", "0251", "0255")),
    "14": (1440, 1569, ("075", "0299")),
    "15": (1000, 1109, ("020",)),
    "16": (1420, 1439, ("020", "0297")),
    "17": (2200, 2399, ("071", "0252", "0172")),
    "18": (2240, 2299, ("070",)),
    "19": (2600, 2699, ("015", "0174", "010")),
    "20": (2800, 2899, ("0182", "0180", "0172")),
    "21": (2900, 3099, ("010", "0180")),
    "22": (3100, 3149, ("010",)),
    "23": (3200, 3299, ("0181", "0186", "0187")),
    "24": (4200, 4299, ("078", "0183", "0184")),
    "25": (4300, 4599, ("0118", "0113", "0114", "0115", "0111")),
    "26": (4600, 4899, ("0164", "0165", "076", "0162", "0168")),
    "27": (5000, 5099, ("013", "0416", "0411")),
    "28": (5200, 5499, ("073", "0412", "0413", "0485", "0486")),
    "29": (5500, 5799, ("040", "0492", "0497", "0499")),
    "30": (5800, 6099, ("077", "0475", "0478", "0495")),
    "31": (6100, 6499, ("043", "045", "046")),
    "32": (7430, 7479, ("0570", "0572", "0571")),
}
_FALLBACK_PLACE: tuple[int, int, tuple[str, ...]] = (1000, 9999, ("0",))

_STREETS = (
    "Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Hoofdstraat", "Stationsweg",
    "Nieuwstraat", "Julianastraat", "Beatrixstraat", "Wilhelminastraat", "Emmastraat",
    "Oranjestraat", "Prins Bernhardstraat", "Marktstraat", "Kastanjelaan", "Eikenlaan",
    "Beukenlaan", "Lindenlaan", "Berkenlaan", "Rozenstraat", "Tulpstraat", "Sportlaan",
    "Parkweg", "Rembrandtlaan", "Vondelstraat", "Mozartlaan", "Spoorstraat", "Industrieweg",
    "Zuiderweg", "Noordeinde", "Achterweg", "Kanaalweg", "Dijkstraat", "Havenstraat",
    "Slotlaan", "Van Goghstraat", "Thorbeckestraat", "Graaf Florisstraat", "Esdoornlaan",
    "Merelstraat", "Lijsterstraat", "Zwanenlaan", "Burg. de Withstraat", "Kloosterstraat",
    "Populierenlaan", "Meidoornstraat", "Weverstraat", "Smidsstraat", "Veldweg", "Brink",
)  # fmt: skip
_INSTELLING_STREETS = (
    "Zorgvlied", "Bethesdalaan", "Vreedenhoflaan", "Rustenburgweg", "Zonnehuislaan",
    "De Wiekslag", "Huize Avondrust", "Hof van Eden", "Parkhof", "Lindehof", "De Schakel",
    "Kloosterhof", "Het Baken", "Zorgpark", "Weidevogellaan", "Dr. Schaepmanlaan",
)  # fmt: skip
# Reserved domains (RFC 2606): synthetic addresses must never reach a real mailbox.
_EMAIL_DOMAINS = _Weighted(
    (d, w)
    for d, w in (
        ("voorbeeld.example", 30), ("example.com", 30), ("example.org", 20), ("example.net", 20),
    )
)  # fmt: skip
_TOLK_TALEN = {_TR: ("Turks",), _MA: ("Arabisch", "Tamazight")}


@dataclass(frozen=True)
class _Place:
    gemeente: regio.Gemeente
    uzovi: str
    pc4_lo: int
    pc4_hi: int
    netnummers: tuple[str, ...]


@dataclass(frozen=True)
class _Instelling:
    agb: str
    straat: str
    huisnummer: int
    postcode: str


_POSTCODE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NOT_ISSUED = frozenset({"SA", "SD", "SS"})


def _postcode(rng: random.Random, place: _Place) -> str:
    # Non-big gemeenten get a stable sub-range of their region, so one gemeente's clients
    # share PC4s instead of being spread over the whole region.
    if place.gemeente.code in _BIG_GEMEENTEN:
        pc4 = rng.randint(place.pc4_lo, place.pc4_hi)
    else:
        width = place.pc4_hi - place.pc4_lo + 1
        base = place.pc4_lo + zlib.crc32(place.gemeente.code.encode()) % max(width - 10, 1)
        pc4 = min(base + rng.randint(0, 9), place.pc4_hi)
    while True:
        letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        if letters not in _NOT_ISSUED:
            return f"{pc4}{letters}"


@functools.cache
def _instelling(place: _Place, soort: str, k: int) -> _Instelling:
    """Instelling ``k`` of one kind in one gemeente: the same for every client and seed."""
    rng = random.Random(f"instelling:{place.gemeente.code}:{soort}:{k}")
    # Synthetic AGB codes; the fixed prefix per kind only keeps the kinds apart.
    prefix = {"vvt": "73", "gz": "41", "ggz": "06"}[soort]
    return _Instelling(
        agb=prefix + f"{rng.randrange(1_000_000):06d}",
        straat=rng.choice(_INSTELLING_STREETS),
        huisnummer=rng.randint(1, 250),
        postcode=_postcode(rng, place),
    )


# --- sectors -----------------------------------------------------------------------------

_ZZP_NAME = re.compile(r"^(\d+)(VV|VG|LVG|LG|ZGvis|ZGaud|GGZ B|GGZ W):")

# COD736 grondslagen.
_SOM, _PG, _PSY, _LICH, _VERST, _ZINTUIG = "01", "02", "03", "04", "05", "06"


@dataclass(frozen=True)
class _Zzp:
    code: str
    family: str
    level: int


@dataclass(frozen=True)
class _SectorSpec:
    key: str
    share: float
    levels: Mapping[str, Mapping[int, float]]  # ZZP family -> level -> weight
    grondslag: str
    extra_grondslag: Mapping[str, float]  # "" = no second grondslag
    female: float
    instelling: str
    beperking: Mapping[str, float]  # COD539 categorie -> weight
    stoornis_vragen: tuple[str, ...]  # COD824 group prefixes
    wzd: float


_SECTOR_SPECS = (
    _SectorSpec(
        "VV_PG", 0.35, {"VV": {4: 2, 5: 30, 6: 3, 7: 8}}, _PG, {"": 5, _SOM: 4, _PSY: 1},
        0.64, "vvt", {"1": 5, "2": 3, "3": 5, "4": 3, "5": 3}, ("01", "02", "04", "06"), 0.5,
    ),
    _SectorSpec(
        "VV_SOM", 0.27,
        {"VV": {1: 0.3, 2: 0.5, 3: 1, 4: 6, 6: 20, 8: 5, 9: 2, 10: 4}},
        _SOM, {"": 6, _LICH: 2, _PG: 2}, 0.62, "vvt",
        {"1": 2, "2": 5, "3": 5, "4": 4, "5": 2}, ("02", "03", "06"), 0.0,
    ),
    _SectorSpec(
        "VG", 0.22, {"VG": {1: 0.3, 2: 1, 3: 4, 4: 5, 5: 5, 6: 6, 7: 3, 8: 2}}, _VERST,
        {"": 6, _LICH: 1.5, _PSY: 1.5, _ZINTUIG: 1}, 0.42, "gz",
        {"1": 5, "2": 2, "3": 4, "4": 3, "5": 4, "6": 2}, ("01", "02", "04"), 0.35,
    ),
    _SectorSpec(
        "LVG", 0.03, {"LVG": {1: 2, 2: 3, 3: 3, 4: 2, 5: 1}}, _VERST, {"": 5, _PSY: 3},
        0.35, "gz", {"1": 5, "2": 0.5, "3": 1, "4": 2, "5": 5, "6": 4}, ("02", "04", "05", "06"),
        0.1,
    ),
    _SectorSpec(
        "GGZ", 0.06,
        {"GGZ B": {1: 1, 2: 2, 3: 3, 4: 3, 5: 3, 6: 2, 7: 0.5},
         "GGZ W": {1: 2, 2: 1.5, 3: 1.5, 4: 0.8, 5: 0.2}},
        _PSY, {"": 6, _SOM: 2, _VERST: 1}, 0.4, "ggz",
        {"1": 5, "2": 1, "3": 3, "4": 3, "5": 5, "6": 2}, ("02", "04", "05", "06"), 0.0,
    ),
    _SectorSpec(
        "LG", 0.05, {"LG": {1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 6: 4, 7: 2}}, _LICH,
        {"": 6, _SOM: 3}, 0.5, "gz", {"1": 2, "2": 5, "3": 5, "4": 3, "5": 2, "6": 1},
        ("03", "06"), 0.0,
    ),
    _SectorSpec(
        "ZG_VIS", 0.01, {"ZGvis": {1: 1, 2: 2, 3: 3, 4: 2, 5: 1}}, _ZINTUIG,
        {"": 6, _VERST: 1, _SOM: 1}, 0.5, "gz",
        {"1": 4, "2": 4, "3": 2, "4": 3, "5": 3, "6": 1}, ("01", "02", "06"), 0.0,
    ),
    _SectorSpec(
        "ZG_AUD", 0.01, {"ZGaud": {1: 1, 2: 3, 3: 2, 4: 1}}, _ZINTUIG,
        {"": 6, _VERST: 1, _PSY: 1}, 0.5, "gz",
        {"1": 5, "2": 1, "3": 1, "4": 2, "5": 5, "6": 2}, ("02", "04", "06"), 0.0,
    ),
)  # fmt: skip


def _age(sector: str, rng: random.Random) -> int:
    if sector in ("VV_PG", "VV_SOM"):
        if _chance(rng, 0.02):  # young-onset dementia, early chronic illness
            return rng.randint(50, 64)
        return int(rng.triangular(65, 102, 87))
    if sector == "VG":
        return rng.randint(3, 17) if _chance(rng, 0.08) else int(rng.triangular(18, 80, 35))
    if sector == "LVG":
        return rng.randint(12, 17) if _chance(rng, 0.45) else rng.randint(18, 26)
    if sector == "GGZ":
        return int(rng.triangular(18, 80, 50))
    if sector == "LG":
        return int(rng.triangular(18, 80, 55))
    return int(rng.triangular(18, 85, 55))


# ICD-10 diagnoses per grondslag. A stoornis does not carry the diagnosis itself: with
# DiagnoseCodelijst 014 (ICD-10) or 019 (DSM-IV) its ZiektebeeldStoornis is a COD923 code
# 01-21, which the generator reads as the ICD-10 chapter of the diagnosis (_hoofdstuk), and
# its DiagnoseSubcodelijst says which aandoening it is (014: 04-06) or the DSM axis (019:
# 07-11); the rules check exactly that (CS012, CS014).
_ICD10: Mapping[str, tuple[str, ...]] = {
    _SOM: ("I63.9", "I50.9", "J44.9", "C34.9", "E11.9", "M17.9", "N18.5", "I69.4", "G20",
           "C50.9", "S72.0", "M80.9"),
    _PG: ("F00.1", "F00.9", "F01.9", "F03", "G30.1", "F02.3", "G30.9"),
    _PSY: ("F20.0", "F25.0", "F31.9", "F33.2", "F60.3", "F10.2", "F84.0", "F20.5"),
    _LICH: ("G80.9", "G35", "G12.2", "T91.3", "G71.0", "I69.4", "Q05.9", "G82.2"),
    _VERST: ("F70", "F71", "F72", "F73", "F79", "Q90.9", "Q99.2", "F84.0"),
    _ZINTUIG: ("H54.0", "H54.1", "H35.3", "H40.9", "H90.3", "H90.5", "H91.9"),
}  # fmt: skip
_ICD10_ZG = {"ZG_VIS": ("H54.0", "H54.1", "H35.3", "H40.9"), "ZG_AUD": ("H90.3", "H90.5", "H91.9")}
# DSM-IV codes and their axis (COD770 "07" As I, "08" As II), used for some GGZ stoornissen.
_DSM4 = (("295.30", "07"), ("295.70", "07"), ("296.34", "07"), ("301.83", "08"),
         ("303.90", "07"), ("299.00", "07"))  # fmt: skip
# The aandoeningen of one indication numbered in DiagnoseSubcodelijst (COD770 04, 05, 06).
_AANDOENING = ("04", "05", "06")
# ICD-10 chapters by the first character of a code and, where one letter spans two chapters,
# the first code of the second one (D50, H60).
_HOOFDSTUKKEN: Mapping[str, tuple[tuple[str, int], ...]] = {
    "A": (("", 1),), "B": (("", 1),), "C": (("", 2),), "D": (("", 2), ("D50", 3)),
    "E": (("", 4),), "F": (("", 5),), "G": (("", 6),), "H": (("", 7), ("H60", 8)),
    "I": (("", 9),), "J": (("", 10),), "K": (("", 11),), "L": (("", 12),), "M": (("", 13),),
    "N": (("", 14),), "O": (("", 15),), "P": (("", 16),), "Q": (("", 17),), "R": (("", 18),),
    "S": (("", 19),), "T": (("", 19),), "V": (("", 20),), "W": (("", 20),), "X": (("", 20),),
    "Y": (("", 20),), "Z": (("", 21),),
}  # fmt: skip
# Functional lists instead of a diagnosis, for the sectors that assess one (COD392 022 IQ,
# 023 visual, 024 auditory with their subcodelijst 12/13, 021 ICF with 03 fysiek): named
# code, subcodelijst and the ZiektebeeldStoornis values CS012 allows that fit the sector.
_FUNCTIELIJSTEN: Mapping[tuple[str, str], tuple[str, str | None, tuple[str, ...]]] = {
    ("VG", _VERST): ("iq", None, ("b117.1", "b117.2", "b117.3", "b117.4")),
    ("LVG", _VERST): ("iq", None, ("b117.1",)),
    ("ZG_VIS", _ZINTUIG): ("visueel", "12", ("b210.2", "b210.3", "b210.4")),
    ("ZG_AUD", _ZINTUIG): ("auditief", "13", ("b230.2", "b230.3", "b230.4")),
    ("LG", _LICH): ("icf", "03", ("b710", "b715", "b760", "b765")),
}


def _hoofdstuk(icd10: str) -> str:
    """The ICD-10 chapter (01-21) of a diagnosis code; DSM-IV codes are chapter V (05)."""
    if icd10[0].isdigit():
        return "05"
    nummer = 0
    for vanaf, hoofdstuk in _HOOFDSTUKKEN[icd10[0]]:
        if icd10 >= vanaf:
            nummer = hoofdstuk
    return f"{nummer:02d}"


@dataclass(frozen=True)
class _Sector:
    spec: _SectorSpec
    zzp: _Weighted[_Zzp]
    next_zzp: Mapping[str, str]  # code -> code of the next heavier level in the family
    extra_grondslag: _Weighted[str]
    beperking: _Weighted[str]
    stoornis_vragen: tuple[str, ...]


# --- the world: all tables, built once ---------------------------------------------------


@dataclass(frozen=True)
class _World:
    places: _Weighted[_Place]
    by_regio: Mapping[str, tuple[_Place, ...]]
    sectors: _Weighted[_Sector]
    surnames_nl: _Weighted[tuple[str, str]]
    vragen_825: Mapping[str, tuple[str, ...]]  # COD539 categorie -> its COD825 questions
    duur: _Weighted[str]
    beperking_score: _Weighted[str]
    stoornis_score: _Weighted[str]
    prognose: _Weighted[str]
    wzd: _Weighted[str]
    voorkeur_thuis: _Weighted[str]
    voorkeur_verblijf: _Weighted[str]
    soort_volwassen: _Weighted[str]
    soort_jeugd: _Weighted[str]
    financiering: _Weighted[str]
    staat: Mapping[str, _Weighted[str]]  # COD366 by stage of life, see _staat
    code: Mapping[str, str]  # named single codes, all checked


# COD366 burgerlijke staat weights by stage of life. The messages refuse 3 and 6 (divorced,
# CS035): a divorced client is 9, unmarried but possibly married before (3 + 6 + old 9).
_STAAT_OUD = {"2": 30, "4": 45, "1": 7, "5": 3, "7": 2, "9": 13}
_STAAT_VOLWASSEN = {"2": 40, "1": 33, "5": 8, "4": 3, "9": 16}
_STAAT_GGZ = {"1": 55, "2": 14, "5": 5, "9": 26}
_STAAT_VG = {"1": 92, "2": 3, "9": 5}

# Named codes; each is checked against its codelist when the world is built.
_NAMED: Mapping[str, tuple[str, str]] = {
    "ja": ("COD260", "1"),
    "nee": ("COD260", "2"),
    "man": ("COD046", "1"),
    "vrouw": ("COD046", "2"),
    "onbekend": ("COD046", "0"),
    "eigen_naam": ("COD700", "1"),
    "brp": ("COD757", "01"),
    "correspondentie": ("COD757", "02"),
    "verblijf": ("COD757", "03"),
    "nl": ("COD032", "NL"),
    "icd10": ("COD392", "014"),
    "dsm4": ("COD392", "019"),
    "icf": ("COD392", "021"),
    "iq": ("COD392", "022"),
    "visueel": ("COD392", "023"),
    "auditief": ("COD392", "024"),
    "wzd_art21": ("COD127", "1"),
    "tolk": ("COD747", "1"),
    "doventolk": ("COD747", "2"),
    "alleen": ("COD478", "1"),
    "bij_ouders": ("COD478", "2"),
    "met_partner": ("COD478", "3"),
    "gezin": ("COD478", "4"),
    "eenouder": ("COD478", "5"),
    "meerpersoons": ("COD478", "6"),
    "instelling": ("COD478", "7"),
    "leef_onbekend": ("COD478", "9"),
    "dag_onbekend": ("COD170", "1"),
    "datum_jaar": ("COD170", "2"),
    "curator": ("COD472", "03"),
    "hulpverlener": ("COD472", "07"),
    "ouder": ("COD472", "10"),
    "voogd": ("COD472", "11"),
    "partner": ("COD472", "12"),
    "bewindvoerder": ("COD472", "14"),
    "mentor": ("COD472", "15"),
    "kind": ("COD472", "16"),
    "familielid": ("COD472", "17"),
    "buur": ("COD472", "19"),
    "vriend": ("COD472", "20"),
    "clientondersteuner": ("COD472", "21"),
}


def _zzps() -> dict[str, dict[int, str]]:
    """ZZP family -> level -> code, read from the COD163 descriptions ("5VV: ...")."""
    families: dict[str, dict[int, str]] = {}
    for code, description in codelists.get("COD163").values.items():
        m = _ZZP_NAME.match(description)
        if m is not None:
            families.setdefault(m.group(2), {})[int(m.group(1))] = code
    return families


def zzp_family(code: str) -> str | None:
    """The ZZP family (``VV``, ``VG``, ``LVG``, ``LG``, ``ZGvis``, ``ZGaud``, ``GGZ B``…)."""
    m = _ZZP_NAME.match(codelists.get("COD163").values.get(code, ""))
    return m.group(2) if m else None


@functools.cache
def _world() -> _World:
    for cod, code in _NAMED.values():
        _check_codes(cod, [code])
    _check_codes("COD770", {axis for _code, axis in _DSM4})
    _check_codes("COD770", [*_AANDOENING, *(s for _n, s, _b in _FUNCTIELIJSTEN.values() if s)])
    _check_codes("COD736", _ICD10)
    gemeenten = regio.gemeenten()
    places: list[tuple[_Place, float]] = []
    by_regio: dict[str, list[_Place]] = {}
    for gm in gemeenten:
        big = _BIG_GEMEENTEN.get(gm.code)
        if big is not None:
            weight, lo, hi, net = big
            place = _Place(gm, regio.zorgkantoor_voor_gemeente(gm.code).uzovi, lo, hi, (net,))
        else:
            lo, hi, nets = _REGIO_PLACES.get(gm.regio_code, _FALLBACK_PLACE)
            weight = _DEFAULT_WEIGHT
            place = _Place(gm, regio.zorgkantoor_voor_gemeente(gm.code).uzovi, lo, hi, nets)
        places.append((place, weight))
        by_regio.setdefault(gm.regio_code, []).append(place)

    families = _zzps()
    sectors: list[tuple[_Sector, float]] = []
    for spec in _SECTOR_SPECS:
        options: list[tuple[_Zzp, float]] = []
        following: dict[str, str] = {}
        for family, levels in spec.levels.items():
            codes = families.get(family, {})
            missing = sorted(set(levels) - set(codes))
            if missing:
                raise RuntimeError(f"COD163 has no {family} ZZP for level(s) {missing}")
            options.extend((_Zzp(codes[lvl], family, lvl), w) for lvl, w in levels.items())
            following.update(
                {codes[lvl]: codes[lvl + 1] for lvl in codes if lvl + 1 in codes and lvl in levels}
            )
        extra = {k: v for k, v in spec.extra_grondslag.items() if k}
        _check_codes("COD736", [spec.grondslag, *extra])
        sector = _Sector(
            spec=spec,
            zzp=_Weighted(options),
            next_zzp=following,
            extra_grondslag=_Weighted(spec.extra_grondslag.items()),
            beperking=_codes("COD539", spec.beperking),
            stoornis_vragen=tuple(
                c for c in codelists.get("COD824").values if c[:2] in spec.stoornis_vragen
            ),
        )
        if not sector.stoornis_vragen:
            raise RuntimeError(f"COD824 has no questions in groups {spec.stoornis_vragen}")
        sectors.append((sector, spec.share))

    vragen: dict[str, tuple[str, ...]] = {}
    questions = tuple(codelists.get("COD825").values)
    for categorie in codelists.get("COD539").values:
        # COD825 question codes start with their category, zero-padded ("0301" is in "3").
        vragen[categorie] = tuple(q for q in questions if q[:2] == categorie.zfill(2))

    return _World(
        places=_Weighted(places),
        by_regio={k: tuple(v) for k, v in by_regio.items()},
        sectors=_Weighted(sectors),
        surnames_nl=_Weighted(((vv, naam), w) for vv, naam, w in _SURNAMES_NL),
        vragen_825=vragen,
        duur=_codes("COD749", {"4": 92, "3": 6, "2": 2}),
        beperking_score=_codes("COD828", {"0": 0.7, "1": 2, "2": 4, "3": 4, "9": 0.2}),
        stoornis_score=_codes("COD827", {"0": 0.5, "1": 3, "2": 4, "3": 2.5, "9": 0.3}),
        prognose=_codes("COD737", {"2": 0.3, "3": 5, "4": 4, "5": 1}),
        wzd=_codes("COD127", {"3": 5, "4": 2, "2": 2, "1": 0.5, "9": 0.5}),
        voorkeur_thuis=_codes(
            "COD999",
            {"4": 30, "5": 15, "7": 12, "2": 10, "6": 3, "8": 2, "9": 2, "10": 2, "3": 3},
        ),
        voorkeur_verblijf=_codes("COD999", {"4": 9, "9": 1}),
        soort_volwassen=_codes("COD169", {"1": 995, "4": 5}),
        # Since the Wlz (2015) the CIZ indicates children too: the BJZ kinds 2 and 3 are
        # history, and the messages allow only 1 and 4 (CS113).
        soort_jeugd=_codes("COD169", {"1": 995, "4": 5}),
        financiering=_codes("COD998", {"1": 99, "2": 1}),
        staat=_staat_tables(),
        code={name: code for name, (_cod, code) in _NAMED.items()},
    )


# --- unique identifiers from the index ---------------------------------------------------

# A valid BSN is 7 free leading digits (first not 0), an 8th digit and the check digit.
# For each 7-digit prefix at least 9 of the 10 possible 8th digits give a check digit 0-9,
# so index -> (prefix, 9 slots) reaches MAX_CLIENTS distinct BSNs without collisions.
_BSN_PREFIXES = 9_000_000
MAX_CLIENTS = _BSN_PREFIXES * 9
_BESLUIT_MAX = 999_999_999


@functools.cache
def _affine(label: str, seed: int, modulus: int) -> tuple[int, int]:
    """``(a, b)`` with ``a`` coprime to ``modulus``: ``i -> (a*i + b) % modulus`` permutes."""
    rng = random.Random(f"{label}:{seed}")
    b = rng.randrange(modulus)
    while True:
        a = rng.randrange(modulus // 10, modulus)
        if math.gcd(a, modulus) == 1:
            return a, b


def _bsn(seed: int, index: int) -> str:
    a, b = _affine("bsn", seed, MAX_CLIENTS)
    j = (a * index + b) % MAX_CLIENTS
    head = str(1_000_000 + j // 9)
    slot = j % 9
    partial = sum(int(d) * w for d, w in zip(head, (9, 8, 7, 6, 5, 4, 3), strict=True))
    for d8 in range(10):
        check = (partial + 2 * d8) % 11
        if check == 10:
            continue
        if slot == 0:
            return f"{head}{d8}{check}"
        slot -= 1
    raise AssertionError("unreachable: every prefix has at least 9 valid BSNs")


def _besluitnummer(seed: int, index: int) -> int:
    a, b = _affine("besluit", seed, _BESLUIT_MAX)
    return (a * index + b) % _BESLUIT_MAX + 1


# --- people ------------------------------------------------------------------------------


@dataclass
class _Person:
    geslacht: str
    female: bool
    origin: str
    geboren: dt.date
    voornamen: str
    roepnaam: str
    voorletters: str
    voorvoegsel: str
    naam: str


def _surname(rng: random.Random, w: _World, origin: str) -> tuple[str, str]:
    if origin == _TR:
        return "", rng.choice(_SURNAMES_TR)
    if origin == _MA:
        return "", rng.choice(_SURNAMES_MA)
    return w.surnames_nl.pick(rng)


def _person(
    rng: random.Random,
    w: _World,
    *,
    female: bool,
    geboren: dt.date,
    origin: str,
    surname: tuple[str, str] | None = None,
    unknown_sex: bool = False,
) -> _Person:
    pool = _NAMES_UNISEX if unknown_sex else _given_names(origin, female, geboren.year)
    r = rng.random()
    if origin != _NL:
        count = 1 if r < 0.7 else 2
    elif geboren.year < 1952:
        count = 1 if r < 0.2 else 2 if r < 0.7 else 3
    elif geboren.year < 2004:
        count = 1 if r < 0.4 else 2 if r < 0.85 else 3
    else:
        count = 1 if r < 0.55 else 2 if r < 0.95 else 3
    chosen: list[_Name] = []
    for _ in range(count * 3):
        name = rng.choice(pool)
        if all(name[0] != c[0] for c in chosen):
            chosen.append(name)
            if len(chosen) == count:
                break
    first, aliases = chosen[0]
    voornamen = " ".join(n for n, _a in chosen)
    geslacht = w.code["onbekend"] if unknown_sex else w.code["vrouw" if female else "man"]
    vv, naam = surname if surname is not None else _surname(rng, w, origin)
    return _Person(
        geslacht=geslacht,
        female=female,
        origin=origin,
        geboren=geboren,
        voornamen=voornamen,
        roepnaam=rng.choice(aliases) if aliases else first,
        voorletters="".join(n[0].upper() for n, _a in chosen),
        voorvoegsel=vv,
        naam=naam,
    )


def _name_fields(p: _Person) -> dict[str, Any]:
    out: dict[str, Any] = {"geslachtsnaam": p.naam}
    if p.voorvoegsel:
        out["voorvoegselGeslachtsnaam"] = p.voorvoegsel
    return out


# --- contact data ------------------------------------------------------------------------


def _adres(
    rng: random.Random,
    soort: str,
    place: _Place,
    ingang: dt.date,
    *,
    eind: dt.date | None = None,
    instelling: _Instelling | None = None,
) -> dict[str, Any]:
    a: dict[str, Any] = {"adresID": _uuid(rng), "adresSoort": soort}
    if instelling is not None:
        a["straatnaam"] = instelling.straat
        a["huisnummer"] = instelling.huisnummer
        a["postcode"] = instelling.postcode
    else:
        a["straatnaam"] = rng.choice(_STREETS)
        # Most house numbers are small; a few streets run into the hundreds.
        a["huisnummer"] = min(int(rng.lognormvariate(3.0, 1.0)) + 1, 400)
        r = rng.random()
        if r < 0.07:
            a["huisletter"] = rng.choice("ABCD")
        elif r < 0.12:
            a["huisnummerToevoeging"] = rng.choice(("1", "2", "3", "hs", "bis", "II"))
        a["postcode"] = _postcode(rng, place)
    a["plaatsnaam"] = place.gemeente.naam
    a["landCode"] = _NAMED["nl"][1]
    a["ingangsdatum"] = ingang
    if eind is not None:
        a["einddatum"] = eind
    a["gemeentecode"] = place.gemeente.code
    return a


def _telefoonnummer(rng: random.Random, place: _Place, mobiel: bool) -> str:
    if mobiel:
        return f"06{rng.randint(10_000_000, 59_999_999)}"
    net = rng.choice(place.netnummers)
    if len(net) < 3:  # fallback region without a known netnummer
        net = f"0{rng.randint(11, 59)}"
    rest = 10 - len(net)
    return net + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rest - 1))


def _telefoon(rng: random.Random, nummer: str, ingang: dt.date) -> dict[str, Any]:
    return {
        "contactGegevensID": _uuid(rng),
        "telefoon": {"telefoonID": _uuid(rng), "telefoonnummer": nummer, "ingangsdatum": ingang},
    }


def _email(rng: random.Random, p: _Person, ingang: dt.date) -> dict[str, Any]:
    voor, achter = _ascii(p.roepnaam), _ascii(p.voorvoegsel + p.naam)
    r = rng.random()
    if r < 0.4:
        local = f"{voor}.{achter}"
    elif r < 0.7:
        local = f"{voor}{achter}{p.geboren.year % 100:02d}"
    else:
        local = f"{_ascii(p.voorletters)}.{achter}"
    adres = f"{local}@{_EMAIL_DOMAINS.pick(rng)}"
    return {
        "contactGegevensID": _uuid(rng),
        "email": {"emailID": _uuid(rng), "emailadres": adres, "ingangsdatum": ingang},
    }


# --- one client --------------------------------------------------------------------------


@dataclass
class _Ctx:
    """What the parts of one client need to agree on."""

    rng: random.Random
    w: _World
    today: dt.date
    sector: _Sector
    client: _Person
    age: int
    place: _Place
    afgifte: dt.date
    ingang: dt.date
    eind: dt.date | None
    staat: str
    partner: _Person | None  # the (possibly late) partner whose name is partnernaam
    thuisadres: dict[str, Any]
    verblijf: bool


def _birth(rng: random.Random, today: dt.date, age: int) -> dt.date:
    return today - _days(int((age + rng.random()) * 365.2425)) - _days(1)


def _staat_tables() -> dict[str, _Weighted[str]]:
    tables = {
        "kind": _codes("COD366", {"1": 1}),
        "vg": _codes("COD366", _STAAT_VG),
        "ggz": _codes("COD366", _STAAT_GGZ),
        "volwassen": _codes("COD366", _STAAT_VOLWASSEN),
    }
    for female in (False, True):
        for very_old in (False, True):
            table: dict[str, float] = dict(_STAAT_OUD)
            # Women outlive their husbands: more widows, fewer wives.
            if female:
                table["4"] *= 1.5
                table["2"] *= 0.7
            if very_old:
                table["4"] *= 1.5
            tables[f"oud:{female}:{very_old}"] = _codes("COD366", table)
    return tables


def _staat(rng: random.Random, w: _World, sector: str, age: int, female: bool) -> str:
    if age < 18:
        table = w.staat["kind"]
    elif sector in ("VG", "LVG"):
        table = w.staat["vg"]
    elif sector == "GGZ":
        table = w.staat["ggz"]
    elif age >= 65:
        table = w.staat[f"oud:{female}:{age >= 85}"]
    else:
        table = w.staat["volwassen"]
    return table.pick(rng)


def _naamgebruik(rng: random.Random, p: _Person, has_partner: bool) -> str:
    if not has_partner:
        return "1"
    r = rng.random()
    if p.female and p.geboren.year < 1960:
        return "1" if r < 0.25 else "2" if r < 0.5 else "3" if r < 0.9 else "4"
    if p.female:
        return "1" if r < 0.7 else "2" if r < 0.8 else "3" if r < 0.9 else "4"
    return "1" if r < 0.97 else "4"


def _build(seed: int, index: int, today: dt.date) -> SyntheticClient:
    w = _world()
    rng = random.Random(f"{seed}:{index}")
    sector = w.sectors.pick(rng)
    key = sector.spec.key
    age = _age(key, rng)
    geboren = _birth(rng, today, age)
    r = rng.random()
    origin = _NL if r < (0.94 if age >= 65 else 0.88) else _TR if r < 0.97 else _MA
    unknown_sex = _chance(rng, 0.002)
    female = _chance(rng, sector.spec.female)
    client = _person(rng, w, female=female, geboren=geboren, origin=origin, unknown_sex=unknown_sex)
    staat = _staat(rng, w, key, age, female)

    # Indication dates. Elderly clients' indications are younger on average (they live
    # shorter with one), so half of theirs fall in the last two years.
    earliest = max(today - _years(5), geboren + _years(1))
    if key.startswith("VV") and _chance(rng, 0.5):
        earliest = max(earliest, today - _years(2))
    afgifte = _between(rng, earliest, today)
    ingang = afgifte if _chance(rng, 0.7) else afgifte + _days(rng.randint(1, 14))
    eind: dt.date | None = None
    if key == "LVG" and _chance(rng, 0.7):  # LVG indications are usually time-limited
        eind = ingang + _years(rng.randint(1, 3)) - _days(1)
    elif _chance(rng, 0.02):
        eind = ingang + _days(rng.randint(180, 1100))

    place = w.places.pick(rng)
    verblijf = ingang < today and _chance(rng, 0.2)
    has_partner_name = staat in ("2", "4", "5", "7")
    partner: _Person | None = None
    if has_partner_name:
        same_sex = _chance(rng, 0.03)
        pf = female if same_sex else not female
        # Husbands tend to be a few years older than their wives.
        gap = rng.randint(-7, 2) if pf else rng.randint(-2, 7)
        pborn = min(_born_apart(rng, geboren, -gap), today - _years(18))
        surname = _surname(rng, w, origin)
        if surname == (client.voorvoegsel, client.naam):
            surname = _surname(rng, w, origin)
        partner = _person(rng, w, female=pf, geboren=pborn, origin=origin, surname=surname)

    # Home address: children since birth, adults since some move in their adult life.
    if age < 18:
        since = geboren if _chance(rng, 0.6) else _between(rng, geboren, today - _days(30))
    else:
        since = _between(rng, max(geboren + _years(18), today - _years(45)), today - _days(30))
    thuis = _adres(rng, w.code["brp"], place, since)

    ctx = _Ctx(
        rng=rng, w=w, today=today, sector=sector, client=client, age=age, place=place,
        afgifte=afgifte, ingang=ingang, eind=eind, staat=staat, partner=partner,
        thuisadres=thuis, verblijf=verblijf,
    )  # fmt: skip
    wlz_id = _uuid(rng)
    bsn = _bsn(seed, index)
    indicatie: dict[str, Any] = {
        "wlzindicatieID": wlz_id,
        "bsn": bsn,
        "besluitnummer": _besluitnummer(seed, index),
        "soortWlzindicatie": (w.soort_jeugd if age < 18 else w.soort_volwassen).pick(rng),
        "afgiftedatum": afgifte,
        "ingangsdatum": ingang,
    }
    if eind is not None:
        indicatie["einddatum"] = eind
    zzp = sector.zzp.pick(rng)
    # Meerzorg is mostly granted on top of the heaviest VG packages.
    heavy = zzp.family == "VG" and zzp.level >= 6
    indicatie["meerzorg"] = w.code["ja"] if _chance(rng, 0.15 if heavy else 0.02) else w.code["nee"]
    grondslagen = [sector.spec.grondslag]
    extra = sector.extra_grondslag.pick(rng)
    if extra:
        grondslagen.append(extra)
    indicatie["grondslag"] = [
        {"grondslagID": _uuid(rng), "grondslag": g, "volgorde": i}
        for i, g in enumerate(grondslagen, start=1)
    ]
    indicatie["geindiceerdZorgzwaartepakket"] = _zorgzwaartepakketten(ctx, zzp)
    indicatie["beperking"] = _beperkingen(ctx)
    indicatie["stoornis"] = _stoornissen(ctx, grondslagen)
    scores = _stoornis_scores(ctx)
    if scores:
        indicatie["stoornisScore"] = scores
    if _chance(rng, sector.spec.wzd) or (_PG in grondslagen and _chance(rng, 0.3)):
        wzd: dict[str, Any] = {
            "wzdID": _uuid(rng),
            "wzdVerklaring": w.wzd.pick(rng),
            "ingangsdatum": ingang,
        }
        if eind is not None:
            wzd["einddatum"] = eind
        elif wzd["wzdVerklaring"] == w.code["wzd_art21"]:
            # An article-21 statement carries its whole period (CD070); for an open-ended
            # indication the generator gives it a five-year term.
            wzd["einddatum"] = ingang + _years(5) - _days(1)
        indicatie["wzd"] = wzd
    indicatie["client"] = _client(ctx, bsn)
    return SyntheticClient(
        wlzindicatieID=wlz_id,
        bsn=bsn,
        gemeentecode=place.gemeente.code,
        initieelVerantwoordelijkZorgkantoor=place.uzovi,
        indicatie=indicatie,
    )


def _zorgzwaartepakketten(c: _Ctx, zzp: _Zzp) -> list[dict[str, Any]]:
    rng, w = c.rng, c.w
    # The indication starts with its first zorgzwaartepakket (TR015).
    start = c.ingang
    pakketten = [(zzp.code, start)]
    # Sometimes care needs grew during the indication: a heavier ZZP follows the first one.
    last_day = min(c.today, c.eind - _days(30)) if c.eind is not None else c.today
    heavier = c.sector.next_zzp.get(zzp.code)
    if heavier is not None and (last_day - start).days > 90 and _chance(rng, 0.08):
        pakketten.append((heavier, _between(rng, start + _days(60), last_day)))
    out: list[dict[str, Any]] = []
    instelling_soort = c.sector.spec.instelling
    for i, (code, ingang) in enumerate(pakketten):
        eind = pakketten[i + 1][1] - _days(1) if i + 1 < len(pakketten) else c.eind
        z: dict[str, Any] = {
            "geindiceerdZorgzwaartepakketID": _uuid(rng),
            "zzpCode": code,
            "ingangsdatum": ingang,
        }
        if eind is not None:
            z["einddatum"] = eind
        if _chance(rng, 0.6):
            table = w.voorkeur_verblijf if c.verblijf else w.voorkeur_thuis
            z["voorkeurClient"] = table.pick(rng)
        if _chance(rng, 0.3):
            z["instellingVoorkeur"] = _instelling(c.place, instelling_soort, rng.randint(0, 2)).agb
        z["financiering"] = w.financiering.pick(rng)
        out.append(z)
    return out


def _beperkingen(c: _Ctx) -> list[dict[str, Any]]:
    rng, w = c.rng, c.w
    wanted = rng.randint(2, 4)
    categories: list[str] = []
    for _ in range(wanted * 4):
        cat = c.sector.beperking.pick(rng)
        # Taking part in school or work is not assessed for the elderly.
        if cat in categories or (cat == "6" and c.age >= 65):
            continue
        categories.append(cat)
        if len(categories) == wanted:
            break
    out: list[dict[str, Any]] = []
    for cat in categories:
        vragen = w.vragen_825.get(cat, ())
        if cat == "6":
            # 0601-0606 are about children (and their parents), 0607-0611 about adults.
            vragen = tuple(v for v in vragen if (v <= "0606") == (c.age < 18)) or vragen
        b: dict[str, Any] = {"beperkingID": _uuid(rng), "categorie": cat, "duur": w.duur.pick(rng)}
        if vragen:
            b["beperkingScore"] = [
                {
                    "beperkingScoreID": _uuid(rng),
                    "beperkingVraag": v,
                    "beperkingScore": w.beperking_score.pick(rng),
                }
                for v in sorted(rng.sample(vragen, min(len(vragen), rng.randint(1, 4))))
            ]
        out.append(b)
    return out


def _stoornissen(c: _Ctx, grondslagen: list[str]) -> list[dict[str, Any]]:
    rng, w = c.rng, c.w
    key = c.sector.spec.key
    count = 2 if len(grondslagen) > 1 or _chance(rng, 0.3) else 1
    out: list[dict[str, Any]] = []
    # A message may not hold two stoornissen alike in list, grondslag and ziektebeeld (TR101).
    used: set[tuple[str, str, str]] = set()
    aandoeningen = 0
    for i in range(count):
        grondslag = grondslagen[min(i, len(grondslagen) - 1)]
        s: dict[str, Any] = {"stoornisID": _uuid(rng), "grondslag": grondslag}
        functie = _FUNCTIELIJSTEN.get((key, grondslag))
        sub: str | None
        if functie is not None and _chance(rng, 0.4):
            naam, sub, beelden = functie
            lijst, beeld = w.code[naam], rng.choice(beelden)
        elif grondslag == _PSY and _chance(rng, 0.3):
            code, sub = rng.choice(_DSM4)
            lijst, beeld = w.code["dsm4"], _hoofdstuk(code)
        else:
            pool = _ICD10_ZG.get(key) if grondslag == _ZINTUIG else None
            code = rng.choice(pool or _ICD10[grondslag])
            lijst, beeld = w.code["icd10"], _hoofdstuk(code)
            sub = _AANDOENING[min(aandoeningen, len(_AANDOENING) - 1)]
        if (lijst, grondslag, beeld) in used:
            continue
        used.add((lijst, grondslag, beeld))
        if lijst == w.code["icd10"]:
            aandoeningen += 1
        s["diagnoseCodelijst"] = lijst
        if sub is not None:
            s["diagnoseSubCodelijst"] = sub
        s["ziektebeeldStoornis"] = beeld
        s["prognose"] = w.prognose.pick(rng)
        out.append(s)
    return out


def _stoornis_scores(c: _Ctx) -> list[dict[str, Any]]:
    rng, w = c.rng, c.w
    if not _chance(rng, 0.7):
        return []
    vragen = c.sector.stoornis_vragen
    chosen = sorted(rng.sample(vragen, min(len(vragen), rng.randint(1, 4))))
    return [
        {
            "stoornisScoreID": _uuid(rng),
            "stoornisVraag": v,
            "stoornisScore": w.stoornis_score.pick(rng),
        }
        for v in chosen
    ]


def _leefeenheid(c: _Ctx) -> str:
    code = c.w.code
    r = c.rng.random()
    if r < 0.01:
        return code["leef_onbekend"]
    if c.verblijf:
        return code["instelling"]
    if c.age < 18:
        return code["bij_ouders"]
    if c.sector.spec.key in ("VG", "LVG"):
        if c.age < 50 and r < 0.6:
            return code["bij_ouders"]
        return code["meerpersoons"] if r < 0.8 else code["alleen"]
    if c.staat in ("2", "5"):
        return code["gezin"] if c.age < 55 and r < 0.5 else code["met_partner"]
    if c.age < 55 and r < 0.1:
        return code["eenouder"]
    return code["meerpersoons"] if r < 0.08 else code["alleen"]


def _client(c: _Ctx, bsn: str) -> dict[str, Any]:
    rng, w, p = c.rng, c.w, c.client
    out: dict[str, Any] = {
        "clientID": _uuid(rng),
        "bsn": bsn,
        "geheimeClient": w.code["ja"] if _chance(rng, 0.005) else w.code["nee"],
        "geboorteDatum": p.geboren,
    }
    # Migrants of this generation often have only a birth year in the BRP.
    if p.origin != _NL and p.geboren.year < 1965 and _chance(rng, 0.15):
        out["geboorteDatum"] = dt.date(p.geboren.year, 1, 1)
        out["geboortedatumGebruik"] = w.code["datum_jaar"]
    elif _chance(rng, 0.002):
        out["geboorteDatum"] = p.geboren.replace(day=1)
        out["geboortedatumGebruik"] = w.code["dag_onbekend"]
    out["geslacht"] = p.geslacht
    out["burgerlijkeStaat"] = c.staat
    out.update(_name_fields(p))
    if c.partner is not None:
        out["partnernaam"] = c.partner.naam
        if c.partner.voorvoegsel:
            out["voorvoegselPartnernaam"] = c.partner.voorvoegsel
    out["voornamen"] = p.voornamen
    out["roepnaam"] = p.roepnaam
    out["voorletters"] = p.voorletters
    out["naamGebruik"] = _naamgebruik(rng, p, c.partner is not None)
    out["leefeenheid"] = _leefeenheid(c)
    if _chance(rng, 0.6):
        out["agbcodeHuisarts"] = f"01{rng.randrange(1_000_000):06d}"
    if p.origin != _NL and c.age >= 55 and _chance(rng, 0.35):
        out["communicatieVorm"] = w.code["tolk"]
        out["taal"] = rng.choice(_TOLK_TALEN[p.origin])
    elif c.sector.spec.key == "ZG_AUD" and _chance(rng, 0.4):
        # No taal: the messages name a language only for a tolk taal (CD007).
        out["communicatieVorm"] = w.code["doventolk"]
    out["contactPersoon"] = _contactpersonen(c)
    out["contactGegevens"] = _client_gegevens(c)
    return out


def _client_gegevens(c: _Ctx) -> list[dict[str, Any]]:
    rng, w, today = c.rng, c.w, c.today
    gegevens: list[dict[str, Any]] = [{"contactGegevensID": _uuid(rng), "adres": c.thuisadres}]
    since: dt.date = c.thuisadres["ingangsdatum"]
    earliest_prev = c.client.geboren + (_years(18) if c.age >= 18 else _days(0))
    if _chance(rng, 0.1) and (since - earliest_prev).days > 400:
        # A move: the earlier BRP address ends the day before the current one starts.
        prev_start = _between(rng, max(earliest_prev, since - _years(30)), since - _days(365))
        prev_place = c.place if _chance(rng, 0.6) else w.places.pick(rng)
        prev = _adres(rng, w.code["brp"], prev_place, prev_start, eind=since - _days(1))
        gegevens.append({"contactGegevensID": _uuid(rng), "adres": prev})
    if c.verblijf:
        same_region = w.by_regio.get(c.place.gemeente.regio_code, (c.place,))
        place = c.place if _chance(rng, 0.85) else rng.choice(same_region)
        inst = _instelling(place, c.sector.spec.instelling, rng.randint(0, 2))
        opname = _between(rng, c.ingang, today)
        adres = _adres(rng, w.code["verblijf"], place, opname, instelling=inst)
        gegevens.append({"contactGegevensID": _uuid(rng), "adres": adres})
    tel_since = max(c.client.geboren, today - _years(15))
    if _chance(rng, 0.88):
        mobiel = _chance(rng, 0.4 if c.age >= 75 else 0.85)
        nummer = _telefoonnummer(rng, c.place, mobiel)
        gegevens.append(_telefoon(rng, nummer, _between(rng, tel_since, today - _days(1))))
        if _chance(rng, 0.15):
            tweede = _telefoonnummer(rng, c.place, not mobiel)
            gegevens.append(_telefoon(rng, tweede, _between(rng, tel_since, today - _days(1))))
    if c.age >= 16 and _chance(rng, 0.08 if c.age >= 75 else 0.3):
        gegevens.append(_email(rng, c.client, _between(rng, tel_since, today - _days(1))))
    return gegevens


# --- contact persons ---------------------------------------------------------------------


@dataclass
class _Contact:
    soort: str
    person: _Person
    family: bool  # family members live at a home address; professionals have an office
    ended: bool = False
    same_home: bool = False


def _relatives(c: _Ctx) -> list[_Contact]:
    """The contact persons this client would plausibly have, most important first."""
    rng, w, p, code = c.rng, c.w, c.client, c.w.code
    key = c.sector.spec.key
    out: list[_Contact] = []

    def someone(female: bool, born: dt.date, surname: tuple[str, str] | None = None) -> _Person:
        return _person(rng, w, female=female, geboren=born, origin=p.origin, surname=surname)

    def professional() -> _Person:
        born = c.today - _years(rng.randint(28, 64)) - _days(rng.randint(0, 364))
        return _person(rng, w, female=_chance(rng, 0.6), geboren=born, origin=_NL)

    if c.partner is not None and c.staat in ("2", "5"):
        out.append(_Contact(code["partner"], c.partner, True, same_home=True))
    parents_alive = c.age < 50
    own_name = (p.voorvoegsel, p.naam)
    if c.age < 18 or (key in ("VG", "LVG") and parents_alive):
        father_name = own_name
        mother = someone(True, _born_apart(rng, p.geboren, -rng.randint(22, 40)))
        father = someone(False, _born_apart(rng, p.geboren, -rng.randint(24, 44)), father_name)
        parents = [mother, father] if _chance(rng, 0.6) else [father, mother]
        if c.age >= 18 and _chance(rng, 0.6):
            # Adult clients with a verstandelijke beperking usually have a parent as mentor.
            out.append(_Contact(code["mentor"], parents[0], True, same_home=c.age < 25))
            parents = parents[1:]
        out.extend(
            _Contact(code["ouder"], x, True, same_home=c.age < 25)
            for x in parents[: rng.randint(1, 2)]
        )
        if c.age < 18 and _chance(rng, 0.05):
            out.insert(0, _Contact(code["voogd"], professional(), False))
    elif key.startswith("VV") and c.age >= 60:
        father_name = (
            own_name
            if not p.female or c.partner is None
            else (c.partner.voorvoegsel, c.partner.naam)
        )
        for _ in range(rng.randint(0 if c.staat == "1" else 1, 2)):
            born = _born_apart(rng, p.geboren, rng.randint(22, 40))
            if born > c.today - _years(18):
                continue
            out.append(_Contact(code["kind"], someone(_chance(rng, 0.6), born, father_name), True))
    elif _chance(rng, 0.4):
        born = _born_apart(rng, p.geboren, rng.randint(-8, 8))
        out.append(_Contact(code["familielid"], someone(_chance(rng, 0.5), born), True))

    if key in ("VV_PG", "VG", "GGZ") and c.age >= 18 and _chance(rng, 0.2):
        out.append(_Contact(code["mentor"], professional(), False, ended=_chance(rng, 0.1)))
    if key == "VV_PG" and _chance(rng, 0.03):
        out.append(_Contact(code["curator"], professional(), False))
    if c.age >= 18 and _chance(rng, 0.35 if key in ("GGZ", "VG", "LVG") else 0.1):
        out.append(_Contact(code["bewindvoerder"], professional(), False, ended=_chance(rng, 0.1)))
    if key in ("GGZ", "LVG") and _chance(rng, 0.25):
        out.append(_Contact(code["hulpverlener"], professional(), False, ended=_chance(rng, 0.1)))
    if _chance(rng, 0.05):
        out.append(_Contact(code["clientondersteuner"], professional(), False))
    if key in ("LG", "ZG_VIS", "ZG_AUD", "GGZ") and _chance(rng, 0.15):
        born = _born_apart(rng, p.geboren, rng.randint(-10, 10))
        soort = code["vriend"] if _chance(rng, 0.7) else code["buur"]
        out.append(_Contact(soort, someone(_chance(rng, 0.5), born), True))
    return out


def _contactpersonen(c: _Ctx) -> list[dict[str, Any]]:
    rng, w, today = c.rng, c.w, c.today
    # A client living with a partner always has that partner as a relation (TR004).
    if _chance(rng, 0.07) and not (c.partner is not None and c.staat in ("2", "5")):
        return []
    result: list[dict[str, Any]] = []
    for nr, contact in enumerate(_relatives(c)[:3], start=1):
        q = contact.person
        cp: dict[str, Any] = {
            "contactPersoonID": _uuid(rng),
            "relatieNummer": str(nr),
            "volgorde": nr,
            "soortRelatie": contact.soort,
        }
        if contact.family or _chance(rng, 0.5):
            cp["voornamen"] = q.voornamen
        cp["roepnaam"] = q.roepnaam
        cp["voorletters"] = q.voorletters
        cp.update(_name_fields(q))
        naamgebruik = w.code["eigen_naam"]
        if contact.soort == w.code["partner"]:
            cp["partnernaam"] = c.client.naam
            if c.client.voorvoegsel:
                cp["voorvoegselPartnernaam"] = c.client.voorvoegsel
            naamgebruik = _naamgebruik(rng, q, True)
        cp["naamGebruik"] = naamgebruik
        cp["geslacht"] = q.geslacht
        # A partner's birth date is required (CD017); other relatives' only sometimes known.
        if contact.family and (_chance(rng, 0.5) or contact.soort == w.code["partner"]):
            cp["geboorteDatum"] = q.geboren
        lo = max(c.client.geboren, c.afgifte - _years(3))
        if contact.ended and lo < today - _days(2):
            start = _between(rng, lo, min(c.afgifte, today - _days(2)))
            cp["ingangsdatum"] = start
            cp["einddatum"] = _between(rng, start + _days(1), today - _days(1))
        else:
            cp["ingangsdatum"] = _between(
                rng, max(c.client.geboren, c.afgifte - _years(2)), c.afgifte
            )
        cp["contactGegevens"] = _contact_gegevens(c, contact, cp["ingangsdatum"])
        result.append(cp)
    return result


def _contact_gegevens(c: _Ctx, contact: _Contact, since: dt.date) -> list[dict[str, Any]]:
    rng, w = c.rng, c.w
    q = contact.person
    out: list[dict[str, Any]] = []
    nummer = _telefoonnummer(rng, c.place, mobiel=contact.family and _chance(rng, 0.8))
    out.append(_telefoon(rng, nummer, since))
    if contact.same_home:
        home = dict(c.thuisadres)
        home["adresID"] = _uuid(rng)
        out.append({"contactGegevensID": _uuid(rng), "adres": home})
    elif _chance(rng, 0.3):
        soort = w.code["brp"] if contact.family else w.code["correspondentie"]
        place = w.places.pick(rng) if contact.family else c.place
        out.append({"contactGegevensID": _uuid(rng), "adres": _adres(rng, soort, place, since)})
    if _chance(rng, 0.15 if contact.family else 0.3):
        out.append(_email(rng, q, since))
    return out


# --- public API --------------------------------------------------------------------------


def generate(
    n: int, *, seed: int = 1, today: dt.date, start_index: int = 0
) -> Iterator[SyntheticClient]:
    """Yield ``n`` synthetic clients with indices ``start_index`` … ``start_index + n - 1``.

    Client *i* depends only on ``(seed, i, today)``: ``generate(10, ...)`` yields the same
    clients as ``generate(4, ...)`` followed by ``generate(6, ..., start_index=4)``. BSNs and
    besluitnummers are unique within a seed for up to :data:`MAX_CLIENTS` clients. Clients
    are built lazily; bad arguments raise ValueError at the call, not at the first ``next``.
    """
    if n < 0 or start_index < 0:
        raise ValueError("n and start_index must not be negative")
    if start_index + n > MAX_CLIENTS:
        raise ValueError(f"at most {MAX_CLIENTS} clients per seed have unique BSNs")
    _world()  # fail on a changed codelist before the first client, not halfway
    return (_build(seed, index, today) for index in range(start_index, start_index + n))
