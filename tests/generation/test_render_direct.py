"""`render_direct` promises copier's own bytes for the derived files: hold it to that.

The reopen commands render compose, CI and .env.example with Jinja directly (copier's start-up
costs more than the edit); `new` writes those same bytes, and later three-way merges use them as
their base. If the two renderers ever disagree, a user's next edit would see a false conflict, so
every case of the generation matrix is rendered both ways and compared byte for byte.
"""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import meta

from scaffolder.render import (
    DERIVED_FILES,
    _compiled,
    _jinja,
    render_data,
    render_direct,
    render_files,
    template_root,
)

from .cases import CASES


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_render_direct_is_copiers_output(case_id: str) -> None:
    data = render_data(CASES[case_id].spec())
    direct = render_direct(data, DERIVED_FILES)
    assert direct is not None, f"{case_id}: the direct renderer gave up and would fall back"
    by_copier = {
        path: content for path, content in render_files(data).items() if path in DERIVED_FILES
    }
    assert direct.keys() == by_copier.keys(), case_id
    for path, content in by_copier.items():
        assert direct[path] == content, f"{case_id}: {path} differs from copier's rendering"


def _sources() -> list[str]:
    """Every template file's text and every templated path part of the running template."""
    _env, folder, suffix = _jinja(template_root())
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    texts = [p.read_text(encoding="utf-8") for p in files if p.name.endswith(suffix)]
    parts = {part for p in files for part in p.relative_to(folder).parts if "{" in part}
    return texts + sorted(parts)


def test_compiled_reads_what_jinja_says_the_template_reads() -> None:
    """`_compiled` notes the names a template reads while generating its code once; they are
    the names jinja2.meta finds by generating it again, and a template Jinja refuses to
    compile is refused alike (render_direct then falls back to copier)."""
    env = _jinja(template_root())[0]
    sources = _sources()
    assert len(sources) > 20
    for source in sources:
        try:
            expected = frozenset(meta.find_undeclared_variables(env.parse(source)))
            env.from_string(source)
        except jinja2.TemplateError as error:
            with pytest.raises(type(error)):
                _compiled(template_root(), source)
            continue
        assert _compiled(template_root(), source)[1] == expected, source[:80]
