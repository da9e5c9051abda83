"""The signalen jobs inside ``iwlz serve``: copy sync, the daily run, the purge.

One daemon thread. It stays idle until the signalen service's participant is registered and
active in nID (so a network without the service runs nothing). Then, every
``IWLZ_SIGNALEN_SYNC_SECONDS``, it makes sure the subscription exists and reads the inbox; once
a day, at ``IWLZ_SIGNALEN_RUN_TIME`` (Dutch time) or at the first chance after it, it reads the
inbox once more (both stores refreshed, spec §1.5), runs the matching for today and purges.
A failure is logged and retried at the next tick; the run is idempotent, so retrying is safe.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from iwlz.nid.participants import ParticipantRegistry
from iwlz.signalen.bewaren import purge
from iwlz.signalen.dienst import SignalenDienst
from iwlz.signalen.kopie import KopieWlzRegister
from iwlz.signalen.netwerk import SignalenNetwerk

__all__ = ["SignalenScheduler", "due"]

log = logging.getLogger("iwlz.signalen")


def _nl_now(now: dt.datetime) -> dt.datetime:
    try:
        from zoneinfo import ZoneInfo

        return now.astimezone(ZoneInfo("Europe/Amsterdam"))
    except Exception:  # no tzdata: CET is close enough for a daily job
        return now.astimezone(dt.timezone(dt.timedelta(hours=1)))


def due(now: dt.datetime, run_time: str, last_run: dt.date | None) -> dt.date | None:
    """The signaaldatum to run now, or None: today (Dutch date) once its run time passed and
    it has not run yet."""
    local = _nl_now(now)
    hour, minute = (int(x) for x in run_time.split(":"))
    if (local.hour, local.minute) < (hour, minute):
        return None
    today = local.date()
    return today if last_run is None or last_run < today else None


class SignalenScheduler:
    """Runs the jobs on a daemon thread; :meth:`stop` ends it."""

    def __init__(
        self,
        dienst: SignalenDienst,
        participants: ParticipantRegistry,
        *,
        netwerk_factory: Callable[[], SignalenNetwerk] | None = None,
    ) -> None:
        self.dienst = dienst
        self.participants = participants
        self.netwerk_factory = netwerk_factory or (
            lambda: SignalenNetwerk.from_settings(dienst.settings)
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._kopie: KopieWlzRegister | None = None
        self._geabonneerd = False

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="signalen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._kopie is not None and self._kopie.netwerk is not None:
            self._kopie.netwerk.close()

    def _actief(self) -> bool:
        found = self.participants.get(self.dienst.settings.signalen_client_id.lower())
        return found is not None and found.active

    def tick(self) -> None:
        """One round (also used by tests)."""
        if not self._actief():
            return
        if self._kopie is None:
            self._kopie = KopieWlzRegister(
                self.dienst.engine, self.netwerk_factory(), clock=self.dienst.clock
            )
        if not self._geabonneerd:
            self._kopie.abonneer()
            self._geabonneerd = True
            if not self._kopie.aantal():
                # A new service (or a lost copy): the notifications only tell of changes from
                # now on, so first read the whole register once.
                n, _ = self._kopie.resync()
                log.warning("signalen: kopie Wlz register filled by resync: %d indication(s)", n)
        self._kopie.verwerk_inbox()
        datum = due(
            self.dienst.clock.now(),
            self.dienst.settings.signalen_run_time,
            self.dienst.matcher.laatste_run(),
        )
        if datum is not None:
            self._kopie.verwerk_inbox()
            result = self.dienst.matcher.run(datum)
            log.warning(
                "signalen: daily run %s: %d new signal(s) for %d gemeente(n)",
                datum,
                result.nieuw,
                len(result.nieuw_per_gemeente),
            )
            purge(
                self.dienst.engine,
                months=self.dienst.settings.signalen_bewaar_maanden,
                clock=self.dienst.clock,
            )

    def _loop(self) -> None:
        while not self._stop.wait(self.dienst.settings.signalen_sync_seconds):
            try:
                self.tick()
            except Exception as exc:  # logged and retried next tick
                log.warning("signalen: job failed, retrying: %s", exc)
