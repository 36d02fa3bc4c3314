"""Test support shared by several test modules (walks, PDF inspection)."""
