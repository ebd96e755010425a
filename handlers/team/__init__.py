"""/newteam, /team and invites."""
