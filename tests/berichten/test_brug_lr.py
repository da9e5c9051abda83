"""The bridge AW35/AW39/ZK35/ZK39 ↔ Leveringsregister (brug_lr, brug_lr_export): real registers on
SQLite and PostgreSQL with their production event hooks, synthetic indications with allocations
in the leveringsvormen the messages treat differently, every Mutatiecode mapping, the key map,
exports checked against the official schemas, round trips in both directions and one
transaction per message.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from lxml import etree

from iwlz.app import (
    bemiddelingsregister_hooks,
    indicatieregister_hooks,
    leveringsregister_hooks,
)
from iwlz.berichten import brug_lr, sleutels
from iwlz.berichten.brug import IMPORTEURS, ImportFout, Registers, Verslag
from iwlz.berichten.brug_lr_export import aw35_uit_registers, aw39_uit_registers
from iwlz.berichten.io31 import ExportFout, start_bericht
from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.motor import controleer
from iwlz.berichten.xml import parse_bericht
from iwlz.berichten.xsd import SchemaSet
from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.core.events import domain_event
from iwlz.demo.synthetic import generate
from iwlz.notificaties.outbox import outbox_table
from iwlz.registers.bemiddeling import models as bm
from iwlz.registers.bemiddeling.service import Bemiddelingsregister
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.levering import models as lm
from iwlz.registers.levering.service import Leveringsregister

TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
MOMENT = dt.datetime(2026, 3, 1, 8, 30, 15, tzinfo=dt.UTC)
AANBIEDER, ANDER = "12345678", "87654321"
KLASSE = "KE5"


def registers(url: str) -> Registers:
    engine = create_engine(url)
    migrate.upgrade(engine)
    clock = FixedClock(NOW)
    return Registers(
        engine=engine,
        clock=clock,
        ir=Indicatieregister(engine, clock=clock, event_hooks=indicatieregister_hooks()),
        br=Bemiddelingsregister(engine, clock=clock, event_hooks=bemiddelingsregister_hooks()),
        lr=Leveringsregister(engine, clock=clock, event_hooks=leveringsregister_hooks()),
    )


@dataclass
class Toewijzing:
    """One allocation to AANBIEDER in the BR, with the data the messages need."""

    bsn: str
    besluitnummer: int
    zorgkantoor: str
    bspec_id: uuid.UUID
    zzp: str
    ingang: dt.date
    leveringsvorm: str


@dataclass
class Bron:
    regs: Registers
    toewijzingen: list[Toewijzing]

    def zk(self) -> str:
        return self.toewijzingen[0].zorgkantoor


_VORMEN: list[dict[str, Any]] = [
    {"leveringsvorm": "4", "opname": "1"},  # Verblijf with admission: Behandeling, Sleuteldatum
    {"leveringsvorm": "5"},  # VPT: Klasse
    {"leveringsvorm": "7"},  # MPT
    {"leveringsvorm": "8", "etmalen": "3,5", "opname": "1"},  # DTV: Etmalen
    {"leveringsvorm": "4", "opname": "2"},  # Verblijf without admission
]


def _vul(regs: Registers) -> Bron:
    clienten = [
        c
        for c in generate(40, seed=23, today=TODAY)
        if (c.indicatie.get("einddatum") or TODAY) >= TODAY
        and c.indicatie["ingangsdatum"] <= dt.date(2026, 1, 1)
    ]
    # One zorgkantoor allocates all: the AW35 of one aanbieder goes to one receiver.
    zk = clienten[0].initieelVerantwoordelijkZorgkantoor
    clienten = clienten[: len(_VORMEN)]
    assert len(clienten) == len(_VORMEN)
    uitkomsten = regs.ir.registreer_batch([c.indicatie for c in clienten])
    assert all(u.geslaagd for u in uitkomsten), [u.fouten for u in uitkomsten]
    toewijzingen = []
    for i, (c, vorm) in enumerate(zip(clienten, _VORMEN, strict=True)):
        ingang = c.indicatie["ingangsdatum"]
        zzp = c.indicatie["geindiceerdZorgzwaartepakket"][0]["zzpCode"]
        bspec = {
            "zzpCode": zzp,
            "toewijzingIngangsdatum": ingang,
            "uitvoerendZorgkantoor": zk,
            "vaststellingMoment": MOMENT + dt.timedelta(days=i),
            "percentage": 100,
            "soortToewijzing": "1",
            "instelling": AANBIEDER,
            **vorm,
        }
        uitkomst = regs.br.registreer_bemiddeling(
            zk,
            {
                "wlzIndicatieID": c.wlzindicatieID,
                "verantwoordelijkheidIngangsdatum": ingang,
                "client": {"bsn": c.bsn},
                "bemiddelingspecificatie": [bspec],
            },
        )
        assert uitkomst.geslaagd, uitkomst.fouten
        with regs.engine.connect() as conn:
            bspec_id = regs.br.zoek(
                conn,
                zk,
                "Bemiddelingspecificatie",
                bm.bemiddelingspecificatie.c.bemiddelingID == uitkomst.id,
            )[0]["bemiddelingspecificatieID"]
        toewijzingen.append(
            Toewijzing(
                c.bsn,
                int(c.indicatie["besluitnummer"]),
                zk,
                bspec_id,
                zzp,
                ingang,
                vorm["leveringsvorm"],
            )
        )
    return Bron(regs, toewijzingen)


@pytest.fixture
def bron(db_url: str) -> Iterator[Bron]:
    regs = registers(db_url)
    yield _vul(regs)
    regs.engine.dispose()


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def _d(t: Toewijzing, dagen: int) -> dt.date:
    return max(t.ingang, dt.date(2026, 1, 1)) + dt.timedelta(days=dagen)


def _levering(bron: Bron, t: Toewijzing, **inhoud: Any) -> uuid.UUID:
    uitkomst = bron.regs.lr.registreer_levering(
        AANBIEDER,
        {
            "bemiddelingspecificatieID": t.bspec_id,
            "verantwoordelijkZorgkantoor": t.zorgkantoor,
            "uitvoerendZorgkantoor": t.zorgkantoor,
            "client": {"bsn": t.bsn},
            **inhoud,
        },
    )
    assert uitkomst.geslaagd and uitkomst.id, uitkomst.fouten
    return uitkomst.id


def vul_lr(bron: Bron) -> None:
    """Register content of every kind the messages carry, through the LR's own service."""
    t4, t5, t7, t8, t4b = bron.toewijzingen
    _levering(
        bron,
        t4,
        leveringperiodes=[
            {
                "ingangsdatum": _d(t4, 10),
                "sleuteldatum": _d(t4, 3),
                "behandelingperiodes": [{"ingangsdatum": _d(t4, 10)}],
            }
        ],
    )
    _levering(
        bron,
        t5,
        leveringperiodes=[
            {
                "ingangsdatum": _d(t5, 5),
                "einddatum": _d(t5, 40),
                "beeindigingReden": "17",
                "aanbiederBestemming": ANDER,
            },
            {"ingangsdatum": _d(t5, 50), "einddatum": _d(t5, 90), "beeindigingReden": "19"},
        ],
    )
    _levering(
        bron,
        t7,
        leveringperiodes=[
            {"ingangsdatum": _d(t7, 1), "einddatum": _d(t7, 30), "beeindigingReden": "20"}
        ],
        uitstelperiodes=[
            {
                "ingangsdatum": _d(t7, 30),
                "reden": "20",
                "leveringsstatus": "2",
                "leveringsstatusClassificatie": "13",
            },
            {
                "ingangsdatum": _d(t7, 60),
                "reden": "18",
                "leveringsstatus": "6",
                "leveringsstatusClassificatie": "03",
            },
        ],
    )
    _levering(
        bron,
        t8,
        uitstelperiodes=[
            {
                "ingangsdatum": _d(t8, 2),
                "reden": "12",
                "leveringsstatus": "3",
                "leveringsstatusClassificatie": "14",
            }
        ],
        verzoeken=[
            {
                "verzoekdatum": TODAY,
                "product": t8.zzp,
                "toewijzingSoort": "1",
                "leveringsvorm": "8",
                "volume": 4.5,
                "doelmatig": "2",
                "toeslagreden": "E5B1",
                "verantwoord": "1",
                "verzoekAanbieders": [
                    {
                        "aanbieder": AANBIEDER,
                        "toewijzingIngangsdatum": _d(t8, 20),
                        "toewijzingPercentage": 60,
                        "opname": "1",
                        "regiehouder": "1",
                    },
                    {
                        "aanbieder": ANDER,
                        "toewijzingIngangsdatum": _d(t8, 20),
                        "toewijzingEinddatum": _d(t8, 200),
                        "toewijzingPercentage": 40,
                        "opname": "2",
                        "regiehouder": "2",
                    },
                ],
            }
        ],
    )
    _levering(
        bron, t4b, afstel={"afsteldatum": _d(t4b, 4), "reden": "21", "aanbiederBestemming": ANDER}
    )


def lr_inhoud(regs: Registers, aanbieder: str = AANBIEDER) -> list[tuple[Any, ...]]:
    """The aanbieder's LR content without IDs and bookkeeping (and the moments of writing)."""
    p, b, u, a, v, va, lv = (
        lm.leveringperiode,
        lm.behandelingperiode,
        lm.uitstelperiode,
        lm.afstel,
        lm.verzoek,
        lm.verzoek_aanbieder,
        lm.levering,
    )

    def rows(conn: sa.Connection, table: sa.Table, *where: Any) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in conn.execute(sa.select(table).where(*where))]

    out = []
    with regs.engine.connect() as conn:
        for levering in rows(conn, lv, lv.c.aanbieder == aanbieder):
            lid = levering["levering_id"]
            perioden = []
            for x in rows(conn, p, p.c.leveringID == lid):
                behandeling = sorted(
                    (y["ingangsdatum"], y["einddatum"])
                    for y in rows(conn, b, b.c.leveringperiodeID == x["leveringperiode_id"])
                )
                perioden.append(
                    (
                        x["ingangsdatum"],
                        x["sleuteldatum"],
                        x["einddatum"],
                        x["beeindiging_reden"],
                        x["aanbieder_bestemming"],
                        tuple(behandeling),
                    )
                )
            uitstel = [
                (
                    x["ingangsdatum"],
                    x["reden"],
                    x["leveringsstatus"],
                    x["leveringsstatus_classificatie"],
                    x["einddatum"],
                )
                for x in rows(conn, u, u.c.leveringID == lid)
            ]
            afstel = [
                (x["afsteldatum"], x["reden"], x["aanbieder_bestemming"])
                for x in rows(conn, a, a.c.leveringID == lid)
            ]
            verzoeken = []
            for x in rows(conn, v, v.c.leveringID == lid):
                aanbieders = sorted(
                    tuple(y[k] for k in y if k not in ("verzoek_aanbieder_id", "verzoek_id"))
                    for y in (
                        {
                            k: val
                            for k, val in r.items()
                            if k not in ("versie", "geregistreerd_op", "gewijzigd_op")
                        }
                        for r in rows(conn, va, va.c.verzoekID == x["verzoek_id"])
                    )
                )
                verzoeken.append(
                    (
                        x["verzoekdatum"],
                        x["product"],
                        x["toewijzing_soort"],
                        x["leveringsvorm"],
                        x["volume"],
                        x["eenheid"],
                        x["frequentie"],
                        x["doelmatig"],
                        x["toeslagreden"],
                        x["verantwoord"],
                        tuple(aanbieders),
                    )
                )
            out.append(
                (
                    str(levering["bemiddelingspecificatie_id"]),
                    levering["verantwoordelijk_zorgkantoor"],
                    levering["uitvoerend_zorgkantoor"],
                    tuple(sorted(perioden, key=str)),
                    tuple(sorted(uitstel, key=str)),
                    tuple(afstel),
                    tuple(sorted(verzoeken, key=str)),
                )
            )
    return sorted(out)


def leeg_lr(regs: Registers) -> None:
    with regs.engine.connect() as conn:
        ids = [r.leveringID for r in conn.execute(sa.select(lm.levering.c.leveringID))]
    for lid in ids:
        aanbieder = AANBIEDER
        assert regs.lr.verwijder_levering(aanbieder, lid).geslaagd
    with regs.engine.begin() as conn:
        conn.execute(sleutels.sleutel.delete())


def exporteer(bron: Bron, code: str, **kwargs: Any) -> etree._Element:
    maak = aw35_uit_registers if code == "AW35" else aw39_uit_registers
    return maak(
        bron.regs,
        AANBIEDER,
        ontvanger=bron.zk(),
        identificatie=f"{code}-1",
        dagtekening=TODAY,
        **kwargs,
    )


def importeer(regs: Registers, root: etree._Element) -> Verslag:
    data = etree.tostring(root)
    parsed = parse_bericht(data).root
    code = etree.QName(parsed).namespace.split("/")[-2].upper()  # type: ignore[union-attr]
    return IMPORTEURS[code](parsed, regs)


def c14n(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n2")


def tellingen(regs: Registers) -> dict[str, int]:
    with regs.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (*lm.TABLES, sleutels.sleutel, domain_event, outbox_table)
        }


# -- registration and exports --------------------------------------------------------------------


def test_the_four_importers_are_registered() -> None:
    assert {c: IMPORTEURS[c] for c in ("AW35", "AW39", "ZK35", "ZK39")} == {
        "AW35": brug_lr.importeer_aw35,
        "AW39": brug_lr.importeer_aw39,
        "ZK35": brug_lr.importeer_zk35,
        "ZK39": brug_lr.importeer_zk39,
    }


def test_exports_are_valid_against_the_official_schema(bron: Bron, xsd: SchemaSet) -> None:
    vul_lr(bron)
    for code in ("AW35", "AW39"):
        root = exporteer(bron, code, klasse=KLASSE)
        assert xsd.validate(root)[0] == code
        assert xsd.validate(root)[1] == [], code


def test_exports_pass_the_stateless_rules(bron: Bron) -> None:
    vul_lr(bron)
    for code in ("AW35", "AW39"):
        root = exporteer(bron, code, klasse=KLASSE)
        bevindingen = controleer(Bericht(root), vandaag=TODAY)
        assert [(f.regel, f.pad, f.melding) for f in bevindingen] == [], code


def test_aw35_export_content(bron: Bron) -> None:
    vul_lr(bron)
    root = exporteer(bron, "AW35", klasse=KLASSE)
    n = "{http://www.istandaarden.nl/iwlz/2_2/aw35/schema}"
    pakketten = root.findall(f".//{n}GeleverdZorgzwaartepakket")
    assert len(pakketten) == 4  # four leveringperiodes
    per_vorm = {p.findtext(f"{n}Leveringsvorm"): p for p in pakketten}
    verblijf = per_vorm["4"]
    t4 = bron.toewijzingen[0]
    assert verblijf.findtext(f"{n}Besluitnummer") == str(t4.besluitnummer)
    assert verblijf.findtext(f"{n}ZzpCode") == t4.zzp
    assert verblijf.findtext(f"{n}ToewijzingIngangsdatum") == t4.ingang.isoformat()
    assert verblijf.findtext(f"{n}Begindatum") == _d(t4, 10).isoformat()
    assert verblijf.findtext(f"{n}Sleuteldatum") == _d(t4, 3).isoformat()
    assert verblijf.findtext(f"{n}Behandeling") == "1"
    assert verblijf.findtext(f"{n}Klasse") == KLASSE
    assert all(p.findtext(f"{n}Leveringsstatus") == "4" for p in pakketten)
    assert all(p.findtext(f"{n}Instelling") == AANBIEDER for p in pakketten)
    assert root.findtext(f"{n}Header/{n}Afzender") == AANBIEDER
    assert root.findtext(f"{n}Header/{n}Ontvanger") == bron.zk()


def test_klasse_for_verblijf_defaults_to_ke7_on_export(bron: Bron) -> None:
    # The registers hold no ZZP class: Leveringsvorm 4/5 needs one (CD051), KE4–KE7 (CS074).
    vul_lr(bron)
    root = exporteer(bron, "AW35")
    n = "{http://www.istandaarden.nl/iwlz/2_2/aw35/schema}"
    for pakket in root.iter(f"{n}GeleverdZorgzwaartepakket"):
        vorm = pakket.findtext(f"{n}Leveringsvorm")
        assert pakket.findtext(f"{n}Klasse") == ("KE7" if vorm in {"4", "5"} else None)


def test_export_without_content_fails(bron: Bron) -> None:
    with pytest.raises(ExportFout, match="no delivery"):
        exporteer(bron, "AW35")
    with pytest.raises(ExportFout, match="no mutation"):
        exporteer(bron, "AW39")


def test_aw39_export_maps_every_register_kind(bron: Bron) -> None:
    vul_lr(bron)
    root = exporteer(bron, "AW39", klasse=KLASSE)
    n = "{http://www.istandaarden.nl/iwlz/2_2/aw39/schema}"
    mutaties = {
        (m.findtext(f"{n}Mutatiecode"), m.findtext(f"{n}Mutatiedatum")): m
        for m in root.iter(f"{n}MutatieZorgzwaartepakket")
    }
    _, t5, t7, t8, t4b = bron.toewijzingen
    assert set(mutaties) == {
        ("17", _d(t5, 40).isoformat()),
        ("19", _d(t5, 90).isoformat()),
        ("20", _d(t7, 30).isoformat()),
        ("18", _d(t7, 60).isoformat()),
        ("12", _d(t8, 2).isoformat()),
        ("21", _d(t4b, 4).isoformat()),
    }
    m17 = mutaties[("17", _d(t5, 40).isoformat())]
    assert m17.findtext(f"{n}InstellingBestemming") == ANDER
    assert m17.findtext(f"{n}Begindatum") == _d(t5, 5).isoformat()
    m20 = mutaties[("20", _d(t7, 30).isoformat())]
    assert (
        m20.findtext(f"{n}Leveringsstatus"),
        m20.findtext(f"{n}LeveringsstatusClassificatie"),
    ) == (
        "2",
        "13",
    )
    m21 = mutaties[("21", _d(t4b, 4).isoformat())]
    assert m21.find(f"{n}Begindatum") is None
    assert m21.findtext(f"{n}InstellingBestemming") == ANDER
    aanvraag = root.find(f".//{n}Aanvraag")
    assert aanvraag is not None
    assert aanvraag.findtext(f"{n}Etmalen") == "4,5"
    assert aanvraag.findtext(f"{n}Dossierhouder") == AANBIEDER
    basis = "{http://www.istandaarden.nl/iwlz/2_2/basisschema/schema}"
    assert aanvraag.findtext(f"{n}BijzondereSituatie/{basis}ExtraKostenThuis") == "5"
    assert aanvraag.findtext(f"{n}BijzondereSituatie/{basis}ToeslagBeademing") == "1"
    percentages = [e.text for e in aanvraag.iter(f"{n}ToewijzingPercentage")]
    assert percentages == ["6000", "4000"]


# -- round trips ---------------------------------------------------------------------------------


def test_round_trips_register_message_register_message(bron: Bron) -> None:
    regs = bron.regs
    vul_lr(bron)
    voor = lr_inhoud(regs)
    aw35 = exporteer(bron, "AW35", klasse=KLASSE)
    aw39 = exporteer(bron, "AW39", klasse=KLASSE)
    leeg_lr(regs)
    assert lr_inhoud(regs) == []
    importeer(regs, aw35)
    importeer(regs, aw39)
    assert lr_inhoud(regs) == voor  # register → message → register
    # message → register → message; the Klasse comes back from the key map this time.
    assert c14n(exporteer(bron, "AW35")) == c14n(aw35)
    assert c14n(exporteer(bron, "AW39")) == c14n(aw39)


# -- message builders for the import tests -------------------------------------------------------


def maak(
    code: str,
    clienten: Sequence[tuple[Toewijzing, str, Sequence[Mapping[str, Any]]]],
    *,
    afzender: str = AANBIEDER,
    ontvanger: str | None = None,
    identificatie: str = "T1",
) -> etree._Element:
    """An AW35/AW39/ZK35/ZK39 with per client the records of one list (element → value)."""
    b, root, lijst_ouder = start_bericht(
        code, afzender, ontvanger or clienten[0][0].zorgkantoor, identificatie, TODAY
    )
    for t, lijst, records in clienten:
        client = b.el(lijst_ouder, "Client")
        b.el(client, "Bsn", t.bsn)
        geboorte = b.el(client, "Geboortedatum")
        b.el(geboorte, "Datum", "1940-01-01", basis=True)
        b.el(client, "Geslacht", "1")
        naam = b.el(client, "Naam")
        achternaam = b.el(naam, "Geslachtsnaam", basis=True)
        b.el(achternaam, "Achternaam", "Test", basis=True)
        ouder = b.el(client, lijst)
        for record in records:
            el = b.el(ouder, record["_"])
            for k, v in record.items():
                if k != "_" and v is not None:
                    b.el(el, k, v)
    return root


def geleverd(t: Toewijzing, begin: dt.date, status: str = "1", **extra: Any) -> dict[str, Any]:
    return {
        "_": "GeleverdZorgzwaartepakket",
        "Besluitnummer": t.besluitnummer,
        "ZzpCode": t.zzp,
        "ToewijzingIngangsdatum": t.ingang.isoformat(),
        "Begindatum": begin.isoformat(),
        "Sleuteldatum": extra.pop("Sleuteldatum", None),
        "Instelling": AANBIEDER,
        "Klasse": KLASSE if t.leveringsvorm in ("4", "5") else None,
        "Leveringsstatus": "4",
        "Leveringsvorm": t.leveringsvorm,
        "Behandeling": extra.pop("Behandeling", None),
        "StatusAanlevering": status,
        **extra,
    }


def mutatie(
    t: Toewijzing,
    code: str,
    datum: dt.date,
    leveringsstatus: str,
    *,
    begin: dt.date | None = None,
    classificatie: str | None = None,
    bestemming: str | None = None,
    status: str = "1",
) -> dict[str, Any]:
    return {
        "_": "MutatieZorgzwaartepakket",
        "Besluitnummer": t.besluitnummer,
        "ZzpCode": t.zzp,
        "ToewijzingIngangsdatum": t.ingang.isoformat(),
        "Begindatum": begin.isoformat() if begin else None,
        "Instelling": AANBIEDER,
        "Mutatiecode": code,
        "Mutatiedatum": datum.isoformat(),
        "Leveringsstatus": leveringsstatus,
        "LeveringsstatusClassificatie": classificatie,
        "Leveringsvorm": t.leveringsvorm,
        "InstellingBestemming": bestemming,
        "StatusAanlevering": status,
    }


def aw35(t: Toewijzing, *records: dict[str, Any], code: str = "AW35", **kw: Any) -> etree._Element:
    return maak(code, [(t, "GeleverdeZorgzwaartepakketten", records)], **kw)


def aw39(t: Toewijzing, *records: dict[str, Any], code: str = "AW39", **kw: Any) -> etree._Element:
    return maak(code, [(t, "MutatieZorgzwaartepakketten", records)], **kw)


def periodes(regs: Registers) -> list[dict[str, Any]]:
    with regs.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(lm.leveringperiode))]


# -- AW35 import ---------------------------------------------------------------------------------


def test_aw35_creates_levering_periode_and_behandeling(bron: Bron, xsd: SchemaSet) -> None:
    regs = bron.regs
    t = bron.toewijzingen[0]
    bericht = aw35(t, geleverd(t, _d(t, 7), Sleuteldatum=_d(t, 1).isoformat(), Behandeling="1"))
    assert xsd.validate(bericht)[1] == []
    verslag = importeer(regs, bericht)
    assert set(verslag.geschreven) == {"Levering", "Leveringperiode"}
    with regs.engine.connect() as conn:
        levering = conn.execute(sa.select(lm.levering)).mappings().one()
        periode = conn.execute(sa.select(lm.leveringperiode)).mappings().one()
        behandeling = conn.execute(sa.select(lm.behandelingperiode)).mappings().one()
        koppeling = sleutels.koppelingen(
            conn,
            brug_lr.GELEVERD,
            AANBIEDER,
            sleutels.maak_sleutel(t.bsn, t.besluitnummer, t.zzp, t.ingang, AANBIEDER, _d(t, 7)),
        )
    assert levering["aanbieder"] == AANBIEDER
    assert levering["bemiddelingspecificatie_id"] == t.bspec_id
    assert levering["verantwoordelijk_zorgkantoor"] == t.zorgkantoor
    assert (periode["ingangsdatum"], periode["sleuteldatum"]) == (_d(t, 7), _d(t, 1))
    assert (behandeling["ingangsdatum"], behandeling["einddatum"]) == (_d(t, 7), None)
    assert koppeling == [
        sleutels.Koppeling("Leveringperiode", periode["leveringperiode_id"], {"Klasse": KLASSE})
    ]


def test_aw35_second_period_reuses_the_levering(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    importeer(bron.regs, aw35(t, geleverd(t, _d(t, 1))))
    verslag = importeer(bron.regs, aw35(t, geleverd(t, _d(t, 30)), identificatie="T2"))
    assert "Levering" not in verslag.geschreven
    assert len(periodes(bron.regs)) == 2


def test_behandeling_2_registers_no_behandelingperiode(bron: Bron) -> None:
    t = bron.toewijzingen[0]
    importeer(bron.regs, aw35(t, geleverd(t, _d(t, 1), Behandeling="2")))
    assert tellingen(bron.regs)["lr_behandelingperiode"] == 0
    assert tellingen(bron.regs)["lr_leveringperiode"] == 1


def test_aw35_status_3_deletes_through_the_key_map(bron: Bron) -> None:
    regs = bron.regs
    t = bron.toewijzingen[0]
    importeer(regs, aw35(t, geleverd(t, _d(t, 1), Behandeling="1")))
    verslag = importeer(
        regs, aw35(t, geleverd(t, _d(t, 1), "3", Behandeling="1"), identificatie="T2")
    )
    assert list(verslag.geschreven) == ["Leveringperiode verwijderd"]
    n = tellingen(regs)
    assert (n["lr_leveringperiode"], n["lr_behandelingperiode"], n["berichten_sleutel"]) == (
        0,
        0,
        0,
    )


def test_aw35_correction_is_delete_plus_new(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    importeer(bron.regs, aw35(t, geleverd(t, _d(t, 1))))
    importeer(
        bron.regs,
        aw35(t, geleverd(t, _d(t, 1), "3"), geleverd(t, _d(t, 2)), identificatie="T2"),
    )
    assert [p["ingangsdatum"] for p in periodes(bron.regs)] == [_d(t, 2)]


def test_unknown_allocation_is_9019(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    record = geleverd(
        t, _d(t, 1), ToewijzingIngangsdatum=(t.ingang + dt.timedelta(days=1)).isoformat()
    )
    with pytest.raises(ImportFout) as fout:
        importeer(bron.regs, aw35(t, record))
    assert fout.value.retourcode == "9019"
    assert fout.value.element is not None
    assert etree.QName(fout.value.element).localname == "GeleverdZorgzwaartepakket"


def test_allocation_of_another_zorgkantoor_is_9019(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    ander = "5509" if t.zorgkantoor != "5509" else "5515"
    with pytest.raises(ImportFout) as fout:
        importeer(bron.regs, aw35(t, geleverd(t, _d(t, 1)), ontvanger=ander))
    assert fout.value.retourcode == "9019"


def test_new_key_twice_is_9074_and_unknown_delete_9063(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    importeer(bron.regs, aw35(t, geleverd(t, _d(t, 1))))
    with pytest.raises(ImportFout) as fout:
        importeer(bron.regs, aw35(t, geleverd(t, _d(t, 1)), identificatie="T2"))
    assert fout.value.retourcode == "9074"
    with pytest.raises(ImportFout) as fout:
        importeer(bron.regs, aw35(t, geleverd(t, _d(t, 9), "3"), identificatie="T3"))
    assert fout.value.retourcode == "9063"


def test_geleverde_functies_are_skipped(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    functie = {
        "_": "GeleverdeFunctie",
        "Besluitnummer": t.besluitnummer,
        "FunctieCode": "21",
        "ToewijzingIngangsdatum": t.ingang.isoformat(),
        "Begindatum": _d(t, 1).isoformat(),
        "Instelling": AANBIEDER,
        "Klasse": "K1",
        "StatusAanlevering": "1",
    }
    bericht = maak("AW35", [(t, "GeleverdeFuncties", [functie])])
    verslag = importeer(bron.regs, bericht)
    assert verslag.aantal == 0
    assert tellingen(bron.regs)["lr_levering"] == 0


# -- one transaction per message -----------------------------------------------------------------


def test_a_refused_record_leaves_nothing_of_the_message(bron: Bron) -> None:
    regs = bron.regs
    t1, t2 = bron.toewijzingen[0], bron.toewijzingen[1]
    voor = tellingen(regs)
    fout = geleverd(t2, _d(t2, 1), ZzpCode="999")  # no such allocation
    bericht = maak(
        "AW35",
        [
            (t1, "GeleverdeZorgzwaartepakketten", [geleverd(t1, _d(t1, 1), Behandeling="1")]),
            (t2, "GeleverdeZorgzwaartepakketten", [fout]),
        ],
    )
    with pytest.raises(ImportFout) as exc:
        importeer(regs, bericht)
    assert exc.value.retourcode == "9019"
    assert tellingen(regs) == voor
    # The same first client alone goes through: the rollback, not the data, kept it out.
    importeer(regs, aw35(t1, geleverd(t1, _d(t1, 1), Behandeling="1")))
    na = tellingen(regs)
    assert na["lr_leveringperiode"] == 1 and na["domain_event"] > voor["domain_event"]
    assert na[outbox_table.name] > voor[outbox_table.name]


def test_refused_mutation_rolls_back_the_mutations_before_it(bron: Bron) -> None:
    regs = bron.regs
    t = bron.toewijzingen[1]
    importeer(regs, aw35(t, geleverd(t, _d(t, 1))))
    voor = (lr_inhoud(regs), tellingen(regs))
    bericht = aw39(
        t,
        mutatie(t, "19", _d(t, 20), "5", begin=_d(t, 1)),
        mutatie(t, "19", _d(t, 30), "5", begin=_d(t, 2)),  # no MAZ from that day: 9069
        identificatie="T2",
    )
    with pytest.raises(ImportFout) as exc:
        importeer(regs, bericht)
    assert exc.value.retourcode == "9069"
    assert (lr_inhoud(regs), tellingen(regs)) == voor


def test_levering_service_transactie_joins_and_rolls_back(bron: Bron) -> None:
    regs = bron.regs
    t1, t2 = bron.toewijzingen[0], bron.toewijzingen[1]
    voor = tellingen(regs)
    with pytest.raises(RuntimeError), regs.lr.transactie():
        _levering(bron, t1)
        _levering(bron, t2)
        raise RuntimeError("roll back")
    assert tellingen(regs) == voor
    with regs.lr.transactie():
        _levering(bron, t1)
        _levering(bron, t2)
    assert tellingen(regs)["lr_levering"] == 2
    # Outside a block every write still commits on its own.
    lid = _levering(bron, bron.toewijzingen[2])
    assert regs.lr.verwijder_levering(AANBIEDER, lid).geslaagd
    assert tellingen(regs)["lr_levering"] == 2


# -- AW39 import ---------------------------------------------------------------------------------


def _met_maz(bron: Bron, t: Toewijzing, begin: dt.date) -> None:
    importeer(bron.regs, aw35(t, geleverd(t, begin), identificatie="MAZ"))


def test_mutation_17_closes_with_bestemming(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    _met_maz(bron, t, _d(t, 1))
    importeer(bron.regs, aw39(t, mutatie(t, "17", _d(t, 9), "5", begin=_d(t, 1), bestemming=ANDER)))
    (p,) = periodes(bron.regs)
    assert (p["einddatum"], p["beeindiging_reden"], p["aanbieder_bestemming"]) == (
        _d(t, 9),
        "17",
        ANDER,
    )


def test_mutation_19_closes_without_bestemming(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    _met_maz(bron, t, _d(t, 1))
    importeer(bron.regs, aw39(t, mutatie(t, "19", _d(t, 9), "5", begin=_d(t, 1))))
    (p,) = periodes(bron.regs)
    assert (p["einddatum"], p["beeindiging_reden"], p["aanbieder_bestemming"]) == (
        _d(t, 9),
        "19",
        None,
    )


def test_mutation_20_closes_and_waits(bron: Bron) -> None:
    t = bron.toewijzingen[2]
    _met_maz(bron, t, _d(t, 1))
    verslag = importeer(
        bron.regs, aw39(t, mutatie(t, "20", _d(t, 9), "7", begin=_d(t, 1), classificatie="10"))
    )
    assert set(verslag.geschreven) == {"Leveringperiode", "Uitstelperiode"}
    ((_, _, _, perioden, uitstel, afstel, _),) = lr_inhoud(bron.regs)
    assert perioden == ((_d(t, 1), None, _d(t, 9), "20", None, ()),)
    assert uitstel == ((_d(t, 9), "20", "7", "10", None),)
    assert afstel == ()


def test_mutation_21_closes_an_open_period(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    _met_maz(bron, t, _d(t, 1))
    importeer(bron.regs, aw39(t, mutatie(t, "21", _d(t, 9), "5", bestemming=ANDER)))
    (p,) = periodes(bron.regs)
    assert (p["einddatum"], p["beeindiging_reden"], p["aanbieder_bestemming"]) == (
        _d(t, 9),
        "21",
        ANDER,
    )
    assert tellingen(bron.regs)["lr_afstel"] == 0


def test_mutation_21_without_maz_is_afstel(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    importeer(bron.regs, aw39(t, mutatie(t, "21", _d(t, 9), "5", bestemming=ANDER)))
    ((_, _, _, perioden, uitstel, afstel, _),) = lr_inhoud(bron.regs)
    assert (perioden, uitstel, afstel) == ((), (), ((_d(t, 9), "21", ANDER),))


@pytest.mark.parametrize(
    ("code", "status", "classificatie"), [("12", "3", "13"), ("18", "2", "16"), ("18", "6", "01")]
)
def test_waiting_mutations_are_uitstelperiodes(
    bron: Bron, code: str, status: str, classificatie: str
) -> None:
    t = bron.toewijzingen[2]
    importeer(bron.regs, aw39(t, mutatie(t, code, _d(t, 3), status, classificatie=classificatie)))
    ((_, _, _, perioden, uitstel, afstel, _),) = lr_inhoud(bron.regs)
    assert (perioden, uitstel, afstel) == ((), ((_d(t, 3), code, status, classificatie, None),), ())


def test_mutation_12_einde_zorgvraag_is_afstel(bron: Bron) -> None:
    t = bron.toewijzingen[2]
    importeer(bron.regs, aw39(t, mutatie(t, "12", _d(t, 3), "5")))
    ((_, _, _, _, uitstel, afstel, _),) = lr_inhoud(bron.regs)
    assert (uitstel, afstel) == ((), ((_d(t, 3), "12", None),))


@pytest.mark.parametrize(("code", "status"), [("18", "5"), ("12", "2"), ("20", "5")])
def test_status_not_fitting_the_code_is_9046(bron: Bron, code: str, status: str) -> None:
    t = bron.toewijzingen[2]
    _met_maz(bron, t, _d(t, 1))
    begin = _d(t, 1) if code == "20" else None
    with pytest.raises(ImportFout) as fout:
        importeer(bron.regs, aw39(t, mutatie(t, code, _d(t, 3), status, begin=begin)))
    assert fout.value.retourcode == "9046"


def test_mutation_status_3_undoes_it(bron: Bron) -> None:
    regs = bron.regs
    t = bron.toewijzingen[2]
    _met_maz(bron, t, _d(t, 1))
    voor = lr_inhoud(regs)
    m20 = mutatie(t, "20", _d(t, 9), "7", begin=_d(t, 1), classificatie="10")
    importeer(regs, aw39(t, m20))
    m12 = mutatie(t, "12", _d(t, 12), "5")
    importeer(regs, aw39(t, m12, identificatie="T2"))
    assert lr_inhoud(regs) != voor
    importeer(
        regs,
        aw39(
            t,
            {**m20, "StatusAanlevering": "3"},
            {**m12, "StatusAanlevering": "3"},
            identificatie="T3",
        ),
    )
    assert lr_inhoud(regs) == voor
    with regs.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count())
                .select_from(sleutels.sleutel)
                .where(sleutels.sleutel.c.soort == brug_lr.MUTATIE)
            ).scalar_one()
            == 0
        )


# -- Aanvraag ------------------------------------------------------------------------------------


def _aanvraag(
    t: Toewijzing,
    instellingen: Sequence[Mapping[str, Any]],
    identificatie: str = "A1",
    afzender: str = AANBIEDER,
    **velden: Any,
) -> etree._Element:
    b, root, clienten = start_bericht("AW39", afzender, t.zorgkantoor, identificatie, TODAY)
    client = b.el(clienten, "Client")
    b.el(client, "Bsn", t.bsn)
    geboorte = b.el(client, "Geboortedatum")
    b.el(geboorte, "Datum", "1940-01-01", basis=True)
    b.el(client, "Geslacht", "2")
    naam = b.el(client, "Naam")
    b.el(b.el(naam, "Geslachtsnaam", basis=True), "Achternaam", "Test", basis=True)
    aanvraag = b.el(b.el(client, "Aanvragen"), "Aanvraag")
    b.el(aanvraag, "Besluitnummer", velden.get("Besluitnummer", t.besluitnummer))
    b.el(aanvraag, "Afgiftedatum", "2025-01-01")
    b.el(aanvraag, "Instelling", velden.get("Instelling", AANBIEDER))
    b.el(aanvraag, "ZzpCode", t.zzp)
    b.opt(aanvraag, "Klasse", velden.get("Klasse"))
    b.el(aanvraag, "Leveringsvorm", velden.get("Leveringsvorm", "4"))
    b.opt(aanvraag, "Dossierhouder", velden.get("Dossierhouder"))
    b.opt(aanvraag, "CoordinatorZorgThuis", velden.get("CoordinatorZorgThuis"))
    if velden.get("BijzondereSituatie"):
        situatie = b.el(aanvraag, "BijzondereSituatie")
        for k, v in velden["BijzondereSituatie"].items():
            b.el(situatie, k, v, basis=True)
    lijst = b.el(aanvraag, "AanvraagInstellingen")
    for i in instellingen:
        el = b.el(lijst, "AanvraagInstelling")
        for k in (
            "Instelling",
            "Soort",
            "ToewijzingIngangsdatum",
            "ToewijzingEinddatum",
            "ToewijzingPercentage",
            "Opname",
        ):
            b.opt(el, k, i.get(k))
    return root


def test_aanvraag_becomes_verzoek(bron: Bron, xsd: SchemaSet) -> None:
    regs = bron.regs
    t = bron.toewijzingen[0]
    bericht = _aanvraag(
        t,
        [
            {
                "Instelling": ANDER,
                "Soort": "1",
                "ToewijzingIngangsdatum": "2026-06-01",
                "ToewijzingPercentage": "10000",
                "Opname": "1",
            },
            {
                "Instelling": AANBIEDER,
                "Soort": "3",
                "ToewijzingIngangsdatum": "2026-05-01",
                "ToewijzingEinddatum": "2026-05-31",
                "ToewijzingPercentage": "10000",
                "Opname": "1",
            },
        ],
        Klasse="KE6",
        Dossierhouder=ANDER,
        BijzondereSituatie={"ToeslagOverig": "3"},
    )
    assert xsd.validate(bericht)[1] == []
    verslag = importeer(regs, bericht)
    assert set(verslag.geschreven) == {"Levering", "Verzoek"}
    ((bspec, _, _, _, _, _, verzoeken),) = lr_inhoud(regs)
    assert bspec == str(t.bspec_id)
    ((datum, product, soort, vorm, volume, _, _, doelmatig, toeslag, verantwoord, aanbieders),) = (
        verzoeken
    )
    assert (datum, product, soort, vorm, volume, doelmatig, toeslag, verantwoord) == (
        TODAY,
        t.zzp,
        "1",
        "4",
        None,
        None,
        "O3",
        None,
    )
    assert {(a[1], a[2], a[3], a[4], a[5], a[6]) for a in aanbieders} == {
        (ANDER, dt.date(2026, 6, 1), None, 100, "1", "1"),
        (AANBIEDER, dt.date(2026, 5, 1), dt.date(2026, 5, 31), 100, "1", "2"),
    }
    # Exported again: the same Aanvraag (Soort per instelling and Klasse from the key map).
    weer = aw39_uit_registers(
        regs, AANBIEDER, ontvanger=t.zorgkantoor, identificatie="A1", dagtekening=TODAY
    )
    n = "{http://www.istandaarden.nl/iwlz/2_2/aw39/schema}"
    terug = weer.find(f".//{n}Aanvraag")
    origineel = bericht.find(f".//{n}Aanvraag")
    assert terug is not None and origineel is not None
    # Afgiftedatum is the indication's (the test message made one up); the rest is equal.
    for el in (terug, origineel):
        el.remove(el.find(f"{n}Afgiftedatum"))  # type: ignore[arg-type]
        instellingen = el.find(f"{n}AanvraagInstellingen")
        assert instellingen is not None
        instellingen[:] = sorted(
            instellingen, key=lambda i: i.findtext(f"{n}ToewijzingIngangsdatum") or ""
        )
    assert etree.tostring(terug) == etree.tostring(origineel)


def test_aanvraag_without_allocation_is_9107(bron: Bron) -> None:
    t = bron.toewijzingen[0]
    bericht = _aanvraag(
        t,
        [
            {
                "Instelling": ANDER,
                "Soort": "1",
                "ToewijzingIngangsdatum": "2026-06-01",
                "ToewijzingPercentage": "10000",
                "Opname": "1",
            }
        ],
        afzender=ANDER,
        Instelling=ANDER,
        Dossierhouder=ANDER,
    )
    with pytest.raises(ImportFout) as fout:
        importeer(bron.regs, bericht)
    assert fout.value.retourcode == "9107"


def test_an_aanbieder_reports_only_its_own_deliveries(bron: Bron) -> None:
    t = bron.toewijzingen[1]
    voor = tellingen(bron.regs)
    # AANBIEDER sends a MAZ for ANDER's register: refused even if the rules were skipped.
    bericht = aw35(t, {**geleverd(t, _d(t, 1)), "Instelling": ANDER})
    with pytest.raises(ImportFout) as fout:
        importeer(bron.regs, bericht)
    assert fout.value.retourcode == "9064"
    assert tellingen(bron.regs) == voor


def test_a_zk35_from_an_unrelated_zorgkantoor_writes_nothing(bron: Bron) -> None:
    # A forwarded MAZ travels from the allocation's executing zorgkantoor to its responsible
    # one; another zorgkantoor cannot write into (or delete from) the aanbieder's register.
    t = bron.toewijzingen[1]
    vreemd = "5509" if t.zorgkantoor != "5509" else "5515"
    voor = tellingen(bron.regs)
    for afzender, ontvanger in ((vreemd, t.zorgkantoor), (t.zorgkantoor, vreemd)):
        zk35 = aw35(t, geleverd(t, _d(t, 1)), code="ZK35", afzender=afzender, ontvanger=ontvanger)
        with pytest.raises(ImportFout) as fout:
            importeer(bron.regs, zk35)
        assert fout.value.retourcode == "9019"
    assert tellingen(bron.regs) == voor


def test_toeslagreden_round_trip() -> None:
    for situatie in (
        {"ExtraKostenThuis": "5"},
        {"ToeslagBeademing": "2"},
        {"ToeslagOverig": "9"},
        {"ExtraKostenThuis": "5", "ToeslagBeademing": "1"},
    ):
        reden = brug_lr.toeslagreden(situatie)
        assert reden is not None
        assert brug_lr.bijzondere_situatie(reden) == situatie
    assert brug_lr.toeslagreden({}) is None
    assert brug_lr.bijzondere_situatie(None) is None
    with pytest.raises(ValueError, match="toeslagreden"):
        brug_lr.bijzondere_situatie("X1")


# -- ZK35 / ZK39 ---------------------------------------------------------------------------------


def test_zk35_after_aw35_writes_nothing_more(bron: Bron, xsd: SchemaSet) -> None:
    regs = bron.regs
    t = bron.toewijzingen[1]
    importeer(regs, aw35(t, geleverd(t, _d(t, 1))))
    voor = tellingen(regs)
    zk35 = aw35(
        t,
        geleverd(t, _d(t, 1)),
        code="ZK35",
        afzender=t.zorgkantoor,  # the executing zorgkantoor (here also the responsible one)
        ontvanger=t.zorgkantoor,
    )
    assert xsd.validate(zk35)[1] == []
    assert importeer(regs, zk35).aantal == 0
    assert tellingen(regs) == voor


def test_zk35_alone_imports_and_zk39_delete_of_unknown_is_skipped(bron: Bron) -> None:
    regs = bron.regs
    t = bron.toewijzingen[1]
    ander_zk = t.zorgkantoor  # the executing zorgkantoor (here also the responsible one)
    verslag = importeer(
        regs,
        aw35(t, geleverd(t, _d(t, 1)), code="ZK35", afzender=ander_zk, ontvanger=t.zorgkantoor),
    )
    assert set(verslag.geschreven) == {"Levering", "Leveringperiode"}
    m = mutatie(t, "19", _d(t, 5), "5", begin=_d(t, 1), status="3")
    assert (
        importeer(regs, aw39(t, m, code="ZK39", afzender=ander_zk, ontvanger=t.zorgkantoor)).aantal
        == 0
    )
    m1 = {**m, "StatusAanlevering": "1"}
    importeer(
        regs,
        aw39(t, m1, code="ZK39", afzender=ander_zk, ontvanger=t.zorgkantoor, identificatie="T2"),
    )
    assert periodes(regs)[0]["beeindiging_reden"] == "19"


def test_zk39_aanvraag_after_aw39_is_not_registered_twice(bron: Bron) -> None:
    regs = bron.regs
    t = bron.toewijzingen[0]
    instellingen = [
        {
            "Instelling": AANBIEDER,
            "Soort": "1",
            "ToewijzingIngangsdatum": "2026-06-01",
            "ToewijzingPercentage": "10000",
            "Opname": "1",
        }
    ]
    importeer(regs, _aanvraag(t, instellingen, Klasse="KE6", Dossierhouder=AANBIEDER))
    zk39 = _aanvraag(t, instellingen, Klasse="KE6", Dossierhouder=AANBIEDER)
    ander_zk = t.zorgkantoor  # the executing zorgkantoor (here also the responsible one)
    # The same Aanvraag, forwarded: a ZK39 from the executing to the responsible zorgkantoor.
    zk39 = etree.fromstring(
        etree.tostring(zk39)
        .replace(b"/aw39/", b"/zk39/")
        .replace(b"<BerichtCode>358<", b"<BerichtCode>395<")
        .replace(f"<Afzender>{AANBIEDER}<".encode(), f"<Afzender>{ander_zk}<".encode())
    )
    assert importeer(regs, zk39).aantal == 0
    assert tellingen(regs)["lr_verzoek"] == 1
    # The same message again is refused (TR056); as a new AW39 (strict) it is a new request.
    voor = tellingen(regs)
    with pytest.raises(ImportFout) as fout:
        importeer(regs, _aanvraag(t, instellingen, Klasse="KE6", Dossierhouder=AANBIEDER))
    assert fout.value.retourcode == "9056"
    assert tellingen(regs) == voor
    importeer(regs, _aanvraag(t, instellingen, "A2", Klasse="KE6", Dossierhouder=AANBIEDER))
    assert tellingen(regs)["lr_verzoek"] == 2
