"""`rongcuo workflows` — definitions (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="workflows")
def command() -> None:
    """definitions"""
