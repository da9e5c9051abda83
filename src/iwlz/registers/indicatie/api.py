"""GraphQL APIs of the Indicatieregister: the network read API and the CIZ beheer API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ariadne import MutationType, ObjectType, QueryType
from graphql import GraphQLSchema

from iwlz.graphql.errors import BadUserInput, Forbidden
from iwlz.graphql.filters import Context, Entity, Registry, Scalar, compile_where
from iwlz.graphql.schema import Info, build_schema, load_sdl, selected_field_names
from iwlz.netwerkpunt.beheer import MELDINGEN_SDL, bind_meldingen
from iwlz.netwerkpunt.service import Party
from iwlz.registers.indicatie import models as m
from iwlz.registers.indicatie.service import Indicatieregister, Uitkomst

SCHEMA_PACKAGE = "iwlz.registers.indicatie.schema"

CIZ_NETWERKPUNT: Party = ("KVK", "62253778")
"""The CIZ's own netwerkpunt, where meldingen about the Indicatieregister arrive (§1.1)."""

FILTERS = Registry()
FILTERS.add(
    Entity(
        "WlzIndicatie",
        m.wlz_indicatie,
        {
            "wlzindicatieID": Scalar("wlzindicatieID", "uuid"),
            "initieelVerantwoordelijkZorgkantoor": Scalar(
                "initieelVerantwoordelijkZorgkantoor", "string"
            ),
            # 1.6.5 context keys: not data of WlzIndicatie (registers.md §1.4). The PDP checks
            # agbCodeInstelling against the token; raadpleegDatum is validated below.
            "agbCodeInstelling": Context(),
            "raadpleegDatum": Context(),
            "bsn": Scalar("bsn", "string"),
            "besluitnummer": Scalar("besluitnummer", "int"),
            "afgiftedatum": Scalar("afgiftedatum", "date"),
            "ingangsdatum": Scalar("ingangsdatum", "date"),
        },
        and_or=False,
    )
)


def _register(info: Info) -> Indicatieregister:
    ir = info.context["indicatieregister"]
    assert isinstance(ir, Indicatieregister)
    return ir


# Filter keys that name the caller, and the token claim each must equal.
IDENTITY_ARGUMENTS = {"initieelVerantwoordelijkZorgkantoor": "uzovi", "agbCodeInstelling": "agb"}


def enforce_identity_arguments(where: dict[str, Any] | None, claims: Any) -> None:
    """Second line of defence behind the PDP: identity arguments must be the caller's own.

    A policy mistake must not widen access, so the register checks this itself for every
    request that came through nID (``claims`` present).
    """
    if claims is None or not where:
        return
    for key, claim in IDENTITY_ARGUMENTS.items():
        if key not in where:
            continue
        operation = where[key]
        value = operation.get("eq") if isinstance(operation, dict) else None
        if value != claims.get(claim):
            raise Forbidden(f"{key} must be the caller's own {claim}.")


def _zoek(info: Info, where: dict[str, Any] | None) -> list[dict[str, Any]]:
    ir = _register(info)
    enforce_identity_arguments(where, info.context.get("claims"))
    raadpleeg = (where or {}).get("raadpleegDatum")
    today = ir.clock.today()
    if isinstance(raadpleeg, dt.date) and raadpleeg > today:
        raise BadUserInput(
            f"raadpleegDatum {raadpleeg.isoformat()} lies in the future; use today's date."
        )
    condition = compile_where(FILTERS, "WlzIndicatie", where)
    with ir.engine.connect() as conn:
        return ir.zoek(conn, condition, onderdelen=selected_field_names(info), peildatum=today)


def build_read_schema() -> GraphQLSchema:
    """The network read API: ``wlzIndicatie(where:)`` only."""
    query = QueryType()

    @query.field("wlzIndicatie")
    def resolve_wlz_indicatie(
        _obj: Any, info: Info, where: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        return _zoek(info, where)

    return build_schema(load_sdl(SCHEMA_PACKAGE, "indicatieregister.graphql"), [query])


def _resultaat(info: Info, uitkomst: Uitkomst) -> dict[str, Any]:
    out: dict[str, Any] = {
        "geslaagd": uitkomst.geslaagd,
        "versie": uitkomst.versie,
        "fouten": [f.as_dict() for f in uitkomst.fouten],
        "wlzIndicatie": None,
    }
    if uitkomst.geslaagd and uitkomst.wlzindicatieID is not None:
        found = _zoek(info, {"wlzindicatieID": {"eq": uitkomst.wlzindicatieID}})
        out["wlzIndicatie"] = found[0] if found else None
    return out


def build_beheer_schema() -> GraphQLSchema:
    """The CIZ's write API, with the read query for its own use."""
    query = QueryType()
    mutation = MutationType()

    @query.field("wlzIndicatie")
    def resolve_wlz_indicatie(
        _obj: Any, info: Info, where: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        return _zoek(info, where)

    @mutation.field("registreerWlzIndicatie")
    def resolve_registreer(_obj: Any, info: Info, indicatie: dict[str, Any]) -> dict[str, Any]:
        return _resultaat(info, _register(info).registreer(indicatie))

    @mutation.field("wijzigWlzIndicatie")
    def resolve_wijzig(
        _obj: Any,
        info: Info,
        wlzindicatieID: uuid.UUID,
        indicatie: dict[str, Any],
        versie: int | None = None,
    ) -> dict[str, Any]:
        return _resultaat(info, _register(info).wijzig(wlzindicatieID, indicatie, versie))

    @mutation.field("wijzigVervaldatum")
    def resolve_vervaldatum(
        _obj: Any,
        info: Info,
        wlzindicatieID: uuid.UUID,
        vervaldatum: dt.date | None = None,
        versie: int | None = None,
    ) -> dict[str, Any]:
        uitkomst = _register(info).wijzig_vervaldatum(wlzindicatieID, vervaldatum, versie)
        return _resultaat(info, uitkomst)

    @mutation.field("verwijderWlzIndicatie")
    def resolve_verwijder(
        _obj: Any, info: Info, wlzindicatieID: uuid.UUID, versie: int | None = None
    ) -> dict[str, Any]:
        uitkomst = _register(info).verwijder(wlzindicatieID, versie)
        return {
            "geslaagd": uitkomst.geslaagd,
            "wlzindicatieID": wlzindicatieID,
            "fouten": [f.as_dict() for f in uitkomst.fouten],
        }

    bind_meldingen(query, mutation, lambda _info: CIZ_NETWERKPUNT)

    veldfout = ObjectType("Veldfout")
    sdl = load_sdl(SCHEMA_PACKAGE, "indicatieregister.graphql", "beheer.graphql") + MELDINGEN_SDL
    return build_schema(sdl, [query, mutation, veldfout])
