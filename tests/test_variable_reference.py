"""`${VAR|default}` is parsed in one place (scaffolder.variable_reference), the way Protean's
own pattern reads it; the plans, `check` and the edits take it from there."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from protean.domain.config import Config2

from scaffolder.config_tree import references
from scaffolder.variable_reference import (
    WITH_DEFAULT,
    VariableReference,
    references_in,
    substitute,
    without_references,
)

# Texts dense in the characters a reference is made of.
TEXTS = st.text(alphabet="${}|AB_x:/ ", max_size=30)


@settings(max_examples=500, deadline=None)
@given(text=TEXTS)
def test_references_are_protean_s(text: str) -> None:
    protean = [m.group(1) for m in Config2.ENV_VAR_PATTERN.finditer(text)]
    ours = list(references_in(text))
    assert [ref.name for ref in ours] == [inner.split("|", 1)[0] for inner in protean]
    assert [ref.default for ref in ours] == [
        inner.split("|", 1)[1] if "|" in inner else None for inner in protean
    ]
    # Written back, a reference is the text it was read from.
    assert substitute(text, str) == text
    # The plans read the references that name a variable.
    assert list(references({"k": [text]})) == [r for r in ours if r.name]


@settings(max_examples=500, deadline=None)
@given(text=TEXTS)
def test_with_default_finds_the_references_protean_gives_a_default(text: str) -> None:
    """The pattern that places a default in the text (scaffolder.redact masks it there) finds
    exactly the references with a default, named and defaulted as Protean reads them."""
    found = [(m.group("name"), m.group("default")) for m in WITH_DEFAULT.finditer(text)]
    assert found == [(r.name, r.default) for r in references_in(text) if r.default is not None]


def test_a_reference_is_its_name_and_the_default_after_the_first_bar() -> None:
    assert VariableReference.parse("DB|a|b") == VariableReference("DB", "a|b")
    assert VariableReference.parse("DB|") == VariableReference("DB", "")
    assert VariableReference.parse("DB") == VariableReference("DB", None)
    assert str(VariableReference("DB", "")) == "${DB|}"
    assert without_references("a${X|y}b${Z}c") == "abc"
    # `${|x}` names no variable: the plans and the edits leave it alone.
    assert list(references("${|x}")) == []
