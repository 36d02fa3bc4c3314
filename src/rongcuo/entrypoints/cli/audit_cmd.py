"""`rongcuo audit` — replay, verify, export (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="audit")
def command() -> None:
    """replay, verify, export"""
