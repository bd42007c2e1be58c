"""Why an answer must not go out, beyond what the headers said: blocked addresses and
per-address ceilings. Header checks miss some robots; these bound what they can draw."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from helpdesk.models import BlockedAddress, OutboxAnswer, utcnow
from helpdesk.settings import LimitsSection

# The first key of the two-key advisory locks on answers per address: apart from the
# one-key lock that serialises migrations (helpdesk.database), whatever an address hashes to.
_ANSWERS_LOCK_SPACE = 0x4C5053


def answer_refusal(
    session: Session, limits: LimitsSection, recipient: str
) -> tuple[str, str] | None:
    """Why not to answer `recipient` now, in short English and as staff read it, or None
    to go ahead.

    Holds the address's turn (see `take_turn_for`) until the caller's transaction ends:
    queue the answer in that same transaction, and the ceilings hold with several workers.
    """
    address = recipient.lower()
    take_turn_for(session, address)
    blocked = session.get(BlockedAddress, address)
    if blocked is not None:
        return f"{address} is blocked ({blocked.reason})", f"{address} diblokir ({blocked.reason})"
    now = utcnow()
    for window, ceiling in (
        (timedelta(hours=1), limits.answers_per_hour),
        (timedelta(days=1), limits.answers_per_day),
    ):
        if _answers_since(session, address, now - window) >= ceiling:
            return (
                f"{address} already got {ceiling} answers in the last {_words(window)}",
                f"{address} sudah menerima {ceiling} jawaban dalam satu "
                f"{'jam' if window <= timedelta(hours=1) else 'hari'} terakhir",
            )
    return None


def take_turn_for(session: Session, address: str) -> None:
    """Wait until no other transaction is counting or queuing answers to `address`.

    Without it, two workers on PostgreSQL could both count the address's answers before
    either commits its own, and both answer past the ceiling. The lock is PostgreSQL's
    transaction-scoped advisory lock on the lower-cased address, released at commit or
    rollback. SQLite needs none: BEGIN IMMEDIATE already lets one writer in at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), hashtext(:address))"),
        {"space": _ANSWERS_LOCK_SPACE, "address": address.lower()},
    )


def block_address(session: Session, address: str, reason: str) -> None:
    """Never answer `address` again (until staff remove the block)."""
    address = address.lower()
    if session.get(BlockedAddress, address) is None:
        session.add(BlockedAddress(address=address, reason=reason[:300]))


def _answers_since(session: Session, address: str, since: object) -> int:
    query = (
        select(func.count())
        .select_from(OutboxAnswer)
        # Recipients are stored lower-cased, so this uses the (recipient, created_at) index.
        .where(col(OutboxAnswer.recipient) == address, col(OutboxAnswer.created_at) >= since)
    )
    return int(session.exec(query).one())


def _words(window: timedelta) -> str:
    return "hour" if window <= timedelta(hours=1) else "day"
