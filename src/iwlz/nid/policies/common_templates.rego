# Template check shared by the registers: does the *shape* of a query fit a query template?
#
# Evaluated through `iwlz/<register>/templates/verdict` with this input (built by
# iwlz.nid.pdp from the PDP input; the verdict is cached per shape):
#
#   {"operation": {"type", "root_fields", "operation_count"},
#    "selection": "<path>\n<path>…",            # the selected paths, joined
#    "argument_names": [root argument names],
#    "where_shape": ["<key>.<operator>", "<key>"…], # one entry per operator of a where key;
#                                                   # a key whose value is no object stands alone
#    "nested_arguments": {path: [argument names]}}
#
# A template match implies the global rules of network.md §3.6 and the routing hold (one
# operation, the template's operation type and single root field), so the decision can allow on
# a match without re-checking them.
package iwlz.common.templates

import rego.v1

# Paths of `selection` that are not in `allowed`, a block of paths that starts and ends with
# "\n". One string lookup per path keeps this linear; sets of ~150 strings are very slow to
# build in rego-cpp.
outside_selection(allowed, selection) := [path |
	some path in split(selection, "\n")
	not contains(allowed, concat("", ["\n", path, "\n"]))
]

# Reasons why the query does not fit `spec`:
#   {"operation_type", "root_field", "arguments": [names], "where_required": [shape entries],
#    "where_optional": [shape entries], "nested_arguments": {path: [names]}}
# `outside` is outside_selection() for the spec's path block (computed once per block).
reasons(spec, outside) := array.concat(
	array.concat(
		[r |
			not input.operation.type == spec.operation_type
			r := "operation_type_not_in_template"
		],
		array.concat(
			[r |
				not input.operation.root_fields == [spec.root_field]
				r := "root_field_not_in_template"
			],
			[r |
				not input.operation.operation_count == 1
				r := "operation_count_not_1"
			],
		),
	),
	array.concat(
		array.concat(
			[r |
				some name in input.argument_names
				not name in spec.arguments
				r := concat("", ["argument_not_in_template:", name])
			],
			array.concat(
				[r |
					some entry in input.where_shape
					not entry in spec.where_required
					not entry in spec.where_optional
					r := concat("", ["where_not_in_template:", entry])
				],
				[r |
					some entry in spec.where_required
					not entry in input.where_shape
					r := concat("", ["where_missing:", entry])
				],
			),
		),
		array.concat(
			[r |
				names := input.nested_arguments[path]
				some name in names
				not name in object.get(spec.nested_arguments, path, [])
				r := concat("", ["nested_argument_not_in_template:", path, "(", name, ")"])
			],
			# The first few offending paths are enough for the audit log.
			[r |
				some path in array.slice(sort(outside), 0, 5)
				r := concat("", ["selection_outside_template:", path])
			],
		),
	),
)
