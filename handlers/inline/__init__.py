"""Inline mode: `@bot name` in any chat offers the typist's customers."""
