"""click's own usage errors (exit 2) in Chinese first and English second, like every other
message: a missing option, an unknown command or option, a value not among the choices.

click words these in English (``Missing option '--on'.``); :func:`bilingual` wraps the
error so that it prints the Chinese line, then click's own.  A message this module does not
know is shown in English under a Chinese heading (never hidden)."""

from __future__ import annotations

import re
from typing import IO, Any

import click

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), zh) for p, zh in (
        (r"^Missing option '(?P<a>[^']+)'", "缺少选项 {a}（必填）"),
        (r"^Missing argument '(?P<a>[^']+)'", "缺少参数 {a}"),
        (r"^Missing parameter '(?P<a>[^']+)'", "缺少参数 {a}"),
        (r"^No such option:? '?(?P<a>[^'\s]+?)'?\.?\s+\(Possible options: (?P<c>.+)\)$",
         "没有选项 {a}（可能是：{c}）"),
        (r"^No such option:? '?(?P<a>[^'\s]+?)'?\.?(?:\s+Did you mean '?(?P<b>[^'\s?]+)'?\?)?$",
         "没有选项 {a}{b_hint}"),
        (r"^No such command '(?P<a>[^']+)'", "没有命令 {a}（rongcuo --help 列出全部命令）"),
        (r"^Option '(?P<a>[^']+)' requires an argument", "选项 {a} 需要一个值"),
        (r"^Option '(?P<a>[^']+)' requires (?P<n>\d+) arguments", "选项 {a} 需要 {n} 个值"),
        (r"^Invalid value for '(?P<a>[^']+)': '(?P<v>[^']*)' is not one of (?P<c>.+)\.$",
         "{a} 的值“{v}”无效：可选值为 {c}"),
        (r"^Invalid value for '(?P<a>[^']+)': '(?P<v>[^']*)' is not a valid integer",
         "{a} 的值“{v}”不是整数"),
        (r"^Invalid value for '(?P<a>[^']+)': (?P<r>.+)$", "{a} 的值无效：{r}"),
        (r"^Got unexpected extra arguments? \((?P<a>.+)\)", "多余的参数：{a}"),
        (r"^Option '(?P<a>[^']+)' does not take a value", "选项 {a} 不接受值"),
    )
)


def chinese(message: str) -> str:
    """click's English usage message in Chinese (the English itself when unknown)."""
    for pattern, zh in _RULES:
        m = pattern.search(message)
        if m is None:
            continue
        groups = {k: v or "" for k, v in m.groupdict().items()}
        groups["b_hint"] = f"（是否想输入 {groups['b']}？）" if groups.get("b") else ""
        return zh.format(**groups)
    return message


class BilingualUsageError(click.UsageError):
    """A click usage error shown as 错误：<Chinese> then Error: <English>."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(original.message, original.ctx)
        self.exit_code = original.exit_code
        self.original = original

    def format_message(self) -> str:
        return self.original.format_message()  # click's own wording (a parameter's name…)

    def show(self, file: IO[Any] | None = None) -> None:
        err = file if file is not None else click.get_text_stream("stderr")
        if self.ctx is not None:
            hint = f"帮助 / help: {self.ctx.command_path} --help\n"
            click.echo(f"{self.ctx.get_usage()}\n{hint}", file=err, color=self.ctx.color)
        click.echo(f"错误：{chinese(self.format_message())}", file=err)
        click.echo(f"Error: {self.format_message()}", file=err)


def bilingual(exc: click.UsageError) -> click.UsageError:
    return exc if isinstance(exc, BilingualUsageError) else BilingualUsageError(exc)
