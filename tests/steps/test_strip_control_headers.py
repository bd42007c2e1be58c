"""strip_control_headers: headers only our own answers may carry, gone before any read."""

from __future__ import annotations

from helpdesk.steps.strip_control_headers import strip_control_headers
from tests.support.messages import OUR_ANSWER_ID, SETTINGS, mail, run


def test_a_strangers_loop_header_is_dropped_and_said_so() -> None:
    message = mail(X_LPSE_Helpdesk="HD-2026-00042")
    decision = run(strip_control_headers, message)
    screened = strip_control_headers(message, decision, SETTINGS)
    assert screened is not None and screened.header("x-lpse-helpdesk") is None
    assert decision.reasons[0] == (
        "ignored header x-lpse-helpdesk: only our own answers may carry it"
    )


def test_our_own_answer_keeps_its_loop_header() -> None:
    message = mail(
        sender="LPSE Karawang <lpse@karawangkab.go.id>",
        Message_ID=OUR_ANSWER_ID,
        X_LPSE_Helpdesk="HD-2026-00042",
    )
    decision = run(strip_control_headers, message)
    assert decision.reasons == []
    assert strip_control_headers(message, decision, SETTINGS) is message


def test_mail_without_control_headers_passes_unchanged() -> None:
    message = mail()
    decision = run(strip_control_headers, message)
    assert strip_control_headers(message, decision, SETTINGS) is message
    assert decision.reasons == []
