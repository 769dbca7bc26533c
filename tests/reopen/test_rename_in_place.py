"""rename-* renames in place: every line and comment kept, the tables where they were, and
the storage the slot points at kept (the renamed slot opens the data it had)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.rename import rename_table

from .support import load_config, write

# How people write the table: its header, and where their comments go.
HEADERS = ["[databases.archive]", "[ databases . archive ]", '[databases."archive"]']
INLINE = 'archive = { provider = "sqlite", database_uri = "sqlite:///shop_archive.db" }'


def project_text(header: str, above: str, after_header: str, after_key: str, style: str) -> str:
    if style == "inline":
        archive = f"[databases]\n{above}{INLINE}{after_key}\n"
    else:
        archive = (
            f"{above}{header}{after_header}\n"
            f'provider = "sqlite"{after_key}\n'
            'database_uri = "${ARCHIVE_DATABASE_URL|sqlite:///shop_archive.db}"\n'
        )
    production = (
        '[production]\ndatabases.archive.provider = "postgresql"  # dotted\n'
        'databases.archive.database_uri = "${ARCHIVE_DATABASE_URL}"\n'
        if style == "dotted"
        else '[production.databases.archive]\nprovider = "postgresql"\n'
        'database_uri = "${ARCHIVE_DATABASE_URL}"\n'
    )
    return (
        '# shop\'s config\ndebug = true\n\n[databases.default]\nprovider = "memory"\n\n'
        f'{archive}\n# after the archive\n[brokers.default]\nprovider = "inline"\n\n'
        f'{production}\n[production.brokers.default]\nprovider = "inline"\n'
    )


comments = st.sampled_from(["", "# cold data\n", "# two\n# lines\n"])
trailing = st.sampled_from(["", "  # kept", "\t# tab"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(HEADERS),
    above=comments,
    after_header=trailing,
    after_key=trailing,
    style=st.sampled_from(["tables", "inline", "dotted"]),
)
def test_rename_keeps_every_other_byte_and_the_storage(
    tmp_path_factory, cli, header, above, after_header, after_key, style
):
    root = tmp_path_factory.mktemp("shop")
    original = project_text(header, above, after_header, after_key, style)
    config = write(root / "domain.toml", original)
    names = {"ARCHIVE_DATABASE_URL", "COLD_DATABASE_URL"}
    before = load_config(root, "base", {}, names)["databases"]["archive"]

    renaming = cli("rename-database archive cold --project", root)
    assert renaming.code == 0, renaming.printed

    renamed = config.read_text()
    old_lines, new_lines = original.splitlines(), renamed.splitlines()
    assert len(old_lines) == len(new_lines)  # nothing moved, added or dropped
    for old, new in zip(old_lines, new_lines, strict=True):
        if old != new:  # only the name and the default variable's name
            expected = re.sub(r"(?<!shop_)archive", "cold", old).replace("ARCHIVE_", "COLD_")
            assert expected == new, (old, new)
    # Protean's loader: the renamed slot opens the same storage, in base and production.
    base = load_config(root, "base", {}, names)["databases"]
    assert "archive" not in base and base["cold"]["database_uri"].endswith("shop_archive.db")
    assert base["cold"]["provider"] == before["provider"]
    production = load_config(root, "production", {"COLD_DATABASE_URL": "x://y"}, names)
    assert production["databases"]["cold"] == {"provider": "postgresql", "database_uri": "x://y"}


def test_a_table_spelled_inside_an_inline_parent_is_refused_not_mangled():
    text = 'databases = { archive = { provider = "memory" } }\n'
    with pytest.raises(TomlEditError):
        rename_table(text, ("databases", "archive"), "cold")
