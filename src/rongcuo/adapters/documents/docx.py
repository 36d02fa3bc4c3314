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
        raise DocumentError(
            f"模板 {template.name} 使用了文书中没有的字段：{'、'.join(missing)}",
            f"template {template.name} uses fields the document lacks: {', '.join(missing)}",
            code="document.template_fields", details={"missing": missing},
        )
    try:
        tpl.render(dict(context), jinja_env=Environment(undefined=StrictUndefined),
                   autoescape=True)
    except TemplateError as exc:
        raise DocumentError(f"模板 {template.name} 无法填写：{exc}",
                            f"template {template.name} cannot be filled: {exc}",
                            code="document.template_error") from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
