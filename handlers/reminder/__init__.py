"""/remind and the reminder pushes' buttons."""
