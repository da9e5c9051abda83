# Indicatieregister beheer API (iwlz's own write API, not a network use case): only the CIZ,
# the register's bronhouder, may register, change or delete indications and read them here.
# Three packages like every register: allow (this file), .denials, .templates.
package iwlz.indicatieregister_beheer

import rego.v1

# iwlz's own scope for bronhouder writes, in the form of the Bemiddelingsregister's
# `bemiddeling:create` (network.md §3.3).
scope_prefixes := ["registers/wlzindicatieregister/indicaties/indicatie:create"]

# The CIZ (network.md §1.1: KVK 62253778; OIN later).
bronhouder_kvk := "62253778"

_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

allow := {"allowed": true, "use_case": "BEHEER-IR"} if {
	_scope_ok
	input.claims.kvk == bronhouder_kvk
	"BEHEER-IR" in input.template.matches
}
