"""`check` on a workspace of eight contexts loads Protean's config machinery once, as on a
project of one: its loader (`protean.domain.config`) is imported once per process and its
entry point is called for every context and environment, never a fresh import per context.

Counted in a fresh interpreter (the test process may have imported Protean already): an
import hook counts every time the module is looked for, and `Config2._normalize_config`, the
loader's entry point check calls, is wrapped to count its calls."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .cases import CASES

COUNT = """
import json, sys
from importlib.abc import MetaPathFinder
from pathlib import Path

looked_up = []


class Count(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "protean.domain.config":
            looked_up.append(name)
        return None


sys.meta_path.insert(0, Count())
from scaffolder.check import run_check
from scaffolder.check import resolution

module = resolution.protean_config_module()
loader = module.Config2
calls = []
normalize = loader._normalize_config.__func__


def counted(cls, config):
    calls.append(1)
    return normalize(cls, config)


loader._normalize_config = classmethod(counted)
report = run_check(Path(sys.argv[1]), environ={})
print(json.dumps({
    "imports": len(looked_up),
    "calls": len(calls),
    "files": sorted(f for f in report.files if f.endswith("domain.toml")),
}))
"""


def _counts(root: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", COUNT, str(root)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("case", ["one", "eight"])
def test_check_loads_protean_once_whatever_the_number_of_contexts(workspaces, case: str) -> None:
    counts = _counts(workspaces[case])
    contexts = CASES[case].contexts
    assert len(counts["files"]) == len(contexts)  # every context's config was checked
    assert counts["imports"] == 1
    # Protean's loader did the work for each context in each of its four environments.
    assert counts["calls"] >= 4 * len(contexts)
