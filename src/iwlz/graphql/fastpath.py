"""A compiled executor for the network's plain read queries.

The registers answer fixed templates: one root field with a resolver, and below it only
objects, lists and scalars read from dicts by the default resolver. graphql-core spends most of
a full-tree lookup walking that selection generically. This module compiles a validated query
once (cached per query text) into a plan that builds the same response directly.

It is deliberately conservative: anything it does not handle exactly like graphql-core —
directives, abstract types, arguments or resolvers below the root, a null in a non-null
position, any error — returns ``None`` and the caller runs graphql-core instead, which then
produces the response (and the errors) itself. Tests compare both executors on the same
requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    coerce_input_value,
    type_from_ast,
    value_from_ast,
)
from graphql.pyutils import Path


class _Fallback(Exception):
    """This request needs the general executor."""


@dataclass(frozen=True)
class _FieldPlan:
    key: str
    name: str
    complete: Callable[[Any], Any]


@dataclass(frozen=True)
class _RootPlan:
    key: str
    name: str
    nodes: tuple[FieldNode, ...]
    field: Any  # GraphQLField
    complete: Callable[[Any], Any]


class CompiledQuery:
    """A query compiled against a schema; :meth:`run` executes it or returns ``None``."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        roots: list[_RootPlan],
    ) -> None:
        self.schema = schema
        self.document = document
        self.operation = operation
        self.roots = roots
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def run(self, context: Any, variables: Mapping[str, Any] | None) -> ExecutionResult | None:
        try:
            coerced = self._variables(variables or {})
            data: dict[str, Any] = {}
            query_type = self.schema.query_type
            for root in self.roots:
                args = self._arguments(root, coerced)
                info = self._info(root, context, coerced, query_type)
                value = root.field.resolve(None, info, **args)
                data[root.key] = root.complete(value)
            return ExecutionResult(data=data)
        except _Fallback:
            return None
        except Exception:
            # Errors are graphql-core's business: it formats them with paths and locations.
            return None

    def _variables(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for definition in self.operation.variable_definitions or ():
            name = definition.variable.name.value
            var_type = type_from_ast(self.schema, definition.type)
            if var_type is None:
                raise _Fallback
            if name in raw:
                out[name] = coerce_input_value(raw[name], var_type)  # type: ignore[arg-type]
            elif definition.default_value is not None:
                value = value_from_ast(definition.default_value, var_type)  # type: ignore[arg-type]
                if value is Undefined:
                    raise _Fallback
                out[name] = value
            elif isinstance(var_type, GraphQLNonNull):
                raise _Fallback
        return out

    def _arguments(self, root: _RootPlan, variables: Mapping[str, Any]) -> dict[str, Any]:
        args: dict[str, Any] = {}
        node = root.nodes[0]
        given = {a.name.value: a for a in node.arguments or ()}
        for name, arg_def in root.field.args.items():
            if name in given:
                value = value_from_ast(given[name].value, arg_def.type, dict(variables))
                if value is Undefined:
                    raise _Fallback
                args[name] = value
            elif arg_def.default_value is not Undefined:
                args[name] = arg_def.default_value
            elif isinstance(arg_def.type, GraphQLNonNull):
                raise _Fallback
        return args

    def _info(
        self,
        root: _RootPlan,
        context: Any,
        variables: Mapping[str, Any],
        parent: GraphQLObjectType | None,
    ) -> GraphQLResolveInfo[Any]:
        values: dict[str, Any] = {
            "field_name": root.name,
            "field_nodes": list(root.nodes),
            "return_type": root.field.type,
            "parent_type": parent,
            "path": Path(None, root.key, parent.name if parent else None),
            "schema": self.schema,
            "fragments": self.fragments,
            "root_value": None,
            "operation": self.operation,
            "variable_values": variables,
            "context": context,
            "is_awaitable": lambda _v: False,
        }
        fields: dict[str, Any] = {f: values.get(f) for f in GraphQLResolveInfo._fields}
        return GraphQLResolveInfo(**fields)


def compile_query(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> CompiledQuery | None:
    """A compiled plan for a validated query, or ``None`` when it is not a plain read."""
    if operation.operation is not OperationType.QUERY or schema.query_type is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    try:
        if operation.directives:
            raise _Fallback
        groups = _collect(operation.selection_set, schema.query_type, fragments)
        roots = []
        for key, nodes in groups.items():
            name = nodes[0].name.value
            field = schema.query_type.fields.get(name)
            if field is None or field.resolve is None:
                raise _Fallback
            if any(_args_differ(nodes[0], n) for n in nodes[1:]):
                raise _Fallback
            roots.append(
                _RootPlan(
                    key,
                    name,
                    tuple(nodes),
                    field,
                    _completer(field.type, _merged(nodes), fragments),
                )
            )
    except _Fallback:
        return None
    return CompiledQuery(schema, document, operation, roots)


def _args_differ(a: FieldNode, b: FieldNode) -> bool:
    from graphql import print_ast

    return [print_ast(x) for x in a.arguments or ()] != [print_ast(x) for x in b.arguments or ()]


def _merged(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [n.selection_set for n in nodes if n.selection_set is not None]


def _collect(
    selection_set: SelectionSetNode | list[SelectionSetNode],
    parent: GraphQLObjectType,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> dict[str, list[FieldNode]]:
    groups: dict[str, list[FieldNode]] = {}
    sets = selection_set if isinstance(selection_set, list) else [selection_set]

    def walk(sel: SelectionSetNode, seen: frozenset[str]) -> None:
        for node in sel.selections:
            if node.directives:
                raise _Fallback
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                groups.setdefault(key, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                if node.type_condition and node.type_condition.name.value != parent.name:
                    raise _Fallback
                walk(node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = fragments.get(name)
                if (
                    fragment is None
                    or name in seen
                    or fragment.type_condition.name.value != parent.name
                ):
                    raise _Fallback
                walk(fragment.selection_set, seen | {name})

    for s in sets:
        walk(s, frozenset())
    return groups


def _constant(value: str) -> Callable[[Any], Any]:
    def constant(_value: Any) -> str:
        return value

    return constant


def _completer(
    type_: GraphQLOutputType,
    sets: list[SelectionSetNode],
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Callable[[Any], Any]:
    if isinstance(type_, GraphQLNonNull):
        inner = _completer(type_.of_type, sets, fragments)

        def non_null(value: Any) -> Any:
            if value is None:
                raise _Fallback  # graphql-core reports the error and nulls the parent
            result = inner(value)
            if result is None:
                raise _Fallback
            return result

        return non_null
    if isinstance(type_, GraphQLList):
        item = _completer(type_.of_type, sets, fragments)

        def as_list(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, str | bytes | Mapping):
                raise _Fallback
            return [item(v) for v in value]

        return as_list
    if isinstance(type_, GraphQLScalarType):
        serialize = type_.serialize

        def scalar(value: Any) -> Any:
            return None if value is None else serialize(value)

        return scalar
    if isinstance(type_, GraphQLObjectType):
        groups = _collect(sets, type_, fragments)
        plans: list[_FieldPlan] = []
        for key, nodes in groups.items():
            name = nodes[0].name.value
            if name == "__typename":
                plans.append(_FieldPlan(key, name, _constant(type_.name)))
                continue
            field = type_.fields.get(name)
            if field is None or field.resolve is not None or any(n.arguments for n in nodes):
                raise _Fallback
            plans.append(_FieldPlan(key, name, _completer(field.type, _merged(nodes), fragments)))
        typename = type_.name

        def obj(value: Any) -> Any:
            if value is None:
                return None
            if not isinstance(value, Mapping):
                raise _Fallback
            out = {}
            for p in plans:
                if p.name == "__typename":
                    out[p.key] = typename
                else:
                    v = value.get(p.name)
                    if callable(v):
                        raise _Fallback
                    out[p.key] = p.complete(v)
            return out

        return obj
    raise _Fallback  # enums, interfaces, unions: leave to graphql-core
