"""Open .zip archives and Outlook winmail.dat (TNEF) in memory, within limits.

Nothing is ever written to disk: members are read into bytes, with every read bounded,
because the sizes an archive declares can lie (zip bombs).
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from dataclasses import dataclass

from parsers.names import display_path


@dataclass(frozen=True)
class ArchiveLimits:
    """How much of an archive we are willing to open."""

    max_members: int = 200
    max_total_bytes: int = 100 * 1024 * 1024
    max_member_bytes: int = 25 * 1024 * 1024
    max_ratio: float = 100.0
    max_depth: int = 2
    # Tiny members compress extremely well for innocent reasons; judge the ratio above this.
    ratio_floor_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Member:
    """One file inside an archive: its bytes, or why it was not read."""

    path: str  # "folder/BA.pdf", inside the archive
    data: bytes = b""
    problem: str | None = None
    problem_code: str | None = None


class ExpansionBudget:
    """Bytes still allowed to be unpacked for one attachment, across nested archives."""

    def __init__(self, total: int) -> None:
        self.remaining = total

    def take(self, size: int) -> bool:
        """Reserve `size` bytes; False (and nothing reserved) when they do not fit."""
        if size > self.remaining:
            return False
        self.remaining -= size
        return True


class ArchiveError(ValueError):
    """The archive as a whole cannot be opened or breaks a limit."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


_JUNK_PREFIXES = ("__MACOSX/",)
_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def zip_members(
    data: bytes, limits: ArchiveLimits, budget: ExpansionBudget | None = None
) -> list[Member]:
    """The files of a zip archive; raises ArchiveError ("corrupt"/"archive_limit")."""
    if budget is None:
        budget = ExpansionBudget(limits.max_total_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [
            info for info in archive.infolist() if not info.is_dir() and not _junk(info.filename)
        ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveError("the ZIP archive is damaged and does not open", "corrupt") from exc
    if overlapping_entries(data, archive.infolist()):
        raise ArchiveError(
            "the ZIP's entries overlap each other (a zip bomb trick)", "archive_limit"
        )
    if len(infos) > limits.max_members:
        raise ArchiveError(
            f"the ZIP holds {len(infos)} files, over {limits.max_members}", "archive_limit"
        )
    if sum(info.file_size for info in infos) > limits.max_total_bytes:
        raise ArchiveError("the ZIP unpacks to more than we accept", "archive_limit")
    return [_read_member(archive, info, limits, budget) for info in infos]


def overlapping_entries(data: bytes, infos: list[zipfile.ZipInfo]) -> bool:
    """True when members' local headers and data overlap (CVE-2024-0450 quoted-overlap bombs).

    Python's own check arrived in 3.11.8 and 3.12.2; this one runs on every version.
    """
    end_of_previous = 0
    for info in sorted(infos, key=lambda item: item.header_offset):
        start = info.header_offset
        if start < end_of_previous:
            return True
        if data[start : start + 4] != b"PK\x03\x04":
            continue  # a damaged entry: reading it reports "corrupt"
        name_length, extra_length = struct.unpack("<HH", data[start + 26 : start + 30])
        end_of_previous = start + 30 + name_length + extra_length + info.compress_size
    return False


def _junk(name: str) -> bool:
    return name.startswith(_JUNK_PREFIXES) or posixpath.basename(name) in _JUNK_NAMES


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits, budget: ExpansionBudget
) -> Member:
    path = clean_member_path(info.filename)
    if info.flag_bits & 0x1:
        return Member(
            path, problem="the file is password-protected inside the ZIP", problem_code="encrypted"
        )
    if info.file_size > limits.max_member_bytes:
        return Member(
            path, problem="the file inside the ZIP is too large", problem_code="too_large"
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
        return Member(
            path, problem="suspicious compression ratio (zip bomb?)", problem_code="archive_limit"
        )
    # zipfile never reads past the declared size, so reserving it bounds the real bytes too.
    if not budget.take(info.file_size):
        return Member(
            path, problem="the archives unpack to more than we accept", problem_code="archive_limit"
        )
    try:
        with archive.open(info) as handle:
            data = handle.read(limits.max_member_bytes + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return Member(path, problem="the file inside the ZIP is damaged", problem_code="corrupt")
    if len(data) > limits.max_member_bytes:
        return Member(
            path, problem="the file inside the ZIP is too large", problem_code="too_large"
        )
    return Member(path, data)


def clean_member_path(name: str) -> str:
    """A display path without drive letters, leading slashes, `..` parts or bidi tricks."""
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    if parts and parts[0].endswith(":"):
        parts = parts[1:]
    return display_path("/".join(parts))


def tnef_members(data: bytes, limits: ArchiveLimits) -> list[Member]:
    """The attachments inside an Outlook winmail.dat; raises ArchiveError when unreadable."""
    from tnefparse import TNEF  # imported here: only Outlook's rich-text mail needs it

    try:
        tnef = TNEF(data, do_checksum=False)
        attachments = list(tnef.attachments)
    except Exception as exc:  # tnefparse raises bare ValueError/struct.error on bad input
        raise ArchiveError(
            "the winmail.dat (TNEF) is damaged and does not open", "corrupt"
        ) from exc
    if len(attachments) > limits.max_members:
        raise ArchiveError("the winmail.dat holds too many files", "archive_limit")
    members = []
    for number, attachment in enumerate(attachments, start=1):
        name = _tnef_name(attachment) or f"attachment{number}"
        payload = attachment.data if isinstance(attachment.data, bytes) else b""
        if len(payload) > limits.max_member_bytes:
            members.append(Member(name, problem="the file is too large", problem_code="too_large"))
        else:
            members.append(Member(clean_member_path(name), payload))
    return members


def _tnef_name(attachment: object) -> str:
    for getter in ("long_filename", "name"):
        try:
            value = getattr(attachment, getter)
            value = value() if callable(value) else value
        except Exception:  # tnefparse decodes names lazily and may fail on odd codepages
            continue
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if value:
            return str(value).strip("\x00 ")
    return ""
