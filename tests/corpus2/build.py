"""Building blocks for the second labelled corpus: files, MIME parts and mail clients.

Only the standard library, openpyxl and python-docx are used, so that the corpus can be
regenerated in the project's own environment. Every random value comes from `rng(...)`
(seeded) and every date is given, so the output is the same on each run.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
import quopri
import random
import re
import struct
import textwrap
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime, formataddr
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

SEED = 20260302
WIB = dt.timezone(dt.timedelta(hours=7))
UTC = dt.UTC
HELPDESK = "lpse@karawangkab.go.id"
MX = "mail.karawangkab.go.id"


def rng(*key: object) -> random.Random:
    """A private, repeatable random generator for one purpose."""
    return random.Random(":".join([str(SEED), *(str(part) for part in key)]))


def when(month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    """A fixed moment of 2026 in Western Indonesia Time."""
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=WIB)


def text(block: str) -> str:
    """Dedented text; a line ending in a backslash continues on the next source line."""
    body = textwrap.dedent(block).strip("\n")
    return re.sub(r"[ \t]*\\\n[ \t]*", " ", body)


BULAN = (
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tgl(moment: dt.datetime) -> str:
    """`23 Februari 2026`"""
    return f"{moment.day} {BULAN[moment.month]} {moment.year}"


# ---------------------------------------------------------------------------------------
# Documents as blocks, rendered to PDF, DOCX or XLSX
# ---------------------------------------------------------------------------------------
# ("title", s) ("center", s) ("p", s) ("kv", [(label, value)]) ("lines", [s])
# ("sign", [s]) ("table", header, rows) ("space",) ("page",)
Block = tuple[Any, ...]


def _latin(value: str) -> str:
    table = {"\u2013": "-", "\u2014": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    return "".join(table.get(ch, ch) for ch in value).encode("latin-1", "replace").decode("latin-1")


def _pdf_escape(value: str) -> str:
    return _latin(value).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(value: str, width: int) -> list[str]:
    return textwrap.wrap(value, width) or [""]


@dataclass
class _PdfPage:
    ops: list[str] = field(default_factory=list)
    y: float = 800.0

    def text(self, x: float, line: str, size: float = 11, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        self.ops.append(
            f"BT /{font} {size:g} Tf {x:.1f} {self.y:.1f} Td ({_pdf_escape(line)}) Tj ET"
        )

    def down(self, amount: float) -> None:
        self.y -= amount


def _centre_x(line: str, size: float) -> float:
    return max(50.0, 297.5 - len(line) * size * 0.26)


def _render_block(page: _PdfPage, block: Block) -> None:
    kind = block[0]
    if kind in ("title", "center"):
        size = 12 if kind == "title" else 11
        for line in _wrap(block[1], 80):
            page.text(_centre_x(line, size), line, size, bold=kind == "title")
            page.down(15)
    elif kind == "p":
        for line in _wrap(block[1], 92):
            page.text(60, line, 10.5)
            page.down(14)
        page.down(4)
    elif kind == "kv":
        for label, value in block[1]:
            lines = _wrap(str(value), 62)
            page.text(60, label, 10.5)
            page.text(215, ":", 10.5)
            for line in lines:
                page.text(225, line, 10.5)
                page.down(14)
        page.down(4)
    elif kind in ("lines", "sign"):
        x = 330 if kind == "sign" else 60
        for line in block[1]:
            page.text(x, line, 10.5)
            page.down(14)
    elif kind == "table":
        _render_table(page, block[1], block[2])
    elif kind == "space":
        page.down(12)


def _render_table(page: _PdfPage, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [30, 190, 130, 110][: len(header)]
    for row_number, row in enumerate([header, *rows]):
        x = 60.0
        for cell, width in zip(row, widths, strict=False):
            page.text(x + 3, str(cell), 10, bold=row_number == 0)
            x += width
        page.down(18)


def _pdf_pages(pages: Sequence[Sequence[Block]]) -> list[_PdfPage]:
    rendered = []
    for blocks in pages:
        page = _PdfPage()
        for block in blocks:
            _render_block(page, block)
        rendered.append(page)
    return rendered


def _pdf_date(moment: dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+07'00'")


def _scan_image(key: str, width: int = 124, height: int = 175) -> bytes:
    """A grey 'scan': paper noise with darker bands where lines of text are."""
    random_bytes = rng(key, "scan")
    rows = bytearray()
    for y in range(height):
        ink = 8 <= y % 11 <= 9 and 12 < y < height - 10
        for x in range(width):
            base = 236 + random_bytes.randint(-6, 6)
            if ink and 10 < x < width - 12 and random_bytes.random() < 0.55:
                base = 70 + random_bytes.randint(0, 60)
            rows.append(max(0, min(255, base)))
    return bytes(rows)


def pdf_bytes(
    pages: Sequence[Sequence[Block]],
    *,
    title: str,
    moment: dt.datetime,
    producer: str = "Microsoft\u00ae Word 2019",
    creator: str = "Microsoft\u00ae Word 2019",
    scanned: str | None = None,
) -> bytes:
    """A PDF with a text layer. `scanned` (a key) puts a page image under an invisible
    text layer, as scanner OCR does."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    pages_id = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for number, page in enumerate(_pdf_pages(pages)):
        ops = page.ops
        resources = f"/Font << /F1 {regular} 0 R /F2 {bold} 0 R >>"
        if scanned:
            raw = zlib.compress(_scan_image(f"{scanned}-{number}"), 9)
            image = add(
                b"<< /Type /XObject /Subtype /Image /Width 124 /Height 175 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
                % len(raw)
                + raw
                + b"\nendstream"
            )
            resources += f" /XObject << /Im{number} {image} 0 R >>"
            ops = [f"q 595 0 0 842 0 0 cm /Im{number} Do Q", "3 Tr"] + ops
        stream = zlib.compress("\n".join(ops).encode("latin-1"), 6)
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595.32 841.92] "
                f"/Resources << {resources} >> /Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R /Lang (id-ID) >>".encode()
    objects[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    info = add(
        f"<< /Title ({_pdf_escape(title)}) /Producer ({_pdf_escape(producer)}) "
        f"/Creator ({_pdf_escape(creator)}) /CreationDate ({_pdf_date(moment)}) "
        f"/ModDate ({_pdf_date(moment)}) >>".encode("latin-1")
    )
    file_id = hashlib.md5(f"{title}{moment.isoformat()}".encode()).hexdigest().upper()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R "
        f"/ID [<{file_id}> <{file_id}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_ooxml(
    data: bytes,
    moment: dt.datetime,
    extra: dict[str, bytes] | None = None,
    replace: dict[str, Callable[[bytes], bytes]] | None = None,
) -> bytes:
    """Fixed zip timestamps and core-property dates; optional extra or edited members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = moment.timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        items = [(info.filename, source.read(info.filename)) for info in source.infolist()]
        items += list((extra or {}).items())
        for name, content in items:
            if name == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    lambda m: m.group(1) + _iso(moment).encode(),
                    content,
                )
            if replace and name in replace:
                content = replace[name](content)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()


def _docx_table(document: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, value in zip(grid.rows[0].cells, header, strict=True):
        cell.text = value
    for row in rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = value


def _docx_block(document: Any, block: Block) -> None:
    kind = block[0]
    if kind in ("title", "center"):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block[1])
        run.bold = kind == "title"
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif kind == "p":
        document.add_paragraph(block[1]).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    elif kind == "kv":
        grid = document.add_table(rows=0, cols=3)
        for label, value in block[1]:
            cells = grid.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = label, ":", str(value)
    elif kind in ("lines", "sign"):
        for line in block[1]:
            paragraph = document.add_paragraph(line)
            if kind == "sign":
                paragraph.paragraph_format.left_indent = Pt(250)
    elif kind == "table":
        _docx_table(document, block[1], block[2])
    elif kind in ("space", "page"):
        document.add_paragraph()


def docx_bytes(
    blocks: Sequence[Block], *, author: str, moment: dt.datetime, macro_key: str | None = None
) -> bytes:
    """A DOCX; `macro_key` makes it a .docm with a (placeholder) vbaProject.bin part."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Bookman Old Style"
    document.styles["Normal"].font.size = Pt(11)
    for block in blocks:
        _docx_block(document, block)
    props = document.core_properties
    props.author = props.last_modified_by = author
    props.revision = 3
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    props.created = props.modified = naive
    buffer = io.BytesIO()
    document.save(buffer)
    if macro_key is None:
        return normalise_ooxml(buffer.getvalue(), moment)
    vba = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + rng(macro_key, "vba").randbytes(4096)

    def content_types(content: bytes) -> bytes:
        content = content.replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        ).replace(
            b"application/vnd.openxmlformats-officedocument.ms-word", b"application/vnd.ms-word"
        )
        return content.replace(
            b'<Default Extension="xml"',
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            b'<Default Extension="xml"',
            1,
        )

    def relations(content: bytes) -> bytes:
        return content.replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/'
            b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
        )

    return normalise_ooxml(
        buffer.getvalue(),
        moment,
        extra={"word/vbaProject.bin": vba},
        replace={"[Content_Types].xml": content_types, "word/_rels/document.xml.rels": relations},
    )


def xlsx_bytes(
    rows: Sequence[Sequence[object]], *, creator: str, moment: dt.datetime, sheet: str = "Sheet1"
) -> bytes:
    """A workbook whose first sheet holds `rows` (the first row bold, as a title)."""
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet.column_dimensions["A"].width = 32
    worksheet.column_dimensions["B"].width = 70
    book.properties.creator = book.properties.lastModifiedBy = creator
    book.properties.created = book.properties.modified = moment.astimezone(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise_ooxml(buffer.getvalue(), moment)


# ---------------------------------------------------------------------------------------
# Archives and other files
# ---------------------------------------------------------------------------------------
def _crc_table() -> list[int]:
    table = []
    for number in range(256):
        value = number
        for _ in range(8):
            value = (value >> 1) ^ 0xEDB88320 if value & 1 else value >> 1
        table.append(value)
    return table


_CRC = _crc_table()


class _ZipCrypto:
    """The traditional PKWARE stream cipher ("ZipCrypto"), encryption side."""

    def __init__(self, password: bytes) -> None:
        self.keys = [0x12345678, 0x23456789, 0x34567890]
        for byte in password:
            self._update(byte)

    def _crc(self, value: int, byte: int) -> int:
        return (value >> 8) ^ _CRC[(value ^ byte) & 0xFF]

    def _update(self, byte: int) -> None:
        self.keys[0] = self._crc(self.keys[0], byte)
        self.keys[1] = (self.keys[1] + (self.keys[0] & 0xFF)) & 0xFFFFFFFF
        self.keys[1] = (self.keys[1] * 134775813 + 1) & 0xFFFFFFFF
        self.keys[2] = self._crc(self.keys[2], self.keys[1] >> 24)

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            temp = (self.keys[2] | 2) & 0xFFFF
            out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            self._update(byte)
        return bytes(out)


def zip_bytes(
    members: Sequence[tuple[str, bytes]],
    moment: dt.datetime,
    encrypted: dict[str, str] | None = None,
) -> bytes:
    """A zip archive; members named in `encrypted` get ZipCrypto with that password."""
    encrypted = encrypted or {}
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    if not encrypted:
        return plain.getvalue()
    return _encrypt_members(plain.getvalue(), encrypted, moment)


def _encrypt_members(data: bytes, encrypted: dict[str, str], moment: dt.datetime) -> bytes:
    """Rewrite a stored zip by hand, encrypting the chosen members (local + central dir)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = bytearray()
    central = bytearray()
    dos_time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    dos_date = ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day
    for info in source.infolist():
        raw = source.read(info.filename)
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(raw) + compressor.flush()
        flags = 0
        if info.filename in encrypted:
            flags = 1
            cipher = _ZipCrypto(encrypted[info.filename].encode())
            header = rng(info.filename, "zipcrypto").randbytes(11) + bytes(
                [(info.CRC >> 24) & 0xFF]
            )
            packed = cipher.encrypt(header + packed)
        name = info.filename.encode("utf-8")
        offset = len(out)
        fixed = struct.pack(
            "<HHHHHIIIHH",
            20,
            flags | 0x800,
            8,
            dos_time,
            dos_date,
            info.CRC,
            len(packed),
            len(raw),
            len(name),
            0,
        )
        out += b"PK\x03\x04" + fixed + name + packed
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 0x031E)
            + fixed
            + struct.pack("<HHHII", 0, 0, 0, 0o644 << 16, offset)
            + name
        )
    start = len(out)
    count = len(source.infolist())
    out += (
        central
        + b"PK\x05\x06"
        + struct.pack("<HHHHIIH", 0, 0, count, count, len(central), start, 0)
    )
    return bytes(out)


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    checksum = struct.pack("<H", sum(data) & 0xFFFF)
    return struct.pack("<BII", level, attribute, len(data)) + data + checksum


def _mapi_string(prop: int, value: str) -> bytes:
    raw = value.encode("cp1252") + b"\x00"
    raw += b"\x00" * (-len(raw) % 4)
    return struct.pack("<HHII", 0x001E, prop, 1, len(value) + 1) + raw


def tnef_bytes(files: Sequence[tuple[str, str, bytes]], moment: dt.datetime, key: str) -> bytes:
    """An Outlook winmail.dat: (short 8.3 title, long file name, bytes) per attachment."""
    stamp = struct.pack(
        "<7H",
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.isoweekday() % 7,
    )
    out = struct.pack("<IH", 0x223E9F78, rng(key, "tnef").randint(1, 0xFFFF))
    out += _tnef_attribute(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += _tnef_attribute(1, 0x00069007, struct.pack("<II", 1252, 0))  # attOemCodepage
    out += _tnef_attribute(1, 0x00078008, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    out += _tnef_attribute(1, 0x00038005, stamp)  # attDateSent
    for short, long_name, data in files:
        out += _tnef_attribute(2, 0x00069002, struct.pack("<HIIIII", 1, 0xFFFFFFFF, 0, 0, 0, 0))
        out += _tnef_attribute(2, 0x00018010, short.encode("cp1252") + b"\x00")  # attAttachTitle
        out += _tnef_attribute(2, 0x00038013, stamp)  # attAttachModifyDate
        out += _tnef_attribute(2, 0x0006800F, data)  # attAttachData
        props = struct.pack("<I", 2) + _mapi_string(0x3707, long_name)
        props += _mapi_string(0x3703, "." + long_name.rsplit(".", 1)[-1])
        out += _tnef_attribute(2, 0x00069005, props)  # attAttachment (MAPI properties)
    return out


def png_bytes(key: str, width: int = 64, height: int = 40) -> bytes:
    """A small RGB PNG (a screenshot thumbnail or a logo)."""
    random_bytes = rng(key, "png")
    raw = bytearray()
    for _ in range(height):
        raw.append(0)
        for _ in range(width):
            shade = random_bytes.randint(200, 250)
            raw += bytes((shade, shade, min(255, shade + 5)))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


# A 1x1 baseline JPEG with a JFIF and an Exif-like APP1 segment, then camera-like filler
# (a phone photo's bytes stand in: only the first bytes matter to a file-type check).
_JPEG_HEAD = bytes.fromhex(
    "ffd8ffe000104a46494600010101004800480000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e33"
    "3432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405"
    "060708090a0bffda0008010100003f00d2cf20ffd9"
)


def jpeg_bytes(key: str, size: int = 48_000) -> bytes:
    """A JPEG-signed photo: a valid tiny image followed by camera filler bytes."""
    return _JPEG_HEAD + rng(key, "jpeg").randbytes(size)


def pe_bytes(key: str, size: int = 36_864) -> bytes:
    """A Windows program's first bytes (MZ, PE header), then int3 filler."""
    head = bytearray(0x200)
    head[0:2] = b"MZ"
    head[0x3C:0x40] = struct.pack("<I", 0x80)
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    head[0x4E : 0x4E + len(stub)] = stub
    head[0x80:0x84] = b"PE\x00\x00"
    head[0x84:0x86] = struct.pack("<H", 0x8664)
    filler = bytearray(b"\xcc" * size)
    filler[:32] = rng(key, "pe").randbytes(32)
    return bytes(head) + bytes(filler)


def rhs_bytes(key: str, size: int) -> bytes:
    """An encrypted bid file: random bytes."""
    return rng(key, "rhs").randbytes(size)


# ---------------------------------------------------------------------------------------
# MIME
# ---------------------------------------------------------------------------------------
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docm": "application/vnd.ms-word.document.macroEnabled.12",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
    "rhs": "application/octet-stream",
    "dat": "application/ms-tnef",
}


@dataclass
class Part:
    """A MIME part ready to render: header lines, an encoded body or child parts."""

    headers: list[str]
    body: bytes = b""
    parts: list[Part] | None = None
    boundary: str = ""
    preamble: str | None = None

    def render(self) -> bytes:
        out = b"".join(line.encode("ascii") + b"\n" for line in self.headers) + b"\n"
        if self.parts is None:
            return out + (
                self.body if self.body.endswith(b"\n") or not self.body else self.body + b"\n"
            )
        if self.preamble:
            out += self.preamble.encode() + b"\n\n"
        for index, part in enumerate(self.parts):
            out += (b"\n" if index else b"") + b"--" + self.boundary.encode() + b"\n"
            out += part.render().rstrip(b"\n") + b"\n"
        return out + b"\n--" + self.boundary.encode() + b"--\n"


def b64(data: bytes, width: int = 76) -> bytes:
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i : i + width] for i in range(0, len(encoded), width)).encode()


def needs_encoding(value: str) -> bool:
    return any(ord(ch) > 126 for ch in value)


def encoded_words(value: str, style: str = "B", charset: str = "UTF-8") -> list[str]:
    """RFC 2047 words (B or Q), never splitting a character."""
    words, current = [], ""
    prefix = f"=?{charset}?{style}?"

    def encode(chunk: str) -> str:
        raw = chunk.encode(charset)
        if style == "B":
            return base64.b64encode(raw).decode()
        return "".join(
            ch
            if re.match(r"[A-Za-z0-9!*+\-/]", ch)
            else "_"
            if ch == " "
            else "".join(f"={b:02X}" for b in ch.encode(charset))
            for ch in chunk
        )

    for ch in value:
        if len(prefix) + len(encode(current + ch)) + 2 > 75:
            words.append(current)
            current = ch
        else:
            current += ch
    words.append(current)
    return [f"{prefix}{encode(word)}?=" for word in words]


def fold(name: str, value: str, width: int = 78) -> str:
    words = value.split(" ")
    lines, line = [], f"{name}: {words[0]}"
    for word in words[1:]:
        if len(line) + 1 + len(word) > width and line.strip():
            lines.append(line)
            line = " " + word
        else:
            line += " " + word
    lines.append(line)
    return "\n".join(lines)


def header(name: str, value: str, style: str = "B", charset: str = "UTF-8") -> str:
    if not needs_encoding(value):
        return fold(name, value)
    return f"{name}: " + "\n ".join(encoded_words(value, style, charset))


def address(name: str, mailbox: str) -> str:
    if not name:
        return mailbox
    if needs_encoding(name):
        return f"{encoded_words(name)[0]} <{mailbox}>"
    return formataddr((name, mailbox))


def text_part(
    body: str,
    subtype: str = "plain",
    charset: str = "UTF-8",
    cte: str | None = None,
    params: str = "",
    quote_charset: bool = False,
) -> Part:
    raw = body.encode(charset)
    if cte is None:
        simple = all(b < 128 for b in raw) and all(len(x) <= 76 for x in raw.split(b"\n"))
        cte = "7bit" if simple else "quoted-printable"
    encoded = {
        "quoted-printable": lambda: quopri.encodestring(raw, quotetabs=False),
        "base64": lambda: b64(raw),
    }.get(cte, lambda: raw)()
    shown = f'"{charset}"' if quote_charset else charset
    return Part(
        [
            f"Content-Type: text/{subtype}; charset={shown}{params}",
            f"Content-Transfer-Encoding: {cte}",
        ],
        encoded,
    )


def esc(value: str) -> str:
    return html.escape(value, quote=False)


def flow(body: str, width: int = 72) -> str:
    """format=flowed: soft breaks end in a space."""
    out = []
    for line in body.split("\n"):
        if line.startswith(("From ", " ", ">")) and not line.startswith(">"):
            line = " " + line
        while len(line) > width and not line.startswith(">"):
            cut = line.rfind(" ", 0, width)
            if cut <= 0:
                break
            out.append(line[: cut + 1])
            line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)


@dataclass
class File:
    """One attachment as the sender's client declares it."""

    name: str
    data: bytes
    ctype: str | None = None

    @property
    def content_type(self) -> str:
        return self.ctype or CONTENT_TYPES.get(
            self.name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
        )


def hexs(random_bytes: random.Random, count: int, upper: bool = False) -> str:
    value = "".join(random_bytes.choice("0123456789abcdef") for _ in range(count))
    return value.upper() if upper else value


def alnum(random_bytes: random.Random, count: int) -> str:
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(random_bytes.choice(chars) for _ in range(count))


def queue_id(random_bytes: random.Random) -> str:
    return hexs(random_bytes, random_bytes.choice((10, 11)), upper=True)


def date_header(moment: dt.datetime, suffix: str = "") -> str:
    return format_datetime(moment) + suffix


def lmtp(moment: dt.datetime) -> str:
    return (
        f"Received: from {MX} (LHLO {MX}) (10.20.1.11)\n by {MX} with LMTP;"
        f" {date_header(moment, ' (WIB)')}"
    )


def uuid(random_bytes: random.Random, upper: bool = True) -> str:
    parts = [hexs(random_bytes, n, upper) for n in (8, 4, 4, 4, 12)]
    return "-".join(parts)
