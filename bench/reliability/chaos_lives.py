"""The chaos run's bot processes ("lives") and the plans they are started with.

Every life is `python -m bench.reliability.chaos_bot --settings FILE ARGS...` in its
own process group, so one SIGKILL ends the bot and its parsing workers together; its
stdout and stderr go to workdir/logs/life-NNN.log. A plan says where the life dies
(`kill_plan`) and where Dovecot is stopped under it (`restart_plan`); chaos_bot.py reads
it from the environment.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.reliability.chaos_bot import PLAN_ENV
from bench.reliability.chaos_poison import POISON_ENV

ROOT = Path(__file__).resolve().parents[2]
KILL_POINTS = ("fetch", "mark", "cursor", "deliver", "outside")


@dataclass
class Life:
    """One `helpdesk` process, from start to its end."""

    number: int
    plan: dict[str, Any]
    process: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)
    wall: tuple[float, float] = (0.0, 0.0)  # time.time() at its start and at its end
    ended_by: str = ""  # what we did to end it: "outside", "idle", "hang", "stop"
    code: int | None = None

    @property
    def plan_summary(self) -> str:
        """The plan in a few words: "kill mark #2, dovecot idle #1"."""
        parts = []
        if "outside_after" in self.plan:
            parts.append(f"outside after {self.plan['outside_after']} s")
        for what in ("kill", "dovecot"):
            if step := self.plan.get(what):
                when = " after" if step["after"] else ""
                parts.append(f"{what} {step['point']} #{step['nth']}{when}")
        return ", ".join(parts)


class Launcher:
    """Starts and ends lives; `lives` lists all of them, in order."""

    def __init__(self, workdir: Path, poison_marker: str) -> None:
        self.workdir = workdir
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.poison_marker = poison_marker
        self.lives: list[Life] = []

    def start(self, plan: dict[str, Any], settings: Path, *args: str) -> Life:
        """A new life with `plan`; `args` default to `run` (watching)."""
        number = len(self.lives) + 1
        log = self.logs / f"life-{number:03d}.log"
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env.pop("HELPDESK_SETTINGS", None)
        env[PLAN_ENV] = json.dumps(plan)
        env[POISON_ENV] = self.poison_marker
        argv = [sys.executable, "-m", "bench.reliability.chaos_bot"]
        argv += ["--settings", str(settings), *(args or ("run",))]
        with open(log, "wb") as out:
            process = subprocess.Popen(
                argv,
                cwd=self.workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the hooks kill all of it
            )
        life = Life(number, plan, process, log, wall=(time.time(), math.inf))
        self.lives.append(life)
        return life

    @staticmethod
    def ended(life: Life) -> None:
        """Note when the life ended (it was just reaped)."""
        life.wall = (life.wall[0], time.time())

    def alive_at(self, moment: float) -> list[int]:
        """The numbers of the lives running at `moment` (a time.time())."""
        return [life.number for life in self.lives if life.wall[0] <= moment <= life.wall[1]]

    @staticmethod
    def kill(life: Life, why: str) -> None:
        """SIGKILL the life's whole process group and reap it."""
        life.ended_by = why
        try:
            os.killpg(life.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        life.code = life.process.wait()
        Launcher.ended(life)

    @staticmethod
    def wait(life: Life, timeout: float) -> bool:
        """Wait for the life to end by itself; False if it is still running."""
        try:
            life.code = life.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        Launcher.ended(life)
        return True

    def kill_all(self) -> None:
        """Nothing of ours may outlive the run."""
        for life in self.lives:
            if life.process.poll() is None:
                self.kill(life, life.ended_by or "cleanup")


def kill_plan(rng: random.Random, wave: int) -> dict[str, Any]:
    """Where a life dies: {"kill": {"point": "mark", "nth": 2, "after": False}} or
    {"outside_after": 1.7} (seconds after its wave was appended)."""
    point = rng.choice(KILL_POINTS)
    if point == "outside":
        # From the wave's APPEND on: the bot takes a second or two to start.
        return {"outside_after": round(rng.uniform(0.3, 4.0), 2)}
    nth = rng.randint(1, 3 if point == "fetch" else max(wave, 1))
    after = point == "fetch" and rng.random() < 0.5
    return {"kill": {"point": point, "nth": nth, "after": after}}


def restart_plan(rng: random.Random, mode: str, wave: int) -> dict[str, Any]:
    """A life that has Dovecot stopped under it at `mode` ("idle", "fetch", "move"), and
    is killed from outside only later, so the restart comes first."""
    nth = 1 if mode == "idle" else rng.randint(1, 2 if mode == "fetch" else max(wave, 1))
    after = mode != "idle" and rng.random() < 0.5
    return {
        "dovecot": {"point": mode, "nth": nth, "after": after},
        "outside_after": round(rng.uniform(4.0, 9.0), 2),
    }
