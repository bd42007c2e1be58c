"""Machine-written mail, written out header by header: NDR, vacation reply, read receipt,
mailing-list digest. Each names a ticket or a request on purpose: it is still automatic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from build import MX, alnum, date_header, hexs, lmtp, queue_id, rng, text, uuid, when
from clients import Mail


def _automatic(note: str) -> dict[str, Any]:
    return {
        "kind": "automatic",
        "schedule_change": False,
        "complete": True,
        "missing": [],
        "kode_tender": None,
        "note": note,
    }


def _crlf(body: str, moment: dt.datetime) -> bytes:
    """CRLF bytes; `@@LMTPn@@` becomes our LMTP Received line, n seconds after `moment`."""
    for seconds in range(10):
        body = body.replace(f"@@LMTP{seconds}@@", lmtp(moment + dt.timedelta(seconds=seconds)))
    return (body.rstrip("\n") + "\n").encode("utf-8").replace(b"\n", b"\r\n")


def _exchange_ndr(mail: Mail) -> bytes:
    t = mail.moment
    r = rng(mail.name)
    boundary = f"{uuid(r, upper=False)}"
    sent = t - dt.timedelta(seconds=40)
    ours = f"<HD-2026-00140.{int(sent.timestamp())}.7c1d@karawangkab.go.id>"
    return _crlf(
        text(f"""
        Return-Path: <>
        @@LMTP2@@
        Received: from mail-sgaapc01on2107.outbound.protection.outlook.com (40.107.215.107)
        \tby {MX} (Postfix) with ESMTPS id {queue_id(r)}
        \tfor <lpse@karawangkab.go.id>; {date_header(t + dt.timedelta(seconds=1), " (WIB)")}
        From: Microsoft Outlook
        \t<MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@bapenda-karawang.onmicrosoft.com>
        To: <lpse@karawangkab.go.id>
        Date: {t.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")}
        Content-Type: multipart/report; report-type=delivery-status;
        \tboundary="{boundary}"
        X-MS-Exchange-Message-Is-Ndr:
        Content-Language: en-US
        Message-ID:
        \t<{uuid(r)}@SG2PR06MB{r.randint(1000, 9999)}.apcprd06.prod.outlook.com>
        In-Reply-To: {ours}
        References: {ours}
        Subject: Undeliverable: [HD-2026-00140] Hasil Permohonan Reset Password Administrator
         Agency Bapenda
        MIME-Version: 1.0

        --{boundary}
        Content-Type: text/plain; charset="us-ascii"
        Content-Transfer-Encoding: quoted-printable

        Delivery has failed to these recipients or groups:

        admin.agency@bapenda-karawang.onmicrosoft.com
        The email address you entered couldn't be found. Please check the recipient's email =
        address and try to resend the message. If the problem continues, please contact your =
        helpdesk.

        Diagnostic information for administrators:

        Generating server: SG2PR06MB{r.randint(1000, 9999)}.apcprd06.prod.outlook.com

        admin.agency@bapenda-karawang.onmicrosoft.com
        Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found =
        by SMTP address lookup'

        --{boundary}
        Content-Type: message/delivery-status

        Reporting-MTA: dns;SG2PR06MB{r.randint(1000, 9999)}.apcprd06.prod.outlook.com
        Received-From-MTA: dns;{MX}
        Arrival-Date: {date_header(sent)}

        Final-Recipient: rfc822;admin.agency@bapenda-karawang.onmicrosoft.com
        Action: failed
        Status: 5.1.10
        Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found
         by SMTP address lookup

        --{boundary}
        Content-Type: message/rfc822

        From: Helpdesk LPSE Kabupaten Karawang <lpse@karawangkab.go.id>
        To: admin.agency@bapenda-karawang.onmicrosoft.com
        Subject: [HD-2026-00140] Hasil Permohonan Reset Password Administrator Agency Bapenda
        Date: {date_header(sent)}
        Message-ID: {ours}
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Yth. Bapak/Ibu Administrator Agency Bapenda,

        Permohonan reset password Administrator Agency (tiket HD-2026-00140) telah selesai
        kami proses. Mohon segera login ke SPSE dan mengganti password.

        Hormat kami,
        Helpdesk LPSE Kabupaten Karawang

        --{boundary}--
    """),
        t,
    )


def _gmail_vacation(mail: Mail) -> bytes:
    t = mail.moment
    r = rng(mail.name)
    boundary = "000000000000" + hexs(rng(mail.name, "boundary"), 16)
    ours = "<HD-2026-00144.1773127200.91af@karawangkab.go.id>"
    number = r.randint(1, 99)
    return _crlf(
        text(f"""
        Return-Path: <yayan.sopyan76@gmail.com>
        @@LMTP3@@
        Received: from mail-pj1-f{number}.google.com (mail-pj1-f{number}.google.com
        \t[209.85.216.{number}])
        \tby {MX} (Postfix) with ESMTPS id {queue_id(r)}
        \tfor <lpse@karawangkab.go.id>; {date_header(t + dt.timedelta(seconds=2), " (WIB)")}
        MIME-Version: 1.0
        From: Yayan Sopyan <yayan.sopyan76@gmail.com>
        Date: {date_header(t)}
        Message-ID: <CA{alnum(r, 44)}@mail.gmail.com>
        Subject: Sedang cuti - Re: [HD-2026-00144] Permohonan Uji Forensik Tender 10512347
        To: Helpdesk LPSE Kabupaten Karawang <lpse@karawangkab.go.id>
        In-Reply-To: {ours}
        References: {ours}
        Auto-Submitted: auto-replied
        Content-Type: multipart/alternative; boundary="{boundary}"

        --{boundary}
        Content-Type: text/plain; charset="UTF-8"

        Terima kasih atas email Anda. Saya sedang cuti sampai dengan 16 Maret 2026.
        Untuk permohonan uji forensik dan perubahan jadwal Pokja Pemilihan 2, mohon
        menghubungi Sekretaris Pokja melalui email pokja2.ukpbj@karawangkab.go.id.

        Salam,
        Yayan Sopyan

        --{boundary}
        Content-Type: text/html; charset="UTF-8"

        <div dir="ltr">Terima kasih atas email Anda. Saya sedang cuti sampai dengan 16 Maret
        2026.<br>Untuk permohonan uji forensik dan perubahan jadwal Pokja Pemilihan 2, mohon
        menghubungi Sekretaris Pokja melalui email pokja2.ukpbj@karawangkab.go.id.<br><br>Salam,
        <br>Yayan Sopyan</div>

        --{boundary}--
    """),
        t,
    )


def _read_receipt(mail: Mail) -> bytes:
    t = mail.moment
    r = rng(mail.name)
    boundary = f"----=_NextPart_000_{r.randint(1, 999):04X}_01DCB1A2.{hexs(r, 8, True)}"
    ours = "<HD-2026-00150.1773280800.0b3c@karawangkab.go.id>"
    return _crlf(
        text(f"""
        Return-Path: <pokja7.ukpbj@karawangkab.go.id>
        @@LMTP2@@
        Received: from DESKTOP-K7T2QPL (unknown [10.20.4.77])
        \t(Authenticated sender: pokja7.ukpbj@karawangkab.go.id)
        \tby {MX} (Postfix) with ESMTPSA id {queue_id(r)}
        \tfor <lpse@karawangkab.go.id>; {date_header(t + dt.timedelta(seconds=1), " (WIB)")}
        From: "Pokja Pemilihan 7" <pokja7.ukpbj@karawangkab.go.id>
        To: "Helpdesk LPSE Kabupaten Karawang" <lpse@karawangkab.go.id>
        References: {ours}
        In-Reply-To: {ours}
        Subject: Dibaca: [HD-2026-00150] Permohonan Uji Forensik File Penawaran Tender 10549113
        Date: {date_header(t)}
        Message-ID: <000001dcb1a2${hexs(r, 8)}${hexs(r, 8)}@karawangkab.go.id>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=disposition-notification;
        \tboundary="{boundary}"
        X-Mailer: Microsoft Outlook 16.0
        Content-Language: id

        This is a multipart message in MIME format.

        --{boundary}
        Content-Type: text/plain;
        \tcharset="us-ascii"
        Content-Transfer-Encoding: 7bit

        Pesan Anda

        Kepada: Pokja Pemilihan 7
        Subjek: [HD-2026-00150] Permohonan Uji Forensik File Penawaran Tender 10549113
        Terkirim: 11 Maret 2026 09.00

        telah dibaca pada 13 Maret 2026 08.12.

        --{boundary}
        Content-Type: message/disposition-notification

        Reporting-UA: DESKTOP-K7T2QPL; Microsoft Outlook 16.0
        Final-Recipient: rfc822;pokja7.ukpbj@karawangkab.go.id
        Original-Message-ID: {ours}
        Disposition: manual-action/MDN-sent-manually; displayed

        --{boundary}--
    """),
        t,
    )


def _digest(mail: Mail) -> bytes:
    t = mail.moment
    r = rng(mail.name)
    outer, inner = (
        "===============" + str(r.randint(10**18, 10**19)) + "==",
        ("===============" + str(r.randint(10**18, 10**19)) + "=="),
    )
    lists = "lists.lpse-jabar.id"
    serial = f"{r.randint(100, 999)}.{int(t.timestamp())}.{r.randint(1000, 9999)}"
    return _crlf(
        text(f"""
        Return-Path: <forum-lpse-bounces@{lists}>
        @@LMTP4@@
        Received: from mx.{lists} (mx.{lists} [103.28.{r.randint(1, 254)}.{r.randint(1, 254)}])
        \tby {MX} (Postfix) with ESMTPS id {queue_id(r)}
        \tfor <lpse@karawangkab.go.id>; {date_header(t + dt.timedelta(seconds=3), " (WIB)")}
        Subject: Forum-LPSE Digest, Vol 34, Issue 6
        From: forum-lpse-request@{lists}
        To: forum-lpse@{lists}
        Reply-To: forum-lpse@{lists}
        Date: {date_header(t)}
        Message-ID: <mailman.{serial}.forum-lpse@{lists}>
        X-BeenThere: forum-lpse@{lists}
        X-Mailman-Version: 2.1.39
        List-Id: Forum Pengelola LPSE se-Jawa Barat <forum-lpse.{lists}>
        List-Unsubscribe: <https://{lists}/mailman/options/forum-lpse>,
         <mailto:forum-lpse-request@{lists}?subject=unsubscribe>
        List-Post: <mailto:forum-lpse@{lists}>
        Errors-To: forum-lpse-bounces@{lists}
        Sender: "Forum-LPSE" <forum-lpse-bounces@{lists}>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="{outer}"

        --{outer}
        Content-Type: text/plain; charset="us-ascii"
        MIME-Version: 1.0
        Content-Transfer-Encoding: 7bit
        Content-Description: Forum-LPSE Digest, Vol 34, Issue 6

        Send Forum-LPSE mailing list submissions to
        \tforum-lpse@{lists}

        Today's Topics:

           1. Re: reset password admin agency (Helpdesk LPSE Kab. Bekasi)
           2. Tanya: perubahan jadwal setelah adendum (Pokja Kota Depok)

        --{outer}
        Content-Type: multipart/digest; boundary="{inner}"
        MIME-Version: 1.0

        --{inner}
        Content-Type: message/rfc822
        MIME-Version: 1.0

        Date: Thu, 12 Mar 2026 14:02:11 +0700
        From: Helpdesk LPSE Kab. Bekasi <lpse@bekasikab.go.id>
        To: forum-lpse@{lists}
        Subject: Re: reset password admin agency
        Message-ID: <{uuid(r, upper=False)}@bekasikab.go.id>
        Content-Type: text/plain; charset="us-ascii"

        Kami minta surat permohonan dan SK penunjukan admin agency sebelum reset password.

        --{inner}
        Content-Type: message/rfc822
        MIME-Version: 1.0

        Date: Thu, 12 Mar 2026 16:40:55 +0700
        From: Pokja Kota Depok <pokja@depok.go.id>
        To: forum-lpse@{lists}
        Subject: Tanya: perubahan jadwal setelah adendum
        Message-ID: <{uuid(r, upper=False)}@depok.go.id>
        Content-Type: text/plain; charset="us-ascii"

        Mohon perubahan jadwal tahap upload penawaran bisa dilakukan setelah adendum?
        Formulir penanganan permasalahan apa perlu dilampirkan?

        --{inner}--

        --{outer}
        Content-Type: text/plain; charset="us-ascii"
        MIME-Version: 1.0
        Content-Transfer-Encoding: 7bit
        Content-Disposition: inline

        _______________________________________________
        Forum-LPSE mailing list
        forum-lpse@{lists}
        https://{lists}/mailman/listinfo/forum-lpse

        --{outer}--
    """),
        t,
    )


def _mail(name: str, moment: dt.datetime, raw: Callable[[Mail], bytes], note: str) -> Mail:
    return Mail(
        name=name,
        client="raw",
        moment=moment,
        sender=("", ""),
        subject="",
        body="",
        label=_automatic(note),
        raw=raw,
    )


MACHINE_MAILS: list[Callable[[], Mail]] = [
    lambda: _mail(
        "c2-38-auto-exchange-ndr",
        when(3, 2, 11, 3, 20),
        _exchange_ndr,
        "Exchange Online NDR (multipart/report, Return-Path <>) of our reply on ticket "
        "HD-2026-00140 about a password reset",
    ),
    lambda: _mail(
        "c2-39-auto-gmail-vacation",
        when(3, 10, 14, 0, 31),
        _gmail_vacation,
        "Gmail vacation responder (Auto-Submitted: auto-replied) answering ticket "
        "HD-2026-00144; names uji forensik and perubahan jadwal",
    ),
    lambda: _mail(
        "c2-40-auto-read-receipt",
        when(3, 13, 8, 12, 40),
        _read_receipt,
        "Outlook read receipt 'Dibaca:' (multipart/report; disposition-notification) "
        "of ticket HD-2026-00150, sent by a person's address",
    ),
    lambda: _mail(
        "c2-41-auto-mailman-digest",
        when(3, 13, 6, 0, 5),
        _digest,
        "Mailman digest (List-Id, List-Post) whose messages ask for a password reset "
        "and a schedule change",
    ),
]
