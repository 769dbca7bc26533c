"""The deployment files, run: a generated project's engine as its Dockerfile and Deployment say.

No Docker engine and no cluster here, so the image is "built" the way the Dockerfile builds it
and the pod is started the way the Deployment starts it, both read from the generated files:

- the builder stage's RUN commands (all but apt-get, which needs a root system of its own) run
  in order in a copy of the build context (.dockerignore applied), its venv in place of
  /opt/venv: the dependencies come from the project's own pyproject.toml, as in the image;
- the engine's command is the Dockerfile's CMD, which must equal the Deployment's command;
  its environment is the final stage's ENV overlaid with the Deployment's env, each
  secretKeyRef filled from a Secret made of the committed template's keys, pointed at
  PostgreSQL, Message DB and Redis on loopback;
- the init container's `protean db setup` runs first; then the engine; probes use the
  Deployment's paths on domain.toml's health port; the preStop hook is the Deployment's own
  command; SIGTERM must end the engine within terminationGracePeriodSeconds.

One change to the copy, said here because it is the only one: [production.server.health]
binds 0.0.0.0:8080 for the container; on a shared test machine the engine is bound to
127.0.0.1 on a free port instead (nothing of a test listens beyond loopback), and every URL
the test uses is re-aimed at that port.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import port_for
import psycopg
import pytest
import yaml

from . import projects, servers

pytestmark = pytest.mark.slow
PIP_TIMEOUT = 900
WAIT = 90.0  # seconds any one state change may take under a loaded machine


def _instructions(text: str) -> list[tuple[str, str]]:
    from tests.deploy.support import dockerfile_instructions

    return dockerfile_instructions(text)


def _stages(text: str) -> list[list[tuple[str, str]]]:
    from tests.deploy.support import dockerfile_stages

    return dockerfile_stages(text)


def _dockerignored(root: Path) -> list[str]:
    lines = (root / ".dockerignore").read_text().splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and line[0] != "#"]


def _build_context(project: Path, target: Path) -> Path:
    """The project as `docker build` sees it: .dockerignore's patterns left out."""
    patterns = _dockerignored(project)

    def ignored(relative: str) -> bool:
        for pattern in patterns:
            bare = pattern.removeprefix("**/")
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(Path(relative).name, bare):
                return True
        return False

    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if any(
            ignored("/".join(relative.split("/")[: i + 1])) for i in range(relative.count("/") + 1)
        ):
            continue
        if path.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
    return target


def _env_value(args: str) -> dict[str, str]:
    """`ENV A=1 B="x y"` as a dict."""
    return dict(part.split("=", 1) for part in shlex.split(args))


def _wait_for(predicate, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.fixture(scope="module", params=["event_store", "stream"])
def deployed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    e2e_postgres_server: servers.PostgresServer,
    message_db_url: str,
    redis_url: str,
) -> dict:
    """The generated project, its image built as the Dockerfile says, and what the engine
    needs to start as the Deployment says."""
    folder = tmp_path_factory.mktemp("deploy-engine")
    kind = request.param
    sets = ["deploy=kubernetes", f"production.server.default_subscription_type={kind}"]
    if kind == "stream":
        # Stream subscriptions scale out (Redis Streams groups); commands run in the sender
        # (check's stream-commands: Protean 0.18 stores async commands in the event store).
        sets += ["replicas=2", "production.command_processing=sync"]
    case = projects.Case(f"deploy-{kind.replace('_', '-')}", sets=tuple(sets))
    project = projects.generate(case, folder).root
    dockerfile = (project / "Dockerfile").read_text()
    builder, final = _stages(dockerfile)

    # The image: the builder's RUN commands, in order, in the build context.
    app = _build_context(project, folder / "app")
    venv = folder / "venv"
    ran = []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROTEAN_", "VIRTUAL_ENV"))}
    for word, args in builder:
        if word == "WORKDIR":
            image_root = args
        elif word == "ENV":
            for key, value in _env_value(args).items():
                value = value.replace("$PATH", env.get("PATH", ""))
                env[key] = value.replace("/opt/venv", str(venv))
        elif word == "RUN":
            command = re.sub(r"--mount=\S+\s*", "", args)
            if command.startswith("apt-get"):
                continue  # a Debian root of its own; CI installs the same packages
            command = command.replace("/opt/venv", str(venv))
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=app,
                env={**env, "PATH": f"{venv}/bin:{env.get('PATH', '')}"},
                capture_output=True,
                text=True,
                timeout=PIP_TIMEOUT,
                check=False,
            )
            assert done.returncode == 0, (
                f"RUN {command}\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
            )
            ran.append(command)
    assert image_root == "/app"
    assert any("pip install -r requirements.txt" in c for c in ran), ran

    # The pod: the production render of the kustomization.
    from tests.deploy.support import tool

    render = subprocess.run(
        [tool("kubectl"), "kustomize", str(project / "deploy/kubernetes/overlays/production")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    [deployment] = [d for d in yaml.safe_load_all(render) if d and d["kind"] == "Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    [engine] = pod["containers"]
    [setup] = pod.get("initContainers", [])

    # The Secret, from the committed template's keys, aimed at loopback servers.
    database = e2e_postgres_server.create_database(f"deploy_{uuid.uuid4().hex[:8]}")
    cache = redis_url.rsplit("/", 1)[0] + "/2"
    by_variable = {
        "DATABASE_URL": database,
        "BROKER_URL": redis_url,
        "EVENT_STORE_URL": message_db_url,
        "CACHE_URL": cache,
    }
    example = project / "deploy/kubernetes/overlays/production/.env.example"
    keys = [
        line.split("=")[0]
        for line in example.read_text().splitlines()
        if "=" in line and line[0] != "#"
    ]
    secret = {key: by_variable[key] for key in keys}

    # The image's environment (final stage ENV), then the container's env.
    image_env = dict(env)
    for word, args in final:
        if word == "ENV":
            for key, value in _env_value(args).items():
                image_env[key] = value.replace("$PATH", os.environ["PATH"]).replace(
                    "/opt/venv", str(venv)
                )

    def container_env(container: dict) -> dict[str, str]:
        result = dict(image_env)
        for entry in container["env"]:
            if "value" in entry:
                result[entry["name"]] = entry["value"]
            else:
                ref = entry["valueFrom"]["secretKeyRef"]
                result[entry["name"]] = secret[ref["key"]]
        return result

    # domain.toml's health server, moved to loopback on a free port (see the module doc).
    config = app / "domain.toml"
    text = config.read_text()
    tree = tomllib.loads(text)
    health = tree["production"]["server"]["health"]
    assert health == {"host": "0.0.0.0", "port": engine["ports"][0]["containerPort"]}
    port = port_for.get_port(None)
    moved = text.replace('host = "0.0.0.0"\nport = 8080', f'host = "127.0.0.1"\nport = {port}')
    assert moved != text
    config.write_text(moved)

    return {
        "project": project,
        "app": app,
        "dockerfile_cmd": json.loads(dict(final)["CMD"]),
        "deployment": deployment,
        "engine": engine,
        "setup": setup,
        "engine_env": container_env(engine),
        "setup_env": container_env(setup),
        "port": port,
        "original_port": health["port"],
        "database": database,
        "package": case.package,
    }


def test_the_engine_runs_as_the_deployment_says(deployed: dict) -> None:
    app, engine = deployed["app"], deployed["engine"]
    port, original = deployed["port"], deployed["original_port"]
    pod = deployed["deployment"]["spec"]["template"]["spec"]
    assert engine["command"] == deployed["dockerfile_cmd"]
    assert deployed["engine_env"]["PROTEAN_ENV"] == "production"

    # The image's root filesystem is read-only: nothing below the app may be written.
    before = sorted(p.relative_to(app).as_posix() for p in app.rglob("*"))

    # protean db setup, as the init container runs it, before the engine.
    setup = subprocess.run(
        deployed["setup"]["command"],
        cwd=app,
        env=deployed["setup_env"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr

    log = (app.parent / "engine.log").open("w")
    process = subprocess.Popen(
        engine["command"],
        cwd=app,
        env=deployed["engine_env"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def probe(kind: str) -> str:
        path = engine[kind]["httpGet"]["path"]
        return f"http://127.0.0.1:{port}{path}"

    try:
        _wait_for(lambda: _get(probe("livenessProbe")) == 200, "/livez 200")
        _wait_for(lambda: _get(probe("readinessProbe")) == 200, "/readyz 200")

        # A command from another process, as an application sends it. event_store: async,
        # the engine handles the command, then its event; stream: the sender handles the
        # command (sync), the engine the event, through the outbox and Redis Streams.
        email = f"deploy-{uuid.uuid4().hex}@example.com"
        sender = subprocess.run(
            [
                "python",
                "-c",
                f"from {deployed['package']}.domain import domain\n"
                "domain.init()\n"
                "with domain.domain_context():\n"
                f"    from {deployed['package']}.customers.registration import RegisterCustomer\n"
                f"    domain.process(RegisterCustomer(name='Deployed', email={email!r}))\n",
            ],
            cwd=app,
            env=deployed["engine_env"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert sender.returncode == 0, sender.stdout + sender.stderr

        def welcomed() -> bool:
            with psycopg.connect(deployed["database"]) as conn:
                row = conn.execute(
                    "SELECT welcomed FROM customer WHERE email = %s", (email,)
                ).fetchone()
            return bool(row and row[0])

        _wait_for(welcomed, "the customer stored and welcomed by the engine")

        # The preStop hook, as written in the Deployment (aimed at the moved port): drains.
        prestop = [
            part.replace(f":{original}/", f":{port}/")
            for part in engine["lifecycle"]["preStop"]["exec"]["command"]
        ]
        hook = subprocess.run(
            prestop,
            cwd=app,
            env=deployed["engine_env"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert hook.returncode == 0, hook.stdout + hook.stderr
        _wait_for(lambda: _get(probe("readinessProbe")) == 503, "/readyz 503 after /drainz")
        assert _get(probe("livenessProbe")) == 200  # draining, still alive

        # SIGTERM: the engine finishes within the grace period the pod gives it.
        process.send_signal(signal.SIGTERM)
        grace = pod["terminationGracePeriodSeconds"]
        code = process.wait(timeout=grace)  # raises TimeoutExpired past the grace period
        assert code == 0, (app.parent / "engine.log").read_text()[-4000:]
        assert sorted(p.relative_to(app).as_posix() for p in app.rglob("*")) == before
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        log.close()
