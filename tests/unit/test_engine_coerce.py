"""Step-data coercion: one registered function per data type of the definition format."""

from __future__ import annotations

from datetime import date
from typing import get_args

import pytest

from rongcuo.domain.case import Command
from rongcuo.domain.engine.coerce import COERCERS, FieldContext, coerce
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.workflow.model import DataField, DataType
from rongcuo.testing.workflows import shipped_definition


def test_every_data_type_of_the_format_has_a_coercer() -> None:
    """A type the definition format accepts can never reach the engine unhandled."""
    assert set(COERCERS) == set(get_args(DataType))


@pytest.mark.parametrize(
    ("type_name", "raw", "expected"),
    [
        ("str", "  李四 ", "李四"),
        ("int", "10", 10),
        ("date", "2025-07-01", date(2025, 7, 1)),
        ("enum", " upheld ", "upheld"),
        ("bool", "是", True),
        ("bool", "no", False),
        ("list", "李四, 王五,", ("李四", "王五")),
        ("items", "10.3,11.1", ("10.3", "11.1")),
    ],
)
def test_each_type_reads_what_a_case_worker_types(
    type_name: DataType, raw: str, expected: object
) -> None:
    """--set KEY=VALUE text becomes the declared type (dates YYYY-MM-DD, digits 0-9)."""
    definition = shipped_definition("licheng")
    f = DataField("x", type_name, values=("upheld", "changed"))
    ctx = FieldContext(definition, "t", None, Command("t", date(2025, 6, 30), "tester", {}))
    assert COERCERS[type_name](f, raw, ctx) == expected


def test_a_refused_value_names_trigger_and_field() -> None:
    """A bad value is refused with input.invalid_field naming the trigger and the key."""
    definition = shipped_definition("licheng")
    ctx = FieldContext(definition, "determine", None, Command("determine", date(2025, 6, 30), "t"))
    with pytest.raises(InvalidInput) as info:
        COERCERS["items"](DataField("items", "items"), "10.3,10.3", ctx)
    assert info.value.code == "input.invalid_field"
    assert info.value.details == {"key": "items", "trigger": "determine"}
    assert info.value.message_zh.startswith("“determine”的数据 items：10.3 重复填写")


def test_correction_required_defaults_to_the_outcomes_flag() -> None:
    """A determination that leaves correction_required out takes its outcome's catalogue
    flag (历城办法第二十条: exempted owes a correction, duty_fulfilled does not); given, it
    is kept."""
    definition = shipped_definition("licheng")
    spec = definition.triggers["determine"]

    def data(**given: str) -> dict[str, object]:
        return coerce(definition, None, spec, Command("determine", date(2025, 6, 30), "t", given))

    assert data(outcome="exempted", items="10.2")["correction_required"] is True
    assert data(outcome="duty_fulfilled", items="9.1")["correction_required"] is False
    got = data(outcome="exempted", items="10.2", correction_required="false")
    assert got["correction_required"] is False
