"""The inbox: idempotent receipt, validation, melding lifecycle, acknowledgement, webhooks."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import threading
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core.clock import FixedClock
from iwlz.graphql.errors import BadUserInput, Conflict, NotFound
from iwlz.netwerkpunt import service
from iwlz.netwerkpunt.models import inbox_table
from iwlz.netwerkpunt.service import (
    AFGEHANDELD,
    AFGEWEZEN,
    IN_BEHANDELING,
    ONTVANGEN,
    SIGNATURE_HEADER,
    Inbox,
    InboxItem,
    InvalidMessage,
    ItemNotFound,
    StatusConflict,
    canonical_json,
    normalise_kenmerk,
    parse_record_path,
    sign,
    verify_signature,
    webhook_target_allowed,
)
from iwlz.nid.audit import AuditLog
from iwlz.notificaties import outbox
from iwlz.notificaties.outbox import list_deliveries, outbox_table

from .conftest import CIZ, NOW, PUBLIC_IP, STOORNIS, WID, ZK, ZK_OTHER, melding, notificatie


def rows(engine: Engine, table: sa.Table = inbox_table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


# -- receipt and idempotency ------------------------------------------------------------------


def test_store_returns_item_and_dedupes(inbox: Inbox, engine: Engine) -> None:
    first = inbox.ontvang_notificatie(ZK, notificatie(), trace_id="a" * 32)
    assert not first.duplicate
    assert first.soort == "notificatie" and first.ontvanger == ZK and first.afzender == CIZ
    assert first.timestamp == dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
    assert first.received_at == NOW and first.acknowledged_at is None
    assert first.trace_id == "a" * 32 and first.status is None
    assert first.message()["notificatieID"] == first.item_id

    again = inbox.ontvang_notificatie(ZK, notificatie(), trace_id="b" * 32)
    assert again.duplicate and again.item_id == first.item_id
    # The same instant in another offset, and the record paths in another spelling (§11.6).
    same = notificatie(
        timestamp="2026-06-15T09:00:00Z",
        subjectList=[
            {
                "subject": f"wlzindicatieregister/WLZINDICATIE/{WID.upper()}",
                "recordID": f"wlzindicatie/{WID}",
            }
        ],
    )
    assert inbox.ontvang_notificatie(ZK, same).item_id == first.item_id
    assert rows(engine) == 1

    # Anything in the key that differs makes a new notification.
    other = inbox.ontvang_notificatie(ZK, notificatie(eventType="VERVALLEN_INDICATIE_ZORGKANTOOR"))
    later = inbox.ontvang_notificatie(ZK, notificatie(timestamp="2026-06-15T11:00:00.001+02:00"))
    assert len({first.item_id, other.item_id, later.item_id}) == 3
    assert rows(engine) == 3


def test_same_message_to_two_receivers_is_two_items(inbox: Inbox, engine: Engine) -> None:
    a = inbox.ontvang_notificatie(ZK, notificatie())
    b = inbox.ontvang_notificatie(ZK_OTHER, notificatie(ontvangerID="5506"))
    assert a.item_id != b.item_id and rows(engine) == 2


def test_concurrent_duplicates_store_one_item(engine: Engine, clock: FixedClock) -> None:
    """Many threads deliver the same notification at once: one row, one ID for all."""
    inbox = Inbox(engine, clock)
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    results: list[InboxItem] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(inbox.ontvang_notificatie(ZK, notificatie()))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == threads_n and len({r.item_id for r in results}) == 1
    assert sum(r.duplicate for r in results) == threads_n - 1
    assert rows(engine) == 1


def test_melding_is_stored_with_status_and_normalised_kenmerk(inbox: Inbox) -> None:
    item = inbox.ontvang_melding(CIZ, melding(ontvangerKenmerk="uzovi: 5151"))
    assert item.soort == "melding" and item.status == ONTVANGEN
    assert item.status_gewijzigd_at == NOW
    assert item.ontvanger_kenmerk == "UZOVI:5151"
    assert item.message()["meldingID"] == item.item_id
    assert item.subject_list == (
        {"subject": "IRG0012", "recordID": f"wlzindicatie/Stoornis/{STOORNIS}"},
    )
    # ontvangerKenmerk is not part of the idempotency key (§5.2 Impl): a resend is the same.
    assert inbox.ontvang_melding(CIZ, melding()).item_id == item.item_id


# -- validation -------------------------------------------------------------------------------


def test_wrong_receiver_is_refused_and_nothing_stored(inbox: Inbox, engine: Engine) -> None:
    with pytest.raises(InvalidMessage) as exc:
        inbox.ontvang_notificatie(ZK, notificatie(ontvangerID="5506"))
    assert exc.value.code == "BAD_USER_INPUT"
    assert "UZOVI/5506 is not this netwerkpunt (UZOVI/5505)" in str(exc.value)
    with pytest.raises(InvalidMessage):
        inbox.ontvang_melding(CIZ, melding(ontvangerIDType="OIN", ontvangerID="0" * 20))
    assert rows(engine) == 0 and rows(engine, outbox_table) == 0


def test_subject_list_length(inbox: Inbox, engine: Engine) -> None:
    with pytest.raises(InvalidMessage, match="at least one entry"):
        inbox.ontvang_notificatie(ZK, notificatie(subjectList=[]))
    many = [
        {"subject": f"WlzIndicatie/{WID}", "recordID": f"WlzIndicatie/{uuid.uuid4()}"}
        for _ in range(1001)
    ]
    with pytest.raises(InvalidMessage, match="1001 entries; at most 1000"):
        inbox.ontvang_notificatie(ZK, notificatie(subjectList=many))
    assert rows(engine) == 0
    item = inbox.ontvang_notificatie(ZK, notificatie(subjectList=many[:1000]))
    assert len(item.subject_list) == 1000


@pytest.mark.parametrize(
    "record",
    [
        "WlzIndicatie",
        "WlzIndicatie/12345",
        f"/{WID}",
        f"Wlz Indicatie/{WID}",
        f"9Indicatie/{WID}",
        f"WlzIndicatie/{WID}/",
        f"WlzIndicatie/{{{WID}}}",
    ],
)
def test_malformed_record_paths_are_refused(inbox: Inbox, record: str) -> None:
    entries = [
        {"subject": f"WlzIndicatie/{WID}", "recordID": f"WlzIndicatie/{WID}"},
        {"subject": f"WlzIndicatie/{WID}", "recordID": record},
    ]
    with pytest.raises(InvalidMessage) as exc:
        inbox.ontvang_notificatie(ZK, notificatie(subjectList=entries))
    assert "notificatieInput.subjectList[1].recordID" in str(exc.value)
    assert exc.value.extensions["field"] == "notificatieInput.subjectList[1].recordID"


def test_record_path_spellings() -> None:
    expected = ("stoornis", uuid.UUID(STOORNIS))
    assert parse_record_path(f"Stoornis/{STOORNIS}") == expected
    assert parse_record_path(f"wlzindicatie/Stoornis/{STOORNIS.upper()}") == expected
    assert parse_record_path(f"https://api.ciz.nl/wlzindicaties/{WID}")[0] == "wlzindicaties"


def test_notification_subject_must_be_a_record_but_melding_subject_is_a_rule(inbox: Inbox) -> None:
    with pytest.raises(InvalidMessage, match=r"subjectList\[0\]\.subject 'IRG0012'"):
        inbox.ontvang_notificatie(
            ZK, notificatie(subjectList=[{"subject": "IRG0012", "recordID": f"WlzIndicatie/{WID}"}])
        )
    brs = melding(
        subjectList=[
            {"subject": "BRS04 adressee is not connected", "recordID": f"WlzIndicatie/{WID}"}
        ]
    )
    assert inbox.ontvang_melding(CIZ, brs).subject_list[0]["subject"].startswith("BRS04")
    with pytest.raises(InvalidMessage, match=r"meldingInput\.subjectList\[0\]\.recordID"):
        inbox.ontvang_melding(
            CIZ, melding(subjectList=[{"subject": "IRG0012", "recordID": "Stoornis"}])
        )


@pytest.mark.parametrize(
    "overrides,fragment",
    [
        ({"afzenderID": "55050"}, "afzenderID '55050' is not a valid KVK"),
        ({"afzenderIDType": "UZOVI", "afzenderID": "62253778"}, "not a valid UZOVI"),
        ({"timestamp": "2026-06-15T11:00:00"}, "notificatieInput.timestamp"),
        ({"eventType": " "}, "notificatieInput.eventType is required"),
        ({"eventType": "X" * 81}, "longer than 80"),
        (
            {"subjectList": [{"subject": f"WlzIndicatie/{WID}"}]},
            "subjectList[0].recordID is required",
        ),
    ],
)
def test_field_errors_name_the_field(
    inbox: Inbox, overrides: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidMessage) as exc:
        inbox.ontvang_notificatie(ZK, notificatie(**overrides))
    assert fragment in str(exc.value)


@pytest.mark.parametrize("kenmerk", ["5151", "UZOVI", "FOO:5151", "UZOVI:  5151"])
def test_melding_kenmerk_must_name_the_melder(inbox: Inbox, kenmerk: str) -> None:
    with pytest.raises(InvalidMessage, match="ontvangerKenmerk"):
        inbox.ontvang_melding(CIZ, melding(ontvangerKenmerk=kenmerk))


def test_notification_kenmerk_is_free_and_blank_is_null(inbox: Inbox) -> None:
    abonnement = str(uuid.uuid4())
    assert (
        inbox.ontvang_notificatie(ZK, notificatie(ontvangerKenmerk=abonnement)).ontvanger_kenmerk
        == abonnement
    )
    blank = inbox.ontvang_notificatie(ZK, notificatie(eventType="X", ontvangerKenmerk="  "))
    assert blank.ontvanger_kenmerk is None
    tabs = inbox.ontvang_notificatie(ZK, notificatie(eventType="Y", ontvangerKenmerk="\t\r\n\v\f "))
    assert tabs.ontvanger_kenmerk is None


def test_blank_kenmerk_is_ascii_whitespace_only() -> None:
    """The rule the netwerkpunt policy applies too (netwerkpunt.rego ``kind``)."""
    assert normalise_kenmerk(None) is None
    assert normalise_kenmerk(" \t\n\r\v\f") is None
    assert normalise_kenmerk("\t ab-1 \n") == "ab-1"
    assert normalise_kenmerk("\u00a0") == "\u00a0"  # not ASCII: kept, as the policy does


# -- list, ack --------------------------------------------------------------------------------


def test_list_ack_and_cursor(inbox: Inbox, clock: FixedClock) -> None:
    ids = []
    for n in range(5):
        clock.instant = NOW + dt.timedelta(seconds=n)
        ids.append(inbox.ontvang_notificatie(ZK, notificatie(eventType=f"T{n}")).item_id)
    inbox.ontvang_notificatie(ZK_OTHER, notificatie(ontvangerID="5506"))

    assert [i.item_id for i in inbox.list(ZK)] == ids
    page1 = inbox.list(ZK, limit=2)
    page2 = inbox.list(ZK, limit=2, after=page1[-1].item_id)
    page3 = inbox.list(ZK, limit=2, after=str(page2[-1].item_id))
    assert [i.item_id for i in [*page1, *page2, *page3]] == ids
    assert inbox.list(ZK, soort="melding") == []

    foreign = inbox.list(ZK_OTHER)[0].item_id
    missing = uuid.uuid4()
    result = inbox.ack(ZK, [ids[0], str(ids[1]), foreign, missing, ids[0]])
    assert result.bevestigd == (ids[0], ids[1])
    assert result.onbekend == (foreign, missing) and result.al_bevestigd == ()
    assert inbox.ack(ZK, [ids[0]]).al_bevestigd == (ids[0],)
    assert [i.item_id for i in inbox.list(ZK)] == ids[2:]
    assert len(inbox.list(ZK, alleen_nieuw=False)) == 5
    assert inbox.list(ZK, alleen_nieuw=False)[0].acknowledged_at == clock.now()
    assert inbox.list(ZK_OTHER)[0].acknowledged_at is None  # not acknowledged by ZK

    assert inbox.ack_all(ZK) == 3
    assert inbox.list(ZK) == []
    with pytest.raises(BadUserInput, match="after: no item"):
        inbox.list(ZK, after=foreign)
    with pytest.raises(BadUserInput, match="soort"):
        inbox.list(ZK, soort="brief")
    with pytest.raises(BadUserInput, match="not a UUID"):
        inbox.ack(ZK, ["nope"])


# -- melding lifecycle ------------------------------------------------------------------------


def test_melding_lifecycle(inbox: Inbox, clock: FixedClock) -> None:
    m = inbox.ontvang_melding(CIZ, melding()).item_id
    assert [x.item_id for x in inbox.meldingen(CIZ, ONTVANGEN)] == [m]

    with pytest.raises(StatusConflict, match="ONTVANGEN; it cannot become AFGEHANDELD") as exc:
        inbox.behandel_melding(CIZ, m, AFGEHANDELD)
    assert exc.value.code == "CONFLICT"
    with pytest.raises(StatusConflict):
        inbox.behandel_melding(CIZ, m, ONTVANGEN)

    clock.instant = NOW + dt.timedelta(hours=1)
    item = inbox.behandel_melding(CIZ, m, "in_behandeling", door="kvk:62253778")
    assert item.status == IN_BEHANDELING and item.status_gewijzigd_at == clock.instant
    assert item.acknowledged_at == clock.instant  # handling implies it was read
    with pytest.raises(StatusConflict):
        inbox.behandel_melding(CIZ, m, IN_BEHANDELING)

    clock.instant = NOW + dt.timedelta(hours=2)
    done = inbox.behandel_melding(CIZ, m, AFGEHANDELD, "gecorrigeerd")
    assert (done.status, done.reden) == (AFGEHANDELD, "gecorrigeerd")
    assert done.acknowledged_at == NOW + dt.timedelta(hours=1)  # first read kept
    with pytest.raises(StatusConflict, match="none, it is final"):
        inbox.behandel_melding(CIZ, m, AFGEWEZEN, "toch niet")
    assert inbox.meldingen(CIZ, ONTVANGEN) == []
    assert [x.item_id for x in inbox.meldingen(CIZ, "AFGEHANDELD")] == [m]


def test_afwijzen_needs_reden_and_may_come_straight_from_ontvangen(inbox: Inbox) -> None:
    m = inbox.ontvang_melding(CIZ, melding()).item_id
    with pytest.raises(BadUserInput, match="reden is required"):
        inbox.behandel_melding(CIZ, m, AFGEWEZEN, "  ")
    item = inbox.behandel_melding(CIZ, m, AFGEWEZEN, "regel IRG0012 is niet geschonden")
    assert item.status == AFGEWEZEN and item.reden == "regel IRG0012 is niet geschonden"


def test_behandel_unknown_or_foreign_or_notification(inbox: Inbox) -> None:
    m = inbox.ontvang_melding(CIZ, melding()).item_id
    n = inbox.ontvang_notificatie(ZK, notificatie()).item_id
    with pytest.raises(ItemNotFound):
        inbox.behandel_melding(ZK, m, IN_BEHANDELING)  # not ZK's melding
    with pytest.raises(ItemNotFound):
        inbox.behandel_melding(ZK, n, IN_BEHANDELING)  # a notification has no lifecycle
    with pytest.raises(ItemNotFound):
        inbox.behandel_melding(CIZ, uuid.uuid4(), IN_BEHANDELING)
    with pytest.raises(BadUserInput, match="status must be one of"):
        inbox.behandel_melding(CIZ, m, "KLAAR")


def test_only_the_sender_sees_the_status(inbox: Inbox) -> None:
    m = inbox.ontvang_melding(CIZ, melding()).item_id
    inbox.behandel_melding(CIZ, m, IN_BEHANDELING)
    seen = inbox.melding_status(m, ("uzovi", "5505"), bronhouder=CIZ)
    assert seen.status_json()["status"] == IN_BEHANDELING
    for who in [ZK_OTHER, CIZ, ("AGB", "5505")]:
        with pytest.raises(NotFound):
            inbox.melding_status(m, who)
    with pytest.raises(NotFound):
        inbox.melding_status(m, ZK, bronhouder=("KVK", "18065868"))


# -- webhooks ---------------------------------------------------------------------------------


def test_webhook_delivery_is_queued_with_signature(inbox: Inbox, engine: Engine) -> None:
    secret = "s3cret-s3cret-s3cret"
    inbox.set_webhook(ZK, "https://zk5505.example/hooks/iwlz", secret)
    item = inbox.ontvang_notificatie(ZK, notificatie(), trace_id="c" * 32)
    inbox.ontvang_notificatie(ZK, notificatie())  # duplicate: nothing new to forward
    inbox.ontvang_notificatie(ZK_OTHER, notificatie(ontvangerID="5506"))  # has no webhook

    queued = list_deliveries(engine, kind="webhook")
    assert len(queued) == 1
    row = queued[0]
    assert (row.afzender, row.ontvanger_id_type, row.ontvanger_id) == (
        "netwerkpunt",
        "UZOVI",
        "5505",
    )
    assert row.target_url == "https://zk5505.example/hooks/iwlz"
    assert row.event_type == "NIEUWE_INDICATIE_ZORGKANTOOR" and row.status == "pending"
    assert row.payload == item.as_json()
    assert row.payload["notificatieID"] == str(item.item_id) and row.payload["traceID"] == "c" * 32
    assert row.headers is not None and row.headers["X-Iwlz-Item-Id"] == str(item.item_id)
    # What the worker sends, byte for byte, is what was signed.
    body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()
    assert canonical_json(row.payload) == body
    expected = "sha256=" + hmac.new(secret.encode(), body, "sha256").hexdigest()
    assert row.headers[SIGNATURE_HEADER] == expected == sign(secret, body)
    assert verify_signature(secret, body, row.headers[SIGNATURE_HEADER])
    assert not verify_signature("another-secret-xxxx", body, row.headers[SIGNATURE_HEADER])
    assert not verify_signature(
        secret, body.replace(b"5505", b"5506"), row.headers[SIGNATURE_HEADER]
    )


def test_item_and_webhook_delivery_commit_together(
    inbox: Inbox, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox.set_webhook(ZK, "https://zk5505.example/hook", "0123456789abcdef")

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(service, "enqueue", broken)
    with pytest.raises(RuntimeError):
        inbox.ontvang_notificatie(ZK, notificatie())
    assert rows(engine) == 0


def test_webhook_settings(inbox: Inbox) -> None:
    assert inbox.get_webhook(ZK) is None
    hook, generated = inbox.set_webhook(ZK, "https://zk.example/in")
    assert generated is not None and len(generated) >= 32 and hook.secret == generated
    assert "secret" not in hook.as_json()
    _, none = inbox.set_webhook(ZK, "http://zk.example:8080/in", "x" * 16)
    assert none is None
    found = inbox.get_webhook(("uzovi", "5505"))
    assert (
        found is not None and found.url == "http://zk.example:8080/in" and found.secret == "x" * 16
    )
    assert inbox.delete_webhook(ZK) and not inbox.delete_webhook(ZK)
    for url in [
        "ftp://zk.example/in",
        "zk.example/in",
        "https://",
        "https://u:p@zk.example/",
        "https://zk.example/a b",
        "https://zk.example:99999/",
    ]:
        with pytest.raises(BadUserInput):
            inbox.set_webhook(ZK, url)
    with pytest.raises(BadUserInput, match="16 to 200"):
        inbox.set_webhook(ZK, "https://zk.example/in", "short")


# -- audit ------------------------------------------------------------------------------------


def test_receipt_and_status_changes_are_audited(inbox: Inbox, audit: AuditLog) -> None:
    inbox.ontvang_notificatie(ZK, notificatie(), trace_id="d" * 32)
    inbox.ontvang_notificatie(ZK, notificatie())  # duplicate: no change, no record
    m = inbox.ontvang_melding(CIZ, melding()).item_id
    audit.flush()  # receipts are appended in the background, status changes at once
    inbox.behandel_melding(CIZ, m, IN_BEHANDELING, door="kvk:62253778")
    by_ciz = audit.show(participant="kvk:62253778")
    assert [(r.event_type, r.operation) for r in by_ciz] == [
        ("netwerkpunt.melding", "behandelMelding IN_BEHANDELING"),
        ("netwerkpunt.ontvangen", "zendNotificatie NIEUWE_INDICATIE_ZORGKANTOOR"),
    ]
    received = by_ciz[1]
    assert received.resource == "netwerkpunt/UZOVI/5505" and received.trace_id == "d" * 32
    assert received.records == (f"WlzIndicatie/{WID}",)
    assert by_ciz[0].details == {"van": "ONTVANGEN", "naar": "IN_BEHANDELING"}
    assert [r.event_type for r in audit.show(participant="uzovi:5505")] == ["netwerkpunt.ontvangen"]
    assert audit.verify().ok


def test_conflict_and_not_found_are_graphql_user_errors() -> None:
    assert issubclass(StatusConflict, Conflict) and issubclass(ItemNotFound, NotFound)
    assert issubclass(InvalidMessage, BadUserInput)


def test_webhooks_need_https_outside_dev_mode(engine: Engine) -> None:
    strict = Inbox(engine, FixedClock(NOW), webhook_https_only=True)
    with pytest.raises(BadUserInput, match="must use https"):
        strict.set_webhook(ZK, "http://zk.example/iwlz")
    hook, secret = strict.set_webhook(ZK, "https://zk.example/iwlz")
    assert hook.url == "https://zk.example/iwlz" and secret


# -- webhook targets (no SSRF) ----------------------------------------------------------------

REFUSED_TARGETS = [
    ("http://localhost:8080/in", "the host localhost is this machine"),
    ("https://LOCALHOST./in", "the host localhost. is this machine"),
    ("https://api.localhost/in", "the host api.localhost is this machine"),
    ("https://127.0.0.1/in", "127.0.0.1 is a loopback address"),
    ("https://[::1]/in", "::1 is a loopback address"),
    ("https://[::ffff:127.0.0.1]/in", "::ffff:127.0.0.1 is a loopback address"),
    ("https://10.1.2.3/in", "10.1.2.3 is a private address"),
    ("https://172.16.0.1/in", "172.16.0.1 is a private address"),
    ("https://192.168.1.10:8443/in", "192.168.1.10 is a private address"),
    ("https://[fd00::1]/in", "fd00::1 is a private address"),
    ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
    ("https://[fe80::1]/in", "fe80::1 is a link-local address"),
    ("https://224.0.0.1/in", "224.0.0.1 is a multicast address"),
    ("https://0.0.0.0/in", "0.0.0.0 is a reserved address"),
    ("https://240.0.0.1/in", "240.0.0.1 is a reserved address"),
    ("https://100.64.0.1/in", "100.64.0.1 is a non-public address"),
    ("https://2130706433/in", "the host 2130706433 resolves to 127.0.0.1, a loopback address"),
    ("https://127.1/in", "the host 127.1 resolves to 127.0.0.1, a loopback address"),
    ("https://intern.example/in", "the host intern.example resolves to 10.0.0.7, a private"),
    ("https://half.example/in", "the host half.example resolves to 192.168.0.1, a private"),
    ("https://v6.example/in", "the host v6.example resolves to fe80::2, a link-local"),
    ("https://nergens.invalid/in", "the host nergens.invalid could not be resolved"),
]


@pytest.fixture
def internal_names(dns: dict[str, list[str]]) -> None:
    dns["intern.example"] = ["10.0.0.7"]
    dns["half.example"] = [PUBLIC_IP, "192.168.0.1"]  # one bad address is enough
    dns["v6.example"] = ["2606:2800:220:1:248:1893:25c8:1946", "fe80::2"]


@pytest.mark.usefixtures("internal_names")
@pytest.mark.parametrize(("url", "reason"), REFUSED_TARGETS, ids=[u for u, _ in REFUSED_TARGETS])
def test_webhooks_go_to_public_addresses_only(
    engine: Engine, inbox: Inbox, url: str, reason: str
) -> None:
    refused = webhook_target_allowed(url)
    assert refused is not None and reason in refused
    assert refused.endswith(
        "webhooks go to public internet addresses only (others only in dev mode)."
    )
    with pytest.raises(BadUserInput) as info:
        inbox.set_webhook(ZK, url)
    assert str(info.value) == refused and info.value.extensions == {"field": "url"}
    assert inbox.get_webhook(ZK) is None
    # In dev mode (the lead's settings.dev) they are allowed.
    dev = Inbox(engine, FixedClock(NOW), webhook_allow_private=True)
    assert dev.set_webhook(ZK, url)[0].url == url


@pytest.mark.usefixtures("internal_names")
def test_exact_refusal_messages() -> None:
    assert webhook_target_allowed("https://10.1.2.3/in") == (
        "url 'https://10.1.2.3/in': 10.1.2.3 is a private address; webhooks go to public "
        "internet addresses only (others only in dev mode)."
    )
    assert webhook_target_allowed("https://intern.example/in") == (
        "url 'https://intern.example/in': the host intern.example resolves to 10.0.0.7, a "
        "private address; webhooks go to public internet addresses only (others only in dev "
        "mode)."
    )
    assert webhook_target_allowed("http://localhost:8080/in") == (
        "url 'http://localhost:8080/in': the host localhost is this machine; webhooks go to "
        "public internet addresses only (others only in dev mode)."
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://zk5505.example/hooks/iwlz",
        "http://zk5505.example:8080/in",
        f"https://{PUBLIC_IP}/in",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/in",
    ],
)
def test_public_targets_are_allowed(inbox: Inbox, url: str) -> None:
    assert webhook_target_allowed(url) is None
    assert inbox.set_webhook(ZK, url)[0].url == url


def test_the_name_is_resolved_again_at_send_time(dns: dict[str, list[str]]) -> None:
    """DNS rebinding: allowed when set, refused when the worker asks again before sending."""
    url = "https://rebind.example/in"
    assert webhook_target_allowed(url) is None
    dns["rebind.example"] = ["127.0.0.1"]
    assert "resolves to 127.0.0.1, a loopback address" in (webhook_target_allowed(url) or "")


def test_strict_inbox_checks_scheme_before_address(engine: Engine) -> None:
    strict = Inbox(engine, FixedClock(NOW), webhook_https_only=True)
    with pytest.raises(BadUserInput, match="must use https"):
        strict.set_webhook(ZK, "http://10.0.0.1/iwlz")
    with pytest.raises(BadUserInput, match="private address"):
        strict.set_webhook(ZK, "https://10.0.0.1/iwlz")


# -- webhook changes cancel what is queued for the old one ------------------------------------


def _webhook_rows(engine: Engine) -> list[tuple[str, str | None, str, str | None]]:
    t = outbox_table
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(t.c.ontvanger_id, t.c.target_url, t.c.status, t.c.last_error)
            .where(t.c.kind == "webhook")
            .order_by(t.c.id)
        )
        return [tuple(r) for r in found]  # type: ignore[misc]


def test_changing_or_deleting_the_webhook_cancels_its_queued_deliveries(
    inbox: Inbox, engine: Engine
) -> None:
    old, new = "https://oud.example/in", "https://nieuw.example/in"
    inbox.set_webhook(ZK, old, "o" * 16)
    inbox.set_webhook(ZK_OTHER, "https://ander.example/in", "a" * 16)
    inbox.ontvang_notificatie(ZK, notificatie(eventType="A"))
    inbox.ontvang_notificatie(ZK, notificatie(eventType="B"))
    inbox.ontvang_notificatie(ZK_OTHER, notificatie(ontvangerID="5506"))
    with engine.begin() as conn:  # one already delivered, one given up on
        t = outbox_table
        first, second = conn.execute(
            sa.select(t.c.id).where(t.c.ontvanger_id == "5505").order_by(t.c.id)
        ).scalars()
        conn.execute(t.update().where(t.c.id == first).values(status=outbox.DELIVERED))
        conn.execute(t.update().where(t.c.id == second).values(status=outbox.DEAD))

    # The same URL and secret again: nothing changes for what is queued.
    inbox.set_webhook(ZK, old, "o" * 16)
    assert [r[2] for r in _webhook_rows(engine)] == ["delivered", "dead", "pending"]

    inbox.set_webhook(ZK, new, "n" * 16)
    assert _webhook_rows(engine) == [
        ("5505", old, "delivered", None),
        ("5505", old, "cancelled", "webhook changed"),
        ("5506", "https://ander.example/in", "pending", None),
    ]
    inbox.ontvang_notificatie(ZK, notificatie(eventType="C"))
    assert _webhook_rows(engine)[-1] == ("5505", new, "pending", None)

    assert inbox.delete_webhook(ZK)
    assert _webhook_rows(engine)[-1] == ("5505", new, "cancelled", "webhook deleted")
    assert _webhook_rows(engine)[2] == ("5506", "https://ander.example/in", "pending", None)


def test_a_new_secret_alone_cancels_too(inbox: Inbox, engine: Engine) -> None:
    url = "https://zk.example/in"
    inbox.set_webhook(ZK, url, "o" * 16)
    inbox.ontvang_notificatie(ZK, notificatie())
    _, generated = inbox.set_webhook(ZK, url)  # a generated secret
    assert generated is not None
    assert [r[2:] for r in _webhook_rows(engine)] == [("cancelled", "webhook changed")]


def test_another_process_never_uses_a_replaced_webhook(engine: Engine, clock: FixedClock) -> None:
    """Each process caches the webhooks for a few seconds; a cached one is read again in the
    receiving transaction, so a change elsewhere takes effect at once."""
    here = Inbox(engine, clock, webhook_cache_seconds=3600)
    there = Inbox(engine, clock, webhook_cache_seconds=3600)
    here.set_webhook(ZK, "https://oud.example/in", "o" * 16)
    here.ontvang_notificatie(ZK, notificatie(eventType="A"))  # fills here's cache
    there.set_webhook(ZK, "https://nieuw.example/in", "n" * 16)
    here.ontvang_notificatie(ZK, notificatie(eventType="B"))
    there.delete_webhook(ZK)
    here.ontvang_notificatie(ZK, notificatie(eventType="C"))
    assert _webhook_rows(engine) == [
        ("5505", "https://oud.example/in", "cancelled", "webhook changed"),
        ("5505", "https://nieuw.example/in", "cancelled", "webhook deleted"),
    ]
