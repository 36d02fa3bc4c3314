"""Calendar files (the I/O edge of the legal clock): the YAML format and the directories.

* :mod:`.calendar_yaml` — ``parse_calendar_text``: one file's text → a
  :class:`~rongcuo.domain.calendar.CalendarYear`, every refusal naming the file and line.
* :mod:`.loader` — ``load_calendar()`` reads every ``*.yaml`` file in
  :func:`rongcuo.paths.calendar_dirs` (the shipped ``workflows/calendars/`` first, then the
  operator's imported directory) into a :class:`~rongcuo.domain.calendar.WorkCalendar`;
  ``import_calendar_file()`` validates a file and copies it, atomically, into
  :func:`rongcuo.paths.imported_calendars_dir`.

The domain never sees the format: it receives built years.
"""

from __future__ import annotations

from typing import Any

from rongcuo.calendars.loader import (
    calendar_files,
    import_calendar_file,
    load_calendar,
    load_calendar_files,
    read_calendar_file,
)

__all__ = [
    "calendar_files",
    "import_calendar_file",
    "load_calendar",
    "load_calendar_files",
    "parse_calendar_text",
    "read_calendar_file",
]


def __getattr__(name: str) -> Any:
    # the YAML format (and PyYAML) is imported when a file is parsed, not with the package
    if name == "parse_calendar_text":
        from rongcuo.calendars.calendar_yaml import parse_calendar_text

        return parse_calendar_text
    raise AttributeError(name)
