# Why a message hand-in was refused (runs only when `allow` did not allow).
package iwlz.berichten.denials

import data.iwlz.berichten
import data.iwlz.common.denials
import rego.v1

decision := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_no_operation), null, [
	"template_mismatch:BERICHT",
]) if {
	not "BERICHT" in input.template.matches
} else := denials.error("FORBIDDEN", denials.err(denials.msg_scope), "BERICHT", [
	"scope_missing",
]) if {
	not berichten.scope_ok
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), "BERICHT", [
	"not_the_afzender",
])
