# Shared building blocks for the nID PDP policies.
#
# Contract with iwlz.nid.pdp (Python); per register:
#   iwlz.<register>            rule `allow`     the positive checks, run on every request
#   iwlz.<register>.denials    rule `decision`  the full answer when `allow` did not allow
#   iwlz.<register>.templates  rule `verdict`   the template check (see common_templates.rego)
#
# `allow` input: {date, claims: {scopes, instantie_type, uzovi, agb, kvk} (null claims left
#   out), arguments, template: {"matches": [template id…]}, pip?: {id: true|false|"error"}}.
#   Output: allow() below, or undefined.
# `decision` input: the same plus register and operation: {type, name, root_fields,
#   operation_count}. Output: allow(), deny() or pip_pending() below.
#
# Denial checks are written as "not <positive condition>" so that a missing or mistyped input
# field makes them fire (fail closed) instead of silently not firing.
package iwlz.common

import rego.v1

# network.md §3.6: the HTTP status follows from the error code; unknown codes give 400.
status_by_code := {
	"INTERNAL_SERVER_ERROR": 500,
	"UNAUTHORIZED": 401,
	"BAD_REQUEST": 400,
	"GRAPHQL_VALIDATION_FAILED": 400,
	"FORBIDDEN": 403,
}

http_status(code) := object.get(status_by_code, code, 400)

# Texts of network.md §3.6 / §3.8 and registers.md §0.3, copied exactly.
msg_parse := "Unable to parse graphql query"

msg_operations := "Only one operation at the time is supported."

msg_root_fields := "Only one selectionset in an operation is supported."

msg_no_operation := "No operation found to evaluate"

msg_scope := "scope not allowed"

msg_denied := "Policy: Access Denied"

msg_internal := "Internal Server Error"

# "<OperationName> <operationType>: <text>" (network.md §3.6); an anonymous operation has no
# name to put in front, so only the type is.
err(text) := concat("", [input.operation.name, " ", input.operation.type, ": ", text]) if {
	is_string(input.operation.name)
	input.operation.name != ""
} else := concat("", [input.operation.type, ": ", text]) if {
	is_string(input.operation.type)
} else := text

deny(code, message, use_case, reasons) := {
	"allowed": false,
	"http_status": http_status(code),
	"code": code,
	"message": message,
	"use_case": use_case,
	"reasons": reasons,
	"pip_required": [],
}

# Kept to two fields: rego-cpp's cost of writing out an answer grows with its size, and this
# is the answer to nearly every request. (Allowed means HTTP 200, no code, no message.)
allow(use_case) := {"allowed": true, "use_case": use_case}

# Not a final answer: Python runs these PIP queries and evaluates `decision` again. Should it
# ever be taken for one, it denies.
pip_pending(checks) := {
	"allowed": false,
	"http_status": 403,
	"code": "FORBIDDEN",
	"message": err(msg_denied),
	"use_case": null,
	"reasons": ["pip_pending"],
	"pip_required": checks,
}

# Global rules of network.md §3.6, checked before any register policy (order as in the nID
# bundle: operations, then root fields).
global_deny := deny("BAD_REQUEST", msg_parse, null, ["malformed_input:operation"]) if {
	not is_object(input.operation)
} else := deny("BAD_REQUEST", msg_operations, null, ["operation_count"]) if {
	input.operation.operation_count > 1
} else := deny("BAD_REQUEST", msg_no_operation, null, ["operation_count"]) if {
	not input.operation.operation_count == 1
} else := deny("BAD_REQUEST", msg_root_fields, null, ["root_field_count"]) if {
	count(input.operation.root_fields) > 1
}

# POL: a token scope fits when it starts with one of the register's scope patterns.
has_scope(prefixes) if strings.any_prefix_match(input.claims.scopes, prefixes)

non_empty_string(x) if {
	is_string(x)
	x != ""
}

is_date(x) if {
	is_string(x)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, x)
}

# The value of `{key: {eq: value}}` in a filter object, only when `eq` is the sole operator:
# the templates pass identities as `eq`, anything else is not what the template asks for.
eq_value(filter, key) := value if {
	filter[key] == {"eq": filter[key].eq}
	value := filter[key].eq
}
