"""The demo: a team with a year of history, served with the web chat."""
