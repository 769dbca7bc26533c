"""Tests for scaffolder.toml: lossless, verified edits of domain.toml files."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scaffolder.toml import edit, place, scan, values
from scaffolder.toml.edit import insert_tables, set_value
from scaffolder.toml.errors import TomlEditError, parse_error_location
from scaffolder.toml.remove import remove_key

FIXTURES = Path(__file__).parent / "fixtures" / "domain-toml"
REPORTS = {"provider": "postgresql", "database_uri": "${REPORTS_DATABASE_URL}"}
PROTEAN = ("tool", "protean")


# --------------------------------------------------------------------------- helpers


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode()


def only_insertions(old: str, new: str) -> bool:
    """Every original line (line ending included) survives, in order.

    Lines are split on "\\n" only, so CRLF lines keep their "\\r".  A final line
    without a line ending may gain one when text is appended after it.
    """
    it = iter(new.split("\n"))
    old_lines = old.split("\n")
    for i, line in enumerate(old_lines):
        ok = {line, line + "\r"} if i == len(old_lines) - 1 and line else {line}
        if not any(cand in ok for cand in it):
            return False
    return True


def changed_lines(old: str, new: str) -> list[int]:
    """Indexes of differing lines when ``new`` has the same number of lines."""
    a, b = old.split("\n"), new.split("\n")
    assert len(a) == len(b)
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def merged(tree: dict[str, Any], path: tuple[str, ...], table: dict[str, Any]) -> dict[str, Any]:
    out = dict(tree)
    node = out
    for key in path:
        node[key] = dict(node.get(key, {}))
        node = node[key]
    node.update(table)
    return out


def with_value(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = dict(tree)
    node = out
    for key in path[:-1]:
        node[key] = dict(node.get(key, {}))
        node = node[key]
    node[path[-1]] = value
    return out


def lookup(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


# --------------------------------------------------------------------------- fixtures


GUIDE_WITH_REPORTS = """\
# domain.toml

# Base configuration (recommended development overrides)
# Framework defaults are event_processing="async", command_processing="async"
debug = true
event_processing = "sync"
command_processing = "sync"

[databases.default]
provider = "memory"

[databases.reports]
provider = "postgresql"
database_uri = "${REPORTS_DATABASE_URL}"

[brokers.default]
provider = "inline"

[event_store]
provider = "memory"

# --- Production overlay: PROTEAN_ENV=production ---
[production]
debug = false
event_processing = "async"
command_processing = "async"

[production.databases.default]
provider = "postgresql"
database_uri = "${DATABASE_URL}"

[production.databases.reports]
provider = "postgresql"
database_uri = "${REPORTS_DATABASE_URL}"

[production.brokers.default]
provider = "redis"
URI = "${REDIS_URL}"

[production.event_store]
provider = "message_db"
database_uri = "${MESSAGEDB_URL}"

[production.caches.default]
provider = "redis"

# --- Test overlay: PROTEAN_ENV=test (pytest default) ---
[test]
testing = true
event_processing = "sync"
command_processing = "sync"

[staging.databases.default]
provider = "postgresql"
"""

GUIDE_ADDITIONS = {
    ("databases", "reports"): REPORTS,
    ("production", "databases", "reports"): REPORTS,
    ("production", "caches", "default"): {"provider": "redis"},
    ("staging", "databases", "default"): {"provider": "postgresql"},
}


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_guide_example(eol: str) -> None:
    text = read_fixture("guide.domain.toml").replace("\n", eol)
    result = insert_tables(text, GUIDE_ADDITIONS)
    # Base database after the last [databases.*]; production database after the
    # last [production.databases.*]; a new production sub-table after the last
    # [production...] table but before the comment block introducing [test];
    # a table of a new overlay at the end of the file.
    assert result == GUIDE_WITH_REPORTS.replace("\n", eol)


def test_protean_new_output() -> None:
    text = read_fixture("protean-new.domain.toml")
    result = insert_tables(
        text,
        {("databases", "reports"): REPORTS, ("production", "databases", "default"): REPORTS},
    )
    assert only_insertions(text, result)
    expected = merged(tomllib.loads(text), ("databases", "reports"), REPORTS)
    expected = merged(expected, ("production", "databases", "default"), REPORTS)
    assert tomllib.loads(result) == expected
    # After [databases.memory], before the comment that introduces [event_store].
    assert (
        '[databases.memory]\nprovider = "memory"\n\n[databases.reports]\n'
        'provider = "postgresql"\ndatabase_uri = "${REPORTS_DATABASE_URL}"\n\n'
        "# Default Event Store Configuration\n[event_store]\n"
    ) in result
    # A new overlay goes to the end, after the commented-out [logging] block.
    assert result.endswith(
        '# "protean.server.outbox_processor" = "INFO"\n\n[production.databases.default]\n'
        'provider = "postgresql"\ndatabase_uri = "${REPORTS_DATABASE_URL}"\n'
    )


def test_pyproject_tool_protean() -> None:
    text = read_fixture("pyproject.toml")
    additions = {
        ("databases", "reports"): REPORTS,
        ("production", "databases", "reports"): REPORTS,
        ("test", "databases", "default"): {"provider": "memory"},
    }
    result = insert_tables(text, additions, root=PROTEAN)
    assert only_insertions(text, result)
    expected = tomllib.loads(text)
    for path, table in additions.items():
        expected = merged(expected, PROTEAN + path, table)
    assert tomllib.loads(result) == expected
    # [tool.protean] defines tool.protean.databases with dotted keys: the new
    # sub-table goes right after that table, as a full header (valid TOML).
    assert (
        'databases.default.provider = "memory"   # dotted keys: [tool.protean.databases] is '
        "defined here\n\n[tool.protean.databases.reports]\n"
    ) in result
    # New overlay tables stay with the other [tool.protean...] tables, before
    # the comment that introduces [tool.ruff].
    assert (
        '[tool.protean.test.databases.default]\nprovider = "memory"\n\n# Linting\n[tool.ruff]'
    ) in result


def test_pyproject_without_tool_protean_goes_after_last_tool_table() -> None:
    text = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n\n[other]\na = 1\n'
    result = insert_tables(text, {("databases", "default"): {"provider": "memory"}}, root=PROTEAN)
    assert result == (
        '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n\n'
        '[tool.protean.databases.default]\nprovider = "memory"\n\n[other]\na = 1\n'
    )


@pytest.mark.parametrize("name", ["guide.domain.toml", "protean-new.domain.toml", "pyproject.toml"])
def test_fixture_set_values(name: str) -> None:
    text = read_fixture(name)
    root = PROTEAN if name == "pyproject.toml" else ()
    tree = tomllib.loads(text)
    for path, value in [
        (("databases", "default", "provider"), "sqlite"),
        (("production", "databases", "default", "provider"), "sqlite"),
        (("production", "databases", "default", "database_uri"), "${DB}"),
        (("databases", "default", "schema"), "public"),
        (("test", "databases", "default", "provider"), "memory"),
    ]:
        result = set_value(text, path, value, root=root)
        assert tomllib.loads(result) == with_value(tree, root + path, value)
        old = lookup(tree, root + path)
        if old is not None and old != value:
            assert len(changed_lines(text, result)) == 1
        else:
            assert only_insertions(text, result)


# --------------------------------------------------------------------------- styles


def test_dotted_keys_in_overlay_table() -> None:
    text = '[production]\ndebug = false\ndatabases.default.provider = "postgresql"\n\n[test]\n'
    result = insert_tables(text, {("production", "databases", "reports"): REPORTS})
    assert result == (
        '[production]\ndebug = false\ndatabases.default.provider = "postgresql"\n\n'
        '[production.databases.reports]\nprovider = "postgresql"\n'
        'database_uri = "${REPORTS_DATABASE_URL}"\n\n[test]\n'
    )


def test_dotted_keys_at_root() -> None:
    text = 'debug = true\nproduction.databases.default.provider = "postgresql"\n[x]\na = 1\n'
    result = insert_tables(text, {("production", "databases", "reports"): {"provider": "sqlite"}})
    assert result == (
        'debug = true\nproduction.databases.default.provider = "postgresql"\n\n'
        '[production.databases.reports]\nprovider = "sqlite"\n\n[x]\na = 1\n'
    )


def test_out_of_order_tables() -> None:
    text = (
        '[production.databases.default]\nprovider = "postgresql"\n\n[databases.default]\n'
        'provider = "memory"\n\n[production]\ndebug = false\n'
    )
    result = insert_tables(
        text,
        {
            ("production", "databases", "reports"): {"provider": "sqlite"},
            ("production", "brokers", "default"): {"provider": "redis"},
        },
    )
    assert result == (
        '[production.databases.default]\nprovider = "postgresql"\n\n'
        '[production.databases.reports]\nprovider = "sqlite"\n\n[databases.default]\n'
        'provider = "memory"\n\n[production]\ndebug = false\n\n'
        '[production.brokers.default]\nprovider = "redis"\n'
    )


def test_no_trailing_newline_and_crlf() -> None:
    text = '[databases.default]\r\nprovider = "memory"'
    result = insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})
    assert result == (
        '[databases.default]\r\nprovider = "memory"\r\n\r\n[databases.reports]\r\n'
        'provider = "sqlite"'
    )


def test_empty_file_and_comment_only_file() -> None:
    assert insert_tables("", {("databases", "default"): {"provider": "memory"}}) == (
        '[databases.default]\nprovider = "memory"\n'
    )
    assert insert_tables("# config\n", {("a",): {}}) == "# config\n\n[a]\n"


def test_comments_directly_below_keys_stay_with_their_table() -> None:
    text = (
        '[databases.default]\nprovider = "memory"\n# database_uri = "sqlite://"\n\n'
        "# Brokers\n[brokers.default]\n"
    )
    result = insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})
    assert result == (
        '[databases.default]\nprovider = "memory"\n# database_uri = "sqlite://"\n\n'
        '[databases.reports]\nprovider = "sqlite"\n\n# Brokers\n[brokers.default]\n'
    )


def test_tricky_strings_and_arrays_are_not_headers() -> None:
    text = (
        '[databases.default]\nprovider = "memory"\nnote = """\n[databases.fake]\n"""\n'
        "hosts = [\n  'a', # [x]\n  \"b\",\n]\n\n[brokers.default]\nprovider = 'inline'\n"
    )
    result = insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})
    assert only_insertions(text, result)
    assert "hosts = [\n  'a', # [x]\n  \"b\",\n]\n\n[databases.reports]\n" in result


def test_values_are_rendered_as_toml() -> None:
    table = {
        "s": 'quote " backslash \\ tab \t newline \n \u00e9',
        "i": 3,
        "f": 1.5,
        "b": True,
        "l": ["a", 1],
        "weird key": "x",
    }
    result = insert_tables("", {("a", "b.c"): table})
    assert result.startswith('[a."b.c"]\n')
    assert tomllib.loads(result) == {"a": {"b.c": table}}


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ('[databases.default]\nprovider = "m"\n', ("databases", "default"), "already exists"),
        ("[production]\ndatabases.default.x = 1\n", ("production", "databases"), "already"),
        ("[a.b.c]\nx = 1\n", ("a", "b"), "[a.b] already exists"),
        ('databases = { default = { provider = "m" } }\n', ("databases", "r"), "inline table"),
        ("[production]\ndatabases = {}\n", ("production", "databases", "r"), "inline table"),
        ("production = 1\n", ("production", "databases", "r"), "is a value"),
        ("[[production]]\na = 1\n", ("production", "databases", "r"), "is an array"),
    ],
)
def test_refuses_invalid_additions(text: str, path: tuple[str, ...], message: str) -> None:
    with pytest.raises(TomlEditError, match=message.replace("[", r"\[").replace(".", r"\.")):
        insert_tables(text, {path: {"provider": "sqlite"}})


def test_existing_path_is_named_with_its_line() -> None:
    text = read_fixture("guide.domain.toml")
    with pytest.raises(TomlEditError) as info:
        insert_tables(text, {("production", "databases", "default"): REPORTS})
    assert str(info.value) == "[production.databases.default] already exists (line 24)"
    assert info.value.line == 24


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


def test_refuses_unsupported_values() -> None:
    with pytest.raises(TomlEditError, match="unsupported value"):
        insert_tables("", {("databases", "default"): {"options": {"a": 1}}})
    with pytest.raises(TomlEditError, match=r"a\.b is already a value"):
        insert_tables("", {("a",): {"b": 1}, ("a", "b"): {}})


def test_malformed_input() -> None:
    text = "debug = true\n[databases.default]\nprovider = \n"
    assert parse_error_location(text) == (3, 12, "Invalid value")
    assert parse_error_location("a = 1\n") is None
    assert parse_error_location('a = "x') == (1, 7, "Unterminated string")
    assert parse_error_location("[a]\nb = 1\n[a]\n") == (3, 3, "Cannot declare ('a',) twice")
    with pytest.raises(TomlEditError) as info:
        insert_tables(text, {("databases", "reports"): REPORTS})
    assert (info.value.line, info.value.column) == (3, 12)
    assert str(info.value) == "line 3, column 12: malformed TOML: Invalid value"
    with pytest.raises(TomlEditError, match="line 3, column 12"):
        set_value(text, ("debug",), False)


def test_end_of_document_error_has_a_location() -> None:
    assert parse_error_location("a = 1\nb =") == (2, 4, "Invalid value")


# --------------------------------------------------------------------------- set_value


def test_set_value_keeps_comment_and_spacing() -> None:
    text = '[production.databases.default]\nprovider   =  "memory"   # changed by CI\r\nx = 1\n'
    result = set_value(text, ("production", "databases", "default", "provider"), "postgresql")
    assert result == (
        '[production.databases.default]\nprovider   =  "postgresql"   # changed by CI\r\nx = 1\n'
    )


def test_set_value_same_value_is_a_no_op() -> None:
    text = "[a]\nprovider = 'memory'\n"
    assert set_value(text, ("a", "provider"), "memory") is text


def test_set_value_inside_inline_tables() -> None:
    text = '[production]\ndatabases = { default = { provider = "memory" } }  # inline\n'
    result = set_value(text, ("production", "databases", "default", "provider"), "postgresql")
    assert result == (
        '[production]\ndatabases = { default = { provider = "postgresql" } }  # inline\n'
    )
    result = set_value(text, ("production", "databases", "default", "uri"), "${DB}")
    assert result == (
        '[production]\ndatabases = { default = { provider = "memory", uri = "${DB}" } }  # inline\n'
    )
    result = set_value(text, ("production", "databases", "reports", "provider"), "sqlite")
    assert result == (
        '[production]\ndatabases = { default = { provider = "memory" }, reports.provider = "sqlite"'
        " }  # inline\n"
    )
    assert set_value("a = {}\n", ("a", "b"), 1) == "a = { b = 1 }\n"


def test_set_value_adds_missing_keys_in_the_owning_table() -> None:
    text = (
        "debug = true\n\n[production]\n  debug = false\n  databases.default.provider = 'pg'\n"
        "\n[test.databases.default]\nprovider = 'memory'\n"
    )
    # Header table: after its last key, with its indentation.
    assert set_value(text, ("production", "testing"), False) == text.replace(
        "provider = 'pg'\n", "provider = 'pg'\n  testing = false\n"
    )
    # Dotted-key table: another dotted key next to the existing ones.
    assert set_value(text, ("production", "databases", "default", "uri"), "x") == text.replace(
        "provider = 'pg'\n", "provider = 'pg'\n  databases.default.uri = \"x\"\n"
    )
    # Root keys go after the last root key.
    assert set_value(text, ("testing",), False) == text.replace(
        "debug = true\n", "debug = true\ntesting = false\n", 1
    )
    # Implicit table (only sub-tables exist): defined right before them.
    assert set_value(text, ("test", "testing"), True) == text.replace(
        "\n[test.databases.default]", "\n[test]\ntesting = true\n\n[test.databases.default]"
    )
    # Missing table: created like an addition.
    assert set_value(text, ("staging", "debug"), False) == text + "\n[staging]\ndebug = false\n"


def test_set_value_root_without_keys() -> None:
    text = "# config\n\n[a]\nx = 1\n"
    assert set_value(text, ("debug",), True) == "# config\ndebug = true\n\n[a]\nx = 1\n"
    assert set_value("[a]\nx = 1\n", ("debug",), True) == "debug = true\n\n[a]\nx = 1\n"


def test_set_value_refusals() -> None:
    text = read_fixture("guide.domain.toml")
    with pytest.raises(TomlEditError, match="is a table"):
        set_value(text, ("production", "databases"), "x")
    with pytest.raises(TomlEditError, match="is a value"):
        set_value(text, ("debug", "x"), 1)
    with pytest.raises(TomlEditError, match="is an array"):
        set_value("[[a]]\nx = 1\n", ("a", "x"), 2)
    with pytest.raises(TomlEditError, match="non-empty"):
        set_value(text, (), 1)


# --------------------------------------------------------------------------- properties

KEYS = ["default", "reports", "analytics", "memory"]
TEXT = st.text(alphabet=st.sampled_from("ab #[]=\"'\\=.,{}é\t"), max_size=12)
COMMENT = st.one_of(
    st.just("#"),
    TEXT.map(lambda s: "# " + s.replace("\n", " ")),
    st.sampled_from(["# [production.databases.fake]", "# --- overlay ---", "#x = 1"]),
)


def toml_string(draw: st.DrawFn, value: str) -> str:
    if "'" not in value and draw(st.booleans()):
        return f"'{value}'"
    return values.quote(value)


def render_scalar(draw: st.DrawFn, value: Any) -> str:
    if isinstance(value, str):
        return toml_string(draw, value)
    return values.render(value, ())


def render_key(draw: st.DrawFn, key: str) -> str:
    style = draw(st.integers(0, 11))
    if style == 0:
        return f'"{key}"'
    if style == 1:
        return f"'{key}'"
    if style == 2:  # an escaped first letter: the same key for TOML
        return f'"\\u{ord(key[0]):04x}{key[1:]}"'
    return key


@st.composite
def scalars(draw: st.DrawFn, names: list[str]) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
    values = st.one_of(st.booleans(), st.integers(-5, 5), TEXT)
    return {name: draw(values) for name in chosen}


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """A Protean config tree: base settings, databases, brokers and overlays."""

    def databases() -> dict[str, Any]:
        names = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=2, unique=True))
        return {
            n: {"provider": draw(st.sampled_from(["memory", "postgresql"])), **draw(scalars(["x"]))}
            for n in names
        }

    tree: dict[str, Any] = draw(scalars(["debug", "event_processing", "testing"]))
    if draw(st.booleans()):
        tree["databases"] = databases()
    if draw(st.booleans()):
        tree["brokers"] = {"default": {"provider": "inline"}}
    for env in draw(st.lists(st.sampled_from(["production", "test", "staging"]), unique=True)):
        overlay: dict[str, Any] = draw(scalars(["debug", "testing"]))
        if draw(st.booleans()):
            overlay["databases"] = databases()
        if draw(st.booleans()):
            overlay["event_store"] = {"provider": "message_db"}
        if overlay:
            tree[env] = overlay
    return tree


class Renderer:
    """Writes a config tree as TOML in randomly chosen styles."""

    def __init__(self, draw: st.DrawFn, prefix: tuple[str, ...]):
        self.draw = draw
        self.prefix = prefix
        self.sections: list[tuple[tuple[str, ...] | None, list[str]]] = []
        self.inline: set[tuple[str, ...]] = set()

    def kv(self, key: str, value: Any) -> str:
        space = self.draw(st.sampled_from([" = ", "=", "  =  ", "\t=\t"]))
        indent = self.draw(st.sampled_from(["", "", "", "    "]))
        line = f"{indent}{key}{space}{render_scalar(self.draw, value)}"
        if self.draw(st.integers(0, 5)) == 0:
            line += "  " + self.draw(COMMENT)
        return line

    def inline_table(self, table: dict[str, Any]) -> str:
        items = []
        for key, value in table.items():
            if isinstance(value, dict):
                items.append(f"{render_key(self.draw, key)} = {self.inline_table(value)}")
            else:
                items.append(f"{render_key(self.draw, key)} = {render_scalar(self.draw, value)}")
        return "{ " + ", ".join(items) + " }" if items else "{}"

    def table(
        self, path: tuple[str, ...], table: dict[str, Any], lines: list[str], rel: tuple[str, ...]
    ) -> None:
        """Write ``table``'s content into ``lines`` (keys relative to ``rel``)."""
        key_prefix = "".join(render_key(self.draw, k) + "." for k in rel)
        for key, value in table.items():
            if not isinstance(value, dict):
                lines.append(self.kv(key_prefix + render_key(self.draw, key), value))
        for key, value in table.items():
            if not isinstance(value, dict):
                continue
            sub = (*path, key)
            style = self.draw(st.sampled_from(["header", "header", "dotted", "inline"]))
            if style == "inline":
                self.inline.add(sub)
                rendered = self.inline_table(value)
                lines.append(f"{key_prefix}{render_key(self.draw, key)} = {rendered}")
            elif style == "dotted":
                self.table(sub, value, lines, (*rel, key))
            else:
                sub_lines: list[str] = []
                self.sections.append((self.prefix + sub, sub_lines))
                self.table(sub, value, sub_lines, ())
                # A table with nothing of its own may stay implicit (no header).
                if sub_lines or self.draw(st.booleans()):
                    dot = self.draw(st.sampled_from([".", ".", " . "]))
                    header = dot.join(render_key(self.draw, k) for k in self.prefix + sub)
                    pad = self.draw(st.sampled_from(["", "", " "]))
                    indent = self.draw(st.sampled_from(["", "", "  ", "\t"]))
                    sub_lines.insert(0, f"{indent}[{pad}{header}{pad}]")

    def noise(self) -> list[str]:
        """Lines that fool naive scanners: multi-line strings and arrays."""
        choice = self.draw(st.integers(0, 6))
        if choice == 0:
            return ['notes = """', "[production.databases.fake]", 'a = "b" # c', '"""']
        if choice == 1:
            return ["hosts = [", "  'a', # [x.y]", '  "b",', "]"]
        return []


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[str, Any], set[tuple[str, ...]], tuple]:
    tree = draw(configs())
    pyproject = draw(st.booleans())
    prefix = PROTEAN if pyproject else ()
    r = Renderer(draw, prefix)
    root_lines: list[str] = []
    if pyproject:
        r.sections.append((PROTEAN, root_lines))
        root_lines.append("[tool.protean]")
        r.sections.append((("project",), ["[project]", 'name = "acme"']))
        r.sections.append((("tool", "ruff"), ["[tool.ruff]", "line-length = 100"]))
    r.table((), tree, root_lines, ())
    sections = r.sections
    if draw(st.booleans()):
        sections = draw(st.permutations(sections))
    body_sections = [(p, lines) for p, lines in sections if lines]
    top = [] if pyproject else root_lines

    def gap() -> list[str]:
        return draw(st.lists(st.one_of(st.just(""), COMMENT), max_size=3))

    out: list[str] = gap()
    for line in top:
        out.append(line)
        out.extend(gap())
    out.extend(r.noise())
    for _path, lines in body_sections:
        out.extend(gap() + [""] * draw(st.integers(0, 1)))
        for line in lines:
            out.append(line)
            if draw(st.integers(0, 3)) == 0:
                out.extend(gap())
        out.extend(r.noise())
    out.extend(gap())
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(out)
    if out and draw(st.booleans()):
        text += eol
    parsed = tomllib.loads(text)  # the generator must produce valid TOML
    return text, parsed, {prefix + p for p in r.inline}, prefix


@st.composite
def additions(draw: st.DrawFn) -> dict[tuple[str, ...], dict[str, Any]]:
    envs = st.sampled_from([(), ("production",), ("test",), ("staging",)])
    paths = st.tuples(envs, st.sampled_from([*KEYS, "x"])).map(lambda t: (*t[0], "databases", t[1]))
    chosen = draw(st.lists(paths, min_size=1, max_size=3, unique=True))
    return {
        p: {"provider": draw(st.sampled_from(["postgresql", "sqlite"])), "database_uri": "${U}"}
        for p in chosen
    }


def refusal_reason(
    tree: dict[str, Any], inline: set[tuple[str, ...]], path: tuple[str, ...]
) -> str | None:
    if lookup(tree, path) is not None:
        return "exists"
    for k in range(1, len(path)):
        node = lookup(tree, path[:k])
        if node is None:
            return None
        if not isinstance(node, dict):
            return "value"
        if path[:k] in inline:
            return "inline"
    return None


PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("TOML_EDIT_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(documents(), additions())
def test_insert_tables_property(doc: tuple, adds: dict) -> None:
    text, tree, inline, prefix = doc
    reasons = [refusal_reason(tree, inline, prefix + p) for p in adds]
    event(f"refused: {sorted(filter(None, reasons))}" if any(reasons) else "inserted")
    if any(reasons):
        with pytest.raises(TomlEditError):
            insert_tables(text, adds, root=prefix)
        return
    result = insert_tables(text, adds, root=prefix)
    assert only_insertions(text, result)
    expected = tree
    for path, table in adds.items():
        expected = merged(expected, prefix + path, table)
    assert tomllib.loads(result) == expected
    # Line endings of the inserted lines follow the file.
    if "\r\n" in text:
        assert result.count("\n") == result.count("\r\n")


@st.composite
def edits(draw: st.DrawFn, tree: dict[str, Any], prefix: tuple[str, ...]) -> tuple:
    leaves: list[tuple[str, ...]] = []

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, (*path, key))
            elif key in ("provider", "debug", "testing", "x"):
                leaves.append((*path, key))

    walk(lookup(tree, prefix) or {}, ())
    new_keys = st.tuples(
        st.sampled_from([(), ("production",), ("test",), ("production", "databases", "default")]),
        st.sampled_from(["debug", "schema", "uri"]),
    ).map(lambda t: (*t[0], t[1]))
    path = draw(st.sampled_from(leaves) if leaves and draw(st.booleans()) else new_keys)
    value = draw(st.one_of(st.booleans(), st.integers(-3, 3), TEXT))
    return path, value


@PROPERTY_SETTINGS
@given(st.data())
def test_set_value_property(data: st.DataObject) -> None:
    text, tree, inline, prefix = data.draw(documents())
    path, value = data.draw(edits(tree, prefix))
    full = prefix + path
    blocked = any(
        lookup(tree, full[:k]) is not None and not isinstance(lookup(tree, full[:k]), dict)
        for k in range(1, len(full))
    )
    current = lookup(tree, full)
    in_inline = any(full[:k] in inline for k in range(1, len(full)))
    event("refused" if blocked or isinstance(current, dict) else f"existing={current is not None}")
    event(f"inside inline table={in_inline}")
    if blocked or isinstance(current, dict):
        with pytest.raises(TomlEditError):
            set_value(text, path, value, root=prefix)
        return
    result = set_value(text, path, value, root=prefix)
    assert tomllib.loads(result) == with_value(tree, full, value)
    old_lines, new_lines = text.split("\n"), result.split("\n")
    if current is not None:
        if type(current) is type(value) and current == value:
            assert result == text
        else:  # only the value token changed, on its line
            assert len(changed_lines(text, result)) == 1
    elif len(new_lines) == len(old_lines):  # entry added inside an inline table
        (index,) = changed_lines(text, result)
        old_line, new_line = old_lines[index], new_lines[index]
        assert in_inline
        # Only an insertion inside the line (plus spacing inside empty braces).
        common = len(old_line) - len(old_line.lstrip(" "))
        while common < len(old_line) and old_line[common] == new_line[common]:
            common += 1
        tail = 0
        while tail < len(old_line) - common and old_line[-1 - tail] == new_line[-1 - tail]:
            tail += 1
        assert not old_line[common : len(old_line) - tail].strip()
    else:
        assert only_insertions(text, result)


# --------------------------------------------------------------------------- speed


def big_document(tables: int) -> str:
    parts = ["debug = true\n"]
    for i in range(tables):
        env = ("", "production.", "test.")[i % 3]
        parts.append(
            f'\n# table {i}\n[{env}databases.db{i}]\nprovider = "postgresql"  # pg\n'
            f'database_uri = "${{DB{i}_URL}}"\n'
        )
    return "".join(parts)


@pytest.mark.parametrize("tables", [10, 100, 1000])
def test_large_documents(tables: int) -> None:
    # Speed is measured in bench/, never asserted here; this proves large files edit correctly.
    text = big_document(tables)
    adds = {
        ("databases", "reports"): REPORTS,
        ("production", "databases", "reports"): REPORTS,
        ("staging", "databases", "default"): REPORTS,
    }
    result = insert_tables(text, adds)
    edited = set_value(result, ("production", "databases", "reports", "provider"), "sqlite")
    assert only_insertions(text, result)
    assert tomllib.loads(edited)["production"]["databases"]["reports"]["provider"] == "sqlite"


# --- remove_key -------------------------------------------------------------------------


def test_remove_key_drops_only_its_own_lines():
    text = (
        'a = 1\r\n[x.y]\r\nprovider = "pg"  # kept\r\nuri = "${D}"  # goes\r\n\r\n[z]\r\nq = 1\r\n'
    )
    result = remove_key(text, ("x", "y", "uri"))
    assert result == 'a = 1\r\n[x.y]\r\nprovider = "pg"  # kept\r\n\r\n[z]\r\nq = 1\r\n'
    assert remove_key(text, ("x", "y", "missing")) == text


def test_remove_key_takes_a_multiline_value_whole():
    text = '[x]\ny.a = 1\ny.b = """multi\nline"""\nz = 2\n'
    assert remove_key(text, ("x", "y", "b")) == "[x]\ny.a = 1\nz = 2\n"


def test_remove_key_refuses_inline_tables():
    text = "[x]\ny = {a = 1, b = 2}\n"
    with pytest.raises(TomlEditError, match="inline table"):
        remove_key(text, ("x", "y", "a"))


# The layer's own properties share the document generator; a third of the examples keeps
# them to a few seconds each on a loaded machine.
LAYER_SETTINGS = settings(
    PROPERTY_SETTINGS, max_examples=max(1, PROPERTY_SETTINGS.max_examples // 3)
)


# --- one scanner: check's line index -------------------------------------------------------


def tree_paths(node: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every key path of a parsed tree (tables of arrays of tables included)."""
    out: set[tuple[str, ...]] = set()
    items = node if isinstance(node, list) else [node]
    for item in items:
        if isinstance(item, dict):
            for key, value in item.items():
                out.add((*path, key))
                out |= tree_paths(value, (*path, key))
    return out


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


# --- one value writer -----------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_strings_round_trip_and_read_as_written_for_new_projects(value: str) -> None:
    """Any string reads back as itself; and it is written as new projects always wrote it
    (JSON's escapes, a literal string for one holding double quotes), but where that was not
    TOML (a raw DEL; a control character inside a literal string)."""
    import json

    rendered = values.render(value)
    assert tomllib.loads(f"k = {rendered}\n")["k"] == value
    control = any(ord(c) < 0x20 and c != "\t" for c in value)
    literal = '"' in value and "'" not in value and not control and "\x7f" not in value
    if literal:
        assert rendered == f"'{value}'"
    elif "\x7f" not in value:
        assert rendered == json.dumps(value, ensure_ascii=False)


def test_an_edit_writes_a_value_as_a_new_project_does() -> None:
    hosts = '{"hosts": ["http://localhost:9200"]}'
    text = '[databases.default]\nprovider = "elasticsearch"\n'
    result = set_value(text, ("databases", "default", "database_uri"), hosts)
    assert result == text + f"database_uri = '{hosts}'\n"
    added = insert_tables(text, {("databases", "search"): {"database_uri": hosts}})
    assert added.endswith(f"[databases.search]\ndatabase_uri = '{hosts}'\n")


# --- one error formatter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = 1\n[b]\nc = \n", "line 3, column 5: malformed TOML: Invalid value"),
        ("a = 1\nb =", "line 2, column 4: malformed TOML: Invalid value"),  # end of document
    ],
)
def test_every_reader_words_malformed_toml_alike(tmp_path: Path, text: str, expected: str) -> None:
    from scaffolder.check.source import Source
    from scaffolder.errors import UsageError
    from scaffolder.project_files import ConfigFile, parse_config

    with pytest.raises(TomlEditError) as edit_error:
        insert_tables(text, {("databases", "x"): {"provider": "memory"}})
    assert str(edit_error.value) == expected
    with pytest.raises(UsageError) as check_error:
        Source.parse(text, "domain.toml")
    assert str(check_error.value) == f"domain.toml: {expected}"
    config = ConfigFile(tmp_path / "domain.toml", ())
    with pytest.raises(UsageError) as reopen_error:
        parse_config(text, config)
    assert str(reopen_error.value) == f"{config.path}: {expected}"


# --- removals on every line-ending style -----------------------------------------------------


@LAYER_SETTINGS
@given(st.data())
def test_removals_keep_the_files_line_endings(data: st.DataObject) -> None:
    """remove_key, comment_out_key and remove_table on LF/CRLF files, with or without a final
    newline: no bare carriage return is left, and a CRLF file stays CRLF throughout."""
    from scaffolder.toml.remove import comment_out_key, remove_table

    text, tree, _inline, prefix = data.draw(documents())
    paths = sorted(tree_paths(lookup(tree, prefix) or {}))
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    is_table = isinstance(lookup(tree, prefix + path), dict)
    removal = (
        remove_table if is_table else data.draw(st.sampled_from([remove_key, comment_out_key]))
    )
    event(f"{removal.__name__}")
    try:
        result = removal(text, path, root=prefix)
    except TomlEditError as error:
        event("refused")
        assert "inline table" in str(error) or "shares its line" in str(error)
        return
    assert "\r" not in result.replace("\r\n", "")
    if "\r\n" in text:
        assert result.count("\n") == result.count("\r\n")


def test_removing_the_key_that_alone_defines_a_table_removes_the_table_too() -> None:
    """Found by the property above: `event_store.provider` was all of `event_store`, so the
    result has no `event_store` at all, not an empty one; that was refused as a wrong tree."""
    from scaffolder.toml.remove import comment_out_key

    text = '[p]\r\ndebug = false\r\nevent_store.provider = "message_db"\r\n'
    path = ("p", "event_store", "provider")
    assert remove_key(text, path) == "[p]\r\ndebug = false\r\n"
    commented = comment_out_key(text, path, note="unused")
    assert commented.splitlines()[-1] == '# event_store.provider = "message_db"  (unused)'
    assert commented.startswith("[p]\r\ndebug = false\r\n") and commented.endswith("\r\n")
    kept = '[p]\nevent_store.provider = "m"\nevent_store.x = 1\n'  # a sibling keeps the table
    assert tomllib.loads(remove_key(kept, path)) == {"p": {"event_store": {"x": 1}}}
