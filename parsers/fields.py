"""Labelled fields out of mail text and forms: tender code, package, agency, NIP checks.

Numbers count only next to their label: a NIP, a phone number or a Kode RUP is never a
tender code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Final

_TENDER_LABEL: Final = (
    r"(?:kode|kd|id|no|nomor|nmr)\.?\s*(?:tender|lelang|paket|pkt)"
    r"|(?:tender|lelang)\s*(?:id|no\.?|nomor|kode)?"
)
# Digits right after the label (": ", tab, "(", "no."), not part of a longer or spaced number.
_TENDER: Final = re.compile(
    rf"\b(?:{_TENDER_LABEL})\b[\s:=#.\-–(]*(\d{{6,12}})(?![\d])(?!\s\d{{3,}})(?![.,]\d)",
    re.I,
)

# Labels at the start of a line ("Nama Paket : ...", "Nama Paket<TAB>..." in forms).
_LABELS: Final[dict[str, str]] = {
    "nama_paket": r"nama\s+paket|paket\s+pekerjaan|nama\s+tender",
    "satuan_kerja": r"satuan\s+kerja|satker|instansi|skpd|opd|k/l/pd",
    "nama_pokja": r"nama\s+pokja|pokja\s+pemilihan|kelompok\s+kerja",
    "nama_peserta": r"nama\s+peserta|peserta|nama\s+penyedia|nama\s+perusahaan",
    "tahapan": r"tahapan|tahap",
    "jadwal_semula": r"jadwal\s+(semula|lama|awal)",
    "jadwal_baru": r"jadwal\s+(baru|perubahan|menjadi)",
    "nama": r"nama\s+lengkap|administrator\s+agency\s+baru",
    "telepon": r"no\.?\s*(telepon|telp|hp)(\s*/\s*(hp|wa))?|telepon|no\.?\s*hp(\s*/\s*wa)?",
    "email": r"e-?mail",
}
_LINE_VALUE: Final = r"^[ \t]*(?:{labels})[ \t]*(?::|\t)[ \t:]*(?P<value>[^\n]{{2,160}})$"
_PATTERNS: Final = {
    name: re.compile(_LINE_VALUE.format(labels=labels), re.I | re.M)
    for name, labels in _LABELS.items()
}
_NIP_LABELLED: Final = re.compile(r"\bNIP\.?\s*[:.]?\s*((?:\d[\s.]?){17}\d)\b", re.I)


def kode_tender(texts: Iterable[str]) -> str | None:
    """The first labelled tender code in `texts` (searched in order): `"10283561"`."""
    for text in texts:
        match = _TENDER.search(text)
        if match:
            return match.group(1)
    return None


_BARE_CODE: Final = re.compile(r"(?<![\w.,/-])([1-9]\d{5,11})(?![\w.,/-]|\s\d)")
_NOT_TENDER_BEFORE: Final = re.compile(r"(rup|nip|hp|wa|telp|telepon|no|nomor|npwp|nik)\W*$", re.I)
_RHS_NAME: Final = re.compile(r"^(\d{6,12})[_\- ]")


def bare_code(subject: str) -> str | None:
    """An unlabelled tender code in a subject ("Uji forensik - 10234567"), never a RUP/NIP."""
    for match in _BARE_CODE.finditer(subject):
        if not _NOT_TENDER_BEFORE.search(subject[: match.start()]):
            return match.group(1)
    return None


def code_from_rhs_name(filename: str) -> str | None:
    """SPSE names bid files `<kode tender>_<bidder>.rhs`: the code in front, or None."""
    base = filename.rsplit("/", 1)[-1]
    match = _RHS_NAME.match(base) if base.lower().endswith(".rhs") else None
    return match.group(1) if match else None


def labelled_fields(texts: Iterable[str]) -> dict[str, str]:
    """Values of the labelled lines we know, first text wins: `{"nama_paket": "..."}`."""
    found: dict[str, str] = {}
    for text in texts:
        for name, pattern in _PATTERNS.items():
            if name in found:
                continue
            match = pattern.search(text)
            if match and _meaningful(match.group("value")):
                found[name] = match.group("value").strip(" \t:;,")
    return found


def _meaningful(value: str) -> bool:
    cleaned = value.strip(" \t:;,.-_")
    return len(cleaned) >= 2 and not cleaned.startswith("...")


def nips(text: str) -> list[str]:
    """Labelled NIPs as 18 digits, spaces removed: `["198003132005011007"]`."""
    return [re.sub(r"\D", "", match) for match in _NIP_LABELLED.findall(text)]


def check_nip(text: str) -> str | None:
    """A short English problem with a NIP, naming the failing part, or None when plausible.

    `check_nip("19801345 200501 1 007") == "birth date 19801345 is not a valid date"`.
    """
    problem = nip_problem(text)
    return problem[0] if problem else None


def nip_problem(text: str) -> tuple[str, str] | None:
    """check_nip's problem in English and in Indonesian (for the officer), or None."""
    digits = re.sub(r"[\s.\-]", "", text)
    if not digits.isdigit() or len(digits) != 18:
        count = sum(ch.isdigit() for ch in digits)
        return (
            f"a NIP has 18 digits, this one has {count}",
            f"NIP terdiri atas 18 angka, yang ini {count}",
        )
    birth, appointed, sex, serial = digits[:8], digits[8:14], digits[14], digits[15:]
    born = _date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    if born is None or not 1930 <= born.year <= date.today().year - 15:
        return (
            f"birth date {birth} is not a valid date",
            f"tanggal lahir {birth} bukan tanggal yang sah",
        )
    year, month = int(appointed[:4]), int(appointed[4:])
    if not 1 <= month <= 12 or not born.year + 15 <= year <= date.today().year + 1:
        return (
            f"appointment {appointed} is not a valid year and month",
            f"TMT pengangkatan {appointed} bukan tahun dan bulan yang sah",
        )
    if sex not in "12":
        return f"sex digit {sex} is not 1 or 2", f"angka jenis kelamin {sex} bukan 1 atau 2"
    if serial == "000":
        return "serial number 000 is not valid", "nomor urut 000 tidak sah"
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Credentials as Pokja write them: "Password : Rahasia#2026", "password lama saya:
# Kuda#Lari77", "kata sandinya Sapi.Terbang12 ya pak", "user: pokja09 pass: Rahasia!2026",
# "PIN 482913", a form row "Kata Sandi Akun<tab>X", a value on the line under its label.
_PASSWORD_LABEL: Final = r"pass\s*word|passwd|pswd|pwd|pass|kata\s*sandi|sandi|kata\s*kunci|pin"
_USER_LABEL: Final = (
    r"user\s*-?\s*(?:id|name)?|userid|username|nama\s+pengguna|id\s+pengguna|login|akun"
)
# Words between a label and its value: "password *lama saya*:", "sandi *akun SPSE*".
_QUALIFIER: Final = (
    r"(?:\s+(?:lama|baru|saya|kami|akun|akunnya|user|pokja|spse|lpse|login|sementara|default"
    r"|sekarang|terbaru|untuk|admin|agency|nya|yg|yang|adalah|yaitu|yakni|ialah|ini|tsb|is"
    r"|for|account|my|our|new|old)){0,4}"
)
# ":" "=" "-" a tab, or "adalah/yaitu"; or nothing at all, for a value that looks like one.
_SEPARATOR: Final = r"(?P<sep>[ \t]*(?:[:=]|\t|[-–](?=\s))[ \t:=]*(?:\r?\n[ \t]*)?|[ \t]+)"
_VALUE: Final = r"(?P<value>[^\s,;()]{3,64})"


def _credential(label: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w@.])(?:{label})(?:nya|ny)?\b{_QUALIFIER}{_SEPARATOR}{_VALUE}", re.I
    )


_PASSWORD_VALUE: Final = _credential(_PASSWORD_LABEL)
_USER_VALUE: Final = _credential(_USER_LABEL)
# Words that follow "password" in prose rather than a password itself.
_NOT_SECRETS: Final = frozenset(
    """akan tidak tdk sudah sdh belum blm lama baru sama yang yg kami saya dan atau sesuai
    terlampir menyusul dikirim dikirimkan kirim reset direset riset lupa salah hilang
    terblokir diblokir terkunci kadaluarsa expired berubah diubah diganti ganti ubah mohon
    tolong bantu dibantu bisa dapat tsb tersebut ini itu ya pak bu ibu bapak min admin
    agency akun user untuk dengan via melalui lewat di ke dari pada karena krn agar supaya
    harus wajib baik benar sendiri masih juga lagi jadi bagaimana cara gimana apakah
    apa reset-nya the is are was will be has not to for of and or please your my our
    ********""".split()
)


def _looks_secret(value: str) -> bool:
    """A value written without a separator counts only when it looks like a password: a
    digit or a symbol inside it, or a capital after a small letter ("KudaLari"). Prose
    does not: "berkali-kali", "3x", "BPKAD"."""
    core = value.strip(".,!?:")
    if len(core) < 4:
        return False
    symbols = re.sub(r"(?<=[a-z])-(?=[a-z])", "", core[1:-1])  # "berkali-kali" is a word
    return (
        any(ch.isdigit() for ch in core)
        or any(not ch.isalnum() for ch in symbols)
        or bool(re.search(r"[a-z][A-Z]", core))
    )


def _looks_like_user_id(value: str) -> bool:
    """Written without a separator, a user id has a digit in it ("user pokja09"); "login
    SPSE" and "akun Pokja" are prose."""
    return any(ch.isdigit() for ch in value)


def _secret_values(
    pattern: re.Pattern[str], text: str, loose: Callable[[str], bool] = _looks_secret
) -> list[re.Match[str]]:
    found = []
    for match in pattern.finditer(text):
        value = match.group("value")
        if value.lower().strip(".,!?:") in _NOT_SECRETS or set(value) <= set("*x•-_.:"):
            continue
        explicit = any(mark in match.group("sep") for mark in ":=\t\n")
        if not explicit and not loose(value):
            # "password reset", "kata sandi lupa", "Password Admin Agency - Dinas": prose.
            continue
        found.append(match)
    return found


def has_credentials(text: str) -> bool:
    """True when `text` carries a password value next to its label ("Password : Rahasia123")."""
    return bool(_secret_values(_PASSWORD_VALUE, text))


def mask_credentials(text: str) -> str:
    """`text` with password values replaced by ******** and user ids cut to two characters."""
    for match in reversed(_secret_values(_PASSWORD_VALUE, text)):
        text = text[: match.start("value")] + "********" + text[match.end("value") :]
    for match in reversed(_secret_values(_USER_VALUE, text, _looks_like_user_id)):
        value = match.group("value")
        if value == "********":
            continue
        text = text[: match.start("value")] + value[:2] + "***" + text[match.end("value") :]
    return text
