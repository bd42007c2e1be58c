"""Build test attachments in memory: PDFs with a text layer, DOCX, XLSX, zips, fakes."""

from __future__ import annotations

import base64
import io
import struct
import zipfile

import docx
import openpyxl
from pypdf import PdfReader, PdfWriter


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(*pages: str) -> bytes:
    """A small valid PDF, one page per argument, each line of text drawn with Helvetica."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * index for index in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{number} 0 R" for number in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for index, text in enumerate(pages):
        lines = [f"({_escape(line)}) Tj 0 -14 Td" for line in text.splitlines()]
        stream = ("BT /F1 11 Tf 50 780 Td " + " ".join(lines) + " ET").encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {page_ids[index] + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def encrypted_pdf(text: str, *, user_password: str = "rahasia") -> bytes:
    """A PDF that needs `user_password` to open (empty string: opens without a prompt)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(text))))
    writer.encrypt(user_password=user_password, owner_password="pemilik", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_file(*paragraphs: str, table: list[tuple[str, str]] | None = None) -> bytes:
    """A DOCX with paragraphs and, optionally, a two-column table after them."""
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=0, cols=2)
        for label, value in table:
            cells = grid.add_row().cells
            cells[0].text, cells[1].text = label, value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[tuple[object, ...]]) -> bytes:
    """An XLSX whose first sheet holds `rows`."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(zip_bytes: bytes, name: str, data: bytes) -> bytes:
    """A copy of a zip (or OOXML file) with one more member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()


def zip_file(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of `members` (path -> bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def encrypted_ooxml() -> bytes:
    """A password-protected .docx/.xlsx as Office writes it: OLE with EncryptionInfo."""
    return OLE_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 1024


def windows_exe() -> bytes:
    """The first bytes of a Windows program."""
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\xcc" * 2048


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    checksum = struct.pack("<H", sum(data) & 0xFFFF)
    return struct.pack("<BII", level, attribute, len(data)) + data + checksum


def winmail_dat(name: str, data: bytes) -> bytes:
    """An Outlook TNEF (winmail.dat) carrying one attached file."""
    return (
        struct.pack("<IH", 0x223E9F78, 1)
        + _tnef_attribute(2, 0x00069002, b"\x00" * 14)  # attAttachRendData opens an attachment
        + _tnef_attribute(2, 0x00018010, name.encode("latin-1") + b"\x00")  # attAttachTitle
        + _tnef_attribute(2, 0x0006800F, data)  # attAttachData
    )


# Hostile files (issue 5, item 4).


def pdf_with_action(action: str) -> bytes:
    """A one-page PDF whose catalog runs `action` when opened: "/S /Launch /F (cmd.exe)"."""
    plain = pdf("FORMULIR")
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    return plain.replace(catalog, catalog[:-2] + b"/OpenAction << " + action.encode() + b" >> >>")


def overlapping_zip() -> bytes:
    """Two members whose central entries point at one local header (CVE-2024-0450)."""
    data = bytearray(zip_file({"a.pdf": b"A" * 1000, "b.pdf": b"B" * 1000}))
    first_central = data.find(b"PK\x01\x02")
    second_central = data.find(b"PK\x01\x02", first_central + 4)
    data[second_central + 42 : second_central + 46] = struct.pack("<I", 10)  # inside member one
    return bytes(data)


def nested_zip_bomb(levels: int = 4, width: int = 8) -> bytes:
    """Zips of zips of zeros: small on the wire, gigabytes if every level were unpacked."""
    inner = zip_file({"nol.pdf": b"\x00" * (8 * 1024 * 1024)})
    for level in range(levels):
        inner = zip_file({f"l{level}_{index}.zip": inner for index in range(width)})
    return inner


def xlsx_with_sheet_xml(sheet_xml: bytes) -> bytes:
    """A valid XLSX whose first sheet's XML is replaced by `sheet_xml`."""
    source = xlsx_file([("A",)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as book, zipfile.ZipFile(buffer, "w") as target:
        for item in book.infolist():
            body = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else book.read(item)
            target.writestr(item.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def billion_laughs_xlsx() -> bytes:
    """An XLSX whose sheet declares nested entities that expand to gigabytes."""
    entities = b'<!ENTITY l0 "ha">' + b"".join(
        b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    return xlsx_with_sheet_xml(
        b'<?xml version="1.0"?><!DOCTYPE worksheet ['
        + entities
        + b"]><worksheet "
        + _SHEET_NS
        + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )


def xlsx_xml_bomb(megabytes: int = 20) -> bytes:
    """An XLSX whose sheet XML unpacks to `megabytes` MB (a few hundred KB on the wire)."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = row * (megabytes * 1024 * 1024 // len(row))
    return xlsx_with_sheet_xml(
        b"<worksheet " + _SHEET_NS + b"><sheetData>" + body + b"</sheetData></worksheet>"
    )


def xlsx_lying_dimension(rows: int) -> bytes:
    """An XLSX that declares one cell (A1:A1) but holds `rows` rows."""
    cells = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>baris %d</t></is></c></row>' % (n, n, n)
        for n in range(1, rows + 1)
    )
    return xlsx_with_sheet_xml(
        b"<worksheet "
        + _SHEET_NS
        + b'><dimension ref="A1:A1"/><sheetData>'
        + cells
        + b"</sheetData></worksheet>"
    )


def billion_laughs_docx() -> bytes:
    """A DOCX whose document.xml declares nested entities."""
    source = docx_file("SURAT")
    entities = b'<!ENTITY l0 "ha">' + b"".join(
        b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    document = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [' + entities + b"]>"
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as book, zipfile.ZipFile(buffer, "w") as target:
        for item in book.infolist():
            body = document if item.filename == "word/document.xml" else book.read(item)
            target.writestr(item.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# Hostile messages (issue 5, item 4).

MAIL_HEAD = (
    b"From: Budi <budi@karawangkab.go.id>\r\nTo: helpdesk@lpse.karawangkab.go.id\r\n"
    b"Subject: Permohonan uji forensik\r\nMessage-ID: <hostile@karawangkab.go.id>\r\n"
    b"Date: Mon, 2 Mar 2026 09:15:00 +0700\r\nMIME-Version: 1.0\r\n"
)


def mail(content_type: bytes, body: bytes, *, extra_headers: bytes = b"") -> bytes:
    """One message with the usual headers, `content_type` and `body`."""
    return MAIL_HEAD + extra_headers + b"Content-Type: " + content_type + b"\r\n\r\n" + body


def mail_with_attachment(filename: str, data: bytes, *, raw_name: bytes | None = None) -> bytes:
    """A request with one base64 attachment named `filename` (or the raw header `raw_name`)."""
    name = raw_name if raw_name is not None else filename.encode("utf-8")
    return mail(
        b'multipart/mixed; boundary="b1"',
        b"--b1\r\nContent-Type: text/plain\r\n\r\nMohon diperiksa.\r\n"
        b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        b'filename="'
        + name
        + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.encodebytes(data)
        + b"--b1--\r\n",
    )


def nested_multipart(depth: int) -> bytes:
    """Multiparts nested `depth` deep, a text part at the bottom."""
    body = b""
    for level in range(1, depth):
        body += b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (
            level - 1,
            level,
        )
    body += b"--b%d\r\nContent-Type: text/plain\r\n\r\nhalo\r\n" % (depth - 1)
    body += b"".join(b"--b%d--\r\n" % level for level in reversed(range(depth)))
    return mail(b'multipart/mixed; boundary="b0"', body)


def many_parts(count: int) -> bytes:
    """One multipart with `count` small text parts."""
    part = b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    return mail(b'multipart/mixed; boundary="b"', part * count + b"--b--\r\n")


def nested_messages(depth: int) -> bytes:
    """message/rfc822 inside message/rfc822, `depth` times."""
    inner = b"From: x@example.org\r\nSubject: s\r\n\r\nisi\r\n"
    for _ in range(depth):
        inner = b"From: x@example.org\r\nContent-Type: message/rfc822\r\n\r\n" + inner
    return mail(b"message/rfc822", inner)
