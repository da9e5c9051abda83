# Why a Wlz-signalen delivery request was refused (runs only when `allow` did not allow).
package iwlz.indicatieregister_signalen.denials

import data.iwlz.common.denials
import data.iwlz.indicatieregister_signalen as sig
import rego.v1

_use_case := "SIG-IR-0002" if {
	"SIG-IR-0002" in input.template.matches
} else := "SIG-IR-0001"

decision := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_no_operation), null, [
	"template_mismatch:SIG-IR-0001", "template_mismatch:SIG-IR-0002",
]) if {
	count(input.template.matches) == 0
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), _use_case, [
	"scope_missing",
]) if {
	not sig._scope_ok
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), _use_case, [
	"not_signalen_service",
]) if {
	not sig._onderneming
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_denied), _use_case, [
	"argument_invalid:aantal",
]) if {
	_use_case == "SIG-IR-0002"
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), _use_case, [
	"argument_missing:wlzindicatieID",
])
