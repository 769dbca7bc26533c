"""Names that would take over what runs the project (issue 22): a variable named like one the
shell, the loader, Python, pip, pytest, compose, Protean or the CI runner reads, and a package
named like the framework, its test runner, what they import or the standard library, are
refused with the reason wherever a name enters: `new --set`, `set`, answers files (YAML and
TOML), the wizard's and the prompts' validation (scaffolder.spec, shared). An answers file's
value of the wrong type is refused, not turned into text.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.catalog import Role
from scaffolder.errors import UsageError
from scaffolder.spec.defaults import default_spec
from scaffolder.spec.names import reserved_variable, validate_package_name
from scaffolder.spec.project import validate
from scaffolder.spec.slots import Slot

DEFAULT = Slot(Role.DATABASE, "default")


@pytest.fixture(scope="module")
def made(generated_projects) -> Path:
    """`new shop --defaults` on PostgreSQL (the session's, read-only); tests copy it."""
    return generated_projects.pristine(
        "shop", ("--defaults", "--set", "base.databases.default=postgresql")
    )


# --- variables --------------------------------------------------------------------------------

EXACT = ["PATH", "HOME", "SHELL", "USER", "PWD", "IFS", "CI", "ENV", "TMPDIR", "HTTPS_PROXY"]
PREFIXES = ["LD_", "DYLD_", "PYTHON", "PIP_", "PYTEST_", "PROTEAN_", "GITHUB_", "RUNNER_",
            "CI_", "GITLAB_", "BASH_", "COMPOSE_", "DOCKER_", "ACTIONS_", "UV_", "LC_"]  # fmt: skip
RESERVED = st.one_of(
    st.sampled_from([*EXACT, "LD_PRELOAD", "PYTHONPATH", "PROTEAN_ENV", "GITHUB_ENV"]),
    st.tuples(st.sampled_from(PREFIXES), st.from_regex(r"[A-Z0-9_]{0,8}", fullmatch=True)).map(
        "".join
    ),
)


def _answers(tmp: Path, name: str, form: str) -> Path:
    if form == "yaml":
        path = tmp / "answers.yml"
        path.write_text(f"project_name: shop\nvariables.databases.default: {name}\n")
    elif form == "toml":
        path = tmp / "answers.toml"
        path.write_text(f'project_name = "shop"\n[variables]\n"databases.default" = "{name}"\n')
    else:  # the answers record's own shape (spec:)
        path = tmp / "record.yml"
        path.write_text(f"project_name: shop\nspec:\n  variables:\n    databases.default: {name}\n")
    return path


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=RESERVED, entry=st.sampled_from(["new", "set", "yaml", "toml", "record", "spec"]))
def test_a_reserved_variable_name_is_refused_everywhere_it_enters(
    cli, made: Path, tmp_path_factory: pytest.TempPathFactory, name: str, entry: str
) -> None:
    """`variables.databases.default=PATH` put `PATH: postgresql://...` into the CI job's env."""
    tmp = tmp_path_factory.mktemp("v")
    key = f"variables.databases.default={name}"
    if entry == "spec":  # the wizard and the prompts end in spec.validate (a spec is made so)
        with pytest.raises(UsageError, match="reserved"):
            replace(default_spec("shop"), variables={DEFAULT: name})
        return
    if entry == "set":
        root = tmp / "shop"
        shutil.copytree(made, root)
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        ran = cli(["set", key, "--project", root])
        code, out = ran.code, ran.printed
        assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    elif entry == "new":
        ran = cli(["new", tmp / "shop", "--defaults", "--set", key])
        code, out = ran.code, ran.printed
    else:
        ran = cli(["new", tmp / "shop", "--answers", _answers(tmp, name, entry)])
        code, out = ran.code, ran.printed
    assert code == 2, out
    assert f"{name!r}" in out and "reserved" in out and out.count("\n") == 1, out
    assert not (tmp / "shop").exists() or entry == "set"


@pytest.mark.parametrize(
    "name", ["DATABASE_URL", "LEDGER_URL", "APP_PATH", "MY_HOME_DB", "PROTEANDB_URL", "CIRCLE"]
)
def test_a_name_of_the_projects_own_is_taken(name: str) -> None:
    assert reserved_variable(name) is None
    validate(replace(default_spec("shop"), variables={DEFAULT: name}))  # made, and valid


def test_the_wizard_says_why_a_variable_name_is_refused() -> None:
    from scaffolder.ui.common.state import Draft

    draft = Draft.from_spec(default_spec("shop"), Path("shop"))
    draft.variables[DEFAULT] = "LD_PRELOAD"
    assert "reserved" in (draft.variable_error(DEFAULT) or "")


# --- packages ---------------------------------------------------------------------------------

_STDLIB = sorted(
    n for n in sys.stdlib_module_names if n.isidentifier() and n.isascii() and n[0] != "_"
)
SHADOWING = st.one_of(
    st.sampled_from(["protean", "pytest", "_pytest", "pydantic", "sqlalchemy", "redis", "tests"]),
    st.sampled_from(_STDLIB),
)


@settings(max_examples=60, deadline=None)
@given(name=SHADOWING, entry=st.sampled_from(["--package", "--name", "answers", "prompts"]))
def test_a_package_that_would_shadow_a_module_is_refused(
    cli, tmp_path_factory: pytest.TempPathFactory, name: str, entry: str
) -> None:
    """A package named `protean` or `pytest` shadowed the framework or the test runner."""
    tmp = tmp_path_factory.mktemp("p")
    if entry == "prompts":  # the prompts and the wizard validate with this
        with pytest.raises(UsageError, match="shadow"):
            validate_package_name(name)
        return
    if entry == "--package":
        argv = ["new", tmp / "shop", "--defaults", "--package", name]
    elif entry == "--name":
        if not name[0].isalpha():  # not a project name at all
            return
        if not name.islower():  # `cProfile`: its package is `cprofile`, which shadows nothing
            return
        argv = ["new", tmp / "shop", "--defaults", "--name", name]
    else:
        answers = tmp / "a.yml"
        answers.write_text(f"project_name: shop\npackage_name: {name}\n")
        argv = ["new", tmp / "shop", "--answers", answers]
    ran = cli(argv)
    code, out = ran.code, ran.printed
    assert code == 2, out
    assert "shadow" in out and f"{name}_app" in out and out.count("\n") == 1, out
    assert not (tmp / "shop").exists()


@pytest.mark.parametrize("name", ["shop", "acme_orders", "protean_shop", "my_json"])
def test_a_package_of_its_own_is_taken(name: str) -> None:
    validate_package_name(name)


# --- answers files: typed values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("project_name: true", ["project_name", "True", "true or false", "expected text"]),
        ("project_name: 12", ["project_name", "12", "a number", "expected text"]),
        ('test.debug: "false"', ["test.debug", "'false'", "text", "expected true or false"]),
        ('workers: "2"', ["workers", "'2'", "expected a number"]),
        ('compose: "yes"', ["compose", "'yes'", "expected true or false"]),
        ("production.databases.default: 3", ["production.databases.default", "expected text"]),
        ("package_name: [a, b]", ["package_name", "a list"]),
        ("test.debug:", ["test.debug", "empty"]),
    ],
)
def test_an_answers_value_of_the_wrong_type_is_refused_not_stringified(
    cli, tmp_path: Path, line: str, words: list[str]
) -> None:
    """An answers file's `project_name: true` made a project named `True`."""
    answers = tmp_path / "a.yml"
    head = "" if line.startswith("project_name") else "project_name: shop\n"
    answers.write_text(head + line + "\n")
    ran = cli(["new", tmp_path / "x", "--answers", answers])
    code, out = ran.code, ran.printed
    assert code == 2, out
    assert out.count("\n") == 1, out
    for word in words:
        assert word in out, (word, out)
    assert not (tmp_path / "x").exists()


def test_an_answers_record_protean_init_wrote_reads_back(cli, made: Path, tmp_path: Path) -> None:
    """Its values are typed as the keys take them: `new --answers` of it still works."""
    record = made / ".copier-answers.protean-init.yml"
    ran = cli(["new", tmp_path / "again", "--answers", record])
    code, out = ran.code, ran.printed
    assert code == 0, out


# --- database names PostgreSQL would cut ------------------------------------------------------

# PostgreSQL keeps the first 63 bytes of a database name and drops the rest without an error,
# creating and connecting alike (the workspace's refuse_cut_storage says the same of contexts).
POSTGRES_NAME_BYTES = 63


@pytest.mark.parametrize(
    ("package", "argv", "bad"),
    [
        ("a" * 64, [], "a" * 64),
        ("a" * 300, [], "a" * 300),
        ("a" * 56, ["--set", "base.databases.reports=postgresql"], "reports"),
        (
            "a" * 56,
            [
                "--set",
                "base.databases.reports=memory",
                "--set",
                "test.databases.reports=postgresql",
            ],
            "reports",
        ),
    ],
    ids=["package-64", "package-300", "named-in-base", "named-in-test"],
)
def test_new_refuses_a_database_name_postgresql_would_cut(
    cli, tmp_path: Path, package: str, argv: list[str], bad: str
) -> None:
    """A single project's PostgreSQL databases are `<package>` and `<package>_<name>`: past 63
    bytes PostgreSQL cuts them, so a package of 63 bytes or more puts database `reports` into
    the default one (and its test suite empties both). Refused in one line naming the name
    and its room, exit 2, nothing written, as a workspace's context is."""
    target = tmp_path / "shop"
    code, out, err = cli(["new", target, "--package", package, *argv], "--ui", "none", "--defaults")
    assert not target.exists()
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert bad in err and str(POSTGRES_NAME_BYTES) in err, err


def test_the_longest_names_postgresql_keeps_are_taken(cli, tmp_path: Path) -> None:
    """The limit is exact: a package of 63 bytes, and beside one of 55 a database name
    that makes `<package>_<name>` 63 bytes."""
    target = tmp_path / "long"
    code, out, err = cli(["new", target, "--package", "a" * 63], "--ui", "none", "--defaults")
    assert code == 0, out + err
    target = tmp_path / "named"
    code, out, err = cli(
        ["new", target, "--package", "a" * 55, "--set", "base.databases.reportx=postgresql"],
        "--ui",
        "none",
        "--defaults",
    )
    assert code == 0, out + err
    assert f"/{'a' * 55}_reportx" in (target / "domain.toml").read_text()


@pytest.mark.parametrize(
    "argv",
    [
        ["set", "base.databases.reports=postgresql"],
        ["add-database", "reports", "--provider", "postgresql"],
    ],
    ids=" ".join,
)
def test_an_edit_refuses_a_database_name_postgresql_would_cut(
    cli, tmp_path: Path, argv: list[str]
) -> None:
    from tests.workspace.support import snapshot

    root = tmp_path / "shop"
    code, out, err = cli(["new", root, "--package", "a" * 58], "--ui", "none", "--defaults")
    assert code == 0, out + err
    before = snapshot(root)
    code, out, err = cli(argv, "--project", root)
    assert snapshot(root) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "reports" in err and str(POSTGRES_NAME_BYTES) in err, err
