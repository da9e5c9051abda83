"""The back offices' decisions and their retry rules, with a scripted stand-in for the network."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from iwlz import codelists
from iwlz.demo.backoffice import (
    BackOffice,
    BackofficeNetwork,
    Zorgaanbieder,
    Zorgkantoor,
    leveringsvorm_voor,
    stable_uuid,
)
from iwlz.nid.demo import demo_aanbieder_agbs
from iwlz.nid.netwerk import PolicyDenied

AGBS = demo_aanbieder_agbs()


class FakeClient:
    """Just enough of NetworkClient: scripted GraphQL answers and an inbox."""

    def __init__(self, participant: str, answers: dict[str, Any] | None = None) -> None:
        self.participant = participant
        self.id_type, self.id_value = participant.split(":")
        self.items: list[dict[str, Any]] = []
        self.acked: list[str] = []
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.answers = answers or {}

    def inbox(self, **_: Any) -> list[dict[str, Any]]:
        return [i for i in self.items if i["itemID"] not in self.acked]

    def ack(self, ids: list[str]) -> None:
        self.acked += ids

    def graphql(
        self, path: str, scope: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        self.calls.append((path, query, dict(variables or {})))
        for key, answer in self.answers.items():
            if key in query:
                if isinstance(answer, Exception):
                    raise answer
                return answer(variables) if callable(answer) else answer
        raise AssertionError(f"unexpected query to {path}: {query[:60]}")


def item(event: str, *subjects: tuple[str, str], afzender: tuple[str, str]) -> dict[str, Any]:
    return {
        "itemID": str(uuid.uuid4()),
        "eventType": event,
        "afzenderIDType": afzender[0],
        "afzenderID": afzender[1],
        "subjectList": [{"subject": s, "recordID": r} for s, r in subjects],
    }


INDICATIE = {
    "wlzindicatieID": "0b3c1f7e-4c1f-4a4e-9d55-7d2a9f0c1a11",
    "bsn": "111222333",
    "ingangsdatum": "2026-03-01",
    "einddatum": None,
    "geindiceerdZorgzwaartepakket": [
        {
            "geindiceerdZorgzwaartepakketID": "5e0c2a55-7f66-4b1e-8d50-1a2b3c4d5e6f",
            "zzpCode": "755",
            "ingangsdatum": "2026-03-05",
            "einddatum": None,
            "voorkeurClient": "5",
            "instellingVoorkeur": AGBS[3],
            "financiering": "1",
        },
        {
            "geindiceerdZorgzwaartepakketID": "6e0c2a55-7f66-4b1e-8d50-1a2b3c4d5e6f",
            "zzpCode": "756",
            "ingangsdatum": "2026-04-01",
            "einddatum": "2026-12-31",
            "voorkeurClient": None,
            "instellingVoorkeur": "99999999",
            "financiering": "3",
        },
    ],
    "client": {
        "bsn": "111222333",
        "leefeenheid": "1",
        "agbcodeHuisarts": "01234567",
        "communicatieVorm": None,
        "taal": "NL",
    },
}


def test_leveringsvorm_maps_every_voorkeur_to_a_cod578_code() -> None:
    cod578 = codelists.get("COD578")
    for voorkeur in [*codelists.get("COD999").values, None, "x"]:
        assert leveringsvorm_voor(voorkeur) in cod578
    assert leveringsvorm_voor("4") == "4"
    assert leveringsvorm_voor(None) == "4"


def test_stable_uuid_is_deterministic_and_parses() -> None:
    a = stable_uuid("bemiddeling", "5501", "x")
    assert a == stable_uuid("bemiddeling", "5501", "x")
    assert a != stable_uuid("bemiddeling", "5502", "x")
    assert uuid.UUID(a).version == 4


def test_zorgkantoor_bemiddelt_with_valid_codes_and_the_preferred_instelling() -> None:
    zk = Zorgkantoor(FakeClient("UZOVI:5501"))  # type: ignore[arg-type]
    b = zk.bemiddeling_voor(INDICATIE)
    assert b["wlzIndicatieID"] == INDICATIE["wlzindicatieID"]
    assert b["verantwoordelijkheidIngangsdatum"] == "2026-03-01"
    assert b["client"] == {
        "bsn": "111222333",
        "leefeenheid": "1",
        "huisarts": "01234567",
        "taal": "NL",
    }
    first, second = b["bemiddelingspecificatie"]
    assert first["instelling"] == AGBS[3]  # the client's preference is a demo aanbieder
    assert second["instelling"] in AGBS  # a preference off the network: a fixed pick
    assert (
        second["instelling"]
        == zk.bemiddeling_voor(INDICATIE)["bemiddelingspecificatie"][1]["instelling"]
    )
    assert first["toewijzingIngangsdatum"] == "2026-03-05"
    assert second["toewijzingEinddatum"] == "2026-12-31"
    for spec in (first, second):
        assert spec["uitvoerendZorgkantoor"] == "5501"
        assert spec["leveringsvorm"] in codelists.get("COD578")
        assert spec["soortToewijzing"] in codelists.get("COD165")
        assert spec["zzpCode"] in codelists.get("COD163")
        assert dt.datetime.fromisoformat(spec["vaststellingMoment"]).tzinfo is not None
    assert first["leveringsvorm"] == "5"  # VPT preferred
    assert second["soortToewijzing"] == "5"  # subsidieregeling: administratief
    # The same indication gives the same IDs (idempotent registration).
    assert b["bemiddelingID"] == zk.bemiddeling_voor(INDICATIE)["bemiddelingID"]


def test_nieuwe_indicatie_reads_with_qir_0001_and_registers_in_its_own_register() -> None:
    client = FakeClient(
        "UZOVI:5501",
        {
            "wlzIndicatie(": {"wlzIndicatie": [INDICATIE]},
            "registreerBemiddeling": {
                "registreerBemiddeling": {"geslaagd": True, "fouten": [], "bemiddeling": {}}
            },
        },
    )
    zk = Zorgkantoor(client)  # type: ignore[arg-type]
    wid = INDICATIE["wlzindicatieID"]
    client.items.append(
        item(
            "NIEUWE_INDICATIE_ZORGKANTOOR",
            (f"WlzIndicatie/{wid}", f"WlzIndicatie/{wid}"),
            afzender=("KVK", "62253778"),
        )
    )
    result = zk.run_once()
    assert (result.handled, result.failed) == (1, 0)
    (p1, _, v1), (p2, _, v2) = client.calls
    assert p1 == "/indicatieregister/graphql"
    assert v1 == {"wlzIndicatieID": wid, "initieelVerantwoordelijkZorgkantoor": "5501"}
    assert p2 == "/bemiddelingsregister/5501/beheer/graphql"
    assert v2["b"]["wlzIndicatieID"] == wid
    assert len(zk.status) == 2
    assert client.acked == [client.items[0]["itemID"]]


def test_a_second_registration_that_finds_its_ids_counts_as_done() -> None:
    bestaat = {
        "registreerBemiddeling": {
            "geslaagd": False,
            "fouten": [{"veld": "bemiddeling.bemiddelingID", "code": "BESTAAT", "melding": "x"}],
        }
    }
    client = FakeClient(
        "UZOVI:5501", {"wlzIndicatie(": {"wlzIndicatie": [INDICATIE]}, "registreer": bestaat}
    )
    zk = Zorgkantoor(client)  # type: ignore[arg-type]
    wid = INDICATIE["wlzindicatieID"]
    client.items.append(
        item("NIEUWE_INDICATIE_ZORGKANTOOR", (f"WlzIndicatie/{wid}",) * 2, afzender=("KVK", "1"))
    )
    assert zk.run_once().handled == 1


def test_failures_are_retried_then_given_up_and_other_events_are_acked() -> None:
    client = FakeClient("UZOVI:5501", {"wlzIndicatie(": RuntimeError("register down")})
    zk = Zorgkantoor(client, max_attempts=3)  # type: ignore[arg-type]
    wid = str(uuid.uuid4())
    bad = item("NIEUWE_INDICATIE_ZORGKANTOOR", (f"WlzIndicatie/{wid}",) * 2, afzender=("KVK", "1"))
    other = item(
        "GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
        (f"Bemiddeling/{uuid.uuid4()}", f"Bemiddelingspecificatie/{uuid.uuid4()}"),
        afzender=("UZOVI", "5502"),
    )
    client.items += [bad, other]
    first = zk.run_once()
    assert (first.handled, first.failed, first.given_up) == (1, 1, 0)
    assert client.acked == [other["itemID"]]
    second = zk.run_once()
    assert (second.handled, second.failed, second.given_up) == (0, 1, 0)
    third = zk.run_once()
    assert (third.failed, third.given_up) == (0, 1)
    assert bad["itemID"] in client.acked
    assert zk.run_once().seen == 0


def test_a_malformed_notification_does_not_stop_the_round() -> None:
    client = FakeClient("AGB:" + AGBS[0])
    office = Zorgaanbieder(client, max_attempts=1)  # type: ignore[arg-type]
    client.items.append(
        item("NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", ("x", "y"), afzender=("UZOVI", "5501"))
    )
    result = office.run_once()
    assert result.given_up == 1
    assert client.acked


QBR_ROW = {
    "bemiddelingspecificatieID": "7f0c2a55-7f66-4b1e-8d50-1a2b3c4d5e6f",
    "zzpCode": "755",
    "toewijzingIngangsdatum": "2026-03-05",
    "toewijzingEinddatum": None,
    "instelling": AGBS[0],
    "uitvoerendZorgkantoor": "5502",
    "bemiddeling": {
        "bemiddelingID": "8f0c2a55-7f66-4b1e-8d50-1a2b3c4d5e6f",
        "wlzIndicatieID": INDICATIE["wlzindicatieID"],
        "verantwoordelijkZorgkantoor": "5501",
        "client": {"bsn": "111222333", "clientID": "9f0c2a55-7f66-4b1e-8d50-1a2b3c4d5e6f"},
    },
}


def test_aanbieder_registers_a_levering_and_tolerates_a_refused_qir_0002() -> None:
    client = FakeClient(
        "AGB:" + AGBS[0],
        {
            "bemiddelingspecificatie(": {"bemiddelingspecificatie": [QBR_ROW]},
            "wlzIndicatie(": PolicyDenied("403", status=403),
            "registreerLevering": {"registreerLevering": {"geslaagd": True, "fouten": []}},
        },
    )
    office = Zorgaanbieder(client, today=lambda: dt.date(2026, 6, 1))  # type: ignore[arg-type]
    bspec = QBR_ROW["bemiddelingspecificatieID"]
    client.items.append(
        item(
            "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
            (f"Bemiddeling/{uuid.uuid4()}", f"Bemiddelingspecificatie/{bspec}"),
            afzender=("UZOVI", "5501"),
        )
    )
    assert office.run_once().handled == 1
    paths = [c[0] for c in client.calls]
    assert paths == [
        "/bemiddelingsregister/5501/graphql",
        "/indicatieregister/graphql",
        f"/leveringsregister/{AGBS[0]}/beheer/graphql",
    ]
    assert client.calls[0][2] == {"bemiddelingspecificatieID": bspec, "instelling": AGBS[0]}
    levering = client.calls[2][2]["l"]
    assert levering["bemiddelingspecificatieID"] == bspec
    assert levering["verantwoordelijkZorgkantoor"] == "5501"
    assert levering["uitvoerendZorgkantoor"] == "5502"
    assert levering["client"] == {"bsn": "111222333"}
    (periode,) = levering["leveringperiodes"]
    assert periode["ingangsdatum"] == "2026-03-05"
    assert "einddatum" not in periode
    assert office.indicaties_geweigerd == 1


def test_leveringperiode_updates_the_zorgkantoors_status() -> None:
    bspec = str(uuid.uuid4())
    periode = str(uuid.uuid4())
    answer = {
        "leveringperiode": [
            {
                "leveringperiodeID": periode,
                "ingangsdatum": "2026-03-05",
                "einddatum": None,
                "levering": {"bemiddelingspecificatieID": bspec, "client": {"bsn": "111222333"}},
            }
        ]
    }
    client = FakeClient("UZOVI:5501", {"leveringperiode(": answer})
    zk = Zorgkantoor(client)  # type: ignore[arg-type]
    client.items.append(
        item(
            "NIEUWE_LEVERINGPERIODE_ZORGKANTOOR",
            (f"Levering/{bspec}", f"Leveringperiode/{periode}"),
            afzender=("AGB", AGBS[1]),
        )
    )
    assert zk.run_once().handled == 1
    path, _, variables = client.calls[0]
    assert path == f"/leveringsregister/{AGBS[1]}/graphql"
    assert variables == {"leveringperiodeID": periode, "bemiddelingspecificatieID": bspec}
    (line,) = zk.status_lines()
    assert f"client 111222333 in zorg bij AGB {AGBS[1]} sinds 2026-03-05" in line


def test_overdracht_makes_the_new_zorgkantoors_own_bemiddeling() -> None:
    oid = str(uuid.uuid4())
    old_bspec = {**{k: v for k, v in QBR_ROW.items() if k != "bemiddeling"}}
    old_bspec["leveringsvorm"] = "4"
    old_bspec["soortToewijzing"] = "1"
    ended = {**old_bspec, "bemiddelingspecificatieID": str(uuid.uuid4())}
    ended["toewijzingEinddatum"] = "2026-01-31"
    overdracht = {
        "overdrachtID": oid,
        "verantwoordelijkZorgkantoor": "5502",
        "overdrachtDatum": "2026-07-01",
        "bemiddeling": QBR_ROW["bemiddeling"],
        "overdrachtspecificatie": [
            {"bemiddelingspecificatie": old_bspec},
            {"bemiddelingspecificatie": ended},
        ],
    }
    client = FakeClient(
        "UZOVI:5502",
        {
            "overdracht(": {"overdracht": [overdracht]},
            "registreerBemiddeling": {"registreerBemiddeling": {"geslaagd": True, "fouten": []}},
        },
    )
    zk = Zorgkantoor(client)  # type: ignore[arg-type]
    client.items.append(
        item(
            "NIEUWE_OVERDRACHT_ZORGKANTOOR",
            (f"Overdracht/{oid}", f"Overdracht/{oid}"),
            afzender=("UZOVI", "5501"),
        )
    )
    assert zk.run_once().handled == 1
    (p1, _, v1), (p2, _, v2) = client.calls
    assert p1 == "/bemiddelingsregister/5501/graphql"
    assert v1 == {"overdrachtID": oid, "verantwoordelijkZorgkantoor": "5502"}
    assert p2 == "/bemiddelingsregister/5502/beheer/graphql"
    b = v2["b"]
    assert b["verantwoordelijkheidIngangsdatum"] == "2026-07-01"
    assert b["wlzIndicatieID"] == INDICATIE["wlzindicatieID"]
    (spec,) = b["bemiddelingspecificatie"]  # the ended allocation is not taken over
    assert spec["toewijzingIngangsdatum"] == "2026-07-01"
    assert spec["uitvoerendZorgkantoor"] == "5502"
    assert spec["instelling"] == AGBS[0]


def test_unknown_event_types_are_acknowledged() -> None:
    client = FakeClient("AGB:" + AGBS[0])
    office = BackOffice(client)  # type: ignore[arg-type]
    client.items.append(item("IETS_ANDERS", ("A/1", "B/2"), afzender=("UZOVI", "5501")))
    assert office.run_once().handled == 1


def test_idle_inboxes_are_read_less_often_and_a_nudge_brings_them_back(tmp_path: Path) -> None:
    network = BackofficeNetwork("http://127.0.0.1:1", tmp_path, participants=[])
    busy = FakeClient("UZOVI:5501")
    idle = FakeClient("AGB:" + AGBS[0])
    zk = Zorgkantoor(busy)  # type: ignore[arg-type]
    aanbieder = Zorgaanbieder(idle)  # type: ignore[arg-type]
    for office in (zk, aanbieder):
        office.nudge = network.nudge
        network.offices.append(office)
    busy.items.append(item("IETS", ("A/1", "B/2"), afzender=("KVK", "1")))
    assert [r.participant for r in network.run_due(interval=60)] == [zk.name, aanbieder.name]
    # Both were just read: nobody is due before the interval has passed.
    assert network.run_due(interval=60) == []
    network.nudge(aanbieder.name)
    assert [r.participant for r in network.run_due(interval=60)] == [aanbieder.name]
    network.close()
