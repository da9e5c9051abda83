"""The signalen service as a network participant: nID tokens, GraphQL, its inbox.

Like any party (``iwlz.demo.network_client``), it acts only over HTTP: a token per (scope,
audience) from nID's token endpoint with a ``private_key_jwt`` assertion signed by its own key,
then the request with that bearer token.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from iwlz.config import ConfigurationError, Settings
from iwlz.nid.client import NidClient
from iwlz.nid.keys import SigningKey, load_or_create
from iwlz.nid.participants import SCOPE_INBOX_READ, make_client_id, parse_client_id
from iwlz.nid.setup import TOKEN_PATH

__all__ = ["NetwerkFout", "SignalenNetwerk", "signalen_key"]


class NetwerkFout(RuntimeError):
    """A request of the signalen service failed (transport, HTTP status or GraphQL errors)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def signalen_key(settings: Settings) -> tuple[str, SigningKey]:
    """(client_id, private key) of the signalen service: the configured key file, or in dev
    mode the demo key under ``IWLZ_NID_KEYS_DIR``."""
    client_id = make_client_id(*parse_client_id(settings.signalen_client_id))
    if settings.signalen_key_file:
        return client_id, load_or_create(Path(settings.signalen_key_file), create=False)
    if not settings.dev:
        raise ConfigurationError(
            "IWLZ_SIGNALEN_KEY_FILE is not set; it has no default outside dev mode."
        )
    path = Path(settings.nid_keys_dir) / "participants" / f"{client_id.replace(':', '_')}.pem"
    return client_id, load_or_create(path, create=True)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SignalenNetwerk:
    """HTTP client of the signalen service (one per process; thread-safe enough for the one
    scheduler thread and the CLI that use it)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        key: SigningKey,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        id_type, id_value = parse_client_id(client_id)
        self.id_type = id_type
        self.id_value = id_value
        self.http = http or httpx.Client(timeout=timeout)
        self.nid = NidClient(client_id, key, self.base_url + TOKEN_PATH, http=self.http)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignalenNetwerk:
        client_id, key = signalen_key(settings)
        return cls(settings.public_url, client_id, key)

    def close(self) -> None:
        self.http.close()

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
        audience = self.base_url + (audience_path or path)
        for attempt in (1, 2):
            try:
                token = self.nid.token(scope, audience)
            except (httpx.HTTPError, RuntimeError) as exc:
                raise NetwerkFout(f"token for {path}: {exc}") from exc
            try:
                r = self.http.request(
                    method,
                    self.base_url + path,
                    json=json,
                    params=params,
                    headers={"authorization": f"Bearer {token}", "accept": "application/json"},
                )
            except httpx.HTTPError as exc:
                raise NetwerkFout(f"{method} {path}: {exc}") from exc
            if r.status_code == 401 and attempt == 1:
                self.nid.forget(scope, audience)
                continue
            return r
        raise AssertionError("unreachable")  # pragma: no cover

    def graphql(
        self, path: str, scope: str, query: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """POST one GraphQL operation; its ``data``, or :class:`NetwerkFout`."""
        r = self._send(
            "POST", path, scope=scope, json={"query": query, "variables": dict(variables or {})}
        )
        if r.status_code != 200:
            raise NetwerkFout(f"{path}: HTTP {r.status_code} {_short(r.text)}", r.status_code)
        body = r.json()
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or body.get("errors"):
            raise NetwerkFout(f"{path}: {_short(str(body.get('errors')))}", 200)
        return data

    @property
    def netwerkpunt_path(self) -> str:
        return f"/netwerkpunt/{self.id_type}/{self.id_value}"

    def inbox(self, limit: int = 100) -> list[dict[str, Any]]:
        """New (unacknowledged) items of the service's inbox, oldest first."""
        r = self._send(
            "GET",
            self.netwerkpunt_path + "/inbox",
            scope=SCOPE_INBOX_READ,
            audience_path=self.netwerkpunt_path + "/graphql",
            params={"nieuw": "true", "limit": str(limit)},
        )
        if r.status_code != 200:
            raise NetwerkFout(f"inbox: HTTP {r.status_code} {_short(r.text)}", r.status_code)
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
            raise NetwerkFout(f"ack: HTTP {r.status_code} {_short(r.text)}", r.status_code)
