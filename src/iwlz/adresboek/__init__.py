"""The address book (network.md §8): where each participant's gegevensdiensten live.

``Adresboek`` stores the network's ``ElectronicService`` entries (the JSON format of the
temporary iWlz address book); ``AdresboekResolver`` gives senders a receiver's PEP, token and
resource URIs. ``iwlz.adresboek.http`` serves ``GET /adresboek``, ``iwlz.adresboek.cli`` is
``iwlz adresboek``, ``iwlz.adresboek.demo`` fills it for the network in a box.
"""

from iwlz.adresboek.models import (
    FUNCTIONALITEITEN,
    OMGEVINGEN,
    SYSTEEMROLCODES,
    AdresboekError,
    ElectronicService,
    Endpoint,
    EndpointNotFound,
    GegevensdienstId,
    Systeemrol,
    adresboek_service,
    make_gegevensdienst_id,
    normalise_gegevensdienst_id,
    organisatie_id,
    parse_gegevensdienst_id,
    validate_document,
    validate_entry,
)
from iwlz.adresboek.service import Adresboek, AdresboekResolver, ImportResult

__all__ = [
    "FUNCTIONALITEITEN",
    "OMGEVINGEN",
    "SYSTEEMROLCODES",
    "Adresboek",
    "AdresboekError",
    "AdresboekResolver",
    "ElectronicService",
    "Endpoint",
    "EndpointNotFound",
    "GegevensdienstId",
    "ImportResult",
    "Systeemrol",
    "adresboek_service",
    "make_gegevensdienst_id",
    "normalise_gegevensdienst_id",
    "organisatie_id",
    "parse_gegevensdienst_id",
    "validate_document",
    "validate_entry",
]
