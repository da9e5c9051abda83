# Subscriptions at the CIZ (RFC0036; the standard defines no scope or policy, see
# network.md §7.2): any active participant with the provisional subscription scope may manage
# its own subscriptions. Which subscriptions are "its own" the service checks against the
# token (organisatieId, abonneeID). Three packages like every register.
package iwlz.abonnementen

import rego.v1

scope_prefixes := ["organisaties/indicatieorgaan/abonnementen/abonnement:create"]

_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

allow := {"allowed": true, "use_case": "ABONNEMENT-IR"} if {
	_scope_ok
	input.claims.client_id
	"ABONNEMENT-IR" in input.template.matches
}
