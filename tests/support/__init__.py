"""Tools for the tests and benchmarks only, never shipped in the package.

* :mod:`tests.support.tamper` edits stored events the way a malicious DBA would (it drops the
  insert-only triggers first) to prove that ``audit verify`` notices;
* :mod:`tests.support.clone` bulk-copies a stored case: with its events re-chained (a sound
  log to verify) or as rows only (a throw-away database for the sweep);
* :mod:`tests.support.walks` walks a real Licheng case through the service and the engine;
* :mod:`tests.support.document_walks` walks Licheng and Banan cases to every document they
  issue; :mod:`tests.support.pdf` inspects rendered PDFs (text, fonts, missing glyphs);
* :mod:`tests.support.pg_cluster` a throw-away PostgreSQL cluster to stop and start;
* :mod:`tests.support.histories` writes and loads the recorded histories of
  ``tests/fixtures/histories``.

The fakes and workflow scripts that extension projects may reuse ship in
:mod:`rongcuo.testing` instead.  Scripts outside pytest (``benchmarks/*.py``,
``tests/fixtures/histories/generate.py``) put the repository root on ``sys.path`` before
importing from here.
"""
