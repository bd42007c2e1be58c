"""Files under data_dir: raw mail and attachment bytes, content-addressed by SHA-256.

Names on disk come from the hash only, never from anything a mail says.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_blob(data_dir: Path, area: str, data: bytes, suffix: str = "") -> str:
    """Write `data` once under data_dir/area/ab/<sha256><suffix>; returns the relative path."""
    digest = sha256_hex(data)
    relative = Path(area) / digest[:2] / f"{digest}{suffix}"
    target = data_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    return relative.as_posix()


def read_blob(data_dir: Path, relative: str) -> bytes:
    return (data_dir / relative).read_bytes()
