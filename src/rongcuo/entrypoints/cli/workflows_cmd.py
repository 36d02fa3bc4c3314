"""`rongcuo workflows` — the procedure definitions (``workflows/**/*.yaml``).

Sub-commands: ``validate [PATH...]``, ``list [--json]``, ``show ID``, ``graph ID --format
mermaid`` and ``schema``.  Invalid files are reported one problem per line as
``FILE:LINE: problem`` and exit with code 3.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from rongcuo import paths
from rongcuo.definitions import definition_files, load_definitions, validate_files
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


def definition_json(d: WorkflowDefinition) -> dict[str, Any]:
    """One definition as ``workflows show --json`` prints it (and ``GET /api/v1/workflows/{id}``
    answers)."""
    return _show(d)


def _show(d: WorkflowDefinition) -> dict[str, Any]:
    return {
        **d.summary(),
        "source": dict(d.source),
        "parameters": {
            n: {"value": p.value, "basis": p.basis, "note": p.note, "article": p.article}
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
                "roles": list(t.roles),
                "approval": ({"role": t.approval.role, "article": t.approval.article,
                              "approver": t.approval.approver,
                              "proposer": t.approval.proposer} if t.approval else None),
            }
            for n, t in d.triggers.items()
        },
        "timers": {
            n: {
                "label_zh": t.label_zh,
                "article": t.article,
                "unit": t.unit,
                "days": t.days if t.days is not None else f"data:{t.days_from_data}",
                "start": list(t.start_on),
                "stop": list(t.stop),
                "on_expiry": t.on_expiry or "escalate",
            }
            for n, t in d.timers.items()
        },
    }


@command.command("show")
@click.argument("workflow_id")
@click.option("--version", "version", default=None, help="A pinned version (default: newest).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@_DIR_OPTION
def show_cmd(workflow_id: str, version: str | None, as_json: bool, directory: Path | None) -> None:
    """Show one definition: identity, states, triggers, timers."""
    d = load_definitions(directory).get(workflow_id, version)
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
        days = t.days if t.days is not None else f"<{t.days_from_data or t.due_from_data}>"
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


@command.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of a definition file."""
    click.echo(json.dumps(SCHEMA, ensure_ascii=False, indent=2))
