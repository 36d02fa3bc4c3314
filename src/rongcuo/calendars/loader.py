"""Calendar files on disk: find, read, load and import them (the I/O edge of the legal clock).

``load_calendar()`` reads every ``*.yaml`` file in :func:`rongcuo.paths.calendar_dirs` (the
shipped ``workflows/calendars/`` first, then the operator's imported directory).  The same year
in two files is an error unless the two are identical (checked once, by
:class:`~rongcuo.domain.calendar.WorkCalendar`).  ``import_calendar_file()`` validates a file
and copies it, atomically, into :func:`rongcuo.paths.imported_calendars_dir`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rongcuo import paths
from rongcuo.domain.calendar import CalendarYear, WorkCalendar
from rongcuo.domain.errors import CalendarError
from rongcuo.domain.messages import message

MSG_CALENDAR_DUPLICATE_YEAR = message(
    "calendar.duplicate_year",
    "{year}年已有内容不同的日历文件 {filename}，不能导入 {path}",
    "{year} already has a different calendar file {filename}; {path} was not imported",
)

MSG_CALENDAR_UNREADABLE = message(
    "calendar.unreadable",
    "无法读取日历文件 {path}：{exc}",
    "cannot read calendar file {path}: {exc}",
)

MSG_CALENDAR_IMPORT_CONFLICT = message(
    "calendar.import_conflict",
    "已导入的 {target} 与 {path} 内容不同；如确需替换，请明确要求替换后再导入",
    "the imported {target} differs from {path}; ask for the replacement explicitly to replace it",
)

__all__ = [
    "calendar_files",
    "import_calendar_file",
    "load_calendar",
    "load_calendar_files",
    "read_calendar_file",
]


def calendar_files(dirs: Sequence[Path] | None = None) -> list[Path]:
    """The calendar files, in load order (directory order, then file name)."""
    out: list[Path] = []
    for d in paths.calendar_dirs() if dirs is None else dirs:
        d = Path(d)
        if d.is_dir():
            out.extend(sorted([*d.glob("*.yaml"), *d.glob("*.yml")]))
    return out


def read_calendar_file(path: Path) -> CalendarYear:
    """Read and validate one calendar file (CalendarError names the file and line)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarError.of(
            MSG_CALENDAR_UNREADABLE,
            path=path,
            exc=exc,
            details={"file": str(path)},
        ) from None
    from rongcuo.calendars.calendar_yaml import parse_calendar_text  # PyYAML: only to parse

    return parse_calendar_text(text, str(path))


def load_calendar(dirs: Sequence[Path] | None = None) -> WorkCalendar:
    """The working-day calendar from the calendar directories (default: paths.calendar_dirs())."""
    return load_calendar_files(calendar_files(dirs))


def import_calendar_file(
    path: Path,
    *,
    dest: Path | None = None,
    dirs: Sequence[Path] | None = None,
    replace: bool = False,
) -> tuple[CalendarYear, Path, bool]:
    """Validate ``path`` and copy it to ``dest``/YYYY.yaml (default: the imported directory).

    Refuses a file that conflicts with a year already loaded from another file (unless
    ``replace`` and the other file is the previously imported one).  The copy is written to a
    temporary file and renamed, so a failure never leaves a half-written calendar.
    Returns (the year, the target path, whether anything changed).
    """
    cy = read_calendar_file(path)
    dest = paths.imported_calendars_dir() if dest is None else Path(dest)
    target = dest / f"{cy.year}.yaml"
    search = list(paths.calendar_dirs() if dirs is None else dirs)
    existing = [f for f in calendar_files(search) if f.resolve() != target.resolve()]
    other = load_calendar_files(existing).year(cy.year)
    if other is not None and other != cy:
        raise CalendarError.of(
            MSG_CALENDAR_DUPLICATE_YEAR,
            year=cy.year,
            filename=other.filename,
            path=path,
            details={"year": cy.year, "existing": other.filename},
        )
    if other is not None:
        return cy, Path(str(other.filename)), False
    if target.exists():
        current = read_calendar_file(target)
        if current == cy:
            return cy, target, False
        if not replace:
            raise CalendarError.of(
                MSG_CALENDAR_IMPORT_CONFLICT,
                target=target,
                path=path,
                details={"year": cy.year, "existing": str(target), "field": "replace"},
            )
    _write_atomically(Path(path).read_bytes(), dest, target, cy.year)
    return cy, target, True


def load_calendar_files(files: Sequence[Path]) -> WorkCalendar:
    """The working-day calendar of exactly these files, in this order."""
    return WorkCalendar(read_calendar_file(f) for f in files)


def _write_atomically(data: bytes, dest: Path, target: Path, year: int) -> None:
    """Write ``target`` through a temporary file in ``dest`` and a rename (never half-written)."""
    dest.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{year}.", suffix=".tmp", dir=dest)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
