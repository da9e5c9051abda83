"""The compiled executor answers exactly like graphql-core, or steps aside."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any

import pytest
from ariadne import QueryType
from graphql import ExecutionResult, OperationDefinitionNode, execute, parse, validate

from iwlz.graphql.fastpath import compile_query
from iwlz.graphql.schema import build_schema, load_sdl

WID = uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")
TREE: dict[str, Any] = {
    "wlzindicatieID": WID,
    "bsn": "111222333",
    "besluitnummer": 7,
    "soortWlzindicatie": "1",
    "afgiftedatum": dt.date(2026, 1, 2),
    "ingangsdatum": dt.date(2026, 1, 3),
    "einddatum": None,
    "meerzorg": None,
    "initieelVerantwoordelijkZorgkantoor": "5515",
    "vervaldatum": None,
    "commentaar": None,
    "grondslag": [{"grondslagID": uuid.uuid4(), "id": None, "grondslag": "01", "volgorde": 1}],
    "geindiceerdZorgzwaartepakket": [],
    "beperking": None,
    "stoornis": [],
    "stoornisScore": [],
    "wzd": None,
    "client": {
        "clientID": uuid.uuid4(),
        "bsn": "111222333",
        "geheimeClient": "2",
        "geboorteDatum": dt.date(1940, 1, 1),
        "geslacht": "1",
        "geslachtsnaam": "Visser",
        "naamGebruik": "1",
        "contactPersoon": [],
        "contactGegevens": [
            {
                "contactGegevensID": uuid.uuid4(),
                "clientID": None,
                "contactPersoonID": None,
                "adres": None,
                "email": None,
                "telefoon": {
                    "telefoonID": uuid.uuid4(),
                    "telefoonnummer": "0612345678",
                    "landnummer": None,
                    "ingangsdatum": dt.date(2020, 1, 1),
                    "einddatum": None,
                },
            }
        ],
    },
}


def _schema(data: list[dict[str, Any]]) -> Any:
    query = QueryType()

    @query.field("wlzIndicatie")
    def resolve(_o: Any, info: Any, where: Any = None) -> list[dict[str, Any]]:
        info.context["calls"].append(where)
        if where and where.get("bsn", {}).get("eq") == "boom":
            raise ValueError("resolver failed")
        return data

    return build_schema(
        load_sdl("iwlz.registers.indicatie.schema", "indicatieregister.graphql"), [query]
    )


QUERIES = [
    (
        "query($id: UUID!) { wlzIndicatie(where:{wlzindicatieID:{eq:$id}}) { wlzindicatieID bsn "
        "afgiftedatum grondslag { grondslag volgorde } client { geslachtsnaam contactGegevens { "
        "telefoon { telefoonnummer ingangsdatum } adres { postcode } } } } }",
        {"id": str(WID)},
    ),
    (
        "{ a: wlzIndicatie { x: bsn bsn __typename client { ...c } } } "
        "fragment c on Client { bsn geslachtsnaam __typename }",
        {},
    ),
    (
        "{ wlzIndicatie { ... on WlzIndicatie { bsn } client { bsn } client { geslachtsnaam } } }",
        {},
    ),
    ("query($s: Boolean!) { wlzIndicatie { bsn @include(if: $s) besluitnummer } }", {"s": False}),
    ('query($b: String = "111222333") { wlzIndicatie(where:{bsn:{eq:$b}}) { bsn } }', {}),
    ("query($b: String!) { wlzIndicatie(where:{bsn:{eq:$b}}) { bsn } }", {"b": "boom"}),
    ("query($b: String!) { wlzIndicatie(where:{bsn:{eq:$b}}) { bsn } }", {}),
    ("{ wlzIndicatie { beperking { categorie } wzd { wzdID } einddatum } }", {}),
]


def _run_both(
    query: str, variables: dict[str, Any], data: list[dict[str, Any]]
) -> tuple[ExecutionResult | None, ExecutionResult]:
    schema = _schema(data)
    doc = parse(query)
    assert not validate(schema, doc)
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    plan = compile_query(schema, doc, op)
    fast = plan.run({"calls": []}, variables) if plan else None
    slow = execute(schema, doc, context_value={"calls": []}, variable_values=variables)
    assert isinstance(slow, ExecutionResult)
    return fast, slow


@pytest.mark.parametrize("query,variables", QUERIES)
def test_same_answer_as_graphql_core(query: str, variables: dict[str, Any]) -> None:
    fast, slow = _run_both(query, variables, [TREE])
    if fast is not None:
        assert slow.errors is None
        assert fast.data == slow.data
    else:
        # stepping aside is only allowed where graphql-core has something special to do
        assert slow.errors or "@include" in query


def test_plain_template_query_takes_the_fast_path() -> None:
    fast, slow = _run_both(*QUERIES[0], [TREE])
    assert fast is not None and fast.data == slow.data
    assert fast.data["wlzIndicatie"][0]["afgiftedatum"] == "2026-01-02"


def test_null_in_non_null_position_falls_back() -> None:
    broken = copy.deepcopy(TREE)
    broken["client"]["geslachtsnaam"] = None
    fast, slow = _run_both(*QUERIES[0], [broken])
    assert fast is None
    assert slow.errors and "geslachtsnaam" in str(slow.errors[0].path)


def test_failing_resolver_and_missing_variable_fall_back() -> None:
    assert _run_both(*QUERIES[5], [TREE])[0] is None
    assert _run_both(*QUERIES[6], [TREE])[0] is None


def test_directive_queries_are_not_compiled() -> None:
    schema = _schema([TREE])
    doc = parse(QUERIES[3][0])
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    assert compile_query(schema, doc, op) is None
