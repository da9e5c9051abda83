"""GraphQL API of the netwerkpunt: GEN ``netwerkpunt.graphql`` v1.1 (network.md §5.2).

Context contract (built by :mod:`iwlz.netwerkpunt.http`)::

    context["inbox"]      Inbox
    context["ontvanger"]  (IDTYPE, id) of the netwerkpunt, from the request path
    context["claims"]     verified token claims (None behind an open guard)
    context["trace_id"]   optional; defaults to the request's B3 trace ID

The PDP has already checked sender and receiver types and scopes; the resolvers check that the
message is addressed to this netwerkpunt and store it (:class:`~iwlz.netwerkpunt.service.Inbox`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ariadne import InterfaceType, MutationType, QueryType
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectFieldNode,
    TypeNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

from iwlz.core.logging import trace_id_var
from iwlz.graphql.errors import Forbidden
from iwlz.graphql.schema import Info, build_schema, load_sdl
from iwlz.netwerkpunt.service import Inbox, Party

SCHEMA_PACKAGE = "iwlz.netwerkpunt.schema"
SCHEMA_FILE = "netwerkpunt.graphql"


def _inbox(info: Info) -> Inbox:
    inbox = info.context["inbox"]
    assert isinstance(inbox, Inbox)
    return inbox


def _ontvanger(info: Info) -> Party:
    id_type, ident = info.context["ontvanger"]
    return (str(id_type), str(ident))


def _trace_id(info: Info) -> str | None:
    trace = info.context.get("trace_id")
    return str(trace) if trace else trace_id_var.get()


def enforce_sender(claims: Mapping[str, Any] | None, data: Mapping[str, Any]) -> None:
    """Second line of defence behind the PDP: the sender named in the message is the caller.

    A policy mistake must not let one participant send in another's name. Skipped without
    claims (open guard) and for tokens with an actor (``act``): acting on behalf of somebody
    (e.g. Silvester, POL216) is the policy's business.
    """
    if claims is None or claims.get("act"):
        return
    caller = str(claims.get("client_id") or "")
    sender = f"{str(data.get('afzenderIDType', '')).lower()}:{data.get('afzenderID', '')}"
    if caller != sender:
        raise Forbidden(
            f"afzenderIDType/afzenderID must be the caller's own identity ({caller or 'unknown'})."
        )


def build_netwerkpunt_schema() -> GraphQLSchema:
    """The executable netwerkpunt schema (``zendNotificatie``, ``zendMelding``, ``_empty``)."""
    query = QueryType()
    mutation = MutationType()

    @query.field("_empty")
    def resolve_empty(_obj: Any, _info: Info) -> None:
        return None

    @mutation.field("zendNotificatie")
    def resolve_zend_notificatie(
        _obj: Any, info: Info, notificatieInput: dict[str, Any]
    ) -> dict[str, Any]:
        enforce_sender(info.context.get("claims"), notificatieInput)
        item = _inbox(info).ontvang_notificatie(
            _ontvanger(info), notificatieInput, trace_id=_trace_id(info)
        )
        return item.message()

    @mutation.field("zendMelding")
    def resolve_zend_melding(_obj: Any, info: Info, meldingInput: dict[str, Any]) -> dict[str, Any]:
        enforce_sender(info.context.get("claims"), meldingInput)
        item = _inbox(info).ontvang_melding(
            _ontvanger(info), meldingInput, trace_id=_trace_id(info)
        )
        return item.message()

    message = InterfaceType("Message")

    @message.type_resolver
    def resolve_message_type(obj: Any, *_: Any) -> str:
        return "Melding" if "meldingID" in obj else "Notificatie"

    return build_schema(load_sdl(SCHEMA_PACKAGE, SCHEMA_FILE), [query, mutation, message])


# -- compatibility mode (network.md §11.2) ----------------------------------------------------

_ID_TYPE_FIELDS = frozenset({"afzenderIDType", "ontvangerIDType"})


class _IdTypeVariables(Visitor):
    """Collects the variables passed to ``afzenderIDType``/``ontvangerIDType``."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        if node.name.value in _ID_TYPE_FIELDS and isinstance(node.value, VariableNode):
            self.names.add(node.value.name.value)


def _retype(node: TypeNode, rename: dict[str, str]) -> TypeNode:
    if isinstance(node, NonNullTypeNode):
        inner = _retype(node.type, rename)
        assert isinstance(inner, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=inner)
    if isinstance(node, ListTypeNode):
        return ListTypeNode(type=_retype(node.type, rename))
    assert isinstance(node, NamedTypeNode)
    name = rename.get(node.name.value, node.name.value)
    return NamedTypeNode(name=NameNode(value=name))


class _Rewrite(Visitor):
    def __init__(self, id_type_variables: set[str]) -> None:
        super().__init__()
        self.id_type_variables = id_type_variables
        self.changed = False

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> Any:
        rename = {"SubjectEntity": "SubjectEntityInput"}
        if node.variable.name.value in self.id_type_variables:
            rename["String"] = "IDTypeEnum"
        new_type = _retype(node.type, rename)
        if print_ast(new_type) == print_ast(node.type):
            return None
        self.changed = True
        return VariableDefinitionNode(
            variable=node.variable,
            type=new_type,
            default_value=node.default_value,
            directives=node.directives,
        )


@lru_cache(maxsize=512)
def rewrite_compat(query: str) -> str:
    """Fix the two known mistakes of the published example documents (network.md §11.2).

    Variable definitions of the output type ``SubjectEntity`` become ``SubjectEntityInput``,
    and ``String`` variables passed to ``afzenderIDType``/``ontvangerIDType`` become
    ``IDTypeEnum``. Anything else, and a document that does not parse, is returned unchanged
    (validation then reports it as usual).
    """
    try:
        document = parse(query)
    except GraphQLError:
        return query
    collect = _IdTypeVariables()
    visit(document, collect)
    rewrite = _Rewrite(collect.names)
    new_document = visit(document, rewrite)
    if not rewrite.changed:
        return query
    assert isinstance(new_document, DocumentNode)
    return print_ast(new_document)
