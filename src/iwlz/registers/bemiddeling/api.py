"""GraphQL APIs of the Bemiddelingsregister (schema 1.1.1), one tenant per request: the
network read API and the responsible zorgkantoor's beheer (write) API.

Context contract: ``context["bemiddelingsregister"]`` is the :class:`Bemiddelingsregister`,
``context["zorgkantoor"]`` the tenant's UZOVI (from ``/bemiddelingsregister/{uzovi}/graphql``
or ``/bemiddelingsregister/{uzovi}/beheer/graphql``). Every query and mutation, nested reads
included, is restricted to that tenant.

Loading: the root resolver runs one query for the root objects, then walks the selection
set and runs one query per selected relation field for all parents at that level, applying
the field's own ``where``/``order`` arguments (no N+1). Relation fields are resolved from the
prefetched rows by response key, so aliases with different arguments work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    ToMany,
    ToOne,
    compile_order,
    compile_where,
)
from iwlz.graphql.schema import Info, build_schema, collect_fields, load_sdl
from iwlz.netwerkpunt.beheer import MELDINGEN_SDL, bind_meldingen
from iwlz.registers.bemiddeling import models as m
from iwlz.registers.bemiddeling.service import (
    ENTITY_TABLES,
    RELATIES,
    Bemiddelingsregister,
    Uitkomst,
)
from iwlz.registers.common import (
    attach,
    mutatie_resultaat,
    pk,
    relation_bindables,
    verwijder_resultaat,
)

SCHEMA_PACKAGE = "iwlz.registers.bemiddeling.schema"
SCHEMA_FILE = "bemiddelingsregister.graphql"
BEHEER_FILE = "beheer.graphql"

ROOT_FIELDS = {
    "client": "Client",
    "bemiddeling": "Bemiddeling",
    "bemiddelingspecificatie": "Bemiddelingspecificatie",
    "overdracht": "Overdracht",
    "regiehouder": "Regiehouder",
}

_KINDS: dict[str, ScalarKind] = {"Uuid": "uuid", "Date": "date", "Integer": "int"}


def _kind(column: Any) -> ScalarKind:
    name = type(column.type).__name__
    if name == "UTCDateTime":
        return "datetime"
    return _KINDS.get(name, "string")


def _scalars(table: Any, *extra: str) -> dict[str, Any]:
    """Filter keys for the scalar fields of an object type (the standard's columns)."""
    skip = m.BOOKKEEPING | {m.TENANT}
    out: dict[str, Any] = {}
    for c in table.c:
        if c.key in skip:
            continue
        out[c.key] = Scalar(c.key, _kind(c))
    return out


def _build_filters() -> Registry:
    reg = Registry()
    # Foreign-key columns that are not fields of the object type (and so not filter keys).
    hidden: dict[str, set[str]] = {
        "Bemiddeling": {"clientID"},
        "Bemiddelingspecificatie": {"bemiddelingID"},
        "Regiehouder": {"bemiddelingID", "clientID"},
        "Overdracht": set(),  # bemiddelingID is a filter-only key (§2.4)
        "Overdrachtspecificatie": {"bemiddelingID", "overdrachtID"},  # bspecID filter-only key
        "Contactpersoon": {"clientID"},
        "ClientContactgegevens": {"clientID"},
        "ContactpersoonContactgegevens": {"clientID", "contactpersoonID"},
        "Client": set(),
    }
    for name, table in ENTITY_TABLES.items():
        fields = {k: v for k, v in _scalars(table).items() if k not in hidden[name]}
        for (entity, veld), rel in RELATIES.items():
            if entity != name:
                continue
            if name == "Bemiddeling" and veld == "regiehouder":
                continue  # not a key of BemiddelingFilterInput
            if name == "Regiehouder" and veld == "bemiddeling":
                continue  # RegiehouderFilterInput has `client` instead
            cls = ToMany if rel.many else ToOne
            fields[veld] = cls(rel.target, rel.local, rel.remote)
        if name == "Client":
            fields["regiehouder"] = ToMany("Regiehouder", "clientID", "clientID")
        if name == "Regiehouder":
            fields.pop("regierol", None)
            fields["client"] = ToOne("Client", "clientID", "clientID")
        reg.add(Entity(name, table, fields))
    return reg


FILTERS = _build_filters()


def _register(info: Info) -> Bemiddelingsregister:
    br = info.context.get("bemiddelingsregister")
    if not isinstance(br, Bemiddelingsregister):
        raise RuntimeError("the context has no 'bemiddelingsregister'")
    return br


def _tenant(info: Info) -> str:
    zk = info.context.get("zorgkantoor")
    if not isinstance(zk, str) or not zk:
        raise Forbidden("No zorgkantoor (tenant) for this request.")
    return zk


def _compile(entity: str, where: Any, order: Any) -> tuple[Any, list[Any]]:
    try:
        return compile_where(FILTERS, entity, where), compile_order(FILTERS, entity, order)
    except FilterError as exc:
        raise BadUserInput(str(exc), path=exc.path) from exc


def _prefetch(
    info: Info,
    conn: Any,
    zorgkantoor: str,
    entity: str,
    rows: list[dict[str, Any]],
    nodes: list[FieldNode],
) -> None:
    """Attach every selected relation of ``rows`` (recursively), one query per field."""
    if not rows:
        return
    br = _register(info)
    gql_type = info.schema.get_type(entity)
    assert isinstance(gql_type, GraphQLObjectType)
    fields: dict[str, list[FieldNode]] = {}
    for node in nodes:
        collect_fields(info, node.selection_set, fields)
    for key, field_nodes in fields.items():
        veld = field_nodes[0].name.value
        rel = RELATIES.get((entity, veld))
        if rel is None:
            continue
        args = get_argument_values(gql_type.fields[veld], field_nodes[0], info.variable_values)
        where, order = _compile(rel.target, args.get("where"), args.get("order"))
        groups = br.relatie(
            conn, zorgkantoor, entity, veld, rows, where if args.get("where") else None, order
        )
        children = attach(rows, key, rel, groups, pk(ENTITY_TABLES[rel.target]).key)
        _prefetch(info, conn, zorgkantoor, rel.target, children, field_nodes)


def _zoek(
    info: Info,
    entity: str,
    where: dict[str, Any] | None,
    nodes: list[FieldNode] | None = None,
) -> list[dict[str, Any]]:
    """The tenant's ``entity`` objects matching ``where``, with the relations selected below
    ``nodes`` (default: the current field) prefetched."""
    br = _register(info)
    zk = _tenant(info)
    condition, _ = _compile(entity, where, None)
    with br.engine.connect() as conn:
        rows = br.zoek(conn, zk, entity, condition if where else None)
        field_nodes = list(info.field_nodes) if nodes is None else nodes
        _prefetch(info, conn, zk, entity, rows, field_nodes)
    return rows


# Use cases whose template cannot say everything the rule means: QBR-0003/0006 are for an
# own bemiddelingspecificatie *without* an end date (registers.md §2.5) and have no window, but
# the template's root `where` does not bind `toewijzingEinddatum`. Asked with the ID of an ended
# allocation, they would read its contact data and other allocations for ever, past the
# windows of QBR-0002/0005. The register adds the missing condition for the use case the PDP
# decided (``context["use_case"]``).
USE_CASE_FILTERS: dict[str, dict[str, Any]] = {
    "UCBR-0003": {"toewijzingEinddatum": {"eq": None}},
    "UCBR-0006": {"toewijzingEinddatum": {"eq": None}},
}


def build_read_schema() -> GraphQLSchema:
    """The network read API: the five root list queries of schema 1.1.1.

    ``context["use_case"]`` (optional, set by the PEP's decision) adds the use case's own root
    condition (:data:`USE_CASE_FILTERS`)."""
    query = QueryType()
    for root, entity in ROOT_FIELDS.items():

        def resolver(
            _obj: Any, info: Info, where: dict[str, Any] | None = None, _entity: str = entity
        ) -> list[dict[str, Any]]:
            extra = USE_CASE_FILTERS.get(str(info.context.get("use_case")))
            if extra is not None and _entity == "Bemiddelingspecificatie":
                where = {"and": [where, extra]} if where else extra
            return _zoek(info, _entity, where)

        query.set_field(root, resolver)
    bindables: list[Any] = [query]
    bindables += relation_bindables(ENTITY_TABLES, RELATIES)
    return build_schema(load_sdl(SCHEMA_PACKAGE, SCHEMA_FILE), bindables)


# -- beheer API -----------------------------------------------------------------------------

# Object type -> (its field in the *MutatieResultaat, its ID argument in wijzig/verwijder).
_OBJECTEN = {
    "Bemiddeling": ("bemiddeling", "bemiddelingID"),
    "Bemiddelingspecificatie": ("bemiddelingspecificatie", "bemiddelingspecificatieID"),
    "Regiehouder": ("regiehouder", "regiehouderID"),
    "Overdracht": ("overdracht", "overdrachtID"),
}


def _resultaat(info: Info, entity: str, uitkomst: Uitkomst) -> dict[str, Any]:
    veld, key = _OBJECTEN[entity]
    return mutatie_resultaat(info, entity, veld, key, uitkomst, _zoek)


_verwijderd = verwijder_resultaat


def _mutaties(mutation: MutationType) -> None:
    """Bind one resolver per service write; the tenant always comes from the context."""

    def registreer(
        entity: str, write: Callable[[Bemiddelingsregister, str, dict[str, Any]], Uitkomst]
    ) -> Callable[..., dict[str, Any]]:
        def resolve(_obj: Any, info: Info, **kwargs: Any) -> dict[str, Any]:
            return _resultaat(info, entity, write(_register(info), _tenant(info), kwargs))

        return resolve

    def wijzig(entity: str, method: str) -> Callable[..., dict[str, Any]]:
        veld, pk = _OBJECTEN[entity]

        def resolve(_obj: Any, info: Info, **kwargs: Any) -> dict[str, Any]:
            write = getattr(_register(info), method)
            uitkomst = write(_tenant(info), kwargs[pk], kwargs[veld], kwargs.get("versie"))
            return _resultaat(info, entity, uitkomst)

        return resolve

    def verwijder(entity: str, method: str) -> Callable[..., dict[str, Any]]:
        pk = _OBJECTEN[entity][1]

        def resolve(_obj: Any, info: Info, **kwargs: Any) -> dict[str, Any]:
            write = getattr(_register(info), method)
            return _verwijderd(kwargs[pk], write(_tenant(info), kwargs[pk], kwargs.get("versie")))

        return resolve

    mutation.set_field(
        "registreerBemiddeling",
        registreer(
            "Bemiddeling", lambda br, zk, a: br.registreer_bemiddeling(zk, a["bemiddeling"])
        ),
    )
    mutation.set_field(
        "registreerBemiddelingspecificatie",
        registreer(
            "Bemiddelingspecificatie",
            lambda br, zk, a: br.registreer_bemiddelingspecificatie(
                zk, a["bemiddelingID"], a["bemiddelingspecificatie"]
            ),
        ),
    )
    mutation.set_field(
        "registreerRegiehouder",
        registreer(
            "Regiehouder",
            lambda br, zk, a: br.registreer_regiehouder(zk, a["bemiddelingID"], a["regiehouder"]),
        ),
    )
    mutation.set_field(
        "registreerOverdracht",
        registreer(
            "Overdracht",
            lambda br, zk, a: br.registreer_overdracht(zk, a["bemiddelingID"], a["overdracht"]),
        ),
    )
    for entity, method in (
        ("Bemiddeling", "bemiddeling"),
        ("Bemiddelingspecificatie", "bemiddelingspecificatie"),
        ("Regiehouder", "regiehouder"),
        ("Overdracht", "overdracht"),
    ):
        mutation.set_field(f"wijzig{entity}", wijzig(entity, f"wijzig_{method}"))
        mutation.set_field(f"verwijder{entity}", verwijder(entity, f"verwijder_{method}"))


def build_beheer_schema() -> GraphQLSchema:
    """The responsible zorgkantoor's write API, with the read queries for its own use."""
    query = QueryType()
    for root, entity in ROOT_FIELDS.items():

        def resolver(
            _obj: Any, info: Info, where: dict[str, Any] | None = None, _entity: str = entity
        ) -> list[dict[str, Any]]:
            return _zoek(info, _entity, where)

        query.set_field(root, resolver)
    mutation = MutationType()
    _mutaties(mutation)
    # Foutmeldingen about this register arrive at the zorgkantoor's own netwerkpunt.
    bind_meldingen(query, mutation, lambda info: ("UZOVI", _tenant(info)))
    bindables: list[Any] = [query, mutation, ObjectType("Veldfout")]
    bindables += relation_bindables(ENTITY_TABLES, RELATIES)
    sdl = load_sdl(SCHEMA_PACKAGE, SCHEMA_FILE, BEHEER_FILE) + MELDINGEN_SDL
    return build_schema(sdl, bindables)
