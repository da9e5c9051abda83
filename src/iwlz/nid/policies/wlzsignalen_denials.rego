# Why a gemeente's Wlz-signalen request was refused (runs only when `allow` did not allow).
package iwlz.wlzsignalen.denials

import data.iwlz.common.denials
import data.iwlz.wlzsignalen as sig
import rego.v1

decision := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_no_operation), null, [
	"template_mismatch:SIG-GEM",
]) if {
	sig.use_case == null
} else := denials.error("FORBIDDEN", denials.err(denials.msg_scope), sig.use_case, [
	"scope_missing",
]) if {
	not sig._scope_ok
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), sig.use_case, [
	"not_own_gemeente",
])
