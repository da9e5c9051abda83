"""The gemeente REST API through nID: deliveries, signals, CSV, acknowledgement, isolation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from iwlz.nid.audit import audit_log
from iwlz.signalen.http import API_PATH
from iwlz.signalen.kopie import KopieWlzRegister
from iwlz.signalen.matching import Matcher
from iwlz.signalen.toegang import SCOPE_SIGNALEN, SCOPE_WMO

from .conftest import AMSTERDAM, BSN_A, BSN_B, BSN_C, ROTTERDAM, SLEUTEL, Net

HEADER = "gemeentecode;bsn;wmo_referentie;status;ingangsdatum;einddatum;voorzieningsoort\n"


def api(g: str) -> str:
    return f"{API_PATH}/gemeenten/{g}"


def put_csv(net: Net, g: str, body: str, who: str | None = None) -> object:
    headers = net.bearer(who or g, SCOPE_WMO, API_PATH)
    headers["content-type"] = "text/csv"
    return net.client.put(f"{api(g)}/wmo-clienten", content=body.encode(), headers=headers)


def test_upload_csv_stores_and_reports(net: Net) -> None:
    r = put_csv(
        net,
        AMSTERDAM,
        HEADER + f"{AMSTERDAM};{BSN_A};W-1;LOPEND;2026-01-01;;01\n"
        f"{AMSTERDAM};{BSN_B};W-2;AANGEVRAAGD;2026-05-01;2026-12-31;\n",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "VERWERKT" and body["aantalRijen"] == 2 and body["fouten"] == []
    summary = net.client.get(
        f"{api(AMSTERDAM)}/wmo-clienten", headers=net.bearer(AMSTERDAM, SCOPE_WMO, API_PATH)
    )
    assert summary.status_code == 200
    assert summary.json()["perStatus"] == {"LOPEND": 1, "AANGEVRAAGD": 1}
    assert BSN_A not in summary.text  # no BSNs in the summary


def test_bad_rows_reject_the_delivery_and_keep_the_previous(net: Net) -> None:
    assert put_csv(net, AMSTERDAM, HEADER + f"{AMSTERDAM};{BSN_A};W-1;LOPEND;2026-01-01;;\n")
    r = put_csv(
        net,
        AMSTERDAM,
        HEADER + f"{AMSTERDAM};{BSN_B};W-2;LOPEND;2026-01-01;;\n"
        f"{AMSTERDAM};123456789;W-3;LOPEND;2026-01-01;;\n"
        f"{ROTTERDAM};{BSN_C};W-4;KLAAR;2026-13-01;;x\n"
        f"{AMSTERDAM};{BSN_C};W-2;LOPEND;2026-02-01;2026-01-01;\n",
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    report = r.json()
    assert report["status"] == "AFGEWEZEN"
    found = {(f["rij"], f["veld"], f["code"]) for f in report["fouten"]}
    assert (2, "bsn", "BSN") in found
    assert (3, "gemeentecode", "ANDERE_GEMEENTE") in found
    assert (3, "status", "CODELIJST") in found
    assert (3, "ingangsdatum", "DATUM") in found
    assert (3, "voorzieningsoort", "FORMAAT") in found
    assert (4, "einddatum", "VOLGORDE") in found
    assert "123456789" not in r.text  # the report never echoes a BSN
    # The stored report can be fetched again.
    stored = net.client.get(
        f"{api(AMSTERDAM)}/wmo-clienten/leveringen/{report['leveringId']}",
        headers=net.bearer(AMSTERDAM, SCOPE_WMO, API_PATH),
    )
    assert stored.status_code == 200 and stored.json()["aantalFouten"] == report["aantalFouten"]
    with net.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT wmo_referentie FROM sig_wmo_client")).scalars().all()
    assert rows == ["W-1"]


def test_unreadable_and_unsupported_bodies(net: Net) -> None:
    r = put_csv(net, AMSTERDAM, "naam;adres\nx;y\n")
    assert r.status_code == 400 and "header" in r.json()["detail"]
    headers = net.bearer(AMSTERDAM, SCOPE_WMO, API_PATH)
    r = net.client.put(
        f"{api(AMSTERDAM)}/wmo-clienten",
        content=b"<xml/>",
        headers={**headers, "content-type": "application/xml"},
    )
    assert r.status_code == 415


def test_json_delivery_and_mutations(net: Net) -> None:
    headers = net.bearer(AMSTERDAM, SCOPE_WMO, API_PATH)
    record = {
        "gemeentecode": AMSTERDAM,
        "bsn": BSN_A,
        "wmo_referentie": "W-1",
        "status": "LOPEND",
        "ingangsdatum": "2026-01-01",
    }
    r = net.client.put(
        f"{api(AMSTERDAM)}/wmo-clienten", json={"clienten": [record]}, headers=headers
    )
    assert r.status_code == 200, r.text
    r = net.client.post(
        f"{api(AMSTERDAM)}/wmo-clienten/mutaties",
        json={
            "mutaties": [
                {"actie": "TOEVOEGEN", "record": {**record, "wmo_referentie": "W-2", "bsn": BSN_B}},
                {"actie": "WIJZIGEN", "record": {**record, "einddatum": "2026-09-01"}},
            ]
        },
        headers=headers,
    )
    assert r.status_code == 200, r.text
    # All or nothing: one bad mutation keeps everything as it was.
    r = net.client.post(
        f"{api(AMSTERDAM)}/wmo-clienten/mutaties",
        json={
            "mutaties": [
                {"actie": "VERWIJDEREN", "record": {"wmo_referentie": "W-2"}},
                {"actie": "WIJZIGEN", "record": {**record, "wmo_referentie": "W-9"}},
            ]
        },
        headers=headers,
    )
    assert r.status_code == 422
    assert [(f["rij"], f["code"]) for f in r.json()["fouten"]] == [(2, "ONBEKEND")]
    with net.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT wmo_referentie, einddatum FROM sig_wmo_client ORDER BY 1")
        ).all()
    assert [(a, str(b) if b else None) for a, b in rows] == [("W-1", "2026-09-01"), ("W-2", None)]


def test_a_gemeente_only_reaches_its_own_code(net: Net) -> None:
    # Rotterdam's token on Amsterdam's paths: refused by the policy, audited.
    headers = net.bearer(ROTTERDAM, SCOPE_SIGNALEN, API_PATH)
    for path in ("/signalen", "/rapporten", "/rapporten/2026-06-15"):
        r = net.client.get(api(AMSTERDAM) + path, headers=headers)
        assert r.status_code == 403, (path, r.text)
    r = put_csv(
        net, AMSTERDAM, HEADER + f"{AMSTERDAM};{BSN_A};W-1;LOPEND;2026-01-01;;\n", ROTTERDAM
    )
    assert r.status_code == 403
    # The signalen scope does not allow deliveries; no token at all is 401.
    headers = net.bearer(AMSTERDAM, SCOPE_SIGNALEN, API_PATH)
    r = net.client.put(
        f"{api(AMSTERDAM)}/wmo-clienten",
        content=HEADER.encode(),
        headers={**headers, "content-type": "text/csv"},
    )
    assert r.status_code == 403
    assert net.client.get(api(AMSTERDAM) + "/signalen").status_code == 401
    with net.engine.connect() as conn:
        denied = conn.execute(
            sa.select(sa.func.count())
            .select_from(audit_log)
            .where(
                audit_log.c.event_type == "wlzsignalen.toegang",
                audit_log.c.decision == "deny",
                audit_log.c.participant == f"gemeentecode:{ROTTERDAM}",
            )
        ).scalar_one()
    assert denied == 4


def _signal_for_both(net: Net) -> None:
    """Amsterdam delivers A and B, Rotterdam delivers C; A and C get a Wlz indication."""
    assert (
        put_csv(
            net,
            AMSTERDAM,
            HEADER + f"{AMSTERDAM};{BSN_A};A-1;LOPEND;2026-01-01;;\n"
            f"{AMSTERDAM};{BSN_B};A-2;LOPEND;2026-01-01;;\n",
        ).status_code
        == 200
    )  # type: ignore[attr-defined]
    assert (
        put_csv(
            net, ROTTERDAM, HEADER + f"{ROTTERDAM};{BSN_C};R-1;LOPEND;2026-01-01;;\n"
        ).status_code
        == 200
    )  # type: ignore[attr-defined]
    KopieWlzRegister(net.engine, None).bewaar(
        [
            {
                "wlzindicatieID": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "bsn": BSN_A,
                "wlzStatus": "Ja",
                "afgiftedatum": "2026-06-01",
                "ingangsdatum": "2026-06-01",
                "einddatum": None,
            },
            {
                "wlzindicatieID": "4fa85f64-5717-4562-b3fc-2c963f66afa6",
                "bsn": BSN_C,
                "wlzStatus": "Onbekend",
                "afgiftedatum": "2026-06-01",
                "ingangsdatum": "2026-06-01",
                "einddatum": None,
            },
        ]
    )
    Matcher(net.engine, sleutel_key=SLEUTEL).run(dt.date(2026, 6, 15))


def test_signals_csv_and_acknowledgement_per_gemeente(net: Net) -> None:
    _signal_for_both(net)
    headers = net.bearer(AMSTERDAM, SCOPE_SIGNALEN, API_PATH)
    r = net.client.get(f"{api(AMSTERDAM)}/signalen", headers=headers)
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(s["bsn"], s["wmo_referentie"], s["signaaltype"]) for s in items] == [
        (BSN_A, "A-1", "NIEUW_WLZ")
    ]
    assert BSN_C not in r.text
    reports = net.client.get(f"{api(AMSTERDAM)}/rapporten", headers=headers).json()["items"]
    assert reports == [
        {
            "signaaldatum": "2026-06-15",
            "aantal": 1,
            "bestandsnaam": "wlz-signalen_0363_20260615.csv",
        }
    ]
    csv = net.client.get(f"{api(AMSTERDAM)}/rapporten/2026-06-15", headers=headers)
    assert csv.status_code == 200
    assert csv.headers["content-disposition"].endswith('"wlz-signalen_0363_20260615.csv"')
    lines = csv.content.decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffsignaal_id;signaaldatum;signaaltype;gemeentecode;bsn")
    assert len(lines) == 2 and f";{BSN_A};A-1;" in lines[1] and BSN_C not in csv.text
    # No file on a day without signals.
    empty = net.client.get(f"{api(AMSTERDAM)}/rapporten/2026-06-14", headers=headers)
    assert empty.status_code == 404
    # Rotterdam cannot acknowledge Amsterdam's signal, even with its own path.
    sid = items[0]["signaal_id"]
    other = net.bearer(ROTTERDAM, SCOPE_SIGNALEN, API_PATH)
    r = net.client.post(f"{api(ROTTERDAM)}/signalen/{sid}/ontvangst", headers=other)
    assert r.status_code == 404
    r = net.client.post(f"{api(AMSTERDAM)}/signalen/{sid}/ontvangst", headers=headers)
    assert r.status_code == 200 and r.json() == {"ontvangen": [sid]}
    unread = net.client.get(f"{api(AMSTERDAM)}/signalen?status=ONGELEZEN", headers=headers)
    assert unread.json()["items"] == []
    # Rotterdam sees its own signal only.
    mine = net.client.get(f"{api(ROTTERDAM)}/signalen", headers=other).json()["items"]
    assert [(s["bsn"], s["wlz_status"]) for s in mine] == [(BSN_C, "Onbekend")]
    # Every access is in the audit log with the disclosed BSNs as keyed hashes only.
    audit = net.app.state.network.nid.audit
    shown = audit.show(bsn=BSN_A, limit=50)
    assert any(r.operation == "signalen.lezen" and r.decision == "allow" for r in shown)
    with net.engine.connect() as conn:
        texts = conn.execute(sa.select(audit_log.c.details, audit_log.c.records)).all()
    assert all(BSN_A not in (d + r) for d, r in texts)


def test_openapi_document(net: Net) -> None:
    r = net.client.get(f"{API_PATH}/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    assert "/gemeenten/{gemeentecode}/signalen/{signaalId}/ontvangst" in doc["paths"]
    assert doc["servers"][0]["url"].endswith("/wlzsignalen/v1")


def test_acknowledgement_runs_the_follow_up_hook(net: Net) -> None:
    _signal_for_both(net)
    seen: list[tuple[str, list[str]]] = []

    class Recorder:
        def na_ontvangst(self, gemeentecode: str, signalen: Any) -> None:
            seen.append((gemeentecode, [s["wmo_referentie"] for s in signalen]))

    class Broken:
        def na_ontvangst(self, gemeentecode: str, signalen: Any) -> None:
            raise RuntimeError("iWmo is down")

    dienst = net.app.state.signalen.dienst
    dienst.opvolging.extend([Broken(), Recorder()])
    headers = net.bearer(AMSTERDAM, SCOPE_SIGNALEN, API_PATH)
    sid = net.client.get(f"{api(AMSTERDAM)}/signalen", headers=headers).json()["items"][0][
        "signaal_id"
    ]
    r = net.client.post(
        f"{api(AMSTERDAM)}/signalen/ontvangst", json={"signaalIds": [sid]}, headers=headers
    )
    assert r.status_code == 200 and r.json() == {"ontvangen": [sid]}
    # A failing hook does not undo the acknowledgement nor stop the others.
    assert seen == [(AMSTERDAM, ["A-1"])]
