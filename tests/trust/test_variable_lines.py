"""A variable's name or default in domain.toml is input: what it holds never becomes a line of
its own in a file protean-init writes line by line (.env.example, a Secret's env file).

`${DATABASE_URL\\nINJECTED=1\\n#|...}` (a TOML string may hold a line break) was written into
.env.example as an uncommented `INJECTED=1` line, into the CI job's `env:` as a key that
broke the YAML, and into the Kubernetes Secret's env file; a default holding a line break
likewise into .env.example. Protean reads such a reference fine (the variable is never set,
its default applies); check reports its name (malformed-placeholder). The derived files list
a variable a shell can set, and show a default .env.example can hold on one line. (The attack
round of the thirteenth stop.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.projects import GeneratedProjects

LOCAL = "postgresql://postgres:postgres@localhost:5432/shop"
WRITTEN = f"${{DATABASE_URL|{LOCAL}}}"
# Characters that end a line where a file is read line by line (str.splitlines' and YAML's).
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def _toml(text: str) -> str:
    """`text` as the inside of a TOML basic string."""
    return "".join(ESCAPES.get(c, c if c.isprintable() else f"\\u{ord(c):04x}") for c in text)


def _lines_of(root: Path) -> dict[str, list[str]]:
    files = [".env.example", ".github/workflows/ci.yml"]
    files += [str(p.relative_to(root)) for p in root.glob("deploy/**/.env.example")]
    return {f: (root / f).read_text().splitlines() for f in files if (root / f).exists()}


@pytest.fixture(scope="module")
def pristine(generated_projects: GeneratedProjects) -> Path:
    return generated_projects.pristine("shop", ("--defaults", "--deploy", "kubernetes"))


def _derive(cli, pristine: Path, folder: Path, written: str) -> dict[str, list[str]]:
    import shutil

    root = folder / "shop"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(pristine, root, symlinks=True)
    config = root / "domain.toml"
    text = config.read_text()
    assert WRITTEN in text
    config.write_text(text.replace(WRITTEN, written, 1))
    code, out, err = cli("derive --project", root)
    assert code == 0, out + err
    yaml.safe_load((root / ".github/workflows/ci.yml").read_text())
    return _lines_of(root)


@settings(max_examples=25, deadline=None)
@given(
    before=st.sampled_from(["DATABASE_URL", "A"]),
    line_break=st.sampled_from(BREAKS),
    after=st.sampled_from(["INJECTED=1", "INJECTED: 1", "- INJECTED"]),
    where=st.sampled_from(["name", "default"]),
)
def test_nothing_of_a_reference_becomes_a_line_of_its_own(
    cli, pristine: Path, tmp_path_factory, before: str, line_break: str, after: str, where: str
) -> None:
    if where == "name":
        written = f"${{{before}{line_break}{after}|{LOCAL}}}"
    else:
        written = f"${{DATABASE_URL|{LOCAL}{line_break}{after}}}"
    folder = tmp_path_factory.mktemp("lines")
    lines = _derive(cli, pristine, folder, _toml(written))
    for file, found in lines.items():
        assert not any(line.lstrip().startswith("INJECTED") for line in found), (file, found)
        assert not any(line.lstrip().startswith("- INJECTED") for line in found), (file, found)


def test_a_name_with_a_line_break_is_left_out_and_check_names_it(
    cli, pristine: Path, tmp_path: Path
) -> None:
    written = _toml(f"${{DATABASE_URL\nINJECTED=1\n#|{LOCAL}}}")
    lines = _derive(cli, pristine, tmp_path, written)
    assert not any("INJECTED" in line for found in lines.values() for line in found)
    code, out, err = cli("check --project", tmp_path / "shop")
    assert code == 1, out + err
    assert "malformed-placeholder" in out and "no shell can set" in out, out
