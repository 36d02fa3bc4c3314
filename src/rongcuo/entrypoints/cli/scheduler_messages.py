"""The scheduler commands' refusals of their options, declared once in the catalogue."""

from __future__ import annotations

from rongcuo.domain.messages import message

MSG_INPUT_FUTURE = message(
    "input.future",
    "--now {now_text} 晚于当前时间：会把尚未发生的提醒、逾期记入案卷（预先查看到期情况请用 "
    "rongcuo case list --due-before 日期）",
    "--now {now_text} is in the future: it would record notices that have not happened yet "
    "(to look ahead, use `rongcuo case list --due-before DATE`)",
)

MSG_INPUT_BLANK_SCHEDULER = message(
    "input.blank/scheduler",
    "--config 为空：请给出调度配置文件的路径，或不写此选项以使用默认配置",
    "--config is empty: give the scheduler config file's path, or leave the option out for "
    "the default",
)

MSG_INPUT_DATETIME = message(
    "input.datetime",
    "--now 不是有效的日期时间：{text!r}（例如 2025-10-10T00:05，北京时间）",
    "--now is not a date-time: {text!r} (e.g. 2025-10-10T00:05, China Standard Time)",
)

MSG_INPUT_INVALID = message(
    "input.invalid",
    "--sweep-seconds 必须为正整数",
    "--sweep-seconds must be >= 1",
)

MSG_INPUT_INVALID_SCHEDULER = message(
    "input.invalid/scheduler",
    "--digest-at 时间格式错误：{digest_at!r}",
    "--digest-at is not HH:MM: {digest_at!r}",
)
