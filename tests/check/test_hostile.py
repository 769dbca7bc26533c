"""Hostile connection strings: whatever a URL looks like, check reports, never crashes, and
never prints a password it was given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.check import check_project, format_text
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec

PIECES = [
    "postgresql://",
    "postgres://",
    "redis://",
    "sqlite:///",
    "mysql+pymysql://",
    "http://",
    "unix://",
    "u",
    ":",
    "@",
    "/",
    "localhost",
    "[::1",
    "]",
    "[",
    "99999",
    "5432",
    "-1",
    "?",
    "%",
    "#",
    "${",
    "}",
    "|",
    "DATABASE_URL",
    "\\",
    " ",
    "é",
    "{",
    '\\"',
]
URLS = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)


@pytest.fixture(scope="module")
def acme_files() -> dict[str, bytes]:
    """The default project's files, rendered once (~0.1 s of CPU, four times the two checks of
    an example): each example writes them anew."""
    return render_project(default_spec("acme"))


def _project(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(url=URLS, variable=URLS)
def test_any_connection_string_is_judged_without_crashing(
    url, variable, tmp_path_factory, acme_files
):
    root = _project(tmp_path_factory.mktemp("hostile"), acme_files)
    domain = root / "domain.toml"
    text = domain.read_text()
    default = "postgresql://postgres:postgres@localhost:5432/acme"
    assert default in text
    # As a TOML basic string holds it (JSON's escapes are TOML's).
    domain.write_text(text.replace(default, json.dumps(url)[1:-1]))
    secret = "Sup3rS3cret"
    environ = {"DATABASE_URL": f"{variable}:{secret}@x", "CACHE_URL": variable}
    for envs in ((), ("production",)):
        findings = check_project(root, envs, environ=environ)
        for finding in findings:
            assert finding.file and finding.code and finding.fix
            assert finding.line is None or finding.line >= 1
        assert secret not in format_text(findings)
