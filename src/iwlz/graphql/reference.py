"""Plain-Python evaluation of ``where`` / ``order`` inputs over nested dicts.

This is the executable specification of :mod:`iwlz.graphql.filters`: it reads the raw input
values itself, written for obviousness rather than speed, and the property tests check that
the SQL compiler returns exactly what this returns. Inputs are validated by the compiler's own
validator first, so both reject the same inputs with the same :class:`FilterError`.

A record of an entity is a mapping with the value of every :class:`Scalar` under its
``column``, a dict or ``None`` under each :class:`ToOne` key and a list of dicts under each
:class:`ToMany` key (a missing or ``None`` list counts as empty). :class:`Context` keys are
ignored.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from iwlz.graphql.filters import (
    Context,
    Entity,
    Registry,
    Scalar,
    ToMany,
    ToOne,
    validate_order,
    validate_where,
)

__all__ = ["matches", "sort_records"]

R = TypeVar("R", bound=Mapping[str, Any])


def _listify(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _op_holds(op: str, field_value: Any, operand: Any) -> bool:
    """One operator with a non-null operand (or eq/neq with any operand)."""
    if op.startswith("n") and op not in ("neq", "nin"):
        return not _op_holds(op[1].lower() + op[2:], field_value, operand)
    if op == "neq":
        return not _op_holds("eq", field_value, operand)
    if op == "nin":
        return not _op_holds("in", field_value, operand)
    if op == "eq":
        if operand is None:
            return field_value is None
        return field_value is not None and bool(field_value == operand)
    if op == "in":
        return any(_op_holds("eq", field_value, element) for element in _listify(operand))
    if field_value is None:
        return False
    if op == "gt":
        return bool(field_value > operand)
    if op == "gte":
        return bool(field_value >= operand)
    if op == "lt":
        return bool(field_value < operand)
    if op == "lte":
        return bool(field_value <= operand)
    if op == "contains":
        return bool(operand in field_value)
    if op == "startsWith":
        return bool(field_value.startswith(operand))
    if op == "endsWith":
        return bool(field_value.endswith(operand))
    raise AssertionError(f"unvalidated operator {op!r}")


def _operations_hold(operations: Mapping[str, Any], field_value: Any) -> bool:
    for op, operand in operations.items():
        if op == "and":
            if operand is not None and not all(
                _operations_hold(sub, field_value) for sub in _listify(operand)
            ):
                return False
        elif op == "or":
            if operand is not None and not any(
                _operations_hold(sub, field_value) for sub in _listify(operand)
            ):
                return False
        elif operand is None and op not in ("eq", "neq"):
            continue  # a null operand means the operator was not given
        elif not _op_holds(op, field_value, operand):
            return False
    return True


def _list_holds(
    registry: Registry, target: Entity, operations: Mapping[str, Any], items: list[Any]
) -> bool:
    for op, operand in operations.items():
        if operand is None:
            continue
        if op == "any":
            holds = bool(items) == operand
        elif op == "some":
            holds = any(_matches(registry, target, operand, item) for item in items)
        elif op == "all":
            holds = all(_matches(registry, target, operand, item) for item in items)
        else:  # none
            holds = not any(_matches(registry, target, operand, item) for item in items)
        if not holds:
            return False
    return True


def _matches(
    registry: Registry, entity: Entity, where: Mapping[str, Any], record: Mapping[str, Any]
) -> bool:
    for key, value in where.items():
        if value is None:
            continue
        if key == "and":
            holds = all(_matches(registry, entity, sub, record) for sub in _listify(value))
        elif key == "or":
            holds = any(_matches(registry, entity, sub, record) for sub in _listify(value))
        else:
            spec = entity.fields[key]
            if isinstance(spec, Context):
                holds = True
            elif isinstance(spec, Scalar):
                holds = _operations_hold(value, record[spec.column])
            elif isinstance(spec, ToOne):
                related = record.get(key)
                holds = related is not None and _matches(
                    registry, registry[spec.target], value, related
                )
            else:
                assert isinstance(spec, ToMany)
                items = list(record.get(key) or [])
                holds = _list_holds(registry, registry[spec.target], value, items)
        if not holds:
            return False
    return True


def matches(
    registry: Registry, entity: str, where: Mapping[str, Any] | None, record: Mapping[str, Any]
) -> bool:
    """Whether ``record`` (a nested dict of ``entity``) satisfies ``where``.

    Raises :class:`~iwlz.graphql.filters.FilterError` exactly when
    :func:`~iwlz.graphql.filters.compile_where` does.
    """
    validate_where(registry, entity, where)
    if where is None:
        return True
    return _matches(registry, registry[entity], where, record)


def _sort_getters(
    registry: Registry, entity: Entity, sort_input: Mapping[str, Any], path: tuple[str, ...]
) -> list[tuple[Callable[[Mapping[str, Any]], Any], bool]]:
    getters: list[tuple[Callable[[Mapping[str, Any]], Any], bool]] = []
    for key, value in sort_input.items():
        if value is None:
            continue
        spec = entity.fields[key]
        if isinstance(spec, ToOne):
            getters += _sort_getters(registry, registry[spec.target], value, (*path, key))
            continue
        assert isinstance(spec, Scalar)
        direction = value.value if isinstance(value, enum.Enum) else value
        if isinstance(value, enum.Enum) and direction not in ("ASC", "DESC"):
            direction = value.name

        def get(
            record: Mapping[str, Any], hops: tuple[str, ...] = path, col: str = spec.column
        ) -> Any:
            current: Mapping[str, Any] | None = record
            for hop in hops:
                assert current is not None
                current = current.get(hop)
                if current is None:
                    return None
            assert current is not None
            return current[col]

        getters.append((get, direction == "DESC"))
    return getters


def sort_records(
    registry: Registry,
    entity: str,
    order: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
    records: Sequence[R],
) -> list[R]:
    """``records`` sorted by ``order`` (stable: ties keep their input order).

    NULL (or a missing to-one record) is the smallest value: first ascending, last
    descending. Strings compare by code point, datetimes as instants.
    """
    validate_order(registry, entity, order)
    getters: list[tuple[Callable[[Mapping[str, Any]], Any], bool]] = []
    for entry in [] if order is None else _listify(order):
        if entry is not None:
            getters += _sort_getters(registry, registry[entity], entry, ())
    result = list(records)
    # Stable sorts from the least to the most significant key give the lexicographic order.
    for get, descending in reversed(getters):
        result.sort(key=_nulls_lowest(get), reverse=descending)
    return result


def _nulls_lowest(
    get: Callable[[Mapping[str, Any]], Any],
) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    def key(record: Mapping[str, Any]) -> tuple[Any, ...]:
        value = get(record)
        return (0,) if value is None else (1, value)

    return key
