"""The notification-type catalogue ("Dienstencatalogus", RFC0029; network.md §7.1).

Every type a bronhouder offers is a :class:`NotificatieType` record: data, not code paths.
Adding a type, or a filter to a type, means adding a record; validation of subscription
filters (:func:`valideer_filter`) and matching of notifications against them
(:func:`filter_matcht`) are generic interpreters of those records.

Choices where the sources disagree (network.md §11 items 15-16):

* ``notificatieType`` uses the enum *names* ``IWLZ_VERPLICHT``, ``IWLZ_VRIJWILLIG`` and
  ``VRIJWILLIG`` (the RFC example value), not the labels ``iWlz-Verplicht`` /
  ``iWlz-Vrijwillig`` / ``Vrijwillig``: a hyphen is not allowed in a GraphQL enum value.
  :data:`SOORT_LABELS` keeps the RFC label of each value.
* ``eventType`` uses ``CREATE``/``UPDATE``/``ALL`` (the example's spelling) and
  ``notificatieDoel`` the enum names ``WLZ_ZORGAANBIEDER``, ``ZORGKANTOOR``, ``CIZ``, ``CAK``,
  ``ZIN``, ``ANDERS``.
* ``idTypeAbonnee`` is a *set* of ID types (``IDTypeEnum`` names: ``AGB``, ``KVK``, ``OIN``,
  ``UZOVI``), not one value: "any identifier of the subscriber" is every one of them that the
  network can deliver to. It is empty for mandatory types, which nobody subscribes to. The
  Indicatieregister's voluntary type leaves out ``OIN``: there is no netwerkpunt and no
  notification scope for an OIN receiver, so its notifications could not be sent. RFC
  spellings such as ``AgbCode``, ``Uzovi`` or ``KvK`` are accepted on input
  (:func:`normaliseer_id_type`) and always stored and shown as the ``IDTypeEnum`` name.
* ``organisatieID`` is the offering party's nID client_id (``kvk:62253778`` for the CIZ): the
  network has no DIDs yet, and the client_id is what tokens and subscriptions carry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from iwlz import codelists

log = logging.getLogger("iwlz.abonnementen")

__all__ = [
    "CATALOGUS",
    "CIZ_ORGANISATIE",
    "ID_TYPES",
    "MUTATIES",
    "NIEUWE_INDICATIE_ZORGKANTOOR",
    "SOORT_LABELS",
    "VERVALLEN_INDICATIE_ZORGKANTOOR",
    "WLZINDICATIE_MUTATIE_ABONNEMENT",
    "Catalogus",
    "EventType",
    "FilterDefinitie",
    "FilterFout",
    "NotificatieDoel",
    "NotificatieType",
    "NotificatieTypeSoort",
    "filter_matcht",
    "normaliseer_id_type",
    "valideer_filter",
]


class NotificatieTypeSoort(StrEnum):
    """``notificatieType`` of §7.1. Only the two voluntary kinds take subscriptions."""

    IWLZ_VERPLICHT = "IWLZ_VERPLICHT"
    IWLZ_VRIJWILLIG = "IWLZ_VRIJWILLIG"
    VRIJWILLIG = "VRIJWILLIG"


SOORT_LABELS: Mapping[NotificatieTypeSoort, str] = {
    NotificatieTypeSoort.IWLZ_VERPLICHT: "iWlz-Verplicht",
    NotificatieTypeSoort.IWLZ_VRIJWILLIG: "iWlz-Vrijwillig",
    NotificatieTypeSoort.VRIJWILLIG: "Vrijwillig",
}
"""The RFC0029 label of each enum value."""


class NotificatieDoel(StrEnum):
    """``notificatieDoel`` of §7.1: the kind of party the type is meant for."""

    WLZ_ZORGAANBIEDER = "WLZ_ZORGAANBIEDER"
    ZORGKANTOOR = "ZORGKANTOOR"
    CIZ = "CIZ"
    CAK = "CAK"
    ZIN = "ZIN"
    ANDERS = "ANDERS"


class EventType(StrEnum):
    """``eventType`` of §7.1: which register events raise the notification."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    ALL = "ALL"


ID_TYPES: tuple[str, ...] = ("AGB", "KVK", "OIN", "UZOVI")
"""``IDTypeEnum`` values a subscriber can be identified by (``BSN`` has no network use)."""

_ID_TYPE_ALIASES = {
    "AGB": "AGB",
    "AGBCODE": "AGB",
    "KVK": "KVK",
    "OIN": "OIN",
    "UZOVI": "UZOVI",
}


def normaliseer_id_type(value: str) -> str | None:
    """``AgbCode``/``AGBCODE``/``agb`` → ``AGB``, ``Uzovi`` → ``UZOVI``, ``KvK`` → ``KVK``.

    None when ``value`` is no subscriber ID type at all.
    """
    return _ID_TYPE_ALIASES.get(value.strip().upper()) if isinstance(value, str) else None


class FilterFout(ValueError):
    """A subscription filter is invalid; ``veld`` names the offending key (``filter.x``)."""

    def __init__(self, veld: str, message: str) -> None:
        super().__init__(message)
        self.veld = veld


@dataclass(frozen=True)
class FilterDefinitie:
    """One filter key a notification type supports.

    A subscription's filter maps ``naam`` to a non-empty list of values. A notification
    matches it when the fact ``feit`` that the notification rule reports (a string, or a
    collection of strings) is, or holds, one of those values. A key left out of the filter
    does not restrict anything.

    Allowed values are ``waarden`` when given, else the codes of ``codelist``, else any text
    that fully matches ``patroon``.
    """

    naam: str
    feit: str
    omschrijving: str
    waarden: tuple[str, ...] = ()
    codelist: str | None = None
    patroon: str | None = None

    def __post_init__(self) -> None:
        if not (self.waarden or self.codelist or self.patroon):
            raise ValueError(f"filter {self.naam!r} needs waarden, a codelist or a patroon")
        if self.codelist is not None:
            codelists.get(self.codelist)  # fail at import time on a typo
        if self.patroon is not None:
            re.compile(self.patroon)

    def check(self, value: object) -> str | None:
        """Why ``value`` is not allowed for this key, or None when it is."""
        if not isinstance(value, str):
            return f"values of filter.{self.naam} are strings, got {type(value).__name__}"
        if self.waarden:
            if value not in self.waarden:
                return (
                    f"{value!r} is not a valid value of filter.{self.naam}; "
                    f"use one of {', '.join(self.waarden)}"
                )
            return None
        if self.codelist is not None:
            lst = codelists.get(self.codelist)
            if value not in lst:
                return (
                    f"{value!r} is not a valid value of filter.{self.naam}; "
                    f"expected a code of {lst.label}"
                )
            return None
        assert self.patroon is not None
        if re.fullmatch(self.patroon, value) is None:
            return f"{value!r} is not a valid value of filter.{self.naam}; expected {self.patroon}"
        return None

    def sort_key(self, value: str) -> tuple[int, str]:
        """Order of stored values: catalogue order for enumerations, else text order."""
        if value in self.waarden:
            return (self.waarden.index(value), value)
        return (len(self.waarden), value)


@dataclass(frozen=True)
class NotificatieType:
    """One record of the catalogue, with the fields of network.md §7.1 in snake_case.

    ``id_type_abonnee`` lists the ID types a subscriber may give (empty for mandatory types);
    ``filters`` lists the filter keys a subscription to this type may use.
    """

    organisatie_id: str
    notificatie_type_id: str
    notificatie_type: NotificatieTypeSoort
    notificatie_doel: NotificatieDoel
    notificatie_omschrijving: str
    event_type: EventType
    object_id_type: str
    id_type_abonnee: tuple[str, ...] = ()
    filters: tuple[FilterDefinitie, ...] = field(default=())

    def __post_init__(self) -> None:
        name = self.notificatie_type_id
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise ValueError(f"notificatieTypeID {name!r} must be UPPER_SNAKE_CASE")
        unknown = set(self.id_type_abonnee) - set(ID_TYPES)
        if unknown:
            raise ValueError(f"{name}: unknown idTypeAbonnee {sorted(unknown)}")
        if self.abonneerbaar and not self.id_type_abonnee:
            raise ValueError(f"{name}: a voluntary type needs at least one idTypeAbonnee")
        if not self.abonneerbaar and (self.id_type_abonnee or self.filters):
            raise ValueError(f"{name}: a mandatory type takes no idTypeAbonnee and no filters")
        names = [f.naam for f in self.filters]
        if len(names) != len(set(names)):
            raise ValueError(f"{name}: duplicate filter keys")

    @property
    def abonneerbaar(self) -> bool:
        """True for voluntary types: only those take subscriptions (network.md §5.1)."""
        return self.notificatie_type is not NotificatieTypeSoort.IWLZ_VERPLICHT

    def filter(self, naam: str) -> FilterDefinitie | None:
        for definitie in self.filters:
            if definitie.naam == naam:
                return definitie
        return None

    def as_dict(self) -> dict[str, Any]:
        """The record keyed by the §7.1 field names (the GraphQL ``NotificatieType``)."""
        return {
            "organisatieID": self.organisatie_id,
            "notificatieTypeID": self.notificatie_type_id,
            "notificatieType": self.notificatie_type.value,
            "notificatieDoel": self.notificatie_doel.value,
            "notificatieOmschrijving": self.notificatie_omschrijving,
            "idTypeAbonnee": list(self.id_type_abonnee),
            "eventType": self.event_type.value,
            "objectIDType": self.object_id_type,
            "abonneerbaar": self.abonneerbaar,
            "filters": [
                {
                    "naam": f.naam,
                    "omschrijving": f.omschrijving,
                    "waarden": list(f.waarden) or None,
                    "codelist": f.codelist,
                    "patroon": f.patroon,
                }
                for f in self.filters
            ],
        }


class Catalogus:
    """The notification types offered, in publication order, looked up by ID."""

    def __init__(self, types: Iterable[NotificatieType]) -> None:
        self._types: dict[str, NotificatieType] = {}
        for t in types:
            if t.notificatie_type_id in self._types:
                raise ValueError(f"notificatieTypeID {t.notificatie_type_id} is not unique")
            self._types[t.notificatie_type_id] = t

    def get(self, notificatie_type_id: str) -> NotificatieType | None:
        return self._types.get(notificatie_type_id)

    def __iter__(self) -> Iterator[NotificatieType]:
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)

    def __contains__(self, notificatie_type_id: object) -> bool:
        return notificatie_type_id in self._types


def valideer_filter(
    notificatie_type: NotificatieType, filter_: Mapping[str, Any] | None
) -> dict[str, list[str]]:
    """The normalised filter to store, or :class:`FilterFout` naming the bad key.

    Keys whose value is None are dropped (no restriction). Every other key must be one the
    type supports, with a non-empty list of allowed values; duplicates are removed and the
    values sorted, so equal filters are stored equally.
    """
    if filter_ is None:
        return {}
    if not isinstance(filter_, Mapping):
        raise FilterFout("filter", "filter must be an object")
    out: dict[str, list[str]] = {}
    for naam, waarden in filter_.items():
        if waarden is None:
            continue
        veld = f"filter.{naam}"
        definitie = notificatie_type.filter(naam)
        if definitie is None:
            supported = ", ".join(f.naam for f in notificatie_type.filters) or "none"
            raise FilterFout(
                veld,
                f"{veld} is not a filter of {notificatie_type.notificatie_type_id}; "
                f"supported: {supported}",
            )
        if isinstance(waarden, str) or not isinstance(waarden, Iterable):
            raise FilterFout(veld, f"{veld} must be a list of strings")
        values = list(waarden)
        if not values:
            raise FilterFout(
                veld, f"{veld} must hold at least one value; leave it out to receive all"
            )
        for value in values:
            reason = definitie.check(value)
            if reason is not None:
                raise FilterFout(veld, reason)
        out[naam] = sorted(set(values), key=definitie.sort_key)
    return out


def filter_matcht(
    notificatie_type: NotificatieType,
    filter_: Mapping[str, Any],
    facts: Mapping[str, Any],
) -> bool:
    """True when a notification with ``facts`` passes a stored subscription filter.

    Every key in the filter must be satisfied: the fact it reads must be present and equal
    one of the filter's values (a collection-valued fact must share at least one value). A
    missing fact does not satisfy a restricting key, and neither does a key the catalogue no
    longer knows: a subscriber never gets what its filter may have excluded.
    """
    for naam, waarden in filter_.items():
        if waarden is None:
            continue
        definitie = notificatie_type.filter(naam)
        if definitie is None:
            log.warning(
                "subscription filter key %r is not in the catalogue of %s; not matched",
                naam,
                notificatie_type.notificatie_type_id,
            )
            return False
        fact = facts.get(definitie.feit)
        if fact is None:
            return False
        allowed = set(waarden)
        if isinstance(fact, str):
            if fact not in allowed:
                return False
        elif isinstance(fact, Iterable):
            if allowed.isdisjoint(fact):
                return False
        else:
            return False
    return True


# -- the catalogue --------------------------------------------------------------------------

CIZ_ORGANISATIE = "kvk:62253778"
"""The CIZ's nID client_id (network.md §1.1): ``organisatieID`` of the IR's types."""

NIEUWE_INDICATIE_ZORGKANTOOR = "NIEUWE_INDICATIE_ZORGKANTOOR"
VERVALLEN_INDICATIE_ZORGKANTOOR = "VERVALLEN_INDICATIE_ZORGKANTOOR"
WLZINDICATIE_MUTATIE_ABONNEMENT = "WLZINDICATIE_MUTATIE_ABONNEMENT"

MUTATIES: tuple[str, ...] = ("NIEUW", "GEWIJZIGD", "VERVALDATUM", "VERWIJDERD")
"""Values of the ``mutatie`` fact the Indicatieregister's notification rules report:
a WlzIndicatie was registered, changed, had its vervaldatum set/changed/removed, or was
deleted."""

CATALOGUS = Catalogus(
    [
        NotificatieType(
            organisatie_id=CIZ_ORGANISATIE,
            notificatie_type_id=NIEUWE_INDICATIE_ZORGKANTOOR,
            notificatie_type=NotificatieTypeSoort.IWLZ_VERPLICHT,
            notificatie_doel=NotificatieDoel.ZORGKANTOOR,
            notificatie_omschrijving=(
                "Nieuwe Wlz-indicatie; naar het zorgkantoor van de regio van het BRP-adres "
                "van de cliënt (initieelVerantwoordelijkZorgkantoor)."
            ),
            event_type=EventType.CREATE,
            object_id_type="wlzindicatieID",
        ),
        NotificatieType(
            organisatie_id=CIZ_ORGANISATIE,
            notificatie_type_id=VERVALLEN_INDICATIE_ZORGKANTOOR,
            notificatie_type=NotificatieTypeSoort.IWLZ_VERPLICHT,
            notificatie_doel=NotificatieDoel.ZORGKANTOOR,
            notificatie_omschrijving=(
                "Vervaldatum van een Wlz-indicatie vastgelegd, gewijzigd of verwijderd; naar "
                "de huidige, vorige en toekomstige verantwoordelijke zorgkantoren."
            ),
            event_type=EventType.UPDATE,
            object_id_type="wlzindicatieID",
        ),
        NotificatieType(
            organisatie_id=CIZ_ORGANISATIE,
            notificatie_type_id=WLZINDICATIE_MUTATIE_ABONNEMENT,
            notificatie_type=NotificatieTypeSoort.VRIJWILLIG,
            notificatie_doel=NotificatieDoel.ANDERS,
            notificatie_omschrijving=(
                "Elke mutatie van een Wlz-indicatie (nieuw, gewijzigd, vervaldatum, "
                "verwijderd), voor partijen die een kopie van Wlz-indicaties bijhouden, zoals "
                "het CAK en de Wlz-signalendienst. Filterbaar op soort mutatie en op "
                "initieelVerantwoordelijkZorgkantoor."
            ),
            event_type=EventType.ALL,
            object_id_type="wlzindicatieID",
            # Not OIN: notifications go to a netwerkpunt, and those are UZOVI, AGB or KVK.
            id_type_abonnee=("AGB", "KVK", "UZOVI"),
            filters=(
                FilterDefinitie(
                    naam="mutaties",
                    feit="mutatie",
                    omschrijving="Alleen deze soorten mutatie: " + ", ".join(MUTATIES) + ".",
                    waarden=MUTATIES,
                ),
                FilterDefinitie(
                    naam="zorgkantoren",
                    feit="zorgkantoor",
                    omschrijving=(
                        "Alleen indicaties met een van deze UZOVI-codes als "
                        "initieelVerantwoordelijkZorgkantoor."
                    ),
                    codelist="COD001",
                ),
            ),
        ),
    ]
)
"""The Indicatieregister's notification types (registers.md §1.6 plus our voluntary type)."""
