# Bemiddelingsregister: the full answer when `allow` (bemiddelingsregister.rego) did not allow.
#
# The `_fails_*` rules restate the checks of the `_ok_*` rules as reasons, for the audit log and
# to name the closest use case; nothing here allows except `br.allow` itself. Every policy
# denial answers the same catalogue text, "<OperationName> query: Policy: Access Denied"
# (network.md §3.6, as the Indicatieregister); a failed PIP query answers 500.
package iwlz.bemiddelingsregister.denials

import data.iwlz.bemiddelingsregister as br
import data.iwlz.common
import data.iwlz.common.denials
import rego.v1

_where := input.arguments.where

_template_fail(id) := {concat("", ["template_mismatch:", id])} if {
	not id in input.template.matches
} else := set()

_fails_zorgaanbieder contains "instantie_type_not_zorgaanbieder" if {
	not input.claims.instantie_type == "Zorgaanbieder"
}

_fails_zorgaanbieder contains "claim_missing:agb" if not br._agb

_fails_zorgkantoor contains "instantie_type_not_zorgkantoor" if {
	not input.claims.instantie_type == "Zorgkantoor"
}

_fails_zorgkantoor contains "claim_missing:uzovi" if not br._uzovi

_fails_ciz contains "not_ciz" if not br._ciz

_fails_nid contains "not_netwerkbeheerder" if not br._nid

_fails_tenant contains "resource_missing:tenant" if not br._tenant

# A missing claim is reported by the caller checks; a mismatch only against a claim.
_claim(key, value) := set() if {
	value == _where[key].eq
} else := {concat("", ["argument_missing:", key, ".eq"])} if {
	not common.non_empty_string(_where[key].eq)
} else := set() if {
	is_null(value)
} else := {concat("", ["claim_mismatch:", key])}

_id(key) := set() if {
	br.is_id(_where[key].eq)
} else := {concat("", ["argument_missing:", key, ".eq"])}

_agb := a if {
	a := br._agb
} else := null

_uzovi := u if {
	u := br._uzovi
} else := null

_fails_instelling := _claim("instelling", _agb)

_fails_uitvoerend := _claim("uitvoerendZorgkantoor", _uzovi)

_fails_verantwoordelijk := _claim("verantwoordelijkZorgkantoor", _uzovi)

_fails_dates_open contains "argument_missing:toewijzingIngangsdatum.eq" if not br._ingang

_fails_dates_ended contains "argument_missing:toewijzingIngangsdatum.eq" if not br._ingang

_fails_dates_ended contains "argument_missing:toewijzingEinddatum.eq" if not br._eind

_fails_no_nested contains "nested_arguments_not_allowed" if not br._no_nested

_fails_nested_open contains "nested_filter_invalid" if {
	br._ingang
	not br._nested_open_ok
}

# Which nested list failed, and whether its filter or the window did.
_fails_nested_ended contains concat("", ["nested_filter_invalid:", path]) if {
	br._ingang
	br._eind
	some path, args in br._nested
	spec := br._bs_lists[path]
	not br._filter_ended_ok(args.where, spec[0], spec[1], br._ingang, br._bound[spec[2]])
}

_fails_nested_ended contains concat("", ["nested_filter_invalid:", path]) if {
	some path, _ in br._nested
	not br._bs_lists[path]
}

_fails_nested_ended contains concat("", ["window_closed:", spec[2], ":", br._bound[spec[2]]]) if {
	br._eind
	some path, _ in br._nested
	spec := br._bs_lists[path]
	not input.date <= br._bound[spec[2]]
}

_fails_nested_overdracht contains "argument_missing:overdrachtDatum.eq" if {
	not common.is_date(_where.overdrachtDatum.eq)
}

_fails_nested_overdracht contains "nested_filter_invalid" if {
	common.is_date(_where.overdrachtDatum.eq)
	not br._nested_overdracht_ok
}

_fails_0013_nested contains "nested_filter_invalid:regiehouder.bemiddeling.bemiddelingspecificatie" if {
	br._uzovi
	not br._0013_bs_id
}

_fails_uc := {
	"UCBR-0001": union({
		_template_fail("QBR-0001"), _fails_zorgaanbieder, _fails_instelling,
		_id("bemiddelingspecificatieID"), _fails_no_nested,
	}),
	"UCBR-0002": union({
		_template_fail("QBR-0002"), _fails_zorgaanbieder, _fails_instelling,
		_id("bemiddelingspecificatieID"), _fails_dates_ended, _fails_nested_ended,
	}),
	"UCBR-0003": union({
		_template_fail("QBR-0003"), _fails_zorgaanbieder, _fails_instelling,
		_id("bemiddelingspecificatieID"), _fails_dates_open, _fails_nested_open,
	}),
	"UCBR-0004": union({
		_template_fail("QBR-0004"), _fails_zorgkantoor, _fails_uitvoerend,
		_id("bemiddelingspecificatieID"), _fails_no_nested,
	}),
	"UCBR-0005": union({
		_template_fail("QBR-0005"), _fails_zorgkantoor, _fails_uitvoerend,
		_id("bemiddelingspecificatieID"), _fails_dates_ended, _fails_nested_ended,
	}),
	"UCBR-0006": union({
		_template_fail("QBR-0006"), _fails_zorgkantoor, _fails_uitvoerend,
		_id("bemiddelingspecificatieID"), _fails_dates_open, _fails_nested_open,
	}),
	"UCBR-0007": union({
		_template_fail("QBR-0007"), _fails_zorgkantoor, _fails_verantwoordelijk,
		_id("overdrachtID"), _fails_no_nested,
	}),
	"UCBR-0008": union({
		_template_fail("QBR-0008"), _fails_zorgkantoor, _fails_verantwoordelijk,
		_id("overdrachtID"), _fails_nested_overdracht,
	}),
	"UCBR-0009": union({
		_template_fail("QBR-0009"), _fails_zorgaanbieder, _fails_instelling,
		_id("regiehouderID"), _fails_no_nested,
	}),
	"UCBR-0010": union({_template_fail("QBR-0010"), _fails_ciz, _id("wlzIndicatieID"), _fails_no_nested}),
	"UCBR-0011": union({_template_fail("QBR-0011"), _fails_ciz, _id("wlzIndicatieID"), _fails_no_nested}),
	"UCBR-0012": union({
		_template_fail("QBR-0012"), _fails_zorgkantoor, _id("bemiddelingspecificatieID"),
		_fails_tenant, _fails_no_nested,
	}),
	"UCBR-0013": union({
		_template_fail("QBR-0013"), _fails_zorgkantoor, _id("regiehouderID"), _fails_tenant,
		_fails_0013_nested,
	}),
}

_fails[uc] := _fails_uc[uc] if {
	some uc in br.use_cases
	startswith(uc, "UCBR-")
}

# nID's PIP templates: the template and the caller; any other misfit is in its arguments.
_fails[uc] := union({_template_fail(uc), _fails_nid, _pip_template_args(uc)}) if {
	some uc in br.use_cases
	startswith(uc, "PIP-")
}

_pip_template_args(uc) := set() if {
	br._ok[uc]
} else := set() if {
	not uc in input.template.matches
} else := set() if {
	not br._nid
} else := {"argument_invalid"}

# A PIP only runs for a use case that passed everything else. Its rows must hold an own
# bemiddelingspecificatie that overlaps the target, inside the 31 May window.
_pip_fails(id) := {concat("", ["pip_not_run:", id])} if {
	not input.pip[id]
} else := {concat("", ["pip_error:", id])} if {
	input.pip[id] == "error"
} else := {concat("", ["pip_invalid:", id])} if {
	not is_array(input.pip[id])
} else := {concat("", ["pip_empty:", id])} if {
	count(br.owns(id)) == 0
} else := {concat("", ["pip_no_overlap:", id])} if {
	count(br.overlapping(id)) == 0
} else := {concat("", ["pip_window_closed:", id])} if {
	not br.window_ok(id)
} else := set()

_final[uc] := _fails[uc] if {
	some uc in br.use_cases
	count(_fails[uc]) > 0
}

_final[uc] := _pip_fails(br.pip_of[uc]) if {
	some uc in br.use_cases
	count(_fails[uc]) == 0
	br.pip_of[uc]
}

# Only reachable if `_ok_*` and `_fails` ever disagree (or a PIP answered nothing usable);
# it still denies.
_final[uc] := {"denied"} if {
	some uc in br.use_cases
	count(_fails[uc]) == 0
	not br.pip_of[uc]
}

_final[uc] := {"denied"} if {
	some uc in br.use_cases
	count(_fails[uc]) == 0
	br.pip_of[uc]
	count(_pip_fails(br.pip_of[uc])) == 0
}

# First round: the use cases that pass everything but their PIP query.
_pending := [{"id": br.pip_of[uc], "params": br.pip_params[br.pip_of[uc]], "use_case": uc} |
	some uc in br.pip_use_cases
	br._ok[uc]
]

_pip_error if {
	some id in object.keys(input.pip)
	input.pip[id] == "error"
}

# On a denial, the closest use case: fewest template misfits, then fewest failures.
_score[uc] := (misfits * 1000) + count(_final[uc]) if {
	some uc in br.use_cases
	misfits := object.get(input.template.misfits, br.template_of[uc], 0)
}

# rego-cpp orders numbers as text in sort(); the scores are sorted as fixed-width text, ties go
# to the use case listed first.
_ranked := sort([_rank_key(i, uc) | some i; uc := br.use_cases[i]])

_rank_key(i, uc) := concat("|", [format_int(_score[uc] + 100000, 10), format_int(i + 100, 10), uc])

_closest := split(_ranked[0], "|")[2]

_root_fields := {"bemiddelingspecificatie", "bemiddeling", "overdracht", "regiehouder", "client"}

_routed if {
	input.register == "bemiddelingsregister"
	input.operation.type == "query"
	count(input.operation.root_fields) == 1
	input.operation.root_fields[0] in _root_fields
}

# Entrypoint iwlz/bemiddelingsregister/denials/decision. The answers in the order of
# network.md §3.6: global rules, routing, scope, then the policy.
decision := br.allow if {
	br.allow
} else := denials.global_deny if {
	denials.global_deny
} else := denials.error("BAD_REQUEST", denials.msg_no_operation, null, ["no_policy"]) if {
	not _routed
} else := denials.error("BAD_REQUEST", denials.err(denials.msg_scope), null, ["scope_missing"]) if {
	not br._scope_ok
} else := denials.pip_pending(_pending) if {
	not input.pip
	count(_pending) > 0
} else := _denied("INTERNAL_SERVER_ERROR", denials.msg_internal) if {
	_pip_error
} else := _denied("FORBIDDEN", denials.msg_denied)

_denied(code, text) := denials.error(code, denials.err(text), _closest, sort(_final[_closest]))
