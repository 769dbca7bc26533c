"""Choices worth a second look before anything is written: shown by the Review step.

Pure functions of the spec: no rendering, no I/O.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scaffolder.domain_toml import slot_table
from scaffolder.spec import ProjectSpec, Slot

PRODUCTION = "production"
MEMORY = "memory"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def inline_password(url: str) -> bool:
    """True for `scheme://user:secret@host`; `${VAR}` references and plain hosts are not."""
    if "://" not in url or "${" in url.split("://", 1)[1].split("@", 1)[0]:
        return False
    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return False


def _is_local(url: str) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return host is None or host in _LOCAL_HOSTS


def _envs_using(spec: ProjectSpec, slot: Slot) -> list[str]:
    return [
        env
        for env in spec.environments
        if env != PRODUCTION and not spec.provider(env, slot).in_memory
    ]


def spec_risks(spec: ProjectSpec) -> list[str]:
    """One sentence per risky choice, most serious first; empty when nothing stands out."""
    risks: list[str] = []
    production = PRODUCTION in spec.environments
    if production:
        for slot in spec.slots:
            provider = spec.provider(PRODUCTION, slot)
            if provider.in_memory:
                risks.append(
                    f"production uses the in-memory {slot.role.label} '{provider.name}' for "
                    f"{slot}: its data lives in one process and is lost on restart"
                )
        for slot in spec.slots:
            table = slot_table(spec, PRODUCTION, slot)
            if any(isinstance(v, str) and inline_password(v) for v in table.values()):
                risks.append(
                    f"production's connection for {slot} has an inline password: "
                    "domain.toml is committed; read it from a variable instead"
                )
    for slot in spec.slots:
        envs = _envs_using(spec, slot)
        if not envs:
            continue
        url = spec.local_url(slot, spec.provider(envs[0], slot))
        if url and inline_password(url) and not _is_local(url):
            risks.append(
                f"the local default for {slot} ({spec.variable(slot)}) holds a password for a "
                f"server that is not local; domain.toml is committed, and {', '.join(envs)} "
                "would use it whenever the variable is unset"
            )
    if MEMORY in spec.environments:
        for slot in spec.slots:
            provider = spec.provider(MEMORY, slot)
            if not provider.in_memory:
                risks.append(
                    f"the memory overlay uses '{provider.name}' for {slot}: "
                    "`pytest --protean-env memory` will need that server"
                )
    return risks
