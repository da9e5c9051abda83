"""Kopie Wlz register: the CIZ's Wlz data as the signalen service keeps it (spec §1.2/§1.3).

Kept current through the network only:

* the service subscribes at the CIZ to ``WLZINDICATIE_MUTATIE_ABONNEMENT`` (every mutation of
  every indication; :meth:`KopieWlzRegister.abonneer`);
* each notification in its inbox names a ``WlzIndicatie/<id>``; the service reads that
  indication's five fields with ``wlzStatus`` (SIG-IR-0001) through nID and stores them; an
  indication that no longer exists (deleted by the CIZ) turns into status ``Nee``;
* :meth:`KopieWlzRegister.resync` reads every indication page by page (SIG-IR-0002) and makes
  the copy equal to the register (IDs it no longer holds become ``Nee``).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.core.clock import Clock, SystemClock
from iwlz.nid.participants import SCOPE_ABONNEMENT_IR
from iwlz.signalen.ciz import (
    CIZ_SIGNALEN_PATH,
    MAX_PAGINA,
    QUERY_PAGINA,
    QUERY_STATUS,
    SCOPE_WLZSIGNALEN_IR,
)
from iwlz.signalen.models import wlz_kopie
from iwlz.signalen.netwerk import NetwerkFout, SignalenNetwerk

__all__ = ["ABONNEMENT_TYPE", "KopieWlzRegister", "SyncResultaat"]

log = logging.getLogger("iwlz.signalen")

ABONNEMENT_TYPE = "WLZINDICATIE_MUTATIE_ABONNEMENT"
ABONNEMENTEN_PATH = "/indicatieregister/abonnementen/graphql"
_CHUNK = 900


@dataclass(frozen=True)
class SyncResultaat:
    """What one pass over the inbox did."""

    gelezen: int
    bijgewerkt: int
    vervallen: int
    overgeslagen: int


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _row(item: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    return {
        "wlzindicatie_id": str(uuid.UUID(str(item["wlzindicatieID"]))),
        "bsn": str(item["bsn"]),
        "wlz_status": str(item["wlzStatus"]),
        "afgiftedatum": _date(item["afgiftedatum"]),
        "ingangsdatum": _date(item["ingangsdatum"]),
        "einddatum": _date(item.get("einddatum")),
        "bijgewerkt_op": now,
    }


class KopieWlzRegister:
    """The copy, and its synchronisation over the network."""

    def __init__(
        self, engine: Engine, netwerk: SignalenNetwerk | None, *, clock: Clock | None = None
    ) -> None:
        self.engine = engine
        self.netwerk = netwerk
        self.clock = clock or SystemClock()

    def _net(self) -> SignalenNetwerk:
        if self.netwerk is None:
            raise NetwerkFout("the signalen service has no network client configured")
        return self.netwerk

    # -- storing --------------------------------------------------------------------------

    def bewaar(self, items: Sequence[Mapping[str, Any]]) -> int:
        """Store the CIZ's answers (``WlzStatus`` objects); returns how many."""
        if not items:
            return 0
        now = self.clock.now()
        rows = [_row(i, now) for i in items]
        with self.engine.begin() as conn:
            self._vervang(conn, rows)
        return len(rows)

    @staticmethod
    def _vervang(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        ids_ = [r["wlzindicatie_id"] for r in rows]
        for i in range(0, len(ids_), _CHUNK):
            conn.execute(
                sa.delete(wlz_kopie).where(wlz_kopie.c.wlzindicatie_id.in_(ids_[i : i + _CHUNK]))
            )
        for i in range(0, len(rows), 5000):
            conn.execute(sa.insert(wlz_kopie), list(rows[i : i + 5000]))

    def vervallen(self, ids_: Iterable[str]) -> int:
        """Indications the CIZ no longer holds: status ``Nee``, dates kept (the gemeenten that
        were told of them get a WLZ_VERVALLEN signal)."""
        wanted = [str(i) for i in ids_]
        n = 0
        with self.engine.begin() as conn:
            for i in range(0, len(wanted), _CHUNK):
                n += conn.execute(
                    sa.update(wlz_kopie)
                    .where(
                        wlz_kopie.c.wlzindicatie_id.in_(wanted[i : i + _CHUNK]),
                        wlz_kopie.c.wlz_status != "Nee",
                    )
                    .values(wlz_status="Nee", bijgewerkt_op=self.clock.now())
                ).rowcount
        return n

    def aantal(self) -> dict[str, int]:
        """Rows of the copy by Wlz-status."""
        c = wlz_kopie.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(c.wlz_status, sa.func.count()).group_by(c.wlz_status))
            return {str(s): int(n) for s, n in rows}

    # -- over the network -----------------------------------------------------------------

    def lees(self, wlzindicatie_id: str) -> list[dict[str, Any]]:
        """SIG-IR-0001: the indication's five fields from the CIZ, through nID."""
        data = self._net().graphql(
            CIZ_SIGNALEN_PATH, SCOPE_WLZSIGNALEN_IR, QUERY_STATUS, {"id": wlzindicatie_id}
        )
        found = data.get("wlzStatus")
        return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []

    def verwerk(self, wlzindicatie_id: str) -> str:
        """Bring one indication up to date: ``bijgewerkt``, ``vervallen`` or ``onbekend``."""
        found = self.lees(wlzindicatie_id)
        if found:
            self.bewaar(found)
            return "bijgewerkt"
        return "vervallen" if self.vervallen([wlzindicatie_id]) else "onbekend"

    def verwerk_inbox(self, *, max_items: int = 1000) -> SyncResultaat:
        """Read the service's inbox and apply each WLZINDICATIE_MUTATIE_ABONNEMENT. An item
        is acknowledged only after the copy was updated, so a failure retries it next time;
        other event types are acknowledged and logged (nothing else is subscribed to)."""
        net = self._net()
        gelezen = bijgewerkt = vervallen = overgeslagen = 0
        while gelezen < max_items:
            items = net.inbox(limit=100)
            if not items:
                break
            done: list[str] = []
            for item in items:
                gelezen += 1
                item_id = str(item.get("itemID"))
                if item.get("eventType") != ABONNEMENT_TYPE:
                    log.warning(
                        "signalen: unexpected notification acknowledged",
                        extra={"event_type": str(item.get("eventType"))},
                    )
                    overgeslagen += 1
                    done.append(item_id)
                    continue
                for subject in item.get("subjectList") or []:
                    record = str((subject or {}).get("recordID") or "")
                    kind, _, wid = record.partition("/")
                    if kind != "WlzIndicatie" or not wid:
                        continue
                    outcome = self.verwerk(wid)
                    bijgewerkt += outcome == "bijgewerkt"
                    vervallen += outcome == "vervallen"
                done.append(item_id)
            net.ack(done)
            if len(items) < 100:
                break
        return SyncResultaat(gelezen, bijgewerkt, vervallen, overgeslagen)

    def resync(self, *, pagina: int = MAX_PAGINA) -> tuple[int, int]:
        """SIG-IR-0002: read every indication and make the copy equal to the register.
        Returns (indications read, rows turned ``Nee`` because the register lost them)."""
        net = self._net()
        na: str | None = None
        gezien: set[str] = set()
        while True:
            data = net.graphql(
                CIZ_SIGNALEN_PATH,
                SCOPE_WLZSIGNALEN_IR,
                QUERY_PAGINA,
                {"na": na, "aantal": pagina},
            )
            page = data.get("wlzStatusPagina") or {}
            items = [i for i in page.get("items") or [] if isinstance(i, dict)]
            self.bewaar(items)
            gezien.update(str(uuid.UUID(str(i["wlzindicatieID"]))) for i in items)
            na = page.get("volgende")
            if not na:
                break
        with self.engine.connect() as conn:
            alle = set(conn.execute(sa.select(wlz_kopie.c.wlzindicatie_id)).scalars())
        weg = self.vervallen(sorted(alle - gezien))
        return len(gezien), weg

    def abonneer(self) -> str:
        """Make sure the service subscribes to every Indicatieregister mutation; returns the
        abonnementId (an existing one is kept)."""
        net = self._net()
        data = net.graphql(
            ABONNEMENTEN_PATH,
            SCOPE_ABONNEMENT_IR,
            "query { abonnementen { abonnementId notificatieTypeID } }",
        )
        for a in data.get("abonnementen") or []:
            if isinstance(a, dict) and a.get("notificatieTypeID") == ABONNEMENT_TYPE:
                return str(a["abonnementId"])
        created = net.graphql(
            ABONNEMENTEN_PATH,
            SCOPE_ABONNEMENT_IR,
            "mutation($i: AbonnementInput!) { createAbonnement(abonnementInput: $i) "
            "{ abonnementId } }",
            {
                "i": {
                    "notificatieTypeID": ABONNEMENT_TYPE,
                    "abonneeIDType": net.id_type,
                    "abonneeID": net.id_value,
                }
            },
        )
        return str(created["createAbonnement"]["abonnementId"])
