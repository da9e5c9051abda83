"""The bridge between estafette messages and the registers (messages.md §2.3, §4): the
contract every importer follows, so the endpoint and the CLI can import any message type.

An importer takes an accepted heenbericht (rules passed) and writes what it says into the
registers **all or nothing**: one transaction per message, so a message whose third client the
register refuses leaves no trace of the first two. A refusal is an :class:`ImportFout` that
names the element and the retour code to answer it with.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from iwlz.core.clock import Clock
from iwlz.registers.indicatie.service import actieve_transactie

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from iwlz.registers.bemiddeling.service import Bemiddelingsregister
    from iwlz.registers.indicatie.service import Indicatieregister
    from iwlz.registers.levering.service import Leveringsregister

__all__ = [
    "IMPORTEURS",
    "ImportFout",
    "Importeur",
    "Registers",
    "Verslag",
    "datum",
    "tekst",
    "transactie",
]


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


@contextlib.contextmanager
def transactie(registers: Registers, conn: Connection | None = None) -> Iterator[Connection]:
    """One transaction for the writes of the IR, BR and LR in the block: ``conn``'s, the one a
    caller's ``transactie`` already opened (so a caller can put its own writes, e.g. the
    message history, in the importer's transaction), or a new one on the registers' engine
    committed when the block ends without an exception. Raise (e.g. :class:`ImportFout`) to
    roll back everything the block wrote, events and outbox rows included."""
    with contextlib.ExitStack() as stack:
        if conn is None:
            conn = actieve_transactie(registers.br)
        if conn is None:
            conn = stack.enter_context(registers.engine.begin())
        stack.enter_context(registers.ir.transactie(conn))
        stack.enter_context(registers.br.transactie(conn))
        stack.enter_context(registers.lr.transactie(conn))
        yield conn


def tekst(element: etree._Element | None, pad: str) -> str | None:
    """The stripped text at ``pad`` (an lxml path) under ``element``; None when absent or
    blank."""
    if element is None:
        return None
    found = element.find(pad)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def datum(value: str | None) -> dt.date | None:
    """An ``LDT_Datum`` the structure check accepted; None for None."""
    return dt.date.fromisoformat(value) if value else None
