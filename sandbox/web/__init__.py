"""The web chat: a phone-sized Telegram look-alike, served by the sandbox, to try a bot in a browser."""

from sandbox.web.chat import Action, Persona, Place, WebChat

__all__ = ["Action", "Persona", "Place", "WebChat"]
