# Shape of a Leveringsregister beheer request: one query or mutation on one root field. Which
# root fields exist is the beheer schema's business (it refuses unknown ones); the policy only
# decides who may use the API at all.
package iwlz.leveringsregister_beheer.templates

import rego.v1

_fits if {
	input.operation.operation_count == 1
	count(input.operation.root_fields) == 1
	input.operation.type in {"query", "mutation"}
}

verdict := {"matches": ["BEHEER-LR"], "reasons": {"BEHEER-LR": []}} if {
	_fits
} else := {"matches": [], "reasons": {"BEHEER-LR": ["not_a_beheer_operation"]}}
