"""Finding a project's config where Protean finds it, and the files derived from it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.errors import UsageError

# Protean's own order of preference within one folder.
CONFIG_NAMES = (".domain.toml", "domain.toml", "pyproject.toml")
COMPOSE_NAMES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
GITHUB_WORKFLOW = ".github/workflows/ci.yml"
GITLAB_CI = ".gitlab-ci.yml"
ENV_EXAMPLE = ".env.example"


@dataclass(frozen=True)
class ConfigFile:
    """A Protean config: the file, and where the config sits inside it."""

    path: Path
    # ("tool", "protean") for pyproject.toml; () for domain.toml.
    root_key: tuple[str, ...]

    @property
    def is_pyproject(self) -> bool:
        return self.path.name == "pyproject.toml"

    def read_text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def load(self) -> dict[str, Any]:
        """The parsed config (the `[tool.protean]` table for pyproject.toml).

        Malformed TOML is a UsageError that names the file, line and column.
        """
        return parse_config(self.read_text(), self)


def parse_config(text: str, config: ConfigFile) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{config.path}: {toml_error_text(error)}") from error
    for key in config.root_key:
        data = data.get(key, {})
    return data


def toml_error_text(error: tomllib.TOMLDecodeError) -> str:
    """tomllib says `Expected '=' ... (at line 3, column 7)`; lead with the position."""
    message = str(error)
    head, sep, tail = message.rpartition(" (at line ")
    if not sep:
        return f"malformed TOML: {message}"
    line, _, column = tail.rstrip(")").partition(", column ")
    return f"line {line}, column {column}: malformed TOML: {head}"


def _config_in(folder: Path) -> ConfigFile | None:
    for name in CONFIG_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        if name != "pyproject.toml":
            return ConfigFile(path, ())
        # A pyproject.toml without [tool.protean] is just packaging; keep looking.
        if "[tool.protean" in path.read_text(encoding="utf-8"):
            return ConfigFile(path, ("tool", "protean"))
    return None


def find_config(root: Path) -> ConfigFile | None:
    """The config in the project root, or under src/<package>/ as `protean new` lays it out."""
    found = _config_in(root)
    if found:
        return found
    src = root / "src"
    if src.is_dir():
        for package in sorted(p for p in src.iterdir() if p.is_dir()):
            found = _config_in(package)
            if found:
                return found
    return None


def require_config(root: Path) -> ConfigFile:
    config = find_config(root)
    if config is None:
        raise UsageError(
            f"no Protean config in {root}: looked for {', '.join(CONFIG_NAMES[:2])} or "
            "[tool.protean] in pyproject.toml, in the folder and under src/<package>/"
        )
    return config


def compose_file(root: Path) -> Path | None:
    return next((root / n for n in COMPOSE_NAMES if (root / n).is_file()), None)


def ci_files(root: Path) -> dict[str, Path]:
    """The CI files present: {"github": path, "gitlab": path}."""
    found = {"github": root / GITHUB_WORKFLOW, "gitlab": root / GITLAB_CI}
    return {ci: path for ci, path in found.items() if path.is_file()}
