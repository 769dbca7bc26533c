"""One reader, one verdict (issue 22): what the edits refuse to read, `check` refuses too (exit
2, one line), and the reverse; a structure an edit cannot honour whole is refused by every
edit before it writes anything, and reported by `check`; a file that is not UTF-8 is one line,
never a traceback; `set` takes a key once and a boolean as `true` or `false` (issue 26 item 14).
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

EDITS = [
    ["add-database", "reports", "--provider", "postgresql"],
    ["set", "test.debug=false"],
    ["add-env", "staging"],
    ["ci", "--ci", "gitlab"],
    ["derive", "--force"],
    ["deploy", "docker"],
]


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def made(generated_projects) -> Path:
    """`new shop --defaults` on PostgreSQL (the session's, read-only); `project` copies it."""
    return generated_projects.pristine(
        "shop", ("--defaults", "--set", "base.databases.default=postgresql")
    )


@pytest.fixture
def project(made: Path, tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(made, root)
    return root


def edit_config(root: Path, change: Callable[[str], str]) -> None:
    path = root / "domain.toml"
    path.write_bytes(change(path.read_bytes().decode()).encode())


def assert_refused(cli, root: Path, argv: list[str], *words: str) -> str:
    """The edit exits 2 with one line on stderr holding `words`, and writes nothing."""
    before = files(root)
    code, out, err = cli([*argv, "--project", root])
    assert code == 2, (argv, out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    assert files(root) == before, f"{argv} wrote to the project"
    return err


# --- values Python reads and nothing else does ------------------------------------------------


@pytest.mark.parametrize("number", ["nan", "inf", "-inf", "+nan"])
@pytest.mark.parametrize("argv", EDITS, ids=lambda a: a[0])
def test_a_number_that_is_not_finite_is_refused_by_edits_with_its_line(
    cli, project: Path, number: str, argv: list[str]
) -> None:
    """`drain_timeout = nan` was a ValueError traceback in add-database and deploy."""
    edit_config(project, lambda t: t.replace("drain_timeout = 10", f"drain_timeout = {number}"))
    line = next(
        n
        for n, row in enumerate((project / "domain.toml").read_text().splitlines(), 1)
        if row.startswith("drain_timeout")
    )
    assert_refused(cli, project, argv, f"line {line}", "drain_timeout", "not a finite number")


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "gitlab"])
def test_check_refuses_what_the_edits_refuse_to_read(cli, project: Path, fmt: str) -> None:
    """`check` called `drain_timeout = nan` clean; it is exit 2 now, in every format."""
    edit_config(project, lambda t: t.replace("drain_timeout = 10", "drain_timeout = nan"))
    code, out, err = cli(["check", "--format", fmt, "--project", project])
    assert code == 2, out + err
    assert "not a finite number" in err


def _cr_only(text: str) -> str:
    return text.replace("\n", "\r")


def _deep(text: str) -> str:
    return text + "\n[custom]\nx = " + "[" * 70 + "]" * 70 + "\n"


def _deep_tables(text: str) -> str:
    return text + "\n[" + ".".join(["a"] * 70) + "]\nx = 1\n"


@pytest.mark.parametrize("change", [_cr_only, _deep, _deep_tables], ids=lambda f: f.__name__)
def test_what_an_edit_cannot_read_check_cannot_read(cli, project: Path, change: Callable) -> None:
    """CR-only line endings were refused by edits and called clean by check; nesting over 64
    levels was refused by edits and parsed by check. One verdict now: exit 2 from both."""
    edit_config(project, change)
    first = assert_refused(cli, project, ["set", "test.debug=false"])
    code, out, err = cli(["check", "--project", project])
    assert code == 2, out + err
    assert err.count("\n") == 1 and "Traceback" not in err
    # The same problem named, whoever reads it.
    assert first.split("domain.toml: ", 1)[1] == err.split("domain.toml: ", 1)[1]


@pytest.mark.parametrize("name", ["docker-compose.yml", ".env.example", ".github/workflows/ci.yml"])
def test_a_derived_file_that_is_not_utf8_is_one_line(cli, project: Path, name: str) -> None:
    """A byte of another encoding in docker-compose.yml or .env.example was a UnicodeDecodeError
    traceback during an edit (and in check)."""
    path = project / name
    path.write_bytes(path.read_bytes() + b"\n# caf\xe9\n")
    assert_refused(
        cli, project, ["add-database", "reports", "--provider", "postgresql"], "not UTF-8"
    )
    code, out, err = cli(["check", "--project", project])
    assert code == 2 and "not UTF-8" in err and "Traceback" not in err, out + err


# --- structures an edit cannot honour -----------------------------------------------------------


def _array_of_tables(text: str) -> str:
    return text.replace("\n[production]\n", "\n[[production]]\n", 1)


def _overlay_is_text(text: str) -> str:
    start, end = text.index("\n[production]"), text.index("\n[test]")
    return 'production = "x"\n' + text[:start] + "\n" + text[end:]


def _provider_is_a_number(text: str) -> str:
    return text.replace('provider = "postgresql"', "provider = 3", 1)


def _slot_is_text(text: str) -> str:
    return text.replace(
        '[test.brokers.default]\nprovider = "redis"', '[test.brokers]\ndefault = "redis"'
    )


STRUCTURES = {
    "[[production]]": (_array_of_tables, "production is an array of tables"),
    'production = "x"': (_overlay_is_text, "production is text"),
    "provider = 3": (_provider_is_a_number, "databases.default.provider is a number"),
    'brokers.default = "redis"': (_slot_is_text, "test.brokers.default is text"),
}


@pytest.mark.parametrize("structure", sorted(STRUCTURES))
@pytest.mark.parametrize("argv", EDITS, ids=lambda a: a[0])
def test_a_structure_an_edit_cannot_honour_is_refused_before_anything_is_written(
    cli, project: Path, structure: str, argv: list[str]
) -> None:
    """With `[[production]]` or `production = "x"`, add-database wrote 3-5 files and the new
    database silently skipped production."""
    change, said = STRUCTURES[structure]
    edit_config(project, change)
    assert_refused(cli, project, argv, said, "nothing written")


@pytest.mark.parametrize("structure", sorted(STRUCTURES))
def test_check_reports_each_structure_an_edit_refuses(cli, project: Path, structure: str) -> None:
    change, said = STRUCTURES[structure]
    edit_config(project, change)
    err = assert_refused(cli, project, ["ci"], said)
    line = int(err.split(": line ", 1)[1].split(":", 1)[0])
    code, out, _ = cli(["check", "--format", "json", "--project", project])
    assert code == 1, out
    errors = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert any(f["line"] == line for f in errors), (line, errors)


# --- set: each key once, booleans as TOML writes them ---------------------------------------


def test_a_key_given_twice_in_one_set_is_refused(cli, project: Path) -> None:
    """`set test.debug=true test.debug=false` took the last without a word."""
    err = assert_refused(cli, project, ["set", "test.debug=true", "test.debug=false"], "twice")
    assert "test.debug=true" in err and "test.debug=false" in err


def test_a_key_given_twice_to_new_is_refused(cli, tmp_path: Path) -> None:
    code, _, err = cli(
        [
            "new",
            tmp_path / "x",
            "--defaults",
            "--set",
            "test.debug=true",
            "--set",
            "test.debug=false",
        ]
    )
    assert code == 2 and "twice" in err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("value", ["yes", "1", "on", "no", "0", "off", "True", "FALSE"])
def test_set_takes_true_or_false_only(cli, project: Path, value: str) -> None:
    """Issue 26 item 14: `set test.debug=yes` was written as `true`; the help says true or
    false, and a TOML tool would refuse `yes`."""
    err = assert_refused(cli, project, ["set", f"test.debug={value}"], "expected true or false")
    assert repr(value) in err


@pytest.mark.parametrize("value", ["true", "false"])
def test_set_writes_true_and_false(cli, project: Path, value: str) -> None:
    code, _, err = cli(["set", f"test.debug={value}", "--project", project])
    assert code == 0, err
    assert tomllib.loads((project / "domain.toml").read_text())["test"]["debug"] is (
        value == "true"
    )
