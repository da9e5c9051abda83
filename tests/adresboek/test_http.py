"""``GET /adresboek`` over HTTP."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.testclient import TestClient

from iwlz.adresboek import Adresboek
from iwlz.adresboek.http import ADRESBOEK_PATH, Authorize, adresboek_routes

from .conftest import entry


def _client(adresboek: Adresboek, authorize: Authorize | None = None) -> TestClient:
    return TestClient(Starlette(routes=adresboek_routes(adresboek, authorize)))


def test_get_returns_the_export(adresboek: Adresboek) -> None:
    adresboek.publish(entry("5501_NOTIFICATIE_TST"))
    adresboek.publish(entry("CIZ-REGISTER-TST", _comment="IR"))
    response = _client(adresboek).get(ADRESBOEK_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == adresboek.export()
    assert [s["gegevensdienstId"] for s in response.json()["electronicServices"]] == [
        "5501_NOTIFICATIE_TST",
        "CIZ_REGISTER_TST",
    ]
    assert "private" in response.headers["cache-control"]


def test_empty_address_book(adresboek: Adresboek) -> None:
    response = _client(adresboek).get("/adresboek")
    assert (response.status_code, response.json()) == (200, {"electronicServices": []})


def test_etag_gives_304_until_something_changes(adresboek: Adresboek) -> None:
    adresboek.publish(entry("5501_MELDING_TST"))
    client = _client(adresboek)
    first = client.get("/adresboek")
    etag = first.headers["etag"]
    unchanged = client.get("/adresboek", headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    adresboek.publish(entry("5502_MELDING_TST"))
    changed = client.get("/adresboek", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert len(changed.json()["electronicServices"]) == 2


def test_authorize_hook_decides(adresboek: Adresboek) -> None:
    adresboek.publish(entry("5501_MELDING_TST"))
    seen: list[str] = []

    async def authorize(request: Request) -> Response | None:
        seen.append(request.url.path)
        if request.headers.get("authorization") != "Bearer ok":
            return PlainTextResponse("Unauthorized", status_code=401)
        return None

    client = _client(adresboek, authorize)
    refused = client.get("/adresboek")
    assert (refused.status_code, refused.text) == (401, "Unauthorized")
    allowed = client.get("/adresboek", headers={"Authorization": "Bearer ok"})
    assert allowed.status_code == 200
    assert allowed.json()["electronicServices"][0]["gegevensdienstId"] == "5501_MELDING_TST"
    assert seen == ["/adresboek", "/adresboek"]


def test_only_get(adresboek: Adresboek) -> None:
    client = _client(adresboek)
    assert client.post("/adresboek", json={"electronicServices": []}).status_code == 405
    assert client.head("/adresboek").status_code == 200


def test_failure_gives_legacy_error_body(
    adresboek: Adresboek, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict[str, object]:
        raise RuntimeError("database down")

    monkeypatch.setattr(adresboek, "export", broken)
    response = _client(adresboek).get("/adresboek")
    assert response.status_code == 503
    assert response.json() == {
        "ErrorCode": "service_unavailable",
        "Error": "address book unavailable",
    }
