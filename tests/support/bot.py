"""Drive the real `helpdesk` command in subprocesses against the test servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from tests.support.servers import ImapAccount, SmtpRecorder

SAMPLES = Path(__file__).parent.parent / "samples"
ROOT = Path(__file__).parent.parent.parent

# Runs the CLI with one function replaced by a SIGKILL of the process itself: the crash
# happens at exactly that point of a real run. With a marker (argv[2], may be empty), only
# a call whose Act holds raw mail containing it dies; other calls go through.
_CRASH_AT = """
import os, signal, sys, importlib
parts = sys.argv.pop(1).split(".")
marker = sys.argv.pop(1).encode()
for cut in range(len(parts) - 1, 0, -1):  # the longest importable prefix is the module
    try:
        owner = importlib.import_module(".".join(parts[:cut]))
        break
    except ImportError:
        continue
for attribute in parts[cut:-1]:
    owner = getattr(owner, attribute)
original = getattr(owner, parts[-1])
def crash(*args, **kwargs):
    raws = [getattr(getattr(arg, "raw", None), "data", b"") for arg in args]
    if not marker or any(marker in raw for raw in raws):
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)
setattr(owner, parts[-1], crash)
from helpdesk.cli import main
main()
"""


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def toml_value(value: Any) -> str:
    return (
        json.dumps(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


@dataclass
class Bot:
    """One helpdesk installation: a settings file, a data folder, an IMAP account."""

    folder: Path
    account: ImapAccount
    smtp: SmtpRecorder

    @property
    def settings_path(self) -> Path:
        return self.folder / "settings.toml"

    def write_settings(
        self,
        *,
        database_url: str | None = None,
        helpdesk: dict[str, Any] | None = None,
        **imap: Any,
    ) -> None:
        """settings.toml for this bot; `database_url` None keeps the SQLite default;
        `helpdesk` adds keys to [helpdesk]."""
        values = {
            "host": self.account.host,
            "port": self.account.port,
            "security": "none",
            "user": self.account.user,
            "password": self.account.password,
            "timeout": 30.0,
        } | imap
        lines = ["[helpdesk]", 'data_dir = "data"']
        lines += [f"{k} = {toml_value(v)}" for k, v in (helpdesk or {}).items()]
        lines += ["[mailbox]", 'source = "imap"', "[imap]"]
        lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
        lines += [
            "[smtp]",
            'transport = "smtp"',
            'host = "127.0.0.1"',
            f"port = {self.smtp.port}",
            'security = "none"',
            "timeout = 10.0",
        ]
        if database_url is not None:
            lines += ["[database]", f"url = {toml_value(database_url)}"]
        self.settings_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "helpdesk", "--settings", str(self.settings_path), *args]

    def run(
        self, *args: str, check: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=self.folder,
            env=_env(),
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args} exited {result.returncode}:\n{result.stderr}")
        return result

    def run_once(self) -> subprocess.CompletedProcess[str]:
        return self.run("run", "--once")

    def crash_run_once(self, at: str, *, marker: str = "") -> int:
        """`run --once`, killed with SIGKILL when it reaches function `at` (with `marker`:
        an ACT step, for mail containing it); the exit code."""
        argv = [
            sys.executable,
            "-c",
            _CRASH_AT,
            at,
            marker,
            "--settings",
            str(self.settings_path),
            "run",
            "--once",
        ]
        return subprocess.run(
            argv, capture_output=True, timeout=300, cwd=self.folder, env=_env(), check=False
        ).returncode

    def watch(self, log: Path | None = None) -> subprocess.Popen[str]:
        """`helpdesk run` in the background; stop it with stop_watching().

        With `log`, its stderr goes to that file: a long run logs more than a pipe holds.
        """
        if log is None:
            return self._popen_run(subprocess.PIPE)
        with open(log, "w", encoding="utf-8") as stderr:
            return self._popen_run(stderr)  # the child keeps its own copy of the file

    def _popen_run(self, stderr: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command("run"),
            cwd=self.folder,
            env=_env(),
            text=True,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )

    def tickets(self) -> list[dict[str, Any]]:
        return json.loads(self.run("tickets", "list", "--json").stdout)

    def show(self, ref: str) -> dict[str, Any]:
        return json.loads(self.run("tickets", "show", ref, "--json").stdout)


def stop_watching(process: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM, then the exit code and stderr; it must stop by itself."""
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Poll `condition` until true or `timeout` seconds passed (generous: slow machines)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("HELPDESK_SETTINGS", None)
    return env


def with_headers(raw: bytes, **headers: str) -> bytes:
    """`raw` with whole header fields replaced (Message_ID= names Message-ID:), or added.

    Works on the bytes, so the rest of the message stays byte-exact.
    """
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    for key, value in headers.items():
        name = key.replace("_", "-").encode()
        new = name + b": " + value.encode()
        kept, replaced, skipping = [], False, False
        for line in lines:
            if line[:1] in (b" ", b"\t") and skipping:
                continue  # a continuation of the field being replaced
            skipping = line.lower().startswith(name.lower() + b":")
            if skipping:
                if not replaced:
                    kept.append(new)
                replaced = True
                continue
            kept.append(line)
        lines = kept if replaced else [*kept, new]
    return b"\r\n".join(lines) + sep + body


def plain_text(message: EmailMessage) -> str:
    """The text part of a received answer, with its lines as \\n."""
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]
