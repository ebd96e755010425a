"""The buttons of /audit."""

from __future__ import annotations

from bot.domain.audit import Scope
from bot.domain.roles import Role
from handlers.common.buttons import INT32_MAX, INT64_MAX, Button, Int, OneOf

# A page before or after an entry ("o"lder / "n"ewer), of everyone (ref 0), a person or a customer
AUDIT_PAGE = Button(
    "aud",
    scope=OneOf.of((Scope.ALL, Scope.USER, Scope.CUSTOMER)),
    ref=Int(0, INT32_MAX),
    direction=OneOf.of(("o", "n")),
    cursor=Int(0, INT64_MAX),
    roles={Role.ADMIN},
)
AUDIT_PEOPLE = Button("aud:who", roles={Role.ADMIN})
