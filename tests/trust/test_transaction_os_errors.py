"""The disk says no: a read-only parent, a name too long, `ulimit -f`, a full disk, a read-only
domain.toml, a config linked out of the project. Each is one line naming the path and why,
exit 2, and nothing changed. And `--dry-run` in a terminal opens no front end and writes
nothing."""

from __future__ import annotations

import errno
import os
import pty
import resource
import select
import shutil
import subprocess
from pathlib import Path

import pytest

from .planted import sealed_journal
from .transaction_support import cli_command, cli_env, leftovers, make_project, run_cli, state

ADD = ["add-database", "reports", "--provider", "sqlite", "--project"]


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stderr.startswith("protean-init: error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def without_root_powers() -> list[str]:
    """As root, permissions are not checked: run the command without the capabilities that
    bypass them (setpriv, from util-linux), as a user's own process would be."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
    caps = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]


def test_new_under_a_read_only_parent(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = subprocess.run(
            [*without_root_powers(), *cli_command(["new", str(parent / "shop"), "--defaults"])],
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        parent.chmod(0o755)
    one_line_error(result, f"{parent}: permission denied", "nothing written")
    assert ".protean-init-staging" not in result.stderr
    assert list(parent.iterdir()) == []


def test_a_250_character_folder_name_is_written(tmp_path: Path) -> None:
    """Valid for the file system (255 is the limit), so it must work: our staging folder's
    name does not grow with the target's."""
    target = tmp_path / ("s" * 250)
    result = run_cli(["new", str(target), "--defaults", "--name", "shop"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (target / "domain.toml").is_file()
    assert not leftovers(tmp_path)


def test_a_folder_name_too_long(tmp_path: Path) -> None:
    target = tmp_path / ("s" * 300)
    result = run_cli(["new", str(target), "--defaults", "--name", "shop"], tmp_path)
    one_line_error(result, "name too long", "nothing written")
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_below_folders_new_would_make(tmp_path: Path) -> None:
    """The folders above the target are made with it, in one rename: refused, none is left,
    and the error names the path as given, not a staging folder."""
    target = tmp_path / "made" / "above" / ("s" * 300)
    result = run_cli(["new", str(target), "--defaults", "--name", "shop"], tmp_path)
    one_line_error(result, "name too long", "nothing written", str(tmp_path / "made" / "above"))
    assert ".protean-init-staging" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def _small_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


@pytest.mark.parametrize("command", ["new", "add-database"])
def test_ulimit_f(tmp_path: Path, generated_projects, command: str) -> None:
    """Files over 1,000 bytes refused by the kernel (EFBIG): one line, nothing changed."""
    if command == "new":
        argv = ["new", str(tmp_path / "work" / "shop"), "--defaults"]
        (tmp_path / "work").mkdir()
        watched = tmp_path / "work"
    else:
        watched = make_project("generated", tmp_path / "shop", generated_projects)
        argv = [*ADD, str(watched)]
    before = state(watched)
    result = subprocess.run(
        cli_command(argv),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_small_file_limit,
    )
    one_line_error(result, "file too large", "nothing written")
    assert state(watched) == before


def test_disk_full(cli, tmp_path: Path, generated_projects, monkeypatch) -> None:
    root = make_project("generated", tmp_path / "shop", generated_projects)
    before = state(root)
    real_write = os.write

    def full(fd: int, data) -> int:
        if len(data) > 100:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    code, _, err = cli([*ADD, root])
    assert code == 2 and err.count("\n") == 1, err
    assert "disk full" in err and "nothing written" in err
    assert state(root) == before


def test_a_read_only_domain_toml_is_refused_not_replaced(
    tmp_path: Path, generated_projects
) -> None:
    root = make_project("generated", tmp_path / "shop", generated_projects)
    (root / "domain.toml").chmod(0o444)
    before = state(root)
    result = run_cli([*ADD, str(root)], tmp_path)
    one_line_error(result, "domain.toml is read-only", "0444", "nothing was written")
    assert state(root) == before


def test_a_config_linked_out_of_the_project_is_refused(tmp_path: Path, generated_projects) -> None:
    root = make_project("generated", tmp_path / "shop", generated_projects)
    shared = tmp_path / "elsewhere" / "domain.toml"
    shared.parent.mkdir()
    shutil.move(root / "domain.toml", shared)
    (root / "domain.toml").symlink_to(shared)
    before, shared_before = state(root), shared.read_bytes()
    result = run_cli([*ADD, str(root)], tmp_path)
    one_line_error(result, "symlink", str(shared), "outside the project")
    assert state(root) == before and shared.read_bytes() == shared_before
    # Asked for explicitly, it is written through, and the link stays a link.
    allowed = run_cli([*ADD, str(root)], tmp_path, PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS="1")
    assert allowed.returncode == 0, allowed.stderr
    assert (root / "domain.toml").is_symlink()
    assert "[databases.reports]" in shared.read_text()


def test_a_link_inside_the_project_is_written_through(tmp_path: Path, generated_projects) -> None:
    root = make_project("generated", tmp_path / "shop", generated_projects)
    (root / "config").mkdir()
    shutil.move(root / "domain.toml", root / "config" / "domain.toml")
    (root / "domain.toml").symlink_to(Path("config") / "domain.toml")
    result = run_cli([*ADD, str(root)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (root / "domain.toml").is_symlink()
    assert "[databases.reports]" in (root / "config" / "domain.toml").read_text()


def run_in_terminal(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run with stdin and stdout on a pseudo-terminal, as typed in one; answer nothing."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        cli_command(argv),
        cwd=cwd,
        env=cli_env(TERM="xterm-256color", COLUMNS="120", LINES="40"),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                process.kill()
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(controller)
    return process.wait(timeout=60), output.decode(errors="replace")


def test_dry_run_in_a_terminal_opens_no_front_end_and_writes_nothing(tmp_path: Path) -> None:
    code, output = run_in_terminal(["new", "shop", "--defaults", "--dry-run"], tmp_path)
    assert code == 0, output
    assert "--- new file: domain.toml" in output
    assert "\x1b[?1049h" not in output  # no full-screen app took the terminal
    assert list(tmp_path.iterdir()) == []
    asked = run_in_terminal(["new", "shop", "--dry-run", "--ui", "tui"], tmp_path)
    assert asked[0] == 2 and "--dry-run" in asked[1], asked
    assert list(tmp_path.iterdir()) == []


def test_a_reopen_dry_run_neither_locks_nor_recovers(tmp_path: Path, generated_projects) -> None:
    """A dry run on a project an interrupted run left a journal in: it says so and changes
    nothing, not even the recovery the next writing command makes. (The journal is sealed as
    protean-init seals its own: an unsealed one is refused, tests/trust/test_planted_*.)"""
    root = make_project("generated", tmp_path / "shop", generated_projects)
    journal = root / ".protean-init-journal"
    body = {"version": 2, "state": "prepare", "entries": [], "folders": []}
    journal.write_bytes(sealed_journal(root, body))
    before = state(root)
    result = run_cli([*ADD, str(root), "--dry-run"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "interrupted change" in result.stderr
    assert state(root) == before
    written = run_cli([*ADD, str(root)], tmp_path)
    assert written.returncode == 0, written.stderr
    assert not journal.exists() and not leftovers(root)


def test_the_generated_gitignore_keeps_our_leftovers_out(
    tmp_path: Path, generated_projects
) -> None:
    """Should a run be killed mid-write, `git status` does not offer its files to commit."""
    git = shutil.which("git")
    assert git, "git is needed to check .gitignore"
    root = make_project("generated", tmp_path / "shop", generated_projects)
    subprocess.run([git, "init", "-q", str(root)], check=True)
    for name in (
        ".protean-init-lock",
        ".protean-init-journal",
        ".protean-init-journal.tmp",
        ".domain.toml.protean-init-new-0a1b2c3d",
        "src/shop/.__init__.py.protean-init-old-0a1b2c3d",
    ):
        ignored = subprocess.run([git, "-C", str(root), "check-ignore", "-q", name], check=False)
        assert ignored.returncode == 0, name
    kept = subprocess.run(
        [git, "-C", str(root), "check-ignore", "-q", ".copier-answers.protean-init.yml"],
        check=False,
    )
    assert kept.returncode == 1
