"""Connection rules: what Protean loads without a word and a provider refuses only when it
connects. A connection string whose scheme the provider's client does not open (a sqlite
database on a postgresql:// URL, a cache on a database URL), placeholders Protean does not
read as placeholders (`${X`, `${}`), and an empty default where a URL is meant.

Each value is judged as each source would give it: the literal as written, the default of
every `${VAR|default}`, and, for environments named with --env, the variable's value in the
environment (never printed: it may hold a password). The schemes come from the catalog.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scaffolder.catalog import PROVIDERS, TOP_LEVEL_KEYS, Connection, Provider, Role
from scaffolder.check.common import Collector, ConfiguredSlot, strings
from scaffolder.check.findings import ERROR, WARNING
from scaffolder.check.resolution import Resolved
from scaffolder.check.source import Path
from scaffolder.redact import looks_secret, redact_text
from scaffolder.spec.environments import BASE
from scaffolder.variable_reference import OPENING, VariableReference, references_in, substitute

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
# --- Placeholders as written ---------------------------------------------------------------


def placeholder_rules(c: Collector, overlays: Sequence[str], checked: Sequence[str]) -> None:
    """`${` that Protean does not substitute, or substitutes with nothing where a value is
    needed, in the base tables and the checked overlays."""
    raw = c.source.raw
    for key, value in raw.items():
        if key in TOP_LEVEL_KEYS:
            env, path_head = BASE, (key,)
        elif key in overlays and key in checked:
            env, path_head = key, (key,)
        else:
            continue
        for path, text in strings(value, path_head):
            _placeholders_in(c, env, path, text)


def _placeholders_in(c: Collector, env: str, path: Path, text: str) -> None:
    line = c.source.exact(path) or c.source.where(env, path)
    relative = path if env == BASE else path[1:]
    for match in OPENING.finditer(text):
        inner, closed = match.group(1), match.group(2)
        shown = match.group(0)
        if not closed:
            problem = f"'{shown}' is never closed"
            fix = f"close it: '{shown}}}'"
        elif not inner:
            problem = "'${}' names no variable"
            fix = "write ${NAME} or ${NAME|default}"
        else:
            ref = VariableReference.parse(inner)
            name = ref.name
            if not ref.settable:
                problem = f"'{shown}' reads a variable named {name!r}, which no shell can set"
                fix = "name the variable with letters, digits and _ only: ${DATABASE_URL}"
            elif ref.default == "" and _is_connection_key(relative):
                problem = (
                    f"'{shown}' falls back to an empty string when {name} is unset, and a "
                    "provider cannot connect to an empty URL"
                )
                fix = f"give it the local URL as default (${{{name}|URL}}), or drop the '|'"
            else:
                continue
        consequence = (
            ""
            if closed
            else ": Protean substitutes only ${...} with a closing brace and "
            "passes the rest on as text"
        )
        c.add(
            ERROR,
            "malformed-placeholder",
            f"{'.'.join(relative)}: {problem}{consequence}",
            line=line,
            env=env,
            fix=fix,
        )


def _is_connection_key(path: Path) -> bool:
    if not path or path[0] not in {role.value for role in Role}:
        return False
    role = Role(path[0])
    keys = {p.uri_key for p in PROVIDERS[role].values() if p.uri_key}
    return path[-1] in keys


# --- Connection strings per slot -----------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One way the connection string can come out: where from, and the text."""

    origin: str  # "value", "default", "environment"
    text: str
    variables: tuple[str, ...] = ()

    def describe(self, key: str) -> str:
        if self.origin == "environment":
            names = ", ".join(self.variables)
            return f"{key} from {names} in the environment"
        if self.origin == "default":
            names = ", ".join(f"${{{n}}}" for n in self.variables)
            return f"the default of {names} in {key}"
        return key


def _candidates(
    written: str, environ: Mapping[str, str] | None
) -> Iterator[tuple[Candidate, bool]]:
    """(candidate, scheme only): the literal, the defaults, and the environment's values. A
    value with an unset reference is judged by its literal scheme only, if it has one."""
    refs = list(references_in(written))
    if not refs:
        yield Candidate("value", written), False
        return
    names = tuple(dict.fromkeys(ref.name for ref in refs))
    with_defaults = _substitute(written, lambda ref: ref.default)
    if with_defaults is not None:
        yield Candidate("default", with_defaults, names), False
    if environ is not None and any(ref.name in environ for ref in refs):
        set_names = tuple(n for n in names if n in environ)
        value = _substitute(written, lambda ref: environ.get(ref.name, ref.default))
        if value is not None:
            yield Candidate("environment", value, set_names), False
            return
    if with_defaults is None and _SCHEME.match(written):
        yield Candidate("value", written), True


def _substitute(written: str, value_of: Callable[[VariableReference], str | None]) -> str | None:
    missing = False

    def replace(ref: VariableReference) -> str:
        nonlocal missing
        found = value_of(ref)
        if found is None:
            missing = True
            return ""
        return found

    result = substitute(written, replace)
    return None if missing else result


def connection_rules(
    c: Collector,
    resolved: Resolved,
    uses: Sequence[ConfiguredSlot],
    environ: Mapping[str, str] | None,
) -> None:
    """Each slot's connection string against the schemes its provider opens."""
    for use in uses:
        provider = use.provider
        if provider is None or provider.connection is None or not provider.uri_key:
            continue
        written = _merged_value(resolved.merged, use, provider.uri_key)
        if written is None:
            continue
        path = (*use.slot.path, provider.uri_key)
        line = c.source.where(resolved.env, path)
        if provider.connection.shape == "hosts":
            _hosts(c, resolved.env, use, provider, written, line, environ)
            continue
        if not isinstance(written, str):
            continue  # a wrong type is reported by the value rules
        for candidate, scheme_only in _candidates(written, environ):
            _judge(c, resolved.env, use, provider, candidate, line, scheme_only=scheme_only)


def _merged_value(merged: Mapping[str, Any], use: ConfiguredSlot, key: str) -> Any:
    table: Any = merged
    for part in use.slot.path:
        table = table.get(part) if isinstance(table, dict) else None
    return table.get(key) if isinstance(table, dict) else None


def _hosts(
    c: Collector,
    env: str,
    use: ConfiguredSlot,
    provider: Provider,
    written: Any,
    line: int,
    environ: Mapping[str, str] | None,
) -> None:
    key = provider.uri_key or "database_uri"
    if isinstance(written, dict):
        hosts = written.get("hosts")
        if not isinstance(hosts, list) or not hosts:
            _add_shape(c, env, use, line, f"{key} is a table without a list of hosts")
            return
        for host in hosts:
            if isinstance(host, str):
                for candidate, scheme_only in _candidates(host, environ):
                    _judge(c, env, use, provider, candidate, line, scheme_only=scheme_only)
        return
    if not isinstance(written, str):
        return
    for candidate, _scheme_only in _candidates(written, environ):
        try:
            data = json.loads(candidate.text)
        except ValueError:
            what = candidate.describe(key)
            _add_shape(
                c,
                env,
                use,
                line,
                f"{what} is not JSON; Protean reads it with json.loads at start-up and fails",
            )
            continue
        hosts = data.get("hosts") if isinstance(data, dict) else None
        if not isinstance(hosts, list) or not hosts:
            _add_shape(c, env, use, line, f"{candidate.describe(key)} has no list of hosts")
            continue
        for host in hosts:
            if isinstance(host, str):
                _judge(
                    c,
                    env,
                    use,
                    provider,
                    Candidate(candidate.origin, host, candidate.variables),
                    line,
                    scheme_only=False,
                )


def _add_shape(c: Collector, env: str, use: ConfiguredSlot, line: int, message: str) -> None:
    c.add(
        ERROR,
        "malformed-url",
        f"{use.slot} uses elasticsearch: {message}",
        line=line,
        env=env,
        fix='write database_uri = \'{"hosts": ["${DATABASE_URL|http://localhost:9200}"]}\'',
    )


def accepting(scheme: str) -> list[Provider]:
    """Every provider whose client opens `scheme://` URLs."""
    return [
        p
        for role in Role
        for p in PROVIDERS[role].values()
        if p.connection and scheme in p.connection.schemes
    ]


def url_problem(connection: Connection, url: str) -> tuple[str, str, str] | None:
    """(severity, code, why) when `url` is not one the provider connects to, else None."""
    if not url.strip():
        return ERROR, "malformed-url", "is empty"
    match = _SCHEME.match(url)
    if not match:
        if connection.shape == "hosts" and ":" in url and "/" not in url:
            return None  # a bare host:port, which Protean turns into http://host:port
        return ERROR, "malformed-url", "has no scheme:// in front"
    scheme = match.group(1).lower()
    if scheme in connection.refused:
        return ERROR, "wrong-url-scheme", connection.refused[scheme]
    if scheme in connection.caveats:
        return WARNING, "url-caveat", connection.caveats[scheme]
    if scheme not in connection.schemes:
        return ERROR, "wrong-url-scheme", ""
    if connection.no_host and not url[match.end() :].startswith("/") and url[match.end() :]:
        return (
            ERROR,
            "malformed-url",
            f"names a host: a file is {scheme}:///relative.db or {scheme}:////absolute/path.db",
        )
    if connection.shape == "url" and not connection.no_host and scheme != "unix":
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError as error:
            return ERROR, "malformed-url", f"does not parse ({error})"
    return None


def _point(key: str, provider: Provider) -> str:
    example = provider.placeholder_url or f"{provider.connection.schemes[0]}://..."  # type: ignore[union-attr]
    return f"point {key} at a URL like {example}"


def _judge(
    c: Collector,
    env: str,
    use: ConfiguredSlot,
    provider: Provider,
    candidate: Candidate,
    line: int,
    *,
    scheme_only: bool,
) -> None:
    connection = provider.connection
    assert connection is not None
    key = provider.uri_key or "URI"
    url = candidate.text
    if scheme_only:
        url = _SCHEME.match(url).group(0) + "host"  # type: ignore[union-attr]
    problem = url_problem(connection, url)
    if problem is None:
        return
    severity, code, why = problem
    # Not quoted: a value from the environment, or the default of a credential-named variable
    # (`${DB_PASSWORD|...}`: the default is the credential, whatever its shape).
    hidden = candidate.origin == "environment" or (
        candidate.origin == "default" and any(looks_secret(n) for n in candidate.variables)
    )
    scheme = _SCHEME.match(url)
    if not hidden:
        shown = repr(redact_text(candidate.text))
    else:
        shown = f"a {scheme.group(1)}:// URL" if scheme else "a value, not shown"
    where = candidate.describe(key)
    label = f"{provider.name} {provider.role.label}"
    if code == "wrong-url-scheme" and not why:
        scheme = _SCHEME.match(url).group(1).lower()  # type: ignore[union-attr]
        others = [p for p in accepting(scheme) if p is not provider]
        same_role = next((p for p in others if p.role is provider.role), None)
        belongs = (
            " (a URL for " + ", ".join(f"{p.name} {p.role.label}" for p in others[:3]) + ")"
            if others
            else ""
        )
        message = (
            f"{use.slot} uses the {label}, and {where} is {shown}{belongs}: "
            f"{provider.name} opens only {', '.join(s + '://' for s in connection.schemes)} "
            "URLs, so it fails when it first connects"
        )
        fix = (
            f'set provider = "{same_role.name}" in '
            f"{c.source.table_name(env, use.slot.path)}, or point {key} at a "
            f"{connection.schemes[0]}:// URL"
            if same_role
            else _point(key, provider)
        )
    elif code == "malformed-url":
        message = f"{use.slot} uses the {label}, and {where} ({shown}) {why}"
        fix = _point(key, provider)
    else:  # a scheme refused, or accepted with a caveat, for a reason the catalog gives
        message = f"{use.slot} uses the {label}, and {where} is {shown}: {why}"
        fix = why.rsplit("; ", 1)[-1] if "; write " in why else _point(key, provider)
    if candidate.origin == "environment":
        fix += f" (in {', '.join(candidate.variables)}, where {env} runs)"
    c.add(severity, code, message, line=line, env=env, fix=fix)
