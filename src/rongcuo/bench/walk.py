"""The Licheng walk the benchmarks measure: one complete case, with every kind of step.

Opening, filing, two investigators, verification with a clock pause and an extension, the
statement, a determination, notice, a review, a correction with its extension and the
archive (历城办法第十三条至第二十条): 17 commands, the 16 after ``open`` being the steps a
stateless step is measured on.
"""

from __future__ import annotations

from datetime import date, timedelta

from rongcuo.domain.case import Command

OPEN_DATA = {"subject": "张三", "agency": "区市场监管局", "matter": "食品经营许可"}
START = date(2025, 6, 2)  # a Monday; the whole walk lies in the shipped 2025 calendar
ACTOR = "bench"


def licheng_walk(start: date = START) -> list[Command]:
    """The walk's commands, ``open`` first; the dates are days after ``start``."""

    def c(trigger: str, day: int, **data: str) -> Command:
        return Command(trigger, start + timedelta(days=day), ACTOR, data)

    return [
        c("open", 0, **OPEN_DATA),
        c("file", 2),
        c("assign_investigator", 2, investigator="李四"),
        c("assign_investigator", 2, investigator="王五"),
        c("start_verification", 3),
        c("pause_clock", 5),
        c("resume_clock", 9),
        c("extend_investigation", 20, days="10", approved_by="赵局"),
        c("hear_statement", 22),
        c("determine", 25, outcome="lighter", items="10.3,11.1"),
        c("notify", 27, received_on=(start + timedelta(days=26)).isoformat()),
        c("request_review", 30),
        c("decide_review", 40, result="upheld"),
        c("order_correction", 41, days="20"),
        c("extend_correction", 50, days="5", approved_by="赵局"),
        c("complete_correction", 60),
        c("archive", 61),
    ]
