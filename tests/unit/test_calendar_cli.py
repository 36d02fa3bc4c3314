"""`rongcuo calendar` — the command case workers use on its own (issue 2 CLI contract)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rongcuo.entrypoints.cli.main import cli

Runner = Callable[..., Result]
SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "calendars"

# Hypothetical 2027 calendar, for tests only (not the real 2027 arrangement).
TEST_2027 = (
    "year: 2027\nsource: {title: 测试用通知（虚构）, number: null, published: 2026-11-01}\n"
    "rest_days:\n  - {from: 2027-01-01, to: 2027-01-04, holiday: 元旦}\nworkdays: []\n"
)


@pytest.fixture
def run(tmp_path: Path) -> Runner:
    runner = CliRunner()
    env = {
        "RONGCUO_HOME": str(tmp_path / "home"),
        "RONGCUO_WORKFLOWS_DIR": str(SHIPPED.parent),
        "RONGCUO_DATABASE_URL": "",  # import must not touch any database here
    }

    def _run(*args: str) -> Result:
        return runner.invoke(cli, list(args), env=env)

    return _run


def last_line(result: Result) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_due_prints_the_due_date_as_its_last_line(run: Runner) -> None:
    """30 calendar days from 2025-09-05 end 10-05, a holiday, rolled to 10-09 (art. 203)."""
    r = run("calendar", "due", "2025-09-05", "30", "--unit", "calendar")
    assert r.exit_code == 0
    assert last_line(r) == "2025-10-09"


def test_due_marks_a_provisional_date(run: Runner) -> None:
    """A due date in a year without a file ends with ' 暂定'."""
    r = run("calendar", "due", "2026-12-20", "10", "--unit", "working")
    assert last_line(r) == "2027-01-04 暂定"


def test_due_with_pause_and_extension(run: Runner) -> None:
    """Licheng arts. 16–17: 30 + 30 days from 2025-09-04 with a 5-day pause: 2025-11-10."""
    r = run("calendar", "due", "2025-09-04", "30", "--unit", "calendar",
            "--pause", "2025-10-20:2025-10-24", "--extend", "30")  # fmt: skip
    assert last_line(r) == "2025-11-10"


def test_due_on_its_own_cites_no_procedures_article_for_a_pause_or_extension(
    run: Runner,
) -> None:
    """The bare tool belongs to no procedure: a pause and an extension are explained and
    recorded without any jurisdiction's article (the output docs/calendar.md shows); the Civil
    Code's arts. 201 and 203 are still cited."""
    args = ("calendar", "due", "2025-09-22", "10", "--unit", "working",
            "--pause", "2025-09-30:2025-10-09", "--extend", "2")  # fmt: skip
    r = run(*args, "--explain")
    assert r.exit_code == 0, r.output
    assert "中止 2025-09-30 至 2025-10-09（期间不计入）：自 2025-09-30 起不计算" in r.stdout
    assert "延长 2 个工作日，延长的是同一期间" in r.stdout
    assert "民法典第二百零一条" in r.stdout and "办法" not in r.stdout
    basis = json.loads(run(*args, "--json").stdout)["basis"]
    assert basis["cites"] == {"extension": None, "pause": None}
    assert basis["extensions"]["article"] is None and basis["articles"]["pause"] is None


def test_due_extension_from_is_a_setting(run: Runner) -> None:
    """--extension-from rolled_due counts the extension from the rolled date (10-09 + 30)."""
    r = run("calendar", "due", "2025-09-04", "30", "--unit", "calendar", "--extend", "30",
            "--extension-from", "rolled_due")  # fmt: skip
    assert last_line(r) == "2025-11-10"
    r = run("calendar", "due", "2025-09-04", "30", "--unit", "calendar", "--extend", "30")
    assert last_line(r) == "2025-11-03"


def test_due_json(run: Runner) -> None:
    """--json prints {due, provisional, basis}."""
    r = run("calendar", "due", "2025-01-23", "5", "--unit", "working", "--json")
    out = json.loads(r.stdout)
    assert out["due"] == "2025-02-06" and out["provisional"] is False
    assert out["basis"]["unit"] == "working" and out["basis"]["n"] == 5


def test_due_explain_ends_with_the_date(run: Runner) -> None:
    """--explain prints the count, citing Civil Code art. 203, then the date."""
    r = run("calendar", "due", "2025-09-05", "30", "--unit", "calendar", "--explain")
    assert "民法典第二百零三条" in r.stdout
    assert last_line(r) == "2025-10-09"
    r = run("calendar", "due", "2025-09-05", "30", "--unit", "calendar", "--explain",
            "--lang", "en")  # fmt: skip
    assert "Civil Code art. 203" in r.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["2025-02-30", "3"], "2025-02-30"),
        (["2025-09-05", "-3"], "negative"),
        (["2025-09-05", "3", "--pause", "2025-09-09:2025-09-07"], "ends before it starts"),
        (
            [
                "2025-09-05",
                "9",
                "--pause",
                "2025-09-06:2025-09-08",
                "--pause",
                "2025-09-08:2025-09-09",
            ],
            "overlap",
        ),
        (["2025-09-05", "3", "--pause", "2025-09-07"], "FROM:TO"),
        (["2025-09-05", "3", "--extend", "31", "--max-extension", "30"], "exceeds"),
    ],
)
def test_bad_input_exits_3_naming_the_problem(run: Runner, args: list[str], needle: str) -> None:
    """Bad input is refused with exit code 3 and a message (zh + en) naming the problem."""
    r = run("calendar", "due", *args, "--unit", "calendar")
    assert r.exit_code == 3
    assert needle in r.stderr
    assert "错误" in r.stderr


def test_is_workday_reports_adjusted_and_holiday_days(run: Runner) -> None:
    """2025-09-28 (Sunday) is an adjusted working day; 2025-10-06 is a holiday."""
    r = run("calendar", "is-workday", "2025-09-28", "--json")
    assert json.loads(r.stdout)["workday"] is True
    r = run("calendar", "is-workday", "2025-10-06")
    assert "休息日" in r.stdout and "国庆节、中秋节" in r.stdout
    r = run("calendar", "is-workday", "2027-02-06")
    assert r.stdout.strip().endswith("暂定")


def test_show_lists_rest_days_workdays_and_source(run: Runner) -> None:
    """show YEAR gives the notice, the rest days and the adjusted working days."""
    r = run("calendar", "show", "2025")
    assert "国办发明电〔2024〕12号" in r.stdout
    assert "2025-01-26 周日" in r.stdout
    assert "2025-10-08 周三 国庆节、中秋节" in r.stdout
    data = json.loads(run("calendar", "show", "2026", "--json").stdout)
    assert len(data["workdays"]) == 6 and data["source"]["number"] is None


def test_show_of_an_unloaded_year_is_provisional(run: Runner) -> None:
    """An unloaded year shows the statutory holidays only, marked 暂定."""
    r = run("calendar", "show", "2028")
    assert "暂定" in r.stdout and "2028-01-25" in r.stdout  # 除夕 2028


def test_import_adds_a_year_and_later_commands_use_it(run: Runner, tmp_path: Path) -> None:
    """An operator imports next year's file without upgrading the package."""
    src = tmp_path / "2027.yaml"
    src.write_text(TEST_2027, encoding="utf-8")
    r = run("calendar", "import", str(src))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "home" / "calendars" / "2027.yaml").exists()
    r = run("calendar", "due", "2026-12-20", "10", "--unit", "working")
    assert last_line(r) == "2027-01-05"


def test_import_refuses_a_malformed_file_naming_the_line(run: Runner, tmp_path: Path) -> None:
    """A malformed file is refused (exit 3) with its line, and nothing is imported."""
    src = tmp_path / "2027.yaml"
    src.write_text(TEST_2027.replace("2027-01-04", "2028-01-04"), encoding="utf-8")
    r = run("calendar", "import", str(src))
    assert r.exit_code == 3
    assert "line 4" in r.stderr
    assert not (tmp_path / "home" / "calendars").exists()
