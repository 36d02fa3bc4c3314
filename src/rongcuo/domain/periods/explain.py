"""A due date's basis in words (Chinese or English), step by step, so that a person can count
it again by hand.  Works from the basis alone — also a stored one, of any format
(:mod:`.basis`) — and cites a procedure's article only where the basis records one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.domain.calendar.statutory import STATUTE_EN, STATUTE_ZH
from rongcuo.domain.periods.articles import ART_ROLLOVER, ART_ROLLOVER_EN, ART_START, ART_START_EN

__all__ = ["explain"]

_KIND = {
    "zh": {
        "holiday": "节假日",
        "weekend": "周末",
        "adjusted_workday": "调休上班日",
        "workday": "工作日",
    },
    "en": {
        "holiday": "public holiday",
        "weekend": "weekend",
        "adjusted_workday": "adjusted working day",
        "workday": "working day",
    },
}


def explain(b: Mapping[str, Any], lang: str) -> str:
    """The basis ``b`` as lines of prose: Chinese unless ``lang`` is ``"en"``."""
    zh = lang != "en"
    unit = ("自然日" if b["unit"] == "calendar" else "工作日") if zh else (
        "calendar days" if b["unit"] == "calendar" else "working days"
    )
    ext_art, pause_art = _cited(b)
    lines = [_opening(b, unit, zh), *_years(b, zh)]
    if b["extensions"]["days"]:
        lines.append(_extension(b["extensions"], unit, ext_art, zh))
    lines.extend(_pause(p, unit, pause_art, zh) for p in b["pauses"])
    special = b.get("special_days") or []
    if special:
        lines.append(_special(special, zh))
    lines.append(
        f"计算得最后一日：{b['last_day']}。" if zh else f"Last day counted: {b['last_day']}."
    )
    rollover = _rollover(b["rollover"], b["unit"], zh)
    if rollover:
        lines.append(rollover)
    lines.append(_due(b, zh))
    return "\n".join(lines)


def _cited(b: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(extension article, pause article) the basis cites; None where it cites none."""
    if "cites" in b:
        cites = b["cites"] or {}
        return cites.get("extension"), cites.get("pause")
    # a basis stored before ``cites`` existed: the articles it recorded elsewhere
    return b["extensions"].get("article"), (b.get("articles") or {}).get("pause")


def _opening(b: Mapping[str, Any], unit: str, zh: bool) -> str:
    if zh:
        return (
            f"起算日 {b['start']}，期间 {b['n']} 个{unit}；起算日不计入，"
            f"第1日为 {b['day_1']}（{ART_START}）。"
        )
    return (
        f"Start {b['start']}, period of {b['n']} {unit}; the start day is not counted, "
        f"day 1 is {b['day_1']} ({ART_START_EN})."
    )


def _years(b: Mapping[str, Any], zh: bool) -> list[str]:
    lines = []
    for y in b["years"]:
        if y["source"]:
            s = y["source"]
            num = s["number"] or ("文号未确认" if zh else "number not confirmed")
            lines.append(
                f"{y['year']}年日历：{s['title']}（{num}，{s['published']}）。"
                if zh
                else f"Calendar {y['year']}: {s['title']} ({num}, {s['published']})."
            )
        else:
            lines.append(
                f"{y['year']}年尚无日历文件：按{STATUTE_ZH}的法定节日和周末暂定计算，不推测调休。"
                if zh
                else f"{y['year']} has no calendar file: provisionally weekends plus the "
                f"statutory holidays of the {STATUTE_EN}; no swapped days are guessed."
            )
    return lines


def _extension(ext: Mapping[str, Any], unit: str, article: str | None, zh: bool) -> str:
    # the article in brackets when the basis cites one; otherwise nothing is claimed
    cited = (f"（{article}）" if zh else f" ({article})") if article else ""
    counted_from = ext.get("counted_from", "")
    if ext["from"] == "original_last":
        if zh:
            return (
                f"延长 {ext['days']} 个{unit}{cited}，延长的是同一期间："
                f"从原最后一日（未顺延）{counted_from} 起接续计算，顺延只适用于最终的最后一日。"
            )
        return (
            f"Extended by {ext['days']} {unit}{cited}: the same period is lengthened, counted "
            f"on from the original (un-rolled) last day {counted_from}; rollover applies only "
            "to the final last day."
        )
    if zh:
        return (
            f"延长 {ext['days']} 个{unit}{cited}，从已顺延的到期日 {counted_from} 起计算"
            "（设置 extension_from=rolled_due）。"
        )
    return (
        f"Extended by {ext['days']} {unit}{cited}, counted from the rolled due date "
        f"{counted_from} (extension_from=rolled_due)."
    )


def _pause(p: Mapping[str, Any], unit: str, article: str | None, zh: bool) -> str:
    if p["status"] == "before_start":
        return (
            f"中止 {p['from']} 至 {p['to']} 在期间起算前已结束，期间内无中止日，不影响到期日。"
            if zh
            else f"Pause {p['from']} to {p['to']} ended before the period started; "
            "it changes nothing."
        )
    if p["status"] != "counted":
        return (
            f"中止 {p['from']} 至 {p['to']} 开始于期间届满之后，不影响到期日。"
            if zh
            else f"Pause {p['from']} to {p['to']} starts after the period ended; "
            "it changes nothing."
        )
    shift_unit = unit if p["shift_unit"] else ""
    if zh:
        cited = f"{article}，" if article else ""
        return (
            f"中止 {p['from']} 至 {p['to']}（{cited}期间不计入）：自 {p['counted_from']} "
            f"起不计算，最后一日顺移 {p['shift']} 个{shift_unit}。"
        )
    cited = f"{article}, " if article else ""
    return (
        f"Pause {p['from']} to {p['to']} ({cited}not counted): from {p['counted_from']} the "
        f"period stops; the last day moves by {p['shift']} {shift_unit}."
    )


def _days(days: list[Mapping[str, Any]], zh: bool) -> str:
    """``date（holiday or kind）`` for each day, joined as the language lists things."""
    if zh:
        return "、".join(f"{d['date']}（{d['holiday'] or _KIND['zh'][d['kind']]}）" for d in days)
    return ", ".join(f"{d['date']} ({d['holiday'] or _KIND['en'][d['kind']]})" for d in days)


def _special(special: list[Mapping[str, Any]], zh: bool) -> str:
    if zh:
        return (
            "期间内的节假日和调休上班日（其余周一至周五为工作日、周六周日为休息日）："
            + _days(special, zh)
            + "。"
        )
    return (
        "Holidays and adjusted working days inside the period (otherwise Monday–Friday "
        "work, Saturday and Sunday rest): " + _days(special, zh) + "."
    )


def _rollover(r: Mapping[str, Any], unit: str, zh: bool) -> str | None:
    if r["applied"]:
        return (
            f"最后一日不是工作日，顺延至其后第一个工作日 {r['to']}（{ART_ROLLOVER}）；"
            f"跳过：{_days(r['skipped'], zh)}。"
            if zh
            else f"The last day is not a working day, so the period ends on the next working "
            f"day {r['to']} ({ART_ROLLOVER_EN}); skipped: {_days(r['skipped'], zh)}."
        )
    if unit != "calendar":
        return None
    if r["enabled"]:
        return (
            f"最后一日是工作日，无需顺延（{ART_ROLLOVER}）。"
            if zh
            else f"The last day is a working day; no rollover ({ART_ROLLOVER_EN})."
        )
    return "本期间规则不适用顺延。" if zh else "This period's rule does not roll over."


def _due(b: Mapping[str, Any], zh: bool) -> str:
    if zh:
        return f"到期日：{b['due']}，于该日24:00（北京时间）届满" + (
            "；暂定（所涉年份尚无日历文件，导入后将重新计算）。" if b["provisional"] else "。"
        )
    return f"Due {b['due']}, ending at 24:00 China Standard Time" + (
        "; provisional (a year involved has no calendar file; it is recomputed on import)."
        if b["provisional"]
        else "."
    )
