"""Secrets committed with the config: `literal-secret`.

The rule (scaffolder.check.risks.secrets): the value of a key named like a credential
(redact.looks_secret, the one rule set) is reported when written as a literal outside a local
overlay, or when it is a `${VAR|default}` whose default a deployed environment falls back to
(any overlay but the local ones, or base when no overlay is production-like). The fix is the
`${VAR}` reference. Protean's documented local-development form, a `${VAR|default}` only
local environments use, and the local defaults of connection URLs are not reported.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.check import check_config_text, check_project, format_text
from tests.reopen.test_adopt import protean_new

SECRET = "6134896d5b4d251db5b3efae4f8b75af1930e981298a5abb0eb67ac2f9a1b4f0"


def literal_secrets(text: str) -> list[tuple[int | None, str | None, str, str]]:
    return [
        (f.line, f.env, f.message, f.fix)
        for f in check_config_text(text)
        if f.code == "literal-secret"
    ]


def test_protean_new_s_secret_key_default_is_reported_with_the_reference_as_fix(
    tmp_path, cli
) -> None:
    root = protean_new(tmp_path, "acme")
    findings = check_project(root)
    found = [f for f in findings if f.code == "literal-secret"]
    assert len(found) == 1, format_text(findings)
    finding = found[0]
    assert (finding.file, finding.line, finding.env) == ("src/acme/domain.toml", 3, "base")
    assert finding.severity == "warning"
    assert finding.fix == 'secret_key = "${SECRET_KEY}" (no default) in src/acme/domain.toml'
    # The secret itself is in no output.
    assert SECRET[:12] not in format_text(findings)
    result = cli("check --format json --project", root)
    assert "literal-secret" in result.out and SECRET[:12] not in result.out


def test_a_literal_in_base_is_reported_where_it_is_written() -> None:
    found = literal_secrets(f'secret_key = "{SECRET}"\n')
    assert found == [
        (
            1,
            "base",
            "secret_key is a secret written as a literal: domain.toml is committed, "
            "and the secret with it",
            'read it from a variable: secret_key = "${SECRET_KEY}"',
        )
    ]


def test_production_falling_back_to_a_default_is_reported_for_production_only() -> None:
    text = (
        f'secret_key = "${{SECRET_KEY|{SECRET}}}"\n'
        "[production]\ndebug = false\n"
        "[test]\ntesting = true\n"
    )
    found = literal_secrets(text)
    assert [(line, env) for line, env, _, _ in found] == [(1, "production")]
    assert found[0][3] == 'secret_key = "${SECRET_KEY}" (no default) in [production]'


def test_the_local_development_forms_are_not_reported() -> None:
    text = (
        # A default only local environments use: production reads the variable.
        'secret_key = "${SECRET_KEY|dev-only-key}"\n'
        "[databases.default]\n"
        'provider = "postgresql"\n'
        'database_uri = "${DATABASE_URL|postgresql://postgres:postgres@localhost:5432/app}"\n'
        "[production]\n"
        'secret_key = "${SECRET_KEY}"\n'
        "[production.databases.default]\n"
        'database_uri = "${DATABASE_URL}"\n'
        # A test's fixed key, written in the test overlay.
        "[test]\n"
        'secret_key = "test-only-key"\n'
        # A reference with no default, and an empty value: nothing committed.
        "[staging]\n"
        'secret_key = ""\n'
    )
    assert literal_secrets(text) == []


def test_a_credential_beside_a_local_connection_is_the_local_servers() -> None:
    text = (
        "[databases.default]\n"
        'provider = "memory"\n'
        'database_uri = "${COSMOS_URL|https://localhost:8081/}"\n'
        'key = "${COSMOS_KEY|local-emulator-key}"\n'
    )
    assert literal_secrets(text) == []
    remote = text.replace("localhost", "cosmos.example.com")
    assert [(line, env) for line, env, _, _ in literal_secrets(remote)] == [(4, "base")]


# Keys named like a credential (redact.looks_secret) in the tables Protean reads: a provider's
# table hands its keys to the provider; at the top level it reads `secret_key`.
SECRET_KEYS = ["password", "api_token", "auth_key", "signing_salt", "apiKey", "secret_key"]
TABLES = ["databases.default", "brokers.default", "caches.default", "databases.reports"]
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
PLAIN_KEYS = ["identity_strategy", "env", "key_prefix", "auth_database"]


@settings(max_examples=80, derandomize=True, deadline=None)
@given(
    key=st.sampled_from(SECRET_KEYS),
    table=st.sampled_from(TABLES),
    overlay=st.sampled_from(["", "staging.", "production."]),
    value=st.text(ALPHABET, min_size=6, max_size=40).map("zq".__add__),
    written=st.sampled_from(["literal", "default"]),
)
def test_every_credential_named_key_is_reported_in_any_form_and_place(
    key: str, table: str, overlay: str, value: str, written: str
) -> None:
    shown = value if written == "literal" else f"${{MY_VAR|{value}}}"
    text = f'[{table}]\nprovider = "memory"\n'
    if overlay:  # base has the table; the overlay writes the secret
        text += f'[{overlay}{table}]\n{key} = "{shown}"\n'
    else:
        text = text + f'{key} = "{shown}"\n'
    found = literal_secrets(text)
    # One finding, on the line the secret is written on, for where it is written (a
    # literal) or for the deployed environment that falls back to it (a default: the
    # overlay that writes it, or base when no overlay is production-like).
    assert len(found) == 1, (text, found)
    line, env, message, fix = found[0]
    assert line == text.count("\n"), (text, found)
    if written == "literal":
        assert env == (overlay.rstrip(".") or "base") and '"${' in fix
    else:
        assert env == (overlay.rstrip(".") or "base")
        assert "${MY_VAR}" in fix and "(no default)" in fix
    assert value not in message + fix


@pytest.mark.parametrize("key", PLAIN_KEYS)
def test_a_key_not_named_like_a_credential_is_not_reported(key: str) -> None:
    assert literal_secrets(f'{key} = "{SECRET}"\n') == []
