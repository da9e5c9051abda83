"""The issue's acceptance flow over real HTTP: CLI-seeded data, served by ``iwlz serve``."""

from __future__ import annotations

import json

import httpx

from .conftest import Network, iwlz

ACCEPTANCE = """{ wlzIndicatie(where:{wlzindicatieID:{eq:"%s"}}) {
  wlzindicatieID bsn client { bsn geslachtsnaam } geindiceerdZorgzwaartepakket { zzpCode } } }"""


def test_seeded_indication_is_served(network: Network) -> None:
    entries = network.manifest["indicaties"]
    assert len(entries) == 25
    entry = entries[7]
    r = network.post("/indicatieregister/graphql", ACCEPTANCE % entry["wlzindicatieID"])
    assert r.status_code == 200, r.text
    [ind] = r.json()["data"]["wlzIndicatie"]
    assert ind["wlzindicatieID"] == entry["wlzindicatieID"]
    assert ind["bsn"] == entry["bsn"] == ind["client"]["bsn"]
    assert ind["client"]["geslachtsnaam"]
    assert ind["geindiceerdZorgzwaartepakket"][0]["zzpCode"]


def test_manifest_zorgkantoor_matches_register(network: Network) -> None:
    for entry in network.manifest["indicaties"][:10]:
        q = """query($id: UUID!, $zk: String!) { wlzIndicatie(where:{wlzindicatieID:{eq:$id},
            initieelVerantwoordelijkZorgkantoor:{eq:$zk}}) { wlzindicatieID } }"""
        r = network.post(
            "/indicatieregister/graphql",
            q,
            {"id": entry["wlzindicatieID"], "zk": entry["initieelVerantwoordelijkZorgkantoor"]},
        )
        assert r.json()["data"]["wlzIndicatie"] == [{"wlzindicatieID": entry["wlzindicatieID"]}]


def test_bad_requests_over_the_wire(network: Network) -> None:
    url = f"{network.base_url}/indicatieregister/graphql"
    assert httpx.get(url).status_code == 405
    assert (
        httpx.post(url, content=b"{", headers={"content-type": "application/json"}).status_code
        == 400
    )
    big = json.dumps({"query": "{ wlzIndicatie { bsn } }", "variables": {"x": "a" * 1_100_000}})
    assert (
        httpx.post(url, content=big, headers={"content-type": "application/json"}).status_code
        == 413
    )
    r = network.post(
        "/indicatieregister/graphql", '{ wlzIndicatie(where:{wlzindicatieID:{eq:"nope"}}) { bsn } }'
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
    assert "current: 0001" in out.stdout
