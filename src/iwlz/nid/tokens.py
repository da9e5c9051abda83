"""nID authorization server: OAuth 2.0 client credentials with ``private_key_jwt``.

A participant authenticates with a client assertion (RFC 7523): a JWT it signs with its own
key, ``iss`` = ``sub`` = its client_id, ``aud`` = the token endpoint, a short ``exp`` and a
unique ``jti``. nID answers with an ES256 access token (at most one hour) carrying the claims
of network.md §3.4.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from iwlz.core.clock import Clock
from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata
from iwlz.nid.keys import SigningKey
from iwlz.nid.participants import Participant, ParticipantRegistry, make_client_id, parse_client_id

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGORITHMS = ("ES256", "RS256", "PS256")
MAX_ASSERTION_LIFETIME = dt.timedelta(minutes=5)
CLOCK_SKEW = dt.timedelta(seconds=30)

used_assertion = sa.Table(
    "nid_used_assertion",
    metadata,
    sa.Column("client_id", sa.String(40), primary_key=True),
    sa.Column("jti", sa.String(200), primary_key=True),
    sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
)


class TokenError(Exception):
    """An RFC 6749 §5.2 error: ``error`` code, description and HTTP status."""

    def __init__(
        self, error: str, description: str, status: int = 400, client_id: str | None = None
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.client_id = client_id

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    claims: Mapping[str, Any]
    client_id: str
    actor: str | None

    def body(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": self.scope,
        }


class AuthorizationServer:
    """Issues access tokens to registered participants."""

    def __init__(
        self,
        engine: Engine,
        participants: ParticipantRegistry,
        signing_key: SigningKey,
        *,
        issuer: str,
        token_endpoint: str,
        audiences: Callable[[], Collection[str]],
        clock: Clock,
        lifetime: int = 3600,
    ) -> None:
        self.engine = engine
        self.participants = participants
        self.signing_key = signing_key
        self.issuer = issuer
        self.token_endpoint = token_endpoint
        self.audiences = audiences
        self.clock = clock
        self.lifetime = min(lifetime, 3600)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.signing_key.jwk]}

    # -- token request ------------------------------------------------------------------

    def token(self, params: Mapping[str, Any]) -> IssuedToken:
        """Handle one token request (already decoded from form or JSON). Raises TokenError."""
        grant = params.get("grant_type")
        if grant != "client_credentials":
            raise TokenError("unsupported_grant_type", "grant_type must be client_credentials")
        if params.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            raise TokenError(
                "invalid_client",
                f"client_assertion_type must be {CLIENT_ASSERTION_TYPE} "
                "(private_key_jwt, RFC 7523)",
                401,
            )
        assertion = params.get("client_assertion")
        if not isinstance(assertion, str) or not assertion:
            raise TokenError("invalid_client", "client_assertion is missing", 401)
        audience = params.get("audience")
        if not isinstance(audience, str) or not audience:
            raise TokenError("invalid_request", "audience is required")
        scope_text = params.get("scope")
        participant = self._authenticate(assertion)
        if audience not in self.audiences():
            raise TokenError(
                "invalid_target",
                f"audience {audience!r} is not a resource server in this network",
                400,
                participant.client_id,
            )
        scopes = self._scopes(participant, scope_text)
        subject, actor = self._acting(participant, params)
        return self._issue(subject, actor, scopes, audience)

    def _authenticate(self, assertion: str) -> Participant:
        try:
            header = jwt.get_unverified_header(assertion)
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise TokenError("invalid_client", "client_assertion is not a JWT", 401) from None
        client_id = unverified.get("iss")
        if not isinstance(client_id, str) or unverified.get("sub") != client_id:
            raise TokenError(
                "invalid_client",
                "client_assertion needs iss and sub both set to the client_id",
                401,
            )
        try:
            kind, value = parse_client_id(client_id)
            client_id = make_client_id(kind, value)
        except ValueError:
            raise TokenError("invalid_client", f"unknown client {client_id!r}", 401) from None
        participant = self.participants.get(client_id)
        if participant is None:
            raise TokenError("invalid_client", f"unknown client {client_id!r}", 401)
        if not participant.active:
            raise TokenError(
                "invalid_client", f"participant {client_id} is revoked", 401, client_id
            )
        alg = header.get("alg")
        if alg not in ASSERTION_ALGORITHMS:
            raise TokenError(
                "invalid_client",
                f"client_assertion alg must be one of {', '.join(ASSERTION_ALGORITHMS)}",
                401,
                client_id,
            )
        key = _pick_key(participant.jwks, header.get("kid"), alg)
        if key is None:
            raise TokenError(
                "invalid_client", "no registered key matches the assertion", 401, client_id
            )
        now = self.clock.now()
        try:
            claims = decode_at(
                assertion,
                key,
                [alg],
                now,
                [self.token_endpoint, self.issuer],
                require=("exp", "iss", "sub", "aud", "jti"),
            )
        except jwt.ExpiredSignatureError:
            raise TokenError(
                "invalid_client", "client_assertion has expired", 401, client_id
            ) from None
        except jwt.InvalidAudienceError:
            raise TokenError(
                "invalid_client",
                f"client_assertion aud must be the token endpoint {self.token_endpoint}",
                401,
                client_id,
            ) from None
        except jwt.PyJWTError as exc:
            raise TokenError(
                "invalid_client", f"client_assertion rejected: {exc}", 401, client_id
            ) from None
        exp = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC)
        if exp - now > MAX_ASSERTION_LIFETIME + CLOCK_SKEW:
            raise TokenError(
                "invalid_client",
                "client_assertion lives too long: exp at most 5 minutes ahead",
                401,
                client_id,
            )
        jti = claims["jti"]
        if not isinstance(jti, str) or not 8 <= len(jti) <= 200:
            raise TokenError(
                "invalid_client", "client_assertion jti must be 8–200 characters", 401, client_id
            )
        self._remember_jti(client_id, jti, exp, now)
        return participant

    def _remember_jti(self, client_id: str, jti: str, exp: dt.datetime, now: dt.datetime) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    used_assertion.delete().where(used_assertion.c.expires_at < now - CLOCK_SKEW)
                )
                conn.execute(
                    used_assertion.insert().values(client_id=client_id, jti=jti, expires_at=exp)
                )
        except IntegrityError:
            raise TokenError(
                "invalid_client", "client_assertion was already used (jti replay)", 401, client_id
            ) from None

    def _scopes(self, participant: Participant, scope_text: Any) -> list[str]:
        if not isinstance(scope_text, str) or not scope_text.split():
            raise TokenError("invalid_scope", "Invalid scope", 400, participant.client_id)
        requested = list(dict.fromkeys(scope_text.split()))
        refused = [s for s in requested if s not in participant.scopes]
        if refused:
            raise TokenError(
                "invalid_scope", "Access denied, invalid scope", 400, participant.client_id
            )
        return requested

    def _acting(
        self, participant: Participant, params: Mapping[str, Any]
    ) -> tuple[Participant, Participant | None]:
        wanted = params.get("access_token.sub") or params.get("subject")
        if wanted is None:
            nested = params.get("access_token")
            if isinstance(nested, Mapping):
                wanted = nested.get("sub")
        if not wanted:
            return participant, None
        try:
            kind, value = parse_client_id(str(wanted))
            subject_id = make_client_id(kind, value)
        except ValueError:
            raise TokenError(
                "invalid_request",
                "authenticating with issuing authority",
                401,
                participant.client_id,
            ) from None
        subject = self.participants.get(subject_id)
        if (
            subject is None
            or not subject.active
            or subject_id == participant.client_id
            or subject_id not in participant.acts_for
        ):
            raise TokenError(
                "invalid_request",
                "authenticating with issuing authority",
                401,
                participant.client_id,
            )
        return subject, participant

    def _issue(
        self, subject: Participant, actor: Participant | None, scopes: list[str], audience: str
    ) -> IssuedToken:
        now = self.clock.now()
        iat = int(now.timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject.client_id,
            "aud": audience,
            "iat": iat,
            "nbf": iat - 120,
            "exp": iat + self.lifetime,
            "jti": str(uuid.uuid4()),
            "client_id": subject.client_id,
            "scopes": scopes,
            "instantie_type": subject.instantie_type,
            "instantie_naam": subject.naam,
            **{
                k: v
                for k, v in subject.identity_claims().items()
                if k in ("agb", "uzovi", "kvk") or v is not None
            },
        }
        if actor is not None:
            claims["act"] = {"sub": actor.client_id}
        token = jwt.encode(
            claims,
            self.signing_key.private,
            algorithm="ES256",
            headers={"kid": self.signing_key.kid, "typ": "at+jwt"},
        )
        return IssuedToken(
            token,
            self.lifetime,
            " ".join(scopes),
            claims,
            subject.client_id,
            actor.client_id if actor else None,
        )


def _pick_key(jwks: Mapping[str, Any], kid: Any, alg: str) -> Any:
    keys = [k for k in jwks.get("keys", []) if isinstance(k, dict)]
    if kid is not None:
        keys = [k for k in keys if k.get("kid") == kid]
    want = "EC" if alg.startswith("ES") else "RSA"
    for k in keys:
        if k.get("kty") == want:
            return jwt.PyJWK(k, algorithm=alg).key
    return None


def decode_at(
    token: str,
    key: Any,
    algorithms: Sequence[str],
    now: dt.datetime,
    audience: Sequence[str] | str,
    *,
    require: Sequence[str],
) -> dict[str, Any]:
    """Verify signature, audience and presence of claims; check exp/nbf against ``now``.

    PyJWT would compare with the wall clock; taking 'now' from our Clock keeps tests and
    benchmarks deterministic.
    """
    claims: dict[str, Any] = jwt.decode(
        token,
        key=key,
        algorithms=list(algorithms),
        audience=audience,
        options={
            "require": list(require),
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
        },
    )
    ts = now.timestamp()
    exp = claims.get("exp")
    if not isinstance(exp, int | float):
        raise jwt.MissingRequiredClaimError("exp")
    if exp + CLOCK_SKEW.total_seconds() <= ts:
        raise jwt.ExpiredSignatureError("Signature has expired")
    nbf = claims.get("nbf")
    if nbf is not None and (
        not isinstance(nbf, int | float) or nbf - CLOCK_SKEW.total_seconds() > ts
    ):
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    return claims
