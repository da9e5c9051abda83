# Why a Bemiddelingsregister beheer request was refused (runs only when `allow` did not allow).
package iwlz.bemiddelingsregister_beheer.denials

import data.iwlz.bemiddelingsregister_beheer as beheer
import data.iwlz.common.denials
import rego.v1

_reason := "resource_missing:tenant" if {
	not is_string(input.resource.tenant)
} else := "instantie_type_not_zorgkantoor" if {
	not input.claims.instantie_type == "Zorgkantoor"
} else := "not_bronhouder"

decision := beheer.allow if {
	beheer.allow
} else := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_no_operation), null, [
	"template_mismatch:BEHEER-BR",
]) if {
	not "BEHEER-BR" in input.template.matches
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), "BEHEER-BR", [
	"scope_missing",
]) if {
	not beheer._scope_ok
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), "BEHEER-BR", [_reason])
