"""Keeping the project's `protean[...]` dependency in step with the providers it configures.

A database added on mysql is useless without `protean[mysql]`; the reopen commands add the
missing extras to the requirement string in pyproject.toml, changing nothing else.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable

_PROTEAN = re.compile(r"^protean(?:\[(?P<extras>[^\]]*)\])?(?P<rest>(?![\w.-]).*)$", re.DOTALL)


def with_extras(pyproject_text: str, needed: Iterable[str]) -> str:
    """`pyproject_text` with `needed` extras on its protean dependency; unchanged if none lack.

    Only the requirement string changes; anything unexpected leaves the file as it was.
    """
    try:
        data = tomllib.loads(pyproject_text)
    except tomllib.TOMLDecodeError:
        return pyproject_text
    dependencies = data.get("project", {}).get("dependencies", [])
    for requirement in dependencies:
        match = _PROTEAN.match(requirement) if isinstance(requirement, str) else None
        if match is None:
            continue
        have = {e.strip() for e in (match.group("extras") or "").split(",") if e.strip()}
        missing = set(needed) - have
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
