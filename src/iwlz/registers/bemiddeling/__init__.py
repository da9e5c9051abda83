"""The Bemiddelingsregister (registers.md §2): one register per zorgkantoor, held by one
multi-tenant service. This package has the data model (BR 1.1.1), the storage service with its
domain events, the read GraphQL schema and the responsible zorgkantoor's beheer (write) schema;
policies, notification rules and the HTTP wiring follow (issue 5)."""
