"""Secrets, placed as an attacker would (issue 22): wherever a secret stands in domain.toml (a
credential-named key at any depth or overlay, a URL's userinfo with or without a password, a
query-string parameter, a libpq DSN, an `Authorization` header) or in `.env.example`, it is in
nothing protean-init prints (check in every format, the edits' --dry-run diffs and summaries,
conflicts, errors) and in no file it writes but domain.toml (and `.env.example`, where the user
wrote it).

One rule set (scaffolder.redact.secret_spans) hides them all; the test drives the real commands,
so a channel that forgets to apply it fails here.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scaffolder.redact import holds_remote_password, looks_secret, redact_text, redact_tree
from scaffolder.variable_reference import references_in

# The default of the generated base's database URL: the placements replace it.
LOCAL_DEFAULT = "postgresql://postgres:postgres@localhost:5432/shop"
FORMATS = ("text", "json", "github", "sarif", "gitlab")


# A secret: distinctive pieces, joined as a password may be (an unescaped or an escaped '@').
_PIECE = st.from_regex(r"Sx[A-Za-z0-9._~-]{6,10}", fullmatch=True)
SECRETS = st.one_of(
    _PIECE.map(lambda p: (p, [p])),
    st.tuples(_PIECE, _PIECE).map(lambda ab: (f"{ab[0]}@{ab[1]}", list(ab))),
    st.tuples(_PIECE, _PIECE).map(lambda ab: (f"{ab[0]}%40{ab[1]}", list(ab))),
)
# Names of keys that hold credentials, as configs and tools spell them.
CREDENTIAL_KEYS = [
    "password", "passwd", "passphrase", "pass", "db_pass", "auth", "secret", "secret_key",
    "SECRET_KEY", "token", "api_token", "api_key", "apiKey", "access_key", "accessKey",
    "signing_key", "encryption_key", "session_key", "private_key", "client_secret",
    "credentials", "STRIPE_KEY", "sslpassword", "cookie_secret",
]  # fmt: skip
# Where a URL or DSN holding the secret stands: the default of the base's DATABASE_URL, so
# the derived files (CI, .env.example) read it too.
URL_FORMS = [
    "postgresql://app:{s}@db.example.com:5432/shop",
    "redis://:{s}@db.example.com:6379/0",
    "https://{s}@db.example.com/shop",
    "postgresql://db.example.com:5432/shop?password={s}",
    "postgresql://app@db.example.com:5432/shop?sslmode=require&sslpassword={s}",
    "postgresql://db.example.com:5432/shop?token={s}",
    "postgresql://db.example.com:5432/shop?api_key={s}&sslmode=require",
    "host=db.example.com port=5432 dbname=shop user=app password={s}",
]


def _edit(root: Path, name: str, change: Callable[[str], str]) -> None:
    path = root / name
    path.write_text(change(path.read_text()))


def _in_url(form: str) -> Callable[[Path, str], None]:
    def place(root: Path, secret: str) -> None:
        _edit(root, "domain.toml", lambda t: t.replace(LOCAL_DEFAULT, form.format(s=secret)))

    return place


def _in_table(table: str, key: str, value: str) -> Callable[[Path, str], None]:
    def place(root: Path, secret: str) -> None:
        line = f"{key} = {value.format(s=secret)}"
        _edit(root, "domain.toml", lambda t: f"{t}\n[{table}]\n{line}\n")

    return place


def _add_slot_table(root: Path, uri: str) -> None:
    """A database of its own, r17, whose URL is `uri`."""
    table = f'[databases.r17]\nprovider = "postgresql"\ndatabase_uri = "{uri}"'
    _edit(root, "domain.toml", lambda t: f"{t}\n{table}\n")


def _in_slot_table(uri: str) -> Callable[[Path, str], None]:
    """A database of its own whose URL is `uri` (the secret at {s})."""

    def place(root: Path, secret: str) -> None:
        _add_slot_table(root, uri.format(s=secret))

    return place


def _in_provider_table(root: Path, secret: str) -> None:
    _edit(
        root,
        "domain.toml",
        lambda t: t.replace(
            "\n[brokers.default]", f'password = "{secret}"\n\n[brokers.default]', 1
        ),
    )


def _in_env_example(root: Path, secret: str) -> None:
    _edit(root, ".env.example", lambda t: f"STRIPE_KEY={secret}\nMY_API_TOKEN={secret}\n{t}")


PLACEMENTS: dict[str, Callable[[Path, str], None]] = {
    **{f"url {form}": _in_url(form) for form in URL_FORMS},
    **{f"key {key}": _in_table("custom", key, '"{s}"') for key in CREDENTIAL_KEYS},
    "nested": _in_table("custom.deep.er", "client_secret", '"{s}"'),
    "overlay": _in_table("production.custom", "api_key", '"{s}"'),
    "overlay nested": _in_table("test.custom.more", "db_pass", '"{s}"'),
    "inline table": _in_table("custom", "upstream", '{{ user = "app", password = "{s}" }}'),
    "array": _in_table("custom", "tokens", '["{s}", "{s}"]'),
    "bearer": _in_table("custom", "authorization", '"Bearer {s}"'),
    "header": _in_table("custom", "headers", '{{ Authorization = "Bearer {s}" }}'),
    "reference default": _in_table("custom", "signing", '"${{SIGNING_KEY|{s}}}"'),
    "reference under a credential key": _in_table("custom", "password", '"${{PW|{s}}}"'),
    # Protean reads the name as written, spaces and all (scaffolder.variable_reference).
    "reference default, name spaced": _in_table("custom", "signing", '"${{ SIGNING-KEY |{s}}}"'),
    # A slot's default read by a credential-named variable: the record's local URLs and
    # check's malformed-url message quoted it (the attack round of the eleventh stop).
    "slot default, credential variable": _in_slot_table("${{DB_PASSWORD|{s}}}"),
    "slot local url, credential variable": _in_slot_table(
        "${{DB_PASSWORD|postgresql://u:{s}@localhost/x}}"
    ),
    # Text that sends the password off this machine however the URL is spelled (the attack
    # round of the twelfth stop): a default inside a default, a libpq query `host=` or
    # `hostaddr=` over a local netloc, a host list with a remote host after a local one.
    "nested default url": _in_slot_table(
        "${{R17_URL|${{OTHER|postgresql://u:{s}@db.example.com/x}}}}"
    ),
    "query host default": _in_slot_table(
        "${{R17_URL|postgresql://u:{s}@localhost:5432/x?host=db.example.com}}"
    ),
    "query host url": _in_slot_table("postgresql://u:{s}@localhost:5432/x?host=db.example.com"),
    "query hostaddr default": _in_slot_table(
        "${{R17_URL|postgresql://u:{s}@localhost/x?sslmode=require&hostaddr=192.0.2.7}}"
    ),
    "multi-host default": _in_slot_table(
        "${{R17_URL|postgresql://u:{s}@localhost,db.example.com/x}}"
    ),
    "multi-host url": _in_slot_table("postgresql://u:{s}@localhost,db.example.com/x"),
    "literal production url": _in_table(
        "production.custom", "upstream", '"https://svc:{s}@api.example.com/v1"'
    ),
    "provider table": _in_provider_table,
    ".env.example": _in_env_example,
}


@pytest.fixture(scope="module")
def made(generated_projects) -> Path:
    """`new shop --defaults` on PostgreSQL (the session's, read-only); tests copy it."""
    root = generated_projects.pristine(
        "shop", ("--defaults", "--set", "base.databases.default=postgresql")
    )
    assert LOCAL_DEFAULT in (root / "domain.toml").read_text()
    return root


def _leaks(text: str, pieces: list[str]) -> list[str]:
    return [p for p in pieces if p in text]


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
@settings(
    max_examples=1,
    deadline=None,
    # A case runs a dozen commands: a failure is reported as found, not shrunk for minutes.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(secret=SECRETS)
def test_a_secret_anywhere_is_in_no_output_and_no_file(
    cli, made: Path, tmp_path_factory: pytest.TempPathFactory, placement: str, secret: tuple
) -> None:
    """Every placement, each with a secret of a random shape (plain, with '@', with '%40')."""
    text, pieces = secret
    root = tmp_path_factory.mktemp("p") / "shop"
    shutil.copytree(made, root)
    PLACEMENTS[placement](root, text)
    printed: list[tuple[str, str]] = []

    def call(*argv: str | Path, codes: tuple[int, ...] = (0, 1)) -> str:
        ran = cli(argv)
        code, out = ran.code, ran.printed
        assert code in codes, (argv, out)
        printed.append((" ".join(map(str, argv)), out))
        return out

    for fmt in FORMATS:
        call("check", "--format", fmt, "--project", root)
    call("check", "--env", "production", "--project", root)
    for edit in (
        ["add-database", "reports", "--provider", "postgresql"],
        ["set", "test.debug=false"],
        ["ci", "--ci", "gitlab"],
        ["derive"],
    ):
        call(*edit, "--dry-run", "--project", root, codes=(0, 1, 2))
    call("add-database", "reports", "--provider", "postgresql", "--project", root)
    call("derive", "--force", "--project", root)
    # An error that quotes the value: a local URL it refuses.
    call(
        "set",
        f"local_urls.databases.reports=postgresql://app:{text}@db.example.com/x}}",
        "--project",
        root,
        codes=(2,),
    )
    for what, out in printed:
        assert not _leaks(out, pieces), f"{placement}: {what} printed {pieces}:\n{out}"
    user_file = ".env.example" if placement == ".env.example" else "domain.toml"
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in ("domain.toml", user_file):
            leaked = _leaks(path.read_text(errors="replace"), pieces)
            assert not leaked, f"{placement}: {relative} holds {leaked}"


# --- the rule set itself, fast, over many more placements -------------------------------------


_SEPARATORS = st.sampled_from([" = ", "=", ": ", " : ", "\t=\t"])
_QUOTES = st.sampled_from(['"', "'", ""])


@settings(max_examples=400, deadline=None)
@given(
    key=st.sampled_from(CREDENTIAL_KEYS),
    separator=_SEPARATORS,
    quote=_QUOTES,
    secret=SECRETS,
    prefix=st.sampled_from(["", "+", "-", "  ", "- ", "{ ", "{user: u, ", "? ", "json", "export"]),
)
def test_a_credential_keys_value_is_hidden_in_any_syntax(
    key: str, separator: str, quote: str, secret: tuple, prefix: str
) -> None:
    text, pieces = secret
    if prefix == "? ":  # a query string
        line = f"https://h/x?a=1&{key}={text}&b=2"
    elif prefix == "export":  # a shell line of .env or .env.example
        line = f"export {key}={quote}{text}{quote}"
    elif prefix == "json":
        line = f'{{"user": "u", "{key}": "{text}"}}'
    else:
        line = f"{prefix}{key}{separator}{quote}{text}{quote}"
    shown = redact_text(line)
    assert not _leaks(shown, pieces), (line, shown)
    assert redact_text(shown) == shown


@settings(max_examples=300, deadline=None)
@given(form=st.sampled_from(URL_FORMS), secret=SECRETS, wrap=st.sampled_from(["{}", "${{X|{}}}"]))
def test_a_url_or_dsn_secret_is_hidden(form: str, secret: tuple, wrap: str) -> None:
    text, pieces = secret
    line = wrap.format(form.format(s=text))
    shown = redact_text(line)
    assert not _leaks(shown, pieces), (line, shown)
    # What is not a secret stays to read: the host.
    assert "db.example.com" in shown


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["SIGNING_KEY", "DB_PASSWORD", "api_token"]),
    spelled=st.sampled_from(["{}", " {} ", "{}\t", "x-{}", "my {}", "{}-2"]),
    secret=SECRETS,
    key=st.sampled_from(["signing", "database_uri", "x"]),
)
def test_a_credential_variables_default_is_hidden_however_its_name_is_written(
    name: str, spelled: str, secret: tuple, key: str
) -> None:
    """Protean takes everything between `${` and the first `|` for the name (`${ DB_PASSWORD
    |x}` reads the variable " DB_PASSWORD ", unset: x): its default is a credential's when
    the name reads as one, as for a name written plainly."""
    text, pieces = secret
    assert looks_secret(spelled.format(name))
    value = f"${{{spelled.format(name)}|{text}}}"
    for shown in (redact_text(f"{key} = {value}"), str(redact_tree({key: value}))):
        assert not _leaks(shown, pieces), (value, shown)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        *((k, True) for k in CREDENTIAL_KEYS),
        *((k, False) for k in ["DATABASE_URL", "AUTH_DATABASE_URL", "provider", "key_prefix"]),
        *((k, False) for k in ["passthrough", "debug", "database_uri", "URI", "host"]),
    ],
)
def test_which_names_are_credentials(name: str, secret: bool) -> None:
    """A name is a credential by its words: `auth` or `key` last (`db_pass`, `access_key`),
    `secret`, `password`, `token` anywhere; a named database `auth` is not one."""
    assert looks_secret(name) is secret


def test_prose_that_names_a_credential_variable_is_kept() -> None:
    """A finding that says "POSTGRES_PASSWORD: the job cannot connect" names the variable; the
    words after it are no value to hide."""
    text = "its password is not postgres's POSTGRES_PASSWORD: the CI job cannot connect"
    assert redact_text(text) == text
    assert re.search(r"\*\*\*", redact_text("POSTGRES_PASSWORD: hunter2"))


@pytest.mark.parametrize("name", ["STRIPE_KEY", "AWS_ACCESS_KEY", "DB_PASS", "SENTRY_AUTH"])
def test_a_conflict_on_env_example_shows_no_credential_line(
    cli, made: Path, tmp_path: Path, name: str
) -> None:
    """The conflict report printed the user's `.env.example` lines as they were: a
    `STRIPE_KEY=sk_live_...` beside a line both sides changed reached the terminal."""
    root = tmp_path / "shop"
    shutil.copytree(made, root)
    secret = "sk_live_Sx7secretVALUE"
    mine = f"# DATABASE_URL={LOCAL_DEFAULT}"
    _edit(root, ".env.example", lambda t: t.replace(mine, f"{mine}  # mine\n{name}={secret}"))
    _edit(root, "domain.toml", lambda t: t.replace("localhost:5432/shop}", "localhost:5439/shop}"))
    for dry in (["--dry-run"], []):
        ran = cli(["derive", *dry, "--project", root])
        code, out = ran.code, ran.printed
        assert code == 1 and "<<<<<<< yours" in out, out
        assert f"{name}=***" in out and secret not in out, out


@pytest.mark.parametrize(
    "text",
    [
        "expected KEY=VALUE, e.g. test.debug=true",
        "# SECRET_KEY=CHANGE-ME",
        "postgresql://USER:PASSWORD@HOST:5432/DBNAME",
    ],
)
def test_placeholders_of_help_and_examples_stay(text: str) -> None:
    """Found by the generation tests: the usage error's `KEY=VALUE` was printed `KEY=***`."""
    assert redact_text(text) == text


# --- where a URL's password goes: host lists, libpq's query hosts, defaults in defaults -------

# Hosts that are this machine (connection_target.is_local_host, or a Unix socket's directory)
# and hosts that are not, as a URL's netloc may spell them.
_LOCAL_HOSTS = ["localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.8.9.1", "[::1]",
                "0.0.0.0", "[::ffff:127.0.0.1]", "%2Fvar%2Frun%2Fpostgresql"]  # fmt: skip
_REMOTE_HOSTS = ["db.example.com", "DB.Example.COM", "10.0.0.5", "192.0.2.7", "[2001:db8::1]",
                 "127.example.com", "localhost.example.com", "db%2Eexample.com"]  # fmt: skip
_HOST = st.one_of(
    st.tuples(st.sampled_from(_LOCAL_HOSTS), st.just(True)),
    st.tuples(st.sampled_from(_REMOTE_HOSTS), st.just(False)),
).flatmap(lambda h: st.sampled_from(["", ":5432", ":6543"]).map(lambda p: (h[0] + p, h[1])))
# A query's host list, as libpq reads one: a socket directory written plainly too.
_QUERY_HOST = st.one_of(_HOST, st.just(("/var/run/postgresql", True)))
_HOST_LIST = st.lists(_HOST, min_size=1, max_size=3)


@st.composite
def _connection_texts(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(a value as domain.toml may hold it, its password's piece, whether any host the text
    names is not this machine): a host list, `host=`/`hostaddr=` query parameters in any
    order and spelling, the URL inside 0-3 defaults."""
    password, pieces = draw(SECRETS)
    hosts = draw(_HOST_LIST)
    query: list[str] = []
    named = list(hosts)
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from(["host", "hostaddr", "HOST", "host ", " host", "sslmode"]))
        if key == "sslmode":
            query.append("sslmode=require")
            continue
        listed = draw(st.lists(_QUERY_HOST, min_size=1, max_size=2))
        named += listed
        joiner = draw(st.sampled_from([",", "%2C"]))
        query.append(f"{key}={joiner.join(h for h, _ in listed)}")
    url = f"postgresql://u:{password}@{','.join(h for h, _ in hosts)}/x"
    if query:
        url += "?" + "&".join(query)
    depth = draw(st.integers(0, 3))
    text = "".join(f"${{V{i}|" for i in range(depth)) + url + "}" * depth
    return text, pieces[-1], not all(local for _, local in named)


@settings(max_examples=1000, deadline=None)
@given(case=_connection_texts())
def test_a_password_reaching_any_remote_host_is_judged_remote(case: tuple[str, str, bool]) -> None:
    """The one judgement (redact.remote_host): a password is a local server's only when every
    host its URL names is this machine; then it is shown as before, otherwise masked, and the
    default holding it (as Protean reads it, `${A|${B|url}` nested or not) is never copied."""
    text, piece, remote = case
    refs = list(references_in(text))
    default = refs[0].default or "" if refs else text
    assert holds_remote_password(default) is remote, (text, default)
    shown = redact_text(text)
    if remote:
        assert piece not in shown, (text, shown)
    else:
        assert shown == text


@pytest.fixture(scope="module")
def made_default(generated_projects) -> Path:
    """The brief's project: `new shop --defaults` (the session's, read-only); tests copy it."""
    return generated_projects.pristine("shop", ("--defaults",))


@settings(
    max_examples=100,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=_connection_texts(), as_default=st.booleans())
def test_a_remote_password_reaches_no_derived_file_record_or_output(
    cli,
    made_default: Path,
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[str, str, bool],
    as_default: bool,
) -> None:
    """The commands, over the same texts as a database's URL or its variable's default: a
    password that reaches a remote host is in no file but domain.toml (CI, .env.example, the
    answers record, the record of what was generated) and in nothing printed; a local one is
    where it was before, in CI and .env.example when it is the default."""
    text, piece, remote = case
    root = tmp_path_factory.mktemp("hosts") / "shop"
    shutil.copytree(made_default, root)
    _add_slot_table(root, f"${{R17_URL|{text}}}" if as_default else text)
    assert text in (root / "domain.toml").read_text()
    printed = []
    for argv in (
        ["derive", "--force"],
        ["check", "--format", "json"],
        ["set", "test.debug=false"],
        ["derive", "--dry-run"],
    ):
        ran = cli([*argv, "--project", root])
        assert ran.code in (0, 1), (argv, ran.printed)
        printed.append(ran.printed)
    holding = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and piece in path.read_text(errors="replace")
    }
    if remote:
        assert holding == {"domain.toml"}, text
        assert not any(piece in out for out in printed), text
        # check warns of it, as of any password for a server that is not local.
        assert "password-in-uri" in printed[1], (text, printed[1])
    elif as_default:
        assert {".github/workflows/ci.yml", ".env.example"} <= holding, (text, holding)


@settings(max_examples=500, deadline=None)
@given(
    secret=SECRETS,
    keys=st.lists(
        st.tuples(
            st.sampled_from(["host", "hostaddr"]), st.lists(_QUERY_HOST, min_size=1, max_size=3)
        ),
        max_size=2,
    ),
    quoted=st.booleans(),
    depth=st.integers(0, 2),
)
def test_a_dsns_password_is_judged_by_every_host_it_names(
    secret: tuple, keys: list, quoted: bool, depth: int
) -> None:
    """libpq's key=value form: `host=` and `hostaddr=` lists (a socket directory local), none
    at all the local socket; its `password=` is masked wherever it goes, and copied out of
    domain.toml only when every host is this machine."""
    text, pieces = secret
    parts = []
    for key, listed in keys:
        value = ",".join(h for h, _ in listed)
        parts.append(f"{key}='{value}'" if quoted else f"{key}={value}")
    dsn = " ".join([*parts, "dbname=shop", f"password={text}"])
    remote = not all(local for _, listed in keys for _, local in listed)
    default = "".join(f"${{V{i}|" for i in range(depth)) + dsn
    assert holds_remote_password(default) is remote, default
    assert not _leaks(redact_text(dsn), pieces)
