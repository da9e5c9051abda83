"""The synthetic data generator: deterministic, valid, internally consistent, realistic."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from iwlz import codelists, regio
from iwlz.core import ids, migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.demo.synthetic import MAX_CLIENTS, SyntheticClient, generate, zzp_family
from iwlz.registers.indicatie import models as m
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.indicatie.validation import validate_indicatie

TODAY = dt.date(2026, 6, 15)

# ZZP family -> the grondslag a client with that ZZP has first.
PRIMARY_GRONDSLAG = {
    "VV": {"01", "02"},
    "VG": {"05"},
    "LVG": {"05"},
    "LG": {"04"},
    "ZGvis": {"06"},
    "ZGaud": {"06"},
    "GGZ B": {"03"},
    "GGZ W": {"03"},
}


@pytest.fixture(scope="module")
def clients() -> list[SyntheticClient]:
    return list(generate(1000, seed=7, today=TODAY))


def _age(born: dt.date, on: dt.date = TODAY) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _adressen(client: dict[str, Any]) -> list[dict[str, Any]]:
    return [g["adres"] for g in client["contactGegevens"] if "adres" in g]


def _family(c: SyntheticClient) -> str:
    family = zzp_family(c.indicatie["geindiceerdZorgzwaartepakket"][0]["zzpCode"])
    assert family is not None
    return family


def _dates(obj: Any) -> Iterator[tuple[str, dt.date]]:
    """Every (key, date) pair anywhere in a nested input value."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, dt.date):
                yield key, value
            else:
                yield from _dates(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _dates(item)


# --- determinism -------------------------------------------------------------------------


def test_same_arguments_give_identical_clients() -> None:
    assert list(generate(50, seed=3, today=TODAY)) == list(generate(50, seed=3, today=TODAY))


def test_other_seed_gives_other_clients() -> None:
    a = list(generate(50, seed=1, today=TODAY))
    b = list(generate(50, seed=2, today=TODAY))
    assert {c.bsn for c in a}.isdisjoint({c.bsn for c in b})
    assert {c.wlzindicatieID for c in a}.isdisjoint({c.wlzindicatieID for c in b})
    assert [c.indicatie["client"]["geslachtsnaam"] for c in a] != [
        c.indicatie["client"]["geslachtsnaam"] for c in b
    ]


def test_batches_via_start_index_equal_one_run() -> None:
    whole = list(generate(60, seed=5, today=TODAY))
    parts = [
        *generate(25, seed=5, today=TODAY),
        *generate(1, seed=5, today=TODAY, start_index=25),
        *generate(34, seed=5, today=TODAY, start_index=26),
    ]
    assert parts == whole


def test_generate_is_lazy_and_checks_its_arguments() -> None:
    assert list(generate(0, today=TODAY)) == []
    with pytest.raises(ValueError):
        generate(-1, today=TODAY)
    with pytest.raises(ValueError):
        generate(2, today=TODAY, start_index=MAX_CLIENTS - 1)
    it = generate(MAX_CLIENTS, today=TODAY)  # nothing is generated up front
    assert next(it).bsn == next(generate(1, today=TODAY)).bsn


# --- validity ----------------------------------------------------------------------------


@pytest.mark.parametrize("today", [TODAY, dt.date(2024, 2, 29)])
def test_every_item_passes_validation(today: dt.date) -> None:
    for c in generate(400, seed=11, today=today):
        fouten = validate_indicatie(c.indicatie, today=today)
        assert fouten == [], (c.bsn, [f.as_dict() for f in fouten])


def test_bsns_valid_and_unique_and_besluitnummers_unique() -> None:
    items = list(generate(5000, seed=1, today=TODAY))
    bsns = [c.bsn for c in items]
    assert all(ids.is_valid_bsn(b) and b[0] != "0" for b in bsns)
    assert len(set(bsns)) == len(bsns)
    assert all(c.indicatie["bsn"] == c.bsn == c.indicatie["client"]["bsn"] for c in items)
    besluiten = [c.indicatie["besluitnummer"] for c in items]
    assert len(set(besluiten)) == len(besluiten)
    assert all(1 <= b <= 999_999_999 for b in besluiten)


def test_ids_are_uuid4_and_unique(clients: list[SyntheticClient]) -> None:
    seen: list[Any] = []

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            for key, value in obj.items():
                if key.endswith("ID"):
                    seen.append(value)
                walk(value)
        elif isinstance(obj, list):
            for item in obj:
                walk(item)

    for c in clients:
        assert c.indicatie["wlzindicatieID"] == c.wlzindicatieID
        walk(c.indicatie)
    assert all(u.version == 4 for u in seen)
    assert len(set(seen)) == len(seen)


# --- zorgkantoor and address -------------------------------------------------------------


def test_expected_zorgkantoor_follows_the_gemeente(clients: list[SyntheticClient]) -> None:
    resolver = regio.GemeenteResolver()
    cod001 = codelists.get("COD001")
    for c in clients:
        assert "initieelVerantwoordelijkZorgkantoor" not in c.indicatie  # derived on load
        zk = c.initieelVerantwoordelijkZorgkantoor
        assert zk == regio.zorgkantoor_voor_gemeente(c.gemeentecode).uzovi
        assert zk in cod001
        # The same rule the write API applies to the client's addresses.
        adressen = _adressen(c.indicatie["client"])
        assert regio.zorgkantoor_voor_adressen(adressen, resolver, TODAY).uzovi == zk


def test_brp_address_is_current_complete_and_in_the_gemeente(
    clients: list[SyntheticClient],
) -> None:
    verblijf = 0
    for c in clients:
        adressen = _adressen(c.indicatie["client"])
        current = [a for a in adressen if a["adresSoort"] == "01" and "einddatum" not in a]
        assert len(current) == 1
        brp = current[0]
        gm = regio.gemeente(c.gemeentecode)
        assert brp["gemeentecode"] == c.gemeentecode
        assert brp["plaatsnaam"] == gm.naam
        assert brp["landCode"] == "NL"
        assert ids.is_valid_postcode(brp["postcode"])
        assert len(brp["straatnaam"]) <= 24
        assert brp["ingangsdatum"] < TODAY
        for a in adressen:
            if "einddatum" in a:
                assert a["einddatum"] < brp["ingangsdatum"] <= TODAY
        if any(a["adresSoort"] == "03" for a in adressen):
            verblijf += 1
            assert c.indicatie["client"]["leefeenheid"] in ("7", "9")
    assert 0.12 < verblijf / len(clients) < 0.28


def test_gemeenten_and_zorgkantoren_are_spread_and_weighted_by_size() -> None:
    items = list(generate(500, seed=2, today=TODAY))
    gemeenten = Counter(c.gemeentecode for c in items)
    zorgkantoren = Counter(c.initieelVerantwoordelijkZorgkantoor for c in items)
    assert len(gemeenten) >= 100
    assert len(zorgkantoren) >= 20
    # Amsterdam (about 5 % of the population) beats the typical gemeente by far.
    assert gemeenten["0363"] > 4 * statistics.median(gemeenten.values())


# --- people ------------------------------------------------------------------------------


def test_ages_fit_the_sector(clients: list[SyntheticClient]) -> None:
    ages: dict[str, list[int]] = {}
    for c in clients:
        age = _age(c.indicatie["client"]["geboorteDatum"])
        ages.setdefault(_family(c), []).append(age)
    vv = ages["VV"]
    assert min(vv) >= 50
    assert sum(65 <= a <= 104 for a in vv) / len(vv) > 0.95
    assert 80 <= statistics.median(vv) <= 90
    gz = ages["VG"] + ages.get("LVG", [])
    assert min(gz) >= 3
    assert any(a < 18 for a in gz)  # some children
    assert sum(18 <= a <= 80 for a in ages["VG"]) / len(ages["VG"]) > 0.85
    for family in ("LG", "GGZ B", "GGZ W"):
        assert all(18 <= a <= 85 for a in ages.get(family, []))
    assert len(vv) > len(ages["VG"]) > len(ages["LG"])


def test_dates_are_consistent(clients: list[SyntheticClient]) -> None:
    for c in clients:
        ind = c.indicatie
        client = ind["client"]
        born = client["geboorteDatum"]
        assert ind["afgiftedatum"] <= TODAY
        assert (TODAY - ind["afgiftedatum"]).days <= 5 * 366
        assert ind["afgiftedatum"] <= ind["ingangsdatum"] <= ind["afgiftedatum"] + dt.timedelta(14)
        assert "vervaldatum" not in ind
        # A child's BRP address may start on the day of birth; nothing starts before it.
        persons = [
            {k: v for k, v in p.items() if k != "geboorteDatum"} for p in client["contactPersoon"]
        ]
        rest = {k: v for k, v in ind.items() if k != "client"}
        for key, value in _dates([rest, client["contactGegevens"], persons]):
            assert value >= born, (c.bsn, key)
        zzps = ind["geindiceerdZorgzwaartepakket"]
        assert 1 <= len(zzps) <= 2
        assert zzps[0]["ingangsdatum"] >= ind["ingangsdatum"]
        if len(zzps) == 2:
            assert zzps[0]["einddatum"] + dt.timedelta(1) == zzps[1]["ingangsdatum"] <= TODAY
            assert zzp_family(zzps[0]["zzpCode"]) == zzp_family(zzps[1]["zzpCode"])
    open_ended = sum("einddatum" not in c.indicatie for c in clients)
    assert open_ended / len(clients) > 0.9


def test_names_are_consistent(clients: list[SyntheticClient]) -> None:
    voorvoegsels = Counter()
    for c in clients:
        cl = c.indicatie["client"]
        voornamen = cl["voornamen"].split()
        assert cl["voorletters"] == "".join(n[0] for n in voornamen).upper()
        assert re.fullmatch(r"[A-Za-zÀ-ÿ]{1,6}", cl["voorletters"])
        assert cl["geslacht"] in ("0", "1", "2")
        married = cl["burgerlijkeStaat"] in ("2", "4", "5", "7")
        assert ("partnernaam" in cl) == married
        if not married:
            assert cl["naamGebruik"] == "1"
        partners = [p for p in cl["contactPersoon"] if p["soortRelatie"] == "12"]
        if partners:
            assert cl["burgerlijkeStaat"] in ("2", "5")
            (p,) = partners
            assert p["geslachtsnaam"] == cl["partnernaam"]
            assert p.get("voorvoegselGeslachtsnaam") == cl.get("voorvoegselPartnernaam")
            assert p["partnernaam"] == cl["geslachtsnaam"]
        voorvoegsels[cl.get("voorvoegselGeslachtsnaam")] += 1
        for nr, p in enumerate(cl["contactPersoon"], start=1):
            assert p["relatieNummer"] == str(nr) and p["volgorde"] == nr
            assert p["soortRelatie"] in codelists.get("COD472")
            if "voornamen" in p:
                assert p["voorletters"] == "".join(n[0] for n in p["voornamen"].split()).upper()
        assert len(cl["contactPersoon"]) <= 3
    assert {"van", "de", "van der", "van den"} <= set(voorvoegsels)
    assert voorvoegsels[None] > len(clients) / 2


def test_gender_follows_the_first_names(clients: list[SyntheticClient]) -> None:
    by_name: dict[str, set[str]] = {}
    for c in clients:
        cl = c.indicatie["client"]
        by_name.setdefault(cl["voornamen"].split()[0], set()).add(cl["geslacht"])
    mixed = {n: g for n, g in by_name.items() if {"1", "2"} <= g}
    assert mixed == {}
    women = sum(c.indicatie["client"]["geslacht"] == "2" for c in clients if _family(c) == "VV")
    assert women / sum(_family(c) == "VV" for c in clients) > 0.55


def test_contact_data(clients: list[SyntheticClient]) -> None:
    emails = 0
    for c in clients:
        cl = c.indicatie["client"]
        for g in cl["contactGegevens"]:
            if "telefoon" in g:
                nummer = g["telefoon"]["telefoonnummer"]
                assert nummer.isdigit() and len(nummer) == 10 and nummer[0] == "0"
            if "email" in g:
                emails += 1
                adres = g["email"]["emailadres"]
                assert re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)*@[a-z0-9.]+\.[a-z]+", adres)
        ended = [p for p in cl["contactPersoon"] if "einddatum" in p]
        assert all(p["einddatum"] < TODAY for p in ended)
    assert 0.05 < emails / len(clients) < 0.5


# --- indication content ------------------------------------------------------------------


def test_care_content_fits_the_sector(clients: list[SyntheticClient]) -> None:
    for c in clients:
        ind = c.indicatie
        grondslagen = [g["grondslag"] for g in ind["grondslag"]]
        assert [g["volgorde"] for g in ind["grondslag"]] == list(range(1, len(grondslagen) + 1))
        assert len(set(grondslagen)) == len(grondslagen) <= 2
        assert grondslagen[0] in PRIMARY_GRONDSLAG[_family(c)]
        for s in ind["stoornis"]:
            assert s["grondslag"] in grondslagen
            assert 1 <= len(s["ziektebeeldStoornis"]) <= 8
        assert 1 <= len(ind["stoornis"]) <= 2
        assert 2 <= len(ind["beperking"]) <= 4
        categorieen = [b["categorie"] for b in ind["beperking"]]
        assert len(set(categorieen)) == len(categorieen)
        for b in ind["beperking"]:
            scores = b.get("beperkingScore", [])
            assert 1 <= len(scores) <= 4
            assert all(s["beperkingVraag"][:2] == b["categorie"].zfill(2) for s in scores)
        for z in ind["geindiceerdZorgzwaartepakket"]:
            assert z["financiering"] in ("1", "2")
            if "instellingVoorkeur" in z:
                assert ids.is_valid_agb(z["instellingVoorkeur"])
        if "wzd" in ind:
            assert {"02", "05"} & set(grondslagen) or _family(c) in ("VG", "LVG")


def test_sector_mix_is_realistic(clients: list[SyntheticClient]) -> None:
    families = Counter(_family(c) for c in clients)
    assert 0.5 < families["VV"] / len(clients) < 0.72
    assert 0.15 < families["VG"] / len(clients) < 0.3
    assert families["GGZ B"] + families["GGZ W"] > 20
    codes = Counter(c.indicatie["geindiceerdZorgzwaartepakket"][0]["zzpCode"] for c in clients)
    assert codes.most_common(1)[0][0] == "754"  # 5VV, dementia care
    assert Counter(c.indicatie["meerzorg"] for c in clients)["2"] > 0.9 * len(clients)
    assert sum("wzd" in c.indicatie for c in clients) > 100


# --- loading -----------------------------------------------------------------------------


def test_register_derives_the_expected_zorgkantoor(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        migrate.upgrade(engine)
        clock = FixedClock(dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC))
        ir = Indicatieregister(engine, clock=clock)
        items = list(generate(60, seed=9, today=TODAY))
        uitkomsten = ir.registreer_batch([c.indicatie for c in items])
        assert all(u.geslaagd for u in uitkomsten), [u.fouten for u in uitkomsten]
        assert [u.wlzindicatieID for u in uitkomsten] == [c.wlzindicatieID for c in items]
        table = m.wlz_indicatie
        with engine.connect() as conn:
            stored = dict(
                conn.execute(
                    sa.select(table.c.wlzindicatieID, table.c.initieelVerantwoordelijkZorgkantoor)
                ).all()
            )
        assert stored == {c.wlzindicatieID: c.initieelVerantwoordelijkZorgkantoor for c in items}
    finally:
        engine.dispose()
