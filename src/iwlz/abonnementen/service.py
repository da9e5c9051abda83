"""Subscriptions to voluntary notifications (RFC0036, network.md §7.2).

:class:`Abonnementen` creates, lists, reads and deletes the subscriptions of the calling
organisation; every operation takes the verified token claims of the caller (``client_id``
and the identity claims ``agb``/``uzovi``/``kvk``/``oin``). :func:`matching` is what the
notification rules call inside a register write's transaction to find the subscribers of a
voluntary notification.

Rules (§7.2):

* ``organisatieId`` (optional in the input) must be the organisation of the token, its
  ``client_id``; the subscription is stored under that client_id.
* ``notificatieTypeID`` must be in the catalogue and voluntary, and the caller's organisation
  must be admitted to it (``toegelaten``: per type the client_ids the bronhouder allows; a
  type without an entry admits nobody): a voluntary type can carry every change of a register
  in the country, so who receives it is the bronhouder's decision. Otherwise ``FORBIDDEN``.
* ``abonneeIDType`` must be one of the type's ``idTypeAbonnee``; ``abonneeID`` must be the
  caller's own identifier of that type (the matching token claim).
* the filter must use only the type's filter keys with allowed values.
* a rejected request persists nothing; errors name the field.
* delete, get: a subscription that does not exist and one of another organisation give the
  same answer, so nobody learns other parties' subscription IDs.
* delete cancels, in the same transaction, the subscription's notifications still waiting in
  the outbox (they carry its ID as ``ontvangerKenmerk``).

Listing and deleting one's own subscriptions and reading the catalogue need no admission.
"""

from __future__ import annotations

import builtins
import datetime as dt
import uuid
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from iwlz.abonnementen.catalogus import (
    CATALOGUS,
    Catalogus,
    FilterFout,
    filter_matcht,
    normaliseer_id_type,
    valideer_filter,
)
from iwlz.abonnementen.models import abonnement as table
from iwlz.core.clock import Clock, SystemClock
from iwlz.graphql.errors import BadUserInput, Forbidden, NotFound
from iwlz.nid.participants import ParticipantError, make_client_id, parse_client_id
from iwlz.nid.pep import resolve_claim
from iwlz.notificaties import outbox

__all__ = [
    "INPUT_FIELDS",
    "Abonnement",
    "AbonnementAfgewezen",
    "AbonnementNietGevonden",
    "Abonnementen",
    "GeenOrganisatie",
    "NietToegelaten",
    "matching",
    "organisatie_van",
]

INPUT_FIELDS = ("organisatieId", "notificatieTypeID", "abonneeIDType", "abonneeID", "filter")
"""Keys of a create request (``AbonnementInput``)."""

# Token claim that carries the caller's identifier of each subscriber ID type.
_IDENTITY_CLAIM = {"AGB": "agb", "UZOVI": "uzovi", "KVK": "kvk", "OIN": "oin"}


class AbonnementAfgewezen(BadUserInput):
    """A create request was rejected; ``veld`` names the input field (``filter.mutaties``)."""

    def __init__(self, veld: str, message: str) -> None:
        super().__init__(message, field=veld)
        self.veld = veld


class AbonnementNietGevonden(NotFound):
    """No such subscription for this organisation (absent, or someone else's: same error)."""

    def __init__(self, abonnement_id: object, *, actief: bool = False) -> None:
        what = "active subscription" if actief else "subscription"
        super().__init__(f"No {what} {abonnement_id} of this organisation.")


class GeenOrganisatie(Forbidden):
    """The request carries no usable token identity (no nID claims, or no client_id)."""


class NietToegelaten(Forbidden):
    """The caller's organisation is not admitted to subscriptions to this type."""


@dataclass(frozen=True)
class Abonnement:
    """One subscription. ``ontvanger_kenmerk`` goes into every notification it causes."""

    abonnement_id: uuid.UUID
    organisatie_id: str
    notificatie_type_id: str
    abonnee_id_type: str
    abonnee_id: str
    filter: Mapping[str, list[str]] = field(hash=False)
    created_at: dt.datetime
    deleted_at: dt.datetime | None = None

    @property
    def actief(self) -> bool:
        return self.deleted_at is None

    @property
    def ontvanger_kenmerk(self) -> str:
        """``ontvangerKenmerk`` of a notification sent for this subscription (§5.2)."""
        return str(self.abonnement_id)

    # The §7.2 field names, read-only (the notification rules' ``Abonnee`` protocol).

    @property
    def abonnementId(self) -> uuid.UUID:
        return self.abonnement_id

    @property
    def organisatieId(self) -> str:
        return self.organisatie_id

    @property
    def notificatieTypeID(self) -> str:
        return self.notificatie_type_id

    @property
    def abonneeIDType(self) -> str:
        return self.abonnee_id_type

    @property
    def abonneeID(self) -> str:
        return self.abonnee_id

    def as_dict(self) -> dict[str, Any]:
        """Keyed as the GraphQL ``Abonnement`` type."""
        return {
            "abonnementId": self.abonnement_id,
            "organisatieId": self.organisatie_id,
            "notificatieTypeID": self.notificatie_type_id,
            "abonneeIDType": self.abonnee_id_type,
            "abonneeID": self.abonnee_id,
            "filter": {k: list(v) for k, v in self.filter.items()},
            "createdAt": self.created_at,
            "deletedAt": self.deleted_at,
        }


def organisatie_van(claims: Mapping[str, Any] | None) -> str:
    """The caller's organisation: the token's ``client_id``, normalised (``kvk:90000017``)."""
    if not claims:
        raise GeenOrganisatie(
            "Subscriptions need an nID access token; this request carries no token claims."
        )
    client_id = claims.get("client_id")
    if not isinstance(client_id, str):
        raise GeenOrganisatie("The access token has no client_id.")
    try:
        return make_client_id(*parse_client_id(client_id))
    except ParticipantError:
        raise GeenOrganisatie(f"The token's client_id {client_id!r} is not usable.") from None


def _identiteit(claims: Mapping[str, Any], id_type: str) -> str | None:
    """The caller's identifier of ``id_type``: its claim, else the client_id if of that type."""
    value = resolve_claim(claims, _IDENTITY_CLAIM[id_type])
    if isinstance(value, str) and value:
        return value
    kind, own = parse_client_id(organisatie_van(claims))
    return own if kind == id_type else None


def _text(data: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise AbonnementAfgewezen(key, f"{key} is required.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise AbonnementAfgewezen(key, f"{key} must be a non-empty string.")
    return value


def _from_row(row: Any) -> Abonnement:
    return Abonnement(
        abonnement_id=row["abonnement_id"],
        organisatie_id=row["organisatie_id"],
        notificatie_type_id=row["notificatie_type_id"],
        abonnee_id_type=row["abonnee_id_type"],
        abonnee_id=row["abonnee_id"],
        filter=dict(row["filter"] or {}),
        created_at=row["created_at"],
        deleted_at=row["deleted_at"],
    )


def matching(
    conn: Connection,
    notificatie_type_id: str,
    facts: Mapping[str, Any],
    *,
    catalogus: Catalogus = CATALOGUS,
) -> list[Abonnement]:
    """Active subscriptions to ``notificatie_type_id`` whose filter passes ``facts``.

    Called by the notification rules inside the register write's transaction, so a
    subscription deleted before the write commits is never served. ``facts`` maps the
    catalogue's fact names to the event's values, e.g. ``{"mutatie": "NIEUW",
    "zorgkantoor": "5505"}`` for ``WLZINDICATIE_MUTATIE_ABONNEMENT``; a fact may also be a
    collection of strings (matches when any of them passes). A filter key whose fact is
    missing does not match. One indexed query; filters are applied in Python. Mandatory
    types have no subscriptions (empty list); an unknown type is a programming error
    (``ValueError``). Each result is one notification to ``abonnee_id_type``/``abonnee_id``
    with ``ontvangerKenmerk`` = ``abonnement.ontvanger_kenmerk``.
    """
    notificatie_type = catalogus.get(notificatie_type_id)
    if notificatie_type is None:
        raise ValueError(f"notification type {notificatie_type_id!r} is not in the catalogue")
    if not notificatie_type.abonneerbaar:
        return []
    rows = conn.execute(
        sa.select(table)
        .where(table.c.notificatie_type_id == notificatie_type_id, table.c.deleted_at.is_(None))
        .order_by(table.c.created_at, table.c.abonnement_id)
    ).mappings()
    found = [_from_row(r) for r in rows]
    return [a for a in found if filter_matcht(notificatie_type, a.filter, facts)]


def _toelating(toegelaten: Mapping[str, Set[str]] | None) -> dict[str, frozenset[str]]:
    """``toegelaten`` with every client_id normalised (``KVK:90000017`` → ``kvk:90000017``);
    ValueError for one that is not a client_id."""
    out: dict[str, frozenset[str]] = {}
    for type_id, client_ids in (toegelaten or {}).items():
        if isinstance(client_ids, str):
            raise ValueError(f"toegelaten[{type_id!r}] must be a set of client_ids, not a string")
        try:
            out[type_id] = frozenset(make_client_id(*parse_client_id(c)) for c in client_ids)
        except ParticipantError as exc:
            raise ValueError(f"toegelaten[{type_id!r}]: {exc}") from None
    return out


class Abonnementen:
    """The bronhouder's subscription store (one per register endpoint).

    ``toegelaten`` maps a voluntary ``notificatieTypeID`` to the nID client_ids that may
    subscribe to it (any spelling ``parse_client_id`` reads); a type that is not in it admits
    nobody, and None admits nobody to anything.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        catalogus: Catalogus = CATALOGUS,
        toegelaten: Mapping[str, Set[str]] | None = None,
    ) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.catalogus = catalogus
        self.toegelaten = _toelating(toegelaten)

    # -- writes -------------------------------------------------------------------------

    def create(self, claims: Mapping[str, Any] | None, data: Mapping[str, Any]) -> Abonnement:
        """Validate and store a subscription (§7.2 ``CreateAbonnement``).

        Raises :class:`GeenOrganisatie` without token identity, :class:`NietToegelaten` when the
        organisation is not admitted to the type and :class:`AbonnementAfgewezen` (naming the
        field) for a rejected request; nothing is stored then. An identical active
        subscription (same organisation, type, subscriber and filter) is returned instead of
        stored twice, so a retried request does not double the notifications.
        """
        organisatie = organisatie_van(claims)
        assert claims is not None
        unknown = sorted(set(data) - set(INPUT_FIELDS))
        if unknown:
            raise AbonnementAfgewezen(unknown[0], f"Unknown input field {unknown[0]}.")

        gegeven = _text(data, "organisatieId", required=False)
        if gegeven is not None:
            try:
                genormaliseerd = make_client_id(*parse_client_id(gegeven))
            except ParticipantError as exc:
                raise AbonnementAfgewezen("organisatieId", f"organisatieId: {exc}.") from None
            if genormaliseerd != organisatie:
                raise AbonnementAfgewezen(
                    "organisatieId",
                    "organisatieId must be the organisation of the access token (client_id).",
                )

        type_id = _text(data, "notificatieTypeID")
        assert type_id is not None
        notificatie_type = self.catalogus.get(type_id)
        if notificatie_type is None:
            offered = ", ".join(t.notificatie_type_id for t in self.catalogus if t.abonneerbaar)
            raise AbonnementAfgewezen(
                "notificatieTypeID",
                f"Unknown notificatieTypeID {type_id!r}; subscriptions are possible to: "
                f"{offered or 'none'}.",
            )
        if not notificatie_type.abonneerbaar:
            raise AbonnementAfgewezen(
                "notificatieTypeID",
                f"notificatieTypeID {type_id} is a mandatory (IWLZ_VERPLICHT) notification "
                "type: it is always sent and takes no subscription.",
            )
        if organisatie not in self.toegelaten.get(type_id, frozenset()):
            raise NietToegelaten(
                f"Organisation {organisatie} may not subscribe to {type_id}: the bronhouder "
                f"({notificatie_type.organisatie_id}) must admit the organisation first."
            )

        opgegeven_type = _text(data, "abonneeIDType")
        assert opgegeven_type is not None
        id_type = normaliseer_id_type(opgegeven_type)
        if id_type is None or id_type not in notificatie_type.id_type_abonnee:
            raise AbonnementAfgewezen(
                "abonneeIDType",
                f"abonneeIDType {opgegeven_type!r} does not fit {type_id}; use one of "
                f"{', '.join(notificatie_type.id_type_abonnee)}.",
            )

        abonnee_id = _text(data, "abonneeID")
        assert abonnee_id is not None
        try:
            make_client_id(id_type, abonnee_id)
        except ParticipantError as exc:
            raise AbonnementAfgewezen("abonneeID", f"abonneeID: {exc}.") from None
        eigen = _identiteit(claims, id_type)
        if abonnee_id != eigen:
            raise AbonnementAfgewezen(
                "abonneeID",
                f"abonneeID {abonnee_id} ({id_type}) does not belong to organisation "
                f"{organisatie}; it must be the {id_type} in the access token.",
            )

        try:
            filter_ = valideer_filter(notificatie_type, data.get("filter"))
        except FilterFout as exc:
            raise AbonnementAfgewezen(exc.veld, str(exc)) from None

        nieuw = Abonnement(
            abonnement_id=uuid.uuid4(),
            organisatie_id=organisatie,
            notificatie_type_id=type_id,
            abonnee_id_type=id_type,
            abonnee_id=abonnee_id,
            filter=filter_,
            created_at=self.clock.now(),
        )
        with self.engine.begin() as conn:
            for bestaand in self._select(
                conn,
                table.c.organisatie_id == organisatie,
                table.c.notificatie_type_id == type_id,
                table.c.abonnee_id_type == id_type,
                table.c.abonnee_id == abonnee_id,
                table.c.deleted_at.is_(None),
            ):
                if dict(bestaand.filter) == filter_:
                    return bestaand
            conn.execute(
                table.insert().values(
                    abonnement_id=nieuw.abonnement_id,
                    organisatie_id=nieuw.organisatie_id,
                    notificatie_type_id=nieuw.notificatie_type_id,
                    abonnee_id_type=nieuw.abonnee_id_type,
                    abonnee_id=nieuw.abonnee_id,
                    filter=filter_,
                    created_at=nieuw.created_at,
                    deleted_at=None,
                )
            )
        return nieuw

    def delete(self, claims: Mapping[str, Any] | None, abonnement_id: uuid.UUID) -> Abonnement:
        """End a subscription (soft delete); it must exist, be active and be the caller's.

        Otherwise :class:`AbonnementNietGevonden`, the same for all three cases. Its
        notifications still waiting in the outbox are cancelled in the same transaction.
        """
        organisatie = organisatie_van(claims)
        now = self.clock.now()
        with self.engine.begin() as conn:
            done = conn.execute(
                table.update()
                .where(
                    table.c.abonnement_id == abonnement_id,
                    table.c.organisatie_id == organisatie,
                    table.c.deleted_at.is_(None),
                )
                .values(deleted_at=now)
            )
            if done.rowcount != 1:
                raise AbonnementNietGevonden(abonnement_id, actief=True)
            outbox.cancel(
                conn,
                now=now,
                reason="abonnement verwijderd",
                ontvanger_kenmerk=str(abonnement_id),
            )
            found = self._select(conn, table.c.abonnement_id == abonnement_id)
        return found[0]

    # -- reads --------------------------------------------------------------------------

    def list(
        self, claims: Mapping[str, Any] | None, *, include_deleted: bool = False
    ) -> builtins.list[Abonnement]:
        """The caller's subscriptions, oldest first (active ones only unless asked)."""
        organisatie = organisatie_van(claims)
        conditions = [table.c.organisatie_id == organisatie]
        if not include_deleted:
            conditions.append(table.c.deleted_at.is_(None))
        with self.engine.connect() as conn:
            return self._select(conn, *conditions)

    def get(self, claims: Mapping[str, Any] | None, abonnement_id: uuid.UUID) -> Abonnement | None:
        """One of the caller's subscriptions (deleted ones too), or None if absent or not its."""
        organisatie = organisatie_van(claims)
        with self.engine.connect() as conn:
            found = self._select(
                conn,
                table.c.abonnement_id == abonnement_id,
                table.c.organisatie_id == organisatie,
            )
        return found[0] if found else None

    def matching(
        self, conn: Connection, notificatie_type_id: str, facts: Mapping[str, Any]
    ) -> builtins.list[Abonnement]:
        """:func:`matching` over this store's catalogue."""
        return matching(conn, notificatie_type_id, facts, catalogus=self.catalogus)

    @staticmethod
    def _select(conn: Connection, *conditions: sa.ColumnElement[bool]) -> builtins.list[Abonnement]:
        stmt = (
            sa.select(table).where(*conditions).order_by(table.c.created_at, table.c.abonnement_id)
        )
        return [_from_row(r) for r in conn.execute(stmt).mappings()]
