"""Official documents — the adapter part: templates, rendering, numbers, the issued record.

* :mod:`.templates` — where templates and catalogues are found (shipped beside the
  definition, overridden per unit under ``$RONGCUO_HOME/templates/<unit>/<workflow>/``) and
  which fields a template uses that the document context lacks;
* :mod:`.render` — :class:`~.render.DocumentRenderer`: PDF (:mod:`.pdf`, WeasyPrint,
  PDF/A-2b, nothing fetched) and .docx (:mod:`.docx`, docxtpl on :mod:`.docx_base`'s
  templates);
* :mod:`.numbers` and :mod:`.tables` — number counters and issued documents (``0004_documents``);
* :mod:`.source` and :mod:`.archive` — a stored case's documents and its archived case file,
  read-only.

WeasyPrint and docxtpl are imported only when a document is rendered.
"""
