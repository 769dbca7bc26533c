"""Shared pieces of the UI tests: a starting spec, an app factory, and keyboard helpers."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest

from scaffolder.spec import default_spec


@pytest.fixture
def initial():
    return default_spec("acme")


@pytest.fixture
def make_app(initial, tmp_path):
    """`make_app(write=None, target=None)`: a WizardApp over the default spec, in tmp_path."""
    from scaffolder.ui.wizard import WizardApp

    def make(write=None, target: Path | None = None, spec=None):
        return WizardApp(spec or initial, target or tmp_path / "acme", write)

    return make


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests here on a fresh event loop (the project has no asyncio plugin)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True
