"""The signalen service as a network participant: nID tokens, GraphQL, its inbox.

Like any party it acts only over HTTP (:class:`iwlz.nid.netwerk.NetworkClient`): a token per
(scope, audience) from nID's token endpoint with a ``private_key_jwt`` assertion signed by its
own key, then the request with that bearer token.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from iwlz.config import ConfigurationError, Settings
from iwlz.nid.keys import SigningKey, load_or_create
from iwlz.nid.netwerk import NetworkClient, NetworkError
from iwlz.nid.participants import make_client_id, parse_client_id

__all__ = ["NetwerkFout", "SignalenNetwerk", "signalen_key"]


NetwerkFout = NetworkError
"""A request of the signalen service failed (transport, HTTP status or GraphQL errors)."""


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


class SignalenNetwerk(NetworkClient):
    """HTTP client of the signalen service: :class:`iwlz.nid.netwerk.NetworkClient` with the
    service's own identity (one per process; the scheduler thread and the CLI use it)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        key: SigningKey,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(client_id, key, base_url=base_url, http=http, timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignalenNetwerk:
        client_id, key = signalen_key(settings)
        return cls(settings.public_url, client_id, key)

    def close(self) -> None:
        self.http.close()
