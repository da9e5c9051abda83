"""nID over real HTTP: token endpoint, token attacks against the PEP, revocation, audit."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest

from iwlz.nid.client import token_request
from iwlz.nid.demo import participant_key
from iwlz.nid.keys import SigningKey

from .conftest import BEHEER_PATH, IR_CREATE, IR_PATH, IR_READ, Network, iwlz

QUERY = """query QIR0001($id: UUID!, $zk: String!) {
  wlzIndicatie(where: {wlzindicatieID: {eq: $id}, initieelVerantwoordelijkZorgkantoor: {eq: $zk}}) {
    wlzindicatieID } }"""


def _entry(network: Network) -> tuple[dict[str, str], dict[str, Any]]:
    entry = network.manifest["indicaties"][3]
    zk = entry["initieelVerantwoordelijkZorgkantoor"]
    return entry, {"id": entry["wlzindicatieID"], "zk": zk}


def _server_key(network: Network) -> SigningKey:
    return SigningKey.from_pem((network.keys_dir / "nid-signing.pem").read_bytes())


def _forge(
    network: Network,
    key: SigningKey | None = None,
    *,
    alg: str = "ES256",
    kid: str | None = None,
    secret: Any = None,
    **changes: Any,
) -> str:
    entry, _ = _entry(network)
    zk = entry["initieelVerantwoordelijkZorgkantoor"]
    now = int(time.time())
    claims = {
        "iss": "auth.nid",
        "sub": f"uzovi:{zk}",
        "aud": f"{network.base_url}{IR_PATH}",
        "iat": now,
        "nbf": now - 120,
        "exp": now + 600,
        "jti": str(uuid.uuid4()),
        "client_id": f"uzovi:{zk}",
        "uzovi": zk,
        "agb": None,
        "kvk": None,
        "instantie_type": "Zorgkantoor",
        "scopes": ["registers/wlzindicatieregister/indicaties/indicatie:read"],
    }
    claims.update(changes)
    key = key or _server_key(network)
    signing: Any = secret if secret is not None else key.private
    return jwt.encode(claims, signing, algorithm=alg, headers={"kid": kid or key.kid})


def _query(network: Network, token: str) -> httpx.Response:
    _, variables = _entry(network)
    return network.post(IR_PATH, QUERY, variables, authorization=f"Bearer {token}")


def test_forged_but_valid_token_is_accepted(network: Network) -> None:
    """Control case: the forging helper makes tokens the PEP accepts when nothing is wrong."""
    r = _query(network, _forge(network))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "attack",
    [
        "alg_none",
        "hs256_with_public_key",
        "expired",
        "not_yet_valid",
        "wrong_audience",
        "wrong_issuer",
        "wrong_issuer_key",
        "garbage",
    ],
)
def test_token_attacks_are_rejected(network: Network, attack: str) -> None:
    key = _server_key(network)
    now = int(time.time())
    if attack == "alg_none":
        token = _forge(network, alg="none", secret="")
        token = jwt.encode(
            jwt.decode(token, options={"verify_signature": False}), None, algorithm="none"
        )
    elif attack == "hs256_with_public_key":
        from cryptography.hazmat.primitives import serialization

        pem = key.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

        def b64(b: bytes) -> str:
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

        payload = jwt.decode(_forge(network), options={"verify_signature": False})
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.kid}).encode())
        body = b64(json.dumps(payload).encode())
        sig = b64(hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest())
        token = f"{head}.{body}.{sig}"
    elif attack == "expired":
        token = _forge(network, exp=now - 300, iat=now - 4000, nbf=now - 4100)
    elif attack == "not_yet_valid":
        token = _forge(network, nbf=now + 3600, iat=now + 3600, exp=now + 7200)
    elif attack == "wrong_audience":
        token = _forge(network, aud=f"{network.base_url}{BEHEER_PATH}")
    elif attack == "wrong_issuer":
        token = _forge(network, iss="someone.else")
    elif attack == "wrong_issuer_key":
        token = _forge(network, SigningKey.generate(), kid=key.kid)
    else:
        token = "not.a.jwt"
    r = _query(network, token)
    assert r.status_code == 401, (attack, r.status_code, r.text)
    assert r.text in ("Jwt is invalid", "Jwt is expired")
    assert "data" not in r.text


def test_scope_of_another_register_is_refused(network: Network) -> None:
    entry, _ = _entry(network)
    zk = entry["initieelVerantwoordelijkZorgkantoor"]
    token = _forge(
        network, scopes=["registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"]
    )
    r = _query(network, token)
    assert r.status_code == 403
    assert r.json()["errors"][0]["message"] == "Request Does Not Match Scopes"
    # and the token endpoint refuses a scope the participant may not have
    refused = network.token(f"UZOVI:{zk}", scope=IR_CREATE)
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "invalid_scope",
        "error_description": "Access denied, invalid scope",
    }


def test_replayed_client_assertion(network: Network) -> None:
    client_id, key = participant_key(network.keys_dir, "UZOVI:5515")
    params = token_request(
        client_id,
        key,
        f"{network.base_url}/oauth/token",
        scope="registers/wlzindicatieregister/indicaties/indicatie:read",
        audience=f"{network.base_url}{IR_PATH}",
    )
    first = httpx.post(f"{network.base_url}/oauth/token", data=params)
    assert first.status_code == 200
    again = httpx.post(f"{network.base_url}/oauth/token", data=params)
    assert again.status_code == 401
    assert again.json()["error"] == "invalid_client"


def test_token_endpoint_errors(network: Network) -> None:
    url = f"{network.base_url}/oauth/token"
    r = httpx.post(
        url, content=b"grant_type=client_credentials", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 400 and r.json()["error_description"] == "audience is required"
    client_id, key = participant_key(network.keys_dir, "UZOVI:5515")
    params = token_request(
        client_id,
        key,
        url,
        scope="registers/wlzindicatieregister/indicaties/indicatie:read",
        audience="",
    )
    r = httpx.post(url, data=params)
    assert r.status_code == 400 and r.json() == {
        "error": "invalid_request",
        "error_description": "audience is required",
    }
    jwks = httpx.get(f"{network.base_url}/oauth/jwks").json()
    assert jwks["keys"][0]["alg"] == "ES256" and "d" not in jwks["keys"][0]


def test_revoked_participant_loses_access(network: Network) -> None:
    # the last demo aanbieder: no other test uses it
    out = iwlz("participants", "list", "--type", "zorgaanbieder", "--json", env=network.env)
    client_id = json.loads(out.stdout)[-1]["client_id"]
    headers = network.bearer(client_id.upper())
    r = network.post(IR_PATH, QUERY, {"id": str(uuid.uuid4()), "zk": "5515"}, **headers)
    assert r.status_code == 403  # valid token, but no use case allows this
    revoked = iwlz("participants", "revoke", client_id, env=network.env)
    assert revoked.returncode == 0, revoked.stderr
    time.sleep(0.5)
    r = network.post(IR_PATH, QUERY, {"id": str(uuid.uuid4()), "zk": "5515"}, **headers)
    assert r.status_code == 401
    assert network.token(client_id.upper()).status_code == 401


def test_scopes_of_a_participant_change_and_new_tokens_follow(network: Network) -> None:
    out = iwlz("participants", "list", "--type", "zorgaanbieder", "--json", env=network.env)
    client_id = json.loads(out.stdout)[-2]["client_id"]
    removed = iwlz("participants", "scopes", client_id, "--remove", IR_READ, env=network.env)
    assert removed.returncode == 0, removed.stderr
    assert IR_READ not in removed.stdout.splitlines()
    time.sleep(0.5)
    assert network.token(client_id.upper()).status_code == 400  # invalid_scope
    restored = iwlz("participants", "scopes", client_id, "--defaults", env=network.env)
    assert restored.returncode == 0, restored.stderr
    assert IR_READ in restored.stdout.splitlines()
    time.sleep(0.5)
    assert network.token(client_id.upper()).status_code == 200
    unknown = iwlz("participants", "scopes", "agb:00000000", env=network.env)
    assert unknown.returncode != 0 and "no participant" in unknown.stderr


def test_audit_log_records_decisions_and_verifies(network: Network) -> None:
    entry, variables = _entry(network)
    zk = entry["initieelVerantwoordelijkZorgkantoor"]
    network.post(IR_PATH, QUERY, variables, **network.bearer(f"UZOVI:{zk}"))
    shown = iwlz("audit", "show", "--participant", f"uzovi:{zk}", "--json", env=network.env)
    assert shown.returncode == 0, shown.stderr
    lines = [json.loads(x) for x in shown.stdout.splitlines()]
    assert any(x["event_type"] == "token.issued" for x in lines)
    assert any(
        x["event_type"] == "pep.decision"
        and x["decision"] == "allow"
        and f"WlzIndicatie/{entry['wlzindicatieID']}" in x["records"]
        for x in lines
    )
    verified = iwlz("audit", "verify", env=network.env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK" in verified.stdout


def test_ciz_registers_through_nid_and_zorgkantoor_reads(network: Network) -> None:
    from tests.registers.indicatie.test_api import REGISTREER, indicatie_json

    auth = network.bearer(
        "KVK:62253778", scope=IR_CREATE, audience=f"{network.base_url}{BEHEER_PATH}"
    )
    data = indicatie_json(
        bsn="123456782",
        afgiftedatum=time.strftime("%Y-%m-%d"),
        ingangsdatum=time.strftime("%Y-%m-%d"),
    )
    data["client"]["bsn"] = "123456782"
    data["geindiceerdZorgzwaartepakket"][0]["ingangsdatum"] = time.strftime("%Y-%m-%d")
    r = network.post(BEHEER_PATH, REGISTREER, {"i": data}, **auth)
    assert r.status_code == 200, r.text
    out = r.json()["data"]["registreerWlzIndicatie"]
    assert out["geslaagd"], out["fouten"]
    wid = out["wlzIndicatie"]["wlzindicatieID"]
    zk = out["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    read = network.post(IR_PATH, QUERY, {"id": wid, "zk": zk}, **network.bearer(f"UZOVI:{zk}"))
    assert read.json()["data"]["wlzIndicatie"] == [{"wlzindicatieID": wid}]
    # a zorgkantoor cannot get a create token, and the CIZ's token does not open the read API
    assert (
        network.token(
            f"UZOVI:{zk}", scope=IR_CREATE, audience=f"{network.base_url}{BEHEER_PATH}"
        ).status_code
        == 400
    )
    r = network.post(IR_PATH, QUERY, {"id": wid, "zk": zk}, authorization=auth["authorization"])
    assert r.status_code == 401  # audience is the beheer endpoint
