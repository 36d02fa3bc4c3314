"""The ``rongcuo`` command: one root group, one module per sub-command group.

Exit codes (chosen here only):
  0 success · 1 unexpected failure · 2 usage error (click) · 3 refused or invalid input
  (a :class:`~rongcuo.domain.errors.DomainError`) · 4 conflict (another writer was first)
  · 5 not found.
"""

from __future__ import annotations

import json
from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.domain.errors import DomainError
from rongcuo.service.errors import CaseNotFound, ConcurrencyConflict

EXIT_REFUSED = 3
EXIT_CONFLICT = 4
EXIT_NOT_FOUND = 5


def exit_code_for(err: DomainError) -> int:
    if isinstance(err, ConcurrencyConflict):
        return EXIT_CONFLICT
    if isinstance(err, CaseNotFound):
        return EXIT_NOT_FOUND
    return EXIT_REFUSED


def report_error(err: DomainError, *, as_json: bool = False, lang: str = "zh") -> None:
    """Print a refusal for a case worker: what, why, which article, what instead."""
    if as_json:
        click.echo(json.dumps(err.to_dict(), ensure_ascii=False), err=True)
    else:
        click.echo(("错误：" if lang == "zh" else "Error: ") + err.message(lang), err=True)
        other = err.message("en" if lang == "zh" else "zh")
        click.echo(other, err=True)


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
            return super().invoke(ctx)
        except DomainError as err:
            as_json = "--json" in args
            lang = "zh"
            for i, a in enumerate(args):
                if a == "--lang" and i + 1 < len(args):
                    lang = args[i + 1]
                elif a.startswith("--lang="):
                    lang = a.split("=", 1)[1]
            report_error(err, as_json=as_json, lang=lang)
            rlog.get_logger().info("refused", code=err.code, args=args[:2])
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
        scheduler_cmd,
        workflows_cmd,
    )

    for mod in (
        calendar_cmd,
        workflows_cmd,
        case_cmd,
        db_cmd,
        scheduler_cmd,
        audit_cmd,
        bench_cmd,
        demo_cmd,
    ):
        cli.add_command(mod.command)


_register()


def main() -> None:
    cli(prog_name="rongcuo")


if __name__ == "__main__":
    main()
