# Shape of a netwerkpunt request (GEN netwerkpunt.graphql v1.1, network.md §5.2): one mutation
# `zendNotificatie(notificatieInput: …)` or `zendMelding(meldingInput: …)` selecting any of the
# output fields, or the dummy query `_empty`. Anything else fits no template and is denied.
package iwlz.netwerkpunt.templates

import data.iwlz.common.templates as common
import rego.v1

# The fields of `interface Message` (Notificatie / Melding repeat the input and add their ID).
_message_fields := [
	"timestamp", "afzenderIDType", "afzenderID", "ontvangerIDType", "ontvangerID",
	"ontvangerKenmerk", "eventType", "subjectList", "subjectList.subject", "subjectList.recordID",
]

# A path block for outside_selection(): "\n<root>.<field>\n…", starting and ending with "\n".
_block(root, id_field) := concat("", ["\n", concat("\n", [path |
	some field in array.concat([id_field], _message_fields)
	path := concat(".", [root, field])
]), "\n"])

# `_empty` is a scalar: its selection is empty, which outside_selection() sees as one empty path.
path_blocks := {
	"zendNotificatie": _block("zendNotificatie", "notificatieID"),
	"zendMelding": _block("zendMelding", "meldingID"),
	"_empty": "\n\n",
}

templates := {
	"ZEND-NOTIFICATIE": {
		"operation_type": "mutation",
		"root_field": "zendNotificatie",
		"arguments": ["notificatieInput"],
		"where_required": [],
		"where_optional": [],
		"nested_arguments": {},
		"paths": "zendNotificatie",
	},
	"ZEND-MELDING": {
		"operation_type": "mutation",
		"root_field": "zendMelding",
		"arguments": ["meldingInput"],
		"where_required": [],
		"where_optional": [],
		"nested_arguments": {},
		"paths": "zendMelding",
	},
	"EMPTY": {
		"operation_type": "query",
		"root_field": "_empty",
		"arguments": [],
		"where_required": [],
		"where_optional": [],
		"nested_arguments": {},
		"paths": "_empty",
	},
}

_outside[name] := common.outside_selection(block, input.selection) if {
	some name, block in path_blocks
}

# The input argument is required (the schema makes it non-null).
_missing(spec) := [r |
	some name in spec.arguments
	not name in input.argument_names
	r := concat("", ["argument_missing:", name])
]

_reasons[id] := array.concat(common.reasons(spec, _outside[spec.paths]), _missing(spec)) if {
	some id, spec in templates
}

# Entrypoint iwlz/netwerkpunt/templates/verdict.
verdict := {
	"matches": sort([id | some id in object.keys(_reasons); count(_reasons[id]) == 0]),
	"reasons": _reasons,
}
