"""The archived case file from the entry points: the audit's export handed to the service.

The case file prints ``audit export``'s view model (:func:`rongcuo.audit.api.export_case`);
the service layer may not import the audit, so the entry points, which may, pass it in.
:func:`on_step_committed` is the after-step hook :func:`~rongcuo.entrypoints.cli.options.app_for`
installs: once the archiving step is committed, the case file is issued (历城办法第十四条).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rongcuo import logging as rlog
from rongcuo.domain.errors import RongcuoError
from rongcuo.service.context import App

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.service.case_file import Export

log = rlog.get_logger("rongcuo.documents")


def export_for(app: App) -> Export:
    def export(case_id: str, now: datetime) -> Mapping[str, Any]:
        from rongcuo.audit.api import export_case

        out: dict[str, Any] = json.loads(export_case(app, case_id, "json", now=now))
        return out

    return export


def on_step_committed(app: Any, result: Any, trigger: str) -> None:
    """Issue the case file once the step that archives the case is committed.  The step
    stands whatever happens here: a failure is logged, and ``doc render CASE case_file``
    issues the file later."""
    # The document renderers (Jinja2, the PDF and docx libraries) are imported only for a
    # step that names documents at all: every other command and step does without them
    # (issue 16).
    if result.replayed or result.record is None:
        return
    spec = app.definition(result.record.workflow_id,
                          result.record.workflow_version).triggers.get(trigger)
    if spec is None or not getattr(spec, "documents", ()):
        return
    from rongcuo.service.case_file import archives, issue_case_file

    if not archives(app, result, trigger):
        return
    try:
        issue_case_file(app, result.case_id, export_for(app))
    except (RongcuoError, OSError) as exc:
        log.warning("documents.case_file_not_issued", error=type(exc).__name__,
                    code=getattr(exc, "code", None))
