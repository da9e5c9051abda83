"""Notifications over real HTTP: the CIZ registers, the zorgkantoor is notified and reads.

Everything goes through tokens, the PEP/PDP and the address book; the delivery worker runs
inside ``iwlz serve`` (the demo's default).
"""

from __future__ import annotations

import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx

from ..registers.indicatie.test_api import REGISTREER, indicatie_json
from .conftest import BEHEER_PATH, IR_CREATE, IR_PATH, Network
from .test_indicatieregister import UCIR_0001

CIZ = "KVK:62253778"
INBOX_READ = "iwlz/netwerkpunt/inbox:read"
NOTIFICATIE_ZK = "organisaties/zorgkantoor/notificaties/notificatie:create"
ABONNEMENT = "organisaties/indicatieorgaan/abonnementen/abonnement:create"
ZEND = (
    "mutation zendNotificatie($n: NotificatieInput!) "
    "{ zendNotificatie(notificatieInput: $n) { notificatieID } }"
)


def netwerkpunt(network: Network, idtype: str, value: str) -> str:
    return f"{network.base_url}/netwerkpunt/{idtype}/{value}/graphql"


def inbox(network: Network, participant: str, **params: str) -> list[dict[str, Any]]:
    idtype, value = participant.split(":")
    headers = network.bearer(participant, INBOX_READ, netwerkpunt(network, idtype, value))
    r = httpx.get(
        f"{network.base_url}/netwerkpunt/{idtype}/{value}/inbox",
        params=params,
        headers=headers,
        timeout=30,
    )
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def registreer(network: Network, bsn: str = "111222333") -> dict[str, Any]:
    headers = network.bearer(CIZ, IR_CREATE, f"{network.base_url}{BEHEER_PATH}")
    data = indicatie_json(bsn=bsn)
    data["client"]["bsn"] = bsn
    r = network.post(BEHEER_PATH, REGISTREER, {"i": data}, **headers)
    assert r.status_code == 200, r.text
    res: dict[str, Any] = r.json()["data"]["registreerWlzIndicatie"]
    assert res["geslaagd"], res["fouten"]
    return res


def wait_for_item(
    network: Network, participant: str, record: str, timeout: float = 5.0
) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    while True:
        for item in inbox(network, participant):
            if any(s["recordID"] == record for s in item["subjectList"]):
                return item, time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{record} not in the inbox of {participant} after {timeout} s")
        time.sleep(0.05)


def test_new_indication_reaches_the_zorgkantoor_which_then_reads_it(network: Network) -> None:
    res = registreer(network)
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    zk = res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    item, waited = wait_for_item(network, f"UZOVI:{zk}", f"WlzIndicatie/{wid}")
    assert waited < 1.0, f"notification took {waited:.2f} s"
    assert item["eventType"] == "NIEUWE_INDICATIE_ZORGKANTOOR"
    assert (item["afzenderIDType"], item["afzenderID"]) == ("KVK", "62253778")
    assert (item["ontvangerIDType"], item["ontvangerID"]) == ("UZOVI", zk)
    assert item["subjectList"] == [
        {"subject": f"WlzIndicatie/{wid}", "recordID": f"WlzIndicatie/{wid}"}
    ]
    # The follow-up query with the IDs from the notification (UCIR-0001), through nID.
    notified_id = item["subjectList"][0]["recordID"].split("/")[1]
    r = network.post(
        IR_PATH,
        UCIR_0001,
        {"id": notified_id, "zk": item["ontvangerID"]},
        **network.bearer(f"UZOVI:{zk}"),
    )
    assert r.status_code == 200, r.text
    assert [i["wlzindicatieID"] for i in r.json()["data"]["wlzIndicatie"]] == [wid]
    # Acknowledged items leave the list of new ones.
    idtype, value = "UZOVI", zk
    headers = network.bearer(f"UZOVI:{zk}", INBOX_READ, netwerkpunt(network, idtype, value))
    ack = httpx.post(
        f"{network.base_url}/netwerkpunt/{idtype}/{value}/inbox/ack",
        json={"itemIDs": [item["itemID"]]},
        headers=headers,
        timeout=30,
    )
    assert ack.status_code == 200, ack.text
    assert item["itemID"] not in [i["itemID"] for i in inbox(network, f"UZOVI:{zk}")]


def test_another_zorgkantoor_gets_nothing_and_cannot_read_the_inbox(network: Network) -> None:
    res = registreer(network, bsn="999990020")
    zk = res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    wait_for_item(network, f"UZOVI:{zk}", f"WlzIndicatie/{wid}")
    other = "5505" if zk != "5505" else "5506"
    assert all(
        f"WlzIndicatie/{wid}" not in [s["recordID"] for s in i["subjectList"]]
        for i in inbox(network, f"UZOVI:{other}", nieuw="false")
    )
    # The other zorgkantoor's token does not open this zorgkantoor's inbox.
    stolen = network.bearer(f"UZOVI:{other}", INBOX_READ, netwerkpunt(network, "UZOVI", other))
    r = httpx.get(f"{network.base_url}/netwerkpunt/UZOVI/{zk}/inbox", headers=stolen, timeout=30)
    assert r.status_code in (401, 403), r.text


def _zend(
    network: Network, sender: str, scope: str, to: tuple[str, str], **fields: Any
) -> httpx.Response:
    url = netwerkpunt(network, *to)
    headers = network.bearer(sender, scope, url)
    record = f"WlzIndicatie/{uuid.uuid4()}"
    n = {
        "timestamp": "2026-11-27T10:00:00.000Z",
        "afzenderIDType": "KVK",
        "afzenderID": "62253778",
        "ontvangerIDType": to[0],
        "ontvangerID": to[1],
        "eventType": "NIEUWE_INDICATIE_ZORGKANTOOR",
        "subjectList": [{"subject": record, "recordID": record}],
        **fields,
    }
    return httpx.post(url, json={"query": ZEND, "variables": {"n": n}}, headers=headers, timeout=30)


def test_bad_notifications_get_the_specs_errors_and_are_not_stored(network: Network) -> None:
    zk = ("UZOVI", "5507")
    before = len(inbox(network, "UZOVI:5507", nieuw="false"))
    # Unknown event type (POL rule 8).
    r = _zend(network, CIZ, NOTIFICATIE_ZK, zk, eventType="ONBEKEND_TYPE")
    assert r.status_code == 400, r.text
    [err] = r.json()["errors"]
    assert err["message"] == "zendNotificatie mutation: event_type is not valid."
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    # Wrong sender type: a zorgaanbieder may not notify (rule 4).
    agb = "AGB:" + _any_agb()
    r = _zend(network, agb, NOTIFICATIE_ZK, zk, afzenderIDType="AGB", afzenderID=agb.split(":")[1])
    assert r.status_code == 400, r.text
    assert (
        r.json()["errors"][0]["message"] == "zendNotificatie mutation: afzender_type is not valid."
    )
    # A zorgkantoor may not send the CIZ's types (rule 9).
    r = _zend(network, "UZOVI:5508", NOTIFICATIE_ZK, zk, afzenderIDType="UZOVI", afzenderID="5508")
    assert r.status_code == 400, r.text
    assert (
        r.json()["errors"][0]["message"] == "zendNotificatie mutation: ontvanger_type is not valid."
    )
    # Addressed to someone else than this netwerkpunt: 200 with BAD_USER_INPUT, nothing stored.
    r = _zend(network, CIZ, NOTIFICATIE_ZK, zk, ontvangerID="5509")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(inbox(network, "UZOVI:5507", nieuw="false")) == before
    # And a good one is stored once, however often it is sent.
    first = _zend(network, CIZ, NOTIFICATIE_ZK, zk, subjectList=[_subject("x")])
    again = _zend(network, CIZ, NOTIFICATIE_ZK, zk, subjectList=[_subject("x")])
    ids = {x.json()["data"]["zendNotificatie"]["notificatieID"] for x in (first, again)}
    assert len(ids) == 1
    assert len(inbox(network, "UZOVI:5507", nieuw="false")) == before + 1


_SUBJECT = str(uuid.uuid4())


def _subject(_key: str) -> dict[str, str]:
    return {"subject": f"WlzIndicatie/{_SUBJECT}", "recordID": f"WlzIndicatie/{_SUBJECT}"}


def _any_agb() -> str:
    from iwlz.nid.demo import demo_aanbieder_agbs

    return demo_aanbieder_agbs()[0]


def test_a_subscriber_gets_the_voluntary_notification_until_it_unsubscribes(
    network: Network,
) -> None:
    """The demo's voluntary type: the CAK (admitted by IWLZ_WLZINDICATIE_ABONNEES) subscribes
    to new indications of one region; a zorgkantoor, not admitted, may not subscribe."""
    url = f"{network.base_url}/indicatieregister/abonnementen/graphql"
    cak, cak_kvk = "KVK:90000017", "90000017"
    headers = network.bearer(cak, ABONNEMENT, url)

    def gql(query: str, variables: dict[str, Any], **hdrs: str) -> httpx.Response:
        return httpx.post(
            url, json={"query": query, "variables": variables}, headers=hdrs, timeout=30
        )

    create_query = (
        "mutation($i: AbonnementInput!) { createAbonnement(abonnementInput: $i) { abonnementId } }"
    )
    delete_query = "mutation($id: UUID!) { deleteAbonnement(abonnementId: $id) }"

    refused = gql(
        create_query,
        {
            "i": {
                "notificatieTypeID": "WLZINDICATIE_MUTATIE_ABONNEMENT",
                "abonneeIDType": "UZOVI",
                "abonneeID": "5510",
            }
        },
        **network.bearer("UZOVI:5510", ABONNEMENT, url),
    )
    assert refused.status_code == 403, refused.text
    (error,) = refused.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "WLZINDICATIE_MUTATIE_ABONNEMENT" in error["message"]
    assert "must admit the organisation" in error["message"]

    # The demo's own CAK subscription (all mutations) would send each notification twice,
    # which the netwerkpunt stores once (its dedupe key has no ontvangerKenmerk): end it.
    listed = gql("{ abonnementen { abonnementId } }", {}, **headers)
    assert listed.status_code == 200, listed.text
    for existing in listed.json()["data"]["abonnementen"]:
        ended = gql(delete_query, {"id": existing["abonnementId"]}, **headers)
        assert ended.status_code == 200, ended.text

    first = registreer(network, bsn="999990032")
    region = first["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    create = gql(
        create_query,
        {
            "i": {
                "notificatieTypeID": "WLZINDICATIE_MUTATIE_ABONNEMENT",
                "abonneeIDType": "KVK",
                "abonneeID": cak_kvk,
                "filter": {"mutaties": ["NIEUW"], "zorgkantoren": [region]},
            }
        },
        **headers,
    )
    assert create.status_code == 200, create.text
    abonnement_id = create.json()["data"]["createAbonnement"]["abonnementId"]
    res = registreer(network, bsn="999990044")
    assert res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"] == region
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    item, _ = wait_for_item(network, cak, f"WlzIndicatie/{wid}")
    assert item["eventType"] == "WLZINDICATIE_MUTATIE_ABONNEMENT"
    assert item["ontvangerKenmerk"] == abonnement_id
    delete = gql(delete_query, {"id": abonnement_id}, **headers)
    assert delete.status_code == 200, delete.text
    later = registreer(network, bsn="999990056")
    wait_for_item(
        network,
        f"UZOVI:{region}",
        f"WlzIndicatie/{later['wlzIndicatie']['wlzindicatieID']}",
    )
    # Notifications are queued in the registration's own transaction, so the outbox already
    # shows that nothing was addressed to the CAK for this registration.
    import sqlalchemy as sa

    from iwlz.core.db import create_engine
    from iwlz.notificaties.outbox import outbox_table

    later_record = f"WlzIndicatie/{later['wlzIndicatie']['wlzindicatieID']}"
    engine = create_engine(network.env["IWLZ_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            to_cak = [
                r.payload
                for r in conn.execute(
                    sa.select(outbox_table.c.payload).where(outbox_table.c.ontvanger_id == cak_kvk)
                )
            ]
    finally:
        engine.dispose()
    assert to_cak, "the CAK did get the notification before it unsubscribed"
    assert all(later_record not in [x["recordID"] for x in p["subjectList"]] for p in to_cak)
    assert all(
        later_record not in [x["recordID"] for x in i["subjectList"]]
        for i in inbox(network, cak, nieuw="false")
    )


MELDING = "mutation zendMelding($m: MeldingInput!) { zendMelding(meldingInput: $m) { meldingID } }"
MELDINGEN = "query($s: MeldingStatus) { meldingen(status: $s) { meldingID status reden } }"
BEHANDEL = (
    "mutation($id: UUID!, $s: MeldingStatus!, $r: String) "
    "{ behandelMelding(meldingID: $id, status: $s, reden: $r) { meldingID status reden } }"
)


def test_a_zorgkantoor_reports_an_error_and_follows_the_cizs_handling(network: Network) -> None:
    res = registreer(network, bsn="999990068")
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    zk = res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    url = netwerkpunt(network, "KVK", "62253778")
    headers = network.bearer(
        f"UZOVI:{zk}", "organisaties/indicatieorgaan/meldingen/melding:create", url
    )
    m = {
        "timestamp": "2026-11-27T11:00:00.000Z",
        "afzenderIDType": "UZOVI",
        "afzenderID": zk,
        "ontvangerIDType": "KVK",
        "ontvangerID": "62253778",
        "eventType": "IWLZFOUTMELDING",
        "subjectList": [{"subject": "IRG0012", "recordID": f"WlzIndicatie/{wid}"}],
    }
    r = httpx.post(url, json={"query": MELDING, "variables": {"m": m}}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    melding_id = r.json()["data"]["zendMelding"]["meldingID"]
    status_url = f"{network.base_url}/netwerkpunt/KVK/62253778/meldingen/{melding_id}"

    def status() -> dict[str, Any]:
        s = httpx.get(status_url, headers=headers, timeout=30)
        assert s.status_code == 200, s.text
        body: dict[str, Any] = s.json()
        return body

    assert status()["status"] == "ONTVANGEN"
    ciz = network.bearer(CIZ, IR_CREATE, f"{network.base_url}{BEHEER_PATH}")
    listed = network.post(BEHEER_PATH, MELDINGEN, {"s": "ONTVANGEN"}, **ciz)
    assert listed.status_code == 200, listed.text
    assert melding_id in [x["meldingID"] for x in listed.json()["data"]["meldingen"]]
    for new_status in ("IN_BEHANDELING", "AFGEHANDELD"):
        done = network.post(BEHEER_PATH, BEHANDEL, {"id": melding_id, "s": new_status}, **ciz)
        assert done.status_code == 200, done.text
        assert status()["status"] == new_status
    # A final state stays final, and only the melder may look.
    again = network.post(
        BEHEER_PATH, BEHANDEL, {"id": melding_id, "s": "AFGEWEZEN", "r": "x"}, **ciz
    )
    assert again.json()["errors"][0]["extensions"]["code"] == "CONFLICT"
    other = "5501" if zk != "5501" else "5502"
    nosy = network.bearer(
        f"UZOVI:{other}", "organisaties/indicatieorgaan/meldingen/melding:create", url
    )
    assert httpx.get(status_url, headers=nosy, timeout=30).status_code == 404


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        _Hook.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_webhook_gets_each_new_item_signed(network: Network) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        zk = "5501"  # indicatie_json's address lies in Groningen
        headers = network.bearer(f"UZOVI:{zk}", INBOX_READ, netwerkpunt(network, "UZOVI", zk))
        put = httpx.put(
            f"{network.base_url}/netwerkpunt/UZOVI/{zk}/webhook",
            json={"url": f"http://127.0.0.1:{server.server_address[1]}/iwlz"},
            headers=headers,
            timeout=30,
        )
        assert put.status_code == 200, put.text
        secret = put.json()["secret"]
        res = registreer(network, bsn="999990081")
        wid = res["wlzIndicatie"]["wlzindicatieID"]
        deadline = time.monotonic() + 5
        found: list[tuple[dict[str, str], bytes]] = []
        while not found and time.monotonic() < deadline:
            found = [(h, b) for h, b in _Hook.received if wid.encode() in b]
            time.sleep(0.05)
        assert found, "webhook not called"
        hook_headers, body = found[0]
        expected = "sha256=" + hmac.new(secret.encode(), body, "sha256").hexdigest()
        assert hmac.compare_digest(hook_headers["x-iwlz-signature"], expected)
        item = json.loads(body)
        assert item["eventType"] == "NIEUWE_INDICATIE_ZORGKANTOOR"
        assert hook_headers["x-iwlz-item-id"] == item["itemID"]
        delete = httpx.delete(
            f"{network.base_url}/netwerkpunt/UZOVI/{zk}/webhook", headers=headers, timeout=30
        )
        assert delete.status_code in (200, 204), delete.text
    finally:
        server.shutdown()


def test_a_melding_queued_by_a_zorgkantoor_reaches_the_ciz_through_the_outbox(
    network: Network,
) -> None:
    """A back office queues a foutmelding; the worker finds the CIZ's MELDING entry in the
    address book, gets a token with the indicatieorgaan melding scope and delivers it."""
    import datetime as dt

    import sqlalchemy as sa

    from iwlz.core.db import create_engine
    from iwlz.notificaties.outbox import enqueue, outbox_table
    from iwlz.notificaties.rules import melding

    res = registreer(network, bsn="999990093")
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    zk = res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    engine = create_engine(network.env["IWLZ_DATABASE_URL"])
    try:
        with engine.begin() as conn:
            [delivery_id] = enqueue(
                conn,
                [
                    melding(
                        instant=dt.datetime.now(dt.UTC),
                        afzender_client_id=f"uzovi:{zk}",
                        afzender=("UZOVI", zk),
                        ontvanger=("KVK", "62253778"),
                        event_type="IWLZFOUTMELDING",
                        subjects=[("IRG0028", f"WlzIndicatie/{wid}")],
                    )
                ],
                now=dt.datetime.now(dt.UTC),
            )
        deadline = time.monotonic() + 5
        row = None
        while time.monotonic() < deadline:
            with engine.connect() as c:
                row = c.execute(
                    sa.select(outbox_table).where(outbox_table.c.delivery_id == delivery_id)
                ).one()
            if row.status != "pending":
                break
            time.sleep(0.05)
        assert row is not None and row.status == "delivered", row
        melding_id = row.response_id
    finally:
        engine.dispose()
    url = netwerkpunt(network, "KVK", "62253778")
    headers = network.bearer(
        f"UZOVI:{zk}", "organisaties/indicatieorgaan/meldingen/melding:create", url
    )
    status = httpx.get(
        f"{network.base_url}/netwerkpunt/KVK/62253778/meldingen/{melding_id}",
        headers=headers,
        timeout=30,
    )
    assert status.status_code == 200, status.text
    assert status.json()["status"] == "ONTVANGEN"


def test_setting_a_vervaldatum_notifies_the_responsible_zorgkantoor(network: Network) -> None:
    res = registreer(network, bsn="999990111")
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    zk = res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    headers = network.bearer(CIZ, IR_CREATE, f"{network.base_url}{BEHEER_PATH}")
    r = network.post(
        BEHEER_PATH,
        "mutation($id: UUID!, $d: Date) { wijzigVervaldatum(wlzindicatieID: $id, vervaldatum: $d)"
        " { geslaagd } }",
        {"id": wid, "d": "2026-12-31"},
        **headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["wijzigVervaldatum"]["geslaagd"]
    deadline = time.monotonic() + 5
    found: list[dict[str, Any]] = []
    while not found and time.monotonic() < deadline:
        found = [
            i
            for i in inbox(network, f"UZOVI:{zk}", nieuw="false")
            if i["eventType"] == "VERVALLEN_INDICATIE_ZORGKANTOOR"
            and i["subjectList"][0]["recordID"] == f"WlzIndicatie/{wid}"
        ]
        time.sleep(0.05)
    assert len(found) == 1
