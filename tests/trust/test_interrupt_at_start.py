"""Ctrl-C while the command line starts: one line, exit 130, never a traceback.

From the package's first line on (scaffolder/__init__ sets the hook before it imports
anything), every moment is covered. What runs before it is the interpreter's own start and
the installer's wrapper script (pip's imports `re`): a Ctrl-C there is CPython's to report.

Two ways, neither resting on timing:

- at every import the start-up makes after the package: a `sitecustomize` on PYTHONPATH puts a
  finder first on `sys.meta_path` that raises KeyboardInterrupt at the N-th import looked up
  once `scaffolder` is loaded, for each N a run makes (the interrupt lands where a real SIGINT's
  does: Python raises it at the next bytecode boundary, imports included);
- the same with the RuntimeError Python 3.11 makes of a KeyboardInterrupt that lands in a
  class body's `__set_name__` (seen with real signals);
- real SIGINTs, sent once the process says (through a pipe, from the same finder) that it has
  loaded the package, at delays from 0 ms to past the end of the run: whatever moment each
  lands on, the run ends with 130 and one line, or completes (0).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .transaction_support import cli_env

WRAPPER = Path(sys.executable).parent / "protean-init"
SITECUSTOMIZE = '''
import os
import sys


class _Interrupter:
    """Counts the imports looked up once `scaffolder` is loaded; raises KeyboardInterrupt at
    the N-th (TEST_INTERRUPT_AT), or writes a byte to TEST_READY_FD at the first."""

    seen = 0

    def find_spec(self, name, path=None, target=None):
        if "scaffolder" not in sys.modules:
            return None
        type(self).seen += 1
        ready = os.environ.get("TEST_READY_FD")
        if ready and type(self).seen == 1:
            os.write(int(ready), b"r")
            os.close(int(ready))
        at = os.environ.get("TEST_INTERRUPT_AT")
        if at is not None and type(self).seen == int(at):
            if os.environ.get("TEST_INTERRUPT_CHAINED"):
                # As Python 3.11 reports a Ctrl-C landing in a class's __set_name__.
                raise RuntimeError("Error calling __set_name__") from KeyboardInterrupt()
            raise KeyboardInterrupt
        count = os.environ.get("TEST_COUNT_FILE")
        if count:
            with open(count, "w") as out:
                out.write(str(type(self).seen))
        return None


sys.meta_path.insert(0, _Interrupter())
'''
CANCELLED = "protean-init: cancelled; nothing was written"


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hooks")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


def env_with(hooks: Path, **extra: str) -> dict[str, str]:
    env = cli_env(**extra)
    env["PYTHONPATH"] = os.pathsep.join([str(hooks), env["PYTHONPATH"]])
    return env


def default_sigint() -> None:
    """Python's default SIGINT handling in the child, whatever this process inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


COMMANDS = [
    pytest.param([str(WRAPPER), "--help"], id="wrapper-help"),
    pytest.param([sys.executable, "-m", "scaffolder", "--help"], id="module-help"),
    pytest.param([str(WRAPPER), "check"], id="wrapper-check"),
]


def imports_made(command: list[str], hooks: Path, cwd: Path) -> int:
    count = cwd / "count"
    run = subprocess.run(
        command,
        cwd=cwd,
        env=env_with(hooks, TEST_COUNT_FILE=str(count)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in run.stderr, run.stderr
    return int(count.read_text())


@pytest.mark.parametrize("command", COMMANDS)
def test_an_interrupt_at_each_import_of_the_start_up_ends_in_one_line(
    command: list[str], hooks: Path, tmp_path: Path
) -> None:
    total = imports_made(command, hooks, tmp_path)
    assert total > 20  # the start-up's imports were counted: the hook saw them
    for at in range(1, total + 1):
        run = subprocess.run(
            command,
            cwd=tmp_path,
            env=env_with(hooks, TEST_INTERRUPT_AT=str(at)),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=default_sigint,
        )
        where = f"interrupted at import {at} of {total}"
        assert "Traceback" not in run.stderr, f"{where}:\n{run.stderr}"
        assert run.returncode == 130, f"{where}: exit {run.returncode}\n{run.stderr}"
        # Nothing can be written before the command runs, and the line says so (the
        # kill test's SIGINT during start-up under load met a bare "cancelled").
        assert run.stderr == f"{CANCELLED}\n", f"{where}: {run.stderr}"


def test_an_error_a_ctrl_c_caused_ends_in_one_line_too(hooks: Path, tmp_path: Path) -> None:
    for at in (1, 20):
        run = subprocess.run(
            [str(WRAPPER), "--help"],
            cwd=tmp_path,
            env=env_with(hooks, TEST_INTERRUPT_AT=str(at), TEST_INTERRUPT_CHAINED="1"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in run.stderr, run.stderr
        assert run.returncode == 130 and run.stderr.startswith(CANCELLED), run.stderr


DELAYS_MS = [0, 0, 1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 150]


@pytest.mark.parametrize("command", COMMANDS[:2])
def test_real_sigints_from_the_package_on_end_in_130_or_a_completed_run(
    command: list[str], hooks: Path, tmp_path: Path
) -> None:
    for delay in DELAYS_MS:
        ready, ready_w = os.pipe()
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env_with(hooks, TEST_READY_FD=str(ready_w)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            pass_fds=(ready_w,),
            preexec_fn=default_sigint,
        )
        os.close(ready_w)
        assert os.read(ready, 1) == b"r"  # the package is loaded: our code runs from here
        os.close(ready)
        time.sleep(delay / 1000)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        where = f"SIGINT {delay} ms after the package loaded"
        assert "Traceback" not in err, f"{where}:\n{err}"
        assert process.returncode in (0, 130), f"{where}: exit {process.returncode}\n{err}"
        if process.returncode == 130:
            assert err.startswith(CANCELLED) and err.count("\n") == 1, err


UNRAISABLE = """
import sys
sys.argv = ["protean-init"]
import time
import weakref

import scaffolder


class Held:
    pass


def interrupted(_):
    raise KeyboardInterrupt  # as a Ctrl-C landing in the import system's module-lock callback


held = Held()
watch = weakref.ref(held, interrupted)
del held
time.sleep(0.2)
print("ran on")
"""


def test_a_ctrl_c_landing_where_python_cannot_raise_ends_the_run(tmp_path: Path) -> None:
    """A SIGINT 5 ms after start-up under load landed in importlib's weakref callback: Python
    printed "Exception ignored in ... KeyboardInterrupt" with a traceback and ran on. It ends
    the run as any other Ctrl-C does: one line, exit 130."""
    script = tmp_path / "unraisable.py"
    script.write_text(UNRAISABLE)
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (run.returncode, run.stdout, run.stderr) == (130, "", f"{CANCELLED}\n")
