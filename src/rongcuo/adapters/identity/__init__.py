"""The identity store: units, users, API tokens, and which unit each case belongs to
(revision ``0010_identity``)."""
