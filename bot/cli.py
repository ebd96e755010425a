"""The `fieldcrm` command: run, migrate, sandbox, demo, churn-backtest."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import single_process
from bot.runtime.listening import CannotListen, listen_advice
from bot.runtime.logs import configure_logging
from bot.runtime.settings import Settings, SettingsError, load_settings
from bot.runtime.single_process import AlreadyRunning

DESCRIPTION = "FieldCRM: a CRM for field sales teams, inside Telegram."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldcrm", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="start the bot (long polling, or a webhook); applies pending migrations first",
        description="Start the bot with long polling, or with a webhook when --webhook is given or "
        "WEBHOOK_URL is set. Needs BOT_TOKEN; applies pending migrations first.",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook (needs WEBHOOK_URL, WEBHOOK_SECRET)",
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
        help="start the sandbox with its web chat and the bot on a seeded SQLite file",
        description="Try FieldCRM without Telegram: a local Bot API with a web chat in the browser, "
        "and the bot on a SQLite file with a seeded demo team.",
    )
    demo.add_argument(
        "--database", default="data/demo.db", help="SQLite file for the demo (default data/demo.db)"
    )
    demo.add_argument(
        "--port", type=int, default=8080, help="port of the local Bot API and its web chat (default 8080)"
    )
    backtest = commands.add_parser(
        "churn-backtest",
        help="check how well the churn score ranks real churners in a transaction log",
        description="Score every customer as of the cutoff from earlier transactions only, label as "
        "churned those with no transaction in (cutoff, cutoff + horizon], and print ROC AUC, "
        "precision among the riskiest 10 percent, the churn rate and the customer count, "
        "with the BG/NBD baseline's AUC.",
    )
    backtest.add_argument(
        "--transactions", required=True, metavar="FILE.csv", help="CSV with header customer_id,date,amount"
    )
    backtest.add_argument("--cutoff", required=True, type=_iso_date, metavar="YYYY-MM-DD", help="score date")
    backtest.add_argument(
        "--horizon-days", required=True, type=_positive_int, metavar="N", help="days after the cutoff"
    )
    backtest.add_argument("--format", choices=("text", "json"), default="text", help="output (default text)")
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number of days: {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "sandbox":
            return _sandbox(args.host, args.port)
        if args.command == "churn-backtest":
            return _churn_backtest(args)
        if args.command == "demo":
            from bot.demo.server import run_demo

            return run_demo(database=args.database, port=args.port)
        settings = load_settings()
        if args.command == "migrate":
            configure_logging(settings.log_level)
            return _migrate(settings)
        return _run(settings, webhook=args.webhook)
    except SettingsError as exc:
        print(f"fieldcrm: configuration error: {exc}", file=sys.stderr)
        return 2
    except AlreadyRunning as exc:
        print(f"fieldcrm: {exc}", file=sys.stderr)
        return 1
    except CannotListen as exc:
        print(f"fieldcrm: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except (OSError, SQLAlchemyError) as exc:
        # Only the database is left to raise these: the HTTP server reports its address as CannotListen.
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


def _sandbox(host: str, port: int) -> int:
    from sandbox.server import run as run_sandbox

    try:
        run_sandbox(host, port)
    except OSError as exc:
        raise CannotListen(
            listen_advice(host, port, exc, host_setting="--host", port_setting="--port")
        ) from exc
    return 0


def _churn_backtest(args: argparse.Namespace) -> int:
    from bot.analytics import backtest
    from bot.domain.churn_data import read_transactions

    try:
        log = read_transactions(args.transactions)
        result = backtest.run(log, cutoff=args.cutoff, horizon_days=args.horizon_days)
    except ValueError as exc:
        print(f"fieldcrm churn-backtest: {args.transactions}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"fieldcrm churn-backtest: cannot read {args.transactions}: {exc.strerror}", file=sys.stderr)
        return 2
    print(result.as_json() if args.format == "json" else result.as_text())
    return 0


def _migrate(settings: Settings) -> int:
    from storage import migrate

    asyncio.run(migrate.upgrade(settings.database_url))
    revision = asyncio.run(migrate.current_revision(settings.database_url))
    print(f"database is at revision {revision}")
    return 0


def _run(settings: Settings, *, webhook: bool) -> int:
    token = settings.require_token()
    if webhook and settings.webhook_url is None:
        raise SettingsError("WEBHOOK_URL: required for --webhook (the public https:// URL of this server)")
    lock = single_process.hold(settings.database_url)
    configure_logging(settings.log_level, secret=token)
    from bot.runtime.app import build_application
    from bot.runtime.telegram_bot import ALLOWED_UPDATES
    from storage import migrate

    asyncio.run(migrate.upgrade(settings.database_url))
    application = build_application(settings)
    if settings.webhook_url is not None:
        from bot.runtime import webhook as webhook_mode

        asyncio.run(webhook_mode.serve(application))
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    logging.getLogger(__name__).info("shutdown complete")
    if lock is not None:
        lock.close()
    return 0
