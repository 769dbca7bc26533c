"""Checking a project (config and derived files) or a config text alone."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scaffolder.catalog import TOP_LEVEL_KEYS
from scaffolder.check import connection_drift, deploy, drift, placeholders, selection
from scaffolder.check.common import Collector, ConfiguredSlot, configured_slots
from scaffolder.check.connections import placeholder_rules
from scaffolder.check.context import ProjectContext
from scaffolder.check.findings import ERROR, Finding
from scaffolder.check.overlays import overlay_rules
from scaffolder.check.report import ContextCheck, Report
from scaffolder.check.resolution import Resolved, resolve
from scaffolder.check.risks import database_overrides
from scaffolder.check.source import Source
from scaffolder.check.structure import classify_tables, structure_rules, unknown_environments
from scaffolder.check.values import environment_rules
from scaffolder.deployment import DOCKERFILE
from scaffolder.project_files import (
    ANSWERS_FILE,
    COMPOSE_NAMES,
    CONFIG_NAMES,
    ENV_EXAMPLE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    ConfigFile,
)
from scaffolder.provider_plugins import InstalledProviders, project_site_dirs
from scaffolder.spec.environments import BASE
from scaffolder.workspace import discover

# The rules that read the project's files beyond the config, in order. A new family of rules
# is a module under scaffolder/check/ with a `rule(ctx: ProjectContext) -> None`, and one
# line here.
PROJECT_RULES: list[Callable[[ProjectContext], None]] = [
    drift.compose_rule,
    drift.ci_rule,
    drift.leftover_rule,
    drift.env_example_rule,
    connection_drift.rule,
    deploy.rule,
    selection.rule,
    # Last: it reads every file the rules before it read.
    placeholders.rule,
]


@dataclass
class _ConfigRun:
    collector: Collector
    environments: list[str]
    checked: list[str]
    resolved: dict[str, Resolved]
    uses: dict[str, list[ConfiguredSlot]]


def _run_config(
    source: Source,
    envs: Sequence[str],
    environ: Mapping[str, str],
    installed: InstalledProviders | None = None,
) -> _ConfigRun:
    c = Collector(source, installed or InstalledProviders())
    overlays, _dropped = classify_tables(source.raw)
    every = [BASE, *overlays]
    named = list(dict.fromkeys(envs))
    # A named environment that is a value, not a table, is resolved too: Protean fails on it.
    broken = [env for env in named if env not in overlays and _is_value(source.raw, env)]
    every += broken
    checked = [env for env in named if env == BASE or env in every] if named else every
    unknown_environments(c, named, [*overlays, *broken])
    structure_rules(c, overlays, checked)
    placeholder_rules(c, overlays, checked)
    overlay_rules(c, overlays, checked)
    resolved = {env: resolve(source.raw, env, environ) for env in every}
    uses: dict[str, list[ConfiguredSlot]] = {}
    for env in every:
        if env in checked:
            uses[env] = environment_rules(c, resolved[env], environ if env in named else None)
        elif resolved[env].error is None:
            uses[env] = configured_slots(source, resolved[env])
    database_overrides(c, overlays, checked)
    return _ConfigRun(c, every, checked, resolved, uses)


def _is_value(raw: Mapping[str, object], env: str) -> bool:
    return env in raw and env not in TOP_LEVEL_KEYS and not isinstance(raw[env], dict)


def check_config_text(
    text: str, *, filename: str = "domain.toml", root_key: Iterable[str] = ()
) -> list[Finding]:
    """Config-only rules on a config's text, every environment, no variables set.

    `root_key` is ("tool", "protean") for pyproject.toml. UsageError for malformed TOML.
    """
    run = _run_config(Source.parse(text, filename, root_key), (), {})
    return run.collector.findings


def check_project(
    root: Path, envs: Sequence[str] = (), *, environ: Mapping[str, str] | None = None
) -> list[Finding]:
    """Every finding for the project at `root`: its config, compose, CI and .env.example.

    `envs` limits the check to those environments and makes their unset variables errors;
    `environ` is the environment variables (default: this process's). UsageError (exit 2)
    when the config is missing or a file cannot be parsed.
    """
    return run_check(root, envs, environ=environ).findings


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def run_check(
    root: Path,
    envs: Sequence[str] = (),
    *,
    environ: Mapping[str, str] | None = None,
    context: str | None = None,
) -> Report:
    """Every finding for the project at `root`; in a workspace of several bounded contexts
    (scaffolder.workspace), every context's, and what only a workspace can get wrong
    (scaffolder.check.workspace_rules). `context` (`check --context`): only what concerns
    that context (check_workspace's `only`); a name the project has not is a UsageError
    naming the ones it has."""

    root = Path(root)
    environ = os.environ if environ is None else environ
    workspace = discover(root)
    only = workspace.context(context).name if context is not None else None
    installed = InstalledProviders(project_site_dirs(root))
    if not workspace.several:
        return check_context(root, workspace.contexts[0].config, envs, environ, installed).report
    # deferred: scaffolder.check.workspace_rules ~1 ms (CPU, measured): `check` imports this module
    # without it
    from scaffolder.check.workspace_rules import check_workspace

    checked = [
        check_context(root, context.config, envs, environ, installed)
        for context in workspace.contexts
    ]
    return check_workspace(workspace, checked, only)


def check_context(
    root: Path,
    config: ConfigFile,
    envs: Sequence[str],
    environ: Mapping[str, str],
    installed: InstalledProviders,
) -> ContextCheck:
    """The config at `config` checked with the project's files at `root`."""
    display = _display(config.path, root)
    # Read as the edits read it (scaffolder.reopen.project.open_project): a line ending
    # Protean's TOML reader refuses (a lone CR) is refused here too, not turned into LF.
    source = Source.parse(config.read_text(keep_newlines=True), display, config.root_key)
    run = _run_config(source, envs, environ, installed)
    c = run.collector
    ctx = ProjectContext(
        root,
        c,
        run.environments,
        run.checked,
        run.resolved,
        run.uses,
        list(envs),
        environ,
        [display],
    )
    _ignored_configs(ctx, config)
    _project_records(ctx)
    for rule in PROJECT_RULES:
        rule(ctx)
    return ContextCheck(Report(c.findings, run.checked, ctx.files), ctx)


# The files that say what the project is (its answers record, its pyproject.toml), which the
# edits read whatever rules run, and the files derive writes, which it refuses to overwrite
# when they are no regular file.
_PROJECT_RECORDS = (
    ANSWERS_FILE,
    "pyproject.toml",
    *COMPOSE_NAMES,
    ENV_EXAMPLE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    DOCKERFILE,
)


def _project_records(ctx: ProjectContext) -> None:
    """Each of _PROJECT_RECORDS through a link out of the project (or into .git/), or there
    but no regular file (a named pipe, a device: derive refuses it), is one finding, as every
    file a rule reads is (ctx.trusted), not only when a rule happens to read it; the rules
    reading only regular files took a pipe as no file, and check said nothing."""
    for name in _PROJECT_RECORDS:
        path = ctx.root / name
        if path.exists() and not path.is_dir():
            ctx.trusted(path)


def _ignored_configs(ctx: ProjectContext, config: ConfigFile) -> None:
    """Config files beside the one Protean reads, which it never reads."""
    c, root = ctx.collector, ctx.root
    folder = config.path.parent
    later = CONFIG_NAMES[CONFIG_NAMES.index(config.path.name) + 1 :]
    for name in later:
        path = folder / name
        text = ctx.text(path) if path.is_file() else None
        if text is None:
            continue
        if name == "pyproject.toml":
            if "[tool.protean" not in text:
                continue
            line = next(
                (n for n, row in enumerate(text.splitlines(), 1) if "[tool.protean" in row), 1
            )
            what = "[tool.protean] in pyproject.toml"
        else:
            line, what = 1, name
        c.add(
            ERROR,
            "ignored-config",
            f"Protean reads {config.path.name} and never {what} beside it",
            line=line,
            env=None,
            fix=f"merge it into {config.path.name} and delete it",
            file=_display(path, root),
        )
