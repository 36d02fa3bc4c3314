"""`rongcuo doc deliver`: the received date starts the review window (历城办法第十九条, "自收到
认定决定之日起15日内"), checked (not before issue, not in the future), and the 送达回证 prints it.

Hand count across 2025's 国庆节、中秋节 (10月1日至8日放假, workflows/calendars/2025.yaml):
the determination is issued on 2025-09-15 and received on Saturday 2025-09-20.  民法典第二百零一条:
the day of receipt is not counted — day 1 is 9月21日, day 15 is 10月5日, a holiday; 第二百零三条:
a period whose last day is a 法定休假日 ends on the day after the holiday, 10月9日.  A review
requested on 10月9日 is in time; on 10月10日 it is refused.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.domain.errors import Refused
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep
from rongcuo.service.context import App
from tests.integration.test_documents_issuing import DETERMINE, UNTIL_DETERMINED, walk
from tests.support import pdf as P
from tests.support.walks import cst_morning

RECEIVER = "张小明"


def _deliver(app: App, cid: str, on: str, method: str = "直接送达") -> Any:
    with freeze_time("2025-09-25T02:00:00Z"):  # today: 2025-09-25 CST
        return CliRunner().invoke(cli, ["doc", "deliver", cid, "determination", "--on", on,
                                        "--method", method, "--received-by", RECEIVER,
                                        "--by", "监督科", "--db", app.database_url])


def test_the_review_window_runs_from_receipt_across_the_national_day_holiday(
    app: App, clock: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    cid = walk(app, clock, (*UNTIL_DETERMINED, DETERMINE))
    r = _deliver(app, cid, "2025-09-20")
    assert r.exit_code == 0, r.output
    assert "复核申请期限：自 2025年9月20日 起，至 2025年10月9日 止" in r.output
    case = app.store.load_case(cid)
    assert case.state.state == "notified"
    notify = app.store.case_events(cid)[-1]
    assert (notify.trigger, notify.on, notify.data["received_on"]) == (
        "notify", date(2025, 9, 20), "2025-09-20")
    assert notify.data["method"] == "直接送达" and notify.data["received_by"] == RECEIVER
    engine = app.engine_for("licheng", case.state.workflow_version)
    window = next(d for d in engine.deadlines(case.state) if d.timer == "review_window")
    assert (window.started_on, window.due) == (date(2025, 9, 20), date(2025, 10, 9))

    # the 送达回证 the step issued prints how, to whom, when, and the window's last day
    out = tmp_path / "receipt.pdf"
    rendered = CliRunner().invoke(cli, ["doc", "render", cid, "delivery_receipt", "--format",
                                        "pdf", "--out", str(out), "--db", app.database_url])
    assert rendered.exit_code == 0, rendered.output
    text = P.flat(out)
    for wanted in ("送达回证", "■直接送达", RECEIVER, "2025年9月20日", "至2025年10月9日止",
                   "济历城监容〔2025〕1号", case.number):
        assert wanted in text, wanted
    # the receiving person is printed on the receipt, never logged
    captured = capsys.readouterr()
    assert RECEIVER not in r.output + rendered.output + captured.out + captured.err

    clock.set(cst_morning("2025-10-10"))
    late = FireStep(cid, "request_review", on=date(2025, 10, 10), actor="监督科")
    with pytest.raises(Refused) as info:
        handlers.fire(app, late)
    assert "第十九条" in str(info.value.article)
    handlers.fire(app, FireStep(cid, "request_review", on=date(2025, 10, 9), actor="监督科"))
    assert app.store.load_case(cid).state.state == "under_review"


def test_a_received_date_before_issue_or_in_the_future_is_refused(app: App,
                                                                   clock: Any) -> None:
    """Received before the determination was issued (2025-09-15), or after today
    (2025-09-25): refused with exit 3, naming 第十九条; nothing is recorded."""
    cid = walk(app, clock, (*UNTIL_DETERMINED, DETERMINE))
    before = _deliver(app, cid, "2025-09-14")
    assert before.exit_code == 3 and "早于文书签发日期" in before.output, before.output
    future = _deliver(app, cid, "2025-09-26")
    assert future.exit_code == 3 and "不能预填" in future.output, future.output
    unknown = _deliver(app, cid, "2025-09-20", method="飞鸽传书")
    assert unknown.exit_code == 3 and "送达方式" in unknown.output
    assert app.store.load_case(cid).state.state == "determined"
    by_post = _deliver(app, cid, "2025-09-20", method="邮寄")
    assert by_post.exit_code == 0, by_post.output
    assert app.store.case_events(cid)[-1].data["method"] == "邮寄送达"
