"""The CIZ's Wlz-signalen endpoint and the kopie Wlz register, kept current through nID."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from iwlz.app import IR_BEHEER_PATH
from iwlz.nid.participants import SCOPE_IR_CREATE, SCOPE_IR_READ
from iwlz.signalen.ciz import (
    CIZ_SIGNALEN_PATH,
    QUERY_PAGINA,
    QUERY_STATUS,
    SCOPE_WLZSIGNALEN_IR,
    wlz_status,
)
from iwlz.signalen.kopie import ABONNEMENT_TYPE, KopieWlzRegister
from iwlz.signalen.models import wlz_kopie
from iwlz.signalen.netwerk import NetwerkFout, SignalenNetwerk

from ..registers.indicatie.test_api import REGISTREER, indicatie_json
from .conftest import BASE, BSN_A, BSN_B, CIZ, SERVICE, ZORGKANTOOR, Net

ZEND = (
    "mutation zendNotificatie($n: NotificatieInput!) "
    "{ zendNotificatie(notificatieInput: $n) { notificatieID } }"
)
VERWIJDER = "mutation($id: UUID!) { verwijderWlzIndicatie(wlzindicatieID: $id) { geslaagd } }"


def test_wlz_status_rule() -> None:
    today = dt.date(2026, 6, 15)
    assert wlz_status(vervaldatum=None, zzp_codes=["755"], peildatum=today) == "Ja"
    assert wlz_status(vervaldatum=None, zzp_codes=["751"], peildatum=today) == "Onbekend"
    assert wlz_status(vervaldatum=None, zzp_codes=["751", "755"], peildatum=today) == "Ja"
    assert wlz_status(vervaldatum=today, zzp_codes=["755"], peildatum=today) == "Nee"
    assert wlz_status(vervaldatum=dt.date(2026, 7, 1), zzp_codes=["755"], peildatum=today) == "Ja"


def registreer(net: Net, bsn: str, **overrides: Any) -> str:
    data = indicatie_json(bsn=bsn, **overrides)
    data["client"]["bsn"] = bsn
    r = net.client.post(
        IR_BEHEER_PATH,
        json={"query": REGISTREER, "variables": {"i": data}},
        headers=net.bearer(CIZ, SCOPE_IR_CREATE, IR_BEHEER_PATH),
    )
    assert r.status_code == 200, r.text
    res = r.json()["data"]["registreerWlzIndicatie"]
    assert res["geslaagd"], res["fouten"]
    return str(res["wlzIndicatie"]["wlzindicatieID"])


def ciz_query(net: Net, who: str, scope: str, query: str, variables: dict[str, Any]) -> Any:
    return net.client.post(
        CIZ_SIGNALEN_PATH,
        json={"query": query, "variables": variables},
        headers={**net.bearer(who, scope, CIZ_SIGNALEN_PATH), "accept": "application/json"},
    )


def test_only_the_signalen_service_reads_only_the_five_fields(net: Net) -> None:
    wid = registreer(net, BSN_A)
    r = ciz_query(net, SERVICE, SCOPE_WLZSIGNALEN_IR, QUERY_STATUS, {"id": wid})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["wlzStatus"] == [
        {
            "wlzindicatieID": wid,
            "bsn": BSN_A,
            "wlzStatus": "Ja",
            "afgiftedatum": "2026-03-01",
            "ingangsdatum": "2026-03-01",
            "einddatum": None,
        }
    ]
    # A zorgkantoor has no scope for this endpoint (and cannot request it).
    client_id, key = net.keys[ZORGKANTOOR]
    from iwlz.nid.client import token_request

    params = token_request(
        client_id,
        key,
        f"{BASE}/oauth/token",
        scope=SCOPE_WLZSIGNALEN_IR,
        audience=BASE + CIZ_SIGNALEN_PATH,
    )
    assert net.client.post("/oauth/token", data=params).status_code == 400
    r = ciz_query(net, ZORGKANTOOR, SCOPE_IR_READ, QUERY_STATUS, {"id": wid})
    assert r.status_code == 403
    # Pages above 1000 are refused by the policy, not truncated.
    r = ciz_query(net, SERVICE, SCOPE_WLZSIGNALEN_IR, QUERY_PAGINA, {"na": None, "aantal": 5000})
    assert r.status_code in (400, 403) and "data" not in r.json()
    # Two root fields at once: refused.
    r = ciz_query(
        net,
        SERVICE,
        SCOPE_WLZSIGNALEN_IR,
        "query($id: UUID!) { a: wlzStatus(wlzindicatieID: $id) { bsn } "
        "b: wlzStatusPagina(aantal: 1) { volgende } }",
        {"id": wid},
    )
    assert r.status_code == 400


def _netwerk(net: Net) -> SignalenNetwerk:
    client_id, key = net.keys[SERVICE]
    return SignalenNetwerk(BASE, client_id, key, http=net.client)


def _notify(net: Net, abonnement_id: str, wid: str) -> None:
    """What the CIZ's delivery worker does for the subscription (the in-process app runs no
    worker): zendNotificatie to the service's netwerkpunt, through nID."""
    path = "/netwerkpunt/KVK/90000025/graphql"
    n = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "afzenderIDType": "KVK",
        "afzenderID": "62253778",
        "ontvangerIDType": "KVK",
        "ontvangerID": "90000025",
        "ontvangerKenmerk": abonnement_id,
        "eventType": ABONNEMENT_TYPE,
        "subjectList": [{"subject": f"WlzIndicatie/{wid}", "recordID": f"WlzIndicatie/{wid}"}],
    }
    r = net.client.post(
        path,
        json={"query": ZEND, "variables": {"n": n}},
        headers=net.bearer(CIZ, "organisaties/onderneming/notificaties/notificatie:create", path),
    )
    assert r.status_code == 200, r.text


def kopie_rows(net: Net) -> list[tuple[str, str]]:
    with net.engine.connect() as conn:
        return [
            (str(b), str(s))
            for b, s in conn.execute(
                sa.select(wlz_kopie.c.bsn, wlz_kopie.c.wlz_status).order_by(wlz_kopie.c.bsn)
            )
        ]


def test_notifications_keep_the_copy_current(net: Net) -> None:
    kopie = KopieWlzRegister(net.engine, _netwerk(net))
    abonnement = kopie.abonneer()
    assert kopie.abonneer() == abonnement  # idempotent
    wid = registreer(net, BSN_A)
    _notify(net, abonnement, wid)
    result = kopie.verwerk_inbox()
    assert (result.gelezen, result.bijgewerkt) == (1, 1)
    assert kopie_rows(net) == [(BSN_A, "Ja")]
    assert kopie.verwerk_inbox().gelezen == 0  # acknowledged
    # The CIZ deletes the indication: the copy keeps the dates with status Nee.
    r = net.client.post(
        IR_BEHEER_PATH,
        json={"query": VERWIJDER, "variables": {"id": wid}},
        headers=net.bearer(CIZ, SCOPE_IR_CREATE, IR_BEHEER_PATH),
    )
    assert r.status_code == 200 and r.json()["data"]["verwijderWlzIndicatie"]["geslaagd"]
    _notify(net, abonnement, wid)
    assert kopie.verwerk_inbox().vervallen == 1
    assert kopie_rows(net) == [(BSN_A, "Nee")]


def test_resync_makes_the_copy_equal_to_the_register(net: Net) -> None:
    registreer(net, BSN_A)
    registreer(net, BSN_B, besluitnummer=4712)
    kopie = KopieWlzRegister(net.engine, _netwerk(net))
    kopie.bewaar(
        [
            {
                "wlzindicatieID": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "bsn": "999990032",
                "wlzStatus": "Ja",
                "afgiftedatum": "2025-01-01",
                "ingangsdatum": "2025-01-01",
                "einddatum": None,
            }
        ]
    )
    n, weg = kopie.resync(pagina=1)  # one per page: the paging itself is exercised
    assert (n, weg) == (2, 1)
    assert kopie_rows(net) == [(BSN_B, "Ja"), ("999990032", "Nee"), (BSN_A, "Ja")]


def test_without_its_participant_the_service_cannot_sync(net: Net) -> None:
    net.app.state.network.nid.participants.revoke("kvk:90000025")
    kopie = KopieWlzRegister(net.engine, _netwerk(net))
    with pytest.raises(NetwerkFout):
        kopie.abonneer()
