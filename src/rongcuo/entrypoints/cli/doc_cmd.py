"""`rongcuo doc` — a case's official documents: list, render, deliver, check the templates.

The steps issue the documents (numbered in the step's transaction, the PDF's hash in its
event: :mod:`rongcuo.service.documents`).  ``render`` gives an issued document back as it was
issued (the kept file, or the record rendered again and checked against its hash), and a
document no step has issued yet as a draft (草稿).  ``deliver`` records the delivery of an
issued document and fires the step that starts the periods running from receipt
(:mod:`rongcuo.service.handlers.deliveries`).  Everything goes through the service layer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.clock import SystemClock
from rongcuo.domain.messages import message

MSG_DOCUMENT_CASE_FILE_FORMAT_2 = message(
    "document.case_file_format",
    "案卷只生成 PDF",
    "the case file is rendered as PDF only",
)

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
    """公文：列出、生成、送达、检查模板 — a case's official documents."""
    rlog.bind(actor="doc")


@command.command("list")
@click.argument("case_ref", metavar="CASE")
@_unit_option
@_db_option
def list_cmd(case_ref: str, unit: str | None, db: str | None) -> None:
    """The documents CASE's steps issued (kind, title, number, step, date)."""
    from rongcuo.documents.text import cn_date
    from rongcuo.service.document_queries import list_documents

    stored, docs = list_documents(_app(db), case_ref, unit)
    rlog.bind(case_id=stored.case.id)
    click.echo(f"案件 {stored.case.number} 的文书：")
    for d in docs:
        state = (d.number or "已签发") if d.issued else "草稿（未签发）"
        click.echo(f"  {d.kind:<20} {d.title}  {state}  第{d.seq}步 {cn_date(d.on)}")
    case_file = next((x for x in stored.issued if x.kind == CASE_FILE), None)
    click.echo(f"  {CASE_FILE:<20} 容错纠错案卷（封面、卷内目录、文书、办理经过、备考表）  "
               + ("已签发" if case_file else "草稿（未归档）"))


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
    """Write DOC of CASE (a kind from `doc list`, or case_file): as issued, else a draft."""
    from rongcuo.documents.errors import DocumentError
    from rongcuo.service.document_queries import render_document

    app = _app(db)
    if kind == CASE_FILE:
        if fmt != "pdf":
            raise DocumentError.of(
                MSG_DOCUMENT_CASE_FILE_FORMAT_2,
            )
        data, record = _case_file(app, case_ref, unit)
    else:
        data, record = render_document(app, case_ref, kind, fmt, seq=seq, unit=unit)
    _write(data, out)
    rlog.get_logger("rongcuo.documents").info("doc.render", kind=kind, format=fmt,
                                               bytes=len(data), issued=record is not None)
    if record is not None and unit is None:
        click.echo(f"已签发 / issued {record.number or ''} SHA-256 {record.sha256}: {out}")
    else:
        click.echo(f"已生成（草稿）/ rendered (draft): {out}")


def _case_file(app: Any, case_ref: str, unit: str | None) -> tuple[bytes, Any]:
    from rongcuo.entrypoints.cli.case_files import export_for
    from rongcuo.service.case_file import archiving_seq, case_file_pdf, issue_case_file
    from rongcuo.service.document_queries import load_stored

    stored = load_stored(app, case_ref)
    rlog.bind(case_id=stored.case.id)
    export = export_for(app)
    if unit is None and archiving_seq(stored) == stored.last_seq:
        return issue_case_file(app, stored.case.id, export)  # the file issued on archiving
    return case_file_pdf(app, stored.case.id, export, now=app.clock.now(), unit=unit,
                         stored=stored), None


@command.command("deliver")
@click.argument("case_ref", metavar="CASE")
@click.argument("kind", metavar="DOC")
@click.option("--on", "on", required=True, metavar="DATE",
              help="收到日期 / the date it was received (YYYY-MM-DD, CST)")
@click.option("--method", required=True, metavar="M",
              help="送达方式 / how: 直接送达、邮寄送达、电子送达、留置送达、委托送达、公告送达")
@click.option("--received-by", "received_by", required=True, metavar="NAME",
              help="签收人 / who received it (printed on the 送达回证, never logged)")
@click.option("--by", "actor", default="doc", metavar="WHO", help="记录人 / who records it")
@click.option("--idempotency-key", default=None, metavar="KEY")
@_db_option
def deliver_cmd(case_ref: str, kind: str, on: str, method: str, received_by: str,
                actor: str, idempotency_key: str | None, db: str | None) -> None:
    """Record that DOC of CASE was received; fires the step that starts the timers running
    from receipt (历城办法第十九条: the review window) and issues the 送达回证."""
    from rongcuo.documents.text import cn_date
    from rongcuo.entrypoints.cli.parsing import parse_date
    from rongcuo.service.commands import DeliverDocument
    from rongcuo.service.handlers.deliveries import deliver

    cmd = DeliverDocument(case_ref, kind, parse_date(on, "--on"), method, received_by, actor,
                          idempotency_key)
    app = _app(db)
    done = deliver(app, cmd)
    r = done.result
    click.echo(f"已记录送达 / delivered: {kind} {done.delivery.method} "
               f"{cn_date(done.delivery.received_on)} → 步骤 {done.trigger}（案件 {r.number}）")
    for d in r.deadlines:
        if d.started_on == done.delivery.received_on and d.due is not None:
            click.echo(f"  {d.label_zh or d.timer}：自 {cn_date(d.started_on)} 起，"
                       f"至 {cn_date(d.due)} 止")


@command.command("templates")
@click.option("--workflow", "workflow_id", required=True, metavar="ID")
@click.option("--version", default=None, metavar="VERSION")
@_unit_option
def templates_cmd(workflow_id: str, version: str | None, unit: str | None) -> None:
    """Check every template of a workflow: found where, and fields the documents lack.

    Exit 0 when every template is found and uses only known fields, else 3."""
    from rongcuo.definitions import load_definitions
    from rongcuo.entrypoints.cli.exit_codes import EXIT_REFUSED
    from rongcuo.service.document_queries import check_templates

    definition = load_definitions().get(workflow_id, version)
    checks = check_templates(definition, unit)
    for c in checks:
        where = str(c.path) if c.path else "—"
        state = "正常 ok" if c.ok else (c.problem or "缺少字段 missing: " + ", ".join(c.missing))
        click.echo(f"{c.kind:<20} {c.format:<4} {state}  {where}")
    if not all(c.ok for c in checks):
        sys.exit(EXIT_REFUSED)
