"""The line-by-line front end (questionary): the new-project questions (how they ask, shared
with the edit menu's prompts: scaffolder.ui.common.prompter)."""
