"""`helpdesk` with chaos hooks: test code for bench/reliability/chaos.py, never the product.

    HELPDESK_CHAOS_PLAN='{"kill": {"point": "mark", "nth": 2, "after": false}, ...}' \\
        python -m bench.reliability.chaos_bot --settings FILE run

Wraps (never replaces) a few functions of a real `helpdesk run`, so the run does all its
real work and, on the nth call of the planned point, either SIGKILLs its own process
group (the bot and its parsing workers, as a power cut would) or has the chaos run's
Dovecot stopped under it. The points:

    fetch    imapclient.IMAPClient.fetch                       during FETCH
    mark     helpdesk.mailbox.imap.ImapMailbox.mark_processed  after the commit, before marking
    cursor   helpdesk.mailbox.cursors.DatabaseCursorStore.set_cursor
                                                               after marking, before the cursor
    deliver  helpdesk.transport.SmtpTransport.send             after the outbox insert, before send
    idle     imapclient.IMAPClient.idle_check                  while waiting in IDLE
    move     imapclient.IMAPClient.move                        during MOVE to the processed folder

"after" acts once the wrapped call returned (FETCH answered, MOVE done) instead of before.
Every action is announced on stderr first ("chaos: ..."), so the run can tell its own
kills from crashes. The poison step comes from chaos_poison, also in parsing workers.
"""

from __future__ import annotations

import functools
import itertools
import json
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PLAN_ENV = "HELPDESK_CHAOS_PLAN"
KILL_NOTICE = "chaos: SIGKILL at"
DOVECOT_NOTICE = "chaos: Dovecot stopped during"
STOP_WAIT = 20.0  # seconds to wait for the chaos run to stop Dovecot when asked


def _owner(point: str) -> tuple[Any, str]:
    """The object holding a point's function, and the attribute name."""
    if point in ("fetch", "idle", "move"):
        import imapclient

        names = {"fetch": "fetch", "idle": "idle_check", "move": "move"}
        return imapclient.IMAPClient, names[point]
    if point == "mark":
        from helpdesk.mailbox.imap import ImapMailbox

        return ImapMailbox, "mark_processed"
    if point == "cursor":
        from helpdesk.mailbox.cursors import DatabaseCursorStore

        return DatabaseCursorStore, "set_cursor"
    if point == "deliver":
        from helpdesk.transport import SmtpTransport

        return SmtpTransport, "send"
    raise ValueError(f"unknown chaos point {point!r}")


def _announce(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _kill(where: str) -> None:
    _announce(f"{KILL_NOTICE} {where} at {time.time():.6f}")
    os.killpg(0, signal.SIGKILL)  # chaos.py starts each bot as its own process group


def _refuses(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return False
    except OSError:
        return True


def _stop_dovecot(where: str, plan: dict[str, Any]) -> None:
    """Ask the chaos run to stop Dovecot now, and wait until it is down."""
    _announce(f"{DOVECOT_NOTICE} {where}")
    request = Path(plan["dovecot_request"])
    tmp = request.with_suffix(".tmp")
    tmp.write_text(where, encoding="utf-8")
    tmp.replace(request)
    deadline = time.monotonic() + STOP_WAIT
    while not _refuses(int(plan["dovecot_port"])) and time.monotonic() < deadline:
        time.sleep(0.05)


Action = tuple[int, bool, Callable[[str], None]]  # (nth call, after the call, what to do)


def _wrap(point: str, actions: list[Action]) -> None:
    owner, name = _owner(point)
    original = getattr(owner, name)
    calls = itertools.count(1)

    @functools.wraps(original)
    def hooked(*args: Any, **kwargs: Any) -> Any:
        number = next(calls)
        where = f"{point} #{number}"
        for nth, after, act in actions:
            if nth == number and not after:
                act(where + " (before the call)")
        result = original(*args, **kwargs)
        for nth, after, act in actions:
            if nth == number and after:
                act(where + " (after the call)")
        return result

    setattr(owner, name, hooked)


def install(plan: dict[str, Any]) -> None:
    """Wrap the functions `plan` names: {"kill": {...} | None, "dovecot": {...} | None}."""
    actions: dict[str, list[Action]] = {}
    if kill := plan.get("kill"):
        actions.setdefault(kill["point"], []).append((kill["nth"], kill["after"], _kill))
    if stop := plan.get("dovecot"):
        act = functools.partial(_stop_dovecot, plan=plan)
        actions.setdefault(stop["point"], []).append((stop["nth"], stop["after"], act))
    for point, listed in actions.items():
        _wrap(point, listed)


def main() -> None:
    # Parsing workers start from a forkserver, a fresh interpreter: it must import the
    # poison too, or a message decided there would never meet it.
    multiprocessing.set_forkserver_preload(["bench.reliability.chaos_poison"])
    import bench.reliability.chaos_poison  # noqa: F401  (installs the poison in the bot itself)

    install(json.loads(os.environ.get(PLAN_ENV) or "{}"))
    from helpdesk.cli import main as helpdesk_main

    helpdesk_main()


if __name__ == "__main__":
    main()
