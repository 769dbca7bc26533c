"""`--context NAME` on every per-context command of a workspace: the named context's config
is the one edited; inside a context's folder, that context; at the root with none named, one
line listing the contexts, exit 2, nothing written; an unknown name, one line naming it and
the known ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workspace.layouts import EIGHT, workspace
from tests.workspace.support import inside, snapshot

# Each per-context command, with what it needs done first (on the same context).
EDITS: list[tuple[list[str], list[list[str]]]] = [
    (["set", "test.debug=false"], []),
    (["add-database", "reports", "--provider", "postgresql"], []),
    (["add-broker", "events", "--provider", "redis"], []),
    (["add-cache", "hot", "--provider", "redis"], []),
    (["remove-database", "reports"], [["add-database", "reports", "--provider", "sqlite"]]),
    (["remove-broker", "events"], [["add-broker", "events", "--provider", "inline"]]),
    (["remove-cache", "hot"], [["add-cache", "hot", "--provider", "memory"]]),
    (
        ["rename-database", "reports", "ledger"],
        [["add-database", "reports", "--provider", "sqlite"]],
    ),
    (["rename-broker", "events", "bus"], [["add-broker", "events", "--provider", "inline"]]),
    (["rename-cache", "hot", "warm"], [["add-cache", "hot", "--provider", "memory"]]),
    (["add-env", "production", "memory"], []),
]
IDS = [" ".join(argv) for argv, _ in EDITS]


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return workspace(tmp_path / "shop")


def _prepare(cli, root: Path, steps: list[list[str]]) -> None:
    for step in steps:
        code, out, err = cli([*step, "--project", str(root), "--context", "payments"])
        assert code == 0, out + err


def _config(root: Path, context: str) -> bytes:
    return (root / "src" / context / "domain.toml").read_bytes()


@pytest.mark.parametrize(("argv", "steps"), EDITS, ids=IDS)
def test_the_named_context_is_edited_and_no_other(
    cli, shop: Path, argv: list[str], steps: list[list[str]]
) -> None:
    _prepare(cli, shop, steps)
    ordering, payments = _config(shop, "ordering"), _config(shop, "payments")
    code, out, err = cli([*argv, "--project", str(shop), "--context", "payments"])
    assert code == 0, out + err
    assert _config(shop, "payments") != payments
    assert _config(shop, "ordering") == ordering
    # A workspace's context records nothing as the whole project's (reopen.project).
    assert not (shop / ".copier-answers.protean-init.yml").exists()


@pytest.mark.parametrize(("argv", "steps"), EDITS, ids=IDS)
def test_inside_a_context_folder_that_context_is_edited(
    cli, shop: Path, argv: list[str], steps: list[list[str]]
) -> None:
    _prepare(cli, shop, steps)
    ordering, payments = _config(shop, "ordering"), _config(shop, "payments")
    (shop / "src" / "payments" / "api").mkdir()
    with inside(shop / "src" / "payments" / "api"):
        code, out, err = cli(argv)
    assert code == 0, out + err
    assert _config(shop, "payments") != payments
    assert _config(shop, "ordering") == ordering


@pytest.mark.parametrize("dry_run", [False, True], ids=["write", "dry-run"])
@pytest.mark.parametrize(("argv", "steps"), EDITS, ids=IDS)
def test_at_the_root_with_no_context_named_nothing_is_written(
    cli,
    shop: Path,
    argv: list[str],
    steps: list[list[str]],
    dry_run: bool,
) -> None:
    _prepare(cli, shop, steps)
    before = snapshot(shop)
    extra = ["--dry-run"] if dry_run else []
    with inside(shop):
        code, out, err = cli([*argv, *extra])
    assert code == 2, out + err
    assert out == ""
    assert err.count("\n") == 1, err
    assert "2 contexts (ordering, payments)" in err and "--context NAME" in err
    assert snapshot(shop) == before


@pytest.mark.parametrize(("argv", "steps"), EDITS, ids=IDS)
def test_an_unknown_context_is_named_with_the_known_ones(
    cli, shop: Path, argv: list[str], steps: list[list[str]]
) -> None:
    _prepare(cli, shop, steps)
    before = snapshot(shop)
    code, out, err = cli([*argv, "--project", str(shop), "--context", "shipping\nx"])
    assert code == 2, out + err
    assert err.count("\n") == 1, err
    assert "unknown context 'shipping\\nx'" in err and "ordering, payments" in err
    assert snapshot(shop) == before


@pytest.mark.parametrize("command", ["derive", "ci", "deploy"])
def test_the_whole_project_commands_refuse_at_a_workspace_root(
    cli, shop: Path, command: str
) -> None:
    """derive, ci and deploy read one context's config: at the root of several they no
    longer pick the first one without a word. (upgrade at the root of a hand-made workspace
    says there is nothing to upgrade from: tests/workspace/test_upgrade.py.)"""
    before = snapshot(shop)
    argv = [command, "docker"] if command == "deploy" else [command]
    code, _out, err = cli([*argv, "--project", str(shop)])
    assert code == 2
    assert "--context NAME" in err and err.count("\n") == 1
    assert snapshot(shop) == before


def test_the_edit_summary_at_the_root_shows_every_context(cli, shop: Path) -> None:
    code, out, err = cli(["edit", "--ui", "none", "--project", str(shop)])
    assert code == 0, err
    assert out.index("== context ordering ==") < out.index("src/ordering/domain.toml")
    assert out.index("== context payments ==") < out.index("src/payments/domain.toml")
    code, out, err = cli(["edit", "--ui", "none", "--project", str(shop), "--context", "ordering"])
    assert code == 0, err
    assert "src/ordering/domain.toml" in out and "payments" not in out
    with inside(shop / "src" / "payments"):
        code, out, err = cli(["edit", "--ui", "none"])
    assert code == 0, err
    assert "src/payments/domain.toml" in out and "ordering" not in out


def test_the_edit_menu_at_the_root_lists_the_contexts_first(
    cli, shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The menu at the root opens on the workspace's contexts (it refused, naming them): it
    is handed every context, and no context to act on for all (a workspace made by hand has
    no record, so `ci` and `derive` at its root are refused as on the command line)."""
    import scaffolder.commands.new as new
    import scaffolder.ui.edit_menu.run as menu_run

    opened = []
    monkeypatch.setattr(new, "choose_ui", lambda ui: "tui")
    monkeypatch.setattr(
        menu_run, "run_edit_menu", lambda project, ui, workspace=None: opened.append(workspace) or 0
    )
    before = snapshot(shop)
    code, _out, err = cli(["edit", "--project", str(shop)])
    assert code == 0, err
    (workspace,) = opened
    assert workspace.names == ("ordering", "payments")
    assert workspace.root.resolve() == shop.resolve()
    assert workspace.whole is None
    assert snapshot(shop) == before


def test_eight_contexts_each_edited_on_its_own(cli, tmp_path: Path) -> None:
    """The issue's case: add-database in an eight-context repository changed the first
    context's config only. Now each named context gets its own database, and no other."""
    root = workspace(tmp_path / "shop", EIGHT)
    for name in EIGHT:
        others = {n: _config(root, n) for n in EIGHT if n != name}
        argv = ["add-database", "archive", "--provider", "sqlite", "--context", name]
        code, out, err = cli([*argv, "--project", str(root)])
        assert code == 0, out + err
        assert b"[databases.archive]" in _config(root, name)
        assert {n: _config(root, n) for n in others} == others
