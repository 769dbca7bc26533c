"""The edit menu of an existing project: `run.run_edit_menu` opens it full screen (`app`,
`screen`) or as prompts (`prompts`); `options` holds the choices both offer. What an action
changes on disk is computed below the UI (scaffolder.reopen.menu)."""
