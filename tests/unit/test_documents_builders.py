"""The documents' words, built from a case walked through the pure engine: every article a
document rests on is cited, the dates read 2025年11月20日, and nothing the case does not
record is invented (历城办法第十三条至第二十条; 巴南办法第十六条至第十八条)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rongcuo.documents.compose import build_document
from rongcuo.documents.delivery import Delivery
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.kinds import Catalogue, issuing_of, parse_catalogue
from rongcuo.documents.view import Procedure
from rongcuo.testing.workflows import banan_engine, cmd, licheng_engine, shipped_definition
from tests.support.document_walks import BANAN, LICHENG_FULL, case_view

TEMPLATES = Path(__file__).resolve().parents[2] / "workflows" / "templates"
LICHENG_OPEN = cmd("open", "2025-09-26", subject="张三", agency="区综合行政执法局",
                   matter="占道经营处罚", source="application")


def _cat(workflow: str) -> Catalogue:
    raw = yaml.safe_load((TEMPLATES / workflow / "documents.yaml").read_text("utf-8"))
    triggers = shipped_definition(workflow).triggers
    return parse_catalogue(raw, "documents.yaml", workflow=workflow, triggers=tuple(triggers),
                           issuing=issuing_of(triggers))


def _licheng(steps: Any = LICHENG_FULL, until: int | None = None, opening: Any = LICHENG_OPEN
             ) -> Any:
    return case_view(licheng_engine(), [opening, *(cmd(t, o, **d) for t, o, d in steps)],
                     number="历城容错〔2025〕1号", until=until)


PROC = Procedure.from_definition(shipped_definition("licheng"))


def test_the_determination_cites_the_items_and_its_effect() -> None:
    """认定决定书: the process (第十三、十四、十六、十七条), the item quoted in its own words
    (第十条第（二）项), the effect of 容错免责 (第十八条第一款) and the review (第十九条)."""
    doc = build_document(_cat("licheng"), "determination", _licheng(), PROC)
    text = doc.text()
    assert doc.issued_on.isoformat() == "2025-11-05" and "2025年11月5日" in text
    assert "《办法》第十条第（二）项“因国家政策调整" in text
    assert "不作为行政执法错误认定（《办法》第十八条第一款）" in text
    assert "调查人员李四、王五" in text and "调查期限延长15日" in text
    assert "自收到本决定之日起15日内" in text
    assert doc.articles_text == "历城办法第十条、第十六条、第十七条、第十八条、第十九条"
    assert doc.is_draft and doc.number_text == "草稿"


def test_a_document_is_built_from_the_case_as_of_its_own_step() -> None:
    """The determination issued at step 8 says what the case held then: the review decided
    later (第十九条) does not appear in it, and its date is the determination's."""
    cat = _cat("licheng")
    early = build_document(cat, "determination", _licheng(until=8), PROC)
    late = build_document(cat, "determination", _licheng(), PROC)
    assert early.text() == late.text()  # the builder reads the determine step's own data
    assert "复核" not in early.body.paragraphs[-2].text


def test_the_correction_order_names_reasons_items_and_the_deadline() -> None:
    """第二十条: 纠错事由, 纠错事项, the deadline — 30 days from 2025-12-01 is 2025-12-31 — and
    the right to ask for more time."""
    doc = build_document(_cat("licheng"), "correction_order", _licheng(), PROC)
    text = doc.text()
    for part in ("一、纠错事由", "二、纠错事项", "完善执法公示", "三、纠错要求和期限",
                 "请于2025年12月31日前", "可以申请延长整改期限", "复核决定书"):
        assert part in text, part


def test_the_delivery_receipt_shows_the_review_window_running_from_receipt() -> None:
    """送达回证: received 2025-09-22, the 15 days of 第十九条 end on 10-07 — inside National Day
    (10-01 to 10-08, 国办发明电〔2024〕12号) — and roll to the next working day, 2025-10-09."""
    steps = (("file", "2025-08-26", {}),
             ("assign_investigator", "2025-08-27", {"investigator": "李四"}),
             ("assign_investigator", "2025-08-27", {"investigator": "王五"}),
             ("start_verification", "2025-08-28", {}), ("hear_statement", "2025-09-01", {}),
             ("determine", "2025-09-18", {"outcome": "duty_fulfilled", "items": ["9.1"]}),
             ("notify", "2025-09-22", {"received_on": "2025-09-22"}))
    opening = cmd("open", "2025-08-25", subject="张三", agency="区综合行政执法局",
                  matter="占道经营处罚", source="application")
    view = _licheng(steps, opening=opening)
    doc = build_document(_cat("licheng"), "delivery_receipt", view, PROC,
                         delivery=Delivery("直接送达", "张三", date(2025, 9, 22),
                                           place="历城区综合行政执法局"))
    rows = {r.label: r.value for r in doc.body.rows}
    assert rows["收件日期"] == "2025年9月22日"
    assert rows["复核申请期限"] == "自收到之日起15日内，至2025年10月9日止"
    assert rows["送达方式"].startswith("■直接送达　□邮寄送达")
    assert rows["收件人（签名或盖章）"] == "张三"


def test_no_supervision_opinion_for_a_duty_fulfilled_case() -> None:
    """第十八条第二款 concerns unlawful or improper acts; 履职尽责 with no correction has none."""
    steps = (*LICHENG_FULL[:6],
             ("determine", "2025-11-05", {"outcome": "duty_fulfilled", "items": ["9.1"]}))
    with pytest.raises(DocumentError) as info:
        build_document(_cat("licheng"), "supervision_opinion", _licheng(steps), PROC)
    assert info.value.code == "document.not_applicable"


def test_a_document_the_case_has_not_reached_is_refused_naming_the_step() -> None:
    """No 复核决定书 before 作出复核决定 (第十九条)."""
    with pytest.raises(DocumentError) as info:
        build_document(_cat("licheng"), "review_decision", _licheng(until=8), PROC)
    assert info.value.code == "document.not_yet" and "作出复核决定" in info.value.message_zh
    assert info.value.article == "历城办法第十九条"


def test_an_issued_document_carries_its_number_and_no_draft_mark() -> None:
    """The number allocated by the issuing step replaces 草稿; a numbered kind cannot be issued
    without one."""
    cat = _cat("licheng")
    doc = build_document(cat, "determination", _licheng(), PROC, number="济历城监容〔2025〕3号")
    assert not doc.is_draft and doc.number_text == "济历城监容〔2025〕3号"
    with pytest.raises(DocumentError):
        build_document(cat, "determination", _licheng(), PROC, issued=True)


def test_banan_decision_is_signed_by_the_accountability_body_with_article_17_effects() -> None:
    """巴南办法: the proposal of the party organisation (第十六条), 12(4) and all of 13 quoted,
    第十七条's effects, the files (第十七条第三款) and correction (第十八条)."""
    view = case_view(banan_engine(), [
        cmd("open", "2025-06-03", subject="丁某", agency="中共重庆市巴南区纪律检查委员会",
            matter="危险废物贮存检查", started_by="其他追责问责机关"),
        *(cmd(t, o, **d) for t, o, d in BANAN)], number="巴南生态容错〔2025〕1号")
    proc = Procedure.from_definition(shipped_definition("banan"))
    doc = build_document(_cat("banan"), "determination", view, proc)
    text = doc.text()
    assert doc.issuer == "中共重庆市巴南区纪律检查委员会"
    for part in ("所在单位党组织于2025年6月9日", "第十二条第（四）项", "第十三条第（三）项",
                 "不作为执法错误认定", "存入干部人事档案和廉政档案", "及时启动纠错程序"):
        assert part in text, part
    record = build_document(_cat("banan"), "file_record", view, proc)
    rows = {r.label: r.value for r in record.body.rows}
    assert rows["干部人事档案编号"] == "巴人档2025-012" and rows["廉政档案编号"] == "廉档2025-034"
