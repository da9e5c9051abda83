"""Assembles nID's components from settings (used by the app and the CLI)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from starlette.requests import Request

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
    audience_sources: list[Callable[[], Iterable[str]]] = field(default_factory=list)

    def valid_audiences(self) -> frozenset[str]:
        """Every resource server a token may be issued for: the protected paths of this
        process plus the sources added (the address book's resource endpoints)."""
        found = set(self.audiences)
        for source in self.audience_sources:
            found.update(source())
        return frozenset(found)

    @property
    def token_endpoint(self) -> str:
        return self.settings.public_url.rstrip("/") + TOKEN_PATH

    def audience(self, path: str) -> str:
        return self.settings.public_url.rstrip("/") + path

    def protect(
        self,
        path: str,
        *,
        register: str,
        scope_prefixes: Sequence[str],
        decision_threads: int | None = None,
    ) -> PolicyEnforcementPoint:
        """A PEP for the resource at ``path``; registers it as a valid token audience.
        ``decision_threads``: decide on a pool of that size of its own (registers whose PIPs
        make HTTP calls)."""
        audience = self.audience(path)
        if audience not in self.audiences:
            self.audiences.append(audience)
        return self._pep(register, audience, scope_prefixes, decision_threads)

    def protect_by_url(
        self,
        *,
        register: str,
        scope_prefixes: Sequence[str],
        path: Callable[[Request], str] | None = None,
        decision_threads: int | None = None,
    ) -> PolicyEnforcementPoint:
        """A PEP whose audience follows from the request: public_url + ``path(request)``
        (default: the request's own path). For resources with one endpoint per participant,
        such as the netwerkpunten; which of those URLs are valid audiences comes from the
        address book (``audience_sources``)."""
        base = self.settings.public_url.rstrip("/")

        def audience(request: Request) -> str:
            return base + (path(request) if path else request.url.path)

        return self._pep(register, audience, scope_prefixes, decision_threads)

    def _pep(
        self,
        register: str,
        audience: str | Callable[[Request], str],
        scope_prefixes: Sequence[str],
        decision_threads: int | None = None,
    ) -> PolicyEnforcementPoint:
        return PolicyEnforcementPoint(
            register=register,
            audience=audience,
            scope_prefixes=scope_prefixes,
            verifier=self.verifier,
            participants=self.participants,
            pdp=self.pdp,
            audit=self.audit,
            clock=self.clock,
            decision_threads=decision_threads,
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
    holder: list[Nid] = []
    server = AuthorizationServer(
        engine,
        participants,
        key,
        issuer=settings.nid_issuer,
        token_endpoint=settings.public_url.rstrip("/") + TOKEN_PATH,
        audiences=lambda: holder[0].valid_audiences(),
        clock=clock,
        lifetime=settings.nid_token_lifetime,
    )
    verifier = TokenVerifier(server.jwks, issuer=settings.nid_issuer, clock=clock)
    pdp = PolicyDecisionPoint(pip or InMemoryPip())
    audit = AuditLog(engine, bsn_key=require_secret(settings, "audit_bsn_key").encode())
    nid = Nid(settings, participants, server, verifier, pdp, audit, clock)
    holder.append(nid)
    return nid
