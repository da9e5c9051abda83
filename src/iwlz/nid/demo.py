"""Demo participants (dev mode only): the CIZ, every zorgkantoor, aanbieders, CAK, gemeenten.

Each gets a generated key pair; private keys stay under the keys folder so that
``iwlz dev token`` and the demo's scripted participants can sign client assertions.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from iwlz import regio
from iwlz.nid.keys import SigningKey, load_or_create
from iwlz.nid.participants import (
    ParticipantRegistry,
    default_scopes,
    make_client_id,
    parse_client_id,
)

CIZ = "KVK:62253778"
VECOZO = "KVK:18065868"
# Synthetic identifiers: clearly not real organisations' numbers.
CAK = "KVK:90000017"
DEMO_GEMEENTEN = ("0363", "0599", "0518", "0344", "0014", "0193", "0772", "0935")
AANBIEDER_COUNT = 40


@dataclass(frozen=True)
class DemoParticipant:
    type: str
    identifier: str
    naam: str


def demo_aanbieder_agbs(count: int = AANBIEDER_COUNT) -> list[str]:
    """Deterministic synthetic AGB codes of the demo's zorgaanbieders (instellingen)."""
    rng = random.Random("iwlz-demo-aanbieders")
    codes: list[str] = []
    while len(codes) < count:
        code = f"{rng.randrange(10_000_000, 99_999_999)}"
        if code not in codes:
            codes.append(code)
    return codes


def demo_participants() -> Iterator[DemoParticipant]:
    yield DemoParticipant("ciz", CIZ, "Stichting CIZ")
    yield DemoParticipant("netwerkbeheerder", VECOZO, "VECOZO")
    yield DemoParticipant("cak", CAK, "CAK (demo)")
    for uzovi in sorted({regio.zorgkantoor_voor_gemeente(g.code).uzovi for g in regio.gemeenten()}):
        zk = regio.zorgkantoor(uzovi)
        yield DemoParticipant("zorgkantoor", f"UZOVI:{uzovi}", f"{zk.naam} ({zk.regio_naam})")
    for i, agb in enumerate(demo_aanbieder_agbs(), start=1):
        yield DemoParticipant("zorgaanbieder", f"AGB:{agb}", f"Zorgaanbieder {i:02d} (demo)")
    for code in DEMO_GEMEENTEN:
        yield DemoParticipant(
            "gemeente", f"GEMEENTECODE:{code}", f"Gemeente {regio.gemeente(code).naam}"
        )


def key_path(keys_dir: Path, client_id: str) -> Path:
    return keys_dir / "participants" / f"{client_id.replace(':', '_')}.pem"


def participant_key(keys_dir: Path, identifier: str) -> tuple[str, SigningKey]:
    """(client_id, private key) of a demo participant; raises if the key was never made."""
    kind, value = parse_client_id(identifier)
    client_id = make_client_id(kind, value)
    return client_id, load_or_create(key_path(keys_dir, client_id), create=False)


def seed_demo_participants(registry: ParticipantRegistry, keys_dir: Path) -> int:
    """Register the demo participants that are missing; returns how many were added."""
    added = 0
    for p in demo_participants():
        kind, value = parse_client_id(p.identifier)
        client_id = make_client_id(kind, value)
        found = registry.get(client_id)
        if found is not None:
            # A demo database from an older version: give the participant the scopes its type
            # has now (new registers bring new scopes), keeping any it already had.
            wanted = default_scopes(p.type)
            if not set(wanted) <= set(found.scopes):
                registry.set_scopes(client_id, (*found.scopes, *wanted))
            continue
        key = load_or_create(key_path(keys_dir, client_id), create=True)
        registry.add(type=p.type, identifier=p.identifier, naam=p.naam, jwks={"keys": [key.jwk]})
        added += 1
    return added
