# Why a beheer request was refused (runs only when `allow` did not allow).
package iwlz.indicatieregister_beheer.denials

import data.iwlz.common.denials
import data.iwlz.indicatieregister_beheer as beheer
import rego.v1

decision := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_no_operation), null, [
	"template_mismatch:BEHEER-IR",
]) if {
	not "BEHEER-IR" in input.template.matches
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), "BEHEER-IR", [
	"scope_missing",
]) if {
	not beheer._scope_ok
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), "BEHEER-IR", [
	"not_bronhouder",
])
