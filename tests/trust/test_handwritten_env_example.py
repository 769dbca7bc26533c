"""Property test of scaffolder.reopen.merge_env_example: a hand-written .env.example, whatever its
lines, only gains lines over any sequence of edits; protean-init's additions live in one
block under one header; no variable is listed twice; a run with nothing new changes no byte.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.reopen.merge_env_example import HEADER, add_missing_variables

TITLES = {
    "production": "# production (PROTEAN_ENV=production): required; set them in the deployment",
    "test": "# test (PROTEAN_ENV=test, the default under pytest): defaults match compose",
}
NAMES = ["DATABASE_URL", "BROKER_URL", "CACHE_URL", "REPORTS_DATABASE_URL", "EVENT_STORE_URL"]

user_line = st.one_of(
    st.sampled_from(["", "# my notes", "SECRET_KEY=change-me", "export DEBUG=1", "  "]),
    st.sampled_from(NAMES).map(lambda n: f"{n}=mine"),
    st.sampled_from(NAMES).map(lambda n: f"# {n}=commented-mine"),
)


def generated(variables: list[str]) -> str:
    """An .env.example as protean-init renders it, for `variables` in production and test."""
    blocks = ["# The environment variables domain.toml reads."]
    for env, title in TITLES.items():
        lines = [f"# {name}={env}-value" for name in variables]
        blocks.append("\n".join([title, *lines]))
    return "\n\n".join(blocks) + "\n"


def survives(old: str, new: str) -> bool:
    remaining = iter(new.split("\n"))
    lines = old.split("\n")
    for index, line in enumerate(lines):
        accepted = {line, line + "\r"} if index == len(lines) - 1 and line else {line}
        if not any(candidate in accepted for candidate in remaining):
            return False
    return True


@settings(max_examples=40, deadline=None)
@given(
    st.lists(user_line, max_size=8),
    st.lists(st.lists(st.sampled_from(NAMES), unique=True), min_size=1, max_size=4),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_repeated_edits_keep_one_block(lines, rounds, eol, final) -> None:
    text = eol.join(lines) + (eol if final and lines else "")
    crlf = "\r\n" in text
    mine = {line.lstrip("# ").split("=")[0] for line in lines if "=" in line}
    seen: set[str] = set()
    for variables in rounds:
        seen |= set(variables)
        new = add_missing_variables(text, generated(sorted(seen)))
        assert survives(text, new)
        assert add_missing_variables(new, generated(sorted(seen))) == new  # nothing new: no byte
        text = new
    assert text.count(HEADER) == (1 if seen - mine else 0)
    for name in seen - mine:
        # Once per environment it is read in, each under that environment's title.
        assert text.count(f"# {name}=production-value") == 1
        assert text.count(f"# {name}=test-value") == 1
    if crlf:
        assert "\n" not in text.replace("\r\n", "")
