# Shape of a subscription request: one operation on one root field of the subscription API.
package iwlz.abonnementen.templates

import rego.v1

_mutations := {"createAbonnement", "deleteAbonnement"}

_queries := {"notificatieTypen", "abonnementen", "abonnement"}

_fits if {
	input.operation.operation_count == 1
	count(input.operation.root_fields) == 1
	input.operation.type == "mutation"
	input.operation.root_fields[0] in _mutations
}

_fits if {
	input.operation.operation_count == 1
	input.operation.type == "query"
	count(input.operation.root_fields) >= 1
	every f in input.operation.root_fields {
		f in _queries
	}
}

verdict := {"matches": ["ABONNEMENT-IR"], "reasons": {"ABONNEMENT-IR": []}} if {
	_fits
} else := {"matches": [], "reasons": {"ABONNEMENT-IR": ["not_a_subscription_operation"]}}
