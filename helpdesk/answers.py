"""Queuing a templated answer on a ticket: rendered, signed, built as bytes, stored.

The pipeline's first answers and every staff action go through `queue_ticket_answer`,
so subjects, threading headers and our Message-IDs are made in one place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from helpdesk.decision import AttachmentVerdict
from helpdesk.message_ids import make_message_id
from helpdesk.models import OutboxAnswer, Ticket
from helpdesk.outbox import OutgoingFile, build_answer, queue_answer
from helpdesk.settings import Settings
from replies.render import AnswerContext, render_answer


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
    event: str,
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
