"""Shared pieces of the UI tests: a starting spec, an app factory, and keyboard helpers."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from pathlib import Path

import pytest

from scaffolder.spec.defaults import default_spec


@pytest.fixture(autouse=True)
def _private_config_home(tmp_path_factory, monkeypatch):
    """Every UI test (and the processes a tmux test starts) reads and writes its settings in a
    folder of its own: a theme a test picks must never reach the user's ~/.config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch):
    """In-process apps jump to the end of every animation (Textual's TEXTUAL_ANIMATIONS=none,
    read when an App is made). A scroll into view is animated over a few frames, so under load
    a picture or a query could catch it part way; the tests are about where things end up.
    The tmux tests run the tool as a user does, animations on, and poll the screen instead."""
    from textual import constants

    monkeypatch.setattr(constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def initial():
    return default_spec("acme")


@pytest.fixture
def make_app(initial, tmp_path):
    """`make_app(write=None, target=None)`: a WizardApp over the default spec, in tmp_path."""
    from scaffolder.ui.wizard.app import WizardApp

    def make(write=None, target: Path | None = None, spec=None):
        return WizardApp(spec or initial, target or tmp_path / "acme", write)

    return make


@pytest.fixture
def shop(generated_projects, tmp_path) -> Path:
    """A fresh copy of `protean-init new shop --defaults`, for the edit menu to change."""
    return generated_projects.copy(tmp_path / "shop")


@pytest.fixture
def adopted(tmp_path) -> Path:
    """A project as `protean new` lays it out: src/acme/domain.toml, no overlays."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "domain-toml"
    root = tmp_path / "acme"
    (root / "src" / "acme").mkdir(parents=True)
    (root / "src" / "acme" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "acme"\nversion = "0.1.0"\ndependencies = ["protean==0.18.*"]\n'
    )
    shutil.copyfile(fixtures / "protean-new.domain.toml", root / "src" / "acme" / "domain.toml")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` and its bytes: equal before and after means nothing written."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests here on a fresh event loop (the project has no asyncio plugin)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True
