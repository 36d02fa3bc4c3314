"""`rongcuo doc` — a case's official documents: list them, render one, check the templates.

Read-only in this phase: ``render`` builds the document from the stored case as of its step
and marks it 草稿 (a draft) — no number is allocated and nothing is recorded.  Issuing
(numbering in the step's transaction, the PDF's hash in the step's event) and ``doc deliver``
come with the service layer's unit of work.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.clock import SystemClock
from rongcuo.domain.messages import message

MSG_INPUT_OUT_PATH = message(
    "input.out_path",
    "无法写入 --out {out}：{reason}",
    "cannot write --out {out}: {reason}",
)

MSG_DOCUMENT_CASE_FILE_FORMAT = message(
    "document.case_file_format",
    "案卷只生成 PDF",
    "the case file is rendered as PDF only",
)

CASE_FILE = "case_file"


def _app(db: str | None) -> Any:
    from rongcuo.bootstrap import bootstrap

    # reads a database that exists: a wrong path is an error, never a new empty file
    return bootstrap(database_url=db, clock=SystemClock(), existing=True)


def _db_option(f: Any) -> Any:
    return click.option(
        "--db", "db", default=None, metavar="URL",
        help="数据库 URL / database URL (default: RONGCUO_DATABASE_URL or the embedded SQLite)",
    )(f)


def _unit_option(f: Any) -> Any:
    return click.option(
        "--unit", default=None, metavar="UNIT",
        help="发文单位（模板与编号的覆盖目录名）/ issuing unit (its override folder under "
             "$RONGCUO_HOME/templates/); default: the catalogue's",
    )(f)


def _write(data: bytes, out: Path) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        from rongcuo.domain.errors import InvalidInput

        reason = exc.strerror or str(exc)
        raise InvalidInput.of(
            MSG_INPUT_OUT_PATH,
            out=out,
            reason=reason,
            details={"path": str(out)},
        ) from exc


@click.group(name="doc")
def command() -> None:
    """公文：列出、生成（草稿）、检查模板 — a case's official documents."""
    rlog.bind(actor="doc")


@command.command("list")
@click.argument("case_ref", metavar="CASE")
@_unit_option
@_db_option
def list_cmd(case_ref: str, unit: str | None, db: str | None) -> None:
    """The documents CASE's steps issue so far (kind, title, step, date)."""
    from rongcuo.adapters.documents.source import load_stored
    from rongcuo.adapters.documents.templates import load_catalogue
    from rongcuo.documents.text import cn_date

    stored = load_stored(_app(db), case_ref)
    cat = load_catalogue(stored.definition, unit)
    rlog.bind(case_id=stored.case.id)
    click.echo(f"案件 {stored.case.number} 的文书（草稿，尚未签发）：")
    for spec, seq in stored.issued_kinds(cat):
        step = stored.view_as_of(seq).at(seq)
        click.echo(f"  {spec.name:<20} {spec.title}  第{seq}步 {cn_date(step.on)}")
    click.echo(f"  {CASE_FILE:<20} 容错纠错案卷（封面、卷内目录、文书、办理经过、备考表）")


@command.command("render")
@click.argument("case_ref", metavar="CASE")
@click.argument("kind", metavar="DOC")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), required=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="写入文件 / write to FILE")
@click.option("--seq", type=click.IntRange(min=1), default=None,
              help="签发该文书的步骤序号（默认最后一次）/ the issuing step (default: the last)")
@_unit_option
@_db_option
def render_cmd(case_ref: str, kind: str, fmt: str, out: Path, seq: int | None,
               unit: str | None, db: str | None) -> None:
    """Render DOC of CASE (a kind from `doc list`, or case_file) as a draft (草稿)."""
    from rongcuo.adapters.documents.archive import case_file_pdf
    from rongcuo.adapters.documents.render import DocumentRenderer
    from rongcuo.adapters.documents.source import load_stored
    from rongcuo.documents.errors import DocumentError

    app = _app(db)
    if kind == CASE_FILE:
        if fmt != "pdf":
            raise DocumentError.of(
                MSG_DOCUMENT_CASE_FILE_FORMAT,
            )
        data = case_file_pdf(app, case_ref, now=app.clock.now(), unit=unit)
    else:
        stored = load_stored(app, case_ref)
        rlog.bind(case_id=stored.case.id)
        renderer = DocumentRenderer(stored.definition, unit)
        document = stored.document(renderer.catalogue, kind, seq=seq)
        data = renderer.render(document, "pdf" if fmt == "pdf" else "docx").data
    _write(data, out)
    rlog.get_logger("rongcuo.documents").info("doc.render", kind=kind, format=fmt,
                                               bytes=len(data))
    click.echo(f"已生成（草稿）/ rendered (draft): {out}")


@command.command("templates")
@click.option("--workflow", "workflow_id", required=True, metavar="ID")
@click.option("--version", default=None, metavar="VERSION")
@_unit_option
def templates_cmd(workflow_id: str, version: str | None, unit: str | None) -> None:
    """Check every template of a workflow: found where, and fields the documents lack.

    Exit 0 when every template is found and uses only known fields, else 3."""
    from rongcuo.adapters.documents.templates import check_templates
    from rongcuo.definitions import load_definitions
    from rongcuo.entrypoints.cli.exit_codes import EXIT_REFUSED

    definition = load_definitions().get(workflow_id, version)
    checks = check_templates(definition, unit)
    for c in checks:
        where = str(c.path) if c.path else "—"
        state = "正常 ok" if c.ok else (c.problem or "缺少字段 missing: " + ", ".join(c.missing))
        click.echo(f"{c.kind:<20} {c.format:<4} {state}  {where}")
    if not all(c.ok for c in checks):
        sys.exit(EXIT_REFUSED)
