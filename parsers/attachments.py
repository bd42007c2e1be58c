"""Inspect attached files: is each one safe, readable and what its name says, and its text.

`inspect_attachment` returns one `InspectedFile` per file, archives followed by their
members (`"berkas.zip/folder/BA.pdf"`), each with a `problem` when it must be refused.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from parsers import filetypes
from parsers.archives import (
    ArchiveError,
    ArchiveLimits,
    ExpansionBudget,
    Member,
    overlapping_entries,
    tnef_members,
    zip_members,
)
from parsers.filetypes import extension, sniff
from parsers.limits import DEFAULT_LIMITS
from parsers.pdf_safety import pdf_active_content
from parsers.text import EncryptedFileError, UnreadableFileError, docx_pages, pdf_pages, xlsx_pages
from parsers.types import Attachment


@dataclass(frozen=True)
class InspectedFile:
    """One attached file (or archive member) after inspection."""

    filename: str
    content_type: str
    size: int
    sha256: str
    real_type: str  # what the bytes are, see filetypes.sniff()
    pages: tuple[str, ...] = ()  # text layer: PDF pages, the DOCX, XLSX sheets
    problem: str | None = None
    problem_code: str | None = None
    container: str | None = None  # the archive it came from
    inline: bool = False

    @property
    def valid(self) -> bool:
        return self.problem is None


Problem = tuple[str, str]  # (problem_code, short English reason)


def inspect_attachment(
    attachment: Attachment, *, max_bytes: int, budget: ExpansionBudget | None = None
) -> list[InspectedFile]:
    """Inspect one attachment (and the members of an archive it is)."""
    limits = ArchiveLimits(max_member_bytes=max_bytes)
    return inspect_file(
        attachment.filename,
        attachment.data,
        limits,
        content_type=attachment.content_type,
        inline=attachment.inline,
        budget=budget,
    )


def inspect_attachments(
    attachments: Sequence[Attachment],
    *,
    max_bytes: int,
    unpack_bytes: int = ArchiveLimits.max_total_bytes,
) -> list[InspectedFile]:
    """Inspect every attachment of one message; their archives share one unpack budget."""
    budget = ExpansionBudget(unpack_bytes)
    found: list[InspectedFile] = []
    for attachment in attachments:
        found.extend(inspect_attachment(attachment, max_bytes=max_bytes, budget=budget))
    return found


def inspect_file(
    filename: str,
    data: bytes,
    limits: ArchiveLimits,
    *,
    content_type: str = "",
    container: str | None = None,
    depth: int = 0,
    inline: bool = False,
    budget: ExpansionBudget | None = None,
) -> list[InspectedFile]:
    """Inspect `data` named `filename`; archives are expanded up to `limits.max_depth`."""
    if budget is None:  # one budget for the whole tree: nested zips share it
        budget = ExpansionBudget(limits.max_total_bytes)
    real = sniff(data)
    base = InspectedFile(
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        real_type=real,
        container=container,
        inline=inline,
    )
    problem = _size_problem(data, limits) or _type_problem(extension(filename), real, data)
    if problem:
        return [replace(base, problem_code=problem[0], problem=problem[1])]
    if real in ("zip", "tnef") and extension(filename) not in _OOXML_LIKE:
        return _expand(base, data, limits, depth, budget)
    pages, problem = _read_text(extension(filename), real, data)
    if problem:
        return [replace(base, problem_code=problem[0], problem=problem[1])]
    return [replace(base, pages=pages)]


_OOXML_LIKE = filetypes.OOXML_EXTENSIONS | filetypes.MACRO_EXTENSIONS


def _size_problem(data: bytes, limits: ArchiveLimits) -> Problem | None:
    if not data:
        return "empty", "the file is empty (0 bytes)"
    if len(data) > limits.max_member_bytes:
        megabytes = limits.max_member_bytes / (1024 * 1024)
        return "too_large", f"the file is larger than the {megabytes:g} MB limit"
    return None


def _type_problem(ext: str, real: str, data: bytes) -> Problem | None:
    program = filetypes.executable_problem(real)
    if program:
        named = f", named .{ext}" if ext else ""
        return "dangerous", f"the file is {program}{named}"
    if ext in filetypes.DANGEROUS_EXTENSIONS:
        return "dangerous", f"a .{ext} file can run programs"
    if ext in filetypes.MACRO_EXTENSIONS:
        return "macro", f"a macro-enabled Office file (.{ext})"
    expected = filetypes.EXPECTED.get(ext)
    if real == "ole" and filetypes.has_ole_encryption(data):
        return "encrypted", "the Office file is password-protected"
    if expected is not None and real not in expected:
        return "type_mismatch", f"the file is {filetypes.describe(real)}, not a .{ext} file"
    if real == "zip" and ext in filetypes.OOXML_EXTENSIONS:
        return _ooxml_problem(data)
    if real == "pdf":
        active = pdf_active_content(data)
        return ("dangerous", f"the PDF {active}") if active else None
    return None


def _ooxml_problem(data: bytes) -> Problem | None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "corrupt", "the Office file is damaged and does not open"
    if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
        return "macro", "the Office file contains macros (vbaProject.bin)"
    if overlapping_entries(data, infos):
        return "archive_limit", "the Office file's parts overlap each other (a zip bomb trick)"
    # An XML bomb is refused by its declared size, which zipfile never reads past.
    if sum(map(_xml_size, infos)) > DEFAULT_LIMITS.max_office_xml_bytes:
        return "archive_limit", "the Office file unpacks to more than we accept"
    return None


_MEDIA_EXTENSIONS = filetypes.IMAGE_EXTENSIONS | frozenset("emf wmf bin".split())


def _xml_size(info: zipfile.ZipInfo) -> int:
    """Unpacked bytes an XML parser may read: images (which barely compress) do not count."""
    compressible = info.file_size > 4 * max(info.compress_size, 1)
    return (
        0 if extension(info.filename) in _MEDIA_EXTENSIONS and not compressible else info.file_size
    )


def _read_text(ext: str, real: str, data: bytes) -> tuple[tuple[str, ...], Problem | None]:
    reader = _reader(ext, real)
    if reader is None:
        return (), None
    try:
        return tuple(reader(data)), None
    except EncryptedFileError:
        return (), ("encrypted", "the file is password-protected and cannot be opened")
    except UnreadableFileError as exc:
        return (), ("corrupt", f"the file is damaged: {exc}")


def _reader(ext: str, real: str) -> Callable[[bytes], list[str]] | None:
    """The text reader for a file whose bytes and name agree, or None (images, .rhs...)."""
    if real == "pdf":
        return pdf_pages
    if real == "zip" and ext in ("docx", "dotx"):
        return docx_pages
    if real == "zip" and ext in ("xlsx", "xltx"):
        return xlsx_pages
    return None


def _expand(
    base: InspectedFile, data: bytes, limits: ArchiveLimits, depth: int, budget: ExpansionBudget
) -> list[InspectedFile]:
    if depth >= limits.max_depth:
        return [replace(base, problem_code="archive_limit", problem="archives nested too deeply")]
    try:
        members = (
            tnef_members(data, limits)
            if base.real_type == "tnef"
            else zip_members(data, limits, budget)
        )
    except ArchiveError as exc:
        return [replace(base, problem_code=exc.code, problem=str(exc))]
    found = [base]
    for member in members:
        found.extend(_member(base, member, limits, depth, budget))
    return found


def _member(
    archive: InspectedFile,
    member: Member,
    limits: ArchiveLimits,
    depth: int,
    budget: ExpansionBudget,
) -> list[InspectedFile]:
    name = f"{archive.filename}/{member.path}"
    if member.problem:
        return [
            InspectedFile(
                filename=name,
                content_type="",
                size=0,
                sha256="",
                real_type="unknown",
                problem=member.problem,
                problem_code=member.problem_code,
                container=archive.filename,
            )
        ]
    return inspect_file(
        name, member.data, limits, container=archive.filename, depth=depth + 1, budget=budget
    )
