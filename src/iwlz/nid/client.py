"""Participant side of nID: sign client assertions and obtain access tokens."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from iwlz.core.tracing import SPAN_HEADER, TRACE_HEADER, new_span_id, new_trace_id
from iwlz.nid.keys import SigningKey
from iwlz.nid.tokens import CLIENT_ASSERTION_TYPE


def client_assertion(
    client_id: str,
    key: SigningKey,
    token_endpoint: str,
    *,
    now: dt.datetime | None = None,
    lifetime: int = 60,
) -> str:
    """A private_key_jwt client assertion (RFC 7523 §3) for ``client_id``."""
    issued = int((now or dt.datetime.now(dt.UTC)).timestamp())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, key.private, algorithm="ES256", headers={"kid": key.kid})


def token_request(
    client_id: str,
    key: SigningKey,
    token_endpoint: str,
    *,
    scope: str,
    audience: str,
    on_behalf_of: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The form parameters of a client credentials token request."""
    params: dict[str, Any] = {
        "grant_type": "client_credentials",
        "scope": scope,
        "audience": audience,
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": client_assertion(client_id, key, token_endpoint, now=now),
    }
    if on_behalf_of:
        params["access_token.sub"] = on_behalf_of
    return params


@dataclass
class _Cached:
    token: str
    expires_at: float


class NidClient:
    """Gets and caches access tokens over HTTP, one per (scope, audience)."""

    def __init__(
        self, client_id: str, key: SigningKey, token_endpoint: str, http: httpx.Client | None = None
    ) -> None:
        self.client_id = client_id
        self.key = key
        self.token_endpoint = token_endpoint
        self.http = http or httpx.Client(timeout=10)
        self._tokens: dict[tuple[str, str], _Cached] = {}
        self._lock = threading.Lock()

    def forget(self, scope: str, audience: str) -> None:
        """Drop a cached token (the resource server refused it)."""
        with self._lock:
            self._tokens.pop((scope, audience), None)

    def token(self, scope: str, audience: str, *, trace_id: str | None = None) -> str:
        now = dt.datetime.now(dt.UTC).timestamp()
        with self._lock:
            hit = self._tokens.get((scope, audience))
            if hit and hit.expires_at - 60 > now:
                return hit.token
        params = token_request(
            self.client_id, self.key, self.token_endpoint, scope=scope, audience=audience
        )
        r = self.http.post(
            self.token_endpoint,
            data=params,
            headers={TRACE_HEADER: trace_id or new_trace_id(), SPAN_HEADER: new_span_id()},
        )
        if r.status_code != 200:
            raise RuntimeError(
                f"token request for {self.client_id} failed: {r.status_code} {r.text}"
            )
        body = r.json()
        with self._lock:
            self._tokens[(scope, audience)] = _Cached(
                body["access_token"], now + int(body["expires_in"])
            )
        return str(body["access_token"])
