# Shape of a Bemiddelingsregister beheer request: one mutation of the write API
# (src/iwlz/registers/bemiddeling/schema/beheer.graphql) or one of the five root read queries,
# on one root field.
package iwlz.bemiddelingsregister_beheer.templates

import rego.v1

_mutations := {
	"registreerBemiddeling", "wijzigBemiddeling", "verwijderBemiddeling",
	"registreerBemiddelingspecificatie", "wijzigBemiddelingspecificatie",
	"verwijderBemiddelingspecificatie", "registreerRegiehouder", "wijzigRegiehouder",
	"verwijderRegiehouder", "registreerOverdracht", "wijzigOverdracht", "verwijderOverdracht",
	"behandelMelding",
}

_queries := {
	"client", "bemiddeling", "bemiddelingspecificatie", "overdracht", "regiehouder", "meldingen",
}

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

verdict := {"matches": ["BEHEER-BR"], "reasons": {"BEHEER-BR": []}} if {
	_fits
} else := {"matches": [], "reasons": {"BEHEER-BR": ["not_a_beheer_operation"]}}
