"""A local Telegram Bot API for tests, demos and benchmarks, and the harness they share to drive the bot."""

from sandbox.client import SandboxClient, SandboxError, SandboxMessage, SandboxUser
from sandbox.limits import FloodLimits
from sandbox.server import SandboxServer, run

__all__ = [
    "FloodLimits",
    "SandboxClient",
    "SandboxError",
    "SandboxMessage",
    "SandboxServer",
    "SandboxUser",
    "run",
]
