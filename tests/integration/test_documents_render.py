"""Every document of a walked Licheng and Banan case, issued by its step in both formats and
read back the way a reader would (pdftotext, pdffonts, pdftoppm, python-docx).  GB/T 9704-2012
is the layout; 历城办法第十三条至第二十条 and 巴南办法第十六条至第十八条 the contents.  The files
read are the ones the steps issued (numbered, hashed into their events), as `doc render` gives
them back; the case files are the ones issued on archiving.

The renders are kept under ``tests/output/documents/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest

from rongcuo.adapters.documents.render import DocumentRenderer
from rongcuo.audit.api import export_case
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import FixedClock
from rongcuo.documents.model import Document
from rongcuo.documents.text import cn_date
from rongcuo.entrypoints.cli.case_files import export_for, on_step_committed
from rongcuo.service.case_file import issue_case_file
from rongcuo.service.document_queries import load_stored, render_document
from tests.support import pdf as P
from tests.support.document_walks import walk_banan, walk_licheng_full

OUT = Path(__file__).resolve().parents[1] / "output" / "documents"
NOW = datetime(2026, 1, 5, 2, tzinfo=UTC)


@dataclass
class Rendered:
    workflow: str
    document: Document
    pdf: Path
    docx: Path
    pngs: list[Path]
    kinds: tuple[str, ...]  # every kind of the workflow's catalogue


@dataclass
class Walked:
    docs: list[Rendered]
    case_files: dict[str, Path]
    exports: dict[str, dict[str, Any]]
    # what archiving recorded, before anything asked for the case file: (seq, sha256, last seq)
    case_file_rows: dict[str, tuple[int, str, int]]


def _output_folder(tmp: Path) -> Path:
    """tests/output/documents/ for the first process of a run to build the fixture; under
    pytest-xdist another worker building it too renders into its own temporary folder, so two
    processes never write one file."""
    OUT.mkdir(parents=True, exist_ok=True)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return OUT
    with (OUT / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = OUT / f".rendering-{run}"
        if stamp.exists():
            return tmp / "output"
        for old in OUT.glob(".rendering-*"):
            old.unlink()
        stamp.touch()
        return OUT


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walked]:
    """Both cases walked through the service on SQLite, every document rendered once."""
    tmp = tmp_path_factory.mktemp("documents")
    out = _output_folder(tmp)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RONGCUO_HOME", str(tmp / "home"))
        mp.delenv("RONGCUO_DATABASE_URL", raising=False)
        clock = FixedClock(NOW)
        app = bootstrap(database_url=f"sqlite:///{tmp / 'rongcuo.sqlite3'}", clock=clock,
                        migrate=True)
        app.step_hooks.append(on_step_committed)  # archiving issues the case file
        cases = {"licheng": walk_licheng_full(app, clock), "banan": walk_banan(app, clock)}
        docs, case_files, exports, rows = [], {}, {}, {}
        for workflow, cid in cases.items():
            stored = load_stored(app, cid)
            renderer = DocumentRenderer(stored.definition)
            folder = out / workflow
            folder.mkdir(parents=True, exist_ok=True)
            for spec, seq in stored.issued_kinds(renderer.catalogue):
                doc = stored.document(renderer.catalogue, spec.name, seq=seq)
                pdf_path, docx_path = folder / f"{spec.name}.pdf", folder / f"{spec.name}.docx"
                for path, fmt in ((pdf_path, "pdf"), (docx_path, "docx")):
                    data, record = render_document(app, cid, spec.name, fmt, seq=seq)
                    assert record is not None, (spec.name, fmt)  # issued by its step
                    path.write_bytes(data)
                docs.append(Rendered(workflow, doc, pdf_path, docx_path,
                                     P.png(pdf_path, folder / spec.name),
                                     tuple(renderer.catalogue.kinds)))
            kept = [d for d in stored.issued if d.kind == "case_file"]
            assert len(kept) == 1, kept  # issued by the archiving step's hook
            rows[workflow] = (kept[0].event_seq, kept[0].sha256, stored.last_seq)
            case_files[workflow] = folder / "case_file.pdf"
            case_files[workflow].write_bytes(issue_case_file(app, cid, export_for(app))[0])
            P.png(case_files[workflow], folder / "case_file")
            last = app.store.case_events(cid)[-1].recorded_at
            exports[workflow] = json.loads(export_case(app, cid, "json", now=last))
        app.close()
    yield Walked(docs, case_files, exports, rows)


def test_every_document_of_both_procedures_is_rendered_in_both_formats(walked: Walked) -> None:
    """All eight Licheng kinds (第十四条至第二十条) and both Banan kinds (第十七条)."""
    for workflow in ("licheng", "banan"):
        mine = [r for r in walked.docs if r.workflow == workflow]
        assert {r.document.kind for r in mine} == set(mine[0].kinds)
        assert all(r.pdf.read_bytes()[:5] == b"%PDF-" and r.docx.stat().st_size > 10_000
                   for r in mine)


def test_each_pdf_reads_case_number_document_number_parties_date_and_articles(
    walked: Walked,
) -> None:
    """pdftotext finds the case number, the document's 发文字号 (济历城监容〔2025〕1号; no 草稿:
    the step issued it), the parties, the 成文日期 as 2025年11月5日 and every article cited."""
    problems = []
    numbered = [r.document.number for r in walked.docs if r.document.number]
    assert "济历城监容〔2025〕1号" in numbered and "巴南环容〔2025〕1号" in numbered
    for r in walked.docs:
        d, text = r.document, P.flat(r.pdf)
        assert d.issued and "草稿" not in text, d.kind
        wanted = [d.case_number, d.title, cn_date(d.issued_on), d.issuer,
                  *(p.name for p in d.body.parties), d.articles_text, *([d.number] * bool(
                      d.number))]
        problems += [f"{d.kind}: {w}" for w in wanted if re.sub(r"\s+", "", w) not in text]
        if re.search(r"\d{4}-\d{2}-\d{2}", text):
            problems.append(f"{d.kind}: an ISO date is printed")
    assert problems == []


def test_each_pdf_embeds_its_cjk_fonts_with_unicode_maps(walked: Walked) -> None:
    """pdffonts: every font embedded and subset, none Type 3, a CJK font among them, and each
    with a ToUnicode map (so the text can be searched and copied)."""
    for r in walked.docs:
        rows = P.fonts(r.pdf)
        assert rows and all(f.embedded and f.subset and f.unicode for f in rows), r.pdf
        assert not any("Type 3" in f.type for f in rows)
        assert any("CJK" in f.base for f in rows), [f.base for f in rows]


def test_no_character_of_any_document_lacks_a_glyph(walked: Walked) -> None:
    """No 豆腐块: every character printed is in an embedded font (tests/support/pdf.py)."""
    for path in [*(r.pdf for r in walked.docs), *walked.case_files.values()]:
        assert P.missing_glyphs(path) == set(), path


def test_the_glyph_check_fails_when_the_cjk_fonts_are_missing(tmp_path: Path) -> None:
    """The check above is real: rendered where fontconfig knows only DejaVu (no CJK font), the
    same determination's characters are reported missing."""
    dejavu = Path(subprocess.run(["fc-match", "--format", "%{file}", "DejaVu Sans"],
                                 capture_output=True, text=True, check=True).stdout).parent
    assert "dejavu" in str(dejavu).lower(), dejavu
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{dejavu}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    out = tmp_path / "nocjk.pdf"
    code = ("import sys; from rongcuo.adapters.documents.pdf import html_to_pdf; "
            "open(sys.argv[1], 'wb').write(html_to_pdf("
            "'<html lang=\"zh-CN\"><body style=\"font-family: Noto Serif CJK SC\">"
            "容错纠错认定决定书 济历城监容〔2025〕3号</body></html>', []))")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    subprocess.run([sys.executable, "-c", code, str(out)], env=env, check=True)
    missing = P.missing_glyphs(out)
    assert {"容", "错", "〔", "〕"} <= missing and "2" not in missing


def test_docx_reopened_has_every_placeholder_filled_and_east_asian_fonts(walked: Walked) -> None:
    """python-docx reads each .docx back: no {{ }} or {% %} left, the title and case number
    present, the 发文字号 filled in (no 草稿 in the header: issued), and 仿宋_GB2312 /
    方正小标宋简体 set on the styles' East Asian
    fonts (w:eastAsia) so WPS shows them where installed."""
    from docx.oxml.ns import qn

    for r in walked.docs:
        d = docx.Document(str(r.docx))
        texts = [p.text for p in d.paragraphs]
        texts += [c.text for t in d.tables for row in t.rows for c in row.cells]
        for s in d.sections:
            for part in (s.header, s.even_page_header, s.footer, s.even_page_footer):
                texts += [p.text for p in part.paragraphs]
        blob = "\n".join(texts)
        assert not re.search(r"\{\{|\}\}|\{%|%\}", blob), (r.docx, blob)
        assert r.document.title in blob and r.document.case_number in blob
        assert "草稿" not in blob and "— 1 —" in blob
        assert r.document.number is None or r.document.number in blob
        east = {s.name: s.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
                for s in d.styles if s.name in ("Normal", "公文标题", "一级标题")}
        assert east == {"Normal": "仿宋_GB2312", "公文标题": "方正小标宋简体", "一级标题": "黑体"}


def test_png_renders_are_kept_for_review(walked: Walked) -> None:
    """pdftoppm -r 50 of every page of every document, under tests/output/documents/."""
    for r in walked.docs:
        assert len(r.pngs) == P.pages(r.pdf) and all(p.stat().st_size > 2_000 for p in r.pngs)


def _words(path: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(word, xMin, yMin, height) of one page, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path),
                           "-"], capture_output=True, text=True, check=True).stdout
    return [(w, float(x0), float(y0), float(y1) - float(y0)) for x0, y0, _x1, y1, w in
            re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                       r"([^<]*)</word>", html)]


def test_page_layout_follows_gbt9704(walked: Walked) -> None:
    """A4; page number "— 1 —" under the 版心, on the right of odd and the left of even
    pages; the title set larger than the body (22 pt to 16 pt)."""
    det = next(r for r in walked.docs if r.document.kind == "determination"
               and r.workflow == "licheng")
    assert "595.276 x 841.89" in subprocess.run(["pdfinfo", str(det.pdf)], capture_output=True,
                                                text=True, check=True).stdout
    assert P.pages(det.pdf) >= 2
    for page, side in ((1, "right"), (2, "left")):
        dash = [w for w in _words(det.pdf, page) if w[0] == "—"]
        assert len(dash) == 2, dash
        x, y = dash[0][1], dash[0][2]
        assert y > 841.89 - 35 / 25.4 * 72  # below the 版心 (35 mm bottom margin)
        assert (x > 400) if side == "right" else (x < 150), (page, x)
    words = _words(det.pdf, 1)
    title = next(w for w in words if w[0].startswith("容错纠错认定决定书"))
    body = next(w for w in words if w[0].startswith("容错纠错对象"))
    assert 1.3 < title[3] / body[3] < 1.45, (title, body)


def test_the_body_grid_is_22_lines_of_28_characters(walked: Walked, tmp_path: Path) -> None:
    """GB/T 9704-2012 5.2.2: 每面排22行，每行排28个字 in 3号仿宋 on the 156 × 225 mm 版心."""
    from rongcuo.adapters.documents.pdf import html_to_pdf
    from rongcuo.adapters.documents.templates import shipped_templates_root

    css = (shipped_templates_root() / "_base" / "gbt9704.css").read_text(encoding="utf-8")
    text = "".join(chr(0x4E00 + i) for i in range(22 * 28 + 10))
    out = tmp_path / "grid.pdf"
    out.write_bytes(html_to_pdf(f'<html lang="zh-CN"><head><style>{css}</style></head><body>'
                                f'<p class="plain">{text}</p></body></html>', []))
    lines = [ln for ln in P.text(out, first=1, last=1).splitlines()
             if ln and "—" not in ln and ln.strip()]
    assert [len(ln) for ln in lines] == [28] * 22


def test_the_pdfs_declare_pdf_a_2b(walked: Walked) -> None:
    """PDF/A-2b (pdfaid:part 2, conformance B) in the XMP metadata, for archiving."""
    from rongcuo.documents.integrity import _streams

    for path in (walked.docs[0].pdf, walked.case_files["licheng"]):
        xmp = b"".join(s for s in _streams(path.read_bytes()) if b"pdfaid" in s)
        assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="B"' in xmp


def test_the_case_file_pdf_has_cover_contents_documents_timeline_and_remarks(
    walked: Walked,
) -> None:
    """Pu County annex 3 (案卷归档): cover, 卷内目录 with the page each document starts on,
    every document in step order, the timeline the HTML case file shows (each step's name and
    article, dates as 2025年9月28日), the 备考表; pages numbered from the first document."""
    for workflow, path in walked.case_files.items():
        n = P.pages(path)
        page_text = [re.sub(r"\s+", "", P.text(path, first=i, last=i)) for i in range(1, n + 1)]
        assert "容错纠错案卷" in page_text[0] and "卷内目录" in page_text[1]
        assert "—" not in page_text[0] + page_text[1]  # 封面 and 目录 carry no page number
        assert "—1—" in page_text[2] and f"—{n - 2}—" in page_text[-1]
        assert "卷内备考表" in page_text[-1] and f"共{n - 2}页" in page_text[-1]
        # the 页号 column of the contents, read by position (pdftotext -bbox), row by row
        words = _words(path, 2)
        head = next(w for w in words if w[0] == "页号")
        numbers = [int(w[0]) for w in sorted(words, key=lambda w: w[2])
                   if w[0].isdigit() and abs(w[1] - head[1]) < 12 and w[2] > head[2]]
        docs = [r.document for r in walked.docs if r.workflow == workflow]
        assert len(numbers) == len(docs) + 2  # each document, the timeline, the 备考表
        page = 2
        for d, listed in zip(docs, numbers, strict=False):
            page = next(i for i in range(page, n) if d.title in page_text[i]
                        and d.case_number in "".join(page_text[i:]))
            assert listed == page - 1, (d.kind, listed, page)  # page 3 is numbered 1
        assert numbers[-1] == n - 2 and "办理经过及期限计算" in page_text[numbers[-2] + 1]
        flat = re.sub(r"\s+", "", P.text(path, raw=True))
        for step in walked.exports[workflow]["steps"]:
            assert step["step_zh"] in flat and step["article"] in flat, step["step_zh"]
            assert cn_date(datetime.fromisoformat(step["on"]).date()) in flat


def test_a_rendered_pdf_carries_the_reference_verify_reads(walked: Walked) -> None:
    """The reference (case, step, kind) is in the PDF's metadata, inside its compressed
    object streams — found with zlib only (rongcuo.documents.integrity)."""
    from rongcuo.documents.integrity import embedded_references

    r = next(r for r in walked.docs if r.document.kind == "notice")
    data = r.pdf.read_bytes()
    assert b"rongcuo-doc:" not in data  # not in the clear: compressed, as WeasyPrint writes it
    assert embedded_references(data) == [(r.document.case_id, r.document.event_seq, "notice")]
    assert zlib.crc32(data) == zlib.crc32(r.pdf.read_bytes())


def test_the_same_document_renders_to_the_same_bytes(walked: Walked) -> None:
    """No wall clock or random identifier in the PDF: rendering a document again gives the
    same file, so its SHA-256 identifies the content."""
    from rongcuo.adapters.documents import pdf as pdf_render
    from rongcuo.testing.workflows import shipped_definition

    r = next(r for r in walked.docs if r.document.kind == "review_decision")
    renderer = DocumentRenderer(shipped_definition("licheng"))
    html = renderer.html(r.document)
    assert pdf_render.html_to_pdf(html, renderer.roots()) == r.pdf.read_bytes()


def test_archiving_issued_the_case_file_and_recorded_its_hash(walked: Walked) -> None:
    """历城办法第十四条 归档 and 巴南办法第十七条 办结: the step that archives the case issues its
    case file — recorded with the archiving step's seq and the SHA-256 of the very PDF that
    `doc render CASE case_file` gives back."""
    from rongcuo.documents.integrity import sha256_hex

    for workflow, (seq, digest, last) in walked.case_file_rows.items():
        assert seq == last, workflow
        assert sha256_hex(walked.case_files[workflow].read_bytes()) == digest, workflow
