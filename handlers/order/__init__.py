"""/order: logging an order."""
