"""The case workers' web workplace (工作台): server-rendered pages over the service layer.

FastAPI + Jinja2 templates (``templates/``) + htmx 2.0.4 vendored in ``static/`` (no CDN, no
Node build).  :func:`~rongcuo.entrypoints.web.app.create_app` serves the pages alone;
:func:`~rongcuo.entrypoints.web.app.install` mounts them on the server's application next to
the JSON API.  See docs/web.md.
"""
