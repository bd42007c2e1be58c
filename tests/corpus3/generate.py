"""Writes tests/corpus3: requests whose documents are scans and photos, negatives, a
negation, typos, a question and English, labelled from DOMAIN.md before the bot read them.

Run once (needs Pillow, python-docx and the DejaVu fonts): the .eml files and labels.json
it writes are what the tests read; nothing runs it at test time.
"""

from __future__ import annotations

import io
import json
import random
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
WIB = timezone(timedelta(hours=7))
rng = random.Random(20261208)


def page(
    lines: list[tuple[str, int, bool]], *, size: tuple[int, int] = (1240, 1754)
) -> Image.Image:
    """A white A4 page at 150 dpi with `lines` (text, font size, bold) from the top."""
    image = Image.new("L", size, 250)
    draw = ImageDraw.Draw(image)
    y = 90
    for text, points, bold in lines:
        font = ImageFont.truetype(BOLD if bold else FONT, points)
        width = draw.textlength(text, font=font)
        x = (size[0] - width) / 2 if bold else 110
        draw.text((x, y), text, fill=20, font=font)
        y += int(points * 1.7)
    return image


def scanned(image: Image.Image, *, specks: int = 400, angle: float = 0.0) -> Image.Image:
    """A copier's or phone's version: specks, a slight blur, a turn."""
    draw = ImageDraw.Draw(image)
    for _ in range(specks):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        draw.point((x, y), fill=rng.randrange(60, 200))
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    if angle:
        image = image.rotate(angle, expand=True, fillcolor=235)
    return image


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=78)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def tiff(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "TIFF", compression="tiff_deflate")
    return out.getvalue()


def pdf(*images: Image.Image) -> bytes:
    """An image-only PDF, as a scanner makes it: no text layer."""
    out = io.BytesIO()
    first, *rest = [image.convert("L") for image in images]
    first.save(out, "PDF", resolution=150, save_all=True, append_images=rest)
    return out.getvalue()


def docx(*paragraphs: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


KOP = [
    ("PEMERINTAH KABUPATEN KARAWANG", 30, True),
    ("DINAS LINGKUNGAN HIDUP", 34, True),
    ("Jl. Ahmad Yani No. 12 Karawang 41314", 22, False),
    ("", 20, False),
]


def letter(subject: str, body: list[str]) -> Image.Image:
    return page(
        [
            *KOP,
            ("Karawang, 1 Desember 2026", 24, False),
            ("Nomor    : 027/412/DLH/2026", 24, False),
            ("Lampiran : 1 (satu) berkas", 24, False),
            (f"Perihal  : {subject}", 24, False),
            ("", 20, False),
            ("Yth. Kepala LPSE Kabupaten Karawang", 24, False),
            ("di Karawang", 24, False),
            ("", 20, False),
            *[(line, 24, False) for line in body],
        ]
    )


def decree(name: str, nip: str) -> Image.Image:
    return page(
        [
            *KOP,
            ("KEPUTUSAN KEPALA DINAS LINGKUNGAN HIDUP", 30, True),
            ("NOMOR : 800.1.3/077/Kep.DLH/2026", 24, True),
            ("TENTANG", 26, True),
            ("PENUNJUKAN ADMINISTRATOR AGENCY LPSE", 28, True),
            ("PADA DINAS LINGKUNGAN HIDUP KABUPATEN KARAWANG", 26, True),
            ("", 20, False),
            ("MEMUTUSKAN:", 24, False),
            ("KESATU : Menunjuk Saudara yang namanya di bawah ini sebagai", 24, False),
            ("Administrator Agency pada Dinas Lingkungan Hidup:", 24, False),
            (f"Nama     : {name}", 24, False),
            (f"NIP      : {nip}", 24, False),
            ("Jabatan  : Pranata Komputer Ahli Pertama", 24, False),
        ]
    )


def form(title: str, fields: list[str]) -> Image.Image:
    return page(
        [
            (title, 32, True),
            ("LAYANAN PENGADAAN SECARA ELEKTRONIK (LPSE) KABUPATEN KARAWANG", 22, True),
            ("", 20, False),
            *[(line, 25, False) for line in fields],
        ]
    )


FORENSIC_FORM = "FORMULIR PERMINTAAN UJI FORENSIK"
MINUTES = "BERITA ACARA UJI FORENSIK"
PROBLEM_FORM = "FORMULIR PENANGANAN PERMASALAHAN LPSE"


def mail(
    number: int,
    sender: str,
    subject: str,
    body: str,
    files: dict[str, bytes],
    inline: dict[str, bytes] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "lpse@karawangkab.go.id"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 12, 1, 8, number, tzinfo=WIB))
    message["Message-ID"] = f"<c3-{number:02d}.{rng.randrange(10**9)}@mail.example.id>"
    message.set_content(body)
    if inline:
        html = body.replace("\n", "<br>") + "".join(
            f'<br><img src="cid:img{n}@x">' for n in range(len(inline))
        )
        message.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
        html_part = message.get_payload()[1]
        for n, (name, data) in enumerate(inline.items()):
            html_part.add_related(data, "image", "png", cid=f"<img{n}@x>", filename=name)
    for name, data in files.items():
        kind = {
            "pdf": ("application", "pdf"),
            "jpg": ("image", "jpeg"),
            "jpeg": ("image", "jpeg"),
            "png": ("image", "png"),
            "tif": ("image", "tiff"),
            "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
        }.get(name.rsplit(".", 1)[-1].lower(), ("application", "octet-stream"))
        message.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)
    return message.as_bytes()


def main() -> None:
    labels: dict[str, dict[str, object]] = {}

    def write(name: str, raw: bytes, **label: object) -> None:
        (HERE / f"{name}.eml").write_bytes(raw)
        labels[f"{name}.eml"] = {"schedule_change": False, "kode_tender": None, **label}

    forensic_fields = [
        "Kode Tender   : 10490012",
        "Nama Paket    : Rehabilitasi Saluran Irigasi Tegalwaru",
        "Satuan Kerja  : Dinas PUPR",
        "Nama Pokja    : Pokja Pemilihan 4",
        "Nama Peserta  : CV Tirta Karya",
        "Alasan        : file penawaran gagal dibuka",
    ]
    write(
        "c3-01-forensic-photo-form-scanned-minutes",
        mail(
            1,
            "Pokja 4 <pokja4.ukpbj@karawangkab.go.id>",
            "Permohonan uji forensik tender 10490012",
            "Yth. Admin LPSE,\nMohon dilakukan uji forensik file penawaran CV Tirta Karya.\n"
            "Formulir dan BA terlampir.\nTerima kasih.",
            {
                "IMG_20261201_081522.jpg": jpeg(
                    scanned(form(FORENSIC_FORM, forensic_fields), angle=2.5)
                ),
                "scan0001.pdf": pdf(
                    scanned(
                        form(
                            MINUTES,
                            [
                                "Pada hari ini Senin tanggal 30 November 2026",
                                "Kode Tender : 10490012",
                                "file penawaran tidak dapat dibuka",
                            ],
                        )
                    )
                ),
            },
        ),
        kind="forensic_test",
        complete=True,
        missing=[],
        kode_tender="10490012",
        note="form as a tilted phone photo, minutes as an image-only scan",
    )
    write(
        "c3-02-reset-scanned-letter-whatsapp-decree",
        mail(
            2,
            "DLH Karawang <dlh@karawangkab.go.id>",
            "Reset password admin agency DLH",
            "Dengan hormat, mohon reset password Administrator Agency DLH.\n"
            "Surat dan SK terlampir.",
            {
                "Scan_20261202.pdf": pdf(
                    scanned(
                        letter(
                            "Permohonan Reset Password Administrator Agency",
                            [
                                "Bersama ini kami mohon reset password akun",
                                "Administrator Agency Dinas Lingkungan Hidup.",
                            ],
                        )
                    )
                ),
                "WhatsApp Image 2026-12-02 at 09.14.22.jpeg": jpeg(
                    scanned(decree("Dewi Lestari, S.Kom.", "199105122019032011"), angle=-1.5)
                ),
            },
        ),
        kind="password_reset",
        complete=True,
        missing=[],
        note="letter as a scan, decree as a WhatsApp photo",
    )
    problem_fields = [
        "Kode Tender         : 10491177",
        "Nama Paket          : Pengadaan Tempat Sampah Terpilah",
        "Satuan Kerja        : Dinas Lingkungan Hidup",
        "Nama Pokja          : Pokja Pemilihan 9",
        "Jenis Permasalahan  : Perubahan jadwal",
        "Perubahan Jadwal    : Ya",
        "Tahapan             : Pembukaan Dokumen Penawaran",
        "Jadwal Baru         : 10 Desember 2026",
    ]
    write(
        "c3-03-schedule-form-photo-sideways",
        mail(
            3,
            "Pokja 9 <pokja9.ukpbj@karawangkab.go.id>",
            "Permohonan perubahan jadwal tender 10491177",
            "Mohon perubahan jadwal pembukaan penawaran tender 10491177. "
            "Formulir terlampir (foto).",
            {
                "DSC_0042.JPG": jpeg(
                    scanned(form(PROBLEM_FORM, problem_fields)).rotate(90, expand=True)
                )
            },
        ),
        kind="problem_report",
        schedule_change=True,
        complete=True,
        missing=[],
        kode_tender="10491177",
        note="the only form is a phone photo turned sideways (90 degrees)",
    )
    invoice = page(
        [
            ("KUITANSI", 40, True),
            ("No. 0871/TK/XI/2026", 24, False),
            ("", 20, False),
            ("Telah terima dari : Dinas Lingkungan Hidup", 24, False),
            ("Uang sejumlah     : Rp 2.450.000,-", 24, False),
            ("Untuk pembayaran  : 5 unit toner printer", 24, False),
            ("Karawang, 28 November 2026", 24, False),
            ("Toko Komputer Jaya", 24, False),
        ]
    )
    write(
        "c3-04-additional-admin-invoice-photo-not-decree",
        mail(
            4,
            "DLH Karawang <dlh@karawangkab.go.id>",
            "Penambahan admin agency DLH",
            "Dengan hormat, mohon penambahan satu Administrator Agency. SK terlampir.",
            {"IMG-20261203-WA0007.jpg": jpeg(scanned(invoice, angle=1.0))},
        ),
        kind="additional_admin",
        complete=False,
        missing=["appointment_decree"],
        note="the photo shows an invoice (kuitansi), not the decree",
    )
    blank = scanned(Image.new("L", (1240, 1754), 238), specks=1500)
    write(
        "c3-05-forensic-docx-form-blank-scanned-minutes",
        mail(
            5,
            "Pokja 2 <pokja2.ukpbj@karawangkab.go.id>",
            "Uji forensik tender 10492345",
            "Mohon uji forensik. Formulir (Word) dan BA (scan) terlampir.",
            {
                "form uji.docx": docx(
                    FORENSIC_FORM, "Kode Tender : 10492345", "Nama Peserta : PT Sinar Abadi"
                ),
                "doc00123.pdf": pdf(blank),
            },
        ),
        kind="forensic_test",
        complete=False,
        missing=["forensic_minutes"],
        kode_tender="10492345",
        note="the minutes are a blank scan: nothing a person could read",
    )
    write(
        "c3-06-join-english-one-scan",
        mail(
            6,
            "Kantor Imigrasi <tu.imigrasi.karawang@kemenkumham.go.id>",
            "Request to join LPSE Karawang",
            "Dear LPSE Karawang,\nWe would like to join LPSE Karawang as a new agency. Our request "
            "letter is attached; the other documents will follow.\nBest regards.",
            {
                "0001.pdf": pdf(
                    scanned(
                        letter(
                            "Permohonan Bergabung dengan LPSE Kabupaten Karawang",
                            ["Kami bermaksud bergabung dengan LPSE."],
                        )
                    )
                )
            },
        ),
        kind="join_request",
        complete=False,
        missing=["training_letter", "appointment_decree", "signed_sla"],
        note="English mail; only the join letter, as a scan",
    )
    write(
        "c3-07-problem-schedule-stays-docx-form",
        mail(
            7,
            "Pokja 6 <pokja6.ukpbj@karawangkab.go.id>",
            "Penanganan permasalahan tender 10493012",
            "Mohon koreksi metode evaluasi pada tender 10493012. Jadwal tetap sesuai semula, "
            "tidak ada perubahan jadwal. Formulir terlampir.",
            {
                "formulir.docx": docx(
                    PROBLEM_FORM,
                    "Kode Tender : 10493012",
                    "Jenis Permasalahan : Kesalahan metode evaluasi",
                    "Perubahan Jadwal : Tidak",
                )
            },
        ),
        kind="problem_report",
        complete=True,
        missing=[],
        kode_tender="10493012",
        note="the schedule stays (mail and form say so)",
    )
    write(
        "c3-08-schedule-typos-photo-form",
        mail(
            8,
            "Pokja 3 <pokja3.ukpbj@karawangkab.go.id>",
            "mhon prubahan jadwl tender 10494466",
            "min mhon dbantu prubahan jadwl upload penawaran tender 10494466, ada adendum. "
            "form trlampir ya. mksh",
            {
                "IMG_20261204_101010.jpg": jpeg(
                    scanned(
                        form(
                            PROBLEM_FORM,
                            [
                                "Kode Tender        : 10494466",
                                "Jenis Permasalahan : Perubahan jadwal",
                                "Perubahan Jadwal   : Ya",
                                "Tahapan            : Upload Dokumen Penawaran",
                            ],
                        ),
                        angle=-2,
                    )
                )
            },
        ),
        kind="problem_report",
        schedule_change=True,
        complete=True,
        missing=[],
        kode_tender="10494466",
        note="phone typos; the form is a photo",
    )
    write(
        "c3-09-question-how-to-replace-admin",
        mail(
            9,
            "Sekretariat Disdukcapil <disdukcapil@karawangkab.go.id>",
            "Tanya penggantian admin agency",
            "Selamat siang, bagaimana cara mengajukan penggantian Administrator Agency? Apa saja "
            "syaratnya? Terima kasih.",
            {},
        ),
        kind="other",
        complete=True,
        missing=[],
        note="a question about how to ask, not the request",
    )
    write(
        "c3-10-forensic-english-docx",
        mail(
            10,
            "Pokja 11 <pokja11.ukpbj@karawangkab.go.id>",
            "Forensic test request - tender 10495500",
            "Dear LPSE team,\nPlease run a forensic test on the bid file of PT Mega Konstruksi for "
            "tender 10495500; it failed to open at the bid opening. The request form and the "
            "minutes are attached.\nRegards, Pokja 11",
            {
                "request.docx": docx(FORENSIC_FORM, "Kode Tender : 10495500"),
                "minutes.docx": docx(MINUTES, "Kode Tender : 10495500", "file tidak dapat dibuka"),
            },
        ),
        kind="forensic_test",
        complete=True,
        missing=[],
        kode_tender="10495500",
        note="English mail; documents with meaningless English names, read by their titles",
    )
    write(
        "c3-11-replacement-merged-two-page-scan",
        mail(
            11,
            "DLH Karawang <dlh@karawangkab.go.id>",
            "Penggantian admin agency DLH",
            "Mohon penggantian Administrator Agency DLH. Surat dan SK kami scan jadi satu berkas.",
            {
                "SCAN_MERGED.pdf": pdf(
                    scanned(
                        letter(
                            "Permohonan Penggantian Personil Administrator Agency",
                            ["Mohon penggantian Administrator Agency."],
                        )
                    ),
                    scanned(decree("Rudi Hartono, S.T.", "198807082015031002")),
                )
            },
        ),
        kind="admin_replacement",
        complete=True,
        missing=[],
        note="one image-only PDF of two pages: the letter, then the decree",
    )
    blurred = scanned(form(PROBLEM_FORM, problem_fields)).filter(ImageFilter.GaussianBlur(9))
    write(
        "c3-12-problem-form-photo-too-blurred",
        mail(
            12,
            "Pokja 5 <pokja5.ukpbj@karawangkab.go.id>",
            "Permohonan penanganan permasalahan 10496001",
            "Mohon bantuan penanganan permasalahan salah input HPS tender 10496001. "
            "Form terlampir.",
            {"IMG_0001.jpg": jpeg(blurred)},
        ),
        kind="problem_report",
        complete=False,
        missing=["problem_form"],
        kode_tender="10496001",
        note="the form's photo is too blurred for anyone to read",
    )
    error_shot = page(
        [
            ("SPSE 4.5", 34, True),
            ("Terjadi Kesalahan", 30, True),
            ("Error 500 - Internal Server Error", 26, False),
            ("Silakan hubungi admin LPSE.", 24, False),
        ],
        size=(1366, 768),
    )
    write(
        "c3-13-problem-spse-error-screenshot-inline",
        mail(
            13,
            "Pokja 8 <pokja8.ukpbj@karawangkab.go.id>",
            "Penanganan permasalahan tender 10497720",
            "Mohon penanganan permasalahan: tidak bisa mengunggah adendum di tender 10497720, "
            "muncul error seperti gambar di bawah.",
            {},
            inline={"image001.png": png(error_shot)},
        ),
        kind="problem_report",
        complete=False,
        missing=["problem_form"],
        kode_tender="10497720",
        note="a screenshot of an SPSE error is not the problem form",
    )
    write(
        "c3-14-data-request-tiff-scan",
        mail(
            14,
            "Bappeda <bappeda@karawangkab.go.id>",
            "Permohonan data paket tender 2026",
            "Dengan hormat, mohon rekap data paket tender TA 2026. Surat terlampir.",
            {
                "0001.tif": tiff(
                    scanned(
                        letter(
                            "Permohonan Data SPSE Tahun Anggaran 2026",
                            ["Mohon rekap data paket tender TA 2026."],
                        )
                    )
                )
            },
        ),
        kind="data_request",
        complete=True,
        missing=[],
        note="the letter is a TIFF scan with a number for a name",
    )
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
