"""/visit: logging a visit."""
