# Leveringsregister: the full answer when `allow` (leveringsregister.rego) did not allow.
#
# The `_fails_*` rules restate the checks of the `_ok_uclr*` rules as reasons, for the audit log
# and to name the closest use case; nothing here allows except `lr.allow` itself (evaluated on
# this input, which also holds `nested_arguments`). Every policy denial answers the same
# catalogue text; the precise reason only goes to `reasons`.
package iwlz.leveringsregister.denials

import data.iwlz.common
import data.iwlz.common.denials
import data.iwlz.leveringsregister as lr
import rego.v1

_lr_template_fail(id) := {concat("", ["template_mismatch:", id])} if {
	not id in input.template.matches
} else := set()

_fails_zorgkantoor contains "instantie_type_not_zorgkantoor" if {
	not input.claims.instantie_type == "Zorgkantoor"
}

_fails_zorgkantoor contains "claim_missing:uzovi" if not lr._uzovi

_fails_zorgaanbieder contains "instantie_type_not_zorgaanbieder" if {
	not input.claims.instantie_type == "Zorgaanbieder"
}

_fails_zorgaanbieder contains "claim_missing:agb" if not lr._agb

_fails_b_root contains "argument_missing:bemiddelingspecificatieID.eq" if not lr.b_root

_lr_fails_nested(uc) := set() if {
	lr.lr_b_of(uc)
} else := {concat("", [
	"nested_argument_missing:", lr.levering_path[uc], "(where.bemiddelingspecificatieID.eq)",
])}

_lr_fails_root_id(uc) := set() if {
	lr.lr_root_id(uc)
} else := {concat("", ["argument_missing:", lr.root_id_key[uc], ".eq"])}

_fails_uclr0002 contains "argument_missing:verzoekAanbiederID.eq" if {
	not lr.lr_uuid(input.arguments.where.verzoekAanbiederID.eq)
}

_fails_uclr0002 contains "argument_missing:aanbieder.eq" if {
	not common.non_empty_string(input.arguments.where.aanbieder.eq)
}

_fails_uclr0002 contains "claim_mismatch:aanbieder" if {
	common.non_empty_string(input.arguments.where.aanbieder.eq)
	not input.arguments.where.aanbieder.eq == lr._agb
}

_lr_fails_nested_uc(uc) := union({
	_lr_template_fail(lr.template_of[uc]), _fails_zorgkantoor,
	_lr_fails_root_id(uc), _lr_fails_nested(uc),
})

_fails := {
	"UCLR-0001": union({_lr_template_fail("QLR-0001"), _fails_zorgaanbieder, _fails_b_root}),
	"UCLR-0002": union({_lr_template_fail("QLR-0002"), _fails_zorgaanbieder, _fails_uclr0002}),
	"UCLR-0004": _lr_fails_nested_uc("UCLR-0004"),
	"UCLR-0006": _lr_fails_nested_uc("UCLR-0006"),
	"UCLR-0007": _lr_fails_nested_uc("UCLR-0007"),
	"UCLR-0008": _lr_fails_nested_uc("UCLR-0008"),
	"UCLR-0009": union({_lr_template_fail("QLR-0009"), _fails_zorgkantoor, _fails_b_root}),
	"UCLR-0010": union({_lr_template_fail("QLR-0010"), _fails_zorgkantoor, _fails_b_root}),
}

# Why a PIP result does not complete its use case (fail closed: a PIP that failed or did not run
# denies too).
_lr_pip_fails(uc) := {concat("", ["pip_error:", lr.pip_of[uc]])} if {
	input.pip[lr.pip_of[uc]] == "error"
} else := set() if {
	not lr.pip_of[uc] in lr.row_pips
	input.pip[lr.pip_of[uc]] == true
} else := {concat("", ["pip_empty:", lr.pip_of[uc]])} if {
	input.pip[lr.pip_of[uc]] == false
} else := {concat("", ["pip_not_run:", lr.pip_of[uc]])} if {
	not lr.pip_of[uc] in lr.row_pips
} else := {concat("", ["pip_not_run:", lr.pip_of[uc]])} if {
	not input.pip[lr.pip_of[uc]]
} else := {concat("", ["pip_malformed:", lr.pip_of[uc]])} if {
	not is_array(input.pip[lr.pip_of[uc]])
} else := {concat("", ["pip_empty:", lr.pip_of[uc]])} if {
	count(lr.lr_own_rows(lr.pip_of[uc], lr.lr_b_of(uc))) == 0
} else := {concat("", ["pip_no_overlap:", lr.pip_of[uc]])} if {
	count(lr.lr_overlapping(lr.pip_of[uc], lr.lr_b_of(uc))) == 0
} else := {concat("", ["pip_window_closed:", lr.pip_of[uc]])} if {
	not lr.lr_window_ok(lr.lr_overlapping(lr.pip_of[uc], lr.lr_b_of(uc)))
} else := {"denied"}

_final[uc] := _fails[uc] if {
	some uc in lr.use_cases
	count(_fails[uc]) > 0
}

_final[uc] := _lr_pip_fails(uc) if {
	some uc in lr.use_cases
	count(_fails[uc]) == 0
	lr.pip_of[uc]
}

# Only reachable if `ok` and `_fails` ever disagree; it still denies.
_final[uc] := {"denied"} if {
	some uc in lr.use_cases
	count(_fails[uc]) == 0
	not lr.pip_of[uc]
}

# First round: the use cases that pass everything but their PIP query.
_pending := [check |
	some uc in lr.pip_use_cases
	lr.ok[uc]
	check := {"id": lr.pip_of[uc], "params": lr.lr_pip_params(uc), "use_case": uc}
]

# A PIP only runs for a use case that passed everything else, so a failed PIP query is the one
# reason its use case could not allow; that use case is named.
_errored := [uc |
	some uc in lr.pip_use_cases
	lr.ok[uc]
	input.pip[lr.pip_of[uc]] == "error"
]

# The closest use case: fewest template misfits, then fewest failures, then the lower number.
_score[uc] := (misfits * 1000) + count(_final[uc]) if {
	some uc in lr.use_cases
	misfits := object.get(input.template.misfits, lr.template_of[uc], 0)
}

# rego-cpp 1.5.2 orders numbers as text in sort(): fixed-width text instead.
_ranked := sort([concat("|", [format_int(_score[uc] + 100000, 10), uc]) | some uc in lr.use_cases])

_closest := split(_ranked[0], "|")[1]

_roots := {"levering", "leveringperiode", "uitstelperiode", "afstel", "verzoek", "verzoekAanbieder"}

_routed if {
	input.register == "leveringsregister"
	input.operation.type == "query"
	count(input.operation.root_fields) == 1
	input.operation.root_fields[0] in _roots
}

# Entrypoint iwlz/leveringsregister/denials/decision, in the order of network.md §3.6: global
# rules, routing, scope, then the policy.
decision := lr.allow if {
	lr.allow
} else := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.msg_no_operation, null, ["no_policy"]) if {
	not _routed
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), null, ["scope_missing"]) if {
	not lr._scope_ok
} else := denials.pip_pending(_pending) if {
	not input.pip
	count(_pending) > 0
} else := denials.error(
	"INTERNAL_SERVER_ERROR", denials.err(denials.msg_internal), _errored[0],
	sort(_final[_errored[0]]),
) if {
	count(_errored) > 0
} else := _lr_denied("FORBIDDEN", denials.msg_denied)

_lr_denied(code, text) := denials.error(code, denials.err(text), _closest, sort(_final[_closest]))
