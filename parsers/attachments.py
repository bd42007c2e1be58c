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
from parsers.ocr import Ocr, OcrBudget
from parsers.pdf_safety import pdf_active_content
from parsers.text import (
    EncryptedFileError,
    UnreadableFileError,
    docx_images,
    docx_pages,
    has_words,
    pdf_page_images,
    pdf_pages,
    xlsx_pages,
)
from parsers.types import Attachment


@dataclass(frozen=True)
class InspectedFile:
    """One attached file (or archive member) after inspection."""

    filename: str
    content_type: str
    size: int
    sha256: str
    real_type: str  # what the bytes are, see filetypes.sniff()
    pages: tuple[str, ...] = ()  # text layer: PDF pages, the DOCX, XLSX sheets; or OCR's
    problem: str | None = None
    problem_code: str | None = None
    container: str | None = None  # the archive it came from
    inline: bool = False
    ocr_read: bool = False  # some of `pages` is what OCR read from images
    # Why images in it were not read: "unavailable" (no Tesseract), or the bound of
    # parsers.ocr.OcrLimits that stopped the message's OCR ("pages", "seconds").
    ocr_skipped: str | None = None
    # OCR read its images and found nothing a person could read (a blank page, a blur).
    ocr_unreadable: bool = False

    @property
    def valid(self) -> bool:
        return self.problem is None


Problem = tuple[str, str]  # (problem_code, short English reason)


def inspect_attachment(
    attachment: Attachment,
    *,
    max_bytes: int,
    budget: ExpansionBudget | None = None,
    reading: ScanReading | None = None,
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
        reading=reading,
    )


def inspect_attachments(
    attachments: Sequence[Attachment],
    *,
    max_bytes: int,
    unpack_bytes: int = ArchiveLimits.max_total_bytes,
    ocr: Ocr | None = None,
) -> list[InspectedFile]:
    """Inspect every attachment of one message; their archives share one unpack budget,
    and their scans and photos one OCR budget (`ocr`: None reads no images)."""
    budget = ExpansionBudget(unpack_bytes)
    reading = None if ocr is None else ScanReading(ocr, OcrBudget.for_message(ocr.limits))
    found: list[InspectedFile] = []
    for attachment in attachments:
        found.extend(
            inspect_attachment(attachment, max_bytes=max_bytes, budget=budget, reading=reading)
        )
    return found


@dataclass(frozen=True)
class ScanReading:
    """OCR for the images of one message, within the message's budget."""

    ocr: Ocr
    budget: OcrBudget

    def image_pages(self, images: Sequence[bytes]) -> tuple[list[str], str | None]:
        """What OCR reads of each image ("" when nothing), and why some were not read
        (see InspectedFile.ocr_skipped)."""
        if not images:
            return [], None
        if not self.ocr.available():
            return [""] * len(images), "unavailable"
        texts = [self.ocr.read(image, self.budget) for image in images]
        return texts, self.budget.cut[-1] if self.budget.cut else None


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
    reading: ScanReading | None = None,
) -> list[InspectedFile]:
    """Inspect `data` named `filename`; archives are expanded up to `limits.max_depth`;
    with `reading`, scans and photos are read by OCR."""
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
        return _expand(base, data, limits, depth, budget, reading)
    pages, problem = _read_text(extension(filename), real, data)
    if problem:
        return [replace(base, problem_code=problem[0], problem=problem[1])]
    if reading is not None:
        return [_with_scans_read(replace(base, pages=pages), extension(filename), data, reading)]
    return [replace(base, pages=pages)]


def _with_scans_read(
    item: InspectedFile, ext: str, data: bytes, reading: ScanReading
) -> InspectedFile:
    """`item` with OCR's text where it has images but (almost) no text of its own: an
    image, the pages of a PDF without a text layer, a DOCX that is only pictures."""
    if item.real_type == "image":
        texts, skipped = reading.image_pages([data])
        pages = tuple(text for text in texts if text)
        return _read(replace(item, pages=pages), texts, skipped)
    if item.real_type == "pdf":
        bare = [index for index, page in enumerate(item.pages) if not has_words(page)]
        scans = pdf_page_images(data, bare)
        texts, skipped = reading.image_pages(list(scans.values()))
        read = dict(zip(scans, texts, strict=True))
        pages = tuple(read.get(index) or page for index, page in enumerate(item.pages))
        return _read(replace(item, pages=pages), texts, skipped)
    if item.real_type == "zip" and ext in ("docx", "dotx") and not any(map(has_words, item.pages)):
        texts, skipped = reading.image_pages(docx_images(data))
        return _read(replace(item, pages=item.pages + tuple(filter(None, texts))), texts, skipped)
    return item


def _read(item: InspectedFile, texts: list[str], skipped: str | None) -> InspectedFile:
    """`item` marked with what OCR made of its images (`texts`, one per image)."""
    legible = any(map(has_words, texts))
    return replace(
        item,
        ocr_read=any(texts),
        ocr_skipped=skipped,
        ocr_unreadable=bool(texts) and skipped is None and not legible,
    )


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
    base: InspectedFile,
    data: bytes,
    limits: ArchiveLimits,
    depth: int,
    budget: ExpansionBudget,
    reading: ScanReading | None,
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
        found.extend(_member(base, member, limits, depth, budget, reading))
    return found


def _member(
    archive: InspectedFile,
    member: Member,
    limits: ArchiveLimits,
    depth: int,
    budget: ExpansionBudget,
    reading: ScanReading | None,
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
        name,
        member.data,
        limits,
        container=archive.filename,
        depth=depth + 1,
        budget=budget,
        reading=reading,
    )
