"""Which contexts of a workspace exchange events, read from their code without running it.

A context hears another's events by subscribing to the other's stream category: Protean
names an aggregate's category `<domain>::<aggregate>` (the domain's `normalized_name`), and an
event handler, projector or process manager of another domain reads it when declared with
`stream_category="ordering::customer"` (`stream_categories=[...]` for the last two; `$all`
reads every category). A subscriber reads a broker stream by name (`stream="..."`). Events
one context writes reach another only through the event store (or the broker) both use, so
`check` warns of a context on another event store or broker only where such a subscription
crosses (scaffolder.check.workspace_rules).

The code is untrusted and never imported: each module of a context's folder is parsed
(`ast`), and only literal names are read, a string or a module-level constant holding one.
What cannot be read so (a category the code computes, a module that does not parse, a
domain whose name is not a literal) is said, so the warning says it cannot tell.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.project_files import refuse_no_file

if TYPE_CHECKING:
    from scaffolder.workspace import Context

# Protean's element decorators (domain.<name>(...)) and the registration call, and the
# options of theirs that name what the element reads.
_ELEMENTS = frozenset({"event_handler", "projector", "process_manager", "subscriber", "register"})
_CATEGORY = "stream_category"
_CATEGORIES = "stream_categories"
_BROKER_STREAM = "stream"
_EVERY_CATEGORY = "$all"
# Beyond these a context's code is not read: the warning says it could not tell.
_MAX_FILES = 2000
_MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class Subscription:
    """A stream one context's code reads: an event category, or a broker stream."""

    stream: str
    file: str  # relative to the workspace's root
    line: int
    broker_only: bool = False  # a subscriber's broker stream, not the event store's


@dataclass(frozen=True)
class Crossing:
    """Context `reader` reads events context `writer` writes, on `stream`."""

    reader: str
    writer: str
    subscription: Subscription


@dataclass
class ContextCode:
    """What one context's code says: its domain's name as Protean normalizes it, its
    subscriptions, and why what it reads cannot be told in full (None: read in full), for
    every role and for the broker alone."""

    name: str
    domain: str | None = None
    subscriptions: list[Subscription] = field(default_factory=list)
    unread: str | None = None
    unread_broker: str | None = None


@dataclass(frozen=True)
class Exchange:
    """Every context's code as read, and the crossings between them."""

    codes: Mapping[str, ContextCode]
    crossings: tuple[Crossing, ...]

    def unread(self, context: str, broker: bool) -> str | None:
        """Why whether `context` exchanges events cannot be told (for the broker: also its
        subscribers' streams of no known publisher); None when it can."""
        code = self.codes.get(context)
        if code is None:
            return "its code was not read"
        return code.unread or (code.unread_broker if broker else None)


def normalized_name(name: str) -> str:
    """A domain's name as Protean's `Domain.normalized_name` gives it (inflection's
    transliterate, parameterize, then underscore of the lower-cased result):
    `Order Taking` -> `order_taking`, `MyDomain` -> `mydomain`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9\-_]+", "-", ascii_name, flags=re.IGNORECASE)
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"^-|-$", "", text)
    return text.lower().replace("-", "_")


def read_exchange(
    root: Path, contexts: Sequence[Context], trusted: Mapping[str, Callable[[Path], bool]]
) -> Exchange:
    """Each context's code read (never run), and who reads whose events. `trusted[name](path)`:
    whether a file of context `name` may be read (check's trust gate, ProjectContext.trusted,
    which reports a file it refuses)."""
    codes = {
        context.name: _read_context(root, context, trusted[context.name]) for context in contexts
    }
    return Exchange(codes, tuple(_crossings(codes)))


def _crossings(codes: Mapping[str, ContextCode]) -> Iterator[Crossing]:
    writers = {code.domain: code.name for code in codes.values() if code.domain is not None}
    for code in codes.values():
        for subscription in code.subscriptions:
            if subscription.stream == _EVERY_CATEGORY:
                others = [name for name in codes if name != code.name]
            else:
                prefix, found, _rest = subscription.stream.partition("::")
                writer = writers.get(prefix) if found else None
                others = [writer] if writer is not None and writer != code.name else []
                if not others and subscription.broker_only and code.unread_broker is None:
                    code.unread_broker = (
                        f"{subscription.file}:{subscription.line} subscribes to broker stream "
                        f"'{subscription.stream}', whose publisher is not read"
                    )
            for writer in others:
                yield Crossing(code.name, writer, subscription)


def _read_context(root: Path, context: Context, trusted: Callable[[Path], bool]) -> ContextCode:
    code = ContextCode(context.name)
    top = root.resolve()
    code.domain, why = _domain_name(top, context, trusted)
    if why is not None:
        code.unread = why
    files = _modules(context.folder)
    if len(files) > _MAX_FILES:
        code.unread = code.unread or f"its folder holds more than {_MAX_FILES} modules"
        return code
    for path in files:
        relative = _relative(top, path)
        tree, why = _parse(path, relative) if trusted(path) else (None, _refused(relative))
        if tree is None:
            code.unread = code.unread or why
            continue
        for subscription, why in _subscriptions(tree, relative):
            if subscription is not None:
                code.subscriptions.append(subscription)
            elif code.unread is None:
                code.unread = why
    return code


def _modules(folder: Path) -> list[Path]:
    """The context's modules: plain files inside its folder (no link, no cache). One that
    cannot be read (a named pipe, a device) is refused, not passed over: its handlers would
    be missing from what the contexts exchange."""
    found = []
    for path in folder.rglob("*.py"):
        if "__pycache__" in path.parts or path.is_dir():
            continue
        if not path.is_symlink() or path.exists():
            refuse_no_file(path, "a module of the context", "code")
        if not path.is_symlink() and path.is_file():
            found.append(path)
    return sorted(found)


def _relative(top: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(top).as_posix()
    except ValueError:
        return path.name


def _parse(path: Path, relative: str) -> tuple[ast.Module | None, str]:
    try:
        if path.stat().st_size > _MAX_BYTES:
            return None, f"{relative} is larger than {_MAX_BYTES // 1_000_000} MB"
        return ast.parse(path.read_bytes(), filename=relative), ""
    except SyntaxError as error:
        return None, f"{relative} does not parse (line {error.lineno})"
    except (OSError, ValueError) as error:
        return None, f"{relative} cannot be read ({type(error).__name__})"


def _refused(relative: str) -> str:
    return f"{relative} is not read (a link out of the project or into .git/)"


def _domain_name(
    top: Path, context: Context, trusted: Callable[[Path], bool]
) -> tuple[str | None, str | None]:
    """The normalized name of the context's `Domain(name=...)` (or its second positional
    argument), and why it cannot be read."""
    module = context.domain_module
    if module is None:
        return None, "its folder has no domain.py declaring its Domain"
    relative = _relative(top, module)
    if not trusted(module):
        return None, _refused(relative)
    tree, why = _parse(module, relative)
    if tree is None:
        return None, why
    constants = _constants(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node.func) == "Domain"):
            continue
        argument = next((k.value for k in node.keywords if k.arg == "name"), None)
        if argument is None and len(node.args) > 1:
            argument = node.args[1]
        names = _strings(argument, constants) if argument is not None else None
        if names is not None and len(names) == 1:
            return normalized_name(names[0]), None
        return None, f"{relative}:{node.lineno} names its Domain by what it computes"
    return None, f"{relative} declares no Domain(name=...)"


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module's top-level `NAME = "text"` (annotated or not)."""
    found: dict[str, str] = {}
    for node in tree.body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        literal = value.value if isinstance(value, ast.Constant) else None
        if isinstance(target, ast.Name) and isinstance(literal, str):
            found[target.id] = literal
    return found


def _strings(node: ast.expr, constants: Mapping[str, str]) -> list[str] | None:
    """The literal string(s) `node` is, or None when the code computes it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        found: list[str] = []
        for element in node.elts:
            one = _strings(element, constants)
            if one is None:
                return None
            found += one
        return found
    return None


def _subscriptions(tree: ast.Module, relative: str) -> Iterator[tuple[Subscription | None, str]]:
    """Each stream an element of the module reads, or (None, why) for one it computes."""
    constants = _constants(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node.func) in _ELEMENTS):
            continue
        subscriber = _called(node.func) == "subscriber"
        for keyword in node.keywords:
            if keyword.arg in (_CATEGORY, _CATEGORIES) or (
                subscriber and keyword.arg == _BROKER_STREAM
            ):
                names = _strings(keyword.value, constants)
                if names is None:
                    yield (
                        None,
                        (
                            f"{relative}:{node.lineno} subscribes to a stream its code computes "
                            f"({keyword.arg}=...)"
                        ),
                    )
                    continue
                for name in names:
                    yield Subscription(name, relative, node.lineno, broker_only=subscriber), ""
