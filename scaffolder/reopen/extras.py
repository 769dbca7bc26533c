"""Keeping the project's `protean[...]` dependency in step with the providers it configures.

A database added on mysql is useless without `protean[mysql]`; the reopen commands add the
missing extras where the project's installer reads them, changing nothing else: the PEP 621
requirement string (`[project] dependencies`), or Poetry's `extras` list of
`[tool.poetry.dependencies] protean = { version = ..., extras = [...] }` (Poetry ignores
`[project]` extras it did not write). Where neither can take them (Poetry's plain version
string, no protean dependency at all), `unplaced` names them in one line for the user.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable

from scaffolder.toml.edit import set_value
from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.scan import Document
from scaffolder.toml.values import render


def _lacking(needed: Iterable[str], have: Iterable[str]) -> list[str]:
    """The extras of `needed` that `have` does not name, compared as installers compare them
    (PEP 685: `message_db` is `message-db`), in sorted order."""
    present = {_normalized(name) for name in have}
    return sorted({name for name in needed if _normalized(name) not in present})


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_PROTEAN = re.compile(r"^protean(?:\[(?P<extras>[^\]]*)\])?(?P<rest>(?![\w.-]).*)$", re.DOTALL)


def with_extras(pyproject_text: str, needed: Iterable[str]) -> str:
    """`pyproject_text` with `needed` extras on its protean dependency; unchanged if none lack.

    Only the requirement string changes; anything unexpected leaves the file as it was.
    """
    try:
        data = tomllib.loads(pyproject_text)
    except tomllib.TOMLDecodeError:
        return pyproject_text
    poetry = _poetry_protean(data)
    if poetry is not None:
        return _with_poetry_extras(pyproject_text, data, poetry, needed)
    dependencies = data.get("project", {}).get("dependencies", [])
    for requirement in dependencies:
        match = _PROTEAN.match(requirement) if isinstance(requirement, str) else None
        if match is None:
            continue
        have = {e.strip() for e in (match.group("extras") or "").split(",") if e.strip()}
        missing = set(_lacking(needed, have))
        if not missing:
            return pyproject_text
        updated = f"protean[{','.join(sorted(have | missing))}]{match.group('rest')}"
        quoted = [f'"{requirement}"', f"'{requirement}'"]
        found = [q for q in quoted if pyproject_text.count(q) == 1]
        if not found:
            return pyproject_text
        quote = found[0][0]
        result = pyproject_text.replace(found[0], f"{quote}{updated}{quote}", 1)
        expected = [updated if d == requirement else d for d in dependencies]
        if tomllib.loads(result).get("project", {}).get("dependencies") != expected:
            return pyproject_text
        return result
    return pyproject_text


_POETRY = ("tool", "poetry", "dependencies", "protean")


def _poetry_protean(data: dict) -> object | None:
    """Poetry's protean dependency (a version string or a table), None without one."""
    node: object = data
    for key in _POETRY:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _with_poetry_extras(text: str, data: dict, protean: object, needed: Iterable[str]) -> str:
    """The extras added to Poetry's `protean = { ..., extras = [...] }` (a `[...protean]`
    table too), as an edit of that list or a new `extras` key; a version string is left."""
    if not isinstance(protean, dict):
        return text
    have = protean.get("extras", [])
    if not isinstance(have, list) or not all(isinstance(e, str) for e in have):
        return text
    missing = _lacking(needed, have)
    if not missing:
        return text

    try:
        if "extras" in protean:
            return _replace_array(text, (*_POETRY, "extras"), [*have, *missing])
        return set_value(text, (*_POETRY, "extras"), missing)
    except TomlEditError:
        return text


def _replace_array(text: str, path: tuple[str, ...], values: list[str]) -> str:
    """`text` with the array at `path` written anew as `values` (its key and comments
    untouched), verified to parse to the old document with only that array changed."""

    span = Document(text).values.get(path)
    if span is None or span[2] != "array":
        raise TomlEditError("the extras list is not written where it can be edited")
    start, end, _ = span
    result = text[:start] + render(values) + text[end:]
    expected = tomllib.loads(text)
    node = expected
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = values
    if tomllib.loads(result) != expected:
        raise TomlEditError("refusing to write: the extras would not parse as intended")
    return result


def unplaced(pyproject_text: str, needed: Iterable[str]) -> str | None:
    """One line naming the extras the project's protean dependency still lacks where
    `with_extras` could not add them; None when it has them all (or none are needed)."""
    try:
        data = tomllib.loads(pyproject_text)
    except tomllib.TOMLDecodeError:
        return None
    wanted = sorted(set(needed))
    if not wanted:
        return None
    poetry = _poetry_protean(data)
    if poetry is not None:
        have = poetry.get("extras", []) if isinstance(poetry, dict) else []
        lacking = _lacking(wanted, have if isinstance(have, list) else [])
        if not lacking:
            return None
        listed = ", ".join(f'"{e}"' for e in lacking)
        return (
            f"the providers need protean's extras {', '.join(lacking)}: add them to "
            f"[tool.poetry.dependencies] protean, e.g. protean = {{ version = ..., extras = "
            f"[{listed}] }}, then poetry lock"
        )
    for requirement in data.get("project", {}).get("dependencies", []):
        match = _PROTEAN.match(requirement) if isinstance(requirement, str) else None
        if match is not None:
            have = {e.strip() for e in (match.group("extras") or "").split(",")}
            lacking = _lacking(wanted, have)
            if not lacking:
                return None
            return f"add protean's extras {', '.join(lacking)} to its requirement by hand"
    return (
        f"pyproject.toml declares no protean dependency protean-init can edit: install "
        f"protean[{','.join(wanted)}] the way the project installs its dependencies"
    )
