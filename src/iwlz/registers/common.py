"""What the multi-tenant registers (Bemiddelingsregister, Leveringsregister) share: the
outcome of a write, relation descriptions, and the tenant-scoped batched reads and prefetch
behind their GraphQL APIs (one query per selected relation, never across tenants)."""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec

import sqlalchemy as sa
from ariadne import ObjectType
from graphql import FieldNode
from sqlalchemy.engine import Connection

from iwlz.graphql.errors import BadUserInput
from iwlz.graphql.schema import Info, collect_fields
from iwlz.registers.indicatie.models import labelled as labelled  # shared by every register
from iwlz.registers.indicatie.validation import Veldfout

CHUNK = 1000
"""Most keys in one ``IN (…)`` list."""

PREFETCHED = "__relaties"
"""Key under which a row carries its prefetched relations (by response key)."""


@dataclass(frozen=True)
class Relatie:
    """A relation field of an object type: ``target.remote == parent.local``."""

    target: str
    local: str
    remote: str
    many: bool


@dataclass
class Uitkomst:
    """Outcome of a write: the written object's ID and version, or field errors."""

    id: uuid.UUID | None
    versie: int | None = None
    fouten: list[Veldfout] = field(default_factory=list)

    @property
    def geslaagd(self) -> bool:
        return not self.fouten


class Afgebroken(Exception):
    """Raised inside a write's transaction: rolls it back and carries the field errors out
    (:func:`afbreekbaar` turns it into the failed outcome)."""

    def __init__(self, *fouten: Veldfout) -> None:
        super().__init__(fouten)
        self.fouten = list(fouten)


_P = ParamSpec("_P")


def afbreekbaar(method: Callable[_P, Uitkomst]) -> Callable[_P, Uitkomst]:
    """A write method whose :class:`Afgebroken` (raised inside its transaction, which then
    rolls back) becomes its failed outcome."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Uitkomst:
        try:
            return method(*args, **kwargs)
        except Afgebroken as exc:
            return Uitkomst(None, None, exc.fouten)

    return wrapper


def fout(veld: str, code: str, melding: str) -> Uitkomst:
    """A failed outcome with one field error."""
    return Uitkomst(None, None, [Veldfout(veld, code, melding)])


def new_id(value: Any) -> uuid.UUID:
    """``value`` when it is a UUID, else a new UUIDv4."""
    return value if isinstance(value, uuid.UUID) else uuid.uuid4()


def pk(table: sa.Table) -> sa.Column[Any]:
    return next(iter(table.primary_key.columns))


def zoek(
    conn: Connection,
    table: sa.Table,
    tenant: sa.ColumnElement[bool],
    *,
    entity: str,
    where: sa.ColumnElement[bool] | None,
    order: Sequence[sa.ColumnElement[Any]],
    max_results: int,
) -> list[dict[str, Any]]:
    """The rows of ``table`` within ``tenant`` matching ``where`` (flat dicts keyed by
    field); more than ``max_results`` is a BadUserInput asking to narrow the filter."""
    stmt = labelled(table).where(tenant)
    if where is not None:
        stmt = stmt.where(where)
    stmt = stmt.order_by(*order, pk(table)).limit(max_results + 1)
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    if len(rows) > max_results:
        raise BadUserInput(f"More than {max_results} {entity} objects match; narrow the filter.")
    return rows


def relatie(
    conn: Connection,
    table: sa.Table,
    tenant: sa.ColumnElement[bool],
    rel: Relatie,
    parents: Sequence[Mapping[str, Any]],
    *,
    where: sa.ColumnElement[bool] | None,
    order: Sequence[sa.ColumnElement[Any]],
) -> dict[Any, list[dict[str, Any]]]:
    """Rows of ``table`` (``rel``'s target) for all ``parents`` with one query per
    :data:`CHUNK` parents, grouped by the parent's join value; only rows within ``tenant``."""
    keys = list(dict.fromkeys(p[rel.local] for p in parents if p[rel.local] is not None))
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    remote = table.c[rel.remote]
    for i in range(0, len(keys), CHUNK):
        stmt = labelled(table).where(tenant, remote.in_(keys[i : i + CHUNK]))
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(*order, pk(table))
        for r in conn.execute(stmt).mappings():
            row = dict(r)
            out[row[rel.remote]].append(row)
    return out


def attach(
    rows: Sequence[dict[str, Any]],
    key: str,
    rel: Relatie,
    groups: Mapping[Any, list[dict[str, Any]]],
    child_pk: str,
) -> list[dict[str, Any]]:
    """Put each row's related objects under ``row[PREFETCHED][key]`` and return the distinct
    children: one dict per child object, shared by all its parents, so it is prefetched once."""
    children: dict[Any, dict[str, Any]] = {}
    for group in groups.values():
        for child in group:
            children.setdefault(child[child_pk], child)
    for row in rows:
        found = [children[c[child_pk]] for c in groups.get(row[rel.local], [])]
        value: Any = found if rel.many else (found[0] if found else None)
        row.setdefault(PREFETCHED, {})[key] = value
    return list(children.values())


def resolve_prefetched(obj: dict[str, Any], info: Any, **_kwargs: Any) -> Any:
    """Resolver of a relation field: what :func:`attach` put there."""
    return obj.get(PREFETCHED, {}).get(info.path.key)


def relation_bindables(
    entities: Iterable[str], relaties: Iterable[tuple[str, str]]
) -> list[ObjectType]:
    """One Ariadne ObjectType per entity whose relation fields read the prefetched values."""
    pairs = list(relaties)
    out: list[ObjectType] = []
    for name in entities:
        obj = ObjectType(name)
        for entity, veld in pairs:
            if entity == name:
                obj.set_field(veld, resolve_prefetched)
        out.append(obj)
    return out


def stored_ids(conn: Connection, rows: Mapping[sa.Table, Sequence[Mapping[str, Any]]]) -> list[str]:
    """IDs in ``rows`` that are already stored (by any tenant: IDs are global)."""
    taken: list[str] = []
    for table, batch in rows.items():
        key = pk(table)
        ids_ = [r[key.key] for r in batch]
        for i in range(0, len(ids_), CHUNK):
            stmt = sa.select(key).where(key.in_(ids_[i : i + CHUNK]))
            taken.extend(str(x) for x in conn.execute(stmt).scalars())
    return taken


Zoeker = Callable[[Info, str, dict[str, Any], list[FieldNode]], list[dict[str, Any]]]
"""A register API's tenant-scoped read: (info, entity, where, field nodes) -> rows."""


def mutatie_resultaat(
    info: Info, entity: str, veld: str, key: str, uitkomst: Uitkomst, zoek_: Zoeker
) -> dict[str, Any]:
    """A beheer API's ``*MutatieResultaat``: the outcome, and the written object (field
    ``veld``, identified by ``key``) read back tenant-scoped with the relations selected below
    the result's object field."""
    out: dict[str, Any] = {
        "geslaagd": uitkomst.geslaagd,
        "versie": uitkomst.versie,
        "fouten": [f.as_dict() for f in uitkomst.fouten],
        veld: None,
    }
    if not uitkomst.geslaagd or uitkomst.id is None:
        return out
    selected: dict[str, list[FieldNode]] = {}
    for node in info.field_nodes:
        collect_fields(info, node.selection_set, selected)
    nodes = [n for group in selected.values() for n in group if n.name.value == veld]
    if nodes:
        found = zoek_(info, entity, {key: {"eq": uitkomst.id}}, nodes)
        out[veld] = found[0] if found else None
    return out


def verwijder_resultaat(id_: uuid.UUID, uitkomst: Uitkomst) -> dict[str, Any]:
    """A beheer API's ``VerwijderResultaat``."""
    return {
        "geslaagd": uitkomst.geslaagd,
        "id": id_,
        "fouten": [f.as_dict() for f in uitkomst.fouten],
    }
