# Leveringsregister query templates QLR-0001…0010 (registers.md §3.4), as selection paths,
# `where` shapes and nested arguments.
#
# Source: iStandaarden/iWlz-levering gql-query/** (Leveringsregister 1, RC1). The selections
# follow the "Readable data" table of registers.md §3.4 and the authorisation matrix:
#   - QLR-0001 (ZA), QLR-0009 (ZK executing) and QLR-0010 (ZK, see below) read one Levering by
#     `levering(where: {bemiddelingspecificatieID: {eq: B}})`: Levering, Client{clientID bsn},
#     Leveringperiode(+BehandelingPeriode), Uitstelperiode, Afstel; no Verzoek.
#   - QLR-0002 (ZA) reads its VerzoekAanbieder, the Verzoek and Levering{leveringID client}.
#     The official file starts with `Query` (invalid GraphQL); the shape is the same.
#   - QLR-0004 (responsible ZK) reads a Verzoek, its VerzoekAanbieders and
#     Levering{leveringID bemiddelingspecificatieID client}; no period entities.
#   - QLR-0006/0007/0008 (ZK) read a Leveringperiode / Uitstelperiode / Afstel and, through
#     `levering(where: {bemiddelingspecificatieID: {eq: B}})` (required), everything of that
#     Levering except `verzoeken`. QLR-0008 may also select `levering.afstel` (the same record;
#     the template only leaves it out as superfluous).
# Deviations, for docs/conformance.md:
#   - QLR-0010 (by behandelingperiodeID): the schema has no `behandelingperiode` root field and no
#     filter key for behandelingperiodeID (registers.md §4 item 10; the stored QLR-0010 is a copy
#     of QLR-0009). Our QLR-0010 is the QLR-0009 shape: the zorgkantoor asks for the Levering of
#     B (from the notification's subject) and finds the behandelingperiode under
#     `leveringperiodes.behandelingperiodes`. The data is the Levering the use case allows to
#     read; the PIP is the one of UCLR-0006.
#   - QLR-0009 declares variables (own bspec, vaststellingMoment, …) that the query does not use;
#     only B is required. The PDP fetches the own allocations itself (PIP-UCLR-0009).
#   - No other nested arguments (`leveringperiodes(where: …)`) and no other `where` keys are
#     accepted: the templates use none.
package iwlz.leveringsregister.templates

import data.iwlz.common.templates as common
import rego.v1

# Paths below a Levering, relative ("" = the Levering itself is not listed here).
_levering_rel := [
	"leveringID",
	"bemiddelingspecificatieID",
	"client",
	"client.clientID",
	"client.bsn",
	"leveringperiodes",
	"leveringperiodes.leveringperiodeID",
	"leveringperiodes.ingangsdatum",
	"leveringperiodes.vaststellingMoment",
	"leveringperiodes.sleuteldatum",
	"leveringperiodes.einddatum",
	"leveringperiodes.beeindigingReden",
	"leveringperiodes.aanbiederBestemming",
	"leveringperiodes.behandelingperiodes",
	"leveringperiodes.behandelingperiodes.behandelingperiodeID",
	"leveringperiodes.behandelingperiodes.ingangsdatum",
	"leveringperiodes.behandelingperiodes.einddatum",
	"uitstelperiodes",
	"uitstelperiodes.uitstelperiodeID",
	"uitstelperiodes.ingangsdatum",
	"uitstelperiodes.vaststellingMoment",
	"uitstelperiodes.reden",
	"uitstelperiodes.leveringsstatus",
	"uitstelperiodes.leveringsstatusClassificatie",
	"uitstelperiodes.einddatum",
	"afstel",
	"afstel.afstelID",
	"afstel.afsteldatum",
	"afstel.vaststellingMoment",
	"afstel.reden",
	"afstel.aanbiederBestemming",
]

_leveringperiode_rel := [
	"leveringperiodeID",
	"ingangsdatum",
	"vaststellingMoment",
	"sleuteldatum",
	"einddatum",
	"beeindigingReden",
	"aanbiederBestemming",
	"behandelingperiodes",
	"behandelingperiodes.behandelingperiodeID",
	"behandelingperiodes.ingangsdatum",
	"behandelingperiodes.einddatum",
]

_uitstelperiode_rel := [
	"uitstelperiodeID",
	"ingangsdatum",
	"vaststellingMoment",
	"reden",
	"leveringsstatus",
	"leveringsstatusClassificatie",
	"einddatum",
]

_afstel_rel := ["afstelID", "afsteldatum", "vaststellingMoment", "reden", "aanbiederBestemming"]

_verzoek_rel := [
	"verzoekID",
	"verzoekdatum",
	"product",
	"toewijzingSoort",
	"leveringsvorm",
	"volume",
	"eenheid",
	"frequentie",
	"doelmatig",
	"toeslagreden",
	"verantwoord",
]

_verzoek_aanbieder_rel := [
	"verzoekAanbiederID",
	"aanbieder",
	"toewijzingIngangsdatum",
	"toewijzingEinddatum",
	"toewijzingPercentage",
	"opname",
	"regiehouder",
]

# (rego-cpp 1.5.2 yields nothing for a comprehension whose head uses a function's arguments, so
# the value is built in the body.)
_lr_prefixed(prefix, rel) := [path | some p in rel; path := concat(".", [prefix, p])]

# A block of whole paths, starting and ending with "\n" (see common.outside_selection).
_lr_block(paths) := concat("", ["\n", concat("\n", paths), "\n"])

# Root `<root>` with its own fields, plus a `levering` (bound by its where) with the whole
# Levering except `verzoeken`.
_lr_period_paths(root, rel) := array.concat(
	_lr_prefixed(root, rel),
	array.concat([levering], _lr_prefixed(levering, _levering_rel)),
) if {
	levering := concat(".", [root, "levering"])
}

path_blocks := {
	"levering": _lr_block(_lr_prefixed("levering", _levering_rel)),
	"leveringperiode": _lr_block(_lr_period_paths("leveringperiode", _leveringperiode_rel)),
	"uitstelperiode": _lr_block(_lr_period_paths("uitstelperiode", _uitstelperiode_rel)),
	"afstel": _lr_block(_lr_period_paths("afstel", _afstel_rel)),
	"verzoek": _lr_block(array.concat(
		array.concat(_lr_prefixed("verzoek", _verzoek_rel), ["verzoek.verzoekAanbieders"]),
		array.concat(
			_lr_prefixed("verzoek.verzoekAanbieders", _verzoek_aanbieder_rel),
			[
				"verzoek.levering",
				"verzoek.levering.leveringID",
				"verzoek.levering.bemiddelingspecificatieID",
				"verzoek.levering.client",
				"verzoek.levering.client.clientID",
				"verzoek.levering.client.bsn",
			],
		),
	)),
	"verzoekAanbieder": _lr_block(array.concat(
		array.concat(
			_lr_prefixed("verzoekAanbieder", _verzoek_aanbieder_rel),
			["verzoekAanbieder.verzoek"],
		),
		array.concat(
			_lr_prefixed("verzoekAanbieder.verzoek", _verzoek_rel),
			[
				"verzoekAanbieder.verzoek.levering",
				"verzoekAanbieder.verzoek.levering.leveringID",
				"verzoekAanbieder.verzoek.levering.client",
				"verzoekAanbieder.verzoek.levering.client.clientID",
				"verzoekAanbieder.verzoek.levering.client.bsn",
			],
		),
	)),
}

_by_bspec := {
	"operation_type": "query",
	"root_field": "levering",
	"arguments": ["where"],
	"where_required": ["bemiddelingspecificatieID.eq"],
	"where_optional": [],
	"nested_arguments": {},
	"nested_required": [],
	"paths": "levering",
}

_lr_by_period(root, id_key) := {
	"operation_type": "query",
	"root_field": root,
	"arguments": ["where"],
	"where_required": [concat("", [id_key, ".eq"])],
	"where_optional": [],
	"nested_arguments": {concat(".", [root, "levering"]): ["where"]},
	"nested_required": [concat(".", [root, "levering"])],
	"paths": root,
}

templates := {
	"QLR-0001": _by_bspec,
	"QLR-0002": {
		"operation_type": "query",
		"root_field": "verzoekAanbieder",
		"arguments": ["where"],
		"where_required": ["verzoekAanbiederID.eq", "aanbieder.eq"],
		"where_optional": [],
		"nested_arguments": {},
		"nested_required": [],
		"paths": "verzoekAanbieder",
	},
	"QLR-0004": _lr_by_period("verzoek", "verzoekID"),
	"QLR-0006": _lr_by_period("leveringperiode", "leveringperiodeID"),
	"QLR-0007": _lr_by_period("uitstelperiode", "uitstelperiodeID"),
	"QLR-0008": _lr_by_period("afstel", "afstelID"),
	"QLR-0009": _by_bspec,
	"QLR-0010": _by_bspec,
}

# Once per path block rather than per template: walking the selection is the costly part.
_outside[name] := common.outside_selection(block, input.selection) if {
	some name, block in path_blocks
}

# The nested `levering(where: …)` that binds the result to B must be there (common.reasons only
# checks that nested arguments are allowed, not that they are given).
_lr_nested_missing(spec) := [r |
	some path in spec.nested_required
	not "where" in object.get(input.nested_arguments, path, [])
	r := concat("", ["nested_argument_missing:", path, "(where)"])
]

_reasons[id] := array.concat(
	common.reasons(spec, _outside[spec.paths]),
	_lr_nested_missing(spec),
) if {
	some id, spec in templates
}

# Entrypoint iwlz/leveringsregister/templates/verdict.
verdict := {
	"matches": sort([id | some id in object.keys(_reasons); count(_reasons[id]) == 0]),
	"reasons": _reasons,
}
