"""GraphQL API for subscriptions and the notification-type catalogue (network.md §7).

Context contract: the endpoint's ``context_factory`` returns a dict with

* ``"abonnementen"``: the :class:`~iwlz.abonnementen.service.Abonnementen` service;
* ``"claims"``: the verified nID token claims of the caller (``operation.state["claims"]``
  behind the PEP), or None. Subscription operations need them (``client_id`` and the
  ``agb``/``uzovi``/``kvk``/``oin`` identity claims); without them they answer FORBIDDEN.
  ``notificatieTypen`` (the public catalogue) does not need them.

The endpoint must allow mutations::

    GraphQLEndpoint(build_abonnementen_schema(), context_factory=...,
                    allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}))

Errors: a rejected request raises ``BadUserInput`` (code ``BAD_USER_INPUT``, with
``extensions.field`` naming the input field); a subscription that does not exist or is not
the caller's gives the same ``NOT_FOUND`` error on delete, and null on ``abonnement``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLSchema

from iwlz.abonnementen.service import Abonnementen
from iwlz.graphql.schema import Info, build_schema, load_sdl

SCHEMA_PACKAGE = "iwlz.abonnementen.schema"
SCHEMA_FILE = "abonnementen.graphql"


def _service(info: Info) -> Abonnementen:
    service = info.context["abonnementen"]
    assert isinstance(service, Abonnementen)
    return service


def _claims(info: Info) -> Mapping[str, Any] | None:
    claims = info.context.get("claims")
    return claims if isinstance(claims, Mapping) else None


def build_abonnementen_schema() -> GraphQLSchema:
    """The executable schema of ``schema/abonnementen.graphql``."""
    query = QueryType()
    mutation = MutationType()

    @query.field("notificatieTypen")
    def resolve_notificatie_typen(_obj: Any, info: Info) -> list[dict[str, Any]]:
        return [t.as_dict() for t in _service(info).catalogus]

    @query.field("abonnementen")
    def resolve_abonnementen(
        _obj: Any, info: Info, inclusiefVerwijderd: bool | None = False
    ) -> list[dict[str, Any]]:
        found = _service(info).list(_claims(info), include_deleted=bool(inclusiefVerwijderd))
        return [a.as_dict() for a in found]

    @query.field("abonnement")
    def resolve_abonnement(_obj: Any, info: Info, abonnementId: uuid.UUID) -> dict[str, Any] | None:
        found = _service(info).get(_claims(info), abonnementId)
        return found.as_dict() if found is not None else None

    @mutation.field("createAbonnement")
    def resolve_create(_obj: Any, info: Info, abonnementInput: dict[str, Any]) -> dict[str, Any]:
        created = _service(info).create(_claims(info), abonnementInput)
        return {"abonnementId": created.abonnement_id, "abonnement": created.as_dict()}

    @mutation.field("deleteAbonnement")
    def resolve_delete(_obj: Any, info: Info, abonnementId: uuid.UUID) -> bool:
        _service(info).delete(_claims(info), abonnementId)
        return True

    return build_schema(load_sdl(SCHEMA_PACKAGE, SCHEMA_FILE), [query, mutation])
