"""Helpers to build executable schemas from the SDL files shipped in the package."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, TypeAlias

from ariadne import make_executable_schema
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
)

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
