"""`rongcuo db` — database maintenance (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="db")
def command() -> None:
    """database maintenance"""
