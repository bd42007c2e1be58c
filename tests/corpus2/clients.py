"""How each mail client lays out a message: headers, MIME tree, HTML flavour, quoting."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any

from build import (
    HELPDESK,
    MX,
    File,
    Part,
    address,
    alnum,
    b64,
    date_header,
    esc,
    flow,
    fold,
    header,
    hexs,
    lmtp,
    queue_id,
    rng,
    text_part,
    uuid,
)


@dataclass
class Mail:
    """One message of the corpus and its label."""

    name: str
    client: str
    moment: dt.datetime
    sender: tuple[str, str]
    subject: str
    body: str
    label: dict[str, Any]
    files: list[File] = field(default_factory=list)
    to: list[tuple[str, str]] = field(default_factory=lambda: [("", HELPDESK)])
    cc: list[tuple[str, str]] = field(default_factory=list)
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    raw: Callable[[Mail], bytes] | None = None


def _quoted_blocks(body: str) -> list[tuple[bool, list[str]]]:
    """The body as runs of unquoted and `>`-quoted lines."""
    runs: list[tuple[bool, list[str]]] = []
    for line in body.split("\n"):
        quoted = line.startswith(">")
        content = re.sub(r"^> ?", "", line) if quoted else line
        if runs and runs[-1][0] == quoted:
            runs[-1][1].append(content)
        else:
            runs.append((quoted, [content]))
    return runs


class Client:
    """The shared layout: alternative(plain, html), then mixed with the attachments."""

    preamble: str | None = None
    b64_width = 76

    def __init__(self, mail: Mail) -> None:
        self.mail = mail
        self.random = rng(mail.name, "client")
        self.moment = mail.moment

    def boundary(self, level: int) -> str:
        return "=_" + hexs(self.random, 32)

    def multipart(self, subtype: str, boundary: str) -> str:
        return f'Content-Type: multipart/{subtype}; boundary="{boundary}"'

    def plain(self) -> Part:
        return text_part(self.mail.body)

    def html(self) -> Part:
        return text_part(self.html_text(), "html")

    def html_text(self) -> str:
        lines = []
        for quoted, run in _quoted_blocks(self.mail.body):
            inner = "".join(f"<div>{esc(x)}</div>" if x else "<div><br></div>" for x in run)
            lines.append(f'<blockquote type="cite">{inner}</blockquote>' if quoted else inner)
        return "<html><body>" + "".join(lines) + "</body></html>\n"

    def attachment(self, item: File) -> Part:
        return Part(
            [
                f'Content-Type: {item.content_type}; name="{item.name}"',
                f'Content-Disposition: attachment; filename="{item.name}"',
                "Content-Transfer-Encoding: base64",
            ],
            b64(item.data, self.b64_width),
        )

    def tree(self) -> Part:
        mode = self.mail.options.get("body", "alt")
        if mode == "plain":
            top = self.plain()
        elif mode == "html":
            top = self.html()
        else:
            top = Part(
                [self.multipart("alternative", (b := self.boundary(1)))],
                parts=[self.plain(), self.html()],
                boundary=b,
            )
        if self.mail.files:
            b = self.boundary(0)
            top = Part(
                [self.multipart("mixed", b)],
                parts=[top, *(self.attachment(f) for f in self.mail.files)],
                boundary=b,
                preamble=self.preamble,
            )
        return top

    def headers(self) -> list[str]:
        raise NotImplementedError

    def trailer(self) -> list[str]:
        return []

    def build(self) -> bytes:
        top = self.tree()
        top.headers = self.headers() + top.headers + self.trailer()
        return top.render().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    def thread(self) -> list[str]:
        found = []
        if self.mail.in_reply_to:
            found.append(f"In-Reply-To: {self.mail.in_reply_to}")
        if self.mail.references:
            found.append(fold("References", " ".join(self.mail.references)))
        return found

    def recipients(self) -> list[str]:
        found = [fold("To", ", ".join(address(n, a) for n, a in self.mail.to))]
        if self.mail.cc:
            found.append(fold("Cc", ", ".join(address(n, a) for n, a in self.mail.cc)))
        return found

    def google_received(self, suffix: str = "pl1") -> list[str]:
        r, t = self.random, self.moment
        number = r.randint(1, 220)
        host = f"mail-{suffix}-f{number}.google.com"
        frm = self.mail.sender[1]
        return [
            f"Return-Path: <{frm}>",
            lmtp(t + dt.timedelta(seconds=4)),
            f"Received: from {host} ({host} [209.85.{r.choice([128, 160, 214])}.{number}])\n"
            f"\tby {MX} (Postfix) with ESMTPS id {queue_id(r)}\n\tfor <{HELPDESK}>; "
            f"{date_header(t + dt.timedelta(seconds=3), ' (WIB)')}",
            f"Authentication-Results: {MX};\n\tdkim=pass (2048-bit key) "
            f"header.d={frm.split('@')[1]};\n\tspf=pass smtp.mailfrom={frm}",
            f"Received: by mail-{suffix}-f{number}.google.com with SMTP id "
            f"{hexs(r, 14)}so{r.randint(1000000, 9999999)};\n        "
            f"{format_datetime(t.astimezone(dt.timezone(dt.timedelta(hours=-8))))} (PST)",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n        d=gmail.com; "
            f"s=20230601; t={int(t.timestamp())}; x={int(t.timestamp()) + 604800};\n        "
            f"bh={base64.b64encode(r.randbytes(32)).decode()};\n        b="
            + base64.b64encode(r.randbytes(48)).decode(),
        ]

    def local_received(self, host: str) -> list[str]:
        r, t = self.random, self.moment
        frm = self.mail.sender[1]
        return [
            f"Return-Path: <{frm}>",
            lmtp(t + dt.timedelta(seconds=3)),
            f"Received: from {host} (unknown [10.20.{r.randint(2, 9)}.{r.randint(10, 250)}])\n"
            f"\t(Authenticated sender: {frm})\n\tby {MX} (Postfix) with ESMTPSA id {queue_id(r)}\n"
            f"\tfor <{HELPDESK}>; {date_header(t + dt.timedelta(seconds=2), ' (WIB)')}",
        ]


class Gmail(Client):
    """Gmail on the web; `android=True` in options for the Android app's HTML."""

    def boundary(self, level: int) -> str:
        return "000000000000" + hexs(self.random, 16)

    def html_text(self) -> str:
        direction = "auto" if self.mail.options.get("android") else "ltr"
        out = [f'<div dir="{direction}">']
        for quoted, run in _quoted_blocks(self.mail.body):
            if quoted:
                out.append(
                    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
                    'border-left:1px solid rgb(204,204,204);padding-left:1ex">'
                    + "<br>".join(esc(x) for x in run)
                    + "</blockquote>"
                )
            else:
                out += [f"<div>{esc(x)}</div>" if x else "<div><br></div>" for x in run]
        return "\n".join([*out, "</div>"]) + "\n"

    def attachment(self, item: File) -> Part:
        part_id = "f_" + alnum(self.random, 9).lower()
        return Part(
            [
                f'Content-Type: {item.content_type}; name="{item.name}"',
                f'Content-Disposition: attachment; filename="{item.name}"',
                "Content-Transfer-Encoding: base64",
                f"Content-ID: <{part_id}>",
                f"X-Attachment-Id: {part_id}",
            ],
            b64(item.data),
        )

    def headers(self) -> list[str]:
        m = self.mail
        msgid = f"<CA{alnum(self.random, 46)}@mail.gmail.com>"
        h = self.google_received("pj1" if m.options.get("android") else "ed1")
        h += [
            "MIME-Version: 1.0",
            *self.thread(),
            fold("From", address(*m.sender)),
            f"Date: {date_header(self.moment)}",
            f"Message-ID: {msgid}",
            header("Subject", m.subject),
        ]
        return h + self.recipients()


class IPhone(Client):
    """iOS Mail: alternative(plain, mixed(html, files..., html signature))."""

    def boundary(self, level: int) -> str:
        return "Apple-Mail-" + uuid(self.random)

    def plain(self) -> Part:
        return text_part(self.mail.body, charset="utf-8", cte="quoted-printable")

    def attachment(self, item: File) -> Part:
        return Part(
            [
                f'Content-Type: {item.content_type};\n\tname="{item.name}";\n\tx-unix-mode=0644',
                f'Content-Disposition: attachment;\n\tfilename="{item.name}"',
                "Content-Transfer-Encoding: base64",
            ],
            b64(item.data),
        )

    def tree(self) -> Part:
        outer = self.boundary(0)
        if not self.mail.files:
            return Part(
                [f"Content-Type: multipart/alternative; boundary={outer}"],
                parts=[self.plain(), self.html()],
                boundary=outer,
            )
        inner = self.boundary(1)
        html_parts = [text_part(self.html_text(), "html", charset="utf-8", cte="quoted-printable")]
        html_parts += [self.attachment(f) for f in self.mail.files]
        html_parts.append(
            text_part("<html><body><br></body></html>", "html", charset="us-ascii", cte="7bit")
        )
        mixed = Part(
            [f"Content-Type: multipart/mixed;\n\tboundary={inner}"],
            parts=html_parts,
            boundary=inner,
        )
        return Part(
            [f"Content-Type: multipart/alternative; boundary={outer}"],
            parts=[self.plain(), mixed],
            boundary=outer,
        )

    def headers(self) -> list[str]:
        m = self.mail
        domain = m.sender[1].split("@")[1]
        h = (
            self.google_received("yw1")
            if domain == "gmail.com"
            else self.local_received("smtpclient.apple")
        )
        h.append("Mime-Version: 1.0 (1.0)")
        h += [
            fold("From", address(*m.sender)),
            header("Subject", m.subject, "Q", "utf-8"),
            f"Date: {date_header(self.moment)}",
            *self.thread(),
            f"Message-Id: <{uuid(self.random)}@{domain}>",
        ]
        return h + self.recipients()

    def trailer(self) -> list[str]:
        return ["X-Mailer: iPhone Mail (22D82)"]


class Thunderbird(Client):
    preamble = "This is a multi-part message in MIME format."
    b64_width = 72

    def boundary(self, level: int) -> str:
        return "------------" + alnum(self.random, 24)

    def plain(self) -> Part:
        body = flow(self.mail.body)
        cte = "8bit" if any(ord(c) > 126 for c in body) else "7bit"
        return text_part(body, cte=cte, params="; format=flowed")

    def headers(self) -> list[str]:
        m = self.mail
        domain = m.sender[1].split("@")[1]
        h = self.local_received(f"[10.20.{self.random.randint(2, 9)}.{self.random.randint(9, 99)}]")
        h += [
            f"Message-ID: <{uuid(self.random, upper=False)}@{domain}>",
            f"Date: {date_header(self.moment)}",
            "MIME-Version: 1.0",
            "User-Agent: Mozilla Thunderbird",
            "Content-Language: en-US",
            *self.recipients(),
            fold("From", address(*m.sender)),
            *self.thread(),
            header("Subject", m.subject, "Q"),
        ]
        return h


class Outlook(Client):
    """Outlook for Windows; `tnef` in options sends the files inside a winmail.dat."""

    preamble = "This is a multipart message in MIME format."

    def __init__(self, mail: Mail) -> None:
        super().__init__(mail)
        filetime = int((self.moment.timestamp() + 11644473600) * 10**7)
        self.high, self.low = filetime >> 32, filetime & 0xFFFFFFFF
        self.sequence = self.random.randint(1, 200)

    def boundary(self, level: int) -> str:
        return (
            f"----=_NextPart_{level:03d}_{self.sequence + level:04X}_{self.high:08X}.{self.low:08X}"
        )

    def multipart(self, subtype: str, boundary: str) -> str:
        return f'Content-Type: multipart/{subtype};\n\tboundary="{boundary}"'

    def plain(self) -> Part:
        charset = "us-ascii" if not any(ord(c) > 126 for c in self.mail.body) else "utf-8"
        return text_part(self.mail.body, charset=charset, quote_charset=True)

    def html_text(self) -> str:
        paragraphs = "".join(
            f"<p class=MsoNormal>{esc(x)}<o:p></o:p></p>"
            if x
            else "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
            for x in self.mail.body.split("\n")
        )
        return (
            '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta '
            'name=Generator content="Microsoft Word 15 (filtered medium)"></head><body '
            f"lang=EN-US><div class=WordSection1>{paragraphs}</div></body></html>\n"
        )

    def html(self) -> Part:
        return text_part(
            self.html_text(), "html", charset="us-ascii", cte="quoted-printable", quote_charset=True
        )

    def attachment(self, item: File) -> Part:
        return Part(
            [
                f'Content-Type: {item.content_type};\n\tname="{item.name}"',
                "Content-Transfer-Encoding: base64",
                f'Content-Disposition: attachment;\n\tfilename="{item.name}"',
            ],
            b64(item.data),
        )

    def tree(self) -> Part:
        if self.mail.options.get("tnef"):
            self.mail.options["body"] = "plain"
        return super().tree()

    def headers(self) -> list[str]:
        m = self.mail
        domain = m.sender[1].split("@")[1]
        pc = "DESKTOP-" + alnum(self.random, 7).upper()
        h = self.local_received(pc)
        h += [
            fold("From", address(*m.sender)),
            *self.recipients(),
            *self.thread(),
            header("Subject", m.subject, "Q", "utf-8"),
            f"Date: {date_header(self.moment)}",
            f"Message-ID: <{self.sequence:04x}{self.high:08x}${self.low:08x}$"
            f"{hexs(self.random, 8)}$@{domain}>",
            "MIME-Version: 1.0",
        ]
        return h

    def trailer(self) -> list[str]:
        return [
            "X-Mailer: Microsoft Outlook 16.0",
            f"Thread-Index: AQH{base64.b64encode(self.random.randbytes(24)).decode()}",
            "Content-Language: en-id",
        ]


class OutlookAndroid(Client):
    """Outlook for Android through outlook.com (Exchange Online)."""

    def boundary(self, level: int) -> str:
        return f"_00{level}_{alnum(self.random, 46)}_"

    def html_text(self) -> str:
        inner = "".join(
            f'<div dir="auto">{esc(x)}</div>' if x else '<div dir="auto"><br></div>'
            for x in self.mail.body.split("\n")
        )
        return (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f"</head><body>{inner}</body></html>\n"
        )

    def attachment(self, item: File) -> Part:
        return Part(
            [
                f'Content-Type: {item.content_type}; name="{item.name}"',
                f"Content-Description: {item.name}",
                f'Content-Disposition: attachment; filename="{item.name}"; size={len(item.data)};\n'
                f'\tcreation-date="{format_datetime(self.moment.astimezone(dt.UTC), usegmt=True)}"',
                "Content-Transfer-Encoding: base64",
            ],
            b64(item.data),
        )

    def headers(self) -> list[str]:
        m = self.mail
        r = self.random
        server = f"SEYPR0{r.randint(1, 6)}MB{r.randint(1000, 9999)}.apcprd0{r.randint(1, 6)}"
        msgid = f"<{alnum(r, 40).upper()}@{server}.prod.outlook.com>"
        t = self.moment
        return [
            f"Return-Path: <{m.sender[1]}>",
            lmtp(t + dt.timedelta(seconds=5)),
            f"Received: from APC01-SG2-obe.outbound.protection.outlook.com "
            "(mail-sgaapc01olkn2081.outbound.protection.outlook.com "
            f"[40.92.53.{r.randint(2, 250)}])"
            f"\n\tby {MX} (Postfix) with ESMTPS id {queue_id(r)}\n\tfor <{HELPDESK}>; "
            f"{date_header(t + dt.timedelta(seconds=4), ' (WIB)')}",
            f"Received: from {server}.prod.outlook.com ([fe80::{hexs(r, 4)}:{hexs(r, 4)}]) by "
            f"{server}.prod.outlook.com\n ([fe80::{hexs(r, 4)}%5]) with mapi id 15.20.8466.020; "
            f"{format_datetime(t.astimezone(dt.UTC))}",
            fold("From", address(*m.sender)),
            *self.recipients(),
            header("Subject", m.subject, "B", "utf-8"),
            "Thread-Topic: " + m.subject,
            f"Thread-Index: AQHc{base64.b64encode(r.randbytes(18)).decode()}",
            f"Date: {format_datetime(t.astimezone(dt.UTC))}",
            f"Message-ID: {msgid}",
            *self.thread(),
            "Accept-Language: en-US",
            "Content-Language: en-US",
            "X-MS-Has-Attach: " + ("yes" if m.files else ""),
            "MIME-Version: 1.0",
        ]


class Zimbra(Client):
    def __init__(self, mail: Mail) -> None:
        super().__init__(mail)
        self.part_number = self.random.randint(20000, 90000)
        self.millis = int(self.moment.timestamp() * 1000) + self.random.randint(1, 999)

    def boundary(self, level: int) -> str:
        serial = self.random.randint(10**8, 2 * 10**9)
        return f"----=_Part_{self.part_number + level}_{serial}.{self.millis}"

    def html_text(self) -> str:
        out = [
            '<html><body><div style="font-family: arial, helvetica, sans-serif; '
            'font-size: 12pt; color: #000000">'
        ]
        for line in self.mail.body.split("\n"):
            if line.startswith("----- "):
                out.append('<hr id="zwchr" data-marker="__DIVIDER__">')
            out.append(f"<div>{esc(line)}</div>" if line else '<div><br data-mce-bogus="1"></div>')
        return "".join([*out, "</div></body></html>"]) + "\n"

    def headers(self) -> list[str]:
        m = self.mail
        r, t = self.random, self.moment
        msgid = (
            f"<{r.randint(10**8, 2 * 10**9)}.{self.part_number - 1}.{self.millis}"
            f".JavaMail.zimbra@karawangkab.go.id>"
        )
        h = [
            f"Return-Path: {m.sender[1]}",
            lmtp(t + dt.timedelta(seconds=3)),
            f"Received: from localhost (localhost [127.0.0.1])\n\tby {MX} (Postfix) with ESMTP "
            f"id {queue_id(r)}\n\tfor <{HELPDESK}>; {date_header(t, ' (WIB)')}",
            f"X-Virus-Scanned: amavisd-new at {MX}",
            f"Date: {date_header(t, ' (WIB)')}",
            fold("From", address(*m.sender)),
            *self.recipients(),
            f"Message-ID: {msgid}",
            *self.thread(),
            header("Subject", m.subject),
            "MIME-Version: 1.0",
        ]
        return h

    def trailer(self) -> list[str]:
        return [
            f"X-Originating-IP: [10.20.{self.random.randint(2, 9)}.{self.random.randint(10, 250)}]",
            "X-Mailer: Zimbra 8.8.15_GA_4562 (ZimbraWebClient - GC133 (Win)/8.8.15_GA_4562)",
            f"Thread-Index: {base64.b64encode(self.random.randbytes(22)).decode()}",
        ]


CLIENTS: dict[str, type[Client]] = {
    "gmail": Gmail,
    "iphone": IPhone,
    "thunderbird": Thunderbird,
    "outlook": Outlook,
    "outlook_android": OutlookAndroid,
    "zimbra": Zimbra,
}


def build_mail(mail: Mail) -> bytes:
    """The message's bytes, CRLF line endings."""
    if mail.raw is not None:
        return mail.raw(mail)
    return CLIENTS[mail.client](mail).build()
