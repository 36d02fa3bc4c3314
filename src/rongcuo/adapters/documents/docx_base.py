"""The base .docx templates, made with python-docx so they can be made again byte for byte.

``python ops/make_docx_templates.py`` writes one ``<kind>.docx`` per kind of every shipped
catalogue (``workflows/templates/<workflow>/``) from one of two layouts: ``letter`` (a 公文:
title, 发文字号, 主送机关, body, 署名 and 成文日期, 附注) and ``form`` (审批表, 送达回证: a
two-column table).  The layout is GB/T 9704-2012's: A4, margins 37/35/28/26 mm (版心
156 × 225 mm), a document grid of 22 lines × 28 characters, body 3号 (16 pt) 仿宋_GB2312,
title 2号 (22 pt) 方正小标宋简体, 一级标题 黑体, page numbers "— 1 —" in 4号 (14 pt) 宋体,
odd pages right and even pages left, one character in from the edge of the 版心.

East Asian fonts are set on the styles (``w:rFonts/@w:eastAsia``), so WPS and Word show
仿宋/小标宋 where they are installed; the font table names a fallback for each (``w:altName``:
仿宋, 宋体, 黑体) for machines that have only the common Windows fonts.  The zip entries carry a
fixed date, so regenerating an unchanged template changes nothing in git.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any, Literal

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# fonts the table declares with the common font Word/WPS falls back to where one is missing
FONT_TABLE = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", PAGE_FONT: "SimSun"}
FIXED_TIME = datetime(2025, 1, 1)
LINE_PITCH = 579  # twips: 225 mm / 22 lines = 28.95 pt
CHAR_SPACE = -849  # (156 mm / 28 - 16 pt) × 4096: 28 characters of 16 pt on a 156 mm line


_THUMBNAIL_REL = re.compile(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"/>')


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _fonts(style: Any, east_asia: str, size_pt: float, *, latin: str = LATIN_FONT,
           bold: bool = False) -> None:
    from docx.shared import Pt

    style.font.name = latin
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(_w("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(_w("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr, value in (("w:eastAsia", east_asia), ("w:ascii", latin), ("w:hAnsi", latin)):
        rfonts.set(_w(attr), value)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(_w(theme), None)  # a theme font would win over the names above


def _para(style: Any, *, align: str = "justify", first_chars: int = 0, right_chars: int = 0,
          left_chars: int = 0, exact: bool = True) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    pf = style.paragraph_format
    pf.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                    "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PITCH / 20)
    ppr = style.element.get_or_add_pPr()
    ind = ppr.makeelement(_w("w:ind"), {})
    for attr, chars in (("w:firstLineChars", first_chars), ("w:rightChars", right_chars),
                        ("w:leftChars", left_chars)):
        if chars:
            ind.set(_w(attr), str(chars * 100))
    if len(ind.attrib):
        ppr.append(ind)


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FONT, 16)
    _para(normal, first_chars=2)

    def add(name: str, font: str, size: float, **para: Any) -> None:
        s = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        _fonts(s, font, size)
        _para(s, **para)

    add("公文标题", TITLE_FONT, 22, align="center", exact=False)
    add("发文字号", BODY_FONT, 16, align="center")
    add("主送机关", BODY_FONT, 16, align="left")
    add("正文", BODY_FONT, 16, first_chars=2)
    add("正文顶格", BODY_FONT, 16)
    add("一级标题", HEADING_FONT, 16, first_chars=2)
    add("发文机关署名", BODY_FONT, 16, align="right", right_chars=4)
    add("成文日期", BODY_FONT, 16, align="right", right_chars=4)
    add("附注", BODY_FONT, 16, align="left", first_chars=2)
    add("表格文字", BODY_FONT, 14, align="left", exact=False)
    add("草稿标记", HEADING_FONT, 14, align="right", exact=False)
    add("页码", PAGE_FONT, 14, align="right", right_chars=1, exact=False)
    add("页码双页", PAGE_FONT, 14, align="left", left_chars=1, exact=False)
    _fonts(styles["Header"], BODY_FONT, 14)
    _fonts(styles["Footer"], PAGE_FONT, 14)


def _page(doc: Any) -> None:
    from docx.shared import Mm

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(23)
    grid = sec._sectPr.find(_w("w:docGrid"))
    if grid is None:
        grid = sec._sectPr.makeelement(_w("w:docGrid"), {})
        sec._sectPr.append(grid)
    grid.set(_w("w:type"), "linesAndChars")
    grid.set(_w("w:linePitch"), str(LINE_PITCH))
    grid.set(_w("w:charSpace"), str(CHAR_SPACE))


def _page_number(paragraph: Any) -> None:
    """``— PAGE —``: a PAGE field between two 一字线."""
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = run._r.makeelement(_w("w:fldChar"), {_w("w:fldCharType"): kind})
            run._r.append(fld)
        elif text == " PAGE ":
            instr = run._r.makeelement(_w("w:instrText"), {})
            instr.text = text
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def _header_footer(doc: Any) -> None:
    sec = doc.sections[0]
    doc.settings.odd_and_even_pages_header_footer = True
    for header in (sec.header, sec.even_page_header):
        header.is_linked_to_previous = False
        header.paragraphs[0].style = doc.styles["草稿标记"]
        header.paragraphs[0].text = "{% if is_draft %}" + "草稿（未签发）" + "{% endif %}"
    odd, even = sec.footer, sec.even_page_footer
    odd.is_linked_to_previous = even.is_linked_to_previous = False
    odd.paragraphs[0].style = doc.styles["页码"]
    even.paragraphs[0].style = doc.styles["页码双页"]
    _page_number(odd.paragraphs[0])
    _page_number(even.paragraphs[0])


def _tag(doc: Any, text: str) -> None:
    """A paragraph holding only a docxtpl ``{%p … %}`` tag (removed when rendered)."""
    doc.add_paragraph(text, style="正文顶格")


def _letter(doc: Any) -> None:
    doc.add_paragraph("{{ title }}", style="公文标题")
    doc.add_paragraph("{{ number_text }}", style="发文字号")
    doc.add_paragraph("", style="正文顶格")
    _tag(doc, "{%p if addressees %}")
    doc.add_paragraph("{{ addressees_text }}：", style="主送机关")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for p in paragraphs %}")
    _tag(doc, "{%p if p.style == 'heading' %}")
    doc.add_paragraph("{{ p.text }}", style="一级标题")
    _tag(doc, "{%p elif p.style == 'plain' %}")
    doc.add_paragraph("{{ p.text }}", style="正文顶格")
    _tag(doc, "{%p else %}")
    doc.add_paragraph("{{ p.text }}", style="正文")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    doc.add_paragraph("", style="正文")
    doc.add_paragraph("", style="正文")
    doc.add_paragraph("{{ issuer }}", style="发文机关署名")
    doc.add_paragraph("{{ issued_on_cn }}", style="成文日期")
    _notes(doc)


def _notes(doc: Any) -> None:
    doc.add_paragraph("（案件编号：{{ case_number }}）", style="附注")
    doc.add_paragraph("（依据：{{ articles_text }}）", style="附注")
    _tag(doc, "{%p if note %}")
    doc.add_paragraph("（{{ note }}）", style="附注")
    _tag(doc, "{%p endif %}")


def _form(doc: Any) -> None:
    from docx.shared import Mm

    doc.add_paragraph("{{ title }}", style="公文标题")
    doc.add_paragraph("{{ number_text }}", style="发文字号")
    table = doc.add_table(rows=3, cols=2)
    table.style = doc.styles["Table Grid"]
    cells = [["{%tr for r in rows %}", ""], ["{{ r.label }}", "{{ r.value }}"],
             ["{%tr endfor %}", ""]]
    for row, texts in zip(table.rows, cells, strict=True):
        for cell, text, width in zip(row.cells, texts, (Mm(42), Mm(114)), strict=True):
            cell.width = width
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = doc.styles["表格文字"]
    doc.add_paragraph("", style="正文顶格")
    doc.add_paragraph("{{ issuer }}", style="发文机关署名")
    doc.add_paragraph("{{ issued_on_cn }}", style="成文日期")
    _notes(doc)


def _font_table(data: bytes) -> bytes:
    """Declare the 公文 fonts with their fallbacks (``w:altName``) in ``word/fontTable.xml``."""
    from lxml import etree

    root = etree.fromstring(data)
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, alt in FONT_TABLE.items():
        font = etree.SubElement(root, f"{{{ns}}}font", {f"{{{ns}}}name": name})
        etree.SubElement(font, f"{{{ns}}}altName", {f"{{{ns}}}val": alt})
        etree.SubElement(font, f"{{{ns}}}charset", {f"{{{ns}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{ns}}}family", {f"{{{ns}}}val": "roman"})
        etree.SubElement(font, f"{{{ns}}}pitch", {f"{{{ns}}}val": "variable"})
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _reproducible(data: bytes) -> bytes:
    """The same package with every entry dated :data:`FIXED_TIME` (and the thumbnail of
    python-docx's default template dropped), so the bytes depend on the content only."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            blob = src.read(info.filename)
            if info.filename == "word/fontTable.xml":
                blob = _font_table(blob)
            if info.filename == "_rels/.rels":
                blob = _THUMBNAIL_REL.sub(b"", blob)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, blob)
    return out.getvalue()


def build_template(layout: Literal["letter", "form"]) -> bytes:
    """The base template of one layout, as .docx bytes."""
    import docx

    doc = docx.Document()
    _styles(doc)
    _page(doc)
    _header_footer(doc)
    body = doc.element.body
    for p in list(body.iterchildren(_w("w:p"))):  # the default document's empty paragraph
        body.remove(p)
    (_letter if layout == "letter" else _form)(doc)
    core = doc.core_properties
    core.author = core.last_modified_by = "rongcuo"
    core.title = "{{ title }}"
    core.comments = "rongcuo GB/T 9704-2012 " + layout + " template"
    core.created = core.modified = FIXED_TIME
    core.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _reproducible(raw.getvalue())


def shipped_templates(root: Any) -> dict[Any, bytes]:
    """``{path: bytes}`` of every kind's .docx under a templates root (one folder per
    workflow with its ``documents.yaml``; ``_base`` skipped) — what the script writes."""
    from pathlib import Path

    import yaml

    from rongcuo.documents.kinds import parse_catalogue

    out: dict[Any, bytes] = {}
    layouts: dict[str, bytes] = {}
    for cat_file in sorted(Path(root).glob("*/documents.yaml")):
        folder = cat_file.parent
        raw = yaml.safe_load(cat_file.read_text(encoding="utf-8"))
        cat = parse_catalogue(raw, str(cat_file), workflow=folder.name)
        for kind in cat.kinds.values():
            if kind.layout not in layouts:
                layouts[kind.layout] = build_template(kind.layout)
            out[folder / f"{kind.name}.docx"] = layouts[kind.layout]
    return out
