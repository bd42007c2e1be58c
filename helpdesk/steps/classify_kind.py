"""DECIDE step: the request kind, by scoring phrases in the request and documents attached."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.kind_rules import (
    ADMIN_AGENCY,
    ADMIN_PASSWORD,
    BIDDER,
    HOW_TO,
    MIN_SCORE,
    OTHER_ACCOUNT,
    QUESTION,
    REPLY_SUBJECT_WEIGHT,
    REQUEST_WORDS,
    SCHEDULE_STAYS,
    Score,
    corrected,
    score_kinds,
)
from helpdesk.readings import answers_a_thread, body_parts, request_text
from helpdesk.requirements import REQUIRED_DOCUMENTS
from helpdesk.settings import Settings
from parsers.quoting import strip_subject
from parsers.types import ParsedMessage
from replies.names import kind_name


def classify_kind(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `decision.kind` to the best-scoring kind, or `other` when nothing is convincing."""
    if decision.automatic:
        return
    text = corrected(request_text(message))
    documents = [doc for verdict in decision.attachments for doc in verdict.documents]
    weight = REPLY_SUBJECT_WEIGHT if answers_a_thread(message) else 1.0
    scores = score_kinds(
        _as_read(strip_subject(message.subject)),
        _as_read(body_parts(message).request),
        documents,
        subject_weight=weight,
    )
    ranked = sorted(scores.values(), key=lambda score: score.rank, reverse=True)
    if not ranked or ranked[0].points < MIN_SCORE:
        decision.kind = Kind.OTHER
        decision.because(
            "kind other: no request kind is clearly named; staff triage",
            "jenis Lainnya: tidak ada jenis permintaan yang jelas disebut; petugas memilah",
        )
        return
    best = ranked[0]
    if _question_only(text, decision):
        decision.kind = Kind.OTHER
        decision.because(
            f"kind other: a question without a request or documents (it names {best.kind})",
            "jenis Lainnya: pertanyaan tanpa permohonan atau dokumen (menyebut "
            f"{kind_name(best.kind)})",
        )
        return
    if _bidder_without_documents(text, best, documents):
        decision.kind = Kind.OTHER
        decision.because(
            f"kind other: a bidder (penyedia) writes; bidders cannot file {best.kind}",
            f"jenis Lainnya: ditulis oleh penyedia, yang tidak dapat mengajukan "
            f"{kind_name(best.kind)}",
        )
        return
    if best.kind == Kind.PASSWORD_RESET and _not_admin_agency(text, documents):
        decision.kind = Kind.OTHER
        decision.because(
            "kind other: a password reset for an account that is not an Administrator Agency "
            "(bidder, Pokja or PPK accounts are reset elsewhere)",
            "jenis Lainnya: reset kata sandi untuk akun yang bukan Administrator Agency (akun "
            "penyedia, Pokja atau PPK direset di tempat lain)",
        )
        return
    decision.kind = best.kind
    decision.because(
        f"kind {best.kind} ({best.points:g} points): {_evidence(best)}{_runner_up(ranked)}",
        f"jenis {kind_name(best.kind)} ({best.points:g} poin): "
        f"{'; '.join(best.shown_evidence or [])}{_runner_up_shown(ranked)}",
    )


def _as_read(text: str) -> str:
    """Typos read as the words they miss; "the schedule stays" is no schedule change."""
    return SCHEDULE_STAYS.sub(" ", corrected(text))


def _not_admin_agency(text: str, documents: list[str]) -> bool:
    """True when the password belongs to a bidder, Pokja or PPK rather than an agency admin."""
    if "reset_letter" in documents or ADMIN_PASSWORD.search(text):
        return False
    return bool(OTHER_ACCOUNT.search(text)) or not ADMIN_AGENCY.search(text)


def _question_only(text: str, decision: Decision) -> bool:
    """A question about a procedure: asks, requests nothing, attaches nothing."""
    if decision.attachments or decision.ticket_ref:
        return False
    asked = HOW_TO.sub(" ", text)  # "cara mengajukan ..." asks, it does not request
    return bool(QUESTION.search(text)) and not REQUEST_WORDS.search(asked)


def _bidder_without_documents(text: str, best: Score, documents: list[str]) -> bool:
    """A bidder's mail is a question, unless it carries the request's own documents."""
    own_documents = REQUIRED_DOCUMENTS.get(best.kind, ())
    return bool(BIDDER.search(text)) and not any(doc in own_documents for doc in documents)


def _evidence(score: Score) -> str:
    return "; ".join(score.evidence or [])


def _runner_up(ranked: list[Score]) -> str:
    if len(ranked) < 2:
        return ""
    second = ranked[1]
    return f" [next: {second.kind} {second.points:g}]"


def _runner_up_shown(ranked: list[Score]) -> str:
    if len(ranked) < 2:
        return ""
    second = ranked[1]
    return f" [berikutnya: {kind_name(second.kind)} {second.points:g}]"
