"""The chaos run (issue 5, item 2): the bot under SIGKILL, Dovecot restarts, an SMTP
outage and a poison message, checked against what the real servers and database hold.

    python -m bench.reliability.chaos --messages 500 --kills 100 --restarts 10

`run_chaos()` starts a private Dovecot and a recording aiosmtpd on 127.0.0.1 and runs
`helpdesk run` (watching) as a series of lives (chaos_lives, chaos_bot). Each life gets
the next wave of mail APPENDed while it runs and ends in one SIGKILL of its process
group: at the planned call of FETCH, of marking (after the commit), of the cursor
(after marking) or of SMTP delivery (after the outbox insert), or from outside at a
random moment; the next life starts at once. Dovecot is stopped and started during
IDLE, FETCH and MOVE (the second half of the run moves handled mail to a folder) and at
random moments (chaos_servers). For a stretch of lives the SMTP server refuses every
transaction with 421 or 451, for hours of simulated time (chaos_outage). One message
makes a DECIDE step raise (chaos_poison).

Then a last watching life runs undisturbed until everything is done and is stopped with
SIGTERM; `run --once` and `outbox flush` must find nothing left, and chaos_checks judges
from the servers and the database. Faults counted in the row: each SIGKILL, each Dovecot
restart, the outage and the poison (one each). Each life's output stays in
workdir/logs; workdir/chaos.json holds the row and the details.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bench.reliability.chaos_bot import DOVECOT_NOTICE, KILL_NOTICE
from bench.reliability.chaos_checks import collect, judge
from bench.reliability.chaos_lives import Launcher, Life, kill_plan, restart_plan
from bench.reliability.chaos_logs import SPIN_SWEEPS, SPIN_WINDOW, read_log
from bench.reliability.chaos_mail import ChaosMessage, build_messages, poison_marker
from bench.reliability.chaos_outage import Outage
from bench.reliability.chaos_servers import (
    PROCESSED_FOLDER,
    DovecotRestarts,
    OutageHandler,
    outage_smtp,
    write_settings,
)
from bench.reliability.chaos_state import HANG_SECONDS, Observer, ProgressTracker
from bench.reliability.report import Row, table
from helpdesk.models import InboundMessage
from tests.support.servers import DovecotServer, ImapAccount

# A life that dies this close to the moment the SMTP server stored an answer it never logged
# as sent died inside SMTP's own window (before the "250" reached it): see ack_window().
ACK_WINDOW = 0.05
_KILLED_AT = re.compile(re.escape(KILL_NOTICE) + r".* at (\d+\.\d+)$", re.M)

STOP_SECONDS = 60.0  # a bot told SIGTERM must be gone by then
COMMAND_SECONDS = 300.0  # one `run --once` or `outbox flush`
OUTAGE_LIVES = (0.3, 0.55)  # the SMTP outage spans at least these fractions of the kills
OUTAGE_LIMIT = 120.0  # seconds the last life lets an unfinished outage go on


class _Chaos:
    """The state of one chaos run; run_chaos() drives it."""

    def __init__(
        self,
        *,
        mail: list[ChaosMessage],
        kills: int,
        restarts: int,
        rng: random.Random,
        workdir: Path,
        dovecot: DovecotServer,
        account: ImapAccount,
        handler: OutageHandler,
        database_url: str,
        settings: dict[bool, Path],
        marker: str,
    ) -> None:
        self.mail, self.target_kills, self.target_restarts = mail, kills, restarts
        self.rng, self.dovecot, self.account = rng, dovecot, account
        self.settings = settings  # by whether handled mail is moved
        self.poison = next(m for m in mail if m.poison)
        self.launcher = Launcher(workdir, marker)
        self.restarter = DovecotRestarts(dovecot, workdir / "dovecot-stop-request", rng)
        self.observer = Observer(database_url, account, self.poison.message_id)
        self.outage = Outage(handler, self.observer)
        self.outage_lives = tuple(round(kills * f) for f in OUTAGE_LIVES)
        self.appended = 0
        self.kills: Counter[str] = Counter()  # by point
        self.hangs: list[str] = []
        self.crashes: list[str] = []
        self.errors: list[str] = []  # ERROR lines of the bots, but the poison's
        self.spins: list[str] = []  # lives that swept the mailbox in a busy loop
        self.seconds: dict[str, float] = {}  # wall time of each phase
        self.handled_in_lives = 0  # messages recorded before the last, undisturbed life
        self.final_started = datetime.now(UTC)  # set again when `run --once` starts

    @property
    def lives(self) -> list[Life]:
        return self.launcher.lives

    @property
    def killed(self) -> int:
        return sum(self.kills.values())

    @property
    def moving(self) -> bool:
        """The second half of the run moves handled mail (MOVE) instead of flagging it."""
        return self.killed >= self.target_kills // 2

    def _start(self, plan: dict[str, Any], *args: str) -> Life:
        return self.launcher.start(plan, self.settings[self.moving], *args)

    # --- lives ------------------------------------------------------------------------

    def run_lives(self) -> None:
        """Lives until `kills` of them ended in one of our SIGKILLs."""
        began = time.monotonic()
        self.restarter.start()
        limit = 2 * self.target_kills + 10  # crashes and hangs end lives too; never loop on
        while self.killed < self.target_kills and len(self.lives) < limit:
            if self.killed >= self.outage_lives[0] and self.outage.started is None:
                self.outage.begin()
            wave = self._wave()
            life = self._start(self._plan(len(wave)))
            self._watch(life, wave)
            self._account_for(life)
        self.seconds["lives"] = round(time.monotonic() - began, 1)

    def _plan(self, wave: int) -> dict[str, Any]:
        """Where this life dies, and maybe where Dovecot is stopped under it."""
        plan: dict[str, Any] = {
            "dovecot_request": str(self.restarter.request),
            "dovecot_port": self.dovecot.port,
        }
        owed = self.target_restarts - len(self.restarter.restarts)
        lives_left = self.target_kills - self.killed
        # Front-loaded, so the restarts happen among the lives rather than after them.
        if owed <= 0 or self.rng.random() >= 2 * owed / max(lives_left, 1):
            return plan | kill_plan(self.rng, wave)
        modes = ["idle", "fetch", "random"] + (["move"] if self.moving else [])
        done = Counter(r.mode for r in self.restarter.restarts)
        fewest = min(done[m] for m in modes)
        mode = self.rng.choice([m for m in modes if done[m] == fewest])
        if mode != "random":
            return plan | restart_plan(self.rng, mode, wave)
        if not self.restarter.random_pending:
            self.restarter.restart_at_random(within=4.0)
        return plan | kill_plan(self.rng, wave)

    def _wave(self) -> list[ChaosMessage]:
        """The mail this life gets: the run's messages spread evenly over the kills."""
        upto = math.ceil(len(self.mail) * (self.killed + 1) / self.target_kills)
        return self.mail[self.appended : min(upto, len(self.mail))]

    def _append(self, wave: list[ChaosMessage]) -> None:
        with self.restarter.up(), self.account.client() as client:
            for message in wave:
                client.append("INBOX", message.raw)
                self.appended += 1

    def _watch(self, life: Life, wave: list[ChaosMessage]) -> None:
        """Feed the life its wave, keep the outage's clock moving, end the life as planned."""
        append_at = life.started + self.rng.uniform(0.0, 2.0)
        outside_at = append_at + life.plan.get("outside_after", math.inf)
        tracker = ProgressTracker(self.observer)
        while life.process.poll() is None:
            now = time.monotonic()
            if wave and now >= append_at:
                self._append(wave)
                wave = []
            self.outage.tick(may_end=self.killed >= self.outage_lives[1])
            if now >= outside_at:
                self.launcher.kill(life, "outside")
                return
            verdict = tracker.look(moving=self.moving, outage=self.outage.on)
            if verdict == "hang":
                self.hangs.append(f"life {life.number}: no progress for {HANG_SECONDS:.0f} s")
                self.launcher.kill(life, "hang")
                return
            if verdict == "idle" and not wave:
                self.launcher.kill(life, "idle")  # its planned point will not come
                return
            time.sleep(0.25)
        life.code = life.process.wait()
        self.launcher.ended(life)

    def _account_for(self, life: Life) -> None:
        """Count how a life ended: our kill (a fault), a hang, or a crash."""
        text = life.log.read_text(encoding="utf-8", errors="replace")
        if life.ended_by in ("outside", "idle"):
            self.kills["outside" if life.ended_by == "outside" else "outside (idle)"] += 1
        elif life.ended_by == "hang":
            pass  # counted in self.hangs
        elif life.code == -signal.SIGKILL and KILL_NOTICE in text:
            where = text.split(KILL_NOTICE, 1)[1].split()[0]
            self.kills[where] += 1
        else:
            last = text.strip().splitlines()[-1:] or ["(no output)"]
            self.crashes.append(f"life {life.number} exited {life.code}: {last[0][:160]}")

    # --- the end ----------------------------------------------------------------------

    def finish(self) -> None:
        """Undisturbed: a last watching life until all is done, then run --once and flush."""
        began = time.monotonic()
        if self.outage.started is None:  # a run too short to reach it: it starts now
            self.outage.begin()
        if self.appended < len(self.mail):
            self._append(self.mail[self.appended :])
        # Simulated time: the killed senders' ten-minute claims ran out (all bots are dead).
        self.observer.make_due(claims_too=True)
        progress = self.observer.progress()
        self.handled_in_lives = progress.inbound if progress else 0
        self._last_life(self._start({}))
        self.final_started = datetime.now(UTC)
        for _ in range(5):  # the poison may need its last tries, one per run
            self._command("run", "--once")
            if self.observer.unhandled(moving=self.moving, with_poison=True) == 0:
                break
        for _ in range(3):
            if self._command("outbox", "flush") == 0:
                break
        self.restarter.finish()
        self.seconds["final"] = round(time.monotonic() - began, 1)

    def _last_life(self, life: Life) -> None:
        """Until all is done: restarts still owed, the outage's end, every message and answer."""
        tracker = ProgressTracker(self.observer, with_poison=True)
        quiet_since: float | None = None
        outage_until = time.monotonic() + OUTAGE_LIMIT
        while life.process.poll() is None:
            # Past the limit the outage ends unfinished, and its check says so.
            self.outage.tick(may_end=True, must_end=time.monotonic() > outage_until)
            owed = self.target_restarts - len(self.restarter.restarts)
            if owed > 0 and not self.restarter.random_pending:
                self.restarter.restart_at_random(within=2.0)
            verdict = tracker.look(moving=self.moving, outage=self.outage.on)
            if verdict == "hang":
                self.hangs.append(f"last life: no progress for {HANG_SECONDS:.0f} s")
                break
            done = verdict == "idle" and owed <= 0 and not self.restarter.random_pending
            done = done and not self.outage.on
            quiet_since = (quiet_since or time.monotonic()) if done else None
            if quiet_since and time.monotonic() - quiet_since > 1.0:
                break
            time.sleep(0.25)
        life.ended_by = "stop"
        life.process.send_signal(signal.SIGTERM)
        if not self.launcher.wait(life, STOP_SECONDS):
            self.hangs.append(f"last life: still running {STOP_SECONDS:.0f} s after SIGTERM")
            self.launcher.kill(life, "hang")
        elif life.code != 0:
            self.crashes.append(f"last life exited {life.code} after SIGTERM")

    def _command(self, *args: str) -> int | None:
        life = self._start({}, *args)
        if not self.launcher.wait(life, COMMAND_SECONDS):
            self.hangs.append(f"`{' '.join(args)}` still running after {COMMAND_SECONDS:.0f} s")
            self.launcher.kill(life, "hang")
        return life.code

    # --- what the logs say ------------------------------------------------------------

    def scan_logs(self) -> None:
        """Tracebacks in any life's log, but the poison's own, are crashes; other ERROR
        lines and busy loops are problems."""
        for life in self.lives:
            report = read_log(life.log)
            self.crashes += [f"life {life.number}: {e[:160]}" for e in report.crashes]
            self.errors += [f"life {life.number}: {e}" for e in report.errors]
            if report.most_sweeps > SPIN_SWEEPS:
                self.spins.append(
                    f"life {life.number} swept the mailbox {report.most_sweeps} times within "
                    f"{SPIN_WINDOW:.0f} s: a busy loop"
                )

    def details(self) -> dict[str, Any]:
        return {
            "phase_seconds": self.seconds,
            "lives": len(self.lives),
            "messages_handled_before_the_last_life": self.handled_in_lives,
            "kills_by_point": dict(self.kills),
            "dovecot_restarts": [vars(r) for r in self.restarter.restarts],
            "dovecot_stops_by_hooks": sum(
                life.log.read_text(errors="replace").count(DOVECOT_NOTICE) for life in self.lives
            ),
            "smtp_refusals": self.outage.handler.refusals,
            "answers_held_by_outage": len(self.outage.held),
            "outage_simulated_hours": self.outage.held_hours,
            "tickets_during_outage": self.outage.tickets,
            "simulated_time_moves": self.observer.simulated_moves,
            "lives_ended": [
                f"{life.number}: {life.ended_by or 'itself'} {life.code} {life.plan_summary}"
                for life in self.lives
            ],
            "answers_received_twice": self._doubles(),
            "errors": self.errors,
            "spins": self.spins,
            "hangs": self.hangs,
            "crashes": self.crashes,
        }

    def ack_window(self) -> set[str]:
        """Answers sent twice because SMTP itself could not tell us the first copy arrived.

        The server stored the first copy, and the life that sent it died within ACK_WINDOW
        seconds of that, without logging it sent: it died before the server's "250" reached
        it (or before it could write down that it had). The death may also come first: a
        kill at another point (the writer's cursor) lands while the sender thread's DATA is
        still on the wire, and the server finishes storing it a few ms after. No client can
        avoid that copy; any other second copy (a lost marker, a claim taken twice) is not
        in this set.
        """
        firsts: dict[str, float] = {}
        counts: Counter[str] = Counter()
        for moment, message_id in self.outage.handler.receipts:
            firsts.setdefault(message_id, moment)
            counts[message_id] += 1
        explained = set()
        for message_id, count in counts.items():
            if count < 2:
                continue
            stored = firsts[message_id]
            for life in self.lives:
                if not life.wall[0] <= stored <= life.wall[1]:
                    continue
                text = life.log.read_text(errors="replace")
                killed = [float(m) for m in _KILLED_AT.findall(text)] or [life.wall[1]]
                died_soon = abs(killed[-1] - stored) <= ACK_WINDOW
                if died_soon and f"answer {message_id} sent" not in text:
                    explained.add(message_id)
        return explained

    def _doubles(self) -> list[str]:
        """Each answer the SMTP server accepted more than once, with the lives that sent it:
        ["HD-2026-00004.x@karawangkab.go.id: 02:22:02.31 (life 1), 02:22:41.07 (life 9)"]."""
        times: dict[str, list[float]] = {}
        for moment, message_id in self.outage.handler.receipts:
            times.setdefault(message_id, []).append(moment)
        return [
            f"{message_id}: "
            + ", ".join(
                f"{datetime.fromtimestamp(t, UTC):%H:%M:%S.%f} (life "
                f"{'/'.join(map(str, self.launcher.alive_at(t))) or '?'})"
                for t in moments
            )
            for message_id, moments in times.items()
            if len(moments) > 1
        ]

    def judge(self, row: Row) -> None:
        """The run's own counts: faults, crashes, hangs, and whether each fault happened."""
        restarts = self.restarter.restarts
        row.check = (
            f"chaos ({len(self.mail)} messages, SIGKILL {self.killed}, Dovecot restarts "
            f"{len(restarts)}, SMTP 421/451 outage, poison)"
        )
        row.faults = self.killed + len(restarts) + 2  # + the outage + the poison
        row.crashes = len(self.crashes)
        row.hangs = len(self.hangs)
        row.problems += self.crashes[:5] + self.hangs[:5] + self.errors[:5] + self.spins[:5]
        if self.killed < self.target_kills:
            row.problems.append(f"only {self.killed} of {self.target_kills} SIGKILLs happened")
        if len(restarts) < self.target_restarts:
            row.problems.append(f"only {len(restarts)} of {self.target_restarts} Dovecot restarts")
        row.problems += [f"Dovecot did not come back: {r.error}" for r in restarts if r.error]
        row.problems += self.outage.problems()
        after = [m.message_id for m in self.mail if m.number > self.poison.number]
        with Session(self.observer.reader) as session:
            late = session.exec(
                select(InboundMessage.dedup_key)
                .where(col(InboundMessage.dedup_key).in_(after))
                .where(col(InboundMessage.read_at) >= self.final_started)
            ).all()
        if late:
            row.problems.append(
                f"{len(late)} messages behind the poison were handled only by the final run --once"
            )


def _write_settings(
    workdir: Path, account: ImapAccount, smtp_port: int, url: str
) -> dict[bool, Path]:
    """Two settings files, the same but for moving handled mail: {moving: path}."""
    imap = account.settings().model_dump(
        include={"host", "port", "security", "user", "password", "timeout"}
    )
    paths = {False: workdir / "settings-seen.toml", True: workdir / "settings-move.toml"}
    for moving, path in paths.items():
        write_settings(
            path,
            data_dir=workdir / "data",
            imap=imap,
            smtp_port=smtp_port,
            database_url=url,
            processed_folder=PROCESSED_FOLDER if moving else "",
        )
    return paths


def run_chaos(
    *,
    messages: int = 500,
    kills: int = 100,
    dovecot_restarts: int = 10,
    seed: int = 5,
    workdir: Path,
    database_url: str | None = None,
) -> Row:
    """The chaos run; `database_url` None: SQLite in workdir. Returns the checked row."""
    began = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    mail = build_messages(messages, seed=seed)
    url = database_url or f"sqlite:///{workdir / 'data' / 'helpdesk.sqlite3'}"
    dovecot = DovecotServer()
    smtp, handler = outage_smtp()
    row = Row(check="chaos")
    chaos: _Chaos | None = None
    try:
        dovecot.start()
        account = dovecot.add_user("chaos")
        chaos = _Chaos(
            mail=mail,
            kills=kills,
            restarts=dovecot_restarts,
            rng=random.Random(seed),
            workdir=workdir,
            dovecot=dovecot,
            account=account,
            handler=handler,
            database_url=url,
            settings=_write_settings(workdir, account, smtp.port, url),
            marker=poison_marker(seed),
        )
        chaos.run_lives()
        chaos.finish()
        chaos.scan_logs()
        evidence = collect(
            messages=mail,
            account=account,
            received=smtp.received,
            database_url=url,
            data_dir=workdir / "data",
            moving=chaos.moving,
            held_answers=chaos.outage.held,
        )
        judge(evidence, row, alerting=True, ack_window=chaos.ack_window())
        chaos.judge(row)
    finally:
        if chaos is not None:
            chaos.launcher.kill_all()
            chaos.restarter.finish()
            chaos.observer.close()
        smtp.stop()
        dovecot.cleanup()
    row.seconds = round(time.monotonic() - began, 1)
    details = chaos.details() if chaos else {}
    (workdir / "chaos.json").write_text(
        json.dumps(row.as_json() | {"details": details}, indent=2, default=str) + "\n",
        encoding="utf-8",
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--restarts", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    # A stopped run (timeout, Ctrl-C) still stops its bots and servers in run_chaos.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = args.workdir or Path(f"/tmp/chaos-{args.seed}-{int(time.time())}")
    row = run_chaos(
        messages=args.messages,
        kills=args.kills,
        dovecot_restarts=args.restarts,
        seed=args.seed,
        workdir=workdir,
        database_url=args.database_url,
    )
    print(table([row]))
    print(f"details: {workdir / 'chaos.json'}")
    return 0 if row.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
