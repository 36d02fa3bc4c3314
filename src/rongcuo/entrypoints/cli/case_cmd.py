"""`rongcuo case` — open cases and record steps (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="case")
def command() -> None:
    """open cases and record steps"""
