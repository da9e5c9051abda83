"""Retention and purge (spec §1.8), run daily by the scheduler and by ``iwlz signalen purge``.

* signals: deleted ``signalen_bewaar_maanden`` (default 24) months after creation;
* signal keys: kept while the gemeente still delivers the Wmo record they are about (that is
  as long as they are needed for de-duplication), plus 30 days of grace so that a mistaken
  delivery corrected within a month does not offer old signals again;
* delivery reports (no BSNs): 30 days; the Wmo list itself has no history at all - a full
  delivery replaces it, so there is nothing older to keep;
* the Wlz copy: ``Nee`` rows (indications the CIZ withdrew) after the signal retention.

The nID audit log is append-only and hash-chained; its retention (BIO: 12 months) is nID's
and outside this job.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core.clock import Clock, SystemClock
from iwlz.signalen.models import signaal, signaal_sleutel, wlz_kopie, wmo_client, wmo_levering

__all__ = ["PurgeResultaat", "purge"]

log = logging.getLogger("iwlz.signalen")

GRACE_DAYS = 30
LEVERING_DAYS = 30


@dataclass(frozen=True)
class PurgeResultaat:
    signalen: int
    sleutels: int
    leveringen: int
    wlz_kopie: int


def _months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = m + 1
    # The same day of the month, or the month's last day when it has fewer days.
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(y, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def purge(engine: Engine, *, months: int = 24, clock: Clock | None = None) -> PurgeResultaat:
    """Delete what is past its retention; returns the counts."""
    clock = clock or SystemClock()
    now = clock.now()
    today = clock.today()
    signal_cutoff = dt.datetime.combine(_months_before(today, months), dt.time(), tzinfo=dt.UTC)
    grace = today - dt.timedelta(days=GRACE_DAYS)
    s = signaal_sleutel.c
    w = wmo_client.c
    with engine.begin() as conn:
        n_signalen = conn.execute(
            sa.delete(signaal).where(signaal.c.aangemaakt_op < signal_cutoff)
        ).rowcount
        still_delivered = (
            sa.select(sa.literal(1))
            .where(w.gemeentecode == s.gemeentecode, w.wmo_referentie == s.wmo_referentie)
            .exists()
        )
        n_sleutels = conn.execute(
            sa.delete(signaal_sleutel).where(s.aangemaakt_op < grace, ~still_delivered)
        ).rowcount
        n_leveringen = conn.execute(
            sa.delete(wmo_levering).where(
                wmo_levering.c.ontvangen_op < now - dt.timedelta(days=LEVERING_DAYS)
            )
        ).rowcount
        n_kopie = conn.execute(
            sa.delete(wlz_kopie).where(
                wlz_kopie.c.wlz_status == "Nee", wlz_kopie.c.bijgewerkt_op < signal_cutoff
            )
        ).rowcount
    result = PurgeResultaat(n_signalen, n_sleutels, n_leveringen, n_kopie)
    log.info("signalen purge", extra=result.__dict__)
    return result
