"""detect_schedule_change: a problem report that asks to move a stage's dates."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.steps.detect_schedule_change import detect_schedule_change
from tests.support.messages import mail, run


def problem(body: str) -> Decision:
    report = Decision(kind=Kind.PROBLEM_REPORT)
    return run(detect_schedule_change, mail("Penanganan permasalahan", body), report)


def test_asking_to_move_the_upload_is_a_schedule_change() -> None:
    decision = problem("Mohon perubahan jadwal tahap upload dokumen penawaran.")
    assert decision.schedule_change
    assert decision.reasons == ["schedule change: 'perubahan jadwal'"]


def test_a_schedule_that_stays_is_no_change() -> None:
    decision = problem("Jadwal tetap, hanya lokasi pekerjaan yang salah ketik.")
    assert not decision.schedule_change
    assert decision.reasons == ["no schedule change asked"]


def test_saying_no_change_is_needed_is_no_change() -> None:
    assert not problem("Tidak perlu perubahan jadwal, mohon koreksi HPS saja.").schedule_change


def test_only_problem_reports_change_schedules() -> None:
    message = mail("Uji forensik", "Mohon perubahan jadwal pembukaan.")
    forensic = run(detect_schedule_change, message, Decision(kind=Kind.FORENSIC_TEST))
    assert not forensic.schedule_change and forensic.reasons == []
