"""The README's legal-clock examples are run as written: the documented output must be what
the command prints (Civil Code art. 201, 203; 历城办法第十六条、第十七条)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import cli

README = Path(__file__).resolve().parents[2] / "README.md"


def _examples() -> list[tuple[str, str]]:
    """(command, expected last line) for each `$ rongcuo calendar …` line followed by output."""
    lines = README.read_text(encoding="utf-8").splitlines()
    out: list[tuple[str, str]] = []
    for i, line in enumerate(lines[:-1]):
        if not line.startswith("$ rongcuo calendar "):
            continue
        cmd = line[2:].split("  #", 1)[0].strip()
        block: list[str] = []
        for nxt in lines[i + 1 :]:
            if nxt.startswith("$ ") or nxt.startswith("```"):
                break
            block.append(nxt)
        if block:
            out.append((cmd, block[-1]))
    return out


EXAMPLES = _examples()


def test_the_readme_has_calendar_examples() -> None:
    """The section the legal clock's issue asks for exists and shows the due command."""
    assert sum(cmd.startswith("rongcuo calendar due") for cmd, _ in EXAMPLES) >= 5


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_prints_what_the_readme_says(command: str, expected: str) -> None:
    """Each documented example prints the documented last line."""
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    got = result.output.strip().splitlines()[-1]
    if "--json" in args:
        # the README abbreviates the basis as {...}; compare the rest exactly
        want = json.loads(re.sub(r"\{\.\.\.\}", "null", expected))
        have = json.loads(got)
        have["basis"] = None
        assert have == want
    else:
        assert got == expected
