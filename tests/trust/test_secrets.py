"""Secrets (issue 10): no file protean-init writes and nothing it prints holds a password that
domain.toml or the environment holds.

The one exception is by design: a local default (`${VAR|postgresql://u:pw@localhost/db}`) is
what the project's own CI job and .env.example must carry for the tests to reach their
services, so those two files may repeat it (a default naming another server never); the
answers record and every line printed never do.
The record masks passwords (scaffolder.redact), and it is the base of the three-way merge of the
derived files, so the merge is tested with them too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ANSWERS = ".copier-answers.protean-init.yml"
GITHUB = ".github/workflows/ci.yml"


LOCAL_NEW = "S6localPW"  # given to `new` as a local URL: a default in domain.toml
LOCAL_EDITED = "S4defaultPW"  # the same default, edited by hand
LOCAL_CHANGED = "S7newPW"  # and changed again, for the conflict
DEFAULTS = {LOCAL_NEW, LOCAL_EDITED, LOCAL_CHANGED}
LITERAL = "S1literalPW"  # a URL with a password, written as a literal in a user table
TOKEN = "S2tokenVALUE"  # a credential-named key
PRODUCTION = "S3prodPW"  # a literal production connection string
ENVIRONMENT = "S5envPW"  # only in the environment
ADOPTED = "S8basePW"  # a literal in the base of a project made elsewhere
# Real secrets in the documented ${VAR|default} form: a remote server's URL as the default,
# and the default of a credential-named variable.
REMOTE_DEFAULT = "S9remoteDefaultPW"
CREDENTIAL_DEFAULT = "S10credentialDefault"
NEVER = {LITERAL, TOKEN, PRODUCTION, ENVIRONMENT, ADOPTED, REMOTE_DEFAULT, CREDENTIAL_DEFAULT}
EVERY = NEVER | DEFAULTS


def assert_nothing_printed(printed: list[tuple[str, str]]) -> None:
    """No real secret printed. A local server's password (DEFAULTS) is a documented local
    default, not a secret (scaffolder.redact): shown as written, so a diff shows its change."""
    for what, text in printed:
        leaked = sorted(s for s in NEVER if s in text)
        assert not leaked, f"{what} printed {leaked}:\n{text}"


def assert_no_file_holds_secrets(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative.startswith(".git/") or relative == "domain.toml":
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaked = sorted(s for s in NEVER if s in text)
        assert not leaked, f"{relative} holds {leaked}"


@pytest.fixture
def secret_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql://app:{ENVIRONMENT}@db.prod:5432/shop")
    monkeypatch.setenv("BROKER_URL", f"redis://:{ENVIRONMENT}@cache.prod:6379/0")
    monkeypatch.setenv("SECRET_KEY", ENVIRONMENT)


def edit_config(root: Path, old: str, new: str) -> None:
    config = root / "domain.toml"
    text = config.read_text()
    assert old in text, old
    config.write_text(text.replace(old, new))


def test_no_file_written_and_nothing_printed_holds_a_password(
    cli, tmp_path: Path, secret_environment: None
) -> None:
    printed: list[tuple[str, str]] = []
    root = tmp_path / "shop"
    local = f"local_urls.databases.default=postgresql://postgres:{LOCAL_NEW}@localhost:5432/shop"

    ran = cli(["new", root, "--defaults", "--set", local, "--dry-run"])
    code, out = ran.code, ran.printed
    printed.append(("new --dry-run", out))
    assert code == 0, out
    ran = cli(["new", root, "--defaults", "--set", local])
    code, out = ran.code, ran.printed
    printed.append(("new", out))
    assert code == 0, out
    assert LOCAL_NEW in (root / "domain.toml").read_text()
    assert_no_file_holds_secrets(root)

    # By hand: a user table with credentials, a literal production URL, a new local default.
    edit_config(root, LOCAL_NEW, LOCAL_EDITED)
    edit_config(
        root,
        'database_uri = "${DATABASE_URL}"',
        f'database_uri = "postgresql://app:{PRODUCTION}@db.internal:5432/shop"',
    )
    with (root / "domain.toml").open("a") as handle:
        handle.write(
            f'\n[custom]\nupstream = "https://svc:{LITERAL}@api.example.com/v1"\n'
            f'api_token = "{TOKEN}"\n'
            f'fallback = "${{FALLBACK_URL|postgresql://app:{REMOTE_DEFAULT}@db.example.com/shop}}"\n'
            f'signing = "${{SIGNING_PASSWORD|{CREDENTIAL_DEFAULT}}}"\n'
        )

    commands = [
        ["add-database", "reports", "--provider", "postgresql"],
        ["set", "test.caches.default=memory"],
        ["ci"],
    ]
    for argv in commands:
        for dry in (["--dry-run"], []):
            ran = cli([*argv, *dry, "--project", root])
            code, out = ran.code, ran.printed
            printed.append((" ".join(argv + dry), out))
            assert code == 0, out
            assert_no_file_holds_secrets(root)
    for argv in (["check"], ["check", "--env", "production"], ["check", "--format", "json"]):
        ran = cli([*argv, "--project", root])
        code, out = ran.code, ran.printed
        printed.append((" ".join(argv), out))
        assert code in (0, 1), out
    # The local default's password went where the project needs it, as domain.toml has it.
    assert LOCAL_EDITED in (root / GITHUB).read_text()

    # A conflict: the user's edit of the CI line and a changed default touch the same line.
    ci = root / GITHUB
    ci.write_text(ci.read_text().replace("5432/shop", "5432/shop  # mine", 1))
    edit_config(root, f"{LOCAL_EDITED}@localhost:5432", f"{LOCAL_CHANGED}@localhost:5439")
    for dry in (["--dry-run"], []):
        ran = cli(["ci", *dry, "--project", root])
        code, out = ran.code, ran.printed
        printed.append(("ci (conflict)" + " ".join(dry), out))
        assert code == 1, out
        # The conflicting line shows the local default's change, as written.
        assert "conflict" in out and LOCAL_CHANGED in out
    ran = cli(["ci", "--force", "--project", root])
    code, out = ran.code, ran.printed
    printed.append(("ci --force", out))
    assert code == 0, out
    assert_no_file_holds_secrets(root)

    # A project made elsewhere, adopting the overlays, with a literal URL in its base.
    other = tmp_path / "other"
    (other / "src" / "other").mkdir(parents=True)
    (other / "src" / "other" / "__init__.py").write_text("")
    (other / "pyproject.toml").write_text('[project]\nname = "other"\ndependencies = ["protean"]\n')
    (other / "domain.toml").write_text(
        '[databases.default]\nprovider = "postgresql"\n'
        f'database_uri = "postgresql://app:{ADOPTED}@db.internal:5432/other"\n'
    )
    for dry in (["--dry-run"], []):
        ran = cli(["add-env", "production", "test", "memory", *dry, "--project", other])
        code, out = ran.code, ran.printed
        printed.append(("add-env" + " ".join(dry), out))
        assert code == 0, out
    ran = cli(["check", "--project", other])
    code, out = ran.code, ran.printed
    printed.append(("check (adopted)", out))
    assert_no_file_holds_secrets(other)

    assert_nothing_printed(printed)


def test_error_messages_that_quote_a_url_mask_its_password(cli, tmp_path: Path) -> None:
    url = f"postgresql://u:{LITERAL}@h:5432/db}}"
    ran = cli(["new", tmp_path / "x", "--defaults", "--set", f"local_urls.databases.default={url}"])
    code, out = ran.code, ran.printed
    assert code == 2
    assert "invalid local URL" in out and "***" in out and LITERAL not in out


# --- the merge, with a masked base --------------------------------------------------------------


@pytest.fixture
def project(cli, tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    local = f"local_urls.databases.default=postgresql://postgres:{LOCAL_NEW}@localhost:5432/shop"
    ran = cli(["new", root, "--defaults", "--set", local])
    code, out = ran.code, ran.printed
    assert code == 0, out
    # A local server's password is a documented local default: recorded as written.
    assert f"postgres:{LOCAL_NEW}@localhost:5432/shop" in (root / ANSWERS).read_text()
    return root


def test_the_users_edits_survive_a_merge_against_the_masked_record(cli, project: Path) -> None:
    ci = project / GITHUB
    ci.write_text(ci.read_text() + "# my own note\n")
    ran = cli(["add-database", "reports", "--provider", "postgresql", "--project", project])
    code, out = ran.code, ran.printed
    assert code == 0, out
    text = ci.read_text()
    assert text.endswith("# my own note\n")
    assert f"postgres:{LOCAL_NEW}@localhost:5432/shop" in text
    assert "REPORTS_DATABASE_URL" in text
    assert f"postgres:{LOCAL_NEW}@localhost" in (project / ANSWERS).read_text()


def test_a_password_changed_in_domain_toml_reaches_ci(cli, project: Path) -> None:
    """The base's masked password is taken from the file on disk where only it differs: the
    change by hand is domain.toml's, and `ci` regenerates it, with no conflict."""
    edit_config(project, LOCAL_NEW, LOCAL_CHANGED)
    ran = cli(["ci", "--project", project])
    code, out = ran.code, ran.printed
    assert code == 0, out
    text = (project / GITHUB).read_text()
    assert LOCAL_CHANGED in text and LOCAL_NEW not in text


def test_a_port_changed_in_domain_toml_reaches_ci(cli, project: Path) -> None:
    edit_config(project, "localhost:5432/shop", "localhost:5439/shop")
    ran = cli(["ci", "--project", project])
    code, out = ran.code, ran.printed
    assert code == 0, out
    text = (project / GITHUB).read_text()
    assert f"postgres:{LOCAL_NEW}@localhost:5439/shop" in text


def test_an_unchanged_project_records_nothing_new(cli, project: Path) -> None:
    """The record is compared masked: a run that changes nothing writes nothing."""
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    ran = cli(["ci", "--project", project])
    code, out = ran.code, ran.printed
    assert code == 0, out
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


# --- .gitignore ---------------------------------------------------------------------------------


def test_gitignore_keeps_every_env_file_out_but_the_example(project: Path) -> None:
    git = shutil.which("git")
    assert git, "git is needed to prove .gitignore"
    subprocess.run([git, "init", "-q"], cwd=project, check=True)
    ignored = [".env", ".env.local", ".env.production", ".env.test.local", ".envrc"]
    for name in [*ignored, ".env.example"]:
        (project / name).write_text("X=1\n")
    result = subprocess.run(
        [git, "check-ignore", "--no-index", *ignored, ".env.example"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert sorted(result.stdout.split()) == sorted(ignored)
    kept = subprocess.run([git, "check-ignore", "-q", "--no-index", ".env.example"], cwd=project)
    assert kept.returncode == 1  # not ignored: the example is committed


def test_an_answers_record_reused_as_answers_gives_the_local_default_back(
    cli, project: Path, tmp_path: Path
) -> None:
    """The record keeps a local server's password as written (a documented local default, no
    secret): reused with --answers, the project comes back with it."""
    target = tmp_path / "again"
    ran = cli(["new", target, "--answers", project / ANSWERS])
    code, out = ran.code, ran.printed
    assert code == 0, out
    assert f"postgres:{LOCAL_NEW}@localhost:5432/shop" in (target / "domain.toml").read_text()


# A DNS name that starts like a loopback address is anyone's name for any server: it was taken
# for this machine (`host.startswith("127.")`), and its password carried as a local default's.
@pytest.mark.parametrize("host", ["db.example.com", "127.example.com"])
def test_a_default_with_a_password_for_a_remote_server_is_never_carried(
    cli, tmp_path: Path, host: str
) -> None:
    """The exception above is for local servers only: a default naming another machine
    (`${DATABASE_URL|postgresql://app:pw@db.example.com/shop}`, which check warns of) holds a
    real credential, and neither the CI file nor .env.example repeats it. Found by hand: derive
    and `ci --ci gitlab` copied it into both."""
    remote = "S9remotePW"
    root = tmp_path / "shop"
    ran = cli(["new", root, "--defaults"])
    code, out = ran.code, ran.printed
    assert code == 0, out
    edit_config(
        root,
        "${DATABASE_URL|postgresql://postgres:postgres@localhost:5432/shop}",
        f"${{DATABASE_URL|postgresql://app:{remote}@{host}:5432/shop}}",
    )
    printed = []
    for argv in (
        ("derive", "--force"),
        ("ci", "--ci", "gitlab"),
        ("ci", "--ci", "github", "--force"),
        ("add-database", "reports", "--provider", "postgresql"),
        ("check",),
    ):
        ran = cli([*argv, "--project", root])
        code, out = ran.code, ran.printed
        printed.append((" ".join(argv), out))
        assert code in (0, 1), out
    for what, text in printed:
        assert remote not in text, f"{what} printed it:\n{text}"
    assert "password-in-uri" in printed[-1][1]
    assert (root / GITHUB).is_file() and (root / ".env.example").is_file()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative != "domain.toml" and not relative.startswith(".git/"):
            assert remote not in path.read_text(errors="replace"), relative
    assert remote in (root / "domain.toml").read_text()


def test_a_dry_run_shows_the_change_of_a_local_default_on_both_sides(cli, project: Path) -> None:
    """One rule (scaffolder.redact): a local server's password is shown wherever text is
    printed, as .env.example and CI print it; a real secret beside it stays masked. Found by
    an attacker: the dry run masked both sides, showing a change it hid."""
    edit_config(project, LOCAL_NEW, LOCAL_CHANGED)
    with (project / "domain.toml").open("a") as handle:
        handle.write(
            f'\n[custom]\nfallback = "${{FALLBACK_URL|postgresql://app:{REMOTE_DEFAULT}@db.example'
            f'.com/shop}}"\nsigning = "${{SIGNING_PASSWORD|{CREDENTIAL_DEFAULT}}}"\n'
        )
    ran = cli(["derive", "--dry-run", "--project", project])
    assert ran.code == 0, ran.printed
    for side, password in (("-", LOCAL_NEW), ("+", LOCAL_CHANGED)):
        for line in (
            f"{side}# DATABASE_URL=postgresql://postgres:{password}@localhost:5432/shop",
            f'{side}      DATABASE_URL: "postgresql://postgres:{password}@localhost:5432/shop"',
        ):
            assert line in ran.printed.splitlines(), ran.printed
    checked = cli(["check", "--format", "json", "--project", project])
    assert REMOTE_DEFAULT not in checked.printed and CREDENTIAL_DEFAULT not in checked.printed
    assert REMOTE_DEFAULT not in ran.printed and CREDENTIAL_DEFAULT not in ran.printed
