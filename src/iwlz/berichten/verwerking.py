"""Receiving one heenbericht, as its receiver would (messages.md §1.4, §4): read it safely,
check its structure, run the business rules, import it into the registers, and answer with
the retour.

The layers, in order:

1. **Reading** (:func:`iwlz.berichten.xml.parse_bericht`): a message that cannot be read, or
   is not an iWlz 2.2 heenbericht, has no retour — it is refused with :class:`Onleesbaar`.
2. **Structure**: the official XSDs when configured, else our own description of them
   (:func:`iwlz.berichten.codec.structuur`). A failure is answered with a header-only retour
   carrying ``0001``.
3. **Business rules** (:mod:`iwlz.berichten.regels`): the stateless CD/CS/TR rules, then the
   stateful ones against the receiver's history. Each finding puts its retour code on its
   berichtklasse; classes without findings get ``0200``.
4. **Import** (:mod:`iwlz.berichten.brug`): only a message without findings is imported, in
   one transaction with its entry in the history; a register's refusal rolls everything back
   and becomes a finding like the others. A message is therefore imported whole or not at all
   (docs/conformance.md: no per-class partial acceptance).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from iwlz.berichten.catalogus import BERICHTEN, Berichttype
from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.basis import Bevinding, Referentie
from iwlz.berichten.regels.historie import Historie
from iwlz.berichten.regels.motor import controleer, klasse_van, retourcodes
from iwlz.berichten.retour import TECHNISCH_AFGEKEURD, maak_retour_bytes
from iwlz.berichten.xml import DEFAULT_MAX_BYTES, BerichtFout, parse_bericht
from iwlz.berichten.xsd import SchemaSet, XsdFout, element_path, message_code

__all__ = ["Onleesbaar", "Verwerking", "retour_identificatie", "verwerk"]

_ALFABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def retour_identificatie() -> str:
    """A fresh 12-character ``IdentificatieRetour`` (60 random bits; collisions are not a
    practical concern and the field is only required to be unique per receiver)."""
    return "".join(secrets.choice(_ALFABET) for _ in range(12))


class Onleesbaar(ValueError):
    """A message that gets no retour: unreadable, not iWlz 2.2, a retourbericht, or without
    the header a retour is built from. ``code`` names the kind (as :class:`BerichtFout`)."""

    def __init__(self, code: str, melding: str) -> None:
        super().__init__(melding)
        self.code = code
        self.melding = melding


@dataclass
class Verwerking:
    """The outcome of receiving one message."""

    type: Berichttype
    bericht: Bericht
    retour_bytes: bytes
    """The retour as sent: UTF-8 with an XML declaration."""
    structuurfouten: list[XsdFout] = field(default_factory=list)
    bevindingen: list[Bevinding] = field(default_factory=list)
    geimporteerd: dict[str, list[str]] = field(default_factory=dict)
    structuur_door: str = "iwlz"
    """``xsd`` (the official schemas) or ``iwlz`` (our own description of them)."""

    afgekeurd: bool = False
    """Rejected as a whole (header-only retour with ``0001``): a structure error, or a register
    refusal no class-level code describes."""

    @property
    def retour(self) -> etree._Element:
        """The retour as a tree (parsed from :attr:`retour_bytes` on each call)."""
        return etree.fromstring(self.retour_bytes)

    @property
    def geaccepteerd(self) -> bool:
        """No finding at all: every class ``0200``."""
        return not self.afgekeurd and not self.bevindingen


def lees(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, alleen_heen: bool = True) -> Bericht:
    """Read a heenbericht into the rules' view; :class:`Onleesbaar` when it gets no retour.
    ``alleen_heen=False`` also reads retourberichten (for checking files)."""
    try:
        parsed = parse_bericht(data, max_bytes=max_bytes)
    except BerichtFout as exc:
        raise Onleesbaar(exc.code, exc.melding) from None
    found = message_code(parsed.namespace)
    if found is None or found[:2] != ("iwlz", "2_2") or found[2] not in BERICHTEN:
        raise Onleesbaar(
            "BERICHT",
            f"Unknown message namespace {parsed.namespace!r}: expected an iWlz 2.2 heenbericht "
            f"({', '.join(c for c, t in sorted(BERICHTEN.items()) if t.heen)}).",
        )
    if parsed.naam != "Bericht":
        raise Onleesbaar("BERICHT", f"The root element is <{parsed.naam}>, not <Bericht>.")
    b = Bericht(parsed.root)
    if alleen_heen and not b.type.heen:
        raise Onleesbaar(
            "RETOUR",
            f"{b.code} is a retourbericht; only heenberichten are received here.",
        )
    header = b.wortel.knoop("Header")
    if header is None or header.knoop("BerichtCode") is None or header.knoop("XsdVersie") is None:
        raise Onleesbaar(
            "HEADER",
            "The message has no Header with BerichtCode and XsdVersie, so no retour can be "
            "built for it.",
        )
    return b


def structuurfouten(b: Bericht, schemas: SchemaSet | None) -> tuple[list[XsdFout], str]:
    """The structure check: the official XSDs when given, else our own description."""
    if schemas is not None:
        _, fouten = schemas.validate(b.root)
        return fouten, "xsd"
    from iwlz.berichten.codec import structuur

    return structuur(b.root), "iwlz"


Importeer = Callable[[Bericht], dict[str, list[str]]]
"""Writes an accepted message into the registers (and the history) in one transaction and
returns the IDs written; raises :class:`iwlz.berichten.brug.ImportFout` to refuse."""


def verwerk(
    data: bytes,
    *,
    schemas: SchemaSet | None = None,
    referentie: Referentie | None = None,
    historie: Historie | None = None,
    importeer: Importeer | None = None,
    vandaag: dt.date | None = None,
    identificatie: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Verwerking:
    """Receive one heenbericht and build its retour (see the module docstring).

    ``importeer`` is called only for a message without findings; ``identificatie`` is the
    retour's ``IdentificatieRetour`` (default: a fresh one)."""
    from iwlz.berichten.brug import ImportFout

    b = lees(data, max_bytes=max_bytes)
    today = vandaag or dt.date.today()
    ident = identificatie or retour_identificatie()
    fouten, door = structuurfouten(b, schemas)
    if fouten:
        retour = maak_retour_bytes(b.root, identificatie=ident, dagtekening=today, afgekeurd=True)
        return Verwerking(
            b.type, b, retour, structuurfouten=fouten, structuur_door=door, afgekeurd=True
        )
    bevindingen = controleer(b, referentie=referentie, historie=historie, vandaag=today)
    geimporteerd: dict[str, list[str]] = {}
    if not bevindingen and importeer is not None:
        try:
            geimporteerd = importeer(b)
        except ImportFout as exc:
            bevindingen = [_import_bevinding(b, exc)]
            if exc.retourcode == TECHNISCH_AFGEKEURD:
                # A header 0001 goes with no body (the official consistency check's IV028).
                retour = maak_retour_bytes(
                    b.root, identificatie=ident, dagtekening=today, afgekeurd=True
                )
                return Verwerking(
                    b.type, b, retour, bevindingen=bevindingen, structuur_door=door, afgekeurd=True
                )
    per_klasse, header_codes = retourcodes(bevindingen)
    b.sluit()  # the rules are done: free the view without the cyclic collector
    retour = maak_retour_bytes(
        b.root,
        identificatie=ident,
        dagtekening=today,
        codes=per_klasse,
        header_codes=header_codes,
    )
    return Verwerking(
        b.type,
        b,
        retour,
        bevindingen=bevindingen,
        geimporteerd=geimporteerd,
        structuur_door=door,
    )


def _import_bevinding(b: Bericht, exc: Any) -> Bevinding:
    """A register's refusal as a finding on the class it is about (the header when none)."""
    if exc.element is None:
        return Bevinding("IMPORT", str(exc.retourcode), element_path(b.root), str(exc.melding))
    knoop = b.knoop_van(exc.element)
    return Bevinding(
        "IMPORT", str(exc.retourcode), knoop.pad, str(exc.melding), klasse_van(b, knoop)
    )
