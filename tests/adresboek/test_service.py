"""The address book's storage and the senders' resolver, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.adresboek import (
    Adresboek,
    AdresboekError,
    AdresboekResolver,
    Endpoint,
    EndpointNotFound,
    ImportResult,
    adresboek_service,
)
from iwlz.config import Settings
from iwlz.core.clock import FixedClock

from .conftest import PEP, T0, TOKEN, entry


def _ids(adresboek: Adresboek) -> list[str]:
    return [s.gegevensdienst_id for s in adresboek.list()]


# -- storage -----------------------------------------------------------------------------


def test_publish_get_list_remove(adresboek: Adresboek) -> None:
    stored = adresboek.publish(entry("5501-notificatie-tst"))
    assert stored.gegevensdienst_id == "5501_NOTIFICATIE_TST"
    assert stored.created_at == stored.updated_at == T0
    adresboek.publish(entry("CIZ_REGISTER_TST"))
    adresboek.publish(entry("5501_MELDING_PRD"))
    assert _ids(adresboek) == ["5501_MELDING_PRD", "5501_NOTIFICATIE_TST", "CIZ_REGISTER_TST"]
    assert [s.gegevensdienst_id for s in adresboek.list(omgeving="tst")] == [
        "5501_NOTIFICATIE_TST",
        "CIZ_REGISTER_TST",
    ]
    got = adresboek.get("5501-NOTIFICATIE-TST")
    assert got is not None and got.document == stored.document
    assert adresboek.get("5502_NOTIFICATIE_TST") is None

    adresboek.remove("5501-notificatie-tst")
    assert _ids(adresboek) == ["5501_MELDING_PRD", "CIZ_REGISTER_TST"]
    with pytest.raises(AdresboekError, match=r"no entry 5501_NOTIFICATIE_TST.*iwlz adresboek list"):
        adresboek.remove("5501_NOTIFICATIE_TST")


def test_publish_replaces_the_whole_entry(adresboek: Adresboek, clock: FixedClock) -> None:
    adresboek.publish(entry("5501_NOTIFICATIE_TST", fgEmail="old@zk.example"))
    clock.instant = T0 + dt.timedelta(hours=1)
    changed = entry("5501_NOTIFICATIE_TST", weergavenaam="nieuw")
    changed["systeemrollen"] = changed["systeemrollen"][:1]
    stored = adresboek.publish(changed)
    assert stored.weergavenaam == "nieuw"
    assert "fgEmail" not in stored.document
    assert [r.code for r in stored.systeemrollen] == ["NOTIFICATIE_INDICATIE"]
    assert (stored.created_at, stored.updated_at) == (T0, T0 + dt.timedelta(hours=1))
    # Publishing the same entry again changes nothing, not even updated_at.
    clock.instant = T0 + dt.timedelta(hours=2)
    again = adresboek.publish(changed)
    assert again.updated_at == T0 + dt.timedelta(hours=1)
    assert len(_ids(adresboek)) == 1


def test_publish_refuses_bad_entries_and_changes_nothing(adresboek: Adresboek) -> None:
    adresboek.publish(entry("5501_NOTIFICATIE_TST"))
    before = adresboek.export()
    with pytest.raises(AdresboekError, match="tokenEndpoint: missing"):
        adresboek.publish({k: v for k, v in entry().items() if k != "tokenEndpoint"})
    assert adresboek.export() == before


def test_export_has_the_network_format(adresboek: Adresboek) -> None:
    first = entry("CIZ-REGISTER-TST", _comment="ciz", type="ElectronicService")
    adresboek.publish(first)
    adresboek.publish(entry("5501_NOTIFICATIE_TST"))
    exported = adresboek.export()
    assert list(exported) == ["electronicServices"]
    services = exported["electronicServices"]
    assert [s["gegevensdienstId"] for s in services] == [
        "5501_NOTIFICATIE_TST",
        "CIZ_REGISTER_TST",
    ]
    assert services[1] == first | {"gegevensdienstId": "CIZ_REGISTER_TST"}
    assert list(services[1]) == list(first)  # key order as published
    json.dumps(exported)  # plain JSON
    services[1]["weergavenaam"] = "mutated"  # the caller's copy, not the stored one
    assert adresboek.export()["electronicServices"][1]["weergavenaam"] != "mutated"


def test_import_export_round_trip(engine: Engine, adresboek: Adresboek, db_url: str) -> None:
    doc = {
        "_comment": "iWlz service lijst - versie 0.1",
        "electronicServices": [
            entry("12121212-NOTIFICATIE-TST", _comment="aanbieder"),
            entry("CIZ_REGISTER_TST"),
            entry("5501_MELDING_TST", fgEmail="fg@zk.example"),
        ],
    }
    assert adresboek.import_json(doc) == ImportResult(added=3)
    exported = adresboek.export()
    assert adresboek.import_json(exported) == ImportResult(unchanged=3)
    assert adresboek.import_json(exported, replace=True) == ImportResult(unchanged=3)
    assert adresboek.export() == exported
    # Into a second, empty address book: the same export comes out.
    with engine.begin() as conn:
        conn.execute(adresboek_service.delete())
    assert adresboek.import_json(json.loads(json.dumps(exported))) == ImportResult(added=3)
    assert adresboek.export() == exported


def test_import_counts_and_replace(adresboek: Adresboek) -> None:
    adresboek.import_json(
        {"electronicServices": [entry("5501_MELDING_TST"), entry("5502_MELDING_TST")]}
    )
    doc = {
        "electronicServices": [
            entry("5501_MELDING_TST"),
            entry("5502_MELDING_TST", weergavenaam="other"),
            entry("5503_MELDING_TST"),
        ]
    }
    assert adresboek.import_json(doc, replace=False) == ImportResult(1, 1, 1, 0)
    assert adresboek.import_json(
        {"electronicServices": [entry("5503_MELDING_TST")]}, replace=True
    ) == (ImportResult(unchanged=1, removed=2))
    assert _ids(adresboek) == ["5503_MELDING_TST"]


def test_replace_import_with_a_bad_entry_leaves_the_old_list(adresboek: Adresboek) -> None:
    adresboek.import_json(
        {"electronicServices": [entry("5501_MELDING_TST"), entry("CIZ_REGISTER_TST")]}
    )
    before = adresboek.export()
    bad = entry("5503_NOTIFICATIE_TST")
    bad["systeemrollen"][1]["resourceEndpoint"] = {}
    doc = {
        "electronicServices": [
            entry("5502_MELDING_TST"),
            bad,
            entry("5501_MELDING_TST", weergavenaam="x"),
        ]
    }
    with pytest.raises(
        AdresboekError, match=r"electronicServices\[1\].*resourceEndpointuri: missing"
    ):
        adresboek.import_json(doc, replace=True)
    assert adresboek.export() == before


def test_import_is_one_transaction(adresboek: Adresboek, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the middle of writing (here: after every row is written) rolls back all."""
    adresboek.import_json(
        {"electronicServices": [entry("5501_MELDING_TST"), entry("CIZ_REGISTER_TST")]}
    )
    before = adresboek.export()
    original = Adresboek._write

    def failing(self: Adresboek, conn: Any, services: Any, *, replace: bool) -> ImportResult:
        original(self, conn, services, replace=replace)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Adresboek, "_write", failing)
    doc = {
        "electronicServices": [
            entry("5502_MELDING_TST"),
            entry("5501_MELDING_TST", weergavenaam="x"),
        ]
    }
    with pytest.raises(RuntimeError, match="disk full"):
        adresboek.import_json(doc, replace=True)
    monkeypatch.undo()
    assert adresboek.export() == before


def test_resource_uris(engine: Engine, adresboek: Adresboek) -> None:
    assert adresboek.resource_uris() == set()
    adresboek.publish(entry("5501_NOTIFICATIE_TST"))
    adresboek.publish(entry("CIZ_REGISTER_TST"))
    assert adresboek.resource_uris() == {
        "https://5501.example/notificatie_indicatie/graphql",
        "https://5501.example/notificatie_bemiddeling/graphql",
        "https://ciz.example/register/graphql",
    }
    assert PEP not in adresboek.resource_uris() and TOKEN not in adresboek.resource_uris()
    # Another process's write shows after cache_seconds; our own writes at once.
    other = Adresboek(engine, cache_seconds=0)
    other.remove("CIZ_REGISTER_TST")
    assert "https://ciz.example/register/graphql" not in other.resource_uris()
    adresboek.remove("5501_NOTIFICATIE_TST")
    assert adresboek.resource_uris() == set()


def test_a_row_that_no_longer_validates_is_skipped(engine: Engine, adresboek: Adresboek) -> None:
    adresboek.publish(entry("5501_MELDING_TST"))
    with engine.begin() as conn:
        conn.execute(
            adresboek_service.insert().values(
                gegevensdienst_id="9999_MELDING_TST",
                entry={"gegevensdienstId": "9999_MELDING_TST"},
                created_at=T0,
                updated_at=T0,
            )
        )
    assert _ids(adresboek) == ["5501_MELDING_TST"]


# -- resolver ----------------------------------------------------------------------------


def _resolver(adresboek: Adresboek, clock: FixedClock, **kwargs: Any) -> AdresboekResolver:
    return AdresboekResolver(
        adresboek, "TST", kwargs.pop("reload_seconds", 3600.0), clock, **kwargs
    )


def test_resolve_hit(adresboek: Adresboek, clock: FixedClock) -> None:
    adresboek.publish(entry("5501_NOTIFICATIE_TST"))
    adresboek.publish(entry("CIZ-MELDING-TST"))
    resolver = _resolver(adresboek, clock)
    assert resolver.resolve("5501", "notificatie", "notificatie_bemiddeling") == Endpoint(
        gegevensdienst_id="5501_NOTIFICATIE_TST",
        pep_uri=PEP,
        token_uri=TOKEN,
        resource_uri="https://5501.example/notificatie_bemiddeling/graphql",
    )
    assert resolver.resolve_party("KVK", "62253778", "MELDING", "MELDING").gegevensdienst_id == (
        "CIZ_MELDING_TST"
    )
    assert resolver.loaded_at == T0


def test_resolve_only_in_its_own_environment(adresboek: Adresboek, clock: FixedClock) -> None:
    adresboek.publish(entry("5501_NOTIFICATIE_PRD"))
    with pytest.raises(EndpointNotFound) as info:
        _resolver(adresboek, clock).resolve("5501", "NOTIFICATIE", "NOTIFICATIE_INDICATIE")
    assert info.value.gegevensdienst_id == "5501_NOTIFICATIE_TST"
    prd = AdresboekResolver(adresboek, "PRD", 3600, clock)
    assert prd.resolve("5501", "NOTIFICATIE", "NOTIFICATIE_INDICATIE").gegevensdienst_id == (
        "5501_NOTIFICATIE_PRD"
    )


def test_resolve_misses(adresboek: Adresboek, clock: FixedClock) -> None:
    doc = entry("5501_NOTIFICATIE_TST")
    doc["systeemrollen"] = doc["systeemrollen"][:1]
    adresboek.publish(doc)
    resolver = _resolver(adresboek, clock)
    with pytest.raises(EndpointNotFound) as info:
        resolver.resolve("5502", "NOTIFICATIE", "NOTIFICATIE_INDICATIE")
    assert (info.value.gegevensdienst_id, info.value.systeemrolcode) == (
        "5502_NOTIFICATIE_TST",
        "NOTIFICATIE_INDICATIE",
    )
    assert "iwlz adresboek add --gegevensdienst-id 5502_NOTIFICATIE_TST" in str(info.value)
    with pytest.raises(
        EndpointNotFound,
        match=r"has no systeemrol NOTIFICATIE_BEMIDDELING \(it has: NOTIFICATIE_INDICATIE\)",
    ):
        resolver.resolve("5501", "NOTIFICATIE", "NOTIFICATIE_BEMIDDELING")
    # Malformed questions are not "not found": they are the caller's bug.
    with pytest.raises(AdresboekError, match="Functionaliteit"):
        resolver.resolve("5501", "NOTIFY", "NOTIFICATIE_INDICATIE")
    with pytest.raises(AdresboekError, match="does not belong to Functionaliteit MELDING"):
        resolver.resolve("5501", "MELDING", "NOTIFICATIE_INDICATIE")
    with pytest.raises(AdresboekError, match="OrganisatieID"):
        resolver.resolve("zk", "MELDING", "MELDING")
    with pytest.raises(AdresboekError, match="Omgeving"):
        AdresboekResolver(adresboek, "DEV", 60, clock)


def test_cache_reloads_after_reload_seconds(engine: Engine, clock: FixedClock) -> None:
    writer = Adresboek(engine, clock=clock)  # stands for another process
    reader = Adresboek(engine, clock=clock)
    writer.publish(entry("5501_MELDING_TST"))
    resolver = _resolver(reader, clock, reload_seconds=600)
    assert resolver.resolve("5501", "MELDING", "MELDING").pep_uri == PEP

    changed = entry(
        "5501_MELDING_TST",
        authorizationEndpoint={"authorizationEndpointuri": "https://pep2.example/"},
    )
    writer.publish(changed)
    clock.instant = T0 + dt.timedelta(seconds=599)
    assert resolver.resolve("5501", "MELDING", "MELDING").pep_uri == PEP  # cached
    clock.instant = T0 + dt.timedelta(seconds=600)
    assert resolver.resolve("5501", "MELDING", "MELDING").pep_uri == "https://pep2.example/"
    assert resolver.loaded_at == T0 + dt.timedelta(seconds=600)

    writer.remove("5501_MELDING_TST")
    clock.instant = T0 + dt.timedelta(seconds=1200)
    with pytest.raises(EndpointNotFound):
        resolver.resolve("5501", "MELDING", "MELDING")


def test_miss_refreshes_a_copy_older_than_a_second(engine: Engine, clock: FixedClock) -> None:
    writer = Adresboek(engine, clock=clock)
    reader = Adresboek(engine, clock=clock)
    resolver = _resolver(reader, clock, reload_seconds=3600)
    with pytest.raises(EndpointNotFound):
        resolver.resolve("5501", "MELDING", "MELDING")
    writer.publish(entry("5501_MELDING_TST"))
    with pytest.raises(EndpointNotFound):  # the copy is younger than 1 s: no re-read
        resolver.resolve("5501", "MELDING", "MELDING")
    clock.instant = T0 + dt.timedelta(seconds=1)
    assert resolver.resolve("5501", "MELDING", "MELDING").gegevensdienst_id == "5501_MELDING_TST"
    assert resolver.loaded_at == T0 + dt.timedelta(seconds=1)
    # A hit does not re-read.
    clock.instant = T0 + dt.timedelta(seconds=5)
    resolver.resolve("5501", "MELDING", "MELDING")
    assert resolver.loaded_at == T0 + dt.timedelta(seconds=1)


def test_writes_in_the_same_process_are_seen_at_once(
    adresboek: Adresboek, clock: FixedClock
) -> None:
    resolver = _resolver(adresboek, clock)
    with pytest.raises(EndpointNotFound):
        resolver.resolve("CIZ", "REGISTER", "REGISTER")
    adresboek.publish(entry("CIZ_REGISTER_TST"))  # the clock stands still
    assert resolver.resolve("CIZ", "REGISTER", "REGISTER").resource_uri == (
        "https://ciz.example/register/graphql"
    )
    adresboek.remove("CIZ_REGISTER_TST")
    with pytest.raises(EndpointNotFound):
        resolver.resolve("CIZ", "REGISTER", "REGISTER")


def test_failed_reload_keeps_serving_the_old_copy(
    adresboek: Adresboek, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    adresboek.publish(entry("5501_MELDING_TST"))
    resolver = _resolver(adresboek, clock, reload_seconds=600)
    resolver.resolve("5501", "MELDING", "MELDING")
    calls = 0

    def down(**_: Any) -> list[Any]:
        nonlocal calls
        calls += 1
        raise sa.exc.OperationalError("SELECT", {}, Exception("database down"))

    monkeypatch.setattr(adresboek, "list", down)
    clock.instant = T0 + dt.timedelta(seconds=600)
    assert resolver.resolve("5501", "MELDING", "MELDING").gegevensdienst_id == "5501_MELDING_TST"
    assert calls == 1
    clock.instant = T0 + dt.timedelta(seconds=630)  # retried after a minute, not on every call
    resolver.resolve("5501", "MELDING", "MELDING")
    assert calls == 1
    clock.instant = T0 + dt.timedelta(seconds=660)
    resolver.resolve("5501", "MELDING", "MELDING")
    assert calls == 2
    # Without any copy the error reaches the caller.
    fresh = _resolver(adresboek, clock)
    with pytest.raises(sa.exc.OperationalError):
        fresh.resolve("5501", "MELDING", "MELDING")


def test_resolver_is_thread_safe_and_reads_once(adresboek: Adresboek, clock: FixedClock) -> None:
    for uzovi in range(5501, 5511):
        adresboek.publish(entry(f"{uzovi}_NOTIFICATIE_TST"))
    resolver = _resolver(adresboek, clock)
    reads = 0
    original = adresboek.list

    def counting(**kwargs: Any) -> Any:
        nonlocal reads
        reads += 1
        return original(**kwargs)

    adresboek.list = counting  # type: ignore[method-assign]
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def work(n: int) -> None:
        start.wait()
        try:
            for i in range(200):
                uzovi = str(5501 + (n + i) % 10)
                found = resolver.resolve(uzovi, "NOTIFICATIE", "NOTIFICATIE_INDICATIE")
                assert found.gegevensdienst_id == f"{uzovi}_NOTIFICATIE_TST"
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert reads == 1


def test_from_settings() -> None:
    settings = Settings(omgeving="ACC", adresboek_reload_seconds=120)
    resolver = AdresboekResolver.from_settings(Adresboek(sa.create_engine("sqlite://")), settings)
    assert (resolver.omgeving, resolver.reload_seconds) == ("ACC", 120)
