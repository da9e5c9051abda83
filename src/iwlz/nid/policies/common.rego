# Shared building blocks for the nID PDP policies (the allow path; the denial helpers are in
# common_denials.rego, which the bundle that runs on every request leaves out).
#
# Contract with iwlz.nid.pdp (Python); per register:
#   iwlz.<register>            rule `allow`     the positive checks, run on every request
#   iwlz.<register>.denials    rule `decision`  the full answer when `allow` did not allow
#   iwlz.<register>.templates  rule `verdict`   the template check (see common_templates.rego)
# Packages ending in `.denials` only go into the bundle of `decision`, packages ending in
# `.templates` only into the bundle of `verdict`; all others into both `allow` and `decision`.
#
# `allow` input: {date, claims: {scopes, instantie_type, uzovi, agb, kvk} (null claims left
#   out), arguments, template: {"matches": [template id…]}, pip?: {id: true|false|"error"}}.
#   Output: {"allowed": true, "use_case": …} (two fields only: rego-cpp's cost of writing out an
#   answer grows with its size, and this is the answer to nearly every request), or undefined.
# `decision` input: the same plus register, operation: {type, name, root_fields,
#   operation_count} and template.misfits: {template id: number of reasons it did not fit}.
#   Output: the `allow` answer, or error() / pip_pending() of common_denials.rego.
package iwlz.common

import rego.v1

non_empty_string(x) if {
	is_string(x)
	x != ""
}

is_date(x) if {
	is_string(x)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, x)
}
