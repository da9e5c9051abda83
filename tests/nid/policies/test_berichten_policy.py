"""Policy for POST /berichten/iwlz: a participant hands in only the messages it is the
Afzender of (the CIZ for IO31), with the provisional berichten scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iwlz.nid.participants import SCOPE_BERICHTEN_IWLZ
from iwlz.nid.pdp import Decision, InMemoryPip, PolicyDecisionPoint

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
ZK = {
    "client_id": "uzovi:5521",
    "scopes": [SCOPE_BERICHTEN_IWLZ],
    "instantie_type": "Zorgkantoor",
    "uzovi": "5521",
}
ZA = {
    "client_id": "agb:12345678",
    "scopes": [SCOPE_BERICHTEN_IWLZ],
    "instantie_type": "Zorgaanbieder",
    "agb": "12345678",
}
CIZ = {
    "client_id": "kvk:27373207",
    "scopes": [SCOPE_BERICHTEN_IWLZ],
    "instantie_type": "Onderneming",
    "kvk": "27373207",
}


@pytest.fixture(scope="module")
def pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(InMemoryPip())


def decide(
    pdp: PolicyDecisionPoint,
    claims: dict[str, Any],
    bericht: str,
    afzender: str | None,
    *,
    deelnemer_type: str | None = None,
    root_fields: tuple[str, ...] = ("bericht",),
) -> Decision:
    return pdp.decide(
        {
            "register": "berichten",
            "resource": {
                "bericht": bericht,
                "afzender": afzender,
                "ontvanger": None,
                "deelnemer_type": deelnemer_type,
            },
            "time": NOW.isoformat(),
            "date": NOW.date().isoformat(),
            "claims": claims,
            "operation": {
                "type": "mutation",
                "name": bericht,
                "root_fields": list(root_fields),
                "operation_count": 1,
            },
            "arguments": {},
            "selection": [],
            "nested_arguments": {},
        }
    )


@pytest.mark.parametrize(
    "bericht", ["AW33", "AW317", "CA317", "CA319", "ZK31", "ZK33", "ZK35", "ZK39"]
)
def test_zorgkantoor_hands_in_its_own_messages(pdp: PolicyDecisionPoint, bericht: str) -> None:
    allowed = decide(pdp, ZK, bericht, "5521", deelnemer_type="zorgkantoor")
    assert (allowed.allowed, allowed.use_case) == (True, f"BERICHT-{bericht}")
    other = decide(pdp, ZK, bericht, "5509", deelnemer_type="zorgkantoor")
    assert (other.allowed, other.http_status, other.reasons) == (False, 403, ("not_the_afzender",))


@pytest.mark.parametrize("bericht", ["AW35", "AW39"])
def test_aanbieder_hands_in_its_own_messages(pdp: PolicyDecisionPoint, bericht: str) -> None:
    assert decide(pdp, ZA, bericht, "12345678", deelnemer_type="zorgaanbieder").allowed
    assert not decide(pdp, ZA, bericht, "87654321", deelnemer_type="zorgaanbieder").allowed
    # A zorgkantoor whose UZOVI happens to equal nothing of the sort cannot send an AW35.
    assert not decide(pdp, ZK, bericht, "5521", deelnemer_type="zorgkantoor").allowed


def test_aanbieder_cannot_send_zorgkantoor_messages(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, ZA, "AW33", "12345678", deelnemer_type="zorgaanbieder")
    assert (decision.allowed, decision.code) == (False, "FORBIDDEN")


def test_only_the_ciz_sends_io31(pdp: PolicyDecisionPoint) -> None:
    assert decide(pdp, CIZ, "IO31", None, deelnemer_type="ciz").allowed
    assert not decide(pdp, ZK, "IO31", None, deelnemer_type="zorgkantoor").allowed
    # The type comes from nID's registry, not from a claim the caller could choose.
    assert not decide(pdp, CIZ, "IO31", None, deelnemer_type="cak").allowed


def test_scope_is_required(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, {**ZK, "scopes": []}, "AW33", "5521", deelnemer_type="zorgkantoor")
    assert (decision.allowed, decision.http_status, decision.reasons) == (
        False,
        403,
        ("scope_missing",),
    )


def test_other_shapes_are_no_operation(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, ZK, "AW33", "5521", root_fields=("iets",))
    assert (decision.allowed, decision.http_status) == (False, 400)
    assert decision.reasons[0] == "template_mismatch:BERICHT"


def test_unknown_message_code_is_refused(pdp: PolicyDecisionPoint) -> None:
    assert not decide(pdp, ZK, "AW37", "5521", deelnemer_type="zorgkantoor").allowed
