# Shapes of the Wlz-signalen delivery queries: one query, one root field, only the five Wlz
# fields of the Wlz-signalen spec §1.3 plus the indication's ID.
package iwlz.indicatieregister_signalen.templates

import rego.v1

_velden := ["wlzindicatieID", "bsn", "wlzStatus", "afgiftedatum", "ingangsdatum", "einddatum"]

_status_paths := {concat(".", ["wlzStatus", v]) | some v in _velden}

_pagina_paths := {concat(".", ["wlzStatusPagina.items", v]) | some v in _velden} | {
	"wlzStatusPagina.items",
	"wlzStatusPagina.volgende",
}

_selection := [p | some p in split(input.selection, "\n"); p != ""]

_shape_ok(root) if {
	input.operation.type == "query"
	input.operation.operation_count == 1
	input.operation.root_fields == [root]
	count(input.nested_arguments) == 0
}

_fits_0001 if {
	_shape_ok("wlzStatus")
	input.argument_names == ["wlzindicatieID"]
	every p in _selection {
		p in _status_paths
	}
}

_fits_0002 if {
	_shape_ok("wlzStatusPagina")
	every a in input.argument_names {
		a in {"na", "aantal"}
	}
	"aantal" in input.argument_names
	every p in _selection {
		p in _pagina_paths
	}
}

_reasons_0001 := [] if _fits_0001 else := ["not_template:SIG-IR-0001"]

_reasons_0002 := [] if _fits_0002 else := ["not_template:SIG-IR-0002"]

_reasons := {"SIG-IR-0001": _reasons_0001, "SIG-IR-0002": _reasons_0002}

verdict := {
	"matches": sort([id |
		some id in object.keys(_reasons)
		count(_reasons[id]) == 0
	]),
	"reasons": _reasons,
}
