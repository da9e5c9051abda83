# Actions of the gemeente API: one operation, one root field naming the action, no selection.
package iwlz.wlzsignalen.templates

import rego.v1

_acties := {
	"wmo.levering": {"type": "mutation", "use_case": "SIG-GEM-WMO"},
	"wmo.mutaties": {"type": "mutation", "use_case": "SIG-GEM-WMO"},
	"wmo.lezen": {"type": "query", "use_case": "SIG-GEM-WMO"},
	"signalen.lezen": {"type": "query", "use_case": "SIG-GEM-SIGNALEN"},
	"signalen.ontvangst": {"type": "mutation", "use_case": "SIG-GEM-SIGNALEN"},
}

_actie := a if {
	input.operation.operation_count == 1
	count(input.operation.root_fields) == 1
	a := _acties[input.operation.root_fields[0]]
	a.type == input.operation.type
	input.selection == ""
}

verdict := {"matches": [_actie.use_case], "reasons": {_actie.use_case: []}} if {
	_actie
} else := {"matches": [], "reasons": {"SIG-GEM": ["unknown_action"]}}
