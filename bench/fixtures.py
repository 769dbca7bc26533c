"""The projects and inputs the benchmark runs against, built once per run (not timed).

A "realistic project" is what `protean-init new DIR --defaults` writes: domain.toml with the
[production], [test] and [memory] overlays, docker-compose.yml, the GitHub workflow,
.env.example and the answers file recording the snapshot the derived files came from. The
scaling projects add N named databases the way N `add-database NAME --provider postgresql`
runs would leave them: `[databases.NAME]` on postgresql with a local default, and the
[production] and [memory] overlays following (a variable with no default; memory).

Names are `tenant0001` ...: zero-padded so the output reads in order.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
PROTEAN_INIT = BIN / "protean-init"
PROTEAN = BIN / "protean"
COPIER = BIN / "copier"
PYTHON = Path(sys.executable)
REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "templates" / "project"

NEW_DATABASE = "warehouse"  # the database add-database adds in the timed runs


def database_names(count: int) -> list[str]:
    return [f"tenant{i:04d}" for i in range(1, count + 1)]


def make_project(parent: Path, name: str, databases: int) -> Path:
    """A project made by `protean-init new --defaults` with `databases` named databases."""
    sets: list[str] = []
    for db in database_names(databases):
        sets += ["--set", f"base.databases.{db}=postgresql"]
        sets += ["--set", f"memory.databases.{db}=memory"]
    target = parent / name
    subprocess.run(
        [str(PROTEAN_INIT), "new", str(target), "--defaults", *sets],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


ADOPT_TABLES = 2000  # tables in the project add-env adopts in the timed runs


def make_adoptable_project(parent: Path, name: str, tables: int) -> Path:
    """A project made elsewhere (as `protean new` leaves one, no overlays, no answers file)
    whose base has `tables` tables: `databases.default` and `tables - 1` named postgresql
    databases with a connection string each. `add-env memory` adds an overlay table for each.
    tests/trust/test_speed_edits.py counts parses on this same project (tests import bench;
    bench imports nothing from tests)."""
    target = parent / name
    (target / "src" / "shop").mkdir(parents=True)
    (target / "src" / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (target / "pyproject.toml").write_text(
        '[project]\nname = "shop"\ndependencies = ["protean"]\n', encoding="utf-8"
    )
    lines = ["debug = true", "", "[databases.default]", 'provider = "memory"', ""]
    for db in database_names(tables - 1):
        lines += [
            f"[databases.{db}]",
            'provider = "postgresql"',
            f'database_uri = "postgresql://postgres:postgres@localhost:5432/{db}"',
            "",
        ]
    (target / "domain.toml").write_text("\n".join(lines), encoding="utf-8")
    return target


def copier_data_file(path: Path, project_name: str = "shop") -> Path:
    """The answers protean-init passes copier for `new NAME --defaults`, as a YAML file, so a
    bare `copier copy --data-file` renders the same template with the same data."""
    import yaml

    from scaffolder.render import render_data
    from scaffolder.spec.defaults import default_spec

    data = render_data(default_spec(project_name))
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": sys.version.split()[0]}
    for package in ("protean-init", "protean", "copier", "textual", "jinja2", "ruamel.yaml"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "missing"
    return found
