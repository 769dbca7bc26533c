"""The Python code Jinja generates for a template, and that code generated ahead and shipped.

Rendering a template means compiling it first: Jinja lexes and parses its text, generates Python
source from it, and Python compiles that. For the nine templates an edit renders (the derived
files and their templated names) that was ~20 ms of `add-env`'s CPU, every run. So the code of
every template of the running version's template folder is generated ahead, by the command
below, and shipped in the package (scaffolder/compiled_templates/): a module per template,
exactly Jinja's output, whose bytecode Python caches as it does any module's.

The shipped code of a template is used only for the source text it was generated from, by the
Jinja version and for the environment settings it was generated with: the three are hashed into
its name (`code_key`). Any other source (a template folder under test, an older release's
template) or another Jinja is compiled as before. Nothing is ever read from, or cached in, a
project's folder or the user's home: the code comes from the package, as its modules do.

Regenerate after editing a template (tests/test_template_code.py fails until then):
    .venv/bin/python scripts/compile_templates.py
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
from collections.abc import Iterable
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame

from scaffolder import compiled_templates

REGENERATE = ".venv/bin/python scripts/compile_templates.py"
SHIPPED_FOLDER = Path(compiled_templates.__file__).parent

# The Environment's settings the lexer and the code generator read: each is an argument of its
# constructor kept as an attribute of the same name (`is_async` is `enable_async`). With its
# class, extensions, filters and tests, they make the code Jinja generates for a source.
_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "finalize",
    "undefined",
    "is_async",
)


class _ReadsRecorder(CodeGenerator):
    """Jinja's code generator, noting the names the template reads from its context as it
    generates the code (what jinja2.meta.find_undeclared_variables finds by generating it
    once more: 11 ms of the 28 the derived files' templates took to compile)."""

    def __init__(self, environment: Any, code: io.StringIO) -> None:
        super().__init__(environment, None, None, code, optimized=environment.optimized)
        self.reads: set[str] = set()

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        # As meta.find_undeclared_variables's TrackingCodeGenerator tells them.
        for action, param in frame.symbols.loads.values():
            if action == "resolve" and param not in self.environment.globals:
                self.reads.add(param)


def generate(env: Any, source: str) -> tuple[str, frozenset[str]]:
    """The Python source Jinja generates for `source` in `env` (what `env.compile(source,
    raw=True)` returns), and the names the template reads from its context."""
    code = io.StringIO()
    generator = _ReadsRecorder(env, code)
    generator.visit(env.parse(source))
    return code.getvalue(), frozenset(generator.reads)


def code_key(env: Any, source: str) -> str:
    """The name of `source`'s code as `env` compiles it with the Jinja installed: a hash of
    the three, so that code is never used for another source, Jinja or setting."""
    settings = (
        type(env).__qualname__,
        [getattr(env, name) for name in _SETTINGS],
        sorted(env.extensions),
        sorted(env.filters),
        sorted(env.tests),
    )
    text = f"{jinja2.__version__}\n{settings!r}\n{source}"
    return "t_" + hashlib.sha256(text.encode()).hexdigest()[:32]


def shipped(env: Any, source: str) -> tuple[CodeType, frozenset[str]] | None:
    """The shipped code of `source` as `env` compiles it, and the names it reads; None when
    the package ships none for it (another source, Jinja or setting)."""
    key = code_key(env, source)
    reads = compiled_templates.READS.get(key)
    if reads is None:
        return None
    spec = importlib.util.find_spec(f"{compiled_templates.__name__}.{key}")
    # The module's code, from the bytecode Python cached for it as for any module, for Jinja
    # to run in a namespace of the template's own: never imported, as its functions take the
    # environment they render in.
    if spec is None:
        return None
    get_code = getattr(spec.loader, "get_code", None)
    code = get_code(spec.name) if get_code is not None else None
    return (code, reads) if isinstance(code, CodeType) else None


def template_sources(folder: Path, suffix: str) -> list[str]:
    """Every template file's text and every templated part of a path under `folder` (the
    template suffix cut), in a fixed order: what scaffolder.render compiles."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    templated = [p for p in files if suffix and p.name.endswith(suffix)]
    paths = [p.relative_to(folder).as_posix() for p in files]
    parts = {
        part
        for path in paths
        for part in (path.removesuffix(suffix) if suffix else path).split("/")
        if "{" in part
    }
    return [p.read_text(encoding="utf-8") for p in templated] + sorted(parts)


def shipped_files(env: Any, sources: Iterable[str]) -> dict[str, str]:
    """The folder of shipped code for `sources` in `env`, by file name: a module per source
    Jinja compiles (one it refuses, reading a filter only copier has, is left out) and the
    index of the names each reads."""
    files: dict[str, str] = {}
    reads: dict[str, frozenset[str]] = {}
    for source in sources:
        try:
            code, names = generate(env, source)
        except jinja2.TemplateError:
            continue
        key = code_key(env, source)
        files[f"{key}.py"] = code
        reads[key] = names
    entries = "".join(
        f"    {key!r}: frozenset({sorted(names)!r}),\n" for key, names in sorted(reads.items())
    )
    files["__init__.py"] = (
        f'"""Jinja {jinja2.__version__}\'s code for the templates of templates/project, generated '
        "by\n`scripts/compile_templates.py` (scaffolder.template_code says when it is used). Do "
        'not edit."""\n\n'
        "# The names each template reads from its context, by its code's module.\n"
        f"READS: dict[str, frozenset[str]] = {{\n{entries}}}\n"
    )
    return files


def read_shipped() -> dict[str, str]:
    """The shipped folder as it is, by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SHIPPED_FOLDER.glob("*.py"))}


def write_shipped(files: dict[str, str]) -> None:
    """Make the shipped folder `files`: stale modules removed, the others written."""
    for path in SHIPPED_FOLDER.glob("*.py"):
        if path.name not in files:
            path.unlink()
    for name, text in files.items():
        path = SHIPPED_FOLDER / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
