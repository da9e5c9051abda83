"""Participant registry of nID (toetreden / uittreden).

A participant is an organisation in the network: its type, its identifier (KVK, UZOVI, AGB, OIN,
gemeentecode), the public keys it signs client assertions with (JWKS), the scopes it may
request, whom it may act for, and whether it is active. Its ``client_id`` is
``<idtype>:<value>`` in lower case, e.g. ``uzovi:5501``, ``agb:12345678``, ``kvk:62253778``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core import ids
from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

SCOPE_IR_READ = "registers/wlzindicatieregister/indicaties/indicatie:read"
SCOPE_IR_READ_DEPRECATED = "registers/wlzindicatieregister/indicaties:read"
SCOPE_IR_CREATE = "registers/wlzindicatieregister/indicaties/indicatie:create"
SCOPE_BR_READ = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"
SCOPE_BR_CREATE = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:create"
SCOPE_LR_READ = "registers/leveringsregister/leveringen/levering:read"
SCOPE_LR_CREATE = "registers/leveringsregister/leveringen/levering:create"
"""Our own, provisional name: the standard defines no write API for the Leveringsregister."""
SCOPE_BERICHTEN_IWLZ = "iwlz/berichten/iwlz:create"
"""Our own, provisional name: handing in estafette messages at ``POST /berichten/iwlz``."""

# Participant type -> (identifier type, instantie_type claim, default scopes).
TYPES: Mapping[str, tuple[frozenset[str], str, tuple[str, ...]]] = {
    "ciz": (
        frozenset({"KVK", "OIN"}),
        "Onderneming",
        (SCOPE_IR_CREATE, SCOPE_BR_READ, SCOPE_BERICHTEN_IWLZ),
    ),
    "zorgkantoor": (
        frozenset({"UZOVI"}),
        "Zorgkantoor",
        (SCOPE_IR_READ, SCOPE_BR_READ, SCOPE_BR_CREATE, SCOPE_LR_READ, SCOPE_BERICHTEN_IWLZ),
    ),
    "zorgaanbieder": (
        frozenset({"AGB"}),
        "Zorgaanbieder",
        (SCOPE_IR_READ, SCOPE_BR_READ, SCOPE_LR_READ, SCOPE_LR_CREATE, SCOPE_BERICHTEN_IWLZ),
    ),
    "cak": (frozenset({"KVK", "OIN"}), "Onderneming", ()),
    "gemeente": (frozenset({"GEMEENTECODE", "OIN"}), "Gemeente", ()),
    # nID itself (VECOZO) sends the PIP control queries to the Bemiddelingsregisters.
    "netwerkbeheerder": (frozenset({"KVK"}), "Onderneming", (SCOPE_BR_READ,)),
    "leverancier": (frozenset({"KVK"}), "Onderneming", ()),
}

# Notification and melding scopes every participant may request (RFC0014 §3.3).
NOTIFICATIE_SCOPES = (
    "organisaties/zorgkantoor/notificaties/notificatie:create",
    "organisaties/zorgaanbieder/notificaties/notificatie:create",
    "organisaties/zorgkantoor/meldingen/melding:create",
    "organisaties/zorgaanbieder/meldingen/melding:create",
    "organisaties/indicatieorgaan/meldingen/melding:create",
    "organisaties/onderneming/notificaties/notificatie:create",
    SCOPE_INBOX_READ := "iwlz/netwerkpunt/inbox:read",
    SCOPE_ABONNEMENT_IR := "organisaties/indicatieorgaan/abonnementen/abonnement:create",
)
"""``iwlz/netwerkpunt/inbox:read`` (reading one's own inbox) and the ``abonnementen`` scope
are our own, provisional names: the standard defines neither (network.md §7.2)."""


def default_scopes(type_: str) -> tuple[str, ...]:
    """The scopes a participant of this type gets when none are given."""
    return tuple(dict.fromkeys((*TYPES[type_][2], *NOTIFICATIE_SCOPES)))


def _is_oin(value: str) -> bool:
    return len(value) == 20 and value.isdigit()


_ID_CHECKS: dict[str, Callable[[str], bool]] = {
    "KVK": ids.is_valid_kvk,
    "UZOVI": ids.is_valid_uzovi,
    "AGB": ids.is_valid_agb,
    "GEMEENTECODE": ids.is_valid_gemeentecode,
    "OIN": _is_oin,
}
_ALIASES = {"AGBCODE": "AGB"}

participant_table = sa.Table(
    "nid_participant",
    metadata,
    sa.Column("client_id", sa.String(40), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("id_type", sa.String(12), nullable=False),
    sa.Column("id_value", sa.String(20), nullable=False),
    sa.Column("naam", sa.String(200), nullable=False),
    sa.Column("jwks", sa.JSON(), nullable=False),
    sa.Column("scopes", sa.JSON(), nullable=False),
    sa.Column("acts_for", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("revoked_at", UTCDateTime()),
    sa.UniqueConstraint("id_type", "id_value", name="uq_nid_participant_identifier"),
)


class ParticipantError(ValueError):
    """Bad participant data or an unknown participant; the message says what to fix."""


@dataclass(frozen=True)
class Participant:
    client_id: str
    type: str
    id_type: str
    id_value: str
    naam: str
    jwks: Mapping[str, Any]
    scopes: tuple[str, ...]
    acts_for: tuple[str, ...] = ()
    status: str = "active"
    created_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def instantie_type(self) -> str:
        return TYPES[self.type][1]

    def identity_claims(self) -> dict[str, Any]:
        """The ``agb`` / ``uzovi`` / ``kvk`` claims (null when not applicable)."""
        return {
            "agb": self.id_value if self.id_type == "AGB" else None,
            "uzovi": self.id_value if self.id_type == "UZOVI" else None,
            "kvk": self.id_value if self.id_type == "KVK" else None,
            "oin": self.id_value if self.id_type == "OIN" else None,
            "gemeentecode": self.id_value if self.id_type == "GEMEENTECODE" else None,
        }


def make_client_id(id_type: str, id_value: str) -> str:
    """``UZOVI``, ``5501`` → ``uzovi:5501`` after validating the identifier."""
    kind = _ALIASES.get(id_type.upper(), id_type.upper())
    check = _ID_CHECKS.get(kind)
    if check is None:
        raise ParticipantError(
            f"unknown identifier type {id_type!r}; use one of {', '.join(sorted(_ID_CHECKS))}"
        )
    if not check(id_value):
        raise ParticipantError(f"{id_value!r} is not a valid {kind} identifier")
    return f"{kind.lower()}:{id_value}"


def parse_client_id(text: str) -> tuple[str, str]:
    """``UZOVI:5501`` / ``uzovi:5501`` / ``agbcode:12345678`` → (``UZOVI``, ``5501``)."""
    if ":" not in text:
        raise ParticipantError(f"{text!r} is not <idtype>:<value>, e.g. UZOVI:5501 or AGB:12345678")
    kind, value = text.split(":", 1)
    kind = _ALIASES.get(kind.upper(), kind.upper())
    make_client_id(kind, value)
    return kind, value


def _validate_jwks(jwks: Mapping[str, Any]) -> None:
    import jwt

    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list) or not keys:
        raise ParticipantError("jwks must be a JSON Web Key Set with at least one key")
    for key in keys:
        if not isinstance(key, dict) or key.get("kty") not in ("EC", "RSA"):
            raise ParticipantError("only EC (P-256) and RSA public keys are accepted")
        if "d" in key:
            raise ParticipantError("the JWKS holds a private key; register only the public key")
        try:
            jwt.PyJWK(key)
        except Exception as exc:
            raise ParticipantError(f"unusable key in jwks: {exc}") from None


def _row_to_participant(row: Any) -> Participant:
    return Participant(
        client_id=row["client_id"],
        type=row["type"],
        id_type=row["id_type"],
        id_value=row["id_value"],
        naam=row["naam"],
        jwks=row["jwks"],
        scopes=tuple(row["scopes"]),
        acts_for=tuple(row["acts_for"]),
        status=row["status"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


class ParticipantRegistry:
    """Storage of participants.

    Reads are cached for ``cache_seconds`` so that the PEP can check a participant's status on
    every request; a revocation by another process takes effect within that time.
    """

    def __init__(self, engine: Engine, *, cache_seconds: float = 5.0) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Participant | None]] = {}

    def add(
        self,
        *,
        type: str,
        identifier: str,
        naam: str,
        jwks: Mapping[str, Any],
        scopes: Iterable[str] | None = None,
        acts_for: Iterable[str] = (),
        now: dt.datetime | None = None,
    ) -> Participant:
        """Register a participant (toetreden). ``identifier`` is ``<IDTYPE>:<value>``."""
        if type not in TYPES:
            raise ParticipantError(
                f"unknown participant type {type!r}; use one of {', '.join(TYPES)}"
            )
        id_type, id_value = parse_client_id(identifier)
        allowed_ids, _claim, _defaults = TYPES[type]
        if id_type not in allowed_ids:
            raise ParticipantError(
                f"a {type} is identified by {' or '.join(sorted(allowed_ids))}, not {id_type}"
            )
        _validate_jwks(jwks)
        chosen = tuple(dict.fromkeys(scopes if scopes is not None else default_scopes(type)))
        acting = tuple(make_client_id(*parse_client_id(a)) for a in acts_for)
        client_id = make_client_id(id_type, id_value)
        stamp = now or dt.datetime.now(dt.UTC)
        with self.engine.begin() as conn:
            exists = conn.execute(
                sa.select(participant_table.c.client_id).where(
                    participant_table.c.client_id == client_id
                )
            ).first()
            if exists:
                raise ParticipantError(f"participant {client_id} already exists")
            conn.execute(
                participant_table.insert().values(
                    client_id=client_id,
                    type=type,
                    id_type=id_type,
                    id_value=id_value,
                    naam=naam,
                    jwks=dict(jwks),
                    scopes=list(chosen),
                    acts_for=list(acting),
                    status="active",
                    created_at=stamp,
                    revoked_at=None,
                )
            )
        self._cache.pop(client_id, None)
        found = self.get(client_id)
        assert found is not None
        return found

    def get(self, client_id: str) -> Participant | None:
        """The participant with this client_id (any status), or None."""
        hit = self._cache.get(client_id)
        now = time.monotonic()
        if hit is not None and now - hit[0] < self.cache_seconds:
            return hit[1]
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    sa.select(participant_table).where(participant_table.c.client_id == client_id)
                )
                .mappings()
                .first()
            )
        found = _row_to_participant(row) if row else None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[client_id] = (now, found)
        return found

    def list(
        self, *, type: str | None = None, include_revoked: bool = True
    ) -> Sequence[Participant]:
        stmt = sa.select(participant_table).order_by(participant_table.c.client_id)
        if type:
            stmt = stmt.where(participant_table.c.type == type)
        if not include_revoked:
            stmt = stmt.where(participant_table.c.status == "active")
        with self.engine.connect() as conn:
            return [_row_to_participant(r) for r in conn.execute(stmt).mappings()]

    def revoke(self, client_id: str, *, now: dt.datetime | None = None) -> Participant:
        """Revoke (uittreden): the participant gets no tokens and its tokens stop working."""
        stamp = now or dt.datetime.now(dt.UTC)
        with self.engine.begin() as conn:
            done = conn.execute(
                participant_table.update()
                .where(participant_table.c.client_id == client_id)
                .values(status="revoked", revoked_at=stamp)
            )
        if done.rowcount == 0:
            raise ParticipantError(f"no participant {client_id}")
        self._cache.pop(client_id, None)
        found = self.get(client_id)
        assert found is not None
        return found

    def set_jwks(self, client_id: str, jwks: Mapping[str, Any]) -> None:
        """Replace a participant's public keys (key rotation)."""
        _validate_jwks(jwks)
        with self.engine.begin() as conn:
            conn.execute(
                participant_table.update()
                .where(participant_table.c.client_id == client_id)
                .values(jwks=dict(jwks))
            )
        self._cache.pop(client_id, None)

    def set_scopes(self, client_id: str, scopes: Iterable[str]) -> None:
        """Replace the scopes a participant may request."""
        with self.engine.begin() as conn:
            done = conn.execute(
                participant_table.update()
                .where(participant_table.c.client_id == client_id)
                .values(scopes=list(dict.fromkeys(scopes)))
            )
        if done.rowcount == 0:
            raise ParticipantError(f"no participant {client_id}")
        self._cache.pop(client_id, None)

    def invalidate(self) -> None:
        self._cache.clear()


def jwks_json(jwks: Mapping[str, Any]) -> str:
    return json.dumps(jwks, sort_keys=True)
