"""Demo address book (dev mode): an entry for every receiving participant of the network in a box.

Every receiver gets ``<org>_NOTIFICATIE_<ENV>`` (roles ``NOTIFICATIE_INDICATIE``,
``NOTIFICATIE_BEMIDDELING`` and our ``NOTIFICATIE_LEVERING``) and ``<org>_MELDING_<ENV>`` (role
``MELDING``), both at its netwerkpunt ``{public_url}/netwerkpunt/{IDTYPE}/{id}/graphql``; the CIZ
also gets ``CIZ_REGISTER_<ENV>`` for the Indicatieregister, every zorgkantoor
``<UZOVI>_REGISTER_<ENV>`` for its Bemiddelingsregister and every zorgaanbieder
``<AGB>_REGISTER_<ENV>`` for its Leveringsregister (role ``REGISTER``). Our PEP sits in front
of each resource in the same process, so ``authorizationEndpointuri`` is the resource URI
itself; the token endpoint is nID's.

Gemeenten, leveranciers and other non-receivers get no entries: ``IDTypeEnum`` has no gemeente
type and no notification or melding scope names them as receiver (network.md §1.2, §5.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from iwlz.adresboek.models import CIZ, check_omgeving, make_gegevensdienst_id, organisatie_id
from iwlz.adresboek.service import Adresboek, ImportResult

if TYPE_CHECKING:
    from iwlz.config import Settings
    from iwlz.nid.participants import ParticipantRegistry

RECEIVER_TYPES = {
    "ciz": "het CIZ",
    "zorgkantoor": "zorgkantoor",
    "zorgaanbieder": "zorgaanbieder",
    "cak": "het CAK",
    "netwerkbeheerder": "VECOZO",
}
"""Participant types (``iwlz.nid.participants.TYPES``) that receive notificaties and meldingen."""

_OMGEVING_LABEL = {"PRD": "PRODUCTIE", "ACC": "ACCEPTATIE OMGEVING", "TST": "TEST OMGEVING"}


def netwerkpunt_url(public_url: str, id_type: str, id_value: str) -> str:
    """A participant's netwerkpunt: ``{public_url}/netwerkpunt/{IDTYPE}/{id}/graphql``."""
    return f"{public_url.rstrip('/')}/netwerkpunt/{id_type.upper()}/{id_value}/graphql"


def _entry(
    gegevensdienst_id: str,
    label: str,
    description: str,
    naam: str,
    token_uri: str,
    rollen: dict[str, str],
) -> dict[str, Any]:
    # One resource per entry here, and the PEP in front of it is at the same URI.
    (pep,) = set(rollen.values())
    return {
        "description": f"{label} {description}",
        "gegevensdienstId": gegevensdienst_id,
        "weergavenaam": f"{label} - {naam}",
        "authorizationEndpoint": {"authorizationEndpointuri": pep},
        "tokenEndpoint": {"tokenEndpointuri": token_uri},
        "systeemrollen": [
            {"systeemrolcode": code, "resourceEndpoint": {"resourceEndpointuri": uri}}
            for code, uri in rollen.items()
        ],
    }


def demo_entries(
    public_url: str, omgeving: str, participants: Iterable[tuple[str, str, str]]
) -> list[dict[str, Any]]:
    """The demo's ``ElectronicService`` entries for participants given as
    (type, id_type, id_value), e.g. ``("zorgkantoor", "UZOVI", "5501")``, ordered by ID."""
    from iwlz.app import BR_READ_PATH, IR_READ_PATH, LR_READ_PATH
    from iwlz.nid.setup import TOKEN_PATH

    env = check_omgeving(omgeving)
    label = _OMGEVING_LABEL[env]
    base = public_url.rstrip("/")
    token_uri = f"{base}{TOKEN_PATH}"
    entries = [
        _entry(
            make_gegevensdienst_id(CIZ, "REGISTER", env),
            label,
            "Voor het raadplegen van het Wlz Indicatieregister",
            "Wlz Indicatieregister",
            token_uri,
            {"REGISTER": f"{base}{IR_READ_PATH}"},
        )
    ]
    for type_, id_type, id_value in participants:
        wie = RECEIVER_TYPES.get(type_)
        if wie is None:
            continue
        org = CIZ if type_ == "ciz" else organisatie_id(id_type, id_value)
        naam = wie if org == CIZ or type_ in ("cak", "netwerkbeheerder") else f"{wie} {org}"
        url = netwerkpunt_url(base, id_type, id_value)
        entries.append(
            _entry(
                make_gegevensdienst_id(org, "NOTIFICATIE", env),
                label,
                f"Voor het notificeren van {naam}",
                f"notificaties voor {naam}",
                token_uri,
                {
                    "NOTIFICATIE_INDICATIE": url,
                    "NOTIFICATIE_BEMIDDELING": url,
                    "NOTIFICATIE_LEVERING": url,
                },
            )
        )
        register = {"zorgkantoor": BR_READ_PATH, "zorgaanbieder": LR_READ_PATH}.get(type_)
        if register is not None:
            naam_register = (
                "Bemiddelingsregister" if type_ == "zorgkantoor" else "Leveringsregister"
            )
            entries.append(
                _entry(
                    make_gegevensdienst_id(org, "REGISTER", env),
                    label,
                    f"Voor het raadplegen van het {naam_register} van {naam}",
                    f"{naam_register} {org}",
                    token_uri,
                    {"REGISTER": base + register.format(tenant=id_value)},
                )
            )
        entries.append(
            _entry(
                make_gegevensdienst_id(org, "MELDING", env),
                label,
                f"Voor het sturen van meldingen aan {naam}",
                f"meldingen voor {naam}",
                token_uri,
                {"MELDING": url},
            )
        )
    return sorted(entries, key=lambda e: str(e["gegevensdienstId"]))


def seed_demo_adresboek(
    adresboek: Adresboek, settings: Settings, participant_registry: ParticipantRegistry
) -> ImportResult:
    """Publish the demo entries for the active participants, in one transaction.

    Idempotent: entries that are already right stay untouched; entries whose URLs changed
    (another ``IWLZ_PUBLIC_URL``) are updated; entries added by hand are kept.
    """
    participants = [
        (p.type, p.id_type, p.id_value) for p in participant_registry.list(include_revoked=False)
    ]
    entries = demo_entries(settings.public_url, settings.omgeving, participants)
    return adresboek.import_json({"electronicServices": entries}, replace=False)
