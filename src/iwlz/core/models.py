"""Imports every component's tables so that the shared metadata is complete."""

from __future__ import annotations


def load_all_models() -> None:
    # Imported for their side effect: each module adds its tables to the shared metadata.
    import iwlz.abonnementen.models
    import iwlz.adresboek.models
    import iwlz.berichten.models
    import iwlz.berichten.sleutels
    import iwlz.core.events
    import iwlz.netwerkpunt.models
    import iwlz.nid.audit
    import iwlz.nid.participants
    import iwlz.nid.tokens
    import iwlz.notificaties.outbox
    import iwlz.registers.bemiddeling.models
    import iwlz.registers.indicatie.models
    import iwlz.registers.levering.models
    import iwlz.signalen.models  # noqa: F401
