"""`rongcuo workflows` — the procedure definitions (``workflows/**/*.yaml``).

Sub-commands: ``validate [PATH...]``, ``list [--json]``, ``show ID``, ``graph ID --format
mermaid``, ``configure ID [--set NAME=N]`` (a parameter the source leaves blank, C2) and
``schema``.  Invalid files are reported one problem per line as
``FILE:LINE: problem`` and exit with code 3.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo import paths
from rongcuo.definitions import definition_files, load_definitions, validate_files
from rongcuo.definitions.adopter import read_settings, settings_path, write_setting
from rongcuo.definitions.schema import SCHEMA
from rongcuo.domain.workflow.diagram import mermaid
from rongcuo.domain.workflow.model import WorkflowDefinition
from rongcuo.entrypoints.cli.exit_codes import EXIT_REFUSED

_DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Definitions directory (default: $RONGCUO_WORKFLOWS_DIR or the repository's workflows/).",
)


@click.group(name="workflows")
def command() -> None:
    """工作流定义：校验、列出、查看、绘图 — workflow definitions."""


@command.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_DIR_OPTION
@click.pass_context
def validate_cmd(ctx: click.Context, files: tuple[Path, ...], directory: Path | None) -> None:
    """Check definition files (default: every file of the definitions directory)."""
    targets = list(files) or definition_files(directory or paths.workflows_dir())
    if not targets:
        click.echo("没有定义文件 / no definition files found", err=True)
        ctx.exit(EXIT_REFUSED)
    problems = validate_files(targets)
    for p in problems:
        click.echo(str(p), err=True)
    if problems:
        click.echo(f"{len(problems)} 个错误 / {len(problems)} problem(s)", err=True)
        ctx.exit(EXIT_REFUSED)
    for t in targets:
        click.echo(f"OK {t}")


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@_DIR_OPTION
def list_cmd(as_json: bool, directory: Path | None) -> None:
    """List every definition and version."""
    registry = load_definitions(directory)
    rows = [d.summary() for d in registry]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        frm, to = r["in_force"]
        click.echo(f"{r['id']:<10} {r['version']:<8} {frm or '…'} — {to or '…'}  {r['title']}")


def _show(d: WorkflowDefinition) -> dict[str, Any]:
    return {
        **d.summary(),
        "source": dict(d.source),
        "parameters": {
            n: {"value": p.value, "basis": p.basis, "note": p.note, "article": p.article,
                **({"required_from": p.required_from} if p.required_from else {})}
            for n, p in d.parameters.items()
        },
        "states": {
            n: {"label_zh": s.label_zh, "article": s.article, "final": s.final}
            for n, s in d.states.items()
        },
        "triggers": {
            n: {
                "label_zh": t.label_zh,
                "article": t.article,
                "event": t.event,
                "from": list(t.sources),
                "to": sorted({tr.dest for tr in t.transitions if tr.dest}),
                "data": {k: f.type + ("!" if f.required else "") for k, f in t.data.items()},
                "guards": [g.rule for g in t.guards]
                + [g.rule for tr in t.transitions for g in tr.guards],
            }
            for n, t in d.triggers.items()
        },
        "timers": {
            n: {
                "label_zh": t.label_zh,
                "article": t.article,
                "unit": t.unit,
                "days": t.days if t.days is not None
                else f"param:{t.days_from_param}" if t.days_from_param
                else f"data:{t.days_from_data}",
                "start": list(t.start_on),
                "stop": list(t.stop),
                "on_expiry": t.on_expiry or "escalate",
            }
            for n, t in d.timers.items()
        },
    }


_TYPES = {"str": ("文字", "text"), "int": ("整数", "whole number"),
          "date": ("日期 YYYY-MM-DD", "date YYYY-MM-DD"), "enum": ("选项", "one of"),
          "list": ("名单（逗号分隔）", "list, comma-separated"),
          "bool": ("是/否（true/false）", "yes/no (true/false)"),
          "items": ("认定目录条.项（逗号分隔，如 10.2）", "catalogue items (e.g. 10.2)")}


def _field_json(f: Any) -> dict[str, Any]:
    return {"name": f.name, "label_zh": f.label_zh, "type": f.type, "required": f.required,
            "values": [{"code": v, "label_zh": f.value_label(v)} for v in f.values],
            "max_length": f.max_length, "min": f.min}


def trigger_fields(d: WorkflowDefinition, trigger: str) -> dict[str, Any]:
    """What one step needs: each field with its Chinese label, type, required mark, allowed
    values (code and label) and limits."""
    from rongcuo.domain.engine.vocabulary import trigger_named

    t = d.triggers[trigger_named(d, trigger)]
    return {"workflow": d.id, "version": d.version, "trigger": t.name,
            "label_zh": t.label_zh, "label_en": t.label_en, "article": t.article,
            "from": list(t.sources), "fields": [_field_json(f) for f in t.data.values()]}


def trigger_text(info: dict[str, Any]) -> str:
    lines = [f"{info['label_zh']}（{info['trigger']}）  [{info['article']}]",
             f"可在状态 / from: {', '.join(info['from']) or '(new)'}",
             "字段 / fields (--set KEY=VALUE；* 必填 required):"]
    if not info["fields"]:
        lines.append("  （无 / none）")
    for f in info["fields"]:
        zh, en = _TYPES.get(f["type"], (f["type"], f["type"]))
        mark = "*" if f["required"] else " "
        extra = ""
        if f["values"]:
            extra = "  可选 / values: " + "、".join(
                v["code"] if v["label_zh"] == v["code"] else f"{v['code']}（{v['label_zh']}）"
                for v in f["values"])
        if f["max_length"]:
            extra += f"  至多 {f['max_length']} 字 / at most {f['max_length']} characters"
        if f["min"] is not None:
            extra += f"  不小于 / at least {f['min']}"
        lines.append(f" {mark}{f['name']:<20} {f['label_zh'] or f['name']}  {zh} / {en}{extra}")
    return "\n".join(lines)


@command.command("show")
@click.argument("workflow_id")
@click.option("--version", "version", default=None, help="A pinned version (default: newest).")
@click.option("--trigger", "trigger", default=None, metavar="T",
              help="one step's fields: label, type, required, allowed values (code or 中文)")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@_DIR_OPTION
def show_cmd(workflow_id: str, version: str | None, trigger: str | None, as_json: bool,
             directory: Path | None) -> None:
    """Show one definition: identity, states, triggers, timers (--trigger T: one step's
    fields)."""
    d = load_definitions(directory).get(workflow_id, version)
    if trigger is not None:
        fields = trigger_fields(d, trigger)
        click.echo(json.dumps(fields, ensure_ascii=False, indent=2) if as_json
                   else trigger_text(fields))
        return
    info = _show(d)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    frm, to = info["in_force"]
    click.echo(f"{d.title}\n{d.id} {d.version} · {d.jurisdiction} · {frm or '…'} — {to or '…'}")
    click.echo(f"案号 / case number: {d.case_number}")
    click.echo("\n状态 / states:")
    for n, s in d.states.items():
        click.echo(f"  {n:<18} {s.label_zh}{' (终结)' if s.final else ''}  [{s.article}]")
    click.echo("\n操作 / triggers:")
    for n, t in info["triggers"].items():
        arrow = f"{','.join(t['from']) or '(new)'} -> {','.join(t['to']) or '(same)'}"
        click.echo(f"  {n:<22} {arrow:<40} {t['label_zh']}  [{t['article']}]")
    click.echo("\n期限 / timers:")
    for n, t in d.timers.items():
        days = t.days if t.days is not None else (
            f"<{t.days_from_param or t.days_from_data or t.due_from_data}>")
        unit = "工作日" if t.unit == "working" else "日"
        click.echo(f"  {n:<18} {days}{unit}  {t.label_zh}  [{t.article}]")


@command.command("graph")
@click.argument("workflow_id")
@click.option("--format", "fmt", type=click.Choice(["mermaid"]), default="mermaid")
@click.option("--version", "version", default=None, help="A pinned version (default: newest).")
@_DIR_OPTION
def graph_cmd(workflow_id: str, fmt: str, version: str | None, directory: Path | None) -> None:
    """Draw the state diagram (Mermaid)."""
    d = load_definitions(directory).get(workflow_id, version)
    click.echo(mermaid(d), nl=False)


@command.command("configure")
@click.argument("workflow_id")
@click.option("--set", "sets", multiple=True, metavar="NAME=N",
              help="Set a parameter the source leaves blank (e.g. notice_days=10).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@_DIR_OPTION
def configure_cmd(workflow_id: str, sets: tuple[str, ...], as_json: bool,
                  directory: Path | None) -> None:
    """Set (or, with no --set, show) the adopting body's values of the parameters a
    procedure's source leaves blank, e.g. the generic procedure's notice days (通用办法第十四条
    "应当于日内告知").  Stored in $RONGCUO_HOME/settings/ID.yaml; each case records the value it
    opened with, so a later change never alters an open case."""
    d = load_definitions(directory).get(workflow_id)
    for s in sets:
        name, sep, value = s.partition("=")
        if not sep:
            raise click.BadParameter(f"'{s}': write NAME=N", param_hint="--set")
        used, where = write_setting(d, name.strip(), value)
        rlog.get_logger("rongcuo.cli").info("workflows.configured", workflow=d.id,
                                            parameter=name.strip(), value=used, file=str(where))
    current = read_settings(d.id)
    rows = [{"parameter": p.name, "value": current.get(p.name), "article": p.article,
             "note": p.note} for p in d.adopter_parameters]
    if as_json:
        click.echo(json.dumps({"workflow": d.id, "file": str(settings_path(d.id)),
                               "parameters": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"{d.id}: 没有须由采用单位设定的参数 / nothing for the adopting body to set")
    for r in rows:
        shown = "未设定 / not set" if r["value"] is None else str(r["value"])
        click.echo(f"{d.id} {r['parameter']} = {shown}  [{r['article']}]")
    if sets:
        click.echo(f"已保存 / saved: {settings_path(d.id)}")


@command.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of a definition file."""
    click.echo(json.dumps(SCHEMA, ensure_ascii=False, indent=2))
