"""The reporters' identities, encrypted at rest (AES-256-GCM, ``cryptography``).

Policy, not an article of the sources: 历城办法第二十二条 and 巴南办法第十九条 require feedback to
a real-name reporter ("按规定向举报人反馈结果"), not confidentiality; keeping the identity out
of the insert-only record follows the external petition rules the digest cites (§9.1 of the
procedures spec).  The identity is therefore never an event's data: the event carries the
reference (``reporter_ref``) and the identity is a row of ``reporters``, encrypted with a key
that lives in a file outside the database (:func:`rongcuo.paths.reporter_key_file`),
created 0600 on first use and refused when other accounts may read it.

The ciphertext is bound to its row (associated data: case, report number, reference), so a
row copied onto another case or report does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rongcuo import paths
from rongcuo.adapters.db.errors import StoreError
from rongcuo.adapters.reporters.tables import reporters
from rongcuo.domain.messages import message

KEY_OPEN = message(
    "reporter.key_exposed",
    "举报人身份密钥文件 {path} 其他账户可以访问（权限 {mode}），请执行 chmod 600 {path}",
    "the reporters' key file {path} is open to other accounts (mode {mode}): chmod 600 {path}",
)
KEY_BAD = message(
    "reporter.key_invalid",
    "举报人身份密钥文件 {path} 不是有效的密钥（应为 32 字节密钥的 base64 文本）",
    "the reporters' key file {path} holds no valid key (base64 text of a 32-byte key)",
)
KEY_WRONG = message(
    "reporter.key_mismatch",
    "该举报人身份由另一密钥（{key_id}）加密，当前密钥文件无法解密",
    "this reporter's identity was encrypted with another key ({key_id}); the key file "
    "cannot decrypt it",
)
NOT_FOUND = message(
    "reporter.not_found",
    "本案举报 {report_id} 没有登记举报人身份",
    "report {report_id} of this case has no reporter identity recorded",
)


class VaultError(StoreError):
    """The key file or a stored identity cannot be used; nothing was written."""

    code = "reporter.error"


@dataclass(frozen=True)
class Key:
    material: bytes
    path: Path

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.material).hexdigest()[:16]


def load_key(path: Path | None = None, *, create: bool = True) -> Key:
    """The key in ``path`` (default: the configured file), created 0600 when missing."""
    path = path or paths.reporter_key_file()
    if not path.exists() and create:
        paths.make_private_dir(path.parent)
        if paths.create_private_file(path):
            path.write_text(base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
                            + "\n", encoding="ascii")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise VaultError.of(KEY_OPEN, path=str(path), mode=oct(mode))
    try:
        material = base64.b64decode(path.read_text("ascii").strip(), validate=True)
    except (ValueError, UnicodeDecodeError):
        material = b""
    if len(material) != 32:
        raise VaultError.of(KEY_BAD, path=str(path))
    return Key(material, path)


def _aad(case_id: str, report_id: str, ref: str) -> bytes:
    return f"rongcuo.reporter/1|{case_id}|{report_id}|{ref}".encode()


def store_identity(conn: sa.Connection, key: Key, *, ref: str, case_id: str, report_id: str,
                   identity: str, at: datetime) -> None:
    """Insert the encrypted identity (inside the step's transaction)."""
    nonce = os.urandom(12)
    sealed = AESGCM(key.material).encrypt(nonce, identity.encode("utf-8"),
                                          _aad(case_id, report_id, ref))
    conn.execute(reporters.insert().values(
        ref=ref, case_id=case_id, report_id=report_id, key_id=key.key_id, nonce=nonce,
        ciphertext=sealed, recorded_at=at))


def reveal_identity(conn: sa.Connection, key: Key, *, case_id: str, report_id: str) -> str:
    """The identity of ``report_id``'s reporter, decrypted."""
    row = conn.execute(sa.select(reporters).where(
        reporters.c.case_id == case_id, reporters.c.report_id == report_id)).mappings().first()
    if row is None:
        raise VaultError.of(NOT_FOUND, report_id=report_id)
    if row["key_id"] != key.key_id:
        raise VaultError.of(KEY_WRONG, key_id=row["key_id"])
    try:
        plain = AESGCM(key.material).decrypt(bytes(row["nonce"]), bytes(row["ciphertext"]),
                                              _aad(case_id, report_id, row["ref"]))
    except InvalidTag:
        raise VaultError.of(KEY_WRONG, key_id=row["key_id"]) from None
    return plain.decode("utf-8")
