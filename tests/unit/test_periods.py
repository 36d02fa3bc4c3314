"""Hand-counted due dates around every 2025–2026 holiday block, the year boundary, adjusted
weekend working days, pauses and extensions.

Conventions under test: the start day is not counted (民法典第二百零一条); a calendar-day
period whose last day is not a working day ends on the next working day (民法典第二百零三条);
pauses are not counted (历城办法第十六条); extensions lengthen the period (历城办法第十七条).
Each case's docstring or comment shows the count by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rongcuo.calendars import load_calendar
from rongcuo.domain.case import Pause
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.periods import PeriodRule, compute_due

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "calendars"
CAL = load_calendar([SHIPPED])
D = date.fromisoformat


def due(start: str, n: int, unit: str = "calendar", **kw: object) -> date:
    pauses = [Pause(D(a), D(b)) for a, b in kw.pop("pauses", [])]  # type: ignore[attr-defined]
    ext = int(kw.pop("ext", 0))  # type: ignore[call-overload]
    rule = PeriodRule(unit, n, **kw)  # type: ignore[arg-type]
    return compute_due(D(start), rule, CAL, pauses=pauses, extension_days=ext).due


# (start, n, unit, expected, hand count)
HAND_COUNTED = [
    # Spring Festival 2025: rest 01-28..02-04, adjusted working Sun 01-26 and Sat 02-08.
    ("2025-01-20", 10, "calendar", "2025-02-05", "day 10 = 01-30 (春节) -> rest to 02-04 -> 02-05"),
    ("2025-01-20", 6, "calendar", "2025-01-26", "day 6 = Sun 01-26, an adjusted workday: no roll"),
    ("2025-01-27", 12, "calendar", "2025-02-08", "day 12 = Sat 02-08, adjusted workday: no roll"),
    ("2025-01-23", 5, "working", "2025-02-06", "01-24, 01-26(Sun adj), 01-27, 02-05, 02-06"),
    # Labour Day 2025: rest 05-01..05-05, adjusted working Sun 04-27.
    ("2025-04-20", 7, "calendar", "2025-04-27", "day 7 = Sun 04-27, adjusted workday"),
    ("2025-04-20", 11, "calendar", "2025-05-06", "day 11 = 05-01 -> rest to 05-05 -> 05-06"),
    ("2025-04-29", 3, "working", "2025-05-07", "04-30, [05-01..05-05 rest], 05-06, 05-07"),
    # National Day + Mid-Autumn 2025: rest 10-01..10-08, adjusted Sun 09-28 and Sat 10-11.
    ("2025-09-05", 30, "calendar", "2025-10-09", "day 30 = 10-05 -> rest to 10-08 -> 10-09"),
    ("2025-09-25", 16, "calendar", "2025-10-11", "day 16 = Sat 10-11, adjusted workday"),
    ("2025-09-26", 10, "working", "2025-10-16", "09-28 adj,29,30,10-09,10,11 adj,13,14,15,16"),
    # Year boundary 2025/2026: 元旦 rest 2026-01-01..01-03, adjusted working Sun 01-04.
    ("2025-12-02", 30, "calendar", "2026-01-04", "day 30 = 01-01 -> 01-02, 01-03 -> Sun 01-04 adj"),
    ("2025-12-26", 5, "working", "2026-01-05", "12-29, 12-30, 12-31, 01-04 (adj), 01-05"),
    # Spring Festival 2026: rest 02-15..02-23, adjusted Sat 02-14 and Sat 02-28.
    ("2026-01-20", 30, "calendar", "2026-02-24", "day 30 = 02-19 -> rest to 02-23 -> 02-24"),
    ("2026-02-12", 2, "working", "2026-02-14", "02-13, 02-14 (Sat adj)"),
    ("2026-02-12", 3, "working", "2026-02-24", "02-13, 02-14, [02-15..02-23 rest], 02-24"),
    ("2026-02-12", 16, "calendar", "2026-02-28", "day 16 = Sat 02-28, adjusted workday"),
    # Labour Day 2026: rest 05-01..05-05, adjusted Sat 05-09.
    ("2026-04-25", 10, "calendar", "2026-05-06", "day 10 = 05-05 (劳动节) -> 05-06"),
    ("2026-04-25", 14, "calendar", "2026-05-09", "day 14 = Sat 05-09, adjusted workday"),
    # Mid-Autumn 09-25..09-27 and National Day 10-01..10-07 2026, adjusted Sun 09-20, Sat 10-10.
    ("2026-09-01", 30, "calendar", "2026-10-08", "day 30 = 10-01 -> rest to 10-07 -> 10-08"),
    ("2026-09-18", 5, "working", "2026-09-24", "09-20 (Sun adj), 21, 22, 23, 24"),
    ("2026-09-18", 6, "working", "2026-09-28", "... 09-24, [09-25..09-27 中秋], 09-28"),
    # Ordinary weekend.
    ("2025-03-03", 5, "calendar", "2025-03-10", "day 5 = Sat 03-08 -> Mon 03-10"),
    ("2025-03-03", 4, "calendar", "2025-03-07", "day 4 = Fri 03-07"),
]


@pytest.mark.parametrize(("start", "n", "unit", "expected", "count"), HAND_COUNTED)
def test_hand_counted_due_dates(start: str, n: int, unit: str, expected: str, count: str) -> None:
    """Civil Code arts. 201 and 203 with the official calendar, counted by hand (see count)."""
    assert due(start, n, unit) == D(expected), count


def test_start_day_is_not_counted() -> None:
    """Civil Code art. 201: a 1-day period from Monday 2025-03-03 ends on Tuesday 03-04."""
    assert due("2025-03-03", 1) == D("2025-03-04")
    assert due("2025-03-03", 1, "working") == D("2025-03-04")


def test_zero_day_period_ends_on_the_start_day() -> None:
    """N = 0: nothing to count; the start day itself is the last day (rolled if a rest day)."""
    assert due("2025-03-03", 0) == D("2025-03-03")
    assert due("2025-03-08", 0) == D("2025-03-10")


def test_rollover_is_a_setting() -> None:
    """Without rollover (a rule that says so) the last day stands even on a holiday."""
    assert due("2025-09-05", 30, rollover=False) == D("2025-10-05")


def test_ends_at_is_midnight_cst_after_the_due_date() -> None:
    """The period ends at 24:00 China Standard Time of the due date (16:00 UTC)."""
    result = compute_due(D("2025-09-05"), PeriodRule("calendar", 30), CAL)
    assert result.ends_at == datetime(2025, 10, 9, 16, 0, tzinfo=UTC)


# -- pauses (历城办法第十六条) ------------------------------------------------------------------
def test_pause_spanning_national_day_shifts_calendar_period_by_its_length() -> None:
    """30 calendar days from 2025-09-01 with appraisal 09-29..10-10 (12 days): days 1–27 are
    09-02..09-28, the pause is not counted, days 28–30 are 10-11..10-13 → Monday 10-13."""
    assert due("2025-09-01", 30, pauses=[("2025-09-29", "2025-10-10")]) == D("2025-10-13")


def test_pause_spanning_national_day_shifts_working_period_by_its_working_days() -> None:
    """10 working days from Mon 2025-09-22, pause 09-30..10-09 (working days in it: 09-30 and
    10-09 = 2): 09-23..26 (4), 09-28 adj (5), 09-29 (6), 10-10 (7), 10-11 adj (8), 10-13 (9),
    10-14 (10).  Without the pause the due date is 10-11; the pause moves it by 2 working days."""
    assert due("2025-09-22", 10, "working") == D("2025-10-11")
    assert due("2025-09-22", 10, "working", pauses=[("2025-09-30", "2025-10-09")]) == D(
        "2025-10-14"
    )


def test_pause_after_the_period_ended_changes_nothing() -> None:
    """10 days from 2025-03-03 end 03-13; an appraisal from 03-20 is outside the period."""
    assert due("2025-03-03", 10, pauses=[("2025-03-20", "2025-03-25")]) == D("2025-03-13")


def test_pause_starting_on_the_start_day_counts_from_day_one() -> None:
    """The start day is never counted, so a pause 03-03..03-04 removes only 03-04: 03-14."""
    assert due("2025-03-03", 10, pauses=[("2025-03-03", "2025-03-04")]) == D("2025-03-14")


def test_pauses_apply_before_the_rollover() -> None:
    """5 days from 2025-03-03 end Sat 03-08; a 3-day pause 03-05..03-07 moves the last day to
    Tue 03-11 (a working day), not to the rolled Monday 03-10 + 3."""
    assert due("2025-03-03", 5, pauses=[("2025-03-05", "2025-03-07")]) == D("2025-03-11")


def test_pause_after_original_end_but_inside_extended_period_counts() -> None:
    """A first pause 03-04..03-05 moves the end from 03-08 to 03-10; a second pause on 03-10
    starts inside the still-running period and moves it to 03-11."""
    pauses = [("2025-03-04", "2025-03-05"), ("2025-03-10", "2025-03-10")]
    assert due("2025-03-03", 5, pauses=pauses) == D("2025-03-11")


@pytest.mark.parametrize(
    ("pauses", "code"),
    [
        ([("2025-03-10", "2025-03-05")], "pause.reversed"),
        ([("2025-03-04", "2025-03-06"), ("2025-03-06", "2025-03-08")], "pause.overlap"),
    ],
)
def test_bad_pauses_are_refused(pauses: list[tuple[str, str]], code: str) -> None:
    """A pause ending before it starts or overlapping another (one starting before the period
    is not an error: test_legal_fixes.py);
    the refusal cites the period's own pause article (历城办法第十六条 here)."""
    with pytest.raises(InvalidInput) as exc:
        due("2025-03-03", 10, pauses=pauses, pause_article="历城办法第十六条")
    assert exc.value.code == code
    assert exc.value.article == "历城办法第十六条"


def test_a_bad_pause_of_a_rule_without_articles_cites_no_procedures_article() -> None:
    """The bare legal clock assumes no jurisdiction: with no pause article given, a refused
    pause names the problem and cites no procedure's article (not Licheng's by default)."""
    with pytest.raises(InvalidInput) as exc:
        due("2025-03-03", 10, pauses=[("2025-03-10", "2025-03-05")])
    assert exc.value.code == "pause.reversed" and exc.value.article is None


def test_negative_days_are_refused() -> None:
    """N < 0 is not a period."""
    with pytest.raises(InvalidInput) as exc:
        PeriodRule("calendar", -1)
    assert exc.value.code == "period.negative_days"


# -- extensions (历城办法第十七条) --------------------------------------------------------------
def test_extension_counts_from_the_original_last_day_by_default() -> None:
    """30 days from 2025-09-04 end 10-04 (holiday; alone it would roll to 10-09).  Extended by
    30: the same period runs 60 days, to Mon 11-03; the rollover applies only at the end."""
    assert due("2025-09-04", 30) == D("2025-10-09")
    assert due("2025-09-04", 30, ext=30) == D("2025-11-03")


def test_extension_from_rolled_due_is_the_other_setting() -> None:
    """extension_from=rolled_due: 10-09 + 30 = Sat 11-08 -> Mon 11-10."""
    assert due("2025-09-04", 30, ext=30, extension_from="rolled_due") == D("2025-11-10")


def test_extension_of_a_working_day_period_counts_working_days() -> None:
    """5 + 2 working days from Mon 2025-03-03: 03-04..03-07 (4), 03-10 (5), 03-11, 03-12."""
    assert due("2025-03-03", 5, "working", ext=2) == D("2025-03-12")


def test_extension_above_the_cap_is_refused() -> None:
    """Licheng art. 17: the extension may not exceed 30 days; the refusal cites the period's
    own extension article."""
    art = "历城办法第十七条"
    with pytest.raises(InvalidInput) as exc:
        due("2025-09-04", 30, ext=31, max_extension_days=30, extension_article=art)
    assert exc.value.code == "period.extension_over_cap"
    assert exc.value.article == art
    with pytest.raises(InvalidInput) as bare:
        due("2025-09-04", 30, ext=31, max_extension_days=30)
    assert bare.value.code == "period.extension_over_cap" and bare.value.article is None
    assert due("2025-09-04", 30, ext=30, max_extension_days=30) == D("2025-11-03")


def test_extension_and_pause_together() -> None:
    """30 + 30 days from 2025-09-04 with a 5-day pause 10-20..10-24: 11-03 + 5 = Sat 11-08,
    rolled to Mon 11-10."""
    assert due("2025-09-04", 30, ext=30, pauses=[("2025-10-20", "2025-10-24")]) == D("2025-11-10")


# -- the explanation ---------------------------------------------------------------------------
def test_basis_records_everything_needed_to_rederive_the_date() -> None:
    """The basis names start, rule, n, unit, years and sources, pauses, extension, rollover,
    provisional — and is JSON-serialisable."""
    r = compute_due(
        D("2025-09-01"),
        PeriodRule("calendar", 30),
        CAL,
        pauses=[Pause(D("2025-09-10"), D("2025-09-12"))],
        extension_days=2,
    )
    b = r.basis
    json.dumps(b)
    assert b["start"] == "2025-09-01" and b["day_1"] == "2025-09-02"
    assert (b["unit"], b["n"]) == ("calendar", 30)
    assert b["years"][0]["source"]["number"] == "国办发明电〔2024〕12号"
    assert b["pauses"] == [
        {
            "from": "2025-09-10",
            "to": "2025-09-12",
            "counted_from": "2025-09-10",
            "status": "counted",
            "shift": 3,
            "shift_unit": "calendar",
        }
    ]
    assert b["extensions"]["days"] == 2 and b["extensions"]["counted_from"] == "2025-10-04"
    # 30 + 2 + 3 = 35 days: 2025-10-06 (holiday) -> rolled to 10-09
    assert b["last_day"] == "2025-10-06"
    assert b["rollover"]["applied"] is True and b["rollover"]["to"] == "2025-10-09"
    assert [d["date"] for d in b["rollover"]["skipped"]] == [
        "2025-10-06", "2025-10-07", "2025-10-08",
    ]  # fmt: skip
    assert b["due"] == "2025-10-09" and b["provisional"] is False


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explanation_walks_through_the_count(lang: str) -> None:
    """The explanation, in Chinese and English, names the start, the articles (the Civil
    Code's and the period's own pause article, as its definition cites it), the source, the
    pause, the last day, the days rolled over and the due date."""
    text = compute_due(
        D("2025-09-01"),
        PeriodRule("calendar", 30, pause_article="历城办法第十六条"),
        CAL,
        pauses=[Pause(D("2025-09-10"), D("2025-09-12"))],
    ).explain(lang)
    for needle in ("2025-09-01", "2025-09-02", "国办发明电〔2024〕12号", "2025-09-10", "2025-10-04",
                   "2025-10-08", "2025-10-09"):  # fmt: skip
        assert needle in text, needle
    if lang == "zh":
        assert "民法典第二百零一条" in text and "民法典第二百零三条" in text
        assert "历城办法第十六条" in text
    else:
        assert "Civil Code art. 201" in text and "Civil Code art. 203" in text
        assert "(历城办法第十六条, not counted)" in text


def test_provisional_explanation_says_so() -> None:
    """A provisional date says 暂定 and why."""
    r = compute_due(D("2026-12-20"), PeriodRule("working", 10), CAL)
    assert "暂定" in r.explain("zh")
    assert "provisional" in r.explain("en")


def test_a_rule_without_articles_explains_pause_and_extension_citing_none() -> None:
    """The bare clock (``rongcuo calendar due --pause/--extend``) knows no procedure: its basis
    records no pause or extension article (null) and its explanation, in both languages, says
    what was not counted and what was added without citing any jurisdiction's article — only
    the Civil Code's (arts. 201, 203)."""
    r = compute_due(
        D("2025-09-01"), PeriodRule("calendar", 30), CAL,
        pauses=[Pause(D("2025-09-10"), D("2025-09-12"))], extension_days=2,
    )
    b = r.basis
    assert b["cites"] == {"extension": None, "pause": None}
    assert b["extensions"]["article"] is None and b["articles"]["pause"] is None
    assert b["articles"]["start_not_counted"] == "民法典第二百零一条"
    zh, en = r.explain("zh"), r.explain("en")
    assert "中止 2025-09-10 至 2025-09-12（期间不计入）" in zh
    assert "延长 2 个自然日，延长的是同一期间" in zh
    assert "Pause 2025-09-10 to 2025-09-12 (not counted)" in en
    assert "Extended by 2 calendar days: the same period" in en
    for text in (zh, en):
        assert "办法" not in text and "Licheng" not in text and "None" not in text


def test_due_date_is_immutable_and_copies_with_its_basis() -> None:
    """A DueDate cannot be altered after the fact; a copy keeps the same date and basis."""
    import copy
    import pickle

    r = compute_due(D("2025-09-05"), PeriodRule("calendar", 30), CAL)
    with pytest.raises(AttributeError):
        r.due = D("2025-10-10")  # type: ignore[misc]
    for twin in (copy.deepcopy(r), pickle.loads(pickle.dumps(r))):
        assert twin == r and twin.basis == r.basis and twin.explain("en") == r.explain("en")


def test_threads_sharing_a_cold_calendar_get_the_same_dates_as_one_thread() -> None:
    """The calendar's cache grows on demand; threads sharing it (the scheduler's workers) must
    never see a half-built window.  Working-day periods reaching 2025–2030 from 8 threads."""
    from concurrent.futures import ThreadPoolExecutor

    starts = [date(2025, 1, 1) + timedelta(days=7 * i) for i in range(150)]
    rule = PeriodRule("working", 260)
    expected = [compute_due(s, rule, load_calendar([SHIPPED])).due for s in starts]
    for _ in range(5):
        shared = load_calendar([SHIPPED])
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda s, c=shared: compute_due(s, rule, c).due, reversed(starts)))
        assert got[::-1] == expected


def test_an_extension_beyond_the_computable_dates_is_named_in_the_refusal() -> None:
    """A 10-day correction period extended by 3,000,000 days (a typo): the refusal names the
    extension, not only the 10-day base period."""
    with pytest.raises(InvalidInput) as err:
        compute_due(date(2025, 11, 1), PeriodRule(unit="calendar", days=10), load_calendar(),
                    extension_days=3_000_000)
    assert err.value.code == "period.out_of_range"
    assert "a period of 10 days extended by 3000000 days" in err.value.message_en
    assert "10 日（延长 3000000 日）" in err.value.message_zh


def test_a_pause_starting_on_the_rolled_over_last_day_counts() -> None:
    """Start 2025-09-04 + 30 days = Sat 10-04, inside the National Day block, so the last day
    is Thu 10-09 (Civil Code art. 203).  An appraisal (Licheng art. 16) from 10-09 to 10-19
    starts within the period — on its last day — so the last day moves to the day after the
    pause, 10-20, exactly as a pause from the counted last day 10-04 would move it; it used to
    be ignored as "after the period".  One from 10-10 is after the period: 10-09 stays."""
    rule = PeriodRule(unit="calendar", days=30)
    on_last = compute_due(date(2025, 9, 4), rule, CAL,
                          pauses=[Pause(date(2025, 10, 9), date(2025, 10, 19))])
    from_counted = compute_due(date(2025, 9, 4), rule, CAL,
                               pauses=[Pause(date(2025, 10, 4), date(2025, 10, 19))])
    after = compute_due(date(2025, 9, 4), rule, CAL,
                        pauses=[Pause(date(2025, 10, 10), date(2025, 10, 19))])
    assert (on_last.due, from_counted.due, after.due) == (
        date(2025, 10, 20), date(2025, 10, 20), date(2025, 10, 9))
    assert [p["status"] for p in on_last.basis["pauses"]] == ["counted"]
    assert "开始于期间届满之后" not in on_last.explain("zh")
