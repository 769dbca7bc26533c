"""`new --context`: the command line's input, refused in one line with exit 2 and nothing on
disk, or read the same way from flags and from an answers file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.project_files import ANSWERS_FILE

ERROR = "protean-init: error: "


def _refused(cli, target: Path, *argv: str) -> str:
    code, out, err = cli(["new", str(target), "--defaults", *argv])
    assert code == 2, (out, err)
    assert err.startswith(ERROR) and err.count("\n") == 1, err
    assert not target.exists()
    return err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--context", "Ordering"], "'Ordering'"),
        (["--context", "order-taking"], "'order-taking'"),
        (["--context", "class"], "keyword"),
        (["--context", "json"], "standard library"),
        (["--context", "tests"], "'tests'"),
        (["--context", "src"], "reserved"),
        (["--context", "ci"], "CI_DATABASE_URL"),
        (["--context", "docker"], "DOCKER_DATABASE_URL"),
        (["--context", "_private"], "reserved"),
        (["--context", "a", "--context", "a"], "named twice"),
        (["--context", "a", "--set", "b:debug=true"], "unknown context 'b'"),
        (["--context", "a", "--set", "a:production.databases.default=oracle"], "'oracle'"),
        (["--context", "a", "--set", "a:deploy=none"], "deploy is the workspace's"),
    ],
)
def test_bad_input_is_one_line_naming_it(cli, tmp_path: Path, argv, named) -> None:
    assert named in _refused(cli, tmp_path / "w", *argv)


def test_replicas_need_stream_subscriptions_in_every_context(cli, tmp_path: Path) -> None:
    """The replica rule holds per context: one context on streams is not enough."""
    argv = ["--context", "a", "--context", "b", "--set", "replicas=3"]
    argv += ["--set", "a:production.server.default_subscription_type=stream"]
    assert "replicas=3" in _refused(cli, tmp_path / "w", *argv)
    argv += ["--set", "b:production.server.default_subscription_type=stream"]
    code, _, err = cli(["new", str(tmp_path / "w"), "--defaults", *argv])
    assert code == 0, err


def test_an_answers_file_gives_the_same_workspace_as_the_flags(cli, tmp_path: Path) -> None:
    flags = tmp_path / "flags"
    code, _, err = cli(
        [
            *("new", str(flags), "--name", "shop", "--defaults", "--context", "ordering"),
            *("--context", "catalogue", "--set", "ordering:test.databases.default=mysql"),
            *("--set", "base.debug=false"),
        ]
    )
    assert code == 0, err
    answers = tmp_path / "answers.yml"
    answers.write_text(
        yaml.safe_dump(
            {
                "project_name": "shop",
                "base.debug": False,
                "contexts": {"ordering": {"test": {"databases": {"default": "mysql"}}}},
                "catalogue:base.debug": False,
            }
        )
    )
    from_file = tmp_path / "file"
    code, _, err = cli(
        [
            *("new", str(from_file), "--name", "shop", "--defaults", "--answers", str(answers)),
            *("--context", "ordering", "--context", "catalogue"),
        ]
    )
    assert code == 0, err
    for path in sorted(flags.rglob("*")):
        relative = path.relative_to(flags)
        if path.is_file() and relative.name != ANSWERS_FILE:
            assert (from_file / relative).read_bytes() == path.read_bytes(), relative


def test_the_record_of_choices_makes_the_workspace_again(cli, tmp_path: Path) -> None:
    first = tmp_path / "first"
    argv = ["--name", "shop", "--context", "ordering", "--context", "catalogue"]
    argv += ["--set", "catalogue:production.caches.default=memory"]
    code, _, err = cli(["new", str(first), "--defaults", *argv])
    assert code == 0, err
    again = tmp_path / "again"
    code, _, err = cli(["new", str(again), "--answers", str(first / ANSWERS_FILE)])
    assert code == 0, err
    for path in sorted(first.rglob("*")):
        if path.is_file():
            relative = path.relative_to(first)
            assert (again / relative).read_bytes() == path.read_bytes(), relative


def test_an_answers_context_missing_from_the_flags_is_named(cli, tmp_path: Path) -> None:
    answers = tmp_path / "a.yml"
    answers.write_text("contexts: [ordering, billing]\n")
    err = _refused(cli, tmp_path / "w", "--answers", str(answers), "--context", "ordering")
    assert "'billing'" in err


def test_dry_run_writes_nothing(cli, tmp_path: Path) -> None:
    code, out, _ = cli(["new", str(tmp_path / "w"), "--defaults", "--dry-run", "--context", "a"])
    assert code == 0 and "src/a/domain.toml" in out
    assert not (tmp_path / "w").exists()


def test_a_dry_run_names_every_file_the_real_run_writes(cli, tmp_path: Path) -> None:
    target = tmp_path / "w"
    options = ["--defaults", "--context", "a", "--context", "b"]
    code, out, err = cli(["new", target, "--dry-run", *options])
    assert code == 0, err
    assert cli(["new", target, *options]).code == 0
    named = re.findall(r"^--- new file: (\S+)", out, flags=re.MULTILINE)
    written = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert sorted(named) == written and len(named) == len(set(named))
    assert "--- new file: .protean-init/generated/src/a/domain.toml (the record of" in out


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(_NAMES, min_size=1, max_size=3, unique=True))
def test_any_accepted_names_make_a_package_each(tmp_path_factory, cli, names) -> None:
    """Whatever names pass validation write src/<name>/ with its domain.toml and a suite."""
    from scaffolder.errors import UsageError
    from scaffolder.workspace_spec import validate_context_name

    try:
        for name in names:
            validate_context_name(name)
    except UsageError:
        return
    target = tmp_path_factory.mktemp("ws") / "w"
    argv = ["new", str(target), "--name", "shop", "--defaults", "--deploy", "none"]
    assert cli(argv, [a for n in names for a in ("--context", n)]).code == 0
    for name in names:
        assert (target / "src" / name / "domain.toml").is_file()
        assert (target / "tests" / name / "test_customers.py").is_file()


_CHOICES = [
    ("production.databases.default", "mysql"),
    ("test.databases.default", "sqlite"),
    ("test.caches.default", "memory"),
    ("base.debug", False),
    ("production.server.default_subscription_type", "stream"),
    ("variables.databases.default", "APP_DB_URL"),
]


def _trees(argv: list[str], answers: dict | None, tmp: Path) -> dict:
    """Each context's domain.toml tree as `new` would write it for these flags and answers."""
    from scaffolder.answers import load_answers
    from scaffolder.cli import build_parser
    from scaffolder.commands.new_workspace import workspace_spec
    from scaffolder.domain_toml import config_tree

    loaded = None
    if answers is not None:
        # Through a file: YAML's own types, as a user's answers file gives them.
        path = tmp / "answers.yml"
        path.write_text(yaml.safe_dump(answers))
        argv = [*argv, "--answers", str(path)]
        loaded = load_answers(path)
    args = build_parser().parse_args(["new", str(tmp / "w"), "--name", "shop", *argv])
    workspace = workspace_spec(args, "shop", "none", loaded)
    return {name: config_tree(spec) for name, spec in workspace.contexts.items()}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(
        st.tuples(st.sampled_from(["ordering", "catalogue"]), st.sampled_from(_CHOICES)),
        max_size=4,
        unique_by=lambda pick: (pick[0], pick[1][0]),
    )
)
def test_one_choice_in_any_placement_writes_the_same_configs(tmp_path_factory, picks) -> None:
    """A context's choice as `--set ctx:KEY=VALUE`, as a top-level `ctx:KEY` of the answers
    file, or under its `contexts:` section: the same domain.toml for every context."""
    tmp = tmp_path_factory.mktemp("placements")
    base = ["--defaults", "--context", "ordering", "--context", "catalogue"]
    text = {True: "true", False: "false"}
    sets = [f"{c}:{k}={text.get(v, v) if isinstance(v, bool) else v}" for c, (k, v) in picks]
    flags = _trees([*base, *[a for s in sets for a in ("--set", s)]], None, tmp)
    top = _trees(base, {f"{c}:{k}": v for c, (k, v) in picks}, tmp)
    section: dict = {"contexts": {"ordering": {}, "catalogue": {}}}
    for context, (key, value) in picks:
        section["contexts"][context][key] = value
    assert flags == top == _trees(base, section, tmp)
    # A choice made for one context leaves the other as the defaults make it, but for the
    # local Redis database its cache takes: one the contexts before it leave free.
    untouched = {c for c in ("ordering", "catalogue") if c not in {p[0] for p in picks}}
    plain = _trees(base, None, tmp)
    for context in untouched:
        assert _any_redis_database(flags[context]) == _any_redis_database(plain[context])


def _any_redis_database(tree: dict) -> str:
    import json
    import re

    return re.sub(r"(redis://[^/\"|}]*/)\d+", r"\1N", json.dumps(tree, sort_keys=True))


def _redis_databases(root: Path, context: str) -> dict[str, set[str]]:
    """variable -> the Redis databases its local defaults name, in any environment of context
    `context`'s config (`${ORDERING_CACHE_URL|redis://localhost:6379/2}`)."""
    import re

    text = (root / "src" / context / "domain.toml").read_text()
    found: dict[str, set[str]] = {}
    for variable, number in re.findall(r"\$\{(\w+)\|redis://[^/|}]*/(\d+)\}", text):
        found.setdefault(variable, set()).add(number)
    return found


def test_each_contexts_cache_has_a_redis_database_of_its_own(cli, tmp_path: Path) -> None:
    """Every context reads its own cache variable; its local default is a Redis database no
    other context (nor the shared broker) uses, so no context reads another's cached keys;
    the default broker stays one for all (events cross through it). add-context too."""
    root = tmp_path / "hw"
    redis = ["--set", "base.brokers.default=redis", "--set", "base.caches.default=redis"]
    contexts = ["ordering", "billing", "shipping"]
    made = cli(["new", root, *[f"--context={c}" for c in contexts], "--defaults", *redis])
    assert made.code == 0, made.err
    assert cli("add-context returns --project", root).code == 0
    numbers = {c: _redis_databases(root, c) for c in [*contexts, "returns"]}
    assert all(n["BROKER_URL"] == {"0"} for n in numbers.values()), numbers
    caches = [n[f"{c.upper()}_CACHE_URL"] for c, n in numbers.items()]
    assert all(len(each) == 1 for each in caches), numbers
    assert len(set.union(*caches)) == len(caches) and {"0"} not in caches, numbers
