"""`python -m sandbox [--host H] [--port P]` serves the sandbox Bot API."""

from __future__ import annotations

import argparse

from sandbox.server import DEFAULT_PORT, run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    arguments = parser.parse_args()
    run(arguments.host, arguments.port)


if __name__ == "__main__":
    main()
