""".docx for editing in WPS or Word: a docxtpl template filled with the document context.

The templates are made by :mod:`rongcuo.adapters.documents.docx_base` (python-docx, East
Asian fonts set on the styles).  Text is XML-escaped (docxtpl's ``autoescape``), so a subject
typed with ``<`` or ``&`` prints as typed instead of breaking the file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rongcuo.documents.errors import DocumentError
from rongcuo.domain.messages import message

MSG_DOCUMENT_TEMPLATE_FIELDS = message(
    "document.template_fields",
    "模板 {name} 使用了文书中没有的字段：{value}",
    "template {name} uses fields the document lacks: {value2}",
)

MSG_DOCUMENT_TEMPLATE_ERROR = message(
    "document.template_error",
    "模板 {name} 无法填写：{exc}",
    "template {name} cannot be filled: {exc}",
)


def render_docx(template: Path, context: Mapping[str, Any]) -> bytes:
    """Fill ``template`` with ``context``; refuse a template that uses a name the context
    lacks (a .docx with an empty field would look finished and be wrong)."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined
    from jinja2.exceptions import TemplateError

    tpl = DocxTemplate(str(template))
    missing = sorted(set(tpl.get_undeclared_template_variables(context=dict(context))) -
                     {"loop", "range"})
    if missing:
        raise DocumentError.of(
            MSG_DOCUMENT_TEMPLATE_FIELDS,
            name=template.name,
            value='、'.join(missing),
            value2=', '.join(missing),
            details={"missing": missing},
        )
    try:
        tpl.render(dict(context), jinja_env=Environment(undefined=StrictUndefined),
                   autoescape=True)
    except TemplateError as exc:
        raise DocumentError.of(
            MSG_DOCUMENT_TEMPLATE_ERROR,
            name=template.name,
            exc=exc,
        ) from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
