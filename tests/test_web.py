"""The staff pages at request level: logins, permissions, CSRF, headers, queue, ticket."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from helpdesk.accounts import set_disabled, set_password
from helpdesk.models import StaffAccount, Ticket, utcnow
from helpdesk.sla_clock import start_clock
from helpdesk.tickets import QueueFilter, list_tickets
from helpdesk.web.queue import PAGE_SIZE, queue_page
from helpdesk.web.security import SECURITY_HEADERS
from tests.support.messages import mail_bytes
from tests.support.web_desk import HOSTILE, PASSWORD, WebDesk, csrf_of, login

FORENSIC, SCHEDULE, INCOMPLETE, HOSTILE_REF = (f"HD-2026-0000{n}" for n in range(1, 5))
PAGES = ("/", f"/tickets/{FORENSIC}", "/attachments/1", "/log", "/log.xlsx?month=2026-11")
ADMIN_PAGES = ("/registry", "/registry.xlsx", "/staff")




# --- logins ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES + ADMIN_PAGES)
def test_anonymous_visitor_is_sent_to_the_login(web: WebDesk, path: str) -> None:
    response = web.client().get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_login_sets_an_httponly_lax_cookie_and_opens_the_queue(web: WebDesk) -> None:
    client = web.client()
    response = login(client, "Dedi")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = client.get("/")
    assert page.status_code == 200 and "Antrian tiket" in page.text and "Dedi" in page.text


def test_cookie_is_secure_when_served_over_https(tmp_path: Path) -> None:
    web = WebDesk(tmp_path, web={"https": True})
    web.account("Dedi")
    response = login(web.client(), "Dedi")
    assert "; secure" in response.headers["set-cookie"].lower()


def test_login_returns_to_the_page_asked_for_but_never_off_site(web: WebDesk) -> None:
    client = web.client()
    assert client.get(f"/tickets/{FORENSIC}").headers["location"] == (
        f"/login?next=/tickets/{FORENSIC}"
    )
    targets = (f"/tickets/{FORENSIC}", "//evil.example/", "https://evil.example/", "/\\x")
    for target, expected in zip(targets, (f"/tickets/{FORENSIC}", "/", "/", "/"), strict=True):
        client = web.client()
        token = csrf_of(client.get("/login").text)
        form = {"csrf_token": token, "name": "Dedi", "password": PASSWORD, "next": target}
        assert client.post("/login", data=form).headers["location"] == expected


def test_wrong_password_is_refused(web: WebDesk) -> None:
    client = web.client()
    response = login(client, "Dedi", "salah")
    assert response.status_code == 401 and "Nama atau kata sandi salah" in response.text
    assert client.get("/").status_code == 303
    assert login(client, "Tidak Ada", "salah").status_code == 401


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(web: WebDesk) -> None:
    client = web.client()
    for _ in range(5):
        assert login(client, "Dedi", "salah").status_code == 401
    locked = login(client, "Dedi")  # the right password, too late
    assert locked.status_code == 401 and "dikunci" in locked.text
    with Session(web.engine) as session:
        account = session.exec(select(StaffAccount).where(StaffAccount.name == "Dedi")).one()
        assert account.locked_until is not None
        assert timedelta(minutes=14) < account.locked_until - utcnow() <= timedelta(minutes=15)
        account.locked_until = utcnow() - timedelta(seconds=1)  # fifteen minutes later
        session.add(account)
        session.commit()
    assert login(client, "Dedi").status_code == 303


def test_logout_ends_the_session(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).headers["location"] == "/login"
    assert client.get("/").status_code == 303


@pytest.mark.parametrize("change", ["disable", "new password"])
def test_disabling_or_a_new_password_ends_open_sessions(web: WebDesk, change: str) -> None:
    client = web.logged_in("Dedi")
    with Session(web.engine) as session:
        if change == "disable":
            set_disabled(session, "Dedi")
        else:
            set_password(session, "Dedi", "kata-sandi-baru-2")
        session.commit()
    assert client.get("/").status_code == 303


def test_every_officer_may_download_the_monthly_log(web: WebDesk) -> None:
    response = web.logged_in("Dedi").get("/log.xlsx?month=2026-11")
    assert response.status_code == 200
    assert response.content.startswith(b"PK")  # an XLSX


def test_staff_are_refused_the_admin_pages(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    token = csrf_of(client.get("/").text)
    assert client.post("/registry", data={"csrf_token": token}).status_code == 403
    form = {"csrf_token": token, "change": "add", "name": "X", "password": PASSWORD}
    assert client.post("/staff", data=form).status_code == 403
    assert "/registry" not in client.get("/").text  # and the menu does not offer them


def test_admin_opens_the_admin_pages(web: WebDesk) -> None:
    client = web.logged_in("Admin Utama")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


# --- CSRF and headers ----------------------------------------------------------------------


def _post_paths(web: WebDesk) -> list[str]:
    """Every POST route of the app, with its path parameters filled in."""
    paths = []
    for route in web.app.routes:
        if "POST" in (getattr(route, "methods", None) or ()):
            path = getattr(route, "path")  # noqa: B009
            paths.append(path.replace("{ref}", SCHEDULE).replace("{action}", "note"))
    return paths


@pytest.mark.parametrize("token", [None, "wrong"])
def test_every_form_without_the_right_csrf_token_is_refused(
    web: WebDesk, token: str | None
) -> None:
    client = web.logged_in("Admin Utama")
    before = web.ticket(SCHEDULE).updated_at
    paths = _post_paths(web)
    assert {"/login", "/logout", "/registry", "/staff", f"/tickets/{SCHEDULE}/confirm"} <= set(
        paths
    )
    form = {"text": "x", "name": "Dedi", "password": PASSWORD, "change": "disable"}
    if token:
        form["csrf_token"] = token
    for path in paths:
        assert client.post(path, data=form).status_code == 403, path
    assert client.get("/").status_code == 200  # still logged in: the logout was refused too
    assert web.ticket(SCHEDULE).updated_at == before


def test_a_token_from_another_session_is_refused(web: WebDesk) -> None:
    other = csrf_of(web.logged_in("Dedi").get("/").text)
    client = web.logged_in("Admin Utama")
    response = client.post(f"/tickets/{SCHEDULE}/note", data={"csrf_token": other, "text": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path", ["/login", "/", f"/tickets/{HOSTILE_REF}", "/nowhere", "/static/style.css"]
)
def test_security_headers_on_every_response(web: WebDesk, path: str) -> None:
    response = web.logged_in("Dedi").get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


# --- the queue -----------------------------------------------------------------------------


def test_queue_shows_marks_and_counts_per_status(web: WebDesk) -> None:
    page = web.logged_in("Dedi").get("/").text
    for ref in (FORENSIC, SCHEDULE, INCOMPLETE, HOSTILE_REF):
        assert f'href="/tickets/{ref}"' in page
    assert "kurang 1:</span> Berita Acara Uji Forensik" in page
    assert "Semua <b>4</b>" in page and "Menunggu Kelengkapan <b>2</b>" in page
    assert "Baru <b>2</b>" in page and "Selesai <b>0</b>" in page
    assert ">jadwal<" in page  # the schedule change is marked


def test_queue_filters(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    page = client.get("/", params={"status": "awaiting_documents"}).text
    assert INCOMPLETE in page and FORENSIC not in page
    page = client.get("/", params={"kind": "problem_report"}).text
    assert SCHEDULE in page and FORENSIC not in page
    assert "Tidak ada tiket" in client.get("/", params={"assignee": "Siapa"}).text
    with Session(web.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.ref == FORENSIC)).one()
        ticket.created_at = utcnow() - timedelta(days=10)
        start_clock(ticket, web.settings.sla)  # as if it had opened ten days ago
        session.add(ticket)
        session.commit()
    page = client.get("/", params={"overdue": "1"}).text
    assert FORENSIC in page and SCHEDULE not in page and "melewati target SLA" in page


def _add_tickets(web: WebDesk, count: int) -> None:
    with Session(web.engine) as session:
        now = utcnow()
        for number in range(count):
            ticket = Ticket(
                ref=f"HD-2025-{number:05d}",
                kind="other" if number % 3 else "problem_report",
                status="in_progress" if number % 2 else "new",
                subject=f"Pertanyaan {number}",
                created_at=now - timedelta(hours=number),
                deadline=now + timedelta(days=number) if number % 7 == 0 else None,
            )
            start_clock(ticket, web.settings.sla)  # some are overdue, most are not
            session.add(ticket)
        session.commit()


@pytest.mark.parametrize(
    "queue",
    [QueueFilter(), QueueFilter(status="new"), QueueFilter(kind="other"),
     QueueFilter(overdue=True), QueueFilter(agency="Dinas")],
)  # fmt: skip
def test_pages_follow_the_order_and_filters_of_tickets_list(
    web: WebDesk, queue: QueueFilter
) -> None:
    _add_tickets(web, 130)
    now = utcnow()
    with Session(web.engine) as session:
        expected = [t.ref for t in list_tickets(session, queue, now=now)]
        paged, page = [], 1
        while True:
            tickets, total = queue_page(session, queue, page=page, moment=now)
            paged += [t.ref for t in tickets]
            if len(tickets) < PAGE_SIZE:
                break
            page += 1
    assert paged == expected and total == len(expected)


def test_queue_pages_by_fifty(web: WebDesk) -> None:
    _add_tickets(web, 130)
    client = web.logged_in("Dedi")
    first = client.get("/").text
    assert "halaman 1 dari 3" in first and 'href="/?page=2"' in first
    assert first.count('<td class="ref">') == PAGE_SIZE
    last = client.get("/", params={"page": "3"}).text
    assert last.count('<td class="ref">') == 134 - 2 * PAGE_SIZE
    assert client.get("/", params={"page": "x"}).status_code == 200


# --- a ticket ------------------------------------------------------------------------------


def test_ticket_page_shows_checklist_verdicts_fields_reasons_thread_and_history(
    web: WebDesk,
) -> None:
    page = web.logged_in("Dedi").get(f"/tickets/{INCOMPLETE}").text
    assert "✘ Berita Acara Uji Forensik" in page and "✔ Formulir Permintaan Uji Forensik" in page
    assert "Kode Tender" in page and "Alasan keputusan bot" in page  # fields in Indonesian
    assert "Percakapan" in page and "Yth." in page  # the mail's own text
    assert "dibuat" in page and "Riwayat" in page  # the history, in Indonesian (issue 12)


def test_unknown_ticket_is_404(web: WebDesk) -> None:
    response = web.logged_in("Dedi").get("/tickets/HD-2026-99999")
    assert response.status_code == 404 and "tidak ditemukan" in response.text


def test_the_error_pages_speak_indonesian(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    for response in (client.get("/no-such-page"), client.put("/")):
        assert response.status_code in (404, 405)
        assert "Not Found" not in response.text and "Method Not Allowed" not in response.text
        assert "Tidak ditemukan" in response.text or "Tidak diizinkan" in response.text


def test_mail_text_is_escaped_and_credentials_masked(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    for page in (client.get(f"/tickets/{HOSTILE_REF}").text, client.get("/").text):
        assert HOSTILE not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = client.get(f"/tickets/{HOSTILE_REF}").text
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the body, shown as text
    assert "&lt;b onmouseover=alert(3)&gt;laporan&lt;script&gt;.pdf" in page  # attachment
    assert "Rahasia#2026" not in page and "********" in page
    scripts = re.findall(r"<script", page, flags=re.IGNORECASE)
    assert scripts == []


def test_attachment_downloads_as_a_file_never_as_a_page(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    page = client.get(f"/tickets/{HOSTILE_REF}").text
    [link] = re.findall(r'href="(/attachments/\d+)"', page)
    response = client.get(link)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(
        'attachment; filename="_b onmouseover_alert(3)_laporan_script_.pdf"'
    )
    assert "filename*=UTF-8''%3Cb%20onmouseover%3Dalert%283%29%3Elaporan%3Cscript%3E.pdf" in (
        disposition
    )
    assert client.get("/attachments/99999").status_code == 404


def test_the_search_box_finds_a_ticket_by_its_kode_tender(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    assert 'action="/search"' in client.get("/").text  # on every page
    ticket = web.ticket("HD-2026-00001")
    page = client.get("/search", params={"q": ticket.kode_tender})
    assert page.status_code == 200
    assert 'href="/tickets/HD-2026-00001"' in page.text
    assert f"[{ticket.kode_tender}]" in page.text
    assert "Tidak ada tiket yang cocok" in client.get("/search", params={"q": "zzqqxx"}).text


def test_search_needs_a_login(web: WebDesk) -> None:
    assert web.client().get("/search?q=10283561", follow_redirects=False).status_code in (
        302,
        303,
    )


def test_the_ticket_page_speaks_indonesian_in_wib_and_chooses_no_outcome(web: WebDesk) -> None:
    page = web.logged_in("Dedi").get("/tickets/HD-2026-00001").text
    history = page[page.index("<h2>Riwayat</h2>") :]
    assert re.search(r"<td>\d\d-\d\d-\d{4} \d\d:\d\d</td><td>bot</td><td>dibuat</td>", history)
    assert "Waktu (WIB)" in history and "UTC" not in history
    assert "<td>tanda terima</td>" in page or "<td>berkas belum lengkap</td>" in page
    assert '<option value="" selected disabled>' in page  # the officer must pick the outcome


def test_the_bots_reasons_notes_history_and_clock_read_in_indonesian(web: WebDesk) -> None:
    client = web.logged_in("Dedi")
    page = client.get(f"/tickets/{INCOMPLETE}").text
    reasons = page[page.index("Alasan keputusan bot") : page.index("</ul>", page.index("Alasan"))]
    assert "jenis Permintaan Uji Forensik" in reasons and "belum lengkap: kurang" in reasons
    assert "pengirim tidak terverifikasi" in reasons
    for english in ("kind ", "missing", "sender", "attached", "points"):
        assert english not in reasons
    history = page[page.index("<h2>Riwayat</h2>") :]
    assert "kurang Berita Acara Uji Forensik" in history and "missing" not in history
    queue = client.get("/").text
    assert "jam kerja" in queue  # each open ticket's SLA clock, in working time


def test_the_ticket_page_shows_each_answers_text_other_tickets_and_colleagues(
    web: WebDesk,
) -> None:
    web.account("Rina")
    dedi, rina = web.logged_in("Dedi"), web.logged_in("Rina")
    page = dedi.get("/tickets/HD-2026-00001").text
    assert "<summary>Isi jawaban 1" in page and "Yth." in page.split("<summary>Isi jawaban")[1]
    assert "juga dibuka oleh" not in page  # nobody else yet
    seen_by_rina = rina.get("/tickets/HD-2026-00001").text
    assert "Tiket ini juga dibuka oleh Dedi" in seen_by_rina

    requester = web.ticket("HD-2026-00001").requester_address
    question = mail_bytes("Pertanyaan lain", "Mohon info jadwal bimtek.", sender=f"A <{requester}>")
    web.receive(question)
    again = dedi.get("/tickets/HD-2026-00001").text
    other = [t.ref for t in web_tickets(web) if t.requester_address == requester][-1]
    assert "Tiket lain dari pemohon ini" in again and f'href="/tickets/{other}"' in again


def web_tickets(web: WebDesk) -> list[Ticket]:
    with Session(web.engine) as session:
        return list(session.exec(select(Ticket).order_by(Ticket.id)).all())  # type: ignore[arg-type]


def test_closed_tickets_wait_behind_a_tick_and_the_counts_follow_the_filters(
    web: WebDesk,
) -> None:
    with Session(web.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.ref == INCOMPLETE)).one()
        ticket.status = "rejected"
        session.add(ticket)
        session.commit()
    client = web.logged_in("Dedi")
    page = client.get("/").text
    assert f'href="/tickets/{INCOMPLETE}"' not in page  # closed: not in the daily queue
    assert "Ditolak <b>1</b>" in page  # but counted, one click away
    assert f'href="/tickets/{INCOMPLETE}"' in client.get("/", params={"closed": "1"}).text
    assert f'href="/tickets/{INCOMPLETE}"' in client.get("/", params={"status": "rejected"}).text
    with Session(web.engine) as session:
        kinds = [t.kind for t in session.exec(select(Ticket)).all() if t.status != "rejected"]
    problems = client.get("/", params={"kind": "problem_report"}).text
    wanted = kinds.count("problem_report")
    assert 0 < wanted < len(kinds)
    assert f"Semua <b>{wanted}</b>" in problems  # the counts are of that kind only
