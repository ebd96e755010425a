"""/today: the rep's agenda."""
