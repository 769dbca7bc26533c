"""`check` reads no file through a link that leaves the project or enters .git/: every file it
reads (compose, CI, .env.example, Dockerfile, manifests, the configs beside domain.toml, the
files it scans for environment names) goes through ProjectContext.text, under the rule writes
follow (scaffolder.transaction.paths.link_out). A planted link is one `untrusted-link` error
naming the link and its target; nothing behind it is read, so no finding quotes it and none
is about that file's content."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scaffolder.check import check_project, format_json, format_text
from scaffolder.transaction.paths import FOLLOW_LINKS_ENV

CANARY = "canary-7f3a"
# Valid YAML, TOML and .env text alike; anything check would quote from it holds the canary.
PLANTED = f"{CANARY}: {{{{ {CANARY} }}}}\nPROTEAN_ENV={CANARY}\n"

FILES = [
    "docker-compose.yml",
    ".github/workflows/ci.yml",
    ".env.example",
    "Dockerfile",
    "deploy/kubernetes/base/deployment.yaml",
    "README.md",
    "pyproject.toml",
    # The answers record: read_answers refused it, and check swallowed the refusal.
    ".copier-answers.protean-init.yml",
]


@pytest.fixture
def project(generated_projects, tmp_path: Path) -> Path:
    return generated_projects.copy(tmp_path / "shop", "--deploy", "kubernetes")


def plant(root: Path, link: str, target: Path) -> None:
    path = root / link
    if path.is_dir():
        for inner in sorted(path.rglob("*"), reverse=True):
            inner.unlink() if not inner.is_dir() else inner.rmdir()
        path.rmdir()
    elif path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def outside(tmp_path: Path, relative: str) -> Path:
    """A file of the same name out of the project, holding the canary."""
    target = tmp_path / "elsewhere" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(PLANTED)
    return target


def in_git(root: Path) -> Path:
    config = root / ".git" / "config"
    config.parent.mkdir(exist_ok=True)
    config.write_text(f"[core]\n\trepositoryformatversion = 0\n[user]\n\tname = {CANARY}\n")
    return config


def assert_one_refusal(root: Path, link: str, target: str) -> None:
    findings = check_project(root)
    refused = [f for f in findings if f.code == "untrusted-link"]
    assert len(refused) == 1, format_text(findings)
    finding = refused[0]
    assert finding.severity == "error"
    assert finding.message.startswith(f"{link} is a symlink to {target}"), finding.message
    assert ("outside the project" in finding.message) != ("inside .git/" in finding.message)
    # Nothing behind the link was read: no finding quotes it, none but this one is on it.
    for shown in (format_text(findings), format_json(findings)):
        assert CANARY not in shown, shown
    behind = [f for f in findings if f is not finding and f.file and f.file.startswith(link)]
    assert not behind, format_text(behind)


@pytest.mark.parametrize("relative", FILES)
def test_a_file_linked_out_of_the_project_is_one_finding_and_not_read(
    project: Path, tmp_path: Path, relative: str
) -> None:
    target = outside(tmp_path, relative)
    plant(project, relative, target)
    assert_one_refusal(project, relative, str(target))


@pytest.mark.parametrize("relative", FILES)
def test_a_file_linked_into_git_is_one_finding_and_not_read(project: Path, relative: str) -> None:
    config = in_git(project)
    plant(project, relative, config)
    assert_one_refusal(project, relative, ".git/config")


@pytest.mark.parametrize("folder", [".github", "deploy/kubernetes"])
def test_a_folder_linked_out_is_named_once_for_all_its_files(
    project: Path, tmp_path: Path, folder: str
) -> None:
    elsewhere = tmp_path / "elsewhere-folder"
    for inner in (project / folder).rglob("*"):
        if inner.is_file():
            copy = elsewhere / inner.relative_to(project / folder)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(PLANTED)
    (elsewhere / "second.yaml").write_text(PLANTED)
    plant(project, folder, elsewhere)
    assert_one_refusal(project, folder, str(elsewhere))


def test_a_link_inside_the_project_is_read_as_its_target(project: Path) -> None:
    (project / "compose.base.yml").write_bytes((project / "docker-compose.yml").read_bytes())
    plant(project, "docker-compose.yml", Path("compose.base.yml"))
    assert not [f for f in check_project(project) if f.code == "untrusted-link"]


def test_the_users_variable_lets_a_link_out_be_read(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "shared-compose.yml"
    target.write_bytes((project / "docker-compose.yml").read_bytes())
    plant(project, "docker-compose.yml", target)
    monkeypatch.setenv(FOLLOW_LINKS_ENV, "1")
    assert not [f for f in check_project(project) if f.code == "untrusted-link"]
    # Never into .git/, whatever the variable says.
    plant(project, "docker-compose.yml", in_git(project))
    assert [f.code for f in check_project(project)].count("untrusted-link") == 1


def test_the_json_finding_names_the_link(project: Path) -> None:
    plant(project, ".env.example", in_git(project))
    found = json.loads(format_json(check_project(project)))
    refused = [f for f in found["findings"] if f["code"] == "untrusted-link"]
    assert refused and refused[0]["file"] == ".env.example"
    assert os.path.islink(project / ".env.example")


def test_the_gate_refuses_a_named_pipe_as_it_refuses_a_link(project: Path) -> None:
    """A named pipe blocks a read forever: ProjectContext.text refuses one in one
    `untrusted-link` finding naming it, and reads nothing (the rules' own lookups skip one
    as no file: tests/workspace/test_check's named pipes)."""
    from scaffolder.check.project import check_context
    from scaffolder.project_files import ConfigFile
    from scaffolder.provider_plugins import InstalledProviders

    pipe = project / "notes.txt"
    os.mkfifo(pipe)
    checked = check_context(
        project, ConfigFile(project / "domain.toml", ()), (), {}, InstalledProviders()
    )
    assert checked.ctx.text(pipe) is None
    refused = [f for f in checked.ctx.collector.findings if f.code == "untrusted-link"]
    assert [(f.file, f.message.split(";")[0]) for f in refused] == [
        ("notes.txt", "notes.txt is not a regular file (a named pipe or a device)")
    ]


def test_a_protean_new_projects_pyproject_linked_out_is_one_finding(tmp_path: Path) -> None:
    """`protean new`'s layout (config under src/acme/): no rule read pyproject.toml there, so
    a planted link went unreported where a Dockerfile's was (the attack round of the twelfth
    stop); the files that say what the project is are reported whichever rules run."""
    from tests.reopen.test_adopt import protean_new

    root = protean_new(tmp_path, "acme")
    target = outside(tmp_path, "pyproject.toml")
    plant(root, "pyproject.toml", target)
    assert_one_refusal(root, "pyproject.toml", str(target))


@pytest.mark.parametrize(
    "name", [".env.example", "docker-compose.yml", ".github/workflows/ci.yml", "Dockerfile"]
)
def test_a_derived_file_that_is_a_named_pipe_is_an_error_not_silence(
    cli, generated_projects, tmp_path: Path, name
) -> None:
    """derive refuses to write over a named pipe; check read only regular files, so it took
    the pipe as no file and said "no findings" (exit 0). Now one error naming it, and no read
    (a pipe blocks a read forever)."""
    root = generated_projects.copy(tmp_path / "shop", "--deploy", "docker")
    (root / name).unlink()
    os.mkfifo(root / name)

    result = cli("check --project", root)

    assert result.code == 1, result.out + result.err
    assert f"{name} is not a regular file (a named pipe or a device)" in result.out
