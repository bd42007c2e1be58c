"""Reading scans and photos: the text Tesseract finds in an image, as a careful person
would read the page.

Tesseract (Debian's `tesseract-ocr` with `tesseract-ocr-ind`) runs through pytesseract,
one `tesseract` process per page: a page that hangs or crashes it is killed by its
timeout and costs the message nothing else, and its memory goes back when it ends. The
work for one message is bounded (`OcrLimits`), and what a bound cut short is said.
Text is cached by the image's SHA-256, so `check`, a replay and a follow-up do not read
the same scan twice.

Settings measured on a 2-core server: OpenMP threads make a page 4-6 times slower
(OMP_THREAD_LIMIT=1); single-block layout with Sauvola thresholding (`--psm 6 -c
thresholding_method=2`) reads phone photos the default layout returns nothing for.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

LANGUAGE: Final = "ind"
CONFIG: Final = "--psm 6 -c thresholding_method=2"
# Bumped when the reading changes, so cached text from an older reading is not reused.
READING_VERSION: Final = "2"
# Smaller images are logos and icons: never a document, and not worth a Tesseract run.
MIN_PIXELS: Final = 200_000
# A page read to fewer words than this is turned by 90/180 degrees, or unreadable: a
# sideways page reads as specks and two-letter scraps, an upright one as dozens of words.
FEW_WORDS: Final = 12


@dataclass(frozen=True)
class OcrLimits:
    """How much OCR one message may cost."""

    pages: int = 8  # images read per message
    pixels: int = 12_000_000  # a larger image is scaled down to this before reading
    seconds: float = 90.0  # for all the pages of one message
    page_seconds: float = 30.0  # one Tesseract run


@dataclass
class OcrBudget:
    """What is left of one message's limits, and which of them cut the reading short."""

    limits: OcrLimits
    pages_left: int = 0
    deadline: float = 0.0
    cut: list[str] = field(default_factory=list)  # "pages", "seconds"

    @classmethod
    def for_message(cls, limits: OcrLimits) -> OcrBudget:
        return cls(limits, limits.pages, time.monotonic() + limits.seconds)

    def take_page(self) -> float | None:
        """Seconds this page may take, or None when a bound says stop (and say so)."""
        left = self.deadline - time.monotonic()
        bound = "pages" if self.pages_left <= 0 else "seconds" if left <= 1 else None
        if bound is not None:
            if bound not in self.cut:
                self.cut.append(bound)
            return None
        self.pages_left -= 1
        return min(self.limits.page_seconds, left)


@dataclass(frozen=True)
class Ocr:
    """Where OCR text is cached (None: only in this process) and how much one message may
    cost; `available()` says whether this server can read scans at all."""

    cache_dir: Path | None = None
    limits: OcrLimits = OcrLimits()

    def available(self) -> bool:
        return tesseract_available()

    def read(self, image: bytes, budget: OcrBudget) -> str:
        """The text of one image (JPEG, PNG, TIFF, BMP, GIF, WebP; HEIC when pillow-heif
        is installed), "" when nothing could be read or a bound stopped it."""
        key = f"{hashlib.sha256(image).hexdigest()}-{READING_VERSION}"
        raw = self._cached(key)
        if raw is None:
            seconds = budget.take_page()
            if seconds is None:
                return ""
            raw = read_image(image, self.limits.pixels, seconds)
            self._keep(key, raw)
        # Tesseract's own output is what is kept: a better cleaning applies to it at once.
        return clean_lines(raw)

    def _cached(self, key: str) -> str | None:
        if key in _MEMORY:
            return _MEMORY[key]
        if self.cache_dir is not None:
            path = self.cache_dir / key[:2] / f"{key}.txt"
            if path.exists():
                return path.read_text(encoding="utf-8")
        return None

    def _keep(self, key: str, text: str) -> None:
        if len(_MEMORY) > 256:
            _MEMORY.clear()
        _MEMORY[key] = text
        if self.cache_dir is None:
            return
        folder = self.cache_dir / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{key}.{os.getpid()}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, folder / f"{key}.txt")  # whole or not at all


_MEMORY: dict[str, str] = {}


@cache
def tesseract_available() -> bool:
    """Tesseract is installed with its Indonesian data (and pytesseract can call it)."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return LANGUAGE in pytesseract.get_languages(config="")
    except Exception:  # a broken install: scans are not read, the bot runs on
        return False


def read_image(image: bytes, max_pixels: int, seconds: float) -> str:
    """Tesseract's reading of `image` (turned upright first when it reads nothing), or ""."""
    picture = _picture(image, max_pixels)
    if picture is None:
        return ""
    text = _tesseract(picture, seconds)
    if _words(text) < FEW_WORDS:
        turned = _upright(picture, seconds)
        if turned is not None:
            text = max(text, _tesseract(turned, seconds), key=_words)
    return text


def _picture(image: bytes, max_pixels: int) -> Any | None:
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    try:
        picture: Image.Image = Image.open(io.BytesIO(image))
        picture.seek(0)  # a multi-page TIFF or GIF: its first frame
        pixels = picture.width * picture.height
        if pixels < MIN_PIXELS:
            return None
        if pixels > 4 * max_pixels:
            # Decoded whole it would take hundreds of MB: a JPEG decodes at a fraction of
            # its size; any other such image is not read at all.
            if picture.format != "JPEG":
                return None
            picture.draft("L", (picture.width // 4, picture.height // 4))
        picture = ImageOps.exif_transpose(picture) or picture  # phones store the turn in EXIF
        if picture.width * picture.height > max_pixels:
            scale = (max_pixels / (picture.width * picture.height)) ** 0.5
            picture = picture.resize((int(picture.width * scale), int(picture.height * scale)))
        return picture.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


@cache
def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
    except ImportError:
        return
    register_heif_opener()


def _tesseract(picture: Any, seconds: float) -> str:
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return str(
            pytesseract.image_to_string(picture, lang=LANGUAGE, config=CONFIG, timeout=seconds)
        )
    except (RuntimeError, pytesseract.TesseractError, OSError):
        return ""  # timed out, or Tesseract failed on this image: nothing read


def _upright(picture: Any, seconds: float) -> Any | None:
    """The picture turned as Tesseract's orientation detection says it should be."""
    import pytesseract

    try:
        found = pytesseract.image_to_osd(picture, config="--psm 0", timeout=seconds)
    except (RuntimeError, pytesseract.TesseractError, OSError):
        return None  # too little text to tell: a blank page, a photo of a desk
    match = re.search(r"Rotate: (\d+)", str(found))
    angle = int(match.group(1)) if match else 0
    return picture.rotate(-angle, expand=True) if angle else None


def _words(text: str) -> int:
    return len(re.findall(r"[^\W\d_]{4,}", text))


# A speck: punctuation, a one- or two-digit number, a word of one or two characters
# (with its punctuation: "LL.", "P:").
_RULES: Final = frozenset("—–|»«~_=")
_JUNK_TOKEN: Final = re.compile(r"^[\W_]+$|^\d{1,2}\W*$|^\w{1,2}[\W_]*$")


# A form's label whose colon OCR read as a digit or a bar: "NIP 1 19930715 ...",
# "Kode Tender 2 10472318".
_LABEL_COLON: Final = re.compile(
    r"^(NIP|NIK|Kode\s+Tender|Nama(\s+(Lengkap|Paket|Pokja|Peserta))?|Satuan\s+Kerja|Jabatan"
    r"|Telepon(/HP)?|No\.?\s*HP|E-?mail|Perihal|Nomor|Tahapan|Instansi)\s+[12il|!]\s+(?=\S)",
    re.I,
)


def clean_lines(text: str) -> str:
    """OCR text with the specks a scan leaves before each line removed, so a title reads
    at the start of its line: ": ee — KEPUTUSAN CAMAT" becomes "KEPUTUSAN CAMAT", while
    "BA UJI FORENSIK" and "SK PENUNJUKAN" keep their short first word."""
    lines = []
    for line in text.splitlines():
        tokens = line.split()
        while tokens and _junk(tokens):
            tokens.pop(0)
        if tokens:
            tokens[0] = re.sub(r"^[^\w(]+", "", tokens[0])
            lines.append(_LABEL_COLON.sub(r"\1 : ", " ".join(tokens)))
    return "\n".join(lines)


def _junk(tokens: list[str]) -> bool:
    first, second = tokens[0], tokens[1] if len(tokens) > 1 else ""
    if not _JUNK_TOKEN.match(first):
        # A short word before a long dash or a bar is the scanner's too: "Naa — KEPUTUSAN"
        # (never "Nama - ...", "NIP : ...": OCR reads a label's colon as a hyphen).
        return len(first) <= 4 and bool(second) and set(second) <= _RULES
    if first.isalpha() and first.isupper() and len(first) == 2 and second:
        return not second[:1].isalpha()  # "BA UJI" is a title; "TP : TENTANG" a speck
    return True
