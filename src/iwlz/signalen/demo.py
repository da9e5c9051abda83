"""Demo wiring (dev mode): the signalen service as a participant, and Wmo deliveries.

* registers the signalen service (``KVK:90000025``, synthetic) as an nID participant of type
  ``leverancier`` (the Inlichtingenbureau is a processor for the CIZ and the gemeenten; nID
  has no type of its own for it) with exactly the scopes it needs, and its netwerkpunt in the
  address book, so that the CIZ's notifications reach it;
* grants the demo gemeenten the two Wlz-signalen scopes;
* delivers a synthetic Wmo list for each demo gemeente: some residents who already have a Wlz
  indication (the first run signals them: initial load) and residents without one (register
  an indication for one of them and the next run signals exactly that one).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.adresboek import Adresboek
from iwlz.adresboek.models import make_gegevensdienst_id, organisatie_id
from iwlz.config import Settings
from iwlz.core.clock import Clock, SystemClock
from iwlz.nid.demo import key_path
from iwlz.nid.keys import load_or_create
from iwlz.nid.participants import (
    SCOPE_ABONNEMENT_IR,
    SCOPE_INBOX_READ,
    ParticipantRegistry,
    make_client_id,
    parse_client_id,
)
from iwlz.nid.setup import TOKEN_PATH
from iwlz.registers.indicatie.models import adres, wlz_indicatie
from iwlz.signalen.ciz import SCOPE_WLZSIGNALEN_IR
from iwlz.signalen.models import wmo_client
from iwlz.signalen.toegang import SCOPE_SIGNALEN, SCOPE_WMO
from iwlz.signalen.wmo import WmoVoorziening

__all__ = ["SERVICE_SCOPES", "DemoResultaat", "seed_signalen_demo", "synthetic_bsn"]

SERVICE_SCOPES = (SCOPE_WLZSIGNALEN_IR, SCOPE_ABONNEMENT_IR, SCOPE_INBOX_READ)
"""What the signalen service may request: the CIZ's delivery, its subscription, its inbox."""
GEMEENTE_SCOPES = (SCOPE_WMO, SCOPE_SIGNALEN)


@dataclass(frozen=True)
class DemoResultaat:
    service_added: bool
    gemeenten: int
    leveringen: int


def synthetic_bsn(rng: random.Random) -> str:
    """A random 9-digit number that passes the 11-proef (starting with 9: the range the
    synthetic data uses, unlikely to be a real person's)."""
    while True:
        digits = [9] + [rng.randrange(10) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, [*digits, last]))


def netwerkpunt_entry(settings: Settings, id_type: str, id_value: str) -> dict[str, Any]:
    base = settings.public_url.rstrip("/")
    url = f"{base}/netwerkpunt/{id_type}/{id_value}/graphql"
    org = organisatie_id(id_type, id_value)
    return {
        "description": "Voor het notificeren van de Wlz-signalendienst",
        "gegevensdienstId": make_gegevensdienst_id(org, "NOTIFICATIE", settings.omgeving),
        "weergavenaam": "Wlz-signalendienst (demo)",
        "authorizationEndpoint": {"authorizationEndpointuri": url},
        "tokenEndpoint": {"tokenEndpointuri": base + TOKEN_PATH},
        "systeemrollen": [
            {
                "systeemrolcode": "NOTIFICATIE_INDICATIE",
                "resourceEndpoint": {"resourceEndpointuri": url},
            }
        ],
    }


def seed_signalen_demo(
    settings: Settings,
    engine: Engine,
    *,
    clock: Clock | None = None,
    per_gemeente: int = 60,
) -> DemoResultaat:
    """The demo's signalen service, gemeente scopes and Wmo deliveries (idempotent: a
    gemeente that already delivered keeps its list)."""
    clock = clock or SystemClock()
    registry = ParticipantRegistry(engine)
    id_type, id_value = parse_client_id(settings.signalen_client_id)
    client_id = make_client_id(id_type, id_value)
    added = False
    found = registry.get(client_id)
    if found is None:
        key = load_or_create(key_path(Path(settings.nid_keys_dir), client_id), create=True)
        registry.add(
            type="leverancier",
            identifier=f"{id_type}:{id_value}",
            naam="Wlz-signalendienst (demo Inlichtingenbureau)",
            jwks={"keys": [key.jwk]},
            scopes=SERVICE_SCOPES,
        )
        added = True
    elif not set(SERVICE_SCOPES) <= set(found.scopes):
        registry.set_scopes(client_id, (*found.scopes, *SERVICE_SCOPES))
    Adresboek(engine).import_json(
        {"electronicServices": [netwerkpunt_entry(settings, id_type, id_value)]}, replace=False
    )
    gemeenten = [p for p in registry.list(include_revoked=False) if p.type == "gemeente"]
    for g in gemeenten:
        if not set(GEMEENTE_SCOPES) <= set(g.scopes):
            registry.set_scopes(g.client_id, (*g.scopes, *GEMEENTE_SCOPES))
    leveringen = (
        seed_wmo(engine, [g.id_value for g in gemeenten], clock=clock, per_gemeente=per_gemeente)
        if per_gemeente > 0
        else 0
    )
    return DemoResultaat(added, len(gemeenten), leveringen)


def seed_wmo(
    engine: Engine,
    gemeentecodes: Sequence[str],
    *,
    clock: Clock,
    per_gemeente: int = 60,
    seed: str = "iwlz-demo-wmo",
) -> int:
    """A full delivery per gemeente that has none: a third residents with an indication in
    the Indicatieregister (their address is in the gemeente), the rest without."""
    voorziening = WmoVoorziening(engine, clock=clock)
    today = clock.today()
    done = 0
    for code in gemeentecodes:
        with engine.connect() as conn:
            if conn.execute(
                sa.select(sa.func.count()).where(wmo_client.c.gemeentecode == code)
            ).scalar_one():
                continue
            residents = list(
                conn.execute(
                    sa.select(wlz_indicatie.c.bsn)
                    .join(adres, adres.c.wlzindicatieID == wlz_indicatie.c.wlzindicatieID)
                    .where(adres.c.gemeentecode == code)
                    .distinct()
                    .order_by(wlz_indicatie.c.bsn)
                    .limit(per_gemeente // 3)
                ).scalars()
            )
        rng = random.Random(f"{seed}-{code}")
        bsns = list(dict.fromkeys([*residents, *(synthetic_bsn(rng) for _ in range(per_gemeente))]))
        rows = []
        for i, bsn in enumerate(bsns[:per_gemeente], start=1):
            start = today.replace(day=1).replace(year=today.year - rng.randrange(0, 3))
            rows.append(
                {
                    "gemeentecode": code,
                    "bsn": bsn,
                    "wmo_referentie": f"WMO-{code}-{i:05d}",
                    "status": "LOPEND" if rng.random() < 0.8 else "AANGEVRAAGD",
                    "ingangsdatum": start.isoformat(),
                    "einddatum": "",
                    "voorzieningsoort": rng.choice(["01", "02", "04", "07"]),
                }
            )
        result = voorziening.volledig(code, rows, formaat="JSON", door="demo")
        if not result.geslaagd:
            raise RuntimeError(f"demo Wmo delivery for {code} rejected: {result.fouten[:3]}")
        done += 1
    return done
