"""CA317 (start of delivery, for the CAK's eigen bijdrage) from the registers' delivery data
(messages.md §2.3, open point O6).

One ``GeleverdeZorg`` per leveringperiode of a levering: its ``GeleverdeZorgID`` is the
leveringperiode's ID (a UUIDv4, as LDT_UUID wants, lower case), ``Startdatum`` its
``ingangsdatum``; ``ZzpCode``, ``Leveringsvorm`` and ``Etmalen`` come from the
bemiddelingspecificatie the levering is for. The conditions of the 2.2 rule set decide the
optional fields: ``Instelling`` (the aanbieder) exactly when ``Leveringsvorm`` is 4, 5, 8 or 9
(CD091); ``Klasse`` exactly when ``Leveringsvorm`` is 4 or 5 and ``Startdatum`` ≤ 2019-12-31
(CD071): the ``Klasse`` the aanbieder's AW35 delivered with the period when the bridge kept it
(:mod:`iwlz.berichten.sleutels`), else ``KE7`` (the registers hold no ZZP class, and CS074
admits only KE4–KE7 there; :data:`iwlz.berichten.io31.KLASSE_ZZP`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from iwlz.berichten.io31 import KLASSE_ZZP, ExportFout, start_bericht

__all__ = ["GeleverdeZorg", "ca317", "geleverde_zorg"]

_MET_INSTELLING = frozenset({"4", "5", "8", "9"})
_MET_KLASSE = frozenset({"4", "5"})
_KLASSE_TOT = dt.date(2019, 12, 31)


@dataclass(frozen=True)
class GeleverdeZorg:
    """One CA317 delivery record for one client."""

    bsn: str
    geleverde_zorg_id: uuid.UUID
    startdatum: dt.date
    zzp_code: str
    leveringsvorm: str
    instelling: str | None
    etmalen: str | None
    klasse: str | None = None


def geleverde_zorg(
    bsn: str,
    bemiddelingspecificatie: Mapping[str, Any],
    leveringperiode: Mapping[str, Any],
    aanbieder: str,
    klasse: str | None = None,
) -> GeleverdeZorg:
    """The CA317 record of one leveringperiode (register rows; dates as ISO strings or dates);
    ``klasse``: the delivered ZZP class when known."""
    start = leveringperiode["ingangsdatum"]
    return GeleverdeZorg(
        bsn=bsn,
        geleverde_zorg_id=uuid.UUID(str(leveringperiode["leveringperiodeID"])),
        startdatum=start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start)),
        zzp_code=str(bemiddelingspecificatie["zzpCode"]),
        leveringsvorm=str(bemiddelingspecificatie["leveringsvorm"]),
        instelling=aanbieder,
        etmalen=bemiddelingspecificatie.get("etmalen"),
        klasse=klasse,
    )


def ca317(
    zorg: Iterable[GeleverdeZorg], *, afzender: str, identificatie: str, dagtekening: dt.date
) -> etree._Element:
    """One CA317 from zorgkantoor ``afzender``: a ``Client`` per BSN (in first-seen order)
    with its ``GeleverdeZorg`` records, all ``StatusAanlevering`` 1 (new)."""
    per_bsn: dict[str, list[GeleverdeZorg]] = {}
    for z in zorg:
        per_bsn.setdefault(z.bsn, []).append(z)
    if not per_bsn:
        raise ExportFout("a CA317 holds at least one delivery; none was given")
    if not 1 <= len(identificatie) <= 12:
        raise ExportFout("BerichtIdentificatie has 1 to 12 characters")
    b, root, clienten = start_bericht("CA317", afzender, None, identificatie, dagtekening)
    for bsn, records in per_bsn.items():
        client = b.el(clienten, "Client")
        b.el(client, "Bsn", bsn)
        leveringen = b.el(client, "ZorgLeveringen")
        for z in records:
            element = b.el(leveringen, "GeleverdeZorg")
            b.el(element, "GeleverdeZorgID", str(z.geleverde_zorg_id).lower())
            b.el(element, "Startdatum", z.startdatum.isoformat())
            b.el(element, "ZzpCode", z.zzp_code)
            if z.leveringsvorm in _MET_INSTELLING:  # CD091
                if not z.instelling:
                    raise ExportFout(
                        f"client {bsn}: Leveringsvorm {z.leveringsvorm} needs an Instelling"
                    )
                b.el(element, "Instelling", z.instelling)
            b.opt(element, "Etmalen", z.etmalen)
            if z.leveringsvorm in _MET_KLASSE and z.startdatum <= _KLASSE_TOT:  # CD071
                b.el(element, "Klasse", z.klasse or KLASSE_ZZP)  # CS074: KE4–KE7
            b.el(element, "Leveringsvorm", z.leveringsvorm)
            b.el(element, "StatusAanlevering", "1")
    return root
