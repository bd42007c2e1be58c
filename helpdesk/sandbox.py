"""Resource limits for a process that parses untrusted mail (Linux and other POSIX systems).

A worker process calls `apply_resource_limits` when it starts, and again before each
message to renew the CPU budget. A parse that exceeds the memory limit gets
`MemoryError`; one that exceeds the CPU budget is killed by SIGXCPU. Either way the
parent sees a failed worker, not a stuck or swapping machine, and flags the message.
"""

from __future__ import annotations

import math
import resource


def apply_resource_limits(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's address space at `memory_bytes` and allow `cpu_seconds` more CPU.

    The address space counts the interpreter and its libraries too (about 0.5 GB for a
    worker with every parser imported), so give the parse room above that. Only soft
    limits move, so calling this again (per message) raises or renews them.
    """
    if memory_bytes <= 0 or cpu_seconds <= 0:
        raise ValueError("memory_bytes and cpu_seconds must be positive")
    _set_soft(resource.RLIMIT_AS, memory_bytes)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # RLIMIT_CPU counts the whole life of the process: the budget starts from what it used.
    _set_soft(resource.RLIMIT_CPU, math.ceil(usage.ru_utime + usage.ru_stime) + cpu_seconds)


def _set_soft(which: int, value: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))
