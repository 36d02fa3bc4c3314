"""Input the CLI cannot read is refused up front — exit 3, named in Chinese and English —
never a traceback: arguments that are not UTF-8, a scheduler configuration file that is not
UTF-8, a data directory (``RONGCUO_HOME``) that is a file, numbers and dates the calendar
commands would otherwise read leniently."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import EXIT_REFUSED, cli

# what Python makes of the bytes 0xff 0xfe / 0xc3 in sys.argv (surrogateescape)
NOT_UTF8 = "\udcff\udcfe"

OPEN = ["case", "open", "--workflow", "licheng", "--subject", "张某", "--agency", "局",
        "--on", "2025-09-26", "--by", "监督科", "--set", "matter=x"]


def _with(args: list[str], option: str, value: str) -> list[str]:
    out = list(args)
    out[out.index(option) + 1] = value
    return out


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        (_with(OPEN, "--subject", NOT_UTF8), NOT_UTF8),
        (_with(OPEN, "--by", "\udcc3"), "\udcc3"),
        (_with(OPEN, "--set", "matter=\udcff"), "matter=\udcff"),
        (["case", "show", "\udcff"], "\udcff"),
        (["case", "fire", "历城容错〔2025〕1号", "file", "--on", "2025-09-29", "--by", "\udcc3"],
         "\udcc3"),
    ],
    ids=["subject", "by", "set", "show", "fire-by"],
)
def test_an_argument_that_is_not_utf8_is_refused_naming_it(
    args: list[str], bad: str, tmp_path: Path
) -> None:
    """A byte string that is not UTF-8 cannot be recorded in a case file, hashed or stored:
    exit 3 naming the argument (as ``ascii()`` prints it), and no database is touched."""
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == EXIT_REFUSED, res.output
    assert "参数不是有效的 UTF-8 文本" in res.stderr
    assert f"argument is not valid UTF-8 text: {bad!a}" in res.stderr
    assert not (tmp_path / "rongcuo-home").exists()  # refused before opening any database


def test_a_non_utf8_argument_is_refused_as_json_with_json() -> None:
    """``--json`` callers get the refusal as JSON (code ``input.not_utf8``)."""
    res = CliRunner().invoke(cli, ["case", "show", "\udcff", "--json"])
    assert res.exit_code == EXIT_REFUSED
    assert '"error": "input.not_utf8"' in res.stderr


def test_a_data_directory_that_is_a_file_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``RONGCUO_HOME`` naming a regular file: ``rongcuo demo`` cannot create the embedded
    database there — exit 3 naming the path, not a FileExistsError."""
    home = tmp_path / "not-a-dir"
    home.write_text("x", encoding="utf-8")
    monkeypatch.setenv("RONGCUO_HOME", str(home))
    res = CliRunner().invoke(cli, ["demo"])
    assert res.exit_code == EXIT_REFUSED, res.output
    assert str(home) in res.stderr and "RONGCUO_HOME" in res.stderr
    assert "is a file, not a directory" in res.stderr
    assert home.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("job", ["sweep", "run"])
def test_a_scheduler_config_that_is_not_utf8_is_refused_naming_it(
    job: str, tmp_path: Path
) -> None:
    """``scheduler sweep/run --config FILE`` with bytes that are not UTF-8: exit 3 naming the
    file, before any database is opened."""
    cfg = tmp_path / "scheduler.toml"
    cfg.write_bytes(b'sweep_seconds = 60\n# \xff\xfe\n')
    res = CliRunner().invoke(
        cli, ["scheduler", job, "--config", str(cfg), "--db", str(tmp_path / "x.sqlite3")]
    )
    assert res.exit_code == EXIT_REFUSED, res.output
    assert str(cfg) in res.stderr and "not UTF-8" in res.stderr
    assert not (tmp_path / "x.sqlite3").exists()


@pytest.mark.parametrize("day", ["20250905", "2025-W36-5", "2025-09-05 "])
def test_calendar_dates_must_be_written_yyyy_mm_dd(day: str) -> None:
    """``calendar due`` reads its start date as YYYY-MM-DD only (what its errors promise);
    Python 3.11 alone would also read basic and week-date forms."""
    res = CliRunner().invoke(cli, ["calendar", "due", day, "30", "--unit", "calendar"])
    assert res.exit_code == EXIT_REFUSED, res.output
    assert "YYYY-MM-DD" in res.stderr


@pytest.mark.parametrize("n", ["3_0", "٣٠", "３０", " 30", "+30"])
def test_calendar_periods_must_be_ascii_digits(n: str) -> None:
    """``calendar due START N``: N is ASCII digits only (no ``_``, other scripts, spaces)."""
    res = CliRunner().invoke(cli, ["calendar", "due", "2025-09-05", n, "--unit", "calendar"])
    assert res.exit_code == EXIT_REFUSED, res.output
    assert "not an integer" in res.stderr
