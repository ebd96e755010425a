"""The Telegram surface: one package per feature, what they share in common/, and the registry.

A feature's `__init__` declares its commands and registers its modules, importing them inside
`register`: other features import its buttons (`handlers/<feature>/callbacks.py`), and that must not
pull in its handlers.
"""
