"""The GEN scalars ``UUID``, ``Date`` and ``DateTime`` with strict parsing.

Bad values become GraphQL validation errors that say what format was expected.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from ariadne import ScalarType

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def parse_uuid(value: Any) -> uuid.UUID:
    """Parse a hyphenated RFC 4122 UUID string."""
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or not _UUID_RE.match(value):
        raise ValueError(
            f"UUID must be a hyphenated RFC 4122 string like "
            f"'3fa85f64-5717-4562-b3fc-2c963f66afa6', got {value!r}"
        )
    return uuid.UUID(value)


def parse_date(value: Any) -> dt.date:
    """Parse an ISO-8601 local date ``YYYY-MM-DD`` (no time, no zone)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError(f"Date must be YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"Date {value!r} does not exist in the calendar") from None


def parse_datetime(value: Any) -> dt.datetime:
    """Parse an ISO-8601 date-time that carries an offset (``Z`` or ``±hh:mm``)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("DateTime needs a time-zone offset")
        return value
    if not isinstance(value, str) or not _DATETIME_RE.match(value):
        raise ValueError(
            f"DateTime must be ISO-8601 with an offset, e.g. 2020-02-09T13:47:16.000+01:00 "
            f"or 2020-02-09T12:47:16Z, got {value!r}"
        )
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    frac = re.search(r"\.(\d+)", text)
    if frac and len(frac.group(1)) > 6:  # Python keeps microseconds; drop finer digits
        text = text.replace(frac.group(0), "." + frac.group(1)[:6])
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"DateTime {value!r} does not exist in the calendar") from None


def serialize_uuid(value: Any) -> str:
    return str(value) if isinstance(value, uuid.UUID) else str(parse_uuid(value))


def serialize_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return parse_date(value).isoformat()


def serialize_datetime(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return str(value.isoformat(timespec="milliseconds"))
    return serialize_datetime(parse_datetime(value))


uuid_scalar = ScalarType("UUID", serializer=serialize_uuid, value_parser=parse_uuid)
date_scalar = ScalarType("Date", serializer=serialize_date, value_parser=parse_date)
datetime_scalar = ScalarType("DateTime", serializer=serialize_datetime, value_parser=parse_datetime)

SCALARS = (uuid_scalar, date_scalar, datetime_scalar)
