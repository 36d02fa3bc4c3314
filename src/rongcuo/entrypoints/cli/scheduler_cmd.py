"""`rongcuo scheduler` — reminders, overdue, escalation (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="scheduler")
def command() -> None:
    """reminders, overdue, escalation"""
