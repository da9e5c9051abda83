"""The Leveringsregister (registers.md §3): one register per zorgaanbieder (AGB), held by one
multi-tenant service. This package has the data model (Leveringsregister 1, RC1), the storage
service with its domain events, and the read GraphQL schema; policies, notification rules and
the HTTP wiring follow (issue 5)."""
