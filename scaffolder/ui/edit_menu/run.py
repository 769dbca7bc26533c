"""`run_edit_menu(project, ui)`: the edit menu in the full screen ("tui") or as prompts.

Both front ends apply each change as it is confirmed; this prints what they changed once
they are gone (the full screen takes its picture with it) and returns the exit code: 0,
whether or not anything changed (leaving without a change is no error).
"""

from __future__ import annotations

import sys

from scaffolder.reopen.project import Project
from scaffolder.ui.edit_menu.session import WorkspaceRoot


def run_edit_menu(project: Project, ui: str, workspace: WorkspaceRoot | None = None) -> int:
    """`workspace`: opened at a workspace's root, whose contexts come first (`project` is
    then its first context's)."""
    if ui == "prompt":
        # deferred: scaffolder.ui.edit_menu.prompts ~98 ms (CPU after this module's own imports),
        # paid only when this runs
        from scaffolder.ui.edit_menu.prompts import pick_context, run_edit_prompts

        if workspace is not None:
            picked = pick_context(workspace)
            if picked is None:
                return report([])
            project = picked
        applied = run_edit_prompts(project)
    else:
        # deferred: scaffolder.ui.edit_menu.app ~150 ms (CPU after this module's own imports), paid
        # only when this runs
        from scaffolder.ui.edit_menu.app import EditApp

        app = EditApp(project, workspace)
        app.run()
        applied = app.applied
    return report(applied)


def report(applied: list[str]) -> int:
    if not applied:
        # Looking and leaving is a normal end, not a cancel: 0, as `git log` would.
        print("protean-init: left the edit menu; nothing was changed", file=sys.stderr)
        return 0
    print("Changed:")
    for line in applied:
        print(f"  {line}")
    return 0
