"""Mail the receiving server judged spam gets a ticket in the Spam view, with the
evidence, and never an answer (issue 14, point 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from helpdesk.models import OutboxAnswer, Ticket
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings, settings_from_dict
from tests.support.messages import mail_bytes
from tests.support.web_desk import WebDesk

OURS = "mx.karawangkab.go.id"
REQUEST = ("Permohonan uji forensik tender 10283561", "Mohon uji forensik file RHS.")


@pytest.mark.parametrize(
    "headers",
    [
        {"X_Spam_Flag": "YES"},
        {"X_Spam_Status": "Yes, score=12.3 required=5.0 tests=BAYES_99"},
        {"X_Spam": "Yes"},
        {"X_Rspamd_Action": "add header"},
        {"X_Spamd_Result": "default: True [15.00 / 15.00]"},
    ],
)
def test_a_spam_filters_verdict_is_the_evidence(headers: dict[str, str]) -> None:
    decision = check_bytes(mail_bytes(*REQUEST, **headers), Settings())
    assert decision.spam is not None and decision.kind == "forensic_test"
    assert any(reason.startswith("spam (") for reason in decision.reasons)


def test_a_dmarc_fail_for_a_reject_domain_in_our_own_results_is_spam() -> None:
    settings = settings_from_dict({"helpdesk": {"authserv_id": OURS}})
    failing = f"{OURS}; dmarc=fail header.from=dinkes.karawangkab.go.id policy.dmarc=reject"
    assert check_bytes(mail_bytes(*REQUEST, Authentication_Results=failing), settings).spam
    forged = failing.replace(OURS, "mx.evil.example")  # not our server's: not believed
    assert check_bytes(mail_bytes(*REQUEST, Authentication_Results=forged), settings).spam is None


@pytest.mark.parametrize(
    "headers", [{}, {"X_Spam_Flag": "NO"}, {"X_Spam_Status": "No, score=0.1"}]
)
def test_mail_the_filter_passed_is_no_spam(headers: dict[str, str]) -> None:
    assert check_bytes(mail_bytes(*REQUEST, **headers), Settings()).spam is None


def test_spam_gets_a_ticket_in_the_spam_view_and_no_answer(tmp_path: Path) -> None:
    web = WebDesk(tmp_path)
    web.account("Dedi")
    web.receive(mail_bytes(*REQUEST, X_Spam_Flag="YES"))
    with Session(web.engine) as session:
        [ticket] = session.exec(select(Ticket)).all()
        assert ticket.spam and session.exec(select(OutboxAnswer)).all() == []
    client = web.logged_in("Dedi")
    assert ticket.ref not in client.get("/").text  # not in the working queue
    assert ticket.ref in client.get("/", params={"spam": "1"}).text
    page = client.get(f"/tickets/{ticket.ref}").text
    assert "spam (x-spam-flag: YES)" in page
