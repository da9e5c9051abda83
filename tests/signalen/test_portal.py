"""The gemeente portal: sign-in with an nID token, signed session, CSRF, isolation."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from iwlz.signalen.kopie import KopieWlzRegister
from iwlz.signalen.matching import Matcher
from iwlz.signalen.portal import COOKIE, PORTAL_PATH
from iwlz.signalen.toegang import SCOPE_SIGNALEN, SCOPE_WMO

from .conftest import AMSTERDAM, BSN_A, BSN_B, ROTTERDAM, SLEUTEL, Net

CSV = (
    "gemeentecode;bsn;wmo_referentie;status;ingangsdatum;einddatum;voorzieningsoort\n"
    f"{AMSTERDAM};{BSN_A};P-1;LOPEND;2026-01-01;;\n"
)


def sign_in(net: Net, who: str, scope: str = SCOPE_SIGNALEN) -> str:
    token = net.token(who, scope, PORTAL_PATH)
    r = net.client.post(f"{PORTAL_PATH}/login", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    cookie = r.cookies.get(COOKIE)
    assert cookie
    header = r.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header
    return str(cookie)


def csrf(net: Net) -> str:
    page = net.client.get(f"{PORTAL_PATH}/")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_pages_need_a_session_and_a_valid_token(net: Net) -> None:
    page = net.client.get(f"{PORTAL_PATH}/")
    assert page.status_code == 200 and 'action="/wlzsignalen/portal/login"' in page.text
    assert "dev-login" not in page.text  # no picker outside dev mode
    r = net.client.post(f"{PORTAL_PATH}/login", data={"token": "not-a-token"})
    assert r.status_code == 401
    # A token for another audience (the API) does not sign in.
    api_token = net.token(AMSTERDAM, SCOPE_SIGNALEN, "/wlzsignalen/v1")
    assert net.client.post(f"{PORTAL_PATH}/login", data={"token": api_token}).status_code == 401
    assert net.client.post(f"{PORTAL_PATH}/dev-login", data={"client_id": "x"}).status_code == 404
    # A forged cookie is no session.
    net.client.cookies.set(COOKIE, "e30.AAAA", path=PORTAL_PATH)
    assert 'action="/wlzsignalen/portal/login"' in net.client.get(f"{PORTAL_PATH}/").text


def test_upload_needs_csrf_and_shows_the_report(net: Net) -> None:
    sign_in(net, AMSTERDAM)
    files = {"bestand": ("wmo.csv", CSV.encode(), "text/csv")}
    r = net.client.post(f"{PORTAL_PATH}/upload", files=files, data={"csrf": "wrong"})
    assert r.status_code == 403
    with net.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sig_wmo_client")).scalar_one() == 0
    token = csrf(net)
    # The session was signed in with the signalen scope only: no deliveries.
    r = net.client.post(f"{PORTAL_PATH}/upload", files=files, data={"csrf": token})
    assert r.status_code == 403
    net.client.cookies.clear()
    sign_in(net, AMSTERDAM, f"{SCOPE_SIGNALEN} {SCOPE_WMO}")
    token = csrf(net)
    r = net.client.post(f"{PORTAL_PATH}/upload", files=files, data={"csrf": token})
    assert r.status_code == 200 and "VERWERKT" in r.text
    bad = {"bestand": ("wmo.csv", CSV.replace(BSN_A, "123456789").encode(), "text/csv")}
    r = net.client.post(f"{PORTAL_PATH}/upload", files=bad, data={"csrf": token})
    assert r.status_code == 422 and "AFGEWEZEN" in r.text and "123456789" not in r.text
    assert "<td>bsn</td><td>BSN</td>" in r.text
    with net.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT bsn FROM sig_wmo_client")).scalars().all() == [BSN_A]


def test_signals_only_of_the_own_gemeente(net: Net) -> None:
    from .test_api import HEADER, put_csv

    assert put_csv(net, AMSTERDAM, HEADER + f"{AMSTERDAM};{BSN_A};A-1;LOPEND;2026-01-01;;\n")
    assert put_csv(net, ROTTERDAM, HEADER + f"{ROTTERDAM};{BSN_B};R-1;LOPEND;2026-01-01;;\n")
    KopieWlzRegister(net.engine, None).bewaar(
        [
            {
                "wlzindicatieID": f"{i}fa85f64-5717-4562-b3fc-2c963f66afa6",
                "bsn": bsn,
                "wlzStatus": "Ja",
                "afgiftedatum": "2026-06-01",
                "ingangsdatum": "2026-06-01",
                "einddatum": None,
            }
            for i, bsn in ((3, BSN_A), (4, BSN_B))
        ]
    )
    Matcher(net.engine, sleutel_key=SLEUTEL).run(dt.date(2026, 6, 15))
    sign_in(net, AMSTERDAM)
    page = net.client.get(f"{PORTAL_PATH}/")
    assert BSN_A in page.text and BSN_B not in page.text
    csv = net.client.get(f"{PORTAL_PATH}/rapporten/2026-06-15")
    assert csv.status_code == 200 and BSN_A in csv.text and BSN_B not in csv.text
    sid = re.search(r'name="signaal_id" value="([^"]+)"', page.text)
    assert sid
    r = net.client.post(
        f"{PORTAL_PATH}/ontvangst",
        data={"csrf": csrf(net), "signaal_id": sid.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Geen ongelezen signalen" in net.client.get(f"{PORTAL_PATH}/").text
    # Rotterdam's session sees Rotterdam's signal only.
    net.client.cookies.clear()
    sign_in(net, ROTTERDAM)
    page = net.client.get(f"{PORTAL_PATH}/")
    assert BSN_B in page.text and BSN_A not in page.text
    assert net.client.get(f"{PORTAL_PATH}/rapporten/2026-06-15").text.count(BSN_A) == 0
