"""Edits stay linear in the size of domain.toml, proved without a clock (timing lives in
bench/): each command parses the file a fixed number of times whatever its number of tables,
and the answers record's snapshot, which grows with the file, is written by
scaffolder.snapshot_yaml, byte for byte what ruamel's emitter writes, never by ruamel's
emitter itself on a config of plain tables.
"""

from __future__ import annotations

import gc
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.fixtures import make_adoptable_project
from scaffolder import config_tree, snapshot_yaml
from scaffolder.project_files import ANSWERS_FILE, ProjectIdentity
from scaffolder.redact import redact_tree
from scaffolder.reopen import derive, edits
from scaffolder.reopen import project as reopen_project
from tests.support.cli import Result, imported_by

COMMANDS = {
    "add-env": ["add-env", "production"],
    "add-database": ["add-database", "warehouse", "--provider", "postgresql"],
    "set": ["set", "base.debug=false"],
    "ci": ["ci", "--ci", "gitlab"],
    "derive": ["derive"],
}


def _project(cli: Callable[..., Result], root: Path, tables: int) -> Path:
    """The project the bench's add-env runs adopt (made elsewhere, `tables` database tables),
    then given [memory] by add-env, so every command below edits a project with an answers
    record and derived files."""
    project = make_adoptable_project(root.parent, root.name, tables)
    assert cli("add-env memory --project", project).code == 0
    return project


def _counted(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> tuple[int, int]:
    """(parses of domain.toml, ruamel serialisations of a node) while `argv` runs."""
    counts: Counter[str] = Counter()
    loads = tomllib.loads

    def counting_loads(text: str, **kwargs: Any) -> dict[str, Any]:
        if "[databases.tenant0001]" in text:
            counts["domain.toml"] += 1
        return loads(text, **kwargs)

    from ruamel.yaml.serializer import Serializer

    serialize_node = Serializer.serialize_node

    def counting_node(self: Any, *args: Any, **kwargs: Any) -> Any:
        counts["ruamel nodes"] += 1
        return serialize_node(self, *args, **kwargs)

    monkeypatch.setattr(tomllib, "loads", counting_loads)
    monkeypatch.setattr(Serializer, "serialize_node", counting_node)
    try:
        assert cli(argv).code == 0
    finally:
        monkeypatch.undo()
    return counts["domain.toml"], counts["ruamel nodes"]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_parses_and_emitted_nodes_do_not_grow_with_the_tables(
    cli, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}
    for tables in (10, 120):
        root = _project(cli, tmp_path / str(tables), tables)
        seen[tables] = _counted(cli, monkeypatch, [*COMMANDS[command], "--project", str(root)])
    (parses_small, nodes_small), (parses_large, nodes_large) = seen[10], seen[120]
    assert parses_small == parses_large, seen
    # The input once, the edit's verification of its output once (ci and derive edit nothing;
    # add-env's overlay is appended, and verified by parsing only what it appends:
    # scaffolder.toml.verify._appended_tree): every reader after them takes the tree the text
    # carries (scaffolder.toml.tree.TomlText).
    assert parses_large == (1 if command in ("ci", "derive", "add-env") else 2), seen
    # ruamel writes the record's small head only; the snapshot's 12x more tables add nothing.
    assert nodes_small == nodes_large, seen


def test_snapshot_written_fast_is_what_ruamel_writes_on_a_real_record(cli, tmp_path: Path) -> None:
    root = _project(cli, tmp_path / "p", 60)
    tree = tomllib.loads((root / "domain.toml").read_text(encoding="utf-8"))
    answers = (root / ANSWERS_FILE).read_text(encoding="utf-8")
    identity = ProjectIdentity("shop", "shop", "github", True)
    assert snapshot_yaml.snapshot_block(tree) is not None
    fast = derive.record_snapshot(answers, tree, identity, ["docker-compose.yml"])
    assert fast == _with_ruamel(answers, tree, identity, ["docker-compose.yml"])
    assert yaml.safe_load(fast)["generated_from"] == redact_tree(tree)


def _with_ruamel(answers: str | None, tree: Any, identity: ProjectIdentity, managed: list) -> bytes:
    """The record as ruamel writes it: neither fast writer (the snapshot's block, a new
    record's whole text) taking it."""
    original, original_document = derive.snapshot_block, derive.document_lines
    derive.snapshot_block = lambda _tree: None
    derive.document_lines = lambda _tree: None
    try:
        return derive.record_snapshot(answers, tree, identity, managed)
    finally:
        derive.snapshot_block, derive.document_lines = original, original_document


# Keys and strings as configs hold them, and hostile ones: YAML 1.1 words, times, numbers
# as text, indicators, quotes, non-ASCII, control characters.
_TRICKY = st.sampled_from(
    ["yes", "No", "on", "null", "~", "07:30:00", "1:30", "0x1F", "1e5", "0o17", "-", "- a", "a: b",
     "a #b", "#x", "'q'", '"q"', "&a", "*a", "!t", "%x", "@x", "`x", "[a]", "{a}", "a,b", "",
     " lead", "trail ", "héllo", "\x07", "\t", "a\\b", "${DATABASE_URL|postgresql://u:p@h/db}",
     "postgresql://postgres:***@localhost:5432/x", "?", ":", "a:", "=", "<redacted>"]
)  # fmt: skip
# Random text without YAML line breaks (NEL, LS, PS): ruamel's emitter, the fallback, writes
# '\x85' in a single-quoted scalar that reads back as a space (it did so before this writer).
# Lone surrogates neither: TOML cannot hold one.
_PRINTABLE = st.characters(blacklist_characters="\x85\u2028\u2029", blacklist_categories=("Cs",))
_TEXT = st.one_of(
    _TRICKY,
    st.text(_PRINTABLE, max_size=12),
    st.from_regex(r"[a-z][a-z0-9_.:/-]{0,20}", fullmatch=True),
)
_SCALAR = st.one_of(_TEXT, st.integers(-(10**20), 10**20), st.booleans())
_VALUE = st.recursive(
    st.one_of(_SCALAR, st.lists(_SCALAR, max_size=3)),
    lambda inner: st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_TEXT, _VALUE, max_size=5))
def test_fast_snapshot_reads_back_and_matches_ruamel(tree: dict[str, Any]) -> None:
    """Whatever the tree, the record reads back (as PyYAML reads it) to the same snapshot;
    where the fast writer takes it, the bytes are ruamel's, else ruamel wrote it."""
    identity = ProjectIdentity("shop", "shop", "github", True)
    written = derive.record_snapshot(None, tree, identity, [])
    assert yaml.safe_load(written)["generated_from"] == redact_tree(tree)
    if snapshot_yaml.snapshot_block(redact_tree(tree)) is not None:
        assert written == _with_ruamel(None, tree, identity, [])


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t,
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t.replace("\ngenerated_from:", "\n\ngenerated_from:"),
        lambda t: t.replace("\ngenerated_from:", "\n# a comment of the user's\ngenerated_from:"),
        lambda t: t.replace("\nspec:\n", "\nspec:\n    # why\n", 1),
        lambda t: t.replace("\nspec:", "\nold_spec:", 1) + "spec:\n    a: 1\n\n",
        lambda t: t.split("\nspec:")[0] + "\nspec: {a: 1}\nlater: 2\n",
    ],
    ids=["as-written", "crlf", "blank-line", "comment-after", "comment-in", "spec-last", "flow"],
)
def test_the_record_is_the_same_whether_the_replaced_blocks_are_loaded_or_cut(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: Any
) -> None:
    """record_snapshot cuts the old `generated_from` and `spec` blocks before loading the
    answers file (it writes both anew): what it writes is what loading the whole file gives,
    whatever the file's line endings, blank lines, comments and layout around them."""
    root = _project(cli, tmp_path / "p", 20)
    tree = tomllib.loads((root / "domain.toml").read_text(encoding="utf-8"))
    written = (root / ANSWERS_FILE).read_text(encoding="utf-8")
    assert "\nspec:\n" in written and "\ngenerated_from:\n" in written
    answers = variant(written)
    identity = ProjectIdentity("shop", "shop", "github", True)
    cut = derive.record_snapshot(answers, tree, identity, ["docker-compose.yml"])
    monkeypatch.setattr(derive, "_REPLACED_WHOLE", ())
    assert cut == derive.record_snapshot(answers, tree, identity, ["docker-compose.yml"])


def test_an_edit_of_a_project_with_a_record_renders_the_derived_files_once(
    cli, generated_projects, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project protean-init made keeps the record of every derived file: the record is the
    merge base, so add-database renders the edited config once and never the recorded
    snapshot (it rendered it twice more, masked and then with its passwords put back)."""
    from scaffolder import render

    root = generated_projects.copy(tmp_path / "shop")
    rendered: list[Any] = []
    render_derived = render.render_derived

    def counting(tree: Any, *args: Any, **kwargs: Any) -> dict[str, bytes]:
        rendered.append(tree)
        return render_derived(tree, *args, **kwargs)

    monkeypatch.setattr(render, "render_derived", counting)
    monkeypatch.setattr(derive, "render_derived", counting)
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    assert len(rendered) == 1
    assert "reports" in rendered[0]["databases"]


def test_an_edit_that_writes_no_connection_string_does_not_read_the_compose_file(
    cli, generated_projects, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Local defaults are aimed at the compose file's ports only where this edit wrote one:
    `set base.debug=false` reads and parses no compose file for it; add-database does."""
    from scaffolder.reopen import local_ports

    root = generated_projects.copy(tmp_path / "shop", "--set", "base.databases.default=postgresql")
    read: list[Path] = []
    compose_ports = local_ports.compose_ports

    def counting(where: Path, plan: Any) -> dict[str, int]:
        read.append(where)
        return compose_ports(where, plan)

    monkeypatch.setattr(local_ports, "compose_ports", counting)
    assert cli("set base.debug=false --project", root).code == 0
    assert read == []
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    assert read == [root]


# Names as protean-init accepts them (ruamel's own path cannot write a name YAML cannot hold
# on a line: it is interpolated into the record's head), and ones YAML reads as other than
# text: the fast writer declines those.
_NAMES = st.sampled_from(["shop", "my-shop", "null", "yes", "No", "e1", "1e5", "123", "0x1F"]) | (
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
)
_IDENTITIES = st.builds(
    ProjectIdentity,
    project_name=_NAMES,
    package_name=_NAMES,
    ci=st.sampled_from(["github", "gitlab", "none", "yes", "null", "on"]),
    compose=st.booleans(),
    deploy=st.sampled_from(["none", "kubernetes", "compose"]),
    workers=st.integers(1, 8),
    replicas=st.integers(1, 8),
)


@settings(max_examples=150, deadline=None)
@given(tree=st.dictionaries(_TEXT, _VALUE, max_size=4), identity=_IDENTITIES)
def test_a_new_record_written_without_ruamel_is_what_ruamel_writes(
    tree: dict[str, Any], identity: ProjectIdentity
) -> None:
    """A project adopted (no answers file yet) gets its record from
    scaffolder.snapshot_yaml.document_lines, not ruamel: the same bytes whatever the names,
    choices and tree, and where that writer declines, ruamel's."""
    managed = ["docker-compose.yml", ".github/workflows/ci.yml"]
    assert derive.record_snapshot(None, tree, identity, managed) == _with_ruamel(
        None, tree, identity, managed
    )


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"\.[A-Za-z][^\n]{0,12}", fullmatch=True)
    | st.sampled_from([".inf", ".Inf", ".NaN", ".nan", ".5", ".e5", ".env.example"])
)
def test_a_dotted_name_is_text_as_ruamels_resolver_says(value: str) -> None:
    """snapshot_yaml tells a '.'-led name is text without ruamel's resolver (a new record's
    `.github/workflows/ci.yml` then imports no ruamel): the resolver agrees."""
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    tag = VersionedResolver().resolve(ScalarNode, value, (True, False))
    assert snapshot_yaml._yaml12_not_text(value) == (str(tag) != "tag:yaml.org,2002:str")


def test_add_env_resolves_each_environment_of_the_edited_config_once(cli, tmp_path: Path) -> None:
    """The plan, the record's spec and the local-ports check read one walk of the edited
    config (scaffolder.reopen.config_state.ConfigState.environments): base and the new
    overlay are each resolved once, where each of them resolved and walked its own (4 and 3
    times). Counted by the function's code, whatever name a module calls it by."""
    root = make_adoptable_project(tmp_path, "p", 40)
    resolved: Counter[str] = Counter()

    def count(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code is config_tree.resolve.__code__:
            resolved[frame.f_locals["env"]] += 1

    sys.setprofile(count)
    try:
        assert cli("add-env memory --project", root).code == 0
    finally:
        sys.setprofile(None)
    assert resolved["base"] == 1, resolved
    assert resolved["memory"] == 1, resolved


def test_the_records_spec_runs_no_import_per_slot_table(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """answers.record_spec's imports run once per call, not once per slot table: at 2,000
    tables its per-table `from ... import` lines ran 8,000 times (~4.6 ms of CPU; the
    record's spec 15 -> 9.5 ms in-process). Counted with an import hook on a 40-table
    project (80 slot tables in base and [memory])."""
    import builtins

    from scaffolder.answers import record_spec

    root = make_adoptable_project(tmp_path, "p", 40)
    assert cli("add-env memory --project", root).code == 0
    tree = tomllib.loads((root / "domain.toml").read_text())
    imports: Counter[str] = Counter()
    real_import = builtins.__import__

    def counted(name: str, *args: Any, **kwargs: Any) -> Any:
        imports[name] += 1
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", counted)
    spec = record_spec(tree, "p")
    monkeypatch.setattr(builtins, "__import__", real_import)
    assert len(spec["environments"]["memory"]) > 40, spec
    assert imports and max(imports.values()) <= 4, imports


def test_add_env_renders_without_importing_pyyaml(tmp_path: Path) -> None:
    """The derived files render with the options copier.yml sets, read as lines
    (scaffolder.copier_options): PyYAML's import (~9 ms of CPU) is not paid by an edit of a
    project with no YAML of its own to read. In a process of its own, so that no other test's
    import counts."""
    root = make_adoptable_project(tmp_path, "p", 5)
    (result,), modules = imported_by(["add-env", "memory", "--project", root], cwd=tmp_path)
    assert result.code == 0, result.printed
    assert sorted(m for m in modules if m == "yaml" or m.startswith("yaml.")) == []
    assert (root / "docker-compose.yml").is_file()


# Modules add-env on a project of one context, with no mistyped name and nothing to merge,
# does not use, imported only where used: (module, its measured import cost).
_NOT_ON_ADD_ENV = (
    ("difflib", "0.8 ms: a mistyped name's suggestion, a --dry-run's diff (errors, writer)"),
    ("merge3", "1.3 ms: a three-way merge (scaffolder.reopen.derive.merge_file)"),
    ("scaffolder.reopen.workspace_edit", "1.0 ms: a config not at the project's root"),
    ("scaffolder.reopen.context_databases", "2.1 ms: a workspace context's databases"),
    ("scaffolder.reopen.merge_ci", "with merge_compose ~4 ms: a derived file on disk merged"),
    ("scaffolder.reopen.merge_compose", "with yaml_insert ~3.5 ms: and the compose ports read"),
    ("scaffolder.reopen.yaml_insert", "a compose file or workflow on disk, read or merged"),
    ("scaffolder.spec.builder", "~4.5 ms with spec.project and spec.edits: a spec built"),
    ("scaffolder.spec.project", "~2 ms with spec.environment_spec: a new project's spec"),
    ("scaffolder.spec.edits", "~2 ms: a `KEY=VALUE` parsed (set, the edit menu, answers)"),
    ("scaffolder.vocabulary", "<1 ms beyond spec.edits: the vocabulary's parser"),
)


def test_add_env_on_a_project_of_one_context_imports_only_what_it_uses(tmp_path: Path) -> None:
    """In a process of its own, so that no other test's import counts: each module of
    _NOT_ON_ADD_ENV stays out of add-env's run (each was imported at the top before)."""
    root = make_adoptable_project(tmp_path, "p", 5)
    names = [name for name, _cost in _NOT_ON_ADD_ENV]
    (result,), modules = imported_by(["add-env", "memory", "--project", root], cwd=tmp_path)
    assert result.code == 0, result.printed
    assert sorted(m for m in names if m in modules) == []
    assert "[memory]" in (root / "domain.toml").read_text()


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\.[A-Za-z0-9_./@*+=:'\" -]{0,16}", fullmatch=True))
def test_a_dot_led_name_written_plain_is_what_the_emitter_writes(name: str) -> None:
    """A '.'-led name the record writer lets through plain without PyYAML is the one PyYAML's
    emitter writes plain too; the others go to the emitter as before."""
    if snapshot_yaml._dot_name(name):
        assert snapshot_yaml._emitted(name) == name


def test_add_env_runs_without_cycle_collections_and_leaves_the_collector_as_it_was(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cyclic collector is paused for the edit (its scans of the trees cost ~15 ms at
    2,000 tables and found next to nothing), from computing the overlay to writing the files,
    and on again after it, a refused edit too."""
    root = make_adoptable_project(tmp_path, "p", 40)
    during: list[str] = []  # "edit" while it runs
    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and during:
            collections.append(info["generation"])

    def marked(function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            during.append("edit")
            try:
                return function(*args, **kwargs)
            finally:
                during.pop()

        return run

    monkeypatch.setattr(edits, "add_environments", marked(edits.add_environments))
    monkeypatch.setattr(reopen_project, "commit", marked(reopen_project.commit))
    gc.callbacks.append(counted)
    try:
        assert cli("add-env memory --project", root).code == 0
        assert gc.isenabled()
        assert collections == []
        code, _, err = cli("add-env staging --project", root)
        assert code == 2
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(counted)
    assert "unknown environment 'staging'" in err
