"""Scripted back offices of the demo's zorgkantoren and zorgaanbieders (and a CIZ driver).

They act as the real parties would, only over HTTP with their own nID tokens, never touching
the database, so that the chain of registers.md lives in the demo:

1. **CIZ** registers an indication (Indicatieregister beheer API) → the initially responsible
   zorgkantoor gets ``NIEUWE_INDICATIE_ZORGKANTOOR``.
2. **Zorgkantoor** reads it (QIR-0001) and registers a bemiddeling in its own
   Bemiddelingsregister with one bemiddelingspecificatie per geïndiceerd zorgzwaartepakket
   → the aanbieder (``instelling``) gets ``NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER``.
3. **Zorgaanbieder** reads its allocation at the zorgkantoor's register (QBR-0001), reads the
   indication (QIR-0002: allowed by nID's PIP once the allocation exists) and registers a
   levering with a leveringperiode in its own Leveringsregister → the zorgkantoor gets
   ``NIEUWE_LEVERINGPERIODE_ZORGKANTOOR``.
4. **Zorgkantoor** reads the leveringperiode at the aanbieder's register (QLR-0006) and keeps
   the client's status per bemiddelingspecificatie. On ``NIEUWE_OVERDRACHT_ZORGKANTOOR`` the
   newly responsible zorgkantoor reads the overdracht (QBR-0007) and registers its own
   bemiddeling for the indication.

Every other notification is acknowledged and logged. A handler that fails leaves its item
unacknowledged, so the next round retries it; after ``max_attempts`` failures the item is
acknowledged with an error in the log. IDs of what the back offices register are derived
from the notification's IDs (:func:`stable_uuid`), so handling a notification twice (an ack
that got lost) finds the first registration (``BESTAAT``) instead of making a second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from iwlz.demo.queries import (
    QBR_0001,
    QBR_0007,
    QIR_0001,
    QIR_0002,
    QLR_0006,
    REGISTREER_BEMIDDELING,
    REGISTREER_INDICATIE,
    REGISTREER_LEVERING,
)
from iwlz.nid.demo import CIZ, demo_aanbieder_agbs, demo_participants
from iwlz.nid.keys import KeyError_
from iwlz.nid.netwerk import NetworkClient, NetworkError, PolicyDenied
from iwlz.nid.participants import (
    SCOPE_BR_CREATE,
    SCOPE_BR_READ,
    SCOPE_IR_CREATE,
    SCOPE_IR_READ,
    SCOPE_LR_CREATE,
    SCOPE_LR_READ,
)

__all__ = [
    "BackOffice",
    "BackofficeError",
    "BackofficeNetwork",
    "BspecStatus",
    "CizDriver",
    "Registered",
    "RoundResult",
    "Zorgaanbieder",
    "Zorgkantoor",
    "default_participants",
    "leveringsvorm_voor",
    "stable_uuid",
    "start_in_background",
    "wait_until_up",
]

log = logging.getLogger("iwlz.demo.backoffice")

IR_PATH = "/indicatieregister/graphql"
IR_BEHEER_PATH = "/indicatieregister/beheer/graphql"


def br_path(uzovi: str) -> str:
    return f"/bemiddelingsregister/{uzovi}/graphql"


def br_beheer_path(uzovi: str) -> str:
    return f"/bemiddelingsregister/{uzovi}/beheer/graphql"


def lr_path(agb: str) -> str:
    return f"/leveringsregister/{agb}/graphql"


def lr_beheer_path(agb: str) -> str:
    return f"/leveringsregister/{agb}/beheer/graphql"


# COD999 voorkeurClient → COD578 leveringsvorm. The demo allocates care in kind (an instelling
# delivers it): a preference that includes a PGB keeps its in-kind part, a pure PGB or "zorg
# thuis" becomes MPT. No preference: Verblijf.
_LEVERINGSVORM = {
    "2": "7",  # PGB → MPT (the in-kind allocation the demo's aanbieder can deliver)
    "3": "7",  # zorg thuis (n.n.g.) → MPT
    "4": "4",  # verblijf
    "5": "5",  # VPT
    "6": "7",  # PGB/MPT → MPT
    "7": "7",  # MPT
    "8": "5",  # VPT/PGB → VPT
    "9": "4",  # verblijf/PGB → verblijf
    "10": "8",  # DTV
}
VERBLIJF = "4"
SOORT_TOEWIJZING_REGULIER = "1"  # COD165
EINDE_ZORGVRAAG = "5"  # COD167 leveringsstatus: not taken over
MAX_STATUS = 5_000
"""Bemiddelingspecificaties a zorgkantoor's in-memory status keeps (a long-running demo)."""
# COD998 financiering "3" (subsidieregeling) / "4" (anders): an administrative allocation.
_SOORT_TOEWIJZING = {"3": "5", "4": "5"}


# What an AW33 for the same allocation carries (CD040, CD050, CD052, CD073), so the demo's
# registers export to messages that pass every rule (`iwlz berichten export aw33`).
_OPNAME_VORMEN = frozenset({"4", "8"})
_DOSSIERHOUDER_VORMEN = frozenset({"4", "5", "8", "9"})
_COORDINATOR_VORMEN = frozenset({"7"})
PGB = "2"


def _zoals_een_aw33(spec: dict[str, Any], regiehouders: list[dict[str, Any]]) -> None:
    """Fill in what a zorgkantoor's AW33 states for this allocation: the whole share (100 %)
    outside a PGB, Opname for Verblijf/DTV, and the aanbieder as dossierhouder (or
    coördinator zorg thuis for MPT) over the allocation's period."""
    vorm = spec["leveringsvorm"]
    if vorm != PGB:
        spec["percentage"] = 100
    if vorm in _OPNAME_VORMEN:
        spec["opname"] = "1"
    rol = (
        "Dossierhouder"
        if vorm in _DOSSIERHOUDER_VORMEN
        else "CoordinatorZorgThuis"
        if vorm in _COORDINATOR_VORMEN
        else None
    )
    if rol and spec.get("instelling"):
        regie: dict[str, Any] = {
            "instelling": spec["instelling"],
            "ingangsdatum": spec["toewijzingIngangsdatum"],
            "regierol": rol,
        }
        if spec.get("toewijzingEinddatum"):
            regie["einddatum"] = spec["toewijzingEinddatum"]
        regiehouders.append(regie)


def leveringsvorm_voor(voorkeur_client: str | None) -> str:
    """COD578 leveringsvorm for a zorgzwaartepakket's COD999 ``voorkeurClient``."""
    return _LEVERINGSVORM.get(voorkeur_client or "", VERBLIJF)


def stable_uuid(*parts: str) -> str:
    """A UUID (version-4 layout) derived from ``parts``: the same notification handled twice
    gives the same IDs, and the register answers ``BESTAAT`` the second time."""
    digest = hashlib.sha256("|".join(("iwlz-demo-backoffice", *parts)).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _record(item: Mapping[str, Any], kind: str, *, field_: str = "recordID") -> str:
    """The ID of the first ``<kind>/<id>`` in the item's subjectList (``field_`` recordID or
    subject)."""
    for s in item.get("subjectList") or []:
        value = str(s.get(field_) or "")
        prefix, _, ident = value.partition("/")
        if prefix.lower() == kind.lower() and ident:
            return ident
    raise BackofficeError(f"no {kind}/<id> in the {field_} of {item.get('subjectList')}")


def _short_id(value: str) -> str:
    return value[:8]


class BackofficeError(RuntimeError):
    """A notification could not be handled (the item stays in the inbox for a retry)."""


def _check_result(result: Mapping[str, Any], what: str) -> bool:
    """True when the write succeeded, False when its IDs already exist (handled before);
    raises on any other refusal."""
    if result.get("geslaagd"):
        return True
    fouten = result.get("fouten") or []
    if fouten and all(f.get("code") == "BESTAAT" for f in fouten):
        return False
    raise BackofficeError(
        f"{what} refused: "
        + "; ".join(f"{f.get('veld')} {f.get('code')}: {f.get('melding')}" for f in fouten)
    )


# -- results and status ----------------------------------------------------------------------


@dataclass
class RoundResult:
    """What one participant's round did."""

    participant: str
    seen: int = 0
    handled: int = 0
    failed: int = 0
    given_up: int = 0
    error: str | None = None


@dataclass
class BspecStatus:
    """A zorgkantoor's view of one of its bemiddelingspecificaties."""

    bemiddelingspecificatieID: str
    wlzIndicatieID: str
    bsn: str
    instelling: str | None
    zzpCode: str
    toewijzingIngangsdatum: str
    status: str = "bemiddeld"
    sinds: str | None = None
    tot: str | None = None
    leveringperiodeID: str | None = None

    def line(self) -> str:
        where = f"AGB {self.instelling}" if self.instelling else "(geen instelling)"
        ref = f"(zzp {self.zzpCode}, bspec {_short_id(self.bemiddelingspecificatieID)})"
        if self.status == "in zorg":
            tot = f" tot {self.tot}" if self.tot else ""
            return f"client {self.bsn} in zorg bij {where} sinds {self.sinds}{tot} {ref}"
        if self.status == "uit zorg":
            return f"client {self.bsn} was in zorg bij {where} {self.sinds} – {self.tot} {ref}"
        return (
            f"client {self.bsn} {self.status} bij {where} per {self.toewijzingIngangsdatum} {ref}"
        )


Say = Callable[[str], None]


def _quiet(_line: str) -> None:
    return None


def _no_nudge(_participant: str) -> None:
    return None


# -- the back offices -------------------------------------------------------------------------


Handler = Callable[[dict[str, Any]], None]


class BackOffice:
    """One participant's back office: poll the inbox, handle, acknowledge."""

    def __init__(
        self, client: NetworkClient, *, max_attempts: int = 5, say: Say | None = None
    ) -> None:
        self.client = client
        self.max_attempts = max(1, max_attempts)
        self.say = say or _quiet
        self._attempts: dict[str, int] = {}
        self.handlers: dict[str, Handler] = {}
        self.nudge: Callable[[str], None] = _no_nudge
        """Called with a participant (``AGB:12345678``) this office just sent work to: the
        network then reads that participant's inbox in its next round."""

    @property
    def name(self) -> str:
        return self.client.participant

    def _tell(self, line: str) -> None:
        # With a ``say`` the line is shown already; the log then only has it at DEBUG.
        log.log(logging.INFO if self.say is _quiet else logging.DEBUG, "%s: %s", self.name, line)
        self.say(f"{self.name}: {line}")

    def run_once(self) -> RoundResult:
        """Read the new inbox items, handle each, acknowledge the ones that are done."""
        result = RoundResult(self.name)
        try:
            items = self.client.inbox()
        except NetworkError as exc:
            result.error = str(exc)
            log.warning("%s: inbox not readable: %s", self.name, exc)
            return result
        result.seen = len(items)
        done: list[str] = []
        for item in items:
            item_id = str(item.get("itemID"))
            event_type = str(item.get("eventType"))
            try:
                self.handle(item)
            except Exception as exc:  # one bad item never stops the loop
                n = self._attempts[item_id] = self._attempts.get(item_id, 0) + 1
                if n >= self.max_attempts:
                    log.error(
                        "%s: %s (item %s) failed %d times, acknowledged without handling: %s",
                        self.name,
                        event_type,
                        item_id,
                        n,
                        exc,
                    )
                    self.say(f"{self.name}: GAVE UP on {event_type} after {n} attempts: {exc}")
                    self._attempts.pop(item_id, None)
                    done.append(item_id)
                    result.given_up += 1
                else:
                    log.warning(
                        "%s: %s (item %s) failed (attempt %d/%d), retried next round: %s",
                        self.name,
                        event_type,
                        item_id,
                        n,
                        self.max_attempts,
                        exc,
                    )
                    result.failed += 1
                continue
            self._attempts.pop(item_id, None)
            done.append(item_id)
            result.handled += 1
        if done:
            try:
                self.client.ack(done)
            except NetworkError as exc:
                # The handlers are idempotent: the items come back and are handled again.
                log.warning("%s: ack failed, the items come back: %s", self.name, exc)
                result.error = str(exc)
        return result

    def handle(self, item: dict[str, Any]) -> None:
        event_type = str(item.get("eventType"))
        handler = self.handlers.get(event_type)
        if handler is None:
            records = ", ".join(str(s.get("recordID")) for s in item.get("subjectList") or [])
            self._tell(
                f"{event_type} from {item.get('afzenderIDType')}/{item.get('afzenderID')} "
                f"({records}): acknowledged"
            )
            return
        handler(item)


class Zorgkantoor(BackOffice):
    """A zorgkantoor: bemiddelt new indications, follows the leveringen, takes over."""

    def __init__(
        self,
        client: NetworkClient,
        *,
        aanbieders: Sequence[str] | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        max_attempts: int = 5,
        say: Say | None = None,
    ) -> None:
        super().__init__(client, max_attempts=max_attempts, say=say)
        self.uzovi = client.id_value
        self.today = today
        self.aanbieders = list(aanbieders if aanbieders is not None else demo_aanbieder_agbs())
        self.status: dict[str, BspecStatus] = {}
        """Per bemiddelingspecificatie, oldest first (at most :data:`MAX_STATUS`)."""
        self.handlers.update(
            {
                "NIEUWE_INDICATIE_ZORGKANTOOR": self.nieuwe_indicatie,
                "NIEUWE_LEVERINGPERIODE_ZORGKANTOOR": self.nieuwe_leveringperiode,
                "NIEUWE_OVERDRACHT_ZORGKANTOOR": self.nieuwe_overdracht,
                "VERVALLEN_INDICATIE_ZORGKANTOOR": self.vervallen_indicatie,
            }
        )

    # -- choices a zorgkantoor makes ----------------------------------------------------------

    def kies_instelling(self, wlz_id: str, zzp: Mapping[str, Any]) -> str | None:
        """The client's preferred instelling when it is on the network, else a fixed pick."""
        voorkeur = zzp.get("instellingVoorkeur")
        if voorkeur and voorkeur in self.aanbieders:
            return str(voorkeur)
        if not self.aanbieders:
            return None
        key = f"{wlz_id}|{zzp.get('geindiceerdZorgzwaartepakketID')}".encode()
        return self.aanbieders[int(hashlib.sha256(key).hexdigest(), 16) % len(self.aanbieders)]

    def bemiddeling_voor(self, indicatie: Mapping[str, Any]) -> dict[str, Any]:
        """The BemiddelingInput for a new indication (read with QIR-0001)."""
        wlz_id = str(indicatie["wlzindicatieID"])
        client = indicatie.get("client") or {}
        vastgesteld = _now()
        bspecs: list[dict[str, Any]] = []
        regiehouders: list[dict[str, Any]] = []
        for zzp in indicatie.get("geindiceerdZorgzwaartepakket") or []:
            gzp_id = str(zzp.get("geindiceerdZorgzwaartepakketID"))
            spec: dict[str, Any] = {
                "bemiddelingspecificatieID": stable_uuid("bspec", self.uzovi, wlz_id, gzp_id),
                "leveringsvorm": leveringsvorm_voor(zzp.get("voorkeurClient")),
                "zzpCode": zzp["zzpCode"],
                "toewijzingIngangsdatum": zzp.get("ingangsdatum") or indicatie["ingangsdatum"],
                "uitvoerendZorgkantoor": self.uzovi,
                "vaststellingMoment": vastgesteld,
                "soortToewijzing": _SOORT_TOEWIJZING.get(
                    str(zzp.get("financiering")), SOORT_TOEWIJZING_REGULIER
                ),
            }
            instelling = self.kies_instelling(wlz_id, zzp)
            if instelling:
                spec["instelling"] = instelling
            if zzp.get("einddatum"):
                spec["toewijzingEinddatum"] = zzp["einddatum"]
            _zoals_een_aw33(spec, regiehouders)
            bspecs.append(spec)
        bemiddeling: dict[str, Any] = {
            "bemiddelingID": stable_uuid("bemiddeling", self.uzovi, wlz_id),
            "wlzIndicatieID": wlz_id,
            "verantwoordelijkZorgkantoor": self.uzovi,
            "verantwoordelijkheidIngangsdatum": indicatie["ingangsdatum"],
            "client": _br_client(
                bsn=client.get("bsn") or indicatie["bsn"],
                leefeenheid=client.get("leefeenheid"),
                huisarts=client.get("agbcodeHuisarts"),
                communicatievorm=client.get("communicatieVorm"),
                taal=client.get("taal"),
            ),
            "bemiddelingspecificatie": bspecs,
        }
        if regiehouders:
            bemiddeling["regiehouder"] = regiehouders
        if indicatie.get("einddatum"):
            bemiddeling["verantwoordelijkheidEinddatum"] = indicatie["einddatum"]
        return bemiddeling

    # -- handlers -----------------------------------------------------------------------------

    def nieuwe_indicatie(self, item: dict[str, Any]) -> None:
        wlz_id = _record(item, "WlzIndicatie")
        data = self.client.graphql(
            IR_PATH,
            SCOPE_IR_READ,
            QIR_0001,
            {"wlzIndicatieID": wlz_id, "initieelVerantwoordelijkZorgkantoor": self.uzovi},
        )
        rows = data.get("wlzIndicatie") or []
        if not rows:
            # Deleted since, or not ours: nothing to bemiddel.
            self._tell(f"indication {_short_id(wlz_id)} not found with QIR-0001: nothing to do")
            return
        indicatie = rows[0]
        bemiddeling = self.bemiddeling_voor(indicatie)
        self._registreer(bemiddeling, f"indication {_short_id(wlz_id)}")

    def _registreer(self, bemiddeling: dict[str, Any], why: str) -> None:
        data = self.client.graphql(
            br_beheer_path(self.uzovi),
            SCOPE_BR_CREATE,
            REGISTREER_BEMIDDELING,
            {"b": bemiddeling},
        )
        new = _check_result(data.get("registreerBemiddeling") or {}, "registreerBemiddeling")
        bsn = str(bemiddeling["client"]["bsn"])
        for spec in bemiddeling.get("bemiddelingspecificatie") or []:
            if spec.get("instelling"):
                self.nudge(f"AGB:{spec['instelling']}")
        for spec in bemiddeling.get("bemiddelingspecificatie") or []:
            self.status.setdefault(
                spec["bemiddelingspecificatieID"],
                BspecStatus(
                    bemiddelingspecificatieID=spec["bemiddelingspecificatieID"],
                    wlzIndicatieID=bemiddeling["wlzIndicatieID"],
                    bsn=bsn,
                    instelling=spec.get("instelling"),
                    zzpCode=spec["zzpCode"],
                    toewijzingIngangsdatum=str(spec["toewijzingIngangsdatum"]),
                ),
            )
        self._trim()
        allocations = ", ".join(
            f"zzp {s['zzpCode']} → AGB {s.get('instelling') or '-'} "
            f"(leveringsvorm {s['leveringsvorm']}) per {s['toewijzingIngangsdatum']}"
            for s in bemiddeling.get("bemiddelingspecificatie") or []
        )
        if new:
            self._tell(
                f"{why}: bemiddeling {_short_id(bemiddeling['bemiddelingID'])} for client "
                f"{bsn} registered: {allocations or 'no zorgzwaartepakket'}"
            )
        else:
            self._tell(
                f"{why}: bemiddeling {_short_id(bemiddeling['bemiddelingID'])} was already "
                "registered"
            )

    def nieuwe_leveringperiode(self, item: dict[str, Any]) -> None:
        periode_id = _record(item, "Leveringperiode")
        bspec_id = _record(item, "Levering", field_="subject")
        agb = str(item.get("afzenderID"))
        data = self.client.graphql(
            lr_path(agb),
            SCOPE_LR_READ,
            QLR_0006,
            {"leveringperiodeID": periode_id, "bemiddelingspecificatieID": bspec_id},
        )
        rows = data.get("leveringperiode") or []
        if not rows:
            raise BackofficeError(
                f"leveringperiode {periode_id} of bspec {bspec_id} not found at AGB {agb}"
            )
        periode = rows[0]
        levering = periode.get("levering") or {}
        bsn = str((levering.get("client") or {}).get("bsn") or "?")
        sinds = str(periode.get("ingangsdatum"))
        status = self.status.get(bspec_id)
        if status is None:
            status = BspecStatus(
                bemiddelingspecificatieID=bspec_id,
                wlzIndicatieID="?",
                bsn=bsn,
                instelling=agb,
                zzpCode="?",
                toewijzingIngangsdatum="?",
            )
            self.status[bspec_id] = status
            self._trim()
        einde = periode.get("einddatum")
        status.status = "uit zorg" if einde and str(einde) < self.today().isoformat() else "in zorg"
        status.sinds = sinds
        status.tot = str(einde) if einde else None
        status.instelling = agb
        status.leveringperiodeID = periode_id
        ref = (
            f"(leveringperiode {_short_id(periode_id)}, bspec {_short_id(bspec_id)}, read "
            "with QLR-0006)"
        )
        if status.status == "uit zorg":
            self._tell(f"client {bsn} was in zorg bij AGB {agb} {sinds} – {einde} {ref}")
        else:
            tot = f" tot {einde}" if einde else ""
            self._tell(f"client {bsn} in zorg bij AGB {agb} sinds {sinds}{tot} {ref}")

    def nieuwe_overdracht(self, item: dict[str, Any]) -> None:
        overdracht_id = _record(item, "Overdracht")
        oud = str(item.get("afzenderID"))
        data = self.client.graphql(
            br_path(oud),
            SCOPE_BR_READ,
            QBR_0007,
            {"overdrachtID": overdracht_id, "verantwoordelijkZorgkantoor": self.uzovi},
        )
        rows = data.get("overdracht") or []
        if not rows:
            raise BackofficeError(f"overdracht {overdracht_id} not found at UZOVI {oud}")
        self._registreer(
            self.bemiddeling_na_overdracht(rows[0]),
            f"overdracht {_short_id(overdracht_id)} from UZOVI {oud}",
        )

    def bemiddeling_na_overdracht(self, overdracht: Mapping[str, Any]) -> dict[str, Any]:
        """Our own bemiddeling for the indication of an overdracht to us (read with QBR-0007):
        from the overdrachtDatum, with the allocations still running then."""
        bem = overdracht.get("bemiddeling") or {}
        wlz_id = str(bem["wlzIndicatieID"])
        start = str(overdracht["overdrachtDatum"])
        client = bem.get("client") or {}
        vastgesteld = _now()
        bspecs: list[dict[str, Any]] = []
        regie: list[dict[str, Any]] = []
        for spec in overdracht.get("overdrachtspecificatie") or []:
            oud = spec.get("bemiddelingspecificatie") or {}
            if not oud.get("zzpCode") or spec.get("leveringsstatus") == EINDE_ZORGVRAAG:
                continue
            eind = oud.get("toewijzingEinddatum")
            if eind and str(eind) < start:
                continue  # ended before the overdracht
            new: dict[str, Any] = {
                "bemiddelingspecificatieID": stable_uuid(
                    "bspec-overdracht", self.uzovi, str(oud["bemiddelingspecificatieID"])
                ),
                "leveringsvorm": oud.get("leveringsvorm") or VERBLIJF,
                "zzpCode": oud["zzpCode"],
                "toewijzingIngangsdatum": max(start, str(oud.get("toewijzingIngangsdatum"))),
                "uitvoerendZorgkantoor": self.uzovi,
                "vaststellingMoment": vastgesteld,
                "soortToewijzing": oud.get("soortToewijzing") or SOORT_TOEWIJZING_REGULIER,
            }
            if oud.get("instelling"):
                new["instelling"] = oud["instelling"]
            if eind:
                new["toewijzingEinddatum"] = eind
            _zoals_een_aw33(new, regie)
            bspecs.append(new)
        out: dict[str, Any] = {
            "bemiddelingID": stable_uuid("bemiddeling", self.uzovi, wlz_id),
            "wlzIndicatieID": wlz_id,
            "verantwoordelijkZorgkantoor": self.uzovi,
            "verantwoordelijkheidIngangsdatum": start,
            "client": _br_client(
                bsn=client.get("bsn"),
                leefeenheid=client.get("leefeenheid"),
                huisarts=client.get("huisarts"),
                communicatievorm=client.get("communicatievorm"),
                taal=client.get("taal"),
            ),
            "bemiddelingspecificatie": bspecs,
        }
        if regie:
            out["regiehouder"] = regie
        if bem.get("verantwoordelijkheidEinddatum"):
            out["verantwoordelijkheidEinddatum"] = bem["verantwoordelijkheidEinddatum"]
        return out

    def vervallen_indicatie(self, item: dict[str, Any]) -> None:
        wlz_id = _record(item, "WlzIndicatie")
        self._tell(f"indication {_short_id(wlz_id)}: vervaldatum set or changed (noted)")

    def status_lines(self) -> list[str]:
        return [s.line() for s in self.status.values()]

    def _trim(self) -> None:
        while len(self.status) > MAX_STATUS:
            del self.status[next(iter(self.status))]


def _br_client(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, "")}


class Zorgaanbieder(BackOffice):
    """A zorgaanbieder (instelling): takes on its allocations and registers the levering."""

    def __init__(
        self,
        client: NetworkClient,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        max_attempts: int = 5,
        say: Say | None = None,
    ) -> None:
        super().__init__(client, max_attempts=max_attempts, say=say)
        self.agb = client.id_value
        self.today = today
        self.indicaties_gelezen = 0
        self.indicaties_geweigerd = 0
        self.handlers["NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER"] = self.nieuwe_bspec

    def nieuwe_bspec(self, item: dict[str, Any]) -> None:
        bspec_id = _record(item, "Bemiddelingspecificatie")
        zk = str(item.get("afzenderID"))
        data = self.client.graphql(
            br_path(zk),
            SCOPE_BR_READ,
            QBR_0001,
            {"bemiddelingspecificatieID": bspec_id, "instelling": self.agb},
        )
        rows = data.get("bemiddelingspecificatie") or []
        if not rows:
            raise BackofficeError(f"bemiddelingspecificatie {bspec_id} not found at UZOVI {zk}")
        spec = rows[0]
        bem = spec.get("bemiddeling") or {}
        client = bem.get("client") or {}
        wlz_id = str(bem.get("wlzIndicatieID"))
        self._lees_indicatie(wlz_id)
        levering = self.levering_voor(spec)
        data = self.client.graphql(
            lr_beheer_path(self.agb), SCOPE_LR_CREATE, REGISTREER_LEVERING, {"l": levering}
        )
        new = _check_result(data.get("registreerLevering") or {}, "registreerLevering")
        for zk in {levering["verantwoordelijkZorgkantoor"], levering["uitvoerendZorgkantoor"]}:
            if zk:
                self.nudge(f"UZOVI:{zk}")
        periodes = levering.get("leveringperiodes") or []
        start = periodes[0]["ingangsdatum"] if periodes else spec.get("toewijzingIngangsdatum")
        self._tell(
            f"allocation zzp {spec.get('zzpCode')} from UZOVI {zk} for client "
            f"{client.get('bsn')}: levering {'registered' if new else 'was already registered'}"
            f", in zorg per {start} (bspec {_short_id(bspec_id)})"
        )

    def _lees_indicatie(self, wlz_id: str) -> None:
        """QIR-0002: the aanbieder reads the indication of its allocation (only to show it
        can; a refusal is logged, not fatal)."""
        try:
            data = self.client.graphql(
                IR_PATH,
                SCOPE_IR_READ,
                QIR_0002,
                {"wlzIndicatieID": wlz_id, "agbCodeInstelling": self.agb},
            )
        except PolicyDenied as exc:
            self.indicaties_geweigerd += 1
            log.info("%s: QIR-0002 for %s refused: %s", self.name, wlz_id, exc)
            self._tell(f"QIR-0002 for indication {_short_id(wlz_id)} refused (403)")
            return
        except NetworkError as exc:
            log.warning("%s: QIR-0002 for %s failed: %s", self.name, wlz_id, exc)
            return
        rows = data.get("wlzIndicatie") or []
        self.indicaties_gelezen += 1
        if rows:
            zzps = ", ".join(
                str(z.get("zzpCode")) for z in rows[0].get("geindiceerdZorgzwaartepakket") or []
            )
            self._tell(f"read indication {_short_id(wlz_id)} with QIR-0002 (zzp {zzps})")

    def levering_voor(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """The LeveringInput for an allocation read with QBR-0001: one leveringperiode from
        the toewijzingIngangsdatum (ended with the allocation when that lies in the past)."""
        bspec_id = str(spec["bemiddelingspecificatieID"])
        bem = spec.get("bemiddeling") or {}
        client = bem.get("client") or {}
        periode: dict[str, Any] = {
            "leveringperiodeID": stable_uuid("leveringperiode", self.agb, bspec_id),
            "ingangsdatum": spec["toewijzingIngangsdatum"],
            "vaststellingMoment": _now(),
        }
        eind = spec.get("toewijzingEinddatum")
        if eind and str(eind) < self.today().isoformat():
            periode["einddatum"] = eind
        return {
            "leveringID": stable_uuid("levering", self.agb, bspec_id),
            "bemiddelingspecificatieID": bspec_id,
            "verantwoordelijkZorgkantoor": bem.get("verantwoordelijkZorgkantoor"),
            "uitvoerendZorgkantoor": spec.get("uitvoerendZorgkantoor"),
            "client": {"bsn": client.get("bsn")},
            "leveringperiodes": [periode],
        }


# -- the CIZ driver ---------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Registered:
    wlzindicatieID: str
    zorgkantoor: str
    bsn: str


class CizDriver:
    """The "levende demo": the CIZ registers synthetic indications through its beheer API.

    ``seed`` picks the synthetic population (default: from the clock, so a restarted demo
    does not repeat the IDs of an earlier run); each call takes the next client of it.
    """

    def __init__(
        self,
        client: NetworkClient,
        *,
        seed: int | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        say: Say | None = None,
    ) -> None:
        self.client = client
        self.seed = seed if seed is not None else 1_000 + int(time.time()) % 1_000_000
        self.today = today
        self.say = say or _quiet
        self.index = 0

    def register_one(self) -> Registered:
        from iwlz.demo.synthetic import generate

        last: Exception | None = None
        for _ in range(5):
            synthetic = next(
                iter(generate(1, seed=self.seed, today=self.today(), start_index=self.index))
            )
            self.index += 1
            data = self.client.graphql(
                IR_BEHEER_PATH,
                SCOPE_IR_CREATE,
                REGISTREER_INDICATIE,
                {"i": _jsonable(synthetic.indicatie)},
            )
            result = data.get("registreerWlzIndicatie") or {}
            try:
                if not _check_result(result, "registreerWlzIndicatie"):
                    continue  # this client exists already (same seed as before): the next one
            except BackofficeError as exc:
                last = exc
                continue
            ind = result.get("wlzIndicatie") or {}
            done = Registered(
                str(ind.get("wlzindicatieID")),
                str(ind.get("initieelVerantwoordelijkZorgkantoor")),
                synthetic.bsn,
            )
            log.info("CIZ registered %s for UZOVI %s", done.wlzindicatieID, done.zorgkantoor)
            self.say(
                f"{CIZ}: registered indication {_short_id(done.wlzindicatieID)} for client "
                f"{done.bsn} → zorgkantoor {done.zorgkantoor}"
            )
            return done
        raise BackofficeError(f"the CIZ could not register a synthetic indication: {last}")


# -- all of them ------------------------------------------------------------------------------


def default_participants() -> list[str]:
    """Every demo zorgkantoor and zorgaanbieder."""
    return [p.identifier for p in demo_participants() if p.type in ("zorgkantoor", "zorgaanbieder")]


@dataclass
class BackofficeNetwork:
    """The back offices of many participants on one network, run round by round.

    Polling every inbox every round would fill the audit log (each inbox read is audited), so
    :meth:`run` polls a participant every ``interval`` seconds while it has work and backs off
    to ``idle_max`` seconds when its inbox stays empty. A participant another back office just
    sent work to (a bemiddeling for an aanbieder, a levering for a zorgkantoor, an indication
    the CIZ driver registered) is read in the very next round.
    """

    base_url: str
    keys_dir: Path
    participants: Sequence[str] | None = None
    max_attempts: int = 5
    say: Say = _quiet
    http: httpx.Client | None = None
    idle_max: float = 30.0
    offices: list[BackOffice] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.http = self.http or httpx.Client(timeout=15.0)
        self._due: dict[str, float] = {}
        self._idle: dict[str, float] = {}
        self._lock = threading.Lock()
        strict = self.participants is not None
        chosen = self.participants if self.participants is not None else default_participants()
        for participant in chosen:
            try:
                client = NetworkClient.demo(
                    participant, base_url=self.base_url, keys_dir=self.keys_dir, http=self.http
                )
            except (OSError, ValueError, KeyError_) as exc:
                if strict:
                    raise ValueError(f"{participant}: no demo key ({exc})") from exc
                self.skipped.append(participant)
                continue
            office = self._office(client)
            office.nudge = self.nudge
            self.offices.append(office)

    def _office(self, client: NetworkClient) -> BackOffice:
        if client.id_type == "UZOVI":
            return Zorgkantoor(client, max_attempts=self.max_attempts, say=self.say)
        if client.id_type == "AGB":
            return Zorgaanbieder(client, max_attempts=self.max_attempts, say=self.say)
        return BackOffice(client, max_attempts=self.max_attempts, say=self.say)

    def office(self, participant: str) -> BackOffice:
        wanted = participant.upper()
        for o in self.offices:
            if o.name == wanted:
                return o
        raise KeyError(participant)

    def nudge(self, participant: str) -> None:
        """Read ``participant``'s inbox in the next round (work was just sent to it)."""
        with self._lock:
            self._due[participant.upper()] = 0.0
            self._idle.pop(participant.upper(), None)

    def driver(self, *, seed: int | None = None) -> CizDriver:
        client = NetworkClient.demo(
            CIZ, base_url=self.base_url, keys_dir=self.keys_dir, http=self.http
        )
        return CizDriver(client, seed=seed, say=self.say)

    def run_once(self) -> list[RoundResult]:
        """One round: every participant reads and handles its inbox once (zorgkantoren first,
        then the aanbieders, in a fixed order)."""
        return [o.run_once() for o in self.offices]

    def run_due(self, interval: float) -> list[RoundResult]:
        """One round of the participants whose turn it is (see the class docstring)."""
        results: list[RoundResult] = []
        for office in self.offices:
            with self._lock:
                due = self._due.get(office.name, 0.0)
            if time.monotonic() < due:
                continue
            result = office.run_once()
            results.append(result)
            with self._lock:
                if result.seen or result.error:
                    idle = interval
                else:
                    idle = min(self.idle_max, max(interval, self._idle.get(office.name, 0.0) * 2))
                self._idle[office.name] = idle
                # A nudge during the round (work sent to this office) wins.
                if self._due.get(office.name, 0.0) == due:
                    self._due[office.name] = time.monotonic() + idle
        return results

    def run(
        self,
        *,
        interval: float = 2.0,
        stop: threading.Event | None = None,
        drive: float | None = None,
        driver: CizDriver | None = None,
        rounds: int | None = None,
    ) -> None:
        """Rounds every ``interval`` seconds until ``stop`` is set (or ``rounds`` are done);
        with ``drive``, the CIZ registers a new synthetic indication every ``drive`` seconds."""
        stop = stop or threading.Event()
        if drive and driver is None:
            driver = self.driver()
        next_drive = time.monotonic()
        done = 0
        while not stop.is_set():
            if drive and driver is not None and time.monotonic() >= next_drive:
                try:
                    registered = driver.register_one()
                    self.nudge(f"UZOVI:{registered.zorgkantoor}")
                except Exception as exc:  # the demo keeps running
                    log.warning("CIZ driver: %s", exc)
                    self.say(f"{CIZ}: registering failed: {exc}")
                next_drive = time.monotonic() + drive
            started = time.monotonic()
            try:
                self.run_due(interval)
            except Exception:  # pragma: no cover - run_once catches per item already
                log.exception("back office round failed")
            done += 1
            if rounds is not None and done >= rounds:
                return
            stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def status_lines(self) -> list[str]:
        out: list[str] = []
        for o in self.offices:
            if isinstance(o, Zorgkantoor):
                out += [f"{o.name}: {line}" for line in o.status_lines()]
        return out

    def close(self) -> None:
        if self.http is not None:
            self.http.close()


def wait_until_up(base_url: str, timeout: float = 60.0) -> bool:
    """Wait for ``GET /healthz`` to answer 200 (the server of ``iwlz demo`` is starting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base_url.rstrip("/") + "/healthz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.25 + random.random() * 0.25)
    return False


def start_in_background(
    base_url: str,
    keys_dir: Path,
    *,
    participants: Iterable[str] | None = None,
    interval: float = 2.0,
    drive: float | None = None,
    say: Say | None = None,
) -> tuple[threading.Thread, threading.Event]:
    """Run the back offices in a daemon thread once the server answers (for ``iwlz demo``).
    Set the returned event to stop them."""
    stop = threading.Event()

    def main() -> None:
        if not wait_until_up(base_url):
            log.error("back offices: %s did not come up; not started", base_url)
            return
        network = BackofficeNetwork(
            base_url,
            keys_dir,
            participants=list(participants) if participants is not None else None,
            say=say or _quiet,
        )
        try:
            network.run(interval=interval, stop=stop, drive=drive)
        finally:
            network.close()

    thread = threading.Thread(target=main, name="iwlz-backoffice", daemon=True)
    thread.start()
    return thread, stop
