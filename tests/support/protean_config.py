"""Protean's own resolution of a project's config, as a test asks for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from protean.domain.config import Config2

from scaffolder.spec.environments import BASE


def load_config(
    config_dir: Path,
    env: str,
    variables: Mapping[str, str] | None = None,
    clear: Iterable[str] = (),
) -> Config2:
    """Config2 for the config Protean finds from `config_dir`, under PROTEAN_ENV=`env` (unset
    for base).

    Every name in `clear` is removed from the environment first (so the runner's own
    DATABASE_URL cannot leak in), then `variables` are set; all is restored on return.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in clear:
            patch.delenv(name, raising=False)
        if env == BASE:
            patch.delenv("PROTEAN_ENV", raising=False)
        else:
            patch.setenv("PROTEAN_ENV", env)
        for name, value in (variables or {}).items():
            patch.setenv(name, value)
        return Config2.load_from_path(str(config_dir))
