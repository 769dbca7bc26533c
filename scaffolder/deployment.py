"""What a project's deployment files need from domain.toml: the engine's production shape.

`new --deploy docker|kubernetes|none` chooses the files (Dockerfile and .dockerignore; with
kubernetes also a Kustomize base and production overlay). Their content is a pure function of
the parsed domain.toml, as compose and CI are: the production overlay's server settings
(`[production.server]`, `[production.server.health]`), the variables it reads with no
default (the Secret), and the providers that need `protean db setup`.

Facts about Protean 0.18's engine these files rely on (checked in the installed package,
protean/server/health.py, engine.py, cli/__init__.py):
- the health server serves GET /livez (= /healthz), GET /readyz (503 while draining or a
  provider is down) and POST /drainz, on `[server.health]` host (default 127.0.0.1: a probe
  from outside the container never reaches it) and port (default 8080);
- on SIGTERM the engine stops taking work and waits `[server].drain_timeout` (default 10 s)
  for in-flight handlers;
- event-store subscriptions (`default_subscription_type = "event_store"`, the default) are
  single-writer: `protean server --workers N` refuses them, and two pods would each process
  every event. Stream subscriptions (Redis Streams consumer groups) scale out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scaffolder.config_tree import Tree, resolve
from scaffolder.project_files import domain_module
from scaffolder.spec.environments import BASE, PRODUCTION
from scaffolder.spec.settings import DEFAULT_SUBSCRIPTION_TYPE

if TYPE_CHECKING:
    from scaffolder.plan import Plan

# Protean 0.18's own defaults for what it reads from [server] and [server.health] (the
# subscription type's is spec.DEFAULT_SUBSCRIPTION_TYPE).
DEFAULT_HEALTH_HOST = "127.0.0.1"
DEFAULT_HEALTH_PORT = 8080
DEFAULT_DRAIN_TIMEOUT = 10
# What a container deployment writes into [production.server.health]: probes come from
# outside the container's loopback.
CONTAINER_HEALTH_HOST = "0.0.0.0"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Engine endpoints (protean/server/health.py).
LIVENESS_PATH = "/livez"
READINESS_PATH = "/readyz"
DRAIN_PATH = "/drainz"
ENGINE_PATHS = frozenset({"/livez", "/healthz", "/readyz"})

# The preStop hook drains, then waits this long so in-flight handlers finish and the
# endpoints drop the pod before SIGTERM; the margin covers closing providers after the drain.
PRESTOP_WAIT_SECONDS = 5
SHUTDOWN_MARGIN_SECONDS = 15

# A slim image pinned to a Python minor version the generated pyproject allows (>=3.11).
PYTHON_IMAGE = "python:3.12-slim-trixie"
# The uv image a uv project's Dockerfile copies uv from: pinned (hadolint DL3007), the release
# this repository's own test tier installs projects with.
UV_VERSION = "0.13.9"
APP_UID = 10001
APP_ROOT = "/app"
VENV = "/opt/venv"

DOCKERFILE = "Dockerfile"
DOCKERIGNORE = ".dockerignore"
KUBERNETES_DIR = "deploy/kubernetes"
KUSTOMIZATIONS = (f"{KUBERNETES_DIR}/base", f"{KUBERNETES_DIR}/overlays/production")
KUBERNETES_FILES = (
    f"{KUBERNETES_DIR}/base/kustomization.yaml",
    f"{KUBERNETES_DIR}/base/deployment.yaml",
    f"{KUBERNETES_DIR}/overlays/production/kustomization.yaml",
    f"{KUBERNETES_DIR}/overlays/production/.env.example",
)
SECRETS_ENV = f"{KUBERNETES_DIR}/overlays/production/.env"
DEPLOY_FILES = (DOCKERFILE, DOCKERIGNORE, *KUBERNETES_FILES)

# Debian packages per pip extra: what building its wheels needs, and what they load at run
# time. message-db-py depends on psycopg2, built from source against libpq.
_BUILD_PACKAGES = {"message-db": ("gcc", "libc6-dev", "libpq-dev")}
_RUNTIME_PACKAGES = {"message-db": ("libpq5",), "mssql": ("unixodbc",)}


def files_for(deploy: str) -> tuple[str, ...]:
    """The files a deploy choice writes."""
    if deploy == "docker":
        return (DOCKERFILE, DOCKERIGNORE)
    if deploy == "kubernetes":
        return DEPLOY_FILES
    return ()


def app_name(project_name: str) -> str:
    """A Kubernetes object name (a DNS-1123 label): `Acme_Shop.api` -> acme-shop-api."""
    name = re.sub(r"[^a-z0-9-]+", "-", project_name.lower()).strip("-")
    return (name or "app")[:40].rstrip("-")


def server_settings(tree: Tree, env: str = PRODUCTION) -> dict[str, Any]:
    """`[server]` as `env` resolves it, with Protean's defaults for what the files use."""
    server = resolve(tree, env).get("server")
    server = server if isinstance(server, Mapping) else {}
    health = server.get("health")
    health = health if isinstance(health, Mapping) else {}
    return {
        "subscription_type": server.get("default_subscription_type", DEFAULT_SUBSCRIPTION_TYPE),
        "profile": server.get("default_subscription_profile"),
        "drain_timeout": server.get("drain_timeout", DEFAULT_DRAIN_TIMEOUT),
        "health_enabled": health.get("enabled", True),
        "health_host": health.get("host", DEFAULT_HEALTH_HOST),
        "health_port": health.get("port", DEFAULT_HEALTH_PORT),
    }


def single_writer(settings: Mapping[str, Any]) -> bool:
    """Event-store subscriptions: one engine process in the whole deployment."""
    return settings["subscription_type"] != "stream"


def grace_seconds(drain_timeout: object) -> int:
    """terminationGracePeriodSeconds: the preStop wait, the engine's drain, and a margin."""
    drain = drain_timeout if isinstance(drain_timeout, int | float) else DEFAULT_DRAIN_TIMEOUT
    return PRESTOP_WAIT_SECONDS + int(-(-drain // 1)) + SHUTDOWN_MARGIN_SECONDS


def production_needs(tree: Tree, plan: Plan | None = None) -> tuple[list[str], bool, list[str]]:
    """(variables production reads with no default, whether it has tables to create, extras).
    `plan`: the tree's, when the caller has it: production is its overlay's environment, or
    base's when there is none (as `resolve` selects it), already walked there."""
    # deferred: scaffolder.plan ~2 ms (CPU, measured): `check` imports this module without it
    from scaffolder.plan import slot_uses, variables_of

    if plan is not None:
        env = PRODUCTION if PRODUCTION in plan.environments else BASE
        uses, variables = plan.uses[env], plan.variables[env]
    else:
        config = resolve(tree, PRODUCTION)
        uses = slot_uses(config)
        variables = variables_of(uses, config)
    required = [v.name for v in variables if v.default is None]
    extras = sorted({use.provider.extra for use in uses if use.provider.extra})
    return required, any(use.provider.needs_tables for use in uses), extras


def deployment_context(
    tree: Tree,
    project_name: str,
    package_name: str,
    extras: list[str],
    *,
    replicas: int = 1,
    workers: int = 1,
    plan: Plan | None = None,
) -> dict[str, Any]:
    """Everything the Dockerfile and the manifests read, as plain data for the template.

    `extras` are the pip extras pyproject.toml installs (every environment's providers):
    they decide the Debian packages the image builds and runs with. `plan`: the tree's, when
    the caller has it.
    """
    settings = server_settings(tree)
    required, needs_tables, _ = production_needs(tree, plan)
    name = app_name(project_name)
    build = sorted({p for extra in extras for p in _BUILD_PACKAGES.get(extra, ())})
    runtime = sorted({p for extra in extras for p in _RUNTIME_PACKAGES.get(extra, ())})
    command = ["protean", "server", "--domain", domain_module(package_name)]
    if workers > 1:
        command += ["--workers", str(workers)]
    return {
        "name": name,
        "image": name,
        "secret": f"{name}-secrets",
        "python_image": PYTHON_IMAGE,
        "uv_version": UV_VERSION,
        "uid": APP_UID,
        "app_root": APP_ROOT,
        "venv": VENV,
        "build_packages": build,
        "runtime_packages": runtime,
        "command": command,
        "db_setup": ["protean", "db", "setup", "--domain", domain_module(package_name)],
        "needs_db_setup": needs_tables,
        "secret_variables": required,
        "port": settings["health_port"],
        # The ports the image EXPOSEs: a workspace's image serves every context's engine.
        "ports": [settings["health_port"]],
        "host": settings["health_host"],
        "drain_timeout": settings["drain_timeout"],
        "subscription_type": settings["subscription_type"],
        "single_writer": single_writer(settings),
        "replicas": replicas,
        "workers": workers,
        "prestop_wait": PRESTOP_WAIT_SECONDS,
        "grace": grace_seconds(settings["drain_timeout"]),
        "liveness": LIVENESS_PATH,
        "readiness": READINESS_PATH,
        "drain": DRAIN_PATH,
    }
