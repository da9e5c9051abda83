# Wlz-signalen for gemeenten (iwlz extension; docs/signalen.md): the landelijke voorziening Wmo
# (deliveries) and the signals, over REST and the portal. The PEP builds the input itself: the
# operation's root field is the action, `resource.tenant` the gemeentecode in the path.
#
#   SIG-GEM-WMO       wmo.levering, wmo.mutaties, wmo.lezen   scope wlzsignalen/wmo:create
#   SIG-GEM-SIGNALEN  signalen.lezen, signalen.ontvangst      scope wlzsignalen/signalen:read
#
# A gemeente only ever acts on its own gemeentecode. Three packages like every register.
package iwlz.wlzsignalen

import rego.v1

scope_prefixes := ["wlzsignalen/wmo:create", "wlzsignalen/signalen:read"]

scope_of := {
	"SIG-GEM-WMO": "wlzsignalen/wmo:create",
	"SIG-GEM-SIGNALEN": "wlzsignalen/signalen:read",
}

use_cases := ["SIG-GEM-WMO", "SIG-GEM-SIGNALEN"]

default use_case := null

use_case := input.template.matches[0] if count(input.template.matches) == 1

_scope_ok if strings.any_prefix_match(input.claims.scopes, [scope_of[use_case]])

# The token's client_id is `gemeentecode:<code>` (nID participant type gemeente).
_eigen_gemeente if {
	input.claims.instantie_type == "Gemeente"
	tenant := input.resource.tenant
	is_string(tenant)
	count(tenant) == 4
	input.claims.client_id == concat(":", ["gemeentecode", tenant])
}

allow := {"allowed": true, "use_case": use_case} if {
	is_string(use_case)
	_scope_ok
	_eigen_gemeente
}
