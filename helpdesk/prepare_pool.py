"""Parse and decide in worker processes, while the single writer stores and acts in order.

`PreparePool.prepared(messages)` yields (RawMessage, Prepared) pairs in the order the
messages came (the mailbox's UID order). A bounded window of messages is prepared ahead
in worker processes, so both cores work; the database, the files and the mailbox stay
with the caller, which commits and marks one message at a time. A run of fewer than
MIN_PARALLEL messages is prepared in-process: one new message after IDLE is answered
sooner without a trip to another process, and tiny runs never start workers at all.

A worker that dies (a crash in a C library, the OOM killer) breaks the whole pool. Each
message that was in flight is then prepared again alone, in a fresh process, so the one
that kills its worker is flagged for staff instead of taking the bot down with it; the
rest of the run is prepared in-process, and the next run starts new workers.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from helpdesk.library_logs import quiet_libraries
from helpdesk.mailbox import RawMessage
from helpdesk.pipeline import Prepared, prepare
from helpdesk.sandbox import apply_resource_limits
from helpdesk.settings import Settings
from helpdesk.storage import sha256_hex

log = logging.getLogger(__name__)

PrepareFn = Callable[[bytes, Settings], Prepared]

MIN_PARALLEL = 4  # fewer waiting messages than this are prepared in-process
AHEAD_PER_PROCESS = 2  # messages in flight per worker process ...
AHEAD_BYTES = 24 * 1024 * 1024  # ... and at most this many bytes of them (one big one alone)

# What one parsing worker may use: a 40 MB message peaks near 530 MB in the stdlib
# parser; beyond these the worker stops and the message is flagged, the bot goes on.
WORKER_MEMORY_BYTES = 1 << 30
WORKER_CPU_SECONDS = 30

# Each worker process's settings and prepare function, set once by _start_worker: they
# are sent once per process instead of with every message.
_in_worker: tuple[Settings, PrepareFn] | None = None


def _start_worker(settings: Settings, prepare_fn: PrepareFn) -> None:
    global _in_worker
    _in_worker = (settings, prepare_fn)
    # Ctrl-C reaches the whole process group: the bot finishes the message in hand and
    # then stops its workers itself. (SIGTERM stays: the pool uses it to end workers.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    quiet_libraries()  # a forkserver worker starts without the bot's logging setup
    apply_resource_limits(WORKER_MEMORY_BYTES, WORKER_CPU_SECONDS)


def _prepare_in_worker(raw: bytes) -> Prepared:
    assert _in_worker is not None, "the pool's initializer sets this"
    settings, prepare_fn = _in_worker
    # A fresh CPU budget per message: a hostile message that runs away is killed
    # (SIGXCPU), and the pool's dead-worker handling flags it for staff.
    apply_resource_limits(WORKER_MEMORY_BYTES, WORKER_CPU_SECONDS)
    return prepare_fn(raw, settings)


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers start from a small clean process, not a copy of the bot (its
    # open database and IMAP sockets, its threads); spawn where there is no forkserver.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


class PreparePool:
    """Worker processes for `prepare`, started on the first run that needs them."""

    def __init__(self, settings: Settings, *, processes: int, prepare_fn: PrepareFn = prepare):
        self.settings = settings
        self.processes = processes
        self.crashes = 0  # worker processes that died, over the pool's life
        self._prepare = prepare_fn
        self._executor: ProcessPoolExecutor | None = None
        self._in_process = False  # after a crash, until the run ends

    def prepared(self, messages: Iterable[RawMessage]) -> Iterator[tuple[RawMessage, Prepared]]:
        """Each message with what `prepare` made of it, in the order given."""
        self._in_process = False
        pending = iter(messages)
        head = list(itertools.islice(pending, MIN_PARALLEL))
        if self.processes < 1 or len(head) < MIN_PARALLEL:
            for raw in itertools.chain(head, pending):
                yield raw, self._prepare(raw.data, self.settings)
            return
        yield from self._ahead(itertools.chain(head, pending))

    def close(self) -> None:
        """Stop the worker processes (work not yet started is dropped)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _ahead(self, messages: Iterator[RawMessage]) -> Iterator[tuple[RawMessage, Prepared]]:
        window: deque[tuple[RawMessage, Future[Prepared] | None]] = deque()
        held = 0
        limit = AHEAD_PER_PROCESS * self.processes + 1
        try:
            for raw in messages:
                window.append((raw, self._submit(raw)))
                held += len(raw.data)
                while window and (len(window) > limit or held > AHEAD_BYTES):
                    first, future = window.popleft()
                    held -= len(first.data)
                    yield first, self._result(first, future)
            while window:
                first, future = window.popleft()
                yield first, self._result(first, future)
        finally:
            # A stop between messages: what was prepared ahead is dropped, and read
            # again next time (it was never marked).
            for _, future in window:
                if future is not None:
                    future.cancel()

    def _new_executor(self, processes: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=processes,
            mp_context=_context(),
            initializer=_start_worker,
            initargs=(self.settings, self._prepare),
        )

    def _submit(self, raw: RawMessage) -> Future[Prepared] | None:
        if self._in_process:
            return None
        if self._executor is None:
            self._executor = self._new_executor(self.processes)
        try:
            return self._executor.submit(_prepare_in_worker, raw.data)
        except BrokenProcessPool:
            self._broken()
            return None

    def _result(self, raw: RawMessage, future: Future[Prepared] | None) -> Prepared:
        if future is None:
            return self._prepare(raw.data, self.settings)
        try:
            return future.result()
        except BrokenProcessPool:
            self._broken()
            return self._alone(raw)
        except Exception as exc:  # e.g. a result that cannot be pickled: staff look at it
            log.error("preparing %s in a worker failed: %r", raw.location, exc)
            return _flagged(raw, f"preparing the message failed: {type(exc).__name__}: {exc}")

    def _broken(self) -> None:
        if self._executor is None:
            return
        self.crashes += 1
        log.error(
            "a worker process died: the messages it held are read again one by one, "
            "and the rest of this run is read in this process"
        )
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None
        self._in_process = True

    def _alone(self, raw: RawMessage) -> Prepared:
        """Prepare one message in a process of its own: if it kills that one too, flag it."""
        single = self._new_executor(1)
        try:
            return single.submit(_prepare_in_worker, raw.data).result()
        except BrokenProcessPool:
            log.error("message %s kills the process that reads it: flagged for staff", raw.location)
            return _flagged(raw, "the process reading this message died (a crash in a parser)")
        finally:
            single.shutdown(wait=True)


def _flagged(raw: RawMessage, problem: str) -> Prepared:
    return Prepared(f"sha256:{sha256_hex(raw.data)}", problem=problem)
