"""`deploy` at the root of a workspace `new --context` made: the whole workspace's deployment in
one change. One image (a Dockerfile whose default command starts no context's engine), one
engine Deployment per context with its own command, probes, drain, `db setup` and only its own
keys of the one Secret; the scale checked against each context's subscription type. Proof by
the real checkers (hadolint, `kubectl kustomize`, `kubernetes-validate --strict`) and by
reading the manifests against each context's domain.toml.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from scaffolder.deployment import KUSTOMIZATIONS, PRESTOP_WAIT_SECONDS, SHUTDOWN_MARGIN_SECONDS
from tests.deploy.support import container, dockerfile_instructions, kustomize, objects, run, tool
from tests.support.projects import GeneratedProjects
from tests.support.validators import assert_compose_valid

from .cases import EIGHT
from .support import snapshot

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RECORD = ".copier-answers.protean-init.yml"
BASE = f"{KUSTOMIZATIONS[0]}"
# Per-context choices the manifests must follow: a longer drain, another health port, an
# engine on stream subscriptions, another production database.
VARIED = (
    "--set",
    "ordering:production.server.drain_timeout=45",
    "--set",
    "catalogue:production.server.health.port=9100",
    # Production on MySQL, the test run on PostgreSQL: no local server serves production's URL.
    "--set",
    "ordering:production.databases.default=mysql",
)
SIZES = {
    "one": (("ordering",), ()),
    "two": (("ordering", "catalogue"), VARIED),
    "eight": (
        EIGHT,
        (
            *VARIED,
            "--set",
            "payments:production.databases.default=mysql",
            "--set",
            "shipping:production.server.default_subscription_type=stream",
            "--set",
            "reviews:base.databases.reports=sqlite",
        ),
    ),
}


def _new(
    projects: GeneratedProjects,
    root: Path,
    contexts: tuple[str, ...],
    *flags: str,
    deploy: str = "none",
) -> Path:
    """A fresh copy at `root` of `new --name shop --defaults --deploy DEPLOY FLAGS --context
    ...` (generated once a session)."""
    options = ["--name", "shop", "--deploy", deploy, *flags]
    return projects.copy(root, *options, *[a for c in contexts for a in ("--context", c)])


def _required(root: Path, context: str) -> set[str]:
    """The variables the context's production reads with no default, read from its
    domain.toml here (not by protean-init's planner): `${NAME}` without `|default`."""
    config = tomllib.loads((root / "src" / context / "domain.toml").read_text())
    overlays = {"production", "test", "memory"}
    production = {k: v for k, v in config.items() if k not in overlays}
    production.update(config.get("production", {}))
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, str):
            found.update(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", value))

    walk(production)
    return found


def _server(root: Path, context: str) -> dict[str, Any]:
    config = tomllib.loads((root / "src" / context / "domain.toml").read_text())
    return config["production"]["server"]


def _deployments(root: Path) -> dict[str, dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(kustomize(root, KUSTOMIZATIONS[-1])) if d]
    return {d["metadata"]["name"]: d for d in objects(docs, "Deployment")}


def _secret_keys(one: dict[str, Any]) -> set[str]:
    return {e["valueFrom"]["secretKeyRef"]["key"] for e in one.get("env", []) if "valueFrom" in e}


def _assert_validators_pass(root: Path, tmp_path: Path) -> None:
    done = run([tool("hadolint"), "--no-color", str(root / "Dockerfile")])
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    renders = []
    for kustomization in KUSTOMIZATIONS:
        out = tmp_path / f"{root.name}-{kustomization.replace('/', '_')}.yaml"
        out.write_text(kustomize(root, kustomization))
        renders.append(str(out))
    done = run([tool("kubernetes-validate"), "--strict", "--quiet", *renders], timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def _assert_engines(root: Path, contexts: tuple[str, ...]) -> None:
    """Each context's engine Deployment as its own domain.toml says, and nothing else."""
    deployments = _deployments(root)
    assert sorted(deployments) == sorted(f"shop-{c}" for c in contexts)
    for context in contexts:
        deployment = deployments[f"shop-{context}"]
        server = _server(root, context)
        domain = f"src/{context}/domain.py"
        engine = container(deployment)
        assert engine["command"] == ["protean", "server", "--domain", domain], context
        port = server["health"]["port"]
        assert server["health"]["host"] == "0.0.0.0", context
        assert engine["ports"] == [{"name": "health", "containerPort": port}], context
        assert engine["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "health"}
        assert engine["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
        drain = engine["lifecycle"]["preStop"]["exec"]["command"][-1]
        assert f"http://127.0.0.1:{port}/drainz" in drain, context
        grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        expected = PRESTOP_WAIT_SECONDS + server["drain_timeout"] + SHUTDOWN_MARGIN_SECONDS
        assert grace == expected, context
        setup = container(deployment, "db-setup")
        assert setup["command"] == ["protean", "db", "setup", "--domain", domain], context
        # Only the context's own keys of the one Secret, every one it reads.
        required = _required(root, context)
        assert _secret_keys(engine) == required, context
        assert _secret_keys(setup) == required, context
        stream = server["default_subscription_type"] == "stream"
        assert deployment["spec"]["strategy"]["type"] == ("RollingUpdate" if stream else "Recreate")
    listed = {
        line.split("=")[0]
        for line in (root / KUSTOMIZATIONS[-1] / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert listed == set().union(*(_required(root, c) for c in contexts))


def _assert_image(root: Path, contexts: tuple[str, ...]) -> None:
    """The one image: its default command starts the only context's engine, or with several
    none (it exits, naming them); every context's health port exposed."""
    instructions = dockerfile_instructions((root / "Dockerfile").read_text())
    [cmd] = [json.loads(args) for word, args in instructions if word == "CMD"]
    ports = {str(_server(root, c)["health"]["port"]) for c in contexts}
    [exposed] = [set(args.split()) for word, args in instructions if word == "EXPOSE"]
    assert exposed == ports
    healthchecks = [args for word, args in instructions if word == "HEALTHCHECK"]
    assert len(healthchecks) == (1 if len(ports) == 1 else 0)
    if len(contexts) == 1:
        assert cmd == ["protean", "server", "--domain", f"src/{contexts[0]}/domain.py"]
        return
    assert "server" not in cmd[:2] and not any(w.startswith("src/") for w in cmd), cmd
    assert cmd[0] == "python"
    done = subprocess.run(
        [sys.executable, *cmd[1:]], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode != 0
    assert all(context in done.stderr for context in contexts), done.stderr


def _assert_compose_engines(root: Path, contexts: tuple[str, ...]) -> None:
    """Compose runs each context's engine from the one image, under the `engines` profile
    (a plain `up` starts the servers only): its command, `db setup` first, its own health
    port and drain, exactly the variables its production reads, each aimed at a compose
    server or left to the shell when none serves it."""
    compose = root / "docker-compose.yml"
    assert_compose_valid(compose, profiles=("engines",))
    services = yaml.safe_load(compose.read_text())["services"]
    servers = {name for name, service in services.items() if "profiles" not in service}
    engines = {name for name in services if name not in servers}
    expected = {f"{c}-{role}" for c in contexts for role in ("engine", "db-setup")}
    assert engines == expected
    for context in contexts:
        server = _server(root, context)
        domain = f"src/{context}/domain.py"
        engine, setup = services[f"{context}-engine"], services[f"{context}-db-setup"]
        for one in (engine, setup):
            assert one["image"] == "shop" and one["build"] == "." and one["profiles"] == ["engines"]
            assert set(one["environment"]) == _required(root, context), context
            for name, value in one["environment"].items():
                if value == f"${{{name}:-}}":
                    continue
                assert urlsplit(value).hostname in servers, (context, name, value)
                assert urlsplit(value).hostname in one["depends_on"], (context, name)
        assert engine["command"] == ["protean", "server", "--domain", domain]
        assert setup["command"] == ["protean", "db", "setup", "--domain", domain]
        assert engine["depends_on"][f"{context}-db-setup"] == {
            "condition": "service_completed_successfully"
        }
        port = server["health"]["port"]
        assert f"http://127.0.0.1:{port}/livez" in engine["healthcheck"]["test"][-1]
        grace = PRESTOP_WAIT_SECONDS + server["drain_timeout"] + SHUTDOWN_MARGIN_SECONDS
        assert engine["stop_grace_period"] == f"{grace}s"
        config = tomllib.loads((root / "src" / context / "domain.toml").read_text())
        databases = [
            config[env]["databases"]["default"]["provider"] for env in ("production", "test")
        ]
        if databases[0] != databases[1]:
            # Production's MySQL: the test run's PostgreSQL URL would be the wrong server.
            variable = f"{context.upper()}_DATABASE_URL"
            assert engine["environment"][variable] == f"${{{variable}:-}}", context


@pytest.mark.parametrize("size", sorted(SIZES))
def test_deploy_at_the_root_gives_every_context_its_engine(
    tmp_path: Path, generated_projects: GeneratedProjects, cli, size: str
) -> None:
    contexts, flags = SIZES[size]
    root = _new(generated_projects, tmp_path / "shop", contexts, *flags)
    compose = root / "docker-compose.yml"
    assert all(
        "profiles" not in s for s in yaml.safe_load(compose.read_text())["services"].values()
    )
    code, out, err = cli("deploy", "kubernetes", "--project", root)
    assert code == 0, err
    assert out.startswith("Deploy: kubernetes; updated: ")
    for context in contexts:
        assert f"src/{context}/domain.toml" in out  # the container's server settings
        assert (root / BASE / f"{context}-engine.yaml").is_file()
    assert yaml.safe_load((root / RECORD).read_text())["deploy"] == "kubernetes"
    _assert_validators_pass(root, tmp_path)
    _assert_engines(root, contexts)
    _assert_image(root, contexts)
    _assert_compose_engines(root, contexts)
    code, out, err = cli("check", "--project", root)
    assert code == 0, out + err
    # Deployed again: nothing left to change.
    code, out, err = cli("deploy", "kubernetes", "--project", root)
    assert code == 0 and out == "Deploy: kubernetes; updated: nothing (already so)\n", out + err
    # No deployment: no image, so no engines in compose.
    assert cli("deploy", "none", "--project", root)[0] == 0
    assert not (root / "Dockerfile").exists()
    assert all(
        "profiles" not in s for s in yaml.safe_load(compose.read_text())["services"].values()
    )
    assert_compose_valid(compose)


def test_a_one_context_workspace_deploys_as_its_context(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    """Before: the record's package (shop) was taken for the context, and the Dockerfile
    conflicted with itself."""
    root = _new(generated_projects, tmp_path / "shop", ("ordering",), deploy="docker")
    code, _out, err = cli("deploy", "kubernetes", "--project", root)
    assert code == 0, err
    _assert_engines(root, ("ordering",))
    _assert_image(root, ("ordering",))


def test_deploy_with_a_context_is_refused_in_one_line(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    root = _new(generated_projects, tmp_path / "shop", ("ordering", "catalogue"))
    before = snapshot(root)
    code, _out, err = cli("deploy", "kubernetes", "--context", "ordering", "--project", root)
    assert code == 2
    assert err.count("\n") == 1 and "--context 'ordering'" in err and "every context" in err
    assert snapshot(root) == before


def test_the_scale_is_checked_in_each_context(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    flags = ("--set", "ordering:production.server.default_subscription_type=stream")
    root = _new(
        generated_projects,
        tmp_path / "shop",
        ("ordering", "catalogue"),
        *flags,
        deploy="kubernetes",
    )
    before = snapshot(root)
    code, _out, err = cli("deploy", "kubernetes", "--replicas", "3", "--project", root)
    assert code == 2 and err.count("\n") == 1, err
    assert "context catalogue: replicas=3" in err and "--context catalogue" in err
    assert "ordering" not in err
    assert snapshot(root) == before
    setting = "production.server.default_subscription_type=stream"
    assert cli("set", setting, "--context", "catalogue", "--project", root)[0] == 0
    code, _out, err = cli("deploy", "kubernetes", "--replicas", "3", "--project", root)
    assert code == 0, err
    for deployment in _deployments(root).values():
        assert deployment["spec"]["replicas"] == 3
        assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"
    record = yaml.safe_load((root / RECORD).read_text())
    assert record["replicas"] == 3
    keys = list(record)  # where `new` writes it: right after deploy
    assert keys.index("replicas") == keys.index("deploy") + 1 < keys.index("contexts")
    code, out, err = cli("deploy", "kubernetes", "--project", root)
    assert code == 0 and out == "Deploy: kubernetes; updated: nothing (already so)\n", out + err
    _assert_validators_pass(root, tmp_path)
    assert cli("deploy", "kubernetes", "--replicas", "1", "--project", root)[0] == 0
    assert "replicas" not in yaml.safe_load((root / RECORD).read_text())


def test_a_dry_run_writes_nothing(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    root = _new(generated_projects, tmp_path / "shop", ("ordering", "catalogue"))
    before = snapshot(root)
    code, out, err = cli("deploy", "kubernetes", "--dry-run", "--project", root)
    assert code == 0, err
    assert "ordering-engine.yaml" in out and "catalogue-engine.yaml" in out
    assert snapshot(root) == before


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, path
    path.write_text(text.replace(old, new, 1))


def test_contexts_added_and_removed_keep_the_users_edits(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    root = _new(generated_projects, tmp_path / "shop", ("ordering", "catalogue"))
    assert cli("deploy", "kubernetes", "--project", root)[0] == 0
    ordering = root / BASE / "ordering-engine.yaml"
    # The user's own: a larger memory limit for ordering's engine, a label on the image.
    _edit(ordering, "              memory: 512Mi", "              memory: 768Mi")
    dockerfile = root / "Dockerfile"
    _edit(dockerfile, "USER 10001\n", 'LABEL org.opencontainers.image.vendor="acme"\nUSER 10001\n')

    assert cli("add-context", "billing", "--project", root)[0] == 0
    assert (root / BASE / "billing-engine.yaml").is_file()
    assert "memory: 768Mi" in ordering.read_text()
    assert 'image.vendor="acme"' in dockerfile.read_text()
    assert "src/billing/domain.py" in dockerfile.read_text()  # the header names its engine
    _assert_engines(root, ("ordering", "catalogue", "billing"))

    assert cli("remove-context", "catalogue", "--project", root)[0] == 0
    assert not (root / BASE / "catalogue-engine.yaml").exists()
    assert "catalogue" not in dockerfile.read_text()
    assert "memory: 768Mi" in ordering.read_text()
    _assert_engines(root, ("ordering", "billing"))
    _assert_image(root, ("ordering", "billing"))
    _assert_compose_engines(root, ("ordering", "billing"))
    _assert_validators_pass(root, tmp_path)

    # Deployed again with another scale: the edits stay.
    setting = "production.server.default_subscription_type=stream"
    for context in ("ordering", "billing"):
        assert cli("set", setting, "--context", context, "--project", root)[0] == 0
    code, _out, err = cli("deploy", "kubernetes", "--replicas", "2", "--project", root)
    assert code == 0, err
    assert "memory: 768Mi" in ordering.read_text()
    assert 'image.vendor="acme"' in dockerfile.read_text()
    assert all(d["spec"]["replicas"] == 2 for d in _deployments(root).values())
    assert cli("check", "--project", root)[0] == 0

    # Back to docker: the manifests go but the one holding the user's edit, which is named.
    code, _out, err = cli("deploy", "docker", "--project", root)
    assert code == 0, err
    assert ordering.is_file() and not (root / BASE / "billing-engine.yaml").exists()
    assert not (root / BASE / "kustomization.yaml").exists()
    assert f"left {BASE}/ordering-engine.yaml" in err
    assert 'image.vendor="acme"' in dockerfile.read_text()


def test_check_reads_each_engine_against_its_own_context(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    """Before: each context's rules read every Deployment, so a fresh workspace had four
    secret-missing errors (ordering's keys missing from catalogue's engine, and back)."""
    root = _new(
        generated_projects, tmp_path / "shop", ("ordering", "catalogue"), deploy="kubernetes"
    )
    code, out, err = cli("check", "--format", "json", "--project", root)
    assert code == 0, out + err
    assert json.loads(out)["findings"] == []
    # Ordering's engine loses one of its keys, and scales out on event-store subscriptions.
    ordering = root / BASE / "ordering-engine.yaml"
    text = ordering.read_text().replace("  replicas: 1\n", "  replicas: 3\n", 1)
    text, removed = re.subn(r"            - name: ORDERING_CACHE_URL\n(?: {14}.*\n){4}", "", text)
    assert removed == 2  # from the db-setup init container and from the engine
    ordering.write_text(text)
    code, out, err = cli("check", "--format", "json", "--project", root)
    assert code == 1, out + err
    findings = json.loads(out)["findings"]
    assert sorted(f["code"] for f in findings) == ["secret-missing", "single-writer"], findings
    for finding in findings:
        assert finding["file"] == f"{BASE}/ordering-engine.yaml"
        assert finding["message"].endswith("(for context ordering)"), finding


def test_the_edit_menus_deploy_is_the_same_workspace_change(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    """The edit menu on one context proposes the whole workspace's deploy, as the command
    writes it (before: refused, "deploy does not change them for one context yet")."""
    from scaffolder.reopen.menu import apply_proposal, propose_deploy
    from scaffolder.reopen.project import open_project

    by_menu = _new(generated_projects, tmp_path / "menu" / "shop", ("ordering", "catalogue"))
    by_command = _new(generated_projects, tmp_path / "command" / "shop", ("ordering", "catalogue"))
    proposal = propose_deploy(open_project(by_menu, "catalogue"), "kubernetes")
    assert {f"{BASE}/ordering-engine.yaml", f"{BASE}/catalogue-engine.yaml"} <= set(proposal.paths)
    apply_proposal(proposal)
    assert cli("deploy", "kubernetes", "--project", by_command)[0] == 0
    assert snapshot(by_menu) == snapshot(by_command)


def test_the_readme_says_how_the_engines_run(
    tmp_path: Path, generated_projects: GeneratedProjects
) -> None:
    """Its commands name what the files hold: the compose profile, and the Secret every
    Deployment reads its keys from."""
    root = _new(
        generated_projects, tmp_path / "shop", ("ordering", "catalogue"), deploy="kubernetes"
    )
    readme = (root / "README.md").read_text()
    services = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]
    [profile] = {p for s in services.values() for p in s.get("profiles", [])}
    assert f"docker compose --profile {profile} up -d --build" in readme
    secrets = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for d in _deployments(root).values()
        for e in container(d)["env"]
        if "valueFrom" in e
    }
    assert len(secrets) == 1 and f"kubectl create secret generic {secrets.pop()} " in readme
    assert "its default command starts no engine" in readme


def test_a_conflicting_edit_writes_nothing_unless_forced(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    """The user changed the very line the new scale regenerates: nothing is written (no
    context's domain.toml either), and --force takes the regenerated line."""
    flags = ("--set", "production.server.default_subscription_type=stream")
    root = _new(
        generated_projects,
        tmp_path / "shop",
        ("ordering", "catalogue"),
        *flags,
        deploy="kubernetes",
    )
    ordering = root / BASE / "ordering-engine.yaml"
    _edit(ordering, "  replicas: 1\n", "  replicas: 5\n")
    before = snapshot(root)
    code, _out, err = cli("deploy", "kubernetes", "--replicas", "2", "--project", root)
    assert code == 1 and "ordering-engine.yaml" in err and "nothing written" in err, err
    assert snapshot(root) == before
    code, _out, err = cli("deploy", "kubernetes", "--replicas", "2", "--force", "--project", root)
    assert code == 0, err
    assert all(d["spec"]["replicas"] == 2 for d in _deployments(root).values())
