# Indicatieregister: the full answer when `allow` (indicatieregister.rego) did not allow.
#
# The `_fails_*` rules restate the checks of the `_ok_ucir*` rules as reasons, for the audit log
# and to name the closest use case; nothing here allows except `ir.allow` itself. Every policy
# denial answers the same catalogue text; the precise reason only goes to `reasons`.
package iwlz.indicatieregister.denials

import data.iwlz.common
import data.iwlz.common.denials
import data.iwlz.indicatieregister as ir
import rego.v1

_template_fail(id) := {concat("", ["template_mismatch:", id])} if {
	not id in input.template.matches
} else := set()

_fails_zorgkantoor contains "instantie_type_not_zorgkantoor" if {
	not input.claims.instantie_type == "Zorgkantoor"
}

_fails_zorgkantoor contains "claim_missing:uzovi" if not ir._uzovi

_fails_zorgaanbieder contains "instantie_type_not_zorgaanbieder" if {
	not input.claims.instantie_type == "Zorgaanbieder"
}

_fails_zorgaanbieder contains "claim_missing:agb" if not ir._agb

_fails_wlz_id contains "argument_missing:wlzindicatieID.eq" if not ir._wlz_id

_fails_raadpleeg contains "argument_invalid:raadpleegDatum" if {
	_value := input.arguments.where.raadpleegDatum
	not common.is_date(input.arguments.where.raadpleegDatum)
}

_fails_raadpleeg contains "raadpleegDatum_after_today" if {
	common.is_date(input.arguments.where.raadpleegDatum)
	not ir._raadpleeg_ok
}

_ivzk := input.arguments.where.initieelVerantwoordelijkZorgkantoor.eq

_fails_ivzk contains "argument_missing:initieelVerantwoordelijkZorgkantoor.eq" if {
	not common.non_empty_string(_ivzk)
}

_fails_ivzk contains "claim_mismatch:initieelVerantwoordelijkZorgkantoor" if {
	common.non_empty_string(_ivzk)
	not _ivzk == ir._uzovi
}

_fails_agb_instelling contains "claim_mismatch:agbCodeInstelling" if not ir._agb_instelling_ok

_fails_zk31 contains "argument_missing:bsn.eq" if {
	not common.non_empty_string(input.arguments.where.bsn.eq)
}

_fails_zk31 contains "argument_missing:besluitnummer.eq" if {
	not is_number(input.arguments.where.besluitnummer.eq)
}

_fails_zk31 contains "argument_missing:afgiftedatum.eq" if {
	not common.is_date(input.arguments.where.afgiftedatum.eq)
}

_fails_zk31 contains "argument_missing:ingangsdatum.eq" if {
	not common.is_date(input.arguments.where.ingangsdatum.eq)
}

_fails_ucir0001 := union({
	_template_fail("QIR-0001"), _fails_zorgkantoor, _fails_wlz_id, _fails_ivzk, _fails_raadpleeg,
})

_fails_ucir0002 := union({
	_template_fail("QIR-0002"), _fails_zorgaanbieder, _fails_wlz_id, _fails_agb_instelling,
	_fails_raadpleeg,
})

_fails_ucir0003 := union({
	_template_fail("QIR-0003"), _fails_zorgkantoor, _fails_wlz_id, _fails_raadpleeg,
})

_fails_ucir0004 := union({
	_template_fail("QIR-0004"), _fails_zorgkantoor, _fails_wlz_id, _fails_raadpleeg,
})

_fails_ucir0005 := union({_template_fail("QIR-0005"), _fails_zorgkantoor, _fails_zk31})

_fails := {
	"UCIR-0001": _fails_ucir0001,
	"UCIR-0002": _fails_ucir0002,
	"UCIR-0003": _fails_ucir0003,
	"UCIR-0004": _fails_ucir0004,
	"UCIR-0005": _fails_ucir0005,
}

# An empty PIP result denies; so does a PIP that failed or was not run (fail closed).
_pip_fails(id) := set() if {
	input.pip[id] == true
} else := {concat("", ["pip_error:", id])} if {
	input.pip[id] == "error"
} else := {concat("", ["pip_empty:", id])} if {
	input.pip[id] == false
} else := {concat("", ["pip_not_run:", id])}

_final[uc] := _fails[uc] if {
	some uc in ir.use_cases
	count(_fails[uc]) > 0
}

_final[uc] := _pip_fails(ir.pip_of[uc]) if {
	some uc in ir.use_cases
	count(_fails[uc]) == 0
	ir.pip_of[uc]
}

# Only reachable if `_ok_*` and `_fails` ever disagree; it still denies.
_final[uc] := {"denied"} if {
	some uc in ir.use_cases
	count(_fails[uc]) == 0
	not ir.pip_of[uc]
}

# First round: the use cases that pass everything but their PIP query.
_pending := [{"id": ir.pip_of[uc], "params": ir._pip_params[ir.pip_of[uc]], "use_case": uc} |
	some uc in ir._pip_use_cases
	ir._ok[uc]
]

# A PIP only runs for a use case that passed everything else, so any failed PIP query is the
# one reason that use case could not allow.
_pip_error if {
	some id in object.keys(input.pip)
	input.pip[id] == "error"
}

template_of := {
	"UCIR-0001": "QIR-0001",
	"UCIR-0002": "QIR-0002",
	"UCIR-0003": "QIR-0003",
	"UCIR-0004": "QIR-0004",
	"UCIR-0005": "QIR-0005",
}

# On a denial, the closest use case is the one the caller most likely meant: the shape of the
# query says most (fewest template misfits, `input.template.misfits`), then the fewest failures.
_score[uc] := (misfits * 1000) + count(_final[uc]) if {
	some uc in ir.use_cases
	misfits := object.get(input.template.misfits, template_of[uc], 0)
}

# rego-cpp 1.5.2's min() and sort() order numbers as text (1001 before 3), so the scores are
# sorted as fixed-width text; ties go to the lower use case number.
_ranked := sort([concat("|", [format_int(_score[uc] + 100000, 10), uc]) | some uc in ir.use_cases])

_closest := split(_ranked[0], "|")[1]

_routed if {
	input.register == "indicatieregister"
	input.operation.type == "query"
	input.operation.root_fields == ["wlzIndicatie"]
}

# Entrypoint iwlz/indicatieregister/denials/decision. The answers in the order of network.md
# §3.6: global rules, routing, scope, then the policy. `ir.allow` first, so that this rule alone
# is a complete decision too.
decision := ir.allow if {
	ir.allow
} else := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.msg_no_operation, null, ["no_policy"]) if {
	not _routed
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), null, ["scope_missing"]) if {
	not ir._scope_ok
} else := denials.pip_pending(_pending) if {
	not input.pip
	count(_pending) > 0
} else := _denied("INTERNAL_SERVER_ERROR", denials.msg_internal) if {
	_pip_error
} else := _denied("FORBIDDEN", denials.msg_denied)

_denied(code, text) := denials.error(code, denials.err(text), _closest, sort(_final[_closest]))
