"""The address book (network.md §8) and the resolver senders use to find a receiver's endpoint.

Senders never hold endpoint constants: they ask :class:`AdresboekResolver` for
(OrganisatieID, Functionaliteit, systeemrolcode) in their environment and get an
:class:`~iwlz.adresboek.models.Endpoint`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.adresboek.models import (
    ROOT_KEY,
    AdresboekError,
    ElectronicService,
    Endpoint,
    EndpointNotFound,
    check_functionaliteit,
    check_omgeving,
    check_systeemrolcode,
    make_gegevensdienst_id,
    normalise_gegevensdienst_id,
    organisatie_id,
    validate_document,
    validate_entry,
)
from iwlz.adresboek.models import adresboek_service as table
from iwlz.config import Settings
from iwlz.core.clock import Clock, SystemClock

log = logging.getLogger("iwlz.adresboek")


@dataclass(frozen=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


def _from_row(row: Any) -> ElectronicService | None:
    try:
        service = validate_entry(row["entry"])
    except AdresboekError as exc:  # stored before a rule got stricter: skip it, loudly
        log.error("address-book row %s is skipped: %s", row["gegevensdienst_id"], exc)
        return None
    return service.with_times(row["created_at"], row["updated_at"])


def _canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


class Adresboek:
    """Storage of the network's address book, one row per ``ElectronicService``.

    Writes validate first and then change the database in one transaction. ``generation`` counts
    this object's writes, so a resolver in the same process sees them at once; writes by other
    processes reach :meth:`resource_uris` within ``cache_seconds``.
    """

    def __init__(
        self, engine: Engine, *, clock: Clock | None = None, cache_seconds: float = 5.0
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._generation = 0
        self._uris: tuple[float, int, frozenset[str]] | None = None

    @property
    def generation(self) -> int:
        """Increases after every write through this object."""
        return self._generation

    def _bump(self) -> None:
        with self._lock:
            self._generation += 1

    # -- reads ---------------------------------------------------------------------------

    def get(self, gegevensdienst_id: str) -> ElectronicService | None:
        key = normalise_gegevensdienst_id(gegevensdienst_id)
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(table).where(table.c.gegevensdienst_id == key))
                .mappings()
                .first()
            )
        return _from_row(row) if row else None

    def list(self, *, omgeving: str | None = None) -> list[ElectronicService]:
        """Every entry (of one environment when given), ordered by ``gegevensdienstId``."""
        env = check_omgeving(omgeving) if omgeving else None
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(table).order_by(table.c.gegevensdienst_id)).mappings()
            found = [s for s in map(_from_row, rows) if s is not None]
        if env:
            found = [s for s in found if s.gegevensdienst_id.endswith(f"_{env}")]
        return found

    def export(self) -> dict[str, Any]:
        """The whole address book in the network's format: ``{"electronicServices": [...]}``."""
        return {ROOT_KEY: [dict(s.document) for s in self.list()]}  # fresh copies per read

    def resource_uris(self) -> set[str]:
        """Every ``resourceEndpointuri``: the audiences nID may issue tokens for (§3.5 step 8)."""
        now = time.monotonic()
        cached = self._uris
        if cached and cached[1] == self._generation and now - cached[0] < self.cache_seconds:
            return set(cached[2])
        generation = self._generation
        uris = frozenset(r.resource_uri for s in self.list() for r in s.systeemrollen)
        self._uris = (now, generation, uris)
        return set(uris)

    # -- writes --------------------------------------------------------------------------

    def publish(self, entry: Mapping[str, Any]) -> ElectronicService:
        """Add an entry, or replace the entry with the same ``gegevensdienstId`` as a whole."""
        service = validate_entry(entry)
        with self.engine.begin() as conn:
            self._write(conn, [service], replace=False)
        self._bump()
        found = self.get(service.gegevensdienst_id)
        assert found is not None
        return found

    def remove(self, gegevensdienst_id: str) -> None:
        """Delete an entry; :class:`AdresboekError` when there is none."""
        key = normalise_gegevensdienst_id(gegevensdienst_id)
        with self.engine.begin() as conn:
            done = conn.execute(table.delete().where(table.c.gegevensdienst_id == key))
        if done.rowcount == 0:
            raise AdresboekError(
                f"the address book has no entry {key}; `iwlz adresboek list` shows what it has"
            )
        self._bump()

    def import_json(self, doc: Any, replace: bool = False) -> ImportResult:
        """Publish every entry of an address-book document, all or nothing.

        The whole document is validated before anything is written; a bad entry leaves the
        address book as it was. With ``replace`` the entries missing from the document are
        removed, so the address book becomes exactly the document.
        """
        services = validate_document(doc)
        with self.engine.begin() as conn:
            result = self._write(conn, services, replace=replace)
        if result.changed:
            self._bump()
        return result

    def _write(
        self, conn: Connection, services: Iterable[ElectronicService], *, replace: bool
    ) -> ImportResult:
        wanted = {s.gegevensdienst_id: s for s in services}
        if conn.dialect.name == "postgresql":  # writers queue here instead of racing
            conn.execute(sa.text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))
        existing = {
            r.gegevensdienst_id: r.entry
            for r in conn.execute(sa.select(table.c.gegevensdienst_id, table.c.entry))
        }
        now = self.clock.now()
        added = updated = unchanged = removed = 0
        for key, service in wanted.items():
            document = dict(service.document)
            if key not in existing:
                conn.execute(
                    table.insert().values(
                        gegevensdienst_id=key, entry=document, created_at=now, updated_at=now
                    )
                )
                added += 1
            elif _canonical(existing[key]) != _canonical(document):
                conn.execute(
                    table.update()
                    .where(table.c.gegevensdienst_id == key)
                    .values(entry=document, updated_at=now)
                )
                updated += 1
            else:
                unchanged += 1
        if replace:
            gone = sorted(set(existing) - set(wanted))
            if gone:
                conn.execute(table.delete().where(table.c.gegevensdienst_id.in_(gone)))
            removed = len(gone)
        return ImportResult(added, updated, unchanged, removed)


@dataclass(frozen=True)
class _Snapshot:
    services: Mapping[str, ElectronicService]
    generation: int
    loaded_at: dt.datetime
    next_reload_at: dt.datetime


class AdresboekResolver:
    """Finds a receiver's endpoint for senders (§8.4), from a cached copy of the address book.

    The copy is read again when it is ``reload_seconds`` old, at once when this process wrote
    to the address book, and on a miss when it is at least ``miss_refresh_seconds`` old (so an
    entry another process just published is found without waiting an hour, while a flood of
    misses costs at most one read per ``miss_refresh_seconds``). When a periodic re-read fails
    the old copy keeps serving and the read is retried after at most a minute. Thread-safe:
    reads take no lock; one thread re-reads while the others wait for its result.
    """

    def __init__(
        self,
        adresboek: Adresboek,
        omgeving: str,
        reload_seconds: float = 3600.0,
        clock: Clock | None = None,
        *,
        miss_refresh_seconds: float = 1.0,
    ) -> None:
        self.adresboek = adresboek
        self.omgeving = check_omgeving(omgeving)
        self.reload_seconds = reload_seconds
        self.miss_refresh_seconds = miss_refresh_seconds
        self.clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    @classmethod
    def from_settings(
        cls, adresboek: Adresboek, settings: Settings, clock: Clock | None = None
    ) -> AdresboekResolver:
        """``IWLZ_OMGEVING`` and ``IWLZ_ADRESBOEK_RELOAD_SECONDS``."""
        return cls(adresboek, settings.omgeving, settings.adresboek_reload_seconds, clock)

    @property
    def loaded_at(self) -> dt.datetime | None:
        snap = self._snapshot
        return snap.loaded_at if snap else None

    def resolve(self, organisatie_id: str, functionaliteit: str, systeemrolcode: str) -> Endpoint:
        """The endpoint of ``<organisatie_id>_<functionaliteit>_<omgeving>`` for that role.

        Raises :class:`EndpointNotFound` when the entry or the role is missing (do not send;
        alert), :class:`AdresboekError` when the arguments themselves are malformed.
        """
        func = check_functionaliteit(functionaliteit)
        key = make_gegevensdienst_id(organisatie_id, func, self.omgeving)
        code = check_systeemrolcode(systeemrolcode, func)
        now = self.clock.now()
        snap = self._current(now)
        found = _lookup(snap, key, code)
        if found is None and now - snap.loaded_at >= dt.timedelta(
            seconds=self.miss_refresh_seconds
        ):
            snap = self._reload(now, stale=snap)
            found = _lookup(snap, key, code)
        if found is None:
            service = snap.services.get(key)
            raise EndpointNotFound(
                key, code, [r.code for r in service.systeemrollen] if service else None
            )
        return found

    def resolve_party(
        self, id_type: str, id_value: str, functionaliteit: str, systeemrolcode: str
    ) -> Endpoint:
        """:meth:`resolve` for a party given as in messages, e.g. (``UZOVI``, ``5501``)."""
        return self.resolve(organisatie_id(id_type, id_value), functionaliteit, systeemrolcode)

    def reload(self) -> None:
        """Read the address book now."""
        self._reload(self.clock.now(), stale=self._snapshot, force=True)

    def _current(self, now: dt.datetime) -> _Snapshot:
        snap = self._snapshot
        if (
            snap is None
            or snap.generation != self.adresboek.generation
            or now >= snap.next_reload_at
        ):
            return self._reload(now, stale=snap)
        return snap

    def _reload(
        self, now: dt.datetime, *, stale: _Snapshot | None, force: bool = False
    ) -> _Snapshot:
        with self._lock:
            current = self._snapshot
            if current is not stale and current is not None and not force:
                return current  # another thread read it while this one waited
            generation = self.adresboek.generation
            try:
                services = {s.gegevensdienst_id: s for s in self.adresboek.list()}
            except Exception:
                if current is None:
                    raise
                retry = min(self.reload_seconds, 60.0)
                log.warning(
                    "address book could not be read; using the copy from %s, retrying in %.0f s",
                    current.loaded_at.isoformat(),
                    retry,
                    exc_info=True,
                )
                kept = _Snapshot(
                    current.services,
                    generation,
                    current.loaded_at,
                    now + dt.timedelta(seconds=retry),
                )
                self._snapshot = kept
                return kept
            fresh = _Snapshot(
                services, generation, now, now + dt.timedelta(seconds=self.reload_seconds)
            )
            self._snapshot = fresh
            return fresh


def _lookup(snap: _Snapshot, key: str, code: str) -> Endpoint | None:
    service = snap.services.get(key)
    rol = service.rol(code) if service else None
    if service is None or rol is None:
        return None
    return Endpoint(
        gegevensdienst_id=service.gegevensdienst_id,
        pep_uri=service.authorization_uri,
        token_uri=service.token_uri,
        resource_uri=rol.resource_uri,
    )
