"""A config file as `check` reads it: the parsed tree, and the line of every key in it."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from scaffolder.catalog import TOP_LEVEL_KEYS
from scaffolder.errors import UsageError
from scaffolder.inputs import load_toml
from scaffolder.spec.environments import BASE
from scaffolder.toml.errors import error_text
from scaffolder.toml.scan import index_lines

Path = tuple[str, ...]


@dataclass
class Source:
    """The config file: `raw` is the config table ([tool.protean] in pyproject.toml)."""

    file: str
    root_key: Path
    document: dict[str, Any]
    raw: dict[str, Any]
    lines: dict[Path, int]
    # Top-level tables that are overlays (the rest of the non-key tables are dropped).
    overlays: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, file: str, root_key: Iterable[str] = ()) -> Source:
        """UsageError (exit 2) with line and column for malformed TOML, and for what the
        edits refuse to read (scaffolder.inputs.load_toml: nesting over 64 deep, nan and inf):
        one reader, one verdict."""

        try:
            document = load_toml(text, FilePath(file))
        except tomllib.TOMLDecodeError as error:
            raise UsageError(f"{file}: {error_text(error, text)}") from error
        root = tuple(root_key)
        raw: Any = document
        for key in root:
            raw = raw.get(key, {}) if isinstance(raw, dict) else {}
        if not isinstance(raw, dict):
            raw = {}
        return cls(file, root, document, raw, index_lines(text))

    def exact(self, path: Path) -> int | None:
        """The line of `path` (relative to the config table) if the file writes it."""
        return self.lines.get(self.root_key + path)

    @property
    def root_line(self) -> int:
        return self.lines.get(self.root_key, 1) if self.root_key else 1

    def origin(self, env: str, path: Path) -> tuple[str, int] | None:
        """Which environment's table sets `path` in `env`, and on what line; None when the
        value is one of Protean's defaults."""
        if env != BASE:
            line = self.exact((env, *path))
            if line is not None:
                return env, line
        if path and path[0] in TOP_LEVEL_KEYS:
            line = self.exact(path)
            if line is not None:
                return BASE, line
        return None

    def where(self, env: str, path: Path) -> int:
        """The line that best explains `path` in `env`: the key, else its nearest table."""
        for end in range(len(path), 0, -1):
            found = self.origin(env, path[:end])
            if found:
                return found[1]
        return self.env_line(env)

    def env_line(self, env: str) -> int:
        if env != BASE:
            line = self.exact((env,))
            if line is not None:
                return line
        return self.root_line

    def table_name(self, env: str, path: Path) -> str:
        """`[production.databases.default]`, as the user would write the header."""
        full = (*self.root_key, *(() if env == BASE else (env,)), *path)
        return "[" + ".".join(_quote(part) for part in full) + "]"


def _quote(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else f'"{key}"'
