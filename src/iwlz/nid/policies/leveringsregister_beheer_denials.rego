# Why a Leveringsregister beheer request was refused (runs only when `allow` did not allow).
package iwlz.leveringsregister_beheer.denials

import data.iwlz.common.denials
import data.iwlz.leveringsregister_beheer as beheer
import rego.v1

_not_bronhouder contains "tenant_missing" if not beheer._tenant

_not_bronhouder contains "instantie_type_not_zorgaanbieder" if {
	not input.claims.instantie_type == "Zorgaanbieder"
}

_not_bronhouder contains "not_bronhouder" if {
	beheer._tenant
	not input.claims.agb == beheer._tenant
}

decision := beheer.allow if {
	beheer.allow
} else := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_no_operation), null, [
	"template_mismatch:BEHEER-LR",
]) if {
	not "BEHEER-LR" in input.template.matches
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), "BEHEER-LR", [
	"scope_missing",
]) if {
	not beheer._scope_ok
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), "BEHEER-LR", sort(
	[r | some r in _not_bronhouder],
)) if {
	count(_not_bronhouder) > 0
} else := denials.error("FORBIDDEN", denials.err(denials.msg_denied), "BEHEER-LR", ["denied"])
