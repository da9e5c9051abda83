"""The whole Wlz chain over real HTTP: CIZ → zorgkantoor → aanbieder → zorgkantoor, then an
overdracht to another zorgkantoor and a vervaldatum.

Every step is what a participant does in the network: take a token from nID, read its inbox,
query a register through the register's PEP/PDP (whose PIPs ask the Bemiddelingsregisters over
HTTP in turn), or write to its own register through its beheer API. Nothing here touches the
database.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from ..nid.policies import test_bemiddelingsregister as br_queries
from .conftest import IR_PATH, IR_READ, Network
from .test_notificaties import CIZ, INBOX_READ, netwerkpunt, registreer

BR_READ = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"
BR_CREATE = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:create"
LR_READ = "registers/leveringsregister/leveringen/levering:read"
LR_CREATE = "registers/leveringsregister/leveringen/levering:create"
IR_CREATE = "registers/wlzindicatieregister/indicaties/indicatie:create"

BSPEC_SCALARS = """bemiddelingspecificatieID leveringsvorm zzpCode toewijzingIngangsdatum instelling
  uitvoerendZorgkantoor vaststellingMoment toewijzingEinddatum percentage opname redenIntrekking
  etmalen instellingBestemming soortToewijzing"""
BEMIDDELING_BLOCK = """bemiddeling { bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor
  verantwoordelijkheidIngangsdatum verantwoordelijkheidEinddatum
  client { bsn clientID taal communicatievorm huisarts leefeenheid } }"""

QBR_0001 = f"""query QBR0001($b: UUID!, $agb: String!) {{
  bemiddelingspecificatie(where: {{bemiddelingspecificatieID: {{eq: $b}}, instelling: {{eq: $agb}}}}) {{
    {BSPEC_SCALARS}
    {BEMIDDELING_BLOCK}
  }}
}}"""

QBR_0004 = f"""query QBR0004($b: UUID!, $zk: String!) {{
  bemiddelingspecificatie(where: {{bemiddelingspecificatieID: {{eq: $b}}, uitvoerendZorgkantoor: {{eq: $zk}}}}) {{
    {BSPEC_SCALARS}
    {BEMIDDELING_BLOCK}
  }}
}}"""

QBR_0007 = f"""query QBR0007($o: UUID!, $zk: String!) {{
  overdracht(where: {{overdrachtID: {{eq: $o}}, verantwoordelijkZorgkantoor: {{eq: $zk}}}}) {{
    overdrachtID verantwoordelijkZorgkantoor overdrachtDatum verhuisDatum vaststellingMoment
    bemiddeling {{ bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor
      verantwoordelijkheidIngangsdatum verantwoordelijkheidEinddatum
      client {{ clientID bsn leefeenheid huisarts communicatievorm taal }} }}
    overdrachtspecificatie {{ overdrachtspecificatieID leveringsstatus leveringsstatusClassificatie
      oorspronkelijkeToewijzingEinddatum
      bemiddelingspecificatie {{ {BSPEC_SCALARS} }} }}
  }}
}}"""


QIR_0001 = """query QIR0001($id: UUID!, $zk: String!) {
  wlzIndicatie(where: {wlzindicatieID: {eq: $id}, initieelVerantwoordelijkZorgkantoor: {eq: $zk}}) {
    wlzindicatieID bsn ingangsdatum geindiceerdZorgzwaartepakket { zzpCode ingangsdatum }
  }
}"""

QIR_ONLY_ID = """query Q($id: UUID!) { wlzIndicatie(where: {wlzindicatieID: {eq: $id}}) %s }"""

QLR_0006 = """query QLR0006($p: UUID!, $b: UUID!) {
  leveringperiode(where: {leveringperiodeID: {eq: $p}}) {
    leveringperiodeID ingangsdatum vaststellingMoment sleuteldatum einddatum beeindigingReden
    aanbiederBestemming
    levering(where: {bemiddelingspecificatieID: {eq: $b}}) {
      leveringID bemiddelingspecificatieID client { clientID bsn }
    }
  }
}"""

QBR_0008 = br_queries.QBR_0008

REGISTREER_BEMIDDELING = """mutation($b: BemiddelingInput!) {
  registreerBemiddeling(bemiddeling: $b) {
    geslaagd fouten { veld code melding }
    bemiddeling { bemiddelingID
      bemiddelingspecificatie { bemiddelingspecificatieID instelling uitvoerendZorgkantoor } }
  }
}"""

REGISTREER_OVERDRACHT = """mutation($id: UUID!, $o: OverdrachtInput!) {
  registreerOverdracht(bemiddelingID: $id, overdracht: $o) {
    geslaagd fouten { veld code melding } overdracht { overdrachtID }
  }
}"""

REGISTREER_LEVERING = """mutation($l: LeveringInput!) {
  registreerLevering(levering: $l) {
    geslaagd fouten { veld code melding }
    levering { leveringID leveringperiodes { leveringperiodeID } }
  }
}"""

VERVALDATUM = """mutation($id: UUID!, $d: Date) {
  wijzigVervaldatum(wlzindicatieID: $id, vervaldatum: $d) { geslaagd }
}"""


def br_path(uzovi: str, beheer: bool = False) -> str:
    return f"/bemiddelingsregister/{uzovi}/{'beheer/' if beheer else ''}graphql"


def lr_path(agb: str, beheer: bool = False) -> str:
    return f"/leveringsregister/{agb}/{'beheer/' if beheer else ''}graphql"


def call(
    network: Network,
    participant: str,
    scope: str,
    path: str,
    query: str,
    variables: dict[str, Any],
) -> httpx.Response:
    headers = network.bearer(participant, scope, f"{network.base_url}{path}")
    return network.post(path, query, variables, **headers)


def data(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    result: dict[str, Any] = body["data"]
    return result


def wait_for(
    network: Network, participant: str, event_type: str, record: str, timeout: float = 10.0
) -> dict[str, Any]:
    """The inbox item of ``event_type`` about ``record`` (acknowledged once found)."""
    idtype, value = participant.split(":")
    url = netwerkpunt(network, idtype, value)
    headers = network.bearer(participant, INBOX_READ, url)
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(
            f"{network.base_url}/netwerkpunt/{idtype}/{value}/inbox",
            headers=headers,
            timeout=30,
        )
        assert r.status_code == 200, r.text
        for item in r.json()["items"]:
            if item["eventType"] == event_type and any(
                s["recordID"] == record for s in item["subjectList"]
            ):
                httpx.post(
                    f"{network.base_url}/netwerkpunt/{idtype}/{value}/inbox/ack",
                    json={"itemIDs": [item["itemID"]]},
                    headers=headers,
                    timeout=30,
                ).raise_for_status()
                return dict(item)
        if time.monotonic() > deadline:
            raise AssertionError(f"no {event_type} about {record} for {participant}")
        time.sleep(0.05)


def aanbieders(network: Network) -> list[str]:
    from iwlz.nid.demo import demo_aanbieder_agbs

    return demo_aanbieder_agbs()


def other_zorgkantoor(zk: str) -> str:
    return "5502" if zk != "5502" else "5503"


def test_the_chain_from_indication_to_delivery_overdracht_and_vervaldatum(
    network: Network,
) -> None:
    agbs = aanbieders(network)
    aanbieder, uitvoerend_aanbieder, buitenstaander = agbs[0], agbs[1], agbs[2]

    # 1. The CIZ registers an indication; the zorgkantoor of the client's region is notified.
    res = registreer(network, bsn="999990135")
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    zk = res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    zk_uitvoerend = other_zorgkantoor(zk)
    wait_for(network, f"UZOVI:{zk}", "NIEUWE_INDICATIE_ZORGKANTOOR", f"WlzIndicatie/{wid}")
    indicatie = data(
        call(
            network,
            f"UZOVI:{zk}",
            IR_READ,
            IR_PATH,
            QIR_0001,
            {"id": wid, "zk": zk},
        )
    )["wlzIndicatie"][0]
    ingang = indicatie["ingangsdatum"]

    # 2. The zorgkantoor mediates: one allocation to an aanbieder it executes itself, one
    #    executed by a (supra-regional) other zorgkantoor.
    def bspec(instelling: str, uitvoerend: str) -> dict[str, Any]:
        return {
            "leveringsvorm": "4",
            "zzpCode": indicatie["geindiceerdZorgzwaartepakket"][0]["zzpCode"],
            "toewijzingIngangsdatum": ingang,
            "instelling": instelling,
            "uitvoerendZorgkantoor": uitvoerend,
            "vaststellingMoment": "2026-03-01T09:00:00+01:00",
            "soortToewijzing": "1",
        }

    bemiddeling = data(
        call(
            network,
            f"UZOVI:{zk}",
            BR_CREATE,
            br_path(zk, beheer=True),
            REGISTREER_BEMIDDELING,
            {
                "b": {
                    "wlzIndicatieID": wid,
                    "verantwoordelijkheidIngangsdatum": ingang,
                    "client": {"bsn": indicatie["bsn"], "taal": "nl"},
                    "bemiddelingspecificatie": [
                        bspec(aanbieder, zk),
                        bspec(uitvoerend_aanbieder, zk_uitvoerend),
                    ],
                }
            },
        )
    )["registreerBemiddeling"]
    assert bemiddeling["geslaagd"], bemiddeling["fouten"]
    bid = bemiddeling["bemiddeling"]["bemiddelingID"]
    specs = {s["instelling"]: s for s in bemiddeling["bemiddeling"]["bemiddelingspecificatie"]}
    b = specs[aanbieder]["bemiddelingspecificatieID"]
    b2 = specs[uitvoerend_aanbieder]["bemiddelingspecificatieID"]

    # 3. The aanbieder is notified, reads its allocation (UCBR-0001) and the indication
    #    (UCIR-0002: nID's PIP asks the zorgkantoor's Bemiddelingsregister over HTTP).
    item = wait_for(
        network,
        f"AGB:{aanbieder}",
        "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
        f"Bemiddelingspecificatie/{b}",
    )
    assert (item["afzenderIDType"], item["afzenderID"]) == ("UZOVI", zk)
    assert item["subjectList"][0]["subject"] == f"Bemiddeling/{bid}"
    toewijzing = data(
        call(
            network, f"AGB:{aanbieder}", BR_READ, br_path(zk), QBR_0001, {"b": b, "agb": aanbieder}
        )
    )["bemiddelingspecificatie"]
    assert [t["bemiddeling"]["wlzIndicatieID"] for t in toewijzing] == [wid]
    assert toewijzing[0]["bemiddeling"]["verantwoordelijkZorgkantoor"] == zk
    ir_tree = QIR_ONLY_ID % "{ wlzindicatieID bsn }"
    seen = data(call(network, f"AGB:{aanbieder}", IR_READ, IR_PATH, ir_tree, {"id": wid}))
    assert [w["wlzindicatieID"] for w in seen["wlzIndicatie"]] == [wid]
    # The aanbieder without an allocation gets nothing: not from the BR, not from the IR.
    refused = call(network, f"AGB:{buitenstaander}", IR_READ, IR_PATH, ir_tree, {"id": wid})
    assert refused.status_code == 403, refused.text
    refused = call(
        network,
        f"AGB:{buitenstaander}",
        BR_READ,
        br_path(zk),
        QBR_0001,
        {"b": b, "agb": aanbieder},
    )
    assert refused.status_code == 403, refused.text
    assert "data" not in refused.json()

    # The executing zorgkantoor is notified and reads the allocation it executes (UCBR-0004).
    wait_for(
        network,
        f"UZOVI:{zk_uitvoerend}",
        "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
        f"Bemiddelingspecificatie/{b2}",
    )
    uitgevoerd = data(
        call(
            network,
            f"UZOVI:{zk_uitvoerend}",
            BR_READ,
            br_path(zk),
            QBR_0004,
            {"b": b2, "zk": zk_uitvoerend},
        )
    )["bemiddelingspecificatie"]
    assert [u["bemiddelingspecificatieID"] for u in uitgevoerd] == [b2]

    # 4. The aanbieder registers the delivery in its own Leveringsregister.
    levering = data(
        call(
            network,
            f"AGB:{aanbieder}",
            LR_CREATE,
            lr_path(aanbieder, beheer=True),
            REGISTREER_LEVERING,
            {
                "l": {
                    "bemiddelingspecificatieID": b,
                    "verantwoordelijkZorgkantoor": toewijzing[0]["bemiddeling"][
                        "verantwoordelijkZorgkantoor"
                    ],
                    "uitvoerendZorgkantoor": toewijzing[0]["uitvoerendZorgkantoor"],
                    "client": {"bsn": toewijzing[0]["bemiddeling"]["client"]["bsn"]},
                    "leveringperiodes": [{"ingangsdatum": ingang}],
                }
            },
        )
    )["registreerLevering"]
    assert levering["geslaagd"], levering["fouten"]
    p = levering["levering"]["leveringperiodes"][0]["leveringperiodeID"]

    # 5. The zorgkantoor is notified and sees the delivery status (UCLR-0006, PIP over HTTP).
    item = wait_for(
        network, f"UZOVI:{zk}", "NIEUWE_LEVERINGPERIODE_ZORGKANTOOR", f"Leveringperiode/{p}"
    )
    assert (item["afzenderIDType"], item["afzenderID"]) == ("AGB", aanbieder)
    assert item["subjectList"][0]["subject"] == f"Levering/{b}"
    periode = data(
        call(network, f"UZOVI:{zk}", LR_READ, lr_path(aanbieder), QLR_0006, {"p": p, "b": b})
    )["leveringperiode"]
    assert [(x["leveringperiodeID"], x["ingangsdatum"]) for x in periode] == [(p, ingang)]
    assert periode[0]["levering"]["bemiddelingspecificatieID"] == b
    # A zorgkantoor outside the chain may not.
    buiten_zk = next(u for u in ("5503", "5504", "5505") if u not in (zk, zk_uitvoerend))
    refused = call(
        network, f"UZOVI:{buiten_zk}", LR_READ, lr_path(aanbieder), QLR_0006, {"p": p, "b": b}
    )
    assert refused.status_code == 403, refused.text

    # 6. The client moves: overdracht to the zorgkantoor of the new region.
    nieuw_zk = buiten_zk
    overdracht = data(
        call(
            network,
            f"UZOVI:{zk}",
            BR_CREATE,
            br_path(zk, beheer=True),
            REGISTREER_OVERDRACHT,
            {
                "id": bid,
                "o": {
                    "verantwoordelijkZorgkantoor": nieuw_zk,
                    "overdrachtDatum": "2026-10-01",
                    "verhuisDatum": "2026-09-15",
                    "overdrachtspecificatie": [
                        {"bemiddelingspecificatieID": b, "leveringsstatus": "1"}
                    ],
                },
            },
        )
    )["registreerOverdracht"]
    assert overdracht["geslaagd"], overdracht["fouten"]
    oid = overdracht["overdracht"]["overdrachtID"]
    wait_for(network, f"UZOVI:{nieuw_zk}", "NIEUWE_OVERDRACHT_ZORGKANTOOR", f"Overdracht/{oid}")
    # The new zorgkantoor reads the overdracht (UCBR-0007) and the indication (UCIR-0003:
    # PIP-0003 found in the old zorgkantoor's register) ...
    over = data(
        call(
            network,
            f"UZOVI:{nieuw_zk}",
            BR_READ,
            br_path(zk),
            QBR_0007,
            {"o": oid, "zk": nieuw_zk},
        )
    )["overdracht"]
    assert [o["bemiddeling"]["wlzIndicatieID"] for o in over] == [wid]
    assert (
        over[0]["overdrachtspecificatie"][0]["bemiddelingspecificatie"]["bemiddelingspecificatieID"]
        == b
    )
    # UCBR-0008: with the overdrachtDatum, the contact data and regiehouders valid on it.
    dossier = data(
        call(
            network,
            f"UZOVI:{nieuw_zk}",
            BR_READ,
            br_path(zk),
            QBR_0008,
            {"O": oid, "U": nieuw_zk, "D": "2026-10-01"},
        )
    )["overdracht"]
    assert [d["overdrachtID"] for d in dossier] == [oid]
    assert dossier[0]["bemiddeling"]["client"]["bsn"] == indicatie["bsn"]
    ir = data(call(network, f"UZOVI:{nieuw_zk}", IR_READ, IR_PATH, ir_tree, {"id": wid}))
    assert [w["wlzindicatieID"] for w in ir["wlzIndicatie"]] == [wid]
    # ... and the old one cannot read the overdracht as if it were the new one.
    refused = call(
        network, f"UZOVI:{zk}", BR_READ, br_path(zk), QBR_0007, {"o": oid, "zk": nieuw_zk}
    )
    assert refused.status_code == 403, refused.text
    # The new zorgkantoor registers its own bemiddeling.
    eigen = data(
        call(
            network,
            f"UZOVI:{nieuw_zk}",
            BR_CREATE,
            br_path(nieuw_zk, beheer=True),
            REGISTREER_BEMIDDELING,
            {
                "b": {
                    "wlzIndicatieID": wid,
                    "verantwoordelijkheidIngangsdatum": "2026-10-01",
                    "client": {"bsn": indicatie["bsn"]},
                }
            },
        )
    )["registreerBemiddeling"]
    assert eigen["geslaagd"], eigen["fouten"]

    # 7. The CIZ sets a vervaldatum: every responsible zorgkantoor, past and new, is notified
    #    (found through the Bemiddelingsregisters with QBR-0010).
    headers = network.bearer(CIZ, IR_CREATE, f"{network.base_url}/indicatieregister/beheer/graphql")
    r = network.post(
        "/indicatieregister/beheer/graphql", VERVALDATUM, {"id": wid, "d": "2027-06-30"}, **headers
    )
    assert data(r)["wijzigVervaldatum"]["geslaagd"]
    for ontvanger in (zk, nieuw_zk):
        item = wait_for(
            network, f"UZOVI:{ontvanger}", "VERVALLEN_INDICATIE_ZORGKANTOOR", f"WlzIndicatie/{wid}"
        )
        assert (item["afzenderIDType"], item["afzenderID"]) == ("KVK", "62253778")
    # The executing zorgkantoor was never responsible: no VERVALLEN for it.
    idtype, value = "UZOVI", zk_uitvoerend
    headers = network.bearer(
        f"UZOVI:{zk_uitvoerend}", INBOX_READ, netwerkpunt(network, idtype, value)
    )
    items = httpx.get(
        f"{network.base_url}/netwerkpunt/{idtype}/{value}/inbox", headers=headers, timeout=30
    ).json()["items"]
    assert not [
        i
        for i in items
        if i["eventType"] == "VERVALLEN_INDICATIE_ZORGKANTOOR"
        and i["subjectList"][0]["recordID"] == f"WlzIndicatie/{wid}"
    ]


MELDING = "mutation zendMelding($m: MeldingInput!) { zendMelding(meldingInput: $m) { meldingID } }"
MELDINGEN = (
    "query($s: MeldingStatus) { meldingen(status: $s) { meldingID status reden afzenderID } }"
)
BEHANDEL = (
    "mutation($id: UUID!, $s: MeldingStatus!, $r: String) "
    "{ behandelMelding(meldingID: $id, status: $s, reden: $r) { meldingID status reden } }"
)


def test_an_aanbieder_reports_an_error_in_a_bemiddelingsregister_and_the_zorgkantoor_handles_it(
    network: Network,
) -> None:
    zk, other = "5507", "5508"
    aanbieder = aanbieders(network)[5]
    record = f"Bemiddelingspecificatie/{uuid.uuid4()}"
    url = netwerkpunt(network, "UZOVI", zk)
    headers = network.bearer(
        f"AGB:{aanbieder}", "organisaties/zorgkantoor/meldingen/melding:create", url
    )
    m = {
        "timestamp": "2026-11-27T11:00:00.000Z",
        "afzenderIDType": "AGB",
        "afzenderID": aanbieder,
        "ontvangerIDType": "UZOVI",
        "ontvangerID": zk,
        "eventType": "IWLZFOUTMELDING",
        "subjectList": [{"subject": "BRG0001", "recordID": record}],
    }
    r = httpx.post(url, json={"query": MELDING, "variables": {"m": m}}, headers=headers, timeout=30)
    melding_id = data(r)["zendMelding"]["meldingID"]
    # The zorgkantoor sees it in its own Bemiddelingsregister's beheer API and handles it.
    listed = data(
        call(network, f"UZOVI:{zk}", BR_CREATE, br_path(zk, beheer=True), MELDINGEN, {"s": None})
    )["meldingen"]
    assert [(x["meldingID"], x["afzenderID"]) for x in listed] == [(melding_id, aanbieder)]
    done = data(
        call(
            network,
            f"UZOVI:{zk}",
            BR_CREATE,
            br_path(zk, beheer=True),
            BEHANDEL,
            {"id": melding_id, "s": "AFGEWEZEN", "r": "Geen fout: toewijzing is juist."},
        )
    )["behandelMelding"]
    assert done["status"] == "AFGEWEZEN"
    status = httpx.get(
        f"{network.base_url}/netwerkpunt/UZOVI/{zk}/meldingen/{melding_id}",
        headers=headers,
        timeout=30,
    )
    assert status.status_code == 200 and status.json()["status"] == "AFGEWEZEN"
    # Another zorgkantoor's beheer API lists its own meldingen only; it cannot use this one's.
    assert (
        data(
            call(
                network,
                f"UZOVI:{other}",
                BR_CREATE,
                br_path(other, beheer=True),
                MELDINGEN,
                {"s": None},
            )
        )["meldingen"]
        == []
    )
    refused = call(
        network, f"UZOVI:{other}", BR_CREATE, br_path(zk, beheer=True), MELDINGEN, {"s": None}
    )
    assert refused.status_code == 403, refused.text
