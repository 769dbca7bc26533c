"""Hostile input (issue 10): every bad name or file is one line on stderr naming the bad value,
exit 2, and not a byte changed on disk; never a traceback, never minutes of CPU.

Names with control characters, line breaks, invisible unicode or '}' (hypothesis), answers
files that are block scalars, alias bombs, deeply nested, not UTF-8 or huge (hypothesis), and
the corpus the issue reproduced on main, through every command that reads the input.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scaffolder.inputs import MAX_BYTES, MAX_DEPTH

ERROR = "protean-init: error: "
ANSWERS = ".copier-answers.protean-init.yml"
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters that must never pass into a name or a local URL, each shown escaped in the error.
HOSTILE = ["\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\u2028", "\u202e", "\u200b", "\x85", "}"]

# Every command that reads a project's config: (argv after the command name, needs write).
READERS = [
    ["check"],
    ["add-database", "reports", "--provider", "sqlite"],
    ["set", "test.debug=false"],
    ["add-env", "memory"],
    ["ci"],
    ["edit"],
]
WRITERS = [
    ["add-database", "reports", "--provider", "sqlite"],
    ["set", "test.debug=false"],
    ["add-env", "memory"],
    ["ci"],
]


def tree_hash(root: Path) -> str:
    """Every path, mode and byte under `root` (a missing root hashes as such)."""
    digest = hashlib.sha256()
    if not root.exists():
        return "missing"
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest.update(f"{path.relative_to(root)}\0{info.st_mode}\0".encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def assert_one_line(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert err.startswith(ERROR), err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


@pytest.fixture(scope="module")
def made(generated_projects) -> Path:
    """A `new --defaults` project (the session's, read-only); tests copy it."""
    return generated_projects.pristine("shop", ("--defaults",))


@pytest.fixture(scope="module")
def adoptable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made elsewhere: base only, so `add-env memory` has something to add."""
    root = tmp_path_factory.mktemp("adopt") / "shop"
    (root / "src" / "shop").mkdir(parents=True)
    (root / "src" / "shop" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["protean"]\n')
    (root / "domain.toml").write_text(
        'debug = true\n\n[databases.default]\nprovider = "postgresql"\n'
        'database_uri = "${DATABASE_URL|postgresql://postgres:postgres@localhost:5432/shop}"\n'
    )
    return root


def fresh(tmp_path: Path) -> Path:
    """A new folder per example: hypothesis runs every example with the same tmp_path."""
    return Path(tempfile.mkdtemp(dir=tmp_path))


def copy_of(project: Path, tmp_path: Path) -> Path:
    target = tmp_path / project.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(project, target)
    return target


def hostile_name(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid name with one hostile character put somewhere in it (the end included)."""
    return st.tuples(valid, st.sampled_from(HOSTILE), st.integers(0, 40)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )


PROJECT_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,12}", fullmatch=True)
SLOT_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
VARIABLES = st.from_regex(r"[A-Z][A-Z0-9_]{0,12}", fullmatch=True)


# --- names -------------------------------------------------------------------------------------


@EXAMPLES
@given(name=hostile_name(PROJECT_NAMES))
def test_project_names_with_hostile_characters_are_refused(cli, tmp_path: Path, name: str) -> None:
    target = fresh(tmp_path) / "out"
    code, _, err = cli(["new", target, "--defaults", "--name", name])
    assert_one_line(code, err, repr(name))
    assert not target.exists()


@EXAMPLES
@given(name=hostile_name(PROJECT_NAMES), style=st.sampled_from(["|", ">", "|-", "quoted"]))
def test_project_names_from_yaml_block_scalars_are_refused(
    cli, tmp_path: Path, name: str, style: str
) -> None:
    """`project_name: |` keeps its trailing newline: the name `shop\\n` once wrote an
    unparsable domain.toml. Whatever YAML makes of the hostile character, the run is refused
    (a bad name, or YAML that does not load), unless YAML itself folded it away."""
    if style == "quoted":
        body = f"project_name: {json.dumps(name)}\n"
    else:
        body = f"project_name: {style}\n  {name.replace(chr(10), ' ')}\n"
    try:
        loaded = yaml.safe_load(body)["project_name"]
    except yaml.YAMLError:
        loaded = None
    assume(not (isinstance(loaded, str) and _valid_project_name(loaded)))
    answers = tmp_path / "answers.yml"
    answers.write_text(body, encoding="utf-8")
    target = fresh(tmp_path) / "out"
    code, _, err = cli(["new", target, "--answers", answers])
    assert_one_line(code, err)
    assert not target.exists()


def _valid_project_name(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]*", name) is not None


@EXAMPLES
@given(name=hostile_name(SLOT_NAMES))
def test_database_names_with_hostile_characters_are_refused(
    cli, made: Path, tmp_path: Path, name: str
) -> None:
    root = copy_of(made, tmp_path)
    before = tree_hash(root)
    code, _, err = cli(["add-database", name, "--provider", "sqlite", "--project", root])
    assert_one_line(code, err, repr(name))
    assert tree_hash(root) == before


@EXAMPLES
@given(variable=hostile_name(VARIABLES))
def test_variable_names_with_hostile_characters_are_refused(
    cli, tmp_path: Path, variable: str
) -> None:
    target = fresh(tmp_path) / "out"
    answers = tmp_path / "answers.yml"
    answers.write_text(
        yaml.safe_dump({"variables": {"databases.default": variable}}), encoding="utf-8"
    )
    # Values are stripped, as from --set: a hostile character at either end of a variable is
    # whitespace that goes, and the rest is valid; only one that stays must be refused.
    assume(variable == variable.strip())
    code, _, err = cli(["new", target, "--defaults", "--answers", answers])
    assert_one_line(code, err, repr(variable))
    assert not target.exists()


@EXAMPLES
@given(
    hostile=st.sampled_from([*HOSTILE, " "]),
    where=st.sampled_from(["start", "middle", "end"]),
    via=st.sampled_from(["set", "answers"]),
)
def test_local_urls_with_hostile_characters_are_refused_shown_escaped(
    cli, tmp_path: Path, hostile: str, where: str, via: str
) -> None:
    url = "postgresql://postgres:postgres@localhost:5432/app"
    url = {
        "start": hostile + url,
        "middle": url.replace("localhost", "local" + hostile + "host"),
        "end": url + hostile,
    }[where]
    target = fresh(tmp_path) / "out"
    # Values are stripped (--set and answers files alike): only a character that stays counts.
    assume(url == url.strip())
    if via == "set":
        flags = ["--set", f"local_urls.databases.default={url}"]
    else:
        answers = tmp_path / "answers.yml"
        answers.write_text(
            yaml.safe_dump({"local_urls": {"databases.default": url}}), encoding="utf-8"
        )
        flags = ["--answers", str(answers)]
    code, _, err = cli(["new", target, "--defaults", *flags])
    # The value is shown escaped: a line break or an invisible character is visible (in the
    # host here: a password, hostile or not, is masked in every message).
    assert_one_line(code, err, "invalid local URL", repr(hostile)[1:-1])
    assert not target.exists()


def test_trailing_newline_database_name_regression(cli, made: Path, tmp_path: Path) -> None:
    """`add-database $'rep\\n'` once wrote an unparsable domain.toml and exited 0."""
    root = copy_of(made, tmp_path)
    before = tree_hash(root)
    code, _, err = cli(["add-database", "rep\n", "--provider", "sqlite", "--project", root])
    assert_one_line(code, err, "'rep\\n'")
    assert tree_hash(root) == before


def test_block_scalar_project_name_regression(cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("project_name: |\n  shop\n", encoding="utf-8")
    code, _, err = cli(["new", tmp_path / "out", "--answers", answers])
    assert_one_line(code, err, "'shop\\n'")
    assert not (tmp_path / "out").exists()


def test_a_hostile_name_in_the_answers_record_is_refused(cli, made: Path, tmp_path: Path) -> None:
    root = copy_of(made, tmp_path)
    record = root / ANSWERS
    record.write_text(
        record.read_text().replace("project_name: shop", 'project_name: "shop\\nname: x"')
    )
    before = tree_hash(root)
    code, _, err = cli(["ci", "--project", root])
    assert_one_line(code, err, ANSWERS, "'shop\\nname: x'")
    assert tree_hash(root) == before


# --- hostile answers files ----------------------------------------------------------------------


def alias_bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"project_name: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int) -> str:
    return "project_name: shop\nx: " + "[" * depth + "]" * depth + "\n"


def deep_toml(depth: int) -> str:
    return 'project_name = "shop"\nx = ' + "[" * depth + "]" * depth + "\n"


HOSTILE_ANSWERS = st.one_of(
    st.tuples(st.just("alias"), st.integers(2, 8), st.integers(2, 8)),
    st.tuples(st.just("anchor"), st.integers(0, 3), st.integers(0, 0)),
    st.tuples(st.just("deep-yaml"), st.integers(MAX_DEPTH + 1, 5000), st.integers(0, 0)),
    st.tuples(st.just("deep-toml"), st.integers(MAX_DEPTH + 1, 5000), st.integers(0, 0)),
    st.tuples(st.just("not-utf8"), st.integers(0, 60), st.sampled_from([0x80, 0xC3, 0xFF, 0xFE])),
    st.tuples(st.just("huge"), st.integers(1, 3), st.integers(0, 0)),
)


def hostile_answers(tmp_path: Path, kind: str, a: int, b: int) -> tuple[Path, list[str]]:
    """An answers file of `kind` and the fragments its error must name."""
    suffix = ".toml" if kind == "deep-toml" else ".yml"
    path = tmp_path / f"answers{suffix}"
    if kind == "alias":
        path.write_text(alias_bomb(a, b))
        return path, ["aliases", "line 1"]
    if kind == "anchor":
        path.write_text("ci: github\n" * a + "base: &b {debug: true}\n")
        return path, ["anchors", f"line {a + 1}"]
    if kind == "deep-yaml":
        path.write_text(deep_yaml(a))
        return path, ["nested more than"]
    if kind == "deep-toml":
        path.write_text(deep_toml(a))
        return path, ["nested more than"]
    if kind == "not-utf8":
        text = b"project_name: shop\nci: github\ncompose: true\n" * 2
        data = text[:a] + bytes([b]) + text[a:]
        path.write_bytes(data)
        line = data.count(b"\n", 0, a) + 1
        return path, ["not UTF-8", f"line {line}, byte {a + 1}", f"0x{b:02x}"]
    # huge: over the cap by a few bytes to a few MiB, written sparsely-cheap as comments
    body = b"project_name: shop\n" + b"#" * (MAX_BYTES + a * 1024 * 1024 - 10) + b"\n"
    path.write_bytes(body)
    return path, ["over the 4 MiB limit"]


@EXAMPLES
@given(case=HOSTILE_ANSWERS)
def test_hostile_answers_files_are_one_line_and_write_nothing(
    cli, tmp_path: Path, case: tuple[str, int, int]
) -> None:
    kind, a, b = case
    path, fragments = hostile_answers(tmp_path, kind, a, b)
    target = fresh(tmp_path) / "out"
    code, _, err = cli(["new", target, "--answers", path])
    assert_one_line(code, err, path.name, *fragments)
    assert not target.exists()


def test_alias_bomb_is_refused_fast_in_a_real_process(tmp_path: Path) -> None:
    """8 levels of 8 aliases once ran 49 s and took 2.8 GB; now it is refused while parsing.
    A subprocess with a timeout, so a regression fails instead of hanging the suite."""
    answers = tmp_path / "bomb.yml"
    answers.write_text(alias_bomb(8, 8))
    result = subprocess.run(
        [sys.executable, "-m", "scaffolder", "new", str(tmp_path / "out"), "--answers", answers],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert_one_line(result.returncode, result.stderr, "bomb.yml", "aliases")
    assert not (tmp_path / "out").exists()


# --- the project's own files, through every command ----------------------------------------------


def _break(root: Path, name: str, how: str) -> None:
    path = root / name
    if how == "not-utf8":
        data = path.read_bytes()
        cut = data.index(b"\n", len(data) // 2) + 1
        path.write_bytes(data[:cut] + b"# caf\xe9\n" + data[cut:])
    elif how == "deep":
        path.write_text(path.read_text() + "\n[deep]\nx = " + "[" * 3000 + "]" * 3000 + "\n")
    elif how == "huge":
        with path.open("a") as handle:
            handle.write("#" * (MAX_BYTES + 1) + "\n")


@pytest.mark.parametrize("how", ["not-utf8", "deep", "huge"])
@pytest.mark.parametrize("argv", READERS, ids=lambda a: " ".join(a))
def test_a_broken_domain_toml_is_one_line_for_every_command(
    cli, made: Path, adoptable: Path, tmp_path: Path, argv: list[str], how: str
) -> None:
    root = copy_of(adoptable if argv[0] == "add-env" else made, tmp_path)
    _break(root, "domain.toml", how)
    before = tree_hash(root)
    code, _, err = cli([*argv, "--project", root])
    fragments = {
        "not-utf8": ["domain.toml", "not UTF-8", "byte", "0xe9"],
        "deep": ["nested"],
        "huge": ["domain.toml", "over the 4 MiB limit"],
    }[how]
    assert_one_line(code, err, *fragments)
    assert tree_hash(root) == before


@pytest.mark.parametrize("how", ["not-utf8", "deep", "huge"])
@pytest.mark.parametrize("argv", WRITERS, ids=lambda a: " ".join(a))
def test_a_broken_answers_record_is_one_line_for_every_edit(
    cli, made: Path, tmp_path: Path, argv: list[str], how: str
) -> None:
    root = copy_of(made, tmp_path)
    if argv[0] == "add-env":
        text = (root / "domain.toml").read_text()
        (root / "domain.toml").write_text(text[: text.index("[memory")])
    if how == "deep":
        with (root / ANSWERS).open("a") as handle:
            handle.write("deep: " + "[" * 3000 + "]" * 3000 + "\n")
    else:
        _break(root, ANSWERS, how)
    before = tree_hash(root)
    code, _, err = cli([*argv, "--project", root])
    assert_one_line(code, err, ANSWERS)
    assert tree_hash(root) == before


@pytest.mark.parametrize("how", ["not-utf8", "huge"])
@pytest.mark.parametrize("argv", WRITERS[:2], ids=lambda a: " ".join(a))
def test_a_broken_pyproject_is_one_line(
    cli, made: Path, tmp_path: Path, argv: list[str], how: str
) -> None:
    """add-database and set read pyproject.toml for the extras a provider needs."""
    root = copy_of(made, tmp_path)
    if argv[0] == "set":
        argv = ["set", "test.databases.default=sqlite"]
    _break(root, "pyproject.toml", how)
    before = tree_hash(root)
    code, _, err = cli([*argv, "--project", root])
    assert_one_line(code, err, "pyproject.toml")
    assert tree_hash(root) == before


@pytest.mark.parametrize("argv", READERS, ids=lambda a: " ".join(a))
def test_a_config_in_pyproject_not_utf8_is_one_line(
    cli, adoptable: Path, tmp_path: Path, argv: list[str]
) -> None:
    root = copy_of(adoptable, tmp_path)
    config = (root / "domain.toml").read_text()
    (root / "domain.toml").unlink()
    (root / "pyproject.toml").write_bytes(
        (root / "pyproject.toml").read_bytes()
        + b"# \xff\n"
        + config.replace("[databases", "[tool.protean.databases")
        .replace("debug = true", "[tool.protean]\ndebug = true")
        .encode()
    )
    before = tree_hash(root)
    code, _, err = cli([*argv, "--project", root])
    assert_one_line(code, err, "pyproject.toml", "not UTF-8", "line 4")
    assert tree_hash(root) == before


# --- TOML dates and times in a user's table ------------------------------------------------------

CUSTOM = """
[custom]
opens = 07:30:00
closes = 17:45:00.5
day = 2024-01-02
local = 2024-01-02T03:04:05
offset = 2024-01-02T03:04:05+02:00
"""


@pytest.mark.parametrize("argv", WRITERS, ids=lambda a: " ".join(a))
def test_toml_dates_and_times_in_a_user_table_survive_every_edit(
    cli, made: Path, adoptable: Path, tmp_path: Path, argv: list[str]
) -> None:
    """ruamel could not represent datetime.time in the answers snapshot: add-database, set,
    add-env and ci crashed. Each edit now runs twice (the second against the snapshot the
    first recorded) and the table reads back the same."""
    root = copy_of(adoptable if argv[0] == "add-env" else made, tmp_path)
    config = root / "domain.toml"
    config.write_text(config.read_text() + CUSTOM)
    custom = tomllib.loads(config.read_text())["custom"]
    code, _, err = cli([*argv, "--project", root])
    assert code == 0, err
    assert tomllib.loads(config.read_text())["custom"] == custom
    recorded = yaml.safe_load((root / ANSWERS).read_text())["generated_from"]["custom"]
    assert recorded == {k: v.isoformat() for k, v in custom.items()}
    # Then two more edits, each against the snapshot the one before recorded.
    for then in (["ci"], ["set", "memory.debug=false"]):
        code, _, err = cli([*then, "--project", root])
        assert code == 0, err
        assert tomllib.loads(config.read_text())["custom"] == custom
        recorded = yaml.safe_load((root / ANSWERS).read_text())["generated_from"]["custom"]
        assert recorded == {k: v.isoformat() for k, v in custom.items()}
