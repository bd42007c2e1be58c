"""What a file really is, judged by its first bytes, and what its name promises."""

from __future__ import annotations

from typing import Final

OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_MAGIC: Final = b"\x78\x9f\x3e\x22"

# Extensions that run code when opened on Windows (or a Unix shell); never accepted.
DANGEROUS_EXTENSIONS: Final = frozenset(
    "exe scr com bat cmd pif cpl msi msp msc js jse vbs vbe wsf wsh ps1 psm1 psd1 hta jar"
    " lnk reg sh dll sys apk app gadget inf scf vb application appref-ms ws".split()
)
MACRO_EXTENSIONS: Final = frozenset("xlsm xltm xlam docm dotm pptm potm ppsm ppam sldm".split())
OOXML_EXTENSIONS: Final = frozenset("docx xlsx pptx dotx xltx potx ppsx".split())
IMAGE_EXTENSIONS: Final = frozenset("jpg jpeg jpe png gif bmp tif tiff webp heic heif".split())
OLE_EXTENSIONS: Final = frozenset("doc xls ppt dot xlt pps msg".split())

# What each checked extension must hold; names not listed are not checked.
EXPECTED: Final[dict[str, frozenset[str]]] = {
    "pdf": frozenset({"pdf"}),
    "zip": frozenset({"zip"}),
    **{ext: frozenset({"zip"}) for ext in OOXML_EXTENSIONS | MACRO_EXTENSIONS},
    **{ext: frozenset({"ole"}) for ext in OLE_EXTENSIONS},
    **{ext: frozenset({"image"}) for ext in IMAGE_EXTENSIONS},
}

_EXECUTABLE_NAMES: Final = {
    "pe": "a Windows program (MZ header)",
    "elf": "a Linux program (ELF header)",
    "macho": "a macOS program (Mach-O header)",
    "script": "a script (#! line)",
}


def extension(filename: str) -> str:
    """The lower-case extension without the dot: `extension("SK.JPG") == "jpg"`."""
    base = filename.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[1].lower().strip() if "." in base else ""


def sniff(data: bytes) -> str:
    """The real type of `data`: "pdf", "zip", "ole", "tnef", "image", "pe", "elf",
    "macho", "script", "rar", "7z", "gzip", "text" or "unknown"."""
    head = data[:16]
    for magic, kind in _MAGICS:
        if head.startswith(magic):
            return kind
    if b"%PDF-" in data[:1024]:  # some producers put junk before the header
        return "pdf"
    if (head.startswith(b"RIFF") and data[8:12] == b"WEBP") or data[4:12] in _HEIF_BRANDS:
        return "image"
    return "text" if _looks_like_text(data[:2048]) else "unknown"


_MAGICS: Final = (
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (OLE_MAGIC, "ole"),
    (TNEF_MAGIC, "tnef"),
    (b"\xff\xd8\xff", "image"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"BM", "image"),
    (b"MZ", "pe"),
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "macho"),
    (b"\xfe\xed\xfa\xcf", "macho"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"#!", "script"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
)
_HEIF_BRANDS: Final = (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif")


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return sum(byte < 9 or 13 < byte < 32 for byte in head) == 0
    return True


def executable_problem(real: str) -> str | None:
    """A short reason when the bytes are a program, else None."""
    return _EXECUTABLE_NAMES.get(real)


def describe(real: str) -> str:
    """A human name for a sniffed type, for problem texts."""
    return {
        "pdf": "a PDF",
        "zip": "a ZIP archive",
        "ole": "an old-style Office file",
        "tnef": "an Outlook winmail.dat",
        "image": "an image",
        "text": "plain text",
        "rar": "a RAR archive",
        "7z": "a 7-Zip archive",
        "gzip": "a gzip archive",
    }.get(real, _EXECUTABLE_NAMES.get(real, "data of an unknown type"))


def has_ole_encryption(data: bytes) -> bool:
    """True for a password-protected OOXML file (an OLE container with EncryptionInfo)."""
    return data.startswith(OLE_MAGIC) and "EncryptionInfo".encode("utf-16-le") in data
