# Indicatieregister: who may read, per use case UCIR-0001…0005 (registers.md §1.5), on the read
# API `wlzIndicatie(where: WlzIndicatieFilterInput)`.
#
# Three files, three packages:
#   indicatieregister.rego            iwlz.indicatieregister            `allow` (this file)
#   indicatieregister_denials.rego    iwlz.indicatieregister.denials    `decision`
#   indicatieregister_templates.rego  iwlz.indicatieregister.templates  `verdict`
# `allow` runs on every request, in a bundle without the other two: rego-cpp's cost per
# evaluation grows with the bundle, and every expression costs microseconds. When it does not
# allow, `decision` gives the full answer (PIP queries to run, or the denial and its reasons).
# The template verdict arrives as `input.template.matches`.
package iwlz.indicatieregister

import data.iwlz.common
import rego.v1

scope_prefixes := [
	"registers/wlzindicatieregister/indicaties/indicatie:read",
	# Deprecated (crossed out in RFC0014) but still accepted by the nID bundle.
	"registers/wlzindicatieregister/indicaties:read",
]

use_cases := ["UCIR-0001", "UCIR-0002", "UCIR-0003", "UCIR-0004", "UCIR-0005"]

# --- positive checks (allow path) -------------------------------------------------------------
#
# A template match already guarantees one `query` operation with the single root field
# `wlzIndicatie`, no other arguments than `where`, and exactly the template's `where` keys, each
# with `eq` as its only operator (`raadpleegDatum` is a plain Date). The bodies bind `claims` and
# `where` once because every step through `input.…` costs rego-cpp a few microseconds.

# POL: a token scope fits when it starts with one of the register's scope patterns.
_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

# COD001: a UZOVI number has four characters (digits; the token issuer validates them).
_uzovi := uzovi if {
	uzovi := input.claims.uzovi
	is_string(uzovi)
	count(uzovi) == 4
}

# LDT_AgbCode: eight characters.
_agb := agb if {
	agb := input.claims.agb
	is_string(agb)
	count(agb) == 8
}

# The GraphQL UUID scalar checks the format; a 36-character string is all a PIP query needs.
_wlz_id := id if {
	id := input.arguments.where.wlzindicatieID.eq
	is_string(id)
	count(id) == 36
}

# raadpleegDatum (1.6.5) is the client's "today"; a date in the future is refused.
_raadpleeg_ok if not input.arguments.where.raadpleegDatum

_raadpleeg_ok if {
	date := input.arguments.where.raadpleegDatum
	common.is_date(date)
	common.is_date(input.date)
	date <= input.date
}

# UCIR-0001 (IRA0001): the initially responsible zorgkantoor names itself in the filter.
default _ok_ucir0001 := false

_ok_ucir0001 if {
	"QIR-0001" in input.template.matches
	claims := input.claims
	claims.instantie_type == "Zorgkantoor"
	uzovi := claims.uzovi
	is_string(uzovi)
	count(uzovi) == 4
	where := input.arguments.where
	where.initieelVerantwoordelijkZorgkantoor.eq == uzovi
	id := where.wlzindicatieID.eq
	is_string(id)
	count(id) == 36
	_raadpleeg_ok
}

# UCIR-0002 (IRA0003): a zorgaanbieder with a bemiddelingspecificatie; PIP-0002 completes it.
default _ok_ucir0002 := false

_ok_ucir0002 if {
	"QIR-0002" in input.template.matches
	input.claims.instantie_type == "Zorgaanbieder"
	_agb
	_agb_instelling_ok
	_wlz_id
	_raadpleeg_ok
}

_agb_instelling_ok if not input.arguments.where.agbCodeInstelling

_agb_instelling_ok if input.arguments.where.agbCodeInstelling.eq == _agb

# UCIR-0003 (IRA0004): the zorgkantoor responsible after overdracht; PIP-0003 completes it.
default _ok_ucir0003 := false

_ok_ucir0003 if {
	"QIR-0003" in input.template.matches
	input.claims.instantie_type == "Zorgkantoor"
	_uzovi
	_wlz_id
	_raadpleeg_ok
}

# UCIR-0004 (IRA0002): a supra-regional executing zorgkantoor; PIP-0004 completes it.
default _ok_ucir0004 := false

_ok_ucir0004 if {
	"QIR-0004" in input.template.matches
	input.claims.instantie_type == "Zorgkantoor"
	_uzovi
	_wlz_id
	_raadpleeg_ok
}

# UCIR-0005: a zorgkantoor that only knows the fields of a ZK31 message looks the indication up.
default _ok_ucir0005 := false

_ok_ucir0005 if {
	"QIR-0005" in input.template.matches
	input.claims.instantie_type == "Zorgkantoor"
	_uzovi
	where := input.arguments.where
	common.non_empty_string(where.bsn.eq)
	is_number(where.besluitnummer.eq)
	common.is_date(where.afgiftedatum.eq)
	common.is_date(where.ingangsdatum.eq)
}

_ok := {
	"UCIR-0001": _ok_ucir0001,
	"UCIR-0002": _ok_ucir0002,
	"UCIR-0003": _ok_ucir0003,
	"UCIR-0004": _ok_ucir0004,
	"UCIR-0005": _ok_ucir0005,
}

# --- PIP (registers.md §1.5): control queries on the Bemiddelingsregister ---------------------

pip_of := {"UCIR-0002": "PIP-0002", "UCIR-0003": "PIP-0003", "UCIR-0004": "PIP-0004"}

_pip_use_cases := ["UCIR-0002", "UCIR-0003", "UCIR-0004"]

_pip_params["PIP-0002"] := {"wlzIndicatieID": _wlz_id, "agb": _agb}

_pip_params["PIP-0003"] := {"wlzIndicatieID": _wlz_id, "uzovi": _uzovi}

_pip_params["PIP-0004"] := {"wlzIndicatieID": _wlz_id, "uzovi": _uzovi}

# Second round: a non-empty PIP result completes its use case.
_pip_allowed := [uc |
	some uc in _pip_use_cases
	_ok[uc]
	input.pip[pip_of[uc]] == true
]

# Entrypoint iwlz/indicatieregister/allow: {"allowed": true, "use_case": …}, else undefined.
# Each branch implies the global rules and the routing hold (a template match guarantees them)
# and checks the scope, so allowing here never skips an error answer of `decision`. The answer
# is written out rather than built by a function: cheaper on the path every request takes.
allow := {"allowed": true, "use_case": "UCIR-0001"} if {
	_ok_ucir0001
	_scope_ok
} else := {"allowed": true, "use_case": "UCIR-0005"} if {
	_ok_ucir0005
	_scope_ok
} else := {"allowed": true, "use_case": _pip_allowed[0]} if {
	count(_pip_allowed) > 0
	_scope_ok
}
