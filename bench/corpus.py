"""A deterministic mail corpus for the benchmark: the helpdesk's mix, built from a seed.

60 % small text or HTML requests, 30 % with one 100-500 KB attachment, 10 % with one of
2-5 MB, and a few of 20 MB. Attachments are real documents (PDF built with pypdf, XLSX
with openpyxl, DOCX with python-docx, and JPEG scans), made to size with incompressible
content (an embedded file in a PDF, a media part in an OOXML zip), so every parser and
inspector does its real work.
"""

from __future__ import annotations

import base64
import io
import os
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

KB, MB = 1000, 1000 * 1000
BIG_EVERY = 700  # one 20 MB message in every 700: no. 100, 800, 1500 ...


@dataclass(frozen=True)
class Request:
    """What a message asks for: its subject, its words and the name of its attachment."""

    subject: str
    body: str
    filename: str


REQUESTS = (
    Request(
        "Permohonan Uji Forensik File Penawaran Tender {kode}",
        "Dengan hormat,\n\nBersama ini kami Pokja Pemilihan mengajukan permohonan uji "
        "forensik file penawaran (RHS) untuk tender kode {kode}, karena file tidak dapat "
        "dibuka. Berita acara terlampir.\n\nTerima kasih.\n\n{name}\nPokja Pemilihan",
        "Berita Acara Pembukaan Penawaran {kode}.pdf",
    ),
    Request(
        "Permohonan Perubahan Jadwal Tender {kode}",
        "Yth. Admin LPSE,\n\nMohon bantuan perubahan jadwal tahap upload dokumen penawaran "
        "tender {kode} karena adendum dokumen pemilihan. Formulir permohonan terlampir.\n\n"
        "Hormat kami,\n{name}",
        "Formulir Permohonan Perubahan Jadwal {kode}.xlsx",
    ),
    Request(
        "Permohonan Reset Password Administrator Agency",
        "Dengan hormat,\n\nKami mohon reset password akun Administrator Agency kami. Surat "
        "permohonan dan SK pengangkatan terlampir.\n\nSalam,\n{name}",
        "Surat Permohonan Reset Password.docx",
    ),
    Request(
        "Pertanyaan pendaftaran penyedia",
        "Selamat siang,\n\nBagaimana cara mendaftar sebagai penyedia di SPSE? Terima kasih."
        "\n\n{name}",
        "scan_{kode}.jpg",
    ),
)
NAMES = ("Asep Saepudin", "Imas Rohimah", "Dedi Kurniawan", "Rina Marlina", "Ujang Sopandi")


@dataclass(frozen=True)
class CorpusMessage:
    """One generated message: its bytes and what it holds."""

    index: int
    raw: bytes
    attachment_bytes: int


def _sizes(rng: random.Random, n: int) -> list[int]:
    """The attachment size of each of `n` messages (0: none), in the issue's mix."""
    sizes = []
    for index in range(n):
        if index % BIG_EVERY == 100:
            sizes.append(20 * MB)
            continue
        draw = rng.random()
        if draw < 0.6:
            sizes.append(0)
        elif draw < 0.9:
            sizes.append(rng.randint(100 * KB, 500 * KB))
        else:
            sizes.append(rng.randint(2 * MB, 5 * MB))
    return sizes


@lru_cache(maxsize=1)
def _pdf_base() -> bytes:
    """A one-page PDF with a text layer (pypdf has no text drawing: a raw content stream)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    lines = ["BERITA ACARA PEMBUKAAN PENAWARAN", "Pokja Pemilihan Kabupaten Karawang"]
    text = " ".join(f"({line}) Tj 0 -20 Td" for line in lines)
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 14 Tf 72 780 Td {text} ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf(size: int, rng: random.Random) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_base())))
    writer.add_attachment("pindaian.bin", rng.randbytes(max(size - 2 * KB, 0)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def _xlsx_base() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows = [
        ("FORMULIR PERMOHONAN PERUBAHAN JADWAL", ""),
        ("Kode Tender", "10012345"),
        ("Nama Paket", "Pembangunan Jalan Desa Sukamulya"),
        ("Tahapan", "Upload Dokumen Penawaran"),
        ("Jadwal Semula", "12-03-2026 s.d. 19-03-2026"),
        ("Jadwal Baru", "12-03-2026 s.d. 26-03-2026"),
        ("Alasan", "Adendum dokumen pemilihan"),
    ]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def _docx_base() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("SURAT PERMOHONAN RESET PASSWORD ADMINISTRATOR AGENCY", level=1)
    document.add_paragraph("Yang bertanda tangan di bawah ini, Kepala Dinas Kesehatan,")
    document.add_paragraph("mohon reset password akun Administrator Agency atas nama kami.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _ooxml(base: bytes, size: int, rng: random.Random, media: str) -> bytes:
    """`base` with an unreferenced, stored (uncompressed) media part making it `size` long."""
    out = io.BytesIO(base)
    out.seek(0, os.SEEK_END)
    with zipfile.ZipFile(out, "a") as archive:
        padding = max(size - len(base), 0)
        archive.writestr(media, rng.randbytes(padding), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def _jpeg(size: int, rng: random.Random) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(max(size - 13, 0))


def attachment(filename: str, size: int, rng: random.Random) -> bytes:
    """Real document bytes of about `size` bytes, of the type `filename` names."""
    if filename.endswith(".pdf"):
        return _pdf(size, rng)
    if filename.endswith(".xlsx"):
        return _ooxml(_xlsx_base(), size, rng, "xl/media/image1.png")
    if filename.endswith(".docx"):
        return _ooxml(_docx_base(), size, rng, "word/media/image1.png")
    return _jpeg(size, rng)


def _content_type(filename: str) -> str:
    return {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }.get(filename.rsplit(".", 1)[-1], "image/jpeg")


def build_message(
    index: int,
    *,
    request: Request,
    size: int,
    rng: random.Random,
    sent: datetime,
    tag: str = "bench",
) -> CorpusMessage:
    """One request from a sender of its own (so no per-sender answer limit applies)."""
    name = NAMES[index % len(NAMES)]
    kode = str(10_000_000 + index)
    fill = {"kode": kode, "name": name}
    sender = f"pokja.{tag}.{index:06d}@karawangkab.go.id"
    boundary = f"=_bench_{index:06d}_{rng.getrandbits(32):08x}"
    body = request.body.format(**fill)
    html = index % 5 == 0  # a fifth of the mail comes from webmail as HTML only
    text_part = (
        "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>"
        + body.replace("\n\n", "</p><p>").replace("\n", "<br>")
        + "</p></body></html>\r\n"
        if html
        else "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n")
    )
    headers = (
        f"Date: {format_datetime(sent)}\r\n"
        f"From: {name} <{sender}>\r\n"
        "To: Helpdesk LPSE <lpse@karawangkab.go.id>\r\n"
        f"Message-ID: <{tag}.{index:06d}.{rng.getrandbits(48):012x}@karawangkab.go.id>\r\n"
        f"Subject: {request.subject.format(**fill)}\r\n"
        "MIME-Version: 1.0\r\n"
    )
    if not size:
        raw = headers + text_part
        return CorpusMessage(index, raw.encode(), 0)
    filename = request.filename.format(**fill)
    data = attachment(filename, size, rng)
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    head = (
        headers
        + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        + f"--{boundary}\r\n{text_part}\r\n--{boundary}\r\n"
        + f'Content-Type: {_content_type(filename)}; name="{filename}"\r\n'
        + f'Content-Disposition: attachment; filename="{filename}"\r\n'
        + "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    raw_bytes = head.encode() + encoded + f"\r\n--{boundary}--\r\n".encode()
    return CorpusMessage(index, raw_bytes, len(data))


def generate(n: int, seed: int, *, start: datetime | None = None) -> Iterator[CorpusMessage]:
    """The corpus of `n` messages for `seed`: the same bytes on every run."""
    rng = random.Random(seed)
    moment = start or datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for index, size in enumerate(_sizes(rng, n)):
        # Small mail asks questions or follows up; attachments belong to real requests.
        request = REQUESTS[3] if not size and index % 3 else REQUESTS[index % 3]
        sent = moment + timedelta(seconds=37 * index)
        yield build_message(index, request=request, size=size, rng=rng, sent=sent)


def write_maildir(folder: Path, messages: Iterator[CorpusMessage], *, uid: int, gid: int) -> int:
    """Deliver into a Maildir's new/ as a delivery agent does (tmp/, then rename); the bytes."""
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        os.chown(folder / sub, uid, gid)
    os.chown(folder, uid, gid)
    total = 0
    for message in messages:
        name = f"1772438400.M{message.index:06d}P1.bench"
        tmp = folder / "tmp" / name
        tmp.write_bytes(message.raw)
        os.chown(tmp, uid, gid)
        tmp.rename(folder / "new" / name)
        total += len(message.raw)
    return total
