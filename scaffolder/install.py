"""How CI installs a project's test tools: the way its pyproject.toml declares them.

protean-init's own template declares `[project.optional-dependencies] test`; a `protean new`
project declares `[dependency-groups] test` (PEP 735), which `pip install -e ".[test]"` does
not read: pip installs no pytest and the job fails. pip reads groups since 25.1
(`--group`), so the step first makes sure of that pip.
"""

from __future__ import annotations

import tomllib

EXTRA = 'python -m pip install -e ".[test]"'
GROUP = 'python -m pip install "pip>=25.1" && python -m pip install -e . --group test'
BARE = "python -m pip install -e . pytest"
# uv: `uv sync` makes .venv from pyproject.toml and uv.lock (writing the lock on a first run
# without one); the tests then run with `uv run`.
UV_EXTRA = "uv sync --extra test"
UV_GROUP = "uv sync --group test"
UV_BARE = "uv sync && uv pip install pytest"


def test_install_command(pyproject_text: str | None, installer: str = "pip") -> str:
    """The CI step that installs the project and its test tools (pytest among them)."""
    if installer == "uv":
        return {EXTRA: UV_EXTRA, GROUP: UV_GROUP, BARE: UV_BARE}[
            test_install_command(pyproject_text)
        ]
    if pyproject_text is None:
        return EXTRA
    try:
        data = tomllib.loads(pyproject_text)
    except tomllib.TOMLDecodeError:
        return EXTRA
    extras = (data.get("project") or {}).get("optional-dependencies") or {}
    groups = data.get("dependency-groups") or {}
    if isinstance(extras, dict) and "test" in extras:
        return EXTRA
    if isinstance(groups, dict) and "test" in groups:
        return GROUP
    # A project that declares no test tools: install it, and pytest beside it.
    return BARE if data.get("project") else EXTRA
