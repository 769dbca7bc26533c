"""redact_file, what the record of generated files masks: exactly the secrets. In Python source a
credential-named name's value is a secret only as a string literal (the rest is code); a
catalog server's documented local password is no secret, any other password is."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.redact import MASK, redact_file, redact_text

_SECRET = st.from_regex(r"Sx[A-Za-z0-9._~-]{6,10}", fullmatch=True)
_NAMES = st.sampled_from(["key", "secret_key", "SECRET_KEY", "api_token", "password", "db_pass"])
# A string literal holding the secret, as Python code writes one.
_LITERALS = st.sampled_from(
    [
        '{name} = "{s}"',
        "{name} = '{s}'",
        '{name}: str = "{s}"',
        'settings = {{"{name}": "{s}"}}',
        'connect(host="db", {name}="{s}")',
        'url = "postgresql://app:{s}@db.example.com/shop"',
    ]
)


@settings(max_examples=200)
@given(secret=_SECRET, name=_NAMES, form=_LITERALS)
def test_a_secret_in_python_source_is_masked(secret: str, name: str, form: str) -> None:
    text = f"def f():\n    {form.format(name=name, s=secret)}\n"
    masked = redact_file("tests/test_x.py", text)
    assert secret not in masked and MASK in masked


@pytest.mark.parametrize(
    "line",
    [
        "    key = str(uuid4())",
        "    key = uuid4().hex",
        '    probe = probe_cls(key=key, label=f"kept in {cache_name}")',
        "        key: str = Identifier(identifier=True)",
        "    secret_key = os.environ['SECRET_KEY']",
    ],
)
def test_python_code_is_not_masked(line: str) -> None:
    text = f"def f():\n{line}\n"
    assert redact_file("tests/test_caches.py", text) == text
    # Elsewhere (printed text, a YAML or .env file) the rules stay as they were.
    assert redact_file("notes.txt", text) == redact_text(text)


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ('      POSTGRES_PASSWORD: "postgres"', False),
        ('          PGPASSWORD: "postgres"', False),
        ('      MYSQL_ROOT_PASSWORD: "mysql"', False),
        ('      POSTGRES_PASSWORD: "Sx-realPW1"', True),
        ('      PGPASSWORD: "mysql"', True),
        ("SECRET_KEY=postgres", True),
    ],
)
def test_only_a_catalog_servers_own_local_password_is_shown(line: str, masked: bool) -> None:
    for path in ("docker-compose.yml", ".github/workflows/ci.yml"):
        assert (MASK in redact_file(path, f"{line}\n")) is masked, line


_SECRET_KEY_REF = """\
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: shop-secrets
                  # the Secret's key
                  key: {key}
                  optional: false
"""


@pytest.mark.parametrize("key", ["DATABASE_URL", "database-url", "db.url_2"])
@pytest.mark.parametrize(
    "form",
    [
        _SECRET_KEY_REF,
        _SECRET_KEY_REF.replace("secretKeyRef", "configMapKeyRef"),
        "              valueFrom:\n                secretKeyRef: {{name: s, key: {key}}}\n",
        "      - secretKeyRef:\n          key: {key}\n          name: s\n",
    ],
    ids=["block", "config-map", "flow", "list-item"],
)
def test_the_key_a_kubernetes_secret_ref_names_is_not_masked(form: str, key: str) -> None:
    """`key:` under secretKeyRef names the Secret's key, no secret: masked, the record's base
    took a user's renamed key for the generated line and an upgrade put it back."""
    text = form.format(key=key)
    assert redact_file("deploy/kubernetes/base/deployment.yaml", text) == text
    assert redact_text(text) == text


@settings(max_examples=200)
@given(secret=_SECRET)
def test_a_key_anywhere_else_in_yaml_is_still_masked(secret: str) -> None:
    """The same `key:` under any other parent, or beside a secretKeyRef mapping rather than
    in it, is a credential's value as before."""
    for text in (
        f"stripe:\n  key: {secret}\n",
        f"secretKeyRef:\n  name: s\nkey: {secret}\n",
        f"valueFrom:\n  secretKeyRef:\n    name: s\n  other:\n    key: {secret}\n",
        f"secretKeyRef: {{name: s}}\napi: {{key: {secret}}}\n",
        f"secretKeyRef:\n  key: {secret} extra\n",
    ):
        masked = redact_file("deploy/values.yaml", text)
        assert secret not in masked and MASK in masked, text
