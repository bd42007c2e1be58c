"""DECIDE step: a verdict for every attached file: what documents it holds, or why not."""

from __future__ import annotations

from helpdesk.decision import AttachmentVerdict, Decision
from helpdesk.readings import inspected_files
from helpdesk.settings import Settings
from parsers.attachments import InspectedFile
from parsers.documents import documents_in
from parsers.names import display_path
from parsers.types import ParsedMessage
from replies.names import problem_name

TEXT_KEPT = 20_000  # characters of a file's text kept on its verdict (for search)


def inspect_attachments(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Fill `decision.attachments`; inline pictures are left out unless OCR reads a
    document in them (a form pasted as a screenshot), never a signature's logo."""
    if decision.automatic:
        return
    unread: dict[str, list[str]] = {}
    for item in inspected_files(message, settings):
        verdict = _verdict(item)
        if item.inline and item.real_type == "image" and not verdict.documents:
            continue
        decision.attachments.append(verdict)
        if verdict.problem:
            decision.because(
                f"attachment {verdict.filename!r} refused: {verdict.problem}",
                f"lampiran {verdict.filename!r} ditolak: {problem_name(verdict.problem_code)}",
            )
        if item.ocr_skipped:
            unread.setdefault(item.ocr_skipped, []).append(verdict.filename)
        elif verdict.unreadable:
            decision.because(
                f"nothing legible in {verdict.filename!r} (OCR): a blank or unclear scan",
                f"{verdict.filename!r} tidak terbaca (OCR): pindaian kosong atau kurang jelas",
            )
        elif item.ocr_read:
            decision.because(
                f"read {verdict.filename!r} by OCR", f"{verdict.filename!r} dibaca dengan OCR"
            )
    for why, names in unread.items():
        decision.because(*_not_read(why, names, settings))


def _not_read(why: str, names: list[str], settings: Settings) -> tuple[str, str]:
    """Why scans were not read, in English and Indonesian: a missing Tesseract, or the
    [ocr] bound that cut the message's reading short."""
    files = ", ".join(map(repr, names))
    if why == "unavailable":
        return (
            f"scans not read (Tesseract is not installed): {files}",
            f"pindaian/foto tidak dibaca (Tesseract belum terpasang): {files}",
        )
    bound, limit = (
        ("pages_per_message", settings.ocr.pages_per_message)
        if why == "pages"
        else ("seconds_per_message", settings.ocr.seconds_per_message)
    )
    return (
        f"OCR stopped at [ocr] {bound} = {limit:g}: {files} not read",
        f"OCR berhenti pada batas [ocr] {bound} = {limit:g}: {files} tidak dibaca",
    )


def _verdict(item: InspectedFile) -> AttachmentVerdict:
    # An invalid file still shows what it meant to be; check_documents ignores it.
    return AttachmentVerdict(
        filename=display_path(item.filename),  # shown to staff and senders, never a path
        documents=documents_in(item.filename, item.pages),
        problem=item.problem,
        problem_code=item.problem_code,
        sha256=item.sha256,
        size=item.size,
        content_type=item.content_type,
        container=display_path(item.container) if item.container else None,
        text=" ".join(" ".join(item.pages).split())[:TEXT_KEPT] if item.valid else "",
        ocr_read=item.ocr_read,
        unreadable=item.ocr_unreadable and not item.problem,
    )
