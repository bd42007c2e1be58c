"""DECIDE step: a DSN reporting that one of our answers failed for good, and for whom."""

from __future__ import annotations

from helpdesk.automatic import is_own_message_id
from helpdesk.decision import Decision
from helpdesk.settings import Settings
from parsers.types import ParsedMessage


def note_bounce(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `bounced_recipients` when an automatic DSN returns one of our answers."""
    report = message.delivery_report
    if not decision.automatic or report is None or not report.failed:
        return
    # The returned copy's Message-ID first; Exchange also names it in In-Reply-To.
    candidates = (report.original_message_id, message.in_reply_to, *message.references)
    ours = next((mid for mid in candidates if mid and is_own_message_id(mid, settings)), None)
    if ours is None:
        decision.because(
            "a delivery failure report, but not of one of our answers",
            "laporan gagal kirim, tetapi bukan untuk salah satu jawaban kami",
        )
        return
    decision.bounced_recipients = report.failed
    decision.bounced_message_id = ours
    # ACT checks the signature and the outbox before it blocks anyone.
    failed = ", ".join(report.failed)
    decision.because(
        f"permanent delivery failure to {failed} of {ours}",
        f"jawaban {ours} gagal terkirim secara permanen ke {failed}",
    )
