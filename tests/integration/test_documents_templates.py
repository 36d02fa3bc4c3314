"""Templates: found beside the definition, overridden per unit under
``$RONGCUO_HOME/templates/<unit>/<workflow>/`` without code, checked for fields the documents
lack; WeasyPrint fetches nothing; the shipped .docx templates are reproducible; `rongcuo doc`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.adapters.documents import pdf as pdf_render
from rongcuo.adapters.documents.render import DocumentRenderer
from rongcuo.adapters.documents.templates import (
    check_templates,
    definition_templates_dir,
    missing_fields,
    search_path,
)
from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import FixedClock
from rongcuo.documents.errors import DocumentError
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service.document_queries import load_stored
from rongcuo.testing.workflows import shipped_definition
from tests.support import pdf as P
from tests.support.document_walks import LICHENG_FULL, _walk

NOW = datetime(2026, 1, 5, 2, tzinfo=UTC)


@pytest.fixture
def home() -> Path:
    return Path(os.environ["RONGCUO_HOME"])


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    a = bootstrap(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", clock=FixedClock(NOW),
                  migrate=True)
    yield a
    a.close()


def _case(app: App, steps: int = 7) -> str:
    """A Licheng case up to its determination (event 8, 历城办法第十七条)."""
    clock = app.clock
    return _walk(app, clock, "licheng", "2025-09-26", "张三", "区综合行政执法局",
                 {"matter": "占道经营处罚", "source": "application"}, LICHENG_FULL[:steps],
                 "监督科王科长")


def test_every_shipped_template_is_found_and_uses_only_known_fields() -> None:
    """Both formats of every kind of both procedures: found, nothing missing."""
    for workflow in ("licheng", "banan"):
        checks = check_templates(shipped_definition(workflow))
        assert checks and all(c.ok for c in checks), [c for c in checks if not c.ok]


def test_a_unit_overrides_one_template_and_its_name_without_touching_code(
    app: App, home: Path, tmp_path: Path,
) -> None:
    """An operator's determination.html.j2 and documents.yaml for unit licheng are used for
    that kind; the other kinds keep the shipped ones."""
    own = home / "templates" / "licheng" / "licheng"
    own.mkdir(parents=True)
    (own / "determination.html.j2").write_text(
        '{% extends "letter.html.j2" %}{% block style %}.title { color: #c00; }{% endblock %}'
        '{% block document %}<p>本单位自定义模板</p>{{ super() }}{% endblock %}',
        encoding="utf-8")
    (own / "documents.yaml").write_text("issuer: {name: 济南市历城区司法局}\n", encoding="utf-8")
    stored = load_stored(app, _case(app))
    renderer = DocumentRenderer(stored.definition)
    det = stored.document(renderer.catalogue, "determination")
    out = tmp_path / "det.pdf"
    out.write_bytes(renderer.pdf(det))
    text = P.flat(out)
    assert "本单位自定义模板" in text and "济南市历城区司法局" in text
    assert renderer.template("determination", "pdf") == own / "determination.html.j2"
    assert renderer.template("filing_approval", "pdf").parent == \
        definition_templates_dir(stored.definition)


def test_the_check_names_fields_a_template_uses_that_documents_do_not_have(home: Path) -> None:
    """An HTML override using {{ seal_image }} and a .docx using {{ approver_phone }} are
    reported by name (Jinja2 meta / docxtpl), before any document is rendered."""
    definition = shipped_definition("licheng")
    own = home / "templates" / "licheng" / "licheng"
    own.mkdir(parents=True)
    (own / "notice.html.j2").write_text(
        '{% extends "letter.html.j2" %}{% block style %}{{ seal_image }}{% endblock %}',
        encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("{{ title }} {{ approver_phone }}")
    d.save(str(own / "notice.docx"))
    dirs = search_path(definition, "licheng")
    assert missing_fields(dirs, "notice", "pdf").missing == ("seal_image",)
    assert missing_fields(dirs, "notice", "docx").missing == ("approver_phone",)
    bad = [c for c in check_templates(definition) if not c.ok]
    assert {(c.kind, c.format) for c in bad} == {("notice", "pdf"), ("notice", "docx")}


def test_the_check_names_case_facts_no_case_of_the_definition_has(home: Path) -> None:
    """A template reading facts.outcome (set by 认定, 第十七条) is fine; one reading
    facts.penalty_amount — a fact no Licheng step ever sets — is reported as facts.penalty_amount,
    in HTML and in .docx alike; `doc templates` exits 3 naming it."""
    definition = shipped_definition("licheng")
    own = home / "templates" / "licheng" / "licheng"
    own.mkdir(parents=True)
    (own / "review_decision.html.j2").write_text(
        '{% extends "letter.html.j2" %}{% block style %}{{ facts.outcome }}'
        '{{ facts["penalty_amount"] }}{% endblock %}', encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("{{ title }} {{ facts.penalty_amount }} {{ facts.matter }}")
    d.save(str(own / "review_decision.docx"))
    bad = {(c.kind, c.format): c.missing for c in check_templates(definition) if not c.ok}
    assert bad == {("review_decision", "pdf"): ("facts.penalty_amount",),
                   ("review_decision", "docx"): ("facts.penalty_amount",)}
    r = _run("doc", "templates", "--workflow", "licheng")
    assert r.exit_code == 3 and "facts.penalty_amount" in r.output  # type: ignore[attr-defined]


def test_rendering_a_docx_with_an_unknown_field_is_refused(app: App, home: Path) -> None:
    """A .docx that would come out with an empty field is refused naming the field."""
    stored = load_stored(app, _case(app))
    own = home / "templates" / "licheng" / "licheng"
    own.mkdir(parents=True)
    d = docx.Document()
    d.add_paragraph("{{ approver_phone }}")
    d.save(str(own / "determination.docx"))
    renderer = DocumentRenderer(stored.definition)
    with pytest.raises(DocumentError) as info:
        renderer.docx(stored.document(renderer.catalogue, "determination"))
    assert info.value.code == "document.template_fields" and "approver_phone" in \
        info.value.message_zh


@pytest.mark.parametrize("url", ["http://example.com/seal.png", "https://example.com/x.css",
                                 "ftp://example.com/a.png", "file:///etc/hostname",
                                 "data:image/png;base64,iVBORw0KGgo="])
def test_weasyprint_fetches_nothing_but_files_under_the_templates(
    url: str, tmp_path: Path,
) -> None:
    """A template pointing at the network (or at a file outside the template folders) stops
    the render with a named error; the fetcher records what it refused."""
    html = f'<html><body><img src="{url}"><p>x</p></body></html>'
    with pytest.raises(DocumentError) as info:
        pdf_render.html_to_pdf(html, [tmp_path])
    assert info.value.code == "document.remote_resource" and url[:20] in info.value.message_en
    fetcher = pdf_render.local_only_fetcher([tmp_path])
    with pytest.raises(BaseException, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_file_under_the_templates_may_be_used(tmp_path: Path) -> None:
    """file: inside a template folder is read (an operator's seal image, say)."""
    import zlib

    png = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
                                          b"\x00\x00\x00")
           + _chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + _chunk(b"IEND", b""))
    (tmp_path / "seal.png").write_bytes(png)
    out = pdf_render.html_to_pdf(
        f'<html><body><img src="{(tmp_path / "seal.png").as_uri()}"></body></html>', [tmp_path])
    assert out.startswith(b"%PDF-")


def _chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def test_the_committed_docx_templates_are_what_the_script_makes() -> None:
    """ops/make_docx_templates.py --check: regenerating them changes no byte."""
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "ops" / "make_docx_templates.py"
    spec = importlib.util.spec_from_file_location("make_docx_templates", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0


def _run(*args: str) -> object:
    with freeze_time("2026-01-05T02:00:00Z"):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_renders_a_draft_lists_documents_and_checks_templates(
    app: App, tmp_path: Path,
) -> None:
    """`rongcuo doc list / render / templates` (read-only: nothing is numbered or recorded)."""
    cid = _case(app)
    db = app.database_url
    listed = _run("doc", "list", cid, "--db", db)
    assert listed.exit_code == 0 and "determination" in listed.output  # type: ignore[attr-defined]
    out = tmp_path / "det.docx"
    r = _run("doc", "render", cid, "determination", "--format", "docx", "--out", str(out),
             "--db", db)
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert "容错纠错认定决定书" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    cf = tmp_path / "case.pdf"
    r = _run("doc", "render", cid, "case_file", "--format", "pdf", "--out", str(cf), "--db", db)
    assert r.exit_code == 0 and "卷内目录" in P.flat(cf)  # type: ignore[attr-defined]
    assert _run("doc", "templates", "--workflow", "licheng").exit_code == 0  # type: ignore[attr-defined]


def test_cli_refuses_a_document_the_case_has_not_reached(app: App, tmp_path: Path) -> None:
    """No 告知书 before 告知 (历城办法第十七条): exit 3, the step named, no file written."""
    cid = _case(app)
    out = tmp_path / "notice.pdf"
    r = _run("doc", "render", cid, "notice", "--format", "pdf", "--out", str(out), "--db",
             app.database_url)
    assert r.exit_code == 3 and "告知相关单位及当事人" in r.output  # type: ignore[attr-defined]
    assert not out.exists()


def test_a_stored_case_is_read_for_its_documents_on_both_backends(db_url: str) -> None:
    """The read path (the audit's read-only snapshot, replay to the issuing step) gives the
    same determination on SQLite and PostgreSQL (历城办法第十七条)."""
    a = bootstrap(database_url=db_url, clock=FixedClock(NOW), migrate=True)
    try:
        stored = load_stored(a, _case(a))
        cat = DocumentRenderer(stored.definition).catalogue
        kinds = [(k.name, seq) for k, seq in stored.issued_kinds(cat)]
        assert kinds == [("filing_approval", 2), ("extension_approval", 7),
                         ("determination", 8), ("supervision_opinion", 8)]
        doc = stored.document(cat, "extension_approval")
        rows = {r.label: r.value for r in doc.body.rows}
        assert rows["延长后调查期限届满日"] == "2025年11月12日"  # 30 days from 09-28, +15
        assert rows["批准的负责人"] == "区司法局负责人" and doc.case_number == stored.case.number
    finally:
        a.close()
