"""Netwerkpunt policy: zendNotificatie (network.md §5.5 rules 1-10), zendMelding (§6.3, POL216)
and `_empty`, on real GraphQL requests through the PDP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from iwlz.netwerkpunt.service import normalise_kenmerk
from iwlz.nid import pdp as pdp_module
from iwlz.nid.demo import demo_participants
from iwlz.nid.pdp import Decision, InMemoryPip, PolicyDecisionPoint, pdp_input_for_query

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
CIZ_KVK = "62253778"
VECOZO_KVK = "18065868"
SILVESTER = "20001000001131"
AGB = "12345678"

N_ZK = "organisaties/zorgkantoor/notificaties/notificatie:create"
N_ZA = "organisaties/zorgaanbieder/notificaties/notificatie:create"
N_KVK = "organisaties/onderneming/notificaties/notificatie:create"
M_ZK = "organisaties/zorgkantoor/meldingen/melding:create"
M_ZA = "organisaties/zorgaanbieder/meldingen/melding:create"
M_CIZ = "organisaties/indicatieorgaan/meldingen/melding:create"
IR_READ = "registers/wlzindicatieregister/indicaties/indicatie:read"
ALL_SCOPES = [N_ZK, N_ZA, N_KVK, M_ZK, M_ZA, M_CIZ]

N = "zendNotificatie mutation: "
M = "zendMelding mutation: "
GVF = "GRAPHQL_VALIDATION_FAILED"
CIZ_TYPES_MESSAGE = (
    "event_type for afzender CIZ not valid, should be: "
    "'NIEUWE_INDICATIE_ZORGKANTOOR or VERVALLEN_INDICATIE_ZORGKANTOOR'"
)

AGB_TYPES = [
    "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
    "GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
    "VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
    "NIEUWE_REGIEHOUDER_ZORGAANBIEDER",
    "GEWIJZIGDE_REGIEHOUDER_ZORGAANBIEDER",
    "VERWIJDERDE_REGIEHOUDER_ZORGAANBIEDER",
    "GEWIJZIGDE_ZORGSAMENSTELLING_ZORGAANBIEDER",
    "ROL_COORDINATORZORGTHUIS_ZORGAANBIEDER",
    "BEEINDIGDE_ROL_COORDINATORZORGTHUIS_ZORGAANBIEDER",
    "ROL_DOSSIERHOUDER_ZORGAANBIEDER",
    "BEEINDIGDE_ROL_DOSSIERHOUDER_ZORGAANBIEDER",
    "INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
]
ZK_UZOVI_TYPES = [
    "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
    "GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
    "VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
    "NIEUWE_OVERDRACHT_ZORGKANTOOR",
    "GEWIJZIGDE_OVERDRACHT_ZORGKANTOOR",
    "VERWIJDERDE_OVERDRACHT_ZORGKANTOOR",
    "OVERDRACHT_ZORGKANTOOR",
]
CIZ_TYPES = ["NIEUWE_INDICATIE_ZORGKANTOOR", "VERVALLEN_INDICATIE_ZORGKANTOOR"]
FOUTMELDINGEN = ["IWLZFOUTMELDING", "iWLZFOUTMELDING", "iWlzFoutmelding"]
VOLUNTARY = "WLZINDICATIE_MUTATIE_ABONNEMENT"

# --- tokens ----------------------------------------------------------------------------------


def claims(
    instantie_type: str | None,
    *,
    uzovi: str | None = None,
    agb: str | None = None,
    kvk: str | None = None,
    scopes: list[str] | None = None,
    act: str | None = None,
) -> dict[str, Any]:
    token: dict[str, Any] = {
        "iss": "auth.nid",
        "client_id": "x",
        "scopes": ALL_SCOPES if scopes is None else scopes,
        "instantie_type": instantie_type,
        "uzovi": uzovi,
        "agb": agb,
        "kvk": kvk,
    }
    if act is not None:
        token["act"] = {"sub": act}
    return token


def zk(uzovi: str = "5501", **kw: Any) -> dict[str, Any]:
    return claims("Zorgkantoor", uzovi=uzovi, **kw)


def za(agb: str = AGB, **kw: Any) -> dict[str, Any]:
    return claims("Zorgaanbieder", agb=agb, **kw)


def ciz(**kw: Any) -> dict[str, Any]:
    return claims("Onderneming", kvk=CIZ_KVK, **kw)


def vecozo(**kw: Any) -> dict[str, Any]:
    return claims("Onderneming", kvk=VECOZO_KVK, **kw)


# --- requests --------------------------------------------------------------------------------

NOTIFICATIE = """mutation($notificatieInput: NotificatieInput!) {
  zendNotificatie(notificatieInput: $notificatieInput) { notificatieID }
}"""

MELDING = """mutation($meldingInput: MeldingInput!) {
  zendMelding(meldingInput: $meldingInput) { meldingID }
}"""


def message(
    afzender: tuple[str, str],
    ontvanger: tuple[str, str],
    event_type: str,
    kenmerk: str | None = None,
) -> dict[str, Any]:
    return {
        "timestamp": "2026-11-27T12:00:00Z",
        "afzenderIDType": afzender[0],
        "afzenderID": afzender[1],
        "ontvangerIDType": ontvanger[0],
        "ontvangerID": ontvanger[1],
        "ontvangerKenmerk": kenmerk,
        "eventType": event_type,
        "subjectList": [{"subject": "WlzIndicatie/x", "recordID": "WlzIndicatie/x"}],
    }


@pytest.fixture(scope="module")
def pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(InMemoryPip())


def decide(
    pdp: PolicyDecisionPoint,
    token: Mapping[str, Any],
    query: str,
    variables: Mapping[str, Any] | None = None,
) -> Decision:
    return pdp.decide(
        pdp_input_for_query(
            register="netwerkpunt", claims=token, query=query, variables=variables, now=NOW
        )
    )


def notificatie(pdp: PolicyDecisionPoint, token: Mapping[str, Any], **kw: Any) -> Decision:
    return decide(pdp, token, NOTIFICATIE, {"notificatieInput": message(**kw)})


def melding(pdp: PolicyDecisionPoint, token: Mapping[str, Any], **kw: Any) -> Decision:
    return decide(pdp, token, MELDING, {"meldingInput": message(**kw)})


def assert_denied(decision: Decision, text: str, code: str = GVF, status: int = 400) -> None:
    assert not decision.allowed, decision
    assert (decision.http_status, decision.code, decision.message) == (status, code, text)


@pytest.fixture
def act_claim() -> None:
    """POL216 reads `act`: the PDP must hand it to the policies."""
    assert "act" in pdp_module.DECISION_CLAIMS


# --- zendNotificatie: allowed ----------------------------------------------------------------


@pytest.mark.parametrize("event_type", CIZ_TYPES)
def test_ciz_notifies_a_zorgkantoor_of_an_indicatie(
    pdp: PolicyDecisionPoint, event_type: str
) -> None:
    decision = notificatie(
        pdp, ciz(), afzender=("KVK", CIZ_KVK), ontvanger=("UZOVI", "5501"), event_type=event_type
    )
    assert decision == Decision(True, 200, None, None, "NOTIFICATIE", (), ())


@pytest.mark.parametrize(
    ("ontvanger", "event_type"),
    [(("AGB", AGB), t) for t in AGB_TYPES] + [(("UZOVI", "5502"), t) for t in ZK_UZOVI_TYPES],
)
def test_zorgkantoor_notifies_of_bemiddelingen(
    pdp: PolicyDecisionPoint, ontvanger: tuple[str, str], event_type: str
) -> None:
    decision = notificatie(
        pdp, zk(), afzender=("UZOVI", "5501"), ontvanger=ontvanger, event_type=event_type
    )
    assert decision.allowed and decision.use_case == "NOTIFICATIE"


@pytest.mark.parametrize("kenmerk", [None, "", " ", "  \t\n", "\r\n", "\x0b\x0c "])
def test_empty_or_null_kenmerk_is_a_mandatory_notification(
    pdp: PolicyDecisionPoint, kenmerk: str | None
) -> None:
    decision = notificatie(
        pdp,
        zk(),
        afzender=("UZOVI", "5501"),
        ontvanger=("AGB", AGB),
        event_type=AGB_TYPES[0],
        kenmerk=kenmerk,
    )
    assert decision.allowed


def demo_zorgkantoren() -> list[str]:
    return sorted(
        p.identifier.split(":")[1] for p in demo_participants() if p.type == "zorgkantoor"
    )


def test_every_demo_zorgkantoor_may_send_mutatie_client_to_vecozo(
    pdp: PolicyDecisionPoint,
) -> None:
    uzovis = demo_zorgkantoren()
    assert len(uzovis) == 31
    for uzovi in uzovis:
        decision = notificatie(
            pdp,
            zk(uzovi),
            afzender=("UZOVI", uzovi),
            ontvanger=("KVK", VECOZO_KVK),
            event_type="MUTATIE_CLIENT",
        )
        assert decision.allowed, (uzovi, decision)


@pytest.mark.parametrize(
    ("ontvanger", "scope"),
    [(("UZOVI", "5501"), N_ZK), (("AGB", AGB), N_ZA), (("KVK", "90000017"), N_KVK)],
)
def test_ciz_sends_the_voluntary_type_with_an_abonnement(
    pdp: PolicyDecisionPoint, ontvanger: tuple[str, str], scope: str
) -> None:
    decision = notificatie(
        pdp,
        ciz(scopes=[scope]),
        afzender=("KVK", CIZ_KVK),
        ontvanger=ontvanger,
        event_type=VOLUNTARY,
        kenmerk="0f6a3e53-3f0e-4d5c-9a39-2a1b5a0c7e11",
    )
    assert decision == Decision(True, 200, None, None, "NOTIFICATIE-VRIJWILLIG", (), ())


KENMERK_SAMPLES = [
    *(chr(c) for c in range(0x110000) if chr(c).isspace()),  # every whitespace Python knows
    " \t\n\r\x0b\x0c",
    "\x1c",  # stripped by str.strip(), not ASCII whitespace: kept, by both
    "\u00a0 \u3000",
    "\x00",
    "\x08",
    '"',
    '""',  # rego-cpp's trim_space would read this as empty
    '" "',
    "\\",
    "\\t",  # backslash, t: text, not a tab
    "\\u000b",  # the text; rego-cpp's trim_space fails on it
    "\\n \\r",
    "u000b",
    " ab-1 ",
    "0f6a3e53-3f0e-4d5c-9a39-2a1b5a0c7e11",
]


@pytest.mark.parametrize("kenmerk", KENMERK_SAMPLES, ids=repr)
def test_blank_kenmerk_is_read_as_the_netwerkpunt_reads_it(
    pdp: PolicyDecisionPoint, kenmerk: str
) -> None:
    """The policy's `kind` and the service (normalise_kenmerk) agree on what is blank: a
    notification of the voluntary type passes exactly when the service stores a kenmerk."""
    decision = notificatie(
        pdp,
        ciz(scopes=[N_ZK]),
        afzender=("KVK", CIZ_KVK),
        ontvanger=("UZOVI", "5501"),
        event_type=VOLUNTARY,
        kenmerk=kenmerk,
    )
    if normalise_kenmerk(kenmerk) is None:
        assert decision.reasons == ("event_type_unknown:verplicht",), decision
    else:
        assert decision.allowed and decision.use_case == "NOTIFICATIE-VRIJWILLIG", decision
    mandatory = notificatie(
        pdp,
        ciz(scopes=[N_ZK]),
        afzender=("KVK", CIZ_KVK),
        ontvanger=("UZOVI", "5501"),
        event_type=CIZ_TYPES[0],
        kenmerk=kenmerk,
    )
    assert mandatory.allowed == (normalise_kenmerk(kenmerk) is None), mandatory


def test_inline_input_with_every_output_field_and_a_fragment(pdp: PolicyDecisionPoint) -> None:
    query = """mutation {
      zendNotificatie(notificatieInput: {
        timestamp: "2026-11-27T12:00:00Z", afzenderIDType: KVK, afzenderID: "62253778",
        ontvangerIDType: UZOVI, ontvangerID: "5501", eventType: "NIEUWE_INDICATIE_ZORGKANTOOR",
        subjectList: [{subject: "WlzIndicatie/x", recordID: "WlzIndicatie/x"}]
      }) {
        __typename timestamp afzenderIDType afzenderID ontvangerIDType ontvangerID
        ontvangerKenmerk eventType subjectList { subject recordID }
        ... on Notificatie { notificatieID }
      }
    }"""
    assert decide(pdp, ciz(), query).allowed


# --- zendNotificatie: rules 1-10 -------------------------------------------------------------

ZK_TO_AGB: dict[str, Any] = {
    "afzender": ("UZOVI", "5501"),
    "ontvanger": ("AGB", AGB),
    "event_type": AGB_TYPES[0],
}


@pytest.mark.parametrize(
    "scopes", [[], [IR_READ], [M_ZK, M_ZA], ["organisaties/notificatie:create"]]
)
def test_rule_1_a_notification_scope(pdp: PolicyDecisionPoint, scopes: list[str]) -> None:
    decision = notificatie(pdp, zk(scopes=scopes), **ZK_TO_AGB)
    assert_denied(decision, N + "scope not allowed", "BAD_REQUEST")
    assert decision.reasons == ("scope_missing",)


@pytest.mark.parametrize(
    ("scopes", "ontvanger"),
    [([N_ZK], ("AGB", AGB)), ([N_ZA], ("UZOVI", "5502")), (ALL_SCOPES, ("BSN", "999999999"))],
)
def test_rule_2_the_scope_of_the_receiver_type(
    pdp: PolicyDecisionPoint, scopes: list[str], ontvanger: tuple[str, str]
) -> None:
    decision = notificatie(
        pdp, zk(scopes=scopes), afzender=("UZOVI", "5501"), ontvanger=ontvanger, event_type="X"
    )
    assert_denied(decision, N + "Scope for `ontvangerIDType` not valid.")


def test_rule_3_instantie_type_claim(pdp: PolicyDecisionPoint) -> None:
    decision = notificatie(pdp, claims(None, uzovi="5501"), **ZK_TO_AGB)
    assert_denied(decision, N + "instantie_type claim not found.")


@pytest.mark.parametrize(
    ("token", "afzender"),
    [
        (za(), ("AGB", AGB)),  # zorgaanbieders do not notify
        (zk(), ("KVK", "5501")),  # not the type of the token
        (claims("Gemeente"), ("UZOVI", "5501")),  # no sender type at all
    ],
)
def test_rule_4_afzender_type(
    pdp: PolicyDecisionPoint, token: dict[str, Any], afzender: tuple[str, str]
) -> None:
    decision = notificatie(
        pdp, token, afzender=afzender, ontvanger=("UZOVI", "5502"), event_type=ZK_UZOVI_TYPES[0]
    )
    assert_denied(decision, N + "afzender_type is not valid.")
    # An aanbieder may notify, but only of its Leveringsregister (registers.md §3.5).
    expected = (
        "event_type_not_for_afzender_type" if afzender[0] == "AGB" else "afzender_type_invalid"
    )
    assert decision.reasons == (expected,)


def test_rule_5_the_only_kvk_sender_is_the_ciz(pdp: PolicyDecisionPoint) -> None:
    decision = notificatie(
        pdp,
        vecozo(),
        afzender=("KVK", VECOZO_KVK),
        ontvanger=("UZOVI", "5501"),
        event_type=CIZ_TYPES[0],
    )
    assert_denied(decision, N + "afzender_type is not valid.")
    assert decision.reasons == ("afzender_not_allowed",)


@pytest.mark.parametrize(
    ("token", "afzender"),
    [(zk("5501"), ("UZOVI", "5502")), (ciz(), ("KVK", "62253779"))],
)
def test_rule_6_afzender_id_is_the_token_identity(
    pdp: PolicyDecisionPoint, token: dict[str, Any], afzender: tuple[str, str]
) -> None:
    event_type = CIZ_TYPES[0] if afzender[0] == "KVK" else ZK_UZOVI_TYPES[0]
    decision = notificatie(
        pdp, token, afzender=afzender, ontvanger=("UZOVI", "5503"), event_type=event_type
    )
    assert_denied(decision, N + "afzender_id is not valid.")


@pytest.mark.parametrize("uzovi", ["5000", "9997", "5522"])
def test_rule_7_mutatie_client_only_from_allow_listed_zorgkantoren(
    pdp: PolicyDecisionPoint, uzovi: str
) -> None:
    decision = notificatie(
        pdp,
        zk(uzovi),
        afzender=("UZOVI", uzovi),
        ontvanger=("KVK", VECOZO_KVK),
        event_type="MUTATIE_CLIENT",
    )
    assert_denied(decision, N + "afzender_id is not valid for `MUTATIE_CLIENT`.")


def test_rule_7_is_reported_before_rule_6(pdp: PolicyDecisionPoint) -> None:
    # The nID bundle reports the afzender_id mismatch only when rule 7 holds.
    decision = notificatie(
        pdp,
        zk("5501"),
        afzender=("UZOVI", "5000"),
        ontvanger=("KVK", VECOZO_KVK),
        event_type="MUTATIE_CLIENT",
    )
    assert_denied(decision, N + "afzender_id is not valid for `MUTATIE_CLIENT`.")


@pytest.mark.parametrize(
    ("event_type", "kenmerk", "reason"),
    [
        ("ONBEKENDE_EVENT_TYPE", None, "event_type_unknown:verplicht"),
        ("IWLZFOUTMELDING", None, "event_type_unknown:verplicht"),
        # a voluntary type needs its abonnement, a mandatory type has none
        (VOLUNTARY, None, "event_type_unknown:verplicht"),
        (VOLUNTARY, "   ", "event_type_unknown:verplicht"),  # blank is no abonnement
        (VOLUNTARY, "\t\n", "event_type_unknown:verplicht"),
        (AGB_TYPES[0], "abonnement-1", "event_type_unknown:vrijwillig"),
    ],
)
def test_rule_8_event_type(
    pdp: PolicyDecisionPoint, event_type: str, kenmerk: str | None, reason: str
) -> None:
    decision = notificatie(
        pdp,
        zk(),
        afzender=("UZOVI", "5501"),
        ontvanger=("AGB", AGB),
        event_type=event_type,
        kenmerk=kenmerk,
    )
    assert_denied(decision, N + "event_type is not valid.")
    assert decision.reasons == (reason,)


@pytest.mark.parametrize(
    ("ontvanger", "event_type"),
    [(("UZOVI", "5501"), ZK_UZOVI_TYPES[0]), (("AGB", AGB), AGB_TYPES[0])],
)
def test_rule_9_the_ciz_sends_only_indicatie_types(
    pdp: PolicyDecisionPoint, ontvanger: tuple[str, str], event_type: str
) -> None:
    decision = notificatie(
        pdp, ciz(), afzender=("KVK", CIZ_KVK), ontvanger=ontvanger, event_type=event_type
    )
    assert_denied(decision, N + CIZ_TYPES_MESSAGE)


@pytest.mark.parametrize(
    ("event_type", "kenmerk"), [(CIZ_TYPES[0], None), (CIZ_TYPES[1], None), (VOLUNTARY, "ab-1")]
)
def test_rule_9_only_the_ciz_sends_indicatie_types(
    pdp: PolicyDecisionPoint, event_type: str, kenmerk: str | None
) -> None:
    decision = notificatie(
        pdp,
        zk(),
        afzender=("UZOVI", "5501"),
        ontvanger=("UZOVI", "5502"),
        event_type=event_type,
        kenmerk=kenmerk,
    )
    assert_denied(decision, N + "ontvanger_type is not valid.")
    assert decision.reasons == ("event_type_reserved",)


@pytest.mark.parametrize(
    ("ontvanger", "event_type", "reason"),
    [
        (("UZOVI", "5502"), AGB_TYPES[0], "event_type_not_for_ontvanger_type"),
        (("AGB", AGB), ZK_UZOVI_TYPES[0], "event_type_not_for_ontvanger_type"),
        (("AGB", AGB), "MUTATIE_CLIENT", "event_type_not_for_ontvanger_type"),
        (("KVK", "02065142"), "MUTATIE_CLIENT", "ontvanger_id_not_allowed"),
    ],
)
def test_rule_10_event_type_of_the_receiver_type(
    pdp: PolicyDecisionPoint, ontvanger: tuple[str, str], event_type: str, reason: str
) -> None:
    decision = notificatie(
        pdp, zk(), afzender=("UZOVI", "5501"), ontvanger=ontvanger, event_type=event_type
    )
    assert_denied(decision, N + "ontvanger_type is not valid.")
    assert decision.reasons == (reason,)


def test_the_message_carries_the_operation_name(pdp: PolicyDecisionPoint) -> None:
    query = NOTIFICATIE.replace("mutation(", "mutation ZendNotificatie(")
    variables = {"notificatieInput": {**message(**ZK_TO_AGB), "eventType": "ONBEKEND"}}
    decision = decide(pdp, zk(), query, variables)
    assert_denied(decision, "ZendNotificatie mutation: event_type is not valid.")


# --- zendMelding -----------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", FOUTMELDINGEN)
@pytest.mark.parametrize(
    ("token", "afzender"),
    [(zk("5501"), ("UZOVI", "5501")), (za(), ("AGB", AGB)), (vecozo(), ("KVK", VECOZO_KVK))],
)
@pytest.mark.parametrize("ontvanger", [("UZOVI", "5502"), ("KVK", CIZ_KVK)])
def test_meldingen_to_a_zorgkantoor_and_to_the_ciz(
    pdp: PolicyDecisionPoint,
    token: dict[str, Any],
    afzender: tuple[str, str],
    ontvanger: tuple[str, str],
    event_type: str,
) -> None:
    decision = melding(pdp, token, afzender=afzender, ontvanger=ontvanger, event_type=event_type)
    assert decision == Decision(True, 200, None, None, "MELDING", (), ())


def test_melding_to_a_zorgaanbieder(pdp: PolicyDecisionPoint) -> None:
    decision = melding(
        pdp, zk(), afzender=("UZOVI", "5501"), ontvanger=("AGB", AGB), event_type="IWLZFOUTMELDING"
    )
    assert decision.allowed


def test_silvester_passes_on_a_melding_of_a_zorgaanbieder(
    pdp: PolicyDecisionPoint, act_claim: None
) -> None:
    decision = melding(
        pdp,
        zk("5151", scopes=[M_ZK], act=SILVESTER),
        afzender=("AGB", "06999994"),
        ontvanger=("UZOVI", "5151"),
        event_type="iWLZFOUTMELDING",
        kenmerk="Zorgkantoor",
    )
    assert decision == Decision(True, 200, None, None, "MELDING-POL216", (), ())


@pytest.mark.parametrize(
    ("token", "afzender", "ontvanger", "text"),
    [
        # another actor: a zorgkantoor token cannot send as an AGB
        (
            zk("5151", act="767676"),
            ("AGB", "06999994"),
            ("UZOVI", "5151"),
            "afzender_type is not valid.",
        ),
        # Silvester acting for another zorgkantoor than the receiver
        (
            zk("5252", act=SILVESTER),
            ("AGB", "06999994"),
            ("UZOVI", "5151"),
            "afzender_id is not valid.",
        ),
        # Silvester sending as a (different) zorgkantoor
        (
            zk("5151", act=SILVESTER),
            ("UZOVI", "5252"),
            ("UZOVI", "5151"),
            "afzender_id is not valid.",
        ),
    ],
)
def test_pol216_is_narrow(
    pdp: PolicyDecisionPoint,
    act_claim: None,
    token: dict[str, Any],
    afzender: tuple[str, str],
    ontvanger: tuple[str, str],
    text: str,
) -> None:
    decision = melding(
        pdp, token, afzender=afzender, ontvanger=ontvanger, event_type="IWLZFOUTMELDING"
    )
    assert_denied(decision, M + text)


ZK_MELDING: dict[str, Any] = {"afzender": ("UZOVI", "5501"), "ontvanger": ("KVK", CIZ_KVK)}


@pytest.mark.parametrize(
    ("token", "kw", "text", "code"),
    [
        # rule 1: a melding scope
        (zk(scopes=[N_ZK, N_KVK]), ZK_MELDING, "scope not allowed", "BAD_REQUEST"),
        # rule 2: the scope of the receiver type (the CIZ: indicatieorgaan)
        (zk(scopes=[M_ZK]), ZK_MELDING, "Scope for `ontvangerIDType` not valid.", GVF),
        (
            zk(),
            {**ZK_MELDING, "ontvanger": ("OIN", "0" * 20)},
            "Scope for `ontvangerIDType` not valid.",
            GVF,
        ),
        # rule 3
        (claims(None, uzovi="5501"), ZK_MELDING, "instantie_type claim not found.", GVF),
        # rule 4
        (zk(), {**ZK_MELDING, "afzender": ("AGB", AGB)}, "afzender_type is not valid.", GVF),
        # rule 5: the only KVK sender of meldingen is VECOZO
        (ciz(), {**ZK_MELDING, "afzender": ("KVK", CIZ_KVK)}, "afzender_type is not valid.", GVF),
        # rule 6
        (zk(), {**ZK_MELDING, "afzender": ("UZOVI", "5502")}, "afzender_id is not valid.", GVF),
        # receiver: a KVK receiver must be the CIZ
        (
            zk(),
            {**ZK_MELDING, "ontvanger": ("KVK", VECOZO_KVK)},
            "ontvanger is not valid.",
            GVF,
        ),
    ],
)
def test_melding_rules(
    pdp: PolicyDecisionPoint, token: dict[str, Any], kw: dict[str, Any], text: str, code: str
) -> None:
    decision = melding(pdp, token, event_type="IWLZFOUTMELDING", **kw)
    assert_denied(decision, M + text, code)


@pytest.mark.parametrize("event_type", ["FOUTMELDING", "iwlzfoutmelding", AGB_TYPES[0]])
def test_melding_event_type(pdp: PolicyDecisionPoint, event_type: str) -> None:
    decision = melding(pdp, zk(), event_type=event_type, **ZK_MELDING)
    assert_denied(decision, M + "event_type is not valid.")


# --- _empty and everything else ---------------------------------------------------------------


@pytest.mark.parametrize("scopes", [[M_ZK], [IR_READ], []])
def test_empty_query_answers_any_token(pdp: PolicyDecisionPoint, scopes: list[str]) -> None:
    assert decide(pdp, za(scopes=scopes), "{ _empty }").use_case == "EMPTY"


NO_OPERATION = "No operation found to evaluate"


@pytest.mark.parametrize(
    ("query", "variables", "reason"),
    [
        # another root field
        ("{ wlzIndicatie { bsn } }", None, "no_policy"),
        # the mutation as a query
        (NOTIFICATIE.replace("mutation", "query"), None, "template_mismatch:ZEND-NOTIFICATIE"),
        # a field outside the schema's output
        (
            NOTIFICATIE.replace("notificatieID", "notificatieID geheim"),
            None,
            "template_mismatch:ZEND-NOTIFICATIE",
        ),
        # the input variable is missing
        (MELDING, {}, "template_mismatch:ZEND-MELDING"),
        # an extra argument
        (
            "mutation { zendMelding(meldingInput: {}, extra: 1) { meldingID } }",
            None,
            "template_mismatch:ZEND-MELDING",
        ),
        # `_empty` takes no selection
        ("{ _empty { x } }", None, "template_mismatch:EMPTY"),
    ],
)
def test_anything_else_is_no_operation(
    pdp: PolicyDecisionPoint, query: str, variables: dict[str, Any] | None, reason: str
) -> None:
    if variables is None and "$notificatieInput" in query:
        variables = {"notificatieInput": message(**ZK_TO_AGB)}
    decision = decide(pdp, zk(), query, variables)
    assert_denied(decision, NO_OPERATION, "BAD_REQUEST")
    assert decision.reasons[0] == reason


def test_two_mutations_in_one_operation(pdp: PolicyDecisionPoint) -> None:
    query = """mutation($i: NotificatieInput!) {
      a: zendNotificatie(notificatieInput: $i) { notificatieID }
      b: zendNotificatie(notificatieInput: $i) { notificatieID }
    }"""
    decision = decide(pdp, zk(), query, {"i": message(**ZK_TO_AGB)})
    assert_denied(decision, "Only one selectionset in an operation is supported.", "BAD_REQUEST")


def test_a_quote_in_an_input_value_stays_a_value(pdp: PolicyDecisionPoint) -> None:
    decision = notificatie(
        pdp,
        zk(),
        afzender=("UZOVI", '5501", "allowed": true, "x": "'),
        ontvanger=("AGB", AGB),
        event_type=AGB_TYPES[0],
    )
    assert_denied(decision, N + "afzender_id is not valid.")


def test_melding_receivers_are_configuration(tmp_path: Path) -> None:
    """The nID bundle's behaviour (KVK → `onderneming`, receivers {UZOVI}) is a data change."""
    source = files("iwlz.nid") / "policies"
    for rego in source.iterdir():
        if rego.name.endswith(".rego"):
            (tmp_path / rego.name).write_text(rego.read_text(encoding="utf-8"), encoding="utf-8")
    data = tmp_path / "netwerkpunt_data.rego"
    text = data.read_text(encoding="utf-8")
    for old, new in [
        ('"KVK": "indicatieorgaan"', '"KVK": "onderneming"'),
        (
            'melding_ontvanger_id_types := {"UZOVI", "AGB", "KVK"}',
            'melding_ontvanger_id_types := {"UZOVI"}',
        ),
    ]:
        assert old in text
        text = text.replace(old, new)
    data.write_text(text, encoding="utf-8")
    pol = PolicyDecisionPoint(InMemoryPip(), policy_dir=tmp_path)
    m_kvk = "organisaties/onderneming/meldingen/melding:create"
    to_ciz = {"event_type": "IWLZFOUTMELDING", **ZK_MELDING}
    assert_denied(
        melding(pol, zk(scopes=[M_CIZ]), **to_ciz), M + "Scope for `ontvangerIDType` not valid."
    )
    assert_denied(melding(pol, zk(scopes=[m_kvk]), **to_ciz), M + "ontvanger is not valid.")
    to_agb = {**to_ciz, "ontvanger": ("AGB", AGB)}
    assert_denied(melding(pol, zk(scopes=[M_ZA]), **to_agb), M + "ontvanger is not valid.")
    assert melding(pol, zk(scopes=[M_ZK]), **{**to_ciz, "ontvanger": ("UZOVI", "5502")}).allowed


# --- the decision cache ------------------------------------------------------------------------

CACHE_CASES = [
    (
        ciz(),
        NOTIFICATIE,
        "notificatieInput",
        (("KVK", CIZ_KVK), ("UZOVI", "5505"), "NIEUWE_INDICATIE_ZORGKANTOOR"),
    ),
    (
        zk("5505"),
        NOTIFICATIE,
        "notificatieInput",
        (("UZOVI", "5505"), ("AGB", AGB), "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER"),
    ),
    (
        zk("5505"),
        NOTIFICATIE,
        "notificatieInput",
        (("UZOVI", "5506"), ("AGB", AGB), "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER"),
    ),
    (
        za(),
        NOTIFICATIE,
        "notificatieInput",
        (("AGB", AGB), ("UZOVI", "5505"), "NIEUWE_INDICATIE_ZORGKANTOOR"),
    ),
    (zk("5505"), MELDING, "meldingInput", (("UZOVI", "5505"), ("KVK", CIZ_KVK), "IWLZFOUTMELDING")),
    (za(), MELDING, "meldingInput", (("AGB", AGB), ("UZOVI", "5505"), "NOT_A_TYPE")),
]


@pytest.mark.parametrize(("token", "query", "name", "parts"), CACHE_CASES)
def test_allow_never_reads_what_the_cache_ignores(
    pdp: PolicyDecisionPoint,
    token: Mapping[str, Any],
    query: str,
    name: str,
    parts: tuple[Any, Any, str],
) -> None:
    """The PDP caches netwerkpunt decisions without timestamp and subjectList
    (pdp.ALLOW_CACHE_IGNORES): the uncached policy must give the same answer whatever they
    hold, or is missing them."""
    from iwlz.nid.pdp import ALLOW_CACHE_IGNORES, _allow_input

    base = pdp_input_for_query(
        register="netwerkpunt",
        claims=token,
        query=query,
        variables={name: message(*parts)},
        now=NOW,
    )
    verdict = pdp.template_verdict(base)
    engine = pdp._allow["netwerkpunt"]

    def raw(value: Mapping[str, Any]) -> Any:
        return engine.evaluate("iwlz/netwerkpunt/allow", value, undefined={})

    expected = raw(_allow_input(base, verdict))
    ignored = [p[-1] for p in ALLOW_CACHE_IGNORES["netwerkpunt"] if p[1] == name]
    assert set(ignored) == {"timestamp", "subjectList"}
    for variant in (
        {"timestamp": "1999-01-01T00:00:00Z", "subjectList": []},
        {"timestamp": None, "subjectList": [{"subject": "X/1", "recordID": "Y/2"}] * 3},
        {},
    ):
        changed = dict(base["arguments"][name])
        for key in ignored:
            changed.pop(key, None)
        changed.update(variant)
        short = _allow_input({**base, "arguments": {name: changed}}, verdict)
        assert raw(short) == expected


def test_cached_decisions_still_follow_every_field_that_matters(pdp: PolicyDecisionPoint) -> None:
    ok = notificatie(
        pdp,
        ciz(),
        afzender=("KVK", CIZ_KVK),
        ontvanger=("UZOVI", "5505"),
        event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
    )
    again = notificatie(
        pdp,
        ciz(),
        afzender=("KVK", CIZ_KVK),
        ontvanger=("UZOVI", "5505"),
        event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
    )
    assert ok.allowed and again.allowed
    # Same message shape, one relevant field different each time: never the cached answer.
    assert not notificatie(
        pdp,
        ciz(),
        afzender=("KVK", "12345678"),
        ontvanger=("UZOVI", "5505"),
        event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
    ).allowed
    assert not notificatie(
        pdp,
        ciz(),
        afzender=("KVK", CIZ_KVK),
        ontvanger=("AGB", AGB),
        event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
    ).allowed
    assert not notificatie(
        pdp,
        zk("5505"),
        afzender=("KVK", CIZ_KVK),
        ontvanger=("UZOVI", "5505"),
        event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
    ).allowed
    assert not notificatie(
        pdp,
        ciz(scopes=[N_ZA]),
        afzender=("KVK", CIZ_KVK),
        ontvanger=("UZOVI", "5505"),
        event_type="NIEUWE_INDICATIE_ZORGKANTOOR",
    ).allowed


LR_ZK_TYPES = [
    "NIEUWE_LEVERINGPERIODE_ZORGKANTOOR",
    "GEWIJZIGDE_LEVERINGPERIODE_ZORGKANTOOR",
    "VERWIJDERDE_LEVERINGPERIODE_ZORGKANTOOR",
    "NIEUWE_BEHANDELINGPERIODE_ZORGKANTOOR",
    "GEWIJZIGDE_BEHANDELINGPERIODE_ZORGKANTOOR",
    "VERWIJDERDE_BEHANDELINGPERIODE_ZORGKANTOOR",
    "NIEUWE_UITSTELPERIODE_ZORGKANTOOR",
    "GEWIJZIGDE_UITSTELPERIODE_ZORGKANTOOR",
    "VERWIJDERDE_UITSTELPERIODE_ZORGKANTOOR",
    "NIEUW_AFSTEL_ZORGKANTOOR",
    "GEWIJZIGD_AFSTEL_ZORGKANTOOR",
    "VERWIJDERD_AFSTEL_ZORGKANTOOR",
    "NIEUW_VERZOEK_ZORGKANTOOR",
]
BR_11_ZK_TYPES = [
    "INFORMATIEVE_NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
    "INFORMATIEVE_GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
    "INFORMATIEVE_VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
    "NIEUWE_REGIEHOUDER_ZORGKANTOOR",
    "GEWIJZIGDE_REGIEHOUDER_ZORGKANTOOR",
    "VERWIJDERDE_REGIEHOUDER_ZORGKANTOOR",
]


@pytest.mark.parametrize(
    ("ontvanger", "event_type"),
    [(("UZOVI", "5502"), t) for t in LR_ZK_TYPES]
    + [(("AGB", "87654321"), "NIEUW_VERZOEKAANBIEDER_AANBIEDER")],
)
def test_aanbieder_notifies_of_its_leveringsregister(
    pdp: PolicyDecisionPoint, ontvanger: tuple[str, str], event_type: str
) -> None:
    decision = notificatie(
        pdp, za(), afzender=("AGB", AGB), ontvanger=ontvanger, event_type=event_type
    )
    assert decision.allowed and decision.use_case == "NOTIFICATIE"


@pytest.mark.parametrize("event_type", LR_ZK_TYPES[:3])
def test_only_aanbieders_send_leveringsregister_types(
    pdp: PolicyDecisionPoint, event_type: str
) -> None:
    decision = notificatie(
        pdp, zk(), afzender=("UZOVI", "5501"), ontvanger=("UZOVI", "5502"), event_type=event_type
    )
    assert not decision.allowed
    assert decision.reasons == ("event_type_reserved",)


@pytest.mark.parametrize("event_type", BR_11_ZK_TYPES)
def test_bemiddelingsregister_11_types_from_a_zorgkantoor(
    pdp: PolicyDecisionPoint, event_type: str
) -> None:
    decision = notificatie(
        pdp, zk(), afzender=("UZOVI", "5501"), ontvanger=("UZOVI", "5502"), event_type=event_type
    )
    assert decision.allowed
    # ... and not from an aanbieder.
    denied = notificatie(
        pdp, za(), afzender=("AGB", AGB), ontvanger=("UZOVI", "5502"), event_type=event_type
    )
    assert not denied.allowed
