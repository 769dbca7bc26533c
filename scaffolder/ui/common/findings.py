"""`protean-init check`'s findings as the UIs show them: the Review step, the edit menu, prompts.

The findings come from `scaffolder.check` itself, so the wizard and the edit menu can never
disagree with the command: Review checks the domain.toml it is about to write
(`check_config_text`: drift needs files on disk, so it has none yet), and the edit menu checks
the project (`check_project`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.content import Content
    from textual.screen import Screen

    from scaffolder.check import Finding

MARKS = {"error": "✗", "warning": "!", "drift": "~"}
STYLES = {"error": "$text-error", "warning": "$text-warning", "drift": "$text-accent"}


def config_findings(files: Mapping[str, bytes]) -> list[Finding]:
    """What `protean-init check` will say about the rendered project's domain.toml; in a
    workspace, about each context's `src/<context>/domain.toml`, each finding led by its
    context's name."""
    # deferred: scaffolder.check ~47 ms (CPU after this module's own imports), paid only when this
    # runs
    from scaffolder.check import check_config_text

    if "domain.toml" in files:
        text = files["domain.toml"].decode("utf-8", errors="replace")
        return ordered([_before_the_file(f) for f in check_config_text(text)])
    # deferred: dataclasses ~8 ms (CPU after this module's own imports), paid only when this runs
    import dataclasses

    found = []
    for path in sorted(p for p in files if p.startswith("src/") and p.endswith("/domain.toml")):
        context = path.split("/")[1]
        for finding in check_config_text(files[path].decode("utf-8", errors="replace")):
            # The context first: "catalogue: production uses ..." (the environment is in
            # the message already, or put before it here, as headline would).
            text, env = _before_the_file(finding).message, finding.env
            if env and not text.startswith(env):
                text = f"{env}: {text}"
            found.append(
                dataclasses.replace(finding, message=f"{context}: {text}", env=None, file=path)
            )
    return ordered(found)


def _before_the_file(finding: Finding) -> Finding:
    """Review and the prompts show findings before there is a file: "chosen in the file"
    would point at nothing; the choice was made in the Providers step."""
    # deferred: dataclasses ~8 ms (CPU after this module's own imports), paid only when this runs
    import dataclasses

    if "(chosen in the file)" not in finding.message:
        return finding
    message = finding.message.replace("(chosen in the file)", "(chosen in Providers)")
    return dataclasses.replace(finding, message=message)


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


def headline(finding: Finding) -> str:
    """`! production: <message>`: one finding on one line (the fix goes on the next)."""
    env = finding.env or ""
    env = f"{env}: " if env and not finding.message.startswith(env) else ""
    return f"{MARKS[finding.severity]} {env}{finding.message}"


def findings_content(
    findings: Sequence[Finding], *, locations: bool = False, fixes: bool = True
) -> Content:
    """Each finding in its severity's colour, its fix dimmed under it, most serious first.

    `locations` adds `file:line` and the finding's code, as `protean-init check` prints them;
    without `fixes`, one line a finding (the wizard's fix is a choice in its grid).
    """
    # deferred: textual.content ~95 ms (CPU after this module's own imports), paid only when this
    # runs
    from textual.content import Content

    parts: list[str | tuple[str, str]] = []
    for finding in ordered(findings):
        if parts:
            parts.append("\n")
        parts.append((headline(finding), STYLES[finding.severity]))
        if locations:
            parts.append((f"\n    {finding.location} · {finding.code}", "$text-muted"))
        if fixes:
            parts.append((f"\n    fix: {finding.fix}", "$text-muted"))
    return Content.assemble(*parts)


async def show_check_report(
    screen: Screen,
    findings: Sequence[Finding],
    *,
    title: str,
    nothing: str,
    summary: str,
    say: Callable[[str, bool], None],
) -> None:
    """`protean-init check`'s findings in a dialog over `screen`, titled `title` and their
    tally (`nothing` when there are none, `summary` under it); `say(line, errors)` puts the
    title in the screen's status line first, where it stays under the dialog and after."""
    # deferred: scaffolder.check ~20 ms, scaffolder.ui.common.preview ~13 ms, rich.text (CPU,
    # measured): the edit menu's first screen imports this module without them
    from rich.text import Text

    # deferred: as rich.text above
    from scaffolder.check import tally
    from scaffolder.ui.common.preview import ReportModal

    body = findings_content(findings, locations=True) if findings else Text(nothing)
    title = f"{title}: {tally(findings)}"
    errors = any(f.severity == "error" for f in findings)
    say(title, errors)
    await screen.app.push_screen_wait(
        ReportModal(title, body, summary=summary, confirm=None, error=errors)
    )
