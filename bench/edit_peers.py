"""Peers of `add-env memory` on the 2,000-table project: what the same edit costs without
protean-init, measured in the same interleaved run.

- `tomllib.load` of domain.toml, once: the floor any tool that reads the file pays.
- A hand-rolled safe edit: read, parse, append a `[memory.databases.NAME]` table per base
  database as text, parse the result again to check it, write it. It derives, merges and
  records nothing (no compose, CI, .env.example or answers record), so it is a lower bound.

tomlkit (the usual round-trip TOML library) is not a dependency of protean-init; it is not
measured here.
"""

from __future__ import annotations

import sys
from pathlib import Path

PARSE_ONCE = "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))"

APPEND_AND_CHECK = """\
import sys, tomllib
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
tree = tomllib.loads(text)
blocks = [f'[memory.databases.{name}]\\nprovider = "memory"\\n' for name in tree["databases"]]
new = text.rstrip("\\n") + "\\n\\n" + "\\n".join(blocks)
tomllib.loads(new)
open(path, "w", encoding="utf-8").write(new)
"""


# The peer #27's target holds add-env to (within 2.5x of its CPU time).
SAFE_EDIT = "parse, append overlay, re-parse, write"


def peer_argvs(project: Path) -> dict[str, list[str]]:
    config = str(project / "domain.toml")
    return {
        "tomllib.load of domain.toml": [sys.executable, "-c", PARSE_ONCE, config],
        SAFE_EDIT: [
            sys.executable,
            "-c",
            APPEND_AND_CHECK,
            config,
        ],
    }
