"""The Leveringsregister (registers.md §3): one register per zorgaanbieder (AGB), held by one
multi-tenant service. This package has the data model (Leveringsregister 1, RC1), the storage
service with its domain events, the read GraphQL schema, the aanbieder's beheer (write) API
and the notification rules of §3.5."""
