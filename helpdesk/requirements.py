"""The SLA's table: which documents each request kind must carry."""

from __future__ import annotations

from typing import Final

from helpdesk.domain import Kind

KINDS: Final = tuple(kind.value for kind in Kind)  # plain ids: click's choices, forms

# Order is the table order of DOMAIN.md; answers list missing documents in it.
REQUIRED_DOCUMENTS: Final[dict[str, tuple[str, ...]]] = {
    Kind.FORENSIC_TEST: ("forensic_form", "forensic_minutes"),
    Kind.PROBLEM_REPORT: ("problem_form",),
    Kind.PASSWORD_RESET: ("reset_letter", "appointment_decree"),
    Kind.ADMIN_REPLACEMENT: ("replacement_letter", "appointment_decree"),
    Kind.ADDITIONAL_ADMIN: ("appointment_decree",),
    Kind.JOIN_REQUEST: ("join_letter", "training_letter", "appointment_decree", "signed_sla"),
    Kind.DATA_REQUEST: ("data_request_letter",),
    Kind.SUB_AGENCY: (),
    Kind.OTHER: (),
    Kind.AUTOMATIC: (),
}


def missing_documents(kind: str, present: set[str]) -> list[str]:
    """Required documents of `kind` not in `present`, in the SLA's order."""
    return [doc for doc in REQUIRED_DOCUMENTS[kind] if doc not in present]
