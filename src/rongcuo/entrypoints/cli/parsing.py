"""The CLI's own syntax: dates typed as options, ``--set KEY=VALUE`` pairs.

Bad input becomes an :class:`~rongcuo.domain.errors.InvalidInput` naming the option and the
problem in Chinese and English (exit code 3), not a usage error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.strict import date_problem, iso_date

MSG_INPUT_DATE = message(
    "input.date",
    "{option} 的日期“{value}”无效：{zh}",
    "{option} {value!r} is not a date: {en}",
)


MSG_INPUT_SET_PARSING = message(
    "input.set/parsing",
    "--set “{p}” 无效：请写成 键=值（例如 matter=罚款）",
    "--set {p!r} is not KEY=VALUE (e.g. matter=fine)",
)

MSG_INPUT_SET_REPEATED = message(
    "input.set_repeated",
    "--set {key} 给了两次（“{item}”和“{value}”）：每个键只能给一次",
    "--set {key} is given twice ({item!r} and {value!r}): give each key once",
)


def parse_date(value: str, option: str = "--on") -> date:
    """A date option: exactly ``YYYY-MM-DD`` (not ``20250901``, ``2025-W39-5`` or an empty
    value, which Python would read or a caller might take for "no filter")."""
    try:
        return iso_date(value)
    except ValueError:
        zh, en = date_problem(value)
        raise InvalidInput.of(
            MSG_INPUT_DATE,
            option=option,
            value=value,
            zh=zh,
            en=en,
        ) from None


def parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    """``--set KEY=VALUE`` pairs; a key given twice is refused (which value was meant?)."""
    out: dict[str, str] = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise InvalidInput.of(
                MSG_INPUT_SET_PARSING,
                p=p,
            )
        key = key.strip()
        if key in out:
            raise InvalidInput.of(
                MSG_INPUT_SET_REPEATED,
                key=key,
                item=out[key],
                value=value,
                details={"key": key},
            )
        out[key] = value
    return out
