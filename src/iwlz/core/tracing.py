"""B3 trace headers (RFC0022a v1.1): reuse a valid incoming X-B3-TraceId, else make one."""

from __future__ import annotations

import re
import secrets

TRACE_HEADER = "X-B3-TraceId"
SPAN_HEADER = "X-B3-SpanId"
PARENT_SPAN_HEADER = "X-B3-ParentSpanId"

_TRACE_RE = re.compile(r"^[0-9a-f]{32}$")
_SPAN_RE = re.compile(r"^[0-9a-f]{16}$")


def _random_hex(nbytes: int) -> str:
    while True:
        value = secrets.token_hex(nbytes)
        if value.strip("0"):
            return value


def new_trace_id() -> str:
    """32 lowercase hex characters, never all zeros."""
    return _random_hex(16)


def new_span_id() -> str:
    """16 lowercase hex characters, never all zeros."""
    return _random_hex(8)


def valid_trace_id(value: str | None) -> bool:
    return value is not None and bool(_TRACE_RE.match(value)) and bool(value.strip("0"))


def valid_span_id(value: str | None) -> bool:
    return value is not None and bool(_SPAN_RE.match(value)) and bool(value.strip("0"))


def incoming_trace(trace_header: str | None) -> str:
    """The trace ID to use for a received request: the caller's if valid, else a new one."""
    return trace_header if trace_header and valid_trace_id(trace_header) else new_trace_id()
