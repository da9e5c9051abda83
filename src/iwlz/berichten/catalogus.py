"""The iWlz 2.2 message catalogue (messages.md §1–2): codes, heen ↔ retour, parties, and which
elements of a retour are berichtklassen (carry ``RetourCodes``).

The facts are the standard's; the table is ours, so that messages can be read, checked and
answered without the official XSDs at hand.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASISSCHEMA_NS", "BERICHTEN", "Berichttype", "bericht", "namespace"]

STANDAARD, VERSIE = "iwlz", "2_2"
BASISSCHEMA_NS = "http://www.istandaarden.nl/iwlz/2_2/basisschema/schema"
BERICHT_VERSIE, BERICHT_SUBVERSIE = "5", "2"
XSD_VERSIE = "1.0.0"
"""``BerichtXsdVersie`` and ``BasisschemaXsdVersie`` of every iWlz 2.2 schema (tag iWlz2.2-v1.0)."""


def namespace(code: str) -> str:
    """``IO31`` → ``http://www.istandaarden.nl/iwlz/2_2/io31/schema``."""
    return f"http://www.istandaarden.nl/{STANDAARD}/{VERSIE}/{code.lower()}/schema"


@dataclass(frozen=True)
class Berichttype:
    """One message type. ``afzender``/``ontvanger``: ``ZK`` (LDT_ZorgkantoorCode), ``ZA``
    (LDT_iWlzAgbCode) or None when the party is implicit (the CIZ, ZIN, the CAK)."""

    code: str
    berichtcode: str
    heen: bool
    tegenhanger: str
    afzender: str | None
    ontvanger: str | None
    klassen: tuple[str, ...] = ()
    """Retour only: the elements that carry ``RetourCodes`` (besides the optional header)."""

    @property
    def namespace(self) -> str:
        return namespace(self.code)


def _paar(
    heen: str,
    code: int,
    retour: str,
    afzender: str | None,
    ontvanger: str | None,
    klassen: tuple[str, ...],
) -> tuple[Berichttype, Berichttype]:
    return (
        Berichttype(heen, str(code), True, retour, afzender, ontvanger),
        Berichttype(retour, str(code + 1), False, heen, afzender, ontvanger, klassen),
    )


_VOLLEDIG = (
    "Client",
    "Indicatie",
    "Relatie",
    "Contact",
    "Stoornis",
    "Beperking",
    "BeperkingScore",
    "GeindiceerdeFunctie",
    "StoornisScore",
    "GeindiceerdZorgzwaartepakket",
)
_TOEGEWEZEN = (*_VOLLEDIG, "ToegewezenFunctie", "ToegewezenZorgzwaartepakket")
_GELEVERD = ("Client", "GeleverdeFunctie", "GeleverdZorgzwaartepakket")
_MUTATIE = (
    "Client",
    "MutatieFunctie",
    "MutatieZorgzwaartepakket",
    "Aanvraag",
    "AanvraagInstelling",
)

BERICHTEN: dict[str, Berichttype] = {
    t.code: t
    for pair in (
        _paar("IO31", 388, "IO32", None, "ZK", _VOLLEDIG),
        _paar("AW33", 352, "AW34", "ZK", "ZA", _TOEGEWEZEN),
        _paar("AW35", 354, "AW36", "ZA", "ZK", _GELEVERD),
        _paar("AW39", 358, "AW310", "ZA", "ZK", _MUTATIE),
        _paar(
            "AW317",
            404,
            "AW318",
            "ZK",
            None,
            (
                "Client",
                "Indicatie",
                "Stoornis",
                "Beperking",
                "GeindiceerdZorgzwaartepakket",
                "WachtlijstZorgzwaartepakket",
                "Leveringsstatus",
            ),
        ),
        _paar("CA317", 406, "CA318", "ZK", None, ("Client", "GeleverdeZorg")),
        _paar("CA319", 410, "CA320", "ZK", None, ("Client", "MutatieZorg")),
        _paar("ZK31", 391, "ZK32", "ZK", "ZK", _TOEGEWEZEN),
        _paar("ZK33", 397, "ZK34", "ZK", "ZK", _TOEGEWEZEN),
        _paar("ZK35", 393, "ZK36", "ZK", "ZK", _GELEVERD),
        _paar("ZK39", 395, "ZK310", "ZK", "ZK", _MUTATIE),
    )
    for t in pair
}


def bericht(code: str) -> Berichttype:
    """The message type of a code (``io31`` or ``IO31``); KeyError names the known ones."""
    found = BERICHTEN.get(code.upper())
    if found is None:
        raise KeyError(f"unknown iWlz 2.2 message {code!r}; known: {', '.join(sorted(BERICHTEN))}")
    return found
