"""Render a :class:`~rongcuo.documents.model.Document` to PDF or .docx with its templates.

One :class:`DocumentRenderer` per (definition, unit): it reads the catalogue and fixes the
template search path once (:mod:`rongcuo.adapters.documents.templates`), then renders any
number of documents.  It allocates nothing and records nothing — in the wiring phase the unit
of work calls :meth:`DocumentRenderer.render` for the issued document and stores the hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from rongcuo.adapters.documents import pdf as pdf_render
from rongcuo.adapters.documents.docx import render_docx
from rongcuo.adapters.documents.templates import (
    Format,
    environment,
    find_template,
    load_catalogue,
    search_path,
    template_name,
)
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.integrity import sha256_hex
from rongcuo.documents.kinds import Catalogue
from rongcuo.documents.model import Document
from rongcuo.domain.messages import message

MSG_DOCUMENT_TEMPLATE_ERROR = message(
    "document.template_error",
    "模板 {name} 无法填写：{exc}",
    "template {name} cannot be filled: {exc}",
)


@dataclass(frozen=True)
class Rendered:
    document: Document
    format: Format
    data: bytes
    template: Path

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)


class DocumentRenderer:
    """Templates of one definition for one issuing unit."""

    def __init__(self, definition: Any, unit: str | None = None,
                 catalogue: Catalogue | None = None) -> None:
        self.definition = definition
        self.catalogue = catalogue or load_catalogue(definition, unit)
        self.unit = self.catalogue.issuer.unit
        self.dirs = search_path(definition, self.unit)
        self._env = environment(self.dirs)

    def template(self, kind: str, fmt: Format) -> Path:
        return find_template(self.dirs, template_name(kind, fmt))

    def html(self, document: Document, *, template: str | None = None,
             extra: dict[str, Any] | None = None) -> str:
        """The document's HTML (the kind's template unless ``template`` names another)."""
        name = template or template_name(document.kind, "pdf")
        return self.html_template(name, {**document.context(), **(extra or {})})

    def html_template(self, name: str, context: dict[str, Any]) -> str:
        """Any template of the search path (the archived case file's) with ``context``."""
        try:
            return self._env.get_template(name).render(**context)
        except TemplateError as exc:
            raise DocumentError.of(
                MSG_DOCUMENT_TEMPLATE_ERROR,
                name=name,
                exc=exc,
                details={"template": name},
            ) from exc

    def pdf(self, document: Document) -> bytes:
        return pdf_render.html_to_pdf(self.html(document), self.roots())

    def docx(self, document: Document) -> bytes:
        return render_docx(self.template(document.kind, "docx"), document.context())

    def render(self, document: Document, fmt: Format) -> Rendered:
        data = self.pdf(document) if fmt == "pdf" else self.docx(document)
        return Rendered(document, fmt, data, self.template(document.kind, fmt))

    def warm(self) -> None:
        """Everything a render loads once per process (WeasyPrint and the fonts, docxtpl),
        loaded now — before a transaction is opened."""
        pdf_render.warm()
        import docxtpl  # noqa: F401

    def roots(self) -> list[Path]:
        """The folders WeasyPrint may read a file from (the template search path)."""
        return [d for d in self.dirs if d.is_dir()]
