"""Official documents (公文) — the pure part.

The model of a document (:mod:`~rongcuo.documents.model`: kind, title, number, parties,
dates, body paragraphs or form rows, cited articles) is built from a case's facts and steps
and the definition's labels (:mod:`~rongcuo.documents.view`, :mod:`~rongcuo.documents.compose`,
one builder per workflow and kind in :mod:`~rongcuo.documents.builders`).  Also pure here:
the catalogue of kinds a procedure issues (:mod:`~rongcuo.documents.kinds`), 发文字号
formatting (:mod:`~rongcuo.documents.numbering`), delivery checks
(:mod:`~rongcuo.documents.delivery`), PDF verification over a lookup
(:mod:`~rongcuo.documents.integrity`) and the archived case file's layout
(:mod:`~rongcuo.documents.casefile`).

Nothing in this package imports a renderer, a database or the clock
(``tests/unit/test_documents_architecture.py``): templates, WeasyPrint, docxtpl and SQL live in
:mod:`rongcuo.adapters.documents`.
"""

from __future__ import annotations

from rongcuo.documents.compose import build_document
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.kinds import Catalogue, KindSpec, documents_for_step
from rongcuo.documents.model import Body, Document, FormRow, Paragraph, Party
from rongcuo.documents.view import CaseView, DeadlineView, Procedure, StepView

__all__ = [
    "Body",
    "CaseView",
    "Catalogue",
    "DeadlineView",
    "Document",
    "DocumentError",
    "FormRow",
    "KindSpec",
    "Paragraph",
    "Party",
    "Procedure",
    "StepView",
    "build_document",
    "documents_for_step",
]
