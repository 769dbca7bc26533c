"""Properties of the deployment files over random server settings and project names.

The derived files are rendered as the reopen commands render them (render_derived, Jinja with
the template's own files), so each example is cheap; the external checkers run on the matrix
in test_files.py.
"""

from __future__ import annotations

import re
import tomllib

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.answers import build_spec
from scaffolder.deployment import DOCKERFILE, app_name, grace_seconds
from scaffolder.domain_toml import config_tree
from scaffolder.project_files import ProjectIdentity
from scaffolder.render import render_derived, render_project
from scaffolder.spec.defaults import default_spec

DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
PROJECT_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,70}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(PROJECT_NAME)
def test_every_project_name_gives_a_kubernetes_name(name: str) -> None:
    label = app_name(name)
    assert DNS_LABEL.fullmatch(label) and len(label) <= 63 - len("-secrets")


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(["event_store", "stream"]),
    port=st.integers(1, 65535),
    drain=st.one_of(st.integers(1, 600), st.floats(0.5, 600).map(lambda x: round(x, 2))),
    replicas=st.integers(1, 6),
    workers=st.integers(1, 4),
)
def test_manifest_follows_the_server_settings(
    kind: str, port: int, drain: float, replicas: int, workers: int
) -> None:
    scale = []
    if kind == "stream":
        scale = [f"replicas={replicas}", f"workers={workers}"]
    spec = build_spec(
        default_spec("prop-shop"),
        sets=[
            "deploy=kubernetes",
            f"production.server.default_subscription_type={kind}",
            f"production.server.health.port={port}",
            f"production.server.drain_timeout={drain}",
            *scale,
        ],
    )
    tree = config_tree(spec)
    identity = ProjectIdentity(
        spec.project_name,
        spec.package_name,
        spec.ci,
        spec.compose,
        spec.deploy,
        spec.workers,
        spec.replicas,
    )
    files = render_derived(tree, identity)
    deployment = yaml.safe_load(files["deploy/kubernetes/base/deployment.yaml"])
    pod = deployment["spec"]["template"]["spec"]
    [engine] = pod["containers"]
    assert engine["ports"] == [{"name": "health", "containerPort": port}]
    assert f"127.0.0.1:{port}/drainz" in engine["lifecycle"]["preStop"]["exec"]["command"][-1]
    wait = float(
        re.search(
            r"sleep\(([\d.]+)\)", engine["lifecycle"]["preStop"]["exec"]["command"][-1]
        ).group(1)
    )
    assert pod["terminationGracePeriodSeconds"] == grace_seconds(drain)
    assert pod["terminationGracePeriodSeconds"] > wait + drain
    if kind == "event_store":
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        assert "--workers" not in engine["command"]
    else:
        assert deployment["spec"]["replicas"] == replicas
        assert ("--workers" in engine["command"]) == (workers > 1)
    dockerfile = files[DOCKERFILE].decode()
    assert f"EXPOSE {port}\n" in dockerfile
    assert f"http://127.0.0.1:{port}/livez" in dockerfile


def test_derived_files_are_what_new_writes() -> None:
    """`new` (copier for the project, Jinja for derived files) and a reopen command's render
    give the same deployment files: the merge base is exact."""
    spec = build_spec(default_spec("same-shop"), sets=["deploy=kubernetes"])
    new = render_project(spec)
    identity = ProjectIdentity(
        spec.project_name, spec.package_name, spec.ci, spec.compose, spec.deploy
    )
    tree = tomllib.loads(new["domain.toml"].decode())
    derived = render_derived(tree, identity)
    for path, content in derived.items():
        assert new[path] == content, path
