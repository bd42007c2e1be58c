"""Run a command and measure it: wall time, and peak memory of it and its workers.

`os.wait4` gives the kernel's peak RSS of the process (the largest of it and the children
it waited for); a sampler adds the peak of the whole process tree's memory summed, which
is what a machine has to hold when worker processes run beside the main one. The sum is
of PSS (each shared page counted once, split among its sharers), since summing RSS
would count the libraries the workers share several times.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Measured:
    seconds: float
    returncode: int
    peak_rss_mb: float  # the largest single process of the tree (kernel's ru_maxrss)
    tree_pss_mb: float  # the sampled peak of the tree's PSS, summed
    stdout: str
    stderr: str


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kb(root: int) -> int:
    """The PSS of `root` and all its descendants, summed, in KiB."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo.extend(tree.get(pid, ()))
    return total


class TreeSampler(threading.Thread):
    """Samples a process tree's summed PSS until told to stop; `peak_kb` is the highest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))
            self._halt.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_measured(argv: list[str], *, cwd: Path, env: dict[str, str]) -> Measured:
    """Run `argv` to its end; its time and memory (output kept in temporary files)."""
    out_path, err_path = cwd / ".bench.out", cwd / ".bench.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        seconds=seconds,
        returncode=process.returncode,
        peak_rss_mb=usage.ru_maxrss / 1024,
        tree_pss_mb=sampler.peak_kb / 1024,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )
