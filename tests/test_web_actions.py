"""Staff actions from the browser: each shows its answer first, then does it for real."""

from __future__ import annotations

import os
import re
import time
from email.message import EmailMessage
from typing import Any

import pytest
from sqlmodel import Session, col, select

from helpdesk.models import AuditEntry, OutboxAnswer
from tests.support.web_desk import WebDesk, csrf_of

FORENSIC, SCHEDULE, INCOMPLETE = "HD-2026-00001", "HD-2026-00002", "HD-2026-00003"
AUDITED = {"assign": "assigned", "note": "note", "escalate": "escalated", "resolve": "resolved",
           "reject": "rejected", "reopen": "reopened"}  # fmt: skip


def outbox(web: WebDesk, ref: str) -> list[OutboxAnswer]:
    ticket = web.ticket(ref)
    with Session(web.engine) as session:
        query = select(OutboxAnswer).where(OutboxAnswer.ticket_id == ticket.id)
        return list(session.exec(query.order_by(col(OutboxAnswer.id))).all())


def last_audit(web: WebDesk, ref: str) -> AuditEntry:
    ticket = web.ticket(ref)
    with Session(web.engine) as session:
        query = select(AuditEntry).where(AuditEntry.ticket_id == ticket.id)
        return session.exec(query.order_by(col(AuditEntry.id).desc())).first()  # type: ignore[return-value]


def preview(client: Any, ref: str, action: str, **form: Any) -> Any:
    token = csrf_of(client.get(f"/tickets/{ref}").text)
    files = form.pop("files", None)
    return client.post(f"/tickets/{ref}/{action}", data={"csrf_token": token, **form}, files=files)


def confirm(client: Any, ref: str, page: str) -> Any:
    plan = re.search(r'name="plan" value="([^"]+)"', page)
    assert plan, "the preview has no confirm form"
    return client.post(
        f"/tickets/{ref}/confirm", data={"csrf_token": csrf_of(page), "plan": plan.group(1)}
    )


def answer_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("ref", "action", "form", "status", "answered"),
    [
        (FORENSIC, "assign", {"assignee": "Dedi"}, "in_progress", False),
        (FORENSIC, "note", {"text": "sudah dicek di SPSE"}, "new", False),
        (FORENSIC, "escalate", {"note": "dikirim ke BSSN"}, "escalated", True),
        (FORENSIC, "resolve", {"outcome": "corrupt", "note": "rusak"}, "resolved", True),
        (SCHEDULE, "resolve", {"note": "Jadwal upload diubah."}, "resolved", True),
        (INCOMPLETE, "reject", {"reason": "Bukan kewenangan LPSE."}, "rejected", True),
    ],
)
def test_preview_changes_nothing_then_confirm_acts_under_the_officers_name(
    web: WebDesk, ref: str, action: str, form: dict[str, str], status: str, answered: bool
) -> None:
    client = web.logged_in("Dedi")
    before, answers_before = web.ticket(ref), len(outbox(web, ref))

    page = preview(client, ref, action, **form)

    assert page.status_code == 200, page.text
    assert "Pratinjau" in page.text and "Belum ada yang diubah" in page.text
    assert web.ticket(ref).status == before.status and len(outbox(web, ref)) == answers_before
    if answered:
        assert f"[{ref}]" in page.text  # the answer's subject, as it will be sent
    else:
        assert "tidak mengirim jawaban" in page.text

    done = confirm(client, ref, page.text)

    assert done.status_code == 303 and done.headers["location"] == f"/tickets/{ref}"
    assert web.ticket(ref).status == status
    entry = last_audit(web, ref)
    assert entry.actor == "Dedi" and entry.action == AUDITED[action]
    rows = outbox(web, ref)
    assert len(rows) == answers_before + (1 if answered else 0)
    if answered:
        assert rows[-1].status == "sent"  # sent at once (the file transport)
    assert "selesai" in client.get(f"/tickets/{ref}").text  # the flash line


def test_schedule_change_preview_shows_the_password_notice_that_is_sent(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    page = preview(client, SCHEDULE, "resolve", note="Jadwal upload diubah.")
    assert "WAJIB SEGERA MENGGANTI PASSWORD" in page.text
    assert "Jadwal upload diubah." in page.text
    confirm(client, SCHEDULE, page.text)
    sent = web.desk.answers()[-1]
    assert "WAJIB SEGERA MENGGANTI PASSWORD" in answer_text(sent)
    assert f"[{SCHEDULE}]" in str(sent["Subject"])


def test_reopen_after_reject(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    confirm(client, INCOMPLETE, preview(client, INCOMPLETE, "reject", reason="Salah kirim").text)
    page = preview(client, INCOMPLETE, "reopen", note="Dibuka lagi")
    assert page.status_code == 200 and "Dibuka lagi" in page.text
    confirm(client, INCOMPLETE, page.text)
    assert web.ticket(INCOMPLETE).status == "awaiting_documents"
    assert last_audit(web, INCOMPLETE).action == "reopened"


def test_resolve_sends_the_uploaded_letter(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    letter = b"%PDF-1.4\nhasil uji\n%%EOF\n"
    page = preview(
        client,
        FORENSIC,
        "resolve",
        outcome="opened",
        files=[("files", ("Surat Hasil Uji.pdf", letter, "application/pdf"))],
    )
    assert page.status_code == 200 and "Surat Hasil Uji.pdf" in page.text
    confirm(client, FORENSIC, page.text)
    sent = web.desk.answers()[-1]
    [attached] = list(sent.iter_attachments())
    assert attached.get_filename() == "Surat Hasil Uji.pdf"
    assert attached.get_payload(decode=True) == letter


def test_staged_uploads_are_removed_once_no_preview_can_use_them(web: WebDesk) -> None:
    uploads = web.desk.settings.helpdesk.data_dir / "uploads"
    stale = uploads / "ab" / ("ab" + "0" * 62)
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"surat lama")
    hours_ago = time.time() - 3 * 3600
    os.utime(stale, (hours_ago, hours_ago))

    client = web.logged_in("Dedi")
    letter = b"%PDF-1.4\nhasil uji baru\n%%EOF\n"
    files = [("files", ("Surat.pdf", letter, "application/pdf"))]
    page = preview(client, FORENSIC, "resolve", outcome="opened", files=files)

    assert page.status_code == 200
    assert not stale.exists()
    assert [p.read_bytes() for p in uploads.glob("*/*")] == [letter]


def test_a_refused_action_shows_why_and_changes_nothing(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    page = preview(client, FORENSIC, "resolve", note="tanpa hasil")  # no outcome
    assert page.status_code == 400
    assert "Pilih hasil uji forensik" in page.text and "--outcome" not in page.text
    assert web.ticket(FORENSIC).status == "new"

    page = preview(client, FORENSIC, "reject", reason="")
    assert page.status_code == 400
    assert "Isi alasan penolakan" in page.text and "--reason" not in page.text


def test_every_refused_form_keeps_what_was_typed_in_it(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    page = preview(client, FORENSIC, "resolve", note="Berkas <dibuka> & dicek")  # no outcome
    assert page.status_code == 400
    resolve_form = page.text[page.text.index('action="/tickets/' + FORENSIC + '/resolve"') :]
    assert "Berkas &lt;dibuka&gt; &amp; dicek</textarea>" in resolve_form
    page = preview(client, FORENSIC, "merge", into="HD-2026-09999")  # no such ticket
    assert page.status_code == 400 and "Tiket HD-2026-09999 tidak ditemukan" in page.text
    assert 'value="HD-2026-09999"' in page.text and "helpdesk tickets" not in page.text
    page = preview(client, FORENSIC, "reject", reason="   ")  # blank: refused
    assert page.status_code == 400 and "Isi alasan penolakan" in page.text


def test_confirm_refuses_a_tampered_or_foreign_preview(web: WebDesk) -> None:
    dedi = web.logged_in("Dedi")
    page = preview(dedi, SCHEDULE, "resolve", note="ok").text
    forged = page.replace('name="plan" value="', 'name="plan" value="x')
    assert confirm(dedi, SCHEDULE, forged).status_code == 400
    admin = web.logged_in("Admin Utama")
    token = csrf_of(admin.get("/").text)
    plan = re.search(r'name="plan" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    stolen = admin.post(f"/tickets/{SCHEDULE}/confirm", data={"csrf_token": token, "plan": plan})
    assert stolen.status_code == 403
    assert web.ticket(SCHEDULE).status != "resolved"


def test_confirm_refuses_when_the_ticket_changed_since_the_preview(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    stale = preview(client, SCHEDULE, "resolve", note="ok").text
    confirm(client, SCHEDULE, preview(client, SCHEDULE, "note", text="dicek").text)
    response = confirm(client, SCHEDULE, stale)
    assert response.status_code == 400 and "berubah sejak pratinjau" in response.text
    assert web.ticket(SCHEDULE).status != "resolved"


def test_unknown_action_is_404(web: WebDesk) -> None:
    assert preview(web.logged_in("Dedi"), FORENSIC, "delete").status_code == 404


def test_a_canned_answer_loads_into_the_box_and_the_edited_question_is_sent(
    web: WebDesk,
) -> None:
    client = web.logged_in("Dedi")
    page = client.get(f"/tickets/{INCOMPLETE}?canned=scan_tidak_terbaca")
    assert page.status_code == 200
    box = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert box and "hasil pindaian yang lebih jelas" in box.group(1).replace("\n", " ")
    edited = box.group(1).replace("&#39;", "'") + "\nTerutama halaman tanda tangan."

    shown = preview(client, INCOMPLETE, "ask", text=edited)
    assert shown.status_code == 200 and "Tanya pemohon" in shown.text
    assert "Terutama halaman tanda tangan." in shown.text and "Yth. Bapak/Ibu" in shown.text
    assert web.ticket(INCOMPLETE).status == "awaiting_documents"  # nothing changed yet
    confirm(client, INCOMPLETE, shown.text)

    assert web.ticket(INCOMPLETE).status == "awaiting_requester"
    assert last_audit(web, INCOMPLETE).action == "asked"
    sent = web.desk.answers()[-1]
    assert f"[{INCOMPLETE}]" in str(sent["Subject"])
    assert "Terutama halaman tanda tangan." in answer_text(sent)
    assert "Menunggu Jawaban Pemohon" in client.get(f"/tickets/{INCOMPLETE}").text


def test_a_refused_answer_keeps_what_the_officer_typed(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    confirm(client, INCOMPLETE, preview(client, INCOMPLETE, "reject", reason="Salah kirim").text)
    typed = "Mohon maaf, berkas belum lengkap & perlu <ditandatangani>."
    page = preview(client, INCOMPLETE, "ask", text=typed)  # a closed ticket asks nothing
    assert page.status_code == 400
    assert "buka kembali dahulu" in page.text
    assert "Mohon maaf, berkas belum lengkap &amp; perlu &lt;ditandatangani&gt;." in page.text


def test_a_reply_with_an_unknown_canned_answer_says_so(web: WebDesk) -> None:
    page = web.logged_in("Dedi").get(f"/tickets/{FORENSIC}?canned=tidak_ada")
    assert "tidak ditemukan" in page.text


def test_assignment_chooses_a_staff_account_in_any_case(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    assert '<option selected>Dedi</option>' in client.get(f"/tickets/{FORENSIC}").text
    confirm(client, FORENSIC, preview(client, FORENSIC, "assign", assignee="dEDI").text)
    assert web.ticket(FORENSIC).assignee == "Dedi"  # the account's own spelling
    refused = preview(client, FORENSIC, "assign", assignee="Siapa Saja")
    assert refused.status_code == 400 and "Tidak ada akun petugas aktif" in refused.text
    assert web.ticket(FORENSIC).assignee == "Dedi"


def bulk(client: Any, action: str, refs: list[str], **form: str) -> Any:
    token = csrf_of(client.get("/").text)
    data = {"csrf_token": token, "refs": refs, **form}
    return client.post(f"/bulk/{action}", data=data)


def test_bulk_assign_three_tickets_after_a_preview(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    web.account("Rina")
    refs = [FORENSIC, SCHEDULE, INCOMPLETE]
    page = bulk(client, "assign", refs, assignee="rina")
    assert page.status_code == 200 and "Belum ada yang diubah" in page.text
    assert all(web.ticket(ref).assignee is None for ref in refs)  # nothing yet
    plan = re.search(r'name="plan" value="([^"]+)"', page.text)
    assert plan
    done = client.post("/bulk/confirm", data={"csrf_token": csrf_of(page.text), "plan": plan[1]})
    assert done.status_code == 303
    assert [web.ticket(ref).assignee for ref in refs] == ["Rina", "Rina", "Rina"]
    assert "3 tiket" in client.get("/").text
    mine = web.logged_in("Rina").get("/", params={"assignee": "Rina"}).text
    assert all(ref in mine for ref in refs) and "Tiket saya" in mine


def test_bulk_close_tells_each_requester_the_reason(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    reason = "Permohonan ganda, sudah ditangani."
    page = bulk(client, "close", [FORENSIC, INCOMPLETE], reason=reason)
    assert "2 jawaban akan dikirim" in page.text and "Permohonan ganda" in page.text
    plan = re.search(r'name="plan" value="([^"]+)"', page.text)
    assert plan
    client.post("/bulk/confirm", data={"csrf_token": csrf_of(page.text), "plan": plan[1]})
    assert {web.ticket(FORENSIC).status, web.ticket(INCOMPLETE).status} == {"rejected"}
    assert "Permohonan ganda, sudah ditangani." in answer_text(web.desk.answers()[-1])


def test_bulk_close_needs_a_reason_and_changes_nothing_without_one(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    page = bulk(client, "close", [FORENSIC, INCOMPLETE], reason="")
    assert page.status_code == 400 and "alasan" in page.text.lower()
    assert web.ticket(FORENSIC).status != "rejected"
