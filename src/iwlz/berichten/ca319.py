"""CA319 (change or end of delivery, for the CAK's eigen bijdrage) from the registers' delivery
data (messages.md §2.3, open point O6).

One ``MutatieZorg`` per leveringperiode that ended with a ``beeindigingReden`` the message
allows: Mutatiecode 19 (care ended, allocation closed) or 20 (care ended, allocation kept);
CS067 admits no other code, so a transfer (17) or a hand-over (21) is not reported to the CAK.
``MutatieZorgID`` is the leveringperiode's ID, which is the ``GeleverdeZorgID`` the CA317 of that
period carried (:mod:`iwlz.berichten.ca317`), as TR118 requires; ``Mutatiedatum`` its
``einddatum`` (≥ the CA317 ``Startdatum``, the period's ``ingangsdatum``: TR128).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from iwlz.berichten.io31 import ExportFout, start_bericht

__all__ = ["CA319_MUTATIECODES", "MutatieZorg", "ca319", "mutatie_zorg"]

CA319_MUTATIECODES = frozenset({"19", "20"})
"""The Mutatiecodes a CA319 carries (CS067)."""


@dataclass(frozen=True)
class MutatieZorg:
    """One CA319 mutation record for one client."""

    bsn: str
    mutatie_zorg_id: uuid.UUID
    mutatiecode: str
    mutatiedatum: dt.date


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def mutatie_zorg(bsn: str, leveringperiode: Mapping[str, Any]) -> MutatieZorg | None:
    """The CA319 record of one leveringperiode (a register row; dates as ISO strings or dates),
    or None when it did not end with Mutatiecode 19 or 20."""
    reden = leveringperiode.get("beeindigingReden")
    einde = leveringperiode.get("einddatum")
    if reden not in CA319_MUTATIECODES or einde is None:
        return None
    return MutatieZorg(
        bsn=bsn,
        mutatie_zorg_id=uuid.UUID(str(leveringperiode["leveringperiodeID"])),
        mutatiecode=str(reden),
        mutatiedatum=_date(einde),
    )


def ca319(
    mutaties: Iterable[MutatieZorg], *, afzender: str, identificatie: str, dagtekening: dt.date
) -> etree._Element:
    """One CA319 from zorgkantoor ``afzender``: a ``Client`` per BSN (in first-seen order)
    with its ``MutatieZorg`` records, all ``StatusAanlevering`` 1 (new)."""
    per_bsn: dict[str, list[MutatieZorg]] = {}
    for m in mutaties:
        if m.mutatiecode not in CA319_MUTATIECODES:
            raise ExportFout(f"client {m.bsn}: CA319 carries Mutatiecode 19 or 20 only (CS067)")
        per_bsn.setdefault(m.bsn, []).append(m)
    if not per_bsn:
        raise ExportFout("a CA319 holds at least one mutation; none was given")
    b, root, clienten = start_bericht("CA319", afzender, None, identificatie, dagtekening)
    for bsn, records in per_bsn.items():
        client = b.el(clienten, "Client")
        b.el(client, "Bsn", bsn)
        lijst = b.el(client, "MutatiesZorg")
        for m in records:
            element = b.el(lijst, "MutatieZorg")
            b.el(element, "MutatieZorgID", str(m.mutatie_zorg_id).lower())
            b.el(element, "Mutatiecode", m.mutatiecode)
            b.el(element, "Mutatiedatum", m.mutatiedatum.isoformat())
            b.el(element, "StatusAanlevering", "1")
    return root
