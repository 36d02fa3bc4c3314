"""The HTTP API (FastAPI): ``create_app(app)`` over the service layer's context.

Every endpoint builds the same service commands and renders the same read models as the
CLI (``GET /api/v1/cases/{id}`` answers :func:`rongcuo.service.queries.case_document`, the
document ``rongcuo case show --json`` prints); authorization is the service layer's.  HTTP
statuses are chosen here only (:mod:`.problems`).  See docs/api.md.
"""

from rongcuo.entrypoints.http.app import create_app

__all__ = ["create_app"]
