"""Our own Message-IDs: they carry the ticket reference and an HMAC, so a reply that
names one of them can be trusted to belong to that ticket (and cannot be forged)."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

# Stamped on every answer we send (helpdesk/answers.py), with the ticket reference as its
# value; only our own answers may carry it (helpdesk/automatic.py drops anyone else's).
LOOP_HEADER = "X-LPSE-Helpdesk"

_OURS = re.compile(r"^([A-Z][A-Z0-9]*-\d{4}-\d{5,})\.([0-9a-f]{12})\.([0-9a-f]{16})@(.+)$")


def load_secret(configured: str, data_dir: Path, *, name: str = "secret.key") -> bytes:
    """The configured secret, or one generated once and kept in data_dir/`name`."""
    if configured:
        return configured.encode()
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Workers starting together each write a candidate; the first hard link wins and
        # all read that one, so no worker signs with a secret the others do not know.
        tmp = path.with_name(f".secret.{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip().encode()


def _signature(secret: bytes, ref: str, token: str) -> str:
    return hmac.new(secret, f"{ref}.{token}".encode(), hashlib.sha256).hexdigest()[:16]


def make_message_id(*, ref: str, domain: str, secret: bytes) -> str:
    """A new Message-ID (without brackets): `HD-2026-00042.<token>.<sig>@domain`."""
    # Short enough that "Message-ID: <...>" stays on one 78-character line.
    token = secrets.token_hex(6)
    return f"{ref}.{token}.{_signature(secret, ref, token)}@{domain}"


def ticket_of_message_id(message_id: str, *, domain: str, secret: bytes) -> str | None:
    """The ticket reference a Message-ID of ours names, or None if it is not ours."""
    match = _OURS.match(message_id.strip("<> "))
    if not match or match.group(4).lower() != domain.lower():
        return None
    ref, token, signature = match.group(1), match.group(2), match.group(3)
    if not hmac.compare_digest(signature, _signature(secret, ref, token)):
        return None
    return ref
