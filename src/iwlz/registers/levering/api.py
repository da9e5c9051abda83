"""GraphQL APIs of the Leveringsregister (Leveringsregister 1), one tenant per request: the
network read API and the aanbieder's beheer (write) API.

Context contract: ``context["leveringsregister"]`` is the :class:`Leveringsregister`,
``context["aanbieder"]`` the tenant's AGB code (from ``/leveringsregister/{agb}/graphql`` or
``/leveringsregister/{agb}/beheer/graphql``). Every query and mutation, nested reads included,
is restricted to that tenant.

Loading: the root resolver runs one query for the root objects, then walks the selection
set and runs one query per selected relation field for all parents at that level, applying
the field's own ``where`` argument (no N+1). Relation fields are resolved from the prefetched
rows by response key, so aliases with different arguments work.

Binding rule (registers.md §3.4, §4 item 10): ``levering(where: …)`` selected directly on a
root object restricts the root list to objects whose Levering matches, so a QLR-0006/0007/
0008/0004 request returns nothing unless the record belongs to the Levering of the
bemiddelingspecificatie the PIP checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from ariadne import MutationType, ObjectType, QueryType
from graphql import (
    FieldNode,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.execution.values import get_argument_values

from iwlz.graphql.errors import BadUserInput, Forbidden
from iwlz.graphql.filters import (
    Entity,
    FilterError,
    Registry,
    Scalar,
    ScalarKind,
    compile_where,
)
from iwlz.graphql.schema import Info, build_schema, collect_fields, load_sdl
from iwlz.netwerkpunt.beheer import MELDINGEN_SDL, bind_meldingen
from iwlz.registers.common import (
    attach,
    mutatie_resultaat,
    pk,
    relation_bindables,
    verwijder_resultaat,
)
from iwlz.registers.levering import models as m
from iwlz.registers.levering.service import ENTITY_TABLES, RELATIES, Leveringsregister, Uitkomst

SCHEMA_PACKAGE = "iwlz.registers.levering.schema"
SCHEMA_FILE = "leveringsregister.graphql"
BEHEER_FILE = "beheer.graphql"

ROOT_FIELDS = {
    "levering": "Levering",
    "leveringperiode": "Leveringperiode",
    "uitstelperiode": "Uitstelperiode",
    "afstel": "Afstel",
    "verzoek": "Verzoek",
    "verzoekAanbieder": "VerzoekAanbieder",
}

_KINDS: dict[str, ScalarKind] = {
    "Uuid": "uuid",
    "Date": "date",
    "Integer": "int",
    "Float": "float",
    "UTCDateTime": "datetime",
}

# Filter keys whose operation input differs from the column type (§3.3).
_KIND_OVERRIDES: dict[tuple[str, str], ScalarKind] = {
    ("VerzoekAanbieder", "toewijzingPercentage"): "float",
}

# LeveringFilterInput has only these keys (§3.3); the other inputs have every column.
_LEVERING_KEYS = ("leveringID", "bemiddelingspecificatieID", "clientID")


def _build_filters() -> Registry:
    """LR filter inputs: scalar keys plus the filter-only parent ID, no and/or, no
    relation keys, no sorting (registers.md §3.3)."""
    reg = Registry()
    for name, table in ENTITY_TABLES.items():
        fields: dict[str, Any] = {}
        for key in m.field_keys(table):
            if name == "Levering" and key not in _LEVERING_KEYS:
                continue
            default = _KINDS.get(type(table.c[key].type).__name__, "string")
            fields[key] = Scalar(key, _KIND_OVERRIDES.get((name, key), default))
        reg.add(Entity(name, table, fields, and_or=False))
    return reg


FILTERS = _build_filters()


def _register(info: Info) -> Leveringsregister:
    lr = info.context.get("leveringsregister")
    if not isinstance(lr, Leveringsregister):
        raise RuntimeError("the context has no 'leveringsregister'")
    return lr


def _tenant(info: Info) -> str:
    agb = info.context.get("aanbieder")
    if not isinstance(agb, str) or not agb:
        raise Forbidden("No aanbieder (tenant) for this request.")
    return agb


def _compile(entity: str, where: Any) -> sa.ColumnElement[bool] | None:
    if not where:
        return None
    try:
        return compile_where(FILTERS, entity, where)
    except FilterError as exc:
        raise BadUserInput(str(exc), path=exc.path) from exc


def _selected(
    info: Info, entity: str, nodes: list[FieldNode]
) -> list[tuple[str, str, list[FieldNode], dict[str, Any]]]:
    """The selected relation fields below ``nodes``: (response key, field, nodes, args)."""
    gql_type = info.schema.get_type(entity)
    assert isinstance(gql_type, GraphQLObjectType)
    fields: dict[str, list[FieldNode]] = {}
    for node in nodes:
        collect_fields(info, node.selection_set, fields)
    out = []
    for key, field_nodes in fields.items():
        veld = field_nodes[0].name.value
        if (entity, veld) not in RELATIES:
            continue
        args = get_argument_values(gql_type.fields[veld], field_nodes[0], info.variable_values)
        out.append((key, veld, field_nodes, args))
    return out


def _prefetch(
    info: Info,
    conn: Any,
    aanbieder: str,
    entity: str,
    rows: list[dict[str, Any]],
    nodes: list[FieldNode],
) -> None:
    """Attach every selected relation of ``rows`` (recursively), one query per field."""
    if not rows:
        return
    lr = _register(info)
    for key, veld, field_nodes, args in _selected(info, entity, nodes):
        rel = RELATIES[(entity, veld)]
        where = _compile(rel.target, args.get("where"))
        groups = lr.relatie(conn, aanbieder, entity, veld, rows, where)
        children = attach(rows, key, rel, groups, pk(ENTITY_TABLES[rel.target]).key)
        _prefetch(info, conn, aanbieder, rel.target, children, field_nodes)


def _binding(
    info: Info, aanbieder: str, entity: str, nodes: list[FieldNode]
) -> list[sa.ColumnElement[bool]]:
    """Root conditions from ``levering(where: …)`` selected on the root objects."""
    table = ENTITY_TABLES[entity]
    out: list[sa.ColumnElement[bool]] = []
    for _key, veld, _nodes, args in _selected(info, entity, nodes):
        if veld != "levering":
            continue
        cond = _compile("Levering", args.get("where"))
        if cond is None:
            continue
        lev = m.levering
        out.append(
            table.c.leveringID.in_(
                sa.select(lev.c.leveringID).where(lev.c.aanbieder == aanbieder, cond)
            )
        )
    return out


def _zoek(
    info: Info,
    entity: str,
    where: dict[str, Any] | None,
    nodes: list[FieldNode] | None = None,
) -> list[dict[str, Any]]:
    """The tenant's ``entity`` objects matching ``where``, with the relations selected below
    ``nodes`` (default: the current field) prefetched."""
    lr = _register(info)
    agb = _tenant(info)
    nodes = list(info.field_nodes) if nodes is None else nodes
    conditions = [c for c in (_compile(entity, where),) if c is not None]
    conditions += _binding(info, agb, entity, nodes)
    with lr.engine.connect() as conn:
        rows = lr.zoek(conn, agb, entity, sa.and_(*conditions) if conditions else None)
        _prefetch(info, conn, agb, entity, rows, nodes)
    return rows


def _query() -> QueryType:
    query = QueryType()
    for root, entity in ROOT_FIELDS.items():

        def resolver(
            _obj: Any, info: Info, where: dict[str, Any] | None = None, _entity: str = entity
        ) -> list[dict[str, Any]]:
            return _zoek(info, _entity, where)

        query.set_field(root, resolver)
    return query


def build_read_schema() -> GraphQLSchema:
    """The network read API: the six root list queries of Leveringsregister 1."""
    bindables: list[Any] = [_query()]
    bindables += relation_bindables(ENTITY_TABLES, RELATIES)
    return build_schema(load_sdl(SCHEMA_PACKAGE, SCHEMA_FILE), bindables)


# -- beheer API -----------------------------------------------------------------------------

# Object type -> (its field in the *MutatieResultaat and its input argument, its ID argument).
_OBJECTEN = {
    "Levering": ("levering", "leveringID"),
    "Leveringperiode": ("leveringperiode", "leveringperiodeID"),
    "BehandelingPeriode": ("behandelingperiode", "behandelingperiodeID"),
    "Uitstelperiode": ("uitstelperiode", "uitstelperiodeID"),
    "Afstel": ("afstel", "afstelID"),
    "Verzoek": ("verzoek", "verzoekID"),
}

# Mutation name suffix -> object type (BehandelingPeriode's mutations spell it Behandelingperiode).
_WIJZIGBAAR = {
    "Leveringperiode": "Leveringperiode",
    "Behandelingperiode": "BehandelingPeriode",
    "Uitstelperiode": "Uitstelperiode",
    "Afstel": "Afstel",
}


def _resultaat(info: Info, entity: str, uitkomst: Uitkomst) -> dict[str, Any]:
    veld, key = _OBJECTEN[entity]
    return mutatie_resultaat(info, entity, veld, key, uitkomst, _zoek)


_verwijderd = verwijder_resultaat


def _mutaties(mutation: MutationType) -> None:
    """Bind one resolver per service write; the tenant always comes from the context."""

    def registreer(entity: str, parent: str | None, method: str) -> Callable[..., dict[str, Any]]:
        veld = _OBJECTEN[entity][0]

        def resolve(_obj: Any, info: Info, **kwargs: Any) -> dict[str, Any]:
            write = getattr(_register(info), method)
            if parent is None:
                uitkomst = write(_tenant(info), kwargs[veld])
            else:
                uitkomst = write(_tenant(info), kwargs[parent], kwargs[veld])
            return _resultaat(info, entity, uitkomst)

        return resolve

    def wijzig(entity: str, method: str) -> Callable[..., dict[str, Any]]:
        veld, key = _OBJECTEN[entity]

        def resolve(_obj: Any, info: Info, **kwargs: Any) -> dict[str, Any]:
            write = getattr(_register(info), method)
            uitkomst = write(_tenant(info), kwargs[key], kwargs[veld], kwargs.get("versie"))
            return _resultaat(info, entity, uitkomst)

        return resolve

    def verwijder(entity: str, method: str) -> Callable[..., dict[str, Any]]:
        key = _OBJECTEN[entity][1]

        def resolve(_obj: Any, info: Info, **kwargs: Any) -> dict[str, Any]:
            write = getattr(_register(info), method)
            return _verwijderd(kwargs[key], write(_tenant(info), kwargs[key], kwargs.get("versie")))

        return resolve

    mutation.set_field("registreerLevering", registreer("Levering", None, "registreer_levering"))
    mutation.set_field("verwijderLevering", verwijder("Levering", "verwijder_levering"))
    mutation.set_field(
        "registreerVerzoek", registreer("Verzoek", "leveringID", "registreer_verzoek")
    )
    for naam, entity in _WIJZIGBAAR.items():
        method = naam.lower()
        parent = "leveringperiodeID" if entity == "BehandelingPeriode" else "leveringID"
        mutation.set_field(f"registreer{naam}", registreer(entity, parent, f"registreer_{method}"))
        mutation.set_field(f"wijzig{naam}", wijzig(entity, f"wijzig_{method}"))
        mutation.set_field(f"verwijder{naam}", verwijder(entity, f"verwijder_{method}"))


def build_beheer_schema() -> GraphQLSchema:
    """The aanbieder's write API (iwlz's own), with the read queries for its own use."""
    mutation = MutationType()
    _mutaties(mutation)
    query = _query()
    # Foutmeldingen about this register arrive at the aanbieder's own netwerkpunt.
    bind_meldingen(query, mutation, lambda info: ("AGB", _tenant(info)))
    bindables: list[Any] = [query, mutation, ObjectType("Veldfout")]
    bindables += relation_bindables(ENTITY_TABLES, RELATIES)
    sdl = load_sdl(SCHEMA_PACKAGE, SCHEMA_FILE, BEHEER_FILE) + MELDINGEN_SDL
    return build_schema(sdl, bindables)
