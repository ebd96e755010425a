"""The manager's digest on demand and its drill-down lists."""
