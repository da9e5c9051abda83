"""Helpers to build executable schemas from the SDL files shipped in the package."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, TypeAlias

from ariadne import make_executable_schema
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_directive_values

from iwlz.graphql.scalars import SCALARS

Info: TypeAlias = "GraphQLResolveInfo[dict[str, Any]]"
"""Resolver info; the context is always a dict."""


def load_sdl(package: str, *names: str) -> str:
    """Concatenate SDL files shipped inside ``package``."""
    root = resources.files(package)
    return "\n".join((root / name).read_text(encoding="utf-8") for name in names)


def build_schema(sdl: str, bindables: Sequence[Any]) -> GraphQLSchema:
    """An executable schema with the GEN scalars bound."""
    return make_executable_schema(sdl, *SCALARS, *bindables, convert_names_case=False)


def collect_fields(
    info: Info, selection_set: SelectionSetNode | None, out: dict[str, list[FieldNode]]
) -> dict[str, list[FieldNode]]:
    """Field nodes of ``selection_set`` by response key into ``out``: fragments flattened,
    ``@skip``/``@include`` honoured (what the executor would run)."""
    if selection_set is None:
        return out
    for node in selection_set.selections:
        skip = get_directive_values(GraphQLSkipDirective, node, info.variable_values)
        if skip and skip.get("if"):
            continue
        include = get_directive_values(GraphQLIncludeDirective, node, info.variable_values)
        if include and not include.get("if"):
            continue
        if isinstance(node, FieldNode):
            key = node.alias.value if node.alias else node.name.value
            out.setdefault(key, []).append(node)
        elif isinstance(node, InlineFragmentNode):
            collect_fields(info, node.selection_set, out)
        elif isinstance(node, FragmentSpreadNode):
            fragment = info.fragments.get(node.name.value)
            if fragment is not None:
                collect_fields(info, fragment.selection_set, out)
    return out


def selected_field_names(info: Info) -> set[str]:
    """Every field name selected below the current field, at any depth (fragments included).

    Resolvers use it to load only the tables a query needs.
    """
    names: set[str] = set()
    seen_fragments: set[str] = set()

    def walk(sel: SelectionSetNode | None) -> None:
        if sel is None:
            return
        for node in sel.selections:
            if isinstance(node, FieldNode):
                names.add(node.name.value)
                walk(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name not in seen_fragments and name in info.fragments:
                    seen_fragments.add(name)
                    walk(info.fragments[name].selection_set)

    nodes: Iterable[FieldNode] = info.field_nodes
    for field in nodes:
        walk(field.selection_set)
    return names
