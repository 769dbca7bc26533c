"""A Protean config that is a link out of the project is not read.

A repository can hold `domain.toml -> ~/.ssh/config` (or a link to any file of the user's);
check, a dry run and every edit would parse that file and quote its lines in an error or a
finding. Writes already refuse such a link (scaffolder.transaction.paths); reading refuses it
too, unless the user set PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS=1, as for writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SECRET_LINE = "the-users-private-line = ["
CONFIG = """\
[databases.default]
provider = "memory"
"""

COMMANDS = [
    ["check"],
    ["check", "--format", "json"],
    ["add-database", "reports", "--provider", "sqlite"],
    ["add-database", "reports", "--provider", "sqlite", "--dry-run"],
    ["set", "production.debug=false"],
    ["derive"],
]


def planted(tmp_path: Path, where: str) -> tuple[Path, Path]:
    """A project whose config at `where` links to a file outside it; the file's bytes."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "private"
    target.write_text(f"# the user's own file\n{SECRET_LINE}\n")
    root = tmp_path / "shop"
    link = root / where
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    return root, target


@pytest.mark.parametrize("where", ["domain.toml", ".domain.toml", "src/shop/domain.toml"])
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_config_linked_out_of_the_project_is_not_read(
    cli, tmp_path: Path, where: str, argv: list[str]
) -> None:
    root, target = planted(tmp_path, where)
    before = target.read_bytes()
    code, out, err = cli(argv, "--project", root)
    output = out + err
    assert code == 2, output
    assert "the-users-private-line" not in output, output
    assert err.count("\n") == 1 and "outside the project" in err, output
    assert target.read_bytes() == before
    written = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    assert written == [], written


def test_a_config_linked_inside_the_project_is_read(cli, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "config").mkdir(parents=True)
    (root / "config" / "domain.toml").write_text(CONFIG)
    (root / "domain.toml").symlink_to(Path("config") / "domain.toml")
    code, out, err = cli(["check"], "--project", root)
    output = out + err
    assert code in (0, 1), output
    assert "outside the project" not in output


def test_the_user_may_follow_a_config_link_out(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, target = planted(tmp_path, "domain.toml")
    target.write_text(CONFIG)
    monkeypatch.setenv("PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS", "1")
    code, out, err = cli(["check"], "--project", root)
    output = out + err
    assert code in (0, 1), output
    assert "outside the project" not in output


def two_contexts(root: Path) -> None:
    (root / "pyproject.toml").parent.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0.1.0"\n')
    (root / "src" / "payments").mkdir(parents=True)
    (root / "src" / "payments" / "domain.toml").write_text(CONFIG)


@pytest.mark.parametrize("argv", COMMANDS[:3], ids=" ".join)
def test_a_context_folder_linked_out_is_named_with_its_target_and_why(
    cli, tmp_path: Path, argv: list[str]
) -> None:
    root = tmp_path / "shop"
    two_contexts(root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "domain.toml").write_text(f"{SECRET_LINE}\n")
    (root / "src" / "ordering").symlink_to(elsewhere)
    code, out, err = cli(argv, "--project", root)
    assert code == 2 and SECRET_LINE not in out + err
    # The folder that is the link, not the file inside it; where it points; why.
    assert err == (
        f"protean-init: error: src/ordering is a symlink to {elsewhere}, outside the project: "
        "protean-init reads no config through it "
        "(set PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS=1 to read it)\n"
    )


def test_a_config_linked_into_git_is_refused_whatever_the_variable(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "shop"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text(f"{SECRET_LINE}\n")
    (root / "domain.toml").symlink_to(Path(".git") / "config")
    monkeypatch.setenv("PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS", "1")
    code, out, err = cli(["check"], "--project", root)
    assert code == 2 and SECRET_LINE not in out + err
    assert err == (
        "protean-init: error: domain.toml is a symlink to .git/config, inside .git/: "
        "protean-init reads no config through it\n"
    )
