# Shape of a message hand-in: one "operation" named after the message, on the root `bericht`.
package iwlz.berichten.templates

import rego.v1

verdict := {"matches": ["BERICHT"], "reasons": {"BERICHT": []}} if {
	input.operation.operation_count == 1
	input.operation.type == "mutation"
	input.operation.root_fields == ["bericht"]
} else := {"matches": [], "reasons": {"BERICHT": ["not_a_message"]}}
