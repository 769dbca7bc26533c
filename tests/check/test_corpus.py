"""A corpus of broken projects, each checked through the command line as a user runs it.

Every case is a folder under corpus/. Expected findings are written beside the line they
are about, in a comment, so the line number asserts itself:

    provder = "postgresql"  # expect: error unknown-key [production] "did you mean 'provider'?"

`[-]` stands for no environment; the quoted text (`\"` for a quote) must appear in the
message or the fix.
Several `expect:` may share a line. `_case.toml` gives the exit code, and optionally the
`--env` names, the environment variables, (exit 2) the text the error must contain, and
`expect = ["FILE:LINE: severity code [env] \"text\""]` for lines that cannot hold a comment.
The findings must be exactly the expected ones: nothing missing, nothing more.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "_case.toml").is_file())
_MARK = re.compile(
    r'expect:\s*(error|warning|drift)\s+([a-z-]+)\s+\[([^\]]*)\](?:\s+"((?:[^"\\]|\\.)*)")?'
)


@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    severity: str
    code: str
    env: str | None
    text: str | None

    @property
    def key(self) -> tuple[object, ...]:
        return (self.file, self.line, self.severity, self.code, self.env)


def expectations(case: Path) -> list[Expected]:
    found = []
    # Files that cannot hold a comment on the line (a Dockerfile instruction) list their
    # marks in _case.toml instead: expect = ["Dockerfile:52: error probe-port [production]"].
    options = tomllib.loads((case / "_case.toml").read_text(encoding="utf-8"))
    for mark in options.get("expect", []):
        where, _, rest = mark.partition(": ")
        name, _, number = where.rpartition(":")
        for severity, code, env, text in _MARK.findall(f"expect: {rest}"):
            text = text.replace('\\"', '"')
            found.append(
                Expected(name, int(number), severity, code, None if env == "-" else env, text)
            )
    for path in sorted(case.rglob("*")):
        if not path.is_file() or path.name == "_case.toml":
            continue
        name = path.relative_to(case).as_posix()
        for number, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for severity, code, env, text in _MARK.findall(row):
                text = text.replace('\\"', '"')
                found.append(
                    Expected(name, number, severity, code, None if env == "-" else env, text)
                )
    return found


def run_case(case: Path, monkeypatch, cli) -> tuple[int, str, str]:
    options = tomllib.loads((case / "_case.toml").read_text(encoding="utf-8"))
    monkeypatch.setattr(os, "environ", dict(options.get("environ", {})))
    argv = ["check", "--project", str(case), "--format", "json"]
    for env in options.get("envs", []):
        argv += ["--env", env]
    return cli(argv)


@pytest.mark.parametrize("name", CASES)
def test_case(name, monkeypatch, cli):
    case = CORPUS / name
    options = tomllib.loads((case / "_case.toml").read_text(encoding="utf-8"))
    code, out, err = run_case(case, monkeypatch, cli)
    assert code == options["exit"], out + err
    report = json.loads(out)
    if code == 2:
        assert options["error"] in report["error"]
        assert options["error"] in err
        return
    actual = report["findings"]
    got = Counter((f["file"], f["line"], f["severity"], f["code"], f["env"]) for f in actual)
    expected = expectations(case)
    want = Counter(e.key for e in expected)
    missing = want - got
    extra = [
        f for f in actual if (f["file"], f["line"], f["severity"], f["code"], f["env"]) not in want
    ]
    assert not missing and not extra, f"missing: {sorted(missing)}\nunexpected:\n" + json.dumps(
        extra, indent=1
    )
    for item in expected:
        if not item.text:
            continue
        texts = [
            f["message"] + " | " + f["fix"]
            for f in actual
            if (f["file"], f["line"], f["severity"], f["code"], f["env"]) == item.key
        ]
        assert any(item.text in text for text in texts), (item, texts)
    assert report["exit_code"] == code
    assert report["counts"] == {
        severity: sum(f["severity"] == severity for f in actual)
        for severity in ("error", "warning", "drift")
    }


def test_every_rule_has_a_case():
    """Every code check can report is asserted somewhere in the corpus."""
    package = Path(__file__).parents[2] / "scaffolder" / "check"
    sources = "".join(p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py")))
    codes = set(re.findall(r'^\s+"([a-z]+(?:-[a-z]+)+)",$', sources, re.MULTILINE))
    covered = {e.code for name in CASES for e in expectations(CORPUS / name)}
    # The deployment rules (check/deploy.py) are asserted by tests/deploy, on the Dockerfile
    # and manifests they judge.
    deploy_tests = Path(__file__).parents[1] / "deploy"
    for path in sorted(deploy_tests.glob("test_*.py")):
        covered |= set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', path.read_text(encoding="utf-8")))
    assert codes <= covered, sorted(codes - covered)
