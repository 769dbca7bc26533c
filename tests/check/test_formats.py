"""The CI formats (github, sarif, gitlab) say what text and json say, with the same exit code.

Every corpus case is checked in every format through the command line. SARIF is validated
against the OASIS SARIF 2.1.0 schema (shipped in tests/fixtures/sarif) with check-jsonschema;
GitHub's workflow commands are parsed line by line and unescaped back to the findings;
GitLab's Code Quality issues are held to the fields GitLab documents.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.check import Finding
from scaffolder.check.formats import (
    GENERIC_HELP,
    RULE_HELP,
    escape_property,
    format_github,
    format_gitlab,
)

CORPUS = Path(__file__).parent / "corpus"
SCHEMA = Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "_case.toml").is_file())
FORMATS = ("text", "json", "github", "sarif", "gitlab")
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"

_COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def run(case: Path, fmt: str, monkeypatch, cli) -> tuple[int, str]:
    options = tomllib.loads((case / "_case.toml").read_text(encoding="utf-8"))
    monkeypatch.setattr(os, "environ", dict(options.get("environ", {})))
    argv = ["check", "--project", str(case), "--format", fmt]
    for env in options.get("envs", []):
        argv += ["--env", env]
    code, out, _ = cli(argv)
    return code, out


_ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def unescape(text: str) -> str:
    """As the runner reads it: one pass, left to right."""
    return re.sub("%25|%0D|%0A|%3A|%2C", lambda m: _ESCAPES[m.group()], text)


def parse_github(output: str) -> tuple[list[dict[str, object]], str]:
    """Every line but the last is a workflow command; the last is the summary."""
    *commands, last = output.rstrip("\n").split("\n")
    parsed = []
    for line in commands:
        match = _COMMAND.match(line)
        assert match, line
        level, raw, data = match.groups()
        assert "\r" not in data and "\n" not in data
        props = {}
        for item in raw.split(","):
            key, _, value = item.partition("=")
            assert ":" not in value and "," not in value, item
            props[key] = unescape(value)
        parsed.append({"level": level, **props, "data": unescape(data)})
    assert not last.startswith("::"), last
    return parsed, last


def sarif_valid(paths: list[Path]) -> None:
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMA), *map(str, paths)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", CASES)
def test_every_format_says_the_same(name, monkeypatch, cli):
    case = CORPUS / name
    outputs = {fmt: run(case, fmt, monkeypatch, cli) for fmt in FORMATS}
    codes = {code for code, _ in outputs.values()}
    assert len(codes) == 1, {fmt: code for fmt, (code, _) in outputs.items()}
    code = codes.pop()
    report = json.loads(outputs["json"][1])
    if code == 2:
        # Unreadable input: each machine format is still a well-formed document.
        assert json.loads(outputs["sarif"][1])["runs"][0]["invocations"][0]["exitCode"] == 2
        assert json.loads(outputs["gitlab"][1])[0]["severity"] == "blocker"
        assert outputs["github"][1].startswith("::error title=")
        return
    findings = report["findings"]
    key = lambda f: (f["file"], f["line"], f["code"], f["env"])  # noqa: E731

    commands, summary = parse_github(outputs["github"][1])
    assert summary == "protean-init check: " + outputs["text"][1].rstrip("\n").split("\n")[-1]
    assert len(commands) == len(findings)
    for command, finding in zip(commands, findings, strict=True):
        assert command["file"] == finding["file"]
        assert command.get("line") == (str(finding["line"]) if finding["line"] else None)
        env = f" [{finding['env']}]" if finding["env"] else ""
        assert command["title"] == finding["code"] + env
        assert command["data"] == f"{finding['message']}\nfix: {finding['fix']}"
        assert (
            command["level"]
            == {"error": "error", "warning": "warning", "drift": "warning"}[finding["severity"]]
        )

    sarif = json.loads(outputs["sarif"][1])
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f["code"] for f in findings})
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    assert run_["invocations"][0]["exitCode"] == code
    got = []
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        got.append(
            (
                physical["artifactLocation"]["uri"],
                physical.get("region", {}).get("startLine"),
                result["ruleId"],
                result["properties"]["environment"],
            )
        )
    assert got == [key(f) for f in findings]

    issues = json.loads(outputs["gitlab"][1])
    assert isinstance(issues, list) and len(issues) == len(findings)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for issue, finding in zip(issues, findings, strict=True):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert isinstance(issue["description"], str) and finding["message"] in issue["description"]
        assert issue["check_name"] == finding["code"]
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["location"]["path"] == finding["file"]
        assert issue["location"]["lines"]["begin"] == (finding["line"] or 1)


def test_sarif_of_every_case_is_valid_sarif_2_1_0(monkeypatch, cli, tmp_path):
    """One check-jsonschema run over every case's SARIF, the unreadable ones included."""
    paths = []
    for name in CASES:
        _code, out = run(CORPUS / name, "sarif", monkeypatch, cli)
        path = tmp_path / f"{name}.sarif"
        path.write_text(out)
        paths.append(path)
    sarif_valid(paths)
    # The validator can fail: a result without its message is refused.
    broken = json.loads(paths[0].read_text())
    broken["runs"][0]["results"].append({"ruleId": "x"})
    (tmp_path / "broken.sarif").write_text(json.dumps(broken))
    with pytest.raises(AssertionError):
        sarif_valid([tmp_path / "broken.sarif"])


def test_every_code_has_help():
    """Every code the corpus reaches has its own SARIF help, not the generic one."""
    codes = set()
    for name in CASES:
        for path in (CORPUS / name).rglob("*"):
            if path.is_file():
                codes |= set(
                    re.findall(r"expect:\s*\w+\s+([a-z-]+)", path.read_text(encoding="utf-8"))
                )
    missing = sorted(c for c in codes if RULE_HELP.get(c, GENERIC_HELP) == GENERIC_HELP)
    assert not missing, missing


# Pieces that an escape could confuse: %, the escapes themselves, separators, line breaks.
TEXT = st.lists(
    st.sampled_from(["a", "%", ":", ",", "\r", "\n", "=", "ü", " ", "%25", "%0A", "%3A", "::"]),
    max_size=12,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(file=TEXT, message=TEXT, fix=TEXT, env=st.one_of(st.none(), TEXT))
def test_github_escaping_round_trips(file, message, fix, env):
    finding = Finding("error", "unknown-key", message, file or "f", 3, env or None, fix)
    commands, _ = parse_github(format_github([finding]))
    (command,) = commands
    assert command["file"] == (file or "f")
    assert command["data"] == f"{message}\nfix: {fix}"
    assert command["title"] == "unknown-key" + (f" [{env}]" if env else "")


def test_escape_property_examples():
    assert escape_property("a:b,c%d\r\ne") == "a%3Ab%2Cc%25d%0D%0Ae"


def test_gitlab_fingerprints_survive_moved_lines():
    one = Finding("drift", "x-y", "see domain.toml (line 3)", "f", 3, None, "fix")
    two = Finding("drift", "x-y", "see domain.toml (line 9)", "f", 9, None, "fix")
    assert (
        json.loads(format_gitlab([one]))[0]["fingerprint"]
        == json.loads(format_gitlab([two]))[0]["fingerprint"]
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_passwords_compared_are_never_printed(fmt, monkeypatch, cli):
    """values-compose's POSTGRES_PASSWORD is 'hunter2' and the URL's is 'postgres': the
    finding says they differ, in no format with either value."""
    code, out = run(CORPUS / "values-compose", fmt, monkeypatch, cli)
    assert code == 1
    assert "compose-credentials-mismatch" in out
    assert "hunter2" not in out
    assert "postgres:postgres@" not in out
