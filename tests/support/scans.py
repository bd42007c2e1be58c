"""Scans and photos out of the shipped samples, to build new requests from."""

from __future__ import annotations

import io
import zipfile

from parsers.message import parse_message
from tests.support.bot import sample


def attached(sample_name: str, filename_part: str) -> bytes:
    """The bytes of the attachment of `sample_name` whose name holds `filename_part`
    (inside a zip too)."""
    for attachment in parse_message(sample(sample_name)).attachments:
        if filename_part in attachment.filename:
            return attachment.data
        if attachment.filename.lower().endswith(".zip"):
            archive = zipfile.ZipFile(io.BytesIO(attachment.data))
            for name in archive.namelist():
                if filename_part in name:
                    return archive.read(name)
    raise LookupError(f"{sample_name} has no attachment named like {filename_part!r}")


def letter_scan() -> bytes:
    """An image-only PDF: the scanned letter asking to replace an Administrator Agency."""
    return attached("48-replacement-two-scans-in-zip.eml", "09301541")


def decree_photo() -> bytes:
    """A phone photo (JPEG) of a decree appointing an Administrator Agency."""
    return attached("31-replacement-letter-missing-jpg-decree.eml", "SK Admin Agency")


def blank_scan() -> bytes:
    """An image-only PDF of an empty page: grey paper, specks, a staple mark."""
    return attached("50-forensic-blank-scan-minutes-missing.eml", "00023.pdf")
