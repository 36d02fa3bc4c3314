"""rongcuo (容错) — workflow orchestration for 容错纠错 (fault-tolerance and error-correction) cases."""

__version__ = "0.1.0"
