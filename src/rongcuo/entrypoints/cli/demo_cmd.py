"""`rongcuo demo` — walk through a sample case (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="demo")
def command() -> None:
    """walk through a sample case"""
