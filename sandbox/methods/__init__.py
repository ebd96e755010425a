"""Bot API methods; importing the modules registers them in METHODS."""

from sandbox.methods import bot, media, messages, polling, queries
from sandbox.methods.base import METHODS, Call, Described, Runtime

__all__ = ["METHODS", "Call", "Described", "Runtime", "bot", "media", "messages", "polling", "queries"]
