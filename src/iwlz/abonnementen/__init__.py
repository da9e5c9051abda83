"""Subscriptions to voluntary notifications (RFC0036) and the notification-type catalogue
(RFC0029) of a bronhouder; network.md §7.

* :mod:`iwlz.abonnementen.catalogus` - the catalogue as data (:data:`CATALOGUS`).
* :mod:`iwlz.abonnementen.models` - the ``abonnement`` table.
* :mod:`iwlz.abonnementen.service` - :class:`Abonnementen` and :func:`matching`, which the
  notification rules call inside a register write.
* :mod:`iwlz.abonnementen.api` - the GraphQL API (:func:`build_abonnementen_schema`).
"""
