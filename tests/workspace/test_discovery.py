"""Discovering a workspace's bounded contexts (scaffolder.workspace): every layout, a single
project as before, and a folder that is untrusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import UsageError
from scaffolder.project_files import find_config
from scaffolder.workspace import discover, discover_project
from tests.workspace.layouts import EIGHT, TWO, workspace

ONE_CONFIG = '[databases.default]\nprovider = "memory"\n'


@pytest.mark.parametrize("layout", ["src", "root"])
@pytest.mark.parametrize("contexts", [TWO, EIGHT], ids=["two", "eight"])
def test_every_context_is_found(tmp_path: Path, layout: str, contexts: tuple[str, ...]) -> None:
    root = workspace(tmp_path / "shop", contexts, layout=layout)
    found = discover(root)
    assert found.several
    assert sorted(found.names) == sorted(contexts)
    base = root / "src" if layout == "src" else root
    for context in found.contexts:
        assert context.folder == base / context.name
        assert context.config.path == base / context.name / "domain.toml"
        assert context.config.root_key == ()
        assert context.domain_module == base / context.name / "domain.py"


def test_dot_domain_toml_is_a_context_config(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    (root / "src/payments/domain.toml").rename(root / "src/payments/.domain.toml")
    found = discover(root)
    assert found.context("payments").config.path.name == ".domain.toml"


@pytest.mark.parametrize(
    "where", ["domain.toml", ".domain.toml", "src/shop/domain.toml", "pyproject.toml"]
)
def test_a_single_project_is_a_workspace_of_its_one_config(tmp_path: Path, where: str) -> None:
    root = tmp_path / "shop"
    path = root / where
    path.parent.mkdir(parents=True)
    text = ONE_CONFIG if where != "pyproject.toml" else "[tool.protean]\ndebug = true\n"
    path.write_text(text)
    # A tests/ folder with a config of its own is not a context.
    (root / "tests").mkdir()
    (root / "tests" / "domain.toml").write_text(ONE_CONFIG)
    found = discover(root)
    assert not found.several
    (context,) = found.contexts
    assert context.config == find_config(root)


def test_no_config_is_the_error_of_today(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no Protean config"):
        discover(tmp_path)


def test_a_folder_with_its_own_pyproject_is_another_project(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop", ("a", "b", "c"))
    (root / "src/c/pyproject.toml").write_text("[project]\nname = 'c'\n")
    assert sorted(discover(root).names) == ["a", "b"]


def test_a_context_folder_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    outside = tmp_path / "elsewhere" / "evil"
    outside.mkdir(parents=True)
    (outside / "domain.toml").write_text("secret-line = [\n")
    (root / "src" / "evil").symlink_to(outside)
    with pytest.raises(UsageError, match="outside the project"):
        discover(root)


def test_a_context_config_linked_out_is_refused(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    target = tmp_path / "private"
    target.write_text("secret-line = [\n")
    config = root / "src" / "payments" / "domain.toml"
    config.unlink()
    config.symlink_to(target)
    with pytest.raises(UsageError, match="outside the project"):
        discover(root)


def test_a_link_inside_the_project_counts_once(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop", ("a", "b"))
    (root / "src" / "alias").symlink_to(root / "src" / "a")
    assert sorted(discover(root).names) == ["a", "b"]


def test_two_contexts_of_one_name_are_refused(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop", ("a", "b"))
    (root / "a").mkdir()
    (root / "a" / "__init__.py").write_text("")
    (root / "a" / "domain.toml").write_text(ONE_CONFIG)
    with pytest.raises(UsageError, match="two contexts are named 'a'"):
        discover(root)


def test_unknown_context_names_it_and_the_known_ones(tmp_path: Path) -> None:
    found = discover(workspace(tmp_path / "shop"))
    with pytest.raises(UsageError) as raised:
        found.context("orderin")
    message = str(raised.value)
    assert "'orderin'" in message and "ordering, payments" in message
    assert "\n" not in message


def test_select_by_name_inside_a_folder_or_refuse_at_the_root(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    found = discover(root)
    assert found.select("payments").name == "payments"
    assert found.select(None, root / "src" / "ordering").name == "ordering"
    (root / "src" / "ordering" / "deep").mkdir()
    assert found.select(None, root / "src" / "ordering" / "deep").name == "ordering"
    with pytest.raises(UsageError, match=r"2 contexts \(ordering, payments\).*--context"):
        found.select(None, root)


@pytest.mark.parametrize("layout", ["src", "root"])
def test_a_command_inside_a_context_finds_the_workspace_root(tmp_path: Path, layout: str) -> None:
    root = workspace(tmp_path / "shop", layout=layout)
    base = root / "src" if layout == "src" else root
    (base / "payments" / "api").mkdir()
    for start in (base / "payments", base / "payments" / "api", base / "ordering"):
        assert discover_project(start) == root
    assert discover_project(root) == root


def test_a_protean_new_project_is_found_from_its_package_as_before(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "src" / "shop").mkdir(parents=True)
    (root / "src" / "shop" / "domain.toml").write_text(ONE_CONFIG)
    assert discover_project(root / "src" / "shop") == root


def test_a_folder_of_several_projects_is_no_workspace(tmp_path: Path) -> None:
    """~/code/a and ~/code/b each a project of its own: ~/code has no pyproject.toml, compose
    or CI, so a command run in ~/code/a stays in it (the check corpus is such a folder)."""
    code = tmp_path / "code"
    for name in ("a", "b"):
        (code / name).mkdir(parents=True)
        (code / name / "__init__.py").write_text("")
        (code / name / "domain.toml").write_text(ONE_CONFIG)
    assert discover_project(code / "a") == code / "a"
    with pytest.raises(UsageError, match="no Protean config"):
        discover(code)
    (code / "pyproject.toml").write_text("[project]\nname = 'code'\n")
    assert discover(code).several


def test_a_root_folder_that_is_no_package_is_no_context(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop", ("a", "b"), layout="root")
    (root / "config").mkdir()
    (root / "config" / "domain.toml").write_text(ONE_CONFIG)
    assert sorted(discover(root).names) == ["a", "b"]


def test_a_link_sorted_before_its_folder_is_not_the_context(tmp_path: Path) -> None:
    """The context is its real folder: an edit never writes through a linked folder."""
    root = workspace(tmp_path / "shop", ("payments", "zeta"))
    (root / "src" / "alpha").symlink_to(root / "src" / "payments")
    found = discover(root)
    assert found.names == ("payments", "zeta")
    assert not found.context("payments").folder.is_symlink()


@pytest.mark.parametrize("name", ["evil\nname", "my-context", ".hidden", "with space"])
def test_a_folder_no_package_can_be_named_is_no_context(tmp_path: Path, name: str) -> None:
    root = workspace(tmp_path / "shop")
    (root / "src" / name).mkdir()
    (root / "src" / name / "domain.toml").write_text(ONE_CONFIG)
    found = discover(root)
    assert found.names == ("ordering", "payments")
    with pytest.raises(UsageError) as raised:
        found.select(None, root)
    assert "\n" not in str(raised.value)
