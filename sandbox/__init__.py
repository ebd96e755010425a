"""A local Telegram Bot API for tests, demos and benchmarks (see DESIGN.md, "sandbox")."""

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
