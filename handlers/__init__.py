"""The Telegram surface: one module per conversation or feature."""
