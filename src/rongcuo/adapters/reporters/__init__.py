"""The reporters' identities (信访举报人), kept apart from the record, encrypted at rest.

:mod:`.tables` is revision ``0012_reports``; :mod:`.vault` encrypts and decrypts with the key
file the configuration names.  Nothing here writes an event: the service records the
reference in the step and the access (``--reveal``) as an event of its own.
"""
