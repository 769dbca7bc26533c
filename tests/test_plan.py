"""plan: what a project's config asks of compose and CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.plan import plan_project
from scaffolder.project_files import find_config, parse_config

CONFIG = """\
[databases.default]
provider = "postgresql"
database_uri = "${{DATABASE_URL|postgresql://postgres:postgres@{host}:5439/shop}}"

[databases.reports]
provider = "postgresql"
database_uri = "${{REPORTS_DATABASE_URL|postgresql://postgres:postgres@{host}:5439/shop_reports}}"
"""


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2", "0.0.0.0", "[::1]"])
def test_compose_serves_a_local_default_on_any_name_of_this_machine(
    tmp_path: Path, host: str
) -> None:
    """A local default names the port and databases of the developer's server, whichever
    name of this machine it reaches it by (connection_target.is_local_host): compose
    publishes PostgreSQL on 5439 and creates shop_reports there, where 127.0.0.2, 0.0.0.0 and
    ::1 were taken for another machine and compose kept 5432 and created nothing."""
    (tmp_path / "domain.toml").write_text(CONFIG.format(host=host))
    config = find_config(tmp_path)
    assert config is not None
    tree = parse_config(config.path.read_text(), config)
    (postgres,) = plan_project(tree, "shop", "shop").services
    assert (postgres.service.port, postgres.databases) == (5439, ("shop_reports",))


def test_a_default_on_another_machine_asks_nothing_of_compose(tmp_path: Path) -> None:
    (tmp_path / "domain.toml").write_text(CONFIG.format(host="127.example.com"))
    config = find_config(tmp_path)
    assert config is not None
    tree = parse_config(config.path.read_text(), config)
    (postgres,) = plan_project(tree, "shop", "shop").services
    assert (postgres.service.port, postgres.databases) == (5432, ())
