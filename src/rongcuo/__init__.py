"""rongcuo (容错) — workflow orchestration for 容错纠错 cases.

Fault-tolerance and error-correction cases of Chinese administrative enforcement.
"""

__version__ = "0.1.0"
