"""The hook for the next step: a gemeente acting on a signal (iWmo, a later issue).

After a gemeente acknowledged a signal it may decide to end the Wmo toewijzing (Wmo 2015
art. 2.3.5 lid 6). That runs through iWmo messages, which this release does not have. The
service calls every registered :class:`Opvolging` with the acknowledged signals, after the
acknowledgement is committed; an iWmo component registers one that offers or sends the end
of the toewijzing. A failing hook is logged and never undoes the acknowledgement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

__all__ = ["Opvolging"]


class Opvolging(Protocol):
    """Called with the signals (API field names) a gemeente just acknowledged."""

    def na_ontvangst(self, gemeentecode: str, signalen: Sequence[Mapping[str, Any]]) -> None: ...
