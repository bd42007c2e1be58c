#!/usr/bin/env python3
"""Generate the second labelled corpus (tests/corpus2) for the LPSE helpdesk bot.

Usage:  python tests/corpus2/generate.py [OUTDIR]      (default: this file's directory)

Writes c2-NN-slug.eml and labels.json. Deterministic: fixed seed, fixed dates, fixed zip
timestamps. Needs only what the project installs (openpyxl, python-docx).

The labels were decided from DOMAIN.md before the bot was run on these messages.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from build import (  # noqa: E402
    File,
    docx_bytes,
    jpeg_bytes,
    pdf_bytes,
    pe_bytes,
    rhs_bytes,
    text,
    tgl,
    tnef_bytes,
    when,
    xlsx_bytes,
    zip_bytes,
)
from clients import Mail, build_mail  # noqa: E402
from documents import (  # noqa: E402
    decree,
    forensic_form,
    forensic_minutes,
    letter,
    problem_form,
    problem_form_rows,
    sla,
)
from machines import MACHINE_MAILS  # noqa: E402

MESSAGES: list[Callable[[], Mail]] = []


def message(fn: Callable[[], Mail]) -> Callable[[], Mail]:
    MESSAGES.append(fn)
    return fn


def label(
    kind: str,
    missing: tuple[str, ...] = (),
    kode: str | None = None,
    note: str = "",
    schedule: bool = False,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "schedule_change": schedule,
        "complete": not missing,
        "missing": list(missing),
        "kode_tender": kode,
        "note": note,
    }


POKJA4 = [
    ("Dewi Anggraeni, S.E.", "Ketua"),
    ("Rizal Fauzi, S.T.", "Sekretaris"),
    ("Nia Kurniasih", "Anggota"),
]
POKJA5 = [
    ("Ir. Tarsa Suparta", "Ketua"),
    ("Hendri Gunadi, S.Kom.", "Sekretaris"),
    ("Euis Komariah, S.E.", "Anggota"),
]


# === forensic_test ====================================================================


@message
def c01() -> Mail:
    t = when(2, 3, 8, 41, 12)
    d = dict(
        kode="10512347",
        paket="Pembangunan Gedung Puskesmas Cilamaya",
        satker="Dinas Kesehatan",
        pokja="Pokja Pemilihan 5",
        peserta="PT Bumi Karawang Lestari",
        rhs="10512347_PT Bumi Karawang Lestari.rhs",
        buka="2 Februari 2026 pukul 10.00 WIB",
        pemohon="Hendri Gunadi, S.Kom.",
        nip="19890621 201503 1 002",
        hp="0857-1234-8890",
        tanggal=tgl(t),
        ba_no="014/BA-UF/POKJA.5/II/2026",
        hari="Senin tanggal 2 Februari 2026",
        anggota=POKJA5,
    )
    return Mail(
        name="c2-01-forensic-android-abbreviations",
        client="gmail",
        moment=t,
        options={"android": True},
        sender=("Hendri Gunadi", "hendri.gunadi89@gmail.com"),
        subject="mhn uji forensic file rhs kd tender 10512347",
        body=text(r"""
            Slmt pagi admin LPSE,

            mhn bantuan utk uji forensic file penawaran PT Bumi Karawang Lestari, kd tender \
            10512347 (Pembangunan Gedung Puskesmas Cilamaya). file rhs nya gagal di dekripsi \
            wkt pembukaan kmrn. form & BA sdh kami lampirkan, file rhs jg.

            Tks
            Hendri - Pokja 5
            0857-1234-8890
        """),
        files=[
            File(
                "FORM UJI FORENSIK.pdf",
                pdf_bytes([forensic_form(d)], title="Form", moment=t.replace(hour=7)),
            ),
            File(
                "BA UF pokja5.pdf",
                pdf_bytes([forensic_minutes(d)], title="BA", moment=t.replace(hour=7, minute=30)),
            ),
            File("10512347_PT Bumi Karawang Lestari.rhs", rhs_bytes("c01", 91_233)),
        ],
        label=label(
            "forensic_test",
            (),
            "10512347",
            "Gmail for Android; 'uji forensic', 'kd tender', mhn/utk/sdh/wkt "
            "abbreviations; minutes named 'BA UF', recognised by its text",
        ),
    )


@message
def c02() -> Mail:
    t = when(2, 4, 13, 5, 44)
    d = dict(
        kode="10520981",
        paket="Peningkatan Jalan Lingkar Cikampek",
        satker="Dinas PUPR",
        pokja="Pokja Pemilihan 2",
        peserta="CV Mitra Cikampek Abadi",
        rhs="10520981_CV Mitra Cikampek Abadi.rhs",
        buka="3 Februari 2026 pukul 13.00 WIB",
        pemohon="Agus Salim, S.T.",
        nip="19810909 200801 1 015",
        hp="0812-8765-1100",
        tanggal=tgl(t),
        ba_no="009/BA/POKJA-2/II/2026",
        hari="Selasa tanggal 3 Februari 2026",
        anggota=[("Agus Salim, S.T.", "Ketua"), ("Neneng Hasanah", "Anggota")],
    )
    folder = "UF Pokja 2 (FINAL)/New folder/"
    archive = zip_bytes(
        [
            (
                folder + "scan 1.pdf",
                pdf_bytes(
                    [forensic_form(d, "table")],
                    title="",
                    moment=t,
                    producer="Canon iR-ADV C5535",
                    creator="Canon",
                    scanned="c02a",
                ),
            ),
            (
                folder + "scan 2.pdf",
                pdf_bytes(
                    [forensic_minutes(d)],
                    title="",
                    moment=t,
                    producer="Canon iR-ADV C5535",
                    creator="Canon",
                    scanned="c02b",
                ),
            ),
            (
                "UF Pokja 2 (FINAL)/rhs/10520981_CV Mitra Cikampek Abadi.rhs",
                rhs_bytes("c02", 40_960),
            ),
            ("UF Pokja 2 (FINAL)/Thumbs.db", b"\xd0\xcf\x11\xe0" + bytes(60)),
        ],
        t,
    )
    return Mail(
        name="c2-02-forensic-iphone-zip-odd-folders",
        client="iphone",
        moment=t,
        sender=("Agus Salim", "agussalim.pokja2@icloud.com"),
        subject="Uji Forensik Pokja 2 – Paket Jalan Lingkar Cikampek",
        body=text(r"""
            Yth. Admin LPSE,

            Berikut kami kirimkan berkas permohonan uji forensik dalam 1 file zip (formulir, \
            berita acara dan file rhs peserta). Kode Tender 10520981.

            Terima kasih.

            Dikirim dari iPhone saya
        """),
        files=[File("Berkas UF.zip", archive)],
        label=label(
            "forensic_test",
            (),
            "10520981",
            "iOS Mail layout (alternative of plain and mixed html+files); a zip whose "
            "odd folders hold scans 'scan 1.pdf'/'scan 2.pdf' with an OCR text layer",
        ),
    )


@message
def c03() -> Mail:
    t = when(2, 5, 16, 22, 8)
    d = dict(
        kode="10523981",
        paket="Pengadaan Pompa Air Irigasi",
        satker="Dinas Pertanian",
        pokja="Pokja Pemilihan 6",
        peserta="CV Anugerah Teknik",
        buka="5 February 2026 10:00 WIB",
        pemohon="Yudi Prasetyo",
        nip="19870303 201101 1 006",
        hp="0821-1000-2345",
        tanggal=tgl(t),
    )
    blocks = forensic_form(d, "table")
    return Mail(
        name="c2-03-forensic-english-ba-follows",
        client="thunderbird",
        moment=t,
        sender=("Yudi Prasetyo", "yudi.prasetyo@karawangkab.go.id"),
        subject="Request forensic test - RHS file cannot be opened (kode paket 10523981)",
        body=text(r"""
            Dear LPSE Karawang helpdesk team,

            Please kindly help us to do a forensic test (uji forensik) on the bid file of CV \
            Anugerah Teknik, kode paket: 10523981, because the file could not be decrypted \
            during the bid opening this morning.

            Attached is the request form. The Berita Acara is still waiting for the \
            signatures of the other Pokja members, we will send it ASAP.

            Best regards,
            Yudi Prasetyo
            Pokja Pemilihan 6 - UKPBJ Kab. Karawang
            Mobile: +62 821-1000-2345
        """),
        files=[
            File(
                "Form Request Uji Forensik.docx",
                docx_bytes(blocks, author="Yudi", moment=t.replace(hour=15)),
            )
        ],
        label=label(
            "forensic_test",
            ("forensic_minutes",),
            "10523981",
            "English-mixed mail (Thunderbird, format=flowed); 'kode paket'; DOCX form; "
            "the minutes are announced for later",
        ),
    )


@message
def c04() -> Mail:
    t = when(2, 6, 9, 12, 30)
    d = dict(
        kode="10534770",
        paket="Belanja Modal Peralatan Laboratorium SMKN 1 Telagasari",
        satker="Dinas Pendidikan, Pemuda dan Olahraga",
        pokja="Pokja Pemilihan 1",
        peserta="PT Sarana Edukasi Nusantara",
        rhs="10534770_PT Sarana Edukasi.rhs",
        buka="5 Februari 2026 pukul 14.00 WIB",
        pemohon="Ai Rohaeti, S.Sos.",
        nip="19850517 200903 2 004",
        hp="0813-2011-4455",
        tanggal=tgl(t),
        ba_no="021/BA.UF/POKJA-1/II/2026",
        hari="Kamis tanggal 5 Februari 2026",
        anggota=[("Ai Rohaeti, S.Sos.", "Ketua"), ("Dadang Sudrajat", "Anggota")],
    )
    rows = [("FORMULIR PERMINTAAN UJI FORENSIK",), ()] + [(k, v) for k, v in forensic_form(d)[3][1]]
    minutes = pdf_bytes([forensic_minutes(d)], title="Berita Acara Uji Forensik", moment=t)
    return Mail(
        name="c2-04-forensic-truncated-minutes-pdf",
        client="zimbra",
        moment=t,
        sender=("Ai Rohaeti", "pokja1.ukpbj@karawangkab.go.id"),
        subject="Permohonan Uji Forensik - Tender 10534770",
        body=text(r"""
            Yth. Admin LPSE Kabupaten Karawang,

            Dengan hormat, bersama ini kami sampaikan permohonan uji forensik file penawaran \
            PT Sarana Edukasi Nusantara pada tender Belanja Modal Peralatan Laboratorium SMKN 1 \
            Telagasari (kode tender 10534770). Formulir dan Berita Acara Uji Forensik terlampir.

            Atas bantuannya kami ucapkan terima kasih.

            Ai Rohaeti, S.Sos.
            Ketua Pokja Pemilihan 1
        """),
        files=[
            File(
                "Formulir Uji Forensik Pokja 1.xlsx",
                xlsx_bytes(rows, creator="Ai Rohaeti", moment=t.replace(hour=8)),
            ),
            File("Berita Acara Uji Forensik Pokja 1.pdf", minutes[: len(minutes) * 45 // 100]),
        ],
        label=label(
            "forensic_test",
            ("forensic_minutes",),
            "10534770",
            "invalid attachment: the minutes PDF is cut off at 45% (no xref, no %%EOF, "
            "its page content truncated), so only the XLSX form counts",
        ),
    )


@message
def c05() -> Mail:
    t = when(2, 9, 10, 2, 51)
    d = dict(
        kode="10538802",
        paket="Rehabilitasi Saluran Drainase Perumnas Bumi Teluk Jambe",
        satker="Dinas Perumahan dan Kawasan Permukiman",
        pokja="Pokja Pemilihan 4",
        peserta="CV Sumber Rejeki Utama",
        rhs="10538802_CV Sumber Rejeki Utama.rhs",
        buka="6 Februari 2026 pukul 09.00 WIB",
        pemohon="Nia Kurniasih",
        nip="19920130 201902 2 001",
        hp="0896-3344-1200",
        tanggal="9 Februari 2026",
        ba_no="007/BA-UF/P4/II/2026",
        hari="Jumat tanggal 6 Februari 2026",
        anggota=POKJA4,
    )
    merged = pdf_bytes(
        [forensic_form(d), forensic_minutes(d)],
        title="Dokumen",
        moment=t.replace(hour=8),
        producer="iLovePDF",
        creator="iLovePDF",
    )
    return Mail(
        name="c2-05-forensic-forward-of-forward-merged-pdf",
        client="gmail",
        moment=t,
        sender=("Rizal Fauzi", "rizal.fauzi.st@gmail.com"),
        subject="Fwd: Fwd: mohon uji forensik",
        body=text(r"""
            Mohon ditindaklanjuti, terlampir berkasnya.

            Terima kasih
            Rizal

            ---------- Forwarded message ---------
            From: Dewi Anggraeni <dewi.anggraeni@karawangkab.go.id>
            Date: Sen, 9 Feb 2026 pukul 09.47
            Subject: Fwd: mohon uji forensik
            To: Rizal Fauzi <rizal.fauzi.st@gmail.com>


            Tolong diteruskan ke LPSE ya Zal, pakai email yg biasa.

            ---------- Forwarded message ---------
            From: Nia Kurniasih <nia.kurniasih92@gmail.com>
            Date: Sen, 9 Feb 2026 pukul 08.15
            Subject: mohon uji forensik
            To: Dewi Anggraeni <dewi.anggraeni@karawangkab.go.id>


            Bu Ketua, file penawaran CV Sumber Rejeki Utama tidak dapat dibuka pada tender \
            ID paket 10538802. Mohon diajukan uji forensik ke LPSE. Form dan BA sudah saya \
            gabung jadi satu PDF.

            Nia
        """),
        files=[File("Dokumen.pdf", merged)],
        label=label(
            "forensic_test",
            (),
            "10538802",
            "forward of a forward (Fwd: Fwd:): the request is only in the innermost "
            "forwarded text; one generic-named PDF holds form (p.1) and minutes (p.2); "
            "'ID paket'",
        ),
    )


SIGNATURE_DISCLAIMER = text(r"""
    Wawan Hermawan, S.T.
    Sekretaris Pokja Pemilihan 3
    Bagian Pengadaan Barang dan Jasa Setda Kabupaten Karawang
    Jl. Jenderal Ahmad Yani No. 1 Karawang 41315
    Telp. (0267) 402134 | HP 0812-7000-3131

    DISCLAIMER: Informasi dalam email ini beserta lampirannya bersifat rahasia dan hanya \
    ditujukan kepada penerima yang dimaksud. Apabila Anda bukan penerima yang dimaksud, Anda \
    dilarang menyalin, mendistribusikan atau menggunakan informasi ini, termasuk user id dan \
    password yang mungkin tercantum, dan mohon segera menghapus email ini. Pemerintah \
    Kabupaten Karawang tidak bertanggung jawab atas perubahan isi email setelah dikirim.
""")


@message
def c06() -> Mail:
    t = when(2, 10, 14, 37, 3)
    d = dict(
        kode="10545530",
        paket="Pengadaan Seragam Linmas",
        satker="Satuan Polisi Pamong Praja",
        pokja="Pokja Pemilihan 3",
        peserta="CV Garmen Jaya Mandiri",
        rhs="10545530_CV Garmen Jaya Mandiri.rhs",
        buka="10 Februari 2026 pukul 09.00 WIB",
        pemohon="Wawan Hermawan, S.T.",
        nip="19800808 200604 1 010",
        hp="0812-7000-3131",
        tanggal=tgl(t),
        ba_no="031/BA/POKJA-3/II/2026",
        hari="Selasa tanggal 10 Februari 2026",
        anggota=[("Budi Hartono, S.T., M.M.", "Ketua"), ("Wawan Hermawan, S.T.", "Sekretaris")],
    )
    return Mail(
        name="c2-06-forensic-request-only-in-attachments",
        client="outlook",
        moment=t,
        sender=("Wawan Hermawan", "wawan.hermawan@karawangkab.go.id"),
        subject="",
        body="Terlampir.\n\n" + SIGNATURE_DISCLAIMER,
        files=[
            File("Doc1.pdf", pdf_bytes([forensic_form(d)], title="Doc1", moment=t)),
            File("Doc2.pdf", pdf_bytes([forensic_minutes(d)], title="Doc2", moment=t)),
        ],
        label=label(
            "forensic_test",
            (),
            "10545530",
            "empty subject, body only 'Terlampir.' and a long signature with a "
            "disclaimer naming 'password': the request is only in Doc1.pdf/Doc2.pdf",
        ),
    )


@message
def c07() -> Mail:
    t = when(2, 11, 11, 8, 19)
    d = dict(
        kode="10549113",
        paket="Pengadaan Alat Tulis Kantor Sekretariat DPRD",
        satker="Sekretariat DPRD",
        pokja="Pokja Pemilihan 7",
        peserta="CV Kertas Mas",
        rhs="10549113_CV Kertas Mas.rhs",
        buka="10 Februari 2026 pukul 13.30 WIB",
        pemohon="Yoga Pratama",
        nip="19910404 201503 1 003",
        hp="0838-1200-9988",
        tanggal=tgl(t),
        ba_no="003/BA-UF/POKJA7/II/2026",
        hari="Selasa tanggal 10 Februari 2026",
        anggota=[("Yoga Pratama", "Ketua"), ("Lina Marlina", "Anggota")],
    )
    return Mail(
        name="c2-07-forensic-docm-form-macro",
        client="outlook",
        moment=t,
        sender=("Yoga Pratama", "yoga.pratama@karawangkab.go.id"),
        subject="Permohonan Uji Forensik File Penawaran Tender 10549113",
        body=text(r"""
            Yth. Bapak/Ibu Admin LPSE,

            Bersama ini kami mengajukan permohonan uji forensik file penawaran CV Kertas Mas \
            (tender 10549113). Formulir permintaan uji forensik dan BA uji forensik terlampir.

            Salam,
            Yoga Pratama
            Ketua Pokja Pemilihan 7
        """),
        files=[
            File(
                "Formulir Permintaan Uji Forensik.docm",
                docx_bytes(forensic_form(d), author="Yoga", moment=t, macro_key="c07"),
            ),
            File("BA Uji Forensik.pdf", pdf_bytes([forensic_minutes(d)], title="BA", moment=t)),
        ],
        label=label(
            "forensic_test",
            ("forensic_form",),
            "10549113",
            "invalid attachment: the form is a macro-enabled .docm (vbaProject.bin); "
            "the minutes PDF counts",
        ),
    )


@message
def c08() -> Mail:
    t = when(2, 12, 13, 14, 55)
    d = dict(
        kode="10560018",
        paket="Pengadaan Mebelair SMPN 3 Karawang Barat",
        satker="Dinas Pendidikan, Pemuda dan Olahraga",
        pokja="Pokja Pemilihan 4",
        peserta="PT Cahaya Meubel Indonesia",
        rhs="10560018_PT Cahaya Meubel.rhs",
        buka="11 Februari 2026 pukul 10.00 WIB",
        pemohon="Dewi Anggraeni, S.E.",
        nip="19840712 200901 2 005",
        hp="0815-6000-7001",
        tanggal=tgl(t),
        ba_no="012/BA-UF/P4/II/2026",
        hari="Rabu tanggal 11 Februari 2026",
        anggota=POKJA4,
    )
    return Mail(
        name="c2-08-forensic-reply-quoting-old-schedule-request",
        client="gmail",
        moment=t,
        sender=("Dewi Anggraeni", "dewi.anggraeni@karawangkab.go.id"),
        to=[("Rudi Hermawan", "rudi.hermawan@karawangkab.go.id"), ("", "lpse@karawangkab.go.id")],
        subject="Re: Permohonan perubahan jadwal - Pokja Pemilihan 4",
        in_reply_to="<CAJ7pX2m0vQ1lLxq8@mail.gmail.com>",
        references=["<CAJ7pX2m0vQ1lLxq8@mail.gmail.com>"],
        body=text(r"""
            Siang Pak Rudi,

            Terima kasih, jadwalnya sudah berubah. Sekalian kami mohon uji forensik utk tender \
            lain (kd tender 10560018, Pengadaan Mebelair SMPN 3 Karawang Barat): file rhs PT \
            Cahaya Meubel Indonesia tidak bisa dibuka. Form dan BA terlampir.

            Salam,
            Dewi

            Pada Sen, 2 Feb 2026 pukul 09.15 Rudi Hermawan \
            <rudi.hermawan@karawangkab.go.id> menulis:
            > Bu Dewi, permohonan perubahan jadwal tender 10551207 (tahap evaluasi diundur ke
            > 9 Februari 2026) sudah kami proses. Mohon Pokja segera mengganti password.
            >
            > Rudi - LPSE
        """),
        files=[
            File("Form UF.pdf", pdf_bytes([forensic_form(d)], title="Form UF", moment=t)),
            File("BA.pdf", pdf_bytes([forensic_minutes(d)], title="BA", moment=t)),
        ],
        label=label(
            "forensic_test",
            (),
            "10560018",
            "reply in an old schedule-change thread (subject and quote name 'perubahan "
            "jadwal' and tender 10551207); the new text asks a forensic test",
        ),
    )


# === problem_report ===================================================================


@message
def c09() -> Mail:
    t = when(2, 16, 12, 3, 40)
    d = dict(
        kode="10571120",
        paket="Pembangunan Jembatan Desa Kutamaneuh",
        satker="Dinas PUPR",
        pokja="Pokja Pemilihan 3",
        jenis="Perubahan jadwal",
        uraian="Adendum dokumen pemilihan, waktu upload penawaran perlu ditambah",
        tahapan="Upload Dokumen Penawaran",
        semula="16 s.d. 20 Februari 2026",
        baru="16 s.d. 24 Februari 2026 pukul 15.00 WIB",
        user="pokja3.krw",
        password="Krw#Pokja3-26",
        pemohon="Ari Wibowo",
        hp="0813-2200-7781",
        tanggal=tgl(t),
    )
    return Mail(
        name="c2-09-schedule-android-di-mundurkan",
        client="gmail",
        moment=t,
        options={"android": True},
        sender=("Ari Wibowo", "ariwibowo.pokja3@gmail.com"),
        subject="mhn jadwal di mundurkan + perpanjang wkt upload, kd tender 10571120",
        body=text(r"""
            Slmt siang,
            mhn bantuan jadwal tahap upload penawaran di mundurkan 2 hr krn ada adendum dok \
            pemilihan, sekalian perpanjang wkt upload s.d. 24 Feb 2026 pkl 15.00. form sdh \
            diisi (user id & password pokja ada di form).

            Tks
            Ari - Pokja 3 / 0813-2200-7781
        """),
        files=[
            File(
                "form permasalahan.xlsx", xlsx_bytes(problem_form_rows(d), creator="ARI", moment=t)
            )
        ],
        label=label(
            "problem_report",
            (),
            "10571120",
            "'jadwal di mundurkan' (split prefix) and 'perpanjang wkt upload'; XLSX form "
            "with Perubahan Jadwal: Ya and the Pokja's credentials",
            schedule=True,
        ),
    )


@message
def c10() -> Mail:
    t = when(2, 17, 9, 55, 2)
    d = dict(
        kode="10574402",
        paket="Pembangunan Pasar Rakyat Telukjambe",
        satker="Dinas Perindustrian dan Perdagangan",
        pokja="Pokja Pemilihan 6",
        jenis="Kesalahan input data",
        uraian="Lokasi pekerjaan salah kecamatan",
        pemohon="Siti Aminah, S.E.",
        nip="19860226 201001 2 012",
        hp="0812-1010-6677",
        tanggal=tgl(t),
    )
    return Mail(
        name="c2-10-problem-location-no-schedule-change",
        client="zimbra",
        moment=t,
        sender=("Siti Aminah", "pokja6.ukpbj@karawangkab.go.id"),
        subject="Permohonan perbaikan data lokasi pekerjaan - kode tender 10574402",
        body=text(r"""
            Yth. Admin LPSE,

            Pada tender Pembangunan Pasar Rakyat Telukjambe (kode tender 10574402, Kode RUP \
            60123344) terdapat kesalahan input lokasi pekerjaan: tertulis Kec. Telukjambe \
            Barat, seharusnya Kec. Telukjambe Timur. Mohon dapat diperbaiki. Tidak ada \
            perubahan jadwal.

            Formulir penanganan permasalahan terlampir.

            Terima kasih,
            Siti Aminah, S.E.
            Pokja Pemilihan 6
            NIP 19860226 201001 2 012
        """),
        files=[
            File(
                "Formulir Penanganan Permasalahan LPSE - Pokja 6.docx",
                docx_bytes(problem_form(d), author="Siti", moment=t),
            )
        ],
        label=label(
            "problem_report",
            (),
            "10574402",
            "data correction that says 'Tidak ada perubahan jadwal' (form: Perubahan "
            "Jadwal Tidak); Kode RUP and NIP are distractors",
        ),
    )


@message
def c11() -> Mail:
    t = when(2, 18, 6, 48, 31)
    d = dict(
        kode="10577341",
        paket="Pengadaan Ambulans Puskesmas",
        satker="Dinas Kesehatan",
        pokja="Pokja Pemilihan 7",
        jenis="Gangguan server saat upload penawaran",
        uraian="SPSE tidak dapat diakses pada 17 Februari 2026 pukul 13.00-17.00 WIB",
        tahapan="Pemasukan Dokumen Penawaran",
        semula="s.d. 18 Februari 2026 13.00 WIB",
        baru="s.d. 27 Februari 2026 13.00 WIB",
        pemohon="Yoga Pratama",
        hp="0838-1200-9988",
        tanggal=tgl(t),
    )
    return Mail(
        name="c2-11-schedule-english-iphone-scanned-form",
        client="iphone",
        moment=t,
        sender=("Yoga Pratama", "yogapratama91@gmail.com"),
        subject="Urgent: please extend bid submission deadline - Tender ID 10577341",
        body=text(r"""
            Dear LPSE team,

            Due to the SPSE server being down yesterday afternoon, many bidders could not \
            upload their offers. We kindly request perpanjangan waktu pemasukan penawaran \
            until 27 Feb 2026 13:00 WIB. The completed problem handling form (formulir \
            penanganan permasalahan) is attached.

            Thanks,
            Yoga
            Pokja Pemilihan 7

            Sent from my iPhone
        """),
        files=[
            File(
                "Scanned Document.pdf",
                pdf_bytes(
                    [problem_form(d)],
                    title="Scanned Document",
                    moment=t,
                    producer="iOS Version 18.3 (Build 22D82) Quartz PDFContext",
                    creator="Notes",
                    scanned="c11",
                ),
            )
        ],
        label=label(
            "problem_report",
            (),
            "10577341",
            "English-mixed; 'extend ... deadline' and 'perpanjangan waktu pemasukan "
            "penawaran'; iOS Notes scan with OCR layer; 'Tender ID'",
            schedule=True,
        ),
    )


@message
def c12() -> Mail:
    t = when(2, 19, 15, 20, 9)
    d = dict(
        kode="10580655",
        paket="Jasa Konsultansi Perencanaan Gedung Kantor Kecamatan",
        satker="Sekretariat Daerah",
        pokja="Pokja Pemilihan 1",
        jenis="Salah pilih metode evaluasi",
        uraian="Metode evaluasi tertulis kualitas, seharusnya kualitas dan biaya",
        pemohon="Ai Rohaeti, S.Sos.",
        nip="19850517 200903 2 004",
        hp="0813-2011-4455",
        tanggal=tgl(t),
    )
    form = docx_bytes(problem_form(d), author="Ai Rohaeti", moment=t)
    winmail = tnef_bytes(
        [("FORMPE~1.DOC", "Formulir Penanganan Permasalahan.docx", form)], t, "c12"
    )
    return Mail(
        name="c2-12-problem-outlook-winmail-dat",
        client="outlook",
        moment=t,
        options={"tnef": True},
        sender=("Ai Rohaeti", "ai.rohaeti@karawangkab.go.id"),
        subject="Penanganan permasalahan - salah pilih metode evaluasi tender 10580655",
        body=text(r"""
            Dengan hormat,

            Pokja Pemilihan 1 salah memilih metode evaluasi pada tender 10580655 (seharusnya \
            kualitas dan biaya). Mohon bantuan LPSE untuk perbaikannya. Formulir penanganan \
            permasalahan terlampir. Jadwal tetap.

            Terima kasih
            Ai Rohaeti
        """),
        files=[File("winmail.dat", winmail, "application/ms-tnef")],
        label=label(
            "problem_report",
            (),
            "10580655",
            "Outlook rich text: the form travels inside winmail.dat (TNEF, long file "
            "name in MAPI properties); 'Jadwal tetap'",
        ),
    )


@message
def c13() -> Mail:
    t = when(2, 20, 10, 41, 27)
    return Mail(
        name="c2-13-schedule-exe-renamed-docx",
        client="zimbra",
        moment=t,
        sender=("Rahmat Hidayat", "rahmat.hidayat@karawangkab.go.id"),
        subject="Perubahan Jadwal Tender 10583317",
        body=text(r"""
            Yth. Admin LPSE,

            Mohon perubahan jadwal tahap evaluasi administrasi, kualifikasi, teknis dan harga \
            tender 10583317 menjadi tanggal 23 s.d. 25 Februari 2026 karena Pokja mengikuti \
            bimtek. Formulir terlampir.

            Rahmat Hidayat
            Pokja Pemilihan 2
        """),
        files=[File("Formulir Perubahan Jadwal.docx", pe_bytes("c13"))],
        label=label(
            "problem_report",
            ("problem_form",),
            "10583317",
            "invalid attachment: 'Formulir Perubahan Jadwal.docx' is a Windows program (MZ header)",
            schedule=True,
        ),
    )


@message
def c14() -> Mail:
    t = when(2, 20, 14, 2, 13)
    return Mail(
        name="c2-14-problem-empty-xlsx-adendum-no-schedule",
        client="thunderbird",
        moment=t,
        sender=("Gilang Ramadhan", "gilang.ramadhan@karawangkab.go.id"),
        subject="Mohon dibuka kembali menu adendum - tender 10586240",
        body=text(r"""
            Yth. Admin LPSE Kab. Karawang,

            Mohon dibuka kembali akses adendum dokumen pemilihan tender 10586240 karena ada \
            revisi persyaratan kualifikasi (SBU). Jadwal tidak berubah. Form penanganan \
            permasalahan terlampir.

            Terima kasih,
            Gilang Ramadhan, S.T.
            Pokja Pemilihan 5
        """),
        files=[File("Form Penanganan Permasalahan.xlsx", b"")],
        label=label(
            "problem_report",
            ("problem_form",),
            "10586240",
            "invalid attachment: the XLSX form is empty (0 bytes); an addendum of the "
            "tender documents with 'Jadwal tidak berubah' is no schedule change",
        ),
    )


@message
def c15() -> Mail:
    t = when(2, 23, 8, 7, 44)
    d = dict(
        kode="10590044",
        paket="Pengadaan Obat dan BMHP RSUD",
        satker="RSUD Karawang",
        pokja="Pokja Pemilihan 2",
        jenis="Perubahan jadwal",
        uraian="Pokja belum selesai evaluasi karena klarifikasi peserta",
        tahapan="Pembukaan Dokumen Penawaran",
        semula="24 Februari 2026",
        baru="2 Maret 2026",
        pemohon="Agus Salim, S.T.",
        hp="0812-8765-1100",
        tanggal="22 Februari 2026",
    )
    return Mail(
        name="c2-15-schedule-followup-ticket-iphone",
        client="iphone",
        moment=t,
        sender=("Agus Salim", "agussalim.pokja2@icloud.com"),
        subject="Re: [HD-2026-00131] Perubahan jadwal pembukaan penawaran",
        in_reply_to="<HD-2026-00131.1771570920.4b1e@karawangkab.go.id>",
        references=["<HD-2026-00131.1771570920.4b1e@karawangkab.go.id>"],
        body=text(r"""
            Berikut formulir yg sudah ditandatangani. Mohon jadwal pembukaan penawaran dapat \
            digeser ke tgl 2 Maret 2026.

            Dikirim dari iPhone saya

            > Pada 20 Feb 2026, pukul 14.02, Helpdesk LPSE Kabupaten Karawang \
            <lpse@karawangkab.go.id> menulis:
            >
            > Yth. Bapak/Ibu Agus Salim,
            >
            > Permohonan Bapak/Ibu telah kami catat dengan nomor tiket HD-2026-00131
            > (Penanganan Permasalahan LPSE). Permohonan belum lengkap: Formulir Penanganan
            > Permasalahan LPSE belum dilampirkan.
            >
            > Hormat kami,
            > Helpdesk LPSE Kabupaten Karawang
        """),
        files=[
            File(
                "Dokumen yang Dipindai.pdf",
                pdf_bytes(
                    [problem_form(d)],
                    title="",
                    moment=t,
                    producer="Quartz PDFContext",
                    creator="Notes",
                    scanned="c15",
                ),
            )
        ],
        label=label(
            "problem_report",
            (),
            "10590044",
            "follow-up of ticket HD-2026-00131 (iOS, quote of our answer below the "
            "attribution); 'digeser'; scanned form carries the kode",
            schedule=True,
        ),
    )


@message
def c16() -> Mail:
    t = when(2, 24, 16, 30, 0)
    d = dict(
        kode="10593378",
        paket="Pemeliharaan Gedung Kantor Bappeda",
        satker="Bappeda",
        pokja="Pokja Pemilihan 6",
        jenis="Adendum jadwal",
        uraian="Pokja dinas luar pada tanggal pembuktian kualifikasi",
        tahapan="Pembuktian Kualifikasi",
        semula="25 Februari 2026",
        baru="27 Februari 2026",
        pemohon="Siti Aminah, S.E.",
        hp="0812-1010-6677",
        tanggal=tgl(t),
    )
    archive = zip_bytes(
        [
            (
                "New folder (3)/~ok~/FORMULIR (1).pdf",
                pdf_bytes([problem_form(d)], title="", moment=t),
            )
        ],
        t,
    )
    return Mail(
        name="c2-16-schedule-outlook-android-addendum-zip",
        client="outlook_android",
        moment=t,
        sender=("Siti Aminah", "siti.aminah86@outlook.com"),
        subject="RALAT JADWAL - addendum jadwal tender 10593378",
        body=text(r"""
            Yth. LPSE, mohon bantuan addendum jadwal tahap pembuktian kualifikasi krn Pokja \
            sedang dinas luar. Form ada di dalam zip.

            Get Outlook for Android
        """),
        files=[File("form.zip", archive)],
        label=label(
            "problem_report",
            (),
            "10593378",
            "Outlook for Android; 'addendum jadwal'; generic 'FORMULIR (1).pdf' in odd zip folders",
            schedule=True,
        ),
    )


@message
def c17() -> Mail:
    t = when(2, 25, 19, 12, 5)
    return Mail(
        name="c2-17-problem-terse-no-form-distractors",
        client="gmail",
        moment=t,
        sender=("Euis Komariah", "euis.komariah@gmail.com"),
        subject="pagu salah ketik",
        body=text(r"""
            mhn bantuan, pagu paket salah ketik, harusnya Rp 1.250.000.000. kd tender \
            10596121, kode RUP 59871234. hub sy di 0812-9911-2345. NIP 19850214 201001 1 009.
            thx
        """),
        label=label(
            "problem_report",
            ("problem_form",),
            "10596121",
            "terse data-entry error, no form; RUP code, phone and NIP are distractors",
        ),
    )


@message
def c18() -> Mail:
    t = when(2, 26, 10, 15, 40)
    d = dict(
        kode="10599004",
        paket="Pengadaan Bibit Padi Unggul",
        satker="Dinas Pertanian",
        pokja="Pokja Pemilihan 5",
        jenis="Perpanjangan waktu",
        uraian="Peserta sedikit, waktu pemasukan penawaran ditambah",
        tahapan="Upload Dokumen Penawaran",
        semula="s.d. 27 Februari 2026",
        baru="s.d. 5 Maret 2026",
        pemohon="Gilang Ramadhan, S.T.",
        hp="0852-1414-7070",
        tanggal="26 Februari 2026",
    )
    return Mail(
        name="c2-18-schedule-forwarded-scanner-mail",
        client="zimbra",
        moment=t,
        sender=("Gilang Ramadhan", "gilang.ramadhan@karawangkab.go.id"),
        subject="Fwd: Scanned from a Xerox Multifunction Printer",
        body=text(r"""


            ----- Pesan Terusan -----
            Dari: "scanner-ukpbj" <scanner.ukpbj@karawangkab.go.id>
            Kepada: "gilang ramadhan" <gilang.ramadhan@karawangkab.go.id>
            Terkirim: Kamis, 26 Februari 2026 10:13:02
            Subjek: Scanned from a Xerox Multifunction Printer

            Please open the attached document. It was scanned and sent to you using a Xerox \
            Multifunction Printer.

            Attachment File Type: PDF, Multi-Page

            Multifunction Printer Location: Lt. 2 UKPBJ
            Device Name: XRX9C934E
        """),
        files=[
            File(
                "Scan_20260226_101301.pdf",
                pdf_bytes(
                    [problem_form(d)],
                    title="",
                    moment=t,
                    producer="Xerox AltaLink C8130",
                    creator="Xerox",
                    scanned="c18",
                ),
            )
        ],
        label=label(
            "problem_report",
            (),
            "10599004",
            "forwarded scanner mail, nothing written by the Pokja: the request (a "
            "schedule change) is only in the scanned form",
            schedule=True,
        ),
    )


@message
def c19() -> Mail:
    t = when(2, 27, 8, 30, 16)
    return Mail(
        name="c2-19-schedule-html-only-photo-form",
        client="gmail",
        moment=t,
        options={"body": "html"},
        sender=("Neneng Hasanah", "neneng.hasanah@gmail.com"),
        subject="Perpanjangan masa sanggah - kode tender: 10605519",
        body=text(r"""
            Assalamualaikum,

            Mohon tahapan sanggah diperpanjang 3 hari kerja krn banyak pertanyaan peserta. \
            Form penanganan permasalahan (foto) terlampir.

            Neneng - Pokja 2
        """),
        files=[File("form penanganan permasalahan.jpg", jpeg_bytes("c19"))],
        label=label(
            "problem_report",
            (),
            "10605519",
            "HTML-only body; 'tahapan sanggah diperpanjang'; the form is a photo "
            "recognised by its file name",
            schedule=True,
        ),
    )


# === password_reset ===================================================================


def reset_letter(
    kop: str,
    agency: str,
    t_date: str,
    signer: tuple[list[str], str, str | None],
    perihal: str = "Permohonan Reset Password Administrator Agency",
) -> list:
    return letter(
        kop,
        "027/145/Umum",
        perihal,
        t_date,
        [
            f"Sehubungan dengan Administrator Agency {agency} tidak dapat masuk ke aplikasi SPSE "
            "karena lupa kata sandi, bersama ini kami mohon kiranya LPSE Kabupaten Karawang dapat "
            "melakukan reset password akun Administrator Agency kami.",
            "Sebagai kelengkapan kami lampirkan Surat Keputusan penunjukan Administrator Agency.",
            "Demikian atas perhatian dan kerja samanya kami ucapkan terima kasih.",
        ],
        signer,
    )


def admin_decree(
    kop: str,
    pejabat: str,
    agency: str,
    person: dict[str, str],
    t_date: str,
    signer: tuple[str, str | None],
    tentang: list[str] | None = None,
    extra: str = "",
) -> list:
    return decree(
        kop,
        pejabat,
        "800/0" + person["nip"][-3:] + "/Kpts/2026",
        tentang or [f"PENUNJUKAN ADMINISTRATOR AGENCY {extra}".strip(), f"PADA {agency.upper()}"],
        [person],
        t_date,
        signer,
        f"Menunjuk Saudara yang namanya tersebut di bawah ini sebagai Administrator "
        f"Agency {extra.lower()} pada {agency}:".replace("  ", " "),
    )


@message
def c20() -> Mail:
    t = when(3, 2, 9, 3, 11)
    person = dict(
        nama="Fajar Nugraha, S.Kom.",
        nip="19900512 201503 1 004",
        jabatan="Pranata Komputer",
        telepon="0812-3456-0099",
        email="adminagency.dishub@karawangkab.go.id",
    )
    signer = (
        ["Kepala Dinas Perhubungan", "Kabupaten Karawang,"],
        "Drs. Mulyana, M.Si.",
        "19700101 199003 1 011",
    )
    return Mail(
        name="c2-20-reset-outlook-long-disclaimer",
        client="outlook",
        moment=t,
        sender=("Fajar Nugraha", "fajar.nugraha@karawangkab.go.id"),
        subject="Permohonan Reset Password Admin Agency - Dinas Perhubungan",
        body=text(r"""
            Yth. Admin LPSE Kabupaten Karawang,

            Dengan hormat, bersama ini kami sampaikan surat permohonan reset password \
            Administrator Agency Dinas Perhubungan beserta SK penunjukannya.

            Terima kasih atas bantuannya.

            Salam hormat,

            Fajar Nugraha, S.Kom.
            Administrator Agency Dinas Perhubungan Kabupaten Karawang
            Jl. Jenderal Ahmad Yani No. 30 Karawang 41315
            Telp. (0267) 402518 | HP 0812-3456-0099
            ------------------------------------------------------------------------
            PERHATIAN: Email ini dan setiap lampirannya bersifat RAHASIA dan hanya \
            diperuntukkan bagi penerima yang dituju. Jika Anda bukan penerima yang dimaksud, \
            segera beritahu pengirim dan hapus email ini. Dilarang mengungkapkan, menyalin, \
            mendistribusikan atau mengambil tindakan berdasarkan isi email ini. Dinas \
            Perhubungan tidak pernah meminta password, kata sandi atau kode OTP melalui \
            email. Email ini telah dipindai dari virus, namun kami tidak menjamin email ini \
            bebas dari virus atau perubahan setelah dikirim.
            ------------------------------------------------------------------------
        """),
        files=[
            File(
                "Surat Permohonan Reset Password.pdf",
                pdf_bytes(
                    [reset_letter("dishub", "Dinas Perhubungan", tgl(t), signer)],
                    title="Surat",
                    moment=t,
                ),
            ),
            File(
                "SK Admin Agency Dishub 2026.pdf",
                pdf_bytes(
                    [
                        admin_decree(
                            "dishub",
                            "Kepala Dinas Perhubungan",
                            "Dinas Perhubungan Kabupaten Karawang",
                            person,
                            "5 Januari 2026",
                            signer[1:],
                        )
                    ],
                    title="SK",
                    moment=t,
                ),
            ),
        ],
        label=label(
            "password_reset",
            (),
            note="complete reset; Outlook signature with a long confidentiality "
            "disclaimer that names 'password' and 'perubahan'",
        ),
    )


@message
def c21() -> Mail:
    t = when(3, 3, 10, 44, 52)
    person = dict(
        nama="dr. Rina Puspita",
        nip="19880909 201402 2 003",
        jabatan="Kepala Subbagian Umum",
        telepon="0813-1100-2233",
        email="pengadaan.rsud@karawangkab.go.id",
    )
    signer = (
        ["Direktur RSUD Kabupaten Karawang,"],
        "dr. H. Asep Hidayat, Sp.PD.",
        "19720202 200003 1 005",
    )
    folder = "Berkas Reset/Baru (2)/"
    archive = zip_bytes(
        [
            (
                folder + "surat.pdf",
                pdf_bytes(
                    [
                        reset_letter(
                            "rsud",
                            "RSUD Kabupaten Karawang",
                            tgl(t),
                            signer,
                            "Permohonan Reset Akun Admin Agency",
                        )
                    ],
                    title="",
                    moment=t,
                ),
            ),
            (
                folder + "dokumen2.pdf",
                pdf_bytes(
                    [
                        admin_decree(
                            "rsud",
                            "Direktur RSUD Kabupaten Karawang",
                            "RSUD Kabupaten Karawang",
                            person,
                            "2 Januari 2026",
                            signer[1:],
                        )
                    ],
                    title="",
                    moment=t,
                ),
            ),
        ],
        t,
    )
    return Mail(
        name="c2-21-reset-zip-generic-names",
        client="zimbra",
        moment=t,
        sender=("Pengadaan RSUD", "pengadaan.rsud@karawangkab.go.id"),
        subject="reset akun admin agency RSUD",
        body=text(r"""
            Yth admin LPSE,
            mhn reset password akun admin agency RSUD krn admin kami lupa password. surat & \
            SK dlm zip.
            tks
        """),
        files=[File("berkas reset.zip", archive)],
        label=label(
            "password_reset",
            (),
            note="letter and decree inside a zip folder 'Berkas Reset/Baru (2)' as "
            "surat.pdf/dokumen2.pdf, recognised by their text",
        ),
    )


@message
def c22() -> Mail:
    t = when(3, 3, 14, 9, 27)
    person = dict(
        nama="Tono Sutisna",
        nip="19830310 200801 1 009",
        jabatan="Pengelola Data",
        telepon="0856-2121-3434",
        email="tono.disdukcapil@gmail.com",
    )
    signer = (
        ["Kepala Dinas Kependudukan", "dan Pencatatan Sipil,"],
        "H. Dedi Supriadi, S.H.",
        "19690707 199203 1 006",
    )
    letter_pdf = pdf_bytes(
        [reset_letter("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", tgl(t), signer)],
        title="Surat",
        moment=t,
    )
    decree_pdf = pdf_bytes(
        [
            admin_decree(
                "disdukcapil",
                "Kepala Dinas Kependudukan dan Pencatatan Sipil",
                "Disdukcapil Kabupaten Karawang",
                person,
                "8 Januari 2026",
                signer[1:],
            )
        ],
        title="SK",
        moment=t,
    )
    archive = zip_bytes(
        [("Surat Permohonan Reset Password.pdf", letter_pdf), ("SK Admin Agency.pdf", decree_pdf)],
        t,
        encrypted={"SK Admin Agency.pdf": "capil2026"},
    )
    return Mail(
        name="c2-22-reset-password-protected-zip-member",
        client="thunderbird",
        moment=t,
        sender=("Tono Sutisna", "tono.disdukcapil@gmail.com"),
        subject="Permohonan reset password administrator agency Disdukcapil",
        body=text(r"""
            Yth. LPSE Kabupaten Karawang,

            Bersama ini kami mohon reset password administrator agency Disdukcapil. Surat \
            permohonan dan SK kami kirim dalam file zip; SK kami beri password demi keamanan, \
            passwordnya akan kami sampaikan lewat WhatsApp.

            Hormat kami,
            Tono Sutisna
            Admin Agency Disdukcapil
        """),
        files=[File("Reset Admin Agency.zip", archive)],
        label=label(
            "password_reset",
            ("appointment_decree",),
            note="invalid attachment: the decree is a password-protected (ZipCrypto) "
            "zip member; the letter in the same zip counts",
        ),
    )


@message
def c23() -> Mail:
    t = when(3, 4, 7, 15, 3)
    return Mail(
        name="c2-23-ppk-own-password-other",
        client="gmail",
        moment=t,
        options={"android": True},
        sender=("Asep Mulyadi", "asepmulyadi.ppk@gmail.com"),
        subject="akun ppk terkunci",
        body=text(r"""
            Slmt pagi min,
            sy PPK di Dinas Perhubungan, akun PPK sy terkunci krn salah pwd 3x. mhn di reset \
            ya min, sdh ditunggu utk input kontrak.
            Tks
            Asep M
        """),
        label=label(
            "other",
            (),
            note="a PPK asks for its own password: its agency's Administrator Agency "
            "resets it, not LPSE",
        ),
    )


@message
def c24() -> Mail:
    t = when(3, 4, 11, 30, 45)
    signer = (
        ["Kepala BPKAD Kabupaten Karawang,"],
        "Hj. Nurhasanah, S.E., M.M.",
        "19710311 199503 2 002",
    )
    body = reset_letter("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", tgl(t), signer)
    return Mail(
        name="c2-24-reset-english-letter-only",
        client="gmail",
        moment=t,
        sender=("BPKAD Karawang", "bpkad.karawang@gmail.com"),
        subject="Reset password admin agency BPKAD",
        body=text(r"""
            Dear admin LPSE,

            Our admin agency account (BPKAD) cannot login, it says the account is locked. \
            Please reset the password. Attached is our request letter; the SK of the admin \
            agency will be sent later (still being signed).

            Regards,
            Sekretariat BPKAD
        """),
        files=[File("Request Letter Reset.docx", docx_bytes(body, author="BPKAD", moment=t))],
        label=label(
            "password_reset",
            ("appointment_decree",),
            note="English-mixed; DOCX letter only, decree announced for later",
        ),
    )


# === admin_replacement ================================================================


@message
def c25() -> Mail:
    t = when(3, 5, 9, 20, 33)
    person = dict(
        nama="Lusi Marlina, S.Sos.",
        nip="19890220 201402 2 006",
        jabatan="Analis Kebijakan",
        telepon="0877-7000-1212",
        email="adminagency.dinsos@karawangkab.go.id",
    )
    decree_pdf = pdf_bytes(
        [
            admin_decree(
                "dinsos",
                "Kepala Dinas Sosial",
                "Dinas Sosial Kabupaten Karawang",
                person,
                "2 Maret 2026",
                ("Drs. Wahyu Hidayat", "19680808 199003 1 012"),
            )
        ],
        title="SK",
        moment=t,
    )
    return Mail(
        name="c2-25-replacement-android-photo-letter",
        client="gmail",
        moment=t,
        options={"android": True},
        sender=("Lusi Marlina", "lusimarlina89@gmail.com"),
        subject="Penggantian Admin Agency Dinas Sosial",
        body=text(r"""
            Yth LPSE,
            kami mengajukan penggantian admin agency Dinsos krn admin lama (Sdr. Komarudin) \
            sudah pensiun. Surat (foto) dan SK terlampir.
            Terima kasih
        """),
        files=[
            File("Surat Penggantian Admin Agency Dinsos.jpeg", jpeg_bytes("c25")),
            File("SK Admin Agency Dinsos 2026.pdf", decree_pdf),
        ],
        label=label(
            "admin_replacement",
            (),
            note="complete: letter as a phone photo named for what it is, PDF decree",
        ),
    )


@message
def c26() -> Mail:
    t = when(3, 5, 15, 1, 8)
    signer = (
        ["Kepala Dinas Pendidikan,", "Pemuda dan Olahraga"],
        "Dr. H. Ahmad Suhud, M.Pd.",
        "19700415 199403 1 007",
    )
    body = letter(
        "disdik",
        "800/2210/Sekre",
        "Permohonan Pergantian Administrator Agency",
        tgl(t),
        [
            "Sehubungan dengan mutasi Sdr. Iwan Setiawan ke Kecamatan Tirtamulya, "
            "kami mengajukan pergantian Administrator Agency Dinas Pendidikan, Pemuda "
            "dan Olahraga kepada Sdri. Rosita Dewi, S.Kom.",
            "Surat Keputusan penunjukan akan kami sampaikan kemudian.",
        ],
        signer,
    )
    return Mail(
        name="c2-26-replacement-mutation-decree-later",
        client="outlook",
        moment=t,
        sender=("Rosita Dewi", "rosita.dewi@karawangkab.go.id"),
        subject="Pergantian operator admin agency Disdik",
        body=text(r"""
            Selamat sore,

            Admin agency kami Sdr. Iwan Setiawan dimutasi ke Kecamatan, kami ajukan pergantian \
            admin agency kepada Sdri. Rosita Dewi. Surat permohonan terlampir, SK penunjukan \
            menyusul minggu depan.

            Terima kasih,
            Rosita Dewi, S.Kom.
            Subbag Umum dan Kepegawaian Disdikpora
        """),
        files=[File("surat.docx", docx_bytes(body, author="Rosita", moment=t))],
        label=label(
            "admin_replacement",
            ("appointment_decree",),
            note="'pergantian ... admin agency' after a mutation; generic 'surat.docx'; "
            "decree announced for later",
        ),
    )


@message
def c27() -> Mail:
    t = when(3, 6, 10, 10, 10)
    person = dict(
        nama="Yanti Mulyani",
        nip="19900101 201903 2 010",
        jabatan="Pengelola Umum",
        telepon="0812-5656-7878",
        email="kec.klari@karawangkab.go.id",
    )
    signer = (["Camat Klari,"], "Drs. Saepul Anwar", "19750606 199803 1 004")
    letter_pdf = pdf_bytes(
        [
            letter(
                "klari",
                "027/088/Kec",
                "Permohonan Penggantian Personil Administrator Agency",
                tgl(t),
                [
                    "Bersama ini kami mohon penggantian personil "
                    "Administrator Agency Kecamatan Klari dari Sdr. Jajang "
                    "kepada Sdri. Yanti Mulyani."
                ],
                signer,
            )
        ],
        title="Surat",
        moment=t,
    )
    decree_docx = docx_bytes(
        admin_decree("klari", "Camat Klari", "Kecamatan Klari", person, "4 Maret 2026", signer[1:]),
        author="Kec",
        moment=t,
    )
    return Mail(
        name="c2-27-replacement-decree-docx-named-pdf",
        client="zimbra",
        moment=t,
        sender=("Kecamatan Klari", "kec.klari@karawangkab.go.id"),
        subject="Permohonan Penggantian Personil Administrator Agency - Kecamatan Klari",
        body=text(r"""
            Yth. Kepala UPT LPSE Kabupaten Karawang,

            Bersama ini kami sampaikan permohonan penggantian personil Administrator Agency \
            Kecamatan Klari beserta SK penunjukannya.

            Hormat kami,
            Kecamatan Klari
        """),
        files=[
            File("Surat Penggantian Admin Agency.pdf", letter_pdf),
            File("SK Admin Agency Kec Klari.pdf", decree_docx),
        ],
        label=label(
            "admin_replacement",
            ("appointment_decree",),
            note="invalid attachment: 'SK Admin Agency Kec Klari.pdf' is a DOCX (zip "
            "bytes) named .pdf: type does not match its name",
        ),
    )


# === additional_admin =================================================================


@message
def c28() -> Mail:
    t = when(3, 6, 13, 45, 19)
    person = dict(
        nama="Rudi Setiadi, A.Md.Kes.",
        nip="19930918 202012 1 005",
        jabatan="Pengelola Pengadaan",
        telepon="0819-1111-2020",
        email="rudi.setiadi@karawangkab.go.id",
    )
    kep = admin_decree(
        "dinkes",
        "Kepala Dinas Kesehatan",
        "Dinas Kesehatan",
        person,
        "5 Maret 2026",
        ("dr. Hj. Endang Suryani, M.Kes.", "19690303 199503 2 004"),
        tentang=[
            "ADMINISTRATOR AGENCY SISTEM PENGADAAN SECARA ELEKTRONIK",
            "DI LINGKUNGAN DINAS KESEHATAN KABUPATEN KARAWANG",
        ],
        extra="tambahan",
    )
    return Mail(
        name="c2-28-additional-admin-decree-titled-otherwise",
        client="gmail",
        moment=t,
        sender=("Dinkes Karawang", "dinkes.karawang@gmail.com"),
        subject="mhn tambahan 1 akun admin agency utk Dinkes",
        body=text(r"""
            Yth. Admin LPSE,

            Mhn ditambahkan 1 (satu) org admin agency lg utk Dinas Kesehatan krn beban kerja \
            bertambah (36 UPTD Puskesmas). Keputusan Kepala Dinas terlampir.

            Terima kasih
            Sekretariat Dinkes
        """),
        files=[File("Kepdin 800-045.pdf", pdf_bytes([kep], title="", moment=t))],
        label=label(
            "additional_admin",
            (),
            note="decree titled 'KEPUTUSAN ... TENTANG ADMINISTRATOR AGENCY SISTEM "
            "PENGADAAN ...' (no 'penunjukan') under a generic file name",
        ),
    )


@message
def c29() -> Mail:
    t = when(3, 9, 8, 58, 0)
    return Mail(
        name="c2-29-additional-admin-english-no-decree",
        client="thunderbird",
        moment=t,
        sender=("Bapenda Karawang", "bapenda@karawangkab.go.id"),
        subject="Request for additional admin agency account - Bapenda",
        body=text(r"""
            Dear LPSE,

            We would like to request one more admin agency account for Bapenda, because our \
            procurement workload has doubled this year. The SK will follow once it is signed \
            by the Head of Bapenda.

            Thank you.
            Bapenda Kab. Karawang
        """),
        label=label(
            "additional_admin",
            ("appointment_decree",),
            note="English: 'additional admin agency', 'one more'; decree announced",
        ),
    )


# === join_request =====================================================================


def bps_docs(t: Any) -> list[tuple[str, bytes]]:
    signer = (
        ["Kepala Badan Pusat Statistik", "Kabupaten Karawang,"],
        "Dr. Hendra Kusuma, M.Si.",
        "19740404 199801 1 002",
    )
    person = dict(
        nama="Sri Wulandari, S.S.T.",
        nip="19910710 201401 2 003",
        jabatan="Statistisi Ahli Pertama",
        telepon="0812-9090-1313",
        email="sri.wulandari@bps.go.id",
    )
    join = letter(
        "bps",
        "B-145/32150/KU.000/02/2026",
        "Permohonan Bergabung dengan LPSE Kabupaten Karawang",
        tgl(t),
        [
            "BPS Kabupaten Karawang bermaksud menggunakan layanan LPSE Kabupaten "
            "Karawang untuk pelaksanaan pengadaan barang/jasa secara elektronik."
        ],
        signer,
    )
    training = letter(
        "bps",
        "B-146/32150/KU.000/02/2026",
        "Permohonan Pelatihan Administrator Agency dan Pokja Pemilihan",
        tgl(t),
        [
            "Kami mohon dapat diikutsertakan dalam bimbingan teknis "
            "Administrator Agency dan Pokja Pemilihan."
        ],
        signer,
    )
    kep = decree(
        "bps",
        "Kepala Badan Pusat Statistik Kabupaten Karawang",
        "B-12/32150/2026",
        ["PENUNJUKAN ADMINISTRATOR AGENCY", "BADAN PUSAT STATISTIK KABUPATEN KARAWANG"],
        [person],
        tgl(t),
        (signer[1], signer[2]),
        "Menunjuk Saudara tersebut di bawah ini sebagai Administrator Agency:",
    )
    agreement = sla(
        "Badan Pusat Statistik Kabupaten Karawang",
        "Kepala",
        signer[1],
        signer[2],
        "Senin tanggal dua bulan Maret tahun dua ribu dua puluh enam",
    )
    return [
        ("Berkas Bergabung LPSE/01 Surat Permohonan.pdf", pdf_bytes([join], title="", moment=t)),
        ("Berkas Bergabung LPSE/02 Surat Pelatihan.pdf", pdf_bytes([training], title="", moment=t)),
        ("Berkas Bergabung LPSE/03 SK.pdf", pdf_bytes([kep], title="", moment=t)),
        ("Berkas Bergabung LPSE/04 SLA ttd.pdf", pdf_bytes([agreement], title="", moment=t)),
    ]


@message
def c30() -> Mail:
    t = when(3, 9, 14, 12, 41)
    return Mail(
        name="c2-30-join-complete-zip",
        client="outlook",
        moment=t,
        sender=("Subbag Umum BPS Karawang", "umum3215@bps.go.id"),
        subject="Permohonan Menjadi Pengguna Layanan LPSE Kabupaten Karawang",
        body=text(r"""
            Yth. Kepala UPT LPSE Kabupaten Karawang,

            Badan Pusat Statistik Kabupaten Karawang bermaksud menggunakan layanan LPSE \
            Kabupaten Karawang untuk pelaksanaan tender tahun 2026. Berkas persyaratan kami \
            kirim dalam satu file zip: surat permohonan, surat permohonan pelatihan, SK \
            Administrator Agency dan SLA yang sudah ditandatangani.

            Hormat kami,
            Subbagian Umum BPS Kabupaten Karawang
        """),
        files=[File("Berkas Bergabung LPSE.zip", zip_bytes(bps_docs(t), t))],
        label=label(
            "join_request",
            (),
            note="complete join request: four PDFs in one zip, numbered generic names",
        ),
    )


@message
def c31() -> Mail:
    t = when(3, 10, 9, 31, 7)
    signer = (["Kepala BNN Kabupaten Karawang,"], "AKBP Drs. Budi Santoso", None)
    join = letter(
        "bnnk",
        "B/77/III/KA/PL.00/2026/BNNK",
        "Permohonan Bergabung dengan LPSE",
        tgl(t),
        [
            "BNN Kabupaten Karawang bermaksud bergabung dengan LPSE Kabupaten "
            "Karawang sebagai instansi pengguna SPSE."
        ],
        signer,
    )
    agreement = sla(
        "BNN Kabupaten Karawang",
        "Kepala",
        signer[1],
        None,
        "Senin tanggal sembilan bulan Maret tahun dua ribu dua puluh enam",
    )
    return Mail(
        name="c2-31-join-two-documents-missing",
        client="zimbra",
        moment=t,
        sender=("Sekretariat BNNK", "bnnk.karawang@bnn.go.id"),
        subject="Pengajuan keanggotaan LPSE - BNN Kabupaten Karawang",
        body=text(r"""
            Yth. LPSE Kabupaten Karawang,

            BNNK Karawang ingin bergabung dengan LPSE Kab. Karawang. Bersama ini kami \
            sampaikan surat permohonan dan SLA yang sudah ditandatangani; surat permohonan \
            bimtek dan SK admin agency akan menyusul.

            Salam,
            Sekretariat BNNK Karawang
        """),
        files=[
            File("Surat Permohonan Bergabung BNNK.pdf", pdf_bytes([join], title="", moment=t)),
            File("SLA BNNK - LPSE Karawang.pdf", pdf_bytes([agreement], title="", moment=t)),
        ],
        label=label(
            "join_request",
            ("training_letter", "appointment_decree"),
            note="join letter and signed SLA; training letter and decree to follow",
        ),
    )


# === data_request =====================================================================


@message
def c32() -> Mail:
    t = when(3, 10, 13, 3, 58)
    signer = (
        ["Kepala Dinas Perikanan", "Kabupaten Karawang,"],
        "Ir. Dadan Hamdani, M.P.",
        "19700912 199603 1 003",
    )
    body = letter(
        "diskan",
        "027/318/Diskan",
        "Permintaan Rekapitulasi Paket Tender Tahun Anggaran 2025",
        tgl(t),
        [
            "Dalam rangka pemeriksaan BPK atas belanja modal Tahun Anggaran 2025, kami "
            "mohon dapat diberikan rekapitulasi paket tender Dinas Perikanan Tahun "
            "Anggaran 2025 (nama paket, kode tender, pagu, HPS, nilai kontrak dan "
            "pemenang)."
        ],
        signer,
    )
    return Mail(
        name="c2-32-data-request-rekap-letter",
        client="zimbra",
        moment=t,
        sender=("Dinas Perikanan", "diskan@karawangkab.go.id"),
        subject="permintaan rekap paket tender TA 2025 - Dinas Perikanan",
        body=text(r"""
            Yth. Admin LPSE,

            Untuk keperluan pemeriksaan BPK, mohon dapat diberikan rekap paket tender TA 2025 \
            milik Dinas Perikanan (nama paket, kode tender, pagu, HPS, pemenang) dalam format \
            Excel. Surat permintaan terlampir.

            Terima kasih
            Subbag Program Diskan
        """),
        files=[File("Surat Diskan.pdf", pdf_bytes([body], title="", moment=t))],
        label=label(
            "data_request",
            (),
            note="asks a 'rekap paket tender' (no word 'data'); letter's Perihal "
            "'Permintaan Rekapitulasi Paket Tender'; 'kode tender' only a column",
        ),
    )


@message
def c33() -> Mail:
    t = when(3, 11, 10, 20, 20)
    return Mail(
        name="c2-33-data-request-english-no-letter",
        client="gmail",
        moment=t,
        sender=("Disperindag Karawang", "disperindag.krw@gmail.com"),
        subject="Request data tender 2025 - Disperindag",
        body=text(r"""
            Hi LPSE team,

            Could you please send us the list of our agency's tenders in 2025 (package name, \
            budget, winner) in Excel? We need it for the annual report.

            Thanks a lot,
            Disperindag
        """),
        label=label(
            "data_request",
            ("data_request_letter",),
            note="English data request for the agency's own tenders, without a letter",
        ),
    )


@message
def c34() -> Mail:
    t = when(3, 11, 14, 40, 2)
    signer = (
        ["Kepala Dinas Sosial", "Kabupaten Karawang,"],
        "Drs. Wahyu Hidayat",
        "19680808 199003 1 012",
    )
    body = letter(
        "dinsos",
        "027/501/Dinsos",
        "Permohonan Data Paket Pengadaan Dinas Sosial",
        tgl(t),
        [
            "Kami mohon data paket pengadaan Dinas Sosial yang dilaksanakan "
            "melalui SPSE pada Tahun Anggaran 2025."
        ],
        signer,
    )
    return Mail(
        name="c2-34-data-request-reply-in-old-reset-thread",
        client="outlook",
        moment=t,
        sender=("Lusi Marlina", "lusi.marlina@karawangkab.go.id"),
        subject="RE: reset password admin agency Dinas Sosial",
        body=text(r"""
            Pak, sekalian kami mohon data paket pengadaan Dinas Sosial TA 2025 dari SPSE. \
            Surat permohonannya terlampir.

            Terima kasih,
            Lusi

            Dari: Rudi Hermawan <rudi.hermawan@karawangkab.go.id>
            Dikirim: Senin, 09 Maret 2026 10.02
            Kepada: Lusi Marlina <lusi.marlina@karawangkab.go.id>
            Subjek: RE: reset password admin agency Dinas Sosial

            Bu Lusi, password Administrator Agency Dinas Sosial sudah kami reset dan dikirim \
            ke email admin agency yang terdaftar. Mohon segera login dan mengganti password.

            Rudi - LPSE
        """),
        files=[File("Surat Permohonan Data.pdf", pdf_bytes([body], title="", moment=t))],
        label=label(
            "data_request",
            (),
            note="reply in an old thread whose subject and quote are a password reset; "
            "the new text and the attached letter ask for data",
        ),
    )


# === sub_agency, other ================================================================


@message
def c35() -> Mail:
    t = when(3, 12, 9, 9, 9)
    return Mail(
        name="c2-35-sub-agency-other-wording",
        client="outlook",
        moment=t,
        sender=("Sekretariat Dinkes", "sekretariat.dinkes@karawangkab.go.id"),
        subject="Permohonan pembuatan agency tersendiri untuk UPTD Puskesmas BLUD",
        body=text(r"""
            Yth. Kepala UPT LPSE Kabupaten Karawang,

            Sehubungan dengan penetapan 3 (tiga) UPTD Puskesmas sebagai BLUD, kami mohon \
            dapat dibuatkan agency tersendiri di bawah Dinas Kesehatan untuk masing-masing \
            UPTD Puskesmas, sehingga paket BLUD dapat dikelola terpisah dari paket Dinas.

            Hormat kami,
            Sekretariat Dinas Kesehatan
        """),
        label=label(
            "sub_agency",
            note="asks an agency of its own under the Dinas for each UPTD: a sub agency "
            "in other words (no 'sub agency' written)",
        ),
    )


@message
def c36() -> Mail:
    t = when(3, 12, 16, 55, 30)
    return Mail(
        name="c2-36-vendor-complaint",
        client="gmail",
        moment=t,
        sender=("CV Jaya Abadi Teknik", "cv.jayaabaditeknik@gmail.com"),
        subject="KOMPLAIN!!! tidak bisa upload penawaran",
        body=text(r"""
            Kepada LPSE Karawang,

            Kami dari CV Jaya Abadi Teknik peserta tender kode tender 10602277. Sudah 3 jam \
            tidak bisa upload dokumen penawaran, servernya lambat sekali. Kami minta jadwal \
            upload diperpanjang, kalau tidak kami akan sanggah!

            Direktur CV Jaya Abadi Teknik
            HP 0811-2233-4455
        """),
        label=label(
            "other",
            (),
            "10602277",
            note="a bidder complains and demands an extension: a complaint, not a "
            "Pokja's schedule change",
        ),
    )


@message
def c37() -> Mail:
    t = when(3, 13, 11, 11, 11)
    return Mail(
        name="c2-37-question-about-forensic-procedure",
        client="zimbra",
        moment=t,
        sender=("Lina Marlina", "lina.marlina@karawangkab.go.id"),
        subject="Pertanyaan prosedur uji forensik",
        body=text(r"""
            Selamat siang Admin LPSE,

            Mau tanya: untuk permintaan uji forensik, apakah Berita Acara harus ditandatangani \
            seluruh anggota Pokja atau cukup Ketua? Dan apakah file rhs wajib dilampirkan?

            Terima kasih.
            Lina - Pokja Pemilihan 7
        """),
        label=label(
            "other", note="a question about the forensic procedure, no request and no documents"
        ),
    )


# ---------------------------------------------------------------------------------------
def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name.endswith(".eml"):
            os.remove(os.path.join(out, name))
    labels: dict[str, dict[str, Any]] = {}
    for make in [*MESSAGES, *MACHINE_MAILS]:
        mail = make()
        filename = mail.name + ".eml"
        assert filename not in labels, filename
        with open(os.path.join(out, filename), "wb") as handle:
            handle.write(build_mail(mail))
        labels[filename] = mail.label
    with open(os.path.join(out, "labels.json"), "w", encoding="utf-8") as handle:
        json.dump(dict(sorted(labels.items())), handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    print(f"wrote {len(labels)} messages and labels.json to {out}")


if __name__ == "__main__":
    main()
