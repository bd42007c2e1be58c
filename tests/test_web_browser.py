"""The staff pages in a real headless Chromium (Debian's), driven by Playwright.

Playwright uses the system browser at /usr/bin/chromium; it never downloads one.
Set HELPDESK_SCREENSHOT=docs/queue.png to also save a screenshot of the queue.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.bot import sample, with_headers
from tests.support.servers import ImapAccount
from tests.support.web_desk import (
    HOSTILE,
    HOSTILE_FILE,
    PASSWORD,
    WebDesk,
    copy_seeded,
    seed,
    served,
)

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCHEDULE, INCOMPLETE, HOSTILE_REF = "HD-2026-00002", "HD-2026-00003", "HD-2026-00004"
# More requests for a queue that looks like a working morning (the screenshot).
MORE = (
    "22-reset-complete-pdf.eml",
    "30-replacement-decree-missing-octet-stream.eml",
    "35-join-two-documents-missing.eml",
    "36-data-request-complete.eml",
    "12-schedule-change-corrupt-xlsx.eml",
    "39-other-vendor-registration-question.eml",
)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> WebDesk:
    seeded = tmp_path_factory.mktemp("seeded")
    seed(seeded)
    desk = copy_seeded(seeded, tmp_path_factory.mktemp("desk"))
    desk.receive(*(sample(name) for name in MORE))
    return desk


@pytest.fixture(scope="module")
def base_url(web: WebDesk) -> Iterator[str]:
    """The app served by uvicorn in a thread on 127.0.0.1, on a free port."""
    with served(web.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; tests/run.sh installs the Debian package chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: sync_api.Browser, base_url: str) -> Iterator[sync_api.Page]:
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def log_in(page: sync_api.Page, name: str) -> None:
    page.goto("/")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Masuk')")
    page.wait_for_url("**/")


def test_log_in_and_filter_the_queue(page: sync_api.Page) -> None:
    log_in(page, "Dedi")
    assert page.locator("h1").inner_text() == "Antrian tiket"
    page.select_option("select[name=status]", "awaiting_documents")
    page.click("button:has-text('Saring')")
    page.wait_for_url("**/?status=awaiting_documents*")
    refs = page.locator("td.ref a").all_inner_texts()
    assert INCOMPLETE in refs and HOSTILE_REF in refs and SCHEDULE not in refs
    screenshot = os.environ.get("HELPDESK_SCREENSHOT")
    if screenshot:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto("/")
        page.screenshot(path=screenshot, full_page=False)


def test_hostile_mail_runs_no_script(page: sync_api.Page) -> None:
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "Dedi")
    page.goto(f"/tickets/{HOSTILE_REF}")
    page.hover("text=laporan")  # the attachment name's onmouseover, were it markup
    page.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    assert page.evaluate("document.querySelectorAll('script, img').length") == 0
    assert HOSTILE in page.locator("dl.facts").inner_text()  # shown as text, not run
    assert HOSTILE_FILE in page.locator("table").first.inner_text()
    assert "Rahasia#2026" not in page.content()


def test_resolve_a_schedule_change_after_seeing_the_password_notice(
    page: sync_api.Page, web: WebDesk
) -> None:
    log_in(page, "Dedi")
    page.goto(f"/tickets/{SCHEDULE}")
    page.fill("form[action$='/resolve'] textarea[name=note]", "Jadwal upload telah diubah.")
    page.click("button:has-text('Pratinjau penyelesaian')")
    preview = page.locator("article.answer").inner_text()
    assert "WAJIB SEGERA MENGGANTI PASSWORD" in preview
    assert "Jadwal upload telah diubah." in preview
    assert web.ticket(SCHEDULE).status != "resolved"  # nothing done yet
    page.click("button:has-text('Kirim')")
    page.wait_for_url(f"**/tickets/{SCHEDULE}")
    assert "Selesai" in page.locator("dl.facts").inner_text()
    assert "jawaban dikirim" in page.locator("p.notice").inner_text()
    assert web.ticket(SCHEDULE).status == "resolved"


def test_download_the_monthly_log(page: sync_api.Page, web: WebDesk) -> None:
    log_in(page, "Admin Utama")
    page.click("nav >> text=Rekap Bulanan")
    created = web.ticket(SCHEDULE).created_at.astimezone()
    page.fill("input[name=month]", f"{created.year}-{created.month:02d}")
    with page.expect_download() as info:
        page.click("button:has-text('Unduh rekap bulan ini')")
    download = info.value
    assert download.suggested_filename.startswith("rekap-tiket-")
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book["Log Tiket"].max_row > len(MORE)


def test_ask_a_question_from_a_canned_answer_edited_in_the_box(
    page: sync_api.Page, web: WebDesk, imap_account: ImapAccount
) -> None:
    log_in(page, "Dedi")
    kode = web.ticket(INCOMPLETE).kode_tender
    assert kode
    page.fill("form.search input[name=q]", kode)  # the search box of every page
    page.click("form.search button")
    page.wait_for_url("**/search?q=*")
    assert f"[{kode}]" in page.locator("ol.hits").inner_text()  # the matching word marked
    shot = os.environ.get("HELPDESK_SEARCH_SCREENSHOT")
    if shot:
        page.set_viewport_size({"width": 1400, "height": 700})
        page.screenshot(path=shot)
    page.click(f"ol.hits a:has-text('{INCOMPLETE}')")
    page.wait_for_url(f"**/tickets/{INCOMPLETE}")
    page.select_option("select[name=canned]", "scan_tidak_terbaca")
    page.click("button:has-text('Muat ke kotak jawaban')")
    box = page.locator("#balas textarea[name=text]")
    assert "hasil pindaian yang lebih jelas" in " ".join(box.input_value().split())
    box.fill(box.input_value() + "\nTerutama halaman tanda tangan Ketua Pokja.")
    shot = os.environ.get("HELPDESK_TICKET_SCREENSHOT")
    if shot:
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.screenshot(path=shot, full_page=True)
    page.click("button:has-text('Pratinjau pertanyaan')")
    preview = page.locator("article.answer").inner_text()
    assert "Terutama halaman tanda tangan Ketua Pokja." in preview
    assert "Menunggu Jawaban Pemohon" in preview
    assert web.ticket(INCOMPLETE).status == "awaiting_documents"  # nothing done yet
    page.click("button:has-text('Kirim')")
    page.wait_for_url(f"**/tickets/{INCOMPLETE}")
    assert "Menunggu Jawaban Pemohon" in page.locator("dl.facts").inner_text()
    assert web.ticket(INCOMPLETE).status == "awaiting_requester"

    question = web.desk.answers()[-1]  # the requester answers the question
    answer = with_headers(
        sample("03-forensic-terlampir-no-attachment.eml"),
        From=str(question["To"]),
        Subject=f"Re: {question['Subject']}",
        Message_ID="<jawaban-browser-1@karawangkab.go.id>",
        In_Reply_To=str(question["Message-ID"]),
    )
    web.receive_through(imap_account, answer)  # the requester's mail arrives over IMAP
    [stored] = imap_account.fetch_all()  # it went through Dovecot, and the bot took it
    assert "\\Seen" in stored.flags
    page.reload()
    assert "Diproses" in page.locator("dl.facts").inner_text()
    assert len(page.locator("article.message").all()) == 2


def test_bulk_assign_three_then_merge_two(page: sync_api.Page, web: WebDesk) -> None:
    web.account("Rina")
    three = [
        web.ref_of("Reset Password Administrator Agency Dinas Kesehatan"),
        web.ref_of("Penggantian Admin Agency DLH"),
        web.ref_of("Bergabung LPSE"),
    ]
    log_in(page, "Dedi")
    page.click("ul.counts >> text=Semua")
    for ref in three:
        page.check(f"input[name=refs][value='{ref}']")
    page.select_option("select[name=assignee]", "Rina")
    shot = os.environ.get("HELPDESK_QUEUE_SCREENSHOT")
    if shot:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.screenshot(path=shot)
    page.click("button:has-text('Pratinjau penugasan')")
    assert "Ditugaskan ke: Rina" in page.locator("main").inner_text()
    assert all(web.ticket(ref).assignee is None for ref in three)  # nothing done yet
    page.click("button:has-text('Simpan')")
    page.wait_for_url("**/")
    assert "3 tiket" in page.locator("p.notice").inner_text()
    assert [web.ticket(ref).assignee for ref in three] == ["Rina", "Rina", "Rina"]

    source, target = web.ref_of("Data SPSE Dinas Kesehatan"), three[0]
    page.goto(f"/tickets/{source}")
    page.fill("form[action$='/merge'] input[name=into]", target)
    page.click("button:has-text('Pratinjau penggabungan')")
    page.click("form.confirm button")
    page.wait_for_url(f"**/tickets/{source}")
    assert "Selesai" in page.locator("dl.facts").inner_text()
    assert target in page.locator("dl.facts").inner_text()  # "Terkait": where it went
    assert web.ticket(source).linked_ref == target


@pytest.mark.parametrize("width", [390, 1400])
def test_queue_and_ticket_fit_a_phone_and_a_desktop(
    page: sync_api.Page, web: WebDesk, width: int
) -> None:
    log_in(page, "Dedi")
    page.set_viewport_size({"width": width, "height": 900})
    overflow = "document.documentElement.scrollWidth - window.innerWidth"
    for path in ("/", f"/tickets/{INCOMPLETE}", "/search?q=forensik"):
        page.goto(path)
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
            ".right > window.innerWidth + 1).slice(-5).map(e => e.tagName + '.' + e.className"
            " + ' ' + (e.textContent || '').slice(0, 40))"
        )
        assert page.evaluate(overflow) <= 0, f"{path} scrolls sideways at {width} px: {wide}"
        shots = os.environ.get("HELPDESK_WIDTH_SCREENSHOTS")
        if shots:
            name = path.strip("/").replace("/", "-").split("?")[0] or "queue"
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    page.goto("/")
    if width >= 1400:  # the whole queue table, every column, on a desktop
        edge = "document.querySelector('table.queue').getBoundingClientRect().right"
        assert page.evaluate(edge) <= width
