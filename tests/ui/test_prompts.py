"""The questionary prompts, driven through prompt_toolkit pipe input; and TUI == prompts."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from scaffolder.catalog import Role
from scaffolder.spec.slots import Slot
from scaffolder.ui.prompts.new_project import run_prompts

from .helpers import pick, type_into

UP, DOWN, CLEAR = "\x1b[A", "\x1b[B", "\x15"
DATABASE = Slot(Role.DATABASE, "default")
REPORTS = Slot(Role.DATABASE, "reports")
CACHE = Slot(Role.CACHE, "default")


def answer(initial, target: Path, *keys: str, later: str = "", at: int = 0, close: bool = False):
    """Run the prompts with `keys` typed ahead; returns the outcome (None when cancelled).

    `later` is sent once question number `at` (from 1) is running, as a key typed at a
    waiting prompt: a lone Escape is only told from the start of a sequence when nothing
    follows it, as in a terminal. Sent on that state, not after a delay: on a loaded machine
    a timed key landed on an earlier prompt, and the one it was meant for waited forever.
    """
    import scaffolder.ui.common.prompter as prompts

    asked = [0]
    original = prompts.Prompter.ask

    def ask(self, question):
        asked[0] += 1
        if later and asked[0] == at:
            # Run by the prompt's own application as it starts reading its input.
            question.application.pre_run_callables.append(lambda: pipe.send_text(later))
        return original(self, question)

    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        if close:
            pipe.close()  # the end of input, as when stdin runs out
        prompts.Prompter.ask = ask
        try:
            return run_prompts(initial, target, input=pipe, output=DummyOutput())
        finally:
            prompts.Prompter.ask = original


# Enter at every prompt: the defaults, in the order the prompts come.
DEFAULTS = (
    "\r",  # project name
    "\r",  # package name
    "\r",  # target folder
    "\r",  # CI
    "\r",  # installer: pip
    "\r",  # compose
    "\r",  # bounded contexts: none
    "\r",  # add a named database, broker or cache? no
    "\r",  # change providers in: none
    "\r",  # change settings in: none
    "\r",  # change connections? no
    "\r",  # deploy: docker
    "\r",  # write? yes
)

# The same choices the TUI test below makes, as key presses.
CHOICES = (
    CLEAR + "shop\r",
    "\r",
    "\r",
    DOWN + "\r",  # GitLab CI
    DOWN + "\r",  # uv
    "n",  # no compose
    "\r",  # bounded contexts: none
    "y",
    "\r",  # a named database (the first choice)
    "reports\r",
    "n",
    DOWN + " " + DOWN + " \r",  # change providers in production and test
    # production: databases.default, databases.reports, brokers.default, event_store, caches
    "\r\r\r\r",
    UP + "\r",  # caches.default: memory (from redis)
    # test: databases.default sqlite (from postgresql), the rest as they are
    DOWN + "\r",
    "\r\r\r\r",
    DOWN + DOWN + " \r",  # change settings in test
    "\r\r",  # debug, testing
    DOWN + DOWN + "\r",  # event processing: async
    "\r",  # command processing
    "y",  # change connections
    CLEAR + "PG_URL\r",
    "\r",  # databases.default's URL
    "\r\r",  # databases.reports
    "\r\r",  # brokers.default
    "\r\r",  # event_store
    "\r\r",  # caches.default (redis in test)
    "\r",  # deploy: docker
    "y",  # write: the in-memory production cache is a finding, so Enter would say no
)


def test_enter_everywhere_gives_the_defaults(initial, tmp_path):
    outcome = answer(initial, tmp_path / "acme", *DEFAULTS)
    assert outcome is not None
    assert outcome.spec == initial
    assert outcome.target == tmp_path / "acme"


def test_choices_reach_the_spec(initial, tmp_path):
    outcome = answer(initial, tmp_path / "acme", *CHOICES)
    assert outcome is not None
    spec = outcome.spec
    assert (spec.project_name, spec.package_name, spec.ci, spec.installer, spec.compose) == (
        "shop",
        "shop",
        "gitlab",
        "uv",
        False,
    )
    assert outcome.target == tmp_path / "shop"
    assert spec.slots[1] == REPORTS
    assert spec.provider("test", DATABASE).name == "sqlite"
    assert spec.provider("test", REPORTS).name == "postgresql"
    assert spec.provider("production", CACHE).name == "memory"
    assert spec.environments["test"].event_processing == "async"
    assert spec.variable(DATABASE) == "PG_URL"


def test_bad_input_is_refused_and_asked_again(initial, tmp_path):
    keys = list(DEFAULTS)
    keys[0] = CLEAR + "9lives\r" + CLEAR + "lives\r"
    keys[1] = CLEAR + "class\r" + CLEAR + "lives\r"
    outcome = answer(initial, tmp_path / "acme", *keys)
    assert outcome is not None
    assert outcome.spec.project_name == "lives"
    assert outcome.spec.package_name == "lives"


def test_ctrl_c_cancels(initial, tmp_path):
    assert answer(initial, tmp_path / "acme", "\r\r\x03") is None


def test_escape_cancels(initial, tmp_path):
    # Two answers typed ahead, then Escape at the third question (the folder).
    assert answer(initial, tmp_path / "acme", "\r\r", later="\x1b", at=3) is None


def test_end_of_input_cancels(initial, tmp_path):
    assert answer(initial, tmp_path / "acme", "\r\r", close=True) is None


def test_declining_to_write_returns_none(initial, tmp_path):
    keys = [*DEFAULTS[:-1], "n"]
    assert answer(initial, tmp_path / "acme", *keys) is None


async def choose_in_the_wizard(app):
    """The choices of CHOICES, made in the wizard with keys; returns its outcome."""
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(pilot, "#project-name", "shop")
        app.screen.query_one("#ci").focus()
        # GitLab; uv; compose off
        await pilot.press("right", "enter", "tab", "right", "enter", "tab", "space")
        await pilot.press("ctrl+n", "a", *"reports", "enter")
        await pilot.pause()
        await pick(pilot, "providers", 4, 1, "memory")  # production caches.default
        await pick(pilot, "providers", 0, 2, "sqlite")  # test databases.default
        await pick(pilot, "settings", 2, 2, "async")  # test event processing
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_into(pilot, "#variable-databases-default", "PG_URL")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    return app.return_value


def test_the_wizard_and_the_prompts_make_the_same_spec(make_app, initial, tmp_path):
    # Prompts run their own event loop, so the wizard's run is a separate asyncio.run.
    from_tui = asyncio.run(choose_in_the_wizard(make_app()))
    from_prompts = answer(initial, tmp_path / "acme", *CHOICES)
    assert from_tui is not None
    assert from_tui == from_prompts


BACK = "\x02"  # ctrl+b


def test_ctrl_b_goes_back_one_question(initial, tmp_path):
    outcome = answer(
        initial, tmp_path / "acme", CLEAR + "shop\r", BACK, CLEAR + "store\r", *DEFAULTS[1:]
    )
    assert outcome is not None
    assert outcome.spec.project_name == "store"
    assert outcome.spec.package_name == "store"


def test_write_defaults_to_no_when_check_finds_something(initial, tmp_path):
    risky = initial.with_environment(
        "production", initial.environments["memory"]
    )  # every production slot in memory: check warns
    assert answer(risky, tmp_path / "acme", *DEFAULTS) is None
    assert not (tmp_path / "acme").exists()


def test_environments_are_labelled_and_the_summary_is_plain_text(initial, tmp_path):
    from scaffolder.ui.common.state import Draft
    from scaffolder.ui.prompts.new_project import plain_summary, slot_summary

    draft = Draft.from_spec(initial, tmp_path / "acme")
    line = slot_summary(draft, "memory")
    assert line.startswith("databases.default=memory, brokers.default=")
    summary = "\n".join(plain_summary(draft, draft.build()))
    assert "production" in summary and "databases.default=postgresql" in summary
    # Every label stands apart from its value, the longest (production, a slot key) too.
    lines = summary.splitlines()
    assert any(re.match(r"production {2,}databases\.default=postgresql", line) for line in lines)
    assert "productiondatabases" not in summary
    starts = {len(line) - len(line.split("  ", 1)[1].lstrip()) for line in lines}
    assert len(starts) == 1, lines  # one column of values
    # At 80 columns (shown indented by two) a long value wraps in its column, not at 0.
    (column,) = starts
    narrow = plain_summary(draft, draft.build(), 80)
    assert len(narrow) > len(lines) and all(len(line) <= 78 for line in narrow), narrow
    assert all(line[:column].strip() or line[column] != " " for line in narrow), narrow
    assert "".join(line[column:] for line in narrow).replace(" ", "") == "".join(
        line[column:] for line in lines
    ).replace(" ", "")  # nothing lost to the wrapping
    assert "${DATABASE_URL} (default postgresql://" in summary
    assert "\x1b" not in summary


def test_term_dumb_gets_plain_lines_and_no_escape_sequence(tmp_path):
    """In a real pty with TERM=dumb: the fallback is said, every question is a plain line."""
    import os
    import pty
    import select
    import subprocess
    import sys

    target = tmp_path / "shop"
    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "100", "LINES": "30"}
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "new", str(target)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    os.close(secondary)
    output = b""
    answers = iter(["<\n", *["\n"] * 40])  # "<" at the first question: nothing before it
    try:
        while process.poll() is None or select.select([main], [], [], 0)[0]:
            ready, _, _ = select.select([main], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if chunk.rstrip().endswith((b":", b"]:")):
                os.write(main, next(answers).encode())
    finally:
        process.wait(timeout=60)
        os.close(main)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-2000:]
    assert b"\x1b" not in output, text[:2000]
    assert "TERM=dumb cannot show the full-screen wizard" in text
    assert "Project name [shop]:" in text
    assert "Summary" in text
    assert (target / "domain.toml").is_file()


def plain_run(monkeypatch, initial, target: Path, lines: list[str]):
    """The TERM=dumb prompts in-process: `lines` typed, the transcript and the outcome."""
    import io
    import sys

    monkeypatch.setenv("TERM", "dumb")
    typed, shown = io.StringIO("".join(line + "\n" for line in lines)), io.StringIO()
    monkeypatch.setattr(sys, "stdin", typed)
    monkeypatch.setattr(sys, "stdout", shown)
    outcome = run_prompts(initial, target)
    return shown.getvalue(), outcome


def test_lt_goes_back_exactly_one_question_within_a_step(monkeypatch, initial, tmp_path):
    """`<` at the first provider question after adding a database goes back to the question
    just answered (Add another database?, its answer offered), not to the step's start,
    where a question not asked before (Remove any named database?) would come."""
    transcript, outcome = plain_run(
        monkeypatch,
        initial,
        tmp_path / "acme",
        [
            *[""] * 7,  # project, package, folder, CI, installer, compose, contexts
            "y",  # Add a named database, broker or cache?
            "",  # a database
            "reports",
            "",  # Add another? no
            "<",  # at "Change providers in which environments?"
            "",  # Add a named ...? again: Enter keeps its answer, no
            "2",  # Change providers in: production
            "",  # production · databases.default: as it is
            "<",  # at production · databases.reports: back to databases.default
            "",  # production · databases.default again
            *[""] * 4,  # databases.reports, broker, event store, cache: as they are
            *[""] * 3,  # settings: none; connections: no; deploy: docker
            "y",  # Write?
        ],
    )
    assert outcome is not None, transcript[-1500:]
    assert REPORTS in outcome.spec.slots
    assert "Remove any named" not in transcript
    backs = transcript.split("(back one question)\n")
    assert len(backs) == 3, transcript
    assert backs[1].startswith("Add a named database, broker or cache? [y/N]: "), backs[1][:200]
    # production's database again (its choices listed again), not the step's first question
    assert backs[2].startswith("production · databases.default:\n"), backs[2][:200]


def test_lt_at_a_steps_first_question_goes_to_the_last_one_before(monkeypatch, initial, tmp_path):
    transcript, outcome = plain_run(
        monkeypatch,
        initial,
        tmp_path / "acme",
        [*[""] * 7, "", "<", "y", "", "reports", "", *[""] * 4, "y"],
    )
    assert outcome is not None, transcript[-1500:]
    after = transcript.split("(back one question)\n")[1]
    # The step's first question again: its heading, then the question.
    assert after.startswith("\n2/5 Providers\nAdd a named database, broker or cache? [y/N]: ")
    assert REPORTS in outcome.spec.slots


def test_the_prompts_add_a_named_broker_and_cache_as_the_wizards_b_does(
    monkeypatch, initial, tmp_path
):
    """The Providers questions add a named database, broker or cache (the wizard's a and b):
    they added only databases, so a broker or cache needed the full screen or a later edit."""
    transcript, outcome = plain_run(
        monkeypatch,
        initial,
        tmp_path / "acme",
        [
            *[""] * 7,  # project, package, folder, CI, installer, compose, contexts
            "y",  # Add a named database, broker or cache?
            "2",  # a broker
            "events",
            "y",
            "3",  # a cache
            "sessions",
            "y",
            "3",
            "sessions",  # refused: there is one already
            "carts",
            "",  # no more
            *[""] * 4,  # providers: none; settings: none; connections: no; deploy: docker
            "y",  # Write?
        ],
    )
    assert outcome is not None, transcript[-1500:]
    assert Slot(Role.BROKER, "events") in outcome.spec.slots
    assert Slot(Role.CACHE, "sessions") in outcome.spec.slots
    assert Slot(Role.CACHE, "carts") in outcome.spec.slots
    assert "there is a cache named 'sessions' already" in transcript
    assert "Name of the broker" in transcript and "Name of the cache" in transcript


def test_the_prompts_ask_pip_or_uv_after_ci_pip_first(monkeypatch, initial, tmp_path):
    """The installer question (pip first, Enter keeps it, as --defaults); uv reaches the spec
    and the summary before Write? names it."""
    transcript, outcome = plain_run(
        monkeypatch,
        initial,
        tmp_path / "acme",
        [*[""] * 4, "2", *[""] * 7, "y"],  # installer: 2) uv
    )
    assert outcome is not None, transcript[-1500:]
    assert outcome.spec.installer == "uv"
    listed = "Installer:\n  1) pip: a venv and pip install (needs only Python)\n  2) uv:"
    assert listed in transcript
    assert "installer uv" in transcript


# --- a workspace ------------------------------------------------------------------------------


def test_the_prompts_make_a_workspace_as_new_context_does(monkeypatch, initial, tmp_path, cli):
    """Two contexts, MySQL in ordering's production, catalogue the same as ordering: the files
    written are byte for byte those of `new --context ... --set ...` for the same choices,
    and every environment's choice line fits 80 columns."""
    from scaffolder.catalog import PROVIDERS
    from scaffolder.commands.new import write_chosen

    from .conftest import snapshot

    monkeypatch.setenv("COLUMNS", "80")
    mysql = 2 + list(PROVIDERS[Role.DATABASE]).index("mysql")  # after "inherit"
    transcript, outcome = plain_run(
        monkeypatch,
        initial,
        tmp_path / "wizard" / "acme",
        [
            *[""] * 6,  # project, package, folder, CI, installer, compose
            "ordering, Ordering",  # refused: upper case
            "ordering catalogue",
            "",  # ordering: add a named database? no
            "2",  # ordering: change providers in production
            str(mysql),  # production · databases.default: mysql
            *[""] * 3,  # brokers, event store, caches as they are
            "",  # ordering: settings in none
            "2",  # catalogue's providers: same as ordering
            "",  # deploy: docker
            "y",  # Write?
        ],
    )
    assert outcome is not None, transcript[-2000:]
    assert "invalid context name 'Ordering': use lower case" in transcript
    assert outcome.workspace is not None
    assert outcome.workspace.names == ("ordering", "catalogue")
    assert re.search(r"catalogue +the same providers and settings as ordering", transcript)
    assert "${CATALOGUE_DATABASE_URL}" in transcript
    choices = [line for line in transcript.splitlines() if line.startswith("  3) test")]
    assert choices and all(len(line) <= 80 for line in transcript.splitlines() if ") " in line)
    write_chosen(outcome, force=False)
    code, _, err = cli(
        [
            *("new", str(tmp_path / "cli" / "acme"), "--defaults"),
            *("--context", "ordering", "--context", "catalogue"),
            *("--set", "ordering:production.databases.default=mysql"),
            *("--set", "catalogue:production.databases.default=mysql"),
        ]
    )
    assert code == 0, err
    assert snapshot(tmp_path / "wizard" / "acme") == snapshot(tmp_path / "cli" / "acme")


def test_an_environments_choice_line_fits_80_columns_with_many_slots(initial, tmp_path):
    """The environments' lines were `production: databases.default=postgresql, ...`, 110
    columns with the default slots: cut by an 80-column terminal."""
    from scaffolder.ui.common.state import Draft
    from scaffolder.ui.prompts.new_project import fitted, provider_values

    draft = Draft.from_spec(initial, tmp_path / "acme")
    for name in ("reports", "analytics", "archive", "search", "ledger"):
        draft.add_database(name)
    line = fitted("production", provider_values(draft, "production"), 74)
    assert len(line) <= 74
    assert line.startswith("production postgresql, postgresql")
    assert line.endswith("more")
    whole = fitted("memory", provider_values(Draft.from_spec(initial, tmp_path), "memory"), 74)
    assert whole == "memory     memory, inline, memory, memory"
