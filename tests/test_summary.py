"""`protean-init edit --ui none`: the picture of a project and the commands that change it."""

from __future__ import annotations

import re

# Commands that do not change the project edit --ui none pictures: they make one, show one, or
# turn it into a workspace of contexts (said where a workspace is made); upgrade is offered
# on a line of its own, to an older project only (tests/reopen/test_upgrade).
NOT_LISTED = {"new", "edit", "completion", "add-context", "remove-context", "upgrade"}


def test_the_summary_names_every_command_that_changes_the_project(
    cli, generated_projects, tmp_path
):
    """Each command that edits a project is named where the summary says what to run (and
    each name there is a command): it named five, where the edit menu offers thirteen."""
    from scaffolder.cli import COMMANDS

    shop = generated_projects.copy(tmp_path / "shop")
    code, out, err = cli("edit --ui none --project", shop)
    assert code == 0, err
    listed = out[out.index("Change it with:") :]
    named = set()
    for line in listed.splitlines()[1:]:
        words = re.match(r"\s+protean-init ([\w|-]+)", line)
        assert words, line
        named |= set(words[1].split("|"))
    assert named <= set(COMMANDS), named - set(COMMANDS)
    assert named == set(COMMANDS) - NOT_LISTED
