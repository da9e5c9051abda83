"""The key map between the estafette's business keys and register IDs (messages.md §1.3, §4).

An estafette record has no ID: it is known by its business key, and a later message refers to
it by that key (``StatusAanlevering`` 3 deletes "the record with this key"). The registers
know their objects by UUID. :data:`sleutel` keeps, per record the bridge imported, which
register objects it became, so that a delete (or a re-export) finds them again.

* ``soort``: the message's record class (``GeleverdZorgzwaartepakket`` for AW35/ZK35,
  ``MutatieZorgzwaartepakket`` and ``Aanvraag`` for AW39/ZK39).
* ``partij``: whose key space it is: the aanbieder (the record's ``Instelling``) that owns the
  register objects. AW35 and a forwarded ZK35 of the same delivery share the key.
* ``sleutel``: the business key, its fields joined by ``|`` (:func:`maak_sleutel`):

  - AW35 geleverd: ``Bsn|Besluitnummer|ZzpCode|ToewijzingIngangsdatum|Instelling|Begindatum``;
  - AW39 mutatie: the same plus ``|Mutatiecode|Mutatiedatum`` (``Begindatum`` empty for the
    codes that have none);
  - AW39 Aanvraag (which has no ``StatusAanlevering`` and so no key of its own):
    ``Bsn|Besluitnummer|Instelling|ZzpCode|Leveringsvorm|<Afzender>/<Identificatie>/<n>``, the
    message and the Aanvraag's position in it.

* ``entiteit`` + ``register_id``: one register object the record became. A record may become
  several (a mutation 20 closes a leveringperiode *and* opens an uitstelperiode): one row each.
* ``extra``: message fields the register has no place for (the delivered ``Klasse``, an
  AanvraagInstelling's own ``Soort``), so that an export repeats what was received.

CA317's ``GeleverdeZorgID`` needs no row: it *is* the leveringperiode's ID (ca317.py), and
CA319's ``MutatieZorgID`` refers to the same ID.

Every function takes the caller's connection: the map is written in the transaction of the
register writes it describes, so both commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from iwlz.core.db import UTCDateTime
from iwlz.core.metadata import metadata

__all__ = [
    "Koppeling",
    "koppel",
    "koppelingen",
    "maak_sleutel",
    "ontkoppel",
    "sleutel",
    "van_register",
]

sleutel = sa.Table(
    "berichten_sleutel",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("soort", sa.String(40), nullable=False),
    sa.Column("partij", sa.String(8), nullable=False),
    sa.Column("sleutel", sa.String(200), nullable=False),
    sa.Column("entiteit", sa.String(40), nullable=False),
    sa.Column("register_id", sa.Uuid(), nullable=False, index=True),
    sa.Column("extra", sa.JSON(), nullable=True),
    sa.Column("geregistreerd_op", UTCDateTime(), nullable=False),
    # One register object of each kind per business key.
    sa.UniqueConstraint("soort", "partij", "sleutel", "entiteit", name="uq_berichten_sleutel"),
)
"""Business key → register object, per record class and party."""


@dataclass(frozen=True)
class Koppeling:
    """One register object a keyed record became."""

    entiteit: str
    register_id: uuid.UUID
    extra: Mapping[str, Any] | None = None


def maak_sleutel(*velden: object) -> str:
    """The stored form of a business key: its fields as text (dates ISO, absent empty)."""
    return "|".join(
        "" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v) for v in velden
    )


def koppel(
    conn: Connection,
    soort: str,
    partij: str,
    sleutel_: str,
    koppelingen_: Iterable[Koppeling],
    *,
    nu: dt.datetime,
) -> None:
    """Record that the record ``sleutel_`` of class ``soort`` became these objects."""
    rows = [
        {
            "soort": soort,
            "partij": partij,
            "sleutel": sleutel_,
            "entiteit": k.entiteit,
            "register_id": k.register_id,
            "extra": dict(k.extra) if k.extra else None,
            "geregistreerd_op": nu,
        }
        for k in koppelingen_
    ]
    if rows:
        conn.execute(sleutel.insert(), rows)


def koppelingen(conn: Connection, soort: str, partij: str, sleutel_: str) -> list[Koppeling]:
    """The objects the record ``sleutel_`` became (empty: not known, or deleted)."""
    c = sleutel.c
    rows = conn.execute(
        sa.select(c.entiteit, c.register_id, c.extra)
        .where(c.soort == soort, c.partij == partij, c.sleutel == sleutel_)
        .order_by(c.id)
    )
    return [Koppeling(r.entiteit, r.register_id, r.extra) for r in rows]


def ontkoppel(conn: Connection, soort: str, partij: str, sleutel_: str) -> None:
    """Forget the record ``sleutel_`` (its objects were deleted)."""
    c = sleutel.c
    conn.execute(
        sleutel.delete().where(c.soort == soort, c.partij == partij, c.sleutel == sleutel_)
    )


def van_register(
    conn: Connection, soort: str, entiteit: str, register_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Mapping[str, Any]]:
    """Per register object (of ``entiteit``) that a record of class ``soort`` became: the
    ``extra`` fields kept with it (an empty mapping when none)."""
    ids = list(dict.fromkeys(register_ids))
    out: dict[uuid.UUID, Mapping[str, Any]] = {}
    c = sleutel.c
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(c.register_id, c.extra).where(
                c.soort == soort, c.entiteit == entiteit, c.register_id.in_(ids[i : i + 500])
            )
        )
        for r in rows:
            out[r.register_id] = r.extra or {}
    return out
