"""What the front ends share: the new-project Draft and its outcome, the findings' wording,
and the Textual pieces both full-screen apps use (footer, hints, choice grid, dialogs, theme,
palette, keys typed ahead). Each module is imported where it is used; this one imports none."""
