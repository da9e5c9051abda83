"""The Bemiddelingsregister (registers.md §2): one register per zorgkantoor, held by one
multi-tenant service. This package has the data model (BR 1.1.1), the storage service with its
domain events, and the read GraphQL schema; policies, notification rules, the beheer API and
the HTTP wiring follow (issue 5)."""
