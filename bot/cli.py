"""The `fieldcrm` command: run, migrate, sandbox, demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

DESCRIPTION = "FieldCRM: a CRM for field sales teams, inside Telegram."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldcrm", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "run",
        help="start the bot (long polling); applies pending migrations first",
        description="Start the bot with long polling. Needs BOT_TOKEN; applies pending migrations first.",
    )
    commands.add_parser(
        "migrate",
        help="upgrade the database at DATABASE_URL to the newest schema",
        description="Run `alembic upgrade head` on DATABASE_URL.",
    )
    sandbox = commands.add_parser(
        "sandbox",
        help="start the local Telegram Bot API server alone",
        description="Start the local Bot API server used by tests and the demo.",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8081, help="port to listen on (default 8081)")
    demo = commands.add_parser(
        "demo",
        help="start the sandbox and the bot together and chat with it in this terminal",
        description="Try FieldCRM without Telegram: a local Bot API, the bot on a SQLite file, "
        "and a chat in this terminal.",
    )
    demo.add_argument(
        "--database", default="data/demo.db", help="SQLite file for the demo (default data/demo.db)"
    )
    demo.add_argument("--port", type=int, default=8081, help="port of the local Bot API (default 8081)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "sandbox":
            from sandbox.server import run as run_sandbox

            run_sandbox(args.host, args.port)
            return 0
        if args.command == "demo":
            from bot.demo import run_demo

            return run_demo(database=args.database, port=args.port)
        settings = load_settings()
        if args.command == "migrate":
            configure_logging(settings.log_level)
            return _migrate(settings)
        return _run(settings)
    except SettingsError as exc:
        print(f"fieldcrm: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except (OSError, SQLAlchemyError) as exc:
        print(
            f"fieldcrm: cannot use the database at {_safe_url(args)}: {exc.__class__.__name__}: {exc}",
            file=sys.stderr,
        )
        return 1


def _safe_url(args: argparse.Namespace) -> str:
    """DATABASE_URL without its password, fit for a terminal or a log."""
    try:
        return make_url(load_settings().database_url).render_as_string(hide_password=True)
    except (SettingsError, ValueError):
        return "DATABASE_URL"


def _migrate(settings: Settings) -> int:
    from storage import migrate

    asyncio.run(migrate.upgrade(settings.database_url))
    revision = asyncio.run(migrate.current_revision(settings.database_url))
    print(f"database is at revision {revision}")
    return 0


def _run(settings: Settings) -> int:
    token = settings.require_token()
    configure_logging(settings.log_level, secret=token)
    from bot.app import ALLOWED_UPDATES, build_application
    from storage import migrate

    asyncio.run(migrate.upgrade(settings.database_url))
    application = build_application(settings)
    application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0
