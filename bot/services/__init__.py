"""Use cases: each takes an AsyncSession (the unit of work) and combines queries with domain logic."""
