"""Providers that installed packages register through Protean's entry points.

Protean finds database providers in the `protean.providers` entry point group and brokers in
`protean.brokers` (protean/port/provider.py, protean/port/broker.py); a third-party adapter
such as protean-cosmosdb registers its name there. The catalog knows Protean's own; this
reads the entry points' names (never importing them) of this interpreter's environment and of
the project's own virtual environment, so `check` can tell an installed adapter from a
misspelling, and a known adapter that is not installed from both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import distributions
from pathlib import Path
from types import MappingProxyType

from scaffolder.catalog import Role

ENTRY_POINT_GROUPS: Mapping[Role, str] = MappingProxyType(
    {Role.DATABASE: "protean.providers", Role.BROKER: "protean.brokers"}
)

# Adapters published as packages of their own: the provider name each registers, and the
# package that installs it (protean-cosmosdb 0.2.0: `cosmosdb` in protean.providers).
KNOWN_ADAPTERS: Mapping[Role, Mapping[str, str]] = MappingProxyType(
    {Role.DATABASE: MappingProxyType({"cosmosdb": "protean-cosmosdb"})}
)

# Where a project keeps its virtual environment, relative to its root.
_VENV_NAMES = (".venv", "venv", "env")


def project_site_dirs(root: Path) -> list[Path]:
    """The site-packages folders of the project's own virtual environment, if it has one."""
    found: list[Path] = []
    for name in _VENV_NAMES:
        venv = root / name
        if not (venv / "pyvenv.cfg").is_file():
            continue
        found += sorted(venv.glob("lib/python3*/site-packages"))
        found += [p for p in [venv / "Lib" / "site-packages"] if p.is_dir()]
    return found


class InstalledProviders:
    """The provider names the entry points register, read on first use (only a name the
    catalog does not know needs them)."""

    def __init__(self, site_dirs: Iterable[Path] = ()) -> None:
        self._site_dirs = [str(path) for path in site_dirs]
        self._registered: dict[str, dict[str, str]] | None = None

    def _read(self) -> dict[str, dict[str, str]]:
        groups = set(ENTRY_POINT_GROUPS.values())
        found: dict[str, dict[str, str]] = {group: {} for group in groups}
        sources = [distributions()]
        if self._site_dirs:
            sources.append(distributions(path=self._site_dirs))
        for source in sources:
            for dist in source:
                # Most packages register nothing of Protean's: skip them before parsing
                # anything (their METADATA is what costs).
                text = dist.read_text("entry_points.txt")
                if not text or "[protean." not in text:
                    continue
                package = dist.metadata["Name"] or "?"
                for entry in dist.entry_points:
                    if entry.group in groups:
                        found[entry.group].setdefault(entry.name, package)
        return found

    def package_of(self, role: Role, name: str) -> str | None:
        """The installed package that registers `name` for `role`; None if none does."""
        group = ENTRY_POINT_GROUPS.get(role)
        if group is None:
            return None
        if self._registered is None:
            self._registered = self._read()
        return self._registered[group].get(name)


def adapter_package(role: Role, name: str) -> str | None:
    """The package to install for a provider name published outside Protean."""
    return KNOWN_ADAPTERS.get(role, {}).get(name)
