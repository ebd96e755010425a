"""The customer card: the 360° profile, its history pages, the map, and an erased customer's card."""
