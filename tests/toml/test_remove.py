"""scaffolder.toml.remove: a key's own lines removed or commented out, a table removed, the
file's line endings kept."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.remove import remove_key

from .support import LAYER_SETTINGS, documents, lookup, tree_paths


def test_remove_key_drops_only_its_own_lines():
    text = (
        'a = 1\r\n[x.y]\r\nprovider = "pg"  # kept\r\nuri = "${D}"  # goes\r\n\r\n[z]\r\nq = 1\r\n'
    )
    result = remove_key(text, ("x", "y", "uri"))
    assert result == 'a = 1\r\n[x.y]\r\nprovider = "pg"  # kept\r\n\r\n[z]\r\nq = 1\r\n'
    assert remove_key(text, ("x", "y", "missing")) == text


def test_remove_key_takes_a_multiline_value_whole():
    text = '[x]\ny.a = 1\ny.b = """multi\nline"""\nz = 2\n'
    assert remove_key(text, ("x", "y", "b")) == "[x]\ny.a = 1\nz = 2\n"


def test_remove_key_refuses_inline_tables():
    text = "[x]\ny = {a = 1, b = 2}\n"
    with pytest.raises(TomlEditError, match="inline table"):
        remove_key(text, ("x", "y", "a"))


@LAYER_SETTINGS
@given(st.data())
def test_removals_keep_the_files_line_endings(data: st.DataObject) -> None:
    """remove_key, comment_out_key and remove_table on LF/CRLF files, with or without a final
    newline: no bare carriage return is left, and a CRLF file stays CRLF throughout."""
    from scaffolder.toml.remove import comment_out_key, remove_table

    text, tree, _inline, prefix = data.draw(documents())
    paths = sorted(tree_paths(lookup(tree, prefix) or {}))
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    is_table = isinstance(lookup(tree, prefix + path), dict)
    removal = (
        remove_table if is_table else data.draw(st.sampled_from([remove_key, comment_out_key]))
    )
    event(f"{removal.__name__}")
    try:
        result = removal(text, path, root=prefix)
    except TomlEditError as error:
        event("refused")
        assert "inline table" in str(error) or "shares its line" in str(error)
        return
    assert "\r" not in result.replace("\r\n", "")
    if "\r\n" in text:
        assert result.count("\n") == result.count("\r\n")


def test_removing_the_key_that_alone_defines_a_table_removes_the_table_too() -> None:
    """Found by the property above: `event_store.provider` was all of `event_store`, so the
    result has no `event_store` at all, not an empty one; that was refused as a wrong tree."""
    from scaffolder.toml.remove import comment_out_key

    text = '[p]\r\ndebug = false\r\nevent_store.provider = "message_db"\r\n'
    path = ("p", "event_store", "provider")
    assert remove_key(text, path) == "[p]\r\ndebug = false\r\n"
    commented = comment_out_key(text, path, note="unused")
    assert commented.splitlines()[-1] == '# event_store.provider = "message_db"  (unused)'
    assert commented.startswith("[p]\r\ndebug = false\r\n") and commented.endswith("\r\n")
    kept = '[p]\nevent_store.provider = "m"\nevent_store.x = 1\n'  # a sibling keeps the table
    assert tomllib.loads(remove_key(kept, path)) == {"p": {"event_store": {"x": 1}}}
