from __future__ import annotations

import csv
import datetime as dt
import filecmp
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest

from iwlz.codelists import get as get_codelist
from iwlz.regio import (
    OPGEHEVEN_ZORGKANTOREN,
    AdresDict,
    AdresLike,
    Gemeente,
    GemeenteResolver,
    RegioError,
    gemeente,
    gemeenten,
    zorgkantoor,
    zorgkantoor_voor_adressen,
    zorgkantoor_voor_gemeente,
    zorgkantoren,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
PEIL = dt.date(2025, 6, 1)


def adres(
    soort: str,
    *,
    ingang: dt.date | str | None = dt.date(2020, 1, 1),
    eind: dt.date | str | None = None,
    postcode: str | None = None,
    plaatsnaam: str | None = None,
    gemeentecode: str | None = None,
    land: str | None = "NL",
) -> AdresDict:
    result: AdresDict = {"adresSoort": soort, "ingangsdatum": ingang, "einddatum": eind}
    if postcode is not None:
        result["postcode"] = postcode
    if plaatsnaam is not None:
        result["plaatsnaam"] = plaatsnaam
    if gemeentecode is not None:
        result["gemeentecode"] = gemeentecode
    if land is not None:
        result["landCode"] = land
    return result


# --- shipped data ------------------------------------------------------------------------


def test_data_files_are_verbatim_copies_of_shared_data() -> None:
    if not (SHARED / "data").is_dir():
        pytest.skip(f"shared data not found at {SHARED / 'data'}")
    ours = resources.files("iwlz.regio").joinpath("data")
    for name in ("gemeente_zorgkantoorregio.csv", "zorgkantoorregios.csv"):
        with resources.as_file(ours.joinpath(name)) as path:
            assert filecmp.cmp(path, SHARED / "data" / name, shallow=False), name


def test_counts() -> None:
    assert len(gemeenten()) == 342
    assert len(zorgkantoren()) == 32
    assert len({g.code for g in gemeenten()}) == 342


def test_every_region_has_gemeenten() -> None:
    used = {g.regio_code for g in gemeenten()}
    assert used == {zk.regio_code for zk in zorgkantoren()}


def test_every_gemeente_gets_a_zorgkantoor_in_cod001() -> None:
    cod001 = get_codelist("COD001")
    for g in gemeenten():
        cod001.validate(zorgkantoor_voor_gemeente(g.code).uzovi)
    raw = resources.files("iwlz.regio").joinpath("data").joinpath("zorgkantoorregios.csv")
    with resources.as_file(raw) as path, open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["zorgkantoor_code"]
            assert code in cod001 or code in OPGEHEVEN_ZORGKANTOREN, row


def test_expired_region_22_is_served_by_rotterdam() -> None:
    schiedam = next(g for g in gemeenten() if g.naam == "Schiedam")
    assert schiedam.regio_code == "22"
    assert zorgkantoor_voor_gemeente(schiedam.code).uzovi == "5521"
    assert "5522" not in get_codelist("COD001")


def test_amsterdam() -> None:
    zk = zorgkantoor_voor_gemeente("0363")
    assert zk.uzovi == "5515"
    assert zk.regio_code == "15"
    assert zk.regio_naam == "Amsterdam"


def test_almere_is_in_t_gooi() -> None:
    zk = zorgkantoor_voor_gemeente("0034")
    assert (zk.regio_code, zk.uzovi, zk.regio_naam) == ("11", "5511", "'t Gooi")


def test_gemeente_lookup_and_code_spellings() -> None:
    assert gemeente("0363") == Gemeente("0363", "Amsterdam", "15", gemeente("0363").note)
    assert gemeente("GM0363") is gemeente("0363")
    assert gemeente("363") is gemeente("0363")
    assert gemeente("0518").naam == "'s-Gravenhage"


def test_unknown_and_malformed_gemeentecode() -> None:
    with pytest.raises(RegioError, match="gemeentecode 0457 is not in the gemeente list"):
        gemeente("0457")  # Weesp, merged into Amsterdam in 2022
    with pytest.raises(RegioError, match="is not a gemeentecode"):
        gemeente("Amsterdam")
    with pytest.raises(RegioError, match="is not a gemeentecode"):
        gemeente("03630")


def test_zorgkantoor_by_uzovi() -> None:
    assert zorgkantoor("5518").regio_naam == "Haaglanden"
    with pytest.raises(RegioError, match=r"no zorgkantoor with UZOVI '5599'.*5501"):
        zorgkantoor("5599")


def test_uncertain_rows_carry_their_note() -> None:
    assert zorgkantoor("5532").note is not None
    assert "UNSURE" in (gemeente("1961").note or "")
    assert gemeente("0014").note is None


def test_regio_error_is_lookup_error() -> None:
    assert issubclass(RegioError, LookupError)


# --- gemeente by plaatsnaam --------------------------------------------------------------


@pytest.mark.parametrize(
    ("plaatsnaam", "code"),
    [
        ("'s-Gravenhage", "0518"),
        ("’s-Gravenhage", "0518"),
        ("S-GRAVENHAGE", "0518"),
        ("'s Gravenhage", "0518"),
        ("Den Haag", "0518"),
        ("DEN HAAG", "0518"),
        ("'s-Hertogenbosch", "0796"),
        ("Den Bosch", "0796"),
        ("Amsterdam", "0363"),
        ("  amsterdam ", "0363"),
        ("Súdwest-Fryslân", "1900"),
        ("Sudwest Fryslan", "1900"),
        ("Nuenen, Gerwen en Nederwetten", "0820"),
        ("Nuenen", "0820"),
        ("Bergen (NH.)", "0373"),
        ("Bergen NH", "0373"),
        ("bergen (l)", "0893"),
        ("Bergen op Zoom", "0748"),
        ("IJsselstein", "0353"),
    ],
)
def test_plaatsnaam_resolves(plaatsnaam: str, code: str) -> None:
    assert GemeenteResolver().resolve(plaatsnaam=plaatsnaam).code == code


def test_ambiguous_bergen_asks_for_gemeentecode() -> None:
    with pytest.raises(RegioError) as info:
        GemeenteResolver().resolve(plaatsnaam="Bergen")
    message = str(info.value)
    assert "ambiguous" in message
    assert "Bergen (L.) (0893)" in message and "Bergen (NH.) (0373)" in message
    assert "give the BRP gemeentecode" in message


def test_gemeente_name_that_is_also_a_woonplaats_elsewhere_is_ambiguous() -> None:
    with pytest.raises(RegioError, match=r"'Hengelo' is ambiguous.*Bronckhorst.*gemeentecode"):
        GemeenteResolver().resolve(plaatsnaam="Hengelo")


def test_unknown_plaatsnaam_explains_what_to_supply() -> None:
    with pytest.raises(RegioError) as info:
        GemeenteResolver().resolve(postcode="1505AB", plaatsnaam="Zaandam")
    message = str(info.value)
    assert "'Zaandam' is not the name of a gemeente" in message
    assert "no postcode table loaded" in message
    assert "give the BRP gemeentecode" in message
    assert "GemeenteResolver.from_csv()" in message


def test_nothing_given() -> None:
    with pytest.raises(RegioError, match="no gemeentecode, postcode or plaatsnaam given"):
        GemeenteResolver().resolve()
    with pytest.raises(RegioError, match="no gemeentecode, postcode or plaatsnaam given"):
        GemeenteResolver().resolve(gemeentecode=" ", postcode="", plaatsnaam="  ")


# --- resolution order --------------------------------------------------------------------


def test_gemeentecode_wins_over_postcode_and_plaatsnaam() -> None:
    resolver = GemeenteResolver({"1011": "0363"})
    found = resolver.resolve(gemeentecode="0518", postcode="1011AB", plaatsnaam="Amsterdam")
    assert found.code == "0518"


def test_wrong_explicit_gemeentecode_is_not_silently_replaced() -> None:
    with pytest.raises(RegioError, match="0457"):
        GemeenteResolver().resolve(gemeentecode="0457", plaatsnaam="Amsterdam")


def test_postcode_wins_over_plaatsnaam() -> None:
    resolver = GemeenteResolver({"1011": "0363"})
    assert resolver.resolve(postcode="1011 ab", plaatsnaam="Den Haag").code == "0363"


def test_postcode_not_in_table_falls_back_to_plaatsnaam() -> None:
    resolver = GemeenteResolver({"1011": "0363"})
    assert resolver.resolve(postcode="2511AB", plaatsnaam="Den Haag").code == "0518"
    with pytest.raises(RegioError, match="postcode 2511AB is not in the postcode table"):
        resolver.resolve(postcode="2511AB", plaatsnaam="Scheveningen")


def test_foreign_postcode_is_reported() -> None:
    with pytest.raises(RegioError, match="'B-1000' is not a Dutch postcode"):
        GemeenteResolver({"1011": "0363"}).resolve(postcode="B-1000")


def test_pc6_entry_wins_over_pc4() -> None:
    # A PC4 area that straddles a border: most of it in one gemeente, one PC6 in the other.
    resolver = GemeenteResolver({"1381": "1942", "1381AB": "0363"})
    assert resolver.resolve(postcode="1381AB").code == "0363"
    assert resolver.resolve(postcode="1381XY").code == "1942"
    assert resolver.resolve(postcode="1381").code == "1942"


def test_postcode_table_is_normalised_and_validated() -> None:
    resolver = GemeenteResolver({"1011 ab": "GM0363", "2511": "518"})
    assert dict(resolver.postcode_table) == {"1011AB": "0363", "2511": "0518"}
    with pytest.raises(ValueError, match="not a PC4 or PC6 postcode"):
        GemeenteResolver({"abc": "0363"})
    with pytest.raises(ValueError, match=r"gemeentecode\(s\) not in the gemeente list.*0457"):
        GemeenteResolver({"1381": "0457"})
    with pytest.raises(ValueError, match="maps to both 0363 and 0518"):
        GemeenteResolver({"1011AB": "0363", "1011 AB": "0518"})


# --- PC4 table from CSV ------------------------------------------------------------------


def test_pc4_table_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "pc4.csv"
    path.write_text("pc4,gemeentecode\n1011,0363\n2511,0518\n1351,0034\n\n", encoding="utf-8")
    resolver = GemeenteResolver.from_csv(path)
    assert resolver.resolve(postcode="1011AB").code == "0363"
    assert resolver.resolve(postcode="2511 CV").code == "0518"
    assert resolver.resolve(postcode="1351AA").regio_code == "11"


def test_cbs_style_pc6_csv(tmp_path: Path) -> None:
    # Shape of the CBS "postcode-huisnummer-gemeente" file: semicolons, one row per house
    # number, gemeentecode without leading zeros, a BOM.
    path = tmp_path / "pc6hnr.csv"
    path.write_text(
        "\ufeffPC6;Huisnummer;Buurt2023;Wijk2023;Gemeente2023\n"
        "1011AB;1;3630000;36300;363\n"
        "1011AB;2;3630000;36300;363\n"
        "2511CV;10;5180000;51800;518\n",
        encoding="utf-8",
    )
    resolver = GemeenteResolver.from_csv(path)
    assert dict(resolver.postcode_table) == {"1011AB": "0363", "2511CV": "0518"}
    assert resolver.resolve(postcode="1011 ab").code == "0363"


def test_csv_with_conflicting_rows_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("postcode,gemeente\n1381,1942\n1381,0363\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 3: postcode 1381 maps to both 1942 and 0363"):
        GemeenteResolver.from_csv(path)


def test_csv_without_usable_columns_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("gemeentecode,gemeentenaam\n0363,Amsterdam\n", encoding="utf-8")
    with pytest.raises(ValueError, match="need a postcode column"):
        GemeenteResolver.from_csv(path)


def test_csv_with_short_row_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("pc4,gemeentecode\n1011,0363\n2511\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3: too few columns"):
        GemeenteResolver.from_csv(path)


# --- zorgkantoor from the client's addresses ---------------------------------------------


def test_brp_adres_preferred_over_verblijfadres() -> None:
    adressen = [
        adres("03", plaatsnaam="Almere", ingang=dt.date(2024, 1, 1)),
        adres("01", plaatsnaam="Amsterdam", ingang=dt.date(2010, 1, 1)),
    ]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).uzovi == "5515"


def test_verblijfadres_when_there_is_no_brp_adres() -> None:
    adressen = [
        adres("02", plaatsnaam="Amsterdam"),  # correspondentie-adres does not count
        adres("03", plaatsnaam="Almere"),
    ]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).uzovi == "5511"


def test_ended_and_future_addresses_are_ignored() -> None:
    adressen = [
        adres("01", plaatsnaam="Amsterdam", ingang=dt.date(2000, 1, 1), eind=dt.date(2025, 5, 31)),
        adres("01", plaatsnaam="Den Haag", ingang=dt.date(2025, 7, 1)),  # not yet valid
        adres("03", plaatsnaam="Almere", ingang=dt.date(2025, 1, 1)),
    ]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).uzovi == "5511"


def test_einddatum_on_peildatum_is_still_valid() -> None:
    adressen = [adres("01", plaatsnaam="Amsterdam", eind=PEIL), adres("03", plaatsnaam="Almere")]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).uzovi == "5515"


def test_latest_ingangsdatum_wins() -> None:
    adressen = [
        adres("01", plaatsnaam="Amsterdam", ingang=dt.date(2019, 1, 1)),
        adres("01", plaatsnaam="Den Haag", ingang=dt.date(2023, 3, 1)),
    ]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).uzovi == "5518"


def test_same_day_addresses_in_different_regions_are_an_error() -> None:
    adressen = [adres("01", plaatsnaam="Amsterdam"), adres("01", plaatsnaam="Den Haag")]
    with pytest.raises(RegioError, match=r"different regions \(5515, 5518\)"):
        zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL)


def test_gemeentecode_on_the_address_is_used() -> None:
    adressen = [adres("01", plaatsnaam="Zaandam", gemeentecode="0479")]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).regio_code == "14"


def test_unresolvable_brp_adres_does_not_fall_back_to_verblijfadres() -> None:
    adressen = [adres("01", plaatsnaam="Zaandam"), adres("03", plaatsnaam="Almere")]
    with pytest.raises(RegioError) as info:
        zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL)
    message = str(info.value)
    assert message.startswith("BRP-adres (01) valid on 2025-06-01:")
    assert "Zaandam" in message and "give the BRP gemeentecode" in message


def test_no_usable_address() -> None:
    adressen = [
        adres("02", plaatsnaam="Amsterdam"),
        adres("01", plaatsnaam="Amsterdam", eind=dt.date(2021, 1, 1)),
    ]
    with pytest.raises(RegioError, match="no BRP-adres \\(01\\) or verblijfadres \\(03\\) valid"):
        zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL)
    with pytest.raises(RegioError, match="among 0 address"):
        zorgkantoor_voor_adressen([], GemeenteResolver(), PEIL)


def test_address_abroad() -> None:
    with pytest.raises(RegioError, match=r"abroad \(landCode BE\)"):
        zorgkantoor_voor_adressen(
            [adres("03", plaatsnaam="Antwerpen", land="BE")], GemeenteResolver(), PEIL
        )


def test_iso_date_strings_and_postcode_table() -> None:
    resolver = GemeenteResolver({"1351": "0034"})
    adressen = [adres("01", postcode="1351 AB", ingang="2024-01-01", eind="")]
    assert zorgkantoor_voor_adressen(adressen, resolver, PEIL).uzovi == "5511"


def test_missing_ingangsdatum_counts_as_valid_since_always() -> None:
    adressen = [adres("01", plaatsnaam="Amsterdam", ingang=None)]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).uzovi == "5515"


def test_objects_with_ir_attribute_names_work() -> None:
    record = SimpleNamespace(
        adresSoort="01",
        ingangsdatum=dt.datetime(2020, 1, 1, 12, 0),
        einddatum=None,
        postcode=None,
        plaatsnaam="Amsterdam",
    )
    adressen: list[AdresLike] = [record]
    assert zorgkantoor_voor_adressen(adressen, GemeenteResolver(), PEIL).uzovi == "5515"


def test_bad_date_type_is_reported() -> None:
    bad: AdresDict = {"adresSoort": "01", "ingangsdatum": 20200101}  # type: ignore[typeddict-item]
    with pytest.raises(TypeError, match="ingangsdatum must be a date"):
        zorgkantoor_voor_adressen([bad], GemeenteResolver(), PEIL)
