"""The ``rongcuo`` command line."""
