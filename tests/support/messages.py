"""Small parsed messages made in memory, for the tests of one step at a time."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from helpdesk.decision import Decision
from helpdesk.pipeline import DecideStep
from helpdesk.settings import Settings
from parsers.message import parse_message
from parsers.types import ParsedMessage

SETTINGS = Settings()
OUR_ANSWER_ID = "<HD-2026-00042.1768ab.9f3a0c@karawangkab.go.id>"  # the shape of our own ids
MIME_TYPES = {
    ".pdf": ("application", "pdf"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".zip": ("application", "zip"),
    ".jpg": ("image", "jpeg"),
}


def email_message(
    subject: str = "Permohonan",
    body: str = "Dengan hormat,\n\nTerima kasih.",
    *,
    sender: str = "Budi Santoso <budi@dinkes.karawangkab.go.id>",
    attachments: dict[str, bytes] | None = None,
    **headers: str,
) -> EmailMessage:
    """A request to the helpdesk; `headers` by name with _ for - (`In_Reply_To="<...>"`)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "lpse@karawangkab.go.id"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("Message_ID", "<abc.123@mail.gmail.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    for filename, data in (attachments or {}).items():
        suffix = filename[filename.rfind(".") :].lower()
        maintype, subtype = MIME_TYPES.get(suffix, ("application", "octet-stream"))
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def mail_bytes(*args: Any, **kwargs: Any) -> bytes:
    """email_message(...) as the bytes a mailbox holds."""
    return email_message(*args, **kwargs).as_bytes()


def mail(*args: Any, **kwargs: Any) -> ParsedMessage:
    """email_message(...) as the pipeline's parser reads it."""
    return parse_message(mail_bytes(*args, **kwargs))


def run(
    step: DecideStep,
    message: ParsedMessage,
    decision: Decision | None = None,
    settings: Settings = SETTINGS,
) -> Decision:
    """Run one DECIDE step on `message` (and a decision the steps before it left)."""
    decision = decision or Decision()
    step(message, decision, settings)
    return decision


def dsn(
    *,
    recipient: str,
    message_id: str,
    action: str = "failed",
    status: str = "5.1.1",
    returned: str = "text/rfc822-headers",
    number: int = 1,
) -> bytes:
    """A Postfix-style DSN returning the headers (or the whole) of `message_id`."""
    copy = f"From: lpse@karawangkab.go.id\r\nTo: {recipient}\r\nMessage-ID: <{message_id}>\r\n"
    if returned == "message/rfc822":
        copy += "Subject: x\r\n\r\nisi\r\n"
    return (
        "Return-Path: <>\r\n"
        "From: MAILER-DAEMON@mail.karawangkab.go.id (Mail Delivery System)\r\n"
        "To: lpse@karawangkab.go.id\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <bounce-{number}@mail.karawangkab.go.id>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mail.karawangkab.go.id\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\nStatus: {status}\r\n"
        f"--r\r\nContent-Type: {returned}\r\n\r\n{copy}--r--\r\n"
    ).encode()
