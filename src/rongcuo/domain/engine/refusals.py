"""The engine's refusals (the order of steps, dates, closed cases, notices), declared once
in the catalogue (:mod:`rongcuo.domain.messages`)."""

from __future__ import annotations

from rongcuo.domain.messages import message

MSG_CASE_WRONG_STATE = message(
    "case.wrong_state",
    "新案件只能以“{name}”启动",
    "a new case can only be opened with '{name}'",
)

MSG_CASE_OUTSIDE_IN_FORCE = message(
    "case.outside_in_force",
    "{title} 的施行期间为 {span}，{on} 不在其内",
    "{id} {version} is in force {replace}; {on} is outside it",
)

MSG_CASE_CLOSED = message(
    "case.closed",
    "案件已办结（{state_label}），不能再进行“{trigger}”",
    "the case is closed ({state}); '{trigger}' is not possible",
)

MSG_CASE_UNKNOWN_TRIGGER = message(
    "case.unknown_trigger",
    "本流程没有操作“{trigger}”",
    "'{trigger}' is not a step of {id}",
)

MSG_CASE_DATE_BEFORE_PREVIOUS_STEP = message(
    "case.date_before_previous_step",
    "日期 {on} 早于上一步骤的日期 {last_on}",
    "{on} is before the previous step ({last_on}); steps are recorded in order",
)

MSG_CASE_WRONG_STATE_ENGINE = message(
    "case.wrong_state/engine",
    "当前状态为“{state_label}”，不能进行“{label_zh}”（只能在 {where} 状态进行）",
    "'{trigger}' is not allowed in state '{state}' (only from {value})",
)

MSG_NOTICE_UNKNOWN_TIMER = message(
    "notice.unknown_timer",
    "本案没有计时器 {timer}",
    "the case has no timer '{timer}'",
)

MSG_NOTICE_UNKNOWN = message(
    "notice.unknown",
    "计时器 {timer} 没有提醒 {notice}（可用：{value}）",
    "timer '{timer}' has no notice '{notice}' (declared: {value})",
)

MSG_CASE_CLOSED_ENGINE = message(
    "case.closed/engine",
    "案件已办结",
    "the case is closed",
)

MSG_NOTICE_DUPLICATE = message(
    "notice.duplicate",
    "{label_zh}的 {notice} 已记录过",
    "notice '{notice}' of '{timer}' was already recorded",
)

MSG_NOTICE_TIMER_NOT_RUNNING = message(
    "notice.timer_not_running",
    "{label_zh}当前为 {status}，不再发出提醒",
    "the {timer} timer is {status}; no notice is owed",
)

MSG_CASE_DATE_BEFORE_PREVIOUS_STEP_ENGINE = message(
    "case.date_before_previous_step/engine",
    "日期 {on} 早于上一步骤的日期 {last_on}",
    "{on} is before the previous step ({last_on})",
)

MSG_CASE_WRONG_VERSION = message(
    "case.wrong_version",
    "案件属于 {workflow_id} {workflow_version}，不能用 {id} {version} 处理",
    "the case is pinned to {workflow_id} {workflow_version}, not {id} {version}",
)
