"""期间 — steps that depend on a legal period: inside a window, after it, after expiry.

The due date is the legal clock's (``call.due(timer)``: the current last day of a running
timer, None otherwise); a period ends at 24:00 CST of its last day.  Licheng art. 19 (the
15-day review window), Banan art. 16 (the 5-working-day proposal window).
"""

from __future__ import annotations

from rongcuo.domain.rules.base import GuardCall
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule

_TIMER = Param("timer", required=True, doc="the timer of the definition")


@rule(
    "within_timer",
    params={"timer": _TIMER},
    reads_data=False,
    refuses=("timer.window_closed",),
)
def within_timer(call: GuardCall) -> None:
    """期间内 — the step is taken within the window, by 24:00 of its last day (历城办法第十九条
    "收到认定决定之日起15日内…提出复核申请"; 巴南办法第十六条 "5个工作日内…提出书面申请")."""
    name = call.param("timer")
    due = call.due(name)
    if due is None or call.command.on > due:
        label = call.definition.timers[name].label_zh
        last = due.isoformat() if due else "—"
        call.refuse(
            "timer.window_closed",
            f"{label}已届满（最后一日 {last}），{call.command.on.isoformat()} 已超出期限",
            f"the {name} window closed on {last}; {call.command.on.isoformat()} is too late",
            timer=name,
            due=due.isoformat() if due else None,
        )


@rule(
    "timer_closed",
    params={"timer": _TIMER,
            "waiver": Param("field", field_type="bool",
                            doc="a true/false data field: the party waived the window")},
    reads_data=True,
    refuses=("guard.window_open",),
)
def timer_closed(call: GuardCall) -> None:
    """期间届满 — the window has closed, or the party has waived it in writing (the optional
    ``waiver`` data field, e.g. ``review_waived=true``: the party states it will not request
    a review, 历城办法第十九条), which is recorded in the event."""
    name = call.param("timer")
    waiver = call.param("waiver")
    if waiver and call.data.get(waiver) is True:
        call.seen["window_waived"] = {"timer": name, "by": waiver}
        return
    due = call.due(name)
    if due is not None and call.command.on <= due:
        label = call.definition.timers[name].label_zh
        call.refuse(
            "guard.window_open",
            f"{label}尚未届满（至 {due.isoformat()} 24时），须待期满后再进行",
            f"the {name} window is open until 24:00 of {due.isoformat()}; wait until it closes",
            timer=name,
            due=due.isoformat(),
        )


@rule(
    "timer_expired",
    params={"timer": _TIMER},
    reads_data=False,
    refuses=("guard.timer_not_expired",),
)
def timer_expired(call: GuardCall) -> None:
    """逾期 — the period ran out (after 24:00 of its last day) while it was running (巴南办法
    第十六条: no proposal within 5 working days)."""
    name = call.param("timer")
    due = call.due(name)
    if due is None or call.command.on <= due:
        last = due.isoformat() if due else "—"
        call.refuse(
            "guard.timer_not_expired",
            f"{call.definition.timers[name].label_zh}未届满或未在计时（期限 {last}）",
            f"the {name} period has not expired or is not running (due {last})",
            timer=name,
        )
