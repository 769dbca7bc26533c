"""The wizard's Deploy step, driven by key presses through Pilot: the choice reaches the spec
`new --deploy` makes, the scale rule stops Next on its field, Review shows the files.

Snapshots at 80x24 (the smallest supported): update after an intended change with
`pytest tests/ui/test_deploy_step.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Input, Static

from scaffolder.answers import build_spec
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec
from scaffolder.ui.common.widgets import ChoiceRow, FieldRow
from scaffolder.ui.wizard.app import DEPLOY, WizardApp
from scaffolder.ui.wizard.screens.connections import ConnectionsScreen
from scaffolder.ui.wizard.screens.deploy import SCALE_NOTE, DeployScreen
from scaffolder.ui.wizard.screens.help import HelpScreen
from scaffolder.ui.wizard.screens.providers import ProvidersScreen
from scaffolder.ui.wizard.screens.review import ReviewScreen

from .helpers import shown_text, step_ready, type_into, until
from .test_snapshots import settle, steady_compare
from .test_wizard import rendered
from .test_wizard_keys import palette_titles


async def shown(pilot, cls) -> None:
    """`cls` on top with its fields built (a step builds them after it is on top)."""
    await step_ready(pilot, cls)
    await pilot.pause()


async def to_deploy(pilot) -> DeployScreen:
    # One Next per step, each after the step is ready: three presses at once can land while
    # Connections is still building its fields, and the third is then not a Next from it.
    for step in (ProvidersScreen, ConnectionsScreen, DeployScreen):
        await pilot.press("ctrl+n")
        await shown(pilot, step)
    return pilot.app.screen


async def choose(pilot, row_id: str, button: str) -> None:
    """Focus the row of choices, arrow to the option `button` (`deploy-kubernetes`: the
    option `kubernetes`) and press Enter, as a user does."""
    screen = pilot.app.screen
    row = screen.query_one(f"#{row_id}", ChoiceRow)
    key = button.split("-", 1)[1]
    row.focus()
    await pilot.pause()
    target = row.keys.index(key)
    for _ in range(len(row.keys)):
        if row.highlighted == target:
            break
        await pilot.press("right")
    await pilot.press("enter")
    await pilot.pause()
    assert row.value == key


def status(app) -> str:
    return str(app.screen.query_one("#nav-status", Static).render())


# --- the step and its keys ------------------------------------------------------------------


async def test_the_deploy_step_comes_after_connections_and_starts_on_docker(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_deploy(pilot)
        assert app.step == DEPLOY
        assert screen.query_one("#deploy", ChoiceRow).value == "docker"
        assert screen.query_one("#subscriptions", ChoiceRow).value == "event_store"
        assert screen.query_one("#deploy-workers", Input).value == "1"
        assert SCALE_NOTE in str(screen.query_one("#scale-note", Static).render())
        await pilot.press("alt+left")
        await shown(pilot, ConnectionsScreen)
        await pilot.press("ctrl+n")
        await shown(pilot, DeployScreen)
        await pilot.press("ctrl+n")
        await shown(pilot, ReviewScreen)
        await pilot.press("alt+left")
        await shown(pilot, DeployScreen)
    # Looking at the step changed nothing: leaving would not ask.
    assert app.draft == app.initial_draft


async def test_kubernetes_and_stream_reach_the_spec_new_deploy_makes(make_app, tmp_path):
    outcomes = []
    app = make_app(write=lambda outcome: outcomes.append(outcome) or ["domain.toml"])
    async with app.run_test(size=(80, 24)) as pilot:
        await to_deploy(pilot)
        await choose(pilot, "deploy", "deploy-kubernetes")
        await choose(pilot, "subscriptions", "sub-stream")
        await type_into(pilot, "#deploy-workers", "2")
        await type_into(pilot, "#deploy-replicas", "3")
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(outcomes), "the write")
    (outcome,) = outcomes
    # The same spec as the command line's `new --deploy kubernetes --set ...`.
    expected = build_spec(
        default_spec("acme"),
        sets=[
            "deploy=kubernetes",
            "workers=2",
            "replicas=3",
            "production.server.default_subscription_type=stream",
        ],
    )
    assert outcome.spec == expected
    assert render_project(outcome.spec) == render_project(expected)


async def test_workers_above_one_with_event_store_stop_next_on_the_field(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_deploy(pilot)
        await type_into(pilot, "#deploy-workers", "2")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, DeployScreen)
        field = screen.query_one("#deploy-workers", Input)
        assert app.focused is field
        assert field.has_class("-invalid")
        assert "Workers: above 1 needs stream" in status(app)
        # Review from another step stops here too (ctrl+s from Project).
        await pilot.press("alt+left")
        await shown(pilot, ConnectionsScreen)
        await pilot.press("ctrl+s")
        await shown(pilot, DeployScreen)
        assert app.focused is field
        # Stream subscriptions make the same count valid; with production's async commands
        # the step says what check will (stream-commands).
        await choose(pilot, "subscriptions", "sub-stream")
        assert not field.has_class("-invalid")
        hint = screen.query_one("#subscriptions-row", FieldRow)
        assert hint.has_class("-warning")
        assert "never get async commands" in str(hint.render())
        await pilot.press("ctrl+n")
        await shown(pilot, ReviewScreen)
    assert app.draft.build().workers == 2


async def test_a_count_that_is_not_a_number_is_named(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_deploy(pilot)
        await type_into(pilot, "#deploy-replicas", "")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, DeployScreen)
        assert "Replicas: enter a whole number" in status(app)
        assert app.focused is app.screen.query_one("#deploy-replicas")


async def test_review_shows_the_deploy_files_of_the_choice(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_deploy(pilot)
        await choose(pilot, "deploy", "deploy-kubernetes")
        await pilot.press("ctrl+n")
        review = await rendered(pilot)
        assert {"Dockerfile", "deploy/kubernetes/base/deployment.yaml"} <= set(review.files)
        assert review.node_for("deploy/kubernetes/base/deployment.yaml") is not None
        await pilot.press("4")
        await pilot.pause()
        assert review.shown == "deploy/kubernetes/base/deployment.yaml"
        assert "4 Deployment" in str(review.query_one("#preview-tabs", Static).render())
        # none: no deployment file is previewed or written.
        await pilot.press("alt+left")
        await shown(pilot, DeployScreen)
        await choose(pilot, "deploy", "deploy-none")
        await pilot.press("ctrl+n")
        review = await rendered(pilot)
        assert "Dockerfile" not in review.files
        assert not any(path.startswith("deploy/") for path in review.files)


async def test_help_and_palette_list_the_deploy_step(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await to_deploy(pilot)
        await pilot.press("question_mark")
        await shown(pilot, HelpScreen)
        steps = shown_text(app.screen.query_one("#help-steps", Static))
        assert "▸ 4 Deploy" in steps
        assert "subscription type, workers" in steps
        await pilot.press("escape")
        await shown(pilot, DeployScreen)
        # From another step, the palette offers to go to it.
        await pilot.press("alt+left")
        await shown(pilot, ConnectionsScreen)
        titles = await palette_titles(pilot)
        assert any(title.startswith("Step 4: Deploy") for title in titles), titles


async def test_the_review_palette_lists_deploy_once(make_app):
    """On Review, ctrl+p offers Deploy once: the step. Review's tab keys (1-4, the fourth the
    Dockerfile or deployment tab) switch what it shows and are no palette commands; the
    fourth's, titled "Deploy", stood beside the step's."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await to_deploy(pilot)
        await pilot.press("ctrl+n")
        await shown(pilot, ReviewScreen)
        titles = await palette_titles(pilot)
        deploy = [title for title in titles if "deploy" in title.splitlines()[0].lower()]
        assert len(deploy) == 1 and deploy[0].startswith("Step 4: Deploy"), titles
        assert not any(
            title.splitlines()[0] in ("domain.toml", "compose", "CI") for title in titles
        )


# --- 80x24 pictures -------------------------------------------------------------------------


def snapshot_app() -> WizardApp:
    return WizardApp(default_spec("acme"), Path("acme"))  # relative: no machine paths


def test_deploy_step_snapshot(snap_compare):
    async def run(pilot):
        await to_deploy(pilot)
        await settle(pilot)

    assert steady_compare(snap_compare, snapshot_app(), terminal_size=(80, 24), run_before=run)


def test_deploy_step_error_snapshot(snap_compare):
    async def run(pilot):
        await to_deploy(pilot)
        await choose(pilot, "deploy", "deploy-kubernetes")
        await type_into(pilot, "#deploy-replicas", "3")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "Replicas: above 1 needs stream" in status(pilot.app)

    assert steady_compare(snap_compare, snapshot_app(), terminal_size=(80, 24), run_before=run)


# --- prompt mode: the same choice as one question ---------------------------------------------


def test_the_prompts_ask_the_deploy_question(initial, tmp_path):
    from .test_prompts import DEFAULTS, DOWN, answer

    keys = list(DEFAULTS)
    keys[-2] = DOWN + "\r"  # kubernetes, one below the spec's docker
    outcome = answer(initial, tmp_path / "acme", *keys)
    assert outcome is not None
    assert outcome.spec == build_spec(initial, sets=["deploy=kubernetes"])
    keys[-2] = DOWN + DOWN + "\r"  # none
    outcome = answer(initial, tmp_path / "acme", *keys)
    assert outcome is not None and outcome.spec.deploy == "none"
    assert "Dockerfile" not in render_project(outcome.spec)


def test_the_plain_summary_names_the_deployment(initial, tmp_path):
    from scaffolder.ui.common.state import Draft
    from scaffolder.ui.prompts.new_project import plain_summary

    draft = Draft.from_spec(initial, tmp_path / "acme")
    summary = "\n".join(plain_summary(draft, draft.build()))
    # The values' column is the longest label's (a slot key) and two spaces.
    assert re.search(
        r"^deploy +docker \(workers 1, replicas 1, event_store subscriptions\)$", summary, re.M
    )
