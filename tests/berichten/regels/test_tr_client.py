"""TR rules on client data: TR002, TR004, TR005, TR006, TR061, TR097."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.berichten.regels.maak import bericht, bevindingen


def _client(inhoud: str) -> str:
    return f"<Clienten><Client>{inhoud}</Client></Clienten>"


def _geboorte(datum: str, gebruik: str | None = None) -> str:
    extra = f"<DatumGebruik>{gebruik}</DatumGebruik>" if gebruik else ""
    return f"<Geboortedatum><Datum>{datum}</Datum>{extra}</Geboortedatum>"


# -- TR002 -----------------------------------------------------------------------------------------
def test_tr002_passes_within_120_years() -> None:
    b = bericht("IO31", _client(_geboorte("1950-05-01")))
    assert bevindingen(b, "TR002") == []


def test_tr002_fires_more_than_120_years_before_dagtekening() -> None:
    b = bericht("IO31", _client(_geboorte("1906-11-01")), dagtekening=dt.date(2026, 11, 2))
    [f] = bevindingen(b, "TR002")
    assert f.retourcode == "9002"
    assert f.pad.endswith("Client/Geboortedatum/Datum")
    assert "1906-11-01" in f.melding


def test_tr002_exactly_120_years_is_allowed() -> None:
    b = bericht("AW35", _client(_geboorte("1906-11-02")), dagtekening=dt.date(2026, 11, 2))
    assert bevindingen(b, "TR002") == []


def test_tr002_skips_the_unknown_date() -> None:
    b = bericht("IO31", _client(_geboorte("1900-01-01", "3")))
    assert bevindingen(b, "TR002") == []


def test_tr002_1900_without_unknown_marker_fires() -> None:
    b = bericht("IO31", _client(_geboorte("1900-01-01", "1")))
    assert len(bevindingen(b, "TR002")) == 1


def test_tr002_checks_relation_birth_dates_too() -> None:
    relatie = f"<Relaties><Relatie><Soort>12</Soort>{_geboorte('1890-01-01')}</Relatie></Relaties>"
    b = bericht("AW33", _client(_geboorte("1950-01-01") + relatie))
    [f] = bevindingen(b, "TR002")
    assert "Relatie" in f.pad


# -- TR004 / TR005 -----------------------------------------------------------------------------------
def _partner(
    adres: str = "<Huis><Huisnummer>1</Huisnummer></Huis><Postcode>1234AB</Postcode>",
) -> str:
    return (
        "<Relaties><Relatie><Soort>12</Soort>"
        f"<Contact><Soort>01</Soort><Adres>{adres}</Adres></Contact></Relatie></Relaties>"
    )


def _indicatie(afgifte: str) -> str:
    return f"<Indicatie><Afgiftedatum>{afgifte}</Afgiftedatum></Indicatie>"


def test_tr004_passes_with_partner_relation() -> None:
    b = bericht(
        "IO31", _client("<Leefeenheid>3</Leefeenheid>" + _partner() + _indicatie("2020-01-01"))
    )
    assert bevindingen(b, "TR004") == []


def test_tr004_fires_without_partner_relation() -> None:
    relatie = "<Relaties><Relatie><Soort>10</Soort></Relatie></Relaties>"
    b = bericht(
        "AW33", _client("<Leefeenheid>4</Leefeenheid>" + relatie + _indicatie("2020-01-01"))
    )
    [f] = bevindingen(b, "TR004")
    assert f.pad.endswith("Client/Leefeenheid")
    assert "'4'" in f.melding


@pytest.mark.parametrize(
    ("leefeenheid", "afgifte"),
    [("1", "2020-01-01"), ("3", "2007-03-01"), ("3", "2006-01-01")],
)
def test_tr004_does_not_apply_outside_its_condition(leefeenheid: str, afgifte: str) -> None:
    body = f"<Leefeenheid>{leefeenheid}</Leefeenheid>" + _indicatie(afgifte)
    assert bevindingen(bericht("IO31", _client(body)), "TR004") == []


def test_tr005_passes_with_complete_partner_address() -> None:
    b = bericht("IO31", _client(_partner() + _indicatie("2020-01-01")))
    assert bevindingen(b, "TR005") == []


def test_tr005_fires_without_postcode() -> None:
    adres = "<Huis><Huisnummer>1</Huisnummer></Huis>"
    b = bericht("IO31", _client(_partner(adres) + _indicatie("2020-01-01")))
    [f] = bevindingen(b, "TR005")
    assert f.pad.endswith("Relatie/Contact")
    assert "Postcode is absent" in f.melding


def test_tr005_only_after_march_2007() -> None:
    b = bericht("IO31", _client(_partner("<Postcode>1234AB</Postcode>") + _indicatie("2007-02-01")))
    assert bevindingen(b, "TR005") == []


def test_tr005_ignores_non_partner_relations() -> None:
    relatie = "<Relaties><Relatie><Soort>10</Soort><Contact><Soort>01</Soort></Contact></Relatie></Relaties>"
    b = bericht("AW33", _client(relatie + _indicatie("2020-01-01")))
    assert bevindingen(b, "TR005") == []


# -- TR006 -------------------------------------------------------------------------------------------
def _contacten(*inhoud: str) -> str:
    return (
        "<Contactgegevens>"
        + "".join(f"<Contact>{c}</Contact>" for c in inhoud)
        + "</Contactgegevens>"
    )


@pytest.mark.parametrize(
    "inhoud",
    [
        "<Soort>01</Soort><Telefoon><Telefoonnummer>0101234567</Telefoonnummer></Telefoon>",
        "<Soort>01</Soort><Adres><Huis><Huisnummer>1</Huisnummer></Huis><Postcode>1234AB</Postcode></Adres>",
    ],
)
def test_tr006_passes_with_phone_or_house_and_postcode(inhoud: str) -> None:
    assert bevindingen(bericht("IO31", _client(_contacten(inhoud))), "TR006") == []


@pytest.mark.parametrize(
    "inhoud",
    [
        "<Soort>01</Soort>",
        "<Soort>01</Soort><Adres><Postcode>1234AB</Postcode></Adres>",
        "<Soort>01</Soort><Adres><Huis><Huisnummer>1</Huisnummer></Huis></Adres>",
    ],
)
def test_tr006_fires_without_phone_and_full_address(inhoud: str) -> None:
    [f] = bevindingen(bericht("AW33", _client(_contacten(inhoud))), "TR006")
    assert f.pad.endswith("Contactgegevens/Contact")


# -- TR061 -------------------------------------------------------------------------------------------
def test_tr061_passes_with_a_residence_contact() -> None:
    b = bericht("IO31", _client(_contacten("<Soort>02</Soort>", "<Soort>03</Soort>")))
    assert bevindingen(b, "TR061") == []


def test_tr061_fires_without_brp_or_residence_contact() -> None:
    b = bericht("AW33", _client(_contacten("<Soort>02</Soort>", "<Soort>04</Soort>")))
    [f] = bevindingen(b, "TR061")
    assert f.pad.endswith("Client/Contactgegevens")
    assert "'02', '04'" in f.melding


def test_tr061_not_run_for_zk31() -> None:
    b = bericht("ZK31", "<Client>" + _contacten("<Soort>02</Soort>") + "</Client>")
    assert bevindingen(b, "TR061") == []


# -- TR097 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("datum", "gebruik"),
    [("1900-01-01", "3"), ("1950-01-01", "2"), ("1950-06-01", "1"), ("1950-06-17", None)],
)
def test_tr097_passes_consistent_dates(datum: str, gebruik: str | None) -> None:
    assert bevindingen(bericht("AW35", _client(_geboorte(datum, gebruik))), "TR097") == []


@pytest.mark.parametrize(
    ("datum", "gebruik"),
    [("1950-01-01", "3"), ("1950-06-01", "2"), ("1950-06-17", "1")],
)
def test_tr097_fires_on_inconsistent_dates(datum: str, gebruik: str) -> None:
    [f] = bevindingen(bericht("IO31", _client(_geboorte(datum, gebruik))), "TR097")
    assert f.retourcode == "9097"
    assert f.pad.endswith("Client/Geboortedatum")
    assert datum in f.melding
