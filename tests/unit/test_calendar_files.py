"""Calendar files: the format, refusals that name the line, loading and importing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rongcuo.calendars import import_calendar_file, load_calendar, parse_calendar_text
from rongcuo.domain.errors import CalendarError

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "calendars"

# A hypothetical 2027 file, for tests only (not the State Council's 2027 arrangement).
GOOD_2027 = """\
year: 2027
source:
  title: 测试用通知（虚构）
  number: null
  published: 2026-11-01
rest_days:
  - {date: 2027-01-01, holiday: 元旦}
  - {from: 2027-02-05, to: 2027-02-11, holiday: 春节}
workdays:
  - {date: 2027-02-13, note: 春节调休}
"""


def _refusal(text: str, filename: str = "2027.yaml") -> CalendarError:
    with pytest.raises(CalendarError) as exc:
        parse_calendar_text(text, filename)
    return exc.value


def test_a_good_file_parses_ranges_and_single_days() -> None:
    """A range expands to every day in it; adjusted workdays are kept with their note."""
    cy = parse_calendar_text(GOOD_2027, "2027.yaml")
    assert cy.year == 2027
    assert len(cy.rest_days) == 8
    assert date(2027, 2, 8) in cy.rest_days
    assert cy.workdays == frozenset({date(2027, 2, 13)})
    assert cy.source.number is None


def test_a_date_listed_twice_is_refused_naming_both_lines() -> None:
    """A date twice is refused; the message names the line and the earlier line."""
    text = GOOD_2027 + "  - {date: 2027-02-20, note: x}\n"
    text = text.replace("rest_days:\n", "rest_days:\n  - {date: 2027-02-06, holiday: 春节}\n")
    err = _refusal(text)
    assert err.code == "calendar.duplicate_date"
    assert err.details["line"] == 9  # the range that repeats it
    assert "line 7" in err.message_en and "第9行" in err.message_zh


def test_a_rest_day_that_is_also_a_workday_is_refused() -> None:
    """A day cannot be both 放假 and 调休上班."""
    text = GOOD_2027 + "  - {date: 2027-02-06, note: x}\n"
    err = _refusal(text)
    assert err.code == "calendar.rest_and_workday"
    assert err.details["line"] == 11


def test_a_date_outside_the_year_is_refused() -> None:
    """Every date must belong to the file's year."""
    err = _refusal(GOOD_2027.replace("2027-01-01, holiday", "2028-01-01, holiday"))
    assert err.code == "calendar.date_outside_year"
    assert err.details["line"] == 7


def test_a_missing_source_is_refused() -> None:
    """A calendar must say which notice it comes from."""
    lines = GOOD_2027.splitlines(keepends=True)
    err = _refusal("".join(lines[:1] + lines[5:]))  # drop the four source lines
    assert err.code == "calendar.missing_source"


def test_a_source_without_published_date_is_refused() -> None:
    """The source needs its publication date."""
    err = _refusal(GOOD_2027.replace("  published: 2026-11-01\n", ""))
    assert err.code == "calendar.missing_source"
    assert err.details["line"] == 3


def test_an_impossible_date_is_refused_naming_the_line() -> None:
    """2027-02-30 does not exist."""
    err = _refusal(GOOD_2027.replace("2027-02-13", "2027-02-30"))
    assert err.code == "calendar.bad_date"
    assert err.details["line"] == 10
    assert "2027-02-30" in err.message_en


def test_an_adjusted_workday_on_a_weekday_is_refused() -> None:
    """调休上班日 are weekend days; a Monday–Friday one is a typo."""
    err = _refusal(GOOD_2027.replace("2027-02-13", "2027-02-15"))
    assert err.code == "calendar.workday_not_weekend"


def test_a_file_named_for_another_year_is_refused() -> None:
    """2026.yaml cannot hold year 2027."""
    err = _refusal(GOOD_2027, "2026.yaml")
    assert err.code == "calendar.year_mismatch"


def test_a_yaml_syntax_error_names_the_line() -> None:
    """Broken YAML is refused with its line."""
    err = _refusal(GOOD_2027.replace("  - {date: 2027-01-01, holiday: 元旦}", "  - {date: [2027"))
    assert err.code == "calendar.syntax"
    assert err.details["line"] is not None


def test_load_calendar_reads_shipped_then_imported(tmp_path: Path) -> None:
    """An operator adds a year by dropping a file into the imported directory."""
    (tmp_path / "2027.yaml").write_text(GOOD_2027, encoding="utf-8")
    cal = load_calendar([SHIPPED, tmp_path])
    assert cal.loaded_years == (2025, 2026, 2027)
    assert not cal.is_provisional(date(2027, 2, 8))
    assert cal.is_workday(date(2027, 2, 13))  # the file's adjusted Saturday


def test_the_same_year_in_two_different_files_is_refused(tmp_path: Path) -> None:
    """Two different calendars for one year cannot both be trusted."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "2027.yaml").write_text(GOOD_2027, encoding="utf-8")
    (b / "2027.yaml").write_text(GOOD_2027.replace("note: 春节调休", "note: 另一份"), "utf-8")
    same = load_calendar([a, b])  # notes differ only: identical days
    assert same.loaded_years == (2027,)
    assert same.year(2027).filename == str(a / "2027.yaml")  # the first directory's copy is kept
    (b / "2027.yaml").write_text(GOOD_2027.replace("- {date: 2027-02-13, note: 春节调休}", ""))
    with pytest.raises(CalendarError) as exc:
        load_calendar([a, b])
    assert exc.value.code == "calendar.duplicate_year"
    assert exc.value.details["files"] == [str(a / "2027.yaml"), str(b / "2027.yaml")]
    assert str(b / "2027.yaml") in exc.value.message_en


def test_import_copies_a_valid_file_atomically(tmp_path: Path) -> None:
    """import validates then writes <dest>/YYYY.yaml; importing it again changes nothing."""
    src = tmp_path / "notice.yaml"
    src.write_text(GOOD_2027, encoding="utf-8")
    dest = tmp_path / "imported"
    cy, target, changed = import_calendar_file(src, dest=dest, dirs=[SHIPPED, dest])
    assert (cy.year, target, changed) == (2027, dest / "2027.yaml", True)
    assert target.read_text(encoding="utf-8") == GOOD_2027
    assert import_calendar_file(src, dest=dest, dirs=[SHIPPED, dest])[2] is False
    assert sorted(p.name for p in dest.iterdir()) == ["2027.yaml"]


def test_import_refuses_a_malformed_file_and_writes_nothing(tmp_path: Path) -> None:
    """A refused import leaves the imported directory as it was."""
    src = tmp_path / "2027.yaml"
    src.write_text(GOOD_2027.replace("2027-02-13", "2027-02-30"), encoding="utf-8")
    dest = tmp_path / "imported"
    with pytest.raises(CalendarError):
        import_calendar_file(src, dest=dest, dirs=[SHIPPED, dest])
    assert not dest.exists()


def test_import_refuses_a_year_that_conflicts_with_a_shipped_file(tmp_path: Path) -> None:
    """A different 2025 cannot be imported over the shipped one."""
    text = (
        (SHIPPED / "2025.yaml")
        .read_text(encoding="utf-8")
        .replace("  - {date: 2025-10-11, note: 国庆节、中秋节调休（周六上班）}\n", "")
    )
    src = tmp_path / "2025.yaml"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        import_calendar_file(src, dest=tmp_path / "imp", dirs=[SHIPPED, tmp_path / "imp"])
    assert exc.value.code == "calendar.duplicate_year"


def test_import_replaces_a_previous_import_only_when_asked(tmp_path: Path) -> None:
    """A corrected notice replaces an imported file with --replace, never silently."""
    dest = tmp_path / "imported"
    dest.mkdir()
    (dest / "2027.yaml").write_text(GOOD_2027, encoding="utf-8")
    src = tmp_path / "new.yaml"
    src.write_text(GOOD_2027.replace("- {date: 2027-02-13, note: 春节调休}", ""), "utf-8")
    with pytest.raises(CalendarError) as exc:
        import_calendar_file(src, dest=dest, dirs=[SHIPPED, dest])
    assert exc.value.code == "calendar.import_conflict"
    assert import_calendar_file(src, dest=dest, dirs=[SHIPPED, dest], replace=True)[2] is True
    assert "2027-02-13" not in (dest / "2027.yaml").read_text(encoding="utf-8")
