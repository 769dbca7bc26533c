"""Proof 4: choosing the seed guide's providers reproduces its resolved configuration.

fixtures/seed-guide.domain.toml is the guide's own example. The `seed-guide` matrix case makes
the same choices through an answers file and `--set variables...`; Protean's loader must give
the identical Config2 for both files in every environment.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from protean.exceptions import ConfigurationError

from scaffolder.config_tree import references
from tests.support.protean_config import load_config

from .support import Generated, production_value

GUIDE = Path(__file__).parent / "fixtures" / "seed-guide.domain.toml"
GUIDE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "MESSAGEDB_URL")


@pytest.fixture(scope="module")
def guide_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's file alone in a folder, as domain.toml, where Protean looks for it."""
    folder = tmp_path_factory.mktemp("seed-guide")
    shutil.copyfile(GUIDE, folder / "domain.toml")
    return folder


@pytest.fixture
def generated(generate) -> Generated:
    return generate("seed-guide")


def test_the_choices_read_the_guides_variables(generated: Generated) -> None:
    guide_refs = {ref.name for ref in references(tomllib.loads(GUIDE.read_text()))}
    assert guide_refs == set(GUIDE_VARIABLES)
    assert generated.referenced_variables == guide_refs


# The generated file writes `[caches.default] provider = "memory"` where the guide has no cache
# table and relies on Protean's default; Protean's default table is {"provider": "memory",
# "TTL": 300} and ours merges over it to the same table, so the comparison below needs no
# exclusion: every key of the resolved Config2 is compared, in every environment.
@pytest.mark.parametrize("env", ["base", "production", "test", "memory"])
def test_generated_config_resolves_as_the_guides(
    generated: Generated, guide_dir: Path, env: str
) -> None:
    clear = set(GUIDE_VARIABLES) | generated.referenced_variables
    variables = {name: production_value(name) for name in GUIDE_VARIABLES}
    ours = load_config(generated.root, env, variables, clear=clear)
    guide = load_config(guide_dir, env, variables, clear=clear)
    assert dict(ours) == dict(guide)
    # Not vacuous: the environments really differ, and production read the variables.
    if env == "production":
        assert ours["databases"]["default"]["database_uri"] == variables["DATABASE_URL"]
        assert ours["brokers"]["default"]["URI"] == variables["REDIS_URL"]
        assert ours["event_store"]["database_uri"] == variables["MESSAGEDB_URL"]
        assert ours["event_processing"] == "async"
    else:
        assert ours["databases"]["default"]["provider"] == "memory"
        assert ours["event_processing"] == "sync"
    assert ours["testing"] is (True if env == "test" else None)


def test_both_need_the_same_production_variables(generated: Generated, guide_dir: Path) -> None:
    clear = set(GUIDE_VARIABLES)
    for missing in GUIDE_VARIABLES:
        others = {n: production_value(n) for n in GUIDE_VARIABLES if n != missing}
        for folder in (generated.root, guide_dir):
            with pytest.raises(ConfigurationError, match=missing):
                load_config(folder, "production", others, clear=clear)
