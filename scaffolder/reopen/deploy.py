"""A deploy choice's change, computed and not yet written: the one path from `docker`,
`kubernetes` or `none` to the config text, the identity and the files to re-derive, for a
project or a context (`deploy_edit`) and for a whole recorded workspace
(`workspace_deploy_changes`). The `deploy` command (scaffolder.commands.deploy) and the edit
menu's deploy action (scaffolder.reopen.menu) both call it, then write its result in one
transaction, each its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from scaffolder.config_tree import overlay_names
from scaffolder.deployment import files_for, server_settings, single_writer
from scaffolder.domain_toml import CONTAINER_SERVER
from scaffolder.errors import UsageError
from scaffolder.project_files import ProjectIdentity, parse_config, read_answers
from scaffolder.reopen.edits import set_setting
from scaffolder.reopen.project import Project, open_project, retired_files
from scaffolder.reopen.workspace_edit import is_workspace_record, read_layout, redeploy
from scaffolder.spec.choices import DEPLOY_CHOICES
from scaffolder.spec.environments import PRODUCTION
from scaffolder.spec.settings import SETTING_TABLE
from scaffolder.spec.values import parse_count
from scaffolder.transaction.change import FileChange
from scaffolder.writer import changes_for


@dataclass(frozen=True)
class DeployEdit:
    """What a deploy choice changes, computed and not yet written: the config text (None when
    it stays), the answers' identity, the files to re-derive, the old choice's files removed
    (ours, unchanged since generated) and those left (they hold edits of the user's)."""

    text: str | None
    identity: ProjectIdentity
    derived: set[str]
    removed: list[str]
    left: list[str]

    def notes(self) -> list[str]:
        """What the change does to the old choice's files, one line each."""
        notes = []
        if self.removed:
            notes.append(
                f"removed {', '.join(self.removed)}: protean-init wrote them, unchanged since"
            )
        if self.left:
            # Deleting is the user's call: these hold edits of their own.
            notes.append(
                f"no longer regenerated: {', '.join(self.left)} (they hold edits of yours); "
                "delete them if you no longer use them"
            )
        return notes


def deploy_edit(
    project: Project, kind: str, replicas: int | None = None, workers: int | None = None
) -> DeployEdit:
    """The one path from a deploy choice to its change: the deploy command and the edit menu's
    deploy action call it, then write its result in one transaction (each its own way)."""
    identity = deploy_identity(project.identity, kind, replicas, workers)
    text, _ = container_config(project, identity)
    old = project.identity
    wanted = set(files_for(kind))
    removed = [p for p in retired_files(project, identity) if p not in wanted]
    left = [
        p
        for p in files_for(old.deploy)
        if p not in wanted and p not in removed and (project.root / p).exists()
    ]
    return DeployEdit(text if text != project.text else None, identity, wanted, removed, left)


def deploy_identity(
    old: ProjectIdentity, kind: str, replicas: int | None, workers: int | None
) -> ProjectIdentity:
    """The project's identity with deploy `kind` and the scale given (the old where None)."""
    if kind not in DEPLOY_CHOICES:
        raise UsageError(f"invalid deploy {kind!r}; expected one of: {', '.join(DEPLOY_CHOICES)}")
    counts = {
        name: parse_count(name, value) if value is not None else getattr(old, name)
        for name, value in (("replicas", replicas), ("workers", workers))
    }
    return replace(old, deploy=kind, **counts)


def container_config(
    project: Project, identity: ProjectIdentity, context: str | None = None
) -> tuple[str, Project]:
    """The config text a container deployment needs (the server settings of CONTAINER_SERVER
    production does not set yet, for a deploy other than none), and the project read with
    it. Refuses a scale above 1 with event-store subscriptions, naming `context`, the
    workspace's context whose config this is (the scale is every context's, each checked
    against its own subscription type)."""
    text, current = project.text, project
    if identity.deploy != "none" and PRODUCTION in overlay_names(project.tree):
        server = (project.tree.get(PRODUCTION) or {}).get("server") or {}
        for key, value in CONTAINER_SERVER.items():
            node = server
            for part in key.split(".")[1:]:
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                text = set_setting(current, PRODUCTION, SETTING_TABLE[key], value)
                current = replace(current, text=text, tree=parse_config(text, project.config))
    for name in ("replicas", "workers"):
        count = getattr(identity, name)
        if count > 1 and single_writer(server_settings(current.tree)):
            where = f"context {context}: " if context else ""
            option = f" --context {context}" if context else ""
            raise UsageError(
                f'{where}{name}={count} needs default_subscription_type = "stream" in '
                f"[production.server] (protean-init set{option} "
                "production.server.default_subscription_type=stream), or "
                f"--{name} 1: event-store subscriptions are single-writer"
            )
    return text, current


def is_recorded_workspace(root: Path) -> bool:
    """A workspace `new --context` or `add-context` made (its record lists the contexts,
    one context or several): its deployment is the whole workspace's."""
    return root.is_dir() and is_workspace_record(read_answers(root))


def workspace_deploy_changes(
    root: Path,
    kind: str,
    replicas: int | None = None,
    workers: int | None = None,
    *,
    force: bool = False,
) -> list[FileChange]:
    """The file changes of a deploy of the whole recorded workspace at `root`
    (workspace_edit.redeploy), read now: the deploy command and the edit menu's deploy action
    at a workspace compute it here, then write it in one transaction (each its own way)."""
    layout = read_layout(root)
    identity = deploy_identity(layout.identity, kind, replicas, workers)
    configs = {}
    for name in layout.trees:
        project = open_project(root, name)
        text, edited = container_config(project, identity, name)
        if text != project.text:
            configs[name] = (project.config_relative, text, edited.tree)
    return changes_for(root, redeploy(layout, identity, configs, force=force))
