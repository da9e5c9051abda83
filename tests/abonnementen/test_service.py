"""Subscription store and rules (RFC0036, network.md §7.2) on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.abonnementen.catalogus import (
    NIEUWE_INDICATIE_ZORGKANTOOR,
    WLZINDICATIE_MUTATIE_ABONNEMENT,
)
from iwlz.abonnementen.models import abonnement
from iwlz.abonnementen.service import (
    Abonnement,
    AbonnementAfgewezen,
    Abonnementen,
    AbonnementNietGevonden,
    GeenOrganisatie,
    NietToegelaten,
    matching,
)
from iwlz.core.clock import FixedClock
from iwlz.graphql.errors import BadUserInput, Forbidden, NotFound
from iwlz.notificaties import outbox
from iwlz.notificaties.rules import notificatie

from .conftest import (
    AANBIEDER,
    CAK,
    CAK_KVK,
    NOW,
    SIGNALEN,
    SIGNALEN_KVK,
    TOEGELATEN,
    ZA_AGB,
    ZK_UZOVI,
    ZORGKANTOOR,
    claims,
)

TYPE = WLZINDICATIE_MUTATIE_ABONNEMENT


def cak_input(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisatieId": f"kvk:{CAK_KVK}",
        "notificatieTypeID": TYPE,
        "abonneeIDType": "KVK",
        "abonneeID": CAK_KVK,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None or k == "filter"}


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(abonnement)).scalar_one())


# -- create / list / get ------------------------------------------------------------------


def test_create_list_get(service: Abonnementen) -> None:
    created = service.create(CAK, cak_input(filter={"mutaties": ["VERWIJDERD", "NIEUW"]}))
    assert isinstance(created.abonnement_id, uuid.UUID)
    assert created.organisatie_id == f"kvk:{CAK_KVK}"
    assert created.abonnee_id_type == "KVK"
    assert created.abonnee_id == CAK_KVK
    assert created.filter == {"mutaties": ["NIEUW", "VERWIJDERD"]}
    assert created.created_at == NOW
    assert created.actief
    assert created.ontvanger_kenmerk == str(created.abonnement_id)
    # §7.2 names, as the notification rules read them
    assert (created.abonnementId, created.abonneeIDType, created.abonneeID) == (
        created.abonnement_id,
        "KVK",
        CAK_KVK,
    )
    assert (created.organisatieId, created.notificatieTypeID) == (f"kvk:{CAK_KVK}", TYPE)

    assert service.list(CAK) == [created]
    assert service.get(CAK, created.abonnement_id) == created
    assert service.list(SIGNALEN) == []
    assert service.get(SIGNALEN, created.abonnement_id) is None
    assert service.get(CAK, uuid.uuid4()) is None

    out = created.as_dict()
    assert out["abonnementId"] == created.abonnement_id
    assert out["filter"] == {"mutaties": ["NIEUW", "VERWIJDERD"]}
    assert out["deletedAt"] is None


def test_organisatie_id_is_optional_and_normalised(service: Abonnementen) -> None:
    a = service.create(CAK, cak_input(organisatieId=None))
    b = service.create(
        CAK, cak_input(organisatieId=f"KVK:{CAK_KVK}", filter={"mutaties": ["NIEUW"]})
    )
    assert a.organisatie_id == b.organisatie_id == f"kvk:{CAK_KVK}"
    assert a.filter == {}


def test_zorgkantoor_and_aanbieder_and_aliases(service: Abonnementen) -> None:
    zk = service.create(
        ZORGKANTOOR,
        {
            "notificatieTypeID": TYPE,
            "abonneeIDType": "Uzovi",
            "abonneeID": ZK_UZOVI,
            "filter": {"zorgkantoren": [ZK_UZOVI]},
        },
    )
    assert (zk.organisatie_id, zk.abonnee_id_type) == (f"uzovi:{ZK_UZOVI}", "UZOVI")
    za = service.create(
        AANBIEDER, {"notificatieTypeID": TYPE, "abonneeIDType": "AgbCode", "abonneeID": ZA_AGB}
    )
    assert (za.organisatie_id, za.abonnee_id_type) == (f"agb:{ZA_AGB}", "AGB")


def test_oin_is_no_subscriber_id_type(engine: Engine, clock: FixedClock) -> None:
    """No netwerkpunt and no notification scope exists for an OIN receiver: refused, even for
    an admitted organisation with an OIN."""
    oin = "00000001234567890000"
    admitted = frozenset({f"oin:{oin}", f"kvk:{CAK_KVK}"})
    service = Abonnementen(engine, clock=clock, toegelaten={TYPE: admitted})
    with pytest.raises(AbonnementAfgewezen) as info:
        service.create(
            claims("OIN", oin),
            {"notificatieTypeID": TYPE, "abonneeIDType": "OIN", "abonneeID": oin},
        )
    assert info.value.veld == "abonneeIDType"
    assert str(info.value) == (
        f"abonneeIDType 'OIN' does not fit {TYPE}; use one of AGB, KVK, UZOVI."
    )
    with pytest.raises(AbonnementAfgewezen, match="abonneeIDType 'OIN'"):
        service.create(CAK, cak_input(abonneeIDType="OIN", abonneeID=oin))
    assert count(engine) == 0


# -- admission ----------------------------------------------------------------------------


def test_only_admitted_organisations_may_subscribe(engine: Engine, clock: FixedClock) -> None:
    service = Abonnementen(engine, clock=clock, toegelaten={TYPE: frozenset({"KVK:90000017"})})
    assert service.create(CAK, cak_input()).organisatie_id == f"kvk:{CAK_KVK}"
    for caller, data in [
        (ZORGKANTOOR, {"notificatieTypeID": TYPE, "abonneeIDType": "UZOVI", "abonneeID": ZK_UZOVI}),
        (SIGNALEN, cak_input(organisatieId=None, abonneeID=SIGNALEN_KVK)),
    ]:
        with pytest.raises(NietToegelaten) as info:
            service.create(caller, data)
        assert isinstance(info.value, Forbidden) and info.value.code == "FORBIDDEN"
        organisatie = caller["client_id"]
        assert str(info.value) == (
            f"Organisation {organisatie} may not subscribe to {TYPE}: the bronhouder "
            "(kvk:62253778) must admit the organisation first."
        )
    assert count(engine) == 1


@pytest.mark.parametrize("toegelaten", [None, {}, {"ANDER_TYPE": frozenset({"kvk:90000017"})}])
def test_a_type_nobody_is_admitted_to(
    engine: Engine, clock: FixedClock, toegelaten: dict[str, frozenset[str]] | None
) -> None:
    service = Abonnementen(engine, clock=clock, toegelaten=toegelaten)
    with pytest.raises(NietToegelaten, match=f"may not subscribe to {TYPE}"):
        service.create(CAK, cak_input())
    assert count(engine) == 0


def test_unknown_and_mandatory_types_are_still_bad_input(engine: Engine) -> None:
    """Admission is checked for a voluntary type only: the other answers stay as they were."""
    service = Abonnementen(engine)
    with pytest.raises(AbonnementAfgewezen, match="Unknown notificatieTypeID"):
        service.create(CAK, cak_input(notificatieTypeID="GEEN_TYPE"))
    with pytest.raises(AbonnementAfgewezen, match="mandatory"):
        service.create(CAK, cak_input(notificatieTypeID=NIEUWE_INDICATIE_ZORGKANTOOR))


def test_listing_and_deleting_own_subscriptions_need_no_admission(
    service: Abonnementen, engine: Engine, clock: FixedClock
) -> None:
    created = service.create(CAK, cak_input())
    no_longer = Abonnementen(engine, clock=clock, toegelaten={})
    assert no_longer.list(CAK) == [created]
    assert no_longer.get(CAK, created.abonnement_id) == created
    assert no_longer.delete(CAK, created.abonnement_id).deleted_at == NOW
    assert len(no_longer.catalogus) == 3


def test_admission_list_is_checked_and_normalised(engine: Engine) -> None:
    service = Abonnementen(engine, toegelaten={TYPE: frozenset({"KVK:90000017", "uzovi:5505"})})
    assert service.toegelaten == {TYPE: frozenset({"kvk:90000017", "uzovi:5505"})}
    with pytest.raises(ValueError, match="toegelaten"):
        Abonnementen(engine, toegelaten={TYPE: frozenset({"geen-client-id"})})
    with pytest.raises(ValueError, match="not a string"):
        Abonnementen(engine, toegelaten={TYPE: "kvk:90000017"})  # type: ignore[dict-item]


def test_identity_from_aggregated_claims(service: Abonnementen) -> None:
    nested = jwt.encode({"agb": ZA_AGB, "uzovi": None}, "k" * 32, algorithm="HS256")
    token_claims = {
        "client_id": f"agb:{ZA_AGB}",
        "_claim_names": {"agb": "src", "uzovi": "src"},
        "_claim_sources": {"src": {"jwt": nested}},
    }
    created = service.create(
        token_claims, {"notificatieTypeID": TYPE, "abonneeIDType": "AGB", "abonneeID": ZA_AGB}
    )
    assert created.abonnee_id == ZA_AGB


def test_identical_create_is_idempotent(service: Abonnementen, engine: Engine) -> None:
    first = service.create(CAK, cak_input(filter={"mutaties": ["NIEUW", "GEWIJZIGD"]}))
    again = service.create(CAK, cak_input(filter={"mutaties": ["GEWIJZIGD", "NIEUW"]}))
    assert again.abonnement_id == first.abonnement_id
    other = service.create(CAK, cak_input(filter={"mutaties": ["NIEUW"]}))
    assert other.abonnement_id != first.abonnement_id
    assert count(engine) == 2
    service.delete(CAK, first.abonnement_id)
    renewed = service.create(CAK, cak_input(filter={"mutaties": ["NIEUW", "GEWIJZIGD"]}))
    assert renewed.abonnement_id != first.abonnement_id
    assert count(engine) == 3


# -- rejections ---------------------------------------------------------------------------

REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    ("other organisation", cak_input(organisatieId=f"kvk:{SIGNALEN_KVK}"), "organisatieId"),
    ("malformed organisation", cak_input(organisatieId="CAK"), "organisatieId"),
    ("unknown type", cak_input(notificatieTypeID="BESTAAT_NIET"), "notificatieTypeID"),
    (
        "mandatory type",
        cak_input(notificatieTypeID=NIEUWE_INDICATIE_ZORGKANTOOR),
        "notificatieTypeID",
    ),
    ("missing type", {"abonneeIDType": "KVK", "abonneeID": CAK_KVK}, "notificatieTypeID"),
    ("BSN as abonneeIDType", cak_input(abonneeIDType="BSN"), "abonneeIDType"),
    ("unknown abonneeIDType", cak_input(abonneeIDType="ObjectId"), "abonneeIDType"),
    ("type the caller lacks", cak_input(abonneeIDType="UZOVI", abonneeID=ZK_UZOVI), "abonneeID"),
    ("someone else's KVK", cak_input(abonneeID=SIGNALEN_KVK), "abonneeID"),
    ("malformed abonneeID", cak_input(abonneeID="1234"), "abonneeID"),
    ("empty abonneeID", cak_input(abonneeID=" "), "abonneeID"),
    ("unknown filter key", cak_input(filter={"regio": ["22"]}), "filter.regio"),
    ("bad mutatie", cak_input(filter={"mutaties": ["NIEUWE"]}), "filter.mutaties"),
    ("empty mutaties", cak_input(filter={"mutaties": []}), "filter.mutaties"),
    ("bad zorgkantoor", cak_input(filter={"zorgkantoren": ["5000"]}), "filter.zorgkantoren"),
    ("unknown input key", {**cak_input(), "idAbonnee": CAK_KVK}, "idAbonnee"),
]


@pytest.mark.parametrize(
    ("data", "veld"), [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS]
)
def test_rejection_names_the_field_and_stores_nothing(
    service: Abonnementen, engine: Engine, data: dict[str, Any], veld: str
) -> None:
    with pytest.raises(AbonnementAfgewezen) as info:
        service.create(CAK, data)
    assert isinstance(info.value, BadUserInput)
    assert info.value.veld == veld
    assert info.value.extensions == {"field": veld}
    assert veld in str(info.value)
    assert count(engine) == 0


def test_zorgkantoor_cannot_subscribe_someone_elses_uzovi(service: Abonnementen) -> None:
    with pytest.raises(AbonnementAfgewezen) as info:
        service.create(
            ZORGKANTOOR, {"notificatieTypeID": TYPE, "abonneeIDType": "UZOVI", "abonneeID": "5501"}
        )
    assert info.value.veld == "abonneeID"


@pytest.mark.parametrize(
    "token_claims", [None, {}, {"kvk": CAK_KVK}, {"client_id": "geen-id"}], ids=str
)
def test_no_identity_is_forbidden(
    service: Abonnementen, engine: Engine, token_claims: dict[str, Any] | None
) -> None:
    with pytest.raises(GeenOrganisatie) as info:
        service.create(token_claims, cak_input())
    assert isinstance(info.value, Forbidden)
    with pytest.raises(GeenOrganisatie):
        service.list(token_claims)
    with pytest.raises(GeenOrganisatie):
        service.delete(token_claims, uuid.uuid4())
    assert count(engine) == 0


# -- delete -------------------------------------------------------------------------------


def test_delete_is_soft_and_final(engine: Engine) -> None:
    service = Abonnementen(engine, clock=FixedClock(NOW), toegelaten=TOEGELATEN)
    created = service.create(CAK, cak_input())
    later = NOW + dt.timedelta(hours=1)
    service.clock = FixedClock(later)
    deleted = service.delete(CAK, created.abonnement_id)
    assert deleted.abonnement_id == created.abonnement_id
    assert deleted.deleted_at == later
    assert not deleted.actief

    assert service.list(CAK) == []
    assert service.list(CAK, include_deleted=True) == [deleted]
    assert service.get(CAK, created.abonnement_id) == deleted
    assert count(engine) == 1

    with pytest.raises(AbonnementNietGevonden):
        service.delete(CAK, created.abonnement_id)


def _queue(engine: Engine, kenmerk: str, *, status: str = outbox.PENDING) -> None:
    """A notification of the voluntary type as the rules queue it, in ``status``."""
    delivery = notificatie(
        instant=NOW,
        afzender_client_id="kvk:62253778",
        afzender=("KVK", "62253778"),
        ontvanger=("KVK", CAK_KVK),
        event_type=TYPE,
        subjects=[("WlzIndicatie/x", "WlzIndicatie/x")],
        systeemrol="NOTIFICATIE_INDICATIE",
        ontvanger_kenmerk=kenmerk,
    )
    with engine.begin() as conn:
        (delivery_id,) = outbox.enqueue(conn, [delivery], now=NOW)
        conn.execute(
            outbox.outbox_table.update()
            .where(outbox.outbox_table.c.delivery_id == delivery_id)
            .values(status=status)
        )


def test_delete_cancels_the_subscriptions_queued_notifications(
    service: Abonnementen, engine: Engine
) -> None:
    mine = service.create(CAK, cak_input())
    other = service.create(CAK, cak_input(filter={"mutaties": ["NIEUW"]}))
    for status in (outbox.PENDING, outbox.DEAD, outbox.DELIVERED):
        _queue(engine, str(mine.abonnement_id), status=status)
    _queue(engine, str(other.abonnement_id))
    service.delete(CAK, mine.abonnement_id)

    t = outbox.outbox_table
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.ontvanger_kenmerk, t.c.status, t.c.last_error, t.c.dead_at).order_by(
                t.c.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (str(mine.abonnement_id), outbox.CANCELLED, "abonnement verwijderd", NOW),
        (str(mine.abonnement_id), outbox.CANCELLED, "abonnement verwijderd", NOW),
        (str(mine.abonnement_id), outbox.DELIVERED, None, None),  # sent already: history
        (str(other.abonnement_id), outbox.PENDING, None, None),
    ]


def test_a_failed_delete_cancels_nothing(service: Abonnementen, engine: Engine) -> None:
    theirs = service.create(SIGNALEN, cak_input(organisatieId=None, abonneeID=SIGNALEN_KVK))
    _queue(engine, str(theirs.abonnement_id))
    with pytest.raises(AbonnementNietGevonden):
        service.delete(CAK, theirs.abonnement_id)
    assert [r.status for r in outbox.list_deliveries(engine)] == [outbox.PENDING]


def test_deleting_someone_elses_subscription_fails_like_a_missing_one(
    service: Abonnementen,
) -> None:
    theirs = service.create(SIGNALEN, cak_input(organisatieId=None, abonneeID=SIGNALEN_KVK))
    assert theirs.organisatie_id == f"kvk:{SIGNALEN_KVK}"
    with pytest.raises(NotFound) as foreign:
        service.delete(CAK, theirs.abonnement_id)
    missing_id = uuid.uuid4()
    with pytest.raises(NotFound) as missing:
        service.delete(CAK, missing_id)
    assert str(foreign.value).replace(str(theirs.abonnement_id), "<id>") == str(
        missing.value
    ).replace(str(missing_id), "<id>")
    assert foreign.value.extensions == missing.value.extensions
    assert service.get(SIGNALEN, theirs.abonnement_id) == theirs  # still active


# -- matching -----------------------------------------------------------------------------


def _ids(found: list[Abonnement]) -> set[uuid.UUID]:
    return {a.abonnement_id for a in found}


def test_matching_honours_filters_and_deletes(service: Abonnementen, engine: Engine) -> None:
    alles = service.create(CAK, cak_input())
    nieuw = service.create(CAK, cak_input(filter={"mutaties": ["NIEUW"]}))
    twente = service.create(
        ZORGKANTOOR,
        {
            "notificatieTypeID": TYPE,
            "abonneeIDType": "UZOVI",
            "abonneeID": ZK_UZOVI,
            "filter": {"zorgkantoren": ["5505"]},
        },
    )
    verval = service.create(
        SIGNALEN,
        cak_input(
            organisatieId=None,
            abonneeID=SIGNALEN_KVK,
            filter={"mutaties": ["VERVALDATUM"], "zorgkantoren": ["5501", "5505"]},
        ),
    )
    weg = service.create(
        AANBIEDER, {"notificatieTypeID": TYPE, "abonneeIDType": "AGB", "abonneeID": ZA_AGB}
    )
    service.delete(AANBIEDER, weg.abonnement_id)

    with engine.begin() as conn:
        assert _ids(matching(conn, TYPE, {"mutatie": "NIEUW", "zorgkantoor": "5505"})) == _ids(
            [alles, nieuw, twente]
        )
        assert _ids(
            service.matching(conn, TYPE, {"mutatie": "VERVALDATUM", "zorgkantoor": "5501"})
        ) == _ids([alles, verval])
        assert _ids(
            matching(conn, TYPE, {"mutatie": "VERVALDATUM", "zorgkantoor": ["5505", "5509"]})
        ) == _ids([alles, twente, verval])
        # A fact the rule did not report does not satisfy a filter on it.
        assert _ids(matching(conn, TYPE, {"mutatie": "NIEUW"})) == _ids([alles, nieuw])
        assert _ids(matching(conn, TYPE, {"mutatie": "VERWIJDERD", "zorgkantoor": "5509"})) == _ids(
            [alles]
        )
        # Mandatory types have no subscribers; unknown types are a programming error.
        assert matching(conn, NIEUWE_INDICATIE_ZORGKANTOOR, {"mutatie": "NIEUW"}) == []
        with pytest.raises(ValueError, match="not in the catalogue"):
            matching(conn, "BESTAAT_NIET", {})

    found = matching_once(engine, {"mutatie": "NIEUW", "zorgkantoor": "5505"})
    zk = next(a for a in found if a.abonnement_id == twente.abonnement_id)
    assert (zk.abonnee_id_type, zk.abonnee_id) == ("UZOVI", ZK_UZOVI)
    assert zk.ontvanger_kenmerk == str(twente.abonnement_id)


def matching_once(engine: Engine, facts: dict[str, Any]) -> list[Abonnement]:
    with engine.connect() as conn:
        return matching(conn, TYPE, facts)


def test_delete_inside_a_write_transaction_is_seen_by_matching(
    service: Abonnementen, engine: Engine
) -> None:
    created = service.create(CAK, cak_input())
    assert _ids(matching_once(engine, {"mutatie": "NIEUW"})) == {created.abonnement_id}
    service.delete(CAK, created.abonnement_id)
    assert matching_once(engine, {"mutatie": "NIEUW"}) == []


def test_matching_query_uses_the_type_index(engine: Engine) -> None:
    indexes = {str(ix.name): [c.name for c in ix.columns] for ix in abonnement.indexes}
    assert indexes["ix_abonnement_type_actief"] == ["notificatie_type_id", "deleted_at"]
    inspected = {ix["name"] for ix in sa.inspect(engine).get_indexes("abonnement")}
    assert "ix_abonnement_type_actief" in inspected


def test_list_is_oldest_first(engine: Engine) -> None:
    service = Abonnementen(engine, clock=FixedClock(NOW), toegelaten=TOEGELATEN)
    made = []
    for minutes, mutatie in enumerate(("VERWIJDERD", "NIEUW", "GEWIJZIGD")):
        service.clock = FixedClock(NOW + dt.timedelta(minutes=minutes))
        made.append(service.create(CAK, cak_input(filter={"mutaties": [mutatie]})).abonnement_id)
    assert [a.abonnement_id for a in service.list(CAK)] == made
