"""scaffolder.toml.scan: one pass that tells keys from values (strings, multi-line strings and
arrays hide `=`, `[` and `#`), and check's line index from it."""

from __future__ import annotations

import tomllib

from hypothesis import given

from scaffolder.toml import scan
from scaffolder.toml.edit import insert_tables

from .support import LAYER_SETTINGS, documents, only_insertions, tree_paths


def test_tricky_strings_and_arrays_are_not_headers() -> None:
    text = (
        '[databases.default]\nprovider = "memory"\nnote = """\n[databases.fake]\n"""\n'
        "hosts = [\n  'a', # [x]\n  \"b\",\n]\n\n[brokers.default]\nprovider = 'inline'\n"
    )
    result = insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})
    assert only_insertions(text, result)
    assert "hosts = [\n  'a', # [x]\n  \"b\",\n]\n\n[databases.reports]\n" in result


def test_index_lines_sees_through_strings_arrays_and_inline_tables() -> None:
    text = (
        'title = "x"  # [fake]\r\n'
        'multi = """\r\n[not.a.table]\r\nnot = 1\r\n"""\r\n'
        "array = [\r\n  { inner.key = 'v' },  # [fake2]\r\n]\r\n"
        '"quoted\\u0041" = 1\r\n'
        "[[jobs]]\r\nname = 'a'\r\n[[jobs]]\r\nname = 'b'\r\n"
        "[a.b.c]\r\nd = {e = {f = 1}}\r\n"
    )
    lines = scan.index_lines(text)
    assert set(lines) == tree_paths(tomllib.loads(text)) | {
        ("array", "inner"),
        ("array", "inner", "key"),
    }
    assert lines[("multi",)] == 2
    assert lines[("array", "inner", "key")] == 7
    assert lines[("quotedA",)] == 9
    assert lines[("jobs",)] == lines[("jobs", "name")] - 1 == 10  # the first [[jobs]]
    assert lines[("a",)] == lines[("a", "b")] == 14  # implied by [a.b.c]
    assert lines[("a", "b", "c", "d", "e", "f")] == 15


@LAYER_SETTINGS
@given(documents())
def test_index_lines_property(doc: tuple) -> None:
    """Check's line index, from the editing scanner: exactly the tree's keys (nothing from the
    noise of multi-line strings and arrays), each on a line that exists, a table no later
    than any of its keys."""
    text, tree, _inline, _prefix = doc
    lines = scan.index_lines(text)
    assert set(lines) == tree_paths(tree)
    nlines = text.count("\n") + 1
    for path, line in lines.items():
        assert 1 <= line <= nlines
        if len(path) > 1:
            assert lines[path[:-1]] <= line
