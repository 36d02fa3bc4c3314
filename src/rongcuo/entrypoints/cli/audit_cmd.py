"""`rongcuo audit` — replay, verify, checkpoint and export case histories (issue 6).

The audit reads the store and writes nothing to it.  ``verify`` exits 0 only when every case
checked is sound; otherwise it names each broken case and the first event where it breaks and
exits 6 (a failed audit is neither a refusal nor a crash).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.clock import CST, SystemClock
from rongcuo.domain.messages import message
from rongcuo.entrypoints.cli.exit_codes import EXIT_AUDIT_FAILED

MSG_INPUT_OUT_PATH = message(
    "input.out_path",
    "无法写入 --out {out}：{reason}",
    "cannot write --out {out}: {reason}",
)


def _db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", "db", default=None, metavar="URL",
        help="数据库 URL / database URL (default: RONGCUO_DATABASE_URL or the embedded SQLite)",
    )(f)


def _app(db: str | None) -> Any:
    from rongcuo.bootstrap import bootstrap

    # an audit reads a database that exists: a wrong path is an error, never a new empty file
    return bootstrap(database_url=db, clock=SystemClock(), existing=True)


def _as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    from rongcuo.audit.log import parse_as_of

    return parse_as_of(value)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text)
        return
    try:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        from rongcuo.domain.errors import InvalidInput

        reason = exc.strerror or str(exc)
        raise InvalidInput.of(
            MSG_INPUT_OUT_PATH,
            out=out,
            reason=reason,
            details={"path": str(out), "reason": reason},
        ) from exc


@click.group(name="audit")
def command() -> None:
    """审计：重放、校验、检查点、导出 — replay, verify, checkpoint and export case histories."""
    rlog.bind(actor="auditor")


@command.command("replay")
@click.argument("case_ref", metavar="CASE")
@click.option("--as-of", "as_of", metavar="DATETIME",
              help="只计入此时刻前已记录的事件（ISO-8601；无时区按北京时间）/ "
                   "only events recorded by then (ISO-8601; naive = CST)")
@click.option("--json", "as_json", is_flag=True, help="JSON, the shape of `case show --json`")
@_db_option
def replay_cmd(case_ref: str, as_of: str | None, as_json: bool, db: str | None) -> None:
    """Rebuild CASE from its events through its own definition version."""
    from rongcuo.audit.api import replay
    from rongcuo.audit.export import STATUS_ZH, explain_deadline
    from rongcuo.audit.replay import replayed_json
    from rongcuo.domain.case import met_late_on

    app = _app(db)
    r = replay(app, case_ref, _as_of(as_of))
    engine = app.engine_for(r.case.workflow_id, r.case.workflow_version)
    from rongcuo.service.queries import allowed_now

    allowed = list(allowed_now(app, r.state))
    doc = replayed_json(r, allowed)
    states = {k: v.label_zh for k, v in engine.definition.states.items()}
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    c = r.case
    click.echo(f"案件 {c.number}（{c.id}）  {c.workflow_id} {c.workflow_version}")
    if r.as_of:
        click.echo(f"截至 {r.as_of.astimezone(CST).isoformat()}（只计入此前已记录的事件）")
    label = states.get(doc["state"], doc["state"]) if doc["state"] else "（尚无记录）"
    click.echo(f"事件数：{len(r.events)}  状态：{label}")
    for d in r.deadlines:
        due = d.due.isoformat() if d.due else "中止计时"
        prov = "（暂定）" if d.provisional else ""
        late = met_late_on(d, r.state)
        status = (f"逾期完成（{late.isoformat()} 完成）" if late
                  else STATUS_ZH.get(d.status, d.status))
        click.echo(f"  {d.label_zh or d.timer}：{due}{prov}  {status}")
        click.echo(f"    {explain_deadline(d)}")


@command.command("verify")
@click.option("--case", "case_ref", metavar="CASE", help="只校验一个案件 / only this case")
@click.option("--against", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="检查点文件：证明日志仍然延续它 / a checkpoint the log must still extend")
@click.option("--pubkey", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="审计方保存的公钥 / the auditor's copy of the operator's public key")
@click.option("--no-drift", is_flag=True, help="不检查新版本定义的差异 / skip the drift report")
@click.option("--chain-only", is_flag=True,
              help="只校验哈希链、序号和案件头（不重放比对）/ the fast integrity pass: chain, "
                   "seq and case heads, without the replay comparison")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="并行进程数（默认：案件多于一万件时用全部 CPU）/ processes "
                   "(default: all CPUs when there are more than 10,000 cases)")
@click.option("--json", "as_json", is_flag=True)
@_db_option
def verify_cmd(
    case_ref: str | None, against: Path | None, pubkey: Path | None, no_drift: bool,
    chain_only: bool, workers: int | None, as_json: bool, db: str | None,
) -> None:
    """Recompute the hash chain, check seq, replay and compare with the stored rows.

    Exit 0 only when all is sound; otherwise exit 6 naming each broken case."""
    from rongcuo.audit.api import default_workers, verify

    app = _app(db)
    if workers is None:
        workers = default_workers(app) if case_ref is None else 1
    report = verify(app, case=case_ref, against=against, pubkey=pubkey,
                    drift=not (no_drift or chain_only), workers=workers, replay=not chain_only)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        rate = (f"（{report.events / report.seconds:,.0f} 事件/秒）"
                if report.seconds > 0.5 and report.events >= 10_000 else "")
        click.echo(
            f"校验 {report.cases} 个案件、{report.events} 个事件，"
            f"用时 {report.seconds:.2f} 秒{rate}"
        )
        for f in report.findings:
            click.echo("损坏 BROKEN " + f.line("zh"))
            click.echo("        " + f.message_en)
        if report.extra_meta:
            fp = report.extra_meta.get("signer_fingerprint")
            click.echo(
                f"检查点 {report.extra_meta['checkpoint']}（{report.extra_meta['taken_at']}），"
                f"签名公钥指纹 {fp}"
                + ("" if report.extra_meta.get("key_checked") else
                   "（未提供 --pubkey：请与运营方核对指纹）")
            )
        for p in report.extra:
            who = p["case_id"] or "检查点"
            click.echo(f"检查点不符 CHECKPOINT {who}: [{p['code']}] {p['message_zh']}")
            click.echo("        " + p["message_en"])
        for d in report.drift:
            click.echo(
                f"定义差异 DRIFT {d.get('number') or d['case_id']} seq={d['seq']}: "
                f"{d['message_zh']}"
            )
        click.echo("结论：完好 / sound" if report.ok else "结论：发现问题 / NOT sound")
    if not report.ok:
        sys.exit(EXIT_AUDIT_FAILED)


@command.command("keygen")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="私钥文件（权限 0600），公钥写在旁边的 .pub / "
                   "private key file; the public key beside it")
@click.option("--force", is_flag=True, help="覆盖已有的密钥 / overwrite an existing key")
def keygen_cmd(out: Path, force: bool) -> None:
    """Make an Ed25519 key pair for signing checkpoints."""
    from rongcuo.audit.checkpoint import fingerprint, generate_keypair, load_public_key

    key, pub = generate_keypair(out, overwrite=force)
    click.echo(f"私钥 private key: {key} (0600)")
    click.echo(f"公钥 public key:  {pub}")
    click.echo(f"指纹 fingerprint: {fingerprint(load_public_key(pub))}")


@command.command("checkpoint")
@click.option("--key", "key", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="签名私钥 / the operator's private key")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="写入文件（默认标准输出）/ write to FILE (default: standard output)")
@_db_option
def checkpoint_cmd(key: Path, out: Path | None, db: str | None) -> None:
    """Print a signed digest of the whole log (per-case heads and a global head)."""
    from rongcuo.audit.api import take_checkpoint

    app = _app(db)
    doc = take_checkpoint(app, key, app.clock.now())
    _write(json.dumps(doc, ensure_ascii=False, indent=2), out)


@command.command("export")
@click.argument("case_ref", metavar="CASE")
@click.option("--format", "fmt", type=click.Choice(["json", "html"]), required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="写入文件（默认标准输出）/ write to FILE (default: standard output)")
@click.option("--as-of", "as_of", metavar="DATETIME",
              help="截至某时刻 / as the system knew it then")
@_db_option
def export_cmd(
    case_ref: str, fmt: str, out: Path | None, as_of: str | None, db: str | None
) -> None:
    """The case file's timeline in Chinese (归档, Licheng art. 14), JSON or printable HTML."""
    from rongcuo.audit.api import export_case

    app = _app(db)
    _write(export_case(app, case_ref, fmt, now=app.clock.now(), as_of=_as_of(as_of)), out)


@command.command("verify-document")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output")
@_db_option
def verify_document_cmd(file: Path, as_json: bool, db: str | None) -> None:
    """Which case, step and number a presented PDF is; or that it was never issued by this
    system, or was altered after issue (then exit 6).  Reads only."""
    from rongcuo.service.document_queries import verify_file

    result = verify_file(_app(db), file.read_bytes())
    d = result.document
    if as_json:
        click.echo(json.dumps({
            "status": result.status, "sha256": result.sha256, "claimed": result.claimed,
            "case_id": d.case_id if d else None, "case_number": d.case_number if d else None,
            "event_seq": d.event_seq if d else None, "kind": d.kind if d else None,
            "number": d.number if d else None, "issued_sha256": d.sha256 if d else None,
        }, ensure_ascii=False))
    else:
        click.echo(result.message("zh"))
        click.echo(result.message("en"))
    if not result.ok:
        sys.exit(EXIT_AUDIT_FAILED)
