"""Indicatieregister policy: UCIR-0001…0005 allow and deny, IR-T1…T9 (registers.md §1.5),
and the global rules of network.md §3.6, on real GraphQL requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from iwlz.nid.pdp import Decision, InMemoryPip, PolicyDecisionPoint, pdp_input_for_query

NOW = dt.datetime(2026, 11, 27, 19, 50, tzinfo=dt.UTC)
TODAY = "2026-11-27"
IR_SCOPE = "registers/wlzindicatieregister/indicaties/indicatie:read"
IR_SCOPE_DEPRECATED = "registers/wlzindicatieregister/indicaties:read"
BR_SCOPE = "registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"
DENIED = "WlzIndicatie query: Policy: Access Denied"

X1 = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # IR-T1…T3
X4 = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a04"  # IR-T4: bspec for AGB 12345678
X5 = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a05"  # IR-T5: bspec for another AGB only
X6 = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a06"  # IR-T6: overdracht 5050 -> 5151
X7 = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a07"  # IR-T7: "overdracht" while 5151 is responsible
X8 = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a08"  # IR-T8: 5151 executes for 5050
XS = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a10"  # two bspecs: 12345678 and 87654321


# --- requests ------------------------------------------------------------------------------


def tree(
    *, huisletter: bool = False, vervaldatum: bool = True, vervallen_geldigheid: bool = False
) -> str:
    """The full WlzIndicatie selection of the QIR templates (variants per template)."""
    adres = f"""adresID adresSoort straatnaam huisnummer {"huisletter" if huisletter else ""}
                huisnummerToevoeging postcode plaatsnaam landCode aanduidingWoonadres
                ingangsdatum einddatum"""
    contact_gegevens = f"""contactGegevens {{
                contactGegevensID
                adres {{ {adres} }}
                email {{ emailID emailadres ingangsdatum einddatum }}
                telefoon {{ telefoonID telefoonnummer landnummer ingangsdatum einddatum }}
            }}"""
    return f"""
        wlzindicatieID bsn besluitnummer soortWlzindicatie afgiftedatum ingangsdatum einddatum
        meerzorg initieelVerantwoordelijkZorgkantoor {"vervaldatum" if vervaldatum else ""}
        commentaar
        grondslag {{ grondslagID grondslag volgorde }}
        geindiceerdZorgzwaartepakket {{
            geindiceerdZorgzwaartepakketID zzpCode ingangsdatum einddatum voorkeurClient
            instellingVoorkeur financiering commentaar
        }}
        beperking {{
            beperkingID categorie duur commentaar
            beperkingScore {{ beperkingScoreID beperkingVraag beperkingScore commentaar }}
        }}
        stoornis {{
            stoornisID grondslag diagnoseCodelijst diagnoseSubCodelijst ziektebeeldStoornis
            prognose commentaar
        }}
        stoornisScore {{ stoornisScoreID stoornisVraag stoornisScore commentaar }}
        wzd {{ wzdID wzdVerklaring ingangsdatum einddatum }}
        {
        '''vervallenGeldigheid {
            vervallenGeldigheidID vervaldatum vaststellingmoment reden
            nieuwVerantwoordelijkZorgkantoor
        }'''
        if vervallen_geldigheid
        else ""
    }
        client {{
            clientID bsn geheimeClient geboorteDatum geboortedatumGebruik geslacht
            burgerlijkeStaat geslachtsnaam voorvoegselGeslachtsnaam partnernaam
            voorvoegselPartnernaam voornamen roepnaam voorletters naamGebruik leefeenheid
            agbcodeHuisarts communicatieVorm taal commentaar
            {contact_gegevens}
            contactPersoon {{
                contactPersoonID relatieNummer volgorde soortRelatie rol relatie voornamen
                roepnaam voorletters geslachtsnaam voorvoegselGeslachtsnaam partnernaam
                voorvoegselPartnernaam naamGebruik geslacht geboorteDatum geboortedatumGebruik
                ingangsdatum einddatum
                {contact_gegevens}
            }}
        }}"""


IR2 = tree()
IR3 = tree(huisletter=True, vervaldatum=False, vervallen_geldigheid=True)

QIR_0001 = f"""
query WlzIndicatie($wlzIndicatieID: UUID!, $initieelVerantwoordelijkZorgkantoor: String!) {{
  wlzIndicatie(where: {{
    wlzindicatieID: {{eq: $wlzIndicatieID}}
    initieelVerantwoordelijkZorgkantoor: {{eq: $initieelVerantwoordelijkZorgkantoor}}
  }}) {{ {IR2} }}
}}"""

QIR_0002 = f"""
query WlzIndicatie($wlzIndicatieID: UUID!, $agbCodeInstelling: String!) {{
  wlzIndicatie(where: {{
    wlzindicatieID: {{eq: $wlzIndicatieID}}
    agbCodeInstelling: {{eq: $agbCodeInstelling}}
  }}) {{ {IR2} }}
}}"""

QIR_0002_ID_ONLY = f"""
query WlzIndicatie($wlzIndicatieID: UUID!) {{
  wlzIndicatie(where: {{wlzindicatieID: {{eq: $wlzIndicatieID}}}}) {{ {IR2} }}
}}"""

QIR_0003 = f"""
query WlzIndicatie($wlzIndicatieID: UUID!) {{
  wlzIndicatie(where: {{wlzindicatieID: {{eq: $wlzIndicatieID}}}}) {{ {IR3} }}
}}"""

QIR_0004 = QIR_0003

QIR_0005 = f"""
query WlzIndicatieID($Bsn: String!, $Besluitnummer: Int!, $Afgiftedatum: Date!,
                     $Ingangsdatum: Date!) {{
  wlzIndicatie(where: {{
    bsn: {{eq: $Bsn}}
    besluitnummer: {{eq: $Besluitnummer}}
    afgiftedatum: {{eq: $Afgiftedatum}}
    ingangsdatum: {{eq: $Ingangsdatum}}
  }}) {{ {tree(huisletter=True)} }}
}}"""

ZK31 = {
    "Bsn": "999990019",
    "Besluitnummer": 123456,
    "Afgiftedatum": "2026-01-15",
    "Ingangsdatum": "2026-02-01",
}


def zorgkantoor(
    uzovi: str = "5050", *, scopes: tuple[str, ...] = (IR_SCOPE,), **extra: Any
) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"uzovi:{uzovi}",
        "scopes": list(scopes),
        "instantie_type": "Zorgkantoor",
        "uzovi": uzovi,
        "agb": None,
        "kvk": None,
        **extra,
    }


def zorgaanbieder(
    agb: str = "12345678", *, scopes: tuple[str, ...] = (IR_SCOPE,)
) -> dict[str, Any]:
    return {
        "iss": "auth.nid",
        "client_id": f"agb:{agb}",
        "scopes": list(scopes),
        "instantie_type": "Zorgaanbieder",
        "uzovi": None,
        "agb": agb,
        "kvk": None,
    }


@pytest.fixture(scope="module")
def pip() -> InMemoryPip:
    pip = InMemoryPip()
    pip.add_bemiddeling(X4, "5050", [{"instelling": "12345678"}])
    pip.add_bemiddeling(X5, "5050", [{"instelling": "87654321"}])
    pip.add_overdracht("5151", pip.add_bemiddeling(X6, "5050"))
    pip.add_overdracht("5151", pip.add_bemiddeling(X7, "5151"))
    pip.add_bemiddeling(X8, "5050", [{"uitvoerendZorgkantoor": "5151"}])
    pip.add_bemiddeling(XS, "5050", [{"instelling": "87654321"}, {"instelling": "12345678"}])
    return pip


@pytest.fixture(scope="module")
def pdp(pip: InMemoryPip) -> PolicyDecisionPoint:
    return PolicyDecisionPoint(pip)


def decide(
    pdp: PolicyDecisionPoint,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    claims: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> Decision:
    pdp_input = pdp_input_for_query(
        register="indicatieregister",
        claims=claims if claims is not None else zorgkantoor(),
        query=query,
        variables=variables,
        operation_name=operation_name,
        now=NOW,
    )
    return pdp.decide(pdp_input)


def assert_forbidden(decision: Decision, *reasons: str, use_case: str | None = None) -> None:
    assert not decision.allowed
    assert (decision.http_status, decision.code) == (403, "FORBIDDEN"), decision
    # "<OperationName> query: Policy: Access Denied" (network.md §3.6, registers.md §0.3)
    assert decision.message is not None
    assert decision.message.endswith(" query: Policy: Access Denied"), decision.message
    for reason in reasons:
        assert reason in decision.reasons, decision.reasons
    if use_case is not None:
        assert decision.use_case == use_case


def assert_bad_request(decision: Decision, message: str) -> None:
    assert not decision.allowed
    assert (decision.http_status, decision.code, decision.message) == (400, "BAD_REQUEST", message)


# --- the templates themselves ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "template", "paths"),
    [
        (
            QIR_0001,
            {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5050"},
            "QIR-0001",
            143,
        ),
        (QIR_0002, {"wlzIndicatieID": X4, "agbCodeInstelling": "12345678"}, "QIR-0002", 143),
        (QIR_0003, {"wlzIndicatieID": X6}, "QIR-0003", 150),
        (QIR_0004, {"wlzIndicatieID": X8}, "QIR-0004", 150),
        (QIR_0005, ZK31, "QIR-0005", 145),
    ],
)
def test_each_template_request_matches_its_template(
    pdp: PolicyDecisionPoint,
    query: str,
    variables: dict[str, Any],
    template: str,
    paths: int,
) -> None:
    pdp_input = pdp_input_for_query(
        register="indicatieregister",
        claims=zorgkantoor(),
        query=query,
        variables=variables,
        now=NOW,
    )
    # The path counts are those of the official template files (vervallenGeldigheid: IR3).
    assert len(pdp_input["selection"]) == paths
    assert template in pdp.template_verdict(pdp_input)["matches"]


def test_a_part_of_a_template_still_matches(pdp: PolicyDecisionPoint) -> None:
    query = """query WlzIndicatie($id: UUID!, $zk: String!) {
      wlzIndicatie(where: {wlzindicatieID: {eq: $id},
                            initieelVerantwoordelijkZorgkantoor: {eq: $zk}}) {
        wlzindicatieID client { bsn geslachtsnaam }
      }
    }"""
    decision = decide(pdp, query, {"id": X1, "zk": "5050"})
    assert decision.allowed and decision.use_case == "UCIR-0001"


# --- IR-T1 … IR-T9 (registers.md §1.5) -------------------------------------------------------


def test_ir_t1_initially_responsible_zorgkantoor_is_allowed(pdp: PolicyDecisionPoint) -> None:
    decision = decide(
        pdp, QIR_0001, {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5050"}
    )
    assert decision == Decision(True, 200, None, None, "UCIR-0001", (), ())


def test_ir_t2_other_initieel_verantwoordelijk_zorgkantoor_is_denied(
    pdp: PolicyDecisionPoint,
) -> None:
    decision = decide(
        pdp, QIR_0001, {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5151"}
    )
    assert_forbidden(
        decision, "claim_mismatch:initieelVerantwoordelijkZorgkantoor", use_case="UCIR-0001"
    )
    assert decision.message == DENIED
    assert decision.pip_checks == ()


def test_ir_t3_missing_wlzindicatie_id_is_denied(pdp: PolicyDecisionPoint) -> None:
    query = f"""query WlzIndicatie($zk: String!) {{
      wlzIndicatie(where: {{initieelVerantwoordelijkZorgkantoor: {{eq: $zk}}}}) {{ {IR2} }}
    }}"""
    decision = decide(pdp, query, {"zk": "5050"})
    assert_forbidden(
        decision,
        "template_mismatch:QIR-0001",
        "where_missing:wlzindicatieID.eq",
        use_case="UCIR-0001",
    )


def test_ir_t3_null_wlzindicatie_id_is_denied(pdp: PolicyDecisionPoint) -> None:
    decision = decide(
        pdp, QIR_0001, {"wlzIndicatieID": None, "initieelVerantwoordelijkZorgkantoor": "5050"}
    )
    assert_forbidden(decision, "argument_missing:wlzindicatieID.eq", use_case="UCIR-0001")


def test_ir_t4_zorgaanbieder_with_bemiddelingspecificatie_is_allowed(
    pdp: PolicyDecisionPoint,
) -> None:
    decision = decide(pdp, QIR_0002_ID_ONLY, {"wlzIndicatieID": X4}, claims=zorgaanbieder())
    assert decision.allowed and decision.use_case == "UCIR-0002"
    assert [(c.id, dict(c.params), c.result) for c in decision.pip_checks] == [
        ("PIP-0002", {"wlzIndicatieID": X4, "agb": "12345678"}, True)
    ]


def test_ir_t5_zorgaanbieder_without_bemiddelingspecificatie_is_denied(
    pdp: PolicyDecisionPoint,
) -> None:
    decision = decide(pdp, QIR_0002_ID_ONLY, {"wlzIndicatieID": X5}, claims=zorgaanbieder())
    assert_forbidden(decision, "pip_empty:PIP-0002", use_case="UCIR-0002")
    assert [(c.id, c.result) for c in decision.pip_checks] == [("PIP-0002", False)]


def test_ir_t6_zorgkantoor_after_overdracht_is_allowed(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QIR_0003, {"wlzIndicatieID": X6}, claims=zorgkantoor("5151"))
    assert decision.allowed and decision.use_case == "UCIR-0003"
    assert [(c.id, c.result) for c in decision.pip_checks] == [("PIP-0003", True)]


def test_ir_t7_overdracht_to_the_responsible_zorgkantoor_itself_is_denied(
    pdp: PolicyDecisionPoint,
) -> None:
    decision = decide(pdp, QIR_0003, {"wlzIndicatieID": X7}, claims=zorgkantoor("5151"))
    assert_forbidden(decision, "pip_empty:PIP-0003", use_case="UCIR-0003")
    # The same shape fits QIR-0004, so its control query ran as well.
    assert [(c.id, c.result) for c in decision.pip_checks] == [
        ("PIP-0003", False),
        ("PIP-0004", False),
    ]


def test_ir_t8_executing_zorgkantoor_is_allowed(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QIR_0004, {"wlzIndicatieID": X8}, claims=zorgkantoor("5151"))
    assert decision.allowed and decision.use_case == "UCIR-0004"
    assert [(c.id, dict(c.params), c.result) for c in decision.pip_checks] == [
        ("PIP-0003", {"wlzIndicatieID": X8, "uzovi": "5151"}, False),
        ("PIP-0004", {"wlzIndicatieID": X8, "uzovi": "5151"}, True),
    ]


@pytest.mark.parametrize(
    "claims",
    [zorgkantoor("5050"), zorgkantoor("5151"), zorgaanbieder()],
    ids=["zk-5050", "zk-5151", "za"],
)
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (QIR_0001, {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5050"}),
        (QIR_0002_ID_ONLY, {"wlzIndicatieID": X4}),
        (QIR_0003, {"wlzIndicatieID": X6}),
        (QIR_0005, ZK31),
    ],
    ids=["QIR-0001", "QIR-0002", "QIR-0003", "QIR-0005"],
)
def test_ir_t9_a_field_outside_the_template_is_denied_for_anyone(
    pdp: PolicyDecisionPoint,
    claims: dict[str, Any],
    query: str,
    variables: dict[str, Any],
) -> None:
    # `organisatieNaam` exists (deprecated) but no template selects it.
    query = query.replace("contactPersoonID", "contactPersoonID organisatieNaam", 1)
    decision = decide(pdp, query, variables, claims=claims)
    assert_forbidden(
        decision, "selection_outside_template:wlzIndicatie.client.contactPersoon.organisatieNaam"
    )
    assert decision.pip_checks == ()


# --- UCIR-0001 --------------------------------------------------------------------------------


def test_ucir0001_huisletter_is_not_in_the_template(pdp: PolicyDecisionPoint) -> None:
    # QIR-0001 selects no Adres.huisletter (QIR-0003/4/5 do).
    query = QIR_0001.replace("huisnummer", "huisnummer huisletter", 1)
    decision = decide(
        pdp, query, {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5050"}
    )
    assert_forbidden(
        decision,
        "template_mismatch:QIR-0001",
        "selection_outside_template:wlzIndicatie.client.contactGegevens.adres.huisletter",
        use_case="UCIR-0001",
    )


def test_ucir0001_zorgaanbieder_token_is_denied(pdp: PolicyDecisionPoint) -> None:
    decision = decide(
        pdp,
        QIR_0001,
        {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5050"},
        claims=zorgaanbieder(),
    )
    assert_forbidden(decision, "instantie_type_not_zorgkantoor", "claim_missing:uzovi")


def test_ucir0001_on_behalf_of_the_zorgkantoor_is_allowed(pdp: PolicyDecisionPoint) -> None:
    claims = zorgkantoor("5050", act={"sub": "20001000001131"})
    decision = decide(
        pdp,
        QIR_0001,
        {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5050"},
        claims=claims,
    )
    assert decision.allowed


def test_ucir0001_with_literal_arguments_and_a_where_variable(pdp: PolicyDecisionPoint) -> None:
    literal = QIR_0001.replace(
        "$wlzIndicatieID: UUID!, $initieelVerantwoordelijkZorgkantoor: String!", ""
    ).replace("query WlzIndicatie()", "query Q")
    literal = literal.replace("$wlzIndicatieID", f'"{X1}"').replace(
        "$initieelVerantwoordelijkZorgkantoor", '"5050"'
    )
    assert decide(pdp, literal).allowed
    whole = f"""query Q($where: WlzIndicatieFilterInput) {{ wlzIndicatie(where: $where) {{ {IR2} }} }}"""
    where = {"wlzindicatieID": {"eq": X1}, "initieelVerantwoordelijkZorgkantoor": {"eq": "5050"}}
    assert decide(pdp, whole, {"where": where}).allowed
    where["initieelVerantwoordelijkZorgkantoor"] = {"eq": "5050", "neq": "5151"}
    assert_forbidden(
        decide(pdp, whole, {"where": where}),
        "where_not_in_template:initieelVerantwoordelijkZorgkantoor.neq",
    )


@pytest.mark.parametrize(
    ("raadpleeg", "allowed"),
    [
        ("2026-11-26", True),
        (TODAY, True),
        ("2026-11-28", False),
        (None, False),
        ("27-11-2026", False),
    ],
)
def test_ucir0001_raadpleeg_datum_may_not_be_after_today(
    pdp: PolicyDecisionPoint,
    raadpleeg: str | None,
    allowed: bool,
) -> None:
    query = QIR_0001.replace("String!)", "String!, $raadpleegDatum: Date)").replace(
        "{eq: $initieelVerantwoordelijkZorgkantoor}",
        "{eq: $initieelVerantwoordelijkZorgkantoor}\n    raadpleegDatum: $raadpleegDatum",
        1,
    )
    assert "raadpleegDatum: $raadpleegDatum" in query
    decision = decide(
        pdp,
        query,
        {
            "wlzIndicatieID": X1,
            "initieelVerantwoordelijkZorgkantoor": "5050",
            "raadpleegDatum": raadpleeg,
        },
    )
    assert decision.allowed is allowed
    if not allowed:
        assert_forbidden(decision, use_case="UCIR-0001")
        assert {"raadpleegDatum_after_today", "argument_invalid:raadpleegDatum"} & set(
            decision.reasons
        )


# --- UCIR-0002 --------------------------------------------------------------------------------


def test_ucir0002_with_its_own_agb_code_instelling_is_allowed(pdp: PolicyDecisionPoint) -> None:
    decision = decide(
        pdp,
        QIR_0002,
        {"wlzIndicatieID": X4, "agbCodeInstelling": "12345678"},
        claims=zorgaanbieder(),
    )
    assert decision.allowed and decision.use_case == "UCIR-0002"


def test_ucir0002_pip_needs_some_not_all_specificaties(pdp: PolicyDecisionPoint) -> None:
    # registers.md §4 item 4: another aanbieder's bspec on the same bemiddeling does not deny.
    decision = decide(pdp, QIR_0002_ID_ONLY, {"wlzIndicatieID": XS}, claims=zorgaanbieder())
    assert decision.allowed


def test_ucir0002_other_agb_code_instelling_is_denied_without_asking_the_pip(
    pdp: PolicyDecisionPoint,
) -> None:
    decision = decide(
        pdp,
        QIR_0002,
        {"wlzIndicatieID": X4, "agbCodeInstelling": "87654321"},
        claims=zorgaanbieder(),
    )
    assert_forbidden(decision, "claim_mismatch:agbCodeInstelling", use_case="UCIR-0002")
    assert decision.pip_checks == ()


def test_ucir0002_zorgkantoor_token_is_denied(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QIR_0002, {"wlzIndicatieID": X4, "agbCodeInstelling": "12345678"})
    assert_forbidden(
        decision, "instantie_type_not_zorgaanbieder", "claim_missing:agb", use_case="UCIR-0002"
    )
    assert decision.pip_checks == ()


def test_ucir0002_huisletter_is_not_in_the_template(pdp: PolicyDecisionPoint) -> None:
    query = QIR_0002_ID_ONLY.replace("huisnummer", "huisnummer huisletter", 1)
    decision = decide(pdp, query, {"wlzIndicatieID": X4}, claims=zorgaanbieder())
    # The shape now fits the zorgkantoor templates QIR-0003/0004 only.
    assert_forbidden(decision, "instantie_type_not_zorgkantoor", use_case="UCIR-0003")
    assert decision.pip_checks == ()


# --- UCIR-0003 / UCIR-0004 --------------------------------------------------------------------


def test_ucir0003_ir2_client_may_select_vervaldatum(pdp: PolicyDecisionPoint) -> None:
    # QIR-0003 v1.2.0 (IR3) dropped vervaldatum; this IR2 register keeps it (see the policy).
    query = QIR_0003.replace("wlzindicatieID bsn", "wlzindicatieID vervaldatum bsn", 1)
    decision = decide(pdp, query, {"wlzIndicatieID": X6}, claims=zorgkantoor("5151"))
    assert decision.allowed and decision.use_case == "UCIR-0003"


def test_ucir0003_without_overdracht_or_bemiddeling_is_denied(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QIR_0003, {"wlzIndicatieID": X1}, claims=zorgkantoor("5252"))
    assert_forbidden(decision, "pip_empty:PIP-0003", use_case="UCIR-0003")


def test_ucir0003_zorgaanbieder_token_is_denied(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QIR_0003, {"wlzIndicatieID": X6}, claims=zorgaanbieder())
    assert_forbidden(decision, "instantie_type_not_zorgkantoor")
    assert decision.pip_checks == ()


def test_ucir0004_responsible_zorgkantoor_is_not_executing(pdp: PolicyDecisionPoint) -> None:
    # 5050 is verantwoordelijk for X8: PIP-0004 needs verantwoordelijkZorgkantoor != U.
    decision = decide(pdp, QIR_0004, {"wlzIndicatieID": X8}, claims=zorgkantoor("5050"))
    assert_forbidden(decision, "pip_empty:PIP-0003")
    assert [(c.id, c.result) for c in decision.pip_checks] == [
        ("PIP-0003", False),
        ("PIP-0004", False),
    ]


def test_ucir0004_wlzindicatie_id_must_be_given(pdp: PolicyDecisionPoint) -> None:
    query = f"query WlzIndicatie {{ wlzIndicatie {{ {IR3} }} }}"
    decision = decide(pdp, query, claims=zorgkantoor("5151"))
    assert_forbidden(decision, "where_missing:wlzindicatieID.eq")
    assert decision.pip_checks == ()


# --- UCIR-0005 --------------------------------------------------------------------------------


def test_ucir0005_zk31_fields_are_allowed(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QIR_0005, ZK31, claims=zorgkantoor("5151"))
    assert decision.allowed and decision.use_case == "UCIR-0005"
    assert decision.pip_checks == ()


def test_ucir0005_missing_besluitnummer_is_denied(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, QIR_0005, {**ZK31, "Besluitnummer": None})
    assert_forbidden(decision, "argument_missing:besluitnummer.eq", use_case="UCIR-0005")
    query = QIR_0005.replace("besluitnummer: {eq: $Besluitnummer}", "")
    assert_forbidden(
        decide(pdp, query, ZK31), "where_missing:besluitnummer.eq", use_case="UCIR-0005"
    )


def test_ucir0005_needs_a_valid_uzovi(pdp: PolicyDecisionPoint) -> None:
    assert_forbidden(
        decide(pdp, QIR_0005, ZK31, claims=zorgaanbieder()),
        "claim_missing:uzovi",
        use_case="UCIR-0005",
    )
    assert_forbidden(
        decide(pdp, QIR_0005, ZK31, claims=zorgkantoor("50505")),
        "claim_missing:uzovi",
        use_case="UCIR-0005",
    )


def test_ucir0005_extra_where_key_is_denied(pdp: PolicyDecisionPoint) -> None:
    query = QIR_0005.replace("bsn: {eq: $Bsn}", f'bsn: {{eq: $Bsn}} wlzindicatieID: {{eq: "{X1}"}}')
    assert_forbidden(
        decide(pdp, query, ZK31), "where_not_in_template:wlzindicatieID.eq", use_case="UCIR-0005"
    )


def test_ucir0005_huisletter_is_in_the_template_and_date_format_checked(
    pdp: PolicyDecisionPoint,
) -> None:
    assert "huisletter" in QIR_0005
    assert_forbidden(
        decide(pdp, QIR_0005, {**ZK31, "Afgiftedatum": "15-01-2026"}),
        "argument_missing:afgiftedatum.eq",
    )


# --- global rules, scope, operation ----------------------------------------------------------


QIR_0001_VARS = {"wlzIndicatieID": X1, "initieelVerantwoordelijkZorgkantoor": "5050"}


def test_deprecated_scope_is_still_accepted(pdp: PolicyDecisionPoint) -> None:
    claims = zorgkantoor(scopes=(IR_SCOPE_DEPRECATED,))
    assert decide(pdp, QIR_0001, QIR_0001_VARS, claims=claims).allowed


@pytest.mark.parametrize(
    "scopes",
    [(), (BR_SCOPE,), ("registers/wlzindicatieregister",)],
    ids=["none", "other-register", "too-short"],
)
def test_missing_scope_is_a_bad_request(pdp: PolicyDecisionPoint, scopes: tuple[str, ...]) -> None:
    decision = decide(pdp, QIR_0001, QIR_0001_VARS, claims=zorgkantoor(scopes=scopes))
    assert_bad_request(decision, "WlzIndicatie query: scope not allowed")
    assert decision.reasons == ("scope_missing",)


def test_mutation_is_no_operation_of_the_read_api(pdp: PolicyDecisionPoint) -> None:
    query = QIR_0001.replace("query WlzIndicatie", "mutation WlzIndicatie", 1)
    assert_bad_request(decide(pdp, query, QIR_0001_VARS), "No operation found to evaluate")


def test_unknown_root_field_is_no_operation(pdp: PolicyDecisionPoint) -> None:
    decision = decide(pdp, "query Q { bemiddeling { bemiddelingID } }")
    assert_bad_request(decision, "No operation found to evaluate")


def test_two_root_fields_are_a_bad_request(pdp: PolicyDecisionPoint) -> None:
    # A second alias of the same root field would escape the argument checks otherwise.
    query = QIR_0001.replace(
        "wlzIndicatie(where:",
        f'other: wlzIndicatie(where: {{wlzindicatieID: {{eq: "{X6}"}}}}) '
        "{ bsn }\n  wlzIndicatie(where:",
        1,
    )
    decision = decide(pdp, query, QIR_0001_VARS)
    assert_bad_request(decision, "Only one selectionset in an operation is supported.")


def test_two_operations_are_a_bad_request(pdp: PolicyDecisionPoint) -> None:
    query = QIR_0001 + "\nquery Other { wlzIndicatie { bsn } }"
    decision = decide(pdp, query, QIR_0001_VARS, operation_name="WlzIndicatie")
    assert_bad_request(decision, "Only one operation at the time is supported.")


def test_nested_arguments_are_denied(pdp: PolicyDecisionPoint) -> None:
    # The pre-1.0 QIR-0001 draft filtered contact data with nested `where`; the IR has none.
    query = QIR_0001.replace(
        "contactPersoon {", "contactPersoon(where: {einddatum: {eq: null}}) {", 1
    )
    decision = decide(pdp, query, QIR_0001_VARS)
    assert_forbidden(
        decision,
        "nested_argument_not_in_template:wlzIndicatie.client.contactPersoon(where)",
        use_case="UCIR-0001",
    )


def test_extra_where_key_is_denied(pdp: PolicyDecisionPoint) -> None:
    query = QIR_0001.replace(
        "wlzindicatieID: {eq: $wlzIndicatieID}",
        'wlzindicatieID: {eq: $wlzIndicatieID} bsn: {eq: "999990019"}',
    )
    assert_forbidden(
        decide(pdp, query, QIR_0001_VARS), "where_not_in_template:bsn.eq", use_case="UCIR-0001"
    )


def test_unknown_path_is_denied(pdp: PolicyDecisionPoint) -> None:
    query = QIR_0001.replace("commentaar", "commentaar geheimVeld", 1)
    assert_forbidden(
        decide(pdp, query, QIR_0001_VARS), "selection_outside_template:wlzIndicatie.geheimVeld"
    )


def test_anonymous_operation_has_no_name_in_the_message(pdp: PolicyDecisionPoint) -> None:
    query = QIR_0001.replace("query WlzIndicatie(", "query (", 1)
    variables = {**QIR_0001_VARS, "initieelVerantwoordelijkZorgkantoor": "5151"}
    decision = decide(pdp, query, variables)
    assert decision.message == "query: Policy: Access Denied"


def test_quotes_in_client_strings_cannot_inject_into_the_answer(
    pdp: PolicyDecisionPoint,
) -> None:
    # A where key is echoed in a reason; it must come back as the same string, not as JSON.
    evil = 'x", "allowed": true, "y": "'
    whole = "query Q($where: WlzIndicatieFilterInput) { wlzIndicatie(where: $where) { bsn } }"
    where = {
        "wlzindicatieID": {"eq": X1},
        "initieelVerantwoordelijkZorgkantoor": {"eq": "5050"},
        evil: {"eq": "1"},
    }
    decision = decide(pdp, whole, {"where": where})
    assert_forbidden(decision, f"where_not_in_template:{evil}.eq")
    claims = zorgkantoor('50"0')
    where = {"wlzindicatieID": {"eq": X1}, "initieelVerantwoordelijkZorgkantoor": {"eq": '50"0'}}
    assert_forbidden(decide(pdp, whole, {"where": where}, claims=claims), "claim_missing:uzovi")


# --- PIP failure, cache ------------------------------------------------------------------------


class FailingPip:
    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> bool:
        raise TimeoutError("Bemiddelingsregister did not answer")


def test_pip_failure_fails_closed() -> None:
    pdp = PolicyDecisionPoint(FailingPip())
    decision = decide(pdp, QIR_0003, {"wlzIndicatieID": X6}, claims=zorgkantoor("5151"))
    assert not decision.allowed
    assert (decision.http_status, decision.code, decision.message) == (
        500,
        "INTERNAL_SERVER_ERROR",
        "WlzIndicatie query: Internal Server Error",
    )
    assert decision.reasons == ("pip_error:PIP-0003",)
    # The first failure stops the PIP round: nothing is allowed on a partial picture.
    assert [(c.id, c.result) for c in decision.pip_checks] == [("PIP-0003", None)]
    # Use cases without a PIP are unaffected.
    assert decide(pdp, QIR_0001, QIR_0001_VARS).allowed


def test_same_query_shape_different_claims_different_decisions(pdp: PolicyDecisionPoint) -> None:
    # One template verdict is cached for the shape; the claims are judged every time.
    assert decide(pdp, QIR_0001, QIR_0001_VARS, claims=zorgkantoor("5050")).allowed
    assert_forbidden(
        decide(pdp, QIR_0001, QIR_0001_VARS, claims=zorgkantoor("5151")),
        "claim_mismatch:initieelVerantwoordelijkZorgkantoor",
    )
    assert decide(pdp, QIR_0001, QIR_0001_VARS, claims=zorgkantoor("5050")).allowed
    assert_forbidden(decide(pdp, QIR_0001, QIR_0001_VARS, claims=zorgaanbieder()))
