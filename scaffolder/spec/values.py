"""How a value given as text (a flag, an answers file, a form) is read and checked: one
parser per kind of value, each raising a one-line UsageError that names the key, the value
and what is allowed."""

from __future__ import annotations

import re

from scaffolder.errors import UsageError, closest


def parse_bool(key: str, value: object) -> bool:
    """`true` or `false`, as TOML writes them and the help says; `yes`, `1` and `on` are
    refused, not guessed (a TOML tool refuses them too)."""
    if isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text == "true":
        return True
    if text == "false":
        return False
    raise UsageError(f"invalid value {value!r} for {key}; expected true or false")


def parse_choice(key: str, value: object, allowed: tuple[str, ...]) -> str:
    text = str(value).strip()
    if text not in allowed:
        raise UsageError(
            f"invalid value {value!r} for {key}{closest(text, allowed)}; "
            f"expected one of: {', '.join(allowed)}"
        )
    return text


def parse_count(key: str, value: object) -> int:
    """A whole number of at least 1 (workers, replicas)."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise UsageError(f"invalid value {value!r} for {key}; expected a whole number, 1 or more")
    return int(text)


def parse_seconds(key: str, value: object) -> int | float:
    try:
        number = float(str(value).strip()) if not isinstance(value, bool) else -1.0
    except ValueError:
        number = -1.0
    if not 0 < number < 86400:
        raise UsageError(f"invalid value {value!r} for {key}; expected seconds, above 0")
    return int(number) if number.is_integer() else number


def parse_port(key: str, value: object) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < 65536:
        raise UsageError(f"invalid value {value!r} for {key}; expected a port, 1 to 65535")
    return int(text)


def parse_host(key: str, value: object) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[A-Za-z0-9.:\-]+", text):
        raise UsageError(
            f"invalid value {value!r} for {key}; expected an address to bind, such as 0.0.0.0"
        )
    return text


def parse_name(key: str, value: object) -> str:
    """A project or package name, as text: ProjectSpec's validation names what is wrong."""
    return str(value)
