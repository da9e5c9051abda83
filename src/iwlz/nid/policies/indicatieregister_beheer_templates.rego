# Shape of a beheer request: one mutation of the write API, or one of its queries (the register
# read query, the received meldingen), on one root field.
package iwlz.indicatieregister_beheer.templates

import rego.v1

_mutations := {"registreerWlzIndicatie", "wijzigWlzIndicatie", "wijzigVervaldatum",
	"verwijderWlzIndicatie", "behandelMelding"}

_queries := {"wlzIndicatie", "meldingen"}

_fits if {
	input.operation.operation_count == 1
	count(input.operation.root_fields) == 1
	input.operation.type == "mutation"
	input.operation.root_fields[0] in _mutations
}

_fits if {
	input.operation.operation_count == 1
	count(input.operation.root_fields) == 1
	input.operation.type == "query"
	input.operation.root_fields[0] in _queries
}

verdict := {"matches": ["BEHEER-IR"], "reasons": {"BEHEER-IR": []}} if {
	_fits
} else := {"matches": [], "reasons": {"BEHEER-IR": ["not_a_beheer_operation"]}}
