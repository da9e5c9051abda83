"""GraphQL layer shared by the registers: scalars, filter/sort compiler, limits."""
