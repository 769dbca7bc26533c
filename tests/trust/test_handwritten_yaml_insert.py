"""Property test of scaffolder.reopen.yaml_insert: whatever block style a hand-written compose file
uses (2, 3 or 4 spaces, sequences at the key's column or indented, comments above, between
and after services, a commented-out service, anchors and `<<:` merge keys, CRLF, no final
newline), adding services and volumes keeps every original line byte for byte and in order,
writes the new entries in the file's own indentation, and parses to the old document plus
exactly the new entries. A flow mapping gains text inside its braces only; the document in
flow style or an alias is refused, never rewritten.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.reopen.yaml_insert import YamlInsertError, add_entries, load_plain

NEW_SERVICE = {
    "image": "postgres:17-alpine",
    "environment": {"POSTGRES_PASSWORD": "postgres"},
    "ports": ["127.0.0.1:5432:5432"],
    "healthcheck": {"test": ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U postgres"]},
    "volumes": ["postgres-data:/var/lib/postgresql/data"],
}


@st.composite
def compose_files(draw: st.DrawFn) -> tuple[str, int]:
    child = draw(st.sampled_from([2, 3, 4]))
    step = draw(st.sampled_from([child, 2, 4]))
    dash = draw(st.sampled_from([0, step]))
    pad = " " * child
    inner = " " * (child + step)
    item = " " * (child + step + dash)
    lines: list[str] = []
    anchors = draw(st.booleans())
    if draw(st.booleans()):
        lines += ["# Local stack, by hand.", "name: shop", ""]
    if anchors:
        lines += ["x-common: &common", f"{pad}restart: unless-stopped", ""]
    lines.append(draw(st.sampled_from(["services:", "services: # ours", "services:   # x: y"])))
    names = draw(
        st.lists(
            st.sampled_from(["app", "web", "worker", "db2"]), min_size=1, max_size=3, unique=True
        )
    )
    for n, name in enumerate(names):
        if draw(st.booleans()):
            lines.append(f"{pad}# the {name} service")
        lines.append(f"{pad}{name}:")
        if anchors and draw(st.booleans()):
            lines.append(f"{inner}<<: *common")
        lines.append(f"{inner}image: busybox:1.{n}")
        if draw(st.booleans()):
            lines += [f"{inner}ports:", f'{item}- "{8000 + n}:80"']
        if draw(st.booleans()):
            lines += [f'{inner}command: ["sleep", "{n}"]  # flow inside block is fine']
        if draw(st.booleans()):
            lines.append("")
    if draw(st.booleans()):
        lines += [f"{pad}# cache:", f"{pad}#{' ' * (step - 1)}image: redis:7"]
    volumes = draw(st.sampled_from(["absent", "empty", "entries"]))
    if draw(st.booleans()):
        lines += ["# shared with the other repo", "networks:", f"{pad}default:", f"{inner}name: x"]
    if volumes == "empty":
        lines.append(draw(st.sampled_from(["volumes:", "volumes: # none yet"])))
    elif volumes == "entries":
        lines += ["volumes:", f"{pad}appdata: {{}}"]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(lines)
    if draw(st.booleans()):
        text += eol
    return text, child


def survives(old: str, new: str) -> bool:
    remaining = iter(new.split("\n"))
    lines = old.split("\n")
    for index, line in enumerate(lines):
        accepted = {line, line + "\r"} if index == len(lines) - 1 and line else {line}
        if not any(candidate in accepted for candidate in remaining):
            return False
    return True


@settings(max_examples=40, deadline=None)
@given(compose_files())
def test_entries_are_added_as_text_in_the_files_style(case: tuple[str, int]) -> None:
    text, child = case
    old = load_plain(text)
    result = add_entries(
        text,
        {"services": {"postgres": NEW_SERVICE}, "volumes": {"postgres-data": None}},
        prefer="services",
    )
    assert survives(text, result)
    got = load_plain(result)
    expected = dict(old)
    expected["services"] = {**old["services"], "postgres": NEW_SERVICE}
    expected["volumes"] = {**(old.get("volumes") or {}), "postgres-data": None}
    assert got == expected
    bare = result.replace("\r\n", "\n").split("\n")
    assert " " * child + "postgres:" in bare  # the file's own indent
    assert " " * child + "postgres-data:" in bare
    if "\r\n" in text:
        assert "\n" not in result.replace("\r\n", "")  # CRLF stays CRLF, no mixed endings
    assert result.endswith("\n") == text.endswith("\n")


FLOW_FILES = [
    'services: {db: {image: "postgres:16"}}\n',
    "services: {}\n",
    "services: {\n  db: {image: x}\n}\n",
    "services: {\n  db: {image: x},  # trailing comma, a comment {with: braces}\n}\n",
    'services:\n  {db: {image: "a\'}b", command: [\'x}\', "y\\"}"]}}  # }\n',
    "services: &all {db: {image: x}}\r\nvolumes: {data: {}}\r\n",
    "name: shop\nservices: {db: {image: x,\n    ports: ['5432:5432']}}\n# end",
    "services:\n  db: {image: x}\nvolumes: {}\n",
]


@pytest.mark.parametrize("text", FLOW_FILES)
def test_flow_style_gains_only_the_inserted_text(text: str) -> None:
    """A flow mapping gains the new entries inside its braces, in flow style: every original
    byte is kept in order (the only change is inserted text), and the result parses to the
    old document plus exactly the new entries."""
    import difflib

    old = load_plain(text)
    result = add_entries(
        text,
        {"services": {"redis": NEW_SERVICE}, "volumes": {"redis-data": None}},
        prefer="services",
    )
    ops = difflib.SequenceMatcher(None, text, result, autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} <= {"equal", "insert"}, ops
    expected = dict(old)
    expected["services"] = {**(old["services"] or {}), "redis": NEW_SERVICE}
    expected["volumes"] = {**(old.get("volumes") or {}), "redis-data": None}
    assert load_plain(result) == expected
    if "\r\n" in text:
        assert "\n" not in result.replace("\r\n", "")


# Flow-context scalars a hand-written file may hold: plain words, and quoted text with the
# characters a scanner of braces could trip on (braces, commas, '#', quotes, colons).
_FLOW_VALUES = st.sampled_from(
    ["busybox", "postgres:16", "'a}b'", '"c{d"', "'it''s'", '"q\\"}"', "'x # y'", '"a, b"',
     "'5432:5432'", '"${PORT:-80}"', "nginx", "'#'"]
)  # fmt: skip


@st.composite
def flow_compose_files(draw: st.DrawFn) -> str:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    space = draw(st.sampled_from(["", " ", "  "]))
    multiline = draw(st.booleans())
    sep = f",{eol}  " if multiline else f",{space or ' '}"
    entries = []
    for n in range(draw(st.integers(0, 3))):
        value = draw(_FLOW_VALUES)
        inner = [f"image:{' '}{value}"]
        if draw(st.booleans()):
            inner.append(f"command: [{draw(_FLOW_VALUES)}, {draw(_FLOW_VALUES)}]")
        if draw(st.booleans()):
            inner.append("environment: {}")
        entries.append(f"s{n}: {{{space}{', '.join(inner)}{space}}}")
    body = sep.join(entries)
    if entries and draw(st.booleans()):
        body += ","  # a trailing comma
    comment = draw(st.sampled_from(["", "  # {not: closed", "  # ours, ']'"]))
    anchor = draw(st.sampled_from(["", "&all ", "!!map "]))
    if multiline:
        services = f"services: {anchor}{{{eol}  {body}{comment}{eol}}}"
    else:
        services = f"services: {anchor}{{{space}{body}{space}}}{comment}"
    lines = []
    if draw(st.booleans()):
        lines += ["# by hand", "name: shop"]
    lines.append(services)
    volumes = draw(st.sampled_from(["", "volumes: {}", "volumes: {data: {}}", "volumes:\n  data:"]))
    if volumes:
        lines.append(volumes.replace("\n", eol))
    text = eol.join(lines)
    return text + eol if draw(st.booleans()) else text


@settings(max_examples=60, deadline=None)
@given(flow_compose_files())
def test_flow_files_gain_only_inserted_text(text: str) -> None:
    """Whatever the flow file (one line or many, trailing comma, comments holding braces,
    quoted braces and quotes, anchors or tags, CRLF, no final newline): only text is
    inserted, and the result parses to the old document plus exactly the new entries."""
    import difflib

    old = load_plain(text)
    result = add_entries(
        text,
        {"services": {"postgres": NEW_SERVICE}, "volumes": {"postgres-data": None}},
        prefer="services",
    )
    ops = difflib.SequenceMatcher(None, text, result, autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} <= {"equal", "insert"}, ops
    expected = dict(old)
    expected["services"] = {**(old["services"] or {}), "postgres": NEW_SERVICE}
    expected["volumes"] = {**(old.get("volumes") or {}), "postgres-data": None}
    assert load_plain(result) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{services: {db: {image: "postgres:16"}}}\n',  # the whole document in flow style
        "x-all: &all {db: {image: x}}\nservices: *all\n",  # an alias: the edit would land elsewhere
        "services: [db]\n",
    ],
)
def test_shapes_that_cannot_be_added_to_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(YamlInsertError) as caught:
        add_entries(
            text,
            {"services": {"redis": {"image": "redis"}}, "volumes": {"redis-data": None}},
            prefer="services",
        )
    assert "\n" not in str(caught.value)


def test_an_existing_name_or_a_scalar_is_refused() -> None:
    with pytest.raises(YamlInsertError, match="already exists"):
        add_entries("services:\n  db:\n    image: x\n", {"services": {"db": {}}}, prefer="services")
    with pytest.raises(YamlInsertError, match="not a mapping"):
        add_entries("services: 3\n", {"services": {"db": {}}}, prefer="services")
