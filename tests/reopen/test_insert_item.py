"""yaml_insert.insert_item: a step inserted into a workflow someone else wrote, as text, before
another step; every line of theirs kept, in the file's indentation and line endings."""

from __future__ import annotations

import pytest
import yaml

from scaffolder.reopen.yaml_insert import YamlInsertError, insert_item

STEP = {"name": "Create", "env": {"PGUSER": "postgres"}, "run": "createdb shop_reports"}


def workflow(indent: int, dash: int, gap: str) -> str:
    one, two = " " * indent, " " * (2 * indent)
    steps = " " * (2 * indent + dash)
    inner = steps + "  "
    return (
        f"jobs:\n{one}test:\n{two}runs-on: ubuntu-latest\n{two}steps:\n"
        f"{steps}- uses: actions/checkout@v4\n{gap}"
        f"{steps}# the suite\n{steps}- name: Tests\n{inner}run: pytest\n"
    )


@pytest.mark.parametrize("indent", [2, 4])
@pytest.mark.parametrize("dash", [2])
@pytest.mark.parametrize("gap", ["", "\n"])
@pytest.mark.parametrize("crlf", [False, True])
def test_a_step_goes_before_the_tests_and_their_comment(
    indent: int, dash: int, gap: str, crlf: bool
) -> None:
    text = workflow(indent, dash, gap)
    if crlf:
        text = text.replace("\n", "\r\n")
    result = insert_item(text, ("jobs", "test"), "steps", 1, STEP)
    steps = yaml.safe_load(result)["jobs"]["test"]["steps"]
    assert steps[1] == STEP and steps[2]["run"] == "pytest" and len(steps) == 3
    lines = result.splitlines()
    # Every line of theirs, in order; the comment still right above its step.
    remaining = iter(lines)
    assert all(any(line == got for got in remaining) for line in text.splitlines())
    assert lines[lines.index(" " * (2 * indent + dash) + "- name: Tests") - 1].strip() == (
        "# the suite"
    )
    if crlf:  # every line, the inserted ones too, ends as the file's do
        assert result.count("\n") == result.count("\r\n")
    else:
        assert "\r" not in result


@pytest.mark.parametrize(
    "text",
    [
        "jobs:\n  test:\n    steps: [{run: pytest}]\n",
        # Dashes at the key's column: not inserted into yet (merge_ci then names the step).
        "jobs:\n  test:\n    steps:\n    - run: pytest\n",
    ],
    ids=["flow", "dash-at-key-column"],
)
def test_a_layout_it_does_not_insert_into_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(YamlInsertError, match=r"^[^\n]+$"):
        insert_item(text, ("jobs", "test"), "steps", 0, STEP)


SERVICE = (
    "      postgres:\n        image: postgres:17-alpine\n        ports:\n          - 5432:5432\n"
)
GENERATED = (
    "jobs:\n  integration:\n    runs-on: ubuntu-latest\n    services:\n"
    + SERVICE
    + "    steps:\n      - name: Create the named databases on postgres\n"
    "        run: createdb shop_reports\n      - run: pytest\n"
)


@pytest.mark.parametrize("dash", ["      ", "    "], ids=["indented", "at-key-column"])
def test_adopting_creates_the_database_or_names_the_step_to_add(dash: str) -> None:
    from scaffolder.reopen.merge_ci import adopt_workflow

    yours = (
        "jobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n"
        + SERVICE
        + f"    steps:\n{dash}- uses: actions/checkout@v4\n{dash}- run: pytest\n"
    )
    adopted = adopt_workflow(yours, GENERATED, memory_overlay=False)
    assert adopted is not None
    text, notes = adopted
    runs = [step.get("run") for step in yaml.safe_load(text)["jobs"]["test"]["steps"]]
    if dash == "      ":
        assert runs == [None, "createdb shop_reports", "pytest"], notes
    else:  # left as it was, and the note names the step to add
        assert text == yours
        assert any("add a step before the tests: `createdb shop_reports`" in n for n in notes)
