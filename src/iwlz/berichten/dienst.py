"""The receiving side as one service: structure check, rules, history and import wired to
this process's registers — used by ``POST /berichten/iwlz`` and ``iwlz berichten import``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from iwlz.berichten import brug_br, brug_lr  # noqa: F401  (they register their importers)
from iwlz.berichten.brug import IMPORTEURS, ImportFout, Registers, transactie
from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.basis import Referentie, retourcode_van
from iwlz.berichten.regels.historie import DbHistorie, Historie
from iwlz.berichten.verwerking import Verwerking, verwerk
from iwlz.berichten.xsd import SchemaSet
from iwlz.config import Settings
from iwlz.core.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from iwlz.registers.bemiddeling.service import Bemiddelingsregister
    from iwlz.registers.indicatie.service import Indicatieregister
    from iwlz.registers.levering.service import Leveringsregister

__all__ = ["Berichtendienst", "berichtendienst", "schemas_uit"]

_NL = ZoneInfo("Europe/Amsterdam")


def schemas_uit(folder: str | Path | None) -> SchemaSet | None:
    """The official XSDs from ``folder`` (``IWLZ_XSD_DIR``), or None: our own structure check."""
    return SchemaSet(Path(folder)) if folder else None


@dataclass
class Berichtendienst:
    """Receives heenberichten for the registers of this process."""

    registers: Registers
    clock: Clock
    schemas: SchemaSet | None = None
    historie: Historie | None = None
    referentie: Referentie | None = None
    importeren: bool = True

    def vandaag(self) -> dt.date:
        return self.clock.now().astimezone(_NL).date()

    def ontvang(self, data: bytes) -> Verwerking:
        """One message in, its retour out (see :func:`iwlz.berichten.verwerking.verwerk`)."""
        return verwerk(
            data,
            schemas=self.schemas,
            referentie=self.referentie,
            historie=self.historie,
            importeer=self._importeer if self.importeren else None,
            vandaag=self.vandaag(),
        )

    def _importeer(self, b: Bericht) -> dict[str, list[str]]:
        importeur = IMPORTEURS.get(b.code)
        geschreven: dict[str, list[str]] = {}
        try:
            # One transaction: the registers' writes (events and outbox rows included) and the
            # message's entry in the history commit together or not at all.
            with transactie(self.registers) as conn:
                if importeur is not None:
                    geschreven = importeur(b.root, self.registers).geschreven
                # else: no register holds this content (AW317, CA317/CA319: ZIN and the CAK are
                # not registers here); accepted and kept in the history only.
                if isinstance(self.historie, DbHistorie):
                    self.historie.registreer(b, conn)
                elif self.historie is not None:
                    self.historie.registreer(b)
        except IntegrityError:
            # The same message (type, sender, receiver, Identificatie) was accepted by a
            # concurrent request between the rules' check and this commit.
            raise ImportFout(
                None,
                retourcode_van("TR056"),
                f"{b.code} {b.identificatie!r} from {b.afzender or 'the CIZ'} was received "
                "already (TR056)",
            ) from None
        return geschreven


def berichtendienst(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    *,
    ir: Indicatieregister,
    br: Bemiddelingsregister,
    lr: Leveringsregister,
) -> Berichtendienst:
    """The service for this process's registers, configured from ``settings``
    (``IWLZ_XSD_DIR``)."""
    return Berichtendienst(
        registers=Registers(engine=engine, clock=clock, ir=ir, br=br, lr=lr),
        clock=clock,
        schemas=schemas_uit(settings.xsd_dir),
        # The zorgkantoren's allocations are the Bemiddelingsregisters' (TR019, TR107, …).
        historie=DbHistorie(engine, bron=brug_br.BrToewijzingsbron(ir, br)),
    )
