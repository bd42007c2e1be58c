"""The SLA's table: which documents each request kind must carry."""

from __future__ import annotations

from typing import Final

KINDS: Final = (
    "forensic_test",
    "problem_report",
    "password_reset",
    "admin_replacement",
    "additional_admin",
    "join_request",
    "data_request",
    "sub_agency",
    "other",
    "automatic",
)

# Order is the table order of DOMAIN.md; answers list missing documents in it.
REQUIRED_DOCUMENTS: Final[dict[str, tuple[str, ...]]] = {
    "forensic_test": ("forensic_form", "forensic_minutes"),
    "problem_report": ("problem_form",),
    "password_reset": ("reset_letter", "appointment_decree"),
    "admin_replacement": ("replacement_letter", "appointment_decree"),
    "additional_admin": ("appointment_decree",),
    "join_request": ("join_letter", "training_letter", "appointment_decree", "signed_sla"),
    "data_request": ("data_request_letter",),
    "sub_agency": (),
    "other": (),
    "automatic": (),
}

DOCUMENTS: Final = (
    "forensic_form",
    "forensic_minutes",
    "rhs_file",
    "problem_form",
    "reset_letter",
    "appointment_decree",
    "replacement_letter",
    "join_letter",
    "training_letter",
    "signed_sla",
    "data_request_letter",
)


def missing_documents(kind: str, present: set[str]) -> list[str]:
    """Required documents of `kind` not in `present`, in the SLA's order."""
    return [doc for doc in REQUIRED_DOCUMENTS[kind] if doc not in present]
