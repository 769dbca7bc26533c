"""Finding a project's config where Protean finds it, and the files derived from it."""

from __future__ import annotations

import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.ci_lint import lint_job_text, lint_steps
from scaffolder.errors import UsageError, yaml_error_text
from scaffolder.install import test_install_command
from scaffolder.spec.choices import (
    CI_PROVIDERS,
    INSTALLERS,
    PROJECT_KEYS,
    PROJECT_SETTINGS,
    ProjectChoices,
)
from scaffolder.spec.environments import OVERLAYS
from scaffolder.spec.names import validate_package_name
from scaffolder.spec.values import parse_choice
from scaffolder.toml.errors import error_text
from scaffolder.transaction.paths import FOLLOW_LINKS_ENV, link_out

# Protean's own order of preference within one folder.
CONFIG_NAMES = (".domain.toml", "domain.toml", "pyproject.toml")
COMPOSE_NAMES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
GITHUB_WORKFLOW = ".github/workflows/ci.yml"
GITLAB_CI = ".gitlab-ci.yml"
ENV_EXAMPLE = ".env.example"


# Our own name, beside any `.copier-answers.yml` of the template a project came from.
ANSWERS_FILE = ".copier-answers.protean-init.yml"


@dataclass(frozen=True)
class ProjectIdentity(ProjectChoices):
    """What the derived files need besides domain.toml: the project-level choices (names,
    CI, compose, deployment, installer: the spec's, as the answers record keeps them) and
    what the project's own files say."""

    # CI's install step, as the project's pyproject.toml declares its test tools
    # (scaffolder.install).
    test_install: str = 'python -m pip install -e ".[test]"'
    # The Python versions the project's GitHub workflow tests on (its `python-version`
    # matrix), kept when the workflow is regenerated; empty: one version.
    python_versions: tuple[str, ...] = ()
    # The set-up and lint steps of that workflow (ruff, mypy, ...), as the `steps:` block of
    # the `lint` job the regenerated workflow keeps them in (scaffolder.ci_lint.lint_steps).
    lint_steps: str = ""


@dataclass(frozen=True)
class ConfigFile:
    """A Protean config: the file, and where the config sits inside it."""

    path: Path
    # ("tool", "protean") for pyproject.toml; () for domain.toml.
    root_key: tuple[str, ...]

    @property
    def is_pyproject(self) -> bool:
        return self.path.name == "pyproject.toml"

    def read_text(self, *, keep_newlines: bool = False) -> str:
        """The file's text; too large or not UTF-8 is a UsageError naming the file."""
        # deferred: scaffolder.inputs ~2.8 ms with toml.tree and toml.values (wall, measured
        # on the shared machine): `new --defaults` and a mistyped command import this module without
        # them
        from scaffolder.inputs import read_text

        what = "pyproject.toml" if self.is_pyproject else "the Protean config"
        return read_text(self.path, what, keep_newlines=keep_newlines)

    def load(self) -> dict[str, Any]:
        """The parsed config (the `[tool.protean]` table for pyproject.toml).

        Malformed TOML is a UsageError that names the file, line and column.
        """
        return parse_config(self.read_text(), self)


def parse_config(text: str, config: ConfigFile) -> dict[str, Any]:
    """The config in `text` (the `[tool.protean]` table for pyproject.toml). A TomlText
    (scaffolder.toml.tree) is parsed at most once, whoever reads it first: an edit reads its
    input and its verified result through this, never parsing either again."""
    data = _parse_document(text, config)
    for key in config.root_key:
        data = data.get(key, {})
    return data


def _parse_document(text: str, config: ConfigFile) -> dict[str, Any]:
    """The whole document; errors name `config`'s file (an error is never kept)."""
    # deferred: scaffolder.inputs ~2.8 ms with toml.tree and toml.values (wall, measured
    # on the shared machine): `new --defaults` and a mistyped command import this module without
    # them
    from scaffolder.inputs import load_toml

    try:
        return load_toml(text, config.path)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{config.path}: {error_text(error, text)}") from error


def _config_in(folder: Path) -> ConfigFile | None:
    for name in CONFIG_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        if name != "pyproject.toml":
            return ConfigFile(path, ())
        # A pyproject.toml without [tool.protean] is just packaging; keep looking.
        if b"[tool.protean" in _read_bytes(path, "pyproject.toml"):
            return ConfigFile(path, ("tool", "protean"))
    return None


def _read_bytes(path: Path, what: str) -> bytes:
    # deferred: scaffolder.inputs ~2.8 ms with toml.tree and toml.values (wall, measured
    # on the shared machine): `new --defaults` and a mistyped command import this module without
    # them
    from scaffolder.inputs import read_bytes

    return read_bytes(path, what)


def find_config(root: Path) -> ConfigFile | None:
    """The config Protean reads: under src/<package>/ as `protean new` lays it out, else in
    the project root.

    Protean looks from the domain module's folder upwards, so a config beside the package
    wins over one in the root (a `[tool.protean]` table in the root pyproject.toml). A folder
    under src/ with a pyproject.toml of its own is another project (`new` run inside this
    one), not this project's package: its config is that project's, found when a command runs
    in it, never this one's.
    """
    src = root / "src"
    if src.is_dir():
        packages = (p for p in src.iterdir() if p.is_dir() and not (p / "pyproject.toml").is_file())
        for package in sorted(packages):
            found = _config_in(package)
            if found:
                return found
    return _config_in(root)


def domain_config(root: Path, domain: str) -> ConfigFile | None:
    """The config Protean reads for the domain module `domain` (relative to the project
    `root`, as `protean server --domain` takes it): the first found from the module's folder
    upwards, not above `root`. None when there is none, or the module is outside `root`."""
    start = (root / domain).parent
    top = root.resolve()
    try:
        folder = start.resolve()
    except OSError:
        return None
    if not folder.is_relative_to(top):
        return None
    while True:
        found = _config_in(folder)
        if found is not None or folder == top:
            return found
        folder = folder.parent


def domain_module(package: str) -> str:
    """What `protean db setup --domain=...` and `protean server --domain=...` take for a
    package laid out as protean-init and `protean new` lay it out (src/<package>/)."""
    return f"src/{package}/domain.py"


def require_config(root: Path) -> ConfigFile:
    config = find_config(root)
    if config is None:
        # A config that is there but no regular file (a link to nothing, a loop of links, a
        # folder, a named pipe) is named as such, not taken for one that is absent.
        for name in CONFIG_NAMES[:2]:
            refuse_no_file(root / name, "the Protean config", "a config")
        raise UsageError(
            f"no Protean config in {root}: looked for {', '.join(CONFIG_NAMES[:2])} or "
            "[tool.protean] in pyproject.toml, in the folder and under src/<package>/"
        )
    refuse_outside(root, config.path)
    return config


def refuse_outside(root: Path, path: Path, what: str = "config") -> None:
    """A config that is a link out of the project or into .git/, or lies behind one (a
    context folder `src/ordering -> /elsewhere`), is not read: a planted
    `domain.toml -> ~/.ssh/config` must not have check or an edit quote the user's file. The
    refusal names the link itself, the file or the folder, with its target and why. The
    user's own escape hatch is the one writes have (PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS=1), for
    a link out of the project only."""
    real_root = Path(os.path.realpath(root))
    why = link_out(real_root, path.relative_to(root).as_posix())
    if why is None:
        return
    hatch = f" (set {FOLLOW_LINKS_ENV}=1 to read it)" if why.endswith("the project") else ""
    raise UsageError(f"{why}: protean-init reads no {what} through it{hatch}")


_NOT_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def refuse_no_file(path: Path, what: str, reads: str) -> None:
    """A file of the project's that is there but no regular file (a named pipe, a device, a
    folder, a link to nothing) is one that cannot be read, not one that is absent: passed
    over, an edit would go on as if it were not there (a context's config: the workspace
    re-derived without that context; the answers record: the project taken as hand-made).
    `what` names the file in the refusal, `reads` what protean-init reads from a regular file."""
    if not path.is_symlink() and not path.exists():
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        kind = "a link to nothing"
    else:
        if stat.S_ISREG(mode):
            return
        kind = next((name for test, name in _NOT_FILES if test(mode)), "no regular file")
    raise UsageError(
        f"{path}: {what} is {kind}; protean-init reads {reads} only from a regular file: "
        "replace it with one, or remove it; nothing read"
    )


def compose_file(root: Path) -> Path | None:
    return next((root / n for n in COMPOSE_NAMES if (root / n).is_file()), None)


def ci_files(root: Path) -> dict[str, Path]:
    """The CI files present: {"github": path, "gitlab": path}."""
    found = {"github": root / GITHUB_WORKFLOW, "gitlab": root / GITLAB_CI}
    return {ci: path for ci, path in found.items() if path.is_file()}


def read_answers(root: Path) -> dict[str, Any]:
    """The recorded answers of a project protean-init made; {} for a project made elsewhere."""
    path = root / ANSWERS_FILE
    refuse_no_file(path, "protean-init's answers record", "its answers record")
    if not path.is_file():
        return {}
    # A link out of the project (or into .git/) is not read, as a config is not: its values
    # would be quoted back in errors.
    refuse_outside(root, path, "answers record")
    # deferred: yaml ~11 ms (CPU, measured): a mistyped command imports this module without it
    import yaml

    # deferred: scaffolder.inputs ~2.8 ms with toml.tree and toml.values (wall, measured
    # on the shared machine): `new --defaults` and a mistyped command import this module without
    # them
    from scaffolder.inputs import load_yaml, read_text

    try:
        data = load_yaml(read_text(path, "the answers record"), path, fast=True)
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: {yaml_error_text(error)}") from error
    return data if isinstance(data, dict) else {}


def _check_name(value: Any, what: str, source: Path) -> None:
    """A name read from a file (or a folder's name) goes into compose, CI and .env.example
    lines: one with a line break or control character would break them."""
    if value is None:
        return
    if not isinstance(value, str) or any(
        unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in value
    ):
        raise UsageError(
            f"{source}: invalid {what} {value!r}: use letters, digits, '-', '_' or '.'"
        )


def project_identity(root: Path, answers: Mapping[str, Any]) -> ProjectIdentity:
    """Names and choices from the answers file, else from pyproject.toml and the layout."""
    project_name = answers.get("project_name")
    package_name = answers.get("package_name")
    pyproject = root / "pyproject.toml"
    if not project_name and pyproject.is_file():
        # deferred: scaffolder.inputs ~2.8 ms with toml.tree and toml.values (wall, measured
        # on the shared machine): `new --defaults` and a mistyped command import this module without
        # them
        from scaffolder.inputs import load_toml, read_text

        try:
            metadata = load_toml(read_text(pyproject, "pyproject.toml"), pyproject).get("project")
            project_name = metadata.get("name") if isinstance(metadata, dict) else None
        except tomllib.TOMLDecodeError:
            project_name = None
        _check_name(project_name, "project name", pyproject)
    _check_name(answers.get("project_name"), "project_name", root / ANSWERS_FILE)
    _check_name(package_name, "package_name", root / ANSWERS_FILE)
    if package_name is not None and not (
        isinstance(package_name, str) and package_name.isidentifier()
    ):
        raise UsageError(
            f"{root / ANSWERS_FILE}: invalid package_name {package_name!r}: expected a Python "
            "identifier"
        )
    if package_name:
        # Held to the rule `new --package` is (a planted `package_name: pytest` had derive
        # aim the Dockerfile, compose and CI at a package shadowing the test runner, where
        # upgrade refused it), as the record's other choices are read as `--set` reads them.
        try:
            validate_package_name(package_name)
        except UsageError as error:
            raise UsageError(f"{root / ANSWERS_FILE}: {error}") from None
    project_name = project_name or root.resolve().name
    _check_name(project_name, "project name", root)
    if not package_name:
        src = root / "src"
        packages = (
            sorted(p.name for p in src.iterdir() if (p / "__init__.py").is_file())
            if (src.is_dir())
            else []
        )
        packages = [name for name in packages if name.isidentifier()]
        package_name = packages[0] if packages else re.sub(r"\W+", "_", project_name).lower()
    # How the project installs: recorded by protean-init, else uv where the project has a
    # uv.lock (a project `protean new` made keeps its own installer).
    installer = answers.get("installer") or _own_installer(root)
    if installer not in INSTALLERS:
        raise UsageError(f"{root / ANSWERS_FILE}: unknown installer {installer!r}: pip or uv")
    if "ci" in answers:
        ci = _recorded(root, "ci", answers["ci"])
    else:
        present = ci_files(root)
        ci = "gitlab" if "gitlab" in present and "github" not in present else "github"
    # The choices the record holds, else their defaults (a project made before the
    # deployment files existed has none).
    recorded = {key: _recorded(root, key, answers[key]) for key in PROJECT_KEYS if key in answers}
    return ProjectIdentity(
        **{
            **recorded,
            "project_name": project_name,
            "package_name": package_name,
            "ci": ci,
            "installer": installer,
        },
        test_install=_test_install(pyproject, installer),
        python_versions=_python_matrix(root / GITHUB_WORKFLOW),
        lint_steps=_lint_steps(root / GITHUB_WORKFLOW),
    )


def _recorded(root: Path, key: str, value: object) -> object:
    """A project-level choice as the answers record holds it, read as `--set` reads it: the
    record is the repository's, and every edit of a workspace re-derives its shared files
    with these (a planted `ci: bogus` had the CI workflow deleted as no longer derived)."""
    try:
        if key == "ci":
            return parse_choice(key, value, CI_PROVIDERS)
        return PROJECT_SETTINGS[key].parse(key, value)
    except UsageError as error:
        raise UsageError(f"{root / ANSWERS_FILE}: {error}") from None


def _own_installer(root: Path) -> str:
    """uv for a project that uses it (a uv.lock, or a GitHub workflow that runs `uv sync`, as
    `protean new`'s does), else pip: what protean-init derives keeps the project's installer."""
    if (root / "uv.lock").is_file():
        return "uv"
    workflow = root / GITHUB_WORKFLOW
    try:
        text = workflow.read_text(encoding="utf-8") if workflow.is_file() else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    return "uv" if re.search(r"\buv sync\b", text) else "pip"


def _lint_steps(workflow: Path) -> str:
    if not workflow.is_file():
        return ""
    try:
        steps = lint_steps(workflow.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""
    return lint_job_text(steps) if steps else ""


def _python_matrix(workflow: Path) -> tuple[str, ...]:
    """The first `strategy.matrix.python-version` list of a GitHub workflow, as strings."""
    if not workflow.is_file():
        return ()
    # deferred: yaml ~11 ms (CPU, measured): a mistyped command imports this module without it
    import yaml

    try:
        # libyaml's parser where PyYAML has it: every edit reads the workflow, and the Python
        # parser takes 3.7 ms of CPU on the generated one, libyaml 0.35 ms.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(workflow.read_text(encoding="utf-8"), Loader=loader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return ()
    jobs = data.get("jobs") if isinstance(data, dict) else None
    for job in (jobs or {}).values() if isinstance(jobs, dict) else ():
        strategy = job.get("strategy") if isinstance(job, dict) else None
        matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
        versions = matrix.get("python-version") if isinstance(matrix, dict) else None
        if (
            isinstance(versions, list)
            and versions
            and all(
                isinstance(v, str | int | float) and re.fullmatch(r"[0-9][0-9.]*", str(v))
                for v in versions
            )
        ):
            return tuple(str(v) for v in versions)
    return ()


def _test_install(pyproject: Path, installer: str = "pip") -> str:
    if not pyproject.is_file():
        return test_install_command(None, installer)
    # deferred: scaffolder.inputs ~2.8 ms with toml.tree and toml.values (wall, measured
    # on the shared machine): `new --defaults` and a mistyped command import this module without
    # them
    from scaffolder.inputs import read_text

    return test_install_command(read_text(pyproject, "pyproject.toml"), installer)


# --- What an edit can honour ----------------------------------------------------------------
_SLOT_ROLES = ("databases", "brokers", "caches")


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an array of tables" if value and isinstance(value[0], dict) else "a list"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "text" if isinstance(value, str) else type(value).__name__


def _shape_problem(tree: Mapping[str, Any]) -> tuple[tuple[str, ...], str] | None:
    """The first place an edit could not honour: an overlay, a role table, a slot or a server
    table that is not a table, or a provider that is not a name. (key path, what it is)."""
    sections: list[tuple[tuple[str, ...], Any]] = [((), tree)]
    sections += [((env,), tree[env]) for env in OVERLAYS if env in tree]
    for where, section in sections:
        if not isinstance(section, dict):
            return where, f"{_kind(section)}, not a table"
        problem = _section_problem(where, section)
        if problem is not None:
            return problem
    return None


def _section_problem(
    where: tuple[str, ...], section: Mapping[str, Any]
) -> tuple[tuple[str, ...], str] | None:
    tables: list[tuple[tuple[str, ...], Any]] = []
    for role in _SLOT_ROLES:
        if role in section:
            group = section[role]
            if not isinstance(group, dict):
                return (*where, role), f"{_kind(group)}, not a table"
            tables += [((*where, role, str(name)), t) for name, t in group.items()]
    tables += [((*where, key), section[key]) for key in ("event_store", "server") if key in section]
    for path, table in tables:
        if not isinstance(table, dict):
            return path, f"{_kind(table)}, not a table"
        provider = table.get("provider")
        if provider is not None and path[-1] != "server" and not isinstance(provider, str):
            return (*path, "provider"), f"{_kind(provider)}, not a provider's name"
    return None


def require_editable(tree: Mapping[str, Any], text: str, config: ConfigFile) -> None:
    """Refuse, in one line naming the place and its line, a config an edit could not honour
    whole (`[[production]]`, `production = "x"`, `provider = 3`): an edit would write some
    files and skip that environment without a word. `check` reports the same places."""
    problem = _shape_problem(tree)
    if problem is None:
        return
    # deferred: scaffolder.toml.scan ~3 ms (CPU, measured): a mistyped command imports this module
    # without it
    from scaffolder.toml.scan import index_lines

    keys, what = problem
    full = (*config.root_key, *keys)
    lines = index_lines(text)
    line = lines.get(full) or 1
    name = ".".join(keys) or "the config"
    raise UsageError(
        f"{config.path}: line {line}: {name} is {what}, which an edit cannot honour; "
        "correct it by hand (`protean-init check` says how); nothing written"
    )
