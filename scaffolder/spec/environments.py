"""The environments protean-init writes, named once: every module takes these names from here.

Base is domain.toml's top level; each overlay is a table Protean selects with PROTEAN_ENV.
"""

from __future__ import annotations

BASE = "base"
PRODUCTION = "production"
TEST = "test"
MEMORY = "memory"
OVERLAYS = (PRODUCTION, TEST, MEMORY)
ENVIRONMENTS = (BASE, *OVERLAYS)
# An overlay's value that drops its override, so the environment takes base's.
INHERIT = "inherit"
