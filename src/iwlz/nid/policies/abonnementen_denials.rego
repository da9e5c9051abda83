# Why a subscription request was refused (runs only when `allow` did not allow).
package iwlz.abonnementen.denials

import data.iwlz.abonnementen
import data.iwlz.common.denials
import rego.v1

decision := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_no_operation), null, [
	"template_mismatch:ABONNEMENT-IR",
]) if {
	not "ABONNEMENT-IR" in input.template.matches
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), "ABONNEMENT-IR", [
	"scope_missing",
]) if {
	not abonnementen._scope_ok
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), "ABONNEMENT-IR", [
	"no_client_id",
])
