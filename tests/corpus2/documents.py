"""The paper the requests carry, as layout blocks: forms, minutes, letters, decrees, SLA.

The wording differs from the first corpus on purpose (other form layouts, other letter
subjects, decrees titled in other ways), as different agencies write them.
"""

from __future__ import annotations

from typing import Any

from build import Block

KOP = {
    "ukpbj": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "SEKRETARIAT DAERAH",
        "BAGIAN PENGADAAN BARANG DAN JASA",
        "Jl. Jenderal Ahmad Yani No. 1 Karawang 41315 Telp. (0267) 402134",
    ],
    "dishub": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "DINAS PERHUBUNGAN",
        "Jl. Jenderal Ahmad Yani No. 30 Karawang 41315 Telp. (0267) 402518",
    ],
    "rsud": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "RUMAH SAKIT UMUM DAERAH KABUPATEN KARAWANG",
        "Jl. Galuh Mas Raya No. 1 Karawang 41361 Telp. (0267) 640444",
    ],
    "disdukcapil": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "Jl. Interchange Karawang Barat No. 5 Karawang 41361 Telp. (0267) 8452006",
    ],
    "bpkad": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH",
        "Jl. Jenderal Ahmad Yani No. 1 Karawang 41315 Telp. (0267) 403810",
    ],
    "dinsos": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "DINAS SOSIAL",
        "Jl. Surotokunto No. 21 Karawang 41313 Telp. (0267) 8490211",
    ],
    "disdik": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "DINAS PENDIDIKAN, PEMUDA DAN OLAHRAGA",
        "Jl. Jenderal Ahmad Yani No. 21 Karawang 41315 Telp. (0267) 402210",
    ],
    "klari": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "KECAMATAN KLARI",
        "Jl. Raya Klari No. 12 Klari Karawang 41371 Telp. (0267) 431022",
    ],
    "dinkes": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "DINAS KESEHATAN",
        "Jl. Jenderal Ahmad Yani No. 84 Karawang 41315 Telp. (0267) 401476",
    ],
    "bps": [
        "BADAN PUSAT STATISTIK",
        "KABUPATEN KARAWANG",
        "Jl. Jenderal Ahmad Yani No. 39 Karawang 41315 Telp. (0267) 402365",
    ],
    "bnnk": [
        "BADAN NARKOTIKA NASIONAL",
        "KABUPATEN KARAWANG",
        "Jl. Tuparev No. 301 Karawang 41312 Telp. (0267) 8454115",
    ],
    "diskan": [
        "PEMERINTAH KABUPATEN KARAWANG",
        "DINAS PERIKANAN",
        "Jl. Tuparev No. 124 Karawang 41312 Telp. (0267) 403366",
    ],
}

KEPADA = ["Kepada Yth.", "Kepala UPT LPSE Kabupaten Karawang", "di", "Tempat"]


def sign(place_date: str | None, roles: list[str], name: str, nip: str | None) -> Block:
    lines = ([place_date] if place_date else []) + roles + ["", "(ttd dan cap)", "", name]
    return ("sign", lines + ([f"NIP. {nip}"] if nip else []))


def forensic_form(d: dict[str, Any], layout: str = "kv") -> list[Block]:
    """Formulir Permintaan Uji Forensik; `layout="table"` is the numbered three-column form."""
    rows = [
        ("Kode Tender", d["kode"]),
        ("Nama Paket", d["paket"]),
        ("Satuan Kerja", d["satker"]),
        ("Nama Pokja", d["pokja"]),
        ("Nama Peserta", d["peserta"]),
        ("Nama File (.rhs)", d.get("rhs", "-")),
        ("Tanggal Pembukaan", d["buka"]),
        ("Permasalahan", d.get("alasan", "File penawaran gagal didekripsi di aplikasi SPSE")),
        ("Pemohon", d["pemohon"]),
        ("No. HP", d["hp"]),
    ]
    head: list[Block] = [
        ("title", "FORMULIR PERMINTAAN UJI FORENSIK"),
        ("center", "FILE DOKUMEN PENAWARAN (RHS) APLIKASI SPSE"),
        ("space",),
    ]
    if layout == "table":
        body: list[Block] = [
            (
                "table",
                ["No", "Uraian", "Isian"],
                [[str(i + 1), k, str(v)] for i, (k, v) in enumerate(rows)],
            )
        ]
    else:
        body = [("kv", rows)]
    return (
        head
        + body
        + [("space",), sign(f"Karawang, {d['tanggal']}", ["Pemohon,"], d["pemohon"], d.get("nip"))]
    )


def forensic_minutes(d: dict[str, Any]) -> list[Block]:
    members = [[str(i + 1), name, role, "ttd"] for i, (name, role) in enumerate(d["anggota"])]
    return [
        ("center", "PEMERINTAH KABUPATEN KARAWANG"),
        ("center", "BAGIAN PENGADAAN BARANG DAN JASA SETDA"),
        ("space",),
        ("title", "BERITA ACARA"),
        ("title", "PERMOHONAN UJI FORENSIK FILE PENAWARAN"),
        ("center", f"Nomor : {d['ba_no']}"),
        (
            "p",
            f"Pada hari ini {d['hari']}, {d['pokja']} yang ditetapkan untuk melaksanakan "
            f"pemilihan penyedia paket {d['paket']} (kode tender {d['kode']}) telah melakukan "
            "pembukaan file penawaran. File penawaran atas nama peserta berikut tidak dapat "
            "didekripsi oleh aplikasi SPSE:",
        ),
        ("kv", [("Nama Peserta", d["peserta"]), ("Nama File", d.get("rhs", "-"))]),
        (
            "p",
            "Sehubungan dengan hal tersebut Pokja Pemilihan meminta LPSE Kabupaten Karawang "
            "melakukan uji forensik atas file tersebut. Evaluasi terhadap peserta dimaksud "
            "ditunda sampai hasil uji forensik diterima.",
        ),
        ("table", ["No", "Nama", "Jabatan", "Paraf"], members),
    ]


def problem_form(d: dict[str, Any]) -> list[Block]:
    rows = [
        ("Kode Tender", d["kode"]),
        ("Nama Paket", d["paket"]),
        ("Satuan Kerja", d["satker"]),
        ("Nama Pokja", d["pokja"]),
        ("Jenis Permasalahan", d["jenis"]),
        ("Uraian", d["uraian"]),
        ("Perubahan Jadwal", "Ya" if d.get("tahapan") else "Tidak"),
    ]
    if d.get("tahapan"):
        rows += [
            ("Tahapan", d["tahapan"]),
            ("Jadwal Semula", d["semula"]),
            ("Jadwal Baru", d["baru"]),
        ]
    if d.get("user"):
        rows += [("User ID Pokja", d["user"]), ("Password", d["password"])]
    rows += [("Nama Pemohon", d["pemohon"]), ("No. HP / WA", d["hp"]), ("Tanggal", d["tanggal"])]
    return [
        ("title", "FORMULIR PENANGANAN PERMASALAHAN LPSE"),
        ("center", "UPT LPSE KABUPATEN KARAWANG"),
        ("space",),
        ("kv", rows),
        ("space",),
        sign(None, ["Pemohon,"], d["pemohon"], d.get("nip")),
    ]


def problem_form_rows(d: dict[str, Any]) -> list[tuple[object, ...]]:
    """The same form as spreadsheet rows (title row first)."""
    blocks = problem_form(d)
    rows: list[tuple[object, ...]] = [
        ("FORMULIR PENANGANAN PERMASALAHAN LPSE",),
        ("UPT LPSE Kabupaten Karawang",),
        (),
    ]
    for block in blocks:
        if block[0] == "kv":
            rows += [(label, int(v) if label == "Kode Tender" else v) for label, v in block[1]]
    return rows


def letter(
    kop: str,
    nomor: str,
    perihal: str,
    date: str,
    paras: list[str],
    signer: tuple[list[str], str, str | None],
    lampiran: str = "1 (satu) berkas",
    perihal_label: str = "Perihal",
) -> list[Block]:
    roles, name, nip = signer
    blocks: list[Block] = [("center", line) for line in KOP[kop][:-1]]
    blocks += [
        ("center", KOP[kop][-1]),
        ("space",),
        ("lines", [f"Karawang, {date}"]),
        (
            "kv",
            [
                ("Nomor", nomor),
                ("Sifat", "Penting"),
                ("Lampiran", lampiran),
                (perihal_label, perihal),
            ],
        ),
        ("lines", KEPADA),
        ("space",),
    ]
    blocks += [("p", para) for para in paras]
    return [*blocks, ("space",), sign(None, roles, name, nip)]


def decree(
    kop: str,
    pejabat: str,
    nomor: str,
    tentang: list[str],
    persons: list[dict[str, str]],
    date: str,
    signer: tuple[str, str | None],
    diktum: str,
) -> list[Block]:
    """A Surat Keputusan; `tentang` lines are its subject, as the agency words it."""
    name, nip = signer
    blocks: list[Block] = [("center", line) for line in KOP[kop]]
    blocks += [
        ("space",),
        ("title", f"KEPUTUSAN {pejabat.upper()}"),
        ("center", f"NOMOR {nomor}"),
        ("center", "TENTANG"),
    ]
    blocks += [("title", line) for line in tentang]
    blocks += [
        ("space",),
        ("center", "DENGAN RAHMAT TUHAN YANG MAHA ESA"),
        ("center", f"{pejabat.upper()},"),
        (
            "p",
            "Menimbang : bahwa untuk kelancaran pengadaan barang/jasa secara elektronik "
            "perlu menetapkan personil yang mengelola akun pada aplikasi SPSE;",
        ),
        (
            "p",
            "Mengingat : Peraturan Presiden Nomor 16 Tahun 2018 sebagaimana telah diubah "
            "dengan Peraturan Presiden Nomor 12 Tahun 2021;",
        ),
        ("center", "MEMUTUSKAN :"),
        ("p", f"KESATU : {diktum}"),
    ]
    for person in persons:
        blocks.append(
            (
                "kv",
                [
                    ("Nama Lengkap", person["nama"]),
                    ("NIP", person["nip"]),
                    ("Jabatan", person["jabatan"]),
                    ("No. Telepon", person["telepon"]),
                    ("Email", person["email"]),
                ],
            )
        )
    blocks += [
        ("p", "KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan."),
        sign(f"Ditetapkan di Karawang pada tanggal {date}", [f"{pejabat.upper()},"], name, nip),
    ]
    return blocks


def sla(party: str, head_title: str, head: str, nip: str | None, date_words: str) -> list[Block]:
    return [
        ("title", "SERVICE LEVEL AGREEMENT (SLA)"),
        ("title", "PERJANJIAN TINGKAT LAYANAN"),
        ("center", "ANTARA UPT LPSE KABUPATEN KARAWANG DAN"),
        ("center", party.upper()),
        (
            "p",
            f"Pada hari ini {date_words}, Kepala UPT LPSE Kabupaten Karawang (PIHAK PERTAMA) "
            f"dan {head_title} {party} (PIHAK KEDUA) sepakat atas layanan SPSE sebagai "
            "berikut.",
        ),
        (
            "p",
            "Pasal 1. PIHAK PERTAMA menyediakan aplikasi SPSE dan layanan helpdesk melalui "
            "email resmi LPSE. Pasal 2. PIHAK KEDUA menunjuk Administrator Agency dengan Surat "
            "Keputusan dan menyampaikan permohonan layanan beserta dokumen persyaratannya. "
            "Pasal 3. PIHAK PERTAMA tidak melayani pendaftaran Sub Agency.",
        ),
        (
            "lines",
            [
                "PIHAK PERTAMA, Kepala UPT LPSE Kabupaten Karawang  ttd  Drs. H. Iwan Ridwan, "
                "M.Si.",
                f"PIHAK KEDUA, {head_title}  ttd  {head}" + (f"  NIP. {nip}" if nip else ""),
            ],
        ),
    ]
