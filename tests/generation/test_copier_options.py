"""copier.yml's rendering options read as lines (scaffolder.copier_options) are what PyYAML
reads, or not read at all (None: PyYAML reads them), whatever the file holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.copier_options import OPTION_KEYS, read_options

REPO = Path(__file__).resolve().parents[2]


def _pyyaml(text: str) -> dict[str, Any] | None:
    """The options as PyYAML's safe loader reads them (an empty file: none, as
    scaffolder.render takes it); None when it refuses the file or the file is not a mapping."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    return {key: data[key] for key in OPTION_KEYS if key in data}


def test_every_shipped_copier_yml_is_read_without_pyyaml_as_pyyaml_reads_it() -> None:
    shipped = sorted((REPO / "templates").rglob("copier.yml"))
    assert len(shipped) >= 3  # the running template and each release's
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        options = read_options(text)
        assert options is not None, path
        assert options == _pyyaml(text), path
        assert set(options) == set(OPTION_KEYS), path


_PLAIN = st.sampled_from(["template", ".jinja", "jinja2.StrictUndefined", "true", "false", "2"])
_TRICKY = st.sampled_from(
    ["template", ".jinja", "jinja2.StrictUndefined", "true", "false", "True", "yes", "No", "on",
     "off", "null", "~", "", "0", "1", "10", "010", "0x1F", "1.5", ".5", ".inf", ".NaN", "1_000",
     "1:30", "'quoted'", '"quoted"', "a # comment", "a#b", "[a, b]", "{a: 1}", "&anchor x",
     "*alias", "!tag x", "- item", "a: b", "path/to/it", "y", "n", "=", "<<", "-", "?", "|",
     ">", "%x", "@x", "`x", "é", "a\tb", "\t"]
)  # fmt: skip
# Mostly what a copier.yml holds, so that most files are read; a tricky value in one of five.
_VALUES = st.one_of(_PLAIN, _PLAIN, _PLAIN, _PLAIN, _TRICKY)
_KEYS = st.sampled_from([*OPTION_KEYS, "_answers_file", "project_name", "keep_trailing_newline"])
_INDENTS = st.sampled_from(["  ", "  ", "  ", "    ", " ", "\t", ""])


@st.composite
def _copier_yml(draw: st.DrawFn) -> str:
    """Lines as a copier.yml holds them, and lines it should not: options and questions, with
    plain, quoted, flow and YAML-1.1-ambiguous values, comments, blank lines, blocks under a
    key indented alike or not, now and then a key given twice, a directive or a marker."""
    keys = draw(st.lists(_KEYS, unique=True, max_size=6))
    if keys and draw(st.integers(0, 9)) == 0:
        keys.append(keys[0])
    lines: list[str] = []
    for key in keys:
        # An option mostly in its own form (`_envops` a block, the others a value).
        usual = key != "_envops" if key in OPTION_KEYS else draw(st.booleans())
        if usual != (draw(st.integers(0, 4)) == 0):
            lines.append(f"{key}: {draw(_VALUES)}".rstrip())
        else:
            lines.append(f"{key}:")
            indent = draw(_INDENTS)  # the block's, and now and then another
            for _ in range(draw(st.integers(0, 4))):
                entry = draw(st.sampled_from(["trim_blocks", "undefined", "type", "help", "a"]))
                other = draw(st.integers(0, 4)) == 0
                lines.append(f"{draw(_INDENTS) if other else indent}{entry}: {draw(_VALUES)}")
        for _ in range(draw(st.integers(0, 1))):
            lines.append(draw(st.sampled_from([f"{draw(_INDENTS)}# {draw(_VALUES)}", ""])))
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(["---", "...", "%YAML 1.1", "? x", "<<: {}"])))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines) + "\n"


@settings(max_examples=600, deadline=None)
@given(_copier_yml())
def test_options_read_as_lines_are_pyyamls_or_left_to_it(text: str) -> None:
    """Where PyYAML reads the file, the reader reads the same options or none. The rest of
    the file is not checked (a question's value PyYAML refuses is copier's to refuse)."""
    options = read_options(text)
    expected = _pyyaml(text)
    if options is not None and expected is not None:
        assert options == expected
