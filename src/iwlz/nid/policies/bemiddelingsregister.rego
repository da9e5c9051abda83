# Bemiddelingsregister: who may read, per use case UCBR-0001…0013 (registers.md §2.5), on the
# read API /bemiddelingsregister/{tenant}/graphql; plus nID's own PIP control queries
# (src/iwlz/nid/pip_queries.py PIP_QUERIES), for the netwerkbeheerder only.
#
# Three files, three packages (the pattern of indicatieregister*.rego):
#   bemiddelingsregister.rego            iwlz.bemiddelingsregister            `allow` (this file)
#   bemiddelingsregister_denials.rego    iwlz.bemiddelingsregister.denials    `decision`
#   bemiddelingsregister_templates.rego  iwlz.bemiddelingsregister.templates  `verdict`
#
# Input beyond the common `allow` input (common.rego): `resource.tenant` (the UZOVI of the
# zorgkantoor whose register is asked; sent as PIP parameter) and `nested_arguments` (path →
# {where, order}: the mandatory date filters on nested lists are checked by value here).
# `pip["PIP-UCBR-0012"|"PIP-UCBR-0013"]` are the root rows of the control query (or "error").
package iwlz.bemiddelingsregister

import data.iwlz.common
import rego.v1

scope_prefixes := ["registers/wlzbemiddelingsregister/bemiddelingen/bemiddeling:read"]

# network.md §1.1 / registers.md §0.3.
ciz_kvk := "62253778"

# VECOZO, the netwerkbeheerder running nID (pip_queries.NID_PIP_KVK).
nid_kvk := "18065868"

use_cases := [
	"UCBR-0001", "UCBR-0002", "UCBR-0003", "UCBR-0004", "UCBR-0005", "UCBR-0006",
	"UCBR-0007", "UCBR-0008", "UCBR-0009", "UCBR-0010", "UCBR-0011", "UCBR-0012",
	"UCBR-0013", "PIP-0002", "PIP-0003", "PIP-0004", "PIP-KETEN", "PIP-UCLR-0001",
	"PIP-UCLR-0004", "PIP-UCLR-0006", "PIP-UCLR-0009",
]

template_of := {
	"UCBR-0001": "QBR-0001", "UCBR-0002": "QBR-0002", "UCBR-0003": "QBR-0003",
	"UCBR-0004": "QBR-0004", "UCBR-0005": "QBR-0005", "UCBR-0006": "QBR-0006",
	"UCBR-0007": "QBR-0007", "UCBR-0008": "QBR-0008", "UCBR-0009": "QBR-0009",
	"UCBR-0010": "QBR-0010", "UCBR-0011": "QBR-0011", "UCBR-0012": "QBR-0012",
	"UCBR-0013": "QBR-0013", "PIP-0002": "PIP-0002", "PIP-0003": "PIP-0003",
	"PIP-0004": "PIP-0004", "PIP-KETEN": "PIP-KETEN", "PIP-UCLR-0001": "PIP-UCLR-0001",
	"PIP-UCLR-0004": "PIP-UCLR-0004", "PIP-UCLR-0006": "PIP-UCLR-0006",
	"PIP-UCLR-0009": "PIP-UCLR-0009",
}

# --- claims and arguments ---------------------------------------------------------------------

_scope_ok if strings.any_prefix_match(input.claims.scopes, scope_prefixes)

# COD001: a UZOVI number has four characters.
_uzovi := uzovi if {
	input.claims.instantie_type == "Zorgkantoor"
	uzovi := input.claims.uzovi
	is_string(uzovi)
	count(uzovi) == 4
}

# LDT_AgbCode: eight characters.
_agb := agb if {
	input.claims.instantie_type == "Zorgaanbieder"
	agb := input.claims.agb
	is_string(agb)
	count(agb) == 8
}

_ciz if {
	input.claims.instantie_type == "Onderneming"
	input.claims.kvk == ciz_kvk
}

_nid if {
	input.claims.instantie_type == "Onderneming"
	input.claims.kvk == nid_kvk
}

_tenant := t if {
	t := input.resource.tenant
	common.non_empty_string(t)
}

# The GraphQL UUID scalar checks the format; 36 characters is what a PIP parameter needs.
is_id(x) if {
	is_string(x)
	count(x) == 36
}

_where := input.arguments.where

# Required (fail closed): without it no use case allows, not even those without nested lists.
_nested := n if {
	n := input.nested_arguments
	is_object(n)
}

_bs_id := id if {
	id := _where.bemiddelingspecificatieID.eq
	is_id(id)
}

# I and E of the own bemiddelingspecificatie (root where, `eq`).
_ingang := d if {
	d := _where.toewijzingIngangsdatum.eq
	common.is_date(d)
}

_eind := d if {
	d := _where.toewijzingEinddatum.eq
	common.is_date(d)
}

_year(date) := to_number(substring(date, 0, 4))

# E2 = E + 2 years; 29 February becomes 28 February (as .NET's AddYears, which the
# HotChocolate-based clients use).
plus_two_years(date) := concat("", [format_int(_year(date) + 2, 10), "-02-28"]) if {
	substring(date, 5, 5) == "02-29"
} else := concat("", [format_int(_year(date) + 2, 10), substring(date, 4, 6)])

# E31 = 31 May of the year after E.
may_31_after(date) := sprintf("%d-05-31", [_year(date) + 1])

_bound := {"E2": plus_two_years(_eind), "E31": may_31_after(_eind)}

# --- nested date filters (registers.md §2.5) --------------------------------------------------

# path → [end field, start field, window] for QBR-0002/0003/0005/0006.
_bs_lists := {
	"bemiddelingspecificatie.bemiddeling.client.contactpersoon": ["einddatum", "ingangsdatum", "E2"],
	"bemiddelingspecificatie.bemiddeling.client.contactpersoon.contactgegevens": [
		"einddatum",
		"ingangsdatum", "E2",
	],
	"bemiddelingspecificatie.bemiddeling.client.contactgegevens": ["einddatum", "ingangsdatum", "E2"],
	"bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie": [
		"toewijzingEinddatum",
		"toewijzingIngangsdatum", "E31",
	],
	"bemiddelingspecificatie.bemiddeling.regiehouder": ["einddatum", "ingangsdatum", "E31"],
}

# `and: {…}` is `and: [{…}]` (GraphQL list input coercion, registers.md §0.4).
_list(x) := x if is_array(x)

_list(x) := [x] if is_object(x)

# {or: [{end: {eq: null}}, {end: {gte: I}}]} (either order).
_open_ok(cond, end_field, i) if {
	count(cond) == 1
	alternatives := _list(cond.or)
	count(alternatives) == 2
	{end_field: {"eq": null}} in alternatives
	{end_field: {"gte": i}} in alternatives
}

# QBR-0003/0006: and: [{or: [{end: {eq: null}}, {end: {gte: I}}]}]
_filter_open_ok(where, end_field, i) if {
	count(where) == 1
	items := _list(where.and)
	count(items) == 1
	_open_ok(items[0], end_field, i)
}

# QBR-0002/0005: and: [{or: […]}, {start: {ngt: E2|E31}}] (either order).
_filter_ended_ok(where, end_field, start_field, i, bound) if {
	count(where) == 1
	items := _list(where.and)
	count(items) == 2
	some k, item in items
	_open_ok(item, end_field, i)
	other := items[1 - k]
	other == {start_field: {"ngt": bound}}
}

_nested_open_ok if {
	every path, args in _nested {
		spec := _bs_lists[path]
		_filter_open_ok(args.where, spec[0], _ingang)
	}
}

# Every nested list has the filter with I, E2/E31 recomputed from the root where, and the
# request date is inside the window of each list asked for (E2 for contact data, E31 for
# other allocations and regiehouders).
_nested_ended_ok if {
	every path, args in _nested {
		spec := _bs_lists[path]
		bound := _bound[spec[2]]
		_filter_ended_ok(args.where, spec[0], spec[1], _ingang, bound)
		input.date <= bound
	}
}

_ov_lists := {
	"overdracht.bemiddeling.client.contactpersoon",
	"overdracht.bemiddeling.client.contactpersoon.contactgegevens",
	"overdracht.bemiddeling.client.contactgegevens",
	"overdracht.bemiddeling.regiehouder",
}

# QBR-0008: {ingangsdatum: {ngt: D}, or: [{einddatum: {gt: D}}, {einddatum: {eq: null}}]}.
_filter_overdracht_ok(where, d) if {
	count(where) == 2
	where.ingangsdatum == {"ngt": d}
	alternatives := _list(where.or)
	count(alternatives) == 2
	{"einddatum": {"gt": d}} in alternatives
	{"einddatum": {"eq": null}} in alternatives
}

_nested_overdracht_ok if {
	d := _where.overdrachtDatum.eq
	common.is_date(d)
	every path, args in _nested {
		path in _ov_lists
		_filter_overdracht_ok(args.where, d)
	}
}

_no_nested if count(_nested) == 0

# --- use cases --------------------------------------------------------------------------------

# UCBR-0001/0002/0003: the aanbieder of the bemiddelingspecificatie (instelling == agb).
_za_bspec if {
	_where.instelling.eq == _agb
	_bs_id
}

# UCBR-0004/0005/0006: the executing zorgkantoor (uitvoerendZorgkantoor == uzovi).
_zk_bspec if {
	_where.uitvoerendZorgkantoor.eq == _uzovi
	_bs_id
}

default _ok_ucbr0001 := false

_ok_ucbr0001 if {
	"QBR-0001" in input.template.matches
	_za_bspec
	_no_nested
}

default _ok_ucbr0002 := false

_ok_ucbr0002 if {
	"QBR-0002" in input.template.matches
	_za_bspec
	_ingang
	_eind
	common.is_date(input.date)
	_nested_ended_ok
}

default _ok_ucbr0003 := false

_ok_ucbr0003 if {
	"QBR-0003" in input.template.matches
	_za_bspec
	_ingang
	_nested_open_ok
}

default _ok_ucbr0004 := false

_ok_ucbr0004 if {
	"QBR-0004" in input.template.matches
	_zk_bspec
	_no_nested
}

default _ok_ucbr0005 := false

_ok_ucbr0005 if {
	"QBR-0005" in input.template.matches
	_zk_bspec
	_ingang
	_eind
	common.is_date(input.date)
	_nested_ended_ok
}

default _ok_ucbr0006 := false

_ok_ucbr0006 if {
	"QBR-0006" in input.template.matches
	_zk_bspec
	_ingang
	_nested_open_ok
}

# UCBR-0007/0008: the newly responsible zorgkantoor of the overdracht.
_zk_overdracht if {
	_where.verantwoordelijkZorgkantoor.eq == _uzovi
	is_id(_where.overdrachtID.eq)
}

default _ok_ucbr0007 := false

_ok_ucbr0007 if {
	"QBR-0007" in input.template.matches
	_zk_overdracht
	_no_nested
}

default _ok_ucbr0008 := false

_ok_ucbr0008 if {
	"QBR-0008" in input.template.matches
	_zk_overdracht
	_nested_overdracht_ok
}

# UCBR-0009: the regiehouder itself.
default _ok_ucbr0009 := false

_ok_ucbr0009 if {
	"QBR-0009" in input.template.matches
	_where.instelling.eq == _agb
	is_id(_where.regiehouderID.eq)
	_no_nested
}

# UCBR-0010/0011: the CIZ looks up who to notify.
_wlz_id := id if {
	id := _where.wlzIndicatieID.eq
	is_id(id)
}

default _ok_ucbr0010 := false

_ok_ucbr0010 if {
	"QBR-0010" in input.template.matches
	_ciz
	_wlz_id
	_no_nested
}

default _ok_ucbr0011 := false

_ok_ucbr0011 if {
	"QBR-0011" in input.template.matches
	_ciz
	_wlz_id
	_no_nested
}

# UCBR-0012: an executing zorgkantoor reads an informative bemiddelingspecificatie; the
# overlap-and-window rule on PIP-UCBR-0012 completes it.
default _ok_ucbr0012 := false

_ok_ucbr0012 if {
	"QBR-0012" in input.template.matches
	_uzovi
	_bs_id
	_tenant
	_no_nested
}

# UCBR-0013: an executing zorgkantoor reads a regiehouder; the nested filter names its own
# bemiddelingspecificatie and uzovi; PIP-UCBR-0013 completes it.
_0013_path := "regiehouder.bemiddeling.bemiddelingspecificatie"

_0013_bs_id := id if {
	count(_nested) == 1
	args := _nested[_0013_path]
	count(args) == 1
	where := args.where
	count(where) == 1
	items := _list(where.and)
	count(items) == 2
	uzovi := _uzovi
	some k, item in items
	item == {"uitvoerendZorgkantoor": {"eq": uzovi}}
	other := items[1 - k]
	id := other.bemiddelingspecificatieID.eq
	is_id(id)
	other == {"bemiddelingspecificatieID": {"eq": id}}
}

_rh_id := id if {
	id := _where.regiehouderID.eq
	is_id(id)
}

default _ok_ucbr0013 := false

_ok_ucbr0013 if {
	"QBR-0013" in input.template.matches
	_uzovi
	_rh_id
	_0013_bs_id
	_tenant
}

# --- nID's own control queries (pip_queries.PIP_QUERIES) ---------------------------------------

_x := _wlz_id

_code(x, n) if {
	is_string(x)
	count(x) == n
}

default _ok_pip0002 := false

_ok_pip0002 if {
	"PIP-0002" in input.template.matches
	_nid
	_x
	some_filter := _where.bemiddelingspecificatie
	count(some_filter) == 1
	inner := some_filter.some
	count(inner) == 1
	count(inner.instelling) == 1
	_code(inner.instelling.eq, 8)
	_no_nested
}

default _ok_pip0003 := false

_ok_pip0003 if {
	"PIP-0003" in input.template.matches
	_nid
	u := _where.verantwoordelijkZorgkantoor.eq
	_code(u, 4)
	x := _where.bemiddeling.wlzIndicatieID.eq
	is_id(x)
	_where.bemiddeling == {"wlzIndicatieID": {"eq": x}, "verantwoordelijkZorgkantoor": {"neq": u}}
	_no_nested
}

default _ok_pip0004 := false

_ok_pip0004 if {
	"PIP-0004" in input.template.matches
	_nid
	_x
	u := _where.verantwoordelijkZorgkantoor.neq
	_code(u, 4)
	count(_where.verantwoordelijkZorgkantoor) == 1
	_where.bemiddelingspecificatie == {"some": {"uitvoerendZorgkantoor": {"eq": u}}}
	_no_nested
}

default _ok_pip_keten := false

_ok_pip_keten if {
	"PIP-KETEN" in input.template.matches
	_nid
	_x
	_no_nested
}

_uclr_rows_filter := where if {
	count(_nested) == 1
	args := _nested["bemiddelingspecificatie.bemiddeling.bemiddelingspecificatie"]
	count(args) == 1
	where := args.where
}

default _ok_pip_uclr0001 := false

_ok_pip_uclr0001 if {
	"PIP-UCLR-0001" in input.template.matches
	_nid
	_bs_id
	where := _uclr_rows_filter
	count(where) == 1
	count(where.instelling) == 1
	_code(where.instelling.eq, 8)
}

default _ok_pip_uclr0004 := false

_ok_pip_uclr0004 if {
	"PIP-UCLR-0004" in input.template.matches
	_nid
	_bs_id
	count(_where.bemiddeling) == 1
	count(_where.bemiddeling.verantwoordelijkZorgkantoor) == 1
	_code(_where.bemiddeling.verantwoordelijkZorgkantoor.eq, 4)
	_no_nested
}

default _ok_pip_uclr0006 := false

_ok_pip_uclr0006 if {
	"PIP-UCLR-0006" in input.template.matches
	_nid
	_bs_id
	alternatives := _where.or
	u := alternatives[0].uitvoerendZorgkantoor.eq
	_code(u, 4)
	alternatives == [
		{"uitvoerendZorgkantoor": {"eq": u}},
		{"bemiddeling": {"verantwoordelijkZorgkantoor": {"eq": u}}},
	]
	_no_nested
}

default _ok_pip_uclr0009 := false

_ok_pip_uclr0009 if {
	"PIP-UCLR-0009" in input.template.matches
	_nid
	_bs_id
	where := _uclr_rows_filter
	count(where) == 1
	count(where.uitvoerendZorgkantoor) == 1
	_code(where.uitvoerendZorgkantoor.eq, 4)
}

_ok := {
	"UCBR-0001": _ok_ucbr0001, "UCBR-0002": _ok_ucbr0002, "UCBR-0003": _ok_ucbr0003,
	"UCBR-0004": _ok_ucbr0004, "UCBR-0005": _ok_ucbr0005, "UCBR-0006": _ok_ucbr0006,
	"UCBR-0007": _ok_ucbr0007, "UCBR-0008": _ok_ucbr0008, "UCBR-0009": _ok_ucbr0009,
	"UCBR-0010": _ok_ucbr0010, "UCBR-0011": _ok_ucbr0011, "UCBR-0012": _ok_ucbr0012,
	"UCBR-0013": _ok_ucbr0013, "PIP-0002": _ok_pip0002, "PIP-0003": _ok_pip0003,
	"PIP-0004": _ok_pip0004, "PIP-KETEN": _ok_pip_keten, "PIP-UCLR-0001": _ok_pip_uclr0001,
	"PIP-UCLR-0004": _ok_pip_uclr0004, "PIP-UCLR-0006": _ok_pip_uclr0006,
	"PIP-UCLR-0009": _ok_pip_uclr0009,
}

# Use cases that allow without a PIP query.
_direct := [uc | some uc in use_cases; not pip_of[uc]; _ok[uc]]

# --- PIP: overlap and window on the tenant's own data (registers.md §2.5) ---------------------

pip_of := {"UCBR-0012": "PIP-UCBR-0012", "UCBR-0013": "PIP-UCBR-0013"}

pip_use_cases := ["UCBR-0012", "UCBR-0013"]

pip_params["PIP-UCBR-0012"] := {"bemiddelingspecificatieID": _bs_id, "uzovi": _uzovi, "tenant": _tenant}

pip_params["PIP-UCBR-0013"] := {
	"regiehouderID": _rh_id,
	"bemiddelingspecificatieID": _0013_bs_id,
	"uzovi": _uzovi,
	"tenant": _tenant,
}

# The target period T of a row: the requested bemiddelingspecificatie (0012) or the regiehouder
# (0013). A null end is open.
_target("PIP-UCBR-0012", row) := {
	"start": row.toewijzingIngangsdatum,
	"end": object.get(row, "toewijzingEinddatum", null),
	"vastgesteld": object.get(row, "vaststellingMoment", null),
}

_target("PIP-UCBR-0013", row) := {
	"start": row.ingangsdatum,
	"end": object.get(row, "einddatum", null),
	"vastgesteld": null,
}

_day(moment) := substring(moment, 0, 10) if is_string(moment)

_start_ok(own, t) if is_null(t.end)

_start_ok(own, t) if {
	is_string(t.end)
	own.toewijzingIngangsdatum <= t.end
}

_start_ok(own, t) if {
	is_string(t.end)
	_day(own.vaststellingMoment) <= t.end
}

_end_ok(own, t) if is_null(object.get(own, "toewijzingEinddatum", null))

_end_ok(own, t) if {
	end := own.toewijzingEinddatum
	is_string(end)
	end >= t.start
}

_end_ok(own, t) if {
	end := own.toewijzingEinddatum
	is_string(end)
	end >= _day(t.vastgesteld)
}

# The caller's own bemiddelingspecificaties (rows' bemiddeling.bemiddelingspecificatie) that
# overlap the target.
overlapping(id) := [own |
	some row in input.pip[id]
	is_object(row)
	t := _target(id, row)
	some own in _list(row.bemiddeling.bemiddelingspecificatie)
	is_object(own)
	_start_ok(own, t)
	_end_ok(own, t)
]

owns(id) := [own |
	some row in input.pip[id]
	is_object(row)
	some own in _list(row.bemiddeling.bemiddelingspecificatie)
]

# Open-ended overlapping own: no upper limit; else today <= 31 May after the latest end.
window_ok(id) if {
	some own in overlapping(id)
	is_null(object.get(own, "toewijzingEinddatum", null))
}

window_ok(id) if {
	ends := [end | some own in overlapping(id); end := own.toewijzingEinddatum; is_string(end)]
	count(ends) > 0
	common.is_date(input.date)
	input.date <= may_31_after(max(ends))
}

pip_allows(id) if {
	is_array(input.pip[id])
	count(overlapping(id)) > 0
	window_ok(id)
}

_pip_allowed := [uc |
	some uc in pip_use_cases
	_ok[uc]
	pip_allows(pip_of[uc])
]

# Entrypoint iwlz/bemiddelingsregister/allow: {"allowed": true, "use_case": …}, else undefined.
# A template match implies the global rules and the routing (one query, one root field); each
# branch checks the scope, so allowing here never skips an error answer of `decision`.
allow := {"allowed": true, "use_case": _direct[0]} if {
	count(_direct) > 0
	_scope_ok
} else := {"allowed": true, "use_case": _pip_allowed[0]} if {
	count(_pip_allowed) > 0
	_scope_ok
}
