"""Imports sit at the top of their module (#27). One inside a function is deferred on purpose
and says so: a comment starting `# deferred:` on its line or right above it, naming what it
keeps out of start-up and what that costs as measured (one comment may cover a block of
consecutive imports). The walk below fails naming file:line for any other."""

from __future__ import annotations

import ast
from pathlib import Path

import scaffolder

PACKAGE = Path(scaffolder.__file__).parent
MARK = "# deferred:"


def _says_deferred(lines: list[str], first: int, starts: dict[int, int]) -> bool:
    """Whether the import starting on line `first` (1-based) has the mark on its line or in the
    comment right above it, or above the block of imports it closes."""
    if MARK in lines[first - 1]:
        return True
    above = first - 1
    while above in starts:  # the line above ends another import: the block goes on upwards
        above = starts[above] - 1
    while above >= 1 and lines[above - 1].lstrip().startswith("#"):
        if lines[above - 1].lstrip().startswith(MARK):
            return True
        above -= 1
    return False


def undeclared_imports(root: Path) -> list[str]:
    """`path:line` of every import inside a function under `root` without the mark."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, filename=str(path))
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        # The last line of each import -> its first: consecutive imports form one block.
        starts = {n.end_lineno or n.lineno: n.lineno for n in imports}
        inside: set[int] = set()
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                inside.update(
                    n.lineno
                    for n in ast.walk(function)
                    if isinstance(n, ast.Import | ast.ImportFrom)
                )
        found.extend(
            f"{path.relative_to(root.parent)}:{line}"
            for line in sorted(inside)
            if not _says_deferred(lines, line, starts)
        )
    return found


def test_every_import_inside_a_function_says_why_it_is_deferred() -> None:
    undeclared = undeclared_imports(PACKAGE)
    assert undeclared == [], (
        "imports inside functions without a '# deferred: MODULE (~N ms) ...' comment: move "
        "them to the top, or say what they keep out of start-up:\n" + "\n".join(undeclared)
    )


def test_the_walk_names_a_planted_import_and_accepts_a_declared_one(tmp_path: Path) -> None:
    package = tmp_path / "planted"
    package.mkdir()
    (package / "mod.py").write_text(
        "import os\n"
        "\n"
        "\n"
        "def bare():\n"
        "    import json\n"
        "    return json, os\n"
        "\n"
        "\n"
        "def declared():\n"
        "    # deferred: csv (~1 ms) only here\n"
        "    import csv\n"
        "    from email import message,\\\n"
        "        utils\n"
        "    import zlib  # deferred: zlib (~1 ms) only here\n"
        "\n"
        "    import gzip\n"
        "    return csv, message, utils, zlib, gzip\n"
        "\n"
        "\n"
        "class Holder:\n"
        "    async def method(self):\n"
        "        # an explanation, but not the mark\n"
        "        from pathlib import Path\n"
        "\n"
        "        def inner():\n"
        "            import shlex\n"
        "\n"
        "            return shlex\n"
        "\n"
        "        return Path, inner\n",
        encoding="utf-8",
    )
    assert undeclared_imports(package) == [
        "planted/mod.py:5",  # no comment at all
        "planted/mod.py:16",  # a blank line ends the block the comment covers
        "planted/mod.py:23",  # a comment without the mark
        "planted/mod.py:26",  # in a function inside a method
    ]
