"""The pure domain: legal clock, workflow definitions, the case engine.

Nothing in this package performs I/O or reads the wall clock, and nothing here imports
sqlmodel, sqlalchemy, apscheduler, click or structlog (``tests/unit/test_architecture.py``
keeps that true).
"""
