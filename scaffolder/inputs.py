"""Reading the files a user hands us (domain.toml, pyproject.toml, answers files) defensively.

Every such file may be hostile or broken: too large, not UTF-8, nested thousands deep, a YAML
alias bomb. Each of those is one UsageError line (exit 2) naming the file and what is wrong,
raised before anything is parsed or written; never a traceback, never minutes of CPU.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scaffolder.errors import UsageError
from scaffolder.toml.tree import TomlText

# A domain.toml with 2,000 tables is ~60 KiB; 4 MiB is far beyond any real config, and small
# enough that parsing what passes stays well under a second.
MAX_BYTES = 4 * 1024 * 1024
# Protean's config nests ~4 levels (overlay.databases.name.key); 64 leaves room for user
# tables and stays far below Python's recursion limit in every walk of the tree.
MAX_DEPTH = 64


def read_bytes(path: Path, what: str) -> bytes:
    """The file's bytes, refusing one over MAX_BYTES without reading it all."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read {what} {path}: {error.strerror or error}") from error
    if len(data) > MAX_BYTES:
        size = _size(path)
        raise UsageError(
            f"{path}: {what} is {size} long, over the {MAX_BYTES // (1024 * 1024)} MiB limit; "
            "nothing read"
        )
    return data


def _size(path: Path) -> str:
    try:
        return f"{os.stat(path).st_size / (1024 * 1024):.1f} MiB"
    except OSError:
        return "more than that"


def decode(data: bytes, path: Path, *, keep_newlines: bool = False) -> str:
    """UTF-8 text; a bad byte is a UsageError naming its line and byte offset.

    Without `keep_newlines`, CRLF and CR become LF as `Path.read_text` does.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.end].hex(" ")
        raise UsageError(
            f"{path}: line {line}, byte {error.start + 1}: not UTF-8 (0x{bad}); "
            "save the file as UTF-8"
        ) from None
    if not keep_newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path, what: str, *, keep_newlines: bool = False) -> str:
    return decode(read_bytes(path, what), path, keep_newlines=keep_newlines)


def check_depth(data: Any, path: Path) -> tuple[tuple[str, ...], float] | None:
    """Refuse data nested deeper than MAX_DEPTH (iteratively: the check cannot recurse).
    Returns the first number that is not finite (`nan`, `inf`), with its key path, from the
    same walk: Python's readers take them, other TOML tools, YAML 1.2 tools and Protean's
    settings do not, so the caller refuses them with their line."""
    # Tables and lists only are stacked, with their depth: the leaves (a 2,000-table config's
    # 6,000 strings) are looked at in their parent's loop. Where the number is, in order, is
    # found by a second walk, only when there is one.
    stack: list[tuple[Any, int]] = [(data, 0)] if isinstance(data, dict | list) else []
    not_finite = _not_finite(data)
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise UsageError(
                f"{path}: tables or lists nested more than {MAX_DEPTH} deep; nothing read"
            )
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif not not_finite and _not_finite(child):
                not_finite = True
    return _first_not_finite(data) if not_finite else None


def _not_finite(value: Any) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _first_not_finite(data: Any) -> tuple[tuple[str, ...], float] | None:
    """The first number in `data` (in document order) that is not finite, with its key
    path; `data` is nested no deeper than MAX_DEPTH."""
    # (value, its key or None in a list, its parent's entry): the key path is put together
    # for the number found only.
    stack: list[tuple[Any, str | None, Any]] = [(data, None, None)]
    found = None
    while stack and found is None:
        entry = stack.pop()
        value = entry[0]
        if isinstance(value, dict):
            stack.extend(reversed([(child, str(k), entry) for k, child in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(child, None, entry) for child in value]))
        elif _not_finite(value):
            found = entry
    if found is None:
        return None
    keys: list[str] = []
    entry = found
    while entry is not None:
        key = entry[1]
        if key is not None:
            keys.append(key)
        entry = entry[2]
    return tuple(reversed(keys)), found[0]


def guarded(
    parse: Callable[[], Any],
    path: Path,
    line_of: Callable[[tuple[str, ...]], int | None] = lambda keys: None,
) -> Any:
    """Run a parser; a RecursionError (nesting deeper than the parser can follow) is one line,
    and so is a number that is not finite (`line_of` finds its line from its key path)."""
    try:
        data = parse()
    except RecursionError:
        raise UsageError(
            f"{path}: tables or lists nested more than {MAX_DEPTH} deep; nothing read"
        ) from None
    bad = check_depth(data, path)
    if bad is not None:
        keys, number = bad
        line = line_of(keys)
        where = f"line {line}: " if line else ""
        name = ".".join(keys) or "the value"
        raise UsageError(
            f"{path}: {where}{name} = {number}: not a finite number (Protean and most TOML "
            "and YAML tools refuse nan and inf); write a number"
        )
    return data


def load_toml(text: str, path: Path) -> dict[str, Any]:
    """tomllib.loads with the depth and number guards; TOMLDecodeError is left to the caller
    to word. A TomlText (scaffolder.toml.tree) is parsed once, whoever reads it first: the
    guards read the tree it carries."""
    document = text if isinstance(text, TomlText) else TomlText(text)

    def line_of(keys: tuple[str, ...]) -> int | None:
        # deferred: scaffolder.toml.scan ~2 ms (CPU, measured): `edit --ui none` imports this module
        # without it
        from scaffolder.toml.scan import index_lines

        lines = index_lines(text)
        while keys and keys not in lines:
            keys = keys[:-1]
        return lines.get(keys)

    return guarded(lambda: document.tree, path, line_of)


def scan_yaml(text: str, path: Path, loader: Any) -> None:
    """Refuse YAML anchors and aliases, and nesting deeper than MAX_DEPTH, from the event
    stream, before anything is built: a few lines of aliases (a "billion laughs") expand to
    millions of values in every walk of the data, and libyaml composes nesting recursively in
    C. protean-init never writes either."""
    # deferred: yaml ~9 ms (CPU, measured): add-env imports this module without it
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise UsageError(
                f"{path}: line {mark.line + 1}, column {mark.column + 1}: YAML anchors and "
                "aliases (&name, *name) are not allowed here; write the values out"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise UsageError(
                    f"{path}: line {event.start_mark.line + 1}: mappings or lists nested more "
                    f"than {MAX_DEPTH} deep; nothing read"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml(text: str, path: Path, *, fast: bool = False) -> Any:
    """A YAML document as plain data: aliases and deep nesting refused (UsageError).

    Malformed YAML raises yaml.YAMLError, for the caller to word with yaml_error_text.
    `fast` uses libyaml's parser where PyYAML has it (the answers record grows with
    domain.toml); a user's answers file gets the Python parser's more precise messages.
    """
    # deferred: yaml ~9 ms (CPU, measured): add-env imports this module without it
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader
    scan_yaml(text, path, loader)
    return guarded(lambda: yaml.load(text, Loader=loader), path)
