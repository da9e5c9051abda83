"""Policy decision point of nID: Rego policies (regopy) plus Policy Information Points.

The PEP verifies the token, parses the GraphQL request once and asks :class:`PolicyDecisionPoint`
for a :class:`Decision` on a *PDP input* (see :func:`build_pdp_input`)::

    {"register": "indicatieregister", "time": "...+00:00", "date": "YYYY-MM-DD",
     "claims": {"iss", "client_id", "scopes", "instantie_type", "uzovi", "agb", "kvk", "act"?},
     "operation": {"type": "query", "name": "QIR0001" | None, "root_fields": [...],
                   "operation_count": 1},
     "arguments": {"where": {...}},            # root-field arguments, variables substituted
     "selection": ("wlzIndicatie.client", "wlzIndicatie.client.bsn", ...),  # any sequence
     "nested_arguments": {"wlzIndicatie.client.contactPersoon": {...}}}

Every decision is made in Rego (``policies/*.rego``); per register three packages, each with
one entrypoint, compiled into three separate bundles (see :class:`PolicyDecisionPoint`):

* ``iwlz.<register>.templates`` / ``verdict`` looks only at the shape of the query (operation,
  selection, argument names, ``where`` keys and operators, nested arguments) and says which
  query templates it fits. The network uses a handful of fixed templates, so the verdict is
  cached here per shape: walking a 150-path selection costs rego-cpp milliseconds.
* ``iwlz.<register>`` / ``allow`` gets the rest of the input (without ``selection``) plus
  ``template.matches`` and allows, or says nothing. It is the part that runs on every request
  and is kept to a few flat checks per use case.
* ``iwlz.<register>.denials`` / ``decision`` runs only when ``allow`` did not allow: it answers
  the error of network.md §3.6 in order, or the PIP queries that could still allow. Those are run
  here (:class:`Pip`) and ``allow``/``decision`` are evaluated again with ``pip`` filled in, so
  the final answer, including "empty result means deny", is still Rego's.

Anything unexpected - an unknown register, a policy that errs or answers nonsense, a PIP that
raises - denies (fail closed).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Protocol

import regopy
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    parse,
    print_ast,
)

__all__ = [
    "Decision",
    "InMemoryPip",
    "Pip",
    "PipCheck",
    "PipResult",
    "PolicyDecisionPoint",
    "build_pdp_input",
    "effective_variables",
    "nested_arguments",
    "pdp_input_for_query",
    "rego_safe",
    "resolve_arguments",
    "root_fields",
    "selection_paths",
]

# Claims :func:`build_pdp_input` passes on (the PDP input contract).
PDP_CLAIMS = ("iss", "client_id", "scopes", "instantie_type", "uzovi", "agb", "kvk", "act")

# Registers whose `allow` is cached, with the input paths their `allow` never reads: the
# decision is a function of the rest, so it is looked up by the rest. A netwerkpunt decision
# depends on sender, receiver, event type and token, not on a message's timestamp or subjects,
# so the (slow, ~0.5 ms) Rego evaluation runs once per sender/receiver/type combination. A
# policy listed here must keep to that: tests/nid/policies/test_netwerkpunt_policy.py checks it.
ALLOW_CACHE_IGNORES: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "netwerkpunt": (
        ("arguments", "notificatieInput", "timestamp"),
        ("arguments", "notificatieInput", "subjectList"),
        ("arguments", "meldingInput", "timestamp"),
        ("arguments", "meldingInput", "subjectList"),
    ),
}


def _allow_cache_key(
    register: str, short: Mapping[str, Any], ignored: tuple[tuple[str, ...], ...]
) -> str:
    def without(value: Any, path: tuple[str, ...]) -> Any:
        if not path or not isinstance(value, Mapping) or path[0] not in value:
            return value
        if len(path) == 1:
            return {k: v for k, v in value.items() if k != path[0]}
        return {**value, path[0]: without(value[path[0]], path[1:])}

    projected: Any = short
    for path in ignored:
        projected = without(projected, path)
    return register + _ENCODER.encode(_sorted(projected))


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted(v) for v in value]
    return value


# Claims the Rego policies get; add a name here when a policy starts to read one.
DECISION_CLAIMS = ("scopes", "instantie_type", "uzovi", "agb", "kvk", "client_id", "act")

log = logging.getLogger("iwlz.nid.pdp")

_PACKAGE_RE = re.compile(r"^package\s+iwlz\.([a-z][a-z0-9_.]*)\s*$", re.MULTILINE)
_INTERNAL = "Internal Server Error"  # network.md §3.8 #06/#15
_NO_OPERATION = "No operation found to evaluate"  # network.md §3.6 catch-all


@dataclass(frozen=True)
class PipCheck:
    """One PIP control query the PDP ran: ``result`` is None when it failed."""

    id: str
    params: Mapping[str, str]
    result: PipResult | None

    def summary(self) -> bool | str | None:
        """The result for the audit log: rows are counted, not copied."""
        if isinstance(self.result, list | tuple):
            return f"rows:{len(self.result)}"
        if isinstance(self.result, Mapping):
            return "object"
        return self.result


@dataclass(frozen=True)
class Decision:
    """The PDP's answer; ``reasons`` and ``pip_checks`` are for the audit log only."""

    allowed: bool
    http_status: int
    code: str | None
    message: str | None
    use_case: str | None
    reasons: tuple[str, ...]
    pip_checks: tuple[PipCheck, ...] = ()


PipResult = bool | list[Any] | dict[str, Any]
"""What a PIP answers: "the control query has a non-empty result" (bool), or the result rows
themselves for a policy that evaluates them (the overlap-and-window rule of registers.md §2.5)."""


class Pip(Protocol):
    """Policy Information Point: runs a control query (``PIP-0002`` …) for the PDP.

    ``params`` are the values the policy filled in (``wlzIndicatieID`` and the caller's ``agb``
    or ``uzovi``, the register's ``tenant`` …); ``claims`` are the caller's. Returns True when
    the control query has a non-empty result, or for PIPs whose policy reads the data the rows
    (JSON values) as ``input.pip[<id>]``. Raising denies the request.
    """

    def check(
        self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]
    ) -> PipResult: ...


# --- in-memory PIP --------------------------------------------------------------------------


@dataclass
class _Bemiddeling:
    bemiddeling_id: str
    wlz_indicatie_id: str
    verantwoordelijk_zorgkantoor: str
    specificaties: list[dict[str, str | None]] = field(default_factory=list)


class InMemoryPip:
    """A tiny Bemiddelingsregister fact set answering PIP-0002/0003/0004 (tests, demo).

    Semantics are the intended ones of registers.md §1.5 / §4 item 4 ("some" specification
    matches, not "all"), with X = wlzIndicatieID, A = agb, U = uzovi:

    * PIP-0002: a bemiddeling for X has a specificatie with ``instelling == A``.
    * PIP-0003: an overdracht to U (``verantwoordelijkZorgkantoor == U``) of a bemiddeling for X
      whose ``verantwoordelijkZorgkantoor != U``.
    * PIP-0004: a bemiddeling for X with ``verantwoordelijkZorgkantoor != U`` has a specificatie
      with ``uitvoerendZorgkantoor == U``.
    """

    def __init__(self) -> None:
        self._bemiddelingen: dict[str, _Bemiddeling] = {}
        self._overdrachten: list[tuple[str, str]] = []  # (verantwoordelijkZorgkantoor, bem. id)
        self._lock = threading.Lock()

    def add_bemiddeling(
        self,
        wlz_indicatie_id: str,
        verantwoordelijk_zorgkantoor: str,
        specificaties: Iterable[Mapping[str, str | None]] = (),
        *,
        bemiddeling_id: str | None = None,
    ) -> str:
        """Add a bemiddeling; ``specificaties`` are ``{"instelling": …}`` and/or
        ``{"uitvoerendZorgkantoor": …}`` mappings. Returns the bemiddelingID."""
        with self._lock:
            bid = bemiddeling_id or f"bemiddeling-{len(self._bemiddelingen) + 1}"
            self._bemiddelingen[bid] = _Bemiddeling(
                bid,
                wlz_indicatie_id,
                verantwoordelijk_zorgkantoor,
                [
                    {
                        "instelling": s.get("instelling"),
                        "uitvoerendZorgkantoor": s.get("uitvoerendZorgkantoor"),
                    }
                    for s in specificaties
                ],
            )
            return bid

    def add_bemiddelingspecificatie(
        self,
        bemiddeling_id: str,
        *,
        instelling: str | None = None,
        uitvoerend_zorgkantoor: str | None = None,
    ) -> None:
        with self._lock:
            self._bemiddelingen[bemiddeling_id].specificaties.append(
                {"instelling": instelling, "uitvoerendZorgkantoor": uitvoerend_zorgkantoor}
            )

    def add_overdracht(self, verantwoordelijk_zorgkantoor: str, bemiddeling_id: str) -> None:
        """An overdracht of bemiddeling ``bemiddeling_id`` to ``verantwoordelijk_zorgkantoor``."""
        with self._lock:
            if bemiddeling_id not in self._bemiddelingen:
                raise KeyError(f"unknown bemiddeling {bemiddeling_id!r}")
            self._overdrachten.append((verantwoordelijk_zorgkantoor, bemiddeling_id))

    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> bool:
        x = params["wlzIndicatieID"]
        with self._lock:
            if pip_id == "PIP-0002":
                a = params["agb"]
                return any(
                    b.wlz_indicatie_id == x and any(s["instelling"] == a for s in b.specificaties)
                    for b in self._bemiddelingen.values()
                )
            if pip_id == "PIP-0003":
                u = params["uzovi"]
                for vzk, bid in self._overdrachten:
                    b = self._bemiddelingen[bid]
                    if vzk == u and b.wlz_indicatie_id == x and b.verantwoordelijk_zorgkantoor != u:
                        return True
                return False
            if pip_id == "PIP-0004":
                u = params["uzovi"]
                return any(
                    b.wlz_indicatie_id == x
                    and b.verantwoordelijk_zorgkantoor != u
                    and any(s["uitvoerendZorgkantoor"] == u for s in b.specificaties)
                    for b in self._bemiddelingen.values()
                )
        raise ValueError(f"unknown PIP {pip_id!r}")


# --- PDP --------------------------------------------------------------------------------------


class _PolicyError(Exception):
    pass


class _Engine:
    """One compiled regopy bundle with its interpreter.

    The interpreter holds the input as state, so evaluations are serialised by a lock; one
    evaluation takes tens of microseconds and PIP queries run outside it.
    """

    def __init__(self, sources: Sequence[tuple[str, str]], entrypoints: Sequence[str]) -> None:
        interpreter = regopy.Interpreter()
        for name, text in sources:
            interpreter.add_module(name, text)
        bundle = interpreter.build(None, entrypoints)
        if not bundle.ok():
            raise ValueError(f"policy bundle does not compile: {bundle.node()}")
        self._interpreter = interpreter
        self._bundle = bundle
        self._lock = threading.Lock()

    def evaluate(
        self, entrypoint: str, value: Mapping[str, Any], undefined: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The entrypoint's object; ``undefined`` when it has no value (else an error)."""
        term = _make_input(rego_safe(value))
        with self._lock:
            self._interpreter.set_input(term)
            output = self._interpreter.query_bundle_entrypoint(self._bundle, entrypoint)
            results = output.results
            text = "" if results and results[0].expressions else str(output)
        if not results or not results[0].expressions:
            if undefined is not None and text == "undefined":
                return undefined
            raise _PolicyError(f"{entrypoint} is undefined or failed: {text[:500]}")
        result = results[0].expressions[0]
        if not isinstance(result, dict):
            raise _PolicyError(f"{entrypoint} did not return an object")
        return result


class PolicyDecisionPoint:
    """Evaluates the Rego policies in ``policy_dir`` (default: the packaged ``policies``).

    Per register three packages, compiled once into three bundles (rego-cpp's cost per
    evaluation grows with the size of the bundle, so the one that runs on every request is kept
    small):

    * ``iwlz.<register>`` with ``allow``: the positive checks; its bundle holds it and
      ``iwlz.common``. Answers ``{"allowed": true, "use_case": …}`` or nothing.
    * ``iwlz.<register>.denials`` with ``decision``: the full answer (PIP queries to run, or
      the denial with code, message and reasons); its bundle holds everything but templates.
    * ``iwlz.<register>.templates`` with ``verdict``: the template check (cached per shape);
      its bundle holds the ``*.templates`` packages only.
    """

    def __init__(
        self,
        pip: Pip,
        *,
        policy_dir: Traversable | None = None,
        template_cache_size: int = 1024,
        allow_cache_size: int = 4096,
    ) -> None:
        self.pip = pip
        self._allow_cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._allow_cache_size = allow_cache_size
        directory = policy_dir if policy_dir is not None else files("iwlz.nid") / "policies"
        bundles: dict[str, list[tuple[str, str]]] = {"allow": [], "denials": [], "templates": []}
        allow_parts: list[tuple[tuple[str, ...], tuple[str, str]]] = []
        packages: dict[str, set[str]] = {"allow": set(), "denials": set(), "templates": set()}
        for source in sorted(directory.iterdir(), key=lambda p: p.name):
            if not source.name.endswith(".rego"):
                continue
            text = source.read_text(encoding="utf-8")
            package = _PACKAGE_RE.search(text)
            if package is None:
                raise ValueError(f"{source.name}: no `package iwlz.…` line")
            parts = package.group(1).split(".")
            kind = parts[-1] if parts[-1] in ("denials", "templates") else "allow"
            if kind == "allow":
                bundles["allow"].append((source.name, text))
                allow_parts.append((tuple(parts), (source.name, text)))
            if kind != "templates":
                bundles["denials"].append((source.name, text))
            else:
                bundles["templates"].append((source.name, text))
            if parts[0] != "common" and len(parts) == (1 if kind == "allow" else 2):
                packages[kind].add(parts[0])
        registers = packages["allow"]
        if not registers or any(packages[k] != registers for k in packages):
            raise ValueError(
                f"every register needs iwlz.<register>, .denials and .templates "
                f"packages; found {packages}"
            )
        self.registers = frozenset(registers)
        names = sorted(registers)
        # One allow bundle per register (its package, iwlz.common and iwlz.common.<register>):
        # the bundle evaluated on every request stays as small as that register needs, and
        # registers don't queue behind each other's interpreter lock.
        self._allow = {
            r: _Engine(
                [src for p, src in allow_parts if p in (("common",), ("common", r), (r,))],
                [f"iwlz/{r}/allow"],
            )
            for r in names
        }
        self._denials = _Engine(bundles["denials"], [f"iwlz/{r}/denials/decision" for r in names])
        self._templates = _Engine(
            bundles["templates"], [f"iwlz/{r}/templates/verdict" for r in names]
        )
        self._template_cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._template_cache_size = template_cache_size
        self._cache_lock = threading.Lock()

    # -- public ---------------------------------------------------------------------------

    def decide(self, pdp_input: Mapping[str, Any]) -> Decision:
        """Decide on one request (see the module docstring for the input)."""
        try:
            return self._decide(pdp_input)
        except Exception as exc:  # any failure must deny, never allow
            return Decision(
                False,
                500,
                "INTERNAL_SERVER_ERROR",
                _INTERNAL,
                None,
                (f"pdp_error:{type(exc).__name__}",),
                (),
            )

    def template_verdict(self, pdp_input: Mapping[str, Any]) -> Mapping[str, Any]:
        """The (cached) template verdict for the query shape of ``pdp_input``:
        ``{"matches": [template id…], "reasons": {template id: [reason…]}}``."""
        key = _template_key(pdp_input)
        with self._cache_lock:
            verdict = self._template_cache.get(key)
            if verdict is not None:
                self._template_cache.move_to_end(key)
                return verdict
        verdict = self._templates.evaluate(f"iwlz/{key[0]}/templates/verdict", _template_input(key))
        if not isinstance(verdict.get("matches"), list) or not isinstance(
            verdict.get("reasons"), dict
        ):
            raise _PolicyError("template verdict has the wrong shape")
        with self._cache_lock:
            self._template_cache[key] = verdict
            while len(self._template_cache) > self._template_cache_size:
                self._template_cache.popitem(last=False)
        return verdict

    # -- internals ------------------------------------------------------------------------

    def _decide(self, pdp_input: Mapping[str, Any]) -> Decision:
        register = pdp_input.get("register")
        if not isinstance(register, str) or register not in self.registers:
            # No policy claims the request: the nID catch-all (network.md §3.6).
            return Decision(
                False,
                400,
                "BAD_REQUEST",
                _NO_OPERATION,
                None,
                (f"unknown_register:{register}",),
                (),
            )
        verdict = self.template_verdict(pdp_input)
        short = _allow_input(pdp_input, verdict)
        checks: tuple[PipCheck, ...] = ()
        for _ in range(2):  # without, then with PIP results
            allowed = self._evaluate_allow(register, short)
            if allowed:
                return _decision(allowed, checks, verdict)
            full = _decision_input(pdp_input, short, verdict)
            result = self._denials.evaluate(f"iwlz/{register}/denials/decision", full)
            pending = result.get("pip_required") or []
            if not pending or "pip" in short:
                break
            claims = pdp_input.get("claims")
            checks = tuple(self._run_pips(pending, claims if isinstance(claims, Mapping) else {}))
            short["pip"] = {c.id: ("error" if c.result is None else c.result) for c in checks}
        if result.get("pip_required"):
            raise _PolicyError("policy still asks for PIP checks after they ran")
        return _decision(result, checks, verdict)

    def _evaluate_allow(self, register: str, short: dict[str, Any]) -> dict[str, Any]:
        ignored = ALLOW_CACHE_IGNORES.get(register)
        if ignored is None or "pip" in short:
            return self._allow[register].evaluate(f"iwlz/{register}/allow", short, undefined={})
        key = _allow_cache_key(register, short, ignored)
        with self._cache_lock:
            hit = self._allow_cache.get(key)
            if hit is not None:
                self._allow_cache.move_to_end(key)
                return hit
        allowed = self._allow[register].evaluate(f"iwlz/{register}/allow", short, undefined={})
        with self._cache_lock:
            self._allow_cache[key] = allowed
            while len(self._allow_cache) > self._allow_cache_size:
                self._allow_cache.popitem(last=False)
        return allowed

    def _run_pips(self, pending: Sequence[Any], claims: Mapping[str, Any]) -> list[PipCheck]:
        # One positive answer is enough to allow, so stop at the first; an exception stops
        # too and the policy turns it into a 500 (fail closed).
        checks: list[PipCheck] = []
        seen: set[str] = set()
        for item in pending:
            pip_id = item["id"]
            params = {str(k): str(v) for k, v in item["params"].items()}
            if pip_id in seen:
                continue
            seen.add(pip_id)
            result: PipResult | None
            try:
                answer = self.pip.check(pip_id, params, claims)
                result = answer if isinstance(answer, list | dict) else bool(answer)
            except Exception:  # a failing PIP denies; the policy makes it a 500
                log.warning("PIP %s failed", pip_id, exc_info=True)
                result = None
            checks.append(PipCheck(pip_id, params, result))
            if result is True or result is None:
                break
        return checks


# regopy.Input converts a value with several ctypes calls per node through generic wrappers;
# calling the same C functions directly halves the cost of the input on every request. Used
# only when this regopy build exposes them; regopy.Input is the fallback.
_lib: Any = getattr(getattr(regopy, "rego_shared", None), "rego", None)
_FAST_INPUT = all(
    hasattr(_lib, name)
    for name in (
        "regoNewInput",
        "regoInputString",
        "regoInputInt",
        "regoInputFloat",
        "regoInputBoolean",
        "regoInputNull",
        "regoInputObjectItem",
        "regoInputObject",
        "regoInputArray",
    )
)


class _FastInput(regopy.Input):  # type: ignore[misc]
    """A regopy.Input built with direct C calls; regopy.Input.__del__ frees it."""

    def __init__(self, value: Any) -> None:
        self._impl = handle = _lib.regoNewInput()
        if _add(handle, value) != 0:
            raise _PolicyError("regopy refused the input")


def _add(handle: Any, v: Any) -> int:
    """Push ``v`` onto the input stack; returns the or-ed status codes (0 = all fine)."""
    t = type(v)
    if t is str:
        return int(_input_str(handle, v.encode()))
    if t is dict:
        status = 0
        for k, x in v.items():
            status |= _input_str(handle, str(k).encode()) | _add(handle, x) | _input_item(handle)
        return status | int(_input_object(handle, len(v)))
    if t is list or t is tuple:
        status = 0
        for x in v:
            status |= _add(handle, x)
        return status | int(_input_array(handle, len(v)))
    if v is None:
        return int(_lib.regoInputNull(handle))
    if t is bool:
        return int(_lib.regoInputBoolean(handle, v))
    if t is int:
        return int(_lib.regoInputInt(handle, v))
    if t is float:
        return int(_lib.regoInputFloat(handle, v))
    if isinstance(v, Mapping):
        return _add(handle, dict(v))
    if isinstance(v, list | tuple):
        return _add(handle, list(v))
    if isinstance(v, str):  # subclasses such as str enums, as plain values
        return _add(handle, str.__str__(v))
    if isinstance(v, int):
        return _add(handle, int(v))
    if isinstance(v, float):
        return _add(handle, float(v))
    raise TypeError(f"not a JSON value: {t.__name__}")


if _FAST_INPUT:
    _input_str = _lib.regoInputString
    _input_item = _lib.regoInputObjectItem
    _input_object = _lib.regoInputObject
    _input_array = _lib.regoInputArray


def _make_input(value: Mapping[str, Any]) -> regopy.Input:
    return _FastInput(value) if _FAST_INPUT else regopy.Input(value)


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _escape(value: Any) -> Any:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)[1:-1] if _NEEDS_ESCAPE.search(value) else value
    if isinstance(value, Mapping):
        return {_escape(k if isinstance(k, str) else str(k)): _escape(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escape(v) for v in value]
    return value


def rego_safe(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """``value`` with every string in the JSON-escaped form rego-cpp keeps strings in.

    rego-cpp stores string literals escaped (``"a\\"b"`` is 4 characters) and writes strings out
    without escaping them again, while ``regopy.Input`` hands strings over raw. Unescaped input
    would compare wrongly with policy literals and - worse - a quote in a client-chosen string
    echoed in a reason could inject keys into the JSON answer. Most inputs need no escaping;
    one C-speed ``json.dumps`` tells.
    """
    if "\\" not in _ENCODER.encode(value):
        return value
    escaped: Mapping[str, Any] = _escape(value)
    return escaped


def _allow_input(pdp_input: Mapping[str, Any], verdict: Mapping[str, Any]) -> dict[str, Any]:
    """What ``allow`` sees: no ``selection`` (the template verdict judged it) and only the
    claims policies read. regopy converts input node by node at about half a microsecond per
    call, so the input is kept to what the allow path uses."""
    claims = pdp_input.get("claims")
    return {
        "date": pdp_input.get("date"),
        # A null claim is left out: policies treat absent and null alike.
        "claims": (
            {k: claims[k] for k in DECISION_CLAIMS if claims.get(k) is not None}
            if isinstance(claims, Mapping)
            else None
        ),
        "arguments": pdp_input.get("arguments"),
        "template": {"matches": verdict["matches"]},
        # The multi-tenant registers' bronhouder, and the nested `where` filters policies
        # compare with the root's (date filters, the Leveringsregister's binding to B).
        "resource": dict(pdp_input.get("resource") or {}),
        "nested_arguments": pdp_input.get("nested_arguments") or {},
    }


def _decision_input(
    pdp_input: Mapping[str, Any], short: Mapping[str, Any], verdict: Mapping[str, Any]
) -> dict[str, Any]:
    """What ``denials/decision`` sees: the ``allow`` input plus the register, the operation and
    per template the number of reasons it did not fit (to name the closest use case)."""
    operation = pdp_input.get("operation")
    full = dict(short)
    full["template"] = {
        "matches": verdict["matches"],
        "misfits": {t: len(r) for t, r in verdict["reasons"].items()},
    }
    full["register"] = pdp_input.get("register")
    full["operation"] = (
        {k: operation.get(k) for k in ("type", "name", "root_fields", "operation_count")}
        if isinstance(operation, Mapping)
        else None
    )
    nested = pdp_input.get("nested_arguments")
    if nested:
        full["nested_arguments"] = nested
    return full


def _decision(
    result: Mapping[str, Any], checks: tuple[PipCheck, ...], verdict: Mapping[str, Any]
) -> Decision:
    use_case = result.get("use_case")
    use_case = use_case if isinstance(use_case, str) else None
    reasons: list[str] = []
    for reason in result.get("reasons") or ():
        reasons.append(str(reason))
        # The policy names the template; the cached verdict knows what did not fit.
        if isinstance(reason, str) and reason.startswith("template_mismatch:"):
            reasons.extend(str(r) for r in verdict["reasons"].get(reason.partition(":")[2], ()))
    if result.get("allowed") is True and result.get("code") is None:
        return Decision(True, 200, None, None, use_case, tuple(reasons), checks)
    if result.get("allowed") is not False:
        raise _PolicyError("a decision that is neither an allow nor a denial")
    code = result.get("code")
    status = result.get("http_status")
    message = result.get("message")
    if not isinstance(code, str) or not isinstance(status, int) or status < 400:
        raise _PolicyError("a denial without a valid code and status")
    return Decision(
        False,
        status,
        code,
        message if isinstance(message, str) else None,
        use_case,
        tuple(reasons),
        checks,
    )


def _where_shape(where: Any) -> tuple[str, ...]:
    """``where`` reduced to ``key.operator`` entries (a key whose value is no object, or an
    empty one, stands alone); what templates fix about the filter, independent of values."""
    if where is None:
        return ()
    if not isinstance(where, Mapping):
        return ("<where is not an object>",)
    shape: list[str] = []
    for key, value in where.items():
        if isinstance(value, Mapping) and value:
            shape.extend(f"{key}.{op}" for op in value)
        else:
            shape.append(str(key))
    return tuple(sorted(shape))


def _template_key(pdp_input: Mapping[str, Any]) -> tuple[Any, ...]:
    """Everything the template verdict depends on, hashable; rejects malformed shapes."""
    operation = pdp_input.get("operation")
    if not isinstance(operation, Mapping):
        operation = {}
    root = operation.get("root_fields")
    root_fields = tuple(root) if isinstance(root, list | tuple) else ()
    count = operation.get("operation_count")
    selection = pdp_input.get("selection")
    if not isinstance(selection, list | tuple):
        raise _PolicyError("selection must be a list of strings")
    arguments = pdp_input.get("arguments") or {}
    if not isinstance(arguments, Mapping):
        raise _PolicyError("arguments must be an object")
    nested = pdp_input.get("nested_arguments") or {}
    if not isinstance(nested, Mapping):
        raise _PolicyError("nested_arguments must be an object")
    nested_names = tuple(
        sorted(
            (str(path), tuple(sorted(args)) if isinstance(args, Mapping) else ("<malformed>",))
            for path, args in nested.items()
        )
    )
    return (
        pdp_input.get("register"),
        operation.get("type"),
        root_fields,
        # `type(...) is int`: True == 1 would otherwise share a cache entry with a real 1.
        count if type(count) is int else None,
        tuple(selection),
        tuple(sorted(str(a) for a in arguments)),
        _where_shape(arguments.get("where")),
        nested_names,
    )


def _template_input(key: tuple[Any, ...]) -> dict[str, Any]:
    """The input of a ``templates/verdict`` entrypoint, from :func:`_template_key`."""
    _, op_type, root_fields, count, selection, argument_names, where_shape, nested = key
    # Checked here, on a cache miss only: a cached key holds a selection that passed.
    if not all(isinstance(p, str) for p in selection):
        raise _PolicyError("selection must be a list of strings")
    return {
        "operation": {"type": op_type, "root_fields": list(root_fields), "operation_count": count},
        # One string is one cheap value for regopy, where a list costs per element.
        "selection": "\n".join(selection),
        "argument_names": list(argument_names),
        "where_shape": list(where_shape),
        "nested_arguments": {path: list(names) for path, names in nested},
    }


# --- building the PDP input from a parsed GraphQL request --------------------------------------


class ParsedRequest(Protocol):
    """What :func:`build_pdp_input` needs of ``iwlz.graphql.http.ParsedOperation``."""

    @property
    def query(self) -> str: ...

    @property
    def variables(self) -> Mapping[str, Any]: ...

    @property
    def operation_name(self) -> str | None: ...

    @property
    def document(self) -> DocumentNode: ...

    @property
    def operation(self) -> OperationDefinitionNode: ...


class _Undefined:
    pass


_UNDEFINED = _Undefined()


def _fragments(document: DocumentNode | None) -> dict[str, FragmentDefinitionNode]:
    if document is None:
        return {}
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    active: frozenset[str] = frozenset(),
) -> Iterable[tuple[FieldNode, frozenset[str]]]:
    """The fields of a selection set with inline fragments and spreads expanded, each with the
    fragments it was reached through (a walk passes them on, so that a cycle through a field,
    which GraphQL validation would have refused, ends in an error rather than a hang)."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, active
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, active)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None:
                raise ValueError(f"unknown fragment {name!r}")
            if name in active:
                raise ValueError(f"fragment {name!r} spreads itself")
            yield from _fields(fragment.selection_set, fragments, active | {name})


def _operation(
    document: DocumentNode, operation: OperationDefinitionNode | None
) -> OperationDefinitionNode:
    if operation is not None:
        return operation
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition
    raise ValueError("the document has no operation")


def root_fields(
    document: DocumentNode | None,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode] | None = None,
) -> list[str]:
    """Names (not aliases) of the operation's root fields, fragments expanded, ``__typename``
    left out, in order of appearance. A field selected twice (e.g. under two aliases, each with
    its own arguments) is listed twice, so that the one-root-field rule catches it."""
    frags = fragments if fragments is not None else _fragments(document)
    names = (f.name.value for f, _ in _fields(operation.selection_set, frags))
    return [n for n in names if n != "__typename"]


def selection_paths(
    document: DocumentNode | None,
    operation: OperationDefinitionNode | None = None,
    fragments: Mapping[str, FragmentDefinitionNode] | None = None,
) -> list[str]:
    """Every selected field path below the root fields, as the PDP input's ``selection``.

    A path is the root field's name followed by the field names down to the field, joined by
    dots (``wlzIndicatie.client.bsn``); aliases are ignored, inline fragments and fragment
    spreads are expanded, ``__typename`` is left out, and non-leaf fields have their own path
    (``wlzIndicatie.client``). Fields under ``@skip``/``@include`` count as selected, which can
    only make the template check stricter; a field with arguments and a directive also adds
    ``<path>@<directive>`` (no template allows it). Order of first appearance, no duplicates.
    ``fragments`` defaults to the fragment definitions of ``document``; ``operation`` to the
    document's first operation.
    """
    if operation is None:
        if document is None:
            raise ValueError("selection_paths needs a document or an operation")
        operation = _operation(document, None)
    frags = fragments if fragments is not None else _fragments(document)
    out: dict[str, None] = {}
    signatures: dict[str, str] = {}

    def walk(selection_set: SelectionSetNode | None, prefix: str, active: frozenset[str]) -> None:
        for f, via in _fields(selection_set, frags, active):
            name = f.name.value
            if name == "__typename":
                continue
            path = f"{prefix}.{name}"
            out[path] = None
            # The same field under two aliases with different arguments (a filtered list and
            # an unfiltered copy of it) would let one copy escape the filter the policy checks
            # on the path: such a query fits no template.
            signature = ",".join(sorted(print_ast(a) for a in f.arguments or ()))
            if signatures.setdefault(path, signature) != signature:
                out[f"{path}@aliases"] = None
            if f.arguments and f.directives:
                # A nested field's arguments may bind the result (the Leveringsregister's
                # `levering(where:)`); skipping that field would drop the binding the policy
                # checked. A path no template lists makes such a query fit no template.
                for d in f.directives:
                    out[f"{path}@{d.name.value}"] = None
            walk(f.selection_set, path, via)

    fragment_directives = _fragment_directives(operation.selection_set, frags)
    for root, via in _fields(operation.selection_set, frags):
        if root.name.value != "__typename":
            walk(root.selection_set, root.name.value, via)
            if fragment_directives:
                # `... @skip(if: true) { levering(where: …) }` would drop, at execution, a
                # field whose arguments the policy checked; the fragment's directive is not on
                # the field, so the marker above does not see it. Such a query fits no template.
                out[f"{root.name.value}@fragment-directive"] = None
    return list(out)


def _fragment_directives(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    """Whether an inline fragment, a fragment spread or a fragment definition reachable from
    ``selection_set`` carries a directive (``@skip``/``@include``)."""
    seen: set[str] = set()

    def scan(node: SelectionSetNode | None) -> bool:
        if node is None:
            return False
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                if scan(selection.selection_set):
                    return True
            elif isinstance(selection, InlineFragmentNode):
                if selection.directives or scan(selection.selection_set):
                    return True
            elif isinstance(selection, FragmentSpreadNode):
                if selection.directives:
                    return True
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:
                    continue
                seen.add(name)
                if fragment.directives or scan(fragment.selection_set):
                    return True
        return False

    return scan(selection_set)


def _value(node: ValueNode, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value, _UNDEFINED)
    if isinstance(node, NullValueNode):
        return None
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, FloatValueNode):
        return float(node.value)
    if isinstance(node, StringValueNode | EnumValueNode):
        return node.value
    if isinstance(node, BooleanValueNode):
        return node.value
    if isinstance(node, ListValueNode):
        items = (_value(v, variables) for v in node.values)
        return [None if v is _UNDEFINED else v for v in items]
    if isinstance(node, ObjectValueNode):
        fields = ((f.name.value, _value(f.value, variables)) for f in node.fields)
        # An object field whose variable was not given is absent, as in GraphQL coercion.
        return {k: v for k, v in fields if v is not _UNDEFINED}
    raise ValueError(f"unsupported value node {node.kind}")


def effective_variables(
    operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The request's variables with the operation's defaults filled in."""
    out: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        if definition.default_value is not None:
            out[definition.variable.name.value] = _value(definition.default_value, {})
    out.update(variables or {})
    return out


def resolve_arguments(
    arguments: Sequence[ArgumentNode], variables: Mapping[str, Any]
) -> dict[str, Any]:
    """Argument values as plain JSON values with variables substituted.

    ``variables`` should already hold the operation's defaults (:func:`effective_variables`).
    An argument whose variable is missing is left out, like GraphQL does; UUIDs and dates stay
    strings, enum values become their names.
    """
    out: dict[str, Any] = {}
    for argument in arguments:
        value = _value(argument.value, variables)
        if value is not _UNDEFINED:
            out[argument.name.value] = value
    return out


def nested_arguments(
    document: DocumentNode | None,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    fragments: Mapping[str, FragmentDefinitionNode] | None = None,
) -> dict[str, dict[str, Any]]:
    """Arguments given on fields below the root, by selection path (see :func:`selection_paths`).

    When the same path carries arguments more than once (aliases), later occurrences are keyed
    ``<path>#2``, ``#3`` …: such keys match no template, so the request is denied rather than
    one filter silently winning.
    """
    frags = fragments if fragments is not None else _fragments(document)
    out: dict[str, dict[str, Any]] = {}

    def walk(selection_set: SelectionSetNode | None, prefix: str, active: frozenset[str]) -> None:
        for f, via in _fields(selection_set, frags, active):
            path = f"{prefix}.{f.name.value}"
            if f.arguments:
                key, n = path, 1
                while key in out:
                    n += 1
                    key = f"{path}#{n}"
                out[key] = resolve_arguments(f.arguments, variables)
            walk(f.selection_set, path, via)

    for root, via in _fields(operation.selection_set, frags):
        walk(root.selection_set, root.name.value, via)
    return out


@dataclass(frozen=True)
class _Shape:
    """What a query text says independent of its variables (cached per text)."""

    root_fields: tuple[str, ...]
    selection: tuple[str, ...]
    operation_count: int
    root_arguments: tuple[ArgumentNode, ...]
    has_nested_arguments: bool


_shape_cache: OrderedDict[tuple[str, str | None], _Shape] = OrderedDict()
_shape_lock = threading.Lock()
_SHAPE_CACHE_SIZE = 512


def _shape(document: DocumentNode, operation: OperationDefinitionNode) -> _Shape:
    fragments = _fragments(document)
    roots = [
        (f, via)
        for f, via in _fields(operation.selection_set, fragments)
        if f.name.value != "__typename"
    ]
    return _Shape(
        root_fields=tuple(root_fields(document, operation, fragments)),
        selection=tuple(selection_paths(document, operation, fragments)),
        operation_count=sum(isinstance(d, OperationDefinitionNode) for d in document.definitions),
        root_arguments=tuple(roots[0][0].arguments or ()) if roots else (),
        has_nested_arguments=_has_nested_arguments(roots, fragments),
    )


def _has_nested_arguments(
    roots: Sequence[tuple[FieldNode, frozenset[str]]],
    fragments: Mapping[str, FragmentDefinitionNode],
) -> bool:
    stack = [pair for root, via in roots for pair in _fields(root.selection_set, fragments, via)]
    while stack:
        f, via = stack.pop()
        if f.arguments:
            return True
        stack.extend(_fields(f.selection_set, fragments, via))
    return False


def _cached_shape(
    query: str, name: str | None, document: DocumentNode, operation: OperationDefinitionNode
) -> _Shape:
    key = (query, name)
    with _shape_lock:
        shape = _shape_cache.get(key)
        if shape is not None:
            _shape_cache.move_to_end(key)
            return shape
    shape = _shape(document, operation)
    with _shape_lock:
        _shape_cache[key] = shape
        while len(_shape_cache) > _SHAPE_CACHE_SIZE:
            _shape_cache.popitem(last=False)
    return shape


def _dutch_zone() -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Amsterdam")
    except Exception:  # no tzdata: CET is close enough for a date
        return dt.timezone(dt.timedelta(hours=1))


_NL = _dutch_zone()


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(_NL).date()


def _input(
    *,
    register: str,
    claims: Mapping[str, Any],
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    shape: _Shape,
    now: dt.datetime,
    today: dt.date | None,
    resource: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    values = effective_variables(operation, variables)
    return {
        "register": register,
        "resource": dict(resource or {}),
        "time": now.isoformat(),
        "date": (today or _today(now)).isoformat(),
        "claims": {k: claims.get(k) for k in PDP_CLAIMS if k != "act" or "act" in claims},
        "operation": {
            "type": operation.operation.value,
            "name": operation.name.value if operation.name else None,
            "root_fields": list(shape.root_fields),
            "operation_count": shape.operation_count,
        },
        "arguments": resolve_arguments(shape.root_arguments, values),
        # The cached tuple itself: immutable, so safe to share, and the PDP's template cache
        # then compares it by identity instead of path by path.
        "selection": shape.selection,
        "nested_arguments": (
            nested_arguments(document, operation, values) if shape.has_nested_arguments else {}
        ),
    }


def build_pdp_input(
    *,
    register: str,
    claims: Mapping[str, Any],
    operation: ParsedRequest,
    now: dt.datetime,
    today: dt.date | None = None,
    resource: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The PDP input for a parsed request (the PEP's entry point).

    ``claims`` are the verified token claims with aggregated claims already resolved; only
    :data:`PDP_CLAIMS` are passed on. ``date`` is ``today`` or the Dutch calendar date of
    ``now``. ``resource`` names the register instance (``{"tenant": <bronhouder>}`` for the
    per-bronhouder registers). The variable-independent part is cached per query text.
    """
    shape = _cached_shape(
        operation.query, operation.operation_name, operation.document, operation.operation
    )
    return _input(
        register=register,
        claims=claims,
        document=operation.document,
        operation=operation.operation,
        variables=operation.variables,
        shape=shape,
        now=now,
        today=today,
        resource=resource,
    )


def pdp_input_for_query(
    *,
    register: str,
    claims: Mapping[str, Any],
    query: str,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    now: dt.datetime,
    today: dt.date | None = None,
    resource: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The PDP input for a raw GraphQL request (tests, tools); parses but does not validate.

    The operation is the one named ``operation_name``, else the first in the document.
    """
    document = parse(query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next(
        (
            o
            for o in operations
            if operation_name is None or (o.name is not None and o.name.value == operation_name)
        ),
        None,
    )
    if chosen is None:
        raise ValueError(f"no operation named {operation_name!r}")
    return _input(
        register=register,
        claims=claims,
        document=document,
        operation=chosen,
        variables=variables,
        shape=_shape(document, chosen),
        now=now,
        today=today,
        resource=resource,
    )
