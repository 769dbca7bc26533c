"""Changing an existing project, in the order the data flows (one module each):

    project       open_project: find domain.toml (or pyproject.toml), the answers record
                  -> Project; pending_changes / commit: the one path every change takes
    edits         Project -> new config text (scaffolder.toml inserts it, verified)
    menu          the edit menu's model (overview, actions -> Proposal: a diff before writing)
    local_ports   new local defaults aimed at the services the project's compose runs
    extras        pyproject.toml's protean[...] extras in step with the providers
    derive        derived files regenerated and merged three ways; the answers record
    merge_compose, merge_ci, merge_env_example
                  files protean-init did not write: they only gain what is missing,
                  as text (yaml_insert, verified)

Nothing here imports a UI library; the front ends are scaffolder.ui.edit_menu*.
"""
