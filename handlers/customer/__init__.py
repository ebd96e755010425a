"""A customer's record: /new, editing, the personal link, and erasure."""
