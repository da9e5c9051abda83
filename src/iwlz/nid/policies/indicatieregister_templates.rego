# Indicatieregister query templates QIR-0001…0005, as selection paths and `where` shapes.
#
# Source: iStandaarden/iWlz-indicatie gql-query/** (QIR-0001-ZKi v1.0.0 2024-10-04, QIR-0002-ZA
# v1.0.0 2025-03-06, QIR-0003-ZKn and QIR-0004-ZKu v1.2.0 2026-02-03, QIR-0005-ZKn v1.0.0
# 2025-10-07). Deviations, each reported for docs/conformance.md:
#   - QIR-0003/0004 v1.2.0 are "based on Indicatieregister 3": they select `vervallenGeldigheid`
#     and no longer `vervaldatum`. This register serves IR2 object types, so `vervaldatum` stays
#     allowed (the autorisatiematrix lets every rule read every attribute); the IR3 paths are
#     kept and fail later on the schema.
#   - QIR-0005 names the root `WlzIndicatieID`, which is only a comment in schema 1.7.0; the
#     template is applied to the register's root `wlzIndicatie`.
#   - `raadpleegDatum` (1.6.5 context key, in no template) may be given on the IR2 templates
#     QIR-0001…0004; the decision checks it is not after today. QIR-0005 is 1.7.0, whose filter
#     has no such key.
#   - `agbCodeInstelling` is optional for QIR-0002: UCIR-0002 lists only wlzindicatieID as
#     mandatory; the decision checks it against the token when given.
package iwlz.indicatieregister.templates

import data.iwlz.common.templates as common
import rego.v1

# Paths selected by every template (QIR-0001/0002 exactly), one per line; this block starts and
# ends with "\n", the blocks appended to it below only end with one.
_paths_ir2 := `
wlzIndicatie.wlzindicatieID
wlzIndicatie.bsn
wlzIndicatie.besluitnummer
wlzIndicatie.soortWlzindicatie
wlzIndicatie.afgiftedatum
wlzIndicatie.ingangsdatum
wlzIndicatie.einddatum
wlzIndicatie.meerzorg
wlzIndicatie.initieelVerantwoordelijkZorgkantoor
wlzIndicatie.vervaldatum
wlzIndicatie.commentaar
wlzIndicatie.grondslag
wlzIndicatie.grondslag.grondslagID
wlzIndicatie.grondslag.grondslag
wlzIndicatie.grondslag.volgorde
wlzIndicatie.geindiceerdZorgzwaartepakket
wlzIndicatie.geindiceerdZorgzwaartepakket.geindiceerdZorgzwaartepakketID
wlzIndicatie.geindiceerdZorgzwaartepakket.zzpCode
wlzIndicatie.geindiceerdZorgzwaartepakket.ingangsdatum
wlzIndicatie.geindiceerdZorgzwaartepakket.einddatum
wlzIndicatie.geindiceerdZorgzwaartepakket.voorkeurClient
wlzIndicatie.geindiceerdZorgzwaartepakket.instellingVoorkeur
wlzIndicatie.geindiceerdZorgzwaartepakket.financiering
wlzIndicatie.geindiceerdZorgzwaartepakket.commentaar
wlzIndicatie.beperking
wlzIndicatie.beperking.beperkingID
wlzIndicatie.beperking.categorie
wlzIndicatie.beperking.duur
wlzIndicatie.beperking.commentaar
wlzIndicatie.beperking.beperkingScore
wlzIndicatie.beperking.beperkingScore.beperkingScoreID
wlzIndicatie.beperking.beperkingScore.beperkingVraag
wlzIndicatie.beperking.beperkingScore.beperkingScore
wlzIndicatie.beperking.beperkingScore.commentaar
wlzIndicatie.stoornis
wlzIndicatie.stoornis.stoornisID
wlzIndicatie.stoornis.grondslag
wlzIndicatie.stoornis.diagnoseCodelijst
wlzIndicatie.stoornis.diagnoseSubCodelijst
wlzIndicatie.stoornis.ziektebeeldStoornis
wlzIndicatie.stoornis.prognose
wlzIndicatie.stoornis.commentaar
wlzIndicatie.stoornisScore
wlzIndicatie.stoornisScore.stoornisScoreID
wlzIndicatie.stoornisScore.stoornisVraag
wlzIndicatie.stoornisScore.stoornisScore
wlzIndicatie.stoornisScore.commentaar
wlzIndicatie.wzd
wlzIndicatie.wzd.wzdID
wlzIndicatie.wzd.wzdVerklaring
wlzIndicatie.wzd.ingangsdatum
wlzIndicatie.wzd.einddatum
wlzIndicatie.client
wlzIndicatie.client.clientID
wlzIndicatie.client.bsn
wlzIndicatie.client.geheimeClient
wlzIndicatie.client.geboorteDatum
wlzIndicatie.client.geboortedatumGebruik
wlzIndicatie.client.geslacht
wlzIndicatie.client.burgerlijkeStaat
wlzIndicatie.client.geslachtsnaam
wlzIndicatie.client.voorvoegselGeslachtsnaam
wlzIndicatie.client.partnernaam
wlzIndicatie.client.voorvoegselPartnernaam
wlzIndicatie.client.voornamen
wlzIndicatie.client.roepnaam
wlzIndicatie.client.voorletters
wlzIndicatie.client.naamGebruik
wlzIndicatie.client.leefeenheid
wlzIndicatie.client.agbcodeHuisarts
wlzIndicatie.client.communicatieVorm
wlzIndicatie.client.taal
wlzIndicatie.client.commentaar
wlzIndicatie.client.contactGegevens
wlzIndicatie.client.contactGegevens.contactGegevensID
wlzIndicatie.client.contactGegevens.adres
wlzIndicatie.client.contactGegevens.adres.adresID
wlzIndicatie.client.contactGegevens.adres.adresSoort
wlzIndicatie.client.contactGegevens.adres.straatnaam
wlzIndicatie.client.contactGegevens.adres.huisnummer
wlzIndicatie.client.contactGegevens.adres.huisnummerToevoeging
wlzIndicatie.client.contactGegevens.adres.postcode
wlzIndicatie.client.contactGegevens.adres.plaatsnaam
wlzIndicatie.client.contactGegevens.adres.landCode
wlzIndicatie.client.contactGegevens.adres.aanduidingWoonadres
wlzIndicatie.client.contactGegevens.adres.ingangsdatum
wlzIndicatie.client.contactGegevens.adres.einddatum
wlzIndicatie.client.contactGegevens.email
wlzIndicatie.client.contactGegevens.email.emailID
wlzIndicatie.client.contactGegevens.email.emailadres
wlzIndicatie.client.contactGegevens.email.ingangsdatum
wlzIndicatie.client.contactGegevens.email.einddatum
wlzIndicatie.client.contactGegevens.telefoon
wlzIndicatie.client.contactGegevens.telefoon.telefoonID
wlzIndicatie.client.contactGegevens.telefoon.telefoonnummer
wlzIndicatie.client.contactGegevens.telefoon.landnummer
wlzIndicatie.client.contactGegevens.telefoon.ingangsdatum
wlzIndicatie.client.contactGegevens.telefoon.einddatum
wlzIndicatie.client.contactPersoon
wlzIndicatie.client.contactPersoon.contactPersoonID
wlzIndicatie.client.contactPersoon.relatieNummer
wlzIndicatie.client.contactPersoon.volgorde
wlzIndicatie.client.contactPersoon.soortRelatie
wlzIndicatie.client.contactPersoon.rol
wlzIndicatie.client.contactPersoon.relatie
wlzIndicatie.client.contactPersoon.voornamen
wlzIndicatie.client.contactPersoon.roepnaam
wlzIndicatie.client.contactPersoon.voorletters
wlzIndicatie.client.contactPersoon.geslachtsnaam
wlzIndicatie.client.contactPersoon.voorvoegselGeslachtsnaam
wlzIndicatie.client.contactPersoon.partnernaam
wlzIndicatie.client.contactPersoon.voorvoegselPartnernaam
wlzIndicatie.client.contactPersoon.naamGebruik
wlzIndicatie.client.contactPersoon.geslacht
wlzIndicatie.client.contactPersoon.geboorteDatum
wlzIndicatie.client.contactPersoon.geboortedatumGebruik
wlzIndicatie.client.contactPersoon.ingangsdatum
wlzIndicatie.client.contactPersoon.einddatum
wlzIndicatie.client.contactPersoon.contactGegevens
wlzIndicatie.client.contactPersoon.contactGegevens.contactGegevensID
wlzIndicatie.client.contactPersoon.contactGegevens.adres
wlzIndicatie.client.contactPersoon.contactGegevens.adres.adresID
wlzIndicatie.client.contactPersoon.contactGegevens.adres.adresSoort
wlzIndicatie.client.contactPersoon.contactGegevens.adres.straatnaam
wlzIndicatie.client.contactPersoon.contactGegevens.adres.huisnummer
wlzIndicatie.client.contactPersoon.contactGegevens.adres.huisnummerToevoeging
wlzIndicatie.client.contactPersoon.contactGegevens.adres.postcode
wlzIndicatie.client.contactPersoon.contactGegevens.adres.plaatsnaam
wlzIndicatie.client.contactPersoon.contactGegevens.adres.landCode
wlzIndicatie.client.contactPersoon.contactGegevens.adres.aanduidingWoonadres
wlzIndicatie.client.contactPersoon.contactGegevens.adres.ingangsdatum
wlzIndicatie.client.contactPersoon.contactGegevens.adres.einddatum
wlzIndicatie.client.contactPersoon.contactGegevens.email
wlzIndicatie.client.contactPersoon.contactGegevens.email.emailID
wlzIndicatie.client.contactPersoon.contactGegevens.email.emailadres
wlzIndicatie.client.contactPersoon.contactGegevens.email.ingangsdatum
wlzIndicatie.client.contactPersoon.contactGegevens.email.einddatum
wlzIndicatie.client.contactPersoon.contactGegevens.telefoon
wlzIndicatie.client.contactPersoon.contactGegevens.telefoon.telefoonID
wlzIndicatie.client.contactPersoon.contactGegevens.telefoon.telefoonnummer
wlzIndicatie.client.contactPersoon.contactGegevens.telefoon.landnummer
wlzIndicatie.client.contactPersoon.contactGegevens.telefoon.ingangsdatum
wlzIndicatie.client.contactPersoon.contactGegevens.telefoon.einddatum
`

# Adres.huisletter: selected by QIR-0003, QIR-0004 and QIR-0005, not by QIR-0001/0002.
_paths_huisletter := `wlzIndicatie.client.contactGegevens.adres.huisletter
wlzIndicatie.client.contactPersoon.contactGegevens.adres.huisletter
`

# IR3 entity selected by QIR-0003/0004 v1.2.0 (not in this register's schema).
_paths_vervallen_geldigheid := `wlzIndicatie.vervallenGeldigheid
wlzIndicatie.vervallenGeldigheid.vervallenGeldigheidID
wlzIndicatie.vervallenGeldigheid.vervaldatum
wlzIndicatie.vervallenGeldigheid.vaststellingmoment
wlzIndicatie.vervallenGeldigheid.reden
wlzIndicatie.vervallenGeldigheid.nieuwVerantwoordelijkZorgkantoor
`

# A lookup of "\n<path>\n" in a block matches whole paths only, and never an empty path.
path_blocks := {
	"ir2": _paths_ir2,
	"ir2+huisletter": concat("", [_paths_ir2, _paths_huisletter]),
	"ir3": concat("", [_paths_ir2, _paths_huisletter, _paths_vervallen_geldigheid]),
}

_ir2_context := ["raadpleegDatum"]

templates := {
	"QIR-0001": {
		"operation_type": "query",
		"root_field": "wlzIndicatie",
		"arguments": ["where"],
		"where_required": ["wlzindicatieID.eq", "initieelVerantwoordelijkZorgkantoor.eq"],
		"where_optional": _ir2_context,
		"nested_arguments": {},
		"paths": "ir2",
	},
	"QIR-0002": {
		"operation_type": "query",
		"root_field": "wlzIndicatie",
		"arguments": ["where"],
		"where_required": ["wlzindicatieID.eq"],
		"where_optional": array.concat(["agbCodeInstelling.eq"], _ir2_context),
		"nested_arguments": {},
		"paths": "ir2",
	},
	"QIR-0003": {
		"operation_type": "query",
		"root_field": "wlzIndicatie",
		"arguments": ["where"],
		"where_required": ["wlzindicatieID.eq"],
		"where_optional": _ir2_context,
		"nested_arguments": {},
		"paths": "ir3",
	},
	"QIR-0004": {
		"operation_type": "query",
		"root_field": "wlzIndicatie",
		"arguments": ["where"],
		"where_required": ["wlzindicatieID.eq"],
		"where_optional": _ir2_context,
		"nested_arguments": {},
		"paths": "ir3",
	},
	"QIR-0005": {
		"operation_type": "query",
		"root_field": "wlzIndicatie",
		"arguments": ["where"],
		"where_required": ["bsn.eq", "besluitnummer.eq", "afgiftedatum.eq", "ingangsdatum.eq"],
		"where_optional": [],
		"nested_arguments": {},
		"paths": "ir2+huisletter",
	},
}

# Once per path block rather than per template: walking the selection is the costly part.
_outside[name] := common.outside_selection(block, input.selection) if {
	some name, block in path_blocks
}

_reasons[id] := common.reasons(spec, _outside[spec.paths]) if {
	some id, spec in templates
}

# Entrypoint iwlz/indicatieregister/templates/verdict.
verdict := {
	"matches": sort([id | some id in object.keys(_reasons); count(_reasons[id]) == 0]),
	"reasons": _reasons,
}
