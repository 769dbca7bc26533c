"""Hiding secrets wherever a value leaves domain.toml: the answers record, diffs, conflicts,
error messages.

A secret is the password in a URL's userinfo (`scheme://user:PASSWORD@host`, any scheme, also
inside `${VAR|default}`), or the value of a key named like a credential (`SECRET_KEY = ...`,
`password: ...`). Each is replaced by `***`; the rest of the text is kept, so a diff still shows
which line changed and how.

The answers record's snapshot of domain.toml is redacted too, and it is the base of the
three-way merge of derived files. `restore` puts back, for the merge only, the passwords the
snapshot hid, from the config as it is now, wherever the redacted text still matches.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

MASK = "***"
# A key's whole value hidden in the snapshot (kept: older records hold it).
REDACTED = "<redacted>"

# scheme://user:password@host: the password runs to the last '@' before the host's end, as
# urllib splits a netloc, so a password with an unescaped '@' is hidden whole.
_URL_PASSWORD = re.compile(
    r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@\[\]]*:)(?P<password>[^\s/?#]*)(?=@)"
)
_SECRET_WORD = r"(?:SECRET|PASSWORD|PASSWD|PWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)"
# KEY = value, KEY: value, KEY=value, "key": "value", with the key named like a credential.
_SECRET_ASSIGNMENT = re.compile(
    rf"(?P<head>\b[\w.-]*{_SECRET_WORD}[\w.-]*[\"']?\s*[:=]\s*(?P<quote>[\"']?))"
    rf"(?P<value>(?!\$\{{)[^\s\"',}}]+)",
    re.IGNORECASE,
)
_SECRET_NAME = re.compile(_SECRET_WORD, re.IGNORECASE)


def looks_secret(name: str) -> bool:
    """A variable or key named like a credential (SECRET_KEY, DB_PASSWORD, API_TOKEN)."""
    return bool(_SECRET_NAME.search(name))


# This machine: a password for one of these is a local development server's, not a secret.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})


def is_local_host(host: str) -> bool:
    return host.lower() in LOCAL_HOSTS or host.startswith("127.")


def holds_remote_password(url: str) -> bool:
    """`url` has a password for a server that is not this machine: a real credential."""
    try:
        parts = urlsplit(url)
        return bool(parts.password) and not is_local_host(parts.hostname or "")
    except ValueError:  # not a URL urllib can split: no password it could name
        return False


def redact_urls(text: str) -> str:
    """Every URL password in `text` replaced by `***`."""
    return _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)


def redact_text(text: str) -> str:
    """`text` with URL passwords and credential-named values replaced by `***`: for anything
    printed (diffs, conflicts, errors). `${VAR}` references are not secrets and stay."""
    text = redact_urls(text)
    return _SECRET_ASSIGNMENT.sub(lambda m: m.group("head") + MASK, text)


def redact_tree(value: Any, key: str = "") -> Any:
    """A parsed config as plain data for the answers record: URL passwords masked, values of
    credential-named keys hidden (a `${VAR|default}` of a credential-named variable keeps the
    reference), and TOML dates and times as ISO strings, which YAML can hold and which compare
    equal run after run.

    One edit redacts the same parsed config three times (the record's comparison, the record,
    the template's merge base: 50 ms each at 2,000 tables). A config parse_config returned is
    shared and never changed (scaffolder.project_files.parse_config): for one, the last
    result is kept. Callers only read it; any other mapping is redacted afresh."""
    global _last
    if not isinstance(value, Mapping) or key:
        return _redact(value, key)
    from scaffolder.project_files import is_parsed

    if not is_parsed(value):
        return _redact(value, key)
    if _last is None or _last[0] is not value:
        _last = (value, _redact(value, key))
    return _last[1]


_last: tuple[Any, Any] | None = None


def _redact(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, key) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str):
        from scaffolder.config_tree import VARIABLE_REFERENCE

        if looks_secret(key) and not VARIABLE_REFERENCE.search(value):
            return REDACTED
        value = VARIABLE_REFERENCE.sub(
            lambda m: (
                f"${{{m.group(1)}|{REDACTED}}}"
                if m.group(2) is not None and looks_secret(m.group(1))
                else m.group(0)
            ),
            value,
        )
        return redact_urls(value)
    return value


def restore(snapshot: Any, *currents: Any) -> Any:
    """`snapshot` (a redacted tree) with its masked URL passwords put back from the first of
    `currents` (parsed configs) that has, at the same place, a string whose URLs line up.

    Used only to render the merge base: derived files (.env.example, CI) hold the local
    defaults' passwords as domain.toml has them, so a base rendered with `***` would differ
    from them on every such line. A place no current tree still has stays masked.
    """
    if isinstance(snapshot, dict):
        return {
            k: restore(v, *(c.get(k) for c in currents if isinstance(c, Mapping)))
            for k, v in snapshot.items()
        }
    if isinstance(snapshot, list):
        return [
            restore(v, *(c[i] for c in currents if isinstance(c, list) and i < len(c)))
            for i, v in enumerate(snapshot)
        ]
    if isinstance(snapshot, str) and MASK in snapshot:
        for current in currents:
            if isinstance(current, str):
                restored = _fill(snapshot, current)
                if restored is not None:
                    return restored
    return snapshot


def _fill(masked: str, current: str) -> str | None:
    """`masked` with the k-th masked password taken from the k-th URL password of `current`,
    when both have the same number of URL passwords; None otherwise."""
    holes = list(_URL_PASSWORD.finditer(masked))
    passwords = [m.group("password") for m in _URL_PASSWORD.finditer(current)]
    if len(holes) != len(passwords) or any(h.group("password") != MASK for h in holes):
        return None
    parts, end = [], 0
    for hole, password in zip(holes, passwords, strict=True):
        parts += [masked[end : hole.start("password")], password]
        end = hole.end("password")
    parts.append(masked[end:])
    return "".join(parts)


def restore_lines(masked: bytes, restored: bytes, yours: bytes) -> bytes:
    """The merge base of one derived file: `restored` (rendered from the snapshot with the
    passwords `restore` could put back), where each line that held a masked password is the
    line on disk that differs from it only in that password, if there is exactly one.

    A derived file's passwords are copies of domain.toml's local defaults: taking the file's
    own for the base means a password changed in domain.toml since (by hand, then `ci`) is
    regenerated into the file, not mistaken for the user's edit of it.
    """
    if MASK.encode() not in masked:
        return restored
    masked_lines = masked.decode().split("\n")
    restored_lines = restored.decode().split("\n")
    if len(masked_lines) != len(restored_lines):
        restored_lines = masked_lines
    candidates: dict[str, set[str]] = {}
    for line in yours.decode(errors="replace").split("\n"):
        if _URL_PASSWORD.search(line):
            candidates.setdefault(redact_urls(line), set()).add(line)
    lines = []
    for masked_line, restored_line in zip(masked_lines, restored_lines, strict=True):
        found = candidates.get(masked_line, set()) if MASK in masked_line else set()
        lines.append(next(iter(found)) if len(found) == 1 else restored_line)
    return "\n".join(lines).encode()
