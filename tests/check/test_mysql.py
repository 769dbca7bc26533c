"""`check` holds MySQL to what fails at connect time, as it holds PostgreSQL: a plain mysql://
URL (SQLAlchemy then wants MySQLdb, which protean[mysql] does not install), a URL whose user
the server never creates or whose password differs (MYSQL_* and MariaDB's MARIADB_* spellings),
every drift of a service rather than the first, and a port two compose services publish, with
a fix that does not publish it a third time. Each for `mysql:*` and `mariadb:*` images, in
compose and in both CI files (GitHub Actions and GitLab CI), on a project protean-init
generated with mysql in test; the project as generated is clean.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaffolder.check import check_project, format_text
from scaffolder.check.findings import Finding

IMAGES = ("mysql:8.4", "mariadb:11.4")
WHERE = ("compose", "github", "gitlab")
FILES = {
    "compose": "docker-compose.yml",
    "github": ".github/workflows/ci.yml",
    "gitlab": ".gitlab-ci.yml",
}
URL = "mysql+pymysql://root:mysql@{host}:3306/shop"


# `new shop --defaults` with MySQL in production and test (tests/conftest.py's session cache).
MYSQL = ("--set", "production.databases.default=mysql", "--set", "test.databases.default=mysql")


def project(generated_projects, tmp_path: Path, where: str, image: str) -> Path:
    """A copy of the generated project (GitLab CI for `gitlab`), its MySQL on `image`."""
    ci = "gitlab" if where == "gitlab" else "github"
    root = generated_projects.copy(tmp_path / "shop", "--ci", ci, *MYSQL)
    for name in FILES.values():
        path = root / name
        if path.exists():
            path.write_text(path.read_text().replace("mysql:8.4", image))
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, path)
    path.write_text(text.replace(old, new))


def set_server_env(root: Path, where: str, entries: dict[str, str]) -> None:
    """The MySQL service's MYSQL_ROOT_PASSWORD line in `where`'s file replaced by `entries`
    (MYSQL_DATABASE kept)."""
    path = root / FILES[where]
    text = path.read_text()
    match = re.search(r'^( +)MYSQL_ROOT_PASSWORD: "mysql"\n', text, re.MULTILINE)
    assert match, path
    lines = "".join(f'{match.group(1)}{k}: "{v}"\n' for k, v in entries.items())
    path.write_text(text[: match.start()] + lines + text[match.end() :])


def set_url(root: Path, where: str, url: str) -> None:
    """The URL the test run (compose: domain.toml's default) or the CI job connects to."""
    if where == "compose":
        edit(root / "domain.toml", f"${{DATABASE_URL|{URL.format(host='localhost')}}}", url)
    elif where == "github":
        edit(root / FILES[where], f'DATABASE_URL: "{URL.format(host="localhost")}"', url)
    else:
        edit(root / FILES[where], f'DATABASE_URL: "{URL.format(host="mysql")}"', url)


def ci_url(where: str, url: str) -> str:
    return url if where == "compose" else f'DATABASE_URL: "{url}"'


def errors(root: Path, where: str | None = None) -> list[Finding]:
    findings = check_project(root, environ={})
    return [
        f
        for f in findings
        if f.severity == "error" and (where is None or f.file == FILES.get(where, where))
    ]


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def prefix(where: str) -> str:
    return "compose" if where == "compose" else "ci"


@pytest.mark.parametrize("ci", ["github", "gitlab"])
@pytest.mark.parametrize("image", IMAGES)
def test_the_generated_project_is_clean_on_either_image(generated_projects, tmp_path, image, ci):
    root = project(generated_projects, tmp_path, ci, image)
    findings = check_project(root, environ={})
    assert [f for f in findings if f.severity != "drift"] == [], format_text(findings)


@pytest.mark.parametrize("scheme", ["mysql", "mariadb"])
def test_a_url_without_pymysql_is_an_error_with_the_fix(generated_projects, tmp_path, scheme):
    """Was a warning (url-caveat, exit 0): create_engine then imports MySQLdb and
    domain.init() fails every time."""
    root = project(generated_projects, tmp_path, "compose", "mysql:8.4")
    set_url(root, "compose", f"${{DATABASE_URL|{scheme}://root:mysql@localhost:3306/shop}}")
    [found] = [f for f in errors(root) if f.code == "wrong-url-scheme"]
    assert "MySQLdb" in found.message and found.file == "domain.toml"
    assert found.fix == f"write {scheme}+pymysql://"


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("image", IMAGES)
def test_a_user_the_server_never_creates(generated_projects, tmp_path, image, where):
    """`app@` against a server that has only root: refused at connect time."""
    root = project(generated_projects, tmp_path, where, image)
    host = "mysql" if where == "gitlab" else "localhost"
    url = f"mysql+pymysql://app:secret@{host}:3306/shop"
    set_url(root, where, ci_url(where, url if where != "compose" else f"${{DATABASE_URL|{url}}}"))
    [found] = errors(root, where)
    assert found.code == f"{prefix(where)}-credentials-mismatch"
    assert "its user is 'app', and the server sets no MYSQL_USER: only root exists" in (
        found.message
    )
    assert "secret" not in format_text([found])

    # The user the image creates, with its password: clean.
    user = "MARIADB" if image.startswith("mariadb") else "MYSQL"
    set_server_env(
        root,
        where,
        {"MYSQL_ROOT_PASSWORD": "mysql", f"{user}_USER": "app", f"{user}_PASSWORD": "secret"},
    )
    assert errors(root, where) == [], format_text(errors(root, where))


@pytest.mark.parametrize("ci", ["github", "gitlab"])
@pytest.mark.parametrize("image", IMAGES)
def test_a_user_added_to_compose_but_not_to_ci(generated_projects, tmp_path, image, ci):
    root = project(generated_projects, tmp_path, ci, image)
    host = "mysql" if ci == "gitlab" else "localhost"
    set_url(root, "compose", "${DATABASE_URL|mysql+pymysql://app:secret@localhost:3306/shop}")
    set_url(root, ci, ci_url(ci, f"mysql+pymysql://app:secret@{host}:3306/shop"))
    set_server_env(
        root,
        "compose",
        {"MYSQL_ROOT_PASSWORD": "mysql", "MYSQL_USER": "app", "MYSQL_PASSWORD": "secret"},
    )
    assert errors(root, "compose") == []
    [found] = errors(root, ci)
    assert found.code == "ci-credentials-mismatch"
    assert "only root exists" in found.message and "the CI job cannot connect" in found.message


def test_mariadb_spellings_count_on_mariadb_only(generated_projects, tmp_path):
    """MariaDB's image reads MARIADB_USER first; MySQL's never does."""
    url = "${DATABASE_URL|mysql+pymysql://app:secret@localhost:3306/shop}"
    entries = {"MARIADB_ROOT_PASSWORD": "mysql", "MARIADB_USER": "app", "MARIADB_PASSWORD": "x"}
    for image, wanted in (("mariadb:11.4", "its password is not"), ("mysql:8.4", "no MYSQL_USER")):
        root = project(generated_projects, tmp_path / image, "compose", image)
        set_url(root, "compose", url)
        set_server_env(root, "compose", entries)
        [found] = errors(root, "compose")
        assert wanted in found.message, found
    # MARIADB_PASSWORD wins over MYSQL_PASSWORD on MariaDB: the URL's is the MARIADB_ one.
    root = project(generated_projects, tmp_path / "both", "compose", "mariadb:11.4")
    set_url(root, "compose", url)
    set_server_env(
        root, "compose", {**entries, "MARIADB_PASSWORD": "secret", "MYSQL_PASSWORD": "x"}
    )
    assert errors(root, "compose") == []


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("image", IMAGES)
def test_root_passwords(generated_projects, tmp_path, image, where):
    root = project(generated_projects, tmp_path, where, image)
    key = "MARIADB_ROOT_PASSWORD" if image.startswith("mariadb") else "MYSQL_ROOT_PASSWORD"
    set_server_env(root, where, {key: "changed"})
    [found] = errors(root, where)
    assert found.code == f"{prefix(where)}-credentials-mismatch"
    assert f"its password is not mysql's {key}" in found.message
    assert "changed" not in format_text([found])

    empty = (
        "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD"
        if image.startswith("mariadb")
        else "MYSQL_ALLOW_EMPTY_PASSWORD"
    )
    path = root / FILES[where]
    path.write_text(path.read_text().replace(f'{key}: "changed"', f'{empty}: "yes"'))
    [found] = errors(root, where)  # the URL has a password, root has none
    assert f"its password is not mysql's {empty}" in found.message


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("image", IMAGES)
def test_every_drift_of_a_service_is_reported(generated_projects, tmp_path, image, where):
    """A changed port and a changed password: both, not the port alone."""
    root = project(generated_projects, tmp_path, where, image)
    host = "mysql" if where == "gitlab" else "localhost"
    url = f"mysql+pymysql://root:other@{host}:3307/shop"
    set_url(root, where, ci_url(where, url if where != "compose" else f"${{DATABASE_URL|{url}}}"))
    assert codes(errors(root, where)) == [
        f"{prefix(where)}-credentials-mismatch",
        f"{prefix(where)}-port-mismatch",
    ], format_text(errors(root, where))


@pytest.mark.parametrize("image", ["mysql:8.0", "mariadb:11.4"])
def test_a_port_conflict_fix_names_a_free_port(generated_projects, tmp_path, image):
    """Before: nothing for mariadb:*, and for mysql:* a fix that published 3306 again."""
    root = project(generated_projects, tmp_path, "compose", "mysql:8.4")
    users = f'  db:\n    image: {image}\n    ports:\n      - "127.0.0.1:3306:3306"\n'
    edit(root / FILES["compose"], "services:\n", "services:\n" + users)
    [found] = [f for f in errors(root, "compose") if f.code == "compose-port-conflict"]
    assert "'mysql' publishes port 3306, which 'db' already publishes" in found.message
    assert found.fix.startswith("publish 'mysql' on 127.0.0.1:3307:3306")
    assert "3306:3306" not in found.fix


def test_a_port_conflict_with_a_server_check_does_not_know(generated_projects, tmp_path):
    root = project(generated_projects, tmp_path, "compose", "mysql:8.4")
    users = (
        '  proxy:\n    image: nginx:1.27\n    ports:\n      - "127.0.0.1:3306:80"\n'
        '      - "127.0.0.1:3307:81"\n'
    )
    edit(root / FILES["compose"], "services:\n", "services:\n" + users)
    [found] = [f for f in errors(root, "compose") if f.code == "compose-port-conflict"]
    assert found.fix.startswith("publish 'mysql' on 127.0.0.1:3308:3306")
