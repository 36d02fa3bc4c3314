"""The whole Licheng case, 开案 → 归档, through the pages in a real browser (Debian's chromium):
a handler, two investigators and a head who approves the extension, each signed in in their
own browser context; a refusal shown inline with nothing written; every request the browser
makes stays on the server's own address; screenshots of each page at 1366×768 and at a
tablet's width under ``test-output/web/``."""

from __future__ import annotations

from typing import Any

from rongcuo.domain.identity import parse_actor
from rongcuo.service import queries
from tests.web.conftest import OUTPUT
from tests.web.steps import open_case, record, submit

OPENING = {"容错纠错对象": "张三", "执法机关": "区综合行政执法局", "事项": "占道经营处罚",
           "来源": ("select", "application")}


def _state(page: Any) -> str:
    return str(page.locator("#case-state").get_attribute("data-state"))


def test_licheng_case_from_opening_to_archive_by_four_people(
        browsing: Any, base_url: str, clock: Any, web_app: Any) -> None:
    handler = browsing.session("handler")  # the case handler (承办人)
    # a second case the same day, left unfiled: overdue on the 工作台 by the end of the walk
    waiting = open_case(handler, base_url, clock, "2025-09-26",
                        {**OPENING, "容错纠错对象": "李某", "事项": "抽检超期"})
    case = open_case(handler, base_url, clock, "2025-09-26", OPENING)
    assert _state(handler) == "received"
    assert "历城容错〔2025〕2号" in handler.locator("#case-number").inner_text()
    record(handler, case, clock, "file", "2025-09-28")
    record(handler, case, clock, "assign_investigator", "2025-09-29",
           {"调查人员": ("select", "inv1")})

    record(handler, case, clock, "assign_investigator", "2025-09-29",
           {"调查人员": ("select", "inv2")})
    # with one investigator the page does not offer 开始核实 at all (历城办法第十六条: two are
    # needed; "allowed now" lists only steps whose guards hold) — a refusal that depends on
    # what is typed is shown in the form: a date before the previous step
    steps_before = handler.locator("#timeline tbody tr").count()
    version = web_app.store.load_case(case.rsplit("/", 1)[1]).version
    record(handler, case, clock, "start_verification", "2025-09-28", expect_refusal=True)
    refusal = handler.locator("#refusal")
    assert refusal.get_attribute("data-code") == "case.date_before_previous_step"
    text = refusal.inner_text()
    assert "本次未写入任何内容" in text and "现在可以" in text
    assert "2025-09-29" in text or "2025年9月29日" in text
    assert "start_verification" not in text  # people's words
    OUTPUT.mkdir(parents=True, exist_ok=True)
    handler.screenshot(path=str(OUTPUT / "refusal-1366.png"), full_page=True)
    assert web_app.store.load_case(case.rsplit("/", 1)[1]).version == version
    handler.goto(case)
    assert handler.locator("#timeline tbody tr").count() == steps_before

    record(handler, case, clock, "start_verification", "2025-09-30")
    assert _state(handler) == "verifying"

    inv1 = browsing.session("inv1")
    record(inv1, case, clock, "hear_statement", "2025-10-09")
    inv2 = browsing.session("inv2")
    record(inv2, case, clock, "hold_hearing", "2025-10-15", {"听证主持人": "区司法局孙某"})

    # the head finds the extension waiting for approval on the 工作台 and approves it
    head = browsing.session("head")
    clock.set(clock.now().replace(month=10, day=20))
    head.goto(base_url + "/")
    head.locator("#approvals a").first.click()
    head.locator("#step-form").wait_for()
    assert head.locator("#f-approved_by").input_value() == "head"  # the approver is who signs
    submit(head, "2025-10-20", {"延长天数": 15, "提出延期的人员": ("select", "handler"),
                                "情况复杂的理由": "情况复杂"})

    record(handler, case, clock, "determine", "2025-11-05",
           {"认定结果": ("select", "exempted"), "依据的情形（条.项）": ["10.2"],
            "是否需要纠错": True})
    assert _state(handler) == "determined"

    record(handler, case, clock, "notify", "2025-11-07", {"当事人收到决定日期": "2025-11-07"})
    record(handler, case, clock, "request_review", "2025-11-14")
    record(head, case, clock, "decide_review", "2025-11-28",
           {"复核结果": ("select", "upheld"), "复核后是否需要纠错": True})
    record(handler, case, clock, "order_correction", "2025-12-01",
           {"纠正期限（天数）": 30, "纠错事项": "完善执法公示"})
    record(handler, case, clock, "complete_correction", "2025-12-20")
    record(handler, case, clock, "archive", "2025-12-22")
    assert _state(handler) == "archived"
    assert handler.locator("#steps").count() == 0  # a closed case offers no step

    # the record names who did each step; the progress bar ends at 已归档
    view = queries.case_view(web_app, case.rsplit("/", 1)[1])
    by = {e.trigger: parse_actor(e.actor)["login"] for e in view.events or ()}
    assert by["open"] == by["determine"] == by["archive"] == "handler"
    assert by["hear_statement"] == "inv1" and by["hold_hearing"] == "inv2"
    assert by["extend_investigation"] == by["decide_review"] == "head"
    extension = next(e for e in view.events or () if e.trigger == "extend_investigation")
    assert extension.data["approved_by"] == "head" and extension.data["proposed_by"] == "handler"
    assert "李调查（inv1）" in handler.locator("#timeline").inner_text()
    assert handler.locator(".progress li.current").inner_text().endswith("已归档")

    # 流程图: the definition drawn on the server, the current state highlighted
    handler.goto(case + "/diagram")
    assert handler.locator("svg .state.current").get_attribute("data-state") == "archived"
    assert handler.locator("svg .state").count() == len(web_app.definition("licheng").states)

    # the English switch, and back
    handler.goto(base_url + "/")
    handler.get_by_role("link", name="English").click()
    assert handler.locator("h1").inner_text().startswith("My work 22 Dec 2025")
    handler.get_by_role("link", name="中文").click()
    assert handler.locator("h1").inner_text().startswith("工作台 2025年12月22日")

    # 审计: the log verifies (a job, its status polled by the page)
    handler.goto(base_url + "/audit")
    handler.locator("#verify").click()
    handler.locator('#job[data-status="done"]').wait_for()
    assert "校验通过" in handler.locator("#job").inner_text()

    handler.goto(base_url + "/")
    assert "李某" in handler.locator("#overdue").inner_text()
    _screenshots(browsing, base_url, case, waiting)
    outside = [u for u in browsing.requests if not u.startswith(base_url + "/")]
    assert browsing.requests and outside == []


def _unlabelled(page: Any) -> list[str]:
    """The visible form controls without a label (every input must have one)."""
    return list(page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), select, textarea')].filter(e =>
        !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
        && !e.closest('fieldset legend')).map(e => e.name || e.id)"""))


PAGES = (
    ("dashboard", "/"), ("cases", "/cases"), ("case", "{case}"),
    ("step-form", "{waiting}/steps/file"), ("diagram", "{waiting}/diagram"),
    ("open", "/open?workflow=licheng"), ("calendar", "/calendar?year=2025"),
    ("audit", "/audit/replay?ref={case_id_only}&as_of=2025-11-06T12:00"),
)


def _screenshots(browsing: Any, base_url: str, case: str, waiting: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    case_id = case.rsplit("/", 1)[1]
    for width, height, tag in ((1366, 768, "1366"), (820, 1180, "tablet")):
        page = browsing.session("handler", width=width, height=height)
        for name, path in PAGES:
            url = path.format(case=case, waiting=waiting, case_id_only=case_id)
            page.goto(url if url.startswith("http") else base_url + url)
            page.screenshot(path=str(OUTPUT / f"{name}-{tag}.png"), full_page=True)
            assert _unlabelled(page) == [], name
        admin = browsing.session("admin", width=width, height=height)
        admin.goto(base_url + "/admin")
        admin.screenshot(path=str(OUTPUT / f"admin-{tag}.png"), full_page=True)
        assert _unlabelled(admin) == [], "admin"
        page.goto(base_url + "/login")
        page.screenshot(path=str(OUTPUT / f"login-{tag}.png"))
