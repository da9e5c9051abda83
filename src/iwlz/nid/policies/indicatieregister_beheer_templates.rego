# Shape of a beheer request: one mutation of the write API, or the read query, on one root field.
package iwlz.indicatieregister_beheer.templates

import rego.v1

_mutations := {"registreerWlzIndicatie", "wijzigWlzIndicatie", "wijzigVervaldatum",
	"verwijderWlzIndicatie"}

_fits if {
	input.operation.operation_count == 1
	count(input.operation.root_fields) == 1
	input.operation.type == "mutation"
	input.operation.root_fields[0] in _mutations
}

_fits if {
	input.operation.operation_count == 1
	input.operation.type == "query"
	input.operation.root_fields == ["wlzIndicatie"]
}

verdict := {"matches": ["BEHEER-IR"], "reasons": {"BEHEER-IR": []}} if {
	_fits
} else := {"matches": [], "reasons": {"BEHEER-IR": ["not_a_beheer_operation"]}}
