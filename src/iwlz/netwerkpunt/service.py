"""The netwerkpunt's inbox: receive notificaties and meldingen, keep them, hand them on.

Receiving (network.md §5.2, §6.2):

* The message is validated before anything is stored: the receiver must be this netwerkpunt
  (§5.5 Impl), ``subjectList`` has 1..1000 entries, ``subject``/``recordID`` are record paths
  ``<ObjectType>/<uuid>`` read case-insensitively on their last two segments (§11.6; for a
  melding ``subject`` is the violated rule's code, only ``recordID`` is a path), the sender's ID
  has the format of its type, a melding's ``ontvangerKenmerk`` is ``<IDType>:<ID>`` (§11.5).
  A violation raises :class:`InvalidMessage` (``BAD_USER_INPUT``) and stores nothing.
* Storing is idempotent on :func:`dedupe_key`: the same message again returns the stored item
  (same ``notificatieID``/``meldingID``) and stores nothing. The key is enforced by a unique
  constraint and ``INSERT … ON CONFLICT DO NOTHING``, so it also holds between concurrent
  requests (on PostgreSQL the second insert waits for the first to commit).
* When the receiver has a webhook, a signed ``webhook`` delivery is queued in the outbox in the
  same transaction (see :func:`webhook_delivery`).

Melding lifecycle (§6.5 Impl) at the bronhouder::

    ONTVANGEN ──▶ IN_BEHANDELING ──▶ AFGEHANDELD
        │                 │
        └────────────────┴──────▶ AFGEWEZEN   (needs a reden)

Webhook signature: ``X-Iwlz-Signature: sha256=<hex>`` where ``<hex>`` is
HMAC-SHA256(secret, body) and body is exactly :func:`canonical_json` of the payload, i.e.
``json.dumps(payload, separators=(",", ":"), sort_keys=True)`` in UTF-8 (ASCII, since non-ASCII
is escaped). ``X-Iwlz-Item-Id`` carries the item's ID, so a receiver can drop repeats.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
import socket
import string
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from iwlz.core import ids
from iwlz.core.clock import Clock
from iwlz.core.logging import span_id_var
from iwlz.graphql.errors import BadUserInput, Conflict, NotFound
from iwlz.graphql.scalars import parse_datetime, serialize_datetime
from iwlz.netwerkpunt.models import inbox_table, webhook_table
from iwlz.nid.audit import AuditEvent, AuditLog
from iwlz.notificaties import outbox
from iwlz.notificaties.outbox import KIND_WEBHOOK, Delivery, enqueue

__all__ = [
    "AFGEHANDELD",
    "AFGEWEZEN",
    "IN_BEHANDELING",
    "ITEM_HEADER",
    "MELDING",
    "MELDING_STATUSSEN",
    "NOTIFICATIE",
    "ONTVANGEN",
    "SIGNATURE_HEADER",
    "TRANSITIONS",
    "AckResult",
    "Inbox",
    "InboxItem",
    "InvalidMessage",
    "ItemNotFound",
    "Party",
    "StatusConflict",
    "Webhook",
    "canonical_json",
    "dedupe_key",
    "normalise_kenmerk",
    "parse_record_path",
    "sign",
    "validate_webhook_url",
    "verify_signature",
    "webhook_delivery",
    "webhook_target_allowed",
]

log = logging.getLogger("iwlz.netwerkpunt")

NOTIFICATIE = "notificatie"
MELDING = "melding"
SOORTEN = (NOTIFICATIE, MELDING)

ONTVANGEN = "ONTVANGEN"
IN_BEHANDELING = "IN_BEHANDELING"
AFGEHANDELD = "AFGEHANDELD"
AFGEWEZEN = "AFGEWEZEN"
MELDING_STATUSSEN = (ONTVANGEN, IN_BEHANDELING, AFGEHANDELD, AFGEWEZEN)
TRANSITIONS: Mapping[str, frozenset[str]] = {
    ONTVANGEN: frozenset({IN_BEHANDELING, AFGEWEZEN}),
    IN_BEHANDELING: frozenset({AFGEHANDELD, AFGEWEZEN}),
}
"""Allowed status changes of a melding; AFGEHANDELD and AFGEWEZEN are final."""

ID_TYPES = ("AGB", "BSN", "KVK", "OIN", "UZOVI")
MAX_SUBJECTS = 1000
MAX_ACK = 1000
MAX_LIST = 1000
MAX_PATH = 500
MAX_EVENT_TYPE = 80
MAX_KENMERK = 200
MAX_REDEN = 2000
MIN_SECRET = 16
MAX_SECRET = 200
MAX_URL = 2000

SIGNATURE_HEADER = "X-Iwlz-Signature"
ITEM_HEADER = "X-Iwlz-Item-Id"
WEBHOOK_AFZENDER = "netwerkpunt"

Party = tuple[str, str]
"""A participant as (ID type, ID), e.g. ``("UZOVI", "5505")``."""

_ID_CHECKS = {
    "AGB": ids.is_valid_agb,
    "BSN": ids.is_valid_bsn,
    "KVK": ids.is_valid_kvk,
    "OIN": lambda v: isinstance(v, str) and len(v) == 20 and v.isascii() and v.isdigit(),
    "UZOVI": ids.is_valid_uzovi,
}
_OBJECT_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_KENMERK = re.compile(r"^(?P<type>[A-Za-z]+)\s?:\s?(?P<id>\S+)$")


# -- errors -----------------------------------------------------------------------------------


class InvalidMessage(BadUserInput):
    """A received notificatie/melding that is not stored; the message names the field."""


class ItemNotFound(NotFound):
    """No such item in this inbox (or not one the caller may see)."""


class StatusConflict(Conflict):
    """A melding status change that its current status does not allow."""


# -- canonical JSON and signatures ------------------------------------------------------------


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes a webhook POSTs and signs: sorted keys, no spaces, ASCII (UTF-8).

    Equal to ``json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()``; a
    delivery worker should send ``canonical_json(row.payload)`` as the body.
    """
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """The ``X-Iwlz-Signature`` value for ``body``: ``sha256=`` + hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body`` under ``secret`` (constant time)."""
    return header is not None and hmac.compare_digest(sign(secret, body), header.strip())


# -- parsing and validation -------------------------------------------------------------------


def parse_record_path(value: str) -> tuple[str, uuid.UUID]:
    """``WlzIndicatie/<uuid>``, ``wlzindicatie/Stoornis/<uuid>`` → (``stoornis``, UUID).

    Only the last two segments count, case-insensitively (network.md §11.6); a URL such as
    ``https://host/wlzindicaties/<uuid>`` therefore reads as (``wlzindicaties``, UUID).
    Raises ValueError when they are not ``<ObjectType>/<uuid>``.
    """
    parts = value.strip().split("/")
    if len(parts) < 2 or not _OBJECT_TYPE.match(parts[-2]) or not _UUID.match(parts[-1]):
        raise ValueError(f"{value!r} is not a record path <ObjectType>/<uuid>")
    return parts[-2].lower(), uuid.UUID(parts[-1])


def _normal_path(value: str) -> str:
    kind, ident = parse_record_path(value)
    return f"{kind}/{ident}"


@dataclass(frozen=True)
class _Message:
    timestamp: dt.datetime
    afzender: Party
    ontvanger_kenmerk: str | None
    event_type: str
    subject_list: tuple[dict[str, str], ...]
    normal_subjects: tuple[tuple[str, str], ...]


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidMessage(f"{where}.{key} is required and must be a non-empty string.")
    return value


def normalise_kenmerk(value: str | None) -> str | None:
    """``ontvangerKenmerk`` as stored: stripped of ASCII whitespace (``string.whitespace``), and
    None when nothing is left. The netwerkpunt policy (``kind`` in netwerkpunt.rego) reads a
    notification with a blank kenmerk as mandatory by the same rule; only ASCII, since rego-cpp
    offers no way to match other whitespace reliably.
    """
    return (value or "").strip(string.whitespace) or None


def _validate(soort: str, ontvanger: Party, data: Mapping[str, Any], max_subjects: int) -> _Message:
    where = "notificatieInput" if soort == NOTIFICATIE else "meldingInput"
    if not isinstance(data, Mapping):
        raise InvalidMessage(f"{where} must be an object.")
    # 1. Addressed to this netwerkpunt (network.md §5.5, last paragraph).
    o_type = _text(data, "ontvangerIDType", where).upper()
    o_id = _text(data, "ontvangerID", where)
    if (o_type, o_id) != ontvanger:
        raise InvalidMessage(
            f"{where}.ontvangerIDType/ontvangerID {o_type}/{o_id} is not this netwerkpunt "
            f"({ontvanger[0]}/{ontvanger[1]}); send it to the receiver's own netwerkpunt.",
            field=f"{where}.ontvangerID",
        )
    # 2. Sender.
    a_type = _text(data, "afzenderIDType", where).upper()
    a_id = _text(data, "afzenderID", where)
    if a_type not in _ID_CHECKS:
        raise InvalidMessage(f"{where}.afzenderIDType must be one of {', '.join(ID_TYPES)}.")
    if not _ID_CHECKS[a_type](a_id):
        raise InvalidMessage(
            f"{where}.afzenderID {a_id!r} is not a valid {a_type} identifier.",
            field=f"{where}.afzenderID",
        )
    # 3. When.
    try:
        timestamp = parse_datetime(data.get("timestamp"))
    except ValueError as exc:
        raise InvalidMessage(f"{where}.timestamp: {exc}.", field=f"{where}.timestamp") from None
    # 4. What.
    event_type = _text(data, "eventType", where).strip()
    if len(event_type) > MAX_EVENT_TYPE:
        raise InvalidMessage(f"{where}.eventType is longer than {MAX_EVENT_TYPE} characters.")
    kenmerk = data.get("ontvangerKenmerk")
    if kenmerk is not None and not isinstance(kenmerk, str):
        raise InvalidMessage(f"{where}.ontvangerKenmerk must be a string.")
    kenmerk = normalise_kenmerk(kenmerk)
    if kenmerk is not None and len(kenmerk) > MAX_KENMERK:
        raise InvalidMessage(f"{where}.ontvangerKenmerk is longer than {MAX_KENMERK} characters.")
    if kenmerk is not None and soort == MELDING:
        # network.md §11.5: the original melder as <IDType>:<ID>; a space is tolerated.
        match = _KENMERK.match(kenmerk)
        k_type = match.group("type").upper() if match else ""
        if match is None or k_type not in _ID_CHECKS:
            raise InvalidMessage(
                f"{where}.ontvangerKenmerk {kenmerk!r} must name the original melder as "
                "<IDType>:<ID>, e.g. UZOVI:5151.",
                field=f"{where}.ontvangerKenmerk",
            )
        kenmerk = f"{k_type}:{match.group('id')}"
    # 5. About which records.
    subjects = data.get("subjectList")
    if not isinstance(subjects, Sequence) or isinstance(subjects, str) or not subjects:
        raise InvalidMessage(f"{where}.subjectList needs at least one entry.")
    if len(subjects) > max_subjects:
        raise InvalidMessage(
            f"{where}.subjectList has {len(subjects)} entries; at most {max_subjects} are accepted."
        )
    stored: list[dict[str, str]] = []
    normal: list[tuple[str, str]] = []
    for i, entry in enumerate(subjects):
        at = f"{where}.subjectList[{i}]"
        if not isinstance(entry, Mapping):
            raise InvalidMessage(f"{at} must be an object with subject and recordID.")
        subject = _text(entry, "subject", at)
        record = _text(entry, "recordID", at)
        for key, value in (("subject", subject), ("recordID", record)):
            if len(value) > MAX_PATH:
                raise InvalidMessage(f"{at}.{key} is longer than {MAX_PATH} characters.")
        try:
            normal_record = _normal_path(record)
        except ValueError:
            raise InvalidMessage(
                f"{at}.recordID {record!r} is not <ObjectType>/<uuid>, e.g. "
                "WlzIndicatie/3fa85f64-5717-4562-b3fc-2c963f66afa6.",
                field=f"{at}.recordID",
            ) from None
        if soort == NOTIFICATIE:
            try:
                normal_subject = _normal_path(subject)
            except ValueError:
                raise InvalidMessage(
                    f"{at}.subject {subject!r} is not <ObjectType>/<uuid>, e.g. "
                    "WlzIndicatie/3fa85f64-5717-4562-b3fc-2c963f66afa6.",
                    field=f"{at}.subject",
                ) from None
        else:  # a melding's subject is the violated rule's code (GGR0001, BRS04 + text, …)
            normal_subject = subject.strip()
        stored.append({"subject": subject, "recordID": record})
        normal.append((normal_subject, normal_record))
    return _Message(timestamp, (a_type, a_id), kenmerk, event_type, tuple(stored), tuple(normal))


def dedupe_key(
    soort: str,
    ontvanger: Party,
    afzender: Party,
    event_type: str,
    subjects: Iterable[tuple[str, str]],
    timestamp: dt.datetime,
) -> str:
    """The idempotency key (hex SHA-256) of a received message (network.md §5.2 Impl).

    Over soort, receiver, sender (type and ID), ``eventType``, the subject list (record paths
    normalised as in :func:`parse_record_path`, order kept) and ``timestamp`` as a UTC instant,
    so ``…T10:00:00+01:00`` and ``…T09:00:00Z`` are the same message.
    """
    material = {
        "soort": soort,
        "ontvanger": f"{ontvanger[0]}:{ontvanger[1]}",
        "afzender": f"{afzender[0]}:{afzender[1]}",
        "eventType": event_type,
        "subjectList": [list(s) for s in subjects],
        "timestamp": timestamp.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }
    return hashlib.sha256(canonical_json(material)).hexdigest()


def _party(value: Sequence[str]) -> Party:
    id_type, ident = value
    return (str(id_type).upper(), str(ident))


def _client_id(party: Party) -> str:
    return f"{party[0].lower()}:{party[1]}"


def _uuid(value: uuid.UUID | str, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or not _UUID.match(value.strip()):
        raise BadUserInput(f"{what} {value!r} is not a UUID.")
    return uuid.UUID(value.strip())


# -- items ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    """A received notificatie or melding as stored."""

    item_id: uuid.UUID
    soort: str
    ontvanger_id_type: str
    ontvanger_id: str
    afzender_id_type: str
    afzender_id: str
    ontvanger_kenmerk: str | None
    event_type: str
    timestamp: dt.datetime
    subject_list: tuple[Mapping[str, str], ...]
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None
    trace_id: str | None
    status: str | None = None
    reden: str | None = None
    status_gewijzigd_at: dt.datetime | None = None
    duplicate: bool = False
    """True on the result of a receive call that found the message already stored."""

    @property
    def ontvanger(self) -> Party:
        return (self.ontvanger_id_type, self.ontvanger_id)

    @property
    def afzender(self) -> Party:
        return (self.afzender_id_type, self.afzender_id)

    @property
    def id_field(self) -> str:
        """``notificatieID`` or ``meldingID``."""
        return "notificatieID" if self.soort == NOTIFICATIE else "meldingID"

    def message(self) -> dict[str, Any]:
        """The GraphQL ``Notificatie``/``Melding`` object (GEN ``Message`` fields + its ID)."""
        return {
            self.id_field: self.item_id,
            "timestamp": self.timestamp,
            "afzenderIDType": self.afzender_id_type,
            "afzenderID": self.afzender_id,
            "ontvangerIDType": self.ontvanger_id_type,
            "ontvangerID": self.ontvanger_id,
            "ontvangerKenmerk": self.ontvanger_kenmerk,
            "eventType": self.event_type,
            "subjectList": [dict(s) for s in self.subject_list],
        }

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form for the inbox REST API, the CLI and webhook payloads."""
        out: dict[str, Any] = {
            "itemID": str(self.item_id),
            "soort": self.soort,
            self.id_field: str(self.item_id),
            "timestamp": serialize_datetime(self.timestamp),
            "afzenderIDType": self.afzender_id_type,
            "afzenderID": self.afzender_id,
            "ontvangerIDType": self.ontvanger_id_type,
            "ontvangerID": self.ontvanger_id,
            "ontvangerKenmerk": self.ontvanger_kenmerk,
            "eventType": self.event_type,
            "subjectList": [dict(s) for s in self.subject_list],
            "ontvangenOp": serialize_datetime(self.received_at),
            "bevestigdOp": _opt_iso(self.acknowledged_at),
            "traceID": self.trace_id,
        }
        if self.soort == MELDING:
            out["status"] = self.status
            out["reden"] = self.reden
            out["statusGewijzigdOp"] = _opt_iso(self.status_gewijzigd_at)
        return out

    def status_json(self) -> dict[str, Any]:
        """What a melding's sender may see of it: the bronhouder's handling status."""
        return {
            "meldingID": str(self.item_id),
            "ontvangerIDType": self.ontvanger_id_type,
            "ontvangerID": self.ontvanger_id,
            "eventType": self.event_type,
            "timestamp": serialize_datetime(self.timestamp),
            "ontvangenOp": serialize_datetime(self.received_at),
            "status": self.status,
            "reden": self.reden,
            "statusGewijzigdOp": _opt_iso(self.status_gewijzigd_at),
        }


def _opt_iso(value: dt.datetime | None) -> str | None:
    return None if value is None else serialize_datetime(value)


def _item(row: Mapping[Any, Any], *, duplicate: bool = False) -> InboxItem:
    return InboxItem(
        item_id=row["item_id"],
        soort=row["soort"],
        ontvanger_id_type=row["ontvanger_id_type"],
        ontvanger_id=row["ontvanger_id"],
        afzender_id_type=row["afzender_id_type"],
        afzender_id=row["afzender_id"],
        ontvanger_kenmerk=row["ontvanger_kenmerk"],
        event_type=row["event_type"],
        timestamp=row["timestamp"],
        subject_list=tuple(dict(s) for s in row["subject_list"]),
        received_at=row["received_at"],
        acknowledged_at=row["acknowledged_at"],
        trace_id=row["trace_id"],
        status=row["status"],
        reden=row["reden"],
        status_gewijzigd_at=row["status_gewijzigd_at"],
        duplicate=duplicate,
    )


@dataclass(frozen=True)
class AckResult:
    """Outcome of :meth:`Inbox.ack`."""

    bevestigd: tuple[uuid.UUID, ...]
    """Acknowledged by this call."""
    al_bevestigd: tuple[uuid.UUID, ...]
    """Were acknowledged before."""
    onbekend: tuple[uuid.UUID, ...]
    """Not in this inbox."""

    def as_json(self) -> dict[str, Any]:
        return {
            "bevestigd": [str(i) for i in self.bevestigd],
            "alBevestigd": [str(i) for i in self.al_bevestigd],
            "onbekend": [str(i) for i in self.onbekend],
        }


# -- webhooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Webhook:
    """Where a participant's netwerkpunt forwards every received item."""

    participant_id_type: str
    participant_id: str
    url: str
    secret: str
    created_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        """Without the secret: it is shown only once, when it is generated."""
        return {"url": self.url, "aangemaaktOp": serialize_datetime(self.created_at)}


_PUBLIC_ONLY = "webhooks go to public internet addresses only (others only in dev mode)"


def _address_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``address`` is no webhook target (``"a loopback"``, …), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback"
    if address.is_link_local:
        return "a link-local"
    if address.is_multicast:
        return "a multicast"
    if address.is_reserved or address.is_unspecified:
        return "a reserved"
    if address.is_private:
        return "a private"
    if not address.is_global:  # shared (100.64.0.0/10), documentation, …
        return "a non-public"
    return None


def webhook_target_allowed(url: str) -> str | None:
    """Why a webhook may not be sent to ``url``, or None when it may.

    Refused: a host that is ``localhost`` (or ``*.localhost``), a literal IP address that is
    loopback, private, link-local, multicast, reserved or otherwise not public, a name that
    resolves (``socket.getaddrinfo``) to any such address, and a name that does not resolve at
    all (it cannot be checked). Checked when a webhook is set outside dev mode and again by the
    delivery worker right before each send, since the name may resolve differently by then
    (DNS rebinding). The URL's syntax is :func:`validate_webhook_url`'s business.
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"url {url!r} is not a valid URL."
    if not host:
        return f"url {url!r} has no host."
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return f"url {url!r}: the host {host} is this machine; {_PUBLIC_ONLY}."
    try:
        literal = ipaddress.ip_address(name)
    except ValueError:
        literal = None
    if literal is not None:
        kind = _address_kind(literal)
        return None if kind is None else f"url {url!r}: {host} is {kind} address; {_PUBLIC_ONLY}."
    try:
        found = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return f"url {url!r}: the host {host} could not be resolved ({exc}); {_PUBLIC_ONLY}."
    for *_, sockaddr in found:
        try:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        except ValueError:
            return f"url {url!r}: the host {host} resolves to {sockaddr[0]!r}; {_PUBLIC_ONLY}."
        kind = _address_kind(address)
        if kind is not None:
            return (
                f"url {url!r}: the host {host} resolves to {address}, {kind} address; "
                f"{_PUBLIC_ONLY}."
            )
    if not found:
        return f"url {url!r}: the host {host} has no address; {_PUBLIC_ONLY}."
    return None


def validate_webhook_url(url: Any, *, https_only: bool = False, allow_private: bool = False) -> str:
    """An absolute ``http(s)://host/…`` URL without credentials (``https`` only when
    ``https_only``; a public target only, see :func:`webhook_target_allowed`, unless
    ``allow_private``); raises BadUserInput."""
    if not isinstance(url, str) or not url.strip():
        raise BadUserInput("url is required: the http(s) URL to POST received items to.")
    text: str = url.strip()
    if len(text) > MAX_URL or any(c.isspace() for c in text):
        raise BadUserInput(f"url must be at most {MAX_URL} characters without spaces.")
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise BadUserInput(f"url {text!r} is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise BadUserInput(f"url {text!r} must be an absolute http:// or https:// URL.")
    if parts.username is not None or parts.password is not None:
        raise BadUserInput("url must not contain credentials; the secret signs each request.")
    if https_only and parts.scheme != "https":
        raise BadUserInput(
            f"url {text!r} must use https: items carry personal data (http only in dev mode)."
        )
    if not allow_private:
        reason = webhook_target_allowed(text)
        if reason is not None:
            raise BadUserInput(reason, field="url")
    return text


def webhook_delivery(item: InboxItem, hook: Webhook) -> Delivery:
    """The outbox row that forwards ``item`` to ``hook`` (signed, see the module docstring)."""
    payload = item.as_json()
    return Delivery(
        kind=KIND_WEBHOOK,
        afzender=WEBHOOK_AFZENDER,
        ontvanger_id_type=item.ontvanger_id_type,
        ontvanger_id=item.ontvanger_id,
        event_type=item.event_type,
        target_url=hook.url,
        payload=payload,
        headers={
            SIGNATURE_HEADER: sign(hook.secret, canonical_json(payload)),
            ITEM_HEADER: str(item.item_id),
        },
    )


# -- the inbox --------------------------------------------------------------------------------


class Inbox:
    """Inboxes of all netwerkpunten served by this process, one per participant.

    ``audit`` (optional) receives an event for every stored item and every melding status
    change (network.md §9.1: every change is audit-logged).

    Webhooks: ``webhook_https_only`` refuses ``http://`` URLs; without ``webhook_allow_private``
    a URL must point to a public address (:func:`webhook_target_allowed`). Both are off only in
    dev mode.
    """

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        audit: AuditLog | None = None,
        *,
        max_subjects: int = MAX_SUBJECTS,
        webhook_https_only: bool = False,
        webhook_allow_private: bool = False,
        webhook_cache_seconds: float = 5.0,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.audit = audit
        self.max_subjects = max_subjects
        self.webhook_https_only = webhook_https_only
        self.webhook_allow_private = webhook_allow_private
        self.webhook_cache_seconds = webhook_cache_seconds
        self._hooks: tuple[float, dict[Party, Webhook]] | None = None
        insert = sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert
        t = inbox_table
        self._insert = (
            insert(t)
            .on_conflict_do_nothing(
                index_elements=[t.c.ontvanger_id_type, t.c.ontvanger_id, t.c.dedupe_key]
            )
            # rowcount is unreliable after ON CONFLICT on psycopg; RETURNING is not.
            .returning(t.c.id)
        )

    # -- receiving ------------------------------------------------------------------------

    def ontvang_notificatie(
        self, ontvanger: Party, input: Mapping[str, Any], trace_id: str | None = None
    ) -> InboxItem:
        """Validate and store a ``NotificatieInput`` addressed to ``ontvanger`` (idempotent)."""
        return self._ontvang(NOTIFICATIE, _party(ontvanger), input, trace_id)

    def ontvang_melding(
        self, ontvanger: Party, input: Mapping[str, Any], trace_id: str | None = None
    ) -> InboxItem:
        """Validate and store a ``MeldingInput`` for bronhouder ``ontvanger`` (idempotent)."""
        return self._ontvang(MELDING, _party(ontvanger), input, trace_id)

    def _ontvang(
        self, soort: str, ontvanger: Party, data: Mapping[str, Any], trace_id: str | None
    ) -> InboxItem:
        msg = _validate(soort, ontvanger, data, self.max_subjects)
        key = dedupe_key(
            soort, ontvanger, msg.afzender, msg.event_type, msg.normal_subjects, msg.timestamp
        )
        now = self.clock.now()
        values: dict[str, Any] = {
            "item_id": uuid.uuid4(),
            "soort": soort,
            "ontvanger_id_type": ontvanger[0],
            "ontvanger_id": ontvanger[1],
            "afzender_id_type": msg.afzender[0],
            "afzender_id": msg.afzender[1],
            "ontvanger_kenmerk": msg.ontvanger_kenmerk,
            "event_type": msg.event_type,
            "timestamp": msg.timestamp.astimezone(dt.UTC),
            "subject_list": [dict(s) for s in msg.subject_list],
            "dedupe_key": key,
            "received_at": now,
            "acknowledged_at": None,
            "trace_id": trace_id,
            "status": ONTVANGEN if soort == MELDING else None,
            "reden": None,
            "status_gewijzigd_at": now if soort == MELDING else None,
        }
        # The insert comes first: on SQLite it takes the write lock before anything is read.
        with self.engine.begin() as conn:
            inserted = conn.execute(self._insert, values).first()
            if inserted is None:
                row = self._select_one(
                    conn,
                    inbox_table.c.ontvanger_id_type == ontvanger[0],
                    inbox_table.c.ontvanger_id == ontvanger[1],
                    inbox_table.c.dedupe_key == key,
                )
                if row is None:  # pragma: no cover - the conflicting row vanished
                    raise RuntimeError("inbox conflict without a stored row; retry")
                return _item(row, duplicate=True)
            item = _item(values)
            hook = self._webhook(conn, ontvanger, confirm=True)
            if hook is not None:
                enqueue(conn, [webhook_delivery(item, hook)], now=now)
        self._audit(
            "netwerkpunt.ontvangen",
            participant=_client_id(item.afzender),
            operation=f"{'zendNotificatie' if soort == NOTIFICATIE else 'zendMelding'} "
            f"{item.event_type}",
            ontvanger=ontvanger,
            records=tuple(s["recordID"] for s in item.subject_list),
            trace_id=trace_id,
            details={"itemID": str(item.item_id), "soort": soort},
            # The PEP's decision on this request is already in the log (synchronously); the
            # receipt that follows from it is batched with others.
            later=True,
        )
        return item

    # -- reading and acknowledging --------------------------------------------------------

    def get(self, ontvanger: Party, item_id: uuid.UUID | str) -> InboxItem:
        """One item of ``ontvanger``'s inbox; :class:`ItemNotFound` otherwise."""
        ontvanger = _party(ontvanger)
        ident = _uuid(item_id, "item ID")
        with self.engine.connect() as conn:
            row = self._select_one(
                conn,
                inbox_table.c.item_id == ident,
                inbox_table.c.ontvanger_id_type == ontvanger[0],
                inbox_table.c.ontvanger_id == ontvanger[1],
            )
        if row is None:
            raise ItemNotFound(f"no item {ident} in the inbox of {ontvanger[0]}/{ontvanger[1]}.")
        return _item(row)

    def list(
        self,
        ontvanger: Party,
        *,
        soort: str | None = None,
        alleen_nieuw: bool = True,
        limit: int = 100,
        after: uuid.UUID | str | None = None,
    ) -> Sequence[InboxItem]:
        """Items in the order received; ``alleen_nieuw``: only those not acknowledged yet.

        ``after`` is the ID of the last item of the previous page (a cursor).
        """
        ontvanger = _party(ontvanger)
        if soort is not None and soort not in SOORTEN:
            raise BadUserInput(f"soort must be one of {', '.join(SOORTEN)}, not {soort!r}.")
        if not 1 <= limit <= MAX_LIST:
            raise BadUserInput(f"limit must be between 1 and {MAX_LIST}.")
        t = inbox_table
        cond = [t.c.ontvanger_id_type == ontvanger[0], t.c.ontvanger_id == ontvanger[1]]
        if soort is not None:
            cond.append(t.c.soort == soort)
        if alleen_nieuw:
            cond.append(t.c.acknowledged_at.is_(None))
        with self.engine.connect() as conn:
            if after is not None:
                cursor = _uuid(after, "after")
                seq = conn.execute(
                    sa.select(t.c.id).where(t.c.item_id == cursor, *cond[:2])
                ).scalar()
                if seq is None:
                    raise BadUserInput(f"after: no item {cursor} in this inbox.")
                cond.append(t.c.id > seq)
            rows = conn.execute(sa.select(t).where(*cond).order_by(t.c.id).limit(limit))
            return [_item(r) for r in rows.mappings()]

    def ack(self, ontvanger: Party, item_ids: Iterable[uuid.UUID | str]) -> AckResult:
        """Mark items as read (they leave the ``alleen_nieuw`` listing)."""
        ontvanger = _party(ontvanger)
        wanted = builtins.list(dict.fromkeys(_uuid(i, "item ID") for i in item_ids))
        if len(wanted) > MAX_ACK:
            raise BadUserInput(f"acknowledge at most {MAX_ACK} items at once.")
        if not wanted:
            return AckResult((), (), ())
        t = inbox_table
        mine = (t.c.ontvanger_id_type == ontvanger[0], t.c.ontvanger_id == ontvanger[1])
        with self.engine.begin() as conn:
            done = set(
                conn.execute(
                    t.update()
                    .where(*mine, t.c.item_id.in_(wanted), t.c.acknowledged_at.is_(None))
                    .values(acknowledged_at=self.clock.now())
                    .returning(t.c.item_id)
                ).scalars()
            )
            found = set(
                conn.execute(sa.select(t.c.item_id).where(*mine, t.c.item_id.in_(wanted)))
                .scalars()
                .all()
            )
        return AckResult(
            tuple(i for i in wanted if i in done),
            tuple(i for i in wanted if i in found and i not in done),
            tuple(i for i in wanted if i not in found),
        )

    def ack_all(self, ontvanger: Party, *, soort: str | None = None) -> int:
        """Acknowledge every unacknowledged item (of one soort); returns how many."""
        ontvanger = _party(ontvanger)
        if soort is not None and soort not in SOORTEN:
            raise BadUserInput(f"soort must be one of {', '.join(SOORTEN)}, not {soort!r}.")
        t = inbox_table
        cond = [
            t.c.ontvanger_id_type == ontvanger[0],
            t.c.ontvanger_id == ontvanger[1],
            t.c.acknowledged_at.is_(None),
        ]
        if soort is not None:
            cond.append(t.c.soort == soort)
        with self.engine.begin() as conn:
            result = conn.execute(t.update().where(*cond).values(acknowledged_at=self.clock.now()))
        return int(result.rowcount or 0)

    # -- melding lifecycle ----------------------------------------------------------------

    def meldingen(
        self, bronhouder: Party, status: str | None = None, *, limit: int = MAX_LIST
    ) -> Sequence[InboxItem]:
        """Meldingen received by ``bronhouder``, oldest first, optionally in one status."""
        bronhouder = _party(bronhouder)
        t = inbox_table
        cond = [
            t.c.ontvanger_id_type == bronhouder[0],
            t.c.ontvanger_id == bronhouder[1],
            t.c.soort == MELDING,
        ]
        if status is not None:
            cond.append(t.c.status == _status(status))
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(*cond).order_by(t.c.id).limit(limit))
            return [_item(r) for r in rows.mappings()]

    def behandel_melding(
        self,
        bronhouder: Party,
        melding_id: uuid.UUID | str,
        status: str,
        reden: str | None = None,
        *,
        door: str | None = None,
    ) -> InboxItem:
        """Move a melding to ``status`` (see :data:`TRANSITIONS`); AFGEWEZEN needs a reden.

        ``door`` names who did it (a client_id or operator) for the audit log. Raises
        :class:`ItemNotFound`, :class:`StatusConflict` or BadUserInput.
        """
        bronhouder = _party(bronhouder)
        ident = _uuid(melding_id, "meldingID")
        target = _status(status)
        reden = (reden or "").strip() or None
        if target == AFGEWEZEN and reden is None:
            raise BadUserInput("reden is required to set a melding to AFGEWEZEN.", field="reden")
        if reden is not None and len(reden) > MAX_REDEN:
            raise BadUserInput(f"reden is longer than {MAX_REDEN} characters.", field="reden")
        t = inbox_table
        now = self.clock.now()
        with self.engine.begin() as conn:
            row = self._select_one(
                conn,
                t.c.item_id == ident,
                t.c.ontvanger_id_type == bronhouder[0],
                t.c.ontvanger_id == bronhouder[1],
                t.c.soort == MELDING,
            )
            if row is None:
                raise ItemNotFound(f"no melding {ident} for {bronhouder[0]}/{bronhouder[1]}.")
            current = str(row["status"])
            allowed = TRANSITIONS.get(current, frozenset())
            if target not in allowed:
                nxt = ", ".join(sorted(allowed)) or "none, it is final"
                raise StatusConflict(
                    f"melding {ident} is {current}; it cannot become {target} "
                    f"(allowed next: {nxt}).",
                    status=current,
                )
            # Conditional on the status read: a concurrent change makes this a conflict.
            changed = conn.execute(
                t.update()
                .where(t.c.id == row["id"], t.c.status == current)
                .values(
                    status=target,
                    reden=reden,
                    status_gewijzigd_at=now,
                    acknowledged_at=sa.func.coalesce(t.c.acknowledged_at, now),
                )
                .returning(*t.c)
            ).first()
            if changed is None:
                raise StatusConflict(
                    f"melding {ident} was changed at the same time; read it again."
                )
            item = _item(changed._mapping)
        self._audit(
            "netwerkpunt.melding",
            participant=door or _client_id(bronhouder),
            operation=f"behandelMelding {target}",
            ontvanger=bronhouder,
            records=(f"Melding/{ident}",),
            trace_id=None,
            details={"van": current, "naar": target},
        )
        return item

    def melding_status(
        self,
        melding_id: uuid.UUID | str,
        afzender: Party,
        *,
        bronhouder: Party | None = None,
    ) -> InboxItem:
        """A melding as its sender may see it; :class:`ItemNotFound` for anybody else."""
        afzender = _party(afzender)
        ident = _uuid(melding_id, "meldingID")
        t = inbox_table
        cond = [
            t.c.item_id == ident,
            t.c.soort == MELDING,
            t.c.afzender_id_type == afzender[0],
            t.c.afzender_id == afzender[1],
        ]
        if bronhouder is not None:
            b = _party(bronhouder)
            cond += [t.c.ontvanger_id_type == b[0], t.c.ontvanger_id == b[1]]
        with self.engine.connect() as conn:
            row = self._select_one(conn, *cond)
        if row is None:  # the same answer whether it does not exist or is somebody else's
            raise ItemNotFound(f"no melding {ident} sent by {afzender[0]}/{afzender[1]}.")
        return _item(row)

    # -- webhooks -------------------------------------------------------------------------

    def set_webhook(
        self, participant: Party, url: Any, secret: str | None = None
    ) -> tuple[Webhook, str | None]:
        """Set (replace) the participant's webhook; returns it and the generated secret.

        Without ``secret`` a random one is generated and returned (only this once). A new URL
        or secret cancels the deliveries still queued for the old one (in the same
        transaction): they were signed with the old secret for the old address.
        """
        participant = _party(participant)
        target = validate_webhook_url(
            url, https_only=self.webhook_https_only, allow_private=self.webhook_allow_private
        )
        generated: str | None = None
        if secret is None:
            secret = generated = secrets.token_urlsafe(32)
        elif not isinstance(secret, str) or not MIN_SECRET <= len(secret) <= MAX_SECRET:
            raise BadUserInput(
                f"secret must be {MIN_SECRET} to {MAX_SECRET} characters; leave it out to get "
                "a generated one."
            )
        hook = Webhook(participant[0], participant[1], target, secret, self.clock.now())
        w = webhook_table
        mine = (w.c.participant_id_type == participant[0], w.c.participant_id == participant[1])
        with self.engine.begin() as conn:
            old = conn.execute(w.delete().where(*mine).returning(w.c.url, w.c.secret)).first()
            if old is not None and (old.url, old.secret) != (hook.url, hook.secret):
                outbox.cancel(
                    conn,
                    now=hook.created_at,
                    reason="webhook changed",
                    kind=KIND_WEBHOOK,
                    ontvanger=participant,
                )
            conn.execute(
                w.insert().values(
                    participant_id_type=hook.participant_id_type,
                    participant_id=hook.participant_id,
                    url=hook.url,
                    secret=hook.secret,
                    created_at=hook.created_at,
                )
            )
        self._hooks = None
        return hook, generated

    def get_webhook(self, participant: Party) -> Webhook | None:
        with self.engine.connect() as conn:
            return self._webhook(conn, _party(participant))

    def delete_webhook(self, participant: Party) -> bool:
        """Remove the webhook and cancel what is still queued for it; False when there was
        none."""
        participant = _party(participant)
        w = webhook_table
        with self.engine.begin() as conn:
            gone = conn.execute(
                w.delete()
                .where(
                    w.c.participant_id_type == participant[0], w.c.participant_id == participant[1]
                )
                .returning(w.c.participant_id)
            ).first()
            if gone is not None:
                outbox.cancel(
                    conn,
                    now=self.clock.now(),
                    reason="webhook deleted",
                    kind=KIND_WEBHOOK,
                    ontvanger=participant,
                )
        self._hooks = None
        return gone is not None

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _select_one(conn: Connection, *cond: Any) -> Mapping[Any, Any] | None:
        return conn.execute(sa.select(inbox_table).where(*cond)).mappings().first()

    def _webhook(
        self, conn: Connection, participant: Party, *, confirm: bool = False
    ) -> Webhook | None:
        # Every received item asks; the table is small and rarely changes, so it is read
        # whole and kept for a few seconds (at once after a change through this object).
        # ``confirm``: a hook found in the cache is read again in ``conn``'s transaction, so a
        # URL or secret that another process replaced (set_webhook cancels what is queued for
        # the old one) is not used for seconds after - only by a transaction that overlaps the
        # change. A hook another process set in the last few seconds may still be missed: the
        # item is then in the inbox but not forwarded.
        now = time.monotonic()
        cached = self._hooks
        if cached is None or now - cached[0] > self.webhook_cache_seconds:
            rows = conn.execute(sa.select(webhook_table)).mappings()
            hooks = {
                (r["participant_id_type"], r["participant_id"]): Webhook(
                    r["participant_id_type"],
                    r["participant_id"],
                    r["url"],
                    r["secret"],
                    r["created_at"],
                )
                for r in rows
            }
            cached = self._hooks = (now, hooks)
            return hooks.get(participant)
        hook = cached[1].get(participant)
        if hook is None or not confirm:
            return hook
        w = webhook_table
        row = (
            conn.execute(
                sa.select(w).where(
                    w.c.participant_id_type == participant[0], w.c.participant_id == participant[1]
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return Webhook(
            row["participant_id_type"],
            row["participant_id"],
            row["url"],
            row["secret"],
            row["created_at"],
        )

    def _audit(
        self,
        event_type: str,
        *,
        participant: str,
        operation: str,
        ontvanger: Party,
        records: tuple[str, ...],
        trace_id: str | None,
        details: Mapping[str, Any],
        later: bool = False,
    ) -> None:
        if self.audit is None:
            return
        event = AuditEvent(
            event_type=event_type,
            decision="allow",
            participant=participant,
            on_behalf_of=None,
            operation=operation,
            resource=f"netwerkpunt/{ontvanger[0]}/{ontvanger[1]}",
            use_case=None,
            records=records[:100],
            bsns=(),
            reason=None,
            http_status=None,
            trace_id=trace_id,
            span_id=span_id_var.get(),
            occurred_at=self.clock.now(),
            details=details,
        )
        try:
            if later:
                self.audit.append_later(event)
            else:
                self.audit.append(event)
        except Exception:
            # The change is committed; failing now would only make the sender resend it.
            log.exception("audit log append failed", extra={"event_type": event_type})


def _status(value: str) -> str:
    status = str(value).strip().upper()
    if status not in MELDING_STATUSSEN:
        raise BadUserInput(
            f"status must be one of {', '.join(MELDING_STATUSSEN)}, not {value!r}.", field="status"
        )
    return status
