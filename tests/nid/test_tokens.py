"""nID authorization server: private_key_jwt client credentials (RFC 7523) on both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.nid.client import client_assertion, token_request
from iwlz.nid.keys import SigningKey
from iwlz.nid.participants import (
    SCOPE_IR_READ,
    ParticipantError,
    ParticipantRegistry,
)
from iwlz.nid.tokens import CLIENT_ASSERTION_TYPE, AuthorizationServer, TokenError

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
TOKEN_URL = "http://nid.test/oauth/token"
IR_URL = "http://nid.test/indicatieregister/graphql"


class World:
    def __init__(self, db_url: str) -> None:
        self.engine = create_engine(db_url)
        migrate.upgrade(self.engine)
        self.clock = FixedClock(NOW)
        self.registry = ParticipantRegistry(self.engine, cache_seconds=0)
        self.server_key = SigningKey.generate()
        self.server = AuthorizationServer(
            self.engine,
            self.registry,
            self.server_key,
            issuer="auth.nid",
            token_endpoint=TOKEN_URL,
            audiences=lambda: [IR_URL],
            clock=self.clock,
        )
        self.keys: dict[str, SigningKey] = {}

    def add(self, type_: str, identifier: str, **kw: Any) -> str:
        key = SigningKey.generate()
        p = self.registry.add(
            type=type_, identifier=identifier, naam=identifier, jwks={"keys": [key.jwk]}, **kw
        )
        self.keys[p.client_id] = key
        return p.client_id

    def request(self, client_id: str, **overrides: Any) -> dict[str, Any]:
        params = token_request(
            client_id,
            self.keys[client_id],
            TOKEN_URL,
            scope=SCOPE_IR_READ,
            audience=IR_URL,
            now=NOW,
        )
        params.update(overrides)
        return params


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    w = World(db_url)
    yield w
    w.engine.dispose()


def claims_of(w: World, token: str) -> dict[str, Any]:
    return jwt.decode(
        token,
        w.server_key.private.public_key(),
        algorithms=["ES256"],
        audience=IR_URL,
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )


def test_issues_es256_token_with_network_claims(world: World) -> None:
    zk = world.add("zorgkantoor", "UZOVI:5515")
    issued = world.server.token(world.request(zk))
    header = jwt.get_unverified_header(issued.access_token)
    assert header["alg"] == "ES256" and header["kid"] == world.server_key.kid
    c = claims_of(world, issued.access_token)
    assert c["iss"] == "auth.nid" and c["aud"] == IR_URL
    assert c["client_id"] == c["sub"] == "uzovi:5515"
    assert c["uzovi"] == "5515" and c["agb"] is None and c["kvk"] is None
    assert c["instantie_type"] == "Zorgkantoor"
    assert c["scopes"] == [SCOPE_IR_READ]
    assert c["exp"] - c["iat"] == 3600 and c["nbf"] == c["iat"] - 120
    uuid.UUID(c["jti"])
    assert issued.body()["token_type"] == "Bearer" and issued.body()["expires_in"] == 3600


def test_replayed_assertion_is_refused(world: World) -> None:
    zk = world.add("zorgkantoor", "UZOVI:5515")
    params = world.request(zk)
    world.server.token(params)
    with pytest.raises(TokenError) as err:
        world.server.token(params)
    assert err.value.error == "invalid_client" and "replay" in err.value.description


def test_unknown_client_bad_signature_and_revoked(world: World) -> None:
    zk = world.add("zorgkantoor", "UZOVI:5515")
    stranger = SigningKey.generate()
    forged = world.request(zk, client_assertion=client_assertion(zk, stranger, TOKEN_URL, now=NOW))
    with pytest.raises(TokenError) as err:
        world.server.token(forged)
    assert (err.value.error, err.value.status) == ("invalid_client", 401)
    world.keys["uzovi:5516"] = stranger
    with pytest.raises(TokenError, match="unknown client"):
        world.server.token(world.request("uzovi:5516"))
    world.registry.revoke(zk)
    with pytest.raises(TokenError, match="revoked"):
        world.server.token(world.request(zk))


def test_assertion_lifetime_audience_and_algorithm(world: World) -> None:
    zk = world.add("zorgkantoor", "UZOVI:5515")
    key = world.keys[zk]
    base = {"iss": zk, "sub": zk, "aud": TOKEN_URL, "jti": str(uuid.uuid4())}
    ts = int(NOW.timestamp())
    cases = {
        "expired": {**base, "exp": ts - 60},
        "too long": {**base, "exp": ts + 3600, "jti": str(uuid.uuid4())},
        "wrong aud": {**base, "aud": "http://elsewhere/token", "exp": ts + 60},
        "no jti": {k: v for k, v in {**base, "exp": ts + 60}.items() if k != "jti"},
        "sub differs": {**base, "sub": "uzovi:5501", "exp": ts + 60},
    }
    for name, claims in cases.items():
        assertion = jwt.encode(claims, key.private, algorithm="ES256", headers={"kid": key.kid})
        with pytest.raises(TokenError) as err:
            world.server.token(world.request(zk, client_assertion=assertion))
        assert err.value.status == 401, name
    none_alg = jwt.encode({**base, "exp": ts + 60}, None, algorithm="none")
    with pytest.raises(TokenError, match="alg"):
        world.server.token(world.request(zk, client_assertion=none_alg))


def test_scope_rules(world: World) -> None:
    za = world.add("zorgaanbieder", "AGB:12345678")
    with pytest.raises(TokenError) as err:
        world.server.token(
            world.request(za, scope="registers/wlzindicatieregister/indicaties/indicatie:create")
        )
    assert (err.value.error, err.value.description) == (
        "invalid_scope",
        "Access denied, invalid scope",
    )
    with pytest.raises(TokenError, match="Invalid scope"):
        world.server.token(world.request(za, scope=" "))
    issued = world.server.token(world.request(za, scope=f"{SCOPE_IR_READ} {SCOPE_IR_READ}"))
    assert claims_of(world, issued.access_token)["scopes"] == [SCOPE_IR_READ]


def test_request_errors(world: World) -> None:
    zk = world.add("zorgkantoor", "UZOVI:5515")
    with pytest.raises(TokenError, match="audience is required"):
        world.server.token(world.request(zk, audience=""))
    with pytest.raises(TokenError) as err:
        world.server.token(world.request(zk, audience="http://unknown/graphql"))
    assert err.value.error == "invalid_target"
    with pytest.raises(TokenError) as err:
        world.server.token(world.request(zk, grant_type="password"))
    assert err.value.error == "unsupported_grant_type"
    with pytest.raises(TokenError):
        world.server.token(world.request(zk, client_assertion_type="x"))
    assert CLIENT_ASSERTION_TYPE.endswith("jwt-bearer")


def test_acting_on_behalf(world: World) -> None:
    zk = world.add("zorgkantoor", "UZOVI:5515")
    lev = world.add("leverancier", "KVK:12345678", acts_for=["UZOVI:5515"], scopes=[SCOPE_IR_READ])
    issued = world.server.token(world.request(lev, **{"access_token.sub": "uzovi:5515"}))
    c = claims_of(world, issued.access_token)
    assert c["client_id"] == zk and c["uzovi"] == "5515"
    assert c["act"] == {"sub": lev}
    other = world.add("zorgkantoor", "UZOVI:5501")
    with pytest.raises(TokenError, match="authenticating with issuing authority"):
        world.server.token(world.request(lev, **{"access_token.sub": other}))
    with pytest.raises(TokenError, match="authenticating with issuing authority"):
        world.server.token(world.request(zk, **{"access_token.sub": zk}))


def test_participant_registry_validation(world: World) -> None:
    key = SigningKey.generate()
    with pytest.raises(ParticipantError, match="UZOVI"):
        world.registry.add(
            type="zorgkantoor", identifier="AGB:12345678", naam="x", jwks={"keys": [key.jwk]}
        )
    with pytest.raises(ParticipantError, match="not a valid"):
        world.registry.add(
            type="zorgkantoor", identifier="UZOVI:55", naam="x", jwks={"keys": [key.jwk]}
        )
    private = {**key.jwk, "d": "secret"}
    with pytest.raises(ParticipantError, match="private"):
        world.registry.add(
            type="zorgkantoor", identifier="UZOVI:5515", naam="x", jwks={"keys": [private]}
        )
    world.add("zorgkantoor", "UZOVI:5515")
    with pytest.raises(ParticipantError, match="already exists"):
        world.add("zorgkantoor", "UZOVI:5515")
