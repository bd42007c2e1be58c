"""`helpdesk web`: serve the staff pages with uvicorn."""

from __future__ import annotations

import click

from helpdesk.commands.context import AppContext


@click.command("web")
@click.option("--host", default=None, help="Address to listen on (default: [web] host).")
@click.option("--port", type=int, default=None, help="Port (default: [web] port).")
@click.pass_obj
def web(obj: AppContext, host: str | None, port: int | None) -> None:
    """Serve the staff pages (queue, tickets, registry, monthly log) in the browser."""
    import uvicorn

    from helpdesk.web.app import create_app

    settings = obj.settings
    app = create_app(settings, obj.engine, reader=obj.reader)
    host, port = host or settings.web.host, port or settings.web.port
    scheme = "https (behind a proxy)" if settings.web.https else "http"
    click.echo(f"Staff pages on http://{host}:{port}/ ({scheme}); Ctrl+C stops.")
    # Behind nginx the client's address and scheme come from X-Forwarded-*; trust them
    # only from the proxy on this machine.
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        log_level="info",
    )
