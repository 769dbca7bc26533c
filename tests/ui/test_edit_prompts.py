"""The edit menu's prompts fallback, driven through prompt_toolkit pipe input."""

from __future__ import annotations

import io
import threading

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from scaffolder.reopen.project import open_project
from scaffolder.ui.edit_menu.prompts import run_edit_prompts

from .conftest import snapshot

DOWN, UP, CLEAR = "\x1b[B", "\x1b[A", "\x15"
GITHUB = ".github/workflows/ci.yml"


def answer(root, *keys: str, later: str = "", screen: io.StringIO | None = None):
    """Run the menu with `keys` typed ahead; the input ends after them (which leaves).

    What it prints goes to `screen`, as plain text."""
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        timer = threading.Timer(0.5, pipe.send_text, [later])
        if later:
            timer.start()
        else:
            pipe.close()
        try:
            output = PlainTextOutput(screen if screen is not None else io.StringIO())
            return run_edit_prompts(open_project(root), input=pipe, output=output)
        finally:
            timer.cancel()


ADD_REPORTS = (
    "\r",  # What now? Add a named database
    "reports\r",
    "\r",  # base: as databases.default
    "\r\r\r",  # production, test, memory: as databases.default is there
    "y",  # apply
)


def test_add_a_database_then_the_end_of_input_leaves(shop):
    applied = answer(shop, *ADD_REPORTS)
    assert applied == [
        # compose's postgres health check creates the new database (its own storage)
        "Add databases.reports: domain.toml, .env.example, .github/workflows/ci.yml, "
        "docker-compose.yml, .copier-answers.protean-init.yml"
    ]
    tree = open_project(shop).tree
    assert tree["databases"]["reports"]["provider"] == "memory"
    assert tree["production"]["databases"]["reports"]["provider"] == "postgresql"
    assert tree["memory"]["databases"]["reports"]["provider"] == "memory"


def test_enter_for_every_default_adds_what_add_database_adds(generated_projects, tmp_path, cli):
    """The prompts start each picker on the default database's provider there, as the full
    screen does: Enter on each writes what `add-database reports` (no --provider) writes."""
    layout = ("--set", "base.databases.default=sqlite", "--set", "test.databases.default=mysql")
    menu_made = generated_projects.copy(tmp_path / "menu" / "shop", *layout)
    cli_made = generated_projects.copy(tmp_path / "cli" / "shop", *layout)
    assert len(answer(menu_made, *ADD_REPORTS)) == 1
    assert cli("add-database reports --project", cli_made).code == 0
    written = (menu_made / "domain.toml").read_text()
    assert written == (cli_made / "domain.toml").read_text()
    assert open_project(menu_made).tree["databases"]["reports"]["provider"] == "sqlite"


def test_a_bad_or_existing_name_is_asked_again(shop):
    keys = list(ADD_REPORTS)
    keys[1] = "Bad Name\r" + CLEAR + "default\r" + CLEAR + "reports\r"
    assert len(answer(shop, *keys)) == 1
    assert "reports" in open_project(shop).tree["databases"]


def test_declining_writes_nothing(shop):
    before = snapshot(shop)
    keys = [*ADD_REPORTS[:-1], "n"]
    assert answer(shop, *keys) == []
    assert snapshot(shop) == before


def test_change_a_provider(shop):
    keys = (
        DOWN + "\r",  # Change a provider
        DOWN + DOWN + "\r",  # in test
        "\r",  # databases.default
        DOWN + "\r",  # postgresql -> sqlite
        "y",
    )
    (line,) = answer(shop, *keys)
    assert line.startswith("Set test.databases.default = sqlite: domain.toml, pyproject.toml")
    assert open_project(shop).tree["test"]["databases"]["default"]["provider"] == "sqlite"


def test_a_conflict_is_reported_and_the_menu_goes_on(shop):
    workflow = shop / GITHUB
    workflow.write_text(workflow.read_text().replace('5432/shop"', '5432/shop_ci"', 1))
    before = snapshot(shop)
    keys = (DOWN + "\r", DOWN + DOWN + "\r", "\r", DOWN + "\r")
    screen = io.StringIO()
    assert answer(shop, *keys, screen=screen) == []
    assert snapshot(shop) == before
    text = screen.getvalue()
    assert "✗ nothing written: your edits conflict" in text
    assert "<<<<<<< yours" in text and "shop_ci" in text
    assert text.count("What now?") >= 2  # the menu came back


def test_adopting_adds_overlays(adopted):
    keys = (DOWN + DOWN + "\r", "\r", "y")  # Add overlays: all three ticked
    (line,) = answer(adopted, *keys)
    assert line.startswith("Add [production], [test], [memory]: src/acme/domain.toml")
    text = (adopted / "src" / "acme" / "domain.toml").read_text()
    assert "[production]" in text and "[test]" in text and "[memory]" in text


def test_regenerate_ci_as_gitlab(shop):
    keys = (DOWN * 3 + "\r", DOWN + "\r", "y")
    (line,) = answer(shop, *keys)
    # The GitHub workflow protean-init wrote goes in the same change (issue 11).
    assert line.startswith("Regenerate .gitlab-ci.yml: .github/workflows/ci.yml, .gitlab-ci.yml")
    assert (shop / ".gitlab-ci.yml").is_file()
    assert not (shop / ".github/workflows/ci.yml").exists()


def test_check_then_leave(shop):
    config = shop / "domain.toml"
    config.write_text(
        config.read_text().replace('event_processing = "async"', 'event_processing = "bogus"')
    )
    before = snapshot(shop)
    screen = io.StringIO()
    assert answer(shop, DOWN * 4 + "\r", DOWN * 9 + "\r", screen=screen) == []
    assert snapshot(shop) == before
    text = screen.getvalue()
    assert "✗ production:" in text and "bogus" in text
    assert "fix:" in text and "domain.toml:" in text
    assert "1 error" in text


def test_escape_leaves(shop):
    assert answer(shop, "", later="\x1b") == []


def test_the_deployment_is_an_action_of_the_prompts_too(shop):
    """e of the full screen: docker -> kubernetes, the manifests written on confirm."""
    from scaffolder.deployment import KUBERNETES_FILES

    keys = (DOWN * 8 + "\r", DOWN + "\r", "y")  # Deployment; docker -> kubernetes; apply
    screen = io.StringIO()
    (line,) = answer(shop, *keys, screen=screen)
    assert line.startswith("Deploy"), line
    assert all((shop / path).is_file() for path in KUBERNETES_FILES)
    assert "Deployment: Dockerfile, Kubernetes manifests or none" in screen.getvalue()


def test_an_older_projects_prompts_offer_the_upgrade(tmp_path):
    """u of the full screen, offered where an older protean-init made the project (before
    Leave), and no longer once it is upgraded."""
    from scaffolder import __version__
    from scaffolder.project_files import ANSWERS_FILE

    from .test_edit_upgrade import made_by_0_1_0

    root = made_by_0_1_0(tmp_path)
    screen = io.StringIO()
    keys = (DOWN * 10 + "\r", "y")  # Upgrade from protean-init 0.1.0; apply
    (line,) = answer(root, *keys, screen=screen)
    assert line.startswith("Upgrade"), line
    assert f"_template: protean-init {__version__}\n" in (root / ANSWERS_FILE).read_text()
    text = screen.getvalue()
    assert f"Upgrade from protean-init 0.1.0 to {__version__}'s templates" in text
    after = text[text.index("✓") :]  # the menu once the upgrade is written
    assert "Re-derive compose" in after and "Upgrade from" not in after


def test_a_broker_added_with_every_default_is_where_the_default_broker_is(shop):
    """Add a named broker: each question starts where brokers.default is there, so Enter on
    each gives production the redis broker, not base's in-process one inherited."""
    keys = (DOWN * 7 + "\r", "\r", "jobs\r", "\r", "\r\r\r", "y")
    (line,) = answer(shop, *keys)
    assert line.startswith("Add brokers.jobs: domain.toml")
    tree = open_project(shop).tree
    assert tree["brokers"]["jobs"]["provider"] == "inline"
    assert tree["production"]["brokers"]["jobs"]["provider"] == "redis"
    assert tree["test"]["brokers"]["jobs"]["provider"] == "redis"
    assert tree["memory"]["brokers"]["jobs"]["provider"] == "inline"


def test_back_leaves_an_action_for_the_menu(shop):
    """ctrl+b, back one question as in new's prompts: in an action, back to the menu with
    nothing written; at the menu's own question, that question again. It raised Back out of
    the menu: a traceback, exit 1."""
    before = snapshot(shop)
    screen = io.StringIO()
    back = "\x02"
    assert answer(shop, back, "\r", "repo", back, screen=screen) == []
    text = screen.getvalue()
    assert "Back to the menu; nothing written." in text
    assert text.count("What now?") >= 3  # asked again after each back
    assert snapshot(shop) == before


def test_a_dumb_terminal_gets_plain_lines(shop, monkeypatch):
    """TERM=dumb: the menu as numbered plain lines (no escape sequence), saying why, `<`
    back to the menu, as new's prompts do."""
    import sys

    monkeypatch.setenv("TERM", "dumb")
    typed = "1\nrep\n<\n1\nreports\n\n\n\n\ny\n"  # add; back; add reports, every default
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    applied = run_edit_prompts(open_project(shop))
    text = out.getvalue()
    assert "\x1b" not in text
    assert text.startswith("protean-init: ") and "so the edit menu comes line by line" in text
    assert "Back to the menu; nothing written." in text
    assert len(applied) == 1 and applied[0].startswith("Add databases.reports: ")
    assert "reports" in open_project(shop).tree["databases"]


def test_a_broker_left_in_memory_in_production_is_said_before_it_is_written(shop):
    """production set to inherit base's inline broker: the preview says what add-broker
    prints (memory-in-production), before Apply; Enter's defaults say nothing."""
    screen = io.StringIO()
    # production starts on redis (brokers.default's there): up to inherit, the first option
    keys = (DOWN * 7 + "\r", "\r", "jobs\r", "\r", UP * 2 + "\r", "\r\r", "n")
    assert answer(shop, *keys, screen=screen) == []
    assert "! production keeps brokers.jobs in memory ('inline')" in screen.getvalue()
    screen = io.StringIO()
    assert answer(shop, DOWN * 7 + "\r", "\r", "jobs\r", "\r", "\r\r\r", "n", screen=screen) == []
    assert "keeps brokers.jobs in memory" not in screen.getvalue()
