"""Properties of a workspace's deployment files over random contexts and per-context server
settings, rendered as the workspace commands render them (render_workspace_derived: Jinja with
the templates' own files, no disk), so each example is cheap; the external checkers run in
test_deploy.py. And where `check` looks for the config of an engine's `--domain`
(project_files.domain_config), over random placements of configs, against a model of
Protean's lookup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.deployment import grace_seconds
from scaffolder.domain_toml import config_tree
from scaffolder.project_files import CONFIG_NAMES, ProjectIdentity, domain_config
from scaffolder.spec.defaults import default_spec
from scaffolder.workspace_render import context_engine_file, render_workspace_derived
from scaffolder.workspace_spec import context_spec
from tests.deploy.support import dockerfile_instructions

from .cases import EIGHT

SERVER = st.fixed_dictionaries(
    {
        "default_subscription_type": st.sampled_from(["event_store", "stream"]),
        "drain_timeout": st.integers(1, 600),
        "port": st.integers(1024, 65535),
    }
)


def _tree(name: str, server: dict) -> dict:
    tree = config_tree(context_spec(default_spec("shop"), name, ()))
    production = tree["production"]
    production["server"] = {
        "default_subscription_type": server["default_subscription_type"],
        "drain_timeout": server["drain_timeout"],
        "health": {"host": "0.0.0.0", "port": server["port"]},
    }
    return tree


def _required(tree: dict) -> set[str]:
    """`${NAME}` with no default anywhere production reads (its own tables; the generated
    base reads none without one)."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", json.dumps(tree["production"])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(st.sampled_from(EIGHT), min_size=1, max_size=8, unique=True),
    servers=st.lists(SERVER, min_size=8, max_size=8),
    kind=st.sampled_from(["docker", "kubernetes"]),
    replicas=st.integers(1, 4),
)
def test_each_engine_is_its_own_contexts(
    names: list[str], servers: list[dict], kind: str, replicas: int
) -> None:
    trees = {name: _tree(name, server) for name, server in zip(names, servers, strict=False)}
    identity = ProjectIdentity("shop", "shop", "github", True, kind, 1, replicas)
    files = render_workspace_derived(identity, trees)
    by_context = dict(zip(names, servers, strict=False))

    compose = yaml.safe_load(files["docker-compose.yml"])["services"]
    for name, server in by_context.items():
        domain = f"src/{name}/domain.py"
        engine = compose[f"{name}-engine"]
        assert engine["command"] == ["protean", "server", "--domain", domain]
        assert set(engine["environment"]) == _required(trees[name])
        assert f":{server['port']}/livez" in engine["healthcheck"]["test"][-1]
        assert engine["stop_grace_period"] == f"{grace_seconds(server['drain_timeout'])}s"
        if kind != "kubernetes":
            continue
        [deployment] = list(yaml.safe_load_all(files[context_engine_file(name)]))
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["command"] == ["protean", "server", "--domain", domain]
        assert container["ports"][0]["containerPort"] == server["port"]
        keys = {e["name"] for e in container["env"] if "valueFrom" in e}
        assert keys == _required(trees[name])
        assert pod["terminationGracePeriodSeconds"] == grace_seconds(server["drain_timeout"])
        stream = server["default_subscription_type"] == "stream"
        assert deployment["spec"]["replicas"] == (replicas if stream else 1)
    if kind != "kubernetes":
        assert not any(path.startswith("deploy/") for path in files)

    instructions = dockerfile_instructions(files["Dockerfile"].decode())
    [cmd] = [json.loads(args) for word, args in instructions if word == "CMD"]
    ports = {str(server["port"]) for server in by_context.values()}
    assert {word for w, args in instructions if w == "EXPOSE" for word in args.split()} == ports
    if len(names) == 1:
        assert cmd == ["protean", "server", "--domain", f"src/{names[0]}/domain.py"]
    else:
        assert not any(word == "--domain" for word in cmd), cmd


FOLDER = st.sampled_from(["a", "b", "src", "pkg", "ordering"])


def _nearest(root: Path, domain: str, configs: set[tuple[str, ...]]) -> Path | None:
    """The model: from the module's folder upwards to the root, the first folder with a
    config; nothing outside the root."""
    parts = tuple(Path(domain).parts[:-1])
    if ".." in parts:
        return None
    for end in range(len(parts), -1, -1):
        if parts[:end] in configs:
            return root.joinpath(*parts[:end], CONFIG_NAMES[0])
    return None


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    configs=st.sets(st.lists(FOLDER, max_size=3).map(tuple), max_size=4),
    module=st.lists(st.one_of(FOLDER, st.just("..")), max_size=4),
)
def test_an_engines_config_is_the_nearest_above_its_module(
    tmp_path_factory, configs: set[tuple[str, ...]], module: list[str]
) -> None:
    root = tmp_path_factory.mktemp("placed")
    for folder in configs:
        place = root.joinpath(*folder)
        place.mkdir(parents=True, exist_ok=True)
        (place / CONFIG_NAMES[0]).write_text("debug = true\n")
    domain = "/".join([*module, "domain.py"])
    found = domain_config(root, domain)
    expected = _nearest(root, domain, configs)
    if ".." in module:
        # Out of the root, or back into it: never a config above the root.
        assert found is None or found.path.resolve().is_relative_to(root.resolve())
        return
    assert (found.path if found else None) == expected
