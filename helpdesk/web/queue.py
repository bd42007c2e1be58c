"""The queue page `/`: the filters and order of `helpdesk tickets list`, 50 tickets a page."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import case, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from helpdesk.accounts import list_accounts
from helpdesk.domain import OPEN_STATUSES, Kind
from helpdesk.models import STATUSES, Ticket
from helpdesk.requirements import KINDS
from helpdesk.terminal import queue_rows
from helpdesk.tickets import QueueFilter, matching
from helpdesk.web.core import now, render, require, state

PAGE_SIZE = 50


def queue_select(
    queue: QueueFilter, *, moment: datetime, what: Any = Ticket
) -> SelectOfScalar[Any]:
    """helpdesk.tickets' queue filter, selecting `what`, so it can be counted and paged."""
    return matching(select(what), queue, moment)


def queue_page(
    session: Session, queue: QueueFilter, *, page: int, moment: datetime
) -> tuple[list[Ticket], int]:
    """One page of the queue in list_tickets' order, and how many tickets match in all.

    The order (a stated deadline first, then oldest first) is read as two walks along
    existing indexes, tickets with a deadline (ix_ticket_deadline), then those without
    (ix_ticket_created_at, whose ties are in id order), instead of sorting every ticket:
    with 100,000 tickets a deep page costs a walk of the index, not a sort.
    """

    def part(dated: bool) -> SelectOfScalar[Any]:
        query = queue_select(queue, moment=moment, what=col(Ticket.id))
        if dated:
            query = query.where(col(Ticket.deadline).is_not(None))
            return query.order_by(col(Ticket.deadline), col(Ticket.created_at), col(Ticket.id))
        # A CASE, not a plain IS NULL: SQLite would otherwise pick the deadline index for
        # the filter and sort everything, instead of walking ix_ticket_created_at in order.
        query = query.where(case((col(Ticket.deadline).is_(None), 1), else_=0) == 1)
        return query.order_by(col(Ticket.created_at), col(Ticket.id))

    def count(query: SelectOfScalar[Any]) -> int:
        return int(session.exec(select(func.count()).select_from(query.subquery())).one())

    dated_total = count(part(True))
    start = (page - 1) * PAGE_SIZE
    ids: list[int] = []
    if start < dated_total:
        ids = list(session.exec(part(True).offset(start).limit(PAGE_SIZE)).all())
    if len(ids) < PAGE_SIZE:
        undated = part(False).offset(max(0, start - dated_total)).limit(PAGE_SIZE - len(ids))
        ids += session.exec(undated).all()
    total = count(queue_select(queue, moment=moment, what=col(Ticket.id)))
    rows = session.exec(select(Ticket).where(col(Ticket.id).in_(ids))).all()
    by_id = {ticket.id: ticket for ticket in rows}
    return [by_id[i] for i in ids], total


def status_counts(session: Session, queue: QueueFilter, *, moment: datetime) -> dict[str, int]:
    """Tickets per status among those the other filters let through, in one GROUP BY:
    {"new": 12, ...}."""
    others = replace(queue, status=None, open_only=False, limit=None)
    query = matching(select(Ticket.status), others, moment).add_columns(func.count())
    rows = session.execute(query.group_by(col(Ticket.status))).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: int(count) for status, count in rows})
    return counts


def filter_from(request: Request) -> QueueFilter:
    """The filter named in the query string; unknown statuses or kinds are ignored."""
    params = request.query_params
    status, kind = params.get("status") or None, params.get("kind") or None
    return QueueFilter(
        status=status if status in STATUSES else None,
        kind=kind if kind in KINDS else None,
        agency=(params.get("agency") or "").strip()[:100] or None,
        assignee=(params.get("assignee") or "").strip()[:100] or None,
        overdue=params.get("overdue") == "1",
        open_only=params.get("closed") != "1",  # closed tickets only when asked for
        spam=params.get("spam") == "1",
    )


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


def _link(queue: QueueFilter, **changes: Any) -> str:
    values = {
        "status": queue.status,
        "kind": queue.kind,
        "agency": queue.agency,
        "assignee": queue.assignee,
        "overdue": "1" if queue.overdue else None,
        "closed": None if queue.open_only else "1",
        "spam": "1" if queue.spam else None,
    } | changes
    query = urlencode({k: v for k, v in values.items() if v})
    return "/?" + query if query else "/"


def queue_view(request: Request) -> Response:
    officer = require(request)
    web = state(request)
    queue, page, moment = filter_from(request), _page_number(request), now()
    with Session(web.reader) as session:
        tickets, total = queue_page(session, queue, page=page, moment=moment)
        rows = queue_rows(session, tickets, sla=web.settings.sla, now=moment)
        counts = status_counts(session, queue, moment=moment)
        officers = [a.name for a in list_accounts(session) if not a.disabled]
    for row, ticket in zip(rows, tickets, strict=True):
        row["deadline_at"] = ticket.deadline
        row["created"] = ticket.created_at
        row["missing"] = json.loads(ticket.missing)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    context = {
        "rows": rows,
        "queue": queue,
        "total": total,
        "page": page,
        "pages": pages,
        "counts": counts,
        "open_total": sum(n for s, n in counts.items() if s in OPEN_STATUSES),
        "statuses": STATUSES,
        "kinds": [k for k in KINDS if k != Kind.AUTOMATIC],
        "status_links": {s: _link(queue, status=s) for s in STATUSES},
        "all_link": _link(queue, status=None),
        "prev_link": _link(queue, page=page - 1) if page > 1 else "",
        "next_link": _link(queue, page=page + 1) if page < pages else "",
        "mine_link": _link(QueueFilter(), assignee=officer.name),
        "officers": officers,
        "flash": request.session.pop("flash", ""),
    }
    return render(request, "queue.html", context)


ROUTES = [Route("/", queue_view, methods=["GET"])]
