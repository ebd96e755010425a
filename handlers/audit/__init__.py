"""/audit: the audit trail for admins."""
