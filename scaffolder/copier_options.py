"""The rendering options of a copier template's copier.yml, read without PyYAML.

Rendering the derived files (scaffolder.render.render_direct) needs three of copier.yml's keys:
`_subdirectory`, `_templates_suffix` and `_envops` (Jinja's options). Importing PyYAML to read
them cost every edit ~9 ms of its CPU (add-env on a 2,000-table config: 389 ms). protean-init's
copier.yml writes them as plain `key: value` lines, so they are read here as lines; a file this
reader does not read exactly as PyYAML would (a quoted or flow value, a comment after a value,
an anchor, a directive, a key given twice, a word YAML reads as a bool, a number or null where
a name is expected) is left to PyYAML (`read_options` returns None). The other keys' values (the
questions) are not read, nor checked: the templates rendered are protean-init's own.
"""

from __future__ import annotations

import re
from typing import Any

OPTION_KEYS = ("_subdirectory", "_templates_suffix", "_envops")

# A top-level `key:` or `key: value` line; anything else at the margin (`---`, `%YAML`, `? `,
# `<<:`, a flow or quoted key) is not read here.
_TOP = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(?P<value>\S.*?))?[ \t]*")
# An `_envops` entry, indented under it.
_ENTRY = re.compile(r"(?P<indent> +)(?P<key>[a-z_]+):[ \t]+(?P<value>\S.*?)[ \t]*")
# A plain name PyYAML reads as text: a path or a suffix (`template`, `.jinja`, `jinja2.X`).
# One opening with a dot must go on with a letter: `.5` is a number to YAML.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*|\.[A-Za-z][A-Za-z0-9_./-]*")
# Names YAML 1.1 (PyYAML) reads as something other than text.
_NOT_TEXT = frozenset(
    {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan", "."}
)
_BOOLS = {"true": True, "false": False}
# Line breaks to YAML that str.splitlines does not split at, and the other way round: a file
# holding one is left to PyYAML.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def read_options(text: str) -> dict[str, Any] | None:
    """copier.yml's rendering options (OPTION_KEYS, those it sets), as PyYAML's safe loader
    reads them; None when the file is not one this reader reads exactly."""
    if any(c in text for c in _OTHER_BREAKS):
        return None
    options: dict[str, Any] = {}
    seen: set[str] = set()
    block: str | None = None  # the top-level key whose indented lines follow
    indent: str | None = ""  # `_envops`' entries' indentation, once one is read
    for line in text.splitlines():
        # Blank and comment lines as spaces indent them; a tab is left to PyYAML.
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] == " ":
            if block is None:
                return None  # an indented document
            if block in OPTION_KEYS:
                indent = _add_entry(options, block, line, indent)
                if indent is None:
                    return None
            continue
        top = _TOP.fullmatch(line)
        if top is None or top["key"] in seen:
            return None  # a tab, a directive, a flow or quoted key, a key given twice
        block = key = top["key"]
        seen.add(key)
        if key in OPTION_KEYS and not _add_option(options, key, top["value"]):
            return None
    if options.get("_envops") == {}:
        options["_envops"] = None  # `_envops:` with nothing under it: YAML's null
    return options


def _add_option(options: dict[str, Any], key: str, value: str | None) -> bool:
    """Whether the option's own line reads: `_envops:` alone, the others with a plain name."""
    if key == "_envops":
        options[key] = {}
        return value is None
    options[key] = value
    return value is not None and _is_text(value)


def _add_entry(options: dict[str, Any], key: str, line: str, indent: str) -> str | None:
    """`line` under the option `key` as one more `_envops` entry, indented as the ones before
    it (`indent`; "" before the first): its indentation, or None when it does not read so
    (only `_envops` has lines under it: an option's value going on, a plain scalar's next
    line, is not read here)."""
    entry = _ENTRY.fullmatch(line)
    if key != "_envops" or entry is None or indent not in ("", entry["indent"]):
        return None
    envops = options[key]
    value = _scalar(entry["value"])
    if value is None or entry["key"] in envops:
        return None
    envops[entry["key"]] = value
    return entry["indent"]


def _is_text(value: str) -> bool:
    return _NAME.fullmatch(value) is not None and value.lower() not in _NOT_TEXT


def _scalar(value: str) -> Any:
    """A Jinja option's value: a bool, a small integer or a plain name; None: not one of these
    as written here (left to PyYAML)."""
    if value in _BOOLS:
        return _BOOLS[value]
    if value.isdigit() and (value == "0" or not value.startswith("0")):
        return int(value)
    return value if _is_text(value) else None
