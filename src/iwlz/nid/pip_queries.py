# ruff: noqa: E501
"""The control queries nID's Policy Information Points send to a Bemiddelingsregister.

They are the PIP queries of registers.md §1.5 (PIP-0002…0004), §3.4 (UCLR) and one of our own
(``PIP-KETEN``: which zorgkantoor took a bemiddeling over, to walk from the initially
responsible zorgkantoor's register to the next). Each is sent by nID itself (the netwerkbeheerder,
VECOZO, KVK 18065868) with a Bemiddelingsregister read token, to
``/bemiddelingsregister/{uzovi}/graphql`` of the zorgkantoor found in the address book
(``<UZOVI>_REGISTER_<ENV>``, systeemrol ``REGISTER``). The Bemiddelingsregister's policy allows
exactly these shapes for that caller and nothing else.

Deviation (registers.md §4 item 4): PIP-0002 and PIP-0004 say ``all`` where the prose says
"there exists"; these queries use ``some``.

Variables: ``X`` wlzIndicatieID, ``A`` the caller's AGB, ``U`` the caller's UZOVI, ``B`` a
bemiddelingspecificatieID.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

NID_PIP_KVK = "18065868"
"""nID's PIP queries are made by the netwerkbeheerder (VECOZO)."""

PIP_QUERIES: Mapping[str, str] = {
    # UCIR-0002: a bemiddeling for X has a bemiddelingspecificatie for aanbieder A.
    "PIP-0002": """query PIP0002($X: UUID!, $A: String!) {
  bemiddeling(where: {wlzIndicatieID: {eq: $X}, bemiddelingspecificatie: {some: {instelling: {eq: $A}}}}) {
    bemiddelingID
  }
}""",
    # UCIR-0003: an overdracht to U of a bemiddeling for X that U was not responsible for.
    "PIP-0003": """query PIP0003($X: UUID!, $U: String!) {
  overdracht(where: {verantwoordelijkZorgkantoor: {eq: $U}, bemiddeling: {wlzIndicatieID: {eq: $X}, verantwoordelijkZorgkantoor: {neq: $U}}}) {
    overdrachtID
  }
}""",
    # UCIR-0004: another zorgkantoor's bemiddeling for X has a bemiddelingspecificatie U executes.
    "PIP-0004": """query PIP0004($X: UUID!, $U: String!) {
  bemiddeling(where: {wlzIndicatieID: {eq: $X}, verantwoordelijkZorgkantoor: {neq: $U}, bemiddelingspecificatie: {some: {uitvoerendZorgkantoor: {eq: $U}}}}) {
    bemiddelingID
  }
}""",
    # Ours: the bemiddelingen for X in this register and to whom they were transferred.
    "PIP-KETEN": """query PIPKETEN($X: UUID!) {
  bemiddeling(where: {wlzIndicatieID: {eq: $X}}) {
    bemiddelingID
    verantwoordelijkZorgkantoor
    overdracht {
      verantwoordelijkZorgkantoor
    }
  }
}""",
    # UCLR-0001: B with the caller's (A) bemiddelingspecificaties in the same bemiddeling.
    "PIP-UCLR-0001": """query PIPUCLR0001($B: UUID!, $A: String!) {
  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B}}) {
    bemiddelingspecificatieID
    toewijzingIngangsdatum
    toewijzingEinddatum
    vaststellingMoment
    bemiddeling {
      bemiddelingspecificatie(where: {instelling: {eq: $A}}) {
        toewijzingIngangsdatum
        toewijzingEinddatum
        vaststellingMoment
      }
    }
  }
}""",
    # UCLR-0004: U is responsible for the bemiddeling of B.
    "PIP-UCLR-0004": """query PIPUCLR0004($B: UUID!, $U: String!) {
  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B}, bemiddeling: {verantwoordelijkZorgkantoor: {eq: $U}}}) {
    bemiddelingspecificatieID
  }
}""",
    # UCLR-0006/0007/0008/0010: U executes B or is responsible for its bemiddeling.
    "PIP-UCLR-0006": """query PIPUCLR0006($B: UUID!, $U: String!) {
  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B}, or: [{uitvoerendZorgkantoor: {eq: $U}}, {bemiddeling: {verantwoordelijkZorgkantoor: {eq: $U}}}]}) {
    bemiddelingspecificatieID
  }
}""",
    # UCLR-0009: B with the caller's (U executing) bemiddelingspecificaties in the same bemiddeling.
    "PIP-UCLR-0009": """query PIPUCLR0009($B: UUID!, $U: String!) {
  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B}}) {
    bemiddelingspecificatieID
    toewijzingIngangsdatum
    toewijzingEinddatum
    vaststellingMoment
    bemiddeling {
      bemiddelingspecificatie(where: {uitvoerendZorgkantoor: {eq: $U}}) {
        toewijzingIngangsdatum
        toewijzingEinddatum
        vaststellingMoment
      }
    }
  }
}""",
}

# Root field of each query's answer, and which PIPs hand their rows to the policy (the
# overlap-and-window rule of registers.md §2.5) rather than only "non-empty".
PIP_ROOT: Mapping[str, str] = {
    "PIP-0002": "bemiddeling",
    "PIP-0003": "overdracht",
    "PIP-0004": "bemiddeling",
    "PIP-KETEN": "bemiddeling",
    "PIP-UCLR-0001": "bemiddelingspecificatie",
    "PIP-UCLR-0004": "bemiddelingspecificatie",
    "PIP-UCLR-0006": "bemiddelingspecificatie",
    "PIP-UCLR-0009": "bemiddelingspecificatie",
}
PIP_RETURNS_ROWS = frozenset({"PIP-UCLR-0001", "PIP-UCLR-0009"})

# The same control queries the Bemiddelingsregister's own PDP runs on its own data for
# UCBR-0012/0013 (rows for the policy), with the tenant's register as the source.
LOCAL_PIP_QUERIES: Mapping[str, str] = {
    "PIP-UCBR-0012": """query PIPUCBR0012($B: UUID!, $U: String!) {
  bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $B}}) {
    bemiddelingspecificatieID
    toewijzingIngangsdatum
    toewijzingEinddatum
    vaststellingMoment
    bemiddeling {
      bemiddelingspecificatie(where: {uitvoerendZorgkantoor: {eq: $U}}) {
        toewijzingIngangsdatum
        toewijzingEinddatum
        vaststellingMoment
      }
    }
  }
}""",
    "PIP-UCBR-0013": """query PIPUCBR0013($R: UUID!, $B: UUID!, $U: String!) {
  regiehouder(where: {regiehouderID: {eq: $R}}) {
    regiehouderID
    ingangsdatum
    einddatum
    bemiddeling {
      bemiddelingspecificatie(where: {and: [{bemiddelingspecificatieID: {eq: $B}}, {uitvoerendZorgkantoor: {eq: $U}}]}) {
        bemiddelingspecificatieID
        toewijzingIngangsdatum
        toewijzingEinddatum
        vaststellingMoment
      }
    }
  }
}""",
}

QBR_0010_CIZ = """query QBR0010($X: UUID!) {
  bemiddeling(where: {wlzIndicatieID: {eq: $X}}) {
    wlzIndicatieID
    verantwoordelijkZorgkantoor
    overdracht {
      verantwoordelijkZorgkantoor
    }
  }
}"""
"""QBR-0010-CIZ as the CIZ sends it to find the zorgkantoren of VERVALLEN_INDICATIE_ZORGKANTOOR:
the template's selection plus ``overdracht{verantwoordelijkZorgkantoor}`` from the draft
``gql-query/ciz/auth.graphql`` (registers.md §4 item 12), to find the zorgkantoor that becomes
responsible and walk on to its register."""


def keten(
    start: str,
    bemiddelingen: Callable[[str], list[Any]],
    max_hops: int = 8,
    errors: list[Exception] | None = None,
    bezoek: Callable[[str], bool] | None = None,
) -> list[str]:
    """Every zorgkantoor in an indication's chain of registers, in the order found.

    Starts at ``start`` (the initially responsible zorgkantoor) and follows each bemiddeling's
    ``overdracht.verantwoordelijkZorgkantoor`` to the next register; ``bemiddelingen(uzovi)``
    returns the rows of PIP-KETEN / QBR-0010 in that zorgkantoor's register. At most
    ``max_hops`` registers are asked (a cycle in bad data ends there). With ``errors``, a
    register that cannot be asked is recorded there and the walk goes on with the others
    (the chain beyond it stays unknown); without, the exception propagates. ``bezoek(uzovi)``
    runs before each register is asked; when it answers True the walk stops there (a PIP
    that found what it looked for)."""
    found: dict[str, None] = {start: None}
    asked: set[str] = set()
    todo = [start]
    while todo and len(asked) < max_hops:
        uzovi = todo.pop(0)
        if uzovi in asked:
            continue
        asked.add(uzovi)
        if bezoek is not None and bezoek(uzovi):
            break
        try:
            rows = bemiddelingen(uzovi)
        except Exception as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        for row in rows:
            for zk in (
                row.get("verantwoordelijkZorgkantoor"),
                (row.get("overdracht") or {}).get("verantwoordelijkZorgkantoor"),
            ):
                if isinstance(zk, str) and zk not in found:
                    found[zk] = None
                    todo.append(zk)
    return list(found)
