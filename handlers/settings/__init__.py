"""/settings for the team and /lang for each person."""
