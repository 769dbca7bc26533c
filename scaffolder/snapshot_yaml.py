"""The answers record's `generated_from` block as YAML text, fast, in ruamel's layout.

The snapshot grows with domain.toml: on a 2,000-table file ruamel's pure-Python emitter took
about 1.9 s of a 3.5 s `add-env` to dump it. The snapshot is plain data (tables, lists of
scalars, strings, integers, booleans: `redact_tree` has made dates text), so it is written
here line by line in the layout `record_snapshot`'s ruamel settings give (mappings indented
4, sequence dashes 2 in, no re-wrapping), byte for byte the same (tests/trust/test_speed_*
compare the two). Each string is written plain when a conservative pattern shows YAML 1.1
(PyYAML, which reads the record back) takes it as that same string, and otherwise as the C
emitter of PyYAML writes it, once per distinct string. Anything else (a float, a list of
tables, a string that needs more than one line, a long key) returns None and the caller
dumps with ruamel as before.
"""

from __future__ import annotations

import re
from typing import Any

INDENT = 4  # record_snapshot: yaml.indent(mapping=4, sequence=4, offset=2)
DASH = 2

# Plain in YAML 1.1 and 1.2 and read back as the same string: starts with a letter, no
# spaces, no indicator that matters inside a plain block scalar, not ending in ':'.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./@*+=-]*(?::[A-Za-z0-9_./@*+=-]+)*")
# Words YAML 1.1 resolves to a boolean or null.
_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})
_MAX_KEY = 120  # a longer key is written as a complex key (`? key`) by the emitters


class _Unsupported(Exception):
    """The value has a shape this writer does not lay out as ruamel does."""


def snapshot_block(tree: dict[str, Any]) -> list[str] | None:
    """The lines under `generated_from:` (each with its newline), or `None` when the tree
    holds something only the general emitter writes; `[]` stands for an empty mapping."""
    scalars: dict[str, str] = {}
    out: list[str] = []
    try:
        _mapping(tree, INDENT, out, scalars)
    except _Unsupported:
        return None
    return out


def document_lines(tree: dict[str, Any]) -> list[str] | None:
    """`tree` as a whole YAML document (its keys at the margin) in the same layout, or `None`
    as snapshot_block. A new answers record is written with it (no ruamel to import)."""
    out: list[str] = []
    try:
        _mapping(tree, 0, out, {})
    except _Unsupported:
        return None
    return out


def plain(value: str) -> bool:
    """`value` is written plain, and reads back as this same string in YAML 1.1 and 1.2."""
    return _PLAIN.fullmatch(value) is not None and value.lower() not in _WORDS


def _mapping(tree: dict[str, Any], indent: int, out: list[str], scalars: dict[str, str]) -> None:
    pad = " " * indent
    for key, value in tree.items():
        if not isinstance(key, str):
            raise _Unsupported
        name = _string(key, scalars)
        if len(name) > _MAX_KEY:
            raise _Unsupported
        if isinstance(value, dict):
            if not value:
                out.append(f"{pad}{name}: {{}}\n")
                continue
            out.append(f"{pad}{name}:\n")
            _mapping(value, indent + INDENT, out, scalars)
        elif isinstance(value, list):
            if not value:
                out.append(f"{pad}{name}: []\n")
                continue
            out.append(f"{pad}{name}:\n")
            dash = " " * (indent + DASH)
            for item in value:
                out.append(f"{dash}- {_scalar(item, scalars)}\n")
        else:
            out.append(f"{pad}{name}: {_scalar(value, scalars)}\n")


def _scalar(value: Any, scalars: dict[str, str]) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return _string(value, scalars)
    raise _Unsupported  # floats, nested lists, tables in lists, None: ruamel's own choices


def _string(value: str, scalars: dict[str, str]) -> str:
    # Each distinct string is judged once a document: a 2,000-table snapshot repeats its key
    # names and provider names thousands of times, and the plain pattern cost more than the
    # look-up.
    known = scalars.get(value)
    if known is None:
        plain_here = plain(value) or _dot_name(value)
        known = scalars[value] = value if plain_here else _emitted(value)
    return known


def _dot_name(value: str) -> bool:
    """A '.'-led name (`.github/workflows/ci.yml`, `.env.example`: a new record's derived
    files) that both emitters write plain: YAML's resolvers for a leading '.' are the float's
    (`.5`, `.inf`, `.nan`), which a letter other than i or n after the dot is not. Told here
    without importing PyYAML (~9 ms) for the emitter."""
    return value[1:2] not in ("", "i", "I", "n", "N") and value[:1] == "." and plain(value[1:])


def _emitted(value: str) -> str:
    """`value` as PyYAML's C emitter writes it alone: single-quoted where plain would read
    back as something else (`'07:30:00'`, `'yes'`)."""
    # deferred: yaml ~9 ms (CPU, measured): add-env imports this module without it
    import yaml

    try:
        text = yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True, width=1 << 16)
    except (yaml.YAMLError, UnicodeError):
        raise _Unsupported from None  # (a lone surrogate: TOML cannot hold one anyway)
    text = text.removesuffix("\n...\n").removesuffix("\n")
    if "\n" in text or not text or text.startswith('"') or "'" in value:
        # A multi-line scalar (its continuation lines depend on context), an escaped one (the
        # emitters escape different characters), one holding a quote (ruamel double-quotes
        # it, PyYAML doubles the quote): ruamel's own choice.
        raise _Unsupported
    if not text.startswith("'") and _yaml12_not_text(value):
        # Plain for YAML 1.1 but a number for ruamel's YAML 1.2 (`1e5`, `0o17`): ruamel
        # quotes it, and so does this writer, to stay byte for byte the same.
        return "'" + value.replace("'", "''") + "'"
    return text


def _yaml12_not_text(value: str) -> bool:
    if (
        value[:1] == "."
        and value[1:2].isascii()
        and value[1:2].isalpha()
        and value[1] not in "iInN"
    ):
        # A file's name (`.github/workflows/ci.yml`, `.env.example`, a new record's derived
        # files): ruamel's YAML 1.2 resolvers for a leading '.' are the float's (`.5`, `.inf`,
        # `.nan`), so it is text, told without importing ruamel (12 ms) for the resolver.
        return False
    # deferred: ruamel.yaml.nodes ~10 ms, ruamel.yaml.resolver ~11 ms (CPU, measured): `add-context`
    # imports this module without them
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    tag = VersionedResolver().resolve(ScalarNode, value, (True, False))
    return str(tag) != "tag:yaml.org,2002:str"
