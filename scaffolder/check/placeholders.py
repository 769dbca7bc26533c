"""Template placeholders left unrendered in the files `check` reads.

A project made from a template can keep a literal `{{ package_name }}` or `{% if ... %}`
(`protean new` 0.18 writes one in its Dockerfile's CMD): the file is then used as written,
and the engine is started on a module that does not exist. GitHub's `${{ ... }}` expressions
and Go templates (`{{.State.Health}}`, `{{json .Config}}`) are not placeholders.
"""

from __future__ import annotations

import re
from pathlib import Path

from scaffolder.check.context import ProjectContext
from scaffolder.check.findings import ERROR
from scaffolder.deployment import DOCKERFILE, KUBERNETES_DIR

# A Jinja expression: a name (dotted), optionally filtered, between `{{` and `}}`; not
# after `$` (GitHub Actions), and not a Go template (which starts with a dot or a function
# applied to one).
_EXPRESSION = re.compile(
    r"(?<![$\w{])\{\{-?\s*(?P<name>[A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|[^{}\n]*)?-?\}\}"
)
_STATEMENT = re.compile(
    r"\{%-?\s*(?:if|elif|else|endif|for|endfor|set|raw|endraw|include|import|from|macro|"
    r"endmacro|block|endblock|extends|with|endwith|filter|endfilter|call|endcall)\b[^%\n]*-?%\}"
)


def rule(ctx: ProjectContext) -> None:
    root = ctx.root
    files = list(ctx.files)
    if (root / DOCKERFILE).is_file():
        files.append(DOCKERFILE)
    manifests = root / KUBERNETES_DIR
    if manifests.is_dir():
        files += [ctx.display(p) for p in sorted(manifests.rglob("*.y*ml"))]
    package = _package(ctx)
    for name in dict.fromkeys(files):
        # The rules that parse it report what is unreadable.
        text = ctx.text(root / name, lenient=True)
        if text is not None:
            _scan(ctx, name, text, package)


def _package(ctx: ProjectContext) -> str | None:
    """The package a `protean new` layout keeps its config in (src/<package>/domain.toml)."""
    parts = Path(ctx.collector.source.file).parts
    return parts[1] if len(parts) == 3 and parts[0] == "src" else None


def _scan(ctx: ProjectContext, name: str, text: str, package: str | None) -> None:
    for number, row in enumerate(text.splitlines(), 1):
        found = [(m.group(0), m.group("name")) for m in _EXPRESSION.finditer(row)]
        found += [(m.group(0), None) for m in _STATEMENT.finditer(row)]
        for placeholder, variable in found:
            value = package if variable in ("package_name", "domain_name") else None
            ctx.collector.add(
                ERROR,
                "unrendered-template",
                f"'{placeholder}' is a template placeholder nothing rendered: {name} is used "
                "as written, with the braces in it",
                line=number,
                env=None,
                fix=(
                    f"write {value!r} (the package under src/) in place of '{placeholder}'"
                    if value
                    else f"write the value '{placeholder}' stands for in its place"
                ),
                file=name,
            )
