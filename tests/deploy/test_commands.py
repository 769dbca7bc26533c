"""`new --deploy`, the `deploy` command in a project, and `check`'s deployment rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scaffolder.check import check_project
from scaffolder.deployment import DEPLOY_FILES, files_for
from tests.deploy.support import container, engine_deployment, rendered

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("deploy", ["docker", "kubernetes", "none", None])
def test_new_writes_the_files_of_its_deploy_choice(cli, tmp_path: Path, deploy) -> None:
    root = tmp_path / "shop"
    argv = ["new", str(root), "--ui", "none", "--defaults"]
    if deploy:
        argv += ["--deploy", deploy]
    assert cli([*argv])[0] == 0
    chosen = deploy or "docker"  # --defaults means docker
    assert files(root) & set(DEPLOY_FILES) == set(files_for(chosen))
    answers = (root / ".copier-answers.protean-init.yml").read_text()
    assert f"deploy: {chosen}\n" in answers
    server = tomllib.loads((root / "domain.toml").read_text())["production"].get("server")
    if chosen == "none":
        assert server is None
    else:
        assert server["health"]["host"] == "0.0.0.0"
    # Recorded answers give the same project, deployment files included.
    again = tmp_path / "again"
    argv = [
        "new",
        str(again),
        "--ui",
        "none",
        "--answers",
        str(root / ".copier-answers.protean-init.yml"),
    ]
    assert cli([*argv])[0] == 0
    for relative in files_for(chosen):
        assert (again / relative).read_bytes() == (root / relative).read_bytes()


@pytest.mark.parametrize(
    ("flag", "fragment"),
    [
        ("deploy=kube", "did you mean 'kubernetes'"),
        ("replicas=2", "needs production.server.default_subscription_type=stream"),
        ("workers=3", "single-writer"),
        ("workers=0", "1 or more"),
        ("production.server.health.port=0", "1 to 65535"),
        ("production.server.drain_timeout=-1", "above 0"),
        ("production.server.default_subscription_type=streams", "did you mean 'stream'"),
        ("production.server.default_subscription_profile=fastest", "expected one of"),
        ("production.server.health.host=0.0.0.0 x", "an address to bind"),
    ],
)
def test_bad_deploy_input_is_one_line_and_writes_nothing(
    cli, tmp_path: Path, flag: str, fragment: str
) -> None:
    root = tmp_path / "shop"
    code, _, err = cli(["new", str(root), "--ui", "none", "--defaults", "--set", flag])
    assert code == 2
    assert err.startswith("protean-init: error: ") and err.count("\n") == 1, err
    assert fragment in err
    assert not root.exists()


@pytest.mark.parametrize("flag", ["--replicas", "--workers"])
@pytest.mark.parametrize("value", ["x", "0", "-2", "2.5", ""])
def test_a_bad_count_to_deploy_names_the_value_and_what_is_allowed(
    cli, generated_projects, tmp_path: Path, flag: str, value: str
) -> None:
    """`deploy --replicas x` says what `--set replicas=x` says (argparse's own "invalid int
    value" named no range), exit 2, nothing written."""
    root = generated_projects.copy(tmp_path / "shop")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, _, err = cli(["deploy", "docker", flag, value, "--project", root])
    assert code == 2 and err.count("\n") == 1, err
    key = flag.removeprefix("--")
    assert f"invalid value {value!r} for {key}; expected a whole number, 1 or more" in err, err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_deploy_help_names_the_counts_n(cli) -> None:
    """--replicas N and --workers N, as the README and the errors say, not REPLICAS/WORKERS."""
    code, out, _ = cli("deploy --help")
    assert code == 0
    assert "--replicas N" in out and "--workers N" in out


def test_stream_subscriptions_scale_out(cli, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    sets = [
        "production.server.default_subscription_type=stream",
        "production.command_processing=sync",
        "replicas=4",
        "workers=2",
    ]
    argv = ["new", str(root), "--ui", "none", "--defaults", "--deploy", "kubernetes"]
    assert cli([*argv, *[x for s in sets for x in ("--set", s)]])[0] == 0
    deployment = engine_deployment(rendered(root))
    assert deployment["spec"]["replicas"] == 4
    assert container(deployment)["command"][-2:] == ["--workers", "2"]
    assert check_project(root) == []


def test_deploy_command_adds_changes_and_stops(cli, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    assert cli(["new", str(root), "--ui", "none", "--defaults", "--deploy", "none"])[0] == 0
    before = (root / "domain.toml").read_text()

    code, out, _ = cli(["deploy", "kubernetes", "--project", str(root)])
    assert code == 0, out
    assert files(root) >= set(DEPLOY_FILES)
    after = (root / "domain.toml").read_text()
    # Only lines were added to domain.toml: the server tables a container needs.
    assert set(before.splitlines()) <= set(after.splitlines())
    tree = tomllib.loads(after)
    assert tree["production"]["server"]["health"] == {"host": "0.0.0.0", "port": 8080}
    assert check_project(root) == []

    # A hand edit to the Dockerfile survives a change that re-derives it.
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "LABEL org.example.team=shop\n")
    code, _, err = cli(["set", "production.server.drain_timeout=40", "--project", str(root)])
    assert code == 0, err
    grace = engine_deployment(rendered(root))["spec"]["template"]["spec"]
    assert grace["terminationGracePeriodSeconds"] > 40
    assert dockerfile.read_text().endswith("LABEL org.example.team=shop\n")

    # Scaling is refused with event-store subscriptions, then allowed with stream.
    code, _, err = cli(["deploy", "kubernetes", "--replicas", "2", "--project", str(root)])
    assert code == 2 and "single-writer" in err
    assert (
        cli(["set", "production.server.default_subscription_type=stream", "--project", str(root)])[
            0
        ]
        == 0
    )
    assert cli(["deploy", "kubernetes", "--replicas", "2", "--project", str(root)])[0] == 0
    assert engine_deployment(rendered(root))["spec"]["replicas"] == 2
    assert dockerfile.read_text().endswith("LABEL org.example.team=shop\n")

    # none: no longer regenerated, and nothing of the user's is deleted.
    code, out, _ = cli(["deploy", "none", "--project", str(root)])
    assert code == 0 and "No longer regenerated" in out
    assert dockerfile.read_text().endswith("LABEL org.example.team=shop\n")


def test_a_conflicting_edit_stops_the_deploy_change(cli, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    argv = ["new", str(root), "--ui", "none", "--defaults", "--deploy", "kubernetes"]
    assert cli([*argv])[0] == 0
    manifest = root / "deploy/kubernetes/base/deployment.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 99"
        )
    )
    snapshot = {p: (root / p).read_bytes() for p in files(root)}
    code, _, err = cli(["set", "production.server.drain_timeout=40", "--project", str(root)])
    assert code == 1 and "conflict" in err
    assert {p: (root / p).read_bytes() for p in files(root)} == snapshot


def _broken(cli, tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    argv = ["new", str(root), "--ui", "none", "--defaults", "--deploy", "kubernetes"]
    assert cli([*argv])[0] == 0
    return root


def _codes(root: Path) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in check_project(root):
        found.setdefault(finding.code, []).append(finding)
    return found


def test_check_finds_what_the_engine_would_not_survive(cli, tmp_path: Path) -> None:
    root = _broken(cli, tmp_path)
    config = root / "domain.toml"
    config.write_text(config.read_text().replace('host = "0.0.0.0"', 'host = "127.0.0.1"'))
    manifest = root / "deploy/kubernetes/base/deployment.yaml"
    text = manifest.read_text()
    text = text.replace("  replicas: 1\n", "  replicas: 2\n")
    text = text.replace("path: /readyz", "path: /health")
    text = text.replace(
        "            - name: CACHE_URL\n              valueFrom:\n                secretKeyRef:\n"
        "                  name: shop-secrets\n                  key: CACHE_URL\n",
        "",
    )
    manifest.write_text(text)
    found = _codes(root)
    assert set(found) >= {"health-on-loopback", "single-writer", "probe-path", "secret-missing"}
    assert all(f.severity == "error" for code in found for f in found[code])
    [missing] = found["secret-missing"]
    assert "CACHE_URL" in missing.message
    assert [f.file for f in found["health-on-loopback"]] == ["domain.toml"]


def test_check_finds_a_dockerfile_probe_on_the_wrong_port(cli, tmp_path: Path) -> None:
    root = _broken(cli, tmp_path)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace("127.0.0.1:8080/livez", "127.0.0.1:8000/health")
    )
    assert {f.code for f in check_project(root)} == {"probe-path"}


def test_check_finds_protean_env_exported_beside_the_flag(cli, tmp_path: Path) -> None:
    root = _broken(cli, tmp_path)
    workflow = root / ".github/workflows/ci.yml"
    text = workflow.read_text()
    assert "--protean-env memory" in text
    workflow.write_text(text.replace("jobs:\n", "env:\n  PROTEAN_ENV: test\njobs:\n", 1))
    found = _codes(root)
    [warning] = found["protean-env-ignored"]
    assert warning.severity == "warning" and warning.file == ".github/workflows/ci.yml"


def test_check_warns_of_stream_subscriptions_without_redis_streams(cli, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    sets = [
        "production.server.default_subscription_type=stream",
        "production.brokers.default=redis_pubsub",
        "production.command_processing=sync",
    ]
    argv = ["new", str(root), "--ui", "none", "--defaults", "--deploy", "kubernetes"]
    assert cli([*argv, *[x for s in sets for x in ("--set", s)]])[0] == 0
    [finding] = check_project(root)
    assert (finding.code, finding.severity, finding.env) == (
        "stream-broker",
        "warning",
        "production",
    )
    assert "redis_pubsub" in finding.message


def test_check_warns_that_async_commands_miss_stream_subscriptions(cli, tmp_path: Path) -> None:
    """Seen for real (the stream variant of tests/e2e/test_deploy_engine.py): the engine came
    up with stream subscriptions, and a command sent with domain.process was never handled."""
    root = tmp_path / "shop"
    argv = ["new", str(root), "--ui", "none", "--defaults", "--deploy", "kubernetes"]
    sets = ["--set", "production.server.default_subscription_type=stream"]
    assert cli([*argv, *sets])[0] == 0
    [finding] = check_project(root)
    assert (finding.code, finding.severity) == ("stream-commands", "warning")
    assert (
        finding.line
        == (root / "domain.toml").read_text().splitlines().index('command_processing = "async"') + 1
    )


def test_health_on_loopback_only_where_a_probe_comes_from_outside(cli, tmp_path) -> None:
    """Docker's HEALTHCHECK runs inside the container, where loopback answers: a Dockerfile
    that exposes no health port (`protean new`'s) is not an error; one that EXPOSEs it (ours)
    is, as are Kubernetes probes (test above)."""
    root = tmp_path / "shop"
    assert cli(["new", str(root), "--ui", "none", "--defaults", "--deploy", "docker"])[0] == 0
    config = root / "domain.toml"
    config.write_text(config.read_text().replace('host = "0.0.0.0"', 'host = "127.0.0.1"'))
    assert "health-on-loopback" in _codes(root)
    dockerfile = root / "Dockerfile"
    lines = dockerfile.read_text().splitlines(keepends=True)
    dockerfile.write_text("".join(line for line in lines if not line.startswith("EXPOSE ")))
    assert "health-on-loopback" not in _codes(root)
