"""detect_credentials: mail that carries a password is flagged, the password never shown."""

from __future__ import annotations

from helpdesk.steps.detect_credentials import detect_credentials
from tests.support.files import xlsx_file
from tests.support.messages import mail, run


def test_a_password_in_the_body_is_flagged_without_showing_it() -> None:
    message = mail("Perubahan jadwal", "User ID : pokja3krw\nPassword : Rahasia#2026")
    decision = run(detect_credentials, message)
    assert decision.holds_credentials
    assert decision.reasons == [
        "holds credentials (a password) in the mail body: mask when shown"
    ]
    assert "Rahasia#2026" not in " ".join(decision.reasons)


def test_a_password_in_a_form_names_the_form() -> None:
    form = xlsx_file([("User ID", "pokja3krw"), ("Password", "Rahasia#2026")])
    message = mail("Perubahan jadwal", "Terlampir.", attachments={"Formulir.xlsx": form})
    decision = run(detect_credentials, message)
    assert decision.holds_credentials and "'Formulir.xlsx'" in decision.reasons[0]


def test_talk_about_a_forgotten_password_is_no_credential() -> None:
    message = mail("Lupa password", "Saya lupa password akun penyedia, mohon bantuan.")
    decision = run(detect_credentials, message)
    assert not decision.holds_credentials and decision.reasons == []
