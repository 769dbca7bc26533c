"""Poetry projects: a provider's extra goes where Poetry reads it (`[tool.poetry.dependencies]
protean`'s `extras`), or is named in one line; never into a `[project]` table Poetry ignores."""

from __future__ import annotations

import tomllib

import pytest

from .support import only_insertions, write

HEAD = (
    '[tool.poetry]\nname = "acme"\nversion = "0.1.0"\n\n'
    '[tool.poetry.dependencies]\npython = "^3.11"\n'
)

FORMS = {
    "inline with extras": 'protean = { version = "0.18.0", extras = ["postgresql"] }  # pinned\n',
    "inline without extras": 'protean = { version = "0.18.0" }\n',
    "table": '\n[tool.poetry.dependencies.protean]\nversion = "0.18.0"\n# our pin\n',
    "table with extras": '\n[tool.poetry.dependencies.protean]\nversion = "0.18.0"\nextras = []\n',
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_extra_goes_into_poetrys_own_extras(tmp_path, cli, form):
    root = tmp_path / "acme"
    original = HEAD + FORMS[form]
    pyproject = write(root / "pyproject.toml", original)
    write(root / "domain.toml", '[databases.default]\nprovider = "memory"\n')

    result = cli("add-database archive --provider mysql --project", root)

    assert result.code == 0, result.err
    text = pyproject.read_text()
    data = tomllib.loads(text)
    assert "project" not in data  # no PEP 621 table Poetry would ignore
    protean = data["tool"]["poetry"]["dependencies"]["protean"]
    assert "mysql" in protean["extras"] and protean["version"] == "0.18.0"
    if form == "inline with extras":
        assert "postgresql" in protean["extras"] and "# pinned" in text
    # Every line but the one holding the extras is kept as it was, in order.
    edited = [line for line in original.splitlines() if "extras" in line or "{" in line]
    assert only_insertions(
        "".join(f"{line}\n" for line in original.splitlines() if line not in edited), text
    )
    assert "pyproject.toml" not in result.err


def test_a_version_string_is_left_and_the_extra_named_in_one_line(tmp_path, cli):
    root = tmp_path / "acme"
    original = HEAD + 'protean = "0.18.0"\n'
    pyproject = write(root / "pyproject.toml", original)
    write(root / "domain.toml", '[databases.default]\nprovider = "memory"\n')

    result = cli("add-database archive --provider mysql --project", root)

    assert result.code == 0, result.err
    assert pyproject.read_text() == original
    [line] = [line for line in result.err.splitlines() if "pyproject.toml" in line]
    assert "extras mysql" in line and "[tool.poetry.dependencies] protean" in line


@pytest.mark.parametrize("spelling", ["message_db", "Message.DB", "message-db"])
def test_an_extra_spelled_another_way_is_not_added_again(spelling: str) -> None:
    """Installers compare extras normalized (PEP 685): a project that asks for
    protean[message_db] has message-db, and a second spelling of it is noise."""
    from scaffolder.reopen.extras import unplaced, with_extras

    poetry = (
        "[tool.poetry.dependencies]\n"
        f'protean = {{version = "^0.18", extras = ["postgresql", "{spelling}"]}}\n'
    )
    pep621 = f'[project]\nname = "x"\ndependencies = ["protean[{spelling},postgresql]>=0.18"]\n'
    for text in (poetry, pep621):
        assert with_extras(text, ["message-db", "postgresql"]) == text
        assert unplaced(text, ["message-db"]) is None
