"""Text from a project's files made safe to print on a line of its own.

A TOML key or string may hold any character (`"x\ndomain.toml:1: info: ..."`, `\u001b]0;...`):
printed as it is, a line break in it forges a line of output (a finding of check's, a line
of an error), and an escape sequence drives the terminal (clears it, hides text, retitles
the window). Everything printed from the project's files (check's findings, the one-line
errors) shows such characters as the escapes Python writes them with.
"""

from __future__ import annotations


def printable(text: str, keep: str = "") -> str:
    """`text` with each character str.isprintable refuses (control characters, line breaks,
    format characters such as a right-to-left override) shown as its escape (`\\n`, `\\x1b`,
    `\\u202e`), but those in `keep` (a report of several lines keeps "\\n" and "\\t"); the
    rest, spaces and every letter included, as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)
