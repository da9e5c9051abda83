# Estafette messages (iWlz 2.2) received at POST /berichten/iwlz. The standard has no network
# policy for them (they travel point-to-point over VECOZO); ours: a participant may hand in
# only messages it is the sender of. The endpoint reads the header and passes
# input.resource = {bericht, afzender, ontvanger, deelnemer_type}. Three packages like every
# register.
package iwlz.berichten

import rego.v1

scope_prefixes := ["iwlz/berichten/iwlz:create"]

scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

# Messages a zorgkantoor sends (Afzender LDT_ZorgkantoorCode) and an aanbieder sends
# (LDT_iWlzAgbCode); the CIZ's IO31 has no Afzender (messages.md §1.2).
zk_zendt := {"AW33", "AW317", "CA317", "CA319", "ZK31", "ZK33", "ZK35", "ZK39"}

za_zendt := {"AW35", "AW39"}

afzender_ok if {
	input.resource.bericht in zk_zendt
	input.claims.instantie_type == "Zorgkantoor"
	input.claims.uzovi == input.resource.afzender
}

afzender_ok if {
	input.resource.bericht in za_zendt
	input.claims.instantie_type == "Zorgaanbieder"
	input.claims.agb == input.resource.afzender
}

afzender_ok if {
	input.resource.bericht == "IO31"
	input.resource.deelnemer_type == "ciz"
}

allow := {"allowed": true, "use_case": concat("", ["BERICHT-", input.resource.bericht])} if {
	scope_ok
	"BERICHT" in input.template.matches
	afzender_ok
}
