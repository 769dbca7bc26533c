"""Overlay rules: overlays PROTEAN_ENV reaches under another name than the project uses, and
slots an overlay defines that base does not (usually a misspelled name of a base slot)."""

from __future__ import annotations

from collections.abc import Sequence

from scaffolder.check.common import ROLE_BY_KEY, Collector, nearest
from scaffolder.check.findings import ERROR, WARNING
from scaffolder.spec.environments import OVERLAYS


def overlay_rules(c: Collector, overlays: Sequence[str], checked: Sequence[str]) -> None:
    _names(c, overlays)
    for env in overlays:
        if env in checked:
            _overlay_only_slots(c, env)


def _names(c: Collector, overlays: Sequence[str]) -> None:
    """`[Test]` is selected by PROTEAN_ENV=Test only: Protean looks the name up as given."""
    for env in overlays:
        wanted = next((k for k in OVERLAYS if k == env.lower() and k != env), None)
        if wanted is None:
            continue
        if wanted in overlays:
            _split(c, env, wanted)
            continue
        c.add(
            ERROR,
            "overlay-name-case",
            f"[{env}] is selected only by PROTEAN_ENV={env}: Protean matches the name "
            f"exactly, so PROTEAN_ENV={wanted} (what the CI, compose notes and "
            f"{'pytest' if wanted != 'production' else 'deploys'} use) silently runs the base "
            "configuration",
            line=c.source.exact((env,)),
            env=env,
            fix=f"rename [{env}] to [{wanted}] (PROTEAN_ENV={wanted} needs that exact name)",
        )


def _split(c: Collector, env: str, wanted: str) -> None:
    """`[Test]` beside `[test.databases...]`: a header renamed alone makes two overlays, and
    what the renamed one sets is lost to PROTEAN_ENV=test."""
    table = c.source.raw.get(env)
    keys = ", ".join(table) if isinstance(table, dict) and table else "nothing"
    c.add(
        ERROR,
        "overlay-name-case",
        f"[{env}] and [{wanted}] are two overlays: PROTEAN_ENV={wanted} reads [{wanted}] only, "
        f"so what [{env}] sets ({keys}) is lost to it",
        line=c.source.exact((env,)),
        env=env,
        fix=f"rename [{env}] to [{wanted}] (a [{wanted}] header may follow its [{wanted}.…] "
        "tables)",
    )


def _overlay_only_slots(c: Collector, env: str) -> None:
    """A named database, broker or cache that only this overlay defines."""
    raw = c.source.raw
    overlay = raw.get(env)
    if not isinstance(overlay, dict):
        return
    for key, section in overlay.items():
        role = ROLE_BY_KEY.get(key)
        if role is None or not role.is_named or not isinstance(section, dict):
            continue
        base = raw.get(key)
        base_names = (
            [n for n, t in base.items() if isinstance(t, dict)] if isinstance(base, dict) else []
        )
        for name, table in section.items():
            if (
                name == "default"
                or name in base_names
                or not isinstance(table, dict)
                or (key, name) in c.misplaced
            ):
                continue
            match = nearest(name, base_names, cutoff=0.7)
            line = c.source.exact((env, key, name))
            if match:
                c.add(
                    ERROR,
                    "overlay-only-slot",
                    f"{key}.{name} exists only in the {env} overlay (did you mean {match!r}?): "
                    f"{env} adds a new {role.label} and leaves {key}.{match} on its base "
                    "settings",
                    line=line,
                    env=env,
                    fix=f"rename it to {c.source.table_name(env, (key, match))}",
                )
            else:
                c.add(
                    WARNING,
                    "overlay-only-slot",
                    f"{key}.{name} exists only in the {env} overlay: every other environment "
                    f"has no {role.label} '{name}', and what uses it fails there",
                    line=line,
                    env=env,
                    fix=f"add {c.source.table_name('base', (key, name))} with the base provider",
                )
