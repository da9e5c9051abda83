"""The CIZ's side of Wlz-signalen: what the Indicatieregister tells the signalen service.

Public facts (spec §1.2/§1.3): the CIZ delivers data on *all* persons with a Wlz indication to
the kopie Wlz register that the Inlichtingenbureau keeps on its behalf, and only five fields
reach the gemeenten: BSN, Wlz-status, afgiftedatum, ingangsdatum and einddatum. The network's
read use cases UCIR-0001…0005 are all for zorgkantoren and aanbieders and select the whole
indication (diagnoses, zorgprofiel, contact data), and the read API filters only on ``eq``,
so it can neither be narrowed to those fields nor enumerated for a resync.

This module is therefore a second, minimal read endpoint of the Indicatieregister
(``/indicatieregister/wlzsignalen/graphql``), behind nID's PEP with its own policy
(``indicatieregister_signalen``: only the signalen service's scope, only these two queries,
only these fields). The Wlz-status is derived here, at the source, so the zorgprofiel never
leaves the CIZ (see ``docs/conformance.md``, "Wlz-signalen").
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from ariadne import QueryType
from graphql import GraphQLSchema
from sqlalchemy.engine import Engine

from iwlz.core.clock import Clock
from iwlz.graphql.errors import BadUserInput
from iwlz.graphql.schema import Info, build_schema
from iwlz.registers.indicatie.models import geindiceerd_zorgzwaartepakket, wlz_indicatie

__all__ = [
    "CIZ_SIGNALEN_PATH",
    "MAX_PAGINA",
    "ONBEKEND_ZZP",
    "QUERY_PAGINA",
    "QUERY_STATUS",
    "SCOPE_WLZSIGNALEN_IR",
    "build_ciz_schema",
    "wlz_status",
]

CIZ_SIGNALEN_PATH = "/indicatieregister/wlzsignalen/graphql"
SCOPE_WLZSIGNALEN_IR = "registers/wlzindicatieregister/wlzsignalen:read"
"""iwlz's own scope (the standard has none for this delivery); granted to the signalen
service's participant only."""
MAX_PAGINA = 1000

ONBEKEND_ZZP = frozenset(
    {
        # Lage zzp's: 1VV-3VV, 1VG-2VG, 1LG-2LG - clients who may keep Wmo support depending on
        # how the indication is used ("verzilvering").
        "750",
        "751",
        "752",
        "800",
        "802",
        "820",
        "822",
        # GGZ-B (voortgezet verblijf) packages.
        "766",
        "768",
        "770",
        "772",
        "860",
        "862",
        "864",
        # Wlz-indiceerbaar (no package; the client chose not to use the Wlz).
        "996",
    }
)
"""COD163 codes whose indication gives Wlz-status ``Onbekend`` (spec §1.3: "light care profiles
(lage ZZP's) and GGZ-B packages"). How the CIZ really derives Onbekend is not public (§1.9); this
list is our reading of the FAQ and is one constant to change."""

SDL = """
"A version 4 UUID, hyphenated."
scalar UUID
"YYYY-MM-DD."
scalar Date
scalar DateTime

"Wlz-status (CIZ FAQ): Ja, Nee (ended after an earlier Ja), Onbekend (depends on use)."
enum WlzStatusEnum { Ja Nee Onbekend }

"The five fields of a Wlz decision that the CIZ passes to the kopie Wlz register, and its ID."
type WlzStatus {
  wlzindicatieID: UUID!
  bsn: String!
  wlzStatus: WlzStatusEnum!
  afgiftedatum: Date!
  ingangsdatum: Date!
  "Empty when open-ended; the vervaldatum when that is earlier."
  einddatum: Date
}

type WlzStatusPagina {
  items: [WlzStatus!]!
  "Pass as `na` for the next page; null on the last page."
  volgende: UUID
}

type Query {
  "One indication by ID (empty list when it no longer exists)."
  wlzStatus(wlzindicatieID: UUID!): [WlzStatus!]!
  "All indications ordered by ID, for a full resync of the copy; at most 1000 per page."
  wlzStatusPagina(na: UUID, aantal: Int!): WlzStatusPagina!
}
"""

_FIELDS = "wlzindicatieID bsn wlzStatus afgiftedatum ingangsdatum einddatum"
QUERY_STATUS = "query WlzStatus($id: UUID!) { wlzStatus(wlzindicatieID: $id) { " + _FIELDS + " } }"
"""The signalen service's query after a notification (use case SIG-IR-0001)."""
QUERY_PAGINA = (
    "query WlzStatusPagina($na: UUID, $aantal: Int!) { wlzStatusPagina(na: $na, "
    "aantal: $aantal) { items { " + _FIELDS + " } volgende } }"
)
"""The signalen service's resync query (use case SIG-IR-0002)."""


def wlz_status(
    *,
    vervaldatum: dt.date | None,
    zzp_codes: Iterable[str],
    peildatum: dt.date,
) -> str:
    """Wlz-status of an existing indication on ``peildatum``: ``Nee`` once its vervaldatum has
    passed, ``Onbekend`` when every package is in :data:`ONBEKEND_ZZP`, else ``Ja``."""
    if vervaldatum is not None and vervaldatum <= peildatum:
        return "Nee"
    codes = set(zzp_codes)
    if codes and codes <= ONBEKEND_ZZP:
        return "Onbekend"
    return "Ja"


def _einddatum(einddatum: dt.date | None, vervaldatum: dt.date | None) -> dt.date | None:
    ends = [d for d in (einddatum, vervaldatum) if d is not None]
    return min(ends) if ends else None


def lees_status(
    engine: Engine, ids_: Sequence[uuid.UUID], peildatum: dt.date
) -> list[dict[str, Any]]:
    """The :data:`SDL` ``WlzStatus`` of the given indications, in ID order."""
    if not ids_:
        return []
    w = wlz_indicatie.c
    z = geindiceerd_zorgzwaartepakket.c
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                w.wlzindicatieID,
                w.bsn,
                w.afgiftedatum,
                w.ingangsdatum,
                w.einddatum,
                w.vervaldatum,
            )
            .where(w.wlzindicatieID.in_(list(ids_)))
            .order_by(w.wlzindicatieID)
        ).all()
        packages: dict[uuid.UUID, list[str]] = {}
        for wid, code, einde in conn.execute(
            sa.select(z.wlzindicatieID, z.zzpCode, z.einddatum).where(
                z.wlzindicatieID.in_(list(ids_))
            )
        ):
            # Packages that ended before the peildatum no longer say anything about the status.
            if einde is None or einde > peildatum:
                packages.setdefault(wid, []).append(str(code))
    return [
        {
            "wlzindicatieID": r.wlzindicatieID,
            "bsn": r.bsn,
            "wlzStatus": wlz_status(
                vervaldatum=r.vervaldatum,
                zzp_codes=packages.get(r.wlzindicatieID, ()),
                peildatum=peildatum,
            ),
            "afgiftedatum": r.afgiftedatum,
            "ingangsdatum": r.ingangsdatum,
            "einddatum": _einddatum(r.einddatum, r.vervaldatum),
        }
        for r in rows
    ]


def _ctx(info: Info) -> tuple[Engine, Clock]:
    engine = info.context["engine"]
    clock = info.context["clock"]
    return engine, clock


def build_ciz_schema() -> GraphQLSchema:
    """The executable schema of the CIZ's Wlz-signalen endpoint; context: ``engine``,
    ``clock``."""
    query = QueryType()

    @query.field("wlzStatus")
    def resolve_status(_obj: Any, info: Info, wlzindicatieID: uuid.UUID) -> list[dict[str, Any]]:
        engine, clock = _ctx(info)
        return lees_status(engine, [wlzindicatieID], clock.today())

    @query.field("wlzStatusPagina")
    def resolve_pagina(
        _obj: Any, info: Info, aantal: int, na: uuid.UUID | None = None
    ) -> Mapping[str, Any]:
        if not 1 <= aantal <= MAX_PAGINA:
            raise BadUserInput(f"aantal must be 1 to {MAX_PAGINA}", field="aantal")
        engine, clock = _ctx(info)
        w = wlz_indicatie.c
        stmt = sa.select(w.wlzindicatieID).order_by(w.wlzindicatieID).limit(aantal + 1)
        if na is not None:
            stmt = stmt.where(w.wlzindicatieID > na)
        with engine.connect() as conn:
            ids_ = list(conn.execute(stmt).scalars())
        more = len(ids_) > aantal
        ids_ = ids_[:aantal]
        return {
            "items": lees_status(engine, ids_, clock.today()),
            "volgende": ids_[-1] if more else None,
        }

    return build_schema(SDL, [query])
