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
    """Fill `decision.attachments`; inline signature images are left out."""
    if decision.automatic:
        return
    for item in inspected_files(message, settings.helpdesk.max_attachment_bytes):
        if item.inline and item.real_type == "image":
            continue  # a logo in the signature, not a document
        verdict = _verdict(item)
        decision.attachments.append(verdict)
        if verdict.problem:
            decision.because(
                f"attachment {verdict.filename!r} refused: {verdict.problem}",
                f"lampiran {verdict.filename!r} ditolak: {problem_name(verdict.problem_code)}",
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
    )
