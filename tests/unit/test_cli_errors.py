"""The CLI root turns every refusal into a clear message and a stable exit code."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import EXIT_REFUSED, cli


def test_refusal_with_json_prints_a_machine_readable_error() -> None:
    """`--json` callers get the error as JSON naming its code, with exit code 3."""
    r = CliRunner().invoke(
        cli, ["calendar", "due", "2025-12-01", "-1", "--unit", "working", "--json"]
    )
    assert r.exit_code == EXIT_REFUSED
    err = json.loads(r.output.strip().splitlines()[0])
    assert err["error"] == "period.negative_days"
    assert "-1" in err["message_en"] and err["message_zh"]


def test_refusal_in_english_leads_with_the_english_message() -> None:
    """`--lang en` puts the English message first, the Chinese one after it."""
    r = CliRunner().invoke(
        cli, ["calendar", "due", "2025-12-01", "-1", "--unit", "working", "--lang", "en"]
    )
    assert r.exit_code == EXIT_REFUSED
    first, second = r.output.strip().splitlines()[:2]
    assert first.startswith("Error: ") and "negative" in first
    assert "负数" in second


def test_refusal_by_default_is_in_chinese() -> None:
    """A case worker reads Chinese first by default."""
    r = CliRunner().invoke(cli, ["calendar", "due", "2025-02-30", "5", "--unit", "working"])
    assert r.exit_code == EXIT_REFUSED
    assert r.output.startswith("错误：") and "2025-02-30" in r.output
