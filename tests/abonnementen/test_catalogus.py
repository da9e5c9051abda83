"""The notification-type catalogue (RFC0029, network.md §7.1) and its filter interpreter."""

from __future__ import annotations

from typing import Any

import pytest

from iwlz.abonnementen.catalogus import (
    CATALOGUS,
    CIZ_ORGANISATIE,
    ID_TYPES,
    MUTATIES,
    NIEUWE_INDICATIE_ZORGKANTOOR,
    SOORT_LABELS,
    VERVALLEN_INDICATIE_ZORGKANTOOR,
    WLZINDICATIE_MUTATIE_ABONNEMENT,
    Catalogus,
    EventType,
    FilterDefinitie,
    FilterFout,
    NotificatieDoel,
    NotificatieType,
    NotificatieTypeSoort,
    filter_matcht,
    normaliseer_id_type,
    valideer_filter,
)


def _mutatie_type() -> NotificatieType:
    found = CATALOGUS.get(WLZINDICATIE_MUTATIE_ABONNEMENT)
    assert found is not None
    return found


MUTATIE_TYPE = _mutatie_type()


def _type(**overrides: Any) -> NotificatieType:
    fields: dict[str, Any] = {
        "organisatie_id": CIZ_ORGANISATIE,
        "notificatie_type_id": "TEST_TYPE",
        "notificatie_type": NotificatieTypeSoort.VRIJWILLIG,
        "notificatie_doel": NotificatieDoel.ANDERS,
        "notificatie_omschrijving": "test",
        "event_type": EventType.ALL,
        "object_id_type": "wlzindicatieID",
        "id_type_abonnee": ("KVK",),
    }
    fields.update(overrides)
    return NotificatieType(**fields)


def test_ids_are_unique_and_catalogue_refuses_duplicates() -> None:
    ids = [t.notificatie_type_id for t in CATALOGUS]
    assert len(ids) == len(set(ids)) == len(CATALOGUS)
    with pytest.raises(ValueError, match="not unique"):
        Catalogus([_type(), _type()])


def test_mandatory_ir_types_take_no_subscription() -> None:
    for type_id, event in (
        (NIEUWE_INDICATIE_ZORGKANTOOR, EventType.CREATE),
        (VERVALLEN_INDICATIE_ZORGKANTOOR, EventType.UPDATE),
    ):
        t = CATALOGUS.get(type_id)
        assert t is not None
        assert t.notificatie_type is NotificatieTypeSoort.IWLZ_VERPLICHT
        assert not t.abonneerbaar
        assert t.id_type_abonnee == ()
        assert t.filters == ()
        assert t.event_type is event
        assert t.notificatie_doel is NotificatieDoel.ZORGKANTOOR
        assert t.organisatie_id == CIZ_ORGANISATIE
        assert t.object_id_type == "wlzindicatieID"


def test_voluntary_mutation_type() -> None:
    t = MUTATIE_TYPE
    assert t.notificatie_type is NotificatieTypeSoort.VRIJWILLIG
    assert t.abonneerbaar
    assert t.organisatie_id == CIZ_ORGANISATIE
    assert t.event_type is EventType.ALL
    assert t.object_id_type == "wlzindicatieID"
    # Not OIN: nobody can deliver a notification to an OIN (no netwerkpunt, no scope).
    assert set(t.id_type_abonnee) == {"KVK", "UZOVI", "AGB"} == set(ID_TYPES) - {"OIN"}
    assert [f.naam for f in t.filters] == ["mutaties", "zorgkantoren"]
    mutaties = t.filter("mutaties")
    assert mutaties is not None and mutaties.waarden == MUTATIES
    assert MUTATIES == ("NIEUW", "GEWIJZIGD", "VERVALDATUM", "VERWIJDERD")


def test_as_dict_has_the_rfc0029_fields() -> None:
    out = MUTATIE_TYPE.as_dict()
    for key in (
        "organisatieID",
        "notificatieTypeID",
        "notificatieType",
        "notificatieDoel",
        "notificatieOmschrijving",
        "idTypeAbonnee",
        "eventType",
        "objectIDType",
    ):
        assert key in out
    assert out["notificatieType"] == "VRIJWILLIG"
    assert out["eventType"] == "ALL"
    assert out["filters"][1]["codelist"] == "COD001"


def test_enum_labels() -> None:
    assert SOORT_LABELS[NotificatieTypeSoort.IWLZ_VERPLICHT] == "iWlz-Verplicht"
    assert set(SOORT_LABELS) == set(NotificatieTypeSoort)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"notificatie_type": NotificatieTypeSoort.IWLZ_VERPLICHT}, "mandatory"),
        ({"id_type_abonnee": ()}, "at least one idTypeAbonnee"),
        ({"id_type_abonnee": ("BSN",)}, "unknown idTypeAbonnee"),
        ({"notificatie_type_id": "lower_case"}, "UPPER_SNAKE_CASE"),
        (
            {
                "filters": (
                    FilterDefinitie("a", "a", "x", waarden=("1",)),
                    FilterDefinitie("a", "b", "y", waarden=("2",)),
                )
            },
            "duplicate filter keys",
        ),
    ],
)
def test_record_validation(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _type(**overrides)


def test_filter_definition_needs_a_rule() -> None:
    with pytest.raises(ValueError, match="needs waarden"):
        FilterDefinitie("x", "x", "no rule")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AGB", "AGB"),
        ("AgbCode", "AGB"),
        ("AGBCODE", "AGB"),
        ("Uzovi", "UZOVI"),
        ("KvK", "KVK"),
        ("oin", "OIN"),
        ("BSN", None),
        ("ObjectId", None),
    ],
)
def test_normaliseer_id_type(value: str, expected: str | None) -> None:
    assert normaliseer_id_type(value) == expected


def test_valideer_filter_normalises() -> None:
    got = valideer_filter(
        MUTATIE_TYPE,
        {
            "mutaties": ["VERWIJDERD", "NIEUW", "NIEUW"],
            "zorgkantoren": ["5505", "5501"],
        },
    )
    assert got == {"mutaties": ["NIEUW", "VERWIJDERD"], "zorgkantoren": ["5501", "5505"]}
    assert valideer_filter(MUTATIE_TYPE, None) == {}
    assert valideer_filter(MUTATIE_TYPE, {"mutaties": None, "zorgkantoren": None}) == {}


@pytest.mark.parametrize(
    ("filter_", "veld"),
    [
        ({"onbekend": ["x"]}, "filter.onbekend"),
        ({"mutaties": ["NIEUWE"]}, "filter.mutaties"),
        ({"mutaties": []}, "filter.mutaties"),
        ({"mutaties": "NIEUW"}, "filter.mutaties"),
        ({"mutaties": [1]}, "filter.mutaties"),
        ({"zorgkantoren": ["9999"]}, "filter.zorgkantoren"),
        ({"zorgkantoren": ["505"]}, "filter.zorgkantoren"),
    ],
)
def test_valideer_filter_rejects(filter_: dict[str, Any], veld: str) -> None:
    with pytest.raises(FilterFout) as info:
        valideer_filter(MUTATIE_TYPE, filter_)
    assert info.value.veld == veld
    assert veld in str(info.value)


def test_patroon_filter() -> None:
    t = _type(filters=(FilterDefinitie("codes", "code", "two digits", patroon=r"[0-9]{2}"),))
    assert valideer_filter(t, {"codes": ["12"]}) == {"codes": ["12"]}
    with pytest.raises(FilterFout, match=r"filter\.codes"):
        valideer_filter(t, {"codes": ["123"]})


@pytest.mark.parametrize(
    ("filter_", "facts", "expected"),
    [
        ({}, {}, True),
        ({"mutaties": ["NIEUW"]}, {"mutatie": "NIEUW"}, True),
        ({"mutaties": ["NIEUW"]}, {"mutatie": "GEWIJZIGD"}, False),
        ({"mutaties": ["NIEUW"]}, {}, False),
        ({"zorgkantoren": ["5505"]}, {"mutatie": "NIEUW", "zorgkantoor": "5505"}, True),
        ({"zorgkantoren": ["5505"]}, {"zorgkantoor": ["5501", "5505"]}, True),
        ({"zorgkantoren": ["5505"]}, {"zorgkantoor": ["5501"]}, False),
        ({"zorgkantoren": ["5505"]}, {"zorgkantoor": 5505}, False),
        (
            {"mutaties": ["NIEUW"], "zorgkantoren": ["5505"]},
            {"mutatie": "NIEUW", "zorgkantoor": "5501"},
            False,
        ),
        ({"verdwenen": ["x"]}, {"verdwenen": "x"}, False),
    ],
)
def test_filter_matcht(filter_: dict[str, Any], facts: dict[str, Any], expected: bool) -> None:
    assert filter_matcht(MUTATIE_TYPE, filter_, facts) is expected
