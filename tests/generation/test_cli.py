"""Proof 6: the command line refuses bad input in one line, exit 2, and writes nothing.

Most cases run the command line in-process through the `cli` fixture (with `--ui none`, so
the result cannot depend on whether pytest's stdin is a terminal); what depends on the process
itself (no terminal, what `--help` imports) runs `python -m scaffolder` with stdin from
/dev/null.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from scaffolder.answers import build_spec
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec

ERROR = "protean-init: error: "


def run_process(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PROTEAN_ENV"}
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert err.startswith(ERROR), err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


# (id, arguments after `new DIR`, what the one-line error must say)
BAD_INPUT = [
    (
        "project-name",
        ["--defaults", "--name", "1 bad"],
        ["'1 bad'", "letters, digits, '-', '_' or '.', starting with a letter"],
    ),
    (
        "project-name-digit",
        ["--defaults", "--name", "9lives"],
        ["'9lives'", "starting with a letter"],
    ),
    (
        "package-keyword",
        ["--defaults", "--package", "class"],
        ["'class'", "Python keyword", "identifier that is not one", "'class_app'"],
    ),
    (
        "package-not-identifier",
        ["--defaults", "--package", "my-app"],
        ["'my-app'", "Python identifier", "'my_app'"],
    ),
    (
        "unknown-provider",
        ["--defaults", "--set", "production.databases.default=postgres"],
        [
            "'postgres'",
            "(did you mean 'postgresql'?)",
            "expected one of: memory, postgresql, sqlite, elasticsearch, mysql, mssql",
        ],
    ),
    (
        "unknown-environment",
        ["--defaults", "--set", "prod.databases.default=postgresql"],
        ["'prod'", "(did you mean 'production'?)", "base, production, test, memory"],
    ),
    (
        "unknown-key",
        ["--defaults", "--set", "production.databse.default=postgresql"],
        [
            "'production.databse.default'",
            "(did you mean 'databases'?)",
            "databases, brokers, event_store, caches, debug, testing",
        ],
    ),
    (
        "provider-in-wrong-role",
        ["--defaults", "--set", "base.event_store=redis"],
        ["'redis'", "is a provider for brokers, caches", "expected one of: memory, message_db"],
    ),
    (
        "setting-value",
        ["--defaults", "--set", "production.debug=maybe"],
        ["'maybe'", "production.debug", "true or false"],
    ),
    (
        "processing-mode",
        ["--defaults", "--set", "test.event_processing=parallel"],
        ["'parallel'", "sync, async"],
    ),
    (
        "set-without-value",
        ["--defaults", "--set", "production.debug"],
        ["'production.debug'", "KEY=VALUE"],
    ),
]


@pytest.mark.parametrize(
    ("args", "fragments"), [case[1:] for case in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    cli, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    code, out, err = cli(["new", str(tmp_path / "proj"), "--ui", "none", *args])
    assert code == 2
    assert_one_line_error(err, *fragments)
    assert out == ""
    assert listing(tmp_path) == []


def test_a_path_as_project_name_writes_nothing(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--name a/b` with no DIR: the name would be the folder; neither a nor a/b appears."""
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(["new", "--ui", "none", "--defaults", "--name", "a/b"])
    assert code == 2
    assert_one_line_error(err, "'a/b'", "letters, digits")
    assert listing(tmp_path) == []


def test_a_bad_folder_name_says_to_pass_name(cli, tmp_path: Path) -> None:
    code, _, err = cli(["new", str(tmp_path / "1bad"), "--ui", "none", "--defaults"])
    assert code == 2
    assert_one_line_error(err, "'1bad'", "pass --name NAME")
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "text", "fragments"),
    [
        ("answers.yml", "project_name: x\n\tci: gitlab\n", ["answers.yml: line 2,", "'\\t'"]),
        (
            "answers.yml",
            "project_name: x\nproduction:\n  databases: {default: mysql\n",
            ["answers.yml:", "expected ',' or '}'"],
        ),
        ("answers.toml", 'project_name = "x"\nci = gitlab\n', ["answers.toml", "line 2"]),
        ("answers.yml", "- a\n- b\n", ["answers.yml", "expected a table", "list"]),
        (
            "answers.yml",
            "project_name: x\nproduction:\n  databases:\n    default: postgres\n",
            ["'postgres'", "did you mean 'postgresql'"],
        ),
    ],
    ids=["yaml-tab", "yaml-unclosed", "toml", "yaml-not-a-table", "bad-provider-in-answers"],
)
def test_malformed_answers_file(
    cli, tmp_path: Path, name: str, text: str, fragments: list[str]
) -> None:
    answers = tmp_path / "in" / name
    answers.parent.mkdir()
    answers.write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = cli(["new", str(out_dir / "proj"), "--ui", "none", "--answers", str(answers)])
    assert code == 2
    assert_one_line_error(err, *fragments)
    assert listing(out_dir) == []


def test_yaml_error_names_the_line(cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("project_name: x\nci: github\ncompose: [true\nname: y\n", encoding="utf-8")
    code, _, err = cli(["new", str(tmp_path / "p"), "--ui", "none", "--answers", str(answers)])
    assert code == 2
    # PyYAML reports where it noticed: the unclosed list on line 3 fails at line 4.
    assert_one_line_error(err, f"{answers}: line 4,")


def test_missing_answers_file(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yml"
    code, _, err = cli(["new", str(tmp_path / "p"), "--ui", "none", "--answers", str(missing)])
    assert code == 2
    assert_one_line_error(err, str(missing), "No such file")
    assert listing(tmp_path) == []


def test_non_empty_folder_needs_force(cli, tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    code, _, err = cli(["new", str(target), "--ui", "none", "--defaults"])
    assert code == 2
    assert_one_line_error(err, str(target), "not empty", "--force")
    assert listing(tmp_path) == ["proj", "proj/notes.txt"]
    assert (target / "notes.txt").read_text() == "mine\n"


def test_force_writes_into_a_non_empty_folder_and_keeps_other_files(cli, tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    code, _, _ = cli(["new", str(target), "--ui", "none", "--defaults", "--force"])
    assert code == 0
    assert (target / "notes.txt").read_text() == "mine\n"
    spec = default_spec("proj")
    for relative, content in render_project(spec).items():
        assert (target / relative).read_bytes() == content, relative


def test_no_terminal_and_no_choices_names_both_ways(tmp_path: Path) -> None:
    result = run_process(tmp_path, "-m", "scaffolder", "new", "proj")
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "--defaults", "--answers")
    assert result.stdout == ""
    assert listing(tmp_path) == []


def test_no_terminal_no_arguments_at_all(tmp_path: Path) -> None:
    """`protean-init` alone in an empty folder and no terminal: the same refusal."""
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_process(empty, "-m", "scaffolder")
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "--defaults", "--answers")
    assert listing(tmp_path) == ["empty"]


def test_defaults_without_a_terminal_works(tmp_path: Path) -> None:
    result = run_process(tmp_path, "-m", "scaffolder", "new", "proj", "--defaults")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (tmp_path / "proj" / "domain.toml").read_bytes() == render_project(default_spec("proj"))[
        "domain.toml"
    ]


def announced(out: str) -> list[str]:
    """The paths a dry run names, each on a `--- new file: PATH` line, in order."""
    return re.findall(r"^--- new file: (\S+)", out, flags=re.MULTILINE)


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_dry_run_prints_every_file_and_writes_nothing(cli, tmp_path: Path) -> None:
    target = tmp_path / "proj"
    code, out, err = cli(["new", str(target), "--ui", "none", "--defaults", "--dry-run"])
    assert code == 0, err
    assert listing(tmp_path) == []
    files = render_project(default_spec("proj"))
    # Printed as written, except passwords (the local defaults' too): scaffolder.redact.
    from scaffolder.redact import redact_text

    for relative, content in files.items():
        assert f"--- new file: {relative}\n{redact_text(content.decode())}" in out, relative
    # The record's copies of them are named, each in one line, not printed a second time.
    assert "--- new file: .protean-init/generated/domain.py" not in out
    assert "--- new file: .protean-init/generated/src/proj/domain.py (the record of" in out


@pytest.mark.parametrize("contexts", [(), ("--context", "a", "--context", "b")])
def test_a_dry_run_into_a_folder_that_is_not_empty_refuses_as_the_real_run(
    cli, tmp_path: Path, contexts: tuple[str, ...]
) -> None:
    """The real run refuses a folder holding files unless --force: so does its dry run,
    which printed every file and 'Would write' instead. With --force both go ahead."""
    target = tmp_path / "shop"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    real = cli(["new", target, "--defaults", *contexts])
    dry = cli(["new", target, "--defaults", "--dry-run", *contexts])
    assert real.code == dry.code == 2
    assert dry.err == real.err and "pass --force" in dry.err and dry.out == ""
    assert listing(target) == ["notes.txt"]
    forced = cli(["new", target, "--defaults", "--dry-run", "--force", *contexts])
    assert forced.code == 0 and "Would write" in forced.out
    assert listing(target) == ["notes.txt"]


@pytest.mark.parametrize(
    "options",
    [("--defaults",), ("--defaults", "--deploy", "kubernetes", "--ci", "gitlab")],
    ids=["defaults", "kubernetes"],
)
def test_a_dry_run_names_every_file_the_real_run_writes(cli, tmp_path: Path, options) -> None:
    target = tmp_path / "proj"
    code, out, err = cli(["new", target, "--dry-run", *options])
    assert code == 0, err
    code, said, err = cli(["new", target, *options])
    assert code == 0, err
    assert sorted(announced(out)) == files_under(target)
    assert len(announced(out)) == len(set(announced(out)))
    # Counted as the real run counts them ("21 files; .protean-init/ keeps 20 more ...").
    count = re.search(r"\((\d+ files; .*)\)$", said.splitlines()[0])
    assert count and out.rstrip().endswith(f"({count[1]}); nothing written: --dry-run")


def test_dry_run_into_an_existing_project_refuses_and_changes_nothing(cli, tmp_path: Path) -> None:
    """`new` over a Protean project refuses, dry run or not (issue 11): the edit commands
    change a project; `new` would replace its config and add a second package."""
    target = tmp_path / "proj"
    assert cli(["new", str(target), "--ui", "none", "--defaults"])[0] == 0
    before = {p: (target / p).read_bytes() for p in listing(target) if (target / p).is_file()}
    code, out, _ = cli(
        [
            "new",
            str(target),
            "--ui",
            "none",
            "--defaults",
            "--set",
            "production.databases.default=mysql",
            "--dry-run",
        ]
    )
    assert code == 2
    assert out == ""
    after = {p: (target / p).read_bytes() for p in listing(target) if (target / p).is_file()}
    assert after == before


def _domain(target: Path) -> dict:
    return tomllib.loads((target / "domain.toml").read_text())


def test_answers_yaml(cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(
        "project_name: from-yaml\nci: gitlab\n"
        '"production.databases.default": mysql\n'
        "test:\n  databases:\n    default: sqlite\n",
        encoding="utf-8",
    )
    target = tmp_path / "out"
    assert cli(["new", str(target), "--ui", "none", "--answers", str(answers)])[0] == 0
    tree = _domain(target)
    assert tree["production"]["databases"]["default"]["provider"] == "mysql"
    assert tree["test"]["databases"]["default"]["provider"] == "sqlite"
    assert (target / ".gitlab-ci.yml").is_file()
    assert not (target / ".github").exists()
    assert 'name = "from-yaml"' in (target / "pyproject.toml").read_text()


def test_answers_toml(cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(
        'project_name = "from-toml"\ncompose = false\n'
        '[production]\ndebug = false\nevent_store = "message_db"\n'
        '[production.brokers]\ndefault = "redis_pubsub"\n',
        encoding="utf-8",
    )
    target = tmp_path / "out"
    assert cli(["new", str(target), "--ui", "none", "--answers", str(answers)])[0] == 0
    tree = _domain(target)
    assert tree["production"]["brokers"]["default"]["provider"] == "redis_pubsub"
    assert tree["production"]["event_store"]["provider"] == "message_db"
    assert tree["production"]["debug"] is False
    assert not (target / "docker-compose.yml").exists()
    assert 'name = "from-toml"' in (target / "pyproject.toml").read_text()


def test_set_wins_over_answers_which_win_over_defaults(cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(
        "project_name: from-answers\nci: gitlab\n"
        "production:\n"
        "  databases: {default: mysql}\n"
        "  brokers: {default: redis_pubsub}\n",
        encoding="utf-8",
    )
    target = tmp_path / "out"
    argv = [
        "new",
        str(target),
        "--ui",
        "none",
        "--defaults",
        "--answers",
        str(answers),
        "--set",
        "production.databases.default=sqlite",
        "--name",
        "from-flags",
    ]
    assert cli(argv)[0] == 0
    tree = _domain(target)
    production = tree["production"]
    assert production["databases"]["default"]["provider"] == "sqlite"  # --set over answers
    assert production["brokers"]["default"]["provider"] == "redis_pubsub"  # answers over defaults
    assert production["event_store"]["provider"] == "message_db"  # the defaults, untouched
    assert (target / ".gitlab-ci.yml").is_file()  # answers over the default CI
    assert 'name = "from-flags"' in (target / "pyproject.toml").read_text()  # --name over answers
    expected = build_spec(
        default_spec("from-flags"),
        answers={
            "ci": "gitlab",
            "production.databases.default": "sqlite",
            "production.brokers.default": "redis_pubsub",
        },
    )
    assert (target / "domain.toml").read_bytes() == render_project(expected)["domain.toml"]


# Every command's --help: imports inside functions moved to the top (#27) must not bring these in.
HELP_ARGV = [["--help"]] + [
    [command, "--help"]
    for command in (
        "new",
        "check",
        "add-database",
        "edit",
        "set",
        "add-env",
        "ci",
        "deploy",
        "derive",
        "upgrade",
        "add-context",
        "add-broker",
        "completion",
    )
]


@pytest.mark.parametrize("argv", HELP_ARGV, ids=lambda argv: "-".join(argv).strip("-"))
def test_help_imports_neither_textual_nor_copier(tmp_path: Path, argv: list[str]) -> None:
    result = run_process(tmp_path, "-X", "importtime", "-m", "scaffolder", *argv)
    assert result.returncode == 0, result.stderr
    assert "usage: protean-init" in result.stdout
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    assert "scaffolder.cli" in modules  # the import log is really there
    heavy = [
        m
        for m in modules
        if m.split(".")[0] in ("textual", "copier", "protean", "jinja2", "ruamel", "yaml", "rich")
    ]
    assert heavy == []


def test_a_bad_choice_is_one_line_with_the_closest(tmp_path, cli):
    code, _, err = cli("new", tmp_path / "x", "--defaults --ci gitlb")
    assert code == 2
    assert err.count("\n") == 1
    assert "'gitlb' (did you mean 'gitlab'?); expected one of: github, gitlab, none" in err
    assert not (tmp_path / "x").exists()


def test_a_misspelled_command_is_not_taken_for_a_project_name(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("chekc")
    assert code == 2
    assert "unknown command 'chekc' (did you mean 'check'?)" in err
    assert list(tmp_path.iterdir()) == []


def test_no_dir_writes_into_an_empty_current_folder(tmp_path, monkeypatch, cli):
    here = tmp_path / "orders"
    here.mkdir()
    monkeypatch.chdir(here)
    assert cli("new --defaults").code == 0
    assert 'name = "orders"' in (here / "pyproject.toml").read_text()


def test_no_dir_in_a_busy_folder_makes_my_app(tmp_path, monkeypatch, cli):
    (tmp_path / "notes.txt").write_text("mine\n")
    monkeypatch.chdir(tmp_path)
    assert cli("new --defaults").code == 0
    assert (tmp_path / "my-app" / "domain.toml").is_file()
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_each_command_parses_as_in_the_whole_parser(capsys, cli):
    """main() builds only the running command's parser: each command's help (and so its
    arguments) and its usage errors are the whole parser's, and the top-level help still lists
    every command."""
    from scaffolder.cli import COMMANDS, build_parser

    def parsed(argv: list[str], code: int) -> tuple[str, str]:
        """What the whole parser prints on `argv`, ending with `code`."""
        with pytest.raises(SystemExit) as exit_info:
            whole.parse_args(argv)
        assert exit_info.value.code == code
        captured = capsys.readouterr()
        return captured.out, captured.err

    def ran(argv: list[str], code: int) -> tuple[str, str]:
        """What protean-init prints on `argv`, ending with `code`."""
        result = cli(argv)
        assert result.code == code
        return result.out, result.err

    whole = build_parser()
    for name in COMMANDS:
        expected = parsed([name, "--help"], 0)
        assert "usage: protean-init " + name in expected[0]
        assert ran([name, "--help"], 0) == expected, name
        # An option no command has, and one of the command line's own after the command.
        for wrong in ("--no-such-option", "--version"):
            error = parsed([name, wrong], 2)
            assert ran([name, wrong], 2) == error, (name, wrong)
    top = ran(["--help"], 0)
    assert top == parsed(["--help"], 0)
    assert all(name in top[0] for name in COMMANDS)
    # What the lighter parser leaves out: the other commands, their arguments and modules.
    light = build_parser("new")
    subcommands = light._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert list(subcommands) == ["new"]
    assert subcommands["new"].get_default("run") is not None


def test_the_version_is_the_installed_packages_and_the_answers_file_records_it(tmp_path, cli):
    """scaffolder.__version__ is the one source (pyproject reads it): --version and the answers
    file say what the installed package's metadata says, without reading that metadata."""
    from importlib.metadata import version

    from scaffolder import __version__

    assert __version__ == version("protean-init")
    assert cli("--version") == (0, f"protean-init {__version__}\n", "")
    assert cli("new", tmp_path / "shop", "--defaults").code == 0
    answers = (tmp_path / "shop" / ".copier-answers.protean-init.yml").read_text()
    assert f"_template: protean-init {__version__}\n" in answers


def test_the_advice_with_no_terminal_works_as_given(tmp_path: Path) -> None:
    """`protean-init` with no terminal says to pass --defaults: `protean-init --defaults`
    (no command, as the advice reads) then writes the project into the empty folder."""
    empty = tmp_path / "orders"
    empty.mkdir()
    refused = run_process(empty, "-m", "scaffolder")
    assert "pass --defaults" in refused.stderr
    result = run_process(empty, "-m", "scaffolder", "--defaults")
    assert result.returncode == 0, result.stderr
    assert 'name = "orders"' in (empty / "pyproject.toml").read_text()


def test_new_options_need_no_command(tmp_path, monkeypatch, cli) -> None:
    """The README's `protean-init --ui prompt`: options with no command are new's, or edit's
    in a project; the command line's own options stay its own."""
    from scaffolder.cli import route

    monkeypatch.chdir(tmp_path)
    assert route(["--ui", "prompt"]) == ["new", "--ui", "prompt"]
    assert route(["--defaults", "--ci", "gitlab"]) == ["new", "--defaults", "--ci", "gitlab"]
    assert route(["--help"]) == ["--help"]
    assert route(["--version"]) == ["--version"]
    assert build_new_args(["--ui", "prompt"]).ui == "prompt"
    shop = tmp_path / "shop"
    assert cli("new", shop, "--defaults").code == 0
    monkeypatch.chdir(shop / "tests")
    assert route(["--ui", "prompt"]) == ["edit", "--project", str(shop), "--ui", "prompt"]


def build_new_args(argv: list[str]):
    from scaffolder.cli import build_parser, route

    routed = route(argv)
    return build_parser(routed[0]).parse_args(routed)


@pytest.mark.parametrize("argv", [["--defaults"], ["--set", "ci=gitlab"], ["--answers=a.yml"]])
def test_new_options_inside_a_project_say_what_to_run_instead(
    tmp_path, monkeypatch, cli, generated_projects, argv
):
    """`protean-init --defaults` inside a project routes to the edit menu, which has no such
    option: one line naming the project and what to run instead, exit 2, nothing changed."""
    shop = generated_projects.copy(tmp_path / "shop")
    before = {path: path.read_bytes() for path in shop.rglob("*") if path.is_file()}
    monkeypatch.chdir(shop / "tests")
    code, _, err = cli(argv)
    assert code == 2
    error = err.strip()
    assert "\n" not in error
    assert f"{shop.resolve()} is a Protean project already" in error
    assert f"{argv[0].split('=')[0]} is for a new one" in error
    assert "protean-init set KEY=VALUE" in error
    assert before == {path: path.read_bytes() for path in shop.rglob("*") if path.is_file()}


@pytest.mark.parametrize("role", ["database", "broker", "cache"])
def test_add_role_help_gives_examples_the_command_takes(cli, generated_projects, tmp_path, role):
    """add-ROLE --help's examples (a name, a provider in base, one in production) are ones
    the command accepts for that role: `add-broker --provider memory`, the example it gave,
    is refused (memory is no broker)."""
    from scaffolder.catalog import PROVIDERS, Role
    from scaffolder.ui.common.state import NAME_EXAMPLES

    code, out, _ = cli([f"add-{role}", "--help"])
    assert code == 0
    text = " ".join(out.split())
    name = re.search(rf"the {role}'s name, e.g. (\w+)", text)
    base = re.search(rf"the {role}'s provider in base, e.g. (\w+)", text)
    production = re.search(r"e.g. production=(\w+)", text)
    assert name and base and production, text
    assert base[1] in PROVIDERS[Role(f"{role}s")] and production[1] in PROVIDERS[Role(f"{role}s")]
    assert name[1] == NAME_EXAMPLES[Role(f"{role}s")]  # the edit menu's and wizard's example
    root = generated_projects.copy(tmp_path / "shop")
    argv = [f"add-{role}", name[1], "--provider", base[1], "--env", f"production={production[1]}"]
    code, _, err = cli([*argv, "--project", root])
    assert code == 0, err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["new", "{dir}", "--defaults", "--contexts", "a,b"],
            "--contexts a,b (did you mean '--context'?)",
        ),
        (["new", "{dir}", "--defalts"], "--defalts (did you mean '--defaults'?)"),
        (["{dir}", "--defaults", "--dry-rn"], "--dry-rn (did you mean '--dry-run'?)"),
        (["new", "{dir}", "--defaults", "extra"], "extra"),
    ],
)
def test_an_unknown_argument_is_named_with_the_closest_option_of_its_command(
    cli, tmp_path: Path, argv: list[str], said: str
) -> None:
    """A misspelt option is reported by its command (`protean-init new: error:`, pointing to
    `new --help`), with the option it is closest to; nothing written."""
    target = tmp_path / "shop"
    code, _, err = cli([word.replace("{dir}", str(target)) for word in argv])
    assert code == 2
    assert err == (
        f"protean-init new: error: unrecognized arguments: {said} (see protean-init new --help)\n"
    )
    assert not target.exists()
