"""Estafette messages over real HTTP: POST /berichten/iwlz with nID tokens, the PDP's
"only your own messages" rule, the retour as the answer, and the network model picking up
what the messages say (notifications in the participants' inboxes).

The hybrid period in one test: the CIZ hands in an IO31, the zorgkantoor is notified as if
the CIZ had written the Indicatieregister; the zorgkantoor answers with an AW33, the aanbieder
is notified of its allocation; the aanbieder's AW35 lands in its Leveringsregister."""

from __future__ import annotations

import time
from typing import Any

import httpx
from lxml import etree

from ..berichten.keten import keten
from .conftest import Network
from .test_keten import aanbieders
from .test_notificaties import CIZ, inbox

SCOPE = "iwlz/berichten/iwlz:create"
PATH = "/berichten/iwlz"
ZK = "5521"


def stuur(network: Network, participant: str, data: bytes, **headers: str) -> httpx.Response:
    auth = network.bearer(participant, SCOPE, f"{network.base_url}{PATH}")
    return httpx.post(
        f"{network.base_url}{PATH}",
        content=data,
        headers={"content-type": "application/xml", **auth, **headers},
        timeout=30,
    )


def wacht_op(network: Network, participant: str, event_type: str) -> dict[str, Any]:
    """The first inbox item of ``event_type`` (this module's network is its own)."""
    deadline = time.monotonic() + 10
    while True:
        for item in inbox(network, participant):
            if item["eventType"] == event_type:
                return item
        if time.monotonic() > deadline:
            raise AssertionError(f"no {event_type} for {participant}")
        time.sleep(0.05)


def retourcodes(r: httpx.Response) -> set[str]:
    root = etree.fromstring(r.content)
    return {c.text or "" for c in root.iter("{*}RetourCode")}


def test_the_chain_by_messages_reaches_the_network(network: Network) -> None:
    agb = aanbieders(network)[0]
    k = keten(seed=11, zorgkantoor=ZK, aanbieder=agb)

    r = stuur(network, CIZ, k.io31)
    assert r.status_code == 200, r.text
    assert r.headers["iwlz-retour"] == "geaccepteerd"
    assert r.headers["content-type"].startswith("application/xml")
    assert retourcodes(r) == {"0200"}
    assert etree.QName(etree.fromstring(r.content)).namespace.endswith("/io32/schema")
    # The zorgkantoor is notified as for any new indication in the register.
    melding = wacht_op(network, f"UZOVI:{ZK}", "NIEUWE_INDICATIE_ZORGKANTOOR")
    assert melding["subjectList"]

    r = stuur(network, f"UZOVI:{ZK}", k.aw33)
    assert (r.status_code, r.headers["iwlz-retour"]) == (200, "geaccepteerd"), r.text
    wacht_op(network, f"AGB:{agb}", "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER")

    r = stuur(network, f"AGB:{agb}", k.aw35)
    assert (r.status_code, r.headers["iwlz-retour"]) == (200, "geaccepteerd"), r.text

    # The same AW35 again: TR056 in the header, nothing imported twice.
    r = stuur(network, f"AGB:{agb}", k.aw35)
    assert r.status_code == 200 and r.headers["iwlz-retour"] == "bevindingen"
    assert "9056" in retourcodes(r)


def test_only_the_afzender_may_hand_in_a_message(network: Network) -> None:
    agb = aanbieders(network)[1]
    k = keten(seed=12, zorgkantoor=ZK, aanbieder=agb)
    # Another zorgkantoor, the aanbieder and the CIZ cannot send the zorgkantoor's AW33.
    for participant in ("UZOVI:5518", f"AGB:{agb}", CIZ):
        r = stuur(network, participant, k.aw33)
        assert r.status_code == 403, (participant, r.text)
        assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Only the CIZ sends an IO31.
    assert stuur(network, f"UZOVI:{ZK}", k.io31).status_code == 403


def test_bad_requests_get_clear_errors(network: Network) -> None:
    url = f"{network.base_url}{PATH}"
    k = keten(seed=13, zorgkantoor=ZK)
    assert httpx.post(url, content=k.io31, timeout=30).status_code == 401
    r = stuur(network, CIZ, k.io31, **{"content-type": "application/json"})
    assert r.status_code == 415 and "application/xml" in r.json()["errors"][0]["message"]
    r = stuur(network, CIZ, b"<Bericht")
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST", "reason": "XML"}
    xxe = b'<!DOCTYPE b [<!ENTITY x SYSTEM "file:///etc/passwd">]><Bericht>&x;</Bericht>'
    r = stuur(network, CIZ, xxe)
    assert r.status_code == 400 and r.json()["errors"][0]["extensions"]["reason"] == "DTD"
    assert "root" not in r.text
    r = stuur(network, CIZ, b"<a>" + b" " * (6 * 1024 * 1024) + b"</a>")
    assert r.status_code == 413
    # A structure error: answered, with a header-only 0001 retour.
    r = stuur(network, CIZ, k.io31.replace(b"<Geslacht>", b"<Geslacht>9", 1))
    assert (r.status_code, r.headers["iwlz-retour"]) == (200, "afgekeurd")
    assert retourcodes(r) == {"0001"}
