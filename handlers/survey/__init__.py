"""The customer's side of a survey."""
