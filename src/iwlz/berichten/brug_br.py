"""The bridge between the Indicatieregister / Bemiddelingsregister and the messages IO31, AW33,
ZK31 and ZK33 (messages.md §2.3, §4): importers (registered in :data:`IMPORTEURS` on import of
this module) and exports that read the registers through their read APIs.

**Importers** write one message in one transaction (:func:`transactie`): every register write
of the message, with its domain events and the outbox rows their hooks add, commits together
or not at all.

* ``IO31`` → Indicatieregister: a ``WlzIndicatie`` per ``Client`` (:func:`indicaties_uit_io31`;
  header ``Ontvanger`` = ``initieelVerantwoordelijkZorgkantoor``). An indication the register
  already holds (same ``bsn`` + ``besluitnummer``) is replaced (``wijzig``), keeping its ID.
* ``AW33`` → the Bemiddelingsregister of the header ``Afzender``: the ``Bemiddeling`` for the
  client's WlzIndicatie (found in the IR by ``Bsn`` + ``Besluitnummer``; created when the
  zorgkantoor has none) and a ``Bemiddelingspecificatie`` per ``ToegewezenZorgzwaartepakket``.
  An allocation is identified by ``ZzpCode`` + ``Instelling`` + ``Ingangsdatum`` (the AW35 key)
  within the bemiddeling: a known one is changed when the message differs (a withdrawal,
  ``Einddatum`` + ``RedenIntrekking``, is such a change) and left alone when it does not.
* ``ZK33`` → the Bemiddelingsregister of the responsible ``Afzender``, as AW33, with
  ``uitvoerendZorgkantoor`` = the header ``Ontvanger``; an allocation already there is not
  registered again.
* ``ZK31`` → the old zorgkantoor's (``Afzender``) Bemiddelingsregister: its allocations as for
  AW33, then an ``Overdracht`` (``verantwoordelijkZorgkantoor`` = header ``Ontvanger``,
  ``overdrachtDatum`` ← ``Overdrachtdatum``, ``verhuisDatum`` ← ``Verhuisdatum``) with an
  ``Overdrachtspecificatie`` per allocation (``Leveringsstatus``, ``…Classificatie``); an
  existing overdracht of the bemiddeling is replaced.

Refusals (:class:`ImportFout`): retour code ``0448`` (client cannot be identified) on the
``Client`` when the IR holds no indication with its ``Bsn`` + ``Besluitnummer``; ``9019`` on the
``ToegewezenZorgzwaartepakket`` when a withdrawal names an allocation the register does not
hold (the TR019 code: "no matching allocation"); ``0001`` on the header (no element) when a
register refuses the content for a reason no retour code names (its field errors are in the
text). ``S130`` on the allocation for a ZK31/ZK33 percentage that is not whole.

**Exports** read through the read APIs: :func:`io31_uit_registers`,
:func:`aw33_uit_registers`, :func:`zk33_uit_registers` and :func:`zk31_uit_registers` (the
indication from the IR's read API with :data:`~iwlz.berichten.io31.IO31_QUERY`, the
allocations from the BR's for the tenant).
Clients come in BSN order, allocations by ``Ingangsdatum``, ``ZzpCode``, ``Instelling``,
``vaststellingMoment``: an export of the same register content is the same message.

Field mapping (besides io31.py's for the client and indication part):

========================================  ==================================================
Message                                   Register
========================================  ==================================================
``ZzpCode``, ``Instelling``, ``Soort``,   ``zzpCode``, ``instelling``, ``soortToewijzing``,
``Ingangsdatum``/``Einddatum``,           ``toewijzingIngangsdatum``/``…Einddatum``,
``RedenIntrekking``, ``Etmalen``,         ``redenIntrekking``, ``etmalen``,
``InstellingBestemming``,                 ``instellingBestemming``, ``leveringsvorm``,
``Leveringsvorm``, ``Opname``             ``opname``
``ToewijzingPercentage`` (hundredths)     ``percentage`` (whole percent); ZK31/ZK33 require it:
                                          a PGB allocation sends its ``pgbPercentage``
``Toewijzingsdatum`` + ``Toewijzingstijd`` ``vaststellingMoment``, Europe/Amsterdam local time
``Zorgkantoor``                           AW33: ``uitvoerendZorgkantoor``. ZK31/ZK33: the
                                          sender (TR065); ZK33's executing zorgkantoor is the
                                          header ``Ontvanger``
``Dossierhouder`` /                       ``Regiehouder`` (``instelling``, ``regierol``
``CoordinatorZorgThuis``                  ``Dossierhouder`` / ``CoordinatorZorgThuis``,
                                          ``ingangsdatum``/``einddatum`` = the allocation's)
header ``Afzender`` (AW33/ZK31/ZK33)      the tenant; ``Bemiddeling.verantwoordelijkZorgkantoor``
ZK31 ``Leveringsstatus``,                 ``Overdrachtspecificatie.leveringsstatus``,
``LeveringsstatusClassificatie``          ``leveringsstatusClassificatie``
========================================  ==================================================

Fields without a counterpart, and what is done with them:

* Message → nothing: ``Partneropname`` (AW33; exported as ``2`` unless given), the allocation's
  ``Klasse`` (ignored on import; exported as ``KE7`` for Leveringsvorm 4/5, where CD051 asks
  for one: a ZZP's class is KE4–KE7 (CS074) and the register holds none),
  ``ToegewezenFuncties``/``GeindiceerdeFuncties``, a ZK31/ZK33 ``Zorgkantoor`` other than the
  sender. Client data in AW33/ZK31/ZK33 is the CIZ's: only the BR client's own fields
  (``leefeenheid``, ``huisarts``, ``communicatievorm``, ``taal``) are taken when a bemiddeling
  is created; the IR is not written by these messages.
* Register → nothing: ``pgbPercentage`` (except as above), ``Bemiddeling``'s
  ``verantwoordelijkheidIngangsdatum``/``…Einddatum`` (a new bemiddeling starts on the
  indication's ``ingangsdatum``), ``Overdracht.vaststellingMoment`` (the moment of import),
  ``Overdrachtspecificatie.oorspronkelijkeToewijzingEinddatum``, regiehouders with another
  ``regierol``, allocations without an overdrachtspecificatie (not in a ZK31: it requires a
  Leveringsstatus), the BR client's contact data, and all IDs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from graphql import graphql_sync
from lxml import etree
from sqlalchemy.engine import Connection

from iwlz.berichten.brug import IMPORTEURS, ImportFout, Registers, Verslag, transactie
from iwlz.berichten.brug import datum as _datum
from iwlz.berichten.brug import tekst as _tekst
from iwlz.berichten.catalogus import BASISSCHEMA_NS, bericht
from iwlz.berichten.io31 import (
    AW33_BSPEC_FIELDS,
    IO31_QUERY,
    ExportFout,
    aw33,
    indicaties_uit_io31,
    io31,
    zk31,
    zk33,
)
from iwlz.berichten.regels.historie import Toewijzing
from iwlz.registers.bemiddeling import models as bm
from iwlz.registers.indicatie import models as im

if TYPE_CHECKING:
    from iwlz.registers.bemiddeling.service import Bemiddelingsregister
    from iwlz.registers.indicatie.service import Indicatieregister

__all__ = [
    "ONBEKENDE_CLIENT",
    "ONBEKENDE_TOEWIJZING",
    "REGIEROL_COORDINATOR",
    "REGIEROL_DOSSIERHOUDER",
    "REGISTER_WEIGERT",
    "BrToewijzingsbron",
    "aw33_uit_registers",
    "importeer_aw33",
    "importeer_io31",
    "importeer_zk31",
    "importeer_zk33",
    "io31_uit_registers",
    "transactie",
    "zk31_uit_registers",
    "zk33_uit_registers",
]

ONBEKENDE_CLIENT = "0448"
"""The IR holds no indication with the message's Bsn + Besluitnummer."""
ONBEKENDE_TOEWIJZING = "9019"
"""A withdrawal names an allocation the register does not hold (TR019's code)."""
REGISTER_WEIGERT = "0001"
"""The register refuses the content for a reason no retour code names (header level)."""

REGIEROL_DOSSIERHOUDER = "Dossierhouder"
REGIEROL_COORDINATOR = "CoordinatorZorgThuis"
"""``regierol`` values for the regiehouders AW33/ZK31/ZK33 carry (the register names no
codelist for it: registers.md §4 item 8), spelled as the message elements."""

_DOSSIERHOUDER_VORMEN = frozenset({"4", "5", "8", "9"})  # CD073
_COORDINATOR_VORMEN = frozenset({"7"})  # CD050
_NL = ZoneInfo("Europe/Amsterdam")
_M = f"{{{BASISSCHEMA_NS}}}"

_BSPEC_VELDEN = (
    "leveringsvorm",
    "zzpCode",
    "toewijzingIngangsdatum",
    "instelling",
    "uitvoerendZorgkantoor",
    "vaststellingMoment",
    "toewijzingEinddatum",
    "percentage",
    "pgbPercentage",
    "opname",
    "redenIntrekking",
    "etmalen",
    "instellingBestemming",
    "soortToewijzing",
)


# -- transaction ------------------------------------------------------------------------------


# -- reading the messages ----------------------------------------------------------------------


def _ns(root: etree._Element, code: str) -> str:
    t = bericht(code)
    if etree.QName(root).namespace != t.namespace:
        raise ImportFout(None, REGISTER_WEIGERT, f"not a {code} message")
    return f"{{{t.namespace}}}"


def _header(root: etree._Element, n: str) -> tuple[str, str]:
    afzender = _tekst(root, f"{n}Header/{n}Afzender")
    ontvanger = _tekst(root, f"{n}Header/{n}Ontvanger")
    if not afzender or not ontvanger:
        raise ImportFout(None, REGISTER_WEIGERT, "the header lacks Afzender or Ontvanger")
    return afzender, ontvanger


def _percentage(pakket: etree._Element, n: str, soort: str) -> int | None:
    tekst = _tekst(pakket, f"{n}ToewijzingPercentage")
    if tekst is None:
        return None
    honderdsten = int(tekst)
    if honderdsten % 100:
        # AW33's schema allows whole percents only; ZK31/ZK33 leave it to CS130.
        melding = f"ToewijzingPercentage {tekst} is not a whole percentage"
        if soort == "AW33":
            raise ImportFout(None, REGISTER_WEIGERT, melding)
        raise ImportFout(pakket, "S130", melding)
    return honderdsten // 100


def _toewijzing_uit(
    pakket: etree._Element, n: str, soort: str, uitvoerend: str | None
) -> dict[str, Any]:
    """A ToegewezenZorgzwaartepakket as a bemiddelingspecificatie (messages.md §2.3)."""
    datum = _datum(_tekst(pakket, f"{n}Toewijzingsdatum"))
    tijd = _tekst(pakket, f"{n}Toewijzingstijd")
    if datum is None or tijd is None:  # required by every schema
        raise ImportFout(None, REGISTER_WEIGERT, "an allocation without Toewijzingsdatum/-tijd")
    moment = dt.datetime.combine(datum, dt.time.fromisoformat(tijd), tzinfo=_NL)
    return {
        "zzpCode": _tekst(pakket, f"{n}ZzpCode"),
        "instelling": _tekst(pakket, f"{n}Instelling"),
        "uitvoerendZorgkantoor": uitvoerend or _tekst(pakket, f"{n}Zorgkantoor"),
        "soortToewijzing": _tekst(pakket, f"{n}Soort"),
        "vaststellingMoment": moment,
        "percentage": _percentage(pakket, n, soort),
        "toewijzingIngangsdatum": _datum(_tekst(pakket, f"{n}Ingangsdatum")),
        "toewijzingEinddatum": _datum(_tekst(pakket, f"{n}Einddatum")),
        "redenIntrekking": _tekst(pakket, f"{n}RedenIntrekking"),
        "etmalen": _tekst(pakket, f"{n}Etmalen"),
        "instellingBestemming": _tekst(pakket, f"{n}InstellingBestemming"),
        "leveringsvorm": _tekst(pakket, f"{n}Leveringsvorm"),
        "opname": _tekst(pakket, f"{n}Opname"),
    }


def _weigering(uitkomst: Any, wat: str) -> ImportFout:
    fouten = "; ".join(f"{f.veld}: {f.melding}" for f in uitkomst.fouten)
    return ImportFout(None, REGISTER_WEIGERT, f"the register refuses {wat}: {fouten}")


# -- writing into the registers -----------------------------------------------------------------


def _indicatie(
    registers: Registers, conn: Connection, bsn: str | None, besluitnummer: str | int | None
) -> dict[str, Any] | None:
    if not bsn or besluitnummer is None:
        return None
    c = im.wlz_indicatie.c
    rows = registers.ir.zoek(
        conn, sa.and_(c.bsn == bsn, c.besluitnummer == int(besluitnummer)), onderdelen=()
    )
    return rows[0] if rows else None


def _bemiddeling(
    registers: Registers,
    conn: Connection,
    zorgkantoor: str,
    client: etree._Element,
    n: str,
    verslag: Verslag,
) -> uuid.UUID:
    """The zorgkantoor's bemiddeling for the client's indication, registered when new."""
    bsn = _tekst(client, f"{n}Bsn")
    besluitnummer = _tekst(client, f"{n}Indicatie/{n}Besluitnummer")
    indicatie = _indicatie(registers, conn, bsn, besluitnummer)
    if indicatie is None:
        raise ImportFout(
            client,
            ONBEKENDE_CLIENT,
            f"the Indicatieregister holds no indication {besluitnummer} for BSN {bsn}",
        )
    wlz_id = indicatie[im.ROOT]
    bestaand = registers.br.zoek(
        conn, zorgkantoor, "Bemiddeling", bm.bemiddeling.c.wlzIndicatieID == wlz_id
    )
    if bestaand:
        bid: uuid.UUID = bestaand[0]["bemiddelingID"]
        return bid
    uitkomst = registers.br.registreer_bemiddeling(
        zorgkantoor,
        {
            "wlzIndicatieID": wlz_id,
            "verantwoordelijkheidIngangsdatum": indicatie["ingangsdatum"],
            "client": {
                "bsn": bsn,
                "leefeenheid": _tekst(client, f"{n}Leefeenheid"),
                "huisarts": _tekst(client, f"{n}Huisarts"),
                "communicatievorm": _tekst(client, f"{n}Communicatie/{_M}Vorm"),
                "taal": _tekst(client, f"{n}Communicatie/{_M}Taal"),
            },
        },
    )
    if not uitkomst.geslaagd or uitkomst.id is None:
        raise _weigering(uitkomst, f"the bemiddeling for BSN {bsn}")
    verslag.voeg_toe("Bemiddeling", uitkomst.id)
    return uitkomst.id


def _toewijzing(
    registers: Registers,
    conn: Connection,
    zorgkantoor: str,
    bemiddeling_id: uuid.UUID,
    pakket: etree._Element,
    data: dict[str, Any],
    verslag: Verslag,
) -> uuid.UUID:
    """Register the allocation, change the one with its key, or leave an identical one."""
    t = bm.bemiddelingspecificatie
    bestaande = registers.br.zoek(
        conn, zorgkantoor, "Bemiddelingspecificatie", t.c.bemiddelingID == bemiddeling_id
    )
    sleutel = ("zzpCode", "instelling", "toewijzingIngangsdatum")
    kandidaten = [s for s in bestaande if all(s[k] == data[k] for k in sleutel)]
    # Two allocations on one key differ in their leveringsvorm: prefer the same one.
    kandidaten.sort(key=lambda s: s["leveringsvorm"] != data["leveringsvorm"])
    if not kandidaten:
        if data.get("redenIntrekking"):
            raise ImportFout(
                pakket,
                ONBEKENDE_TOEWIJZING,
                f"withdrawal of allocation {data['zzpCode']} from "
                f"{data['toewijzingIngangsdatum']} for {data['instelling']}, which the "
                "register does not hold",
            )
        uitkomst = registers.br.registreer_bemiddelingspecificatie(
            zorgkantoor, bemiddeling_id, data
        )
        if not uitkomst.geslaagd or uitkomst.id is None:
            raise _weigering(uitkomst, f"allocation {data['zzpCode']}")
        verslag.voeg_toe("Bemiddelingspecificatie", uitkomst.id)
        return uitkomst.id
    huidig = kandidaten[0]
    bid: uuid.UUID = huidig["bemiddelingspecificatieID"]
    nieuw = {k: huidig[k] for k in _BSPEC_VELDEN}
    nieuw.update(data)  # pgbPercentage, which the message lacks, stays
    # Aware datetimes compare by instant: the message's Dutch time equals the stored UTC.
    if all(nieuw[k] == huidig[k] for k in _BSPEC_VELDEN):
        return bid  # already there: nothing new
    uitkomst = registers.br.wijzig_bemiddelingspecificatie(
        zorgkantoor, bid, nieuw, huidig["versie"]
    )
    if not uitkomst.geslaagd:
        raise _weigering(uitkomst, f"the change of allocation {data['zzpCode']}")
    verslag.voeg_toe("Bemiddelingspecificatie", bid)
    return bid


def _regiehouders(
    registers: Registers,
    conn: Connection,
    zorgkantoor: str,
    bemiddeling_id: uuid.UUID,
    pakket: etree._Element,
    n: str,
    data: Mapping[str, Any],
    verslag: Verslag,
) -> None:
    """The pakket's Dossierhouder / CoordinatorZorgThuis as regiehouders of the bemiddeling
    over the allocation's period (one per instelling, role and start)."""
    t = bm.regiehouder
    bestaande: list[dict[str, Any]] | None = None
    for element, rol in (
        ("Dossierhouder", REGIEROL_DOSSIERHOUDER),
        ("CoordinatorZorgThuis", REGIEROL_COORDINATOR),
    ):
        instelling = _tekst(pakket, f"{n}{element}")
        if instelling is None:
            continue
        if bestaande is None:
            bestaande = registers.br.zoek(
                conn, zorgkantoor, "Regiehouder", t.c.bemiddelingID == bemiddeling_id
            )
        regie = {
            "instelling": instelling,
            "regierol": rol,
            "ingangsdatum": data["toewijzingIngangsdatum"],
            "einddatum": data["toewijzingEinddatum"],
        }
        gevonden = next(
            (
                r
                for r in bestaande
                if (r["instelling"], r["regierol"], r["ingangsdatum"])
                == (instelling, rol, regie["ingangsdatum"])
            ),
            None,
        )
        if gevonden is None:
            uitkomst = registers.br.registreer_regiehouder(zorgkantoor, bemiddeling_id, regie)
        elif gevonden["einddatum"] != regie["einddatum"]:
            uitkomst = registers.br.wijzig_regiehouder(
                zorgkantoor, gevonden["regiehouderID"], regie, gevonden["versie"]
            )
        else:
            continue
        if not uitkomst.geslaagd or uitkomst.id is None:
            raise _weigering(uitkomst, f"regiehouder {instelling}")
        verslag.voeg_toe("Regiehouder", uitkomst.id)
        bestaande = None  # read again: this write changed them


def _pakketten(client: etree._Element, n: str) -> list[etree._Element]:
    return client.findall(
        f"{n}Indicatie/{n}ToegewezenZorgzwaartepakketten/{n}ToegewezenZorgzwaartepakket"
    )


def importeer_io31(root: etree._Element, registers: Registers) -> Verslag:
    """IO31 → Indicatieregister, all clients in one transaction (see the module docstring)."""
    _ns(root, "IO31")
    verslag = Verslag("IO31")
    payloads = indicaties_uit_io31(root)
    with transactie(registers) as conn:
        for data in payloads:
            bestaand = _indicatie(registers, conn, data["bsn"], data["besluitnummer"])
            if bestaand is None:
                uitkomst = registers.ir.registreer(data)
            else:
                uitkomst = registers.ir.wijzig(bestaand[im.ROOT], data, bestaand["versie"])
            if not uitkomst.geslaagd:
                raise _weigering(uitkomst, f"the indication for BSN {data['bsn']}")
            verslag.voeg_toe("WlzIndicatie", uitkomst.wlzindicatieID)
    return verslag


def _importeer_toewijzingen(root: etree._Element, registers: Registers, code: str) -> Verslag:
    n = _ns(root, code)
    afzender, ontvanger = _header(root, n)
    uitvoerend = ontvanger if code == "ZK33" else None
    verslag = Verslag(code)
    with transactie(registers) as conn:
        for client in root.iterfind(f"{n}Clienten/{n}Client"):
            bid = _bemiddeling(registers, conn, afzender, client, n, verslag)
            for pakket in _pakketten(client, n):
                data = _toewijzing_uit(pakket, n, code, uitvoerend)
                _toewijzing(registers, conn, afzender, bid, pakket, data, verslag)
                _regiehouders(registers, conn, afzender, bid, pakket, n, data, verslag)
    return verslag


def importeer_aw33(root: etree._Element, registers: Registers) -> Verslag:
    """AW33 → the Afzender's Bemiddelingsregister (see the module docstring)."""
    return _importeer_toewijzingen(root, registers, "AW33")


def importeer_zk33(root: etree._Element, registers: Registers) -> Verslag:
    """ZK33 → the responsible (sending) zorgkantoor's Bemiddelingsregister, executing
    zorgkantoor = header Ontvanger (see the module docstring)."""
    return _importeer_toewijzingen(root, registers, "ZK33")


def importeer_zk31(root: etree._Element, registers: Registers) -> Verslag:
    """ZK31 → an Overdracht in the old (sending) zorgkantoor's Bemiddelingsregister."""
    n = _ns(root, "ZK31")
    afzender, ontvanger = _header(root, n)
    client = root.find(f"{n}Client")
    if client is None:
        raise ImportFout(None, REGISTER_WEIGERT, "a ZK31 without Client")
    verslag = Verslag("ZK31")
    with transactie(registers) as conn:
        bid = _bemiddeling(registers, conn, afzender, client, n, verslag)
        specs = []
        for pakket in _pakketten(client, n):
            data = _toewijzing_uit(pakket, n, "ZK31", None)
            bspec_id = _toewijzing(registers, conn, afzender, bid, pakket, data, verslag)
            _regiehouders(registers, conn, afzender, bid, pakket, n, data, verslag)
            specs.append(
                {
                    "bemiddelingspecificatieID": bspec_id,
                    "leveringsstatus": _tekst(pakket, f"{n}Leveringsstatus"),
                    "leveringsstatusClassificatie": _tekst(
                        pakket, f"{n}LeveringsstatusClassificatie"
                    ),
                }
            )
        overdracht = {
            "verantwoordelijkZorgkantoor": ontvanger,
            "overdrachtDatum": _datum(_tekst(client, f"{n}Indicatie/{n}Overdrachtdatum")),
            "verhuisDatum": _datum(_tekst(client, f"{n}Verhuisdatum")),
            "overdrachtspecificatie": specs,
        }
        bestaand = registers.br.zoek(
            conn, afzender, "Overdracht", bm.overdracht.c.bemiddelingID == bid
        )
        if bestaand:
            uitkomst = registers.br.wijzig_overdracht(
                afzender, bestaand[0]["overdrachtID"], overdracht, bestaand[0]["versie"]
            )
        else:
            uitkomst = registers.br.registreer_overdracht(afzender, bid, overdracht)
        if not uitkomst.geslaagd or uitkomst.id is None:
            raise _weigering(uitkomst, "the overdracht")
        verslag.voeg_toe("Overdracht", uitkomst.id)
    return verslag


IMPORTEURS.update(
    {
        "IO31": importeer_io31,
        "AW33": importeer_aw33,
        "ZK31": importeer_zk31,
        "ZK33": importeer_zk33,
    }
)


# -- exports ------------------------------------------------------------------------------------

_REGIE = "regiehouder { instelling ingangsdatum einddatum regierol }"
_BSPEC_QUERY = (
    "query Toewijzingen($where: BemiddelingspecificatieFilterInput) {\n"
    "  bemiddelingspecificatie(where: $where) {\n"
    f"    bemiddelingspecificatieID {AW33_BSPEC_FIELDS}\n"
    f"    bemiddeling {{ wlzIndicatieID {_REGIE} }}\n"
    "  }\n}"
)

_OVERDRACHT_QUERY = (
    "query Overdracht($where: OverdrachtFilterInput) {\n"
    "  overdracht(where: $where) {\n"
    "    verantwoordelijkZorgkantoor overdrachtDatum verhuisDatum\n"
    "    overdrachtspecificatie { leveringsstatus leveringsstatusClassificatie\n"
    f"      bemiddelingspecificatie {{ bemiddelingspecificatieID {AW33_BSPEC_FIELDS} }} }}\n"
    f"    bemiddeling {{ wlzIndicatieID {_REGIE} }}\n"
    "  }\n}"
)


def _br_lees(
    registers: Registers, zorgkantoor: str, query: str, where: Mapping[str, Any]
) -> list[dict[str, Any]]:
    from iwlz.registers.bemiddeling.api import build_read_schema

    result = graphql_sync(
        _schema(build_read_schema, "br"),
        query,
        variable_values={"where": dict(where)},
        context_value={"bemiddelingsregister": registers.br, "zorgkantoor": zorgkantoor},
    )
    if result.errors:
        raise ExportFout(f"the Bemiddelingsregister read failed: {result.errors[0]}")
    assert result.data is not None
    rows: list[dict[str, Any]] = next(iter(result.data.values()))
    return rows


_SCHEMAS: dict[str, Any] = {}


def _schema(build: Any, naam: str) -> Any:
    # Building a GraphQL schema costs milliseconds: once per process is enough.
    if naam not in _SCHEMAS:
        _SCHEMAS[naam] = build()
    return _SCHEMAS[naam]


def _ir_lees(registers: Registers, wlz_id: str) -> dict[str, Any]:
    from iwlz.registers.indicatie.api import build_read_schema

    result = graphql_sync(
        _schema(build_read_schema, "ir"),
        IO31_QUERY,
        variable_values={"where": {"wlzindicatieID": {"eq": wlz_id}}},
        context_value={"indicatieregister": registers.ir},
    )
    if result.errors:
        raise ExportFout(f"the Indicatieregister read failed: {result.errors[0]}")
    assert result.data is not None
    rows: list[dict[str, Any]] = result.data["wlzIndicatie"]
    if not rows:
        raise ExportFout(f"the Indicatieregister holds no WlzIndicatie {wlz_id}")
    return rows[0]


def _volgorde(s: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (
        str(s["toewijzingIngangsdatum"]),
        str(s["zzpCode"]),
        str(s.get("instelling") or ""),
        str(s["vaststellingMoment"]),
    )


def _met_regie(
    bspec: Mapping[str, Any], regiehouders: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The allocation with the ``dossierhouder``/``coordinatorZorgThuis`` the message sends:
    the regiehouder in that role whose period holds the allocation's start (one starting on
    it first), only for the leveringsvormen that carry it (CD073, CD050)."""
    out = dict(bspec)
    start = str(bspec["toewijzingIngangsdatum"])
    for veld, rol, vormen in (
        ("dossierhouder", REGIEROL_DOSSIERHOUDER, _DOSSIERHOUDER_VORMEN),
        ("coordinatorZorgThuis", REGIEROL_COORDINATOR, _COORDINATOR_VORMEN),
    ):
        if bspec["leveringsvorm"] not in vormen:
            continue
        passend = [
            r
            for r in regiehouders
            if r["regierol"] == rol
            and str(r["ingangsdatum"]) <= start
            and (r.get("einddatum") is None or str(r["einddatum"]) >= start)
        ]
        passend.sort(key=lambda r: (str(r["ingangsdatum"]) != start, str(r["instelling"])))
        if passend:
            out[veld] = passend[0]["instelling"]
    return out


def _per_client(
    registers: Registers, rows: Sequence[Mapping[str, Any]]
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    groepen: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        bemiddeling = row["bemiddeling"]
        groepen.setdefault(str(bemiddeling["wlzIndicatieID"]), []).append(
            _met_regie(row, bemiddeling.get("regiehouder") or [])
        )
    paren = [(_ir_lees(registers, wlz_id), bspecs) for wlz_id, bspecs in groepen.items()]
    paren.sort(key=lambda p: (str(p[0]["bsn"]), int(p[0]["besluitnummer"])))
    return [(w, sorted(bspecs, key=_volgorde)) for w, bspecs in paren]


def _selectie(basis: dict[str, Any], ids: Sequence[uuid.UUID | str] | None) -> dict[str, Any]:
    if ids is None:
        return basis
    gekozen = {"bemiddelingspecificatieID": {"in": [str(i) for i in ids]}}
    return {"and": [basis, gekozen]} if basis else gekozen


def _toewijzingen(
    registers: Registers,
    zorgkantoor: str,
    where: dict[str, Any],
    ids: Sequence[uuid.UUID | str] | None,
) -> list[dict[str, Any]]:
    rows = _br_lees(registers, zorgkantoor, _BSPEC_QUERY, _selectie(where, ids))
    if ids is not None:
        gevonden = {str(r["bemiddelingspecificatieID"]) for r in rows}
        missend = sorted({str(i) for i in ids} - gevonden)
        if missend:
            raise ExportFout(
                f"zorgkantoor {zorgkantoor} has no such allocation for this message: "
                f"{', '.join(missend)}"
            )
    if not rows:
        raise ExportFout(f"zorgkantoor {zorgkantoor} has no allocation for this message")
    return rows


def io31_uit_registers(
    registers: Registers,
    zorgkantoor: str,
    *,
    identificatie: str,
    dagtekening: dt.date,
    overgeslagen: list[str] | None = None,
) -> etree._Element:
    """IO31 for zorgkantoor ``zorgkantoor`` of every indication it is initially responsible
    for, in BSN order (the IR's read API with :data:`~iwlz.berichten.io31.IO31_QUERY`).

    With ``overgeslagen`` (a list), an indication that cannot make a valid IO31 client — an
    ended one, whose contact data the register no longer shows (IRA0001A) — is left out and
    the reason appended to the list, instead of failing the whole message."""
    from iwlz.registers.indicatie.api import build_read_schema

    result = graphql_sync(
        _schema(build_read_schema, "ir"),
        IO31_QUERY,
        variable_values={"where": {"initieelVerantwoordelijkZorgkantoor": {"eq": zorgkantoor}}},
        context_value={"indicatieregister": registers.ir},
    )
    if result.errors:
        raise ExportFout(f"the Indicatieregister read failed: {result.errors[0]}")
    assert result.data is not None
    rows = sorted(
        result.data["wlzIndicatie"], key=lambda r: (str(r["bsn"]), int(r["besluitnummer"]))
    )
    if not rows:
        raise ExportFout(
            f"the Indicatieregister holds no indications for zorgkantoor {zorgkantoor}"
        )
    if overgeslagen is not None:
        bruikbaar = []
        for row in rows:
            try:
                io31([row], ontvanger=zorgkantoor, identificatie="X", dagtekening=dagtekening)
            except ExportFout as exc:
                overgeslagen.append(str(exc))
            else:
                bruikbaar.append(row)
        if not bruikbaar:
            raise ExportFout(
                f"none of zorgkantoor {zorgkantoor}'s {len(rows)} indication(s) makes a valid "
                f"IO31 client: {overgeslagen[0]}"
            )
        rows = bruikbaar
    return io31(rows, ontvanger=zorgkantoor, identificatie=identificatie, dagtekening=dagtekening)


def aw33_uit_registers(
    registers: Registers,
    zorgkantoor: str,
    *,
    ontvanger: str,
    identificatie: str,
    dagtekening: dt.date,
    bemiddelingspecificatie_ids: Sequence[uuid.UUID | str] | None = None,
    partneropname: str = "2",
) -> etree._Element:
    """AW33 from zorgkantoor ``zorgkantoor`` to aanbieder ``ontvanger`` (AGB): the given
    bemiddelingspecificaties (default: all the zorgkantoor allocated to ``ontvanger``), each
    with its client's indication. :class:`ExportFout` when one is not the zorgkantoor's."""
    where = {} if bemiddelingspecificatie_ids else {"instelling": {"eq": ontvanger}}
    rows = _toewijzingen(registers, zorgkantoor, where, bemiddelingspecificatie_ids)
    return aw33(
        _per_client(registers, rows),
        afzender=zorgkantoor,
        ontvanger=ontvanger,
        identificatie=identificatie,
        dagtekening=dagtekening,
        partneropname=partneropname,
    )


def zk33_uit_registers(
    registers: Registers,
    zorgkantoor: str,
    *,
    ontvanger: str,
    identificatie: str,
    dagtekening: dt.date,
    bemiddelingspecificatie_ids: Sequence[uuid.UUID | str] | None = None,
) -> etree._Element:
    """ZK33 from the responsible ``zorgkantoor`` to the executing ``ontvanger``: the given
    bemiddelingspecificaties (default: all of ``zorgkantoor`` with ``uitvoerendZorgkantoor`` =
    ``ontvanger``); each must be executed by ``ontvanger``, another zorgkantoor."""
    if ontvanger == zorgkantoor:
        raise ExportFout("a ZK33 goes to another (executing) zorgkantoor than its sender")
    where = {"uitvoerendZorgkantoor": {"eq": ontvanger}}
    rows = _toewijzingen(registers, zorgkantoor, where, bemiddelingspecificatie_ids)
    return zk33(
        _per_client(registers, rows),
        afzender=zorgkantoor,
        ontvanger=ontvanger,
        identificatie=identificatie,
        dagtekening=dagtekening,
    )


def zk31_uit_registers(
    registers: Registers,
    zorgkantoor: str,
    overdracht_id: uuid.UUID | str,
    *,
    identificatie: str,
    dagtekening: dt.date,
) -> etree._Element:
    """ZK31 for zorgkantoor ``zorgkantoor``'s overdracht ``overdracht_id``: to its new
    ``verantwoordelijkZorgkantoor``, with the client's indication and every allocation that
    has an overdrachtspecificatie (its Leveringsstatus)."""
    rows = _br_lees(
        registers,
        zorgkantoor,
        _OVERDRACHT_QUERY,
        {"overdrachtID": {"eq": str(overdracht_id)}},
    )
    if not rows:
        raise ExportFout(f"zorgkantoor {zorgkantoor} has no overdracht {overdracht_id}")
    overdracht = rows[0]
    regie = overdracht["bemiddeling"].get("regiehouder") or []
    toegewezen = []
    for spec in overdracht.get("overdrachtspecificatie") or []:
        bspec = _met_regie(spec["bemiddelingspecificatie"], regie)
        bspec["leveringsstatus"] = spec["leveringsstatus"]
        bspec["leveringsstatusClassificatie"] = spec.get("leveringsstatusClassificatie")
        toegewezen.append(bspec)
    return zk31(
        _ir_lees(registers, str(overdracht["bemiddeling"]["wlzIndicatieID"])),
        sorted(toegewezen, key=_volgorde),
        afzender=zorgkantoor,
        ontvanger=overdracht["verantwoordelijkZorgkantoor"],
        verhuisdatum=overdracht["verhuisDatum"],
        overdrachtdatum=overdracht["overdrachtDatum"],
        identificatie=identificatie,
        dagtekening=dagtekening,
    )


# -- the allocations for the stateful rules -------------------------------------------------------


class BrToewijzingsbron:
    """:class:`~iwlz.berichten.regels.historie.Toewijzingsbron` on the Bemiddelingsregister:
    a zorgkantoor's allocations for a client's decision (BSN + besluitnummer, found in the
    Indicatieregister), ended and withdrawn ones included, with the dossierhouder /
    coordinator zorg thuis the AW33 export would send. Functions are not in the register."""

    def __init__(self, ir: Indicatieregister, br: Bemiddelingsregister) -> None:
        self.ir = ir
        self.br = br

    def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> list[Toewijzing]:
        b, s, r = bm.bemiddeling, bm.bemiddelingspecificatie, bm.regiehouder
        with self.br.engine.connect() as conn:
            c = im.wlz_indicatie.c
            indicaties = self.ir.zoek(
                conn, sa.and_(c.bsn == bsn, c.besluitnummer == besluitnummer), onderdelen=()
            )
            if not indicaties:
                return []
            ids = [i[im.ROOT] for i in indicaties]
            bemiddelingen = [
                row["bemiddelingID"]
                for row in self.br.zoek(
                    conn, zorgkantoor, "Bemiddeling", b.c.wlzIndicatieID.in_(ids)
                )
            ]
            if not bemiddelingen:
                return []
            bspecs = self.br.zoek(
                conn, zorgkantoor, "Bemiddelingspecificatie", s.c.bemiddelingID.in_(bemiddelingen)
            )
            regie = self.br.zoek(
                conn, zorgkantoor, "Regiehouder", r.c.bemiddelingID.in_(bemiddelingen)
            )
        out = []
        for bspec in sorted(bspecs, key=_volgorde):
            eigen = [x for x in regie if x["bemiddelingID"] == bspec["bemiddelingID"]]
            met = _met_regie(bspec, eigen)
            out.append(
                Toewijzing(
                    zorgkantoor=zorgkantoor,
                    bsn=bsn,
                    besluitnummer=besluitnummer,
                    code=bspec["zzpCode"],
                    ingangsdatum=bspec["toewijzingIngangsdatum"],
                    einddatum=bspec["toewijzingEinddatum"],
                    soort=bspec["soortToewijzing"],
                    instelling=bspec["instelling"],
                    etmalen=bspec["etmalen"],
                    opname=bspec["opname"],
                    leveringsvorm=bspec["leveringsvorm"],
                    dossierhouder=met.get("dossierhouder"),
                    coordinator_zorg_thuis=met.get("coordinatorZorgThuis"),
                    reden_intrekking=bspec["redenIntrekking"],
                    toewijzingsdatum=bspec["vaststellingMoment"].astimezone(_NL).date(),
                )
            )
        return out
