"""The validators in tests/support really reject bad files and accept good ones."""

from __future__ import annotations

from pathlib import Path

import pytest

try:  # `tests` is not a package yet; work whichever way pytest puts us on sys.path
    from tests.support import validators
except ModuleNotFoundError:  # pragma: no cover - depends on the tests/ layout
    from support import validators  # type: ignore[no-redef]


# NB: failure messages end with a numbered copy of the file, so every `match=`
# below uses checker wording that does not occur in the fixture itself.


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- #
# Compose
# --------------------------------------------------------------------------- #

GOOD_COMPOSE = """\
services:
  postgres:
    image: postgres:17-alpine
    environment:
      POSTGRES_USER: postgres
      POSTGRES_PASSWORD: postgres
      POSTGRES_DB: app
    ports:
      - "127.0.0.1:5432:5432"
    volumes:
      - postgres-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres -d app"]
      interval: 5s
      timeout: 5s
      retries: 10
  redis:
    image: redis:8-alpine
    ports:
      - "127.0.0.1:6379:6379"
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
      timeout: 3s
      retries: 10
  app:
    image: python:3.12-slim
    depends_on:
      postgres:
        condition: service_healthy
      redis:
        condition: service_healthy
volumes:
  postgres-data:
"""


def test_compose_binary_is_the_native_go_binary():
    binary = Path(validators.compose_binary())
    assert binary.read_bytes()[:4] == b"\x7fELF", f"{binary} is a wrapper, not the Go binary"


def test_compose_good_file_passes(tmp_path):
    validators.assert_compose_valid(write(tmp_path, "docker-compose.yml", GOOD_COMPOSE))


def test_compose_null_services_rejected_by_both_checkers(tmp_path):
    # What `protean new` writes when every adapter is in-memory.
    path = write(tmp_path, "docker-compose.yml", "services:\n")
    with pytest.raises(AssertionError) as excinfo:
        validators.assert_compose_valid(path)
    message = str(excinfo.value)
    assert "services must be a mapping" in message  # docker-compose
    assert "None is not of type 'object'" in message  # compose-spec schema


def test_compose_obsolete_version_only_warns(tmp_path):
    # docker-compose exits 0 and only warns; the schema accepts it too.  The
    # validator treats the warning as a failure unless allow_warnings=True.
    path = write(tmp_path, "docker-compose.yml", 'version: "3.8"\n' + GOOD_COMPOSE)
    with pytest.raises(AssertionError, match="the attribute `version` is obsolete"):
        validators.assert_compose_valid(path)
    validators.assert_compose_valid(path, allow_warnings=True)


def test_compose_unset_variable_only_warns(tmp_path):
    text = "services:\n  app:\n    image: python:3.12-slim\n    environment:\n"
    text += "      A: ${PROTEAN_INIT_SURELY_UNSET}\n      B: ${PROTEAN_INIT_SURELY_UNSET:-x}\n"
    path = write(tmp_path, "docker-compose.yml", text)
    with pytest.raises(AssertionError, match=r"variable is not set\. Defaulting to a blank string"):
        validators.assert_compose_valid(path)
    validators.assert_compose_valid(path, allow_warnings=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "services:\n  db:\n    image: postgres:17-alpine\n"
            "    volumes:\n      - pgdata:/var/lib/postgresql/data\n",
            "refers to undefined volume pgdata",
            id="undeclared-named-volume",
        ),
        pytest.param(
            "services:\n  app:\n    image: x\n    depends_on:\n"
            "      db:\n        condition: service_healthy\n",
            'depends on undefined service "db"',
            id="depends-on-unknown-service",
        ),
        pytest.param(
            "services:\n  app:\n    image: x\n    healthcheck:\n"
            '      test: ["CMD-SHELL", "true"]\n      interval: 5 seconds\n',
            "unknown unit",
            id="bad-duration",
        ),
        pytest.param(
            "services:\n  app:\n    image: x\n    env_file: .env.missing\n",
            "not found",
            id="missing-env-file",
        ),
    ],
)
def test_compose_semantic_errors_the_schema_misses(tmp_path, text, expected):
    # The compose-spec schema accepts all of these; only docker-compose catches them.
    path = write(tmp_path, "docker-compose.yml", text)
    with pytest.raises(AssertionError, match=expected) as excinfo:
        validators.assert_compose_valid(path)
    assert "check-jsonschema" not in str(excinfo.value)


def test_compose_schema_rejects_bad_depends_on_condition(tmp_path):
    text = (
        "services:\n  app:\n    image: x\n    depends_on:\n"
        "      db:\n        condition: service_bogus\n  db:\n    image: y\n"
    )
    with pytest.raises(AssertionError, match="'service_bogus' is not one of"):
        validators.assert_compose_valid(write(tmp_path, "docker-compose.yml", text))


# --------------------------------------------------------------------------- #
# GitHub Actions
# --------------------------------------------------------------------------- #

GOOD_WORKFLOW = """\
name: CI

on:
  push:
    branches: [main]
  pull_request:

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
          cache: pip
      - run: python -m pip install -e ".[test]"
      - run: python -m pytest

  integration:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:17-alpine
        env:
          POSTGRES_PASSWORD: postgres
        ports:
          - 5432:5432
        options: >-
          --health-cmd "pg_isready -U postgres"
          --health-interval 5s
          --health-timeout 5s
          --health-retries 10
      redis:
        image: redis:8-alpine
        ports:
          - 6379:6379
        options: >-
          --health-cmd "redis-cli ping"
          --health-interval 5s
          --health-timeout 5s
          --health-retries 10
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
          cache: pip
      - run: python -m pip install -e ".[test]"
      - run: python -m pytest -m integration
"""

MINIMAL_JOB = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
{extra}    steps:
      - uses: {action}
"""


def test_github_good_workflow_with_service_containers_passes(tmp_path):
    validators.assert_github_workflow_valid(write(tmp_path, "ci.yml", GOOD_WORKFLOW))


@pytest.mark.parametrize("services", ["    services:\n", "    services: {}\n"])
def test_github_empty_services_rejected_by_actionlint(tmp_path, services):
    # `services: {}` passes the schema; actionlint is what catches it.
    text = MINIMAL_JOB.format(extra=services, action="actions/checkout@v6")
    with pytest.raises(AssertionError, match='"services" section should not be empty'):
        validators.assert_github_workflow_valid(write(tmp_path, "ci.yml", text))


@pytest.mark.parametrize("action", ["actions/checkout@v4", "actions/setup-python@v5"])
def test_github_node20_actions_rejected(tmp_path, action):
    text = MINIMAL_JOB.format(extra="", action=action)
    with pytest.raises(AssertionError, match='runtime "node20" is deprecated'):
        validators.assert_github_workflow_valid(write(tmp_path, "ci.yml", text))


def test_github_unknown_action_input_rejected(tmp_path):
    text = MINIMAL_JOB.format(extra="", action="actions/setup-python@v6")
    text += "        with:\n          pyhton-version: '3.12'\n"
    with pytest.raises(AssertionError, match='input "pyhton-version" is not defined'):
        validators.assert_github_workflow_valid(write(tmp_path, "ci.yml", text))


def test_github_schema_violation_rejected(tmp_path):
    text = MINIMAL_JOB.format(extra="    timeout-minutes: soon\n", action="actions/checkout@v6")
    with pytest.raises(AssertionError) as excinfo:
        validators.assert_github_workflow_valid(write(tmp_path, "ci.yml", text))
    assert "check-jsonschema" in str(excinfo.value)


# --------------------------------------------------------------------------- #
# GitLab CI
# --------------------------------------------------------------------------- #

GOOD_GITLAB_CI = """\
default:
  image: python:3.12-slim

test:
  script:
    - python -m pytest

integration:
  services:
    - name: postgres:17-alpine
      alias: postgres
      variables:
        POSTGRES_PASSWORD: postgres
    - name: redis:8-alpine
      alias: redis
  variables:
    DATABASE_URL: postgresql://postgres:postgres@postgres:5432/postgres
  script:
    - python -m pytest -m integration
"""


def test_gitlab_good_file_passes(tmp_path):
    validators.assert_gitlab_ci_valid(write(tmp_path, ".gitlab-ci.yml", GOOD_GITLAB_CI))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "test:\n  scripts:\n    - pytest\n", "'scripts' was unexpected", id="misspelt-key"
        ),
        pytest.param(
            "test:\n  script: pytest\n  when: sometimes\n",
            "'sometimes' is not one of",
            id="bad-enum",
        ),
        pytest.param(
            "test:\n  script: pytest\n  services:\n    - name: postgres:17-alpine\n"
            "      aliass: db\n",
            "'aliass' was unexpected",
            id="bad-service-key",
        ),
    ],
)
def test_gitlab_bad_file_rejected(tmp_path, text, expected):
    with pytest.raises(AssertionError, match=expected):
        validators.assert_gitlab_ci_valid(write(tmp_path, ".gitlab-ci.yml", text))


# --------------------------------------------------------------------------- #
# Plumbing
# --------------------------------------------------------------------------- #


def test_everything_works_without_network(tmp_path, monkeypatch):
    # Any attempt to download (schemas, metaschemas, action metadata) would go
    # through this dead proxy and fail.
    dead = "http://127.0.0.1:9"
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    validators.assert_compose_valid(write(tmp_path, "docker-compose.yml", GOOD_COMPOSE))
    validators.assert_github_workflow_valid(write(tmp_path, "ci.yml", GOOD_WORKFLOW))
    validators.assert_gitlab_ci_valid(write(tmp_path, ".gitlab-ci.yml", GOOD_GITLAB_CI))


def test_missing_binary_names_the_package(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(validators.ValidatorUnavailable, match="pip install 'some-dist'"):
        validators._find_executable("surely-not-a-checker", package="some-dist")


def test_missing_file_is_an_assertion_error(tmp_path):
    with pytest.raises(AssertionError, match="does not exist"):
        validators.assert_gitlab_ci_valid(tmp_path / "nope.yml")
