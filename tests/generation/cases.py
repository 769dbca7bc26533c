"""The matrix of provider choices: each case is the flags a user types, and the spec they mean.

`argv` is what the CLI is given; `spec` is built from the same choices through
`scaffolder.answers.build_spec`, the way `new` builds it. The fixture in conftest.py checks that
the CLI wrote exactly what `render_project(spec)` renders, so every assertion made against the
spec is an assertion about the files on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from scaffolder.answers import build_spec, load_answers
from scaffolder.spec.defaults import default_spec
from scaffolder.spec.project import ProjectSpec
from tests.support.projects import GeneratedProjects

OVERLAYS_WITH_SERVERS = ("production", "test")


def _everywhere(slot: str, provider: str) -> tuple[str, ...]:
    """`--set` for `slot` in both server-backed overlays of the defaults."""
    return tuple(f"{env}.{slot}={provider}" for env in OVERLAYS_WITH_SERVERS)


_ALL_MEMORY = (
    *_everywhere("databases.default", "memory"),
    *_everywhere("brokers.default", "inline"),
    *_everywhere("event_store", "memory"),
    *_everywhere("caches.default", "memory"),
)

# The seed guide's choices (fixtures/seed-guide.domain.toml), as a nested answers file.
SEED_GUIDE_ANSWERS = """\
project_name: seed-guide
base:
  debug: true
  event_processing: sync
  command_processing: sync
production:
  debug: false
  event_processing: async
  command_processing: async
  databases:
    default: postgresql
  brokers:
    default: redis
  event_store: message_db
test:
  testing: true
  event_processing: sync
  command_processing: sync
"""

SEED_GUIDE_SETS = (
    "variables.databases.default=DATABASE_URL",
    "variables.brokers.default=REDIS_URL",
    "variables.event_store=MESSAGEDB_URL",
)


@dataclass(frozen=True)
class Case:
    id: str
    defaults: bool = True
    sets: tuple[str, ...] = ()
    ci: str | None = None
    # None: the flag is not passed; False: --no-compose.
    compose: bool | None = None
    # Text of an answers file (YAML), or None for no --answers.
    answers: str | None = None

    @property
    def name(self) -> str:
        return f"shop-{self.id}"

    @property
    def answers_name(self) -> str:
        """The answers file's name, beside the project."""
        return f"{self.id}-answers.yml"

    def answers_path(self, folder: Path) -> Path | None:
        if self.answers is None:
            return None
        path = folder / self.answers_name
        if not path.exists():
            path.write_text(self.answers, encoding="utf-8")
        return path

    def argv(self, target: Path) -> list[str]:
        """The command line; an answers file is named beside `target` (written by the
        caller: answers_path)."""
        argv = ["new", str(target), "--ui", "none"]
        if self.defaults:
            argv.append("--defaults")
        if self.answers is not None:
            argv += ["--answers", str(target.parent / self.answers_name)]
        for text in self.sets:
            argv += ["--set", text]
        if self.ci is not None:
            argv += ["--ci", self.ci]
        if self.compose is False:
            argv.append("--no-compose")
        return argv

    def generated(self, projects: GeneratedProjects, *sets: str) -> Path:
        """The case's project as `protean-init new` writes it, with `sets` (--set) after the
        case's own: generated once a session, read-only."""
        # Run beside its answers file, which the arguments name by a relative path.
        arguments = [*self.argv(Path(self.name))[2:], *[a for s in sets for a in ("--set", s)]]
        files = () if self.answers is None else ((self.answers_name, self.answers),)
        return projects.pristine(self.name, tuple(arguments), files)

    def spec(self, folder: Path | None = None) -> ProjectSpec:
        """The spec these choices mean, built as `new` builds it (name from the folder).

        With `folder`, the answers file is read from there as the CLI reads it.
        """
        if folder is None:
            answers = None if self.answers is None else (yaml.safe_load(self.answers) or {})
        else:
            answers_path = self.answers_path(folder)
            answers = load_answers(answers_path) if answers_path else None
        name = (answers or {}).get("project_name") or self.name
        start = default_spec(self.name) if self.defaults else None
        return build_spec(
            start,
            answers=answers,
            sets=self.sets,
            project={"name": name, "ci": self.ci, "compose": self.compose},
        )


CASES = {
    case.id: case
    for case in (
        Case("defaults"),
        # Every overlay set back to in-process providers with --set.
        Case("all-memory", sets=_ALL_MEMORY),
        # Starting from nothing: an empty answers file, no --defaults, base only.
        Case("from-nothing", defaults=False, answers=""),
        Case(
            "sqlite",
            sets=(
                *_everywhere("databases.default", "sqlite"),
                *_everywhere("brokers.default", "inline"),
                *_everywhere("event_store", "memory"),
                *_everywhere("caches.default", "memory"),
            ),
        ),
        Case("elasticsearch", sets=_everywhere("databases.default", "elasticsearch")),
        Case("redis-pubsub", sets=_everywhere("brokers.default", "redis_pubsub")),
        Case("mysql", sets=_everywhere("databases.default", "mysql")),
        Case("mssql", sets=_everywhere("databases.default", "mssql")),
        Case(
            "named-database",
            sets=(
                "base.databases.reports=sqlite",
                "production.databases.reports=postgresql",
                "test.databases.reports=postgresql",
            ),
        ),
        # A server-backed database added to base: memory mode must still need no server.
        Case("base-postgresql-reports", sets=("base.databases.reports=postgresql",)),
        # From nothing, with a server in base itself.
        Case(
            "base-postgresql-only",
            defaults=False,
            answers="base:\n  databases:\n    default: postgresql\n",
        ),
        Case("gitlab", ci="gitlab"),
        Case("gitlab-mysql", ci="gitlab", sets=_everywhere("databases.default", "mysql")),
        # A named database on MySQL: its own database, created by compose's health check and
        # a step of each CI file.
        Case(
            "mysql-named",
            sets=(*_everywhere("databases.default", "mysql"), "base.databases.reports=mysql"),
        ),
        Case(
            "gitlab-mysql-named",
            ci="gitlab",
            sets=(*_everywhere("databases.default", "mysql"), "base.databases.reports=mysql"),
        ),
        Case("ci-none", ci="none"),
        Case("no-compose", compose=False),
        Case("seed-guide", defaults=False, answers=SEED_GUIDE_ANSWERS, sets=SEED_GUIDE_SETS),
    )
}


def case_ids(keep=lambda spec: True) -> list[str]:
    """The ids of the cases whose spec `keep` accepts, for parametrizing a fixture."""
    return sorted(case_id for case_id, case in CASES.items() if keep(case.spec()))
