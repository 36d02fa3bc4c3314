"""The CLI's own syntax: dates typed as options, ``--set KEY=VALUE`` pairs.

Bad input becomes an :class:`~rongcuo.domain.errors.InvalidInput` naming the option and the
problem in Chinese and English (exit code 3), not a usage error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.strict import date_problem, iso_date


def parse_date(value: str, option: str = "--on") -> date:
    """A date option: exactly ``YYYY-MM-DD`` (not ``20250901``, ``2025-W39-5`` or an empty
    value, which Python would read or a caller might take for "no filter")."""
    try:
        return iso_date(value)
    except ValueError:
        zh, en = date_problem(value)
        raise InvalidInput(
            f"{option} 的日期“{value}”无效：{zh}",
            f"{option} {value!r} is not a date: {en}",
            code="input.date",
        ) from None


def parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    """``--set KEY=VALUE`` pairs; a key given twice is refused (which value was meant?)."""
    out: dict[str, str] = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(
                f"--set “{p}” 无效：请写成 键=值（例如 matter=罚款）",
                f"--set {p!r} is not KEY=VALUE (e.g. matter=fine)",
                code="input.set",
            )
        key = key.strip()
        if key in out:
            raise InvalidInput(
                f"--set {key} 给了两次（“{out[key]}”和“{value}”）：每个键只能给一次",
                f"--set {key} is given twice ({out[key]!r} and {value!r}): give each key once",
                code="input.set_repeated",
                details={"key": key},
            )
        out[key] = value
    return out
