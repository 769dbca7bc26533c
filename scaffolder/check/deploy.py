"""Deployment rules: the Dockerfile, the Kubernetes manifests and CI against the engine.

What Protean 0.18 accepts silently and a deployment gets wrong (scaffolder.deployment has the
facts): more than one engine process with event-store subscriptions (each handles every event
again); a health server left on loopback in a container (no probe reaches it); a probe path or
port the engine does not serve; a variable production reads with no default that the pod's
environment does not supply (the engine fails at start-up); and `PROTEAN_ENV` exported in a CI
job that also passes `--protean-env` (Protean's pytest plugin sets PROTEAN_ENV with
`setdefault`, so the flag is ignored).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from scaffolder.check.findings import ERROR, WARNING
from scaffolder.config_tree import resolve
from scaffolder.deployment import (
    DOCKERFILE,
    ENGINE_PATHS,
    KUBERNETES_DIR,
    LOOPBACK_HOSTS,
    production_needs,
    server_settings,
    single_writer,
)
from scaffolder.project_files import GITHUB_WORKFLOW, GITLAB_CI, domain_config
from scaffolder.spec.environments import PRODUCTION

PROTEAN_ENV = "PROTEAN_ENV"


def rule(ctx: Any) -> None:
    """Every deployment rule for the project at `ctx.root` (a check.context.ProjectContext)."""
    root: Path = ctx.root
    c = ctx.collector
    tree = c.source.raw
    settings = server_settings(tree)
    dockerfile = root / DOCKERFILE
    manifests = (
        sorted((root / KUBERNETES_DIR).rglob("*.yaml")) if (root / KUBERNETES_DIR).is_dir() else []
    )
    # In a workspace each context's engine has its Deployment: a context's rules read its own.
    config = root / c.source.file
    containers = [
        found
        for found in _manifest_containers(root, manifests, ctx)
        if _runs_config(root, found[3], config)
    ]
    docker = ctx.text(dockerfile) if dockerfile.is_file() else None
    if docker is not None:
        ctx.files.append(DOCKERFILE)
    docker_text = docker or ""
    if containers or _exposes(docker_text, settings["health_port"]):
        _container_health(c, settings)
    if docker is not None or containers:
        _stream_broker(c, tree, settings)
    if docker is not None:
        _dockerfile(c, docker_text, settings)
    # `derive` fixes a manifest only while protean-init derives the manifests; after a switch
    # to docker (or for manifests of the user's own) the fix is theirs to make.
    derived = ctx.answers.get("deploy") == "kubernetes"
    rederive = (
        "protean-init derive"
        if derived
        else f"by hand: protean-init no longer derives these manifests (deploy: "
        f"{ctx.answers.get('deploy') or 'none'})"
    )
    for file, text, deployment, container in containers:
        _engine_container(c, file, text, deployment, container, settings, tree, rederive)
    for relative in (GITHUB_WORKFLOW, GITLAB_CI):
        path = root / relative
        text = ctx.text(path) if path.is_file() else None
        if text is not None:
            _ci_protean_env(c, relative, text)


def _line(text: str, needle: str) -> int:
    for number, row in enumerate(text.splitlines(), 1):
        if needle in row:
            return number
    return 1


def _exposes(dockerfile: str, port: int) -> bool:
    """Whether the Dockerfile EXPOSEs the health server's port: only then is it reached from
    outside the container. Docker's own HEALTHCHECK runs inside the container, where loopback
    answers (`protean new`'s Dockerfile exposes nothing and checks from inside)."""
    for row in dockerfile.splitlines():
        words = row.split()
        exposed = {word.split("/")[0] for word in words[1:]}
        if words and words[0].upper() == "EXPOSE" and str(port) in exposed:
            return True
    return False


def _container_health(c: Any, settings: Mapping[str, Any]) -> None:
    """A health server on loopback, in a deployment that probes it from outside the container
    (a Kubernetes probe, or a port the Dockerfile EXPOSEs)."""
    host = settings["health_host"]
    if host in LOOPBACK_HOSTS:
        line = c.source.where(PRODUCTION, ("server", "health", "host"))
        c.add(
            ERROR,
            "health-on-loopback",
            f"the engine's health server binds {host} in production, inside a container: "
            "no probe from outside the container reaches it, so the pod is never ready",
            line=line,
            env=PRODUCTION,
            fix='set host = "0.0.0.0" in [production.server.health]',
        )


def _stream_broker(c: Any, tree: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
    """Stream subscriptions share work through the broker's consumer groups: Redis Streams
    (`redis`). Pub/sub and the in-process broker have none that engines could share."""
    if single_writer(settings):
        return
    production = resolve(tree, PRODUCTION)
    if production.get("command_processing") == "async":
        # protean/domain/command_processor.py: an async command is appended to the event
        # store; the engine's command subscription of type stream reads the broker instead.
        # protean-init's e2e run saw such a command never handled.
        c.add(
            WARNING,
            "stream-commands",
            'default_subscription_type = "stream" with command_processing = "async": '
            "Protean 0.18 appends an async command to the event store, while the engine's "
            "stream subscription for commands reads the broker, so command handlers never "
            "receive commands sent with domain.process",
            line=c.source.where(PRODUCTION, ("command_processing",)),
            env=PRODUCTION,
            fix='set command_processing = "sync" in [production] (events still scale out), '
            'or keep default_subscription_type = "event_store" with one engine',
        )
    brokers = production.get("brokers")
    default = brokers.get("default") if isinstance(brokers, dict) else None
    provider = default.get("provider") if isinstance(default, dict) else "inline"
    if provider != "redis":
        c.add(
            WARNING,
            "stream-broker",
            f'default_subscription_type = "stream" in production, with the {provider!r} '
            "broker: stream subscriptions read Redis Streams consumer groups, which only the "
            "'redis' broker has, so engines in other pods never share the work",
            line=c.source.where(PRODUCTION, ("brokers", "default", "provider")),
            env=PRODUCTION,
            fix='set provider = "redis" in [production.brokers.default]',
        )


def _usable_port(value: object) -> bool:
    """A port a fix may name: not `"eighty"` or `true` (check.kinds reports those)."""
    if isinstance(value, str):
        return value.isdigit() or "${" in value
    return isinstance(value, int) and not isinstance(value, bool)


def _dockerfile(c: Any, text: str, settings: Mapping[str, Any]) -> None:
    port = settings["health_port"]
    usable = _usable_port(port)
    for number, row in enumerate(text.splitlines(), 1):
        stripped = row.strip()
        if stripped.upper().startswith("EXPOSE ") and usable:
            exposed = {p.split("/")[0] for p in stripped.split()[1:]}
            if str(port) not in exposed:
                c.add(
                    ERROR,
                    "probe-port",
                    f"EXPOSE {' '.join(sorted(exposed))}, but the engine's health server "
                    f"listens on {port} ([production.server.health] port)",
                    line=number,
                    env=PRODUCTION,
                    fix=f"EXPOSE {port}, or re-derive: protean-init derive",
                    file=DOCKERFILE,
                )
        for url in re.findall(r"http://[^'\" )]+", row) if usable else []:
            _probe_url(c, DOCKERFILE, number, url, port)
        if stripped.upper().startswith("CMD ") and "--workers" in stripped:
            _workers(c, DOCKERFILE, number, stripped, settings)


def _probe_url(c: Any, file: str, line: int, url: str, port: int) -> None:
    match = re.match(r"http://[^/:]+(?::(\d+))?(/[^?#]*)?", url)
    if not match:
        return
    used_port = int(match.group(1) or 80)
    path = match.group(2) or "/"
    ok_path = path == "/drainz" or path in ENGINE_PATHS
    if used_port != port or not ok_path:
        c.add(
            ERROR,
            "probe-path",
            f"{url} is not an endpoint of the engine's health server, which serves /livez, "
            f"/readyz and POST /drainz on port {port}",
            line=line,
            env=PRODUCTION,
            fix=f"use http://127.0.0.1:{port}/livez (or /readyz)",
            file=file,
        )


def _workers(c: Any, file: str, line: int, command: str, settings: Mapping[str, Any]) -> None:
    match = re.search(r"--workers\W+(\d+)", command)
    if match and int(match.group(1)) > 1 and single_writer(settings):
        c.add(
            ERROR,
            "single-writer",
            f"--workers {match.group(1)} with event-store subscriptions: they are single-writer "
            "and `protean server` refuses to start",
            line=line,
            env=PRODUCTION,
            fix='set default_subscription_type = "stream" in [production.server], or one worker',
            file=file,
        )


def _manifest_containers(
    root: Path, manifests: list[Path], ctx: Any
) -> Iterator[tuple[str, str, dict, dict]]:
    """(file, text, Deployment, engine container) for each Deployment in the manifests."""

    for path in manifests:
        relative = path.relative_to(root).as_posix()
        text = ctx.text(path)
        if text is None:
            continue
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue  # not ours to report: kubectl says where
        for doc in docs:
            if not isinstance(doc, dict) or doc.get("kind") != "Deployment":
                continue
            ctx.files.append(relative)
            pod = ((doc.get("spec") or {}).get("template") or {}).get("spec") or {}
            for container in pod.get("containers") or []:
                if isinstance(container, dict):
                    yield relative, text, doc, container


def _runs_config(root: Path, container: dict, config: Path) -> bool:
    """Whether the engine `container` starts reads `config`: its `--domain` module finds it
    first (Protean looks from the module's folder upwards). A command naming no domain, or
    one whose module finds no config of the project, is checked against every config."""

    command = container.get("command") or container.get("args") or []
    words = [str(word) for word in command] if isinstance(command, list) else []
    domain = None
    for index, word in enumerate(words):
        if word == "--domain" and index + 1 < len(words):
            domain = words[index + 1]
        elif word.startswith("--domain="):
            domain = word.partition("=")[2]
    found = domain_config(root, domain) if domain else None
    return found is None or found.path.resolve() == config.resolve()


def _engine_container(
    c: Any,
    file: str,
    text: str,
    deployment: dict,
    container: dict,
    settings: Mapping[str, Any],
    tree: Mapping[str, Any],
    rederive: str,
) -> None:
    port = settings["health_port"]
    replicas = (deployment.get("spec") or {}).get("replicas", 1)
    if isinstance(replicas, int) and replicas > 1 and single_writer(settings):
        c.add(
            ERROR,
            "single-writer",
            f"replicas: {replicas} with event-store subscriptions: they are single-writer, so "
            "every pod would handle every event again",
            line=_line(text, "replicas:"),
            env=PRODUCTION,
            fix='replicas: 1 with strategy Recreate, or default_subscription_type = "stream"',
            file=file,
        )
    command = container.get("command") or container.get("args") or []
    if isinstance(command, list) and "--workers" in command:
        _workers(c, file, _line(text, "--workers"), " ".join(map(str, command)), settings)
    named = {
        p.get("name"): p.get("containerPort")
        for p in container.get("ports") or []
        if isinstance(p, dict)
    }
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        http = (container.get(kind) or {}).get("httpGet")
        if not isinstance(http, dict) or not _usable_port(port):
            continue
        probe_port = http.get("port")
        resolved = named.get(probe_port, probe_port)
        path = http.get("path", "/")
        if resolved != port or path not in ENGINE_PATHS:
            c.add(
                ERROR,
                "probe-path",
                f"the {kind} asks {path} on port {probe_port}; the engine serves /livez and "
                f"/readyz on port {port} ([production.server.health])",
                line=_line(text, f"{kind}:"),
                env=PRODUCTION,
                fix=f"httpGet path /livez (liveness) or /readyz (readiness), port {port}",
                file=file,
            )
    supplied = {e.get("name") for e in container.get("env") or [] if isinstance(e, dict)}
    from_all = bool(container.get("envFrom"))
    required, _, _ = production_needs(tree)
    for variable in required:
        if variable not in supplied and not from_all:
            c.add(
                ERROR,
                "secret-missing",
                f"production reads ${{{variable}}} with no default and the engine container "
                "does not set it: the engine fails at start-up",
                line=_line(text, "env:"),
                env=PRODUCTION,
                fix=f"add {variable} to env with valueFrom.secretKeyRef ({rederive})",
                file=file,
            )


def _ci_protean_env(c: Any, file: str, text: str) -> None:
    """A CI job that exports PROTEAN_ENV and also runs pytest --protean-env: the flag loses."""

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return
    if not isinstance(data, dict):
        return
    for name, env, commands in _ci_jobs(file, data):
        if PROTEAN_ENV not in env:
            continue
        for command in commands:
            if "--protean-env" not in command:
                continue
            flag = next(
                (w for w in shlex.split(command, comments=True) if w.startswith("--protean-env")),
                "--protean-env",
            )
            c.add(
                WARNING,
                "protean-env-ignored",
                f"CI job {name!r} exports PROTEAN_ENV={env[PROTEAN_ENV]} and runs {flag}: "
                "Protean's pytest plugin sets PROTEAN_ENV only if unset, so the flag is ignored",
                line=_line(text, "--protean-env"),
                env=None,
                fix=f"drop PROTEAN_ENV from job {name!r}'s environment, or the flag",
                file=file,
            )
            break


def _ci_jobs(file: str, data: dict) -> Iterator[tuple[str, dict, list[str]]]:
    """(job name, its effective environment, its shell lines) for GitHub and GitLab."""
    if file == GITHUB_WORKFLOW:
        top = _strings(data.get("env"))
        for name, job in (data.get("jobs") or {}).items():
            if not isinstance(job, dict):
                continue
            env = {**top, **_strings(job.get("env"))}
            for step in job.get("steps") or []:
                if isinstance(step, dict) and isinstance(step.get("run"), str):
                    yield str(name), {**env, **_strings(step.get("env"))}, [step["run"]]
    else:
        top = _strings(data.get("variables"))
        for name, job in data.items():
            if not isinstance(job, dict) or "script" not in job:
                continue
            env = {**top, **_strings(job.get("variables"))}
            lines = [
                line
                for key in ("before_script", "script")
                for line in (job.get(key) or [])
                if isinstance(line, str)
            ]
            yield str(name), env, lines


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {
        str(k): (json.dumps(v) if not isinstance(v, str) else v)
        for k, v in value.items()
        if not isinstance(v, dict)
    }
