"""The netwerkpunt: every participant's receiving endpoint for notificaties and meldingen.

* :mod:`~iwlz.netwerkpunt.service` — the inbox (idempotent storage, melding lifecycle, webhooks)
* :mod:`~iwlz.netwerkpunt.api` — the GEN ``netwerkpunt.graphql`` v1.1 resolvers
* :mod:`~iwlz.netwerkpunt.http` — ``/netwerkpunt/{IDTYPE}/{id}/…`` routes (GraphQL + inbox REST)
* :mod:`~iwlz.netwerkpunt.cli` — ``iwlz inbox …`` and ``iwlz meldingen …``
"""
