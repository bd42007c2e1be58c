"""Separate what the sender wrote from quoted history, signatures and subject prefixes.

A *reply's* quoted history must not decide what a message asks for (it is often our own
answer). A *forward's* quoted part is the request itself ("TRS: Permohonan ..."), so it
counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_PREFIX_WORDS: Final = (
    r"re|fwd?|fw|bls|balas|trs|teruskan|aw|wg|antw|sv|vs|tr|rv|enc|odp|ynt|forward"
)
_PREFIX: Final = re.compile(rf"^\s*(({_PREFIX_WORDS})\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*)", re.I)
_FORWARD_PREFIX: Final = re.compile(
    r"^\s*(fwd?|fw|trs|teruskan|wg|tr|enc|rv|forward)\s*[:：]", re.I
)
_TAG: Final = re.compile(r"^\s*\[[A-Z][A-Z0-9]{0,9}-\d{4}-\d{3,6}\]\s*")

# Separator lines mail clients write above quoted or forwarded text.
_FORWARD_LINE: Final = re.compile(
    r"^\s*-{2,}\s*(forwarded message|pesan (yang )?(di)?terus(an|kan)|pesan terusan"
    r"|original message|pesan asli(nya)?|forwarded message|pesan asal)\s*-{2,}\s*$"
    r"|^\s*(begin forwarded message|pesan yang diteruskan dimulai)\s*:?\s*$",
    re.I,
)
_FORWARD_WORDS: Final = re.compile(r"forward|terus", re.I)
_WROTE_LINE: Final = re.compile(
    r"^\s*(on\b.*\bwrote|pada\b.*\bmenulis|am\b.*\bschrieb)\s*:\s*$", re.I
)
_WROTE_START: Final = re.compile(r"^\s*(on|pada)\s+\S", re.I)
_WROTE_END: Final = re.compile(r"^.*\b(wrote|menulis)\s*:\s*$", re.I)
_HEADER_FROM: Final = re.compile(r"^\s*\*?(from|dari)\s*:\*?\s*\S", re.I)
_HEADER_OTHER: Final = re.compile(
    r"^\s*\*?(sent|date|to|subject|cc|dikirim|terkirim|tanggal|kepada|perihal|subjek|tembusan)"
    r"\s*:\*?",
    re.I,
)
_SIGNATURE_LINE: Final = re.compile(r"^--\s?$")
_MOBILE_FOOTER: Final = re.compile(
    r"^\s*(sent from my|dikirim dari|get outlook for|kirim dari|sent from yahoo|dikirim melalui)\b",
    re.I,
)


@dataclass(frozen=True)
class BodyParts:
    """A body split into the sender's own words, a forwarded request, and reply history."""

    own: str
    forwarded: str = ""
    quoted: str = ""

    @property
    def request(self) -> str:
        """What the message asks: the sender's words plus any forwarded message."""
        return f"{self.own}\n\n{self.forwarded}".strip() if self.forwarded else self.own


def strip_subject(subject: str) -> str:
    """The subject without Re/Fwd/BLS/TRS/... prefixes and [HD-2026-00042] tags, repeated."""
    previous = None
    text = subject.strip()
    while text != previous:
        previous = text
        text = _PREFIX.sub("", text, count=1)
        text = _TAG.sub("", text, count=1)
    return text.strip()


def is_reply(subject: str) -> bool:
    """True when the subject's outermost prefix marks a reply ("Re:", "BLS:", "AW:")."""
    text = _TAG.sub("", subject.strip())
    return bool(_PREFIX.match(text)) and not is_forward(text)


def is_forward(subject: str) -> bool:
    """True when the subject's outermost prefix marks a forward ("Fwd:", "TRS:", "WG:")."""
    text = _TAG.sub("", subject.strip())
    return bool(_FORWARD_PREFIX.match(text))


def split_body(body: str, *, forward: bool = False) -> BodyParts:
    """Split `body` at the first history marker; `forward` makes what follows a request."""
    lines = body.replace("\r\n", "\n").split("\n")
    cut = _history_start(lines)
    own = _strip_signature(lines if cut is None else lines[:cut])
    if cut is None:
        return BodyParts(own=own)
    marker = lines[cut]
    if not (forward or (_FORWARD_LINE.match(marker) and _FORWARD_WORDS.search(marker))):
        return BodyParts(own=own, quoted="\n".join(lines[cut:]).strip())
    # The forwarded message's header (its Subject names the request) and its own words
    # count; history quoted inside it does not.
    history = _dequote(lines[cut + 1 :] if _is_separator(marker) else lines[cut:])
    header, rest = _forward_header(history)
    inner = split_body("\n".join(rest))
    forwarded = "\n".join(part for part in (header, inner.own, inner.forwarded) if part)
    return BodyParts(own=own, forwarded=forwarded.strip(), quoted=inner.quoted)


def _is_separator(line: str) -> bool:
    return bool(_FORWARD_LINE.match(line) or _WROTE_LINE.match(line))


def _forward_header(lines: list[str]) -> tuple[str, list[str]]:
    """Split the From/Date/Subject block heading a forwarded message from its text."""
    index = 0
    while index < len(lines) and (
        not lines[index].strip()
        or _HEADER_FROM.match(lines[index])
        or _HEADER_OTHER.match(lines[index])
    ):
        index += 1
    return "\n".join(line for line in lines[:index] if line.strip()), lines[index:]


def _dequote(lines: list[str]) -> list[str]:
    """One level of `>` quoting removed, when every non-empty line carries it."""
    if not all(line.startswith(">") for line in lines if line.strip()):
        return lines
    return [line[2:] if line.startswith("> ") else line[1:] for line in lines]


def _history_start(lines: list[str]) -> int | None:
    """Index of the first line that opens quoted or forwarded history, or None."""
    for index, line in enumerate(lines):
        if _FORWARD_LINE.match(line) or _WROTE_LINE.match(line):
            return index
        if (
            _WROTE_START.match(line)
            and index + 1 < len(lines)
            and _WROTE_END.match(lines[index + 1])
        ):
            return index  # "On Mon, 12 Jan 2026, Budi <b@x>\nwrote:" wrapped over two lines
        if _HEADER_FROM.match(line) and _header_block(lines[index + 1 : index + 6]):
            return index
        if line.startswith(">") and _quoted_run(lines[index:]):
            return index
    return None


def _header_block(following: list[str]) -> bool:
    """Two or more of Sent/To/Subject (or Dikirim/Kepada/Perihal) right under a From line."""
    return sum(bool(_HEADER_OTHER.match(line)) for line in following) >= 2


def _quoted_run(lines: list[str]) -> bool:
    """A `>` line that starts history: it and the next non-empty lines are all quoted."""
    quoted = [line for line in lines[:4] if line.strip()]
    return all(line.startswith(">") for line in quoted)


def _strip_signature(lines: list[str]) -> str:
    """Drop a "-- " signature block and mobile-client footers from the sender's words."""
    kept: list[str] = []
    for line in lines:
        if _SIGNATURE_LINE.match(line.rstrip("\r")) and len(lines) - len(kept) <= 12:
            break
        if _MOBILE_FOOTER.match(line):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def request_text(subject: str, body: str) -> str:
    """The subject (prefixes stripped) and the body's request, for classification."""
    parts = split_body(body, forward=is_forward(subject))
    return f"{strip_subject(subject)}\n{parts.request}"
