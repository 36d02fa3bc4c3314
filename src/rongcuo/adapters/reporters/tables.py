"""Table of revision ``0012_reports``.

``reporters`` — one row per report whose reporter gave an identity: the opaque reference the
step's event carries (``reporter_ref``), the case and the report number, the id of the key
that encrypted it (the first 16 hex digits of its SHA-256), the AES-GCM nonce and the
ciphertext.  The plaintext never reaches the database; the key never does either (a file
named by the configuration, :func:`rongcuo.paths.reporter_key_file`).  Import this module
wherever the full metadata is needed.
"""

from __future__ import annotations

import sqlalchemy as sa

from rongcuo.adapters.db.tables import metadata

reporters = sa.Table(
    "reporters",
    metadata,
    sa.Column("ref", sa.String(40), primary_key=True),
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id", name="fk_reporters_case"),
              nullable=False),
    sa.Column("report_id", sa.String(80), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("nonce", sa.LargeBinary(), nullable=False),
    sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("case_id", "report_id", name="uq_reporters_case_report"),
)
