"""The staff pages in the browser: the queue, a ticket and its actions, the registry and
the monthly log. `create_app(settings, engine)` builds the ASGI app; `helpdesk web` serves it.
"""
