"""Never answer a machine: one row per header, part or sender that says a machine sent
the mail, and the rows beside them that a person's mail must still pass."""

from __future__ import annotations

import pytest

from helpdesk.answers import build_answer
from helpdesk.message_ids import make_message_id
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings

SETTINGS = Settings()
PERSON = "Budi Santoso <budi.santoso@dinkes.karawangkab.go.id>"


def mail(*, parts: tuple[str, ...] = (), **headers: str) -> bytes:
    """A plain question from a person, with `headers` set, and raw MIME `parts` attached."""
    fields = {
        "From": PERSON,
        "To": "lpse@karawangkab.go.id",
        "Subject": "Pertanyaan jadwal bimtek Administrator Agency",
        "Date": "Mon, 12 Jan 2026 09:00:00 +0700",
        "Message-ID": "<CAK7xq2b1@mail.gmail.com>",
        "MIME-Version": "1.0",
        **{name.replace("_", "-"): value for name, value in headers.items()},
    }
    text = "Selamat siang, kapan jadwal bimtek Administrator Agency berikutnya?\n"
    head = "".join(f"{name}: {value}\r\n" for name, value in fields.items())
    if not parts:
        return f"{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{text}".encode()
    body = "".join(
        f"--b1\r\n{piece}\r\n" for piece in (f"Content-Type: text/plain\r\n\r\n{text}", *parts)
    )
    return f'{head}Content-Type: multipart/mixed; boundary="b1"\r\n\r\n{body}--b1--\r\n'.encode()


def raw_header(raw: bytes, line: str) -> bytes:
    """`raw` with one header line added exactly as written."""
    return line.encode() + b"\r\n" + raw


DELIVERY_STATUS = (
    "Content-Type: message/delivery-status\r\n\r\n"
    "Reporting-MTA: dns; mx.example.id\r\n\r\n"
    "Final-Recipient: rfc822; a@x.id\r\nAction: failed\r\nStatus: 5.1.1\r\n"
)
READ_RECEIPT = (
    "Content-Type: message/disposition-notification\r\n\r\n"
    "Reporting-UA: mail.example.id\r\nFinal-Recipient: rfc822; a@x.id\r\n"
    "Disposition: manual-action/MDN-sent-manually; displayed\r\n"
)


def report(piece: str, report_type: str) -> bytes:
    """A multipart/report at the top of the message."""
    raw = mail(parts=(piece,))
    return raw.replace(b"multipart/mixed", f"multipart/report; report-type={report_type}".encode())


def forwarded_bounce() -> bytes:
    """A person forwards a bounce as an attachment: the report sits deep in the tree."""
    bounce = report(DELIVERY_STATUS, "delivery-status").decode()
    return mail(parts=(f"Content-Type: message/rfc822\r\n\r\n{bounce}",))


def our_answer(**changes: str | None) -> bytes:
    """One of our answers exactly as the outbox builds it, with headers changed on the way."""
    message_id = make_message_id(ref="HD-2026-00042", domain="karawangkab.go.id", secret=b"k")
    raw = build_answer(
        SETTINGS,
        to_name="Budi",
        to_address="budi.santoso@dinkes.karawangkab.go.id",
        subject="[HD-2026-00042] Permohonan Reset Password",
        body="Yth. Bapak/Ibu Budi,\n",
        message_id=message_id,
        in_reply_to=None,
        references=(),
    )
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    for name, value in changes.items():
        key = name.replace("_", "-").lower().encode()
        lines = [line for line in lines if not line.lower().startswith(key + b":")]
        if value is not None:
            lines.append(f"{name.replace('_', '-')}: {value}".encode())
    return b"\r\n".join(lines) + sep + body


A = True  # automatic: no ticket, never answered
P = False  # a person's mail: answered

ROWS = [
    # Auto-Submitted (RFC 3834): only "no" and absent get an answer.
    pytest.param(mail(), P, id="no-auto-submitted"),
    pytest.param(mail(Auto_Submitted="no"), P, id="auto-submitted-no"),
    pytest.param(mail(Auto_Submitted="No"), P, id="auto-submitted-No"),
    pytest.param(raw_header(mail(), "Auto-Submitted:  no (a person)  "), P, id="as-no-comment"),
    pytest.param(mail(Auto_Submitted="auto-replied"), A, id="auto-replied"),
    pytest.param(mail(Auto_Submitted="auto-generated"), A, id="auto-generated"),
    pytest.param(mail(Auto_Submitted="auto-notified"), A, id="auto-notified"),
    pytest.param(mail(Auto_Submitted="Auto-Replied"), A, id="auto-replied-case"),
    pytest.param(raw_header(mail(), "Auto-Submitted:   auto-replied  "), A, id="as-spaces"),
    pytest.param(mail(Auto_Submitted="auto-replied (vacation)"), A, id="as-comment"),
    pytest.param(mail(Auto_Submitted="auto-generated; owner-email=x@y.id"), A, id="as-param"),
    pytest.param(mail(Auto_Submitted="x-robot"), A, id="as-unknown"),
    pytest.param(mail(Auto_Submitted="nonsense"), A, id="as-unknown-starting-with-no"),
    # Mailing lists.
    pytest.param(mail(List_Id="<pokja.lists.example.id>"), A, id="list-id"),
    pytest.param(mail(List_Unsubscribe="<mailto:u@l.example.id>"), A, id="list-unsubscribe"),
    pytest.param(mail(List_Post="<mailto:pokja@l.example.id>"), A, id="list-post"),
    pytest.param(mail(List_Help="<mailto:help@l.example.id>"), A, id="list-help"),
    pytest.param(mail(List_Archive="<https://l.example.id/a>"), A, id="list-archive"),
    pytest.param(mail(List_Owner="<mailto:owner@l.example.id>"), A, id="list-owner"),
    pytest.param(mail(List_Subscribe="<mailto:s@l.example.id>"), A, id="list-subscribe"),
    # Precedence and X-Precedence.
    *(
        pytest.param(mail(**{name: value}), A, id=f"{name}-{value}")
        for name in ("Precedence", "X_Precedence")
        for value in ("bulk", "junk", "list", "auto_reply")
    ),
    pytest.param(mail(Precedence="Bulk (newsletter)"), A, id="precedence-case-comment"),
    pytest.param(mail(Precedence="first-class"), P, id="precedence-first-class"),
    # X-Auto-Response-Suppress: All/OOF/AutoReply mean a robot; DR/RN alone do not.
    pytest.param(mail(X_Auto_Response_Suppress="All"), A, id="xars-all"),
    pytest.param(mail(X_Auto_Response_Suppress="OOF"), A, id="xars-oof"),
    pytest.param(mail(X_Auto_Response_Suppress="AutoReply"), A, id="xars-autoreply"),
    pytest.param(mail(X_Auto_Response_Suppress="DR, OOF"), A, id="xars-dr-oof"),
    pytest.param(mail(X_Auto_Response_Suppress="DR"), P, id="xars-dr"),
    pytest.param(mail(X_Auto_Response_Suppress="DR, RN"), P, id="xars-dr-rn"),
    pytest.param(mail(X_Auto_Response_Suppress="RN, NRN"), P, id="xars-rn-nrn"),
    # Envelope and system senders.
    pytest.param(raw_header(mail(), "Return-Path: <>"), A, id="null-return-path"),
    pytest.param(raw_header(mail(), f"Return-Path: <{PERSON[15:-1]}>"), P, id="return-path"),
    *(
        pytest.param(mail(From=f"Robot <{local}@mail.example.id>"), A, id=f"from-{local}")
        for local in (
            "MAILER-DAEMON",
            "mailer-daemon",
            "postmaster",
            "owner-pokja",
            "pokja-request",
            "noreply",
            "no-reply",
            "no_reply",
            "noreply-dmarc-support",
            "donotreply",
            "do-not-reply",
            "bounce",
            "bounces+budi=x.id",
            "bounce-4711",
            "pokja-bounces",
        )
    ),
    *(
        pytest.param(mail(From=f"Seseorang <{local}@dinkes.karawangkab.go.id>"), P, id=local)
        for local in ("owner", "requester", "replyto.budi", "nora.bounds", "postmaster.budi")
    ),
    # Reports anywhere in the MIME tree.
    pytest.param(report(DELIVERY_STATUS, "delivery-status"), A, id="multipart-report-dsn"),
    pytest.param(report(READ_RECEIPT, "disposition-notification"), A, id="read-receipt-mdn"),
    pytest.param(mail(parts=(DELIVERY_STATUS,)), A, id="delivery-status-part"),
    pytest.param(forwarded_bounce(), A, id="report-inside-attached-message"),
    # Robots' own headers.
    pytest.param(mail(X_Failed_Recipients="a@x.id"), A, id="x-failed-recipients"),
    pytest.param(mail(X_Autoreply="yes"), A, id="x-autoreply"),
    pytest.param(mail(X_Autorespond="Ini balasan otomatis"), A, id="x-autorespond"),
    # Our own answers coming back.
    pytest.param(our_answer(), A, id="our-answer-as-sent"),
    pytest.param(
        our_answer(Auto_Submitted=None, X_Auto_Response_Suppress=None, From=PERSON),
        A,
        id="our-answer-relayed-loop-header-and-message-id",
    ),
    pytest.param(
        mail(Message_ID="<HD-2026-00042.a1b2c3d4e5f6.0123456789abcdef@karawangkab.go.id>"),
        A,
        id="our-message-id-pattern",
    ),
    pytest.param(
        mail(Message_ID="<HD-2026-00042.a1b2c3.d4e5@KarawangKab.go.id>"), A, id="own-id-case"
    ),
    pytest.param(
        mail(From="Sekretariat <sekretariat@karawangkab.go.id>"), P, id="colleague-own-domain"
    ),
    pytest.param(
        mail(
            From="Sekretariat <sekretariat@karawangkab.go.id>",
            Message_ID="<1851753221.28345.1770345910212.JavaMail.zimbra@karawangkab.go.id>",
        ),
        P,
        id="colleague-own-domain-message-id",
    ),
    pytest.param(
        mail(Message_ID="<HD-2026-00042.a1b2c3.d4e5@evil.example>"), P, id="own-pattern-elsewhere"
    ),
    # Control headers only we may set carry no authority from outside.
    pytest.param(mail(X_LPSE_Helpdesk="HD-2026-00042"), P, id="forged-loop-header"),
    pytest.param(mail(X_LPSE_Helpdesk="yes"), P, id="forged-loop-header-junk"),
    pytest.param(mail(X_Helpdesk_Ticket="HD-2026-00042"), P, id="forged-x-helpdesk-header"),
]


@pytest.mark.parametrize(("raw", "automatic"), ROWS)
def test_never_answer_a_machine(raw: bytes, automatic: bool) -> None:
    decision = check_bytes(raw, SETTINGS)
    assert (decision.kind == "automatic") is automatic, decision.reasons
