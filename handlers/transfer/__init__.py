"""A single customer changing hands."""
