"""The phrases and documents that point to each request kind, and how they are scored.

Each rule is (kind, weight, pattern, label). A rule counts once per message, with a
bonus when the subject carries it. Patterns allow the usual abbreviations and typos
("uji forensi", "pasword", "admin agensi", "mhn").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

ADMIN: Final = r"adm(?:in(?:istrator|istrasi)?)?\.?\s*agen(?:cy|cies|si|sy)"
PASSWORD: Final = r"(?:pass\s?w[ao]?r?d|pasword|passwd|pwd|kata\s*sandi|sandi)"
_FORENSIC: Final = r"foren(?:s|z)i[kc]?"


@dataclass(frozen=True)
class Rule:
    """One piece of evidence for a kind."""

    kind: str
    weight: float
    pattern: re.Pattern[str]
    label: str


def _rule(kind: str, weight: float, pattern: str, label: str) -> Rule:
    return Rule(kind, weight, re.compile(pattern, re.I), label)


RULES: Final[tuple[Rule, ...]] = (
    _rule("forensic_test", 4, rf"uji\s*{_FORENSIC}|\b{_FORENSIC}\b|forensic", "forensic test"),
    _rule("forensic_test", 2, r"(file|berkas)\s*(penawaran\s*)?\(?\.?rhs\b|\.rhs\b", "RHS file"),
    _rule(
        "forensic_test",
        1,
        r"(gagal|tidak\s*(dapat|bisa))\s*(di)?(buka|dekripsi|decrypt)",
        "file fails to open",
    ),
    _rule(
        "problem_report",
        4,
        r"penanganan\s*(per)?masalah(an)?|permasalahan\s*lpse",
        "problem handling",
    ),
    _rule(
        "problem_report",
        2,
        r"salah\s*(input|inputan|upload|unggah|pilih|ketik|entry|entri|isi|setting)"
        r"|kesalahan\s*(input|unggah|upload|data|pengetikan|isian)|perbaikan\s*data"
        r"|koreksi|keliru|terinput|\bralat\b",
        "data-entry error",
    ),
    _rule(
        "problem_report",
        1,
        r"\bhps\b|metode\s*evaluasi|dokumen\s*pemilihan|adendum|addendum|kualifikasi",
        "tender data",
    ),
    _rule(
        "password_reset",
        4,
        rf"(reset|riset|atur\s*ulang|lupa|terblokir|diblokir|terkunci)\s*(\w+\s+){{0,2}}{PASSWORD}"
        rf"|{PASSWORD}\s*(\w+\s+){{0,3}}(reset|direset|riset)",
        "password reset",
    ),
    _rule(
        "admin_replacement",
        4,
        r"(penggantian|pergantian|ganti|mengganti|menggantikan|perubahan)\s*"
        rf"(personil\s*|personel\s*|petugas\s*|akun\s*)?{ADMIN}",
        "replacement of the Administrator Agency",
    ),
    _rule(
        "admin_replacement",
        1,
        rf"{ADMIN}\s*(yang\s*)?(lama|baru)\b|\bmutasi|pensiun",
        "old/new admin",
    ),
    _rule(
        "additional_admin",
        4,
        r"(penambahan|tambahan|tambah|menambah|menambahkan)\s*(\w+\s+|\(\w+\)\s*){0,3}?"
        rf"{ADMIN}|{ADMIN}\s*(tambahan|lagi)\b",
        "additional Administrator Agency",
    ),
    _rule(
        "join_request",
        5,
        r"\bbergabung\s+(\w+\s+){0,2}(lpse|spse)|(permohonan|mohon|ingin|bermaksud)\s+(\w+\s+){0,3}?"
        r"bergabung|keanggotaan\s*lpse",
        "joining LPSE",
    ),
    _rule(
        "data_request",
        4,
        r"(permohonan|permintaan|minta|meminta|memohon|butuh|membutuhkan|memerlukan)\s+"
        r"((rekap(itulasi)?|salinan|daftar)\s+)?data\b|rekap(itulasi)?\s+data|data\s+(spse|lpse)\b",
        "data request",
    ),
    _rule("sub_agency", 6, r"sub[\s\-]*agen(cy|si|sy)", "sub agency"),
)

# Documents found in the attachments and the kind each one points to.
DOCUMENT_WEIGHTS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "forensic_form": (("forensic_test", 3),),
    "forensic_minutes": (("forensic_test", 3),),
    "rhs_file": (("forensic_test", 2),),
    "problem_form": (("problem_report", 3),),
    "reset_letter": (("password_reset", 3),),
    "replacement_letter": (("admin_replacement", 3),),
    "join_letter": (("join_request", 3),),
    "training_letter": (("join_request", 1),),
    "signed_sla": (("join_request", 2),),
    "data_request_letter": (("data_request", 3),),
    "appointment_decree": (
        ("password_reset", 0.5),
        ("admin_replacement", 0.5),
        ("additional_admin", 0.5),
        ("join_request", 0.5),
    ),
}

SUBJECT_BONUS: Final = 1.0
MIN_SCORE: Final = 2.0

# An account that is not an Administrator Agency's: its owner's password is not ours to reset.
OTHER_ACCOUNT: Final = re.compile(
    r"akun\s*(penyedia|vendor|rekanan|perusahaan|pokja|ppk|pp\b|pejabat)"
    r"|(penyedia|vendor|rekanan)\b|\b(pokja|ppk|pejabat pengadaan)\s*(\w+\s+){0,2}(lupa|reset)",
    re.I,
)
ADMIN_AGENCY: Final = re.compile(ADMIN, re.I)


@dataclass
class Score:
    """The evidence gathered for one kind."""

    kind: str
    points: float = 0.0
    evidence: list[str] | None = None

    def add(self, points: float, what: str) -> None:
        self.points += points
        self.evidence = [*(self.evidence or []), f"{what} (+{points:g})"]


def score_kinds(subject: str, text: str, documents: list[str]) -> dict[str, Score]:
    """Points per kind from phrases in subject/text and from recognised documents."""
    scores: dict[str, Score] = {}
    for rule in RULES:
        in_subject = bool(rule.pattern.search(subject))
        if in_subject or rule.pattern.search(text):
            score = scores.setdefault(rule.kind, Score(rule.kind))
            bonus = SUBJECT_BONUS if in_subject else 0.0
            where = "subject" if in_subject else "body"
            score.add(rule.weight + bonus, f"'{rule.label}' in the {where}")
    for document in dict.fromkeys(documents):
        for kind, weight in DOCUMENT_WEIGHTS.get(document, ()):
            scores.setdefault(kind, Score(kind)).add(weight, f"{document} attached")
    return scores
