"""Which SLA documents (DOMAIN.md ids) a file holds, from its title lines or its name.

A document is recognised by what heads it: a form's or minutes' title, a decree's
"KEPUTUSAN ... TENTANG PENUNJUKAN ADMINISTRATOR AGENCY", a letter's "Perihal:" line.
Mentions further down ("SK terlampir") never count. Each page is judged on its own, so
a merged PDF can hold several documents. Files without text are judged by their name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

# How many non-empty lines at the top of a page can hold its title and subject.
HEAD_LINES: Final = 18

_ADMIN: Final = r"adm(in(istrator|istrasi)?)?\.?\s*agen(cy|si)"
_PASSWORD: Final = r"(pass\s?wo?r?d|passwd|pwd|kata\s*sandi|sandi)"
_FORENSIC: Final = r"foren(s|z)i[kc]"

# Title lines (start of a line, near the top of a page) and the document they open.
_TITLES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("forensic_form", re.compile(rf"^form(ulir)?\b.*\b(uji\s+)?{_FORENSIC}", re.I)),
    ("forensic_minutes", re.compile(rf"^(berita\s+acara|ba)\b.*{_FORENSIC}", re.I)),
    ("problem_form", re.compile(r"^form(ulir)?\b.*\b(permasalahan|perubahan\s+jadwal)", re.I)),
    (
        "signed_sla",
        re.compile(r"^\(?(perjanjian\s+tingkat\s+layanan|service\s+level\s+agreement)", re.I),
    ),
)
_DECREE_TITLE: Final = re.compile(r"^(surat\s+)?keputusan\b", re.I)
# "TENTANG PENUNJUKAN ADMINISTRATOR AGENCY", or a decree about the admin agency itself
# ("TENTANG ADMINISTRATOR AGENCY SISTEM PENGADAAN ...", "TENTANG PETUGAS ADMIN AGENCY").
_DECREE_SUBJECT: Final = re.compile(
    rf"(penunjukan|pengangkatan|penetapan|menunjuk)\b.*{_ADMIN}"
    rf"|\btentang\s+(\w+\s+){{0,2}}?{_ADMIN}",
    re.I,
)
_MINUTES_TITLE: Final = re.compile(r"^berita\s+acara\b", re.I)
_SUBJECT_LINE: Final = re.compile(r"^(perihal|prihal|perihal surat|hal)\s*[:;\t]\s*(.*)$", re.I)
_LETTER_TITLE: Final = re.compile(r"^(surat\s+)?permohonan\b.*", re.I)

# A letter's subject (its "Perihal") and the document it makes the letter.
_LETTERS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "reset_letter",
        re.compile(
            rf"(reset|atur\s+ulang|pemulihan|lupa)\b.*{_PASSWORD}|{_PASSWORD}.*\breset"
            rf"|(reset|atur\s+ulang|pemulihan)\s+(akun|user|account)",
            re.I,
        ),
    ),
    (
        "replacement_letter",
        re.compile(
            rf"(penggantian|pergantian|ganti|perubahan)\s+(personil\s+|personel\s+|petugas\s+)?{_ADMIN}",
            re.I,
        ),
    ),
    ("join_letter", re.compile(r"\b(ber)?gabung\b|keanggotaan\s+lpse", re.I)),
    ("training_letter", re.compile(r"\b(pelatihan|bimtek|bimbingan\s+teknis|diklat)\b", re.I)),
    (
        "data_request_letter",
        re.compile(
            r"\b(permohonan|permintaan)\s+data\b|\bdata\s+(spse|paket|tender)\b"
            r"|\brekap(itulasi)?\s+(\w+\s+)?(data|paket|tender)\b",
            re.I,
        ),
    ),
)

# File names: normalised (lower case, separators as spaces) before matching.
_NAMES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "forensic_minutes",
        re.compile(rf"\b(ba|berita acara)\b.*{_FORENSIC}|{_FORENSIC}.*\b(ba|berita acara)\b"),
    ),
    (
        "forensic_form",
        re.compile(rf"\bform(ulir)?\b.*{_FORENSIC}|\b(permintaan|permohonan)\b.*{_FORENSIC}"),
    ),
    (
        "problem_form",
        re.compile(r"\bform(ulir)?\b.*\b(permasalahan|jadwal)\b|penanganan permasalahan"),
    ),
    ("appointment_decree", re.compile(r"\b(sk|surat keputusan|keputusan|skep)\b")),
    ("signed_sla", re.compile(r"\b(sla|service level agreement|perjanjian tingkat layanan)\b")),
)
_ARCHIVE_SUFFIXES: Final = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", "winmail.dat")
_FORENSIC_NAME_CLASH: Final = ("forensic_form", "forensic_minutes")


def documents_in(filename: str, pages: Sequence[str]) -> tuple[str, ...]:
    """Documents a file holds: `("forensic_form", "forensic_minutes")` for a merged PDF.

    Text decides when it names any document; otherwise (images, scans without a text
    layer, unusual layouts) the file name does.
    """
    if filename.lower().endswith(".rhs"):
        return ("rhs_file",)
    if filename.lower().endswith(_ARCHIVE_SUFFIXES):
        return ()  # an archive is its members, which are judged one by one
    found: list[str] = []
    for page in pages:
        found.extend(doc for doc in documents_on_page(page) if doc not in found)
    return tuple(found) if found else documents_by_name(filename)


def documents_on_page(page: str) -> list[str]:
    """Documents whose title or subject opens this page of text."""
    head = [line.strip() for line in page.splitlines() if line.strip()][:HEAD_LINES]
    found = [doc for doc, title in _TITLES if any(title.search(line) for line in head)]
    if "forensic_minutes" not in found and _minutes_heading(head):
        found.append("forensic_minutes")
    if _decree_heading(head):
        found.append("appointment_decree")
    for subject in _letter_subjects(head):
        found.extend(doc for doc in letter_documents(subject) if doc not in found)
    return found


def _minutes_heading(head: list[str]) -> bool:
    """ "BERITA ACARA" as a title, with forensics named in the lines under it."""
    for index, line in enumerate(head):
        if _MINUTES_TITLE.search(line):
            return bool(re.search(_FORENSIC, " ".join(head[index : index + 4]), re.I))
    return False


def _decree_heading(head: list[str]) -> bool:
    """ "KEPUTUSAN ..." as a title with "(TENTANG) PENUNJUKAN ADMINISTRATOR AGENCY" under it."""
    for index, line in enumerate(head):
        if _DECREE_TITLE.search(line):
            below = " ".join(head[index : index + 8])
            return bool(_DECREE_SUBJECT.search(below))
    return False


def _letter_subjects(head: list[str]) -> Iterable[str]:
    """A letter's "Perihal:" value (with its continuation line) and "SURAT PERMOHONAN" titles."""
    for index, line in enumerate(head):
        match = _SUBJECT_LINE.match(line)
        if match:
            following = head[index + 1] if index + 1 < len(head) else ""
            continued = "" if ":" in following else following
            yield f"{match.group(2)} {continued}"
        elif _LETTER_TITLE.match(line) and line.isupper():
            yield line


def letter_documents(subject: str) -> list[str]:
    """Letter documents a subject names: `["reset_letter"]` for "Reset Password ..."."""
    return [doc for doc, pattern in _LETTERS if pattern.search(subject)]


def normalise_name(filename: str) -> str:
    """A file name as words: `"BA_Uji-Forensik.PDF"` becomes `"ba uji forensik"`."""
    base = filename.rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", stem)  # "SKAdmin" stays, "BeritaAcara" splits
    return re.sub(r"[\W_]+", " ", spaced).lower().strip()


def documents_by_name(filename: str) -> tuple[str, ...]:
    """Documents a file name announces: `("appointment_decree",)` for "SK Admin Agency.jpg"."""
    name = normalise_name(filename)
    found = [doc for doc, pattern in _NAMES if pattern.search(name)]
    if all(doc in found for doc in _FORENSIC_NAME_CLASH):
        # "Dokumen Uji Forensik (Formulir dan Berita Acara)" names both on purpose;
        # "Form BA Uji Forensik" names the minutes only.
        if not re.search(r"\bdan\b|&|\+", name):
            found.remove("forensic_form")
    letters = [doc for doc in letter_documents(name) if doc not in found]
    if "appointment_decree" in found and not re.search(r"\b(surat|permohonan)\b", name):
        letters = []  # "SK Penunjukan Admin Agency Tambahan" is a decree, not a letter
    return tuple(found + letters)
