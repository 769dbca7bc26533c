"""What protean-init prints from a project's files keeps to its own lines and drives no
terminal: a TOML key or string may hold a line break or an escape sequence (`\\n`,
`\\u001b[2J`), a link's target any byte but NUL and '/'.

A key `"x\\ndomain.toml:1: info: all-good"` made check print a forged finding line, and
`\\u001b]0;...\\u0007` retitled the terminal; a `.env.example` linked to such a name made
the error line two lines. They are shown as escapes (scaffolder.printable). (The attack
round of the thirteenth stop.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.projects import GeneratedProjects

# What may not reach a terminal as it is: line breaks, escapes and other controls, and a
# right-to-left override (Trojan Source).
HOSTILE = ["\n", "\r", "\x1b[2J", "\x1b]0;owned\x07", "\x85", "\u2028", "\u202e", "\x08", "\x00"]
FORGED = "domain.toml:1: error: forged: a line check never wrote"
# A line of check's text format: a finding, its fix, or the tally.
LINE = re.compile(
    r"\S+: (error|warning|drift): \S+( \[\w+\])?: .*|    fix: .*|.* in \d+ environments? .*"
)
TOML_ESCAPES = {"\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _toml(text: str) -> str:
    return "".join(TOML_ESCAPES.get(c, c if c.isprintable() else f"\\u{ord(c):04x}") for c in text)


@pytest.fixture(scope="module")
def pristine(generated_projects: GeneratedProjects) -> Path:
    return generated_projects.pristine("shop", ("--defaults",))


PLACES = {
    # A slot's name, its provider, a variable's name and default, an unknown key.
    "slot": '\n[databases."x{t}"]\nprovider = "postgresqll"\n',
    "provider": '\n[databases.reports]\nprovider = "postgres{t}"\n',
    "variable": '\n[databases.reports]\nprovider = "postgresql"\ndatabase_uri = "${{R{t}|x}}"\n',
    "key": '\n[databases.reports]\nprovider = "sqlite"\n"databse_uri{t}" = "x"\n',
}


@settings(max_examples=60, deadline=None)
@given(
    place=st.sampled_from(sorted(PLACES)),
    hostile=st.sampled_from(HOSTILE),
    fmt=st.sampled_from(["text", "github"]),
)
def test_check_prints_each_finding_on_its_own_lines(
    cli, pristine: Path, tmp_path_factory, place: str, hostile: str, fmt: str
) -> None:
    root = tmp_path_factory.mktemp("printed") / "shop"
    shutil.copytree(pristine, root, symlinks=True)
    planted = _toml(f"{hostile}{FORGED}{hostile}")
    with (root / "domain.toml").open("a") as config:
        config.write(PLACES[place].format(t=planted))
    code, out, err = cli("check --format", fmt, "--project", root)
    assert code in (1, 2), out + err
    printed = out + err
    assert all(c.isprintable() or c == "\n" for c in printed), repr(printed)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
        return
    assert FORGED not in printed.splitlines()
    if fmt == "text":
        bad = [line for line in out.splitlines() if not LINE.fullmatch(line)]
        assert bad == [], out


@pytest.mark.parametrize("hostile", HOSTILE[:-1])  # a link's target holds no NUL
def test_an_error_naming_a_links_target_is_one_line(
    cli, pristine: Path, tmp_path: Path, hostile: str
) -> None:
    root = tmp_path / "shop"
    shutil.copytree(pristine, root, symlinks=True)
    (root / ".env.example").unlink()
    (root / ".env.example").symlink_to(f"/nowhere{hostile}protean-init: derived{hostile}")
    code, out, err = cli("derive --project", root)
    assert code == 2, out + err
    assert len(err.splitlines()) == 1 and err.endswith("\n"), err
    assert all(c.isprintable() for c in err.rstrip("\n")), repr(err)
