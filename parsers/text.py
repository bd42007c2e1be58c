"""Plain text out of the files and HTML that mail carries: PDF, DOCX, XLSX and HTML bodies.

Every reader returns a list of "pages" (one string per PDF page, one for a DOCX, one per
XLSX sheet) and raises `UnreadableFileError` when the file does not open.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import sys
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from html.parser import HTMLParser
from typing import Any

from parsers.limits import DEFAULT_LIMITS

# Caps keep one message well under a few tens of milliseconds; the titles we look for
# are always near the top of a page, and forms are short.
MAX_PDF_PAGES = 12
MAX_PAGE_CHARS = 6000
MAX_XLSX_ROWS = 400
MAX_XLSX_COLUMNS = 30


class UnreadableFileError(ValueError):
    """A PDF, DOCX or XLSX that its library cannot open (corrupt, truncated)."""


class XmlNotDefusedError(RuntimeError):
    """openpyxl would parse spreadsheets with an XML parser that expands entities."""


def assert_defused_xml() -> None:
    """Raise XmlNotDefusedError unless openpyxl reads XML through defusedxml.

    openpyxl picks defusedxml at its import when the package is installed and
    OPENPYXL_DEFUSEDXML is not "False"; checked without importing openpyxl (slow) until
    something else has, then on openpyxl's own flag and parser.
    """
    fix = "Install it (pip install -e .) and unset OPENPYXL_DEFUSEDXML."
    if importlib.util.find_spec("defusedxml") is None:
        raise XmlNotDefusedError(f"defusedxml is not installed: XLSX bombs would be parsed. {fix}")
    if os.environ.get("OPENPYXL_DEFUSEDXML", "True") != "True":
        raise XmlNotDefusedError(f"OPENPYXL_DEFUSEDXML turns defusedxml off. {fix}")
    functions = sys.modules.get("openpyxl.xml.functions")
    if functions is not None and not functions.iterparse.__module__.startswith("defusedxml"):
        raise XmlNotDefusedError(f"openpyxl was imported without defusedxml. {fix}")


class EncryptedFileError(UnreadableFileError):
    """A file that opens only with a password we do not have."""


def pdf_pages(data: bytes) -> list[str]:
    """Text of the first pages of a PDF: `["FORMULIR PERMINTAAN ...", "BERITA ACARA ..."]`."""
    from pypdf import PdfReader  # imported here: pypdf is slow to import and rarely needed
    from pypdf.errors import DependencyError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            # An owner-password-only PDF opens without a prompt: only a user password bars it.
            if reader.is_encrypted and not reader.decrypt(""):
                raise EncryptedFileError("the PDF is password-protected")
            pages = []
            for page in reader.pages[:MAX_PDF_PAGES]:
                pages.append((page.extract_text() or "")[:MAX_PAGE_CHARS])
    except UnreadableFileError:
        raise
    except DependencyError as exc:  # AES without the `cryptography` package installed
        raise EncryptedFileError("the PDF is encrypted with AES") from exc
    except Exception as exc:  # pypdf raises many unrelated types on broken files
        raise UnreadableFileError(f"the PDF does not open ({type(exc).__name__})") from exc
    return pages


def docx_pages(data: bytes) -> list[str]:
    """Paragraphs and table rows of a DOCX in document order, as one page."""
    import docx  # python-docx
    from docx.table import Table

    limit = MAX_PAGE_CHARS * 4
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        size = 0
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                rows = [
                    "\t".join(_unique_cells(cell.text for cell in row.cells)) for row in block.rows
                ]
            else:
                rows = [block.text]
            lines.extend(rows)
            size += sum(len(row) + 1 for row in rows)
            if size > limit:
                break  # the titles we look for are near the top
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, lxml errors...
        raise UnreadableFileError(f"the DOCX does not open ({type(exc).__name__})") from exc
    return ["\n".join(lines)[:limit]]


def _unique_cells(texts: Iterable[str]) -> list[str]:
    """Cell texts of one row without the repeats that merged cells produce."""
    seen: list[str] = []
    for text in texts:
        if not seen or seen[-1] != text:
            seen.append(text)
    return seen


def xlsx_pages(data: bytes) -> list[str]:
    """Every non-empty cell of every sheet, one row a line, cells split by tabs."""
    import openpyxl

    assert_defused_xml()  # openpyxl is imported now: check the parser it actually chose
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = book.worksheets[: DEFAULT_LIMITS.max_sheets]
                pages = [_sheet_text(sheet) for sheet in sheets]
            finally:
                book.close()
    except Exception as exc:  # lxml and openpyxl internals raise their own types
        raise UnreadableFileError(f"the XLSX does not open ({type(exc).__name__})") from exc
    return pages


def _sheet_text(sheet: Any) -> str:
    # Explicit bounds: the sheet's declared <dimension> can lie, in either direction.
    rows = sheet.iter_rows(max_row=MAX_XLSX_ROWS, max_col=MAX_XLSX_COLUMNS, values_only=True)
    lines = []
    size = 0
    for row in rows:
        cells = [cell_text(value)[:MAX_PAGE_CHARS] for value in row if value is not None]
        line = "\t".join(cell for cell in cells if cell)
        if line:
            lines.append(line)
            size += len(line) + 1
        if size > DEFAULT_LIMITS.max_text_chars:
            break
    return "\n".join(lines)[: DEFAULT_LIMITS.max_text_chars]


def cell_text(value: object) -> str:
    """One spreadsheet value as text; whole floats lose their `.0` (codes are numbers)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else value.date().isoformat()
        )
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


_BLOCK_TAGS = frozenset(
    "p div br tr li ul ol table h1 h2 h3 h4 h5 h6 blockquote pre hr section article"
    " header footer address dt dd".split()
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template"})


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: block elements become lines, scripts/styles vanish."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this only guards pathological input
        return re.sub(r"<[^>]*>", " ", html)
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def has_words(page: str) -> bool:
    """A page with a text layer worth reading: a scan's page has none, or a few specks."""
    return sum(ch.isalpha() for ch in page) >= 20


def pdf_page_images(data: bytes, pages: Sequence[int]) -> dict[int, bytes]:
    """The largest embedded image of each page in `pages` (a scanner stores each page as
    one image), as encoded image bytes; pages without one are left out."""
    if not pages:
        return {}
    from pypdf import PdfReader

    found: dict[int, bytes] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            for index in pages:
                if index >= len(reader.pages):
                    continue
                images = [image.data for image in reader.pages[index].images]
                if images:
                    found[index] = max(images, key=len)
    except Exception:  # pypdf raises many types on odd image streams: that page stays unread
        return found
    return found


def docx_images(data: bytes, limit: int = 8) -> list[bytes]:
    """The pictures of a DOCX (word/media), largest first: a scan pasted into Word."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        media = [i for i in archive.infolist() if i.filename.startswith("word/media/")]
        media.sort(key=lambda info: info.file_size, reverse=True)
        return [archive.read(info) for info in media[:limit] if info.file_size < 50_000_000]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []
