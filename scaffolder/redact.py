"""Hiding secrets wherever a value leaves domain.toml: the answers record, diffs, conflicts,
error messages, check's findings in every format.

One rule set (secret_spans) says what a secret is: the password in a URL's userinfo
(`scheme://user:PASSWORD@host`, any scheme, a password with '@' or percent-escapes whole), but
for a local development server's (every host it names, a host list's and libpq's `?host=`
too, is this machine: a documented local default, which .env.example and the CI job print by
design, shown as they show it), the userinfo of a web URL (`https://TOKEN@host`), the value
of a key, parameter or variable named like a credential (looks_secret: `SECRET_KEY = ...`,
`password: ...`, `?api_key=...`, a libpq DSN's `password=...`, `.env.example`'s
`STRIPE_KEY=...`, `${DB_PASSWORD|default}`'s default).
Each is replaced by `***`; the rest of the text is kept, so a diff still shows which line
changed and how.

The answers record's snapshot of domain.toml is redacted too, and it is the base of the
three-way merge of derived files. `restore` puts back, for the merge only, the passwords the
snapshot hid, from the config as it is now, wherever the redacted text still matches.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from scaffolder.catalog import POSTGRES, SERVICES
from scaffolder.connection_target import dsn_hosts, on_this_machine, url_hosts
from scaffolder.variable_reference import WITH_DEFAULT

MASK = "***"
# A key's whole value hidden in the snapshot (kept: older records hold it).
REDACTED = "<redacted>"

# Words that name a credential wherever they stand in a key or variable name, also inside a
# longer word (`sslpassword`, `PGPASSWORD`, `authtoken`).
_CREDENTIAL_PARTS = (
    "secret",
    "password",
    "passwd",
    "passphrase",
    "token",
    "credential",
    "apikey",
    "privatekey",
    "authorization",
    "cookie",
)
# Words that name a credential only as a name's last word: `db_pass`, `access_key`,
# `STRIPE_KEY`, `auth`; first or inside they name something else (`AUTH_DATABASE_URL`,
# `key_prefix`, `pass_through`).
_CREDENTIAL_LAST = frozenset({"pass", "pwd", "auth", "key", "keys", "pin", "salt", "signature"})
# A name's words: split at `_`, `-`, `.`, digits and camelCase humps (`accessKey`, `APIKey`).
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")


# Every credential word above, each once (`pass` stands for `password` too): a name or a line
# holding none of them is no secret's. The quick test, on lower-cased text, before words are
# split and values looked for: most keys and lines of a config hold none.
_WORDS = {*_CREDENTIAL_PARTS, *_CREDENTIAL_LAST, "key"}
_HINT = re.compile(
    "|".join(sorted(w for w in _WORDS if not any(o != w and o in w for o in _WORDS)))
)


def _hinted(text: str) -> bool:
    return _HINT.search(text.lower()) is not None


def looks_secret(name: str) -> bool:
    """A variable or key named like a credential (SECRET_KEY, DB_PASSWORD, API_TOKEN, db_pass,
    accessKey, authorization)."""
    if not _hinted(name):
        return False
    words = [w.lower() for w in _WORD.findall(name)]
    if not words:
        return False
    joined = "".join(words)
    if any(part in joined for part in _CREDENTIAL_PARTS):
        return True
    last = words[-1]
    return last in _CREDENTIAL_LAST or last.endswith("key")


# scheme://user:password@host: the password runs to the last '@' before the host's end, as
# urllib splits a netloc, so a password with an unescaped '@' is hidden whole.
_URL_PASSWORD = re.compile(
    r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@\[\]\"'{}|]*:(?P<secret>[^\s/?#\"'{}|]*)(?=@)"
)
# A web URL's userinfo with no password is a token (`https://TOKEN@host`, a Sentry DSN); for
# a database or broker scheme it is the user's name (`postgresql://postgres@localhost`).
_URL_TOKEN = re.compile(
    r"\b(?:[A-Za-z0-9.-]+\+)?(?:https?|wss?|ftps?)://(?P<secret>[^\s:/?#\[\]\"'{}|]+)(?=@)",
    re.IGNORECASE,
)
# Its schemes alone: every text _URL_TOKEN matches holds one. The quick test before its scan,
# which backtracks at each position of a URL (~2 us a connection string; 2,000 in a snapshot).
_WEB_SCHEME = re.compile(r"(?:https?|wss?|ftps?)://", re.IGNORECASE)
# NAME=value, NAME: value, "name": "value", NAME = 'value': a TOML or YAML key, an .env line,
# a query-string parameter (`?password=x&`), a libpq DSN's `password=x`. Which names are
# credentials is looks_secret's call. A quoted value is hidden to its closing quote, an
# `Authorization: Bearer x` to the end of the token, any other value to the next space, '&',
# ',' or '}'.
_ASSIGNMENT = re.compile(
    r"(?<![\w.$])(?P<name>[A-Za-z_][\w.-]*)[\"']?[ \t]*(?P<sign>[:=])[ \t]*"
    r"(?:\"(?P<double>(?:[^\"\\\n]|\\.)*)\"|'(?P<single>[^'\n]*)'"
    r"|\[(?P<array>[^\]\n]*)\]"
    r"|(?P<bare>(?:(?:Bearer|Basic|Token|Digest)[ \t]+)?(?!\$\{)[^\s\"',}&;]+))",
    re.IGNORECASE,
)
_VALUE_GROUPS = ("double", "single", "array", "bare")
# Not secrets: nothing, a record's `<redacted>` (hidden already, and it stays as it is), and
# the placeholders of examples and help (`postgresql://USER:PASSWORD@HOST:5432/DBNAME`,
# `expected KEY=VALUE`, .env.example's `SECRET_KEY=CHANGE-ME`).
_NOT_SECRETS = frozenset({"", REDACTED, "PASSWORD", "VALUE", "CHANGE-ME"})


def _value_span(text: str, match: re.Match[str], group: str) -> tuple[int, int] | None:
    """Where the value of a credential-named `match` is, or None when it is no value.

    `NAME: value` unquoted is a YAML key or a header when NAME begins its line, and its value
    runs to the end of the line (a plain scalar may hold spaces; a ` #` comment is not in
    it); in a flow mapping (`{user: u, password: x}`) it runs to ',' or '}'; anywhere else it
    is a sentence naming a variable ("postgres's POSTGRES_PASSWORD: the job cannot connect").
    """
    start, end = match.span(group)
    if match.group("sign") != ":" or group != "bare":
        return start, end
    before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
    if not before.strip(" \t+-\"'["):
        line_end = text.find("\n", start)
        line = text[start : len(text) if line_end < 0 else line_end]
        return start, start + len(line.split(" #", 1)[0].rstrip())
    if before.count("{") > before.count("}"):
        return start, end
    return None


# Python's annotated assignment of a string literal: `secret_key: str = "..."`.
_ANNOTATED = re.compile(
    r"(?<![\w.$])(?P<name>[A-Za-z_]\w*)[ \t]*:[^=\n]*=[ \t]*"
    r"(?:\"(?P<double>(?:[^\"\\\n]|\\.)*)\"|'(?P<single>[^'\n]*)')"
)


def _local_server_passwords() -> frozenset[tuple[str, str]]:
    """(variable, value) of each password the catalog's servers are started with in compose
    and CI (`POSTGRES_PASSWORD: postgres`), and libpq's PGPASSWORD for PostgreSQL's: a
    documented local default, as a local server's URL password is, so never masked."""
    found = {
        (name, value)
        for service in SERVICES
        for name, value in service.environment.items()
        if looks_secret(name)
    }
    found.add(("PGPASSWORD", POSTGRES.environment["POSTGRES_PASSWORD"]))
    return frozenset(found)


_LOCAL_SERVER_PASSWORDS = _local_server_passwords()


# Kubernetes' `secretKeyRef: {name: S, key: K}` (and `configMapKeyRef`) reads key K of Secret
# S: K names the key, as `${VAR}` names a variable, and the Secret's value is elsewhere. A key
# name is letters, digits, '-', '_' and '.'.
_KEY_REF_PARENT = re.compile(r"[ \t]*(?:-[ \t]+)?(?:secretKeyRef|configMapKeyRef):[ \t]*(?:#.*)?")
_KEY_REF_FLOW = re.compile(r"(?:secretKeyRef|configMapKeyRef)[\"']?[ \t]*:[ \t]*\{[^{}]*$")
_KEY_NAME = re.compile(r"[-._A-Za-z0-9]+")


def _names_a_secrets_key(text: str, match: re.Match[str], span: tuple[int, int]) -> bool:
    """Whether `match` is the `key:` of a Kubernetes secretKeyRef or configMapKeyRef, in a
    block mapping (its parent line `secretKeyRef:` above its siblings `name:`, `optional:`)
    or a flow one (`secretKeyRef: {name: s, key: DATABASE_URL}`); or such a flow mapping as
    the value of `secretKeyRef:` itself (a name like a credential's), whose `key:` is judged
    on its own."""
    value = text[span[0] : span[1]]
    if match.group("name") in ("secretKeyRef", "configMapKeyRef"):
        return value.startswith("{")
    if match.group("name") != "key" or not _KEY_NAME.fullmatch(value):
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    before = text[line_start : match.start()]
    if _KEY_REF_FLOW.search(before):
        return True
    if before.strip(" "):
        return False
    end = line_start - 1
    while end > 0:  # the lines above, nearest first
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#") and len(line) - len(stripped) < len(before):
            return _KEY_REF_PARENT.fullmatch(line) is not None  # the parent
        end = start - 1  # a blank line, a comment, a sibling key or its value
    return False


def _assignment_spans(text: str, *, code: bool = False) -> list[tuple[int, int]]:
    """The values of credential-named assignments. In Python source (`code`) only a string
    literal is a value: `key = str(uuid4())`, `key: str = Identifier()`, `f(key=key)` are
    code naming no secret."""
    spans: list[tuple[int, int]] = []
    position = 0
    while (match := _ASSIGNMENT.search(text, position)) is not None:
        group = next(g for g in _VALUE_GROUPS if match.group(g) is not None)
        name = match.group("name")
        span = _value_span(text, match, group) if looks_secret(name) else None
        if span is not None and (
            (code and group not in ("double", "single"))
            or (name.upper(), text[span[0] : span[1]]) in _LOCAL_SERVER_PASSWORDS
            or _names_a_secrets_key(text, match, span)
        ):
            span = None
        if span is None:
            # Its value may hold assignments of its own (a URL's query, a DSN): go on after
            # the name, not after the value.
            position = match.end("name")
            continue
        position = max(match.end(), span[1])
        start, end = span
        value = text[start:end]
        if "${" in value:
            # A reference is not a secret, its default is: every default in the value.
            spans += [
                (start + m.start("default"), start + m.end("default"))
                for m in WITH_DEFAULT.finditer(value)
            ]
        else:
            spans.append((start, end))
    return spans


# A URL from its scheme to its end: a space, a quote, a brace or '|' (a reference's), '<', '>'
# or '`'. A ',' stays in it: a libpq host list (`@localhost,db.example.com`, `?host=a,b`).
# Its query runs on to the line's end: SQLAlchemy hands `?sslmode=x& host =db` to the driver
# as ` host ` = `db`, and libpq reads a DSN's keys with the spaces round them.
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'{}|<>`?]*(?:\?[^\n\"'{}|<>`]*)?")


def remote_host(text: str, start: int = 0) -> str | None:
    """The first host the connection URL at `start` of `text` names that is not this machine
    ('' when it names none), or None when it reaches this machine only: the one judgement
    of where a URL's password goes (_local_url, holds_remote_password, check's password
    rules)."""
    match = _URL.match(text, start)
    hosts = url_hosts(match.group()) if match else []
    if on_this_machine(hosts):
        return None
    return next((h for h in hosts if not on_this_machine([h])), "")


def _local_url(text: str, match: re.Match[str]) -> bool:
    """The URL password `match` found is a local development server's (the URL reaches this
    machine only, remote_host: `postgres:postgres@localhost`): a documented local default,
    which .env.example and the CI job print by design, so it is shown wherever text is
    printed, never masked on one side of a diff and not the other. Under a credential-named
    key or variable it is still hidden (the assignment and reference rules)."""
    return remote_host(text, match.start()) is None


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` holds a secret, as (start, end) pairs, sorted and not overlapping: URL
    passwords (but a local server's), web URL tokens, values of credential-named keys and
    parameters, defaults of credential-named variables. The one rule set every redaction
    applies."""
    return _spans(text, local=False)


def _spans(text: str, *, local: bool, code: bool = False) -> list[tuple[int, int]]:
    """secret_spans, with a local server's URL password too when `local`: as records of earlier
    releases masked it, which the merge base is read back from (restore, restore_lines);
    `text` Python source when `code` (_assignment_spans)."""
    spans: list[tuple[int, int]] = []
    if "@" in text:  # userinfo ends at one
        spans += [
            m.span("secret")
            for m in _URL_PASSWORD.finditer(text)
            if local or not _local_url(text, m)
        ]
        if _WEB_SCHEME.search(text):
            spans += [m.span("secret") for m in _URL_TOKEN.finditer(text)]
    if not _hinted(text):  # no credential's name: nothing more to look for
        return _merged(text, spans) if spans else spans
    spans += [
        m.span("default")
        for m in WITH_DEFAULT.finditer(text)
        if looks_secret(m.group("name")) and m.group("default")
    ]
    spans += _assignment_spans(text, code=code)
    if code:
        spans += [
            m.span("double" if m.group("double") is not None else "single")
            for m in _ANNOTATED.finditer(text)
            if looks_secret(m.group("name"))
        ]
    return _merged(text, spans)


def _merged(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` sorted, overlapping ones joined, what is no secret (_NOT_SECRETS) left out."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if text[s[0] : s[1]] not in _NOT_SECRETS):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, end = [], 0
    for start, stop in spans:
        parts += [text[end:start], MASK]
        end = stop
    parts.append(text[end:])
    return "".join(parts)


def redact_text(text: str) -> str:
    """`text` with every secret (secret_spans) replaced by `***`: for anything printed (diffs,
    conflicts, errors, check's findings) and every string of the answers record. `${VAR}`
    references are not secrets and stay; the rest of the text is kept."""
    return _mask(text, secret_spans(text))


def redact_file(path: str, text: str) -> str:
    """redact_text for the content of the file `path`: in Python source (`.py`), only a string
    literal is a credential-named name's value (`SECRET_KEY = "..."`), the rest is code. For
    the record of what was generated (scaffolder.generated_record): what it masks is what a
    user's edit of cannot be told apart from the generated line, so exactly the secrets."""
    return _mask(text, _spans(text, local=False, code=path.endswith(".py")))


def holds_remote_password(text: str) -> bool:
    """`text` (a connection string, a libpq DSN, a default holding either, nested defaults
    and all) holds a secret that it sends to a server that is not this machine: a real
    credential, never copied out of domain.toml. Each secret belongs to the URL it stands in
    (remote_host), or else to the DSN the rest of the text is, whose `host=` and `hostaddr=`
    say where it goes (none: the local socket)."""
    secrets = _spans(text, local=True)
    if not secrets:
        return False
    urls = list(_URL.finditer(text))
    hosts = dsn_hosts(_URL.sub(" ", text))
    for start, end in secrets:
        # A secret that spans a URL (a credential variable's whole default) is that URL's.
        owners = [u for u in urls if u.start() < end and start < u.end()]
        if owners and any(remote_host(u.group()) is not None for u in owners):
            return True
        if not owners and hosts and not on_this_machine(hosts):
            return True
    return False


def read_under_secret_keys(tree: Any, key: str = "") -> set[str]:
    """The variables a credential-named key reads (`password = "${PW|default}"`): their
    defaults are that key's value, a secret whatever the variable is called."""
    found: set[str] = set()
    _read_under_secret_keys(tree, key, found)
    return found


def _read_under_secret_keys(tree: Any, key: str, found: set[str]) -> None:
    # Into one set, leaves first: a plan walks each environment's 2,000-table tree with it,
    # and a set per node made the walk 3x slower.
    if isinstance(tree, str):
        if "${" in tree and looks_secret(key):
            found.update(m.group("name") for m in WITH_DEFAULT.finditer(tree))
    elif isinstance(tree, Mapping):
        for k, v in tree.items():
            _read_under_secret_keys(v, str(k), found)
    elif isinstance(tree, list):
        for v in tree:
            _read_under_secret_keys(v, key, found)


def redact_tree(value: Any, key: str = "") -> Any:
    """A parsed config as plain data for the answers record: secrets masked (secret_spans),
    values of credential-named keys hidden (a `${VAR|default}` keeps the reference), and TOML
    dates and times as ISO strings, which YAML can hold and which compare equal run after
    run. An edit computes it once (scaffolder.reopen.config_state.ConfigState.snapshot) and
    passes it on to the comparison with the record and to the record itself."""
    return _redact(value, key, {})


def _redact(value: Any, key: str, secret_keys: dict[str, bool]) -> Any:
    # Strings first: most of a config's nodes are (a 2,000-table tree has 6,000). Whether a
    # key is a credential's is asked once per key name (`secret_keys`, this walk's): a
    # 2,000-table tree repeats a handful of names.
    if isinstance(value, str):
        secret_key = secret_keys.get(key)
        if secret_key is None:
            secret_key = secret_keys[key] = looks_secret(key)
        if "${" not in value:  # no reference (WITH_DEFAULT opens with one) to keep or mask
            return REDACTED if secret_key else redact_text(value)
        if secret_key and not WITH_DEFAULT.search(value):
            return REDACTED
        value = WITH_DEFAULT.sub(
            lambda m: (
                f"${{{m.group('name')}|{REDACTED}}}"
                if secret_key or looks_secret(m.group("name"))
                else m.group(0)
            ),
            value,
        )
        return redact_text(value)
    # A parsed tree's tables are dicts: asked first, before the slower ABC check.
    if isinstance(value, (dict, Mapping)):
        return {str(k): _redact(v, str(k), secret_keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, key, secret_keys) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
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
    """`masked` with the k-th masked secret taken from the k-th secret of `current`, when both
    have as many; None otherwise."""
    # Local servers' passwords included: a record may have masked them (earlier releases)
    # or not; a place shown in the record keeps what the record shows.
    holes = _spans(masked, local=True)
    secrets = _spans(current, local=True)
    if len(holes) != len(secrets):
        return None
    parts, end = [], 0
    for (start, stop), (a, b) in zip(holes, secrets, strict=True):
        shown = masked[start:stop]
        parts += [masked[end:start], current[a:b] if shown == MASK else shown]
        end = stop
    parts.append(masked[end:])
    return "".join(parts)


def _lines_holding(text: str) -> set[int]:
    """The numbers (0-based) of the lines of `text` that hold a secret as the rules read the
    whole text, a local server's password included (as records of earlier releases masked
    it)."""
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    return {
        bisect.bisect_right(starts, position) - 1
        for start, end in _spans(text, local=True)
        for position in (start, max(start, end - 1))
    }


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
    # Each masked line of the base is taken, in order, from the lines of yours that mask to
    # it: the k-th `key: ***` of the base is the k-th such line on disk when both have as
    # many (a manifest names several secret keys), or the one line when all are the same.
    candidates: dict[str, list[str]] = {}
    text = yours.decode(errors="replace")
    holding = _lines_holding(text)
    for number, line in enumerate(text.split("\n")):
        if number not in holding:
            # No secret here, read in its file (a secretKeyRef's `key: DATABASE_URL`): what a
            # record masked on such a line cannot be read back from it, and taking the user's
            # line for the generated one would undo the user's edit.
            continue
        # As the record masks it now, and as a record of an earlier release did (a local
        # server's password masked too).
        for masked_line in dict.fromkeys(
            [redact_text(line), _mask(line, _spans(line, local=True))]
        ):
            if masked_line != line:
                candidates.setdefault(masked_line, []).append(line)
    wanted = Counter(line for line in masked_lines if MASK in line)
    taken: Counter[str] = Counter()
    lines = []
    for masked_line, restored_line in zip(masked_lines, restored_lines, strict=True):
        found = candidates.get(masked_line, []) if MASK in masked_line else []
        if len(set(found)) == 1:
            lines.append(found[0])
        elif found and len(found) == wanted[masked_line]:
            lines.append(found[taken[masked_line]])
            taken[masked_line] += 1
        else:
            lines.append(restored_line)
    return "\n".join(lines).encode()
