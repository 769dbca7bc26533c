"""The TOML layer: reading and editing Protean's config files without re-serialising them.

Layers, bottom up: `errors` (the one exception and the one message for malformed TOML),
`values` (the one value writer: what new projects and edits both write), `scan` (one pass that
knows where every table, key and value is; `check` takes its line numbers from it), `tree`
(the parsed tree an edit should produce), `verify` (an edit's result must parse to that tree
and keep every other line), `place` (where new tables and keys go), and the edits themselves:
`edit` (insert tables, set a value) and `remove` (remove or comment out a key, remove a table).
"""
