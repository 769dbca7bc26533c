"""What the front ends share: the new-project Draft and its outcome, the findings' wording,
the Textual pieces both full-screen apps use (footer, hints, choice grid, dialogs, theme,
palette, keys typed ahead) and how the line-by-line prompts ask (prompter: the new-project
questions' and the edit menu's). Each module is imported where it is used; this one imports
none."""
