"""The bots bench/throughput.py runs in a child process: `python -m bench.bots crm|echo --api-url URL ...`.

A module of its own, importing only PTB at the top, so the echo bot's resident memory is PTB's
own and the real bot's is what `fieldcrm run` would hold, not the benchmark's baggage.
"""

from __future__ import annotations

import argparse

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


def echo(token: str, api_url: str) -> None:
    """A bare PTB bot: one MessageHandler that replies with the text, defaults everywhere else."""
    application = Application.builder().token(token).base_url(f"{api_url}/bot").build()
    application.add_handler(MessageHandler(filters.TEXT, _reply_with_text))
    application.run_polling(allowed_updates=[Update.MESSAGE])


async def _reply_with_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def crm(token: str, api_url: str, *, database_url: str, paced: bool) -> None:
    """The real bot as `fieldcrm run` starts it (migrations left to the caller), long polling."""
    from bot.runtime.app import build_application
    from bot.runtime.logs import configure_logging
    from bot.runtime.settings import Settings
    from bot.runtime.telegram_bot import ALLOWED_UPDATES

    settings = Settings(
        _env_file=None,
        bot_token=token,
        database_url=database_url,
        telegram_api_url=f"{api_url}/bot",
        telegram_file_url=f"{api_url}/file/bot",
        default_locale="en",
        timezone="Asia/Shanghai",
        # Many simulated people at once: the per-user limiter must not be what is measured.
        rate_per_second=1000.0,
        rate_burst=1000,
        # Probes and metrics on a free port: the bench must not collide with anything on 8080.
        http_host="127.0.0.1",
        http_port=0,
    )
    configure_logging(settings.log_level, secret=token)
    application = build_application(settings)
    if not paced:
        # Bench only: drop PTB's AIORateLimiter (30 sends a second overall) to see what the rest can do.
        application.bot._rate_limiter = None
    application.run_polling(allowed_updates=ALLOWED_UPDATES)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=("crm", "echo"))
    parser.add_argument("--token", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--unpaced", action="store_true", help="without the 30 a second send pacing")
    args = parser.parse_args()
    if args.kind == "echo":
        echo(args.token, args.api_url)
    else:
        crm(args.token, args.api_url, database_url=args.database_url, paced=not args.unpaced)


if __name__ == "__main__":
    cli()
