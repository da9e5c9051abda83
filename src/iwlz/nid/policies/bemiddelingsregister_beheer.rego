# Bemiddelingsregister beheer API (iwlz's own write API, /bemiddelingsregister/{tenant}/beheer/
# graphql, not a network use case): only the zorgkantoor whose register it is (its UZOVI is the
# tenant of the URL, `input.resource.tenant`), with the `bemiddeling:create` scope, may register,
# change or delete its bemiddelingen and read them here. Three packages like every register:
# allow (this file), .denials, .templates.
package iwlz.bemiddelingsregister_beheer

import rego.v1

scope_prefixes := ["registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:create"]

_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

# The caller is the register's bronhouder: a zorgkantoor whose UZOVI is the tenant.
bronhouder if {
	input.claims.instantie_type == "Zorgkantoor"
	uzovi := input.claims.uzovi
	is_string(uzovi)
	count(uzovi) == 4
	uzovi == input.resource.tenant
}

allow := {"allowed": true, "use_case": "BEHEER-BR"} if {
	"BEHEER-BR" in input.template.matches
	_scope_ok
	bronhouder
}
