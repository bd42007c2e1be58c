"""The domain's ids as StrEnums, their values DOMAIN.md's ids verbatim.

A member is its string: the database, `check --json`, the templates and the settings keep
the plain ids ("forensic_test"), and a member compares equal to its id. Their Indonesian
names are in replies/names.py.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a message asks for."""

    FORENSIC_TEST = "forensic_test"
    PROBLEM_REPORT = "problem_report"
    PASSWORD_RESET = "password_reset"
    ADMIN_REPLACEMENT = "admin_replacement"
    ADDITIONAL_ADMIN = "additional_admin"
    JOIN_REQUEST = "join_request"
    DATA_REQUEST = "data_request"
    SUB_AGENCY = "sub_agency"
    OTHER = "other"
    AUTOMATIC = "automatic"  # machine mail: never a ticket, never an answer


class TicketStatus(StrEnum):
    """Where a ticket stands."""

    NEW = "new"
    AWAITING_DOCUMENTS = "awaiting_documents"
    IN_PROGRESS = "in_progress"
    AWAITING_REQUESTER = "awaiting_requester"  # staff asked something back
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REJECTED = "rejected"


class AnswerEvent(StrEnum):
    """Why an answer is sent: the template `replies/templates/<kind>/<event>.txt.j2`."""

    ACKNOWLEDGED = "acknowledged"
    INCOMPLETE = "incomplete"
    REJECTED = "rejected"
    DOCUMENTS_COMPLETE = "documents_complete"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    REQUESTER_NOTICE = "requester_notice"
    STAFF_ALERT = "staff_alert"
    RESEND_JOINED = "resend_joined"  # a request sent again, added to its open ticket
    STAFF_REPLY = "staff_reply"  # an officer's answer in their own words
    STAFF_QUESTION = "staff_question"  # an officer's question back to the requester


OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.AWAITING_DOCUMENTS,
    TicketStatus.IN_PROGRESS,
    TicketStatus.AWAITING_REQUESTER,
    TicketStatus.ESCALATED,
)
CLOSED_STATUSES = (TicketStatus.RESOLVED, TicketStatus.REJECTED)
# Open, but the next move is the requester's: the SLA's resolution clock stands still.
WAITING_STATUSES = (TicketStatus.AWAITING_DOCUMENTS, TicketStatus.AWAITING_REQUESTER)
