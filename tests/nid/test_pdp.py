"""The PDP engine: PDP input building from GraphQL, policy loading, caching, PIPs, fail-closed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from iwlz.graphql.http import ParsedOperation
from iwlz.nid.pdp import (
    Decision,
    InMemoryPip,
    PolicyDecisionPoint,
    build_pdp_input,
    nested_arguments,
    pdp_input_for_query,
    rego_safe,
    resolve_arguments,
    root_fields,
    selection_paths,
)

NOW = dt.datetime(2026, 11, 27, 19, 50, tzinfo=dt.UTC)
X = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
IR_SCOPE = "registers/wlzindicatieregister/indicaties/indicatie:read"
CLAIMS = {
    "iss": "auth.nid",
    "client_id": "uzovi:5050",
    "scopes": [IR_SCOPE],
    "instantie_type": "Zorgkantoor",
    "uzovi": "5050",
    "agb": None,
    "kvk": None,
}
QUERY = """
query QIR0001($id: UUID!, $zk: String!) {
  wlzIndicatie(where: {wlzindicatieID: {eq: $id}, initieelVerantwoordelijkZorgkantoor: {eq: $zk}}) {
    wlzindicatieID bsn
    client { bsn contactPersoon { voornamen } }
  }
}"""
VARIABLES = {"id": X, "zk": "5050"}


def op(document: Any, name: str | None = None) -> OperationDefinitionNode:
    return next(
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (name is None or (d.name and d.name.value == name))
    )


@pytest.fixture(scope="module")
def pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(InMemoryPip())


# --- selection paths, root fields, arguments ----------------------------------------------------


def test_selection_paths_use_names_expand_fragments_and_skip_typename() -> None:
    document = parse("""
      query Q {
        wlzIndicatie {
          id: wlzindicatieID
          __typename
          ...Client
          ... on WlzIndicatie { bsn client { bsn } }
        }
      }
      fragment Client on WlzIndicatie { client { __typename geslachtsnaam contactPersoon { rol } } }
    """)
    assert selection_paths(document) == [
        "wlzIndicatie.wlzindicatieID",
        "wlzIndicatie.client",
        "wlzIndicatie.client.geslachtsnaam",
        "wlzIndicatie.client.contactPersoon",
        "wlzIndicatie.client.contactPersoon.rol",
        "wlzIndicatie.bsn",
        "wlzIndicatie.client.bsn",
    ]
    assert root_fields(document, op(document)) == ["wlzIndicatie"]


def test_root_fields_list_a_field_selected_twice() -> None:
    document = parse("query Q { a: wlzIndicatie { bsn } b: wlzIndicatie { bsn } __typename }")
    assert root_fields(document, op(document)) == ["wlzIndicatie", "wlzIndicatie"]


def test_fragment_cycles_and_unknown_fragments_are_errors() -> None:
    document = parse("query Q { wlzIndicatie { ...A } } fragment A on WlzIndicatie { ...A }")
    with pytest.raises(ValueError, match="spreads itself"):
        selection_paths(document)
    with pytest.raises(ValueError, match="unknown fragment"):
        selection_paths(parse("query Q { wlzIndicatie { ...Missing } }"))
    # A cycle through a field (refused by GraphQL validation) must not recurse forever.
    cyclic = "query Q { wlzIndicatie { ...B } } fragment B on WlzIndicatie { client { ...B } }"
    with pytest.raises(ValueError, match="spreads itself"):
        selection_paths(parse(cyclic))
    with pytest.raises(ValueError, match="spreads itself"):
        pdp_input_for_query(register="indicatieregister", claims=CLAIMS, query=cyclic, now=NOW)


def test_resolve_arguments_substitutes_variables_and_defaults() -> None:
    document = parse("""
      query Q($id: UUID!, $d: Date = "2026-01-01", $missing: String, $sort: SortEnumType) {
        f(where: {a: {eq: $id}, b: $d, c: [1, 2.5, $missing], e: null, g: $missing}, order: ASC,
          s: $sort, flag: true)
      }""")
    operation = op(document)
    field = operation.selection_set.selections[0]
    from iwlz.nid.pdp import effective_variables

    values = effective_variables(operation, {"id": X, "sort": "DESC"})
    assert resolve_arguments(field.arguments, values) == {
        "where": {"a": {"eq": X}, "b": "2026-01-01", "c": [1, 2.5, None], "e": None},
        "order": "ASC",
        "s": "DESC",
        "flag": True,
    }
    # A variable that is not given leaves its argument out, like GraphQL does.
    assert "s" not in resolve_arguments(field.arguments, effective_variables(operation, {}))


def test_nested_arguments_by_path_with_repeats_kept_apart() -> None:
    document = parse("""
      query Q($d: Date) { wlzIndicatie { client {
        a: contactPersoon(where: {einddatum: {eq: $d}}) { rol }
        b: contactPersoon(where: {einddatum: {eq: null}}) { rol }
      } } }""")
    assert nested_arguments(document, op(document), {"d": "2026-01-01"}) == {
        "wlzIndicatie.client.contactPersoon": {"where": {"einddatum": {"eq": "2026-01-01"}}},
        "wlzIndicatie.client.contactPersoon#2": {"where": {"einddatum": {"eq": None}}},
    }


def test_build_pdp_input_from_the_parsed_request() -> None:
    document = parse(QUERY + "\nquery Other { wlzIndicatie { bsn } }")
    parsed = ParsedOperation(QUERY, dict(VARIABLES), "QIR0001", document, op(document, "QIR0001"))
    claims = {**CLAIMS, "exp": 1, "jti": "x", "aud": "https://ir"}
    # 23:30 UTC is already the next day in the Netherlands.
    late = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)
    pdp_input = build_pdp_input(
        register="indicatieregister", claims=claims, operation=parsed, now=late
    )
    assert pdp_input == {
        "register": "indicatieregister",
        "resource": {},
        "time": "2026-11-27T23:30:00+00:00",
        "date": "2026-11-28",
        "claims": {
            k: CLAIMS[k]
            for k in ("iss", "client_id", "scopes", "instantie_type", "uzovi", "agb", "kvk")
        },
        "operation": {
            "type": "query",
            "name": "QIR0001",
            "root_fields": ["wlzIndicatie"],
            "operation_count": 2,
        },
        "arguments": {
            "where": {
                "wlzindicatieID": {"eq": X},
                "initieelVerantwoordelijkZorgkantoor": {"eq": "5050"},
            }
        },
        "selection": (
            "wlzIndicatie.wlzindicatieID",
            "wlzIndicatie.bsn",
            "wlzIndicatie.client",
            "wlzIndicatie.client.bsn",
            "wlzIndicatie.client.contactPersoon",
            "wlzIndicatie.client.contactPersoon.voornamen",
        ),
        "nested_arguments": {},
    }
    acting = build_pdp_input(
        register="indicatieregister",
        claims={**CLAIMS, "act": {"sub": "1"}},
        operation=parsed,
        now=NOW,
        today=dt.date(2026, 1, 2),
    )
    assert acting["claims"]["act"] == {"sub": "1"} and acting["date"] == "2026-01-02"


# --- PDP: loading, fail closed -------------------------------------------------------------------


def query_input(**overrides: Any) -> dict[str, Any]:
    pdp_input = pdp_input_for_query(
        register="indicatieregister", claims=CLAIMS, query=QUERY, variables=VARIABLES, now=NOW
    )
    pdp_input.update(overrides)
    return pdp_input


def test_allowed_request(pdp: PolicyDecisionPoint) -> None:
    assert pdp.decide(query_input()) == Decision(True, 200, None, None, "UCIR-0001", (), ())
    assert pdp.registers == frozenset(
        {
            "indicatieregister",
            "indicatieregister_beheer",
            "bemiddelingsregister",
            "bemiddelingsregister_beheer",
            "leveringsregister",
            "leveringsregister_beheer",
            "netwerkpunt",
            "abonnementen",
            "berichten",
            "indicatieregister_signalen",
            "wlzsignalen",
        }
    )


def test_unknown_register_is_no_operation(pdp: PolicyDecisionPoint) -> None:
    decision = pdp.decide(query_input(register="geheimregister"))
    assert decision == Decision(
        False,
        400,
        "BAD_REQUEST",
        "No operation found to evaluate",
        None,
        ("unknown_register:geheimregister",),
        (),
    )


@pytest.mark.parametrize(
    ("override", "status"),
    [
        ({"selection": "wlzIndicatie.bsn"}, 500),
        ({"selection": [1, 2]}, 500),
        ({"arguments": ["where"]}, 500),
        ({"claims": None}, 400),
        ({"claims": {**CLAIMS, "uzovi": 5050}}, 403),
        ({"operation": None}, 400),
        ({"operation": {**query_input()["operation"], "operation_count": "1"}}, 400),
        ({"arguments": {}}, 403),
        ({"arguments": {"where": "all"}}, 403),
    ],
)
def test_malformed_input_is_denied(
    pdp: PolicyDecisionPoint, override: dict[str, Any], status: int
) -> None:
    decision = pdp.decide(query_input(**override))
    assert not decision.allowed
    assert decision.http_status == status


def test_a_failing_policy_engine_denies(
    pdp: PolicyDecisionPoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("rego-cpp crashed")

    fresh = PolicyDecisionPoint(InMemoryPip())
    monkeypatch.setattr(fresh._allow["indicatieregister"], "evaluate", broken)
    decision = fresh.decide(query_input())
    assert decision == Decision(
        False,
        500,
        "INTERNAL_SERVER_ERROR",
        "Internal Server Error",
        None,
        ("pdp_error:RuntimeError",),
        (),
    )


def write_policies(directory: Path, allow: str, decision: str) -> Path:
    (directory / "r.rego").write_text(f"package iwlz.r\nimport rego.v1\n{allow}\n")
    (directory / "r_denials.rego").write_text(
        f"package iwlz.r.denials\nimport rego.v1\n{decision}\n"
    )
    (directory / "r_templates.rego").write_text(
        'package iwlz.r.templates\nimport rego.v1\nverdict := {"matches": [], "reasons": {}}\n'
    )
    return directory


@pytest.mark.parametrize(
    ("allow", "decision"),
    [
        ('allow := {"allowed": "yes"}', 'decision := {"allowed": false}'),
        ("allow := 1 if false", 'decision := {"allowed": false, "code": "FORBIDDEN"}'),
        ("allow := 1 if false", 'decision := {"allowed": false, "code": "X", "http_status": 200}'),
        ("allow := 1 if false", "decision := 1 if false"),
        (
            "allow := 1 if false",
            'decision := {"allowed": false, "pip_required": [{"id": "P", '
            '"params": {}}], "code": "FORBIDDEN", "http_status": 403}',
        ),
    ],
)
def test_a_policy_answering_nonsense_denies(tmp_path: Path, allow: str, decision: str) -> None:
    pdp = PolicyDecisionPoint(InMemoryPip(), policy_dir=write_policies(tmp_path, allow, decision))
    result = pdp.decide({"register": "r", "selection": [], "arguments": {}})
    assert not result.allowed
    assert (result.http_status, result.code) == (500, "INTERNAL_SERVER_ERROR")


def test_a_register_needs_all_three_packages(tmp_path: Path) -> None:
    write_policies(tmp_path, "allow := 1", "decision := 1")
    (tmp_path / "r_templates.rego").unlink()
    with pytest.raises(ValueError, match="every register needs"):
        PolicyDecisionPoint(InMemoryPip(), policy_dir=tmp_path)


def test_a_policy_that_does_not_compile_fails_at_startup(tmp_path: Path) -> None:
    write_policies(tmp_path, "allow := {", "decision := 1")
    with pytest.raises(Exception):  # noqa: B017 - regopy raises its own error type
        PolicyDecisionPoint(InMemoryPip(), policy_dir=tmp_path)


# --- template cache ------------------------------------------------------------------------------


def test_template_verdict_is_cached_per_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    pdp = PolicyDecisionPoint(InMemoryPip(), template_cache_size=1)
    calls: list[str] = []
    evaluate = pdp._templates.evaluate

    def counting(entrypoint: str, value: Mapping[str, Any], **kw: Any) -> dict[str, Any]:
        calls.append(value["selection"])
        return evaluate(entrypoint, value, **kw)

    monkeypatch.setattr(pdp._templates, "evaluate", counting)
    assert pdp.decide(query_input()).allowed
    # Other values, other claims: same shape, no new template evaluation.
    other = query_input(
        claims={**CLAIMS, "uzovi": "5151"},
        arguments={
            "where": {
                "wlzindicatieID": {"eq": X},
                "initieelVerantwoordelijkZorgkantoor": {"eq": "5151"},
            }
        },
    )
    assert pdp.decide(other).allowed
    assert len(calls) == 1
    # Another shape evicts the only entry (size 1); the first shape is evaluated again.
    smaller = query_input(selection=["wlzIndicatie.bsn"])
    assert pdp.decide(smaller).allowed
    assert pdp.decide(query_input()).allowed
    assert len(calls) == 3


def test_decisions_are_consistent_under_threads(pdp: PolicyDecisionPoint) -> None:
    inputs = [(query_input(), True), (query_input(claims={**CLAIMS, "uzovi": "5151"}), False)] * 20
    results: list[bool] = [False] * len(inputs)

    def run(i: int) -> None:
        results[i] = pdp.decide(inputs[i][0]).allowed == inputs[i][1]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results)


def test_rego_safe_escapes_what_rego_cpp_would_not() -> None:
    plain = {"a": ["b", {"c": "d é"}]}
    assert rego_safe(plain) is plain
    assert rego_safe({'k"': ["a\nb", "c\\d", 1, None]}) == {'k\\"': ["a\\nb", "c\\\\d", 1, None]}


# --- InMemoryPip ---------------------------------------------------------------------------------


def test_in_memory_pip_answers_with_the_intended_semantics() -> None:
    pip = InMemoryPip()
    b1 = pip.add_bemiddeling(
        "X", "5050", [{"instelling": "11111111"}, {"uitvoerendZorgkantoor": "5151"}]
    )
    pip.add_bemiddelingspecificatie(b1, instelling="22222222")
    pip.add_overdracht("5252", b1)

    def check(pip_id: str, **params: str) -> bool:
        return pip.check(pip_id, {"wlzIndicatieID": "X", **params}, {})

    # PIP-0002: some specificatie for the AGB (not all of them).
    assert check("PIP-0002", agb="11111111") and check("PIP-0002", agb="22222222")
    assert not check("PIP-0002", agb="33333333")
    assert not pip.check("PIP-0002", {"wlzIndicatieID": "Y", "agb": "11111111"}, {})
    # PIP-0003: overdracht to U of a bemiddeling another zorgkantoor is responsible for.
    assert check("PIP-0003", uzovi="5252") and not check("PIP-0003", uzovi="5151")
    # PIP-0004: U executes a specificatie of a bemiddeling it is not responsible for.
    assert check("PIP-0004", uzovi="5151") and not check("PIP-0004", uzovi="5050")
    with pytest.raises(ValueError):
        check("PIP-9999", uzovi="5050")
    with pytest.raises(KeyError):
        pip.add_overdracht("5050", "no-such-bemiddeling")
