"""What the TOML layer's tests share: the fixture files, the checks on a result (only insertions,
which lines changed) and the generator of documents written in every style TOML allows."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from scaffolder.toml import values

FIXTURES = Path(__file__).parents[1] / "fixtures" / "domain-toml"


REPORTS = {"provider": "postgresql", "database_uri": "${REPORTS_DATABASE_URL}"}


PROTEAN = ("tool", "protean")


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


KEYS = ["default", "reports", "analytics", "memory"]


TEXT = st.text(alphabet=st.sampled_from("ab #[]=\"'\\=.,{}é\t"), max_size=12)


COMMENT = st.one_of(
    st.just("#"),
    TEXT.map(lambda s: "# " + s.replace("\n", " ")),
    st.sampled_from(["# [production.databases.fake]", "# --- overlay ---", "#x = 1"]),
)

# The strategies the generator below draws from again and again, made once: a strategy built
# for each draw is built and validated anew each time (hypothesis caches only those of
# hashable arguments), which was about a third of a document's generation. The same draws.
GAP = st.lists(st.one_of(st.just(""), COMMENT), max_size=3)
SPACE = st.sampled_from([" = ", "=", "  =  ", "\t=\t"])
INDENT = st.sampled_from(["", "", "", "    "])
TABLE_STYLE = st.sampled_from(["header", "header", "dotted", "inline"])
HEADER_DOT = st.sampled_from([".", ".", " . "])
HEADER_PAD = st.sampled_from(["", "", " "])
HEADER_INDENT = st.sampled_from(["", "", "  ", "\t"])
DATABASE_NAMES = st.lists(st.sampled_from(KEYS), min_size=1, max_size=2, unique=True)
DATABASE_PROVIDER = st.sampled_from(["memory", "postgresql"])
OVERLAYS = st.lists(st.sampled_from(["production", "test", "staging"]), unique=True)
EOL = st.sampled_from(["\n", "\r\n"])
SCALAR = st.one_of(st.booleans(), st.integers(-5, 5), TEXT)


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
    return {name: draw(SCALAR) for name in chosen}


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """A Protean config tree: base settings, databases, brokers and overlays."""

    def databases() -> dict[str, Any]:
        names = draw(DATABASE_NAMES)
        return {n: {"provider": draw(DATABASE_PROVIDER), **draw(scalars(["x"]))} for n in names}

    tree: dict[str, Any] = draw(scalars(["debug", "event_processing", "testing"]))
    if draw(st.booleans()):
        tree["databases"] = databases()
    if draw(st.booleans()):
        tree["brokers"] = {"default": {"provider": "inline"}}
    for env in draw(OVERLAYS):
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
        space = self.draw(SPACE)
        indent = self.draw(INDENT)
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
            style = self.draw(TABLE_STYLE)
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
                    dot = self.draw(HEADER_DOT)
                    header = dot.join(render_key(self.draw, k) for k in self.prefix + sub)
                    pad = self.draw(HEADER_PAD)
                    indent = self.draw(HEADER_INDENT)
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
        return draw(GAP)

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
    eol = draw(EOL)
    text = eol.join(out)
    if out and draw(st.booleans()):
        text += eol
    parsed = tomllib.loads(text)  # the generator must produce valid TOML
    return text, parsed, {prefix + p for p in r.inline}, prefix


PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("TOML_EDIT_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# The layer's own properties share the document generator; a third of the examples keeps
# them to a few seconds each on a loaded machine.
LAYER_SETTINGS = settings(
    PROPERTY_SETTINGS, max_examples=max(1, PROPERTY_SETTINGS.max_examples // 3)
)


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
