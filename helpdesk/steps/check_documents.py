"""DECIDE step: which required documents of the request kind no valid attachment holds."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.requirements import REQUIRED_DOCUMENTS, missing_documents
from helpdesk.settings import Settings
from parsers.types import ParsedMessage
from replies.names import document_name


def check_documents(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `decision.missing`; an invalid file satisfies nothing."""
    if decision.automatic or not REQUIRED_DOCUMENTS[decision.kind]:
        decision.missing = []
        return
    present = {
        doc for verdict in decision.attachments if not verdict.problem for doc in verdict.documents
    }
    decision.missing = missing_documents(decision.kind, present)
    required = REQUIRED_DOCUMENTS[decision.kind]
    found = [doc for doc in required if doc in present]
    if decision.missing:
        decision.because(
            f"incomplete: missing {', '.join(decision.missing)}"
            + (f" (found {', '.join(found)})" if found else " (no valid document attached)"),
            f"belum lengkap: kurang {_names(decision.missing)}"
            + (f" (ada: {_names(found)})" if found else " (tidak ada dokumen sah terlampir)"),
        )
    else:
        decision.because(
            f"complete: {', '.join(found)} attached", f"lengkap: terlampir {_names(found)}"
        )


def _names(documents: list[str]) -> str:
    return ", ".join(document_name(doc) for doc in documents)
