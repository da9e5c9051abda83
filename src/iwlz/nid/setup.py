"""Assembles nID's components from settings (used by the app and the CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from iwlz.config import ConfigurationError, Settings, require_secret
from iwlz.core.clock import Clock
from iwlz.nid.audit import AuditLog
from iwlz.nid.keys import SigningKey, load_or_create
from iwlz.nid.participants import ParticipantRegistry
from iwlz.nid.pdp import InMemoryPip, Pip, PolicyDecisionPoint
from iwlz.nid.pep import PolicyEnforcementPoint, TokenVerifier
from iwlz.nid.tokens import AuthorizationServer

TOKEN_PATH = "/oauth/token"
JWKS_PATH = "/oauth/jwks"


def signing_key(settings: Settings) -> SigningKey:
    """nID's token signing key: the configured file, or (dev only) a generated one."""
    if settings.nid_signing_key_file:
        return load_or_create(Path(settings.nid_signing_key_file), create=False)
    if not settings.dev:
        raise ConfigurationError(
            "IWLZ_NID_SIGNING_KEY_FILE is not set; it has no default outside dev mode."
        )
    return load_or_create(Path(settings.nid_keys_dir) / "nid-signing.pem", create=True)


@dataclass
class Nid:
    """The running nID: registry, authorization server, token verifier, PDP and audit log."""

    settings: Settings
    participants: ParticipantRegistry
    server: AuthorizationServer
    verifier: TokenVerifier
    pdp: PolicyDecisionPoint
    audit: AuditLog
    clock: Clock
    audiences: list[str] = field(default_factory=list)

    @property
    def token_endpoint(self) -> str:
        return self.settings.public_url.rstrip("/") + TOKEN_PATH

    def audience(self, path: str) -> str:
        return self.settings.public_url.rstrip("/") + path

    def protect(
        self, path: str, *, register: str, scope_prefixes: Sequence[str]
    ) -> PolicyEnforcementPoint:
        """A PEP for the resource at ``path``; registers it as a valid token audience."""
        audience = self.audience(path)
        if audience not in self.audiences:
            self.audiences.append(audience)
        return PolicyEnforcementPoint(
            register=register,
            audience=audience,
            scope_prefixes=scope_prefixes,
            verifier=self.verifier,
            participants=self.participants,
            pdp=self.pdp,
            audit=self.audit,
            clock=self.clock,
        )


def build_nid(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    *,
    pip: Pip | None = None,
    key: SigningKey | None = None,
) -> Nid:
    participants = ParticipantRegistry(engine, cache_seconds=settings.nid_participant_cache_seconds)
    key = key or signing_key(settings)
    audiences: list[str] = []
    server = AuthorizationServer(
        engine,
        participants,
        key,
        issuer=settings.nid_issuer,
        token_endpoint=settings.public_url.rstrip("/") + TOKEN_PATH,
        audiences=lambda: audiences,
        clock=clock,
        lifetime=settings.nid_token_lifetime,
    )
    verifier = TokenVerifier(server.jwks, issuer=settings.nid_issuer, clock=clock)
    pdp = PolicyDecisionPoint(pip or InMemoryPip())
    audit = AuditLog(engine, bsn_key=require_secret(settings, "audit_bsn_key").encode())
    return Nid(settings, participants, server, verifier, pdp, audit, clock, audiences)
