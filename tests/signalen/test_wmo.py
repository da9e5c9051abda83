"""Reading and validating Wmo deliveries (spec §1.4)."""

from __future__ import annotations

import pytest

from iwlz.signalen.wmo import Invoerfout, lees_csv, valideer_rijen

from .conftest import AMSTERDAM, BSN_A, BSN_B


def test_csv_with_bom_comma_and_optional_columns() -> None:
    data = (
        "\ufeffBSN,gemeentecode,wmo_referentie,status,ingangsdatum\r\n"
        f"{BSN_A},{AMSTERDAM},W-1,lopend,2026-01-01\r\n"
    ).encode()
    rows = lees_csv(data)
    records, fouten, n = valideer_rijen(rows, AMSTERDAM)
    assert (n, fouten) == (1, [])
    assert records[0].status == "LOPEND" and records[0].einddatum is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe b", "not UTF-8"),
        (b"bsn;status\n", "lacks column"),
        (b"gemeentecode;bsn;wmo_referentie;status;ingangsdatum;naam\n", "unknown column"),
    ],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    with pytest.raises(Invoerfout, match=message):
        lees_csv(data)


def test_row_problems_are_reported_per_row_and_field() -> None:
    data = (
        "gemeentecode;bsn;wmo_referentie;status;ingangsdatum\n"
        f"{AMSTERDAM};{BSN_A};W 1;LOPEND;2026-01-01;extra\n"
        f"{AMSTERDAM};;W-2;LOPEND;01-01-2026\n"
        f"{AMSTERDAM};{BSN_B};W-3;LOPEND;2026-01-01\n"
        f"{AMSTERDAM};{BSN_B};W-3;LOPEND;2026-01-01\n"
    ).encode()
    records, fouten, n = valideer_rijen(lees_csv(data), AMSTERDAM)
    assert n == 4 and [r.wmo_referentie for r in records] == ["W-3"]
    assert {(f.rij, f.veld, f.code) for f in fouten} == {
        (1, "-", "KOLOMMEN"),
        (1, "wmo_referentie", "FORMAAT"),
        (2, "bsn", "VERPLICHT"),
        (2, "ingangsdatum", "DATUM"),
        (4, "wmo_referentie", "DUBBEL"),
    }
