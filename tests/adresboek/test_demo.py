"""The demo address book: entries per receiving participant, seeded idempotently."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from iwlz.adresboek import Adresboek, AdresboekResolver, ImportResult, validate_document
from iwlz.adresboek.demo import demo_entries, netwerkpunt_url, seed_demo_adresboek
from iwlz.app import IR_READ_PATH
from iwlz.config import Settings
from iwlz.core.clock import FixedClock
from iwlz.core.metadata import metadata
from iwlz.nid.keys import SigningKey
from iwlz.nid.participants import ParticipantRegistry, participant_table
from iwlz.nid.setup import TOKEN_PATH

BASE = "http://127.0.0.1:8000"
PARTICIPANTS = [
    ("ciz", "KVK", "62253778"),
    ("netwerkbeheerder", "KVK", "18065868"),
    ("cak", "KVK", "90000017"),
    ("zorgkantoor", "UZOVI", "5501"),
    ("zorgaanbieder", "AGB", "12345678"),
    ("gemeente", "GEMEENTECODE", "0363"),
    ("leverancier", "KVK", "12312312"),
]


def test_entries_per_receiver() -> None:
    entries = demo_entries(BASE + "/", "tst", PARTICIPANTS)
    by_id = {e["gegevensdienstId"]: e for e in entries}
    assert sorted(by_id) == [
        "12345678_MELDING_TST",
        "12345678_NOTIFICATIE_TST",
        "12345678_REGISTER_TST",
        "18065868_MELDING_TST",
        "18065868_NOTIFICATIE_TST",
        "5501_MELDING_TST",
        "5501_NOTIFICATIE_TST",
        "5501_REGISTER_TST",
        "90000017_MELDING_TST",
        "90000017_NOTIFICATIE_TST",
        "CIZ_MELDING_TST",
        "CIZ_NOTIFICATIE_TST",
        "CIZ_REGISTER_TST",
    ]  # no gemeente, no leverancier
    assert [e["gegevensdienstId"] for e in entries] == sorted(by_id)
    zk = by_id["5501_NOTIFICATIE_TST"]
    netwerkpunt = f"{BASE}/netwerkpunt/UZOVI/5501/graphql"
    assert netwerkpunt_url(BASE, "uzovi", "5501") == netwerkpunt
    assert zk["authorizationEndpoint"] == {"authorizationEndpointuri": netwerkpunt}
    assert zk["tokenEndpoint"] == {"tokenEndpointuri": f"{BASE}{TOKEN_PATH}"}
    assert zk["systeemrollen"] == [
        {
            "systeemrolcode": "NOTIFICATIE_INDICATIE",
            "resourceEndpoint": {"resourceEndpointuri": netwerkpunt},
        },
        {
            "systeemrolcode": "NOTIFICATIE_BEMIDDELING",
            "resourceEndpoint": {"resourceEndpointuri": netwerkpunt},
        },
        {
            "systeemrolcode": "NOTIFICATIE_LEVERING",
            "resourceEndpoint": {"resourceEndpointuri": netwerkpunt},
        },
    ]
    # Each zorgkantoor's Bemiddelingsregister and each aanbieder's Leveringsregister.
    for org, path in (
        ("5501", "/bemiddelingsregister/5501"),
        ("12345678", "/leveringsregister/12345678"),
    ):
        rollen = by_id[f"{org}_REGISTER_TST"]["systeemrollen"]
        assert rollen == [
            {
                "systeemrolcode": "REGISTER",
                "resourceEndpoint": {"resourceEndpointuri": f"{BASE}{path}/graphql"},
            }
        ]
    assert zk["weergavenaam"] == "TEST OMGEVING - notificaties voor zorgkantoor 5501"
    ciz_melding = by_id["CIZ_MELDING_TST"]["systeemrollen"]
    assert ciz_melding == [
        {
            "systeemrolcode": "MELDING",
            "resourceEndpoint": {"resourceEndpointuri": f"{BASE}/netwerkpunt/KVK/62253778/graphql"},
        }
    ]
    register = by_id["CIZ_REGISTER_TST"]
    assert (
        register["systeemrollen"][0]["resourceEndpoint"]["resourceEndpointuri"]
        == f"{BASE}{IR_READ_PATH}"
    )
    assert register["authorizationEndpoint"]["authorizationEndpointuri"] == f"{BASE}{IR_READ_PATH}"
    # Every entry passes the address book's own validation.
    assert len(validate_document({"electronicServices": entries})) == len(entries)


def test_entries_for_production_use_its_label() -> None:
    entries = demo_entries("https://network.example", "PRD", [("zorgkantoor", "UZOVI", "5501")])
    assert {e["gegevensdienstId"] for e in entries} == {
        "CIZ_REGISTER_PRD",
        "5501_NOTIFICATIE_PRD",
        "5501_MELDING_PRD",
        "5501_REGISTER_PRD",
    }
    assert all(e["description"].startswith("PRODUCTIE ") for e in entries)


def test_seed_is_idempotent_and_skips_revoked(engine: Engine) -> None:
    metadata.create_all(engine, tables=[participant_table])
    registry = ParticipantRegistry(engine)
    jwks = {"keys": [SigningKey.generate().jwk]}
    registry.add(type="ciz", identifier="KVK:62253778", naam="Stichting CIZ", jwks=jwks)
    registry.add(type="zorgkantoor", identifier="UZOVI:5501", naam="ZK", jwks=jwks)
    registry.add(type="zorgaanbieder", identifier="AGB:12345678", naam="ZA", jwks=jwks)
    registry.revoke("agb:12345678")
    clock = FixedClock(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    adresboek = Adresboek(engine, clock=clock)
    settings = Settings(public_url=BASE, omgeving="TST")

    assert seed_demo_adresboek(adresboek, settings, registry) == ImportResult(added=6)
    assert seed_demo_adresboek(adresboek, settings, registry) == ImportResult(unchanged=6)
    assert adresboek.get("12345678_NOTIFICATIE_TST") is None  # revoked: no entry

    resolver = AdresboekResolver(adresboek, settings.omgeving, 3600, clock)
    endpoint = resolver.resolve_party("UZOVI", "5501", "NOTIFICATIE", "NOTIFICATIE_INDICATIE")
    assert endpoint.resource_uri == f"{BASE}/netwerkpunt/UZOVI/5501/graphql"
    assert endpoint.pep_uri == endpoint.resource_uri
    assert resolver.resolve("CIZ", "REGISTER", "REGISTER").resource_uri == f"{BASE}{IR_READ_PATH}"
    assert f"{BASE}/netwerkpunt/KVK/62253778/graphql" in adresboek.resource_uris()

    # Another public URL: the demo entries follow it; entries added by hand stay.
    hand = demo_entries(BASE, "TST", [("zorgkantoor", "UZOVI", "5599")])
    adresboek.publish(next(e for e in hand if e["gegevensdienstId"] == "5599_MELDING_TST"))
    moved = settings.model_copy(update={"public_url": "http://localhost:9000"})
    assert seed_demo_adresboek(adresboek, moved, registry) == ImportResult(updated=6)
    assert adresboek.get("5599_MELDING_TST") is not None
    assert resolver.resolve("CIZ", "REGISTER", "REGISTER").resource_uri == (
        f"http://localhost:9000{IR_READ_PATH}"
    )
