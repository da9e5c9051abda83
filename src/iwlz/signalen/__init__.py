"""Wlz-signalen (issue 7): daily Wmo–Wlz overlap signals for gemeenten.

The service plays the Inlichtingenbureau of ``shared/spec/wlz-signalen-and-regions.md`` part 1:

* :mod:`.wmo` — the *landelijke voorziening Wmo*: gemeenten deliver their residents with a
  running or requested Wmo voorziening (CSV or JSON, full replacement or mutations);
* :mod:`.ciz` — the CIZ's side: a minimal read endpoint on the Indicatieregister, behind nID,
  that answers the five Wlz fields of spec §1.3 (Wlz-status derived at the source);
* :mod:`.kopie` — the *kopie Wlz register*, kept current from the CIZ's notifications
  (subscription ``WLZINDICATIE_MUTATIE_ABONNEMENT``) and queries through nID;
* :mod:`.matching` — the daily overlap rule and de-duplication by keyed signal key;
* :mod:`.rapport` — the daily CSV per gemeente;
* :mod:`.bewaren` — retention and purge;
* :mod:`.http` / :mod:`.portal` — the REST API (OpenAPI) and the gemeente portal;
* :mod:`.scheduler` — the jobs inside ``iwlz serve``; :mod:`.cli` — ``iwlz signalen``.
"""
