"""Validation of ElectronicService entries, gegevensdienstId and systeemrolcode (network.md §8)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from iwlz.adresboek import (
    AdresboekError,
    EndpointNotFound,
    GegevensdienstId,
    make_gegevensdienst_id,
    organisatie_id,
    parse_gegevensdienst_id,
    validate_document,
    validate_entry,
)

from .conftest import entry


def _drop(doc: dict[str, Any], path: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[last]
    return doc


def _problems(doc: Any) -> tuple[str, ...]:
    with pytest.raises(AdresboekError) as info:
        validate_entry(doc)
    return info.value.problems


def test_valid_entry_is_parsed() -> None:
    service = validate_entry(entry("5501_NOTIFICATIE_TST"))
    assert service.gegevensdienst_id == "5501_NOTIFICATIE_TST"
    assert service.key == GegevensdienstId("5501", "NOTIFICATIE", "TST")
    assert service.authorization_uri == "https://pep.nid.example/"
    assert service.token_uri == "https://auth.nid.example/oauth/token"
    assert [r.code for r in service.systeemrollen] == [
        "NOTIFICATIE_INDICATIE",
        "NOTIFICATIE_BEMIDDELING",
    ]
    assert service.rol("NOTIFICATIE_INDICATIE") is not None
    assert service.rol("MELDING") is None


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("description", "description: missing"),
        ("weergavenaam", "weergavenaam: missing"),
        ("gegevensdienstId", "gegevensdienstId: missing"),
        ("authorizationEndpoint", "authorizationEndpoint: missing"),
        (
            "authorizationEndpoint.authorizationEndpointuri",
            "authorizationEndpoint.authorizationEndpointuri: missing",
        ),
        ("tokenEndpoint", "tokenEndpoint: missing"),
        ("tokenEndpoint.tokenEndpointuri", "tokenEndpoint.tokenEndpointuri: missing"),
        ("systeemrollen", "systeemrollen: missing"),
        ("systeemrollen.0.systeemrolcode", "systeemrollen[0].systeemrolcode: missing"),
        ("systeemrollen.1.resourceEndpoint", "systeemrollen[1].resourceEndpoint: missing"),
        (
            "systeemrollen.0.resourceEndpoint.resourceEndpointuri",
            "systeemrollen[0].resourceEndpoint.resourceEndpointuri: missing",
        ),
    ],
)
def test_every_required_field_is_required(path: str, problem: str) -> None:
    problems = _problems(_drop(entry(), path))
    assert problems == (problem,)


def test_all_problems_are_reported_at_once() -> None:
    doc = entry(description="", weergavenaam=7)
    del doc["tokenEndpoint"]
    problems = _problems(doc)
    assert problems == (
        "description: must be a non-empty string",
        "weergavenaam: must be a non-empty string",
        "tokenEndpoint: missing",
    )
    with pytest.raises(AdresboekError, match=r"entry 5501_NOTIFICATIE_TST is invalid"):
        validate_entry(doc)


@pytest.mark.parametrize(
    "rollen", [[], "REGISTER", {"systeemrolcode": "MELDING"}], ids=["empty", "string", "object"]
)
def test_systeemrollen_is_a_non_empty_list(rollen: Any) -> None:
    assert _problems(entry(systeemrollen=rollen)) == (
        "systeemrollen: must be a list with at least one systeemrol",
    )


@pytest.mark.parametrize(
    "uri",
    ["ftp://host/x", "not a uri", "/relative/graphql", "https://", "mailto:a@b.nl", "", 42],
)
def test_uris_must_be_absolute_http(uri: Any) -> None:
    problems = _problems(entry(tokenEndpoint={"tokenEndpointuri": uri}))
    assert len(problems) == 1
    assert problems[0].startswith("tokenEndpoint.tokenEndpointuri: ")


def test_http_is_refused_in_production_only() -> None:
    http = {"authorizationEndpointuri": "http://127.0.0.1:8000/x"}
    validate_entry(entry("5501_MELDING_TST", authorizationEndpoint=http))
    validate_entry(entry("5501_MELDING_ACC", authorizationEndpoint=http))
    assert (
        "must use https in the PRD environment"
        in _problems(entry("5501_MELDING_PRD", authorizationEndpoint=http))[0]
    )


def test_uris_are_trimmed() -> None:
    service = validate_entry(entry(tokenEndpoint={"tokenEndpointuri": "  https://t.example/  "}))
    assert service.token_uri == "https://t.example/"
    assert service.document["tokenEndpoint"]["tokenEndpointuri"] == "https://t.example/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CIZ_REGISTER_TST", "CIZ_REGISTER_TST"),
        ("CIZ-REGISTER-TST", "CIZ_REGISTER_TST"),
        ("12121212-NOTIFICATIE-PRD", "12121212_NOTIFICATIE_PRD"),
        ("5501_melding_acc", "5501_MELDING_ACC"),
        (" ciz-register-prd ", "CIZ_REGISTER_PRD"),
    ],
)
def test_both_separators_are_accepted_and_underscore_is_emitted(text: str, expected: str) -> None:
    assert str(parse_gegevensdienst_id(text)) == expected
    service = validate_entry(entry(text))
    assert service.gegevensdienst_id == expected
    assert service.document["gegevensdienstId"] == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("CIZ.REGISTER.TST", "is not [OrganisatieID]_[Functionaliteit]_[Omgeving]"),
        ("CIZ__REGISTER_TST", "is not [OrganisatieID]"),
        ("CIZ REGISTER TST", "is not [OrganisatieID]"),
        ("CIZ_REGISTER", "is not [OrganisatieID]"),
        ("CIZ_REGISTER_TST_X", "is not [OrganisatieID]"),
        ("CIZ-REGISTER_TST", "mixes '-' and '_'"),
        ("CIZ_REGISTER_DEV", "Omgeving 'DEV' is not one of PRD, ACC, TST"),
        ("CIZ_INDICATIE_TST", "Functionaliteit 'INDICATIE' is not one of"),
        ("ABC_REGISTER_TST", "OrganisatieID 'ABC' must be CIZ"),
        ("123_REGISTER_TST", "OrganisatieID '123' must be CIZ"),
    ],
)
def test_bad_gegevensdienst_ids(text: str, fragment: str) -> None:
    with pytest.raises(AdresboekError) as info:
        parse_gegevensdienst_id(text)
    assert fragment in str(info.value)
    problems = _problems(entry("CIZ_REGISTER_TST", gegevensdienstId=text))
    assert len(problems) == 1 and problems[0].startswith("gegevensdienstId: ")
    assert fragment in problems[0]


def test_make_gegevensdienst_id_validates_each_part() -> None:
    assert make_gegevensdienst_id("ciz", "register", "tst") == "CIZ_REGISTER_TST"
    with pytest.raises(AdresboekError, match="Omgeving"):
        make_gegevensdienst_id("CIZ", "REGISTER", "DEV")


@pytest.mark.parametrize(
    ("gid", "code", "stored"),
    [
        ("CIZ_REGISTER_TST", "Register", "REGISTER"),  # the spelling of iWlz_services.json
        ("5501_NOTIFICATIE_TST", "notificatie_indicatie", "NOTIFICATIE_INDICATIE"),
        ("12345678_NOTIFICATIE_TST", "NOTIFICATIE_LEVERING", "NOTIFICATIE_LEVERING"),
        ("CIZ_MELDING_TST", "MELDING", "MELDING"),
    ],
)
def test_systeemrolcodes_accepted(gid: str, code: str, stored: str) -> None:
    doc = entry(gid)
    doc["systeemrollen"] = [doc["systeemrollen"][0] | {"systeemrolcode": code}]
    service = validate_entry(doc)
    assert [r.code for r in service.systeemrollen] == [stored]
    assert service.document["systeemrollen"][0]["systeemrolcode"] == stored


@pytest.mark.parametrize(
    ("gid", "code", "fragment"),
    [
        ("5501_NOTIFICATIE_TST", "NOTIFICATIE", "is not one of REGISTER, MELDING"),
        ("5501_NOTIFICATIE_TST", "INDICATIE", "is not one of"),
        ("5501_NOTIFICATIE_TST", "NOTIFICATIE-INDICATIE", "is not one of"),
        ("5501_MELDING_TST", "NOTIFICATIE_INDICATIE", "does not belong to Functionaliteit MELDING"),
        ("CIZ_REGISTER_TST", "MELDING", "does not belong to Functionaliteit REGISTER"),
    ],
)
def test_systeemrolcodes_refused(gid: str, code: str, fragment: str) -> None:
    doc = entry(gid)
    doc["systeemrollen"][0]["systeemrolcode"] = code
    problems = _problems(doc)
    assert len(problems) == 1 and problems[0].startswith("systeemrollen[0].systeemrolcode: ")
    assert fragment in problems[0]


def test_duplicate_systeemrol_is_refused() -> None:
    doc = entry("5501_NOTIFICATIE_TST")
    doc["systeemrollen"][1]["systeemrolcode"] = "notificatie_indicatie"
    assert _problems(doc) == (
        "systeemrollen[1].systeemrolcode: NOTIFICATIE_INDICATIE occurs more than once",
    )


def test_fields_we_do_not_interpret_are_kept() -> None:
    doc = entry(type="ElectronicService", id="x-1", _comment="hi", fgEmail="fg@zk.example")
    doc["authorizationEndpoint"]["_comment"] = "PEP"
    service = validate_entry(doc)
    assert service.document["_comment"] == "hi"
    assert service.document["fgEmail"] == "fg@zk.example"
    assert service.document["authorizationEndpoint"]["_comment"] == "PEP"
    assert list(service.document) == list(doc)  # key order kept
    assert _problems(entry(type=3)) == ("type: must be a string when present",)


def test_input_is_not_modified() -> None:
    doc = entry("5501-notificatie-tst")
    before = copy.deepcopy(doc)
    validate_entry(doc)
    assert doc == before


def test_non_objects_are_refused() -> None:
    with pytest.raises(AdresboekError, match="must be a JSON object"):
        validate_entry([entry()])
    with pytest.raises(AdresboekError, match="plain JSON"):
        validate_entry(entry(extra=float("nan")))


def test_document_reports_every_bad_entry_and_duplicates() -> None:
    bad = entry("5502_MELDING_TST")
    del bad["weergavenaam"]
    doc = {
        "_comment": "iWlz service lijst",
        "electronicServices": [
            entry("5501_NOTIFICATIE_TST"),
            bad,
            entry("5501-NOTIFICATIE-TST"),
        ],
    }
    with pytest.raises(AdresboekError) as info:
        validate_document(doc)
    assert info.value.problems == (
        "electronicServices[1]: address-book entry 5502_MELDING_TST is invalid: "
        "weergavenaam: missing",
        "electronicServices[2]: gegevensdienstId 5501_NOTIFICATIE_TST is already used by "
        "electronicServices[0]",
    )
    assert "nothing was changed" in str(info.value)
    for wrong in ({}, {"electronicServices": {}}, [entry()], {"electronicservices": []}):
        with pytest.raises(AdresboekError, match="electronicServices"):
            validate_document(wrong)


@pytest.mark.parametrize(
    ("id_type", "id_value", "expected"),
    [
        ("KVK", "62253778", "CIZ"),
        ("kvk", "18065868", "18065868"),  # VECOZO
        ("KVK", "90000017", "90000017"),  # CAK (demo)
        ("UZOVI", "5501", "5501"),
        ("AGB", "01234567", "01234567"),
        ("AGBCODE", "12345678", "12345678"),
        ("OIN", "00000001234567890000", "00000001234567890000"),
    ],
)
def test_organisatie_id(id_type: str, id_value: str, expected: str) -> None:
    assert organisatie_id(id_type, id_value) == expected


@pytest.mark.parametrize(
    ("id_type", "id_value", "fragment"),
    [
        ("BSN", "123456782", "has no address-book OrganisatieID"),
        ("GEMEENTECODE", "0363", "has no address-book OrganisatieID"),
        ("UZOVI", "55011", "not a valid UZOVI"),
        ("AGB", "1234567", "not a valid AGB"),
    ],
)
def test_organisatie_id_refuses(id_type: str, id_value: str, fragment: str) -> None:
    with pytest.raises(AdresboekError, match=fragment):
        organisatie_id(id_type, id_value)


def test_endpoint_not_found_says_what_to_do() -> None:
    missing = EndpointNotFound("5501_NOTIFICATIE_TST", "NOTIFICATIE_INDICATIE", None)
    text = str(missing)
    assert "no entry 5501_NOTIFICATIE_TST" in text
    assert "NOTIFICATIE_INDICATIE" in text
    assert "iwlz adresboek add --gegevensdienst-id 5501_NOTIFICATIE_TST" in text
    assert "--rol NOTIFICATIE_INDICATIE=" in text
    no_role = EndpointNotFound("5501_NOTIFICATIE_TST", "NOTIFICATIE_BEMIDDELING", ["X"])
    assert "has no systeemrol NOTIFICATIE_BEMIDDELING (it has: X)" in str(no_role)
    assert isinstance(missing, LookupError)
