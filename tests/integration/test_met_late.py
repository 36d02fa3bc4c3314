"""A period met late is never reported as met on time (逾期完成).

Licheng art. 17: "应当自立案之日起30日内调查终结，作出决定" — filed 2025-06-03, the
investigation period ends 2025-07-03 (30 calendar days, start day not counted, Civil Code art.
201; 07-03 is a Thursday, no rollover).  A determination recorded on 2025-07-20 meets the
timer, but 17 days late: `case show`, its JSON, `audit replay` and the exported case file must
say so.  One made on 2025-07-03 itself is on time (the period ends at 24:00 CST that day).
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from rongcuo.audit.api import export_case, replay
from rongcuo.audit.replay import replayed_json
from rongcuo.bootstrap import App
from rongcuo.clock import CST
from rongcuo.entrypoints.cli.render import show_text
from rongcuo.service.queries import case_document, case_view
from tests.support.walks import licheng_to_determined

NOW = datetime(2025, 7, 25, 10, tzinfo=CST)


@pytest.fixture
def clock_start() -> datetime:
    return NOW


def _investigation(doc: dict[str, object]) -> dict[str, object]:
    (inv,) = [d for d in doc["deadlines"] if d["timer"] == "investigation"]  # type: ignore[attr-defined]
    return inv  # type: ignore[no-any-return]


def test_a_determination_after_the_investigation_period_reads_met_late(app: App) -> None:
    late = licheng_to_determined(app, opened=date(2025, 6, 3), determined=date(2025, 7, 20),
                                 subject="甲")
    on_time = licheng_to_determined(app, opened=date(2025, 6, 3), determined=date(2025, 7, 3),
                                    subject="乙")
    case = app.store.load_case(late)
    shown = case_document(case_view(app, case.id))
    inv = _investigation(shown)
    assert (inv["status"], inv["due"], inv["met_late_on"]) == ("met", "2025-07-03", "2025-07-20")
    assert _investigation(case_document(case_view(app, on_time)))["met_late_on"] is None

    text = show_text(case_view(app, case.id))
    assert "调查期限：到期 2025-07-03（当日24:00止）　逾期完成（2025-07-20 完成）" in text
    assert "met late (on 2025-07-20)" in show_text(case_view(app, case.id), lang="en")
    assert "逾期完成" not in show_text(case_view(app, on_time))

    # the auditor's replay says the same as the case worker's view
    r = replay(app, late)
    assert _investigation(replayed_json(r))["met_late_on"] == "2025-07-20"

    # the archived case file never certifies art. 17 compliance that did not happen
    cf = json.loads(export_case(app, late, "json", now=NOW))
    inv_cf = _investigation(cf)
    assert inv_cf["status_zh"] == "逾期完成（2025-07-20 完成，未按期）"
    html = export_case(app, late, "html", now=NOW)
    assert "逾期完成（2025-07-20 完成，未按期）" in html
    ok = json.loads(export_case(app, on_time, "json", now=NOW))
    assert _investigation(ok)["status_zh"] == "已按期完成"
