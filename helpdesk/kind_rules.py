"""The phrases and documents that point to each request kind, and how they are scored.

Each rule is (kind, weight, pattern, label). A rule counts once per message, with a
bonus when the subject carries it. Patterns allow the usual abbreviations and typos
("uji forensi", "pasword", "admin agensi", "mhn").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from helpdesk.domain import Kind
from replies.names import document_name

ADMIN: Final = r"adm(?:in(?:istrator|istrasi)?)?\.?\s*agen(?:cy|cies|si|sy)"
PASSWORD: Final = r"(?:pass\s?w[ao]?r?d|pasword|passwd|pwd|kata\s*sandi|sandi)"
_FORENSIC: Final = r"foren(?:s|z)i[kc]?"

_CHANGE: Final = (
    r"(ubah|rubah|merubah|mengubah|perubahan|ganti|penggantian|mundur|memundurkan|pengunduran"
    r"|undur|perpanjang|perpanjangan|memperpanjang|adendum|addendum|geser|pergeseran|revisi"
    r"|penyesuaian|menyesuaikan"
    r"|change|changing|extend|extending|extension|postpone|postponing|move|moving|shift|delay"
    r"|reschedule|adjust|adjustment|amend|amendment)"
)
_WHEN: Final = r"(jadwal|tahapan|waktu|jdwl|tanggal|schedule|timeline|deadline|stage|dates?)"
# Sayings that the schedule stays; removed from the text before looking for a change.
SCHEDULE_STAYS: Final = re.compile(
    rf"(tidak|tdk|tanpa|bukan|belum|tak|no|not|without)\s+((ada|perlu|memerlukan|untuk|akan"
    rf"|ingin|meminta|mengajukan|minta|need|needed|any|a|the|to|request|asking|for)\s+){{0,2}}"
    rf"{_CHANGE}\s+((of|to|the|in)\s+){{0,2}}{_WHEN}"
    rf"|{_WHEN}\s+(\w+\s+){{0,3}}?(tidak|tdk|tak)\s+((ada|perlu|akan)\s+){{0,2}}((di)?{_CHANGE}|berubah)"
    rf"|{_WHEN}\s+(\w+\s+){{0,3}}?(tetap|sama|remains?|stays?|unchanged|is\s+not\s+changed)\b"
    rf"|perubahan\s+jadwal\s*[:\t]+\s*(tidak|no|-)"
    # A form's box left unticked: "[ ] Perubahan Jadwal", "☐ Perubahan Jadwal".
    rf"|(\[\s*\]|\(\s*\)|[☐□])\s*(perubahan\s+jadwal|schedule\s+change)",
    re.I,
)
# A request to move a stage's dates ("mohon perpanjangan jadwal", "jadwal diundur").
SCHEDULE_ASKS: Final = re.compile(
    rf"{_CHANGE}\s+(\w+\s+){{0,2}}?{_WHEN}|{_WHEN}\s+(\w+\s+){{0,3}}?"
    rf"(diundur|dimundurkan|diperpanjang|diubah|dirubah|digeser|disesuaikan)"
    rf"|perubahan\s+jadwal\s*[:\t]+\s*(ya|yes)\b|ubah\s+tahapan|reschedul\w*|(penjadwalan|jadwal)\s+ulang"
    rf"|{_WHEN}\s+(\w+\s+){{0,3}}?(be\s+)?(extended|postponed|changed|moved|shifted|delayed)"
    rf"|(\[\s*[xv✓✔]\s*\]|[☑☒■✓✔])\s*(perubahan\s+jadwal|schedule\s+change)",
    re.I,
)


# The words the rules look for, so a phone's typo of one ("perubhan jadwl") reads as it.
_VOCABULARY: Final = tuple(
    """perubahan mengubah jadwal tahapan tanggal perpanjangan memperpanjang diperpanjang
    pengunduran memundurkan dimundurkan diundur penyesuaian disesuaikan adendum addendum
    permohonan memohon permintaan meminta mengajukan pengajuan terlampir lampirkan
    sampaikan bantuan penanganan permasalahan kesalahan penginputan perbaikan koreksi
    forensik penawaran berkas password reset administrator agency penggantian pergantian
    personil penambahan tambahan bergabung keanggotaan pelatihan bimbingan rekapitulasi
    keputusan penunjukan pengangkatan formulir""".split()
)


def corrected(text: str) -> str:
    """`text` with words a letter or two away from a rule's word written as that word:
    "mohon perubhan jadwl" reads "mohon perubahan jadwal"."""
    return _WORD.sub(lambda found: _closest(found.group(0).lower()) or found.group(0), text)


_WORD: Final = re.compile(r"[A-Za-z]{5,}")


@lru_cache(maxsize=4096)
def _closest(word: str) -> str | None:
    if word in _KNOWN or any(known in word for known in _KNOWN):
        return None  # a word of its own ("dilampirkan" holds "lampirkan"), not a typo
    from rapidfuzz import fuzz, process

    # 88: "perubhan", "jadwl", "tangal" are typos; "tahanan" is not "tahapan".
    best = process.extractOne(word, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=88)
    return best[0] if best else None


_KNOWN: Final = frozenset(_VOCABULARY)


@dataclass(frozen=True)
class Rule:
    """One piece of evidence for a kind."""

    kind: Kind
    weight: float
    pattern: re.Pattern[str]
    label: str


def _rule(kind: Kind, weight: float, pattern: str, label: str) -> Rule:
    return Rule(kind, weight, re.compile(pattern, re.I), label)


RULES: Final[tuple[Rule, ...]] = (
    _rule(Kind.FORENSIC_TEST, 4, rf"uji\s*{_FORENSIC}|\b{_FORENSIC}\b|forensic", "forensic test"),
    _rule(Kind.FORENSIC_TEST, 2, r"(file|berkas)\s*(penawaran\s*)?\(?\.?rhs\b|\.rhs\b", "RHS file"),
    _rule(
        Kind.FORENSIC_TEST,
        1,
        r"(gagal|tidak\s*(dapat|bisa))\s*(di)?(buka|dekripsi|decrypt)",
        "file fails to open",
    ),
    _rule(
        Kind.PROBLEM_REPORT,
        4,
        r"penanganan\s*(per)?masalah(an)?|permasalahan\s*lpse|problem\s+handling",
        "problem handling",
    ),
    _rule(
        Kind.PROBLEM_REPORT,
        2,
        r"salah\s*(\w+\s+)?(input|inputan|upload|unggah|pilih|ketik|entry|entri|isi|setting)"
        r"|kesalahan\s*(\w+\s+)?(input|penginputan|inputan|unggah|upload|pengunggahan|data"
        r"|pengetikan|isian|entri)|perbaikan\s*data|penginputan"
        r"|koreksi|keliru|terinput|\bralat\b"
        r"|\b(wrong|incorrect|mistaken)\s+(\w+\s+)?(input|entry|data|value|upload)|input\s+error"
        r"|\bcorrect(ion|ing)?\s+(of\s+)?(the\s+)?(\w+\s+)?(data|entry|input|hps|value)",
        "data-entry error",
    ),
    Rule(Kind.PROBLEM_REPORT, 3, SCHEDULE_ASKS, "schedule change"),
    _rule(
        Kind.PROBLEM_REPORT,
        2,
        r"(ubah|mengubah|ganti|mengganti|revisi|merevisi|hapus|menghapus|penghapusan)\s+"
        r"(\w+\s+){0,2}?(nilai|data|dokumen|persyaratan|metode|hps|pagu|jenis|lokasi|syarat)",
        "correction of tender data",
    ),
    _rule(
        Kind.PROBLEM_REPORT,
        1,
        r"\bhps\b|metode\s*evaluasi|dokumen\s*pemilihan|adendum|addendum|kualifikasi",
        "tender data",
    ),
    _rule(
        Kind.PASSWORD_RESET,
        4,
        rf"(reset|riset|atur\s*ulang|lupa|terblokir|diblokir|terkunci)\s*(\w+\s+){{0,2}}{PASSWORD}"
        rf"|{PASSWORD}\s*(\w+\s+){{0,3}}(reset|direset|riset)",
        "password reset",
    ),
    _rule(
        Kind.PASSWORD_RESET,
        4,
        rf"(reset|riset|atur\s*ulang)\s+(\w+\s+){{0,3}}?{ADMIN}",
        "reset of the admin account",
    ),
    _rule(
        Kind.PASSWORD_RESET,
        2,
        rf"(tidak|tdk|gak|ga|nggak)\s*(bisa|dapat)\s*(login|log\s*in|masuk|akses|mengakses)\s*"
        rf"(\w+\s+){{0,3}}{ADMIN}|{ADMIN}\s*(\w+\s+){{0,3}}(terblokir|terkunci|diblokir|tidak\s*aktif)",
        "Administrator Agency cannot log in",
    ),
    _rule(
        Kind.ADMIN_REPLACEMENT,
        4,
        r"(penggantian|pergantian|ganti|mengganti|menggantikan|perubahan|replace|replacing"
        r"|replacement\s+of|change\s+of)\s*(the\s+|our\s+)?"
        rf"(personil\s*|personel\s*|petugas\s*|akun\s*)?{ADMIN}",
        "replacement of the Administrator Agency",
    ),
    _rule(
        Kind.ADMIN_REPLACEMENT,
        1,
        rf"{ADMIN}\s*(yang\s*)?(lama|baru)\b|\bmutasi|pensiun",
        "old/new admin",
    ),
    _rule(
        Kind.ADDITIONAL_ADMIN,
        4,
        r"(penambahan|tambahan|tambah|menambah|menambahkan|additional|extra|another|one\s+more)"
        rf"\s*(\w+\s+|\(\w+\)\s*){{0,3}}?{ADMIN}|{ADMIN}\s*(tambahan|lagi)\b",
        "additional Administrator Agency",
    ),
    _rule(
        Kind.JOIN_REQUEST,
        5,
        r"\bbergabung\s+(\w+\s+){0,2}(lpse|spse)|(permohonan|mohon|ingin|bermaksud)\s+(\w+\s+){0,3}?"
        r"bergabung|keanggotaan\s*lpse|\bjoin(ing)?\s+(the\s+)?(lpse|spse)",
        "joining LPSE",
    ),
    _rule(
        Kind.JOIN_REQUEST,
        2,
        r"pendaftaran\s+(instansi|agency|satuan\s+kerja)\s+baru|menggunakan\s+layanan\s+lpse",
        "new agency using LPSE",
    ),
    _rule(
        Kind.DATA_REQUEST,
        4,
        r"(permohonan|permintaan|minta|meminta|memohon|mohon|mhn|butuh|membutuhkan|memerlukan"
        r"|request|requesting)\s+((rekap(itulasi)?|salinan|daftar)\s+)?data\b"
        r"|rekap(itulasi)?\s+(\w+\s+)?(data|paket|tender)\b|data\s+(spse|lpse)\b"
        r"|(mohon|minta)\s+(dikirim(kan)?|diberikan|disampaikan|dibantu)\s+(\w+\s+){0,2}?data\b",
        "data request",
    ),
    _rule(Kind.SUB_AGENCY, 6, r"sub[\s\-]*agen(cy|si|sy)", "sub agency"),
    _rule(
        Kind.SUB_AGENCY,
        6,
        r"agen(cy|si)\s+(anak|turunan|cabang)\b|agen(cy|si)\s+(\w+\s+){0,2}?(tersendiri|sendiri"
        r"|terpisah)\b[^.\n]{0,60}?\bdi\s*bawah\b",
        "an agency of its own under another agency (sub agency)",
    ),
)

# Each rule's label as the ticket page shows it (tests/test_shown_reasons.py: every rule).
SHOWN_LABELS: Final[dict[str, str]] = {
    "forensic test": "uji forensik",
    "RHS file": "berkas RHS",
    "file fails to open": "berkas gagal dibuka",
    "problem handling": "penanganan permasalahan",
    "data-entry error": "kesalahan input data",
    "schedule change": "perubahan jadwal",
    "correction of tender data": "koreksi data tender",
    "tender data": "data tender",
    "password reset": "reset kata sandi",
    "reset of the admin account": "reset akun admin",
    "Administrator Agency cannot log in": "Administrator Agency tidak dapat login",
    "replacement of the Administrator Agency": "penggantian Administrator Agency",
    "old/new admin": "admin lama/baru",
    "additional Administrator Agency": "penambahan Administrator Agency",
    "joining LPSE": "bergabung dengan LPSE",
    "new agency using LPSE": "instansi baru memakai LPSE",
    "data request": "permintaan data",
    "sub agency": "sub agency",
    "an agency of its own under another agency (sub agency)":
        "agency tersendiri di bawah agency lain (sub agency)",
}  # fmt: skip

# Documents found in the attachments and the kind each one points to.
DOCUMENT_WEIGHTS: Final[dict[str, tuple[tuple[Kind, float], ...]]] = {
    "forensic_form": ((Kind.FORENSIC_TEST, 3),),
    "forensic_minutes": ((Kind.FORENSIC_TEST, 3),),
    "rhs_file": ((Kind.FORENSIC_TEST, 2),),
    "problem_form": ((Kind.PROBLEM_REPORT, 3),),
    "reset_letter": ((Kind.PASSWORD_RESET, 3),),
    "replacement_letter": ((Kind.ADMIN_REPLACEMENT, 3),),
    "join_letter": ((Kind.JOIN_REQUEST, 3),),
    "training_letter": ((Kind.JOIN_REQUEST, 1),),
    "signed_sla": ((Kind.JOIN_REQUEST, 2),),
    "data_request_letter": ((Kind.DATA_REQUEST, 3),),
    "appointment_decree": (
        (Kind.PASSWORD_RESET, 0.5),
        (Kind.ADMIN_REPLACEMENT, 0.5),
        (Kind.ADDITIONAL_ADMIN, 0.5),
        (Kind.JOIN_REQUEST, 0.5),
    ),
}

SUBJECT_BONUS: Final = 1.0
MIN_SCORE: Final = 2.0
# A reply's subject is the old thread's: it weighs this much of a phrase in the new text.
REPLY_SUBJECT_WEIGHT: Final = 0.5

# An account that is not an Administrator Agency's: its owner's password is not ours to reset.
OTHER_ACCOUNT: Final = re.compile(
    r"akun\s*(penyedia|vendor|rekanan|perusahaan|pokja|ppk|pp|pejabat|saya|pribadi)\b"
    rf"|(penyedia|vendor|rekanan|pokja|ppk|pejabat\s+pengadaan)\s*(\w+\s+){{0,3}}?(lupa|reset|{PASSWORD})"
    rf"|(lupa|reset)\s*(\w+\s+){{0,3}}?(penyedia|vendor|rekanan|pokja|ppk)\b",
    re.I,
)
# The Administrator Agency named close to the password ("reset password admin agency").
ADMIN_PASSWORD: Final = re.compile(
    rf"{PASSWORD}\s*(\w+\s+){{0,4}}?{ADMIN}|{ADMIN}\s*(\w+\s+){{0,6}}?{PASSWORD}", re.I
)
# A bidder writing about itself: it may ask questions, not file any of the SLA requests.
BIDDER: Final = re.compile(
    r"(saya|kami)\s+(dari|selaku|sebagai|adalah|merupakan)\s+(pihak\s+)?(penyedia|vendor|rekanan"
    r"|peserta\s+tender|cv|pt)\b|akun\s+penyedia|\b(direktur|direktris|wakil\s+direktur)\s+(cv|pt)\b",
    re.I,
)
ADMIN_AGENCY: Final = re.compile(ADMIN, re.I)
# A question ("apakah ...?", "mau tanya") about a procedure rather than a request: it asks
# nothing to be done ("mohon", "tolong", "please" and the like are absent).
QUESTION: Final = re.compile(
    r"\?|\b(apakah|bagaimana|gimana|bertanya|pertanyaan|tanya|menanyakan)\b", re.I
)
# Asking how to request something is a question, though it names the request's words:
# "bagaimana cara mengajukan uji forensik?", "mohon info syarat permohonan reset",
# "how do I request a forensic test?".
HOW_TO: Final = re.compile(
    r"\b(bagaimana|gimana|gmn|bgmn|seperti\s+apa)\s+(cara|prosedur|mekanisme|langkah|alur)\w*"
    r"(\s+\w+){0,3}?\s+(mengajukan|meminta|memohon|minta|ajukan|permohonan|request|melakukan)"
    r"|\b(cara|prosedur|mekanisme|alur|syarat|persyaratan)\w*\s+(untuk\s+)?(mengajukan|meminta"
    r"|memohon|permohonan|pengajuan|permintaan)"
    r"|\b(mohon|minta|mhn)\s+(info\w*|penjelasan\w*|arahan\w*|petunjuk\w*|pencerahan\w*)"
    r"|\bhow\s+(do|can|should|to)\s+((i|we)\s+)?(request|apply|ask|submit)",
    re.I,
)
REQUEST_WORDS: Final = re.compile(
    r"\b(mohon|mhn|memohon|permohonan|tolong|tlg|minta|meminta|mengajukan|ajukan|diajukan"
    r"|sampaikan|lampirkan|terlampir|please|request|kindly|bantu|dibantu|bantuan|bantuannya)\b"
    r"|\bbisa\s+(tolong\s+)?di\w+",
    re.I,
)


@dataclass
class Score:
    """The evidence gathered for one kind."""

    kind: Kind
    points: float = 0.0
    evidence: list[str] | None = None
    shown_evidence: list[str] | None = None  # the same, in Indonesian
    beyond_subject: bool = False  # the body or a document speaks for it, not only the subject

    def add(self, points: float, what: str, shown: str, *, beyond_subject: bool = True) -> None:
        self.points += points
        self.evidence = [*(self.evidence or []), f"{what} (+{points:g})"]
        self.shown_evidence = [*(self.shown_evidence or []), f"{shown} (+{points:g})"]
        self.beyond_subject = self.beyond_subject or beyond_subject

    @property
    def rank(self) -> tuple[float, bool]:
        """Points first; on a tie the kind the sender's own words or files support wins."""
        return (self.points, self.beyond_subject)


def score_kinds(
    subject: str, body: str, documents: list[str], *, subject_weight: float = 1.0
) -> dict[str, Score]:
    """Points per kind from phrases in subject/body and from recognised documents.

    `subject_weight` below 1 is for replies in an older thread: their subject names what
    the thread once asked, so it counts for less than the sender's new words and earns
    no bonus.
    """
    scores: dict[str, Score] = {}
    for rule in RULES:
        in_subject = bool(rule.pattern.search(subject))
        in_body = bool(rule.pattern.search(body))
        if not (in_subject or in_body):
            continue
        bonus = SUBJECT_BONUS if in_subject and subject_weight == 1.0 else 0.0
        weight = rule.weight if in_body else rule.weight * subject_weight
        where = "subject" if in_subject else "body"
        shown = f"«{SHOWN_LABELS[rule.label]}» di {'perihal' if in_subject else 'isi pesan'}"
        scores.setdefault(rule.kind, Score(rule.kind)).add(
            weight + bonus, f"'{rule.label}' in the {where}", shown, beyond_subject=in_body
        )
    for document in dict.fromkeys(documents):
        for kind, weight in DOCUMENT_WEIGHTS.get(document, ()):
            shown = f"{document_name(document)} terlampir"
            scores.setdefault(kind, Score(kind)).add(weight, f"{document} attached", shown)
    return scores
