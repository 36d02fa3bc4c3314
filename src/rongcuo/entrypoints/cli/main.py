"""The ``rongcuo`` command: one root group, one module per sub-command group.

Exit codes (chosen here only):
  0 success · 1 unexpected failure · 2 usage error (click) · 3 refused or invalid input
  (a :class:`~rongcuo.domain.errors.RongcuoError`) · 4 conflict (another writer was first,
  or the expected version is stale) · 5 not found · 6 an audit found the record unsound ·
  7 the scheduler lags past its bound (``scheduler status``)
  (:mod:`rongcuo.entrypoints.cli.exit_codes`).
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.domain.errors import InvalidInput, RongcuoError
from rongcuo.domain.messages import message
from rongcuo.entrypoints.cli.exit_codes import EXIT_CONFLICT, EXIT_NOT_FOUND, EXIT_REFUSED
from rongcuo.entrypoints.cli.usage import bilingual
from rongcuo.service.errors import CaseNotFound, ConcurrencyConflict, StaleVersion

MSG_INPUT_NOT_UTF8 = message(
    "input.not_utf8",
    "参数不是有效的 UTF-8 文本：{arg!a}{where_zh}",
    "argument is not valid UTF-8 text: {arg!a}{where_en}",
)


def exit_code_for(err: RongcuoError) -> int:
    if isinstance(err, ConcurrencyConflict | StaleVersion):
        return EXIT_CONFLICT
    if isinstance(err, CaseNotFound):
        return EXIT_NOT_FOUND
    return EXIT_REFUSED


# The option a case worker typed for a field a service message names (the service speaks of
# fields, never of CLI options: an HTTP client gets the same message).
FIELD_OPTIONS = {"subject": "--subject", "agency": "--agency", "actor": "--by",
                 "idempotency_key": "--idempotency-key", "database": "--db",
                 "as_of": "--as-of", "replace": "--replace"}


def _with_option(text: str, err: RongcuoError, lang: str) -> str:
    if err.code == "definition.parameter_unset":  # C2: how the adopting body sets it
        how = (f"rongcuo workflows configure {err.details.get('workflow')} "
               f"--set {err.details.get('parameter')}=N")
        return f"{text}（设定方法：{how}）" if lang == "zh" else f"{text} (set it with: {how})"
    option = FIELD_OPTIONS.get(str(err.details.get("field", "")))
    if option is None:
        return text
    return f"{text}（{option}）" if lang == "zh" else f"{text} ({option})"


def report_error(err: RongcuoError, *, as_json: bool = False, lang: str = "zh") -> None:
    """Print a refusal for a case worker: what, why, which article, what instead."""
    if as_json:
        click.echo(json.dumps(err.to_dict(), ensure_ascii=False), err=True)
    else:
        first = _with_option(err.message(lang), err, lang)
        click.echo(("错误：" if lang == "zh" else "Error: ") + first, err=True)
        other_lang = "en" if lang == "zh" else "zh"
        click.echo(_with_option(err.message(other_lang), err, other_lang), err=True)
        hint = _fields_hint(err)
        if hint:
            click.echo(hint, err=True)


def _fields_hint(err: RongcuoError) -> str:
    """Where a refused step's fields are listed (the CLI's own command; the service names
    no command)."""
    workflow, trigger = err.details.get("workflow"), err.details.get("trigger")
    if not (workflow and trigger and err.code.startswith("input.")):
        return ""
    cmd = f"rongcuo workflows show {workflow} --trigger {trigger}"
    return f"查看该步骤的字段 / the step's fields: {cmd}"


def _is_utf8(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_undecodable(args: list[str]) -> None:
    """Refuse an argument that is not valid UTF-8 before any command reads it.

    Python hands such bytes on as lone surrogates (``'\\udcff'``); stored, hashed or sent to
    the database they crash deep inside (``UnicodeEncodeError``), and a case file must hold
    text a person can read.  The argument is named with :func:`ascii`, which prints it."""
    for i, arg in enumerate(args):
        if _is_utf8(arg):
            continue
        # the option before it, if any, says where it was typed (``--subject``)
        prev = args[i - 1] if i > 0 and args[i - 1].startswith("-") else ""
        where_zh = f"（在 {prev} 之后）" if prev and _is_utf8(prev) else ""
        where_en = f" (after {prev})" if where_zh else ""
        raise InvalidInput.of(
            MSG_INPUT_NOT_UTF8,
            arg=arg,
            where_zh=where_zh,
            where_en=where_en,
            details={"argument": ascii(arg), "position": i},
        )


# Each sub-command group and the module that defines it (its ``command``), imported only when
# the group is invoked or listed in help: a command pays for its own libraries only (issue 16
# — ``case show`` must not import Alembic, the scheduler, the documents or the benchmarks).
COMMANDS = {
    "calendar": "calendar_cmd",
    "workflows": "workflows_cmd",
    "case": "case_cmd",
    "db": "db_cmd",
    "scheduler": "scheduler_cmd",
    "audit": "audit_cmd",
    "doc": "doc_cmd",
    "bench": "bench_cmd",
    "demo": "demo_cmd",
    "report": "report_cmd",
    "obligations": "obligations_cmd",
    "risk": "risk_cmd",
    "messages": "messages_cmd",
}


class RongcuoGroup(click.Group):
    """Turns domain/service errors into clear messages and stable exit codes, and click's
    own usage errors into Chinese and English (:mod:`.usage`); loads each sub-command group's
    module on first use (:data:`COMMANDS`)."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise bilingual(exc) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(f"rongcuo.entrypoints.cli.{COMMANDS[cmd_name]}")
            self.add_command(module.command, cmd_name)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        # The sub-command's own arguments, read before click consumes them, decide how a
        # refusal is printed (``--json``, ``--lang en``) — never sys.argv, so CliRunner agrees.
        protected = getattr(ctx, "_protected_args", None)  # click >= 8.2 (public name deprecated)
        if protected is None:
            protected = ctx.protected_args
        args = [*protected, *ctx.args]
        try:
            rlog.configure()  # the refusal below is logged before the root callback runs
            refuse_undecodable(args)
            return super().invoke(ctx)
        except click.UsageError as exc:  # a sub-command's options, an unknown command
            raise bilingual(exc) from None
        except RongcuoError as err:
            as_json = "--json" in args
            lang = "zh"
            for i, a in enumerate(args):
                if a == "--lang" and i + 1 < len(args):
                    lang = args[i + 1]
                elif a.startswith("--lang="):
                    lang = a.split("=", 1)[1]
            report_error(err, as_json=as_json, lang=lang)
            shown = [a if _is_utf8(a) else ascii(a) for a in args[:2]]
            rlog.get_logger().info("refused", code=err.code, args=shown)
            ctx.exit(exit_code_for(err))


@click.group(cls=RongcuoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rongcuo")
def cli() -> None:
    """rongcuo 容错纠错 — fault-tolerance and error-correction case workflows."""
    rlog.configure()
    rlog.bind(request_id=rlog.new_request_id())


def main() -> None:
    cli(prog_name="rongcuo")


if __name__ == "__main__":
    main()
