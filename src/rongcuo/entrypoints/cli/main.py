"""The ``rongcuo`` command: one root group, one module per sub-command group.

Exit codes (chosen here only):
  0 success · 1 unexpected failure · 2 usage error (click) · 3 refused or invalid input
  (a :class:`~rongcuo.domain.errors.RongcuoError`) · 4 conflict (another writer was first,
  or the expected version is stale) · 5 not found · 6 an audit found the record unsound ·
  7 the scheduler lags past its bound (``scheduler status``)
  (:mod:`rongcuo.entrypoints.cli.exit_codes`).
"""

from __future__ import annotations

import json
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.domain.errors import InvalidInput, RongcuoError
from rongcuo.entrypoints.cli.exit_codes import EXIT_CONFLICT, EXIT_NOT_FOUND, EXIT_REFUSED
from rongcuo.service.errors import CaseNotFound, ConcurrencyConflict, StaleVersion


def exit_code_for(err: RongcuoError) -> int:
    if isinstance(err, ConcurrencyConflict | StaleVersion):
        return EXIT_CONFLICT
    if isinstance(err, CaseNotFound):
        return EXIT_NOT_FOUND
    return EXIT_REFUSED


# The option a case worker typed for a field a service message names (the service speaks of
# fields, never of CLI options: an HTTP client gets the same message).
FIELD_OPTIONS = {"subject": "--subject", "agency": "--agency", "actor": "--by",
                 "idempotency_key": "--idempotency-key"}


def _with_option(text: str, err: RongcuoError, lang: str) -> str:
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
        raise InvalidInput(
            f"参数不是有效的 UTF-8 文本：{arg!a}{where_zh}",
            f"argument is not valid UTF-8 text: {arg!a}{where_en}",
            code="input.not_utf8",
            details={"argument": ascii(arg), "position": i},
        )


class RongcuoGroup(click.Group):
    """Turns domain/service errors into clear messages and stable exit codes."""

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


def _register() -> None:
    from rongcuo.entrypoints.cli import (
        audit_cmd,
        bench_cmd,
        calendar_cmd,
        case_cmd,
        db_cmd,
        demo_cmd,
        doc_cmd,
        identity_cmd,
        obligations_cmd,
        report_cmd,
        risk_cmd,
        scheduler_cmd,
        serve_cmd,
        workflows_cmd,
    )

    for mod in (
        calendar_cmd,
        workflows_cmd,
        case_cmd,
        db_cmd,
        scheduler_cmd,
        serve_cmd,
        audit_cmd,
        doc_cmd,
        bench_cmd,
        demo_cmd,
        report_cmd,
        obligations_cmd,
        risk_cmd,
    ):
        cli.add_command(mod.command)
    for group in identity_cmd.commands:
        cli.add_command(group)


_register()


def main() -> None:
    cli(prog_name="rongcuo")


if __name__ == "__main__":
    main()
