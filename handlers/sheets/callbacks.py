"""The buttons of /export and of a spreadsheet import's preview (the token names the preview)."""

from __future__ import annotations

import re

from bot.domain.roles import Role
from bot.services.exports import ExportKind, FileFormat
from handlers.common.buttons import MANAGEMENT_ROLES, Button, OneOf, Token

EXPORT_KIND = Button("exp:k", kind=OneOf.of(ExportKind), roles=MANAGEMENT_ROLES)
EXPORT_FORMAT = Button(
    "exp:f", kind=OneOf.of(ExportKind), file_format=OneOf.of(FileFormat), roles=MANAGEMENT_ROLES
)
IMPORT_TOKEN = Token(re.compile(r"[A-Za-z0-9_-]{1,16}"))
CONFIRM_IMPORT = Button("imp:ok", token=IMPORT_TOKEN, roles={Role.MANAGER})
CANCEL_IMPORT = Button("imp:no", token=IMPORT_TOKEN, roles={Role.MANAGER})
