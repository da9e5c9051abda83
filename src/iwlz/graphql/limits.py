"""Validation rules that keep hostile queries cheap: depth, aliases, introspection."""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)


def max_depth_rule(max_depth: int) -> type[ASTValidationRule]:
    """Reject operations whose field nesting is deeper than ``max_depth``."""

    class MaxDepthRule(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _depth(node.selection_set, fragments, 0, frozenset(), max_depth)
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"Query is nested {depth} levels deep; the limit is {max_depth}.",
                        node,
                        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                    )
                )

    return MaxDepthRule


def _depth(
    sel: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    level: int,
    seen: frozenset[str],
    limit: int,
) -> int:
    if sel is None or level > limit:
        return level
    deepest = level
    for s in sel.selections:
        if isinstance(s, FieldNode):
            deepest = max(deepest, _depth(s.selection_set, fragments, level + 1, seen, limit))
        elif isinstance(s, InlineFragmentNode):
            deepest = max(deepest, _depth(s.selection_set, fragments, level, seen, limit))
        elif isinstance(s, FragmentSpreadNode):
            name = s.name.value
            frag = fragments.get(name)
            if frag is not None and name not in seen:
                deepest = max(
                    deepest, _depth(frag.selection_set, fragments, level, seen | {name}, limit)
                )
    return deepest


def max_aliases_rule(max_aliases: int) -> type[ASTValidationRule]:
    """Reject documents with more than ``max_aliases`` aliased fields (alias bombs)."""

    class MaxAliasesRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0
            self.reported = False

        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            if node.alias is None:
                return
            self.count += 1
            if self.count > max_aliases and not self.reported:
                self.reported = True
                self.report_error(
                    GraphQLError(
                        f"Query uses more than {max_aliases} aliases.",
                        node,
                        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                    )
                )

    return MaxAliasesRule


class NoIntrospectionRule(ASTValidationRule):
    """Introspection is only for dev mode; production templates never need it."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    "Introspection is disabled; start the server with IWLZ_DEV=true to use it.",
                    node,
                    extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                )
            )
