"""Ctrl-C while the command line starts: one line, exit 130, never a traceback.

From the package's first line on (scaffolder/__init__ sets the hook before it imports
anything), every moment is covered. What runs before it is the interpreter's own start and
the installer's wrapper script (pip's imports `re`): a Ctrl-C there is CPython's to report.

Two ways, neither resting on timing:

- at every import the start-up makes after the package: a `sitecustomize` on PYTHONPATH puts a
  finder first on `sys.meta_path` that raises KeyboardInterrupt at the N-th import looked up
  once `scaffolder` is loaded, for each N a run makes (the interrupt lands where a real SIGINT's
  does: Python raises it at the next bytecode boundary, imports included). One run forks at
  each import: the child, a process in exactly the state a fresh run has at its N-th import,
  takes the interrupt there, its exit status and output recorded; the parent waits for it and
  goes on to the next import. A run per import point, each starting over, cost the sum of
  every prefix of the start-up (195 imports for `check`); a few fresh runs, interrupted at the
  first, a middle and the last import, are held to end as the forked children did;
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
        each = os.environ.get("TEST_INTERRUPT_EACH")
        if each is not None:
            self.interrupt_a_fork(each)
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

    def interrupt_a_fork(self, folder):
        """A child takes the interrupt here, its stdout and stderr in <folder>/<N>.out and
        .err; once it has ended, its exit status goes to <folder>/<N>.status."""
        at = os.path.join(folder, str(type(self).seen))
        child = os.fork()
        if child == 0:
            # From here on, a run interrupted at this import (TEST_INTERRUPT_AT): the imports
            # its way out makes neither fork nor count.
            del os.environ["TEST_INTERRUPT_EACH"]
            os.environ.pop("TEST_COUNT_FILE", None)
            for fd, suffix in ((1, ".out"), (2, ".err")):
                into = os.open(at + suffix, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(into, fd)
                os.close(into)
            raise KeyboardInterrupt
        _, status = os.waitpid(child, 0)
        with open(at + ".status", "w") as out:
            out.write(str(os.waitstatus_to_exitcode(status)))


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


def interrupted_at(command: list[str], hooks: Path, cwd: Path, at: int) -> tuple[int, str]:
    """A fresh run of `command` interrupted at its `at`-th import: its exit status, stderr."""
    run = subprocess.run(
        command,
        cwd=cwd,
        env=env_with(hooks, TEST_INTERRUPT_AT=str(at)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=default_sigint,
    )
    return run.returncode, run.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_an_interrupt_at_each_import_of_the_start_up_ends_in_one_line(
    command: list[str], hooks: Path, tmp_path: Path
) -> None:
    outcomes = tmp_path / "outcomes"
    outcomes.mkdir()
    count = tmp_path / "count"
    run = subprocess.run(
        command,
        cwd=tmp_path,
        env=env_with(hooks, TEST_INTERRUPT_EACH=str(outcomes), TEST_COUNT_FILE=str(count)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=default_sigint,
    )
    assert "Traceback" not in run.stderr, run.stderr
    total = int(count.read_text())
    assert total > 20  # the start-up's imports were counted: the hook saw them
    ended: dict[int, tuple[int, str]] = {}
    for at in range(1, total + 1):
        code = int((outcomes / f"{at}.status").read_text())
        err = (outcomes / f"{at}.err").read_text()
        where = f"interrupted at import {at} of {total}"
        assert "Traceback" not in err, f"{where}:\n{err}"
        assert code == 130, f"{where}: exit {code}\n{err}"
        # Nothing can be written before the command runs, and the line says so (the
        # kill test's SIGINT during start-up under load met a bare "cancelled").
        assert err == f"{CANCELLED}\n", f"{where}: {err}"
        ended[at] = (code, err)
    # A run of its own, interrupted at the first, a middle and the last import, ends as the
    # forked child did there.
    for at in sorted({1, total // 2, total}):
        assert interrupted_at(command, hooks, tmp_path, at) == ended[at], at


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
