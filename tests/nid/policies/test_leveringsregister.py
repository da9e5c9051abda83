"""Leveringsregister policy: UCLR-0001…0010 allow and deny, LR-T1…T8 and the overlap-and-window
rule (registers.md §2.5, §3.4), and the global rules of network.md §3.6, on real GraphQL
requests through the PDP with a fake Bemiddelingsregister behind the PIP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from iwlz.nid.pdp import Decision, PipResult, PolicyDecisionPoint, pdp_input_for_query

NOW = dt.datetime(2026, 11, 27, 19, 50, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 27)
LR_SCOPE = "registers/leveringsregister/leveringen/levering:read"
IR_SCOPE = "registers/wlzindicatieregister/indicaties/indicatie:read"
TENANT = "12345678"  # the aanbieder whose Leveringsregister is asked
A = "87654321"  # another aanbieder, the caller of UCLR-0001/0002
U = "5050"  # a zorgkantoor, the caller of UCLR-0004…0010
RESPONSIBLE = "5151"
OTHER_ZK = "5252"

B = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1b01"  # the requested bemiddelingspecificatie
B_OTHER = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1b99"
RECORD = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # a leveringperiode/uitstelperiode/… ID


# --- a Bemiddelingsregister behind the PIP ------------------------------------------------------


@dataclass
class Spec:
    """One bemiddelingspecificatie in the fake Bemiddelingsregister."""

    id: str
    bemiddeling: str
    instelling: str | None = None
    uitvoerend: str | None = None
    ingang: str = "2025-01-01"
    eind: str | None = None
    vastgesteld: str = "2024-12-15T10:00:00.000+01:00"

    def row(self) -> dict[str, Any]:
        return {
            "toewijzingIngangsdatum": self.ingang,
            "toewijzingEinddatum": self.eind,
            "vaststellingMoment": self.vastgesteld,
        }


@dataclass
class FakeBR:
    """Answers the PIP-UCLR control queries of iwlz.nid.pip_queries the way a register would."""

    specs: list[Spec] = field(default_factory=list)
    responsible: dict[str, str] = field(default_factory=dict)  # bemiddeling -> uzovi
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> PipResult:
        self.calls.append((pip_id, dict(params)))
        b = params["bemiddelingspecificatieID"]
        targets = [s for s in self.specs if s.id == b]
        if pip_id == "PIP-UCLR-0004":
            return any(self.responsible.get(s.bemiddeling) == params["uzovi"] for s in targets)
        if pip_id == "PIP-UCLR-0006":
            u = params["uzovi"]
            return any(
                s.uitvoerend == u or self.responsible.get(s.bemiddeling) == u for s in targets
            )
        if pip_id in ("PIP-UCLR-0001", "PIP-UCLR-0009"):

            def own(s: Spec) -> bool:
                if pip_id == "PIP-UCLR-0001":
                    return s.instelling == params["agb"]
                return s.uitvoerend == params["uzovi"]

            return [
                {
                    "bemiddelingspecificatieID": t.id,
                    **t.row(),
                    "bemiddeling": {
                        "bemiddelingspecificatie": [
                            s.row() for s in self.specs if s.bemiddeling == t.bemiddeling and own(s)
                        ]
                    },
                }
                for t in targets
            ]
        raise ValueError(pip_id)


class FixedPip:
    """Answers every PIP with the same result (or raises it)."""

    def __init__(self, result: PipResult | Exception) -> None:
        self.result = result
        self.calls: list[str] = []

    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> PipResult:
        self.calls.append(pip_id)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


# --- the PDP ------------------------------------------------------------------------------------


def zorgkantoor(uzovi: str = U, *, scopes: tuple[str, ...] = (LR_SCOPE,)) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"uzovi:{uzovi}",
        "scopes": list(scopes),
        "instantie_type": "Zorgkantoor",
        "uzovi": uzovi,
        "agb": None,
        "kvk": None,
    }


def zorgaanbieder(agb: str = A, *, scopes: tuple[str, ...] = (LR_SCOPE,)) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"agb:{agb}",
        "scopes": list(scopes),
        "instantie_type": "Zorgaanbieder",
        "uzovi": None,
        "agb": agb,
        "kvk": None,
    }


ONDERNEMING = {
    "iss": "auth.nid",
    "client_id": "kvk:18065868",
    "scopes": [LR_SCOPE],
    "instantie_type": "Onderneming",
    "uzovi": None,
    "agb": None,
    "kvk": "18065868",
}


def decide(
    pip: Any,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    claims: Mapping[str, Any] | None = None,
    today: dt.date = TODAY,
    tenant: str | None = TENANT,
) -> Decision:
    pdp_input = pdp_input_for_query(
        register="leveringsregister",
        claims=claims if claims is not None else zorgkantoor(),
        query=query,
        variables=variables,
        now=NOW,
        today=today,
        resource={"tenant": tenant} if tenant is not None else None,
    )
    pdp = _pdp()
    pdp.pip = pip  # one compiled PDP per test process; each test brings its own PIP
    return pdp.decide(pdp_input)


_PDPS: list[PolicyDecisionPoint] = []


def _pdp() -> PolicyDecisionPoint:
    if not _PDPS:
        _PDPS.append(PolicyDecisionPoint(FixedPip(False)))
    return _PDPS[0]


@pytest.fixture(scope="module")
def shared_pdp() -> PolicyDecisionPoint:
    return PolicyDecisionPoint(FixedPip(False))


def assert_forbidden(decision: Decision, *reasons: str, use_case: str | None = None) -> None:
    assert not decision.allowed, decision
    assert (decision.http_status, decision.code) == (403, "FORBIDDEN"), decision
    assert decision.message is not None
    assert decision.message.endswith(" query: Policy: Access Denied"), decision.message
    for reason in reasons:
        assert reason in decision.reasons, decision.reasons
    if use_case is not None:
        assert decision.use_case == use_case, decision


def assert_allowed(decision: Decision, use_case: str) -> None:
    assert decision.allowed, decision
    assert (decision.http_status, decision.use_case) == (200, use_case), decision


# --- requests (the exact shapes a client sends; see the report / docs) --------------------------

LEVERING = """
    leveringID
    bemiddelingspecificatieID
    client { clientID bsn }
    leveringperiodes {
      leveringperiodeID ingangsdatum vaststellingMoment sleuteldatum einddatum
      beeindigingReden aanbiederBestemming
      behandelingperiodes { behandelingperiodeID ingangsdatum einddatum }
    }
    uitstelperiodes {
      uitstelperiodeID ingangsdatum vaststellingMoment reden leveringsstatus
      leveringsstatusClassificatie einddatum
    }
    afstel { afstelID afsteldatum vaststellingMoment reden aanbiederBestemming }
"""

# QLR-0001 (ZA), QLR-0009 (ZK executing) and QLR-0010 (ZK executing or responsible).
QLR_BY_BSPEC = f"""
query Levering($bemiddelingspecificatieID: UUID!) {{
  levering(where: {{bemiddelingspecificatieID: {{eq: $bemiddelingspecificatieID}}}}) {{
    {LEVERING}
  }}
}}"""

QLR_0002 = """
query VerzoekAanbieder($verzoekAanbiederID: UUID!, $aanbieder: String!) {
  verzoekAanbieder(where: {verzoekAanbiederID: {eq: $verzoekAanbiederID},
                           aanbieder: {eq: $aanbieder}}) {
    verzoekAanbiederID aanbieder toewijzingIngangsdatum toewijzingEinddatum
    toewijzingPercentage opname regiehouder
    verzoek {
      verzoekID verzoekdatum product toewijzingSoort leveringsvorm volume eenheid frequentie
      doelmatig toeslagreden verantwoord
      levering { leveringID client { clientID bsn } }
    }
  }
}"""

QLR_0004 = """
query Verzoek($verzoekID: UUID!, $bemiddelingspecificatieID: UUID!) {
  verzoek(where: {verzoekID: {eq: $verzoekID}}) {
    verzoekID verzoekdatum product toewijzingSoort leveringsvorm volume eenheid frequentie
    doelmatig toeslagreden verantwoord
    verzoekAanbieders {
      verzoekAanbiederID aanbieder toewijzingIngangsdatum toewijzingEinddatum
      toewijzingPercentage opname regiehouder
    }
    levering(where: {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}}) {
      leveringID bemiddelingspecificatieID client { clientID bsn }
    }
  }
}"""

QLR_0006 = f"""
query Leveringperiode($leveringperiodeID: UUID!, $bemiddelingspecificatieID: UUID!) {{
  leveringperiode(where: {{leveringperiodeID: {{eq: $leveringperiodeID}}}}) {{
    leveringperiodeID ingangsdatum vaststellingMoment sleuteldatum einddatum beeindigingReden
    aanbiederBestemming
    behandelingperiodes {{ behandelingperiodeID ingangsdatum einddatum }}
    levering(where: {{bemiddelingspecificatieID: {{eq: $bemiddelingspecificatieID}}}}) {{
      {LEVERING}
    }}
  }}
}}"""

QLR_0007 = f"""
query Uitstelperiode($uitstelperiodeID: UUID!, $bemiddelingspecificatieID: UUID!) {{
  uitstelperiode(where: {{uitstelperiodeID: {{eq: $uitstelperiodeID}}}}) {{
    uitstelperiodeID ingangsdatum vaststellingMoment reden leveringsstatus
    leveringsstatusClassificatie einddatum
    levering(where: {{bemiddelingspecificatieID: {{eq: $bemiddelingspecificatieID}}}}) {{
      {LEVERING}
    }}
  }}
}}"""

QLR_0008 = f"""
query Afstel($afstelID: UUID!, $bemiddelingspecificatieID: UUID!) {{
  afstel(where: {{afstelID: {{eq: $afstelID}}}}) {{
    afstelID afsteldatum vaststellingMoment reden aanbiederBestemming
    levering(where: {{bemiddelingspecificatieID: {{eq: $bemiddelingspecificatieID}}}}) {{
      {LEVERING}
    }}
  }}
}}"""

BY_BSPEC_VARS = {"bemiddelingspecificatieID": B}
QLR_0002_VARS = {"verzoekAanbiederID": RECORD, "aanbieder": A}
PERIOD_REQUESTS = {
    "UCLR-0006": (QLR_0006, {"leveringperiodeID": RECORD, "bemiddelingspecificatieID": B}),
    "UCLR-0007": (QLR_0007, {"uitstelperiodeID": RECORD, "bemiddelingspecificatieID": B}),
    "UCLR-0008": (QLR_0008, {"afstelID": RECORD, "bemiddelingspecificatieID": B}),
}
QLR_0004_VARS = {"verzoekID": RECORD, "bemiddelingspecificatieID": B}


def br_with_b(**spec: Any) -> FakeBR:
    """B (executed by U, in a bemiddeling RESPONSIBLE is responsible for) plus ``spec`` extras."""
    br = FakeBR(responsible={"bem-1": RESPONSIBLE})
    br.specs.append(Spec(B, "bem-1", instelling=TENANT, uitvoerend=U, **spec))
    return br


# --- templates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("register_query", "variables", "templates", "paths"),
    [
        (QLR_BY_BSPEC, BY_BSPEC_VARS, ["QLR-0001", "QLR-0009", "QLR-0010"], 31),
        (QLR_0002, QLR_0002_VARS, ["QLR-0002"], 24),
        (QLR_0004, QLR_0004_VARS, ["QLR-0004"], 25),
        (QLR_0006, PERIOD_REQUESTS["UCLR-0006"][1], ["QLR-0006"], 43),
        (QLR_0007, PERIOD_REQUESTS["UCLR-0007"][1], ["QLR-0007"], 39),
        (QLR_0008, PERIOD_REQUESTS["UCLR-0008"][1], ["QLR-0008"], 37),
    ],
)
def test_each_template_request_matches_exactly_its_templates(
    shared_pdp: PolicyDecisionPoint,
    register_query: str,
    variables: dict[str, Any],
    templates: list[str],
    paths: int,
) -> None:
    pdp_input = pdp_input_for_query(
        register="leveringsregister",
        claims=zorgkantoor(),
        query=register_query,
        variables=variables,
        now=NOW,
    )
    assert len(pdp_input["selection"]) == paths
    assert shared_pdp.template_verdict(pdp_input)["matches"] == templates


def test_a_part_of_a_template_still_matches() -> None:
    query = """query Leveringperiode($id: UUID!, $b: UUID!) {
      leveringperiode(where: {leveringperiodeID: {eq: $id}}) {
        einddatum levering(where: {bemiddelingspecificatieID: {eq: $b}}) { client { bsn } }
      }
    }"""
    decision = decide(FixedPip(True), query, {"id": RECORD, "b": B})
    assert_allowed(decision, "UCLR-0006")


# --- LR-T1 … LR-T8 (registers.md §3.4) ----------------------------------------------------------


def test_lr_t1_executing_zorgkantoor_is_allowed() -> None:
    br = br_with_b()
    query, variables = PERIOD_REQUESTS["UCLR-0006"]
    assert_allowed(decide(br, query, variables, claims=zorgkantoor(U)), "UCLR-0006")
    assert br.calls == [
        ("PIP-UCLR-0006", {"bemiddelingspecificatieID": B, "uzovi": U, "tenant": TENANT})
    ]


def test_lr_t2_responsible_zorgkantoor_is_allowed() -> None:
    br = br_with_b()
    query, variables = PERIOD_REQUESTS["UCLR-0006"]
    decision = decide(br, query, variables, claims=zorgkantoor(RESPONSIBLE))
    assert_allowed(decision, "UCLR-0006")
    assert [(c.id, c.result) for c in decision.pip_checks] == [("PIP-UCLR-0006", True)]


def test_lr_t3_uninvolved_zorgkantoor_is_denied() -> None:
    query, variables = PERIOD_REQUESTS["UCLR-0006"]
    decision = decide(br_with_b(), query, variables, claims=zorgkantoor(OTHER_ZK))
    assert_forbidden(decision, "pip_empty:PIP-UCLR-0006", use_case="UCLR-0006")
    assert decision.message == "Leveringperiode query: Policy: Access Denied"


def test_lr_t4_verzoeken_under_a_period_are_denied_without_asking_the_pip() -> None:
    br = br_with_b()
    query = QLR_0006.replace("afstel {", "verzoeken { verzoekID product } afstel {")
    decision = decide(br, query, PERIOD_REQUESTS["UCLR-0006"][1])
    assert_forbidden(
        decision,
        "template_mismatch:QLR-0006",
        "selection_outside_template:leveringperiode.levering.verzoeken",
        use_case="UCLR-0006",
    )
    assert br.calls == []


def test_lr_t5_aanbieder_named_in_the_verzoekaanbieder_is_allowed() -> None:
    br = br_with_b()
    assert_allowed(decide(br, QLR_0002, QLR_0002_VARS, claims=zorgaanbieder(A)), "UCLR-0002")
    assert br.calls == []  # no PIP


def test_lr_t6_other_aanbieder_is_denied() -> None:
    variables = {**QLR_0002_VARS, "aanbieder": "11111111"}
    decision = decide(br_with_b(), QLR_0002, variables, claims=zorgaanbieder(A))
    assert_forbidden(decision, "claim_mismatch:aanbieder", use_case="UCLR-0002")


def informative(
    own_ingang: str, own_eind: str | None, own_vastgesteld: str | None = None, **target: Any
) -> FakeBR:
    """B is another aanbieder's (informative) bspec 2025-03-01..2025-09-30 by default; A has an
    own bspec in the same bemiddeling (and one in another bemiddeling, which never counts)."""
    br = FakeBR(responsible={"bem-1": RESPONSIBLE, "bem-2": RESPONSIBLE})
    values = {
        "ingang": "2025-03-01",
        "eind": "2025-09-30",
        "vastgesteld": "2025-02-15T10:00:00.000+01:00",
    }
    values.update(target)
    br.specs.append(Spec(B, "bem-1", instelling=TENANT, uitvoerend=RESPONSIBLE, **values))
    br.specs.append(
        Spec(
            "own",
            "bem-1",
            instelling=A,
            uitvoerend=U,
            ingang=own_ingang,
            eind=own_eind,
            vastgesteld=own_vastgesteld or f"{own_ingang}T09:00:00.000+01:00",
        )
    )
    br.specs.append(Spec("elsewhere", "bem-2", instelling=A, uitvoerend=U, ingang="2020-01-01"))
    return br


def test_lr_t7_aanbieder_with_an_overlapping_own_bspec_is_allowed() -> None:
    br = informative("2025-01-01", None)
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A))
    assert_allowed(decision, "UCLR-0001")
    assert br.calls == [
        ("PIP-UCLR-0001", {"bemiddelingspecificatieID": B, "agb": A, "tenant": TENANT})
    ]
    assert decision.pip_checks[0].summary() == "rows:1"


def test_lr_t8_aanbieder_whose_own_bspec_ended_before_is_denied() -> None:
    br = informative("2024-01-01", "2024-12-31")
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A))
    assert_forbidden(decision, "pip_no_overlap:PIP-UCLR-0001", use_case="UCLR-0001")


# --- UCLR-0001 / UCLR-0009: overlap and window (registers.md §2.5) ---------------------------


@pytest.mark.parametrize(
    ("own_ingang", "own_eind", "target", "allowed"),
    [
        # own starts on the target's last day / the day after (decided later still)
        ("2025-09-30", None, {"own_vastgesteld": "2025-10-20T10:00:00.000+02:00"}, True),
        ("2025-10-01", None, {"own_vastgesteld": "2025-10-20T10:00:00.000+02:00"}, False),
        # own starts after the target, but was decided on the target's last day / the day after
        ("2025-11-01", None, {"own_vastgesteld": "2025-09-30T23:00:00.000+02:00"}, True),
        ("2025-11-01", None, {"own_vastgesteld": "2025-10-01T00:00:00.000+02:00"}, False),
        # own ends on the target's first day / the day before (target decided afterwards)
        ("2024-01-01", "2025-03-01", {"vastgesteld": "2025-03-10T08:00:00.000+01:00"}, True),
        ("2024-01-01", "2025-02-28", {"vastgesteld": "2025-03-10T08:00:00.000+01:00"}, False),
        # own ends the day before the target starts: it still overlaps if it had not ended
        # when the target was decided (d(vaststellingMoment) <= own end), else not
        ("2024-01-01", "2025-02-28", {"vastgesteld": "2025-02-15T10:00:00.000+01:00"}, True),
        ("2024-01-01", "2025-02-28", {"vastgesteld": "2025-02-28T23:59:00.000+01:00"}, True),
        ("2024-01-01", "2025-02-28", {"vastgesteld": "2025-03-01T00:00:00.000+01:00"}, False),
        # an open-ended target overlaps every own that has not ended before it
        ("2030-01-01", None, {"eind": None}, True),
    ],
)
def test_uclr0001_overlap_boundaries(
    own_ingang: str, own_eind: str | None, target: dict[str, Any], allowed: bool
) -> None:
    br = informative(own_ingang, own_eind, **target)
    today = dt.date(2026, 1, 15)  # inside every window here
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A), today=today)
    if allowed:
        assert_allowed(decision, "UCLR-0001")
    else:
        assert_forbidden(decision, "pip_no_overlap:PIP-UCLR-0001", use_case="UCLR-0001")


def test_uclr0001_own_decided_before_the_target_ends_overlaps() -> None:
    # own starts after the target (2025-10-01) but its vaststellingMoment is 2025-09-30.
    br = informative("2025-10-01", None)
    br.specs[1].vastgesteld = "2025-09-30T16:00:00.000+02:00"
    assert_allowed(decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A)), "UCLR-0001")


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(dt.date(2026, 5, 31), True), (dt.date(2026, 6, 1), False)],
)
def test_uclr0001_window_ends_31_may_after_the_own_end(today: dt.date, allowed: bool) -> None:
    br = informative("2025-01-01", "2025-06-30")
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A), today=today)
    if allowed:
        assert_allowed(decision, "UCLR-0001")
    else:
        assert_forbidden(decision, "pip_window_closed:PIP-UCLR-0001", use_case="UCLR-0001")


def test_uclr0001_the_latest_overlapping_own_end_decides_the_window() -> None:
    br = informative("2025-01-01", "2025-04-30")
    br.specs.append(Spec("own-2", "bem-1", instelling=A, ingang="2025-05-01", eind="2026-01-31"))
    decision = decide(
        br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A), today=dt.date(2027, 5, 31)
    )
    assert_allowed(decision, "UCLR-0001")
    decision = decide(
        br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A), today=dt.date(2027, 6, 1)
    )
    assert_forbidden(decision, "pip_window_closed:PIP-UCLR-0001")


def test_uclr0001_open_own_bspec_has_no_window() -> None:
    br = informative("2025-01-01", None)
    decision = decide(
        br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A), today=dt.date(2040, 1, 1)
    )
    assert_allowed(decision, "UCLR-0001")


def test_uclr0001_without_own_bspec_in_the_bemiddeling_is_denied() -> None:
    br = informative("2025-01-01", None)
    br.specs[1].instelling = "99999999"  # the "own" one is someone else's now
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A))
    assert_forbidden(decision, "pip_empty:PIP-UCLR-0001", use_case="UCLR-0001")


def test_uclr0001_unknown_bspec_is_denied() -> None:
    decision = decide(FakeBR(), QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A))
    assert_forbidden(decision, "pip_empty:PIP-UCLR-0001", use_case="UCLR-0001")


def test_uclr0001_rows_of_another_bspec_do_not_count() -> None:
    # The PIP answer must be about B; rows about another bspec are ignored.
    rows = [
        {
            "bemiddelingspecificatieID": B_OTHER,
            "toewijzingIngangsdatum": "2025-01-01",
            "toewijzingEinddatum": None,
            "vaststellingMoment": "2024-12-01T10:00:00+01:00",
            "bemiddeling": {
                "bemiddelingspecificatie": [
                    {
                        "toewijzingIngangsdatum": "2025-01-01",
                        "toewijzingEinddatum": None,
                        "vaststellingMoment": None,
                    }
                ]
            },
        }
    ]
    decision = decide(FixedPip(rows), QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A))
    assert_forbidden(decision, "pip_empty:PIP-UCLR-0001")


@pytest.mark.parametrize(
    "rows",
    [
        {"not": "a list"},
        [{"bemiddelingspecificatieID": B, "bemiddeling": None}],
        # fields left out are not null: neither end counts as open
        [
            {
                "bemiddelingspecificatieID": B,
                "toewijzingIngangsdatum": "2025-03-01",
                "vaststellingMoment": "2025-02-01T10:00:00+01:00",
                "bemiddeling": {
                    "bemiddelingspecificatie": [{"toewijzingIngangsdatum": "2099-01-01"}]
                },
            }
        ],
        [{"bemiddelingspecificatieID": B, "bemiddeling": {"bemiddelingspecificatie": "x"}}],
        [
            {
                "bemiddelingspecificatieID": B,
                "toewijzingIngangsdatum": "01-03-2025",
                "toewijzingEinddatum": "garbage",
                "vaststellingMoment": 7,
                "bemiddeling": {
                    "bemiddelingspecificatie": [
                        {"toewijzingIngangsdatum": 1, "toewijzingEinddatum": "x"}
                    ]
                },
            }
        ],
    ],
)
def test_uclr0001_malformed_pip_rows_deny(rows: Any) -> None:
    decision = decide(FixedPip(rows), QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(A))
    assert not decision.allowed
    assert decision.http_status == 403


def test_uclr0009_executing_zorgkantoor_with_overlapping_own_bspec_is_allowed() -> None:
    br = informative("2025-01-01", "2026-03-31")  # own: uitvoerend U, window to 2027-05-31
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgkantoor(U))
    assert_allowed(decision, "UCLR-0009")
    # UCLR-0010's yes/no question first (U neither executes B nor is responsible), then 0009.
    assert br.calls == [
        ("PIP-UCLR-0006", {"bemiddelingspecificatieID": B, "uzovi": U, "tenant": TENANT}),
        ("PIP-UCLR-0009", {"bemiddelingspecificatieID": B, "uzovi": U, "tenant": TENANT}),
    ]


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(dt.date(2027, 5, 31), True), (dt.date(2027, 6, 1), False)],
)
def test_uclr0009_window(today: dt.date, allowed: bool) -> None:
    br = informative("2025-01-01", "2026-03-31")
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgkantoor(U), today=today)
    if allowed:
        assert_allowed(decision, "UCLR-0009")
    else:
        assert_forbidden(decision, "pip_window_closed:PIP-UCLR-0009", use_case="UCLR-0009")


def test_uclr0009_no_overlap_is_denied() -> None:
    br = informative("2025-10-01", None)
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgkantoor(U))
    assert_forbidden(decision, "pip_no_overlap:PIP-UCLR-0009", use_case="UCLR-0009")


def test_uclr0009_other_zorgkantoor_is_denied() -> None:
    br = informative("2025-01-01", None)
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgkantoor(OTHER_ZK))
    assert_forbidden(decision, "pip_empty:PIP-UCLR-0009")


# --- UCLR-0010 (QLR-0009 shape, PIP-UCLR-0006) ---------------------------------------------------


@pytest.mark.parametrize("uzovi", [U, RESPONSIBLE])
def test_uclr0010_executing_or_responsible_zorgkantoor_reads_the_levering(uzovi: str) -> None:
    br = br_with_b()
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgkantoor(uzovi))
    assert_allowed(decision, "UCLR-0010")
    assert [c for c, _ in br.calls] == ["PIP-UCLR-0006"]  # 0009's rows not needed


def test_uclr0010_zorgaanbieder_goes_through_uclr0001_only() -> None:
    br = br_with_b()
    decision = decide(br, QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder(TENANT))
    # TENANT's own bspec B: B overlaps itself, so UCLR-0001 allows; no zorgkantoor PIP runs.
    assert_allowed(decision, "UCLR-0001")
    assert [c for c, _ in br.calls] == ["PIP-UCLR-0001"]


# --- UCLR-0002 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("replace", "reason"),
    [
        ("verantwoord\n", "verantwoord verzoekAanbieders { aanbieder }\n"),
        ("levering { leveringID", "levering { bemiddelingspecificatieID leveringID"),
        ("levering { leveringID", "levering { leveringperiodes { einddatum } leveringID"),
        ("levering { leveringID", "levering { verzoeken { verzoekID } leveringID"),
        ("client { clientID bsn }", "client { clientID bsn leveringen { leveringID } }"),
    ],
)
def test_uclr0002_data_outside_the_readable_set_is_denied(replace: str, reason: str) -> None:
    query = QLR_0002.replace(replace, reason, 1)
    assert query != QLR_0002
    decision = decide(br_with_b(), query, QLR_0002_VARS, claims=zorgaanbieder(A))
    assert_forbidden(decision, "template_mismatch:QLR-0002", use_case="UCLR-0002")


def test_uclr0002_zorgkantoor_is_denied() -> None:
    decision = decide(br_with_b(), QLR_0002, QLR_0002_VARS, claims=zorgkantoor(U))
    assert_forbidden(decision, "instantie_type_not_zorgaanbieder", "claim_missing:agb")


def test_uclr0002_aanbieder_must_be_given() -> None:
    query = """query VerzoekAanbieder($id: UUID!) {
      verzoekAanbieder(where: {verzoekAanbiederID: {eq: $id}}) { aanbieder }
    }"""
    decision = decide(br_with_b(), query, {"id": RECORD}, claims=zorgaanbieder(A))
    assert_forbidden(decision, "where_missing:aanbieder.eq", "argument_missing:aanbieder.eq")


def test_uclr0002_verzoekaanbieder_id_must_be_a_uuid() -> None:
    variables = {"verzoekAanbiederID": "1", "aanbieder": A}
    decision = decide(br_with_b(), QLR_0002, variables, claims=zorgaanbieder(A))
    assert_forbidden(decision, "argument_missing:verzoekAanbiederID.eq", use_case="UCLR-0002")


def test_uclr0002_with_the_agb_in_a_zorgkantoor_token_is_denied() -> None:
    claims = {**zorgkantoor(U), "agb": A}
    decision = decide(br_with_b(), QLR_0002, QLR_0002_VARS, claims=claims)
    assert_forbidden(decision, "instantie_type_not_zorgaanbieder")


# --- UCLR-0004 ------------------------------------------------------------------------------------


def test_uclr0004_responsible_zorgkantoor_is_allowed() -> None:
    br = br_with_b()
    decision = decide(br, QLR_0004, QLR_0004_VARS, claims=zorgkantoor(RESPONSIBLE))
    assert_allowed(decision, "UCLR-0004")
    assert br.calls == [
        (
            "PIP-UCLR-0004",
            {"bemiddelingspecificatieID": B, "uzovi": RESPONSIBLE, "tenant": TENANT},
        )
    ]


def test_uclr0004_executing_zorgkantoor_is_denied() -> None:
    decision = decide(br_with_b(), QLR_0004, QLR_0004_VARS, claims=zorgkantoor(U))
    assert_forbidden(decision, "pip_empty:PIP-UCLR-0004", use_case="UCLR-0004")


def test_uclr0004_zorgaanbieder_is_denied_without_asking_the_pip() -> None:
    br = br_with_b()
    for claims in (zorgaanbieder(A), {**zorgaanbieder(A), "uzovi": RESPONSIBLE}):
        decision = decide(br, QLR_0004, QLR_0004_VARS, claims=claims)
        assert_forbidden(decision, "instantie_type_not_zorgkantoor", use_case="UCLR-0004")
    assert br.calls == []


def test_uclr0004_period_entities_are_not_readable() -> None:
    query = QLR_0004.replace("leveringID bemiddelingspecificatieID", "leveringID afstel { reden }")
    decision = decide(br_with_b(), query, QLR_0004_VARS, claims=zorgkantoor(RESPONSIBLE))
    assert_forbidden(
        decision, "selection_outside_template:verzoek.levering.afstel", use_case="UCLR-0004"
    )


def test_uclr0004_without_the_nested_levering_where_is_denied() -> None:
    br = br_with_b()
    query = QLR_0004.replace(
        "levering(where: {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}})",
        "levering",
    ).replace(", $bemiddelingspecificatieID: UUID!", "")
    decision = decide(br, query, {"verzoekID": RECORD}, claims=zorgkantoor(RESPONSIBLE))
    assert_forbidden(
        decision,
        "nested_argument_missing:verzoek.levering(where)",
        "nested_argument_missing:verzoek.levering(where.bemiddelingspecificatieID.eq)",
        use_case="UCLR-0004",
    )
    assert br.calls == []


# --- UCLR-0006 / 0007 / 0008 ----------------------------------------------------------------------


@pytest.mark.parametrize("use_case", sorted(PERIOD_REQUESTS))
@pytest.mark.parametrize("uzovi", [U, RESPONSIBLE])
def test_period_use_cases_allow_executing_and_responsible(use_case: str, uzovi: str) -> None:
    query, variables = PERIOD_REQUESTS[use_case]
    br = br_with_b()
    assert_allowed(decide(br, query, variables, claims=zorgkantoor(uzovi)), use_case)
    assert [c for c, _ in br.calls] == ["PIP-UCLR-0006"]


@pytest.mark.parametrize("use_case", sorted(PERIOD_REQUESTS))
def test_period_use_cases_deny_others(use_case: str) -> None:
    query, variables = PERIOD_REQUESTS[use_case]
    br = br_with_b()
    assert_forbidden(
        decide(br, query, variables, claims=zorgkantoor(OTHER_ZK)),
        "pip_empty:PIP-UCLR-0006",
        use_case=use_case,
    )
    decision = decide(br, query, variables, claims=zorgaanbieder(A))
    assert_forbidden(decision, "instantie_type_not_zorgkantoor", use_case=use_case)
    decision = decide(br, query, variables, claims=ONDERNEMING)
    assert_forbidden(decision, "instantie_type_not_zorgkantoor", "claim_missing:uzovi")
    # Only the zorgkantoor's own round asked the PIP.
    assert [c for c, _ in br.calls] == ["PIP-UCLR-0006"]


@pytest.mark.parametrize("use_case", sorted(PERIOD_REQUESTS))
def test_period_use_cases_need_b_in_the_nested_levering_where(use_case: str) -> None:
    query, variables = PERIOD_REQUESTS[use_case]
    br = br_with_b()
    root = {"UCLR-0006": "leveringperiode", "UCLR-0007": "uitstelperiode", "UCLR-0008": "afstel"}
    # The levering without its where: the register would not bind the record to B.
    unbound = query.replace(
        "levering(where: {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}})",
        "levering",
    ).replace(", $bemiddelingspecificatieID: UUID!", "")
    without_b = {k: v for k, v in variables.items() if k != "bemiddelingspecificatieID"}
    decision = decide(br, unbound, without_b)
    assert_forbidden(
        decision, f"nested_argument_missing:{root[use_case]}.levering(where)", use_case=use_case
    )
    # B as a variable that was not given: the nested where is empty.
    decision = decide(br, query, without_b)
    assert_forbidden(
        decision,
        f"nested_argument_missing:{root[use_case]}.levering(where.bemiddelingspecificatieID.eq)",
        use_case=use_case,
    )
    # B is not a UUID.
    decision = decide(br, query, {**variables, "bemiddelingspecificatieID": "B"})
    assert_forbidden(decision, use_case=use_case)
    assert br.calls == []


@pytest.mark.parametrize(
    "nested",
    [
        "{bemiddelingspecificatieID: {eq: $b}, clientID: {eq: $b}}",
        "{leveringID: {eq: $b}}",
        "{bemiddelingspecificatieID: {eq: null}}",
    ],
)
def test_uclr0006_nested_where_must_be_exactly_b(nested: str) -> None:
    query = f"""query Leveringperiode($id: UUID!, $b: UUID!) {{
      leveringperiode(where: {{leveringperiodeID: {{eq: $id}}}}) {{
        einddatum levering(where: {nested}) {{ leveringID }}
      }}
    }}"""
    br = br_with_b()
    decision = decide(br, query, {"id": RECORD, "b": B})
    assert_forbidden(
        decision,
        "nested_argument_missing:leveringperiode.levering(where.bemiddelingspecificatieID.eq)",
        use_case="UCLR-0006",
    )
    assert br.calls == []


def test_uclr0006_two_levering_fields_with_different_b_are_denied() -> None:
    query = """query Leveringperiode($id: UUID!, $b: UUID!, $other: UUID!) {
      leveringperiode(where: {leveringperiodeID: {eq: $id}}) {
        a: levering(where: {bemiddelingspecificatieID: {eq: $b}}) { leveringID }
        b: levering(where: {bemiddelingspecificatieID: {eq: $other}}) { leveringID }
      }
    }"""
    decision = decide(br_with_b(), query, {"id": RECORD, "b": B, "other": B_OTHER})
    assert_forbidden(
        decision,
        "nested_argument_not_in_template:leveringperiode.levering#2(where)",
        use_case="UCLR-0006",
    )


def test_uclr0006_a_skipped_binding_levering_is_denied() -> None:
    query = """query Leveringperiode($id: UUID!, $b: UUID!) {
      leveringperiode(where: {leveringperiodeID: {eq: $id}}) {
        einddatum
        levering(where: {bemiddelingspecificatieID: {eq: $b}}) @skip(if: true) { leveringID }
      }
    }"""
    assert not decide(br_with_b(), query, {"id": RECORD, "b": B}).allowed


@pytest.mark.parametrize(
    "binding",
    [
        "... @skip(if: true) { levering(where: {bemiddelingspecificatieID: {eq: $b}}) "
        "{ leveringID } }",
        "... @include(if: false) { levering(where: {bemiddelingspecificatieID: {eq: $b}}) "
        "{ leveringID } }",
        "...Binding @skip(if: true)",
        "...BindingSkipped",
    ],
)
def test_uclr0006_a_binding_under_a_skipped_fragment_is_denied(binding: str) -> None:
    # The directive sits on the fragment, not on the field whose arguments the policy checked.
    query = (
        """query Leveringperiode($id: UUID!, $b: UUID!) {
      leveringperiode(where: {leveringperiodeID: {eq: $id}}) { einddatum %s }
    }
    fragment Binding on Leveringperiode {
      levering(where: {bemiddelingspecificatieID: {eq: $b}}) { leveringID }
    }
    fragment BindingSkipped on Leveringperiode @skip(if: true) {
      levering(where: {bemiddelingspecificatieID: {eq: $b}}) { leveringID }
    }"""
        % binding
    )
    decision = decide(br_with_b(), query, {"id": RECORD, "b": B})
    assert not decision.allowed
    assert decision.http_status == 403


def test_uclr0006_record_id_must_be_given() -> None:
    # $leveringperiodeID not given: the where holds no ID.
    decision = decide(br_with_b(), QLR_0006, {"bemiddelingspecificatieID": B})
    assert_forbidden(decision, "argument_missing:leveringperiodeID.eq", use_case="UCLR-0006")


def test_uclr0006_other_filters_or_nested_arguments_are_denied() -> None:
    query = QLR_0006.replace(
        "leveringperiodeID: {eq: $leveringperiodeID}",
        "leveringperiodeID: {eq: $leveringperiodeID}, einddatum: {eq: null}",
    )
    decision = decide(br_with_b(), query, PERIOD_REQUESTS["UCLR-0006"][1])
    assert_forbidden(decision, "where_not_in_template:einddatum.eq", use_case="UCLR-0006")
    query = QLR_0006.replace(
        "leveringperiodes {", "leveringperiodes(where: {einddatum: {eq: null}}) {"
    )
    decision = decide(br_with_b(), query, PERIOD_REQUESTS["UCLR-0006"][1])
    assert_forbidden(
        decision,
        "nested_argument_not_in_template:leveringperiode.levering.leveringperiodes(where)",
    )


def test_uclr0008_levering_afstel_may_be_selected_too() -> None:
    query, variables = PERIOD_REQUESTS["UCLR-0008"]
    assert "afstel { afstelID" in query
    assert_allowed(decide(br_with_b(), query, variables), "UCLR-0008")


@pytest.mark.parametrize(
    "path",
    [
        "client { leveringen { leveringID } }",
        "leveringperiodes { behandelingperiodes { leveringperiode { leveringperiodeID } } }",
        "uitstelperiodes { levering { leveringID } }",
    ],
)
def test_back_references_are_outside_every_template(path: str) -> None:
    query = QLR_BY_BSPEC.replace("leveringID\n", f"leveringID {path}\n", 1)
    br = br_with_b()
    decision = decide(br, query, BY_BSPEC_VARS)
    assert_forbidden(decision, "template_mismatch:QLR-0009")
    assert br.calls == []


# --- claims, scope, global rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (QLR_BY_BSPEC, BY_BSPEC_VARS),
        (QLR_0002, QLR_0002_VARS),
        (QLR_0004, QLR_0004_VARS),
        *PERIOD_REQUESTS.values(),
    ],
)
def test_onderneming_is_denied_everywhere(query: str, variables: dict[str, Any]) -> None:
    br = br_with_b()
    assert_forbidden(decide(br, query, variables, claims=ONDERNEMING))
    assert br.calls == []


@pytest.mark.parametrize("scopes", [(), (IR_SCOPE,), ("registers/leveringsregister",)])
def test_missing_scope_is_a_bad_request(scopes: tuple[str, ...]) -> None:
    br = br_with_b()
    decision = decide(br, QLR_0002, QLR_0002_VARS, claims=zorgaanbieder(A, scopes=scopes))
    assert (decision.allowed, decision.http_status, decision.code) == (False, 400, "BAD_REQUEST")
    assert decision.message == "VerzoekAanbieder query: scope not allowed"
    assert br.calls == []


def test_claims_of_the_wrong_length_are_missing() -> None:
    query, variables = PERIOD_REQUESTS["UCLR-0006"]
    assert_forbidden(
        decide(br_with_b(), query, variables, claims=zorgkantoor("505")), "claim_missing:uzovi"
    )
    variables = {**QLR_0002_VARS, "aanbieder": "1234567"}
    decision = decide(br_with_b(), QLR_0002, variables, claims=zorgaanbieder("1234567"))
    assert_forbidden(decision, "claim_missing:agb")


def test_missing_b_on_the_levering_root_is_denied() -> None:
    query = QLR_BY_BSPEC.replace(
        "levering(where: {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}})",
        "levering",
    ).replace("($bemiddelingspecificatieID: UUID!)", "")
    br = br_with_b()
    assert_forbidden(
        decide(br, query, claims=zorgkantoor()), "where_missing:bemiddelingspecificatieID.eq"
    )
    assert_forbidden(
        decide(br, QLR_BY_BSPEC, {"bemiddelingspecificatieID": None}, claims=zorgaanbieder()),
        "argument_missing:bemiddelingspecificatieID.eq",
    )
    assert br.calls == []


def test_levering_by_client_or_levering_id_is_no_template() -> None:
    query = QLR_BY_BSPEC.replace("bemiddelingspecificatieID: {eq:", "clientID: {eq:", 1)
    assert_forbidden(decide(br_with_b(), query, BY_BSPEC_VARS), "where_not_in_template:clientID.eq")


def test_mutation_unknown_root_and_two_root_fields_are_bad_requests() -> None:
    br = br_with_b()
    decision = decide(br, "mutation M { levering(where: {}) { leveringID } }")
    assert (decision.http_status, decision.message) == (400, "No operation found to evaluate")
    decision = decide(br, "query Q { behandelingperiode { behandelingperiodeID } }")
    assert (decision.http_status, decision.message) == (400, "No operation found to evaluate")
    two = """query Q($b: UUID!) {
      levering(where: {bemiddelingspecificatieID: {eq: $b}}) { leveringID }
      afstel(where: {afstelID: {eq: $b}}) { afstelID }
    }"""
    decision = decide(br, two, {"b": B})
    assert (decision.http_status, decision.message) == (
        400,
        "Only one selectionset in an operation is supported.",
    )
    ops = QLR_0002 + "\nquery Other { afstel { afstelID } }"
    decision = decide(br, ops, QLR_0002_VARS, claims=zorgaanbieder(A))
    assert (decision.http_status, decision.message) == (
        400,
        "Only one operation at the time is supported.",
    )
    assert br.calls == []


def test_anonymous_operation_has_no_name_in_the_message() -> None:
    query = (
        f"""{{ levering(where: {{bemiddelingspecificatieID: {{eq: "{B}"}}}}) {{ leveringID }} }}"""
    )
    decision = decide(FakeBR(), query, claims=zorgaanbieder(A))
    assert decision.message == "query: Policy: Access Denied"


def test_without_a_tenant_the_pip_gets_no_tenant() -> None:
    br = br_with_b()
    query, variables = PERIOD_REQUESTS["UCLR-0006"]
    assert_allowed(decide(br, query, variables, tenant=None), "UCLR-0006")
    assert br.calls == [("PIP-UCLR-0006", {"bemiddelingspecificatieID": B, "uzovi": U})]


# --- PIP failure -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "claims", "pip_id", "use_case"),
    [
        (QLR_0004, QLR_0004_VARS, zorgkantoor(), "PIP-UCLR-0004", "UCLR-0004"),
        (*PERIOD_REQUESTS["UCLR-0007"], zorgkantoor(), "PIP-UCLR-0006", "UCLR-0007"),
        (QLR_BY_BSPEC, BY_BSPEC_VARS, zorgaanbieder(), "PIP-UCLR-0001", "UCLR-0001"),
        (QLR_BY_BSPEC, BY_BSPEC_VARS, zorgkantoor(), "PIP-UCLR-0006", "UCLR-0010"),
    ],
)
def test_pip_failure_fails_closed(
    query: str, variables: dict[str, Any], claims: dict[str, Any], pip_id: str, use_case: str
) -> None:
    pip = FixedPip(TimeoutError("Bemiddelingsregister did not answer"))
    decision = decide(pip, query, variables, claims=claims)
    assert not decision.allowed
    assert (decision.http_status, decision.code) == (500, "INTERNAL_SERVER_ERROR")
    assert decision.message is not None and decision.message.endswith(
        " query: Internal Server Error"
    )
    assert decision.use_case == use_case
    assert f"pip_error:{pip_id}" in decision.reasons
    # The first failure stops the PIP round.
    assert pip.calls == [pip_id]


def test_a_bare_true_from_a_row_pip_does_not_allow() -> None:
    decision = decide(FixedPip(True), QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder())
    assert_forbidden(decision, "pip_malformed:PIP-UCLR-0001", use_case="UCLR-0001")


def test_pip_false_for_row_pips_denies() -> None:
    # A PIP that answers "no rows" as False instead of [] still denies.
    decision = decide(FixedPip(False), QLR_BY_BSPEC, BY_BSPEC_VARS, claims=zorgaanbieder())
    assert_forbidden(decision, "pip_empty:PIP-UCLR-0001", use_case="UCLR-0001")


def test_same_shape_different_claims_different_decisions(shared_pdp: PolicyDecisionPoint) -> None:
    def run(claims: dict[str, Any], variables: dict[str, Any]) -> Decision:
        return shared_pdp.decide(
            pdp_input_for_query(
                register="leveringsregister",
                claims=claims,
                query=QLR_0002,
                variables=variables,
                now=NOW,
                resource={"tenant": TENANT},
            )
        )

    assert run(zorgaanbieder(A), QLR_0002_VARS).allowed
    assert_forbidden(run(zorgaanbieder("11111111"), QLR_0002_VARS), "claim_mismatch:aanbieder")
    assert run(zorgaanbieder("11111111"), {**QLR_0002_VARS, "aanbieder": "11111111"}).allowed
