"""Driving the workplace's pages like a case worker: open a case, record a step."""

from __future__ import annotations

import re
from typing import Any

from rongcuo.clock import FixedClock
from tests.support.web_server import cst


def fill(page: Any, values: dict[str, Any]) -> None:
    """Fill a step form by its fields' labels: a str/int/date is typed, a tuple ``("select",
    value)`` chosen, ``True`` a checked box, a list of catalogue items checked."""
    for label, value in values.items():
        field = page.get_by_label(re.compile("^" + re.escape(label) + r"\s*\*?$"))
        if value is True:
            field.check()
        elif isinstance(value, tuple):
            field.select_option(value[1])
        elif isinstance(value, list):
            for item in value:
                page.locator(f'input[type=checkbox][value="{item}"]').check()
        else:
            field.fill(str(value))


def open_case(page: Any, base: str, clock: FixedClock, on: str, values: dict[str, Any]) -> str:
    """开案 through the page; returns the case page's URL."""
    clock.set(cst(on))
    page.goto(base + "/open")
    page.get_by_label(re.compile("选择办法")).select_option("licheng")
    page.locator("#choose").click()
    page.locator("#open-form").wait_for()
    page.locator("#f-on").fill(on)
    fill(page, values)
    page.locator("#submit-open").click()
    page.wait_for_url(re.compile(r"/cases/[^/?]+\?done=open$"))
    return str(page.url.split("?")[0])


def open_step(page: Any, case_url: str, trigger: str) -> None:
    page.goto(case_url)  # as it stands now (another user may have moved it on)
    page.locator(f'#steps [data-trigger="{trigger}"]').click()
    page.locator("#step-panel #step-form").wait_for()  # htmx put the form in place
    assert page.url.split("?")[0] == case_url


def record(page: Any, case_url: str, clock: FixedClock, trigger: str, on: str,
           values: dict[str, Any] | None = None, *, expect_refusal: bool = False) -> None:
    """Record ``trigger`` on the case page (the step button opens its form in place)."""
    clock.set(cst(on))
    open_step(page, case_url, trigger)
    submit(page, on, values or {}, expect_refusal=expect_refusal)


def submit(page: Any, on: str, values: dict[str, Any], *, expect_refusal: bool = False) -> None:
    page.locator("#f-on").fill(on)
    fill(page, values)
    page.locator("#submit-step").click()
    if expect_refusal:
        page.locator("#refusal").wait_for()
    else:
        page.wait_for_url(re.compile(r"\?done="))
