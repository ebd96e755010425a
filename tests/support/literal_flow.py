"""Follow text in the source to where users read it, and report words written outside gettext.

A static reading of `bot/` and `handlers/` (AST, nothing imported). A *sink* is where text leaves for
a person: a message, an edit, a callback answer, a caption, a button label, a command description,
a file name, a chart label. From each sink the expression is followed back through f-strings, `+`,
`.format`, `.join`, names assigned in the same function (also by `append`/`extend`/loops), module
constants, and functions of the project (their returns, and their parameters that reach a sink).
Anything reached that is a gettext call is fine; a string literal with an English word or Chinese
characters in it is a hit: it would read the same in every language.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

GETTEXT = frozenset({"gettext", "ngettext", "pgettext", "npgettext", "N_", "_"})

# Calls whose text reaches a reader, and which positional arguments hold that text.
SINK_POSITIONS: dict[str, tuple[int, ...]] = {
    "reply_text": (0,),
    "reply_html": (0,),
    "send_message": (1,),
    "edit_message_text": (0,),
    "edit_message_caption": (0,),
    "edit_text": (0,),
    "answer": (0,),
    "InlineKeyboardButton": (0,),
    "KeyboardButton": (0,),
    "BotCommand": (1,),
    "InlineQueryResultArticle": (1,),
    "InputTextMessageContent": (0,),
    "set_title": (0,),
    "set_xlabel": (0,),
    "set_ylabel": (0,),
    "suptitle": (0,),
    "set_xticks": (1,),
    "message": (0,),
    "photo_by_id": (1,),
}
# Keywords that carry text to a reader, now or once stored (a ticket's description, a reminder's note).
SINK_KEYWORDS = frozenset(
    {"text", "caption", "filename", "title", "description", "label", "question", "note", "body"}
)
# `Labels(...)` carries every text of the digest chart; each of its fields is drawn.
ALL_ARGUMENTS = frozenset({"Labels"})

# Calls whose `text=`/`description=` is not read in the chat: HTTP answers to Telegram and probes,
# command-line help for whoever runs the server.
NOT_READ_IN_CHAT = frozenset({"Response", "json_response", "ArgumentParser", "add_parser", "add_argument"})
# Folders left out: the demo's made-up customers, notes and places, and its web page's persona titles,
# belong to the sandbox's English page, not to the bot.
NOT_SCANNED = ("bot/demo/",)

# Words that read the same in every language we ship: names of products and formats, and codes.
# Each needs a reason; a word of English prose never belongs here.
UNTRANSLATED_WORDS = frozenset(
    {
        "FieldCRM",  # the product's name
        "Excel",  # a program's name, on the export format button
        "CSV",  # a file format, on the export format button
        "xlsx",  # a file extension, on the export format button
        "NPS",  # Net Promoter Score: the same letters in the Chinese catalogue
        "CNY",  # ISO 4217 currency codes, offered as codes on the currency buttons
        "USD",
        "EUR",
        "HKD",
        "UTC",  # a fixed offset reads 'UTC+8' in both languages
        "VIP",  # a tier code, stored and shown as is, like tiers A, B and C
    }
)
# Literals that reach a reader on purpose, each with its reason.
ALLOWED_LITERALS: dict[tuple[str, str], str] = {
    ("bot/i18n.py", "English"): "a language's own name on the language picker",
    ("bot/i18n.py", "简体中文"): "a language's own name on the language picker",
    ("bot/domain/spreadsheets.py", "Sheet1"): "Excel's default sheet name, only when a sheet has no title",
}
# Functions that show a stored code as is only when their table has no label for it (a value written
# by a newer version): the code is data, not a sentence.
CODE_FALLBACKS = frozenset({("handlers.common.labels", "label")})
# A list joined with the English comma reads wrong in Chinese (、); `bot.domain.text.join_list` joins it.
LIST_SEPARATORS = frozenset({",", ", ", "，"})
COMMAND = re.compile(r"(?<![\w/])/[a-z_]+")
URL = re.compile(r"\w+://\S+|t\.me/\S*")
HTML_TAG = re.compile(r"</?\w+[^>]*>|&\w+;")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%[sd]")
EXTENSION = re.compile(r"\.[a-z0-9]{2,4}\b")
# An English word, or a run of Chinese characters: text written in one language for every reader.
WORD = re.compile(r"[A-Za-z]{2,}|[\u3400-\u4dbf\u4e00-\u9fff]+")


def words_to_translate(text: str) -> list[str]:
    """The words in a literal, once markup, links, placeholders and extensions are dropped."""
    for pattern in (HTML_TAG, URL, PLACEHOLDER, EXTENSION, COMMAND):
        text = pattern.sub(" ", text)
    return [word for word in WORD.findall(text) if word not in UNTRANSLATED_WORDS]


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


@dataclass
class Module:
    name: str
    path: str
    tree: ast.Module
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    constants: dict[str, ast.expr] = field(default_factory=dict)
    imported_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias -> (module, name)
    imported_modules: dict[str, str] = field(default_factory=dict)  # alias -> module


Function = tuple[str, str]  # (module, function name)


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    arguments = function.args
    return [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]


class Project:
    """The modules under the given roots, and what flows from their literals to a reader."""

    def __init__(self, root: Path, packages: tuple[str, ...]) -> None:
        self.root = root
        self.modules: dict[str, Module] = {}
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                if not path.relative_to(root).as_posix().startswith(NOT_SCANNED):
                    self._load(path)
        self.sink_params: dict[Function, set[str]] = {}
        self.return_params: dict[Function, set[str]] = {}
        self.hits: set[Hit] = set()

    def _load(self, path: Path) -> None:
        relative = path.relative_to(self.root)
        name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        module = Module(name, str(relative), ast.parse(path.read_text(encoding="utf-8")))
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                module.functions[node.name] = node
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        module.constants[target.id] = node.value
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    module.imported_names[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    module.imported_modules[alias.asname or alias.name] = alias.name
        self.modules[name] = module

    def resolve(self, module: Module, call: ast.Call) -> Function | None:
        """The project function a call names, if it is one."""
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in module.functions:
                return module.name, func.id
            source = module.imported_names.get(func.id)
            if source and source[0] in self.modules and source[1] in self.modules[source[0]].functions:
                return source
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            alias = func.value.id
            target = module.imported_modules.get(alias)
            if target is None and alias in module.imported_names:
                target = ".".join(module.imported_names[alias])
            if target in self.modules and func.attr in self.modules[target].functions:
                return target, func.attr
        return None

    def constant(self, module: Module, name: str) -> tuple[Module, ast.expr] | None:
        if name in module.constants:
            return module, module.constants[name]
        source = module.imported_names.get(name)
        if source and source[0] in self.modules and source[1] in self.modules[source[0]].constants:
            owner = self.modules[source[0]]
            return owner, owner.constants[source[1]]
        return None

    def analyse(self) -> list[Hit]:
        """Summaries of every function until they settle, then every sink followed to its literals."""
        for _ in range(6):
            before = (repr(self.sink_params), repr(self.return_params))
            self.hits.clear()
            for module in self.modules.values():
                self._scan_scope(module, None, module.tree)
                for function in self._all_functions(module):
                    self._scan_scope(module, function, function)
            if (repr(self.sink_params), repr(self.return_params)) == before:
                break
        return sorted(self.hits, key=lambda hit: (hit.path, hit.line))

    @staticmethod
    def _all_functions(module: Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield node

    def _scan_scope(
        self, module: Module, function: ast.FunctionDef | ast.AsyncFunctionDef | None, scope: ast.AST
    ) -> None:
        """Follow every sink and (for a function) every return in one scope, not in nested functions."""
        key = (module.name, function.name) if function is not None else None
        flow = Flow(self, module, function)
        for node in _own_nodes(scope):
            if isinstance(node, ast.Call):
                for expr in self._sink_arguments(module, node):
                    flow.follow(expr)
            elif isinstance(node, ast.Return) and node.value is not None and key is not None:
                returned = Flow(self, module, function)
                returned.follow(node.value)
                self.return_params.setdefault(key, set()).update(returned.params)
        if key is not None:
            self.sink_params.setdefault(key, set()).update(flow.params)
        self.hits.update(flow.hits)

    def _sink_arguments(self, module: Module, call: ast.Call) -> Iterator[ast.expr]:
        name = _callee_name(call)
        if name in NOT_READ_IN_CHAT:
            return
        if name in ALL_ARGUMENTS:
            yield from call.args
            yield from (keyword.value for keyword in call.keywords)
            return
        for index in SINK_POSITIONS.get(name or "", ()):
            if index < len(call.args):
                yield call.args[index]
        for keyword in call.keywords:
            if keyword.arg in SINK_KEYWORDS:
                yield keyword.value
        target = self.resolve(module, call)
        if target is not None:
            yield from self.bound_arguments(target, call, self.sink_params.get(target, set()))

    def bound_arguments(self, target: Function, call: ast.Call, wanted: set[str]) -> Iterator[ast.expr]:
        if not wanted:
            return
        params = _parameters(self.modules[target[0]].functions[target[1]])
        for index, argument in enumerate(call.args):
            if index < len(params) and params[index] in wanted:
                yield argument
        for keyword in call.keywords:
            if keyword.arg in wanted:
                yield keyword.value


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, without descending into functions or classes defined inside it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


class Flow:
    """Where the text of one expression comes from, inside one function of one module."""

    def __init__(
        self, project: Project, module: Module, function: ast.FunctionDef | ast.AsyncFunctionDef | None
    ) -> None:
        self.project = project
        self.module = module
        self.function = function
        self.params: set[str] = set()
        self.literals: list[tuple[Module, ast.expr]] = []
        self.separators: list[tuple[Module, ast.Constant]] = []
        self._seen: set[int] = set()

    @property
    def hits(self) -> set[Hit]:
        found = set()
        for module, node in self.literals:
            text = _template(node)
            if words_to_translate(text) and (module.path, text) not in ALLOWED_LITERALS:
                found.add(Hit(module.path, node.lineno, text))
        for module, separator in self.separators:
            found.add(Hit(module.path, separator.lineno, f"{separator.value!r}.join"))
        return found

    def follow(self, expr: ast.AST | None) -> None:
        if expr is None or id(expr) in self._seen:
            return
        self._seen.add(id(expr))
        match expr:
            case ast.Constant(value=str()):
                self.literals.append((self.module, expr))
            case ast.JoinedStr(values=values):
                self.literals.append((self.module, expr))
                for value in values:
                    if isinstance(value, ast.FormattedValue):
                        self.follow(value)
            case ast.FormattedValue(value=value):
                self.follow(value)
            case ast.BinOp(left=left, right=right):
                self.follow(left)
                self.follow(right)
            case ast.IfExp(body=body, orelse=orelse):
                self.follow(body)
                self.follow(orelse)
            case ast.BoolOp(values=values):
                for value in values:
                    self.follow(value)
            case ast.List(elts=elts) | ast.Tuple(elts=elts) | ast.Set(elts=elts):
                for element in elts:
                    self.follow(element)
            case ast.Dict(values=values):
                for value in values:
                    self.follow(value)
            case ast.ListComp(elt=elt) | ast.GeneratorExp(elt=elt) | ast.SetComp(elt=elt):
                self.follow(elt)
            case ast.Starred(value=value) | ast.Await(value=value):
                self.follow(value)
            case ast.Subscript(value=value):
                self.follow(value)
            case ast.Call():
                self._follow_call(expr)
            case ast.Name(id=name):
                self._follow_name(name)

    def _follow_call(self, call: ast.Call) -> None:
        name = _callee_name(call)
        if name in GETTEXT:
            return
        if isinstance(call.func, ast.Attribute) and name == "get":
            self.follow(call.func.value)
            for argument in call.args[1:]:
                self.follow(argument)
            return
        if isinstance(call.func, ast.Attribute) and name == "join":
            receiver = call.func.value
            if isinstance(receiver, ast.Constant) and receiver.value in LIST_SEPARATORS:
                self.separators.append((self.module, receiver))
        if isinstance(call.func, ast.Attribute) and name in {"format", "join", "items", "values"}:
            self.follow(call.func.value)
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                self.follow(argument)
            return
        if name in {"str", "escape", "clip", "one_line", "sorted", "list", "tuple", "reversed"}:
            for argument in call.args:
                self.follow(argument)
            return
        target = self.project.resolve(self.module, call)
        if target is None or target in CODE_FALLBACKS:
            return
        owner = self.project.modules[target[0]]
        function = owner.functions[target[1]]
        inner = Flow(self.project, owner, function)
        inner._seen = self._seen
        for node in _own_nodes(function):
            if isinstance(node, ast.Return):
                inner.follow(node.value)
        self.literals.extend(inner.literals)
        self.separators.extend(inner.separators)
        returned = self.project.return_params.get(target, set())
        for argument in self.project.bound_arguments(target, call, returned):
            self.follow(argument)

    def _follow_name(self, name: str) -> None:
        function = self.function
        if function is not None:
            if name in _parameters(function):
                self.params.add(name)
                return
            values = list(_assigned(function, name))
            for value in values:
                self.follow(value)
            if values:
                return
        found = self.project.constant(self.module, name)
        if found is not None:
            owner, value = found
            if owner is self.module:
                self.follow(value)
            else:
                inner = Flow(self.project, owner, None)
                inner._seen = self._seen
                inner.follow(value)
                self.literals.extend(inner.literals)
                self.separators.extend(inner.separators)


def _template(node: ast.expr) -> str:
    """A literal's text; an f-string's with `{}` where its values go, so it is judged as a whole."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    assert isinstance(node, ast.JoinedStr)
    return "".join(str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values)


def _assigned(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> Iterator[ast.expr]:
    """Every value given to `name` in a function: assignments, `+=`, `append`/`extend`, loop targets."""
    for node in _own_nodes(function):
        if isinstance(node, ast.Assign):
            if any(_binds(target, name) for target in node.targets):
                yield node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
            if node.value is not None and _binds(node.target, name):
                yield node.value
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            if _binds(node.target, name):
                yield node.iter
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            growing = node.func.attr in {"append", "extend", "insert", "add"}
            if growing and isinstance(receiver, ast.Name) and receiver.id == name:
                yield from node.args


def _binds(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, ast.Tuple | ast.List):
        return any(_binds(element, name) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _binds(target.value, name)
    return False
