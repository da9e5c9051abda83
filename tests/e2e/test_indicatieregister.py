"""The Indicatieregister over real HTTP: CLI-seeded data, served by ``iwlz serve``, via nID."""

from __future__ import annotations

import json

import httpx

from .conftest import IR_PATH, Network, iwlz

UCIR_0001 = """query QIR0001($id: UUID!, $zk: String!) {
  wlzIndicatie(where: {wlzindicatieID: {eq: $id}, initieelVerantwoordelijkZorgkantoor: {eq: $zk}}) {
    wlzindicatieID bsn client { bsn geslachtsnaam } geindiceerdZorgzwaartepakket { zzpCode } } }"""


def test_responsible_zorgkantoor_reads_seeded_indication(network: Network) -> None:
    entry = network.manifest["indicaties"][7]
    zk = entry["initieelVerantwoordelijkZorgkantoor"]
    r = network.post(
        IR_PATH,
        UCIR_0001,
        {"id": entry["wlzindicatieID"], "zk": zk},
        **network.bearer(f"UZOVI:{zk}"),
    )
    assert r.status_code == 200, r.text
    [ind] = r.json()["data"]["wlzIndicatie"]
    assert ind["wlzindicatieID"] == entry["wlzindicatieID"]
    assert ind["bsn"] == entry["bsn"] == ind["client"]["bsn"]
    assert ind["client"]["geslachtsnaam"]
    assert ind["geindiceerdZorgzwaartepakket"][0]["zzpCode"]


def test_every_seeded_indication_readable_by_its_own_zorgkantoor_only(network: Network) -> None:
    tokens: dict[str, dict[str, str]] = {}
    for entry in network.manifest["indicaties"][:10]:
        zk = entry["initieelVerantwoordelijkZorgkantoor"]
        headers = tokens.setdefault(zk, network.bearer(f"UZOVI:{zk}"))
        ok = network.post(IR_PATH, UCIR_0001, {"id": entry["wlzindicatieID"], "zk": zk}, **headers)
        assert [i["wlzindicatieID"] for i in ok.json()["data"]["wlzIndicatie"]] == [
            entry["wlzindicatieID"]
        ]
        other = "5501" if zk != "5501" else "5502"
        denied = network.post(
            IR_PATH, UCIR_0001, {"id": entry["wlzindicatieID"], "zk": other}, **headers
        )
        assert denied.status_code == 403
        assert "data" not in denied.json()


def test_no_token_no_data(network: Network) -> None:
    entry = network.manifest["indicaties"][0]
    r = network.post(
        IR_PATH,
        UCIR_0001,
        {"id": entry["wlzindicatieID"], "zk": entry["initieelVerantwoordelijkZorgkantoor"]},
    )
    assert r.status_code == 401
    assert "data" not in r.text


def test_bad_requests_over_the_wire(network: Network) -> None:
    url = f"{network.base_url}{IR_PATH}"
    auth = network.bearer("UZOVI:5515")
    assert httpx.get(url, headers=auth).status_code == 405
    assert (
        httpx.post(
            url, content=b"{", headers={"content-type": "application/json", **auth}
        ).status_code
        == 400
    )
    big = json.dumps({"query": "{ wlzIndicatie { bsn } }", "variables": {"x": "a" * 1_100_000}})
    assert (
        httpx.post(
            url, content=big, headers={"content-type": "application/json", **auth}
        ).status_code
        == 413
    )
    r = network.post(
        IR_PATH, '{ wlzIndicatie(where:{wlzindicatieID:{eq:"nope"}}) { bsn } }', **auth
    )
    assert r.status_code == 400
    assert "UUID" in r.json()["errors"][0]["message"]


def test_health_metrics_and_trace(network: Network) -> None:
    r = httpx.get(f"{network.base_url}/healthz")
    assert r.json()["status"] == "ok"
    assert len(r.headers["x-b3-traceid"]) == 32
    metrics = httpx.get(f"{network.base_url}/metrics").text
    assert "iwlz_http_request_duration_seconds_bucket" in metrics


def test_db_current_reports_head(network: Network) -> None:
    out = iwlz("db", "current", env=network.env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "current: 00" in out.stdout
