"""The workplace in a real browser, beyond the walk: another unit's user cannot find a case
(list, search, URL); the 工作台's countdowns and overdue marks at chosen dates (the server's
clock injected); Chinese rendered with a CJK font, never as missing glyphs."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.identity import principal_for_login
from tests.support.web_server import cst


def _open(app: Any, clock: Any, on: str, subject: str, *, file_on: str | None = None) -> Any:
    who = principal_for_login(app, "handler")
    clock.set(cst(on))
    r = handlers.open_case(app, OpenCase("licheng", subject, "区综合行政执法局",
                                         date.fromisoformat(on), who.actor,
                                         {"matter": "占道经营处罚"}, principal=who))
    if file_on:
        clock.set(cst(file_on))
        handlers.fire(app, FireStep(r.case_id, "file", date.fromisoformat(file_on), who.actor,
                                    principal=who))
    return r


def test_another_units_user_cannot_find_the_case_by_list_search_or_url(
        browsing: Any, base_url: str, clock: Any, web_app: Any) -> None:
    r = _open(web_app, clock, "2025-09-26", "张三")
    number = str(r.number)
    other = browsing.session("cg-handler")  # 历城区综合行政执法局, not the case's unit
    other.goto(base_url + "/cases")
    assert number not in other.content()
    other.goto(base_url + "/cases?q=" + quote(number))
    assert other.locator("#no-cases").is_visible()
    for ref in (str(r.case_id), number):
        response = other.goto(base_url + "/cases/" + quote(ref, safe=""))
        assert response.status == 404
        assert "找不到该案件" in other.content() and "张三" not in other.content()
    response = other.goto(base_url + f"/audit/replay?ref={quote(number)}")
    assert "张三" not in other.content()
    response = other.goto(base_url + f"/cases/{r.case_id}/steps/file")
    assert response.status == 404
    # the head of the unit above sees the units below: the same search finds it
    above = browsing.session("lc-head")
    above.goto(base_url + "/cases?q=" + quote(number))
    assert above.locator("#case-list").inner_text().count(number) == 1


def test_countdowns_and_overdue_marks_on_the_dashboard_at_chosen_dates(
        browsing: Any, base_url: str, clock: Any, web_app: Any) -> None:
    # 立案期限: 5 working days (borrowed Banan art. 16) from Fri 26 Sep 2025 — Sun 28 Sep is
    # an adjusted working day, 1–8 Oct the National Day holiday: due Fri 10 Oct
    _open(web_app, clock, "2025-09-26", "未立案的案件")
    # 调查期限: 30 calendar days (Licheng art. 17) from the filing on 28 Sep: due 28 Oct
    _open(web_app, clock, "2025-09-26", "已立案的案件", file_on="2025-09-28")
    page = browsing.session("handler")

    clock.set(cst("2025-09-26"))
    page.goto(base_url + "/")
    soon = page.locator("#soon").inner_text()
    assert "剩余 5 个工作日" in soon

    clock.set(cst("2025-10-20"))
    page.goto(base_url + "/")
    row = page.locator("#soon tr", has_text="已立案的案件")
    assert "剩余 8 个自然日" in row.inner_text()
    # the unfiled case, due 10 Oct: the working days since are Sat 11 Oct (an adjusted
    # working day), 13–17 Oct and Mon 20 Oct
    late = page.locator("#overdue tr", has_text="未立案的案件").locator(".countdown")
    assert late.inner_text() == "已逾期 7 个工作日"
    assert late.get_attribute("data-kind") == "late"
    color = late.evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(179, 38, 30)"  # red

    clock.set(cst("2025-10-28"))
    page.goto(base_url + "/")
    assert "今日到期" in page.locator("#soon tr", has_text="已立案的案件").inner_text()


def _fonts_of(page: Any, selector: str) -> list[dict[str, Any]]:
    """The platform fonts chromium actually used to draw the text of ``selector``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    return list(cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"])


def test_chinese_is_drawn_with_a_cjk_font_not_missing_glyphs(
        browsing: Any, base_url: str, clock: Any, web_app: Any) -> None:
    r = _open(web_app, clock, "2025-09-26", "张三")
    page = browsing.session("handler")
    checks = (("/", "h1"), ("/cases", "#case-list thead th"),
              (f"/cases/{r.case_id}", "#case-number"), ("/calendar", "h1"))
    for path, selector in checks:
        page.goto(base_url + path)
        text = page.locator(selector).first.inner_text()
        han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        assert han, (path, text)
        fonts = _fonts_of(page, selector)
        cjk = [f for f in fonts if "CJK" in f["familyName"] or "SC" in f["familyName"]]
        # every Han character of the node was drawn by a CJK font (a missing glyph would be
        # drawn by no font, or by a last-resort font without CJK coverage)
        assert sum(f["glyphCount"] for f in cjk) >= han, (path, fonts)
