"""docs/messages.md is the catalogue (`rongcuo messages --markdown`), and every message is
bilingual and keyed by its code."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import cli
from rongcuo.entrypoints.cli.messages_cmd import catalogue, catalogue_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "messages.md"


def test_the_docs_page_is_the_catalogue() -> None:
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/messages.md is stale: rongcuo messages --markdown > docs/messages.md")


def test_every_message_has_both_languages_and_its_code() -> None:
    msgs = catalogue()
    assert len(msgs) >= 30
    for m in msgs:
        assert m.zh.strip() and m.en.strip(), m.key
        assert m.key.split("/")[0] == m.code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in m.zh), m.key
        # the entry points, and the benchmarks only `rongcuo bench` runs, may name options
        if not m.module.startswith(("rongcuo.entrypoints.", "rongcuo.bench.")):
            assert "--" not in m.zh + m.en, f"{m.key} ({m.module}) names a CLI option"


def test_the_command_prints_the_same_catalogue_as_json() -> None:
    out = CliRunner().invoke(cli, ["messages", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert [r["key"] for r in rows] == [m.key for m in catalogue()]
    assert {"key", "code", "message_zh", "message_en"} <= set(rows[0])


def test_no_error_is_worded_outside_the_catalogue() -> None:
    """An error raised with its Chinese and English texts written in place (rather than a
    declared message) would be missing from the catalogue, docs/messages.md and `rongcuo
    messages`: none is left in src/."""
    import ast

    src = Path(__file__).resolve().parents[2] / "src" / "rongcuo"
    inline = []
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # (a code that is not a literal is a refusal composed of declared ones)
            if not (isinstance(node, ast.Call) and len(node.args) == 2
                    and any(k.arg == "code" and isinstance(k.value, ast.Constant)
                            for k in node.keywords)):
                continue
            first = node.args[0]
            text = (first.value if isinstance(first, ast.Constant) else "".join(
                str(v.value) for v in getattr(first, "values", [])
                if isinstance(v, ast.Constant)))
            if isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text):
                inline.append(f"{path.relative_to(src)}:{node.lineno}")
    assert inline == [], inline
