"""HotChocolate-style ``where`` / ``order`` inputs compiled to SQLAlchemy Core.

Every register describes its GraphQL types once, as :class:`Entity` descriptors in a
:class:`Registry`, and turns the already-coerced argument values of a query into one SQL
``WHERE`` expression (:func:`compile_where`) and an ``ORDER BY`` list (:func:`compile_order`).
:mod:`iwlz.graphql.reference` evaluates the same inputs over nested dicts; property tests keep
the two in agreement on SQLite and PostgreSQL.

Filter semantics (spec §0.5, with the open points of §4 items 4 and 5 decided here):

* Keys of one input object are ANDed; ``and: [..]`` needs every element, ``or: [..]`` at least
  one. Both nest to any depth, on entity inputs and inside operation inputs. A single object
  where a list is expected is a one-element list (GraphQL input coercion: ``and: {..}`` is
  ``and: [{..}]``; ``in: "x"`` is ``in: ["x"]``).
* ``where`` ``None`` or ``{}`` matches everything; ``and: []`` matches everything; ``or: []``
  is rejected with :class:`FilterError` (it could only match nothing, which is never what a
  caller means; HotChocolate rejects it too). Null elements inside ``and``/``or`` are rejected.
* A key whose value is ``null`` is treated as absent (no constraint), with the exception of
  ``eq: null`` (IS NULL) and ``neq: null`` (IS NOT NULL). So ``{gt: null}``, ``{lte: null}``,
  ``{ngt: null}``, ``{contains: null}``, ``{in: null}``, ``{some: null}``, ``{any: null}``,
  ``{client: null}`` and ``{and: null}`` all match every row. This makes a PIP query whose
  variable is unset (e.g. ``toewijzingIngangsdatum: {lte: $toewijzingEinddatum}`` for an
  open-ended allocation) behave as "unbounded".
* Every operator is two-valued; SQL's three-valued logic never shows. A base comparison
  (``eq gt gte lt lte contains startsWith endsWith in``) with a non-null operand is false on a
  NULL field value; every ``n…`` operator is exactly the NOT of its base, so it is true there.
* ``in: [..]`` is the OR of ``eq`` over its elements, so a ``null`` element matches NULL field
  values; ``nin`` is its NOT (``nin: ["a"]`` matches NULL, ``nin: [null, "a"]`` does not).
  ``in: []`` matches nothing and ``nin: []`` everything.
* String operators are case-sensitive and compare Unicode code points; ``%`` and ``_`` are
  ordinary characters (no ``LIKE`` is used). The empty string is contained in, starts and ends
  every non-null string.
* A to-one key matches when the related row exists and matches the nested filter, so
  ``{client: {}}`` means "has a client". A to-many key takes ``some`` (at least one element
  matches), ``all`` (every element matches; true on an empty list), ``none`` (no element
  matches) and ``any`` (``true``: non-empty, ``false``: empty); several of them are ANDed.
* :class:`Context` keys (e.g. IR 1.6.5 ``agbCodeInstelling``, ``raadpleegDatum``) are not
  data: the compiler ignores them and their values; resolvers and policies read them.
* Values: ``uuid.UUID`` for uuid, ``str`` without NUL for string, ``int`` (not ``bool``,
  within 64 bits) for int, a finite ``float`` or ``int`` for float, ``datetime.date`` (not a
  datetime) for date, a time-zone-aware ``datetime.datetime`` for datetime (compared as
  instants), ``bool`` for boolean. Anything else is a :class:`FilterError`.

Sort semantics: ``order: [{a: ASC}, {rel: {b: DESC}}]`` sorts by ``a`` first, then ``rel.b``;
several keys in one object apply in insertion order. Scalar fields and to-one relations only.
NULL sorts as the smallest value on both databases (``ASC NULLS FIRST``, ``DESC NULLS LAST``,
as in .NET), a missing to-one row sorts as NULL, and strings sort by code point (``COLLATE "C"``
on PostgreSQL; SQLite's default ``BINARY`` already is). Ties keep no particular order: add the
primary key as the last sort key when a total order is needed.

Inputs are validated completely before any SQL is built; the generated SQL is a single
expression with correlated ``EXISTS`` subqueries for relations (scalar subqueries for to-one
sort keys), with no per-row Python.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

__all__ = [
    "MAX_DEPTH",
    "MAX_OPERATIONS",
    "Context",
    "Entity",
    "FieldSpec",
    "FilterError",
    "Registry",
    "Scalar",
    "ScalarKind",
    "SortKey",
    "ToMany",
    "ToOne",
    "compile_order",
    "compile_where",
    "operators",
    "parse_order",
    "validate_order",
    "validate_where",
]

ScalarKind = Literal["uuid", "string", "int", "float", "date", "datetime", "boolean"]

#: Deepest nesting of input objects (and/or, relations, operation inputs) that is accepted.
#: Variables are JSON of any depth; without a bound a hostile filter reaches Python's
#: recursion limit or a database's expression-depth limit.
MAX_DEPTH = 32
#: Most operators (leaf conditions) one filter may contain.
MAX_OPERATIONS = 1000


@dataclass(frozen=True)
class Scalar:
    """A scalar field: ``column`` is the key of the column in ``Entity.table.c``."""

    column: str
    kind: ScalarKind


@dataclass(frozen=True)
class ToOne:
    """A to-one relation: ``target.remote_column == this.local_column`` (at most one row)."""

    target: str
    local_column: str
    remote_column: str


@dataclass(frozen=True)
class ToMany:
    """A to-many relation: rows of ``target`` whose ``remote_column == this.local_column``."""

    target: str
    local_column: str
    remote_column: str


@dataclass(frozen=True)
class Context:
    """A filter key that carries request context, not data; the compiler ignores it."""


FieldSpec: TypeAlias = Scalar | ToOne | ToMany | Context


@dataclass
class Entity:
    """A GraphQL object type backed by one table.

    ``fields`` maps the filter/sort keys of ``<name>FilterInput`` / ``<name>SortInput`` to
    their meaning. ``and_or=False`` (IR and LR entity filters) rejects ``and``/``or`` keys.
    """

    name: str
    table: sa.Table
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    and_or: bool = True


class Registry:
    """Entities by name, so relations can refer to each other (cycles allowed)."""

    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}

    def add(self, entity: Entity) -> Entity:
        """Register ``entity``; its columns are checked now, relation targets when used."""
        if entity.name in self._entities:
            raise ValueError(f"entity {entity.name!r} is already registered")
        for key, spec in entity.fields.items():
            if key in _LOGICAL:
                raise ValueError(f"{entity.name}: {key!r} is reserved for and/or")
            columns = []
            if isinstance(spec, Scalar):
                columns = [spec.column]
            elif isinstance(spec, ToOne | ToMany):
                columns = [spec.local_column]
            for column in columns:
                if column not in entity.table.c:
                    raise ValueError(
                        f"{entity.name}.{key}: table {entity.table.name!r} has no column {column!r}"
                    )
        self._entities[entity.name] = entity
        return entity

    def __getitem__(self, name: str) -> Entity:
        try:
            return self._entities[name]
        except KeyError:
            raise KeyError(f"no entity {name!r} in the filter registry") from None

    def __contains__(self, name: object) -> bool:
        return name in self._entities

    def target(self, relation: ToOne | ToMany) -> Entity:
        """The entity a relation points to, with its remote column checked."""
        target = self[relation.target]
        if relation.remote_column not in target.table.c:
            raise ValueError(
                f"relation to {target.name}: table {target.table.name!r} has no column "
                f"{relation.remote_column!r}"
            )
        return target


class FilterError(ValueError):
    """A ``where`` or ``order`` value that cannot be applied.

    ``path`` locates the offending key, e.g. ``where.bemiddelingspecificatie.some.instelling.eq``
    or ``order[1].client.bsn``; the message says why.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


# --------------------------------------------------------------------------------------------
# Operators

_LOGICAL = ("and", "or")
_COMPARABLE_OPS = ("eq", "neq", "in", "nin", "gt", "ngt", "gte", "ngte", "lt", "nlt", "lte", "nlte")
_STRING_OPS = (
    "eq",
    "neq",
    "contains",
    "ncontains",
    "in",
    "nin",
    "startsWith",
    "nstartsWith",
    "endsWith",
    "nendsWith",
)
_OPERATORS: dict[ScalarKind, tuple[str, ...]] = {
    "uuid": _COMPARABLE_OPS,
    "int": _COMPARABLE_OPS,
    "float": _COMPARABLE_OPS,
    "date": _COMPARABLE_OPS,
    "datetime": _COMPARABLE_OPS,
    "string": _STRING_OPS,
    "boolean": ("eq", "neq"),
}
_NEGATED = {
    "neq": "eq",
    "nin": "in",
    "ngt": "gt",
    "ngte": "gte",
    "nlt": "lt",
    "nlte": "lte",
    "ncontains": "contains",
    "nstartsWith": "startsWith",
    "nendsWith": "endsWith",
}
_LIST_QUANTIFIERS = ("some", "all", "none", "any")
_INT64 = (-(2**63), 2**63 - 1)

BinaryOp = Literal["eq", "gt", "gte", "lt", "lte", "contains", "startsWith", "endsWith"]


def operators(kind: ScalarKind) -> tuple[str, ...]:
    """Operator names accepted for a scalar of ``kind`` (besides ``and``/``or``)."""
    return _OPERATORS[kind]


# --------------------------------------------------------------------------------------------
# Validated filter tree. Every node is two-valued by construction; see _sql.


@dataclass(frozen=True)
class _Const:
    value: bool


@dataclass(frozen=True)
class _AllOf:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _AnyOf:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Not:
    item: _Node


@dataclass(frozen=True)
class _IsNull:
    column: str


@dataclass(frozen=True)
class _Compare:
    column: str
    op: BinaryOp
    value: Any


@dataclass(frozen=True)
class _InList:
    column: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class _Related:
    relation: ToOne | ToMany
    quantifier: Literal["some", "all", "none"]
    filter: _Node


_Node: TypeAlias = _Const | _AllOf | _AnyOf | _Not | _IsNull | _Compare | _InList | _Related

_TRUE = _Const(True)
_FALSE = _Const(False)


def _as_list(value: Any) -> list[Any]:
    """GraphQL list input coercion: a lone value stands for a one-element list."""
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _all_of(items: list[_Node]) -> _Node:
    items = [i for i in items if i != _TRUE]
    if not items:
        return _TRUE
    return items[0] if len(items) == 1 else _AllOf(tuple(items))


def _any_of(items: list[_Node]) -> _Node:
    items = [i for i in items if i != _FALSE]
    if not items:
        return _FALSE
    return items[0] if len(items) == 1 else _AnyOf(tuple(items))


def _type_name(value: Any) -> str:
    return type(value).__name__


def _coerce(kind: ScalarKind, value: Any, path: str) -> Any:
    """Check an operand against the field's scalar kind; returns the value to compare with."""
    if kind == "uuid":
        if isinstance(value, uuid.UUID):
            return value
        expected = "a UUID"
    elif kind == "string":
        if isinstance(value, str):
            if "\x00" in value:
                raise FilterError(path, "strings may not contain NUL characters")
            return value
        expected = "a String"
    elif kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            if not _INT64[0] <= value <= _INT64[1]:
                raise FilterError(path, f"integer {value} is out of range")
            return value
        expected = "an Int"
    elif kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if not math.isfinite(number):
                raise FilterError(path, f"expected a finite Float, got {value!r}")
            return number
        expected = "a Float"
    elif kind == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        expected = "a Date (datetime.date)"
    elif kind == "datetime":
        if isinstance(value, dt.datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise FilterError(path, "DateTime needs a time-zone offset, got a naive datetime")
            return value
        expected = "a DateTime (time-zone-aware datetime)"
    else:
        if isinstance(value, bool):
            return value
        expected = "a Boolean"
    raise FilterError(path, f"expected {expected}, got {_type_name(value)} {value!r}")


class _Parser:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.operations = 0

    def _count(self, path: str) -> None:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise FilterError(path, f"filter has more than {MAX_OPERATIONS} operations")

    @staticmethod
    def _depth(depth: int, path: str) -> None:
        if depth > MAX_DEPTH:
            raise FilterError(path, f"filter is nested deeper than {MAX_DEPTH} levels")

    def _logical_items(self, key: str, value: Any, path: str) -> list[tuple[str, Any]]:
        items = _as_list(value)
        if key == "or" and not items:
            raise FilterError(path, "an empty 'or' list can match nothing; leave the key out")
        out = []
        for i, item in enumerate(items):
            ipath = f"{path}[{i}]"
            if item is None:
                raise FilterError(ipath, f"null is not allowed in an '{key}' list")
            out.append((ipath, item))
        return out

    def entity(self, entity: Entity, value: Any, path: str, depth: int) -> _Node:
        self._depth(depth, path)
        if not isinstance(value, Mapping):
            raise FilterError(
                path, f"expected a {entity.name}FilterInput object, got {_type_name(value)}"
            )
        parts: list[_Node] = []
        for key, item in value.items():
            kpath = f"{path}.{key}"
            if key in _LOGICAL:
                if not entity.and_or:
                    raise FilterError(kpath, f"{entity.name}FilterInput has no '{key}'")
                if item is None:
                    continue
                subs = [
                    self.entity(entity, sub, spath, depth + 1)
                    for spath, sub in self._logical_items(key, item, kpath)
                ]
                parts.append(_all_of(subs) if key == "and" else _any_of(subs))
                continue
            spec = entity.fields.get(key) if isinstance(key, str) else None
            if spec is None:
                known = ", ".join(sorted(entity.fields) + (list(_LOGICAL) if entity.and_or else []))
                raise FilterError(
                    kpath, f"unknown field {key!r} on {entity.name}FilterInput (known: {known})"
                )
            if isinstance(spec, Context) or item is None:
                continue
            if isinstance(spec, Scalar):
                parts.append(self.operation(spec, item, kpath, depth + 1))
            elif isinstance(spec, ToOne):
                target = self.registry.target(spec)
                parts.append(_Related(spec, "some", self.entity(target, item, kpath, depth + 1)))
            else:
                parts.append(self.list_filter(spec, item, kpath, depth + 1))
        return _all_of(parts)

    def list_filter(self, relation: ToMany, value: Any, path: str, depth: int) -> _Node:
        self._depth(depth, path)
        target = self.registry.target(relation)
        if not isinstance(value, Mapping):
            raise FilterError(
                path,
                f"expected a ListFilterInputTypeOf{target.name}FilterInput object "
                f"(some/all/none/any), got {_type_name(value)}",
            )
        parts: list[_Node] = []
        for key, item in value.items():
            kpath = f"{path}.{key}"
            if key not in _LIST_QUANTIFIERS:
                raise FilterError(
                    kpath, f"unknown list operator {key!r} (expected some, all, none or any)"
                )
            if item is None:
                continue
            self._count(kpath)
            if key == "any":
                if not isinstance(item, bool):
                    raise FilterError(kpath, f"expected a Boolean, got {_type_name(item)}")
                exists = _Related(relation, "some", _TRUE)
                parts.append(exists if item else _Not(exists))
            else:
                inner = self.entity(target, item, kpath, depth + 1)
                quantifier: Literal["some", "all", "none"] = key
                parts.append(_Related(relation, quantifier, inner))
        return _all_of(parts)

    def operation(self, spec: Scalar, value: Any, path: str, depth: int) -> _Node:
        self._depth(depth, path)
        kind = spec.kind
        if not isinstance(value, Mapping):
            raise FilterError(
                path,
                f"expected an operation filter object for a {kind} field, got {_type_name(value)}",
            )
        parts: list[_Node] = []
        for op, operand in value.items():
            opath = f"{path}.{op}"
            if op in _LOGICAL:
                if operand is None:
                    continue
                subs = [
                    self.operation(spec, sub, spath, depth + 1)
                    for spath, sub in self._logical_items(op, operand, opath)
                ]
                parts.append(_all_of(subs) if op == "and" else _any_of(subs))
                continue
            if op not in _OPERATORS[kind]:
                known = ", ".join((*_OPERATORS[kind], *_LOGICAL))
                raise FilterError(
                    opath, f"unknown operator {op!r} for a {kind} field (known: {known})"
                )
            base = _NEGATED.get(op, op)
            if operand is None and base != "eq":
                continue
            self._count(opath)
            node: _Node
            if operand is None:
                node = _IsNull(spec.column)
            elif base == "in":
                node = self._in(spec, operand, opath)
            else:
                node = _Compare(spec.column, base, _coerce(kind, operand, opath))  # type: ignore[arg-type]
            parts.append(_Not(node) if op in _NEGATED else node)
        return _all_of(parts)

    @staticmethod
    def _in(spec: Scalar, operand: Any, path: str) -> _Node:
        values: dict[Any, None] = {}  # ordered de-duplication
        with_null = False
        for i, element in enumerate(_as_list(operand)):
            if element is None:
                with_null = True
                continue
            values[_coerce(spec.kind, element, f"{path}[{i}]")] = None
        alternatives: list[_Node] = [_IsNull(spec.column)] if with_null else []
        if values:
            alternatives.append(_InList(spec.column, tuple(values)))
        return _any_of(alternatives)


def _parse_where(registry: Registry, entity: str, where: Mapping[str, Any] | None) -> _Node:
    ent = registry[entity]
    if where is None:
        return _TRUE
    return _Parser(registry).entity(ent, where, "where", 0)


def validate_where(registry: Registry, entity: str, where: Mapping[str, Any] | None) -> None:
    """Raise :class:`FilterError` if ``where`` is not a valid filter for ``entity``."""
    _parse_where(registry, entity, where)


# --------------------------------------------------------------------------------------------
# Dialect-specific string functions


class _strpos(FunctionElement[int]):
    """1-based character position of a substring, 0 when absent (PostgreSQL ``strpos``)."""

    type = sa.Integer()
    name = "strpos"
    inherit_cache = True


@compiles(_strpos)
def _strpos_default(element: _strpos, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


@compiles(_strpos, "sqlite")
def _strpos_sqlite(element: _strpos, compiler: SQLCompiler, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


class _right(FunctionElement[str]):
    """The last ``n`` characters of a string (the whole string when it is shorter)."""

    type = sa.String()
    name = "right"
    inherit_cache = True


@compiles(_right)
def _right_default(element: _right, compiler: SQLCompiler, **kw: Any) -> str:
    return f"right({compiler.process(element.clauses, **kw)})"


@compiles(_right, "sqlite")
def _right_sqlite(element: _right, compiler: SQLCompiler, **kw: Any) -> str:
    text, count = list(element.clauses)
    # SQLite has no right(); a negative start counts from the end (n > 0 is guaranteed).
    return f"substr({compiler.process(text, **kw)}, -({compiler.process(count, **kw)}))"


class _ordinal(FunctionElement[Any]):
    """A string expression that sorts by code point on every dialect."""

    name = "ordinal"
    inherit_cache = True

    def __init__(self, expr: sa.ColumnElement[Any]) -> None:
        super().__init__(expr)
        self.type = expr.type


@compiles(_ordinal)
def _ordinal_default(element: _ordinal, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's default BINARY collation compares UTF-8 bytes, i.e. code points.
    return compiler.process(element.clauses, **kw)


@compiles(_ordinal, "postgresql")
def _ordinal_postgresql(element: _ordinal, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


# --------------------------------------------------------------------------------------------
# SQL generation


def _string_condition(
    column: sa.ColumnElement[Any], op: BinaryOp, value: str
) -> sa.ColumnElement[bool]:
    if value == "":
        return column.is_not(None)
    n = len(value)
    if op == "contains":
        return _strpos(column, value) > 0
    if op == "startsWith":
        return sa.func.substr(column, 1, n, type_=sa.String()) == value
    return _right(column, n) == value


def _sql(
    registry: Registry, entity: Entity, source: sa.FromClause, node: _Node
) -> sa.ColumnElement[bool]:
    if isinstance(node, _Const):
        return sa.true() if node.value else sa.false()
    if isinstance(node, _AllOf):
        return sa.and_(*(_sql(registry, entity, source, item) for item in node.items))
    if isinstance(node, _AnyOf):
        return sa.or_(*(_sql(registry, entity, source, item) for item in node.items))
    if isinstance(node, _Not):
        # Safe because every node below is two-valued (never NULL).
        return sa.not_(_sql(registry, entity, source, node.item))
    if isinstance(node, _IsNull):
        return source.c[node.column].is_(None)
    if isinstance(node, _Related):
        return _related(registry, entity, source, node)
    column = source.c[node.column]
    condition: sa.ColumnElement[bool]
    if isinstance(node, _InList):
        condition = column.in_(node.values)
    elif node.op in ("contains", "startsWith", "endsWith"):
        condition = _string_condition(column, node.op, node.value)
    elif node.op == "eq":
        condition = column == node.value
    elif node.op == "gt":
        condition = column > node.value
    elif node.op == "gte":
        condition = column >= node.value
    elif node.op == "lt":
        condition = column < node.value
    else:
        condition = column <= node.value
    if entity.table.c[node.column].nullable:
        # NULL op x is NULL, and NOT NULL is NULL too: pin NULL columns to false so that the
        # negated operators (and NOT over any subtree) stay two-valued.
        return sa.and_(column.is_not(None), condition)
    return condition


def _related(
    registry: Registry, entity: Entity, source: sa.FromClause, node: _Related
) -> sa.ColumnElement[bool]:
    relation = node.relation
    target = registry.target(relation)
    alias = target.table.alias()
    link = alias.c[relation.remote_column] == source.c[relation.local_column]
    inner = _sql(registry, target, alias, node.filter)
    if node.quantifier == "all":
        inner = sa.not_(inner)

    exists = (
        sa.select(sa.literal_column("1"))
        .select_from(alias)
        .where(link, inner)
        .correlate(source)
        .exists()
    )
    return exists if node.quantifier == "some" else sa.not_(exists)


def compile_where(
    registry: Registry,
    entity: str,
    where: Mapping[str, Any] | None,
    *,
    source: sa.FromClause | None = None,
) -> sa.ColumnElement[bool]:
    """Compile a ``<entity>FilterInput`` value into one boolean SQL expression.

    The expression refers to ``source`` (default: the entity's table; pass an alias of it
    when the statement selects from one) and correlates relation subqueries to it. It is
    never NULL, so it can be negated or combined freely. See the module docstring for the
    semantics. Raises :class:`FilterError` for invalid input, before building any SQL.
    """
    node = _parse_where(registry, entity, where)
    ent = registry[entity]
    return _sql(registry, ent, ent.table if source is None else source, node)


# --------------------------------------------------------------------------------------------
# Sorting


@dataclass(frozen=True)
class SortKey:
    """One validated sort key: follow ``hops`` (to-one relations), then sort on ``field``."""

    hops: tuple[ToOne, ...]
    field: Scalar
    descending: bool


def _direction(value: Any, path: str) -> bool:
    name = value
    if isinstance(value, enum.Enum):
        name = value.value if value.value in ("ASC", "DESC") else value.name
    if name == "ASC":
        return False
    if name == "DESC":
        return True
    raise FilterError(path, f"expected ASC or DESC, got {value!r}")


def _parse_sort_input(
    registry: Registry,
    entity: Entity,
    value: Any,
    path: str,
    hops: tuple[ToOne, ...],
    out: list[SortKey],
) -> None:
    if len(hops) > MAX_DEPTH:
        raise FilterError(path, f"sort input is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(value, Mapping):
        raise FilterError(
            path, f"expected a {entity.name}SortInput object, got {_type_name(value)}"
        )
    for key, item in value.items():
        kpath = f"{path}.{key}"
        spec = entity.fields.get(key) if isinstance(key, str) else None
        if spec is None or isinstance(spec, Context):
            sortable = ", ".join(
                sorted(k for k, s in entity.fields.items() if isinstance(s, Scalar | ToOne))
            )
            why = "is not sortable" if key in _LOGICAL or spec is not None else "is unknown"
            raise FilterError(
                kpath, f"{key!r} {why} on {entity.name}SortInput (sortable: {sortable})"
            )
        if isinstance(spec, ToMany):
            raise FilterError(kpath, f"to-many relation {key!r} cannot be used for sorting")
        if item is None:
            continue
        if isinstance(spec, Scalar):
            out.append(SortKey(hops, spec, _direction(item, kpath)))
        else:
            target = registry.target(spec)
            _parse_sort_input(registry, target, item, kpath, (*hops, spec), out)


def parse_order(
    registry: Registry, entity: str, order: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None
) -> list[SortKey]:
    """Validate an ``order`` value and flatten it into sort keys, primary key first."""
    ent = registry[entity]
    keys: list[SortKey] = []
    if order is None:
        return keys
    for i, entry in enumerate(_as_list(order)):
        if entry is None:  # Client.bemiddeling takes [BemiddelingSortInput] with nullable items
            continue
        _parse_sort_input(registry, ent, entry, f"order[{i}]", (), keys)
    return keys


def validate_order(
    registry: Registry, entity: str, order: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None
) -> None:
    """Raise :class:`FilterError` if ``order`` is not a valid sort input for ``entity``."""
    parse_order(registry, entity, order)


def _sort_value(
    registry: Registry, source: sa.FromClause, hops: tuple[ToOne, ...], column: str
) -> sa.ColumnElement[Any]:
    if not hops:
        return source.c[column]
    relation = hops[0]
    alias = registry.target(relation).table.alias()
    inner = _sort_value(registry, alias, hops[1:], column)
    return (
        sa.select(inner)
        .where(alias.c[relation.remote_column] == source.c[relation.local_column])
        .correlate(source)
        .scalar_subquery()
    )


def compile_order(
    registry: Registry,
    entity: str,
    order: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
    *,
    source: sa.FromClause | None = None,
) -> list[sa.ColumnElement[Any]]:
    """Compile an ``order: [<entity>SortInput!]`` value for ``select(...).order_by(*result)``.

    NULLs (and missing to-one rows) sort first ascending and last descending; strings sort by
    code point. Raises :class:`FilterError` for invalid input.
    """
    keys = parse_order(registry, entity, order)
    ent = registry[entity]
    base = ent.table if source is None else source
    clauses: list[sa.ColumnElement[Any]] = []
    for key in keys:
        value = _sort_value(registry, base, key.hops, key.field.column)
        if key.field.kind == "string":
            value = _ordinal(value)
        if key.descending:
            clauses.append(sa.nulls_last(sa.desc(value)))
        else:
            clauses.append(sa.nulls_first(sa.asc(value)))
    return clauses
