"""A correction that loses a race (issue 15) is decided again on the fresh case, on both
backends: another worker records 开始核实 (历城办法第十六条) while a voiding of the second
investigator's assignment is being decided — the voiding's write fails the version check,
and decided again it is refused because the new step depends on the assignment; nothing of
the voiding is written and the log verifies."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rongcuo.audit.api import verify
from rongcuo.bootstrap import App
from rongcuo.clock import FixedClock
from rongcuo.domain.errors import Refused
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, VoidStep
from tests.support.walks import cst_morning, walk_licheng


def test_a_voiding_that_lost_a_race_is_decided_again(app: App, clock: FixedClock,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cid = walk_licheng(app, clock, steps=3)  # filed, two investigators assigned (seqs 3, 4)
    clock.set(cst_morning("2025-10-10"))
    read = app.store.case_events
    raced: list[int] = []

    def racing(case_id: str) -> Any:
        events = read(case_id)
        if not raced:  # the other worker commits between our read and our write
            raced.append(1)
            handlers.fire(app, FireStep(case_ref=cid, trigger="start_verification",
                                        on=date(2025, 10, 9), actor="另一科员"))
        return events

    monkeypatch.setattr(app.store, "case_events", racing)
    with pytest.raises(Refused) as err:
        handlers.void(app, VoidStep(case_ref=cid, seq=4, reason="未指派", actor="监督科"))
    monkeypatch.setattr(app.store, "case_events", read)
    assert err.value.code == "correction.dependent_step"
    assert err.value.details["seq"] == 5 and err.value.article == "历城办法第十六条"
    events = app.store.case_events(cid)
    assert [e.trigger for e in events][-1] == "start_verification"  # the race's winner only
    case = app.store.load_case(cid)
    assert case is not None and case.state.state == "verifying"
    report = verify(app, drift=False)
    assert report.ok, report.findings
