# Bemiddelingsregister query templates QBR-0001…0013 (registers.md §2.5) and nID's own PIP
# control queries (src/iwlz/nid/pip_queries.py PIP_QUERIES), as selection paths, `where`
# shapes and nested arguments. Values (identity == token, dates, nested filters) are checked by
# `allow` (bemiddelingsregister.rego); this package only judges the shape and is cached per shape.
#
# Source: iStandaarden/iWlz-bemiddeling gql-query/** (QBR-0001…0013, 1.0/1.1.x). Choices, each
# reported for docs/conformance.md:
#   - QBR-0002/0003/0005/0006 may carry the 1.1 root key `vaststellingMoment: {eq}` (it only
#     narrows the result); `DagVaststellingMoment` and QBR-0008's `overdrachtDatumMinus1Dag` are
#     template variables, not filter keys, so they cannot appear in `where`; the nested filters
#     must have the documented 1.0 form.
#   - Nested lists that must carry a date filter may also carry `order` (sorting leaks nothing).
#   - QBR-0010 may also select `overdracht.verantwoordelijkZorgkantoor` (draft
#     gql-query/ciz/auth.graphql: the CIZ finds the newly responsible zorgkantoor, §4 item 12);
#     QBR-0011 may select `bemiddelingID` (autorisatiematrix).
#   - QBR-0013 ("meer gegevens … toegestaan"): all scalars of its Bemiddeling, of the filtered
#     Bemiddelingspecificatie (pgbPercentage included: the caller is a zorgkantoor) and of the
#     Client, never contact data, regiehouders or overdracht.
package iwlz.bemiddelingsregister.templates

import data.iwlz.common.templates as common
import rego.v1

# --- field lists (schema 1.1.1) ---------------------------------------------------------------

_bspec := [
	"bemiddelingspecificatieID", "leveringsvorm", "zzpCode", "toewijzingIngangsdatum",
	"toewijzingEinddatum", "instelling", "uitvoerendZorgkantoor", "vaststellingMoment",
	"percentage", "opname", "redenIntrekking", "etmalen", "instellingBestemming",
	"soortToewijzing",
]

_bemiddeling := [
	"bemiddelingID", "wlzIndicatieID", "verantwoordelijkZorgkantoor",
	"verantwoordelijkheidIngangsdatum", "verantwoordelijkheidEinddatum",
]

_client := ["bsn", "clientID", "taal", "communicatievorm", "huisarts", "leefeenheid"]

_contactpersoon := [
	"contactpersoonID", "relatienummer", "volgorde", "soortRelatie", "rol", "relatie",
	"geslachtsnaam", "voorvoegselGeslachtsnaam", "partnernaam", "voorvoegselPartnernaam",
	"voornamen", "voorletters", "roepnaam", "naamgebruik", "geslacht", "geboortedatum",
	"geboortedatumgebruik", "ingangsdatum", "einddatum",
]

_contactgegevens := [
	"adressoort", "straatnaam", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode",
	"plaatsnaam", "land", "aanduidingWoonadres", "emailadres", "telefoonnummer01",
	"landnummer01", "telefoonnummer02", "landnummer02", "ingangsdatum", "einddatum",
]

_regiehouder := ["regiehouderID", "instelling", "ingangsdatum", "einddatum", "regierol"]

_overdracht := [
	"overdrachtID", "verantwoordelijkZorgkantoor", "overdrachtDatum", "verhuisDatum",
	"vaststellingMoment",
]

_overdrachtspecificatie := [
	"overdrachtspecificatieID", "leveringsstatus", "leveringsstatusClassificatie",
	"oorspronkelijkeToewijzingEinddatum",
]

# "<prefix>\n<prefix>.<field>\n…": the node itself and its fields, each line ending in "\n".
_node(prefix, fields) := concat("", [
	prefix, "\n",
	concat("", [concat("", [prefix, ".", f, "\n"]) | some f in fields]),
])

# The client's and its contactpersonen's contact data below client path `c`.
_contacts(c) := concat("", [
	_node(concat("", [c, ".contactpersoon"]), _contactpersoon),
	_node(
		concat("", [c, ".contactpersoon.contactgegevens"]),
		array.concat(["contactpersoonContactgegevensID"], _contactgegevens),
	),
	_node(
		concat("", [c, ".contactgegevens"]),
		array.concat(["clientContactgegevensID"], _contactgegevens),
	),
])

# The own bemiddelingspecificatie with its bemiddeling and client scalars (QBR-0001/0004).
_bs_basic := concat("", [
	"\n",
	_node("bemiddelingspecificatie", _bspec),
	_node("bemiddelingspecificatie.bemiddeling", _bemiddeling),
	_node("bemiddelingspecificatie.bemiddeling.client", _client),
])

# QBR-0002/0003 (ZA): plus contact data, the other allocations and the regiehouders.
_bs_full_za := concat("", [
	_bs_basic,
	_contacts("bemiddelingspecificatie.bemiddeling.client"),
	_node("bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie", _bspec),
	_node("bemiddelingspecificatie.bemiddeling.regiehouder", _regiehouder),
])

_ov_basic := concat("", [
	"\n",
	_node("overdracht", _overdracht),
	_node("overdracht.bemiddeling", _bemiddeling),
	_node("overdracht.bemiddeling.client", _client),
	_node("overdracht.overdrachtspecificatie", _overdrachtspecificatie),
	_node("overdracht.overdrachtspecificatie.bemiddelingspecificatie", _bspec),
])

_rh_basic := concat("", [
	"\n",
	_node("regiehouder", _regiehouder),
	_node("regiehouder.bemiddeling", _bemiddeling),
	_node("regiehouder.bemiddeling.client", _client),
])

_pip_uclr_rows := concat("", [
	"\n",
	_node("bemiddelingspecificatie", [
		"bemiddelingspecificatieID", "toewijzingIngangsdatum", "toewijzingEinddatum",
		"vaststellingMoment",
	]),
	"bemiddelingspecificatie.bemiddeling\n",
	_node(
		"bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie",
		["toewijzingIngangsdatum", "toewijzingEinddatum", "vaststellingMoment"],
	),
])

# A lookup of "\n<path>\n" in a block matches whole paths only, and never an empty path.
path_blocks := {
	"bs_basic": _bs_basic,
	"bs_basic_pgb": concat("", [_bs_basic, "bemiddelingspecificatie.pgbPercentage\n"]),
	"bs_full_za": _bs_full_za,
	"bs_full_zk": concat("", [
		_bs_full_za,
		"bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie.pgbPercentage\n",
	]),
	"ov_basic": _ov_basic,
	"ov_full": concat("", [
		_ov_basic,
		_contacts("overdracht.bemiddeling.client"),
		_node("overdracht.bemiddeling.regiehouder", _regiehouder),
	]),
	"rh_basic": _rh_basic,
	"rh_0013": concat("", [
		_rh_basic,
		_node("regiehouder.bemiddeling.bemiddelingspecificatie", array.concat(_bspec, ["pgbPercentage"])),
	]),
	"bem_0010": concat("", [
		"\nbemiddeling.wlzIndicatieID\nbemiddeling.verantwoordelijkZorgkantoor\n",
		"bemiddeling.overdracht\nbemiddeling.overdracht.verantwoordelijkZorgkantoor\n",
	]),
	"bem_0011": concat("", [
		"\nbemiddeling.bemiddelingID\nbemiddeling.wlzIndicatieID\n",
		"bemiddeling.bemiddelingspecificatie\n",
		"bemiddeling.bemiddelingspecificatie.uitvoerendZorgkantoor\n",
	]),
	"pip_bemiddeling_id": "\nbemiddeling.bemiddelingID\n",
	"pip_overdracht_id": "\noverdracht.overdrachtID\n",
	"pip_keten": concat("", [
		"\nbemiddeling.bemiddelingID\nbemiddeling.verantwoordelijkZorgkantoor\n",
		"bemiddeling.overdracht\nbemiddeling.overdracht.verantwoordelijkZorgkantoor\n",
	]),
	"pip_bspec_id": "\nbemiddelingspecificatie.bemiddelingspecificatieID\n",
	"pip_uclr_rows": _pip_uclr_rows,
}

# Nested lists that need a date filter, per template family (registers.md §2.5).
bs_lists := [
	"bemiddelingspecificatie.bemiddeling.client.contactpersoon",
	"bemiddelingspecificatie.bemiddeling.client.contactpersoon.contactgegevens",
	"bemiddelingspecificatie.bemiddeling.client.contactgegevens",
	"bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie",
	"bemiddelingspecificatie.bemiddeling.regiehouder",
]

ov_lists := [
	"overdracht.bemiddeling.client.contactpersoon",
	"overdracht.bemiddeling.client.contactpersoon.contactgegevens",
	"overdracht.bemiddeling.client.contactgegevens",
	"overdracht.bemiddeling.regiehouder",
]

_filtered(paths, names) := {p: v | some p in paths; v := names}

_vm := ["vaststellingMoment.eq"]

_spec(root, where_required, where_optional, paths) := {
	"operation_type": "query",
	"root_field": root,
	"arguments": ["where"],
	"where_required": where_required,
	"where_optional": where_optional,
	"nested_arguments": {},
	"nested_required": [],
	"paths": paths,
}

_spec_nested(root, where_required, where_optional, paths, nested, names) := object.union(
	_spec(root, where_required, where_optional, paths),
	{"nested_arguments": _filtered(nested, names), "nested_required": nested},
)

_bs_id := "bemiddelingspecificatieID.eq"

templates := {
	"QBR-0001": _spec("bemiddelingspecificatie", [_bs_id, "instelling.eq"], [], "bs_basic"),
	"QBR-0002": _spec_nested(
		"bemiddelingspecificatie",
		[_bs_id, "instelling.eq", "toewijzingIngangsdatum.eq", "toewijzingEinddatum.eq"],
		_vm, "bs_full_za", bs_lists, ["where", "order"],
	),
	"QBR-0003": _spec_nested(
		"bemiddelingspecificatie",
		[_bs_id, "instelling.eq", "toewijzingIngangsdatum.eq"],
		_vm, "bs_full_za", bs_lists, ["where", "order"],
	),
	"QBR-0004": _spec(
		"bemiddelingspecificatie", [_bs_id, "uitvoerendZorgkantoor.eq"], [], "bs_basic",
	),
	"QBR-0005": _spec_nested(
		"bemiddelingspecificatie",
		[_bs_id, "uitvoerendZorgkantoor.eq", "toewijzingIngangsdatum.eq", "toewijzingEinddatum.eq"],
		_vm, "bs_full_zk", bs_lists, ["where", "order"],
	),
	"QBR-0006": _spec_nested(
		"bemiddelingspecificatie",
		[_bs_id, "uitvoerendZorgkantoor.eq", "toewijzingIngangsdatum.eq"],
		_vm, "bs_full_zk", bs_lists, ["where", "order"],
	),
	"QBR-0007": _spec(
		"overdracht", ["overdrachtID.eq", "verantwoordelijkZorgkantoor.eq"], [], "ov_basic",
	),
	"QBR-0008": _spec_nested(
		"overdracht",
		["overdrachtID.eq", "verantwoordelijkZorgkantoor.eq", "overdrachtDatum.eq"],
		[], "ov_full", ov_lists, ["where", "order"],
	),
	"QBR-0009": _spec("regiehouder", ["regiehouderID.eq", "instelling.eq"], [], "rh_basic"),
	"QBR-0010": _spec("bemiddeling", ["wlzIndicatieID.eq"], [], "bem_0010"),
	"QBR-0011": _spec("bemiddeling", ["wlzIndicatieID.eq"], [], "bem_0011"),
	"QBR-0012": _spec("bemiddelingspecificatie", [_bs_id], [], "bs_basic_pgb"),
	"QBR-0013": _spec_nested(
		"regiehouder", ["regiehouderID.eq"], [], "rh_0013",
		["regiehouder.bemiddeling.bemiddelingspecificatie"], ["where"],
	),
	# nID's own control queries (pip_queries.PIP_QUERIES), for the netwerkbeheerder only.
	"PIP-0002": _spec(
		"bemiddeling", ["wlzIndicatieID.eq", "bemiddelingspecificatie.some"], [],
		"pip_bemiddeling_id",
	),
	"PIP-0003": _spec(
		"overdracht",
		[
			"verantwoordelijkZorgkantoor.eq", "bemiddeling.wlzIndicatieID",
			"bemiddeling.verantwoordelijkZorgkantoor",
		],
		[], "pip_overdracht_id",
	),
	"PIP-0004": _spec(
		"bemiddeling",
		["wlzIndicatieID.eq", "verantwoordelijkZorgkantoor.neq", "bemiddelingspecificatie.some"],
		[], "pip_bemiddeling_id",
	),
	"PIP-KETEN": _spec("bemiddeling", ["wlzIndicatieID.eq"], [], "pip_keten"),
	"PIP-UCLR-0001": _spec_nested(
		"bemiddelingspecificatie", [_bs_id], [], "pip_uclr_rows",
		["bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie"], ["where"],
	),
	"PIP-UCLR-0004": _spec(
		"bemiddelingspecificatie", [_bs_id, "bemiddeling.verantwoordelijkZorgkantoor"], [],
		"pip_bspec_id",
	),
	"PIP-UCLR-0006": _spec("bemiddelingspecificatie", [_bs_id, "or"], [], "pip_bspec_id"),
	"PIP-UCLR-0009": _spec_nested(
		"bemiddelingspecificatie", [_bs_id], [], "pip_uclr_rows",
		["bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie"], ["where"],
	),
}

_selection_block := concat("", ["\n", input.selection, "\n"])

# A nested list that needs a filter must carry `where` whenever it is selected.
_nested_missing(spec) := [r |
	some path in spec.nested_required
	contains(_selection_block, concat("", ["\n", path, "\n"]))
	not "where" in object.get(input.nested_arguments, path, [])
	r := concat("", ["nested_where_missing:", path])
]

# Once per path block rather than per template: walking the selection is the costly part.
_outside[name] := common.outside_selection(block, input.selection) if {
	some name, block in path_blocks
}

_reasons[id] := array.concat(common.reasons(spec, _outside[spec.paths]), _nested_missing(spec)) if {
	some id, spec in templates
}

# Entrypoint iwlz/bemiddelingsregister/templates/verdict.
verdict := {
	"matches": sort([id | some id in object.keys(_reasons); count(_reasons[id]) == 0]),
	"reasons": _reasons,
}
