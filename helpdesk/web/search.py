"""`/search?q=...`: the search box on every staff page, and its results."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from helpdesk.search import search
from helpdesk.web.core import render, require, state

MAX_QUERY = 200  # characters of a query read


def search_page(request: Request) -> Response:
    require(request)
    web = state(request)
    query = request.query_params.get("q", "").strip()[:MAX_QUERY]
    hits = []
    if query:
        with Session(web.reader) as session:
            hits = search(session, query, limit=50)
    return render(request, "search.html", {"q": query, "hits": hits})


ROUTES = [Route("/search", search_page, methods=["GET"])]
