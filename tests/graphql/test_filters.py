"""Example tests for the HotChocolate-style filter/sort compiler.

Every filter case runs through SQL (SQLite, and PostgreSQL when configured) and through the
reference evaluator, and both must give the expected rows.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core.db import UTCDateTime, create_engine
from iwlz.graphql import reference
from iwlz.graphql.filters import (
    MAX_DEPTH,
    Context,
    Entity,
    FilterError,
    Registry,
    Scalar,
    ToMany,
    ToOne,
    compile_order,
    compile_where,
    validate_where,
)

# --------------------------------------------------------------------------------------------
# Schema: a Bemiddeling-like parent with a to-one client and a to-many specificatie, whose
# elements point to a product (to-one) and back to the parent (a cycle).

metadata = sa.MetaData()


def localised(length: int) -> sa.types.TypeEngine[str]:
    """A string column that, on PostgreSQL, has a locale collation (ICU root).

    Code-point order must come from the compiler, not from a C-collated test database.
    """
    return sa.String(length).with_variant(sa.String(length, collation="und-x-icu"), "postgresql")


client = sa.Table(
    "t_client",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("bsn", sa.String(9), nullable=False),
    sa.Column("naam", localised(50)),
)
product = sa.Table(
    "t_product",
    metadata,
    sa.Column("code", localised(10), primary_key=True),
    sa.Column("omschrijving", sa.String(50)),
)
bemiddeling = sa.Table(
    "t_bemiddeling",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("label", sa.String(5), nullable=False),
    sa.Column("wlz_id", sa.Uuid()),
    sa.Column("zk", sa.String(4), nullable=False),
    sa.Column("opmerking", localised(50)),
    sa.Column("aantal", sa.Integer()),
    sa.Column("bedrag", sa.Float()),
    sa.Column("ingang", sa.Date(), nullable=False),
    sa.Column("eind", sa.Date()),
    sa.Column("moment", UTCDateTime()),
    sa.Column("actief", sa.Boolean()),
    sa.Column("client_id", sa.Uuid(), sa.ForeignKey("t_client.id")),
)
specificatie = sa.Table(
    "t_specificatie",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("label", sa.String(5), nullable=False),
    sa.Column("bemiddeling_id", sa.Uuid(), sa.ForeignKey("t_bemiddeling.id"), nullable=False),
    sa.Column("instelling", sa.String(8)),
    sa.Column("percentage", sa.Integer()),
    sa.Column("eind", sa.Date()),
    sa.Column("vastgesteld", UTCDateTime(), nullable=False),
    sa.Column("product_code", localised(10), sa.ForeignKey("t_product.code")),
)

registry = Registry()
registry.add(
    Entity(
        "Client",
        client,
        {
            "clientID": Scalar("id", "uuid"),
            "bsn": Scalar("bsn", "string"),
            "naam": Scalar("naam", "string"),
            "bemiddeling": ToMany("Bemiddeling", "id", "client_id"),
        },
    )
)
registry.add(
    Entity(
        "Product",
        product,
        {"code": Scalar("code", "string"), "omschrijving": Scalar("omschrijving", "string")},
    )
)
registry.add(
    Entity(
        "Bemiddeling",
        bemiddeling,
        {
            "bemiddelingID": Scalar("id", "uuid"),
            "label": Scalar("label", "string"),
            "wlzIndicatieID": Scalar("wlz_id", "uuid"),
            "verantwoordelijkZorgkantoor": Scalar("zk", "string"),
            "opmerking": Scalar("opmerking", "string"),
            "aantal": Scalar("aantal", "int"),
            "bedrag": Scalar("bedrag", "float"),
            "ingangsdatum": Scalar("ingang", "date"),
            "einddatum": Scalar("eind", "date"),
            "moment": Scalar("moment", "datetime"),
            "actief": Scalar("actief", "boolean"),
            "client": ToOne("Client", "client_id", "id"),
            "specificatie": ToMany("Specificatie", "id", "bemiddeling_id"),
            "raadpleegDatum": Context(),
        },
    )
)
registry.add(
    Entity(
        "Specificatie",
        specificatie,
        {
            "specificatieID": Scalar("id", "uuid"),
            "label": Scalar("label", "string"),
            "instelling": Scalar("instelling", "string"),
            "percentage": Scalar("percentage", "int"),
            "einddatum": Scalar("eind", "date"),
            "vaststellingMoment": Scalar("vastgesteld", "datetime"),
            "product": ToOne("Product", "product_code", "code"),
            "bemiddeling": ToOne("Bemiddeling", "bemiddeling_id", "id"),
        },
    )
)
# An IR/LR-style view of the same table: no entity-level and/or.
registry.add(
    Entity(
        "Levering",
        bemiddeling,
        {"label": Scalar("label", "string"), "aantal": Scalar("aantal", "int")},
        and_or=False,
    )
)

# --------------------------------------------------------------------------------------------
# Data

CET = dt.timezone(dt.timedelta(hours=1), "CET")
UTC = dt.UTC
D = dt.date


def uid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


W1, W2 = uid(0xA1), uid(0xA2)
C1, C2 = uid(0xC1), uid(0xC2)

CLIENTS = [
    {"id": C1, "bsn": "111", "naam": "Jansen"},
    {"id": C2, "bsn": "222", "naam": None},
]
PRODUCTS = [
    {"code": "A_1", "omschrijving": "50%"},
    {"code": "AB1", "omschrijving": "abc"},
]
BEMIDDELINGEN: list[dict[str, Any]] = [
    {
        "id": uid(1), "label": "B1", "wlz_id": W1, "zk": "5501", "opmerking": "Abc%def",
        "aantal": 1, "bedrag": 1.5, "ingang": D(2024, 1, 1), "eind": None,
        "moment": dt.datetime(2024, 3, 1, 10, 0, tzinfo=CET), "actief": True, "client_id": C1,
    },
    {
        "id": uid(2), "label": "B2", "wlz_id": W2, "zk": "5502", "opmerking": "abc_def",
        "aantal": 2, "bedrag": None, "ingang": D(2024, 2, 1), "eind": D(2024, 6, 30),
        # The same instant as B1's moment, written in another zone.
        "moment": dt.datetime(2024, 3, 1, 9, 0, tzinfo=UTC), "actief": False, "client_id": C2,
    },
    {
        "id": uid(3), "label": "B3", "wlz_id": None, "zk": "5501", "opmerking": None,
        "aantal": None, "bedrag": 2.0, "ingang": D(2024, 3, 1), "eind": D(2024, 12, 31),
        "moment": None, "actief": None, "client_id": None,
    },
    {
        "id": uid(4), "label": "B4", "wlz_id": W1, "zk": "5503", "opmerking": "ABC",
        "aantal": 3, "bedrag": -1.0, "ingang": D(2024, 1, 15), "eind": None,
        "moment": dt.datetime(2024, 3, 1, 9, 30, tzinfo=CET), "actief": True, "client_id": C1,
    },
    {
        "id": uid(5), "label": "B5", "wlz_id": W2, "zk": "5502", "opmerking": "",
        "aantal": 0, "bedrag": 0.0, "ingang": D(2024, 2, 1), "eind": D(2024, 2, 29),
        "moment": dt.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), "actief": False,
        "client_id": C2,
    },
]  # fmt: skip
VAST = dt.datetime(2024, 1, 1, 12, tzinfo=UTC)
SPECIFICATIES: list[dict[str, Any]] = [
    {"id": uid(11), "label": "S1", "bemiddeling_id": uid(1), "instelling": "A1",
     "percentage": 100, "eind": None, "vastgesteld": VAST, "product_code": "A_1"},
    {"id": uid(12), "label": "S2", "bemiddeling_id": uid(1), "instelling": "B2",
     "percentage": 50, "eind": D(2024, 5, 1), "vastgesteld": VAST, "product_code": None},
    {"id": uid(21), "label": "S3", "bemiddeling_id": uid(2), "instelling": "A1",
     "percentage": None, "eind": D(2024, 12, 31), "vastgesteld": VAST, "product_code": "AB1"},
    {"id": uid(41), "label": "S4", "bemiddeling_id": uid(4), "instelling": None,
     "percentage": 20, "eind": None, "vastgesteld": VAST, "product_code": "AB1"},
    {"id": uid(51), "label": "S5", "bemiddeling_id": uid(5), "instelling": "A1",
     "percentage": 100, "eind": None, "vastgesteld": VAST, "product_code": "A_1"},
]  # fmt: skip
ALL = {"B1", "B2", "B3", "B4", "B5"}


def _records() -> dict[str, list[dict[str, Any]]]:
    """The seed as nested dicts, the shape the reference evaluator reads."""
    clients = {c["id"]: dict(c) for c in CLIENTS}
    products = {p["code"]: dict(p) for p in PRODUCTS}
    parents = {b["id"]: dict(b, specificatie=[]) for b in BEMIDDELINGEN}
    for parent in parents.values():
        parent["client"] = clients.get(parent["client_id"])
    children = []
    for s in SPECIFICATIES:
        child = dict(s, product=products.get(s["product_code"]))
        child["bemiddeling"] = parents[s["bemiddeling_id"]]  # cycle, fine for the evaluator
        parents[s["bemiddeling_id"]]["specificatie"].append(child)
        children.append(child)
    for c in clients.values():
        c["bemiddeling"] = [p for p in parents.values() if p["client_id"] == c["id"]]
    return {
        "Bemiddeling": list(parents.values()),
        "Levering": list(parents.values()),
        "Specificatie": children,
        "Client": list(clients.values()),
    }


RECORDS = _records()
TABLES = {"Bemiddeling": bemiddeling, "Levering": bemiddeling, "Specificatie": specificatie}


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    metadata.create_all(eng)
    with eng.begin() as conn:
        conn.execute(client.insert(), CLIENTS)
        conn.execute(product.insert(), PRODUCTS)
        conn.execute(bemiddeling.insert(), BEMIDDELINGEN)
        conn.execute(specificatie.insert(), SPECIFICATIES)
    yield eng
    eng.dispose()


def select(
    engine: Engine, where: Mapping[str, Any] | None, entity: str = "Bemiddeling"
) -> set[str]:
    """Labels matched in SQL, checked against the reference evaluator."""
    table = TABLES[entity]
    with engine.connect() as conn:
        got = set(
            conn.execute(sa.select(table.c.label).where(compile_where(registry, entity, where)))
            .scalars()
            .all()
        )
    expected = {
        r["label"] for r in RECORDS[entity] if reference.matches(registry, entity, where, r)
    }
    assert got == expected, f"SQL {sorted(got)} != reference {sorted(expected)} for {where}"
    return got


def ordered(engine: Engine, order: Any, entity: str = "Bemiddeling") -> list[str]:
    """Labels in SQL order (primary key as final tiebreak), checked against the reference."""
    table = TABLES[entity]
    with engine.connect() as conn:
        got = list(
            conn.execute(
                sa.select(table.c.label).order_by(
                    *compile_order(registry, entity, order), table.c.id
                )
            )
            .scalars()
            .all()
        )
    by_pk = sorted(RECORDS[entity], key=lambda r: r["id"])
    expected = [r["label"] for r in reference.sort_records(registry, entity, order, by_pk)]
    assert got == expected, f"SQL {got} != reference {expected} for {order}"
    return got


def error(where: Any, entity: str = "Bemiddeling") -> FilterError:
    """The FilterError raised by the compiler; the reference must raise the same one."""
    with pytest.raises(FilterError) as excinfo:
        compile_where(registry, entity, where)
    with pytest.raises(FilterError) as ref_excinfo:
        reference.matches(registry, entity, where, RECORDS[entity][0])
    assert str(ref_excinfo.value) == str(excinfo.value)
    return excinfo.value


# --------------------------------------------------------------------------------------------
# Scalars


def test_empty_filters_match_everything(engine: Engine) -> None:
    assert select(engine, None) == ALL
    assert select(engine, {}) == ALL
    assert select(engine, {"and": []}) == ALL
    assert select(engine, {"opmerking": {}}) == ALL
    assert select(engine, {"raadpleegDatum": D(2024, 1, 1)}) == ALL  # context key: ignored


def test_uuid_operators(engine: Engine) -> None:
    assert select(engine, {"bemiddelingID": {"eq": uid(2)}}) == {"B2"}
    assert select(engine, {"wlzIndicatieID": {"eq": W1}}) == {"B1", "B4"}
    assert select(engine, {"wlzIndicatieID": {"neq": W1}}) == {"B2", "B3", "B5"}
    assert select(engine, {"wlzIndicatieID": {"in": [W2, uid(99)]}}) == {"B2", "B5"}
    assert select(engine, {"wlzIndicatieID": {"nin": [W2]}}) == {"B1", "B3", "B4"}
    assert select(engine, {"wlzIndicatieID": {"gt": W1}}) == {"B2", "B5"}
    assert select(engine, {"wlzIndicatieID": {"ngt": W1}}) == {"B1", "B3", "B4"}
    assert select(engine, {"bemiddelingID": {"gte": uid(4)}}) == {"B4", "B5"}
    assert select(engine, {"bemiddelingID": {"lt": uid(2), "nlte": uid(0)}}) == {"B1"}
    assert select(engine, {"bemiddelingID": {"ngte": uid(3), "nlt": uid(2)}}) == {"B2"}


def test_string_equality_is_case_sensitive(engine: Engine) -> None:
    assert select(engine, {"opmerking": {"eq": "ABC"}}) == {"B4"}
    assert select(engine, {"opmerking": {"eq": "abc"}}) == set()
    assert select(engine, {"opmerking": {"eq": ""}}) == {"B5"}
    assert select(engine, {"opmerking": {"neq": "ABC"}}) == ALL - {"B4"}
    assert select(engine, {"opmerking": {"in": ["ABC", "abc_def", "x"]}}) == {"B2", "B4"}
    assert select(engine, {"opmerking": {"nin": ["ABC", "abc_def"]}}) == {"B1", "B3", "B5"}


def test_string_contains_starts_ends(engine: Engine) -> None:
    # % and _ are plain characters, and case matters.
    assert select(engine, {"opmerking": {"contains": "%"}}) == {"B1"}
    assert select(engine, {"opmerking": {"contains": "_"}}) == {"B2"}
    assert select(engine, {"opmerking": {"contains": "c%d"}}) == {"B1"}
    assert select(engine, {"opmerking": {"contains": "bc"}}) == {"B1", "B2"}
    assert select(engine, {"opmerking": {"contains": "BC"}}) == {"B4"}
    assert select(engine, {"opmerking": {"ncontains": "bc"}}) == {"B3", "B4", "B5"}
    assert select(engine, {"opmerking": {"startsWith": "abc"}}) == {"B2"}
    assert select(engine, {"opmerking": {"startsWith": "A"}}) == {"B1", "B4"}
    assert select(engine, {"opmerking": {"startsWith": "abc_"}}) == {"B2"}
    assert select(engine, {"opmerking": {"startsWith": "abc%"}}) == set()
    assert select(engine, {"opmerking": {"nstartsWith": "A"}}) == {"B2", "B3", "B5"}
    assert select(engine, {"opmerking": {"endsWith": "def"}}) == {"B1", "B2"}
    assert select(engine, {"opmerking": {"endsWith": "%def"}}) == {"B1"}
    assert select(engine, {"opmerking": {"endsWith": "DEF"}}) == set()
    assert select(engine, {"opmerking": {"endsWith": "xAbc%def"}}) == set()  # longer than value
    assert select(engine, {"opmerking": {"nendsWith": "def"}}) == {"B3", "B4", "B5"}
    # The empty string is in every non-null string.
    assert select(engine, {"opmerking": {"contains": ""}}) == ALL - {"B3"}
    assert select(engine, {"opmerking": {"startsWith": ""}}) == ALL - {"B3"}
    assert select(engine, {"opmerking": {"nendsWith": ""}}) == {"B3"}


def test_string_operators_count_characters_not_bytes(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            bemiddeling.update().where(bemiddeling.c.id == uid(5)).values(opmerking="é€😀x")
        )
    RECORDS["Bemiddeling"][4]["opmerking"] = "é€😀x"
    try:
        assert select(engine, {"opmerking": {"startsWith": "é€"}}) == {"B5"}
        assert select(engine, {"opmerking": {"endsWith": "😀x"}}) == {"B5"}
        assert select(engine, {"opmerking": {"contains": "€😀"}}) == {"B5"}
        assert select(engine, {"opmerking": {"endsWith": "x"}}) == {"B5"}
        assert ordered(engine, [{"opmerking": "DESC"}])[0] == "B5"
    finally:
        RECORDS["Bemiddeling"][4]["opmerking"] = ""


def test_int_and_float_operators(engine: Engine) -> None:
    assert select(engine, {"aantal": {"eq": 2}}) == {"B2"}
    assert select(engine, {"aantal": {"gt": 1}}) == {"B2", "B4"}
    assert select(engine, {"aantal": {"gte": 1, "lte": 2}}) == {"B1", "B2"}
    assert select(engine, {"aantal": {"lt": 1}}) == {"B5"}
    assert select(engine, {"aantal": {"in": [0, 3]}}) == {"B4", "B5"}
    assert select(engine, {"bedrag": {"eq": 2}}) == {"B3"}  # an int for a float field
    assert select(engine, {"bedrag": {"gt": 0.5}}) == {"B1", "B3"}
    assert select(engine, {"bedrag": {"lte": 0}}) == {"B4", "B5"}
    assert select(engine, {"bedrag": {"nin": [1.5, -1]}}) == {"B2", "B3", "B5"}


def test_date_and_datetime_operators(engine: Engine) -> None:
    assert select(engine, {"ingangsdatum": {"eq": D(2024, 2, 1)}}) == {"B2", "B5"}
    assert select(engine, {"ingangsdatum": {"gt": D(2024, 1, 15)}}) == {"B2", "B3", "B5"}
    assert select(engine, {"einddatum": {"lt": D(2024, 7, 1)}}) == {"B2", "B5"}
    # Instants, not wall-clock times: B1 10:00+01:00 and B2 09:00Z are equal.
    instant = dt.datetime(2024, 3, 1, 4, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert select(engine, {"moment": {"eq": instant}}) == {"B1", "B2"}
    assert select(engine, {"moment": {"lt": instant}}) == {"B4", "B5"}
    assert select(engine, {"moment": {"gte": instant}}) == {"B1", "B2"}
    assert select(engine, {"moment": {"in": [instant]}}) == {"B1", "B2"}
    midnight = dt.datetime(2024, 3, 1, 0, 0, tzinfo=CET)  # 2024-02-29T23:00Z
    assert select(engine, {"moment": {"lte": midnight}}) == set()
    assert select(engine, {"moment": {"gt": midnight}}) == {"B1", "B2", "B4", "B5"}


def test_boolean_operators(engine: Engine) -> None:
    assert select(engine, {"actief": {"eq": True}}) == {"B1", "B4"}
    assert select(engine, {"actief": {"eq": False}}) == {"B2", "B5"}
    assert select(engine, {"actief": {"neq": True}}) == {"B2", "B3", "B5"}
    assert select(engine, {"actief": {"eq": None}}) == {"B3"}


# --------------------------------------------------------------------------------------------
# Null semantics


def test_eq_null_and_neq_null(engine: Engine) -> None:
    assert select(engine, {"einddatum": {"eq": None}}) == {"B1", "B4"}
    assert select(engine, {"einddatum": {"neq": None}}) == {"B2", "B3", "B5"}
    assert select(engine, {"opmerking": {"eq": None}}) == {"B3"}


def test_comparison_on_null_field_is_false_and_its_negation_true(engine: Engine) -> None:
    assert select(engine, {"aantal": {"gt": -100}}) == ALL - {"B3"}
    assert select(engine, {"aantal": {"ngt": -100}}) == {"B3"}
    assert select(engine, {"aantal": {"nlt": 2}}) == {"B2", "B3", "B4"}
    assert select(engine, {"aantal": {"neq": 1}}) == ALL - {"B1"}
    assert select(engine, {"opmerking": {"ncontains": "x"}}) == ALL
    assert select(engine, {"opmerking": {"nstartsWith": "x"}}) == ALL


def test_null_operand_means_no_constraint(engine: Engine) -> None:
    for op in ("gt", "ngt", "gte", "ngte", "lt", "nlt", "lte", "nlte", "in", "nin"):
        assert select(engine, {"einddatum": {op: None}}) == ALL, op
    for op in ("contains", "ncontains", "startsWith", "nendsWith"):
        assert select(engine, {"opmerking": {op: None}}) == ALL, op
    assert select(engine, {"einddatum": {"lte": None, "gt": D(2024, 6, 1)}}) == {"B2", "B3"}
    for key in ("einddatum", "client", "specificatie", "and", "or"):
        assert select(engine, {key: None}) == ALL, key
    assert select(engine, {"specificatie": {"some": None, "any": None}}) == ALL


def test_in_and_nin_with_null_elements(engine: Engine) -> None:
    assert select(engine, {"aantal": {"in": [None, 2]}}) == {"B2", "B3"}
    assert select(engine, {"aantal": {"in": [None]}}) == {"B3"}
    assert select(engine, {"aantal": {"nin": [None, 2]}}) == {"B1", "B4", "B5"}
    assert select(engine, {"aantal": {"nin": [2]}}) == {"B1", "B3", "B4", "B5"}
    assert select(engine, {"aantal": {"in": []}}) == set()
    assert select(engine, {"aantal": {"nin": []}}) == ALL
    assert select(engine, {"aantal": {"in": 2}}) == {"B2"}  # list coercion


# --------------------------------------------------------------------------------------------
# and / or


def test_and_or_nesting_and_list_coercion(engine: Engine) -> None:
    b1_or_b4 = {"or": [{"label": {"eq": "B1"}}, {"label": {"eq": "B4"}}]}
    assert select(engine, b1_or_b4) == {"B1", "B4"}
    assert select(engine, {**b1_or_b4, "aantal": {"gt": 1}}) == {"B4"}
    assert select(engine, {"and": [b1_or_b4, {"actief": {"eq": True}}]}) == {"B1", "B4"}
    assert select(engine, {"and": {"aantal": {"eq": 2}}}) == {"B2"}
    assert select(engine, {"or": {"aantal": {"eq": 2}}}) == {"B2"}
    nested = {
        "or": [
            {"and": [{"verantwoordelijkZorgkantoor": {"eq": "5501"}}, {"einddatum": {"eq": None}}]},
            {"or": [{"and": {"aantal": {"eq": 0}}}, {"opmerking": {"eq": "ABC"}}]},
        ]
    }
    assert select(engine, nested) == {"B1", "B4", "B5"}
    # QBR-0008-style window.
    window = {
        "ingangsdatum": {"ngt": D(2024, 2, 1)},
        "or": [{"einddatum": {"gt": D(2024, 2, 29)}}, {"einddatum": {"eq": None}}],
    }
    assert select(engine, window) == {"B1", "B2", "B4"}


def test_operation_level_and_or(engine: Engine) -> None:
    assert select(engine, {"opmerking": {"or": [{"eq": "ABC"}, {"startsWith": "abc"}]}}) == {
        "B2",
        "B4",
    }
    assert select(engine, {"aantal": {"and": [{"gte": 1}, {"lte": 2}], "neq": 2}}) == {"B1"}
    assert select(engine, {"aantal": {"or": {"eq": 3}}}) == {"B4"}
    assert select(engine, {"aantal": {"or": [{"eq": None}, {"eq": 0}]}}) == {"B3", "B5"}


def test_empty_or_is_rejected(engine: Engine) -> None:
    assert error({"or": []}).path == "where.or"
    assert error({"aantal": {"or": []}}).path == "where.aantal.or"


def test_and_or_rejected_when_entity_has_none(engine: Engine) -> None:
    assert select(engine, {"aantal": {"or": [{"eq": 1}, {"eq": 3}]}}, "Levering") == {"B1", "B4"}
    e = error({"or": [{"aantal": {"eq": 1}}]}, "Levering")
    assert e.path == "where.or"
    assert "LeveringFilterInput has no 'or'" in str(e)
    assert error({"and": None}, "Levering").path == "where.and"


# --------------------------------------------------------------------------------------------
# Relations


def test_to_one(engine: Engine) -> None:
    assert select(engine, {"client": {"bsn": {"eq": "111"}}}) == {"B1", "B4"}
    # B3 has no client at all: it does not match, even for an eq-null test on the client.
    assert select(engine, {"client": {"naam": {"eq": None}}}) == {"B2", "B5"}
    assert select(engine, {"client": {}}) == ALL - {"B3"}
    assert select(engine, {"client": {"naam": {"neq": "Jansen"}}}) == {"B2", "B5"}
    assert select(
        engine, {"or": [{"client": {"bsn": {"eq": "222"}}}, {"wlzIndicatieID": {"eq": None}}]}
    ) == {"B2", "B3", "B5"}


def test_to_many_quantifiers(engine: Engine) -> None:
    a1 = {"instelling": {"eq": "A1"}}
    assert select(engine, {"specificatie": {"some": a1}}) == {"B1", "B2", "B5"}
    # all: vacuously true for B3, which has no specificaties.
    assert select(engine, {"specificatie": {"all": a1}}) == {"B2", "B3", "B5"}
    assert select(engine, {"specificatie": {"none": a1}}) == {"B3", "B4"}
    assert select(engine, {"specificatie": {"any": True}}) == ALL - {"B3"}
    assert select(engine, {"specificatie": {"any": False}}) == {"B3"}
    assert select(engine, {"specificatie": {"some": {}}}) == ALL - {"B3"}
    assert select(engine, {"specificatie": {"all": {}}}) == ALL
    assert select(engine, {"specificatie": {"none": {}}}) == {"B3"}
    assert select(engine, {"specificatie": {}}) == ALL
    # Several quantifiers in one object are ANDed.
    assert select(engine, {"specificatie": {"all": a1, "any": True}}) == {"B2", "B5"}
    # S4 has no instelling, so B4 fails; S3 has no percentage, and ngt holds on NULL.
    assert select(engine, {"specificatie": {"all": {"instelling": {"neq": None}}}}) == ALL - {"B4"}
    assert select(engine, {"specificatie": {"all": {"percentage": {"ngt": 50}}}}) == {
        "B2",
        "B3",
        "B4",
    }


def test_nested_relations_and_cycles(engine: Engine) -> None:
    pct = {"specificatie": {"some": {"product": {"omschrijving": {"contains": "%"}}}}}
    assert select(engine, pct) == {"B1", "B5"}
    no_product = {"specificatie": {"some": {"product": {"code": {"neq": None}}}}}
    assert select(engine, no_product) == {"B1", "B2", "B4", "B5"}
    cycle = {"bemiddeling": {"client": {"bsn": {"eq": "111"}}, "specificatie": {"any": True}}}
    assert select(engine, cycle, "Specificatie") == {"S1", "S2", "S4"}
    siblings = {
        "bemiddeling": {"specificatie": {"some": {"instelling": {"eq": "B2"}}}},
        "instelling": {"neq": "B2"},
    }
    assert select(engine, siblings, "Specificatie") == {"S1"}
    assert select(engine, {"product": {}}, "Specificatie") == {"S1", "S3", "S4", "S5"}


def test_compile_where_on_an_alias(engine: Engine) -> None:
    alias = bemiddeling.alias("b")
    where = {"specificatie": {"some": {"instelling": {"eq": "A1"}}}, "actief": {"eq": True}}
    stmt = sa.select(alias.c.label).where(
        compile_where(registry, "Bemiddeling", where, source=alias)
    )
    with engine.connect() as conn:
        assert set(conn.execute(stmt).scalars()) == {"B1"}


# --------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("where", "path", "fragment"),
    [
        ({"nope": {"eq": 1}}, "where.nope", "unknown field 'nope' on BemiddelingFilterInput"),
        ({"aantal": {"like": 1}}, "where.aantal.like", "unknown operator 'like' for a int field"),
        ({"actief": {"gt": True}}, "where.actief.gt", "unknown operator 'gt'"),
        ({"opmerking": {"gt": "a"}}, "where.opmerking.gt", "unknown operator 'gt'"),
        ({"aantal": {"eq": "1"}}, "where.aantal.eq", "expected an Int, got str '1'"),
        ({"aantal": {"eq": True}}, "where.aantal.eq", "expected an Int, got bool"),
        ({"aantal": {"eq": 1.0}}, "where.aantal.eq", "expected an Int, got float"),
        ({"aantal": {"eq": 2**70}}, "where.aantal.eq", "out of range"),
        ({"bedrag": {"eq": float("nan")}}, "where.bedrag.eq", "finite Float"),
        ({"bedrag": {"eq": False}}, "where.bedrag.eq", "expected a Float"),
        ({"opmerking": {"eq": 1}}, "where.opmerking.eq", "expected a String"),
        ({"opmerking": {"eq": "a\x00"}}, "where.opmerking.eq", "NUL"),
        ({"bemiddelingID": {"eq": str(uid(1))}}, "where.bemiddelingID.eq", "expected a UUID"),
        (
            {"moment": {"gt": dt.datetime(2024, 1, 1)}},
            "where.moment.gt",
            "DateTime needs a time-zone offset",
        ),
        ({"moment": {"gt": D(2024, 1, 1)}}, "where.moment.gt", "expected a DateTime"),
        (
            {"ingangsdatum": {"eq": dt.datetime(2024, 1, 1, tzinfo=UTC)}},
            "where.ingangsdatum.eq",
            "expected a Date",
        ),
        ({"actief": {"eq": 1}}, "where.actief.eq", "expected a Boolean"),
        ({"aantal": {"in": [1, "2"]}}, "where.aantal.in[1]", "expected an Int"),
        ({"aantal": 3}, "where.aantal", "expected an operation filter object"),
        ({"client": [{"bsn": {"eq": "1"}}]}, "where.client", "expected a ClientFilterInput"),
        ({"and": [None]}, "where.and[0]", "null is not allowed"),
        ({"or": [{}, {"x": {}}]}, "where.or[1].x", "unknown field 'x'"),
        (
            {"specificatie": {"some": {"instelling": {"eq": 3}}}},
            "where.specificatie.some.instelling.eq",
            "expected a String",
        ),
        ({"specificatie": {"exists": True}}, "where.specificatie.exists", "unknown list operator"),
        ({"specificatie": {"any": "yes"}}, "where.specificatie.any", "expected a Boolean"),
        ({"specificatie": {"eq": None}}, "where.specificatie.eq", "unknown list operator"),
        ({"specificatie": [{"any": True}]}, "where.specificatie", "ListFilterInputTypeOf"),
        (
            {"specificatie": {"all": {"bemiddeling": {"label": {"startsWith": 1}}}}},
            "where.specificatie.all.bemiddeling.label.startsWith",
            "expected a String",
        ),
        ([{"label": {"eq": "B1"}}], "where", "expected a BemiddelingFilterInput object"),
    ],
)
def test_invalid_filters(where: Any, path: str, fragment: str) -> None:
    e = error(where)
    assert e.path == path
    assert fragment in str(e)
    assert str(e).startswith(path + ": ")


def test_depth_limit() -> None:
    where: dict[str, Any] = {"label": {"eq": "B1"}}
    for _ in range(MAX_DEPTH + 1):
        where = {"and": [where]}
    with pytest.raises(FilterError, match="nested deeper"):
        validate_where(registry, "Bemiddeling", where)


# --------------------------------------------------------------------------------------------
# Sorting


class SortEnum(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


def test_sort_nulls_first_ascending_last_descending(engine: Engine) -> None:
    assert ordered(engine, [{"aantal": "ASC"}]) == ["B3", "B5", "B1", "B2", "B4"]
    assert ordered(engine, [{"aantal": "DESC"}]) == ["B4", "B2", "B1", "B5", "B3"]
    assert ordered(engine, [{"einddatum": "ASC"}]) == ["B1", "B4", "B5", "B2", "B3"]
    assert ordered(engine, [{"moment": "ASC"}]) == ["B3", "B5", "B4", "B1", "B2"]
    assert ordered(engine, [{"actief": "DESC"}]) == ["B1", "B4", "B2", "B5", "B3"]
    assert ordered(engine, [{"wlzIndicatieID": SortEnum.DESC}]) == ["B2", "B5", "B1", "B4", "B3"]


def test_sort_strings_by_code_point(engine: Engine) -> None:
    # Code points: "" < "ABC" < "Abc%def" < "abc_def"; a locale collation would differ.
    assert ordered(engine, [{"opmerking": "ASC"}]) == ["B3", "B5", "B4", "B1", "B2"]


def test_sort_keys_apply_in_order(engine: Engine) -> None:
    assert ordered(engine, [{"verantwoordelijkZorgkantoor": "ASC"}, {"aantal": "DESC"}]) == [
        "B1",
        "B3",
        "B2",
        "B5",
        "B4",
    ]
    # Keys within one object apply in insertion order.
    assert ordered(engine, [{"ingangsdatum": "DESC", "label": "DESC"}]) == [
        "B3",
        "B5",
        "B2",
        "B4",
        "B1",
    ]
    assert ordered(engine, [{"label": "DESC", "ingangsdatum": "DESC"}]) == [
        "B5",
        "B4",
        "B3",
        "B2",
        "B1",
    ]
    assert ordered(engine, {"label": "DESC"}) == ["B5", "B4", "B3", "B2", "B1"]
    assert ordered(engine, [None, {"label": None}, {"aantal": "ASC"}])[0] == "B3"
    assert ordered(engine, []) == ["B1", "B2", "B3", "B4", "B5"]
    assert ordered(engine, None) == ["B1", "B2", "B3", "B4", "B5"]


def test_sort_through_to_one(engine: Engine) -> None:
    # B3 has no client and sorts as NULL; C2 has a NULL naam.
    assert ordered(engine, [{"client": {"naam": "ASC"}}]) == ["B2", "B3", "B5", "B1", "B4"]
    assert ordered(engine, [{"client": {"naam": "DESC"}}, {"label": "DESC"}]) == [
        "B4",
        "B1",
        "B5",
        "B3",
        "B2",
    ]
    # Two hops, then product code by code point: "AB1" < "A_1" because "B" < "_".
    spec_order = [{"bemiddeling": {"client": {"bsn": "DESC"}}}, {"product": {"code": "ASC"}}]
    assert ordered(engine, spec_order, "Specificatie") == ["S3", "S5", "S2", "S4", "S1"]


@pytest.mark.parametrize(
    ("order", "path", "fragment"),
    [
        ([{"specificatie": {"label": "ASC"}}], "order[0].specificatie", "to-many"),
        ([{"and": [{"label": "ASC"}]}], "order[0].and", "not sortable"),
        ([{"raadpleegDatum": "ASC"}], "order[0].raadpleegDatum", "not sortable"),
        ([{"nope": "ASC"}], "order[0].nope", "unknown"),
        ([{"label": "ASC"}, {"label": "asc"}], "order[1].label", "expected ASC or DESC"),
        ([{"label": 1}], "order[0].label", "expected ASC or DESC"),
        ([{"client": "ASC"}], "order[0].client", "expected a ClientSortInput"),
        ([{"client": {"bemiddeling": {"label": "ASC"}}}], "order[0].client.bemiddeling", "to-many"),
        (["label"], "order[0]", "expected a BemiddelingSortInput"),
    ],
)
def test_invalid_orders(order: Any, path: str, fragment: str) -> None:
    with pytest.raises(FilterError) as excinfo:
        compile_order(registry, "Bemiddeling", order)
    assert excinfo.value.path == path
    assert fragment in str(excinfo.value)
    with pytest.raises(FilterError) as ref_excinfo:
        reference.sort_records(registry, "Bemiddeling", order, RECORDS["Bemiddeling"])
    assert str(ref_excinfo.value) == str(excinfo.value)


def test_registry_checks_columns() -> None:
    reg = Registry()
    with pytest.raises(ValueError, match="no column 'missing'"):
        reg.add(Entity("X", client, {"a": Scalar("missing", "string")}))
    with pytest.raises(ValueError, match="reserved"):
        reg.add(Entity("X", client, {"and": Scalar("id", "uuid")}))
    reg.add(Entity("X", client, {"a": Scalar("id", "uuid")}))
    with pytest.raises(ValueError, match="already registered"):
        reg.add(Entity("X", client, {}))
    with pytest.raises(KeyError, match="no entity 'Y'"):
        reg["Y"]
