"""`rongcuo bench` — benchmarks (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="bench")
def command() -> None:
    """benchmarks"""
