"""scaffolder.toml.verify: an edit whose result would alter other lines or parse to another
tree is refused, whatever bug produced it."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaffolder.toml import edit, place, scan, verify
from scaffolder.toml.edit import insert_tables
from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.tree import TomlText

from .support import LAYER_SETTINGS, REPORTS, documents, read_fixture


def test_refuses_rather_than_writing_a_wrong_file(monkeypatch: pytest.MonkeyPatch) -> None:
    text = read_fixture("guide.domain.toml")
    # A placement bug that would put the new header between [production] and its keys.
    monkeypatch.setattr(
        scan.Document, "anchor_after", lambda self, i: self.sections[i].header_line + 1
    )
    with pytest.raises(TomlEditError, match="refusing to write"):
        insert_tables(text, {("production", "databases", "reports"): REPORTS})


def test_refuses_when_an_original_line_would_change(monkeypatch: pytest.MonkeyPatch) -> None:
    real_render = place.Placement.render

    def render_normalising_newlines(self: Any) -> str:
        return real_render(self).replace("\r\n", "\n").replace("# note", "#note")

    monkeypatch.setattr(place.Placement, "render", render_normalising_newlines)
    text = '[databases.default]\r\nprovider = "memory"  # note\r\n\r\n[x]\r\na = 1\r\n'
    with pytest.raises(TomlEditError, match="alter existing lines"):
        insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})


def test_refuses_when_rendering_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edit, "render", lambda value, path: '"wrong"')
    with pytest.raises(TomlEditError, match="intended config"):
        insert_tables("", {("databases", "default"): {"provider": "memory"}})


# What a splice may leave after the original text: tables under a key the document lacks
# (what add-env appends), under keys it has, keys that would join its last table, comments,
# a bare CR, a header or a string left open.
_TAIL_LINES = st.sampled_from(
    ["[memory]", "[memory.databases.x]", 'provider = "memory"', "[[memory]]", "[memory.a.b]",
     "[databases.extra]", "[production.databases.y]", "[tool.protean.memory]", "[debug]",
     "[project]", "memory.x = 1", "a = 1", "debug = true", "", "# c", "  [memory.c]", "\r",
     "[memory", 'x = """', "[databases]", "[tool]", "memory = 1", "x = [", "]"]
)  # fmt: skip
_SEPARATORS = st.sampled_from(["", "\n", "\r\n", "\n\n", "\r\n\r\n", "\r", " ", "# c\n", "\n\r"])


@st.composite
def _appended(draw: st.DrawFn) -> tuple[str, str, str]:
    """(original, the intended result, the result written): tables appended to a document,
    and sometimes a byte of the original part changed on the way."""
    text = draw(documents())[0]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    intended = text + draw(_SEPARATORS) + eol.join(draw(st.lists(_TAIL_LINES, max_size=6)))
    written = intended
    if text and draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(text) - 1))
        written = intended[:at] + draw(st.sampled_from(["#", "\n", "x", "[", ""])) + intended[at:]
    return text, intended, written


def _outcome(original: str, result: str, expected: dict[str, Any]) -> tuple | None:
    """What verify makes of an insertion's result: its text and tree (keys in order), or
    None when it refuses."""
    try:
        checked = verify.verify(original, result, expected, changed=())
    except TomlEditError:
        return None
    return str(checked), repr(checked.tree)


@LAYER_SETTINGS
@given(_appended())
def test_an_appended_splice_is_proved_as_parsing_the_whole_result_proves_it(
    case: tuple[str, str, str],
) -> None:
    """verify proves tables appended under new top-level keys from the appended part alone
    (verify._appended_tree): on every splice, corrupted or not, it accepts and refuses what
    parsing the whole result accepts and refuses, with the same tree in the same order."""
    text, intended, written = case
    try:
        expected = tomllib.loads(intended)
    except tomllib.TOMLDecodeError:
        expected = tomllib.loads(text)
    # A plain str original carries no tree: verify parses the whole result (the old way).
    whole = _outcome(text, written, expected)
    assert _outcome(TomlText(text), written, expected) == whole
    appended = verify._appended_tree(TomlText(text), written)
    if appended is not None:
        assert appended == tomllib.loads(written)


def test_add_envs_splice_is_proved_without_parsing_the_original_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An overlay appended to a file that has none parses only the appended tables; a
    corrupted original part or a key that would join the last table is still refused."""
    text = TomlText(read_fixture("guide.domain.toml"))
    assert "memory" not in text.tree
    additions = {("memory",): {"testing": True}, ("memory", "databases", "default"): REPORTS}
    parsed: list[str] = []
    loads = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda s: parsed.append(s) or loads(s))
    result = insert_tables(text, additions)
    assert (
        isinstance(result, TomlText)
        and result.startswith(text)
        and len(parsed) == 1
        and parsed[0].startswith("\n[memory]")
    ), parsed
    assert result.tree["memory"]["databases"]["default"] == REPORTS
    expected = result.tree
    tail = result[len(text) :]
    with pytest.raises(TomlEditError):  # a key/value line before the first header
        verify.verify(text, text + "\nx = 1" + tail, expected, changed=())
    with pytest.raises(TomlEditError):  # a byte of the original changed
        verify.verify(text, "#" + result, expected, changed=())


@pytest.mark.parametrize(
    ("original", "tail"),
    [
        ("[x]\ny = 1\n", "\na = 1\n\n[memory]\n"),  # a key that would join [x]
        ("[x]\ny = 1\n", "\n# c\nmemory.a = 1\n"),  # a dotted key, no header first
        ("a = 1", "[memory]\n"),  # no line break: one line `a = 1[memory]`
        ("a = 1", "\r[memory]\n"),  # a bare CR is no line break
        ('a = "x"  # c', "[memory]\n"),
        ("memory = 1\n", "\n[memory]\n"),  # a key the original has
        ("[memory.x]\na = 1\n", "\n[memory.x]\n"),
        ("memory.x = 1\n", "\n[memory.y]\n"),
        ("[[memory]]\n", "\n[memory.y]\n"),  # under the array's last table
        ("x = [\n  1,\n]\n", "\n[memory]\n"),
        ("[x]\n", "\n[memory]\nmemory = 2\n"),
    ],
)
def test_an_appended_tree_is_the_whole_parses_or_none(original: str, tail: str) -> None:
    """Splices a wrong proof would accept: each is proved by the whole parse (None), or
    the tree given is the one parsing the whole result gives."""
    result = original + tail
    appended = verify._appended_tree(TomlText(original), result)
    try:
        whole = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        assert appended is None
        return
    assert appended is None or repr(appended) == repr(whole)
