"""The public API, the formats, the command line, Protean's loader and speed."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from scaffolder.check import (
    Finding,
    check_config_text,
    check_project,
    exit_code,
    format_json,
    format_text,
    resolution,
    values,
)
from scaffolder.domain_toml import config_tree
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec
from scaffolder.toml.scan import index_lines

CORPUS = Path(__file__).parent / "corpus"


def generated_domain_toml() -> str:
    return render_project(default_spec("acme"))["domain.toml"].decode()


# --- API -----------------------------------------------------------------------------------


def test_check_config_text_is_clean_for_a_generated_config():
    assert check_config_text(generated_domain_toml()) == []


def test_check_config_text_reads_tool_protean_with_its_lines():
    text = (
        '[project]\nname = "acme"\n\n'
        "[tool.protean.production]\n"
        'event_processing = "bogus"\n'
        "[tool.protean.production.databases.default]\n"
        'provder = "postgresql"\n'
    )
    findings = check_config_text(text, filename="pyproject.toml", root_key=("tool", "protean"))
    errors = [(f.code, f.file, f.line, f.env) for f in findings if f.severity == "error"]
    assert errors == [
        ("unknown-key", "pyproject.toml", 7, "production"),
        ("invalid-choice", "pyproject.toml", 5, "production"),
    ]


def test_check_config_text_needs_no_variables():
    """Config-only: no environment is deployed, so `${VAR}` without default is fine."""
    text = '[staging.databases.default]\nprovider = "sqlite"\ndatabase_uri = "${DB}"\n'
    assert check_config_text(text) == []


def test_finding_is_frozen_data():
    finding = Finding("error", "unknown-key", "m", "domain.toml", 3, "base", "f")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.line = 4  # type: ignore[misc]
    assert finding.as_dict() == {
        "severity": "error",
        "code": "unknown-key",
        "message": "m",
        "file": "domain.toml",
        "line": 3,
        "env": "base",
        "fix": "f",
    }


def test_text_and_json_say_the_same():
    findings = [
        Finding("drift", "env-example-missing", "d", "domain.toml", 9, "test", "add it"),
        Finding("error", "unknown-key", "e", "domain.toml", 3, "base", "rename it"),
        Finding("warning", "compose-unused-service", "w", "docker-compose.yml", 5, None, "x"),
    ]
    text = format_text(findings, ["base", "test"])
    assert text.splitlines() == [
        "domain.toml:3: error: unknown-key [base]: e",
        "    fix: rename it",
        "docker-compose.yml:5: warning: compose-unused-service: w",
        "    fix: x",
        "domain.toml:9: drift: env-example-missing [test]: d",
        "    fix: add it",
        "1 error, 1 warning, 1 drift in 2 environments (base, test)",
    ]
    data = json.loads(format_json(findings, ["base", "test"]))
    assert data["exit_code"] == exit_code(findings) == 1
    assert data["counts"] == {"error": 1, "warning": 1, "drift": 1}
    assert [f["code"] for f in data["findings"]] == [
        "unknown-key",
        "compose-unused-service",
        "env-example-missing",
    ]
    assert format_text([], ["base"]) == "no findings in 1 environment (base)"


# --- Command line --------------------------------------------------------------------------


def test_check_is_a_command(cli):
    code, out, _ = cli("check --help")
    assert code == 0
    assert "--env ENV" in out


def test_text_report_and_exit_code(cli, monkeypatch):
    monkeypatch.setattr(os, "environ", {})
    code, out, _ = cli("check --project", CORPUS / "keys-overlay")
    assert code == 1
    assert (
        "domain.toml:9: error: unknown-key [production]: 'provder' is not a key of a database "
        "table (did you mean 'provider'?); Protean never reads it\n"
        "    fix: rename 'provder' to 'provider' in [production.databases.default]\n"
    ) in out
    assert out.rstrip().endswith("in 3 environments (base, production, staging)")
    assert cli("check --project", CORPUS / "warnings-domain").code == 0


def test_env_reads_the_process_environment(tmp_path, monkeypatch, cli):
    (tmp_path / "domain.toml").write_text(
        '[production.databases.default]\nprovider = "sqlite"\ndatabase_uri = "${DB_URL}"\n'
    )
    monkeypatch.delenv("DB_URL", raising=False)
    code, out, _ = cli("check --env production --project", tmp_path)
    assert code == 1
    assert "unset-variable [production]" in out
    monkeypatch.setenv("DB_URL", "sqlite:////var/lib/acme/app.db")
    assert cli("check --env production --project", tmp_path).code == 0


def test_malformed_pyproject_is_exit_2_with_line_and_column(tmp_path, cli):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "acme"\n\n[tool.protean.databases.default]\nprovider = \n'
    )
    code, out, err = cli("check --format json --project", tmp_path)
    assert code == 2
    assert "pyproject.toml: line 5, column 12: malformed TOML" in json.loads(out)["error"]
    assert "pyproject.toml: line 5, column 12: malformed TOML" in err


def test_a_config_under_src_package_is_named_by_its_path(tmp_path):
    package = tmp_path / "src" / "acme"
    package.mkdir(parents=True)
    (package / "domain.toml").write_text("debgu = true\n")
    findings = check_project(tmp_path, environ={})
    assert [(f.file, f.line, f.code) for f in findings] == [
        ("src/acme/domain.toml", 1, "unknown-key")
    ]


# --- Protean's loader ----------------------------------------------------------------------


def test_resolution_is_protean_own(monkeypatch):
    """The resolved environment is what Config2 gives under PROTEAN_ENV, variables set."""
    from protean.domain.config import Config2

    text = generated_domain_toml()
    raw = config_tree(default_spec("acme"))
    environ = {"DATABASE_URL": "postgresql://db/acme", "BROKER_URL": "redis://b/0"}
    for env in ("production", "test"):
        environ_full = {**environ, "EVENT_STORE_URL": "postgresql://es", "CACHE_URL": "r://c"}
        ours = resolution.resolve(raw, env, environ_full)
        monkeypatch.setattr(os, "environ", {**environ_full, "PROTEAN_ENV": env})
        theirs = Config2._load_env_vars(Config2._normalize_config(resolution.copy_tree(raw)))
        monkeypatch.undo()
        assert ours.values == theirs
    assert check_config_text(text) == []


def test_checking_leaves_the_process_environment_alone():
    import protean.domain.config as module

    before = dict(os.environ)
    check_project(CORPUS / "variables-named", ["production"], environ={})
    assert dict(os.environ) == before
    assert module.os is os


def test_an_unset_variable_does_not_stop_resolution():
    raw = {"databases": {"default": {"provider": "${P}", "database_uri": "${A}/${B|b}"}}}
    values = resolution.resolve(raw, "base", {}).values["databases"]["default"]
    assert resolution.is_unset(values["provider"])
    assert values["database_uri"].endswith("/b")


FALLBACK_CASES = ["providers", "overlays-domain", "variables-named", "warnings-domain"]


@pytest.mark.parametrize("case", FALLBACK_CASES)
def test_without_protean_the_findings_are_the_same(case, monkeypatch):
    expected = check_project(
        CORPUS / case, ["production"] if case == "variables-named" else [], environ={}
    )
    monkeypatch.setattr(resolution, "protean_config_module", lambda: None)
    monkeypatch.setattr(values, "protean_config_module", lambda: None)
    again = check_project(
        CORPUS / case, ["production"] if case == "variables-named" else [], environ={}
    )
    assert sorted(again, key=repr) == sorted(expected, key=repr)
    assert expected


# --- Lines ---------------------------------------------------------------------------------


def test_lines_of_keys_tables_and_inline_tables():
    text = (
        "# comment [not.a.table]\n"  # 1
        'title = "a = b # [x]"\n'  # 2
        'multi = """\n'  # 3
        "[fake.table]\n"  # 4
        'key = "value" \\"""\n'  # 5
        '"""\n'  # 6
        "array = [\n"  # 7
        '  "x", # [fake]\n'  # 8
        "  { inner = 1 },\n"  # 9
        "]\n"  # 10
        "[databases.default]\n"  # 11
        "provider = 'postgresql'\n"  # 12
        "[production.databases.default]\n"  # 13
        'inline = { provider = "redis", "URI" = "r" }\n'  # 14
        "a.'b.c'.d = 1\n"  # 15
    )
    lines = index_lines(text)
    assert ("fake",) not in lines and ("not",) not in lines
    assert lines[("title",)] == 2
    assert lines[("multi",)] == 3
    assert lines[("array",)] == 7
    assert lines[("databases",)] == 11
    assert lines[("databases", "default", "provider")] == 12
    assert lines[("production",)] == 13
    assert lines[("production", "databases", "default", "inline", "URI")] == 14
    assert lines[("production", "databases", "default", "a", "b.c", "d")] == 15


# --- Size ----------------------------------------------------------------------------------


def big_project(root: Path, databases: int) -> None:
    rows = ["debug = true"]
    for i in range(databases):
        rows += [
            f"[databases.db{i}]",
            'provider = "sqlite"',
            f'database_uri = "${{DB{i}|sqlite:///x.db}}"',
        ]
    for env in ("production", "test", "memory"):
        rows.append(f"[{env}]")
        for i in range(databases):
            provider = "memory" if env == "memory" else "postgresql"
            rows += [f"[{env}.databases.db{i}]", f'provider = "{provider}"']
            if provider != "memory":
                rows.append(f'database_uri = "${{DB{i}}}"')
    (root / "domain.toml").write_text("\n".join(rows) + "\n")
    (root / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres:17\n")
    (root / ".env.example").write_text("".join(f"# DB{i}=x\n" for i in range(databases)))


def test_a_thousand_named_databases_check_correctly(tmp_path):
    # How long this takes is measured in bench/, never asserted in a test.
    big_project(tmp_path, 1000)
    findings = check_project(tmp_path, environ={})
    assert {f.code for f in findings} == {"memory-in-production"}


def test_config_text_reports_connection_findings_for_the_wizard_review():
    """The wizard's Review checks the config text before anything is written: a provider next
    to another provider's default URL (the stale Connections default) shows there."""
    text = (
        '[databases.default]\nprovider = "sqlite"\n'
        'database_uri = "${DATABASE_URL|postgresql://postgres:postgres@localhost:5432/acme}"\n'
        "[Test]\ntesting = true\n"
    )
    findings = check_config_text(text)
    assert sorted((f.code, f.line, f.env) for f in findings) == [
        ("overlay-name-case", 4, "Test"),
        ("wrong-url-scheme", 3, "base"),
    ]
    # A local server's password is a documented local default: shown as written, the one
    # rule of scaffolder.redact (a remote server's would be masked).
    assert all("postgres:***" not in f.message for f in findings)
