"""Property tests: the SQL compiler agrees with the reference evaluator.

Hypothesis draws small datasets (clients, products, parents with 0-4 children each) and random
``where`` trees (every operator, null operands, nested and/or, to-one and to-many relations
including cycles, list coercion, context keys) and random ``order`` inputs. The rows SQL
returns must be exactly the rows :mod:`iwlz.graphql.reference` accepts, and in exactly the
reference's order once the primary key is added as the final sort key.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from iwlz.core.db import UTCDateTime, create_engine
from iwlz.graphql import reference
from iwlz.graphql.filters import (
    Context,
    Entity,
    Registry,
    Scalar,
    ScalarKind,
    ToMany,
    ToOne,
    compile_order,
    compile_where,
    operators,
)

MAX_EXAMPLES = 150
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def localised(length: int) -> sa.types.TypeEngine[str]:
    """A string column with a locale collation on PostgreSQL (see test_filters.py)."""
    return sa.String(length).with_variant(sa.String(length, collation="und-x-icu"), "postgresql")


metadata = sa.MetaData()
client = sa.Table(
    "h_client",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("naam", localised(20)),
    sa.Column("nummer", sa.Integer()),
)
product = sa.Table(
    "h_product",
    metadata,
    sa.Column("code", localised(20), primary_key=True),
    sa.Column("omschrijving", localised(20)),
    sa.Column("prijs", sa.Float()),
)
parent = sa.Table(
    "h_parent",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("ref", sa.Uuid()),
    sa.Column("zk", localised(20), nullable=False),
    sa.Column("tekst", localised(20)),
    sa.Column("aantal", sa.Integer()),
    sa.Column("bedrag", sa.Float()),
    sa.Column("dag", sa.Date()),
    sa.Column("moment", UTCDateTime()),
    sa.Column("actief", sa.Boolean()),
    sa.Column("client_id", sa.Uuid(), sa.ForeignKey("h_client.id")),
)
child = sa.Table(
    "h_child",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("parent_id", sa.Uuid(), sa.ForeignKey("h_parent.id"), nullable=False),
    sa.Column("instelling", localised(20)),
    sa.Column("pct", sa.Integer()),
    sa.Column("eind", sa.Date()),
    sa.Column("vast", UTCDateTime(), nullable=False),
    sa.Column("actief", sa.Boolean()),
    sa.Column("product_code", localised(20), sa.ForeignKey("h_product.code")),
)

registry = Registry()
registry.add(
    Entity(
        "Client",
        client,
        {
            "clientID": Scalar("id", "uuid"),
            "naam": Scalar("naam", "string"),
            "nummer": Scalar("nummer", "int"),
            "bemiddeling": ToMany("Bemiddeling", "id", "client_id"),
        },
    )
)
registry.add(
    Entity(
        "Product",
        product,
        {
            "code": Scalar("code", "string"),
            "omschrijving": Scalar("omschrijving", "string"),
            "prijs": Scalar("prijs", "float"),
        },
    )
)
registry.add(
    Entity(
        "Bemiddeling",
        parent,
        {
            "bemiddelingID": Scalar("id", "uuid"),
            "ref": Scalar("ref", "uuid"),
            "zk": Scalar("zk", "string"),
            "tekst": Scalar("tekst", "string"),
            "aantal": Scalar("aantal", "int"),
            "bedrag": Scalar("bedrag", "float"),
            "dag": Scalar("dag", "date"),
            "moment": Scalar("moment", "datetime"),
            "actief": Scalar("actief", "boolean"),
            "client": ToOne("Client", "client_id", "id"),
            "specificatie": ToMany("Specificatie", "id", "parent_id"),
            "raadpleegDatum": Context(),
        },
    )
)
registry.add(
    Entity(
        "Specificatie",
        child,
        {
            "specificatieID": Scalar("id", "uuid"),
            "instelling": Scalar("instelling", "string"),
            "pct": Scalar("pct", "int"),
            "eind": Scalar("eind", "date"),
            "vast": Scalar("vast", "datetime"),
            "actief": Scalar("actief", "boolean"),
            "product": ToOne("Product", "product_code", "code"),
            "bemiddeling": ToOne("Bemiddeling", "parent_id", "id"),
        },
    )
)
TABLES = {"Bemiddeling": parent, "Specificatie": child, "Client": client}
PK = {"Bemiddeling": "bemiddelingID", "Specificatie": "specificatieID", "Client": "clientID"}

# --------------------------------------------------------------------------------------------
# Values: small domains, so that equality and ordering ties happen often.

UUIDS = [
    uuid.UUID("00000000-0000-4000-8000-0000000000ff"),
    uuid.UUID("12345678-9abc-4def-8123-456789abcdef"),
    uuid.UUID("ff000000-0000-4000-8000-000000000000"),
]
STRING_POOL = ["", "a", "A", "a%", "%a", "a_", "_", "%", "aA", "é", "😀", "A😀a", "ab"]
TZS = [dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
BASE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def datetimes() -> st.SearchStrategy[dt.datetime]:
    """Aware datetimes on a coarse grid, written in various zones (same instant, new text)."""
    return st.builds(
        lambda minutes, micro, tz: (
            BASE + dt.timedelta(minutes=minutes, microseconds=micro)
        ).astimezone(tz),
        st.sampled_from([0, 30, 60, 90]),
        st.sampled_from([0, 1]),
        st.sampled_from(TZS),
    )


def strings() -> st.SearchStrategy[str]:
    pool = st.sampled_from(STRING_POOL)
    return st.one_of(pool, pool, pool, st.text(alphabet="aA%_é😀", max_size=3))


VALUES: dict[ScalarKind, st.SearchStrategy[Any]] = {
    "uuid": st.sampled_from(UUIDS),
    "string": strings(),
    "int": st.integers(-2, 2),
    "float": st.one_of(st.sampled_from([-1.5, 0.0, 0.5, 1.0, 2.0]), st.integers(-1, 2)),
    "date": st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 5)),
    "datetime": datetimes(),
    "boolean": st.booleans(),
}
DATA_FLOATS = st.sampled_from([-1.5, 0.0, 0.5, 1.0, 2.0])


def nullable(strategy: st.SearchStrategy[Any], tenths: int = 2) -> st.SearchStrategy[Any]:
    """``strategy``, or ``None`` about ``tenths``/10 of the time."""
    return st.tuples(st.integers(0, 9), strategy).map(lambda t: None if t[0] < tenths else t[1])


# --------------------------------------------------------------------------------------------
# Datasets


@dataclass
class Dataset:
    clients: list[dict[str, Any]]
    products: list[dict[str, Any]]
    parents: list[dict[str, Any]]
    children: list[dict[str, Any]]

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """Nested dicts for the reference evaluator (relations by their filter key)."""
        clients = {c["id"]: dict(c, bemiddeling=[]) for c in self.clients}
        products = {p["code"]: dict(p) for p in self.products}
        parents = {p["id"]: dict(p, specificatie=[]) for p in self.parents}
        for p in parents.values():
            p["client"] = clients.get(p["client_id"])
            if p["client"] is not None:
                p["client"]["bemiddeling"].append(p)
        children = []
        for c in self.children:
            rec = dict(
                c, product=products.get(c["product_code"]), bemiddeling=parents[c["parent_id"]]
            )
            parents[c["parent_id"]]["specificatie"].append(rec)
            children.append(rec)
        return {
            "Client": list(clients.values()),
            "Bemiddeling": list(parents.values()),
            "Specificatie": children,
        }


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    ids = iter(draw(st.lists(st.uuids(), min_size=60, max_size=60, unique=True)))
    clients = [
        {
            "id": next(ids),
            "naam": draw(nullable(strings())),
            "nummer": draw(nullable(VALUES["int"])),
        }
        for _ in range(draw(st.integers(1, 3)))
    ]
    codes = draw(st.lists(strings().filter(bool), max_size=3, unique=True))
    products = [
        {
            "code": code,
            "omschrijving": draw(nullable(strings())),
            "prijs": draw(nullable(DATA_FLOATS)),
        }
        for code in codes
    ]
    client_ids = [c["id"] for c in clients]
    parents: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 8))):
        row = {
            "id": next(ids),
            "ref": draw(nullable(VALUES["uuid"])),
            "zk": draw(strings()),
            "tekst": draw(nullable(strings())),
            "aantal": draw(nullable(VALUES["int"])),
            "bedrag": draw(nullable(DATA_FLOATS)),
            "dag": draw(nullable(VALUES["date"])),
            "moment": draw(nullable(datetimes())),
            "actief": draw(nullable(st.booleans())),
            "client_id": draw(nullable(st.sampled_from(client_ids))) if client_ids else None,
        }
        parents.append(row)
        for _ in range(draw(st.integers(0, 4))):
            children.append(
                {
                    "id": next(ids),
                    "parent_id": row["id"],
                    "instelling": draw(nullable(strings())),
                    "pct": draw(nullable(VALUES["int"])),
                    "eind": draw(nullable(VALUES["date"])),
                    "vast": draw(datetimes()),
                    "actief": draw(nullable(st.booleans())),
                    "product_code": draw(nullable(st.sampled_from(codes))) if codes else None,
                }
            )
    return Dataset(clients, products, parents, children)


# --------------------------------------------------------------------------------------------
# Filters and orders


def one_or_list(strategy: st.SearchStrategy[Any], min_size: int) -> st.SearchStrategy[Any]:
    """A list, or (GraphQL list coercion) a lone element."""
    return st.one_of(st.lists(strategy, min_size=min_size, max_size=2), strategy)


def objects(entries: list[st.SearchStrategy[tuple[str, Any]]]) -> st.SearchStrategy[dict[str, Any]]:
    # Empty objects are rare here: they match trivially (test_filters.py covers them).
    return st.lists(st.one_of(entries), min_size=1, max_size=2).map(dict)


@functools.cache
def operations(kind: ScalarKind, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    value = VALUES[kind]
    entries: list[st.SearchStrategy[tuple[str, Any]]] = []
    for op in operators(kind):
        if op in ("in", "nin"):
            elements = nullable(value, 3)
            operand = nullable(st.one_of(st.lists(elements, max_size=4), elements), 1)
        else:
            operand = nullable(value, 1)
        entries.append(st.tuples(st.just(op), operand))
    if depth > 0:
        inner = operations(kind, depth - 1)
        entries.append(st.tuples(st.just("and"), one_or_list(inner, 0)))
        entries.append(st.tuples(st.just("or"), one_or_list(inner, 1)))
    return objects(entries)


@functools.cache
def filters(entity_name: str, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    entity = registry[entity_name]
    entries: list[st.SearchStrategy[tuple[str, Any]]] = []
    for key, spec in entity.fields.items():
        if isinstance(spec, Scalar):
            entries.append(
                st.tuples(st.just(key), nullable(operations(spec.kind, min(depth, 1)), 1))
            )
        elif isinstance(spec, Context):
            entries.append(st.tuples(st.just(key), st.one_of(st.none(), st.dates(), st.text())))
        elif depth > 0 and isinstance(spec, ToOne):
            entries.append(st.tuples(st.just(key), nullable(filters(spec.target, depth - 1), 1)))
        elif depth > 0 and isinstance(spec, ToMany):
            inner = filters(spec.target, depth - 1)
            quantifiers = objects(
                [
                    st.tuples(st.just("some"), nullable(inner, 1)),
                    st.tuples(st.just("all"), nullable(inner, 1)),
                    st.tuples(st.just("none"), nullable(inner, 1)),
                    st.tuples(st.just("any"), nullable(st.booleans(), 1)),
                ]
            )
            entries.append(st.tuples(st.just(key), quantifiers))
    if depth > 0:
        inner = filters(entity_name, depth - 1)
        entries.append(st.tuples(st.just("and"), one_or_list(inner, 0)))
        entries.append(st.tuples(st.just("or"), one_or_list(inner, 1)))
    return objects(entries)


@functools.cache
def sort_inputs(entity_name: str, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    entity = registry[entity_name]
    entries: list[st.SearchStrategy[tuple[str, Any]]] = []
    for key, spec in entity.fields.items():
        if isinstance(spec, Scalar):
            entries.append(st.tuples(st.just(key), st.sampled_from(["ASC", "DESC"])))
        elif depth > 0 and isinstance(spec, ToOne):
            entries.append(st.tuples(st.just(key), sort_inputs(spec.target, depth - 1)))
    return st.lists(st.one_of(entries), min_size=1, max_size=2).map(dict)


# --------------------------------------------------------------------------------------------
# Running


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    metadata.create_all(eng)
    yield eng
    eng.dispose()


def load(engine: Engine, data: Dataset) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for table, rows in (
            (client, data.clients),
            (product, data.products),
            (parent, data.parents),
            (child, data.children),
        ):
            if rows:
                conn.execute(table.insert(), rows)


ROOTS = st.sampled_from(["Bemiddeling", "Bemiddeling", "Specificatie", "Client"])
#: Filters (or orders) checked per dataset: loading rows costs more than a query, and one
#: filter per example would leave most operator/field/null combinations untried.
PER_DATASET = 12


def select_ids(engine: Engine, stmt: sa.Select[Any]) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(stmt).scalars().all())


def test_where_agrees_with_reference(engine: Engine) -> None:
    @SETTINGS
    @given(data=datasets(), choice=st.data())
    def check(data: Dataset, choice: st.DataObject) -> None:
        load(engine, data)
        records = data.records()
        for _ in range(PER_DATASET):
            root = choice.draw(ROOTS, label="root")
            where = choice.draw(nullable(filters(root, 3), 1), label="where")
            table = TABLES[root]
            stmt = sa.select(table.c.id).where(compile_where(registry, root, where))
            got = set(select_ids(engine, stmt))
            expected = {
                r["id"] for r in records[root] if reference.matches(registry, root, where, r)
            }
            assert got == expected

    check()


def test_order_agrees_with_reference(engine: Engine) -> None:
    @SETTINGS
    @given(data=datasets(), choice=st.data())
    def check(data: Dataset, choice: st.DataObject) -> None:
        load(engine, data)
        records = data.records()
        for _ in range(PER_DATASET // 2):
            root = choice.draw(ROOTS, label="root")
            order = choice.draw(st.lists(sort_inputs(root, 2), max_size=3), label="order")
            where = choice.draw(nullable(filters(root, 1), 3), label="where")
            # The primary key last makes the order total, so the sequences must be identical.
            tiebreak = {PK[root]: choice.draw(st.sampled_from(["ASC", "DESC"]), label="pk")}
            total = [*order, tiebreak]
            table = TABLES[root]
            stmt = (
                sa.select(table.c.id)
                .where(compile_where(registry, root, where))
                .order_by(*compile_order(registry, root, total))
            )
            got = select_ids(engine, stmt)
            kept = [r for r in records[root] if reference.matches(registry, root, where, r)]
            expected = [r["id"] for r in reference.sort_records(registry, root, total, kept)]
            assert got == expected

    check()
