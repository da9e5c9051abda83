# Netwerkpunt: who may send a notification (`zendNotificatie`, network.md §5.5) or a melding
# (`zendMelding`, §6.3) to a participant's receiving endpoint, and the dummy query `_empty`.
#
# Three files, three packages, like every register (see indicatieregister.rego), plus the data:
#   netwerkpunt.rego            iwlz.netwerkpunt            `allow` (this file)
#   netwerkpunt_denials.rego    iwlz.netwerkpunt.denials    `decision`: the rules in order
#   netwerkpunt_templates.rego  iwlz.netwerkpunt.templates  `verdict`: the request's shape
#   netwerkpunt_data.rego       iwlz.common.netwerkpunt     the policy constants
# The PEP passes every token on, so the scope check (rule 1) is done here too (in `decision`:
# the exact scope of rule 2 implies it).
#
# This file and the data go into the bundle every request of every register runs, and
# rego-cpp's cost per evaluation grows with the bundle's size (with helper functions here the
# Indicatieregister's decision took ~11 µs longer; written inline, ~8 µs), so the checks are
# inline, with the data's lookups standing in for "if … then …": `x in object.get(restricted,
# key, {x})` holds when `key` is unrestricted. netwerkpunt_denials.rego restates them one rule
# at a time.
package iwlz.netwerkpunt

import data.iwlz.common.netwerkpunt as np
import rego.v1

# network.md §5.2 / §7.2: a voluntary notification carries the abonnementID in ontvangerKenmerk;
# a mandatory one leaves it null, empty or blank. Blank as the netwerkpunt service reads it
# (netwerkpunt.service.normalise_kenmerk): nothing but ASCII whitespace. Not `trim_space`:
# rego-cpp's unescapes first, so it reads `""` (two quote characters) as empty and fails on the
# text `\u000b`. Strings reach the policy JSON-escaped (pdp.rego_safe), so the pattern takes a
# space and the escapes of tab, LF, CR, FF and VT (`\t` `\n` `\r` `\f` `\u000b`; `\[u]`
# because rego-cpp reads `\u` in a pattern as an escape of its own). Checked against the service
# in tests/nid/policies/test_netwerkpunt_policy.py.
kind := "vrijwillig" if {
	kenmerk := input.arguments.notificatieInput.ontvangerKenmerk
	is_string(kenmerk)
	not regex.match(`^(?: |\\[tnrf]|\\[u]000[bB])*$`, kenmerk)
} else := "verplicht"

# network.md §5.5, rules 1-10 (rule 2 implies rule 1, rule 4 rule 3, rule 10 rule 8).
_notificatie_ok if {
	"ZEND-NOTIFICATIE" in input.template.matches
	n := input.arguments.notificatieInput
	claims := input.claims
	segment := np.notificatie_scope_segment[n.ontvangerIDType]
	concat("", ["organisaties/", segment, "/notificaties/notificatie:create"]) in claims.scopes
	afzender := np.afzender_id_type[claims.instantie_type]
	n.afzenderIDType == afzender
	afzender in np.notificatie_afzender_id_types
	n.afzenderID == claims[np.identity_claim[claims.instantie_type]]
	n.afzenderID in object.get(np.notificatie_afzender_ids, afzender, {n.afzenderID})
	n.eventType in np.notificatie_event_types[kind][n.ontvangerIDType]
	n.afzenderID in object.get(np.afzenders_of_event_type, n.eventType, {n.afzenderID})
	n.eventType in object.get(np.event_types_of_afzender, n.afzenderID, {n.eventType})
	n.eventType in object.get(np.event_types_of_afzender_type, afzender, {n.eventType})
	afzender in object.get(np.afzender_types_of_event_type, n.eventType, {afzender})
	n.ontvangerID in object.get(np.ontvangers_of_event_type, n.eventType, {n.ontvangerID})
}

# network.md §6.3: the same scheme; the receiver's rules are "ontvanger is not valid.".
_melding_ok if {
	"ZEND-MELDING" in input.template.matches
	m := input.arguments.meldingInput
	claims := input.claims
	segment := np.melding_scope_segment[m.ontvangerIDType]
	concat("", ["organisaties/", segment, "/meldingen/melding:create"]) in claims.scopes
	afzender := np.afzender_id_type[claims.instantie_type]
	m.afzenderIDType == afzender
	afzender in np.melding_afzender_id_types
	m.afzenderID == claims[np.identity_claim[claims.instantie_type]]
	m.afzenderID in object.get(np.melding_afzender_ids, afzender, {m.afzenderID})
	m.eventType in np.melding_event_types
	m.ontvangerIDType in np.melding_ontvanger_id_types
	m.ontvangerID in object.get(np.melding_ontvanger_ids, m.ontvangerIDType, {m.ontvangerID})
}

# POL216: Silvester, acting for a zorgkantoor, passes on a zorgaanbieder's melding to it.
_silvester_ok if {
	"ZEND-MELDING" in input.template.matches
	m := input.arguments.meldingInput
	claims := input.claims
	claims.act.sub in np.silvester_actors
	claims.instantie_type == "Zorgkantoor"
	m.afzenderIDType == "AGB"
	m.ontvangerIDType == "UZOVI"
	m.ontvangerID == claims.uzovi
	segment := np.melding_scope_segment.UZOVI
	concat("", ["organisaties/", segment, "/meldingen/melding:create"]) in claims.scopes
	m.eventType in np.melding_event_types
	"UZOVI" in np.melding_ontvanger_id_types
}

# Entrypoint iwlz/netwerkpunt/allow: {"allowed": true, "use_case": …}, else undefined. A template
# match implies one operation with the template's single root field, type and argument.
allow := {"allowed": true, "use_case": "NOTIFICATIE"} if {
	_notificatie_ok
	kind == "verplicht"
} else := {"allowed": true, "use_case": "NOTIFICATIE-VRIJWILLIG"} if {
	_notificatie_ok
} else := {"allowed": true, "use_case": "MELDING"} if {
	_melding_ok
} else := {"allowed": true, "use_case": "MELDING-POL216"} if {
	_silvester_ok
} else := {"allowed": true, "use_case": "EMPTY"} if {
	# The dummy query answers null to any token the PEP let through (issued for this netwerkpunt).
	"EMPTY" in input.template.matches
}
