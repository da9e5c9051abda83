"""Bemiddelingsregister policy: UCBR-0001…0013 and nID's PIP templates allow and deny,
BR-T1…T14 (registers.md §2.5), windows, nested date filters, the overlap-and-window rule on
PIP-UCBR-0012/0013 rows, and the global rules of network.md §3.6, on real GraphQL requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

import iwlz.nid.pdp as pdp_module
from iwlz.nid.pdp import Decision, PolicyDecisionPoint, pdp_input_for_query
from iwlz.nid.pip_queries import PIP_QUERIES

NOW = dt.datetime(2026, 11, 27, 19, 50, tzinfo=dt.UTC)
BR_SCOPE = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"
BR_CREATE = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:create"
IR_SCOPE = "registers/wlzindicatieregister/indicaties/indicatie:read"
TENANT = "5501"

AGB = "12345678"
AGB_OTHER = "87654321"
UZOVI = "5050"
UZOVI_OTHER = "5151"
CIZ_KVK = "62253778"
NID_KVK = "18065868"

BS = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # the requested bemiddelingspecificatie
BS_OWN = "3fa85f64-5717-4562-b3fc-2c963f66afa7"  # the caller's own one (UCBR-0013)
RH = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a01"
OV = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a02"
X = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a03"

# Own bemiddelingspecificatie of QBR-0002/0005 (the example of the templates).
I = "2020-02-19"  # noqa: E741
E = "2024-03-17"
E2 = "2026-03-17"
E31 = "2025-05-31"


# --- callers ---------------------------------------------------------------------------------


def zorgaanbieder(agb: str = AGB, *, scopes: tuple[str, ...] = (BR_SCOPE,)) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"agb:{agb}",
        "scopes": list(scopes),
        "instantie_type": "Zorgaanbieder",
        "uzovi": None,
        "agb": agb,
        "kvk": None,
    }


def zorgkantoor(uzovi: str = UZOVI, *, scopes: tuple[str, ...] = (BR_SCOPE,)) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"uzovi:{uzovi}",
        "scopes": list(scopes),
        "instantie_type": "Zorgkantoor",
        "uzovi": uzovi,
        "agb": None,
        "kvk": None,
    }


def onderneming(kvk: str, *, scopes: tuple[str, ...] = (BR_SCOPE,)) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"kvk:{kvk}",
        "scopes": list(scopes),
        "instantie_type": "Onderneming",
        "uzovi": None,
        "agb": None,
        "kvk": kvk,
    }


ZA = zorgaanbieder()
ZK = zorgkantoor()
CIZ = onderneming(CIZ_KVK)
NID = onderneming(NID_KVK)

# Every kind of caller, with the codes a use case could expect: for the "only the right caller"
# tests.
CALLERS: dict[str, dict[str, Any]] = {
    "za": ZA,
    "zk": ZK,
    "ciz": CIZ,
    "nid": NID,
    "other_onderneming": onderneming("12345670"),
    # The right codes under the wrong instantie type.
    "za_with_uzovi": {**ZA, "uzovi": UZOVI},
    "zk_with_agb": {**ZK, "agb": AGB},
    "zk_with_ciz_kvk": {**ZK, "kvk": CIZ_KVK},
    "ciz_kvk_as_zorgaanbieder": {**ZA, "kvk": CIZ_KVK},
    "nid_kvk_as_zorgkantoor": {**ZK, "kvk": NID_KVK},
}


# --- the PIP: rows of PIP-UCBR-0012/0013 ------------------------------------------------------


class RowsPip:
    """Answers PIP-UCBR-0012/0013 with the rows set per test; records what it was asked."""

    def __init__(self) -> None:
        self.rows: dict[str, Any] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []

    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> Any:
        self.calls.append((pip_id, dict(params)))
        answer = self.rows.get(pip_id, [])
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(scope="module")
def pdp_and_pip() -> tuple[PolicyDecisionPoint, RowsPip]:
    pip = RowsPip()
    return PolicyDecisionPoint(pip), pip


@pytest.fixture
def pip(pdp_and_pip: tuple[PolicyDecisionPoint, RowsPip]) -> Iterator[RowsPip]:
    _, pip = pdp_and_pip
    pip.rows.clear()
    pip.calls.clear()
    yield pip


@pytest.fixture
def pdp(pdp_and_pip: tuple[PolicyDecisionPoint, RowsPip], pip: RowsPip) -> PolicyDecisionPoint:
    return pdp_and_pip[0]


def pdp_input(
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    claims: Mapping[str, Any],
    today: str = "2025-01-15",
    tenant: str | None = TENANT,
    register: str = "bemiddelingsregister",
) -> dict[str, Any]:
    return pdp_input_for_query(
        register=register,
        claims=claims,
        query=query,
        variables=variables,
        now=NOW,
        today=dt.date.fromisoformat(today),
        resource={"tenant": tenant} if tenant is not None else None,
    )


def decide(
    pdp: PolicyDecisionPoint,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    claims: Mapping[str, Any],
    today: str = "2025-01-15",
    tenant: str | None = TENANT,
) -> Decision:
    return pdp.decide(pdp_input(query, variables, claims=claims, today=today, tenant=tenant))


def assert_allowed(decision: Decision, use_case: str) -> None:
    assert decision.allowed, decision
    assert (decision.http_status, decision.use_case) == (200, use_case), decision


def assert_forbidden(decision: Decision, *reasons: str, use_case: str | None = None) -> None:
    assert not decision.allowed
    assert (decision.http_status, decision.code) == (403, "FORBIDDEN"), decision
    # "<OperationName> query: Policy: Access Denied" (network.md §3.6, as the IR)
    assert decision.message is not None
    assert decision.message.endswith(" query: Policy: Access Denied"), decision.message
    for reason in reasons:
        assert reason in decision.reasons, decision.reasons
    if use_case is not None:
        assert decision.use_case == use_case, decision


# --- query texts -------------------------------------------------------------------------------

BSPEC = """bemiddelingspecificatieID leveringsvorm zzpCode toewijzingIngangsdatum
    toewijzingEinddatum instelling uitvoerendZorgkantoor vaststellingMoment percentage opname
    redenIntrekking etmalen instellingBestemming soortToewijzing"""
BEMIDDELING = """bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor
    verantwoordelijkheidIngangsdatum verantwoordelijkheidEinddatum"""
CLIENT = "bsn clientID taal communicatievorm huisarts leefeenheid"
CONTACTPERSOON = """contactpersoonID relatienummer volgorde soortRelatie rol relatie geslachtsnaam
    voorvoegselGeslachtsnaam partnernaam voorvoegselPartnernaam voornamen voorletters roepnaam
    naamgebruik geslacht geboortedatum geboortedatumgebruik ingangsdatum einddatum"""
CONTACTGEGEVENS = """adressoort straatnaam huisnummer huisletter huisnummertoevoeging postcode
    plaatsnaam land aanduidingWoonadres emailadres telefoonnummer01 landnummer01
    telefoonnummer02 landnummer02 ingangsdatum einddatum"""
REGIEHOUDER = "regiehouderID instelling ingangsdatum einddatum regierol"
OVERDRACHT = (
    "overdrachtID verantwoordelijkZorgkantoor overdrachtDatum verhuisDatum vaststellingMoment"
)
OVERDRACHTSPECIFICATIE = """overdrachtspecificatieID leveringsstatus leveringsstatusClassificatie
    oorspronkelijkeToewijzingEinddatum"""


def open_filter(end: str = "einddatum", i: str = "$I") -> str:
    return "(where: {and: [{or: [{%s: {eq: null}}, {%s: {gte: %s}}]}]})" % (end, end, i)


def ended_filter(end: str, start: str, bound: str, i: str = "$I") -> str:
    return "(where: {and: [{or: [{%s: {eq: null}}, {%s: {gte: %s}}]}, {%s: {ngt: %s}}]})" % (
        end,
        end,
        i,
        start,
        bound,
    )


def overdracht_filter(d: str = "$D") -> str:
    return (
        "(where: {ingangsdatum: {ngt: %s}, or: [{einddatum: {gt: %s}}, {einddatum: {eq: null}}]})"
        % (
            d,
            d,
        )
    )


LISTS = ("cp", "cpcg", "ccg", "bs", "rh")


def bspec_query(
    *,
    root: str,
    ended: bool | None,
    lists: Mapping[str, str | None] | None = None,
    root_extra: str = "",
    nested_bspec_extra: str = "",
    client_extra: str = "",
    bemiddeling_extra: str = "",
    extra_where: str = "",
    variables: str | None = None,
) -> str:
    """A QBR-0001/0002/0003/0004/0005/0006/0012 request on `bemiddelingspecificatie`.

    ``root`` is the identity where line (``instelling: {eq: $A}``…); ``ended`` True adds the
    dates of QBR-0002/0005, False only toewijzingIngangsdatum (QBR-0003/0006), None none.
    ``lists`` maps cp/cpcg/ccg/bs/rh to the filter text of that nested list (None: the list
    without a filter); lists not named are not selected.
    """
    lists = lists or {}
    where = "bemiddelingspecificatieID: {eq: $B} " + root
    if ended is not None:
        where += " toewijzingIngangsdatum: {eq: $I}"
    if ended:
        where += " toewijzingEinddatum: {eq: $E}"
    where += " " + extra_where

    def arg(name: str) -> str:
        value = lists[name]
        return value if value is not None else ""

    client = CLIENT + " " + client_extra
    if "cp" in lists:
        inner = ""
        if "cpcg" in lists:
            inner = "contactgegevens%s { contactpersoonContactgegevensID %s }" % (
                arg("cpcg"),
                CONTACTGEGEVENS,
            )
        client += " contactpersoon%s { %s %s }" % (arg("cp"), CONTACTPERSOON, inner)
    if "ccg" in lists:
        client += " contactgegevens%s { clientContactgegevensID %s }" % (
            arg("ccg"),
            CONTACTGEGEVENS,
        )
    bemiddeling = BEMIDDELING + " " + bemiddeling_extra + " client { %s }" % client
    if "bs" in lists:
        bemiddeling += " bemiddelingspecificatie%s { %s %s }" % (
            arg("bs"),
            BSPEC,
            nested_bspec_extra,
        )
    if "rh" in lists:
        bemiddeling += " regiehouder%s { %s }" % (arg("rh"), REGIEHOUDER)
    if variables is None:
        variables = "$B: UUID!, $A: String, $U: String, $I: Date, $E: Date, $E2: Date, $E31: Date"
    return """query Bemiddelingspecificatie(%s) {
  bemiddelingspecificatie(where: {%s}) {
    %s %s
    bemiddeling { %s }
  }
}""" % (variables, where, BSPEC, root_extra, bemiddeling)


ZA_ROOT = "instelling: {eq: $A}"
ZK_ROOT = "uitvoerendZorgkantoor: {eq: $U}"


def ended_lists(e2: str = "$E2", e31: str = "$E31", i: str = "$I") -> dict[str, str | None]:
    return {
        "cp": ended_filter("einddatum", "ingangsdatum", e2, i),
        "cpcg": ended_filter("einddatum", "ingangsdatum", e2, i),
        "ccg": ended_filter("einddatum", "ingangsdatum", e2, i),
        "bs": ended_filter("toewijzingEinddatum", "toewijzingIngangsdatum", e31, i),
        "rh": ended_filter("einddatum", "ingangsdatum", e31, i),
    }


def open_lists(i: str = "$I") -> dict[str, str | None]:
    return {
        "cp": open_filter("einddatum", i),
        "cpcg": open_filter("einddatum", i),
        "ccg": open_filter("einddatum", i),
        "bs": open_filter("toewijzingEinddatum", i),
        "rh": open_filter("einddatum", i),
    }


ENDED_VARS = {"B": BS, "A": AGB, "U": UZOVI, "I": I, "E": E, "E2": E2, "E31": E31}
OPEN_VARS = {"B": BS, "A": AGB, "U": UZOVI, "I": I}

QBR_0001 = bspec_query(root=ZA_ROOT, ended=None)
QBR_0002 = bspec_query(root=ZA_ROOT, ended=True, lists=ended_lists())
QBR_0003 = bspec_query(root=ZA_ROOT, ended=False, lists=open_lists())
QBR_0004 = bspec_query(root=ZK_ROOT, ended=None)
QBR_0005 = bspec_query(
    root=ZK_ROOT, ended=True, lists=ended_lists(), nested_bspec_extra="pgbPercentage"
)
QBR_0006 = bspec_query(
    root=ZK_ROOT, ended=False, lists=open_lists(), nested_bspec_extra="pgbPercentage"
)
QBR_0012 = bspec_query(root="", ended=None, root_extra="pgbPercentage")

ID_VARS = {"B": BS, "A": AGB, "U": UZOVI}


def overdracht_query(
    *,
    full: bool,
    lists: Mapping[str, str | None] | None = None,
    client_extra: str = "",
    bemiddeling_extra: str = "",
    with_date: bool | None = None,
) -> str:
    with_date = full if with_date is None else with_date
    where = "overdrachtID: {eq: $O} verantwoordelijkZorgkantoor: {eq: $U}"
    if with_date:
        where += " overdrachtDatum: {eq: $D}"
    client = CLIENT + " " + client_extra
    bemiddeling = BEMIDDELING + " " + bemiddeling_extra
    if full:
        lists = lists if lists is not None else {k: overdracht_filter() for k in LISTS if k != "bs"}

        def arg(name: str) -> str:
            assert lists is not None
            value = lists[name]
            return value if value is not None else ""

        if "ccg" in lists:
            client += " contactgegevens%s { clientContactgegevensID %s }" % (
                arg("ccg"),
                CONTACTGEGEVENS,
            )
        if "cp" in lists:
            inner = ""
            if "cpcg" in lists:
                inner = "contactgegevens%s { contactpersoonContactgegevensID %s }" % (
                    arg("cpcg"),
                    CONTACTGEGEVENS,
                )
            client += " contactpersoon%s { %s %s }" % (arg("cp"), CONTACTPERSOON, inner)
        if "rh" in lists:
            bemiddeling += " regiehouder%s { %s }" % (arg("rh"), REGIEHOUDER)
    return """query Overdracht($O: UUID!, $U: String!, $D: Date) {
  overdracht(where: {%s}) {
    %s
    bemiddeling { %s client { %s } }
    overdrachtspecificatie { %s bemiddelingspecificatie { %s } }
  }
}""" % (where, OVERDRACHT, bemiddeling, client, OVERDRACHTSPECIFICATIE, BSPEC)


QBR_0007 = overdracht_query(full=False)
QBR_0008 = overdracht_query(full=True)
D = "2025-07-01"
OV_VARS = {"O": OV, "U": UZOVI, "D": D}


def regiehouder_query(extra: str = "", client_extra: str = "") -> str:
    return """query Regiehouder($R: UUID!, $A: String!) {
  regiehouder(where: {regiehouderID: {eq: $R}, instelling: {eq: $A}}) {
    %s %s
    bemiddeling { %s client { %s %s } }
  }
}""" % (REGIEHOUDER, extra, BEMIDDELING, CLIENT, client_extra)


QBR_0009 = regiehouder_query()
RH_VARS = {"R": RH, "A": AGB}

QBR_0010 = """query Bemiddeling($wlzIndicatieID: UUID!) {
  bemiddeling(where: {wlzIndicatieID: {eq: $wlzIndicatieID}}) {
    wlzIndicatieID
    verantwoordelijkZorgkantoor
  }
}"""
QBR_0010_OVERDRACHT = """query Bemiddeling($wlzIndicatieID: UUID!) {
  bemiddeling(where: {wlzIndicatieID: {eq: $wlzIndicatieID}}) {
    wlzIndicatieID
    verantwoordelijkZorgkantoor
    overdracht { verantwoordelijkZorgkantoor }
  }
}"""
QBR_0011 = """query Bemiddeling($wlzIndicatieID: UUID!) {
  bemiddeling(where: {wlzIndicatieID: {eq: $wlzIndicatieID}}) {
    bemiddelingID
    wlzIndicatieID
    bemiddelingspecificatie { uitvoerendZorgkantoor }
  }
}"""
X_VARS = {"wlzIndicatieID": X}


def qbr_0013(
    nested: str = "(where: {and: [{bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}}, {uitvoerendZorgkantoor: {eq: $uzovi}}]})",
    extra: str = "",
    bemiddeling_extra: str = "",
    client_extra: str = "",
) -> str:
    return """query Regiehouder($regiehouderID: UUID!, $uzovi: String!, $bemiddelingspecificatieID: UUID!) {
  regiehouder(where: {regiehouderID: {eq: $regiehouderID}}) {
    regiehouderID instelling ingangsdatum einddatum regierol %s
    bemiddeling {
      bemiddelingID %s
      bemiddelingspecificatie%s { toewijzingIngangsdatum toewijzingEinddatum vaststellingMoment }
      client { bsn %s }
    }
  }
}""" % (extra, bemiddeling_extra, nested, client_extra)


QBR_0013 = qbr_0013()
R13_VARS = {"regiehouderID": RH, "uzovi": UZOVI, "bemiddelingspecificatieID": BS_OWN}


# --- PIP rows -------------------------------------------------------------------------------------


def own(start: str, end: str | None, vastgesteld: str | None = None) -> dict[str, Any]:
    return {
        "toewijzingIngangsdatum": start,
        "toewijzingEinddatum": end,
        "vaststellingMoment": vastgesteld or f"{start}T09:00:00.000+01:00",
    }


def bspec_rows(
    start: str, end: str | None, owns: list[dict[str, Any]], vastgesteld: str | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "bemiddelingspecificatieID": BS,
            "toewijzingIngangsdatum": start,
            "toewijzingEinddatum": end,
            "vaststellingMoment": vastgesteld or f"{start}T09:00:00.000+01:00",
            "bemiddeling": {"bemiddelingspecificatie": owns},
        }
    ]


def regiehouder_rows(
    start: str, end: str | None, owns: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    return [
        {
            "regiehouderID": RH,
            "ingangsdatum": start,
            "einddatum": end,
            "bemiddeling": {
                "bemiddelingspecificatie": [
                    {"bemiddelingspecificatieID": BS_OWN, **o} for o in owns
                ]
            },
        }
    ]


# --- 1. the templates themselves ----------------------------------------------------------------

CANONICAL: list[tuple[str, str, dict[str, Any], dict[str, Any], str]] = [
    # (use case, query, variables, claims, today)
    ("UCBR-0001", QBR_0001, ID_VARS, ZA, "2025-01-15"),
    ("UCBR-0002", QBR_0002, ENDED_VARS, ZA, "2025-01-15"),
    ("UCBR-0003", QBR_0003, OPEN_VARS, ZA, "2025-01-15"),
    ("UCBR-0004", QBR_0004, ID_VARS, ZK, "2025-01-15"),
    ("UCBR-0005", QBR_0005, ENDED_VARS, ZK, "2025-01-15"),
    ("UCBR-0006", QBR_0006, OPEN_VARS, ZK, "2025-01-15"),
    ("UCBR-0007", QBR_0007, OV_VARS, ZK, "2025-01-15"),
    ("UCBR-0008", QBR_0008, OV_VARS, ZK, "2025-01-15"),
    ("UCBR-0009", QBR_0009, RH_VARS, ZA, "2025-01-15"),
    ("UCBR-0010", QBR_0010, X_VARS, CIZ, "2025-01-15"),
    ("UCBR-0011", QBR_0011, X_VARS, CIZ, "2025-01-15"),
]

TEMPLATE_OF = {uc: "QBR-" + uc[5:] for uc in [c[0] for c in CANONICAL] + ["UCBR-0012", "UCBR-0013"]}


@pytest.mark.parametrize(
    ("query", "variables", "template"),
    [(q, v, TEMPLATE_OF[uc]) for uc, q, v, _, _ in CANONICAL]
    + [
        (QBR_0012, {"B": BS}, "QBR-0012"),
        (QBR_0013, R13_VARS, "QBR-0013"),
        (QBR_0010_OVERDRACHT, X_VARS, "QBR-0010"),
    ],
)
def test_each_template_request_matches_its_template(
    pdp: PolicyDecisionPoint, query: str, variables: dict[str, Any], template: str
) -> None:
    verdict = pdp.template_verdict(pdp_input(query, variables, claims=ZA))
    assert template in verdict["matches"], verdict["reasons"][template]
    # The QBR templates never overlap (nID's PIP-KETEN shares QBR-0010's shape; the caller
    # tells them apart).
    assert [m for m in verdict["matches"] if m.startswith("QBR-")] == [template]


# --- 2. every use case: allowed for exactly the right caller ----------------------------------


@pytest.mark.parametrize(
    ("use_case", "query", "variables", "claims", "today"),
    CANONICAL,
    ids=[c[0] for c in CANONICAL],
)
def test_use_case_allows_its_caller(
    pdp: PolicyDecisionPoint,
    use_case: str,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
    today: str,
) -> None:
    assert_allowed(decide(pdp, query, variables, claims=claims, today=today), use_case)


_CODE_OF = {"Zorgaanbieder": "agb", "Zorgkantoor": "uzovi", "Onderneming": "kvk"}


def _same_party(claims: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    kind = right["instantie_type"]
    return bool(
        claims["instantie_type"] == kind and claims[_CODE_OF[kind]] == right[_CODE_OF[kind]]
    )


# Every use case with every caller that is not its own party (extra claims do not count).
OTHER_CALLERS = [
    pytest.param(query, variables, CALLERS[caller], today, id=f"{use_case}-{caller}")
    for use_case, query, variables, right, today in CANONICAL
    for caller in sorted(CALLERS)
    if not _same_party(CALLERS[caller], right)
]


@pytest.mark.parametrize(("query", "variables", "claims", "today"), OTHER_CALLERS)
def test_use_case_denies_every_other_caller(
    pdp: PolicyDecisionPoint,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
    today: str,
) -> None:
    assert_forbidden(decide(pdp, query, variables, claims=claims, today=today))


IDENTITY_CASES = [
    # (use case, query, variables, variable to change, claims)
    ("UCBR-0001", QBR_0001, ID_VARS, "A", ZA),
    ("UCBR-0002", QBR_0002, ENDED_VARS, "A", ZA),
    ("UCBR-0003", QBR_0003, OPEN_VARS, "A", ZA),
    ("UCBR-0004", QBR_0004, ID_VARS, "U", ZK),
    ("UCBR-0005", QBR_0005, ENDED_VARS, "U", ZK),
    ("UCBR-0006", QBR_0006, OPEN_VARS, "U", ZK),
    ("UCBR-0007", QBR_0007, OV_VARS, "U", ZK),
    ("UCBR-0008", QBR_0008, OV_VARS, "U", ZK),
    ("UCBR-0009", QBR_0009, RH_VARS, "A", ZA),
]


@pytest.mark.parametrize(("use_case", "query", "variables", "var", "claims"), IDENTITY_CASES)
def test_identity_argument_must_equal_the_token(
    pdp: PolicyDecisionPoint,
    use_case: str,
    query: str,
    variables: dict[str, Any],
    var: str,
    claims: dict[str, Any],
) -> None:
    other = AGB_OTHER if var == "A" else UZOVI_OTHER
    decision = decide(pdp, query, {**variables, var: other}, claims=claims)
    assert_forbidden(decision, use_case=use_case)
    assert any(r.startswith("claim_mismatch:") for r in decision.reasons), decision.reasons
    # The same request with a token for the other code is allowed.
    other_claims = zorgaanbieder(other) if var == "A" else zorgkantoor(other)
    assert_allowed(decide(pdp, query, {**variables, var: other}, claims=other_claims), use_case)


def test_identity_mismatch_names_the_argument(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QBR_0004, {**ID_VARS, "U": UZOVI_OTHER}, claims=ZK)
    assert_forbidden(decision, "claim_mismatch:uitvoerendZorgkantoor", use_case="UCBR-0004")
    assert decision.message == "Bemiddelingspecificatie query: Policy: Access Denied"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({**ZA, "agb": "1234567"}, "claim_missing:agb"),
        ({**ZA, "agb": None}, "claim_missing:agb"),
        ({**ZA, "instantie_type": None}, "instantie_type_not_zorgaanbieder"),
    ],
)
def test_malformed_agb_claims_deny(
    pdp: PolicyDecisionPoint, claims: dict[str, Any], reason: str
) -> None:
    assert_forbidden(decide(pdp, QBR_0001, ID_VARS, claims=claims), reason, use_case="UCBR-0001")


# --- 3. required where keys -------------------------------------------------------------------


def _drop(query: str, text: str) -> str:
    assert text in query, text
    return query.replace(text, "", 1)


MISSING_WHERE = [
    ("QBR-0001", QBR_0001, ID_VARS, ZA, "bemiddelingspecificatieID: {eq: $B}"),
    ("QBR-0001", QBR_0001, ID_VARS, ZA, "instelling: {eq: $A}"),
    ("QBR-0002", QBR_0002, ENDED_VARS, ZA, "instelling: {eq: $A}"),
    ("QBR-0002", QBR_0002, ENDED_VARS, ZA, "toewijzingIngangsdatum: {eq: $I}"),
    ("QBR-0003", QBR_0003, OPEN_VARS, ZA, "toewijzingIngangsdatum: {eq: $I}"),
    ("QBR-0003", QBR_0003, OPEN_VARS, ZA, "bemiddelingspecificatieID: {eq: $B}"),
    ("QBR-0004", QBR_0004, ID_VARS, ZK, "uitvoerendZorgkantoor: {eq: $U}"),
    ("QBR-0005", QBR_0005, ENDED_VARS, ZK, "toewijzingEinddatum: {eq: $E}"),
    ("QBR-0006", QBR_0006, OPEN_VARS, ZK, "uitvoerendZorgkantoor: {eq: $U}"),
    ("QBR-0007", QBR_0007, OV_VARS, ZK, "overdrachtID: {eq: $O}"),
    ("QBR-0007", QBR_0007, OV_VARS, ZK, "verantwoordelijkZorgkantoor: {eq: $U}"),
    ("QBR-0008", QBR_0008, OV_VARS, ZK, "overdrachtDatum: {eq: $D}"),
    ("QBR-0009", QBR_0009, RH_VARS, ZA, "instelling: {eq: $A}"),
    ("QBR-0009", QBR_0009, RH_VARS, ZA, "regiehouderID: {eq: $R}, "),
    ("QBR-0013", QBR_0013, R13_VARS, ZK, "regiehouderID: {eq: $regiehouderID}"),
]


@pytest.mark.parametrize(("template", "query", "variables", "claims", "text"), MISSING_WHERE)
def test_missing_required_where_key_denies(
    pdp: PolicyDecisionPoint,
    template: str,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
    text: str,
) -> None:
    decision = decide(pdp, _drop(query, text), variables, claims=claims)
    assert_forbidden(decision)


@pytest.mark.parametrize(
    ("query", "variables", "claims"),
    [
        (QBR_0001, {"B": BS}, ZA),  # $A not given: the argument is left out
        (QBR_0004, {"B": BS}, ZK),
        (QBR_0001, {"A": AGB}, ZA),
        (QBR_0001, {"B": "not-a-uuid", "A": AGB}, ZA),
        (QBR_0010, {}, CIZ),
        (QBR_0010, {"wlzIndicatieID": "kort"}, CIZ),
        (QBR_0007, {"U": UZOVI}, ZK),
    ],
)
def test_unset_or_invalid_where_values_deny(
    pdp: PolicyDecisionPoint, query: str, variables: dict[str, Any], claims: dict[str, Any]
) -> None:
    assert_forbidden(decide(pdp, query, variables, claims=claims))


@pytest.mark.parametrize(
    ("query", "variables", "claims", "old", "new"),
    [
        (QBR_0001, ID_VARS, ZA, "instelling: {eq: $A}", "instelling: {neq: $A}"),
        (QBR_0001, ID_VARS, ZA, "instelling: {eq: $A}", "instelling: {in: [$A]}"),
        (QBR_0001, ID_VARS, ZA, "instelling: {eq: $A}", 'instelling: {eq: $A, neq: "x"}'),
        (
            QBR_0004,
            ID_VARS,
            ZK,
            "bemiddelingspecificatieID: {eq: $B}",
            "bemiddelingspecificatieID: {gt: $B}",
        ),
        # An extra filter key (e.g. `or`) would widen nothing here but is no template.
        (
            QBR_0001,
            ID_VARS,
            ZA,
            "instelling: {eq: $A}",
            'instelling: {eq: $A} zzpCode: {eq: "1VV"}',
        ),
        (
            QBR_0010,
            X_VARS,
            CIZ,
            "wlzIndicatieID: {eq: $wlzIndicatieID}",
            "wlzIndicatieID: {eq: $wlzIndicatieID}, or: []",
        ),
    ],
)
def test_where_operators_and_keys_are_fixed(
    pdp: PolicyDecisionPoint,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
    old: str,
    new: str,
) -> None:
    assert old in query
    assert_forbidden(decide(pdp, query.replace(old, new, 1), variables, claims=claims))


def test_qbr_0002_with_1_1_vaststellingmoment_is_allowed(pdp: PolicyDecisionPoint) -> None:
    query = bspec_query(
        root=ZA_ROOT,
        ended=True,
        lists=ended_lists(),
        extra_where="vaststellingMoment: {eq: $V}",
        variables="$B: UUID!, $A: String, $U: String, $I: Date, $E: Date, $E2: Date, $E31: Date, $V: DateTime",
    )
    variables = {**ENDED_VARS, "V": "2020-02-01T10:00:00.000+01:00"}
    assert_allowed(decide(pdp, query, variables, claims=ZA), "UCBR-0002")


# --- 4. selections ----------------------------------------------------------------------------


EXTRA_SELECTIONS = [
    # BR-T3 and friends: pgbPercentage for a zorgaanbieder, contact data without date filter.
    ("UCBR-0001", bspec_query(root=ZA_ROOT, ended=None, root_extra="pgbPercentage"), ID_VARS, ZA),
    (
        "UCBR-0001",
        bspec_query(root=ZA_ROOT, ended=None, client_extra="contactpersoon { contactpersoonID }"),
        ID_VARS,
        ZA,
    ),
    (
        "UCBR-0001",
        bspec_query(root=ZA_ROOT, ended=None, client_extra="contactgegevens { postcode }"),
        ID_VARS,
        ZA,
    ),
    (
        "UCBR-0001",
        bspec_query(
            root=ZA_ROOT, ended=None, bemiddeling_extra="bemiddelingspecificatie { zzpCode }"
        ),
        ID_VARS,
        ZA,
    ),
    (
        "UCBR-0001",
        bspec_query(root=ZA_ROOT, ended=None, bemiddeling_extra="regiehouder { instelling }"),
        ID_VARS,
        ZA,
    ),
    (
        "UCBR-0001",
        bspec_query(root=ZA_ROOT, ended=None, bemiddeling_extra="overdracht { overdrachtID }"),
        ID_VARS,
        ZA,
    ),
    (
        "UCBR-0001",
        bspec_query(
            root=ZA_ROOT, ended=None, root_extra="overdrachtspecificatie { leveringsstatus }"
        ),
        ID_VARS,
        ZA,
    ),
    (
        "UCBR-0002",
        bspec_query(root=ZA_ROOT, ended=True, lists=ended_lists(), root_extra="pgbPercentage"),
        ENDED_VARS,
        ZA,
    ),
    (
        "UCBR-0002",
        bspec_query(
            root=ZA_ROOT, ended=True, lists=ended_lists(), nested_bspec_extra="pgbPercentage"
        ),
        ENDED_VARS,
        ZA,
    ),
    (
        "UCBR-0003",
        bspec_query(
            root=ZA_ROOT, ended=False, lists=open_lists(), nested_bspec_extra="pgbPercentage"
        ),
        OPEN_VARS,
        ZA,
    ),
    (
        "UCBR-0003",
        bspec_query(
            root=ZA_ROOT,
            ended=False,
            lists=open_lists(),
            bemiddeling_extra="overdracht { verantwoordelijkZorgkantoor }",
        ),
        OPEN_VARS,
        ZA,
    ),
    ("UCBR-0004", bspec_query(root=ZK_ROOT, ended=None, root_extra="pgbPercentage"), ID_VARS, ZK),
    (
        "UCBR-0004",
        bspec_query(root=ZK_ROOT, ended=None, client_extra="contactgegevens { postcode }"),
        ID_VARS,
        ZK,
    ),
    (
        "UCBR-0005",
        bspec_query(root=ZK_ROOT, ended=True, lists=ended_lists(), root_extra="pgbPercentage"),
        ENDED_VARS,
        ZK,
    ),
    (
        "UCBR-0007",
        overdracht_query(full=False, client_extra="contactgegevens { postcode }"),
        OV_VARS,
        ZK,
    ),
    (
        "UCBR-0007",
        overdracht_query(full=False, client_extra="contactpersoon { contactpersoonID }"),
        OV_VARS,
        ZK,
    ),
    (
        "UCBR-0007",
        overdracht_query(full=False, bemiddeling_extra="regiehouder { instelling }"),
        OV_VARS,
        ZK,
    ),
    (
        "UCBR-0007",
        overdracht_query(full=False, bemiddeling_extra="bemiddelingspecificatie { zzpCode }"),
        OV_VARS,
        ZK,
    ),
    (
        "UCBR-0008",
        overdracht_query(full=True, bemiddeling_extra="bemiddelingspecificatie { zzpCode }"),
        OV_VARS,
        ZK,
    ),
    (
        "UCBR-0009",
        regiehouder_query(client_extra="contactpersoon { contactpersoonID }"),
        RH_VARS,
        ZA,
    ),
    (
        "UCBR-0009",
        regiehouder_query(extra="bemiddeling { bemiddelingspecificatie { zzpCode } }"),
        RH_VARS,
        ZA,
    ),
    (
        "UCBR-0010",
        QBR_0010.replace(
            "verantwoordelijkZorgkantoor\n", "verantwoordelijkZorgkantoor client { bsn }\n"
        ),
        X_VARS,
        CIZ,
    ),
    (
        "UCBR-0010",
        QBR_0010.replace(
            "verantwoordelijkZorgkantoor\n",
            "verantwoordelijkZorgkantoor bemiddelingspecificatie { instelling }\n",
        ),
        X_VARS,
        CIZ,
    ),
    (
        "UCBR-0010",
        QBR_0010_OVERDRACHT.replace(
            "{ verantwoordelijkZorgkantoor }", "{ verantwoordelijkZorgkantoor overdrachtDatum }"
        ),
        X_VARS,
        CIZ,
    ),
    (
        "UCBR-0011",
        QBR_0011.replace("{ uitvoerendZorgkantoor }", "{ uitvoerendZorgkantoor instelling }"),
        X_VARS,
        CIZ,
    ),
    (
        "UCBR-0011",
        QBR_0011.replace("bemiddelingID\n", "bemiddelingID verantwoordelijkZorgkantoor\n"),
        X_VARS,
        CIZ,
    ),
]


@pytest.mark.parametrize(
    ("use_case", "query", "variables", "claims"),
    EXTRA_SELECTIONS,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(EXTRA_SELECTIONS)],
)
def test_selection_outside_template_denies(
    pdp: PolicyDecisionPoint,
    use_case: str,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
) -> None:
    decision = decide(pdp, query, variables, claims=claims)
    assert_forbidden(decision)
    assert any(
        r.startswith(("selection_outside_template:", "nested_", "template_mismatch:"))
        for r in decision.reasons
    ), decision.reasons


@pytest.mark.parametrize(
    ("use_case", "query", "variables", "claims"),
    [
        (
            "UCBR-0001",
            "query Bemiddelingspecificatie($B: UUID!, $A: String!) { bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B}, instelling: {eq: $A}}) { zzpCode } }",
            ID_VARS,
            ZA,
        ),
        (
            "UCBR-0004",
            "query Q($B: UUID!, $U: String!) { bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B}, uitvoerendZorgkantoor: {eq: $U}}) { a: zzpCode ...F } } fragment F on Bemiddelingspecificatie { bemiddeling { client { bsn } } }",
            ID_VARS,
            ZK,
        ),
        (
            "UCBR-0002",
            bspec_query(root=ZA_ROOT, ended=True, lists={"cp": ended_lists()["cp"]}),
            ENDED_VARS,
            ZA,
        ),
        ("UCBR-0002", bspec_query(root=ZA_ROOT, ended=True), ENDED_VARS, ZA),
        (
            "UCBR-0005",
            bspec_query(root=ZK_ROOT, ended=True, lists={"bs": ended_lists()["bs"]}),
            ENDED_VARS,
            ZK,
        ),
        (
            "UCBR-0006",
            bspec_query(root=ZK_ROOT, ended=False, lists={"rh": open_lists()["rh"]}),
            OPEN_VARS,
            ZK,
        ),
        ("UCBR-0008", overdracht_query(full=True, lists={}), OV_VARS, ZK),
        ("UCBR-0008", overdracht_query(full=True, lists={"rh": overdracht_filter()}), OV_VARS, ZK),
        ("UCBR-0010", QBR_0010_OVERDRACHT, X_VARS, CIZ),
        ("UCBR-0012", QBR_0012.replace("pgbPercentage", ""), {"B": BS}, ZK),
    ],
)
def test_subsets_of_a_template_are_allowed(
    pdp: PolicyDecisionPoint,
    pip: RowsPip,
    use_case: str,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
) -> None:
    pip.rows["PIP-UCBR-0012"] = bspec_rows("2024-06-01", None, [own("2024-01-01", None)])
    assert_allowed(decide(pdp, query, variables, claims=claims), use_case)


# --- 5. nested date filters (QBR-0002/0003/0005/0006/0008) -------------------------------------


def _without(name: str) -> dict[str, str | None]:
    lists = ended_lists()
    lists[name] = None
    return lists


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    ("root", "claims", "pgb"), [(ZA_ROOT, ZA, ""), (ZK_ROOT, ZK, "pgbPercentage")]
)
def test_ended_nested_list_without_filter_denies(
    pdp: PolicyDecisionPoint, name: str, root: str, claims: dict[str, Any], pgb: str
) -> None:
    lists = _without(name)
    query = bspec_query(root=root, ended=True, lists=lists, nested_bspec_extra=pgb)
    decision = decide(pdp, query, ENDED_VARS, claims=claims)
    assert_forbidden(decision)
    assert any(r.startswith("nested_where_missing:") for r in decision.reasons), decision.reasons


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(("root", "claims"), [(ZA_ROOT, ZA), (ZK_ROOT, ZK)])
def test_open_nested_list_without_filter_denies(
    pdp: PolicyDecisionPoint, name: str, root: str, claims: dict[str, Any]
) -> None:
    # BR-T8 for every list: QBR-0003/0006 where a nested list has no `where`.
    lists = open_lists()
    lists[name] = None
    decision = decide(
        pdp, bspec_query(root=root, ended=False, lists=lists), OPEN_VARS, claims=claims
    )
    assert_forbidden(decision)


E2_VARIANTS = ["2026-03-16", "2026-03-18", "2025-03-17", E31]
E31_VARIANTS = ["2025-05-30", "2025-06-01", "2024-05-31", E2]


@pytest.mark.parametrize(
    "name,e2,e31",
    [("cp", v, E31) for v in E2_VARIANTS]
    + [("ccg", v, E31) for v in E2_VARIANTS[:2]]
    + [("cpcg", v, E31) for v in E2_VARIANTS[:2]]
    + [("bs", E2, v) for v in E31_VARIANTS]
    + [("rh", E2, v) for v in E31_VARIANTS],
)
def test_nested_bound_must_be_recomputed_from_the_einddatum(
    pdp: PolicyDecisionPoint, name: str, e2: str, e31: str
) -> None:
    lists = {name: ended_lists(e2=f'"{e2}"', e31=f'"{e31}"')[name]}
    if name == "cpcg":
        lists["cp"] = ended_lists()["cp"]
    query = bspec_query(root=ZA_ROOT, ended=True, lists=lists)
    decision = decide(pdp, query, ENDED_VARS, claims=ZA)
    assert_forbidden(decision, use_case="UCBR-0002")
    assert any(r.startswith("nested_filter_invalid:") for r in decision.reasons), decision.reasons


def test_nested_bounds_in_literals_are_fine(pdp: PolicyDecisionPoint) -> None:
    lists = ended_lists(e2=f'"{E2}"', e31=f'"{E31}"', i=f'"{I}"')
    query = bspec_query(root=ZA_ROOT, ended=True, lists=lists)
    assert_allowed(decide(pdp, query, ENDED_VARS, claims=ZA), "UCBR-0002")


@pytest.mark.parametrize(
    ("name", "filter_text"),
    [
        # the open-ended filter is not enough when the own bspec has ended
        ("cp", open_filter("einddatum")),
        ("bs", open_filter("toewijzingEinddatum")),
        # wrong I
        ("cp", ended_filter("einddatum", "ingangsdatum", "$E2", i='"2020-02-20"')),
        (
            "bs",
            ended_filter("toewijzingEinddatum", "toewijzingIngangsdatum", "$E31", i='"2019-01-01"'),
        ),
        # wrong fields or operators
        ("cp", ended_filter("einddatum", "einddatum", "$E2")),
        ("rh", ended_filter("einddatum", "ingangsdatum", "$E2")),
        ("bs", ended_filter("einddatum", "ingangsdatum", "$E31")),
        (
            "cp",
            "(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $I}}]}, {ingangsdatum: {lt: $E2}}]})",
        ),
        (
            "cp",
            "(where: {and: [{or: [{einddatum: {neq: null}}, {einddatum: {gte: $I}}]}, {ingangsdatum: {ngt: $E2}}]})",
        ),
        ("cp", "(where: {and: [{or: [{einddatum: {gte: $I}}]}, {ingangsdatum: {ngt: $E2}}]})"),
        (
            "cp",
            "(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $I}}, {einddatum: {lt: $I}}]}, {ingangsdatum: {ngt: $E2}}]})",
        ),
        # widening extras
        (
            "cp",
            "(where: {or: [{contactpersoonID: {neq: null}}], and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $I}}]}, {ingangsdatum: {ngt: $E2}}]})",
        ),
        (
            "cp",
            "(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $I}}]}, {ingangsdatum: {ngt: $E2}}, {einddatum: {neq: null}}]})",
        ),
        # a where without the date filter
        ("ccg", '(where: {adressoort: {eq: "W"}})'),
        # order only
        ("rh", "(order: [{ingangsdatum: DESC}])"),
    ],
)
def test_wrong_nested_filters_deny(pdp: PolicyDecisionPoint, name: str, filter_text: str) -> None:
    lists = ended_lists()
    lists[name] = filter_text
    query = bspec_query(root=ZA_ROOT, ended=True, lists=lists)
    assert_forbidden(decide(pdp, query, ENDED_VARS, claims=ZA))


@pytest.mark.parametrize(
    "filter_text",
    [
        # `or` alternatives swapped, `and` items swapped
        "(where: {and: [{or: [{einddatum: {gte: $I}}, {einddatum: {eq: null}}]}, {ingangsdatum: {ngt: $E2}}]})",
        "(where: {and: [{ingangsdatum: {ngt: $E2}}, {or: [{einddatum: {eq: null}}, {einddatum: {gte: $I}}]}]})",
        # `order` next to the filter
        "(where: {and: [{or: [{einddatum: {eq: null}}, {einddatum: {gte: $I}}]}, {ingangsdatum: {ngt: $E2}}]}, order: [{volgorde: ASC}])",
    ],
)
def test_equivalent_nested_filters_are_allowed(pdp: PolicyDecisionPoint, filter_text: str) -> None:
    lists = ended_lists()
    lists["cp"] = filter_text
    query = bspec_query(root=ZA_ROOT, ended=True, lists=lists)
    assert_allowed(decide(pdp, query, ENDED_VARS, claims=ZA), "UCBR-0002")


def test_open_filter_with_single_object_and_is_list_coerced(pdp: PolicyDecisionPoint) -> None:
    lists = open_lists()
    lists["cp"] = "(where: {and: {or: [{einddatum: {eq: null}}, {einddatum: {gte: $I}}]}})"
    query = bspec_query(root=ZA_ROOT, ended=False, lists=lists)
    assert_allowed(decide(pdp, query, OPEN_VARS, claims=ZA), "UCBR-0003")


@pytest.mark.parametrize(
    "filter_text",
    [
        ended_filter("einddatum", "ingangsdatum", "$E2"),  # the ended form has no E in QBR-0003
        open_filter("einddatum", i='"2020-02-18"'),
        open_filter("ingangsdatum"),
        "(where: {and: []})",
        "(where: {})",
    ],
)
def test_wrong_open_filters_deny(pdp: PolicyDecisionPoint, filter_text: str) -> None:
    lists = open_lists()
    lists["cp"] = filter_text
    query = bspec_query(
        root=ZA_ROOT,
        ended=False,
        lists=lists,
        variables="$B: UUID!, $A: String, $U: String, $I: Date, $E2: Date",
    )
    assert_forbidden(decide(pdp, query, {**OPEN_VARS, "E2": E2}, claims=ZA))


@pytest.mark.parametrize("name", ["cp", "cpcg", "ccg", "rh"])
@pytest.mark.parametrize(
    "filter_text",
    [
        None,
        overdracht_filter('"2025-06-30"'),
        "(where: {ingangsdatum: {ngt: $D}, or: [{einddatum: {gte: $D}}, {einddatum: {eq: null}}]})",
        "(where: {ingangsdatum: {lte: $D}, or: [{einddatum: {gt: $D}}, {einddatum: {eq: null}}]})",
        "(where: {ingangsdatum: {ngt: $D}})",
        "(where: {or: [{einddatum: {gt: $D}}, {einddatum: {eq: null}}]})",
        open_filter("einddatum", i="$D"),
    ],
)
def test_qbr_0008_needs_the_overdracht_date_filter(
    pdp: PolicyDecisionPoint, name: str, filter_text: str | None
) -> None:
    lists: dict[str, str | None] = {k: overdracht_filter() for k in ("cp", "cpcg", "ccg", "rh")}
    lists[name] = filter_text
    decision = decide(pdp, overdracht_query(full=True, lists=lists), OV_VARS, claims=ZK)
    assert_forbidden(decision)


def test_qbr_0008_filter_variants_allowed(pdp: PolicyDecisionPoint) -> None:
    swapped = (
        "(where: {or: [{einddatum: {eq: null}}, {einddatum: {gt: $D}}], ingangsdatum: {ngt: $D}})"
    )
    lists: dict[str, str | None] = {k: swapped for k in ("cp", "cpcg", "ccg", "rh")}
    assert_allowed(
        decide(pdp, overdracht_query(full=True, lists=lists), OV_VARS, claims=ZK), "UCBR-0008"
    )


def test_qbr_0008_contact_data_without_overdrachtdatum_denies(pdp: PolicyDecisionPoint) -> None:
    # Contact data is "not without overdrachtDatum": the QBR-0008 selection on the QBR-0007 where.
    query = overdracht_query(full=True, with_date=False)
    assert_forbidden(decide(pdp, query, OV_VARS, claims=ZK))


# --- 6. windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lists", "last_day"),
    [
        (("cp",), E2),
        (("cp", "cpcg"), E2),
        (("ccg",), E2),
        (("bs",), E31),
        (("rh",), E31),
        (("bs", "rh"), E31),
        # contact data and other allocations together: the earlier window (E31) decides
        (LISTS, E31),
        (("ccg", "rh"), E31),
    ],
)
@pytest.mark.parametrize(
    ("root", "claims", "use_case"), [(ZA_ROOT, ZA, "UCBR-0002"), (ZK_ROOT, ZK, "UCBR-0005")]
)
def test_window_boundaries_of_ended_bspec(
    pdp: PolicyDecisionPoint,
    lists: tuple[str, ...],
    last_day: str,
    root: str,
    claims: dict[str, Any],
    use_case: str,
) -> None:
    all_lists = ended_lists()
    query = bspec_query(root=root, ended=True, lists={k: all_lists[k] for k in lists})
    assert_allowed(decide(pdp, query, ENDED_VARS, claims=claims, today=last_day), use_case)
    next_day = (dt.date.fromisoformat(last_day) + dt.timedelta(days=1)).isoformat()
    decision = decide(pdp, query, ENDED_VARS, claims=claims, today=next_day)
    assert_forbidden(decision, use_case=use_case)
    assert any(r.startswith("window_closed:") for r in decision.reasons), decision.reasons


def test_ended_bspec_without_nested_lists_has_no_window(pdp: PolicyDecisionPoint) -> None:
    query = bspec_query(root=ZA_ROOT, ended=True)
    assert_allowed(decide(pdp, query, ENDED_VARS, claims=ZA, today="2040-01-01"), "UCBR-0002")


@pytest.mark.parametrize("today", ["2025-01-15", "2030-12-31", "2099-06-01"])
@pytest.mark.parametrize(
    ("query", "claims", "use_case"), [(QBR_0003, ZA, "UCBR-0003"), (QBR_0006, ZK, "UCBR-0006")]
)
def test_open_ended_bspec_has_no_upper_limit(
    pdp: PolicyDecisionPoint, today: str, query: str, claims: dict[str, Any], use_case: str
) -> None:
    assert_allowed(decide(pdp, query, OPEN_VARS, claims=claims, today=today), use_case)


@pytest.mark.parametrize(
    ("einddatum", "e2", "e31"),
    [
        ("2024-03-17", "2026-03-17", "2025-05-31"),
        ("2023-12-31", "2025-12-31", "2024-05-31"),
        ("2024-02-29", "2026-02-28", "2025-05-31"),  # leap day: .NET AddYears clamps
        ("2019-06-01", "2021-06-01", "2020-05-31"),
    ],
)
def test_derived_dates(pdp: PolicyDecisionPoint, einddatum: str, e2: str, e31: str) -> None:
    variables = {**ENDED_VARS, "E": einddatum, "E2": e2, "E31": e31}
    assert_allowed(decide(pdp, QBR_0002, variables, claims=ZA, today=min(e2, e31)), "UCBR-0002")
    wrong = (dt.date.fromisoformat(e2) + dt.timedelta(days=1)).isoformat()
    decision = decide(pdp, QBR_0002, {**variables, "E2": wrong}, claims=ZA, today=min(e2, e31))
    assert_forbidden(decision, use_case="UCBR-0002")


# --- 7. BR-T1…T14 (registers.md §2.5) ------------------------------------------------------------


def test_br_t1_qbr_0001_own_instelling(pdp: PolicyDecisionPoint) -> None:
    assert_allowed(decide(pdp, QBR_0001, ID_VARS, claims=ZA), "UCBR-0001")


def test_br_t2_qbr_0001_other_instelling(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QBR_0001, {**ID_VARS, "A": AGB_OTHER}, claims=ZA)
    assert_forbidden(decision, "claim_mismatch:instelling", use_case="UCBR-0001")


@pytest.mark.parametrize(
    "query",
    [
        bspec_query(root=ZA_ROOT, ended=None, root_extra="pgbPercentage"),
        bspec_query(root=ZA_ROOT, ended=None, client_extra="contactpersoon { geslachtsnaam }"),
    ],
)
def test_br_t3_qbr_0001_pgb_or_contactpersoon(pdp: PolicyDecisionPoint, query: str) -> None:
    decision = decide(pdp, query, ID_VARS, claims=ZA)
    assert_forbidden(decision, "template_mismatch:QBR-0001", use_case="UCBR-0001")


BR_T4 = bspec_query(root=ZA_ROOT, ended=True, lists={"bs": ended_lists()["bs"]})
BR_T6 = bspec_query(root=ZA_ROOT, ended=True, lists={"cp": ended_lists()["cp"]})


def test_br_t4_other_bspecs_on_31_may(pdp: PolicyDecisionPoint) -> None:
    assert_allowed(decide(pdp, BR_T4, ENDED_VARS, claims=ZA, today="2025-05-31"), "UCBR-0002")


def test_br_t5_other_bspecs_on_1_june(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, BR_T4, ENDED_VARS, claims=ZA, today="2025-06-01")
    assert_forbidden(decision, "window_closed:E31:2025-05-31", use_case="UCBR-0002")


def test_br_t6_contactpersoon_two_years_after(pdp: PolicyDecisionPoint) -> None:
    assert_allowed(decide(pdp, BR_T6, ENDED_VARS, claims=ZA, today="2026-03-17"), "UCBR-0002")


def test_br_t7_contactpersoon_a_day_later(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, BR_T6, ENDED_VARS, claims=ZA, today="2026-03-18")
    assert_forbidden(decision, "window_closed:E2:2026-03-17", use_case="UCBR-0002")


def test_br_t8_qbr_0003_contactpersoon_without_where(pdp: PolicyDecisionPoint) -> None:
    lists = open_lists()
    lists["cp"] = None
    decision = decide(
        pdp, bspec_query(root=ZA_ROOT, ended=False, lists=lists), OPEN_VARS, claims=ZA
    )
    assert_forbidden(
        decision,
        "template_mismatch:QBR-0003",
        "nested_where_missing:bemiddelingspecificatie.bemiddeling.client.contactpersoon",
        use_case="UCBR-0003",
    )


def test_br_t9_qbr_0012_overlap(pdp: PolicyDecisionPoint, pip: RowsPip) -> None:
    pip.rows["PIP-UCBR-0012"] = bspec_rows("2025-06-01", None, [own("2025-01-01", "2025-12-31")])
    decision = decide(pdp, QBR_0012, {"B": BS}, claims=ZK, today="2025-11-27")
    assert_allowed(decision, "UCBR-0012")
    assert pip.calls == [
        ("PIP-UCBR-0012", {"bemiddelingspecificatieID": BS, "uzovi": UZOVI, "tenant": TENANT})
    ]
    assert [c.id for c in decision.pip_checks] == ["PIP-UCBR-0012"]


def test_br_t10_qbr_0012_no_overlap(pdp: PolicyDecisionPoint, pip: RowsPip) -> None:
    pip.rows["PIP-UCBR-0012"] = bspec_rows("2025-03-01", None, [own("2023-01-01", "2023-12-31")])
    decision = decide(pdp, QBR_0012, {"B": BS}, claims=ZK, today="2025-11-27")
    assert_forbidden(decision, "pip_no_overlap:PIP-UCBR-0012", use_case="UCBR-0012")


def test_br_t11_qbr_0012_window(pdp: PolicyDecisionPoint, pip: RowsPip) -> None:
    pip.rows["PIP-UCBR-0012"] = bspec_rows("2024-03-01", None, [own("2024-01-01", "2024-06-30")])
    decision = decide(pdp, QBR_0012, {"B": BS}, claims=ZK, today="2025-06-01")
    assert_forbidden(decision, "pip_window_closed:PIP-UCBR-0012", use_case="UCBR-0012")
    assert_allowed(decide(pdp, QBR_0012, {"B": BS}, claims=ZK, today="2025-05-31"), "UCBR-0012")


def test_br_t12_qbr_0010_ciz(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QBR_0010, X_VARS, claims=CIZ)
    assert_allowed(decision, "UCBR-0010")


def test_br_t13_qbr_0010_selecting_client(pdp: PolicyDecisionPoint) -> None:
    query = QBR_0010.replace(
        "verantwoordelijkZorgkantoor\n", "verantwoordelijkZorgkantoor\n client { bsn }\n"
    )
    decision = decide(pdp, query, X_VARS, claims=CIZ)
    assert_forbidden(decision, "template_mismatch:QBR-0010", use_case="UCBR-0010")


def test_br_t14_qbr_0007_with_contactgegevens(pdp: PolicyDecisionPoint) -> None:
    query = overdracht_query(full=False, client_extra="contactgegevens { postcode }")
    decision = decide(pdp, query, OV_VARS, claims=ZK)
    assert_forbidden(decision, "template_mismatch:QBR-0007", use_case="UCBR-0007")


# --- 8. UCBR-0012 / UCBR-0013: PIP rows ----------------------------------------------------------


OVERLAP_CASES = [
    # (target start, target end, target vastgesteld, owns, today, allowed, reason)
    ("2025-06-01", None, None, [own("2025-01-01", "2025-12-31")], "2025-11-27", True, None),
    ("2025-06-01", None, None, [own("2015-01-01", None)], "2040-01-01", True, None),  # open own
    ("2025-01-01", "2025-12-31", None, [own("2025-12-31", "2026-03-01")], "2026-01-10", True, None),
    (
        "2025-01-01",
        "2025-12-31",
        None,
        [own("2026-01-01", None)],
        "2026-01-10",
        False,
        "pip_no_overlap",
    ),
    # own starts after T.end, but was fixed (vaststellingMoment) before it
    (
        "2025-01-01",
        "2025-12-31",
        None,
        [own("2026-01-01", None, "2025-11-01T10:00:00+01:00")],
        "2026-01-10",
        True,
        None,
    ),
    # own ended before T.start, but on/after T's vaststellingMoment
    (
        "2025-01-01",
        None,
        "2024-10-01T10:00:00+02:00",
        [own("2024-01-01", "2024-12-31")],
        "2025-05-31",
        True,
        None,
    ),
    (
        "2025-01-01",
        None,
        "2024-10-01T10:00:00+02:00",
        [own("2024-01-01", "2024-09-30")],
        "2025-05-31",
        False,
        "pip_no_overlap",
    ),
    (
        "2025-01-01",
        None,
        "2024-10-01T10:00:00+02:00",
        [own("2024-01-01", "2024-12-31")],
        "2025-06-01",
        False,
        "pip_window_closed",
    ),
    # the latest overlapping end counts for the window
    (
        "2024-03-01",
        None,
        None,
        [own("2024-01-01", "2024-06-30"), own("2024-07-01", "2025-02-28")],
        "2026-05-31",
        True,
        None,
    ),
    (
        "2024-03-01",
        None,
        None,
        [own("2024-01-01", "2024-06-30"), own("2024-07-01", "2025-02-28")],
        "2026-06-01",
        False,
        "pip_window_closed",
    ),
    # a non-overlapping later own does not extend the window
    (
        "2024-03-01",
        "2024-05-01",
        None,
        [
            own("2024-01-01", "2024-06-30"),
            own("2024-07-01", "2025-02-28", "2024-06-01T00:00:00+02:00"),
        ],
        "2025-06-01",
        False,
        "pip_window_closed",
    ),
    ("2024-03-01", None, None, [], "2024-06-01", False, "pip_empty"),
]


@pytest.mark.parametrize(
    ("start", "end", "vastgesteld", "owns", "today", "allowed", "reason"), OVERLAP_CASES
)
def test_ucbr_0012_overlap_and_window(
    pdp: PolicyDecisionPoint,
    pip: RowsPip,
    start: str,
    end: str | None,
    vastgesteld: str | None,
    owns: list[dict[str, Any]],
    today: str,
    allowed: bool,
    reason: str | None,
) -> None:
    pip.rows["PIP-UCBR-0012"] = bspec_rows(start, end, owns, vastgesteld)
    decision = decide(pdp, QBR_0012, {"B": BS}, claims=ZK, today=today)
    if allowed:
        assert_allowed(decision, "UCBR-0012")
    else:
        assert_forbidden(decision, f"{reason}:PIP-UCBR-0012", use_case="UCBR-0012")


@pytest.mark.parametrize(
    ("start", "end", "owns", "today", "allowed", "reason"),
    [
        ("2025-06-01", None, [own("2025-01-01", "2025-12-31")], "2026-05-31", True, None),
        (
            "2025-06-01",
            None,
            [own("2025-01-01", "2025-12-31")],
            "2026-06-01",
            False,
            "pip_window_closed",
        ),
        ("2025-06-01", None, [own("2025-01-01", None)], "2031-01-01", True, None),
        (
            "2025-06-01",
            "2025-08-01",
            [own("2023-01-01", "2025-05-31")],
            "2025-07-01",
            False,
            "pip_no_overlap",
        ),
        ("2025-06-01", "2025-08-01", [own("2025-08-01", None)], "2025-07-01", True, None),
        (
            "2025-06-01",
            "2025-08-01",
            [own("2025-08-02", None)],
            "2025-07-01",
            False,
            "pip_no_overlap",
        ),
        # for a regiehouder target the vaststellingMoment clause of end_ok does not apply
        (
            "2025-06-01",
            None,
            [own("2024-01-01", "2025-05-31")],
            "2025-07-01",
            False,
            "pip_no_overlap",
        ),
        ("2025-06-01", None, [], "2025-07-01", False, "pip_empty"),
    ],
)
def test_ucbr_0013_overlap_and_window(
    pdp: PolicyDecisionPoint,
    pip: RowsPip,
    start: str,
    end: str | None,
    owns: list[dict[str, Any]],
    today: str,
    allowed: bool,
    reason: str | None,
) -> None:
    pip.rows["PIP-UCBR-0013"] = regiehouder_rows(start, end, owns)
    decision = decide(pdp, QBR_0013, R13_VARS, claims=ZK, today=today)
    if allowed:
        assert_allowed(decision, "UCBR-0013")
        assert pip.calls == [
            (
                "PIP-UCBR-0013",
                {
                    "regiehouderID": RH,
                    "bemiddelingspecificatieID": BS_OWN,
                    "uzovi": UZOVI,
                    "tenant": TENANT,
                },
            )
        ]
    else:
        assert_forbidden(decision, f"{reason}:PIP-UCBR-0013", use_case="UCBR-0013")


@pytest.mark.parametrize(
    ("query", "variables", "pip_id", "use_case"),
    [
        (QBR_0012, {"B": BS}, "PIP-UCBR-0012", "UCBR-0012"),
        (QBR_0013, R13_VARS, "PIP-UCBR-0013", "UCBR-0013"),
    ],
)
@pytest.mark.parametrize(
    ("answer", "status", "reason"),
    [
        (RuntimeError("register down"), 500, "pip_error"),
        ([], 403, "pip_empty"),
        ({"rows": []}, 403, "pip_invalid"),
        (True, 403, "pip_invalid"),  # a PIP answering "non-empty" instead of the rows
        ([{"bemiddeling": None}], 403, "pip_empty"),
        ([{"bemiddeling": {"bemiddelingspecificatie": None}}], 403, "pip_empty"),
    ],
)
def test_pip_errors_and_empty_results_deny(
    pdp: PolicyDecisionPoint,
    pip: RowsPip,
    query: str,
    variables: dict[str, Any],
    pip_id: str,
    use_case: str,
    answer: Any,
    status: int,
    reason: str,
) -> None:
    pip.rows[pip_id] = answer
    decision = decide(pdp, query, variables, claims=ZK)
    assert not decision.allowed
    assert decision.http_status == status, decision
    assert f"{reason}:{pip_id}" in decision.reasons, decision.reasons
    assert decision.use_case == use_case
    if status == 500:
        assert decision.code == "INTERNAL_SERVER_ERROR"
        assert decision.message.endswith(" query: Internal Server Error")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "variables", "claims", "tenant"),
    [
        (QBR_0012, {"B": BS}, ZA, TENANT),
        (QBR_0012, {"B": BS}, CIZ, TENANT),
        (QBR_0012, {"B": BS}, {**ZK, "uzovi": "50"}, TENANT),
        (QBR_0012, {"B": BS}, ZK, None),
        (QBR_0012, {"B": "kort"}, ZK, TENANT),
        (QBR_0013, R13_VARS, ZK, None),
        (QBR_0013, {**R13_VARS, "uzovi": UZOVI_OTHER}, ZK, TENANT),
        (QBR_0013, {**R13_VARS, "bemiddelingspecificatieID": "kort"}, ZK, TENANT),
        (QBR_0013, R13_VARS, ZA, TENANT),
        (QBR_0013, R13_VARS, NID, TENANT),
    ],
)
def test_pip_is_not_asked_for_the_wrong_caller(
    pdp: PolicyDecisionPoint,
    pip: RowsPip,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
    tenant: str | None,
) -> None:
    pip.rows["PIP-UCBR-0012"] = bspec_rows("2024-06-01", None, [own("2024-01-01", None)])
    pip.rows["PIP-UCBR-0013"] = regiehouder_rows("2024-06-01", None, [own("2024-01-01", None)])
    decision = decide(pdp, query, variables, claims=claims, tenant=tenant)
    assert_forbidden(decision)
    assert pip.calls == []


@pytest.mark.parametrize(
    "nested",
    [
        "",  # no filter on the nested bemiddelingspecificatie
        "(where: {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}})",
        "(where: {uitvoerendZorgkantoor: {eq: $uzovi}})",
        "(where: {and: [{bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}}, {uitvoerendZorgkantoor: {neq: $uzovi}}]})",
        "(where: {or: [{bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}}, {uitvoerendZorgkantoor: {eq: $uzovi}}]})",
        "(where: {and: [{bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}}, {uitvoerendZorgkantoor: {eq: $uzovi}}, {instelling: {neq: null}}]})",
        "(where: {and: [{bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}, instelling: {neq: null}}, {uitvoerendZorgkantoor: {eq: $uzovi}}]})",
    ],
)
def test_qbr_0013_needs_the_own_bspec_filter(
    pdp: PolicyDecisionPoint, pip: RowsPip, nested: str
) -> None:
    pip.rows["PIP-UCBR-0013"] = regiehouder_rows("2024-06-01", None, [own("2024-01-01", None)])
    assert_forbidden(decide(pdp, qbr_0013(nested=nested), R13_VARS, claims=ZK))
    assert pip.calls == []


def test_qbr_0013_filter_items_in_either_order(pdp: PolicyDecisionPoint, pip: RowsPip) -> None:
    pip.rows["PIP-UCBR-0013"] = regiehouder_rows("2024-06-01", None, [own("2024-01-01", None)])
    nested = "(where: {and: [{uitvoerendZorgkantoor: {eq: $uzovi}}, {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}}]})"
    assert_allowed(decide(pdp, qbr_0013(nested=nested), R13_VARS, claims=ZK), "UCBR-0013")


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"bemiddeling_extra": "wlzIndicatieID verantwoordelijkZorgkantoor"}, True),
        ({"client_extra": "clientID taal"}, True),
        ({"client_extra": "contactpersoon { contactpersoonID }"}, False),
        ({"bemiddeling_extra": "regiehouder { instelling }"}, False),
        ({"bemiddeling_extra": "overdracht { overdrachtID }"}, False),
        ({"client_extra": "contactgegevens { postcode }"}, False),
    ],
)
def test_qbr_0013_more_fields_of_its_nodes(
    pdp: PolicyDecisionPoint, pip: RowsPip, kwargs: dict[str, str], allowed: bool
) -> None:
    pip.rows["PIP-UCBR-0013"] = regiehouder_rows("2024-06-01", None, [own("2024-01-01", None)])
    decision = decide(pdp, qbr_0013(**kwargs), R13_VARS, claims=ZK)
    if allowed:
        assert_allowed(decision, "UCBR-0013")
    else:
        assert_forbidden(decision, "template_mismatch:QBR-0013")


def test_qbr_0012_allows_pgb_but_no_contact_data(pdp: PolicyDecisionPoint, pip: RowsPip) -> None:
    pip.rows["PIP-UCBR-0012"] = bspec_rows("2024-06-01", None, [own("2024-01-01", None)])
    assert_allowed(decide(pdp, QBR_0012, {"B": BS}, claims=ZK), "UCBR-0012")
    query = bspec_query(root="", ended=None, client_extra="contactgegevens { postcode }")
    assert_forbidden(decide(pdp, query, {"B": BS}, claims=ZK))
    query = bspec_query(
        root="", ended=None, bemiddeling_extra="bemiddelingspecificatie { zzpCode }"
    )
    assert_forbidden(decide(pdp, query, {"B": BS}, claims=ZK))


# --- 9. nID's own PIP queries -------------------------------------------------------------------

PIP_VARS = {
    "PIP-0002": {"X": X, "A": AGB},
    "PIP-0003": {"X": X, "U": UZOVI},
    "PIP-0004": {"X": X, "U": UZOVI},
    "PIP-KETEN": {"X": X},
    "PIP-UCLR-0001": {"B": BS, "A": AGB},
    "PIP-UCLR-0004": {"B": BS, "U": UZOVI},
    "PIP-UCLR-0006": {"B": BS, "U": UZOVI},
    "PIP-UCLR-0009": {"B": BS, "U": UZOVI},
}


@pytest.mark.parametrize("pip_id", sorted(PIP_QUERIES))
def test_nid_pip_queries_allowed_for_the_netwerkbeheerder(
    pdp: PolicyDecisionPoint, pip: RowsPip, pip_id: str
) -> None:
    decision = decide(pdp, PIP_QUERIES[pip_id], PIP_VARS[pip_id], claims=NID)
    assert_allowed(decision, pip_id)
    assert pip.calls == []


@pytest.mark.parametrize("pip_id", sorted(PIP_QUERIES))
@pytest.mark.parametrize("caller", sorted(set(CALLERS) - {"nid"}))
def test_nid_pip_queries_denied_for_everyone_else(
    pdp: PolicyDecisionPoint, pip_id: str, caller: str
) -> None:
    decision = decide(pdp, PIP_QUERIES[pip_id], PIP_VARS[pip_id], claims=CALLERS[caller])
    assert_forbidden(decision)


def test_nid_kvk_needs_the_onderneming_type(pdp: PolicyDecisionPoint) -> None:
    claims = {**NID, "instantie_type": "Zorgkantoor", "uzovi": UZOVI}
    assert_forbidden(decide(pdp, PIP_QUERIES["PIP-0003"], PIP_VARS["PIP-0003"], claims=claims))


PIP_TAMPERED = [
    ("PIP-0002", "{some: {instelling: {eq: $A}}}", "{some: {instelling: {neq: $A}}}"),
    ("PIP-0002", "{some: {instelling: {eq: $A}}}", "{all: {instelling: {eq: $A}}}"),
    (
        "PIP-0002",
        "{some: {instelling: {eq: $A}}}",
        '{some: {instelling: {eq: $A}, zzpCode: {eq: "x"}}}',
    ),
    ("PIP-0002", "bemiddelingID", "bemiddelingID verantwoordelijkZorgkantoor"),
    (
        "PIP-0003",
        "verantwoordelijkZorgkantoor: {neq: $U}",
        'verantwoordelijkZorgkantoor: {neq: "9999"}',
    ),
    ("PIP-0003", "verantwoordelijkZorgkantoor: {neq: $U}", "verantwoordelijkZorgkantoor: {eq: $U}"),
    ("PIP-0003", "overdrachtID", "overdrachtID bemiddeling { client { bsn } }"),
    (
        "PIP-0004",
        "{some: {uitvoerendZorgkantoor: {eq: $U}}}",
        '{some: {uitvoerendZorgkantoor: {eq: "9999"}}}',
    ),
    ("PIP-0004", "verantwoordelijkZorgkantoor: {neq: $U}", "verantwoordelijkZorgkantoor: {eq: $U}"),
    ("PIP-KETEN", "bemiddelingID", "bemiddelingID client { bsn }"),
    ("PIP-KETEN", "wlzIndicatieID: {eq: $X}", "wlzIndicatieID: {neq: $X}"),
    ("PIP-UCLR-0001", "(where: {instelling: {eq: $A}})", ""),
    ("PIP-UCLR-0001", "(where: {instelling: {eq: $A}})", "(where: {instelling: {neq: $A}})"),
    (
        "PIP-UCLR-0001",
        "vaststellingMoment\n    bemiddeling",
        "vaststellingMoment pgbPercentage\n    bemiddeling",
    ),
    (
        "PIP-UCLR-0004",
        "bemiddeling: {verantwoordelijkZorgkantoor: {eq: $U}}",
        "bemiddeling: {verantwoordelijkZorgkantoor: {neq: $U}}",
    ),
    (
        "PIP-UCLR-0006",
        "{bemiddeling: {verantwoordelijkZorgkantoor: {eq: $U}}}",
        "{bemiddeling: {verantwoordelijkZorgkantoor: {neq: $U}}}",
    ),
    (
        "PIP-UCLR-0006",
        "or: [{uitvoerendZorgkantoor: {eq: $U}}, ",
        "or: [{uitvoerendZorgkantoor: {neq: $U}}, ",
    ),
    (
        "PIP-UCLR-0009",
        "(where: {uitvoerendZorgkantoor: {eq: $U}})",
        "(where: {uitvoerendZorgkantoor: {neq: $U}})",
    ),
    (
        "PIP-UCLR-0009",
        "bemiddelingspecificatieID\n    toewijzingIngangsdatum",
        "bemiddelingspecificatieID instelling\n    toewijzingIngangsdatum",
    ),
]


@pytest.mark.parametrize(("pip_id", "old", "new"), PIP_TAMPERED)
def test_nid_pip_templates_are_exact(
    pdp: PolicyDecisionPoint, pip_id: str, old: str, new: str
) -> None:
    query = PIP_QUERIES[pip_id]
    assert old in query, old
    assert_forbidden(decide(pdp, query.replace(old, new, 1), PIP_VARS[pip_id], claims=NID))


@pytest.mark.parametrize("pip_id", sorted(PIP_QUERIES))
def test_nid_pip_queries_need_their_variables(pdp: PolicyDecisionPoint, pip_id: str) -> None:
    for name in PIP_VARS[pip_id]:
        variables = {k: v for k, v in PIP_VARS[pip_id].items() if k != name}
        assert_forbidden(decide(pdp, PIP_QUERIES[pip_id], variables, claims=NID))


def test_the_ciz_does_not_get_pip_keten(pdp: PolicyDecisionPoint) -> None:
    # PIP-KETEN has QBR-0010's where; the CIZ may select verantwoordelijkZorgkantoor (UCBR-0010)
    # but not the bemiddelingID.
    decision = decide(pdp, PIP_QUERIES["PIP-KETEN"], PIP_VARS["PIP-KETEN"], claims=CIZ)
    assert_forbidden(decision)


# --- 10. global rules, routing, scope -----------------------------------------------------------


def test_scope_missing_is_a_bad_request(pdp: PolicyDecisionPoint) -> None:
    for scopes in [(IR_SCOPE,), (BR_CREATE,), ()]:
        decision = decide(pdp, QBR_0001, ID_VARS, claims=zorgaanbieder(scopes=scopes))
        assert (decision.http_status, decision.code, decision.message) == (
            400,
            "BAD_REQUEST",
            "Bemiddelingspecificatie query: scope not allowed",
        )


def test_mutation_on_the_read_api_is_no_operation(pdp: PolicyDecisionPoint) -> None:
    query = 'mutation V { verwijderBemiddeling(bemiddelingID: "%s") { geslaagd } }' % BS
    decision = decide(pdp, query, claims=ZK)
    assert (decision.http_status, decision.code, decision.message) == (
        400,
        "BAD_REQUEST",
        "No operation found to evaluate",
    )


def test_two_root_fields_are_refused(pdp: PolicyDecisionPoint) -> None:
    query = QBR_0010.replace(
        "bemiddeling(where",
        'regiehouder(where: {regiehouderID: {eq: "%s"}}) { instelling }\n  bemiddeling(where' % RH,
    )
    decision = decide(pdp, query, X_VARS, claims=CIZ)
    assert (decision.http_status, decision.code, decision.message) == (
        400,
        "BAD_REQUEST",
        "Only one selectionset in an operation is supported.",
    )


def test_two_operations_are_refused(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QBR_0010 + "\nquery Other { client { bsn } }", X_VARS, claims=CIZ)
    assert (decision.http_status, decision.message) == (
        400,
        "Only one operation at the time is supported.",
    )


@pytest.mark.parametrize("claims", [ZA, ZK, CIZ, NID])
def test_client_root_and_unfiltered_roots_deny(
    pdp: PolicyDecisionPoint, claims: dict[str, Any]
) -> None:
    for query in [
        'query Client { client(where: {bsn: {eq: "999990019"}}) { bsn contactpersoon { geslachtsnaam } } }',
        "query Alles { bemiddelingspecificatie { bemiddelingspecificatieID } }",
        "query Alles { regiehouder { regiehouderID } }",
        "query Alles { overdracht { overdrachtID } }",
    ]:
        assert_forbidden(decide(pdp, query, claims=claims))


def test_anonymous_operation_message(pdp: PolicyDecisionPoint) -> None:
    query = QBR_0001.replace("query Bemiddelingspecificatie(", "query (")
    decision = decide(pdp, query, {**ID_VARS, "A": AGB_OTHER}, claims=ZA)
    assert decision.message == "query: Policy: Access Denied"


def test_beheer_caller_gets_nothing_extra_on_the_read_api(pdp: PolicyDecisionPoint) -> None:
    # The responsible zorgkantoor reads its own data through its beheer API; on the read API it
    # is one zorgkantoor among others.
    claims = zorgkantoor(TENANT, scopes=(BR_SCOPE, BR_CREATE))
    query = 'query Alles { bemiddeling(where: {verantwoordelijkZorgkantoor: {eq: "5501"}}) { bemiddelingID } }'
    assert_forbidden(decide(pdp, query, claims=claims))


def test_decisions_are_reasoned_for_the_closest_use_case(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QBR_0008, {**OV_VARS, "U": UZOVI_OTHER}, claims=ZK)
    assert_forbidden(decision, "claim_mismatch:verantwoordelijkZorgkantoor", use_case="UCBR-0008")
    decision = decide(pdp, QBR_0011, X_VARS, claims=ZK)
    assert_forbidden(decision, "not_ciz", use_case="UCBR-0011")


def test_allow_fails_closed_without_nested_arguments_or_resource(
    pdp: PolicyDecisionPoint, pip: RowsPip
) -> None:
    """`allow` needs `nested_arguments` (and UCBR-0012/0013 `resource.tenant`): without them no
    use case allows there, even with wrong nested filters that only the values would reveal."""
    wrong = ended_lists()
    wrong["cp"] = ended_filter("einddatum", "ingangsdatum", '"2099-01-01"')
    pip.rows["PIP-UCBR-0012"] = bspec_rows("2024-06-01", None, [own("2024-01-01", None)])
    cases = [
        (QBR_0001, ID_VARS, ZA, ("nested_arguments",)),
        (QBR_0002, ENDED_VARS, ZA, ("nested_arguments",)),
        (bspec_query(root=ZA_ROOT, ended=True, lists=wrong), ENDED_VARS, ZA, ("nested_arguments",)),
        (QBR_0010, X_VARS, CIZ, ("nested_arguments",)),
    ]
    for query, variables, claims, missing in cases:
        full = pdp_input(query, variables, claims=claims)
        short = pdp_module._allow_input(full, pdp.template_verdict(full))
        allowed = pdp._allow["bemiddelingsregister"].evaluate(
            "iwlz/bemiddelingsregister/allow", short, undefined={}
        )
        assert bool(allowed) is (query != bspec_query(root=ZA_ROOT, ended=True, lists=wrong))
        for key in missing:
            short.pop(key, None)
        assert (
            pdp._allow["bemiddelingsregister"].evaluate(
                "iwlz/bemiddelingsregister/allow", short, undefined={}
            )
            == {}
        )
    # Without the tenant, UCBR-0012 never asks its PIP.
    decision = decide(pdp, QBR_0012, {"B": BS}, claims=ZK, tenant=None)
    assert_forbidden(decision, "resource_missing:tenant")
    assert pip.calls == []


@pytest.mark.parametrize(
    ("query", "variables", "claims"),
    [
        (
            bspec_query(
                root=ZA_ROOT,
                ended=True,
                lists={"cp": ended_lists()["cp"]},
                client_extra="alle: contactpersoon { geslachtsnaam }",
            ),
            ENDED_VARS,
            ZA,
        ),
        (
            bspec_query(
                root=ZK_ROOT,
                ended=False,
                lists={"bs": open_lists()["bs"]},
                bemiddeling_extra="ook: bemiddelingspecificatie { zzpCode }",
            ),
            OPEN_VARS,
            ZK,
        ),
        (
            qbr_0013(bemiddeling_extra="alle: bemiddelingspecificatie { toewijzingEinddatum }"),
            R13_VARS,
            ZK,
        ),
        # an alias of the parent: its copy of the list carries no filter
        (
            bspec_query(
                root=ZA_ROOT,
                ended=True,
                lists={"cp": ended_lists()["cp"]},
                bemiddeling_extra="kopie: client { contactpersoon { geslachtsnaam } }",
            ),
            ENDED_VARS,
            ZA,
        ),
    ],
)
def test_an_unfiltered_alias_of_a_filtered_list_denies(
    pdp: PolicyDecisionPoint,
    pip: RowsPip,
    query: str,
    variables: dict[str, Any],
    claims: dict[str, Any],
) -> None:
    # The PDP lists such a path as `<path>@aliases`, which no template has.
    pip.rows["PIP-UCBR-0013"] = regiehouder_rows("2024-06-01", None, [own("2024-01-01", None)])
    decision = decide(pdp, query, variables, claims=claims)
    assert_forbidden(decision)
    assert any(r.endswith("@aliases") for r in decision.reasons), decision.reasons
