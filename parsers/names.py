"""Attachment names as the mail gave them, cleaned for display: never a path, never a trick.

Files are stored under their SHA-256 (helpdesk/storage.py); the name a mail gives is
metadata only. It still reaches staff pages, answers and exports, so it loses what
could mislead a reader or a "save as": path parts, control and bidi characters,
Windows device names, and excess length.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 120
_MAX_EXTENSION_CHARS = 10
# CON, NUL.txt, COM1.pdf... open a device instead of a file on Windows.
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)")


def display_name(name: str, *, limit: int = MAX_NAME_CHARS) -> str:
    """A safe one-line name: `display_name("../x\\u202egpj.exe") == "xgpj.exe"`.

    Returns "" when nothing printable is left; callers pick a generated name then.
    """
    text = "".join(ch for ch in re.sub(r"[\t\r\n\v\f]+", " ", name) if _visible(ch))
    text = re.split(r"[\\/]", text)[-1]  # "C:\\fakepath\\x.pdf" and "../x" become "x"
    text = re.sub(r"^[A-Za-z]:", "", text)  # "C:x.pdf", a drive-relative path
    text = re.sub(r"\s+", " ", text).strip(" .")  # Windows drops trailing dots and spaces
    if _RESERVED.match(text):
        text = f"_{text}"
    return _shorten(text, limit)


def display_path(path: str, *, limit: int = MAX_NAME_CHARS) -> str:
    """`display_name` for each part of an archive path: `"berkas.zip/folder/BA.pdf"`."""
    parts = [display_name(part, limit=limit) for part in path.split("/")]
    return "/".join(part for part in parts if part) or "unnamed"


def _visible(ch: str) -> bool:
    # Cc: control characters (NUL, CR, LF, ESC); Cf: format characters, among them the
    # bidi overrides (U+202E turns "gpj.exe" into "exe.jpg" on screen) and zero-widths.
    return unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, keeping the extension that decides how the file is read."""
    if len(text) <= limit:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > _MAX_EXTENSION_CHARS:
        return text[:limit].rstrip(" .")
    return f"{stem[: limit - len(ext) - 2].rstrip(' .')}….{ext}"
