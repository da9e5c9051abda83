"""The bridge between estafette messages and the registers (messages.md §2.3, §4): the
contract every importer follows, so the endpoint and the CLI can import any message type.

An importer takes an accepted heenbericht (rules passed) and writes what it says into the
registers **all or nothing**: one transaction per message, so a message whose third client the
register refuses leaves no trace of the first two. A refusal is an :class:`ImportFout` that
names the element and the retour code to answer it with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from iwlz.core.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from iwlz.registers.bemiddeling.service import Bemiddelingsregister
    from iwlz.registers.indicatie.service import Indicatieregister
    from iwlz.registers.levering.service import Leveringsregister

__all__ = ["IMPORTEURS", "ImportFout", "Importeur", "Registers", "Verslag"]


@dataclass
class Registers:
    """The registers a message is imported into (one process; each on the shared engine)."""

    engine: Engine
    clock: Clock
    ir: Indicatieregister
    br: Bemiddelingsregister
    lr: Leveringsregister


@dataclass
class Verslag:
    """What an import wrote: per register object kind the IDs."""

    code: str
    geschreven: dict[str, list[str]] = field(default_factory=dict)

    def voeg_toe(self, soort: str, id_: object) -> None:
        self.geschreven.setdefault(soort, []).append(str(id_))

    @property
    def aantal(self) -> int:
        return sum(len(v) for v in self.geschreven.values())


class ImportFout(Exception):
    """The registers refuse what the message says. ``element``: the heen element (a
    berichtklasse or below it) the refusal is about; ``retourcode``: the code that answers
    it (e.g. ``9019`` for an allocation that is not there, ``0448`` for an unknown client)."""

    def __init__(self, element: etree._Element | None, retourcode: str, melding: str) -> None:
        super().__init__(melding)
        self.element = element
        self.retourcode = retourcode
        self.melding = melding


Importeur = Callable[[etree._Element, Registers], Verslag]

IMPORTEURS: dict[str, Importeur] = {}
"""Importers by heen message code; bridge modules register theirs on import."""
