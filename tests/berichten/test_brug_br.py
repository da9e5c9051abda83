"""The bridge IO31/AW33/ZK31/ZK33 ↔ Indicatieregister/Bemiddelingsregister (brug_br): real
registers on SQLite and PostgreSQL with their production event hooks (notification rules filling
the outbox), synthetic indications, allocations in every leveringsvorm the messages treat
differently, exports checked against the official schemas, and round trips in both directions.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from lxml import etree

from iwlz.app import bemiddelingsregister_hooks, indicatieregister_hooks
from iwlz.berichten import brug_br
from iwlz.berichten.brug import IMPORTEURS, ImportFout, Registers
from iwlz.berichten.io31 import ExportFout
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
from iwlz.registers.indicatie import models as im
from iwlz.registers.indicatie.service import Indicatieregister
from iwlz.registers.levering.service import Leveringsregister

from ..conftest import PG_ENV, _drop_pg_database, _fresh_pg_database

TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
MOMENT = dt.datetime(2026, 3, 1, 8, 30, 15, tzinfo=dt.UTC)
AANBIEDER_A, AANBIEDER_B = "12345678", "87654321"
BASIS = "{http://www.istandaarden.nl/iwlz/2_2/basisschema/schema}"


def ns(code: str) -> str:
    return f"{{http://www.istandaarden.nl/iwlz/2_2/{code.lower()}/schema}}"


def registers(url: str) -> Registers:
    engine = create_engine(url)
    migrate.upgrade(engine)
    clock = FixedClock(NOW)
    return Registers(
        engine=engine,
        clock=clock,
        ir=Indicatieregister(engine, clock=clock, event_hooks=indicatieregister_hooks()),
        br=Bemiddelingsregister(engine, clock=clock, event_hooks=bemiddelingsregister_hooks()),
        lr=Leveringsregister(engine, clock=clock),
    )


def ander_zk(zk: str) -> str:
    return "5509" if zk != "5509" else "5515"


@dataclass
class Bron:
    """A register pair with indications and allocations of every kind."""

    regs: Registers
    zorgkantoren: list[str]
    overdrachten: list[tuple[str, uuid.UUID]]


def _vul(regs: Registers) -> Bron:
    # Ended indications show no contact data (IRA0001A), without which no message is valid.
    clienten = [
        c
        for c in generate(24, seed=11, today=TODAY)
        if (c.indicatie.get("einddatum") or TODAY) >= TODAY
    ][:12]
    assert len(clienten) == 12
    uitkomsten = regs.ir.registreer_batch([c.indicatie for c in clienten])
    assert all(u.geslaagd for u in uitkomsten), [u.fouten for u in uitkomsten]
    overdrachten: list[tuple[str, uuid.UUID]] = []
    zorgkantoren: set[str] = set()
    for i, c in enumerate(clienten):
        zk = c.initieelVerantwoordelijkZorgkantoor
        zorgkantoren.add(zk)
        ingang = c.indicatie["ingangsdatum"]
        zzp = c.indicatie["geindiceerdZorgzwaartepakket"][0]["zzpCode"]
        basis = {
            "bemiddelingspecificatieID": uuid.uuid4(),
            "zzpCode": zzp,
            "toewijzingIngangsdatum": ingang,
            "uitvoerendZorgkantoor": zk,
            "vaststellingMoment": MOMENT + dt.timedelta(days=i),
            "percentage": 100,
            "soortToewijzing": "1",
        }
        soort = i % 4
        if soort == 0:  # Verblijf with a dossierhouder
            bspec = {**basis, "leveringsvorm": "4", "instelling": AANBIEDER_A, "opname": "1"}
            regie = {"instelling": AANBIEDER_A, "regierol": brug_br.REGIEROL_DOSSIERHOUDER}
        elif soort == 1:  # MPT with a coordinator zorg thuis
            bspec = {**basis, "leveringsvorm": "7", "instelling": AANBIEDER_B}
            regie = {"instelling": AANBIEDER_B, "regierol": brug_br.REGIEROL_COORDINATOR}
        elif soort == 2:  # VPT ending after the move (TR111)
            bspec = {
                **basis,
                "leveringsvorm": "5",
                "instelling": AANBIEDER_B,
                "toewijzingEinddatum": dt.date(2027, 6, 30),
            }
            regie = {"instelling": AANBIEDER_B, "regierol": brug_br.REGIEROL_DOSSIERHOUDER}
        else:  # DTV, executed by another (supra-regional) zorgkantoor
            bspec = {
                **basis,
                "leveringsvorm": "8",
                "instelling": AANBIEDER_A,
                "etmalen": "3,5",
                "opname": "1",
                "uitvoerendZorgkantoor": ander_zk(zk),
            }
            regie = {"instelling": AANBIEDER_A, "regierol": brug_br.REGIEROL_DOSSIERHOUDER}
        data: dict[str, Any] = {
            "wlzIndicatieID": c.wlzindicatieID,
            "verantwoordelijkheidIngangsdatum": ingang,
            "client": {"bsn": c.bsn, "leefeenheid": c.indicatie["client"].get("leefeenheid")},
            "bemiddelingspecificatie": [bspec],
        }
        if regie is not None:
            einde = bspec.get("toewijzingEinddatum")
            data["regiehouder"] = [{**regie, "ingangsdatum": ingang, "einddatum": einde}]
        uitkomst = regs.br.registreer_bemiddeling(zk, data)
        assert uitkomst.geslaagd, uitkomst.fouten
        if soort in (0, 2):  # moving to another region
            status = (
                {"leveringsstatus": "4"}
                if soort == 0
                else {"leveringsstatus": "2", "leveringsstatusClassificatie": "13"}
            )
            overdracht = regs.br.registreer_overdracht(
                zk,
                uitkomst.id,
                {
                    "verantwoordelijkZorgkantoor": ander_zk(zk),
                    "overdrachtDatum": dt.date(2027, 1, 1),
                    "verhuisDatum": dt.date(2026, 12, 15),
                    "overdrachtspecificatie": [
                        {"bemiddelingspecificatieID": bspec["bemiddelingspecificatieID"], **status}
                    ],
                },
            )
            assert overdracht.geslaagd and overdracht.id, overdracht.fouten
            overdrachten.append((zk, overdracht.id))
    return Bron(regs, sorted(zorgkantoren), overdrachten)


@pytest.fixture
def bron(db_url: str) -> Iterator[Bron]:
    regs = registers(db_url)
    yield _vul(regs)
    regs.engine.dispose()


@pytest.fixture
def leeg(db_url: str, tmp_path: Path) -> Iterator[Registers]:
    """Empty registers in a second database of the same kind as ``db_url``."""
    if db_url.startswith("sqlite"):
        regs = registers(f"sqlite:///{tmp_path / 'tweede.db'}")
        yield regs
        regs.engine.dispose()
        return
    base = os.environ[PG_ENV]
    url, naam = _fresh_pg_database(base)
    regs = registers(url)
    try:
        yield regs
    finally:
        regs.engine.dispose()
        _drop_pg_database(base, naam)


def berichten(bron: Bron) -> dict[str, bytes]:
    """Every message the source registers give, canonical XML, by a stable name."""
    regs = bron.regs
    out: dict[str, etree._Element] = {}
    for zk in bron.zorgkantoren:
        out[f"IO31 {zk}"] = brug_br.io31_uit_registers(
            regs, zk, identificatie="IO1", dagtekening=TODAY
        )
        for agb in (AANBIEDER_A, AANBIEDER_B):
            # ExportFout: this zorgkantoor allocated nothing to this aanbieder.
            with contextlib.suppress(ExportFout):
                out[f"AW33 {zk} {agb}"] = brug_br.aw33_uit_registers(
                    regs, zk, ontvanger=agb, identificatie="AW1", dagtekening=TODAY
                )
        with contextlib.suppress(ExportFout):
            out[f"ZK33 {zk}"] = brug_br.zk33_uit_registers(
                regs, zk, ontvanger=ander_zk(zk), identificatie="ZK3", dagtekening=TODAY
            )
    for zk, overdracht_id in bron.overdrachten:
        out[f"ZK31 {zk} {overdracht_id}"] = brug_br.zk31_uit_registers(
            regs, zk, overdracht_id, identificatie="ZK1", dagtekening=TODAY
        )
    return {k: etree.tostring(v, method="c14n2") for k, v in out.items()}


def importeer(regs: Registers, data: bytes) -> brug_br.Verslag:
    root = parse_bericht(data).root
    code = etree.QName(root).namespace.split("/")[-2].upper()  # type: ignore[union-attr]
    return IMPORTEURS[code](root, regs)


def _volgorde(naam: str) -> int:
    return ["IO31", "AW33", "ZK33", "ZK31"].index(naam.split()[0])


def test_the_four_importers_are_registered() -> None:
    assert {code: IMPORTEURS[code] for code in ("IO31", "AW33", "ZK31", "ZK33")} == {
        "IO31": brug_br.importeer_io31,
        "AW33": brug_br.importeer_aw33,
        "ZK31": brug_br.importeer_zk31,
        "ZK33": brug_br.importeer_zk33,
    }


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def test_every_export_is_valid_against_the_official_schema(bron: Bron, xsd: SchemaSet) -> None:
    alles = berichten(bron)
    soorten = {naam.split()[0] for naam in alles}
    assert soorten == {"IO31", "AW33", "ZK31", "ZK33"}
    for naam, data in alles.items():
        code, fouten = xsd.validate(parse_bericht(data).root)
        assert (code, fouten[:3]) == (naam.split()[0], []), naam


def _br_inhoud(regs: Registers) -> list[tuple[Any, ...]]:
    """The BR's content without IDs and bookkeeping, comparable across databases."""
    b, s, r, o, os_ = (
        bm.bemiddeling,
        bm.bemiddelingspecificatie,
        bm.regiehouder,
        bm.overdracht,
        bm.overdrachtspecificatie,
    )
    i = im.wlz_indicatie
    with regs.engine.connect() as conn:
        bsn = {
            row.wlzindicatieID: (row.bsn, row.besluitnummer)
            for row in conn.execute(sa.select(i.c.wlzindicatieID, i.c.bsn, i.c.besluitnummer))
        }
        bemiddelingen = {
            row.bemiddelingID: (row.zorgkantoor, bsn[row.wlzIndicatieID])
            for row in conn.execute(
                sa.select(b.c.bemiddelingID, b.c.zorgkantoor, b.c.wlzIndicatieID)
            )
        }
        velden = [c for c in s.c if c.key not in bm.BOOKKEEPING and not c.key.endswith("ID")]
        bspecs = {
            row.bemiddelingspecificatieID: (bemiddelingen[row.bemiddelingID], *row[2:])
            for row in conn.execute(
                sa.select(s.c.bemiddelingspecificatieID, s.c.bemiddelingID, *velden)
            )
        }
        regie = [
            (bemiddelingen[row[0]], *row[1:])
            for row in conn.execute(
                sa.select(
                    r.c.bemiddelingID, r.c.instelling, r.c.regierol, r.c.ingangsdatum, r.c.einddatum
                )
            )
        ]
        overdrachten = [
            (bemiddelingen[row[0]], *row[1:])
            for row in conn.execute(
                sa.select(
                    o.c.bemiddelingID,
                    o.c.verantwoordelijkZorgkantoor,
                    o.c.overdrachtDatum,
                    o.c.verhuisDatum,
                )
            )
        ]
        ospecs = [
            (bspecs[row[0]], *row[1:])
            for row in conn.execute(
                sa.select(
                    os_.c.bemiddelingspecificatieID,
                    os_.c.leveringsstatus,
                    os_.c.leveringsstatusClassificatie,
                )
            )
        ]
    return sorted(
        [("B", *v) for v in bemiddelingen.values()]
        + [("S", *v) for v in bspecs.values()]
        + [("R", *v) for v in regie]
        + [("O", *v) for v in overdrachten]
        + [("OS", *v) for v in ospecs],
        key=repr,
    )


def test_register_to_messages_to_register_to_messages(bron: Bron, leeg: Registers) -> None:
    eerste = berichten(bron)
    # Import every message into empty registers: indications first, then allocations, the
    # supra-regional forwards (already there from the AW33: nothing new) and the overdrachten.
    nieuw: dict[str, int] = {}
    for naam in sorted(eerste, key=_volgorde):
        nieuw[naam] = importeer(leeg, eerste[naam]).aantal
    assert all(nieuw[n] > 0 for n in nieuw if n.startswith(("IO31", "AW33", "ZK31")))
    assert all(nieuw[n] == 0 for n in nieuw if n.startswith("ZK33"))
    # The registers hold what the source held (IDs aside) ...
    assert _br_inhoud(leeg) == _br_inhoud(bron.regs)
    # ... and give the same messages, byte for byte (canonical XML).
    tweede = berichten(
        Bron(
            leeg,
            bron.zorgkantoren,
            [(zk, _overdracht_id(leeg, zk, oid, bron)) for zk, oid in bron.overdrachten],
        )
    )
    assert {k.rsplit(" ", 1)[0] if k.startswith("ZK31") else k for k in tweede} == {
        k.rsplit(" ", 1)[0] if k.startswith("ZK31") else k for k in eerste
    }
    assert sorted(tweede.values()) == sorted(eerste.values())


def _overdracht_id(leeg: Registers, zk: str, bron_id: uuid.UUID, bron: Bron) -> uuid.UUID:
    """The overdracht in ``leeg`` for the same indication (BSN + besluitnummer: the IDs
    differ) as ``bron_id`` in the source."""
    o, b, i = bm.overdracht, bm.bemiddeling, im.wlz_indicatie
    stmt = (
        sa.select(i.c.bsn, i.c.besluitnummer, o.c.overdrachtID)
        .join(b, b.c.wlzIndicatieID == i.c.wlzindicatieID)
        .join(o, o.c.bemiddelingID == b.c.bemiddelingID)
        .where(b.c.zorgkantoor == zk)
    )
    with bron.regs.engine.connect() as conn:
        sleutel = next(tuple(r[:2]) for r in conn.execute(stmt) if r.overdrachtID == bron_id)
    with leeg.engine.connect() as conn:
        found: uuid.UUID = next(
            r.overdrachtID for r in conn.execute(stmt) if tuple(r[:2]) == sleutel
        )
    return found


def test_importing_a_message_again_writes_nothing_new(bron: Bron, leeg: Registers) -> None:
    alles = berichten(bron)
    for naam in sorted(alles, key=_volgorde):
        importeer(leeg, alles[naam])
    voor = _br_inhoud(leeg)
    for naam in sorted(alles, key=_volgorde):
        if not naam.startswith(("IO31", "ZK31")):  # IO31 and ZK31 replace what they describe
            assert importeer(leeg, alles[naam]).aantal == 0, naam
    assert _br_inhoud(leeg) == voor


def _aw33(bron: Bron) -> tuple[str, etree._Element]:
    zk = bron.zorgkantoren[0]
    for agb in (AANBIEDER_A, AANBIEDER_B):
        try:
            return zk, brug_br.aw33_uit_registers(
                bron.regs, zk, ontvanger=agb, identificatie="AW1", dagtekening=TODAY
            )
        except ExportFout:
            continue
    raise AssertionError("no AW33 in the source")


def _tellingen(regs: Registers) -> tuple[int, int, int, int]:
    with regs.engine.connect() as conn:
        return (
            conn.execute(sa.select(sa.func.count()).select_from(im.wlz_indicatie)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(bm.bemiddeling)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(domain_event)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(outbox_table)).scalar_one(),
        )


def _twee_clienten(root: etree._Element, code: str) -> etree._Element:
    """``root`` with its first client twice, the second one with a Besluitnummer + 1."""
    n = ns(code)
    root = copy.deepcopy(root)
    clienten = root.find(f"{n}Clienten")
    assert clienten is not None
    for extra in clienten.findall(f"{n}Client")[1:]:
        clienten.remove(extra)
    tweede = copy.deepcopy(clienten[0])
    nummer = tweede.find(f"{n}Indicatie/{n}Besluitnummer")
    assert nummer is not None and nummer.text
    nummer.text = str(int(nummer.text) + 1)
    clienten.append(tweede)
    return root


def test_an_aw33_whose_second_client_is_refused_leaves_nothing(bron: Bron, leeg: Registers) -> None:
    alles = berichten(bron)
    for naam in sorted(alles, key=_volgorde):
        if naam.startswith("IO31"):
            importeer(leeg, alles[naam])
    _zk, aw33 = _aw33(bron)
    slecht = _twee_clienten(aw33, "AW33")
    voor = _tellingen(leeg)
    with pytest.raises(ImportFout) as info:
        brug_br.importeer_aw33(slecht, leeg)
    assert info.value.retourcode == brug_br.ONBEKENDE_CLIENT
    assert info.value.element is slecht.findall(f"{ns('AW33')}Clienten/{ns('AW33')}Client")[1]
    # The first client's bemiddeling, its events and its notifications are all rolled back.
    assert _tellingen(leeg) == voor
    # The same message without the refused client goes in (so the count above could move).
    verslag = brug_br.importeer_aw33(aw33, leeg)
    assert verslag.geschreven["Bemiddeling"]
    na = _tellingen(leeg)
    assert na[1] > voor[1] and na[2] > voor[2] and na[3] > voor[3]


def test_an_io31_whose_second_client_is_refused_leaves_nothing(bron: Bron, leeg: Registers) -> None:
    io31 = parse_bericht(berichten(bron)[f"IO31 {bron.zorgkantoren[0]}"]).root
    slecht = _twee_clienten(io31, "IO31")
    n = ns("IO31")
    tweede = slecht.findall(f"{n}Clienten/{n}Client")[1]
    einde = tweede.find(f"{n}Indicatie/{n}Ingangsdatum")
    assert einde is not None
    einde.text = "2099-01-01"  # after the Einddatum or Afgifte: the register refuses it
    eind = tweede.find(f"{n}Indicatie/{n}Einddatum")
    if eind is None:
        eind = etree.Element(f"{n}Einddatum")
        einde.addnext(eind)
    eind.text = "2000-01-01"
    voor = _tellingen(leeg)
    with pytest.raises(ImportFout) as info:
        brug_br.importeer_io31(slecht, leeg)
    assert info.value.retourcode == brug_br.REGISTER_WEIGERT
    assert _tellingen(leeg) == voor
    assert brug_br.importeer_io31(io31, leeg).geschreven["WlzIndicatie"]
    na = _tellingen(leeg)
    assert na[0] > voor[0] and na[2] > voor[2]


def _geimporteerd(bron: Bron, leeg: Registers) -> None:
    alles = berichten(bron)
    for naam in sorted(alles, key=_volgorde):
        importeer(leeg, alles[naam])


def test_a_withdrawal_changes_the_allocation(bron: Bron, leeg: Registers) -> None:
    _geimporteerd(bron, leeg)
    _zk, aw33 = _aw33(bron)
    n = ns("AW33")
    intrekking = copy.deepcopy(aw33)
    pakket = intrekking.find(f".//{n}ToegewezenZorgzwaartepakket")
    assert pakket is not None
    ingang = pakket.find(f"{n}Ingangsdatum")
    assert ingang is not None and ingang.text
    if pakket.find(f"{n}Einddatum") is None:
        eind = etree.Element(f"{n}Einddatum")
        ingang.addnext(eind)
    else:
        eind = pakket.find(f"{n}Einddatum")  # type: ignore[assignment]
    eind.text = (dt.date.fromisoformat(ingang.text) + dt.timedelta(days=30)).isoformat()
    reden = etree.Element(f"{n}RedenIntrekking")
    reden.text = "6"
    eind.addnext(reden)
    s = bm.bemiddelingspecificatie
    with leeg.engine.connect() as conn:
        aantal = conn.execute(sa.select(sa.func.count()).select_from(s)).scalar_one()
    verslag = brug_br.importeer_aw33(intrekking, leeg)
    # The allocation changes (its regiehouder's end follows it); nothing new is created.
    assert set(verslag.geschreven) <= {"Bemiddelingspecificatie", "Regiehouder"}
    (bid,) = verslag.geschreven["Bemiddelingspecificatie"]
    with leeg.engine.connect() as conn:
        row = (
            conn.execute(sa.select(s).where(s.c.bemiddelingspecificatieID == uuid.UUID(bid)))
            .mappings()
            .one()
        )
        assert conn.execute(sa.select(sa.func.count()).select_from(s)).scalar_one() == aantal
    assert (row["redenIntrekking"], row["toewijzingEinddatum"].isoformat(), row["versie"]) == (
        "6",
        eind.text,
        2,
    )
    # A withdrawal of an allocation the register does not hold is refused, nothing written.
    onbekend = copy.deepcopy(intrekking)
    pakket = onbekend.find(f".//{n}ToegewezenZorgzwaartepakket")
    assert pakket is not None
    ingang = pakket.find(f"{n}Ingangsdatum")
    assert ingang is not None and ingang.text
    ingang.text = (dt.date.fromisoformat(ingang.text) + dt.timedelta(days=1)).isoformat()
    voor = _tellingen(leeg)
    with pytest.raises(ImportFout) as info:
        brug_br.importeer_aw33(onbekend, leeg)
    assert (info.value.retourcode, info.value.element) == (brug_br.ONBEKENDE_TOEWIJZING, pakket)
    assert _tellingen(leeg) == voor


def test_toewijzingsdatum_and_tijd_are_dutch_local_time(bron: Bron, leeg: Registers) -> None:
    _geimporteerd(bron, leeg)
    _zk, aw33 = _aw33(bron)
    n = ns("AW33")
    zomer = copy.deepcopy(aw33)
    pakket = zomer.find(f".//{n}ToegewezenZorgzwaartepakket")
    assert pakket is not None
    datum, tijd = pakket.find(f"{n}Toewijzingsdatum"), pakket.find(f"{n}Toewijzingstijd")
    assert datum is not None and tijd is not None
    datum.text, tijd.text = "2026-07-01", "10:00:00"
    (bid,) = brug_br.importeer_aw33(zomer, leeg).geschreven["Bemiddelingspecificatie"]
    s = bm.bemiddelingspecificatie
    with leeg.engine.connect() as conn:
        moment = conn.execute(
            sa.select(s.c.vaststellingMoment).where(s.c.bemiddelingspecificatieID == uuid.UUID(bid))
        ).scalar_one()
    assert moment == dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)  # CEST = UTC+2


def test_zk33_records_the_executing_zorgkantoor(bron: Bron, leeg: Registers) -> None:
    alles = berichten(bron)
    for naam in sorted(alles, key=_volgorde):
        if naam.startswith("IO31"):
            importeer(leeg, alles[naam])
    naam = next(n for n in alles if n.startswith("ZK33"))
    zk = naam.split()[1]
    root = parse_bericht(alles[naam]).root
    n = ns("ZK33")
    assert {
        p.findtext(f"{n}Zorgkantoor") for p in root.iter(f"{n}ToegewezenZorgzwaartepakket")
    } == {zk}
    verslag = brug_br.importeer_zk33(root, leeg)
    s = bm.bemiddelingspecificatie
    with leeg.engine.connect() as conn:
        rows = conn.execute(
            sa.select(s.c.zorgkantoor, s.c.uitvoerendZorgkantoor).where(
                s.c.bemiddelingspecificatieID.in_(
                    [uuid.UUID(i) for i in verslag.geschreven["Bemiddelingspecificatie"]]
                )
            )
        ).all()
    assert rows and {tuple(r) for r in rows} == {(zk, ander_zk(zk))}
    assert brug_br.importeer_zk33(root, leeg).aantal == 0  # already there: nothing new


def test_exports_refuse_what_they_cannot_say(bron: Bron) -> None:
    zk = bron.zorgkantoren[0]
    with pytest.raises(ExportFout, match="another"):
        brug_br.zk33_uit_registers(
            bron.regs, zk, ontvanger=zk, identificatie="X", dagtekening=TODAY
        )
    vreemd = uuid.uuid4()
    with pytest.raises(ExportFout, match=str(vreemd)):
        brug_br.aw33_uit_registers(
            bron.regs,
            zk,
            ontvanger=AANBIEDER_A,
            bemiddelingspecificatie_ids=[vreemd],
            identificatie="X",
            dagtekening=TODAY,
        )
    with pytest.raises(ExportFout, match="no overdracht"):
        brug_br.zk31_uit_registers(bron.regs, zk, vreemd, identificatie="X", dagtekening=TODAY)


def test_exported_allocations_follow_the_mapping(bron: Bron) -> None:
    _zk, aw33 = _aw33(bron)
    n = ns("AW33")
    for pakket in aw33.iter(f"{n}ToegewezenZorgzwaartepakket"):
        vorm = pakket.findtext(f"{n}Leveringsvorm")
        assert pakket.findtext(f"{n}ToewijzingPercentage") == "10000"
        # The register holds no Klasse: KE7 where CD051 asks for one (Leveringsvorm 4/5).
        assert pakket.findtext(f"{n}Klasse") == ("KE7" if vorm in {"4", "5"} else None)
        assert (pakket.find(f"{n}CoordinatorZorgThuis") is not None) == (vorm == "7")  # CD050
        if vorm in {"4", "5", "8"}:  # CD073
            assert pakket.findtext(f"{n}Dossierhouder") == pakket.findtext(f"{n}Instelling")
        else:
            assert pakket.find(f"{n}Dossierhouder") is None
    zk31_naam, zk31_data = next((k, v) for k, v in berichten(bron).items() if k.startswith("ZK31"))
    root = parse_bericht(zk31_data).root
    m = ns("ZK31")
    client = root.find(f"{m}Client")
    assert client is not None  # directly under Bericht
    assert client.findtext(f"{m}Verhuisdatum") == "2026-12-15"
    assert client.findtext(f"{m}Indicatie/{m}Overdrachtdatum") == "2027-01-01"
    assert root.findtext(f"{m}Header/{m}Ontvanger") == ander_zk(zk31_naam.split()[1])
    statussen = [
        p.findtext(f"{m}Leveringsstatus") for p in root.iter(f"{m}ToegewezenZorgzwaartepakket")
    ]
    assert statussen and set(statussen) <= {"2", "4"}


def test_the_stateful_rules_see_the_allocations_in_the_register(bron: Bron) -> None:
    regs = bron.regs
    bron_ = brug_br.BrToewijzingsbron(regs.ir, regs.br)
    b, s, i = bm.bemiddeling, bm.bemiddelingspecificatie, im.wlz_indicatie
    with regs.engine.connect() as conn:
        rows = (
            conn.execute(
                sa.select(b.c.zorgkantoor, i.c.bsn, i.c.besluitnummer, s)
                .join(i, i.c.wlzindicatieID == b.c.wlzIndicatieID)
                .join(s, s.c.bemiddelingID == b.c.bemiddelingID)
            )
            .mappings()
            .all()
        )
    assert rows
    for row in rows:
        (t,) = bron_.toewijzingen(row["zorgkantoor"], row["bsn"], row["besluitnummer"])
        assert (t.zorgkantoor, t.bsn, t.besluitnummer, t.code, t.ingangsdatum) == (
            row["zorgkantoor"],
            row["bsn"],
            row["besluitnummer"],
            row["zzpCode"],
            row["toewijzingIngangsdatum"],
        )
        assert (t.instelling, t.leveringsvorm, t.einddatum, t.etmalen, t.opname, t.soort) == (
            row["instelling"],
            row["leveringsvorm"],
            row["toewijzingEinddatum"],
            row["etmalen"],
            row["opname"],
            row["soortToewijzing"],
        )
        # The regiehouder in the role the leveringsvorm carries (CD073 / CD050).
        verwacht = row["instelling"] if row["leveringsvorm"] in {"4", "5", "8"} else None
        assert t.dossierhouder == verwacht
        assert t.coordinator_zorg_thuis == (
            row["instelling"] if row["leveringsvorm"] == "7" else None
        )
        assert (
            t.toewijzingsdatum
            == row["vaststellingMoment"].astimezone(ZoneInfo("Europe/Amsterdam")).date()
        )
        # Another zorgkantoor's register, or another decision: nothing.
        assert (
            bron_.toewijzingen(ander_zk(row["zorgkantoor"]), row["bsn"], row["besluitnummer"]) == []
        )
        assert bron_.toewijzingen(row["zorgkantoor"], row["bsn"], row["besluitnummer"] + 1) == []


def test_a_caller_can_join_the_import_transaction(bron: Bron, leeg: Registers) -> None:
    alles = berichten(bron)
    io31 = [naam for naam in alles if naam.startswith("IO31")]
    voor = _tellingen(leeg)
    # The caller's transaction decides: the imports inside roll back with it ...
    with pytest.raises(RuntimeError, match="caller"), brug_br.transactie(leeg):
        for naam in io31:
            assert importeer(leeg, alles[naam]).aantal
        raise RuntimeError("the caller's own write failed")
    assert _tellingen(leeg) == voor
    # ... and commit with it.
    with brug_br.transactie(leeg):
        for naam in io31:
            importeer(leeg, alles[naam])
    assert _tellingen(leeg)[0] == voor[0] + sum(
        len(parse_bericht(alles[n]).root.findall(f".//{ns('IO31')}Client")) for n in io31
    )
