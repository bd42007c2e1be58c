"""Admin pages (registry, monthly log, accounts), the `helpdesk staff` commands, [web]."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from helpdesk.accounts import check_login
from helpdesk.commands.staff_accounts import staff_accounts
from helpdesk.errors import ConfigError
from helpdesk.models import Agency, StaffAccount
from helpdesk.registry import HEADERS, SHEET
from helpdesk.settings import settings_from_dict
from tests.support.web_desk import PASSWORD, WebDesk, csrf_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"




def registry_xlsx(*rows: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(HEADERS.values()))
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


DINKES = ["Dinas Kesehatan", "dinkes.karawangkab.go.id", "", "Budi Santoso", "",
          "admin@dinkes.karawangkab.go.id", "", ""]  # fmt: skip


def upload(client: Any, data: bytes) -> Any:
    token = csrf_of(client.get("/registry").text)
    files = {"file": ("registri.xlsx", data, XLSX)}
    return client.post("/registry", data={"csrf_token": token}, files=files)


def agencies(web: WebDesk) -> list[str]:
    with Session(web.engine) as session:
        return [a.name for a in session.exec(select(Agency)).all()]


def test_registry_upload_imports_and_download_gives_it_back(web: WebDesk) -> None:
    client = web.logged_in("Admin Utama")
    response = upload(client, registry_xlsx(DINKES))
    assert response.status_code == 200 and "Impor selesai: 1 baru" in response.text
    assert agencies(web) == ["Dinas Kesehatan"]
    download = client.get("/registry.xlsx")
    assert download.headers["content-disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(download.content))[SHEET]
    assert sheet.cell(2, 1).value == "Dinas Kesehatan"


def test_registry_upload_with_row_errors_changes_nothing_and_names_the_rows(
    web: WebDesk,
) -> None:
    bad = [*DINKES[:5], "bukan-alamat-email", *DINKES[6:]]
    response = upload(web.logged_in("Admin Utama"), registry_xlsx(DINKES, bad))
    assert response.status_code == 400 and "tidak ada yang diimpor" in response.text
    assert "baris 3" in response.text and "nothing" not in response.text
    assert agencies(web) == []


def test_registry_upload_of_a_non_workbook_is_refused(web: WebDesk) -> None:
    response = upload(web.logged_in("Admin Utama"), b"<html>bukan xlsx</html>")
    assert response.status_code == 400 and agencies(web) == []


def test_monthly_log_downloads_for_the_chosen_month(web: WebDesk) -> None:
    client = web.logged_in("Admin Utama")
    assert 'type="month"' in client.get("/log").text
    created = web.ticket("HD-2026-00001").created_at.astimezone()
    month = f"{created.year}-{created.month:02d}"
    response = client.get("/log.xlsx", params={"month": month})
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert f"rekap-tiket-{month}-01" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Log Tiket", "Ringkasan"]
    assert book["Log Tiket"].max_row >= 5  # header + the four seeded tickets
    assert client.get("/log.xlsx", params={"month": "2026-13"}).status_code == 400
    ranged = {"from": "2026-11-30", "to": "2026-11-01"}
    assert client.get("/log.xlsx", params=ranged).status_code == 400


def staff_change(client: Any, **form: str) -> Any:
    token = csrf_of(client.get("/staff").text)
    return client.post("/staff", data={"csrf_token": token, **form})


def test_admin_adds_disables_and_unlocks_officers(web: WebDesk) -> None:
    client = web.logged_in("Admin Utama")
    added = staff_change(client, change="add", name="Rina", password=PASSWORD, role="staff")
    assert added.status_code == 200 and "Rina" in added.text
    web.logged_in("Rina")
    assert staff_change(client, change="add", name="Rina", password=PASSWORD).status_code == 400
    short = staff_change(client, change="add", name="Sari", password="pendek", role="admin")
    assert short.status_code == 400 and "Kata sandi minimal" in short.text
    assert 'name="name" value="Sari"' in short.text and "pendek" not in short.text
    assert '<option value="admin" selected>' in short.text
    staff_change(client, change="disable", name="Rina")
    assert web.client().get("/").status_code == 303
    refused = staff_change(client, change="disable", name="Admin Utama")
    assert refused.status_code == 400 and "sendiri" in refused.text


# --- the `helpdesk staff` commands ---------------------------------------------------------


class _Obj:
    def __init__(self, web: WebDesk) -> None:
        self.engine = web.engine


def run_staff(web: WebDesk, *args: str, answer: str = "") -> Any:
    return CliRunner().invoke(staff_accounts, list(args), obj=_Obj(web), input=answer)


def test_staff_commands_add_list_passwd_disable(web: WebDesk) -> None:
    twice = f"{PASSWORD}\n{PASSWORD}\n"
    result = run_staff(web, "add", "Rina", "--admin", answer=twice)
    assert result.exit_code == 0 and "Rina (admin) added" in result.output
    assert PASSWORD not in result.output  # the prompt hides it
    listing = run_staff(web, "list").output
    assert "Rina" in listing and "admin" in listing and "aktif" in listing
    new = "kata-sandi-baru-99"
    assert run_staff(web, "passwd", "Rina", answer=f"{new}\n{new}\n").exit_code == 0
    assert run_staff(web, "disable", "Rina").exit_code == 0
    assert "nonaktif" in run_staff(web, "list").output
    with Session(web.engine) as session:
        account = session.exec(select(StaffAccount).where(StaffAccount.name == "Rina")).one()
        assert account.password_hash.startswith("$argon2") and new not in account.password_hash
        assert check_login(session, "Rina", new).account is None  # disabled


def test_staff_add_refuses_mismatched_short_or_taken_passwords(web: WebDesk) -> None:
    mismatch = run_staff(web, "add", "Rina", answer=f"{PASSWORD}\nlain-lagi-12345\n")
    assert mismatch.exit_code != 0
    assert run_staff(web, "add", "Rina", answer="pendek\npendek\n").exit_code == 1
    taken = run_staff(web, "add", "Dedi", answer=f"{PASSWORD}\n{PASSWORD}\n")
    assert taken.exit_code == 1 and "exists" in taken.output


# --- [web] settings ------------------------------------------------------------------------


def test_a_short_configured_secret_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"\[web.secret_key\].*32"):
        settings_from_dict({"web": {"secret_key": "kurang-panjang"}})


def test_an_empty_secret_key_is_generated_once_into_data_dir(tmp_path: Path) -> None:
    web = WebDesk(tmp_path)
    assert web.app is not None
    key = tmp_path / "data" / "web_secret.key"
    first = key.read_text()
    assert len(first) >= 64 and key.stat().st_mode & 0o777 == 0o600
    WebDesk(tmp_path).app  # noqa: B018  (a restart keeps the key: officers stay logged in)
    assert key.read_text() == first
