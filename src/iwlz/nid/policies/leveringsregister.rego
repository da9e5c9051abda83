# Leveringsregister: who may read, per use case UCLR-0001…0010 (registers.md §3.4), on the read
# API of an aanbieder's register, /leveringsregister/{tenant}/graphql (tenant = that aanbieder's
# AGB, `input.resource.tenant`).
#
# Three files, three packages (see indicatieregister.rego for the split):
#   leveringsregister.rego            iwlz.leveringsregister            `allow` (this file)
#   leveringsregister_denials.rego    iwlz.leveringsregister.denials    `decision`
#   leveringsregister_templates.rego  iwlz.leveringsregister.templates  `verdict`
#
# Use cases (B = bemiddelingspecificatieID, A = token agb, U = token uzovi):
#   UCLR-0001 ZA   QLR-0001 levering(where B)        PIP-UCLR-0001 rows + overlap-and-window
#   UCLR-0002 ZA   QLR-0002 verzoekAanbieder(where id, aanbieder == A)            no PIP
#   UCLR-0004 ZK   QLR-0004 verzoek(where id){levering(where B)}      PIP-UCLR-0004 (responsible)
#   UCLR-0006 ZK   QLR-0006 leveringperiode(where id){levering(where B)}  PIP-UCLR-0006
#   UCLR-0007 ZK   QLR-0007 uitstelperiode(where id){levering(where B)}   PIP-UCLR-0006
#   UCLR-0008 ZK   QLR-0008 afstel(where id){levering(where B)}           PIP-UCLR-0006
#   UCLR-0009 ZK   QLR-0009 levering(where B)        PIP-UCLR-0009 rows + overlap-and-window
#   UCLR-0010 ZK   QLR-0010 levering(where B)        PIP-UCLR-0006 (shape: see the templates)
# Binding rule (registers.md §3.4): for UCLR-0004/0006/0007/0008 the nested
# `levering(where: {bemiddelingspecificatieID: {eq: B}})` is required and is the B the PIP checks;
# the register returns the root record only if it belongs to that Levering. For UCLR-0001/0009/
# 0010 B is the root filter itself.
#
# Input beyond the common contract (common.rego): `nested_arguments` ({path: {"where": …}}) and
# `resource.tenant`. Where the PDP leaves them out of the `allow` input, the rules that need
# them do not hold there and `decision` (whose input has them) completes the answer.
package iwlz.leveringsregister

import data.iwlz.common
import rego.v1

scope_prefixes := ["registers/leveringsregister/leveringen/levering:read"]

use_cases := [
	"UCLR-0001", "UCLR-0002", "UCLR-0004", "UCLR-0006",
	"UCLR-0007", "UCLR-0008", "UCLR-0009", "UCLR-0010",
]

template_of := {
	"UCLR-0001": "QLR-0001",
	"UCLR-0002": "QLR-0002",
	"UCLR-0004": "QLR-0004",
	"UCLR-0006": "QLR-0006",
	"UCLR-0007": "QLR-0007",
	"UCLR-0008": "QLR-0008",
	"UCLR-0009": "QLR-0009",
	"UCLR-0010": "QLR-0010",
}

# The root `where` key holding the requested record's ID, for the use cases with a nested
# `levering(where: B)`, and that nested path.
root_id_key := {
	"UCLR-0004": "verzoekID",
	"UCLR-0006": "leveringperiodeID",
	"UCLR-0007": "uitstelperiodeID",
	"UCLR-0008": "afstelID",
}

levering_path := {
	"UCLR-0004": "verzoek.levering",
	"UCLR-0006": "leveringperiode.levering",
	"UCLR-0007": "uitstelperiode.levering",
	"UCLR-0008": "afstel.levering",
}

# --- positive checks (allow path) -------------------------------------------------------------

_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

# COD001: four characters.
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

_zorgkantoor if {
	input.claims.instantie_type == "Zorgkantoor"
	_uzovi
}

_zorgaanbieder if {
	input.claims.instantie_type == "Zorgaanbieder"
	_agb
}

# The GraphQL UUID scalar checks the format; a 36-character string is all a PIP query needs.
lr_uuid(x) if {
	is_string(x)
	count(x) == 36
}

# The register's tenant (the aanbieder whose Leveringsregister is asked), when the PDP passes it.
tenant := t if {
	t := input.resource.tenant
	common.non_empty_string(t)
}

# B in the root filter (QLR-0001/0009/0010).
b_root := b if {
	b := input.arguments.where.bemiddelingspecificatieID.eq
	lr_uuid(b)
}

# B in the nested `levering(where: …)`: exactly `{bemiddelingspecificatieID: {eq: B}}`.
lr_b_nested(path) := b if {
	where := input.nested_arguments[path].where
	is_object(where)
	object.keys(where) == {"bemiddelingspecificatieID"}
	operation := where.bemiddelingspecificatieID
	is_object(operation)
	object.keys(operation) == {"eq"}
	b := operation.eq
	lr_uuid(b)
}

# The B of a use case (the one the PIP checks).
lr_b_of(uc) := b_root if uc in {"UCLR-0001", "UCLR-0009", "UCLR-0010"}

lr_b_of(uc) := lr_b_nested(levering_path[uc]) if levering_path[uc]

# The record ID in the root filter of QLR-0004/0006/0007/0008.
lr_root_id(uc) := id if {
	id := input.arguments.where[root_id_key[uc]].eq
	lr_uuid(id)
}

# UCLR-0001 (LRA0005): an aanbieder asks for the Levering of another aanbieder's (informative)
# bemiddelingspecificatie B; PIP-UCLR-0001 and the overlap-and-window rule complete it.
default _ok_uclr0001 := false

_ok_uclr0001 if {
	"QLR-0001" in input.template.matches
	_zorgaanbieder
	b_root
}

# UCLR-0002 (LRA0006): the aanbieder named in the VerzoekAanbieder names itself in the filter.
default _ok_uclr0002 := false

_ok_uclr0002 if {
	"QLR-0002" in input.template.matches
	input.claims.instantie_type == "Zorgaanbieder"
	where := input.arguments.where
	where.aanbieder.eq == _agb
	lr_uuid(where.verzoekAanbiederID.eq)
}

# UCLR-0004 (LRA0003): the responsible zorgkantoor reads a Verzoek; PIP-UCLR-0004 completes it.
default _ok_uclr0004 := false

_ok_uclr0004 if {
	"QLR-0004" in input.template.matches
	_zorgkantoor
	lr_root_id("UCLR-0004")
	lr_b_of("UCLR-0004")
}

# UCLR-0006/0007/0008 (LRA0001/0002): executing or responsible zorgkantoor; PIP-UCLR-0006.
default _ok_uclr0006 := false

_ok_uclr0006 if {
	"QLR-0006" in input.template.matches
	_zorgkantoor
	lr_root_id("UCLR-0006")
	lr_b_of("UCLR-0006")
}

default _ok_uclr0007 := false

_ok_uclr0007 if {
	"QLR-0007" in input.template.matches
	_zorgkantoor
	lr_root_id("UCLR-0007")
	lr_b_of("UCLR-0007")
}

default _ok_uclr0008 := false

_ok_uclr0008 if {
	"QLR-0008" in input.template.matches
	_zorgkantoor
	lr_root_id("UCLR-0008")
	lr_b_of("UCLR-0008")
}

# UCLR-0009 (LRA0004): executing zorgkantoor, informative bemiddelingspecificatie B;
# PIP-UCLR-0009 and the overlap-and-window rule complete it.
default _ok_uclr0009 := false

_ok_uclr0009 if {
	"QLR-0009" in input.template.matches
	_zorgkantoor
	b_root
}

# UCLR-0010 (LRA0001/0002): executing or responsible zorgkantoor; PIP-UCLR-0006.
default _ok_uclr0010 := false

_ok_uclr0010 if {
	"QLR-0010" in input.template.matches
	_zorgkantoor
	b_root
}

ok := {
	"UCLR-0001": _ok_uclr0001,
	"UCLR-0002": _ok_uclr0002,
	"UCLR-0004": _ok_uclr0004,
	"UCLR-0006": _ok_uclr0006,
	"UCLR-0007": _ok_uclr0007,
	"UCLR-0008": _ok_uclr0008,
	"UCLR-0009": _ok_uclr0009,
	"UCLR-0010": _ok_uclr0010,
}

# --- PIP (registers.md §3.4): control queries on the Bemiddelingsregister ---------------------

pip_of := {
	"UCLR-0001": "PIP-UCLR-0001",
	"UCLR-0004": "PIP-UCLR-0004",
	"UCLR-0006": "PIP-UCLR-0006",
	"UCLR-0007": "PIP-UCLR-0006",
	"UCLR-0008": "PIP-UCLR-0006",
	"UCLR-0009": "PIP-UCLR-0009",
	"UCLR-0010": "PIP-UCLR-0006",
}

# PIPs whose rows the policy judges (overlap-and-window); the others answer true/false.
row_pips := {"PIP-UCLR-0001", "PIP-UCLR-0009"}

# In the order the PIPs run: UCLR-0010's yes/no query before UCLR-0009's rows (same request).
pip_use_cases := [
	"UCLR-0001", "UCLR-0004", "UCLR-0006", "UCLR-0007",
	"UCLR-0008", "UCLR-0010", "UCLR-0009",
]

_caller_param := {"agb": _agb} if {
	input.claims.instantie_type == "Zorgaanbieder"
} else := {"uzovi": _uzovi}

_lr_with_tenant(params) := object.union(params, {"tenant": tenant}) if tenant else := params

# {"bemiddelingspecificatieID": B, "agb": A | "uzovi": U, "tenant": T (when known)}
lr_pip_params(uc) := _lr_with_tenant(object.union(
	{"bemiddelingspecificatieID": lr_b_of(uc)},
	_caller_param,
))

# Overlap-and-window rule (registers.md §2.5) on the rows of PIP-UCLR-0001/0009:
# [{bemiddelingspecificatieID, toewijzingIngangsdatum, toewijzingEinddatum, vaststellingMoment,
#   bemiddeling: {bemiddelingspecificatie: [own…]}}], T = the row of B, own = the caller's.
# Dates are YYYY-MM-DD strings (compared as text); d(x) is the date part of a DateTime.
_lr_d(x) := substring(x, 0, 10) if {
	is_string(x)
	count(x) >= 10
	common.is_date(substring(x, 0, 10))
}

# Present and null (a row without the field is malformed: it does not count as open-ended).
_lr_null(obj, key) if obj[key] == null

# T.end null is open (+inf): every own starts before it (registers.md §4 item 5).
_lr_start_ok(_, t) if _lr_null(t, "toewijzingEinddatum")

_lr_start_ok(own, t) if {
	common.is_date(t.toewijzingEinddatum)
	common.is_date(own.toewijzingIngangsdatum)
	own.toewijzingIngangsdatum <= t.toewijzingEinddatum
}

_lr_start_ok(own, t) if {
	common.is_date(t.toewijzingEinddatum)
	_lr_d(own.vaststellingMoment) <= t.toewijzingEinddatum
}

_lr_end_ok(own, _) if _lr_null(own, "toewijzingEinddatum")

_lr_end_ok(own, t) if {
	common.is_date(own.toewijzingEinddatum)
	common.is_date(t.toewijzingIngangsdatum)
	own.toewijzingEinddatum >= t.toewijzingIngangsdatum
}

_lr_end_ok(own, t) if {
	common.is_date(own.toewijzingEinddatum)
	own.toewijzingEinddatum >= _lr_d(t.vaststellingMoment)
}

# The caller's own bemiddelingspecificaties in the PIP rows for B (the row must be B's).
lr_own_rows(id, b) := [own |
	rows := input.pip[id]
	is_array(rows)
	some row in rows
	is_object(row)
	row.bemiddelingspecificatieID == b
	owns := row.bemiddeling.bemiddelingspecificatie
	is_array(owns)
	some own in owns
	is_object(own)
]

lr_overlapping(id, b) := [own |
	rows := input.pip[id]
	is_array(rows)
	some row in rows
	is_object(row)
	row.bemiddelingspecificatieID == b
	owns := row.bemiddeling.bemiddelingspecificatie
	is_array(owns)
	some own in owns
	is_object(own)
	_lr_start_ok(own, row)
	_lr_end_ok(own, row)
]

# 31 May of the year after a date.
lr_may31_after(date) := concat("", [format_int(to_number(substring(date, 0, 4)) + 1, 10), "-05-31"])

# Some overlapping own is open-ended, or today <= 31 May after its end (the latest end decides,
# so "some" is the same as "the maximum").
lr_window_ok(owns) if {
	some own in owns
	_lr_null(own, "toewijzingEinddatum")
}

lr_window_ok(owns) if {
	common.is_date(input.date)
	some own in owns
	end := own.toewijzingEinddatum
	common.is_date(end)
	input.date <= lr_may31_after(end)
}

# A yes/no PIP said yes; a row PIP only counts through its rows (a bare `true` is not enough).
_lr_pip_ok(uc) if {
	id := pip_of[uc]
	not id in row_pips
	input.pip[id] == true
}

_lr_pip_ok(uc) if {
	id := pip_of[uc]
	id in row_pips
	lr_window_ok(lr_overlapping(id, lr_b_of(uc)))
}

# Second round: a PIP result that completes its use case.
_pip_allowed := [uc |
	some uc in pip_use_cases
	ok[uc]
	_lr_pip_ok(uc)
]

# Entrypoint iwlz/leveringsregister/allow: {"allowed": true, "use_case": …}, else undefined.
# A template match implies the global rules and the routing; each branch checks the scope.
allow := {"allowed": true, "use_case": "UCLR-0002"} if {
	_ok_uclr0002
	_scope_ok
} else := {"allowed": true, "use_case": _pip_allowed[0]} if {
	input.pip
	count(_pip_allowed) > 0
	_scope_ok
}
