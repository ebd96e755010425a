"""The page buttons of /find: the search text rides along when it fits in 64 bytes, else it is empty
(and kept in user_data)."""

from __future__ import annotations

import re

from handlers.common.buttons import FIELD_ROLES, PAGE, Button, Token

FIND_PAGE = Button("find:page", page=PAGE, text=Token(re.compile(r".*", re.DOTALL)), roles=FIELD_ROLES)
