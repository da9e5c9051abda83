# Denial helpers shared by the `decision` rules: catalogue texts, the error object and the
# global rules of network.md §3.6.
#
# Denial checks are written as "not <positive condition>" so that a missing or mistyped input
# field makes them fire (fail closed) instead of silently not firing.
package iwlz.common.denials

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

error(code, message, use_case, reasons) := {
	"allowed": false,
	"http_status": http_status(code),
	"code": code,
	"message": message,
	"use_case": use_case,
	"reasons": reasons,
	"pip_required": [],
}

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
global_deny := error("BAD_REQUEST", msg_parse, null, ["malformed_input:operation"]) if {
	not is_object(input.operation)
} else := error("BAD_REQUEST", msg_operations, null, ["operation_count"]) if {
	input.operation.operation_count > 1
} else := error("BAD_REQUEST", msg_no_operation, null, ["operation_count"]) if {
	not input.operation.operation_count == 1
} else := error("BAD_REQUEST", msg_root_fields, null, ["root_field_count"]) if {
	count(input.operation.root_fields) > 1
}
