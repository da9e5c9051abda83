# Leveringsregister beheer API (iwlz's own API for the bronhouder, not a network use case),
# /leveringsregister/{tenant}/beheer/graphql: only the aanbieder whose register it is (a
# Zorgaanbieder token whose `agb` is the tenant) may write to and read its own register here.
# Three packages like every register: allow (this file), .denials, .templates.
package iwlz.leveringsregister_beheer

import rego.v1

# iwlz's own provisional scope for bronhouder writes, in the form of the Bemiddelingsregister's
# `bemiddeling:create` (network.md §3.3); the standard defines no Leveringsregister write scope.
scope_prefixes := ["registers/leveringsregister/leveringen/levering:create"]

_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

# The register's tenant: the bronhouder's AGB from the path. No tenant, no bronhouder.
_tenant := t if {
	t := input.resource.tenant
	is_string(t)
	count(t) == 8
}

bronhouder if {
	input.claims.instantie_type == "Zorgaanbieder"
	input.claims.agb == _tenant
}

allow := {"allowed": true, "use_case": "BEHEER-LR"} if {
	"BEHEER-LR" in input.template.matches
	_scope_ok
	bronhouder
}
