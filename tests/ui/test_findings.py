"""Review's findings are `protean-init check`'s: its config rules on the rendered domain.toml.

The wizard used to keep rules of its own; now a risky choice shows exactly what the command
will report once the project is written.
"""

from __future__ import annotations

from dataclasses import replace

from scaffolder.catalog import Role
from scaffolder.check import check_project
from scaffolder.render import render_project
from scaffolder.spec.environment_spec import EnvironmentSpec
from scaffolder.spec.slots import Slot
from scaffolder.ui.common.findings import config_findings, findings_content, headline
from scaffolder.writer import create_project

DATABASE = Slot(Role.DATABASE, "default")
BROKER = Slot(Role.BROKER, "default")


def findings_of(spec):
    return config_findings(render_project(spec))


def codes(findings):
    return [(f.code, f.env) for f in findings]


def test_the_default_layout_has_no_findings(initial):
    assert findings_of(initial) == []


def test_production_on_an_in_memory_provider(initial):
    production = initial.environments["production"]
    providers = {**production.providers, DATABASE: "memory"}
    spec = initial.with_environment("production", replace(production, providers=providers))
    (finding,) = findings_of(spec)
    assert (finding.severity, finding.code, finding.env) == (
        "warning",
        "memory-in-production",
        "production",
    )
    assert headline(finding).startswith("! production uses the in-memory database")


def test_production_inheriting_an_in_memory_base(initial):
    spec = initial.with_environment("production", EnvironmentSpec())
    assert codes(findings_of(spec)) == [("memory-in-production", "production")] * 4


def test_a_memory_overlay_that_is_not_all_in_memory(initial):
    memory = initial.environments["memory"]
    spec = initial.with_environment(
        "memory", replace(memory, providers={**memory.providers, BROKER: "redis"})
    )
    assert codes(findings_of(spec)) == [("memory-overlay-service", "memory")]


def test_a_password_for_a_remote_server_as_a_local_default(initial):
    url = "postgresql://app:s3cret@db.example.com:5432/shop"
    (finding,) = findings_of(replace(initial, local_urls={DATABASE: url}))
    assert finding.code == "password-in-uri"
    assert "db.example.com" in finding.message and "DATABASE_URL" in finding.message


def test_local_development_passwords_are_fine(initial):
    spec = replace(initial, local_urls={DATABASE: "postgresql://u:pw@localhost/shop"})
    assert findings_of(spec) == []


def test_review_shows_what_check_reports_once_written(initial, tmp_path):
    production = initial.environments["production"]
    memory = initial.environments["memory"]
    spec = initial.with_environment(
        "production", replace(production, providers={**production.providers, DATABASE: "memory"})
    ).with_environment("memory", replace(memory, providers={**memory.providers, BROKER: "redis"}))
    files = render_project(spec)
    create_project(tmp_path / "acme", files)
    written = [f for f in check_project(tmp_path / "acme", environ={}) if f.severity != "drift"]
    # The same findings; before there is a file, Review says where the choice was made.
    shown = [
        replace(f, message=f.message.replace("(chosen in Providers)", "(chosen in the file)"))
        for f in config_findings(files)
    ]
    assert any("(chosen in Providers)" in f.message for f in config_findings(files))
    assert sorted(shown, key=lambda f: f.sort_key) == sorted(written, key=lambda f: f.sort_key)
    assert len(written) == 2


def test_findings_content_puts_the_fix_under_each_finding(initial):
    spec = initial.with_environment("production", EnvironmentSpec())
    text = findings_content(findings_of(spec)[:1], locations=True).plain
    first, location, fix = text.splitlines()
    assert first.startswith("! production uses")
    assert location.strip().startswith("domain.toml:") and "memory-in-production" in location
    assert fix.strip().startswith("fix: set provider")
