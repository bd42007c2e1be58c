"""Answers as mail: rendered, signed, built as the exact bytes we send, then queued.

The pipeline's first answers and every staff action go through `queue_ticket_answer`,
so subjects, threading headers and our Message-IDs are made in one place; `build_answer`
makes the MIME bytes, where no text from a mail can ever add a header line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from sqlmodel import Session

from helpdesk.decision import AttachmentVerdict
from helpdesk.domain import AnswerEvent
from helpdesk.errors import DeliveryError
from helpdesk.message_ids import LOOP_HEADER, make_message_id
from helpdesk.models import OutboxAnswer, Ticket
from helpdesk.outbox import queue_answer
from helpdesk.settings import Settings
from replies.render import AnswerContext, one_line, render_answer

# Headers are written with lines up to RFC 5322's hard limit: the stdlib folder puts a
# space on both sides of a fold before an encoded word, so a folded Indonesian subject
# read back as "10349120  – Pembangunan". Subjects (250 characters at most) stay unfolded.
ANSWER_POLICY = SMTP.clone(max_line_length=998)

_ADDR_SPEC = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
)
_MSGID = re.compile(r"^[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+$")


def valid_address(address: str) -> bool:
    """True for a plain addr-spec we are willing to send to."""
    return bool(_ADDR_SPEC.match(address)) and len(address) <= 254


@dataclass(frozen=True)
class OutgoingFile:
    filename: str  # chosen by us, never taken from a mail
    data: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"


def build_answer(
    settings: Settings,
    *,
    to_name: str,
    to_address: str,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str | None,
    references: tuple[str, ...],
    files: tuple[OutgoingFile, ...] = (),
) -> bytes:
    """The exact bytes of an answer; untrusted text can never add a header line."""
    if not valid_address(to_address):
        raise DeliveryError(f"refusing to answer an unusable address {to_address!r}")
    msg = EmailMessage(policy=SMTP)
    msg["From"] = HeaderAddress(
        display_name=one_line(settings.helpdesk.name), addr_spec=settings.helpdesk.address
    )
    msg["To"] = HeaderAddress(display_name=one_line(to_name, 100), addr_spec=to_address)
    msg["Subject"] = one_line(subject, 250)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<{message_id}>"
    thread = [ref for ref in references if _MSGID.match(ref)][-10:]
    if in_reply_to and _MSGID.match(in_reply_to):
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        if in_reply_to not in thread:
            thread.append(in_reply_to)
    if thread:
        msg["References"] = " ".join(f"<{ref}>" for ref in thread)
    # RFC 3834 and the usual robots' conventions: never answer this message.
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg[LOOP_HEADER] = message_id.split(".", 1)[0]
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    for item in files:
        msg.add_attachment(
            item.data, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return msg.as_bytes(policy=ANSWER_POLICY)  # bodies were encoded above at 76 columns


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str


@dataclass(frozen=True)
class Thread:
    """Where the answer belongs: the request's subject and the mail it replies to."""

    subject: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


def queue_ticket_answer(
    session: Session,
    settings: Settings,
    secret: bytes,
    *,
    ticket: Ticket,
    event: AnswerEvent,
    to: Recipient,
    thread: Thread,
    received_at: datetime,
    attachments: Sequence[AttachmentVerdict] = (),
    fields: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
    files: tuple[OutgoingFile, ...] = (),
    cause_message_id: int | None = None,
) -> OutboxAnswer:
    """Render `event` for `ticket` and add the answer to the caller's transaction."""
    context = AnswerContext(
        ticket_ref=ticket.ref,
        kind=ticket.kind,
        schedule_change=ticket.schedule_change,
        request_subject=thread.subject,
        requester_name=to.name,
        received_at=received_at,
        attachments=tuple(attachments),
        missing=tuple(json.loads(ticket.missing)),
        fields=dict(fields if fields is not None else json.loads(ticket.fields)),
        helpdesk_name=settings.helpdesk.name,
        helpdesk_address=settings.helpdesk.address,
        extra=dict(extra or {}),
    )
    rendered = render_answer(event, context)
    message_id = make_message_id(ref=ticket.ref, domain=settings.helpdesk.own_domain, secret=secret)
    raw = build_answer(
        settings,
        to_name=to.name,
        to_address=to.address,
        subject=rendered.subject,
        body=rendered.body,
        message_id=message_id,
        in_reply_to=thread.in_reply_to,
        references=thread.references,
        files=files,
    )
    return queue_answer(
        session,
        settings,
        ticket=ticket,
        event=event,
        cause_message_id=cause_message_id,
        recipient=to.address,
        subject=rendered.subject,
        message_id=message_id,
        raw=raw,
    )
