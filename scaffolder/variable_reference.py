"""`${VAR}` and `${VAR|default}` in a config value, read the one way Protean 0.18 reads them.

Protean (`Config2._load_env_vars`) substitutes everything between `${` and the next `}`; a
default follows the first `|`. Every reader here (the plans of the derived files, `check`'s
resolution and rules, the edits that rename a variable) takes references from this module, so
none can see a reference Protean does not, or miss one it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Protean's pattern.
_REFERENCE = re.compile(r"\$\{([^}]+)\}")
# A reference with a default, as the same reading finds it (the name up to the first `|`,
# spaces and all), its name and default as groups: for code that must find the default's
# place in the text (scaffolder.redact masks a credential variable's default there).
WITH_DEFAULT = re.compile(r"\$\{(?P<name>[^|}]*)\|(?P<default>[^}]*)\}")
# Every `${`, closed or not, with what follows up to the first `}`: what `check` reads to
# name the ones Protean leaves as plain text (never closed, `${}`).
OPENING = re.compile(r"\$\{([^}]*)(\}?)")
# A name a shell can set (`export NAME=value`), and a .env line, a CI job's `env:` key and a
# Kubernetes Secret's env file can hold as written. Protean reads any name (`${A-B}`, one with
# a line break): check reports the others (malformed-placeholder), and the derived files
# list none of them.
SETTABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class VariableReference:
    name: str
    default: str | None  # None: no `|` (an unset variable has no value)

    @classmethod
    def parse(cls, inner: str) -> VariableReference:
        """The text between `${` and `}`: the name, then the default after the first `|`."""
        name, bar, default = inner.partition("|")
        return cls(name, default if bar else None)

    @property
    def settable(self) -> bool:
        """Its name is one a shell can set (SETTABLE_NAME)."""
        return SETTABLE_NAME.fullmatch(self.name) is not None

    def __str__(self) -> str:
        """As written in a config: `${NAME}` or `${NAME|default}`."""
        return f"${{{self.name}}}" if self.default is None else f"${{{self.name}|{self.default}}}"


def references_in(text: str) -> Iterator[VariableReference]:
    """Every reference Protean substitutes in `text`, in order (`${|x}`'s name is empty)."""
    for match in _REFERENCE.finditer(text):
        yield VariableReference.parse(match.group(1))


def substitute(text: str, value_of: Callable[[VariableReference], str]) -> str:
    """`text` with each reference replaced by `value_of(reference)`."""
    return _REFERENCE.sub(lambda match: value_of(VariableReference.parse(match.group(1))), text)


def without_references(text: str) -> str:
    return substitute(text, lambda reference: "")
