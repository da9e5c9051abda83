"""The address book's data: the ``ElectronicService`` JSON (network.md §8.2), its validation,
``gegevensdienstId`` parsing (§8.3) and the storage table.

One row per ``ElectronicService``, keyed by its normalised ``gegevensdienstId``
(``[OrganisatieID]_[Functionaliteit]_[Omgeving]``). The row keeps the whole entry as JSON, so
fields we do not interpret (``type``, ``id``, ``_comment``, an FG e-mail address, ZORG-AB fields
added later) survive an import/export round trip unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from iwlz.core import ids
from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

FUNCTIONALITEITEN = ("REGISTER", "NOTIFICATIE", "MELDING")
OMGEVINGEN = ("PRD", "ACC", "TST")
SYSTEEMROLCODES = ("REGISTER", "MELDING", "NOTIFICATIE_INDICATIE", "NOTIFICATIE_BEMIDDELING")
"""The systeemrolcodes the address book defines today (§8.3)."""

CIZ = "CIZ"
CIZ_KVK = "62253778"
"""The CIZ's KvK number (network.md §1.1); its OrganisatieID is the literal ``CIZ``."""

ROOT_KEY = "electronicServices"

# ``CIZ`` or an AGB (8), UZOVI (4), KvK (8) or OIN (20) number; then the two codes.
_ORGANISATIE = re.compile(r"CIZ|[0-9]{4,20}")
_GEGEVENSDIENST = re.compile(r"([A-Z0-9]+)([-_])([A-Z]+)([-_])([A-Z]+)")
# Future codes follow the AB README's rule: Functionaliteit_inhoud (``NOTIFICATIE_LEVERING``).
_FUTURE_ROL = re.compile(r"(REGISTER|NOTIFICATIE|MELDING)_[A-Z]+")

adresboek_service = sa.Table(
    "adresboek_service",
    metadata,
    sa.Column("gegevensdienst_id", sa.String(64), primary_key=True),
    sa.Column("entry", sa.JSON(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)


class AdresboekError(ValueError):
    """A bad entry, document or lookup key; the message says what to fix."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems) or (message,)


class EndpointNotFound(LookupError):
    """The address book has no endpoint for a receiver: do not send, alert an operator (§8.4)."""

    def __init__(
        self, gegevensdienst_id: str, systeemrolcode: str, available: Sequence[str] | None
    ) -> None:
        self.gegevensdienst_id = gegevensdienst_id
        self.systeemrolcode = systeemrolcode
        self.available = tuple(available) if available is not None else None
        add = (
            f"iwlz adresboek add --gegevensdienst-id {gegevensdienst_id} --naam NAME "
            f"--pep PEP_URI --token TOKEN_URI --rol {systeemrolcode}=RESOURCE_URI"
        )
        if available is None:
            text = (
                f"the address book has no entry {gegevensdienst_id} (needed for systeemrol "
                f"{systeemrolcode}); the receiver must register its endpoint: `{add}`, or "
                "import the network's list with `iwlz adresboek import FILE`"
            )
        else:
            text = (
                f"address-book entry {gegevensdienst_id} has no systeemrol {systeemrolcode} "
                f"(it has: {', '.join(available)}); publish the entry again with that role added: "
                f"`{add}` plus a --rol option for every existing role"
            )
        super().__init__(text)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class GegevensdienstId:
    """A parsed ``gegevensdienstId``; ``str()`` gives the normalised ``_`` form."""

    organisatie_id: str
    functionaliteit: str
    omgeving: str

    def __str__(self) -> str:
        return f"{self.organisatie_id}_{self.functionaliteit}_{self.omgeving}"


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    upper = value.strip().upper()
    if upper not in allowed:
        raise AdresboekError(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return upper


def check_organisatie_id(value: str) -> str:
    """``CIZ`` or the digits of an AGB/UZOVI/KvK/OIN number, upper-cased."""
    upper = value.strip().upper()
    if not _ORGANISATIE.fullmatch(upper):
        raise AdresboekError(
            f"OrganisatieID {value!r} must be CIZ, an AGB code (8 digits), a UZOVI code "
            "(4 digits) or a KvK number (8 digits)"
        )
    return upper


def check_functionaliteit(value: str) -> str:
    return _choice(value, FUNCTIONALITEITEN, "Functionaliteit")


def check_omgeving(value: str) -> str:
    return _choice(value, OMGEVINGEN, "Omgeving")


def parse_gegevensdienst_id(text: str) -> GegevensdienstId:
    """Parse ``[OrganisatieID]_[Functionaliteit]_[Omgeving]``; ``-`` separators are accepted too.

    Any case is accepted; the parts come back upper-case. Mixing ``-`` and ``_`` is refused.
    """
    if not isinstance(text, str):
        raise AdresboekError(f"gegevensdienstId must be a string, not {type(text).__name__}")
    match = _GEGEVENSDIENST.fullmatch(text.strip().upper())
    if match is None:
        raise AdresboekError(
            f"gegevensdienstId {text!r} is not [OrganisatieID]_[Functionaliteit]_[Omgeving], "
            "e.g. CIZ_REGISTER_TST or 5501_NOTIFICATIE_PRD ('-' separators are accepted too)"
        )
    org, sep1, func, sep2, env = match.groups()
    if sep1 != sep2:
        raise AdresboekError(
            f"gegevensdienstId {text!r} mixes '-' and '_'; use one separator (we store '_')"
        )
    return GegevensdienstId(
        check_organisatie_id(org), check_functionaliteit(func), check_omgeving(env)
    )


def normalise_gegevensdienst_id(text: str) -> str:
    """``5501-notificatie-tst`` → ``5501_NOTIFICATIE_TST``."""
    return str(parse_gegevensdienst_id(text))


def make_gegevensdienst_id(organisatie_id: str, functionaliteit: str, omgeving: str) -> str:
    """The normalised ID of (OrganisatieID, Functionaliteit, Omgeving), each part validated."""
    return str(
        GegevensdienstId(
            check_organisatie_id(organisatie_id),
            check_functionaliteit(functionaliteit),
            check_omgeving(omgeving),
        )
    )


def check_systeemrolcode(code: str, functionaliteit: str | None = None) -> str:
    """Upper-case ``code`` and check it.

    Accepted: the four codes of §8.3, and future ones built the same way,
    ``<Functionaliteit>_<inhoud>`` (e.g. ``NOTIFICATIE_LEVERING`` for a Leveringsregister).
    With ``functionaliteit`` given the code must belong to it: a ``MELDING`` entry cannot hold
    a ``NOTIFICATIE_INDICATIE`` role, since no sender would ever look for it there.
    """
    if not isinstance(code, str):
        raise AdresboekError(f"systeemrolcode must be a string, not {type(code).__name__}")
    upper = code.strip().upper()
    if upper not in SYSTEEMROLCODES and not _FUTURE_ROL.fullmatch(upper):
        raise AdresboekError(
            f"systeemrolcode {code!r} is not one of {', '.join(SYSTEEMROLCODES)} "
            "(or a future <FUNCTIONALITEIT>_<INHOUD> code such as NOTIFICATIE_LEVERING)"
        )
    if functionaliteit is not None and upper.split("_", 1)[0] != functionaliteit:
        raise AdresboekError(
            f"systeemrolcode {upper} does not belong to Functionaliteit {functionaliteit}; "
            f"a {functionaliteit} entry holds {functionaliteit}"
            + ("_<INHOUD> roles" if functionaliteit == "NOTIFICATIE" else " roles")
        )
    return upper


def _is_oin(value: str) -> bool:
    return len(value) == 20 and value.isascii() and value.isdigit()


def organisatie_id(id_type: str, id_value: str) -> str:
    """The address-book OrganisatieID of a party given as (``IDTypeEnum``, value).

    ``KVK``/62253778 (the CIZ) → ``CIZ``; an aanbieder's AGB code, a zorgkantoor's UZOVI code,
    another KvK party's (VECOZO, CAK) KvK number and an OIN are used as they are.
    """
    kind = id_type.strip().upper()
    kind = "AGB" if kind == "AGBCODE" else kind
    value = id_value.strip()
    checks = {
        "AGB": ids.is_valid_agb,
        "UZOVI": ids.is_valid_uzovi,
        "KVK": ids.is_valid_kvk,
        "OIN": _is_oin,
    }
    check = checks.get(kind)
    if check is None:
        raise AdresboekError(
            f"identifier type {id_type!r} has no address-book OrganisatieID; "
            "use AGB, UZOVI, KVK or OIN"
        )
    if not check(value):
        raise AdresboekError(f"{value!r} is not a valid {kind} identifier")
    if kind == "KVK" and value == CIZ_KVK:
        return CIZ
    return value


@dataclass(frozen=True)
class Systeemrol:
    code: str
    resource_uri: str


@dataclass(frozen=True)
class ElectronicService:
    """One validated address-book entry.

    ``document`` is the normalised JSON (``gegevensdienstId`` with ``_``, upper-case
    systeemrolcodes, URIs trimmed) exactly as :meth:`Adresboek.export` returns it.
    """

    gegevensdienst_id: str
    weergavenaam: str
    description: str
    authorization_uri: str
    token_uri: str
    systeemrollen: tuple[Systeemrol, ...]
    document: Mapping[str, Any]
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def key(self) -> GegevensdienstId:
        return parse_gegevensdienst_id(self.gegevensdienst_id)

    def rol(self, code: str) -> Systeemrol | None:
        for rol in self.systeemrollen:
            if rol.code == code:
                return rol
        return None

    def with_times(self, created_at: dt.datetime, updated_at: dt.datetime) -> ElectronicService:
        return ElectronicService(
            self.gegevensdienst_id,
            self.weergavenaam,
            self.description,
            self.authorization_uri,
            self.token_uri,
            self.systeemrollen,
            self.document,
            created_at,
            updated_at,
        )


@dataclass(frozen=True)
class Endpoint:
    """Where a sender goes (§8.4 step 3): token from ``token_uri`` with ``audience`` =
    ``resource_uri``, then the request to ``pep_uri``."""

    gegevensdienst_id: str
    pep_uri: str
    token_uri: str
    resource_uri: str


def _check_uri(value: Any, path: str, omgeving: str | None, problems: list[str]) -> str | None:
    if value is None:
        problems.append(f"{path}: missing")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}: must be a non-empty string")
        return None
    uri = value.strip()
    try:
        parts = urlsplit(uri)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in uri
    except ValueError:
        ok = False
    if not ok:
        problems.append(f"{path}: {uri!r} is not an absolute http(s) URI")
        return None
    if omgeving == "PRD" and parts.scheme != "https":
        problems.append(f"{path}: {uri!r} must use https in the PRD environment (mTLS)")
        return None
    return uri


def _text(entry: Mapping[str, Any], key: str, problems: list[str]) -> str:
    value = entry.get(key)
    if value is None:
        problems.append(f"{key}: missing")
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key}: must be a non-empty string")
        return ""
    return value


def _object(entry: Mapping[str, Any], key: str, problems: list[str]) -> dict[str, Any] | None:
    value = entry.get(key)
    if value is None:
        problems.append(f"{key}: missing")
        return None
    if not isinstance(value, dict):
        problems.append(f"{key}: must be an object")
        return None
    return value


def validate_entry(entry: Any) -> ElectronicService:
    """Check one ``ElectronicService`` (§8.2) and return it normalised.

    Every problem is reported at once, each with its JSON path. Fields we do not interpret are
    kept as they are.
    """
    if not isinstance(entry, Mapping):
        raise AdresboekError(
            f"an ElectronicService must be a JSON object, not {type(entry).__name__}"
        )
    problems: list[str] = []
    try:  # a private, plain-JSON copy: what we store is exactly what JSON can say
        doc: dict[str, Any] = json.loads(json.dumps(entry, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise AdresboekError(f"an ElectronicService must be plain JSON: {exc}") from None
    for optional in ("type", "id"):
        if optional in doc and not isinstance(doc[optional], str):
            problems.append(f"{optional}: must be a string when present")
    description = _text(doc, "description", problems)
    weergavenaam = _text(doc, "weergavenaam", problems)

    key: GegevensdienstId | None = None
    raw_id = doc.get("gegevensdienstId")
    if raw_id is None:
        problems.append("gegevensdienstId: missing")
    else:
        try:
            key = parse_gegevensdienst_id(raw_id)
            doc["gegevensdienstId"] = str(key)
        except AdresboekError as exc:
            problems.append(f"gegevensdienstId: {exc}")
    omgeving = key.omgeving if key else None

    authorization_uri = token_uri = None
    auth = _object(doc, "authorizationEndpoint", problems)
    if auth is not None:
        authorization_uri = _check_uri(
            auth.get("authorizationEndpointuri"),
            "authorizationEndpoint.authorizationEndpointuri",
            omgeving,
            problems,
        )
        if authorization_uri:
            auth["authorizationEndpointuri"] = authorization_uri
    token = _object(doc, "tokenEndpoint", problems)
    if token is not None:
        token_uri = _check_uri(
            token.get("tokenEndpointuri"), "tokenEndpoint.tokenEndpointuri", omgeving, problems
        )
        if token_uri:
            token["tokenEndpointuri"] = token_uri

    rollen: list[Systeemrol] = []
    raw_rollen = doc.get("systeemrollen")
    if raw_rollen is None:
        problems.append("systeemrollen: missing")
    elif not isinstance(raw_rollen, list) or not raw_rollen:
        problems.append("systeemrollen: must be a list with at least one systeemrol")
    else:
        seen: set[str] = set()
        for i, rol in enumerate(raw_rollen):
            path = f"systeemrollen[{i}]"
            if not isinstance(rol, dict):
                problems.append(f"{path}: must be an object")
                continue
            code: str | None = None
            if rol.get("systeemrolcode") is None:
                problems.append(f"{path}.systeemrolcode: missing")
            else:
                try:
                    code = check_systeemrolcode(
                        rol["systeemrolcode"], key.functionaliteit if key else None
                    )
                    rol["systeemrolcode"] = code
                except AdresboekError as exc:
                    problems.append(f"{path}.systeemrolcode: {exc}")
                if code is not None and code in seen:
                    problems.append(f"{path}.systeemrolcode: {code} occurs more than once")
                    code = None
                if code is not None:
                    seen.add(code)
            resource = rol.get("resourceEndpoint")
            uri: str | None = None
            if resource is None:
                problems.append(f"{path}.resourceEndpoint: missing")
            elif not isinstance(resource, dict):
                problems.append(f"{path}.resourceEndpoint: must be an object")
            else:
                uri = _check_uri(
                    resource.get("resourceEndpointuri"),
                    f"{path}.resourceEndpoint.resourceEndpointuri",
                    omgeving,
                    problems,
                )
                if uri:
                    resource["resourceEndpointuri"] = uri
            if code and uri:
                rollen.append(Systeemrol(code, uri))

    if problems:
        name = str(key) if key else (raw_id if isinstance(raw_id, str) else "(no gegevensdienstId)")
        raise AdresboekError(
            f"address-book entry {name} is invalid: " + "; ".join(problems), problems
        )
    assert key is not None and authorization_uri and token_uri
    return ElectronicService(
        gegevensdienst_id=str(key),
        weergavenaam=weergavenaam,
        description=description,
        authorization_uri=authorization_uri,
        token_uri=token_uri,
        systeemrollen=tuple(rollen),
        document=doc,
    )


def validate_document(doc: Any) -> list[ElectronicService]:
    """Check a whole ``{"electronicServices": [...]}`` document; every bad entry is reported.

    Other root keys (``_comment``, ``$schema``) are ignored. The same ``gegevensdienstId`` twice
    (also when spelled with ``-`` once) is an error.
    """
    if not isinstance(doc, Mapping) or not isinstance(doc.get(ROOT_KEY), list):
        raise AdresboekError(
            'an address-book document is a JSON object {"electronicServices": [ ... ]}'
        )
    problems: list[str] = []
    services: list[ElectronicService] = []
    first_at: dict[str, int] = {}
    for i, entry in enumerate(doc[ROOT_KEY]):
        try:
            service = validate_entry(entry)
        except AdresboekError as exc:
            problems.append(f"{ROOT_KEY}[{i}]: {exc}")
            continue
        if service.gegevensdienst_id in first_at:
            problems.append(
                f"{ROOT_KEY}[{i}]: gegevensdienstId {service.gegevensdienst_id} is already used "
                f"by {ROOT_KEY}[{first_at[service.gegevensdienst_id]}]"
            )
            continue
        first_at[service.gegevensdienst_id] = i
        services.append(service)
    if problems:
        raise AdresboekError(
            f"the address-book document has {len(problems)} invalid "
            f"entr{'y' if len(problems) == 1 else 'ies'}; nothing was changed: "
            + " | ".join(problems),
            problems,
        )
    return services
