"""Local defaults that reach the services the project's own compose file runs.

An edit writes a new connection string with the catalog's local default
(`${REPORTS_DATABASE_URL|postgresql://...@localhost:5432/shop}`). When the project's compose
file already has a PostgreSQL of the user's on host port 15432, that service is used (see
scaffolder.reopen.merge_compose) and the default must say 15432; when another service already
publishes 6379, the Redis protean-init adds goes on 6380, and the default must say 6380.
Only values this edit wrote or changed are re-aimed (the user's own lines are never
touched), by replacing the port inside the value's token (scaffolder.toml.edit.set_value,
verified). The plan then publishes each service on the port its defaults name, so compose,
CI and .env.example agree with domain.toml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaffolder.catalog import Service
from scaffolder.config_tree import ResolvedEnvironments, Tree, base_of
from scaffolder.inputs import read_text
from scaffolder.plan import Plan
from scaffolder.project_files import COMPOSE_NAMES, ConfigFile
from scaffolder.reopen.config_state import ConfigState
from scaffolder.spec.environments import BASE
from scaffolder.toml.edit import set_value
from scaffolder.toml.errors import TomlEditError


def compose_ports(root: Path, plan: Plan) -> dict[str, int]:
    """Catalog service -> the host port it will be reached on, where that is not the port
    the config's defaults name (`plan`, the edited config's): a reused service's published
    port, or a moved one."""
    compose = next((root / n for n in COMPOSE_NAMES if (root / n).is_file()), None)
    if compose is None:
        return {}
    # deferred: scaffolder.reopen.merge_compose, yaml_insert ~3.5 ms (CPU, measured): read for a
    # compose file on disk, when an edit wrote a connection string for a service only
    from scaffolder.reopen.merge_compose import plan_additions, published_ports
    from scaffolder.reopen.yaml_insert import YamlInsertError, load_plain

    try:
        yours = load_plain(read_text(compose, compose.name))
    except YamlInsertError:
        return {}
    if not isinstance(yours, Mapping) or not isinstance(yours.get("services"), Mapping):
        return {}
    wanted = {
        "services": {
            s.name: {
                "image": s.service.image,
                "ports": [f"127.0.0.1:{s.service.port}:{s.service.container_port}"],
            }
            for s in plan.services
        }
    }
    additions = plan_additions(yours, wanted)
    found: dict[str, int] = {}
    for name, spec in additions.services.items():
        for port in published_ports(spec):
            found.setdefault(name, port)
    # A service of the user's that provides one: by its family, or by the service's own name
    # in a compose file protean-init wrote (theirs, moved to another port, or their own).
    named = {s.name: s.name for s in plan.services if s.name in yours["services"]}
    for name, user in {**named, **additions.reused}.items():
        inside = next(s.service.container_port for s in plan.services if s.name == name)
        ports = [h for h, c in published_ports(yours["services"][user]).items() if c == inside]
        if ports:
            found[name] = min(ports)
    return found


def _get(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(tree, Mapping) or key not in tree:
            return None
        tree = tree[key]
    return tree


_LOCAL = re.compile(r"(\|[^}]*@?(?:localhost|127\.0\.0\.1)):(\d+)")


def aim_at_compose(
    root: Path, old_tree: Tree, edited: ConfigState, config: ConfigFile
) -> ConfigState:
    """The `edited` config with the local defaults this edit wrote aimed at the compose file's
    ports: `edited` itself when none moves. The compose file is read only when this edit
    wrote a connection string for a service."""
    written = _written_defaults(old_tree, edited.tree, edited.environments)
    ports = compose_ports(root, edited.plan) if written else {}
    if not ports:
        return edited
    text = edited.text
    for path, value, service in written:
        if service.name not in ports:
            continue
        port = ports[service.name]
        aimed = _LOCAL.sub(
            lambda m, port=port, default=service.port: (
                f"{m.group(1)}:{port}" if int(m.group(2)) == default else m.group(0)
            ),
            value,
        )
        if aimed != value:
            try:
                text = set_value(text, path, aimed, root=config.root_key)
            except TomlEditError:
                continue  # left as the edit wrote it; the compose note says why
    return edited if text is edited.text else ConfigState.read(text, config, edited.identity)


def _written_defaults(
    old_tree: Tree, new_tree: Tree, walked: ResolvedEnvironments
) -> list[tuple[tuple[str, ...], str, Service]]:
    """The connection strings of slots served by a catalog service that this edit wrote or
    changed, in file order by environment: (key path, value, service). The user's own are
    left as they are. `walked`: the new tree's environments (ConfigState.environments)."""
    found = []
    for env, slots in walked.slots.items():
        prefix = () if env == BASE else (env,)
        if _section(old_tree, env) == _section(new_tree, env):
            continue  # the edit wrote nothing in this environment's own tables
        for slot, _table, provider in slots:
            if provider is None or provider.service is None or not provider.uri_key:
                continue
            path = (*prefix, *slot.path, provider.uri_key)
            value = _get(new_tree, path)
            if isinstance(value, str) and value != _get(old_tree, path):
                found.append((path, value, provider.service))
    return found


def _section(tree: Tree, env: str) -> Any:
    """What the environment's own part of the file holds: base's keys, or its overlay table."""
    return base_of(tree) if env == BASE else tree.get(env)
