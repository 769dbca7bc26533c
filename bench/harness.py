"""Timing child processes: wall clock, CPU time and peak memory of each run, and their summary.

Every sample is one fresh process. Wall time is `time.perf_counter` around starting it and
reaping it with `os.wait4`, whose resource usage gives its user + system CPU time. Peak memory
(the maximum resident set size) comes from GNU time, which starts the command: Python starts
children with vfork, and the kernel counts the parent's resident pages into the child's
`ru_maxrss` until it execs, so `wait4` alone would report at least this harness's own ~20 MB.
GNU time is a small C program, so what it reports is the command's own peak. Without
/usr/bin/time (Debian: `apt-get install time`) the `wait4` figure is used and marked as an
upper bound. Preparing a sample (a fresh folder, a copy of a project) and cleaning up after it
are not timed.

Peers are measured interleaved (A B C, A B C, ...), so a burst of load from other work on the
machine slows every command of a comparison alike, and their ratios stay meaningful.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


class BenchError(RuntimeError):
    """A measured command failed: its exit code and the end of its stderr."""


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # seconds, user + system, of the child alone
    maxrss_kb: int
    extra: dict = field(default_factory=dict)  # figures a child reports itself (the TUI probe)


@dataclass
class Series:
    """The samples of one case; statistics in milliseconds and megabytes."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall_ms(self) -> list[float]:
        return [s.wall * 1000 for s in self.samples]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def min_ms(self) -> float:
        return min(self.wall_ms)

    @property
    def cpu_median_ms(self) -> float:
        return statistics.median(s.cpu * 1000 for s in self.samples)

    @property
    def rss_mb(self) -> float:
        """Peak RSS, the median over runs (it hardly varies)."""
        return statistics.median(s.maxrss_kb for s in self.samples) / 1024

    def extra_median(self, key: str) -> float:
        return statistics.median(s.extra[key] for s in self.samples)

    def extra_min(self, key: str) -> float:
        return min(s.extra[key] for s in self.samples)

    def as_dict(self) -> dict:
        data = {
            "runs": len(self.samples),
            "median_ms": round(self.median_ms, 1),
            "min_ms": round(self.min_ms, 1),
            "cpu_median_ms": round(self.cpu_median_ms, 1),
            "peak_rss_mb": round(self.rss_mb, 1),
            "wall_ms": [round(v, 1) for v in self.wall_ms],
        }
        keys = self.samples[0].extra.keys() if self.samples else ()
        for key in keys:
            values = [s.extra[key] for s in self.samples]
            if all(isinstance(v, int | float) for v in values):
                data[f"{key}_median"] = round(statistics.median(values), 1)
                data[f"{key}_min"] = round(min(values), 1)
        return data


@dataclass
class Case:
    """One command to time. `prepare` makes a fresh working folder for a sample (untimed)
    and returns the command's argv and cwd; `parse` reads figures the child prints."""

    name: str
    prepare: Callable[[Path], tuple[Sequence[str], Path]]
    parse: Callable[[bytes], dict] | None = None
    env: dict[str, str] | None = None


def run_once(case: Case, scratch: Path) -> Sample:
    """One timed run of `case` in a fresh folder under `scratch`, removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix="s-", dir=scratch))
    try:
        argv, cwd = case.prepare(work)
        stdout_path = work / ".stdout"
        stderr_path = work / ".stderr"
        rss_path = work / ".maxrss"
        env = {**os.environ, **(case.env or {})}
        command = [str(a) for a in argv]
        if GNU_TIME:
            command = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *command]
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            started_ns = time.time_ns()
            start = time.perf_counter()
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env={**env, "BENCH_STARTED_NS": str(started_ns)},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            tail = stderr_path.read_bytes()[-2000:].decode(errors="replace")
            raise BenchError(
                f"{case.name}: {' '.join(map(str, argv))} exited {process.returncode}\n{tail}"
            )
        extra = case.parse(stdout_path.read_bytes()) if case.parse else {}
        maxrss_kb = int(rss_path.read_text().split()[-1]) if GNU_TIME else usage.ru_maxrss
        return Sample(wall, usage.ru_utime + usage.ru_stime, maxrss_kb, extra)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_interleaved(
    cases: Sequence[Case],
    scratch: Path,
    reps: int,
    warmup: int,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Series]:
    """`warmup` untimed rounds, then `reps` rounds of every case in turn."""
    series = {case.name: Series(case.name) for case in cases}
    for round_index in range(warmup + reps):
        for case in cases:
            sample = run_once(case, scratch)
            if round_index >= warmup:
                series[case.name].samples.append(sample)
        label = "warm-up" if round_index < warmup else f"run {round_index - warmup + 1}/{reps}"
        progress(f"{' / '.join(c.name for c in cases)}: {label}")
    return series
