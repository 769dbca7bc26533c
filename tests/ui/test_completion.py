"""`protean-init completion SHELL`: the scripts complete in real bash, zsh and fish, from the
parser the CLI runs; and `--help` still imports none of shtab, Textual or copier."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scaffolder.cli import build_parser
from scaffolder.commands.completion import script
from tests.support.cli import imported_by


def need(shell: str) -> str:
    path = shutil.which(shell)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{shell} is missing: scripts/install-test-services.sh installs it")
        pytest.skip(f"{shell} is not installed (scripts/install-test-services.sh installs it)")
    return path


def commands() -> list[str]:
    """Every subcommand, read from the parser (never a copied list)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("completion") / "protean-init.bash"
    path.write_text(script(build_parser(), "bash"))
    return path


def bash_complete(script_path: Path, words: list[str], line: str) -> list[str]:
    """What bash's completion function offers with COMP_WORDS as bash splits `line`."""
    driver = f"""
source {script_path}
COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}
COMP_WORDS=({" ".join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}
COMPREPLY=()
_protean_init_joined protean-init "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    result = subprocess.run(
        [need("bash"), "-c", driver], capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_bash_completes_every_command_of_the_parser(bash_script):
    offered = bash_complete(bash_script, ["protean-init", ""], "protean-init ")
    assert set(commands()) <= set(offered)
    assert "completion" in offered


def test_bash_completes_flags_choices_and_providers(bash_script):
    flags = bash_complete(bash_script, ["protean-init", "new", "--"], "protean-init new --")
    assert {"--set", "--defaults", "--ci", "--ui", "--dry-run"} <= set(flags)
    ci = bash_complete(bash_script, ["protean-init", "new", "--ci", ""], "protean-init new --ci ")
    assert set(ci) == {"github", "gitlab", "none"}
    line = "protean-init add-database reports --provider po"
    offered = bash_complete(bash_script, line.split(), line)
    assert offered == ["postgresql"]


def test_bash_completes_set_keys_and_values_across_the_equals_sign(bash_script):
    line = "protean-init new --set production.data"
    keys = bash_complete(bash_script, line.split(), line)
    assert "production.databases.default=" in keys
    # bash splits at '=' (COMP_WORDBREAKS): the value is completed on its own.
    line = "protean-init new --set production.databases.default=po"
    words = ["protean-init", "new", "--set", "production.databases.default", "=", "po"]
    assert bash_complete(bash_script, words, line) == ["postgresql"]
    line = "protean-init new --set test.event_processing=a"
    words = ["protean-init", "new", "--set", "test.event_processing", "=", "a"]
    assert bash_complete(bash_script, words, line) == ["async"]


def test_fish_completes_commands_keys_and_providers(tmp_path):
    fish = need("fish")
    path = tmp_path / "protean-init.fish"
    path.write_text(script(build_parser(), "fish"))

    def complete(line: str) -> list[str]:
        result = subprocess.run(
            [fish, "--no-config", "-c", f"source {path}; complete -C {line!r}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return [row.split("\t")[0] for row in result.stdout.splitlines()]

    assert set(commands()) <= set(complete("protean-init "))
    assert "postgresql" in complete("protean-init add-database x --provider p")
    assert "production.databases.default=postgresql" in complete(
        "protean-init new --set production.databases.default=po"
    )


def test_zsh_loads_the_script_and_it_names_every_command(tmp_path):
    zsh = need("zsh")
    path = tmp_path / "_protean-init"
    text = script(build_parser(), "zsh")
    path.write_text(text)
    # Loaded by compinit as a completion function would be: a syntax or load error fails.
    result = subprocess.run(
        [zsh, "-f", "-c", f"autoload -U compinit && compinit -u && source {path} && echo ok"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr
    for command in commands():
        assert command in text
    assert "production.databases.default\\=postgresql" in text


def test_help_imports_no_shtab_textual_or_copier(tmp_path):
    (result,), modules = imported_by("--help", cwd=tmp_path)
    assert result.code == 0, result.printed
    heavy = sorted({m.split(".")[0] for m in modules} & {"shtab", "textual", "copier"})
    assert heavy == [], heavy


def test_the_command_prints_the_script(cli):
    code, out, _ = cli("completion bash")
    assert code == 0
    assert "_protean_init_joined" in out
    assert cli("completion powershell").code == 2
