"""The GraphQL texts the demo's back offices send: the network's query templates (QIR-0001/0002,
QBR-0001/0007, QLR-0006) and the bronhouders' own beheer mutations.

The read queries select exactly what the templates allow (``src/iwlz/nid/policies/
*_templates.rego``); the PDP refuses anything outside them.
"""

from __future__ import annotations

from iwlz.registers.indicatie.templates import QIR_0001, QIR_0002

__all__ = [
    "QBR_0001",
    "QBR_0007",
    "QIR_0001",
    "QIR_0002",
    "QLR_0006",
    "REGISTREER_BEMIDDELING",
    "REGISTREER_INDICATIE",
    "REGISTREER_LEVERING",
]

# Bemiddelingspecificatie scalars without pgbPercentage (QBR-0001/0004/0007).
BSPEC_FIELDS = (
    "bemiddelingspecificatieID leveringsvorm zzpCode toewijzingIngangsdatum toewijzingEinddatum "
    "instelling uitvoerendZorgkantoor vaststellingMoment percentage opname redenIntrekking "
    "etmalen instellingBestemming soortToewijzing"
)
BEMIDDELING_FIELDS = (
    "bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor verantwoordelijkheidIngangsdatum "
    "verantwoordelijkheidEinddatum"
)
CLIENT_FIELDS = "bsn clientID taal communicatievorm huisarts leefeenheid"

QBR_0001 = (
    "query QBR0001($bemiddelingspecificatieID: UUID!, $instelling: String!) { "
    "bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}, "
    "instelling: {eq: $instelling}}) { "
    + BSPEC_FIELDS
    + " bemiddeling { "
    + BEMIDDELING_FIELDS
    + " client { "
    + CLIENT_FIELDS
    + " } } } }"
)
"""UCBR-0001: the executing aanbieder reads its bemiddelingspecificatie (variables
bemiddelingspecificatieID, instelling = its own AGB)."""

QBR_0007 = (
    "query QBR0007($overdrachtID: UUID!, $verantwoordelijkZorgkantoor: String!) { "
    "overdracht(where: {overdrachtID: {eq: $overdrachtID}, "
    "verantwoordelijkZorgkantoor: {eq: $verantwoordelijkZorgkantoor}}) { "
    "overdrachtID verantwoordelijkZorgkantoor overdrachtDatum verhuisDatum vaststellingMoment "
    "bemiddeling { " + BEMIDDELING_FIELDS + " client { " + CLIENT_FIELDS + " } } "
    "overdrachtspecificatie { overdrachtspecificatieID leveringsstatus "
    "leveringsstatusClassificatie oorspronkelijkeToewijzingEinddatum "
    "bemiddelingspecificatie { " + BSPEC_FIELDS + " } } } }"
)
"""UCBR-0007: the newly responsible zorgkantoor reads the overdracht at the old zorgkantoor's
register (variables overdrachtID, verantwoordelijkZorgkantoor = its own UZOVI)."""

_LEVERINGPERIODE = (
    "leveringperiodeID ingangsdatum vaststellingMoment sleuteldatum einddatum beeindigingReden "
    "aanbiederBestemming behandelingperiodes { behandelingperiodeID ingangsdatum einddatum }"
)

QLR_0006 = (
    "query QLR0006($leveringperiodeID: UUID!, $bemiddelingspecificatieID: UUID!) { "
    "leveringperiode(where: {leveringperiodeID: {eq: $leveringperiodeID}}) { "
    + _LEVERINGPERIODE
    + " levering(where: {bemiddelingspecificatieID: {eq: $bemiddelingspecificatieID}}) { "
    "leveringID bemiddelingspecificatieID client { clientID bsn } "
    "leveringperiodes { " + _LEVERINGPERIODE + " } "
    "uitstelperiodes { uitstelperiodeID ingangsdatum vaststellingMoment reden leveringsstatus "
    "leveringsstatusClassificatie einddatum } "
    "afstel { afstelID afsteldatum vaststellingMoment reden aanbiederBestemming } } } }"
)
"""UCLR-0006: the responsible (or executing) zorgkantoor reads a new leveringperiode at the
aanbieder's register (variables leveringperiodeID, bemiddelingspecificatieID)."""

_FOUTEN = "geslaagd fouten { veld code melding }"

REGISTREER_INDICATIE = (
    "mutation RegistreerWlzIndicatie($i: WlzIndicatieInput!) { registreerWlzIndicatie("
    "indicatie: $i) { " + _FOUTEN + " wlzIndicatie { wlzindicatieID "
    "initieelVerantwoordelijkZorgkantoor } } }"
)

REGISTREER_BEMIDDELING = (
    "mutation RegistreerBemiddeling($b: BemiddelingInput!) { registreerBemiddeling("
    "bemiddeling: $b) { " + _FOUTEN + " bemiddeling { bemiddelingID wlzIndicatieID "
    "bemiddelingspecificatie { bemiddelingspecificatieID instelling zzpCode } } } }"
)

REGISTREER_LEVERING = (
    "mutation RegistreerLevering($l: LeveringInput!) { registreerLevering(levering: $l) { "
    + _FOUTEN
    + " levering { leveringID leveringperiodes { leveringperiodeID ingangsdatum } } } }"
)
