"""Does a PDF carry active content: JavaScript, or a /Launch action that starts a program?

Two looks: the raw bytes (names may hide behind `#xx` escapes, `/J#61vaScript`), then
pypdf's object graph (which also sees objects packed in compressed object streams):
the catalog's /OpenAction, /AA and /Names, form fields, and the first pages' actions
and annotations. Either finding refuses the file as dangerous.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Any

_ACTIVE_NAMES = {
    b"JavaScript": "runs JavaScript",
    b"JS": "runs JavaScript",
    b"Launch": "can start a program (/Launch)",
}
# A name token that may start one of the above, with `#xx` escapes allowed anywhere.
_NAME = re.compile(rb"/(?:[JjLl]|#4[AaCc])(?:[A-Za-z]|#[0-9A-Fa-f]{2}){1,24}")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_MAX_PAGES = 12
_MAX_OBJECTS = 2_000  # objects visited in the graph; forms have a few hundred


def pdf_active_content(data: bytes) -> str | None:
    """What the PDF would do when opened ("runs JavaScript"), or None for a passive PDF."""
    return _raw_names(data) or _graph(data)


def _raw_names(data: bytes) -> str | None:
    for match in _NAME.finditer(data):
        name = _HEX.sub(lambda hexed: bytes([int(hexed.group(1), 16)]), match.group()[1:])
        if name in _ACTIVE_NAMES:
            return _ACTIVE_NAMES[name]
    return None


def _graph(data: bytes) -> str | None:
    """Look at actions through pypdf; a PDF it cannot open is judged by the text reader."""
    from pypdf import PdfReader  # imported here, as in parsers.text: slow to import

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return None  # refused as encrypted by the text reader
            roots: list[Any] = [reader.trailer.get("/Root")]
            roots += list(reader.pages[:_MAX_PAGES])
            return _walk(roots)
    except Exception:  # pypdf raises many unrelated types on broken files
        return None


def _walk(roots: list[Any]) -> str | None:
    """Visit dictionaries and arrays from `roots`; stop at the first active action."""
    seen: set[int] = set()
    pending = list(roots)
    while pending and len(seen) < _MAX_OBJECTS:
        item = pending.pop()
        if hasattr(item, "get_object"):
            item = item.get_object()
        if id(item) in seen or not isinstance(item, dict | list):
            continue
        seen.add(id(item))
        if isinstance(item, list):
            pending.extend(item)
            continue
        for key, value in item.items():
            found = _active(str(key), value)
            if found:
                return found
            if key not in ("/Parent", "/P", "/Contents", "/Resources"):
                pending.append(value)
    return None


def _active(key: str, value: Any) -> str | None:
    """The finding for one dictionary entry, e.g. `/S /Launch` or a `/JS` script."""
    if key in ("/JS", "/JavaScript"):
        return "runs JavaScript"
    if key == "/S" and str(value) in ("/JavaScript", "/Launch"):
        return _ACTIVE_NAMES[str(value)[1:].encode()]
    return None
