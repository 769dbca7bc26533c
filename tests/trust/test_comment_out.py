"""A provider change never deletes the user's lines: a key it makes meaningless is commented
out (scaffolder.toml.remove.comment_out_key), and Protean resolves the result as intended.

The property test writes the same overlay in every style TOML allows (a `[table]` header,
dotted keys in the parent, a half-dotted `[production.databases]`, comments above headers
and keys, inline comments, literal and basic strings, CRLF, no final newline), applies what
`set production.databases.default=memory` applies (the provider token replaced, the
connection string commented out), and checks three things: every original line's text is
still in the file, in order; the only lines that differ are the provider's and the now
commented ones; Protean's own loader resolves production to memory without the variable.
"""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.toml.edit import set_value
from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.remove import comment_out_key, remove_key, remove_table
from tests.support.protean_config import load_config

NOTE = "protean-init: unused by provider memory"
URI_PATH = ("production", "databases", "default", "database_uri")
PROVIDER_PATH = ("production", "databases", "default", "provider")


@st.composite
def configs(draw: st.DrawFn) -> str:
    """A domain.toml whose production overlay points `default` at PostgreSQL by variable."""
    comment = draw(st.sampled_from(["", "  # KEEP: ops ticket 1234", " #x"]))
    quote = draw(st.sampled_from(['"${DATABASE_URL}"', "'${DATABASE_URL}'"]))
    uri_first = draw(st.booleans())
    above_header = draw(st.booleans())
    above_key = draw(st.booleans())
    style = draw(st.sampled_from(["header", "dotted", "half", "quoted"]))
    indent = draw(st.sampled_from(["", "  "]))
    lines = [
        "# my config",
        "[databases.default]",
        'provider = "memory"',
        "",
    ]
    if above_header:
        lines.append("# production: servers from variables")
    if style == "header":
        lines.append("[production.databases.default]")
        prefix = ""
    elif style == "quoted":
        lines.append('[production.databases."default"]')
        prefix = ""
    elif style == "dotted":
        lines += ["[production]", "debug = false"]
        prefix = "databases.default."
    else:
        lines.append("[production.databases]")
        prefix = "default."
    uri = [
        *(["# the real one"] if above_key else []),
        f"{indent}{prefix}database_uri = {quote}{comment}",
    ]
    provider = [f'{indent}{prefix}provider = "postgresql"']
    lines += uri + provider if uri_first else provider + uri
    if draw(st.booleans()):
        lines += ["", "[test]", "testing = true"]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(lines)
    return text + eol if draw(st.booleans()) else text


def _to_memory(text: str) -> str:
    """What `set production.databases.default=memory` does to domain.toml."""
    text = set_value(text, PROVIDER_PATH, "memory")
    return comment_out_key(text, URI_PATH, note=NOTE)


def _texts_survive(old: str, new: str) -> bool:
    """Every original line's text (without its line ending) is inside a line of `new`, in
    order."""
    remaining = iter(line.removesuffix("\r") for line in new.split("\n"))
    return all(
        any(line.removesuffix("\r") in candidate for candidate in remaining)
        for line in old.split("\n")
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_memory_provider_comments_the_connection_string_out(text: str) -> None:
    result = _to_memory(text)
    # comment_out_key keeps every line of its input; set_value changed one token before it.
    assert _texts_survive(set_value(text, PROVIDER_PATH, "memory"), result)
    old_lines, new_lines = text.split("\n"), result.split("\n")
    assert len(old_lines) == len(new_lines)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(changed) == 2  # the provider's token, the commented connection string
    commented = next(new_lines[i] for i in changed if "database_uri" in new_lines[i])
    assert commented.lstrip().startswith("# ") and NOTE in commented
    # Line endings as they were: CRLF stays CRLF, no final newline stays so.
    assert result.count("\r\n") == text.count("\r\n")
    assert result.endswith("\n") == text.endswith("\n")
    tree = tomllib.loads(result)
    assert tree["production"]["databases"]["default"] == {"provider": "memory"}
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "domain.toml").write_text(result, encoding="utf-8", newline="")
        production = load_config(Path(folder), "production", clear=["DATABASE_URL"])
        assert production["databases"]["default"]["provider"] == "memory"
        assert "database_uri" not in production["databases"]["default"]
        base = load_config(Path(folder), "", clear=["DATABASE_URL"])
        assert base["databases"]["default"]["provider"] == "memory"


def test_the_issue_line_keeps_its_comment() -> None:
    text = (
        '[production.databases.default]\nprovider = "postgresql"\n'
        'database_uri = "${DATABASE_URL}"  # KEEP: ops ticket 1234\n'
    )
    assert _to_memory(text) == (
        '[production.databases.default]\nprovider = "memory"\n'
        '# database_uri = "${DATABASE_URL}"  # KEEP: ops ticket 1234'
        "  (protean-init: unused by provider memory)\n"
    )


def test_a_multiline_value_is_commented_line_by_line() -> None:
    text = '[x]\nuri = """\n  a\nb"""  # c\nk = 1\n'
    result = comment_out_key(text, ("x", "uri"), note="n")
    assert result == '[x]\n# uri = """  (n)\n#   a\n# b"""  # c\nk = 1\n'
    assert tomllib.loads(result) == {"x": {"k": 1}}


def test_comment_out_refuses_what_it_cannot_keep() -> None:
    inline = '[x]\ny = {provider = "memory", uri = "${D}"}\n'
    with pytest.raises(TomlEditError, match="inline table"):
        comment_out_key(inline, ("x", "y", "uri"))
    with pytest.raises(TomlEditError, match="one line"):
        comment_out_key('[x]\nuri = "a"\n', ("x", "uri"), note="two\nlines")
    assert comment_out_key('[x]\nuri = "a"\n', ("x", "missing")) == '[x]\nuri = "a"\n'


# --- remove_key: a CRLF file without a final newline -------------------------------------


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_remove_key_leaves_no_bare_carriage_return(eol: str) -> None:
    text = eol.join(["[x]", "a = 1", "b = 2"])
    assert remove_key(text, ("x", "b")) == eol.join(["[x]", "a = 1"])
    assert "\r" not in remove_key(text, ("x", "b")).replace("\r\n", "")


# --- remove_table: explicit removals by name ----------------------------------------------

LAYOUT = """\
# top
[databases.default]
provider = "memory"

# about reports
[databases.reports]  # r
provider = "sqlite"
database_uri = "x"
# trailing note on reports

[production]
debug = false
# servers
databases.reports.provider = "sqlite"
databases.reports.database_uri = \"\"\"a
b\"\"\"
databases.default.provider = "memory"

[production.databases.reports.extra]
x = 1
[test.databases]
reports = {provider = "sqlite"}
default = {provider = "memory"}
"""


def _without(tree: dict, path: tuple[str, ...]) -> dict:
    import copy

    out = copy.deepcopy(tree)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False])
@pytest.mark.parametrize(
    ("path", "removed"),
    [
        # header, the comment block above it, the comment below its last key, one blank
        (("databases", "reports"), range(4, 10)),
        # dotted keys in [production] (the comment above them stays), and a sub-table
        (("production", "databases", "reports"), [13, 14, 15, 18, 19]),
        # an inline table statement
        (("test", "databases", "reports"), [21]),
    ],
)
def test_remove_table_takes_exactly_that_table(path, removed, eol, final) -> None:
    text = LAYOUT.replace("\n", eol)
    if not final:
        text = text.removesuffix(eol)
    result = remove_table(text, path)
    assert tomllib.loads(result) == _without(tomllib.loads(text), path)
    old = text.split("\n")
    expected = [line for i, line in enumerate(old) if i not in set(removed)]
    if not final:
        expected[-1] = expected[-1].removesuffix("\r")
    assert result.split("\n") == expected  # every other line, byte for byte, in order
    assert result.endswith(eol) == final


def test_remove_table_drops_a_parent_nothing_else_defines() -> None:
    text = 'name = "x"\n\n[databases.reports]\nprovider = "sqlite"\n'
    assert remove_table(text, ("databases", "reports")) == 'name = "x"\n'
    assert remove_table(text, ("databases", "missing")) == text


def test_remove_table_refuses_inside_an_inline_table_and_values() -> None:
    with pytest.raises(TomlEditError, match="inline table"):
        remove_table(
            '[t]\ndatabases = {reports = {provider = "x"}}\n', ("t", "databases", "reports")
        )
    with pytest.raises(TomlEditError, match="not a table"):
        remove_table("[t]\nx = 1\n", ("t", "x"))


def test_remove_table_in_pyproject_root() -> None:
    text = '[project]\nname = "a"\n\n[tool.protean.databases.reports]\nprovider = "sqlite"\n'
    result = remove_table(text, ("databases", "reports"), root=("tool", "protean"))
    assert result == '[project]\nname = "a"\n'
