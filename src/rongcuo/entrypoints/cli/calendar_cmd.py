"""`rongcuo calendar` — the legal clock (法定期间计算) (placeholder until its issue lands)."""

from __future__ import annotations

import click


@click.group(name="calendar")
def command() -> None:
    """the legal clock (法定期间计算)"""
