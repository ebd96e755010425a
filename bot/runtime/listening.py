"""Taking a port: the one line an operator reads when the address cannot be had.

Kept apart from the servers, so the command line can name the error without importing them.
"""

from __future__ import annotations

import errno


class CannotListen(Exception):
    """A server could not take its address; the message names it and the setting to change."""


def listen_advice(
    host: str, port: int, error: OSError, *, host_setting: str = "HTTP_HOST", port_setting: str = "HTTP_PORT"
) -> str:
    """Which address failed, why, and which setting to change."""
    if error.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {host}:{port}: port {port} is already in use; "
            f"set {port_setting} to a free port (0 picks one) or stop what holds it"
        )
    if error.errno == errno.EACCES:
        return f"cannot listen on {host}:{port}: permission denied; set {port_setting} to 1024 or above"
    reason = error.strerror or str(error)
    return f"cannot listen on {host}:{port}: {reason}; check {host_setting} and {port_setting}"
