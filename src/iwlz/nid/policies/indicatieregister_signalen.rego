# Indicatieregister, Wlz-signalen delivery (iwlz extension, docs/conformance.md "Wlz-signalen"):
# the CIZ passes the five Wlz fields of the Wlz-signalen spec (§1.3) to the signalen service
# (the Inlichtingenbureau, processor for the CIZ) that keeps the kopie Wlz register.
#
#   SIG-IR-0001  wlzStatus(wlzindicatieID)        after a WLZINDICATIE_MUTATIE_ABONNEMENT
#   SIG-IR-0002  wlzStatusPagina(na, aantal)      full resync of the copy, paged by ID
#
# Three packages like every register: allow (this file), .denials, .templates.
package iwlz.indicatieregister_signalen

import rego.v1

# iwlz's own scope; nID grants it only to the participant registered as the signalen service.
scope_prefixes := ["registers/wlzindicatieregister/wlzsignalen:read"]

use_cases := ["SIG-IR-0001", "SIG-IR-0002"]

_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

# The Inlichtingenbureau is an Onderneming identified by its KvK number.
_onderneming if {
	input.claims.instantie_type == "Onderneming"
	kvk := input.claims.kvk
	is_string(kvk)
	count(kvk) == 8
}

default _ok_0001 := false

_ok_0001 if {
	"SIG-IR-0001" in input.template.matches
	id := input.arguments.wlzindicatieID
	is_string(id)
	count(id) == 36
}

default _ok_0002 := false

# A page holds at most 1000 indications; larger pages are refused, not truncated.
_ok_0002 if {
	"SIG-IR-0002" in input.template.matches
	n := input.arguments.aantal
	is_number(n)
	n >= 1
	n <= 1000
}

allow := {"allowed": true, "use_case": "SIG-IR-0001"} if {
	_ok_0001
	_scope_ok
	_onderneming
} else := {"allowed": true, "use_case": "SIG-IR-0002"} if {
	_ok_0002
	_scope_ok
	_onderneming
}
