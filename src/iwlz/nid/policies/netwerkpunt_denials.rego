# Netwerkpunt: the full answer when `allow` (netwerkpunt.rego) did not allow.
#
# The rules of network.md §5.5 (zendNotificatie) and §6.3 (zendMelding) in order, first failure
# wins: HTTP 400, code GRAPHQL_VALIDATION_FAILED (rule 1: BAD_REQUEST), message
# "<OperationName> <operationType>: <text>" with the texts of the nID bundle. An anonymous
# operation is named after its root field ("zendNotificatie mutation: …"). One deviation in
# order: rule 7 (MUTATIE_CLIENT allow-list) is checked before rule 6, because the nID bundle
# reports "afzender_id is not valid." only when rule 7 holds.
package iwlz.netwerkpunt.denials

import data.iwlz.common
import data.iwlz.common.denials
import data.iwlz.common.netwerkpunt as np
import data.iwlz.netwerkpunt
import rego.v1

# Rule 1 (POL): some token scope starts with one of these.
notificatie_scope_pattern := `^organisaties/[^\s/:]+/notificaties/notificatie:create`

melding_scope_pattern := `^organisaties/[^\s/:]+/meldingen/melding:create`

# Texts of the nID bundle (network.md §5.5, §6.3), copied exactly.
msg_scope_ontvanger := "Scope for `ontvangerIDType` not valid."

msg_instantie_type := "instantie_type claim not found."

msg_afzender_type := "afzender_type is not valid."

msg_afzender_id := "afzender_id is not valid."

msg_mutatie_client := "afzender_id is not valid for `MUTATIE_CLIENT`."

msg_event_type := "event_type is not valid."

msg_ontvanger_type := "ontvanger_type is not valid."

msg_ontvanger := "ontvanger is not valid."

# Rule 9, rendered as the nID bundle does: the sender's types of the notification's kind,
# sorted, joined by " or ", in one pair of quotes:
# "…, should be: 'NIEUWE_INDICATIE_ZORGKANTOOR or VERVALLEN_INDICATIE_ZORGKANTOOR'".
msg_ciz(types) := concat("", [
	"event_type for afzender CIZ not valid, should be: '",
	concat(" or ", sort(types)),
	"'",
])

_gvf := "GRAPHQL_VALIDATION_FAILED"

_template_of := {
	"zendNotificatie": "ZEND-NOTIFICATIE",
	"zendMelding": "ZEND-MELDING",
	"_empty": "EMPTY",
}

_root := input.operation.root_fields[0]

_template := _template_of[_root]

_routed if {
	input.register == "netwerkpunt"
	count(input.operation.root_fields) == 1
	_template
}

err(text) := concat("", [input.operation.name, " ", input.operation.type, ": ", text]) if {
	common.non_empty_string(input.operation.name)
} else := concat("", [_root, " ", input.operation.type, ": ", text])

_claims := input.claims

# --- the checks of netwerkpunt.rego, one rule at a time ----------------------------------------

_scope_matches(pattern) if {
	some scope in _claims.scopes
	regex.match(pattern, scope)
}

_exact_scope(segments, ontvanger_id_type, service) if {
	segment := segments[ontvanger_id_type]
	concat("", ["organisaties/", segment, "/", service]) in _claims.scopes
}

# Rules 3 and 4: afzenderIDType is the one of the token's instantie_type, of an allowed type.
_afzender_type_ok(x, allowed) if {
	afzender := np.afzender_id_type[_claims.instantie_type]
	x.afzenderIDType == afzender
	afzender in allowed
}

# Rule 5, on the token as the nID bundle does: a restricted sender type's claim is allowed.
_restricted_afzender_ok(restricted) if {
	afzender := np.afzender_id_type[_claims.instantie_type]
	not restricted[afzender]
}

_restricted_afzender_ok(restricted) if {
	afzender := np.afzender_id_type[_claims.instantie_type]
	_claims[np.identity_claim[_claims.instantie_type]] in restricted[afzender]
}

# Rule 6.
_afzender_id_ok(x) if x.afzenderID == _claims[np.identity_claim[_claims.instantie_type]]

# --- zendNotificatie ---------------------------------------------------------------------------

_n := input.arguments.notificatieInput

# The allow rules' `kind` (a blank ontvangerKenmerk is a mandatory notification), not a copy.
_kind := netwerkpunt.kind

_use_case_n := "NOTIFICATIE-VRIJWILLIG" if _kind == "vrijwillig" else := "NOTIFICATIE"

_deny_n(code, text, reason) := denials.error(code, err(text), _use_case_n, [reason])

_event_type_known if {
	some types in np.notificatie_event_types[_kind]
	_n.eventType in types
}

# Rule 9: the sender (afzenderID, which rules 4-6 made the token's) may send only some types;
# the message names those of the notification's kind.
_afzender_event_types := np.event_types_of_afzender[_n.afzenderID]

_msg_afzender_event_types := msg_ciz(_afzender_event_types & _kind_types)

_kind_types := {t | some types in np.notificatie_event_types[_kind]; some t in types}

_notificatie_service := "notificaties/notificatie:create"

_notificatie := _deny_n("BAD_REQUEST", denials.msg_scope, "scope_missing") if {
	not _scope_matches(notificatie_scope_pattern)
} else := _deny_n(_gvf, msg_scope_ontvanger, "scope_missing:ontvangerIDType") if {
	not _exact_scope(np.notificatie_scope_segment, _n.ontvangerIDType, _notificatie_service)
} else := _deny_n(_gvf, msg_instantie_type, "claim_missing:instantie_type") if {
	not common.non_empty_string(_claims.instantie_type)
} else := _deny_n(_gvf, msg_afzender_type, "afzender_type_invalid") if {
	not _afzender_type_ok(_n, np.notificatie_afzender_id_types)
} else := _deny_n(_gvf, msg_afzender_type, "afzender_not_allowed") if {
	not _restricted_afzender_ok(np.notificatie_afzender_ids)
} else := _deny_n(_gvf, msg_mutatie_client, "mutatie_client_afzender_not_allowed") if {
	_n.eventType == "MUTATIE_CLIENT"
	not _n.afzenderID in np.mutatie_client_afzenders
} else := _deny_n(_gvf, msg_afzender_id, "afzender_id_mismatch") if {
	not _afzender_id_ok(_n)
} else := _deny_n(_gvf, msg_event_type, concat("", ["event_type_unknown:", _kind])) if {
	not _event_type_known
} else := _deny_n(_gvf, _msg_afzender_event_types, "event_type_not_for_afzender") if {
	_afzender_event_types
	not _n.eventType in _afzender_event_types
} else := _deny_n(_gvf, msg_afzender_type, "event_type_not_for_afzender_type") if {
	not _n.eventType in object.get(np.event_types_of_afzender_type, _n.afzenderIDType, {_n.eventType})
} else := _deny_n(_gvf, msg_ontvanger_type, "event_type_reserved") if {
	not _n.afzenderIDType in object.get(np.afzender_types_of_event_type, _n.eventType, {_n.afzenderIDType})
} else := _deny_n(_gvf, msg_ontvanger_type, "event_type_reserved") if {
	not _n.afzenderID in object.get(np.afzenders_of_event_type, _n.eventType, {_n.afzenderID})
} else := _deny_n(_gvf, msg_ontvanger_type, "event_type_not_for_ontvanger_type") if {
	not _n.eventType in np.notificatie_event_types[_kind][_n.ontvangerIDType]
} else := _deny_n(_gvf, msg_ontvanger_type, "ontvanger_id_not_allowed") if {
	not _n.ontvangerID in object.get(np.ontvangers_of_event_type, _n.eventType, {_n.ontvangerID})
} else := _deny_n("FORBIDDEN", denials.msg_denied, "denied")

# --- zendMelding -------------------------------------------------------------------------------

_m := input.arguments.meldingInput

_deny_m(code, text, reason) := denials.error(code, err(text), "MELDING", [reason])

# POL216: Silvester, acting for a zorgkantoor, as a zorgaanbieder to that zorgkantoor.
_silvester if {
	_claims.act.sub in np.silvester_actors
	_claims.instantie_type == "Zorgkantoor"
	_m.afzenderIDType == "AGB"
	_m.ontvangerIDType == "UZOVI"
}

_melding := _deny_m("BAD_REQUEST", denials.msg_scope, "scope_missing") if {
	not _scope_matches(melding_scope_pattern)
} else := _deny_m(_gvf, msg_scope_ontvanger, "scope_missing:ontvangerIDType") if {
	not _exact_scope(np.melding_scope_segment, _m.ontvangerIDType, "meldingen/melding:create")
} else := _deny_m(_gvf, msg_instantie_type, "claim_missing:instantie_type") if {
	not common.non_empty_string(_claims.instantie_type)
} else := _deny_m(_gvf, msg_afzender_type, "afzender_type_invalid") if {
	not _afzender_type_ok(_m, np.melding_afzender_id_types)
	not _silvester
} else := _deny_m(_gvf, msg_afzender_type, "afzender_not_allowed") if {
	not _restricted_afzender_ok(np.melding_afzender_ids)
} else := _deny_m(_gvf, msg_afzender_id, "afzender_id_mismatch") if {
	not _silvester
	not _afzender_id_ok(_m)
} else := _deny_m(_gvf, msg_afzender_id, "pol216_ontvanger_not_the_zorgkantoor") if {
	_silvester
	not _m.ontvangerID == _claims.uzovi
} else := _deny_m(_gvf, msg_event_type, "event_type_unknown") if {
	not _m.eventType in np.melding_event_types
} else := _deny_m(_gvf, msg_ontvanger, "ontvanger_type_not_allowed") if {
	not _m.ontvangerIDType in np.melding_ontvanger_id_types
} else := _deny_m(_gvf, msg_ontvanger, "ontvanger_id_not_allowed") if {
	not _m.ontvangerID in object.get(np.melding_ontvanger_ids, _m.ontvangerIDType, {_m.ontvangerID})
} else := _deny_m("FORBIDDEN", denials.msg_denied, "denied")

# --- entrypoint --------------------------------------------------------------------------------

# Entrypoint iwlz/netwerkpunt/denials/decision: `allow` first, so that this rule alone is a
# complete decision; then the global rules of network.md §3.6, the catch-all for any other
# operation or shape, and the rules of the mutation.
decision := netwerkpunt.allow if {
	netwerkpunt.allow
} else := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.msg_no_operation, null, ["no_policy"]) if {
	not _routed
} else := denials.error("BAD_REQUEST", denials.msg_no_operation, null, [
	concat("", ["template_mismatch:", _template]),
]) if {
	not _template in input.template.matches
} else := _notificatie if {
	_root == "zendNotificatie"
} else := _melding if {
	_root == "zendMelding"
} else := denials.error("FORBIDDEN", err(denials.msg_denied), "EMPTY", ["denied"])
