"""/find and plain typed text: finding a customer."""
