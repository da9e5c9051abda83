"""A participant's HTTP client: nID tokens, GraphQL, the inbox (the demo's back offices, the
Wlz-signalen service).

Everything goes over HTTP, exactly as a real participant's software would: a token per
(scope, audience) from nID's token endpoint (``private_key_jwt`` with the participant's demo
key, cached by :class:`iwlz.nid.client.NidClient`), GraphQL POSTs with that bearer token, and
the netwerkpunt's inbox REST API. The token audience is always ``base_url + path``, the
resource URL nID issues tokens for.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from iwlz.nid.client import NidClient
from iwlz.nid.keys import SigningKey
from iwlz.nid.participants import SCOPE_INBOX_READ, parse_client_id
from iwlz.nid.setup import TOKEN_PATH

__all__ = ["GraphQLFailure", "NetworkClient", "NetworkError", "PolicyDenied"]


class NetworkError(RuntimeError):
    """An HTTP request of a participant failed (transport error or a non-2xx answer)."""

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class PolicyDenied(NetworkError):
    """The register's PEP/PDP refused the request (HTTP 403)."""


class GraphQLFailure(NetworkError):
    """HTTP 200, but the answer carries GraphQL errors (or no data)."""


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class NetworkClient:
    """One participant (``UZOVI:5501``, ``AGB:12345678``, ``KVK:62253778``) on the network.

    ``http`` may be shared by many participants; it is not closed here.
    """

    def __init__(
        self,
        client_id: str,
        key: SigningKey,
        *,
        base_url: str,
        http: httpx.Client | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.id_type, self.id_value = parse_client_id(client_id)
        self.participant = f"{self.id_type}:{self.id_value}"
        self.base_url = base_url.rstrip("/")
        self.http = http or httpx.Client(timeout=timeout)
        self.client_id = client_id
        self.nid = NidClient(client_id, key, self.base_url + TOKEN_PATH, http=self.http)

    @classmethod
    def demo(
        cls,
        participant: str,
        *,
        base_url: str,
        keys_dir: Path,
        http: httpx.Client | None = None,
        timeout: float = 15.0,
    ) -> NetworkClient:
        """A demo participant (``UZOVI:5501``) with its generated key under ``keys_dir``."""
        from iwlz.nid.demo import participant_key

        client_id, key = participant_key(keys_dir, participant)
        return cls(client_id, key, base_url=base_url, http=http, timeout=timeout)

    # -- tokens -----------------------------------------------------------------------------

    def _bearer(self, scope: str, audience: str) -> dict[str, str]:
        try:
            token = self.nid.token(scope, audience)
        except httpx.HTTPError as exc:
            raise NetworkError(f"{self.participant}: token endpoint unreachable: {exc}") from exc
        except RuntimeError as exc:
            raise NetworkError(str(exc)) from exc
        return {"authorization": f"Bearer {token}"}

    def _send(
        self,
        method: str,
        path: str,
        *,
        scope: str,
        audience_path: str | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request with a token for ``base_url + (audience_path or path)``; a 401 (token
        expired or the server's key changed) is retried once with a fresh token."""
        audience = self.base_url + (audience_path or path)
        for attempt in (1, 2):
            headers = self._bearer(scope, audience)
            headers["accept"] = "application/json"
            try:
                r = self.http.request(
                    method, self.base_url + path, json=json, params=params, headers=headers
                )
            except httpx.HTTPError as exc:
                raise NetworkError(f"{method} {path}: {exc}") from exc
            if r.status_code == 401 and attempt == 1:
                self.nid.forget(scope, audience)
                continue
            return r
        raise AssertionError("unreachable")  # pragma: no cover

    # -- GraphQL ----------------------------------------------------------------------------

    def graphql(
        self, path: str, scope: str, query: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """POST a GraphQL operation; returns ``data``. Raises :class:`PolicyDenied` on 403,
        :class:`GraphQLFailure` on GraphQL errors, :class:`NetworkError` otherwise."""
        r = self._send(
            "POST", path, scope=scope, json={"query": query, "variables": dict(variables or {})}
        )
        if r.status_code == 403:
            raise PolicyDenied(
                f"{self.participant} → {path}: 403 {_short(r.text)}", status=403, body=r.text
            )
        if r.status_code != 200:
            raise NetworkError(
                f"{self.participant} → {path}: HTTP {r.status_code} {_short(r.text)}",
                status=r.status_code,
                body=r.text,
            )
        try:
            body = r.json()
        except ValueError as exc:
            raise NetworkError(f"{path}: answer is not JSON: {_short(r.text)}") from exc
        data = body.get("data") if isinstance(body, dict) else None
        if body.get("errors") or not isinstance(data, dict):
            raise GraphQLFailure(
                f"{self.participant} → {path}: {_short(str(body.get('errors')))}",
                status=200,
                body=r.text,
            )
        return data

    # -- inbox ------------------------------------------------------------------------------

    @property
    def netwerkpunt_path(self) -> str:
        return f"/netwerkpunt/{self.id_type}/{self.id_value}"

    def inbox(self, *, limit: int = 100, after: str | None = None) -> list[dict[str, Any]]:
        """New (unacknowledged) inbox items, oldest first."""
        params = {"nieuw": "true", "limit": str(limit)}
        if after:
            params["after"] = after
        r = self._send(
            "GET",
            self.netwerkpunt_path + "/inbox",
            scope=SCOPE_INBOX_READ,
            audience_path=self.netwerkpunt_path + "/graphql",
            params=params,
        )
        if r.status_code != 200:
            raise NetworkError(
                f"{self.participant} inbox: HTTP {r.status_code} {_short(r.text)}",
                status=r.status_code,
                body=r.text,
            )
        items = r.json().get("items")
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    def ack(self, item_ids: list[str]) -> None:
        if not item_ids:
            return
        r = self._send(
            "POST",
            self.netwerkpunt_path + "/inbox/ack",
            scope=SCOPE_INBOX_READ,
            audience_path=self.netwerkpunt_path + "/graphql",
            json={"itemIDs": item_ids},
        )
        if r.status_code != 200:
            raise NetworkError(
                f"{self.participant} ack: HTTP {r.status_code} {_short(r.text)}",
                status=r.status_code,
                body=r.text,
            )
