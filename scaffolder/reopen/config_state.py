"""domain.toml at one moment of an edit, and what follows from it, each computed once.

An edit reads the project's config (the state before it) and makes new text (the state after
it). Aiming local ports, rendering and merging the derived files, the pip extras and the
answers record all read the same text, tree, resolved environments, plan and redacted
snapshot: they take them from the state they are handed, never parse, walk, plan or redact
the config again. The text is a
TomlText, so the tree is the one the read (or the edit's verification) parsed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from scaffolder.config_tree import ResolvedEnvironments, Tree, resolve_environments
from scaffolder.plan import Plan, plan_project
from scaffolder.project_files import ConfigFile, ProjectIdentity, parse_config
from scaffolder.redact import redact_tree
from scaffolder.toml.tree import TomlText


@dataclass(frozen=True, eq=False)
class ConfigState:
    """The config's text and tree (the `[tool.protean]` table for pyproject.toml), and the
    names and choices the derived files are made with."""

    # The text as read or edited: a TomlText where the toml editor is to read its tree.
    text: str
    tree: Tree
    identity: ProjectIdentity

    @classmethod
    def read(cls, text: str, config: ConfigFile, identity: ProjectIdentity) -> ConfigState:
        """The state of `text`: parsed here unless it is a TomlText that carries its tree."""
        document = text if isinstance(text, TomlText) else TomlText(text)
        return cls(document, parse_config(document, config), identity)

    @functools.cached_property
    def environments(self) -> ResolvedEnvironments:
        """Each environment resolved and its slot tables walked, once: the plan, the record's
        spec and the local-ports check read them."""
        return resolve_environments(self.tree)

    @functools.cached_property
    def plan(self) -> Plan:
        identity = self.identity
        return plan_project(
            self.tree, identity.project_name, identity.package_name, self.environments
        )

    @functools.cached_property
    def snapshot(self) -> Tree:
        """The tree as the answers record holds it: secrets masked, dates as text."""
        return redact_tree(self.tree)

    def named(self, identity: ProjectIdentity) -> ConfigState:
        """This state under `identity`: the plan, which holds the project's names, is worked
        out again; the environments (which the plan reads) and the snapshot, which read the
        tree alone, are the ones of this state."""
        if identity == self.identity:
            return self
        renamed = replace(self, identity=identity)
        renamed.__dict__["environments"] = self.environments  # the cached_property's slot
        if "snapshot" in self.__dict__:
            renamed.__dict__["snapshot"] = self.snapshot
        return renamed
