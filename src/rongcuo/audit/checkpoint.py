"""Signed checkpoints an auditor keeps outside the database.

A checkpoint is a small JSON document: for every case its head (case id, last ``seq``, the
hash of that event), a *global head* and the largest global event id, the instant it was
taken, and an Ed25519 signature (``cryptography``) made with a key the operator holds.

Why: the hash chain alone proves a case's events are consistent with each other; somebody
with write access could still rewrite a whole case and recompute every hash.  A checkpoint
kept elsewhere (printed, mailed to the auditor) fixes the heads at a moment: later, every case
must still *extend* its checkpointed head — the event at that ``seq`` must still carry that
hash — so a wholesale rewrite is detected (Licheng art. 14: 归档, the archived record must stay
what it was).

Global head = SHA-256 (hex) of the canonical JSON (UTF-8, sorted keys, no whitespace) of
``{"cases": [[case_id, seq, hash], ...] (sorted by case id), "max_event_id": N}``.
The signature covers the canonical JSON of the whole document without its ``signature`` key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message

MSG_AUDIT_BAD_CHECKPOINT = message(
    "audit.bad_checkpoint",
    "{source} 不是检查点文件：{zh}",
    "{source} is not a checkpoint file: {en}",
)

MSG_AUDIT_KEY_EXISTS = message(
    "audit.key_exists",
    "密钥文件已存在，不会覆盖：{key_path}",
    "key file already exists, not overwriting: {key_path}",
)

MSG_AUDIT_BAD_CHECKPOINT_CHECKPOINT = message(
    "audit.bad_checkpoint/checkpoint",
    "检查点文件 {source} 格式不对（应为 {FORMAT}）",
    "checkpoint {source} has the wrong format (expected {FORMAT})",
)

MSG_AUDIT_BAD_CHECKPOINT_CHECKPOINT2 = message(
    "audit.bad_checkpoint/checkpoint2",
    "检查点文件 {source} 不是有效的 JSON：第 {lineno} 行：{msg2}",
    "checkpoint {source} is not valid JSON: line {lineno}: {msg2}",
)

MSG_AUDIT_BAD_CHECKPOINT_CHECKPOINT3 = message(
    "audit.bad_checkpoint/checkpoint3",
    "检查点文件 {source} 缺少字段 {key}",
    "checkpoint {source} lacks the field {key}",
)

FORMAT = "rongcuo-checkpoint/1"


@dataclass(frozen=True)
class CaseHead:
    """The last event of one case: its ``seq`` and its chain hash."""

    case_id: str
    seq: int
    hash: str


@dataclass(frozen=True)
class CheckpointProblem:
    """One way the current log fails to extend a checkpoint."""

    case_id: str | None
    code: str
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def global_head(heads: Iterable[CaseHead], max_event_id: int) -> str:
    """The hash over all per-case heads (case-id order) and the largest global event id."""
    rows = sorted(([h.case_id, h.seq, h.hash] for h in heads), key=lambda r: str(r[0]))
    return hashlib.sha256(_canonical({"cases": rows, "max_event_id": max_event_id})).hexdigest()


# -- keys --------------------------------------------------------------------------------------


def public_key_path(key_path: Path) -> Path:
    """The public key is kept beside the private one: ``KEYFILE.pub``."""
    return key_path.with_name(key_path.name + ".pub")


def generate_keypair(key_path: Path, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Write a new Ed25519 private key (PEM, mode 0600) and its public key beside it."""
    pub_path = public_key_path(key_path)
    if not overwrite and (key_path.exists() or pub_path.exists()):
        raise InvalidInput.of(
            MSG_AUDIT_KEY_EXISTS,
            key_path=key_path,
        )
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    # create with 0600 from the start (no window where the key is world-readable)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(key_path, 0o600)
    pub_path.write_bytes(_public_pem(key.public_key()))
    return key_path, pub_path


def _public_pem(pub: Ed25519PublicKey) -> bytes:
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


BAD_KEY = message(
    "audit.bad_key",
    "无法读取{what_zh} {path}：{reason}",
    "cannot read the {what_en} {path}: {reason}",
)
NOT_ED25519 = message(
    "audit.bad_key/kind",
    "{path} 不是 Ed25519 {what_zh}",
    "{path} is not an Ed25519 {what_en}",
)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = _load_key(path, private=True)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = _load_key(path, private=False)
    assert isinstance(key, Ed25519PublicKey)
    return key


def _load_key(path: Path, *, private: bool) -> Ed25519PrivateKey | Ed25519PublicKey:
    """The Ed25519 key in PEM file ``path``, or a refusal saying what is wrong with it."""
    what: dict[str, Any] = ({"what_zh": "签名私钥", "what_en": "signing key"} if private
            else {"what_zh": "公钥", "what_en": "public key"})
    try:
        data = path.read_bytes()
        key = (serialization.load_pem_private_key(data, password=None) if private
               else serialization.load_pem_public_key(data))
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidInput.of(BAD_KEY, path=path, reason=exc, **what) from exc
    if not isinstance(key, Ed25519PrivateKey if private else Ed25519PublicKey):
        what = ({"what_zh": "私钥", "what_en": "private key"} if private else what)
        raise InvalidInput.of(NOT_ED25519, path=path, **what)
    return key


def fingerprint(pub: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex (what the operator reads out to the auditor)."""
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


# -- make and check ----------------------------------------------------------------------------


def make_checkpoint(
    heads: Iterable[CaseHead], max_event_id: int, taken_at: datetime, key: Ed25519PrivateKey
) -> dict[str, Any]:
    """Build and sign a checkpoint document (a JSON-able dict)."""
    if taken_at.tzinfo is None:
        raise InvalidInput("检查点时间必须带时区", "taken_at must be timezone-aware")
    ordered = sorted(heads, key=lambda h: h.case_id)
    pub = key.public_key()
    body: dict[str, Any] = {
        "format": FORMAT,
        "taken_at": taken_at.isoformat(),
        "max_event_id": max_event_id,
        "case_count": len(ordered),
        "cases": [{"case_id": h.case_id, "seq": h.seq, "hash": h.hash} for h in ordered],
        "global_head": global_head(ordered, max_event_id),
    }
    sig = key.sign(_canonical(body))
    body["signature"] = {
        "alg": "Ed25519",
        "public_key": base64.b64encode(
            pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        ).decode(),
        "fingerprint": fingerprint(pub),
        "value": base64.b64encode(sig).decode(),
    }
    return body


def _not_a_checkpoint(source: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput.of(
        MSG_AUDIT_BAD_CHECKPOINT,
        source=source,
        zh=zh,
        en=en,
    )


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_shape(doc: Mapping[str, Any], source: str) -> None:
    """The fields the checks read, with the types they read them as — so a file that is
    JSON but no checkpoint (``"cases": "zz"``) is refused, never a ``TypeError`` midway."""
    if not _is_int(doc["max_event_id"]):
        raise _not_a_checkpoint(
            source, "max_event_id 应为整数", "max_event_id must be a whole number"
        )
    if not isinstance(doc["global_head"], str):
        raise _not_a_checkpoint(source, "global_head 应为文本", "global_head must be text")
    cases = doc["cases"]
    if not isinstance(cases, list):
        raise _not_a_checkpoint(
            source, "cases 应为案件摘要的列表", "cases must be a list of case heads"
        )
    for i, c in enumerate(cases):
        if not (
            isinstance(c, dict)
            and isinstance(c.get("case_id"), str)
            and _is_int(c.get("seq"))
            and isinstance(c.get("hash"), str)
        ):
            raise _not_a_checkpoint(
                source,
                f"cases 第 {i + 1} 项应为 {{case_id: 文本, seq: 整数, hash: 文本}}",
                f"cases[{i}] must be {{case_id: text, seq: whole number, hash: text}}",
            )


def parse_checkpoint(text: str | bytes, source: str = "checkpoint") -> dict[str, Any]:
    """A checkpoint document read from a file (its bytes, or text), checked for the shape
    :func:`check_signature` and :func:`check_extends` read; anything else is refused as
    :class:`InvalidInput` naming ``source`` and the reason."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _not_a_checkpoint(
                source,
                f"不是 UTF-8 文本（偏移 {exc.start} 处的字节无效）",
                f"not UTF-8 text (invalid byte at offset {exc.start})",
            ) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput.of(
            MSG_AUDIT_BAD_CHECKPOINT_CHECKPOINT2,
            source=source,
            lineno=exc.lineno,
            msg2=exc.msg,
        ) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput.of(
            MSG_AUDIT_BAD_CHECKPOINT_CHECKPOINT,
            source=source,
            FORMAT=FORMAT,
        )
    for key in ("cases", "max_event_id", "global_head", "signature", "taken_at"):
        if key not in doc:
            raise InvalidInput.of(
                MSG_AUDIT_BAD_CHECKPOINT_CHECKPOINT3,
                source=source,
                key=key,
            )
    _check_shape(doc, source)
    return doc


def check_signature(
    doc: Mapping[str, Any], pub: Ed25519PublicKey | None = None
) -> list[CheckpointProblem]:
    """Check the signature (with the auditor's copy of the public key when given) and the
    global head; return the problems found (empty: sound)."""
    problems: list[CheckpointProblem] = []
    sig = doc.get("signature") or {}
    body = {k: v for k, v in doc.items() if k != "signature"}
    try:
        embedded = Ed25519PublicKey.from_public_bytes(base64.b64decode(sig["public_key"]))
        value = base64.b64decode(sig["value"])
    except (KeyError, ValueError, TypeError):
        return [
            CheckpointProblem(
                None, "checkpoint.signature_malformed", "检查点签名格式不对",
                "the checkpoint signature is malformed",
            )
        ]
    key = pub or embedded
    if pub is not None and fingerprint(pub) != fingerprint(embedded):
        problems.append(
            CheckpointProblem(
                None, "checkpoint.wrong_key",
                "检查点不是用所给公钥签名的", "the checkpoint was not signed with the given key",
            )
        )
    try:
        key.verify(value, _canonical(body))
    except InvalidSignature:
        problems.append(
            CheckpointProblem(
                None, "checkpoint.bad_signature",
                "检查点签名无效（文件被改动或密钥不符）",
                "the checkpoint signature is invalid (file altered or wrong key)",
            )
        )
    heads = [CaseHead(c["case_id"], int(c["seq"]), c["hash"]) for c in doc["cases"]]
    if global_head(heads, int(doc["max_event_id"])) != doc["global_head"]:
        problems.append(
            CheckpointProblem(
                None, "checkpoint.global_head",
                "检查点的全局摘要与其案件摘要不符", "the global head does not match the case heads",
            )
        )
    return problems


def check_extends(
    doc: Mapping[str, Any],
    hash_at: Callable[[str, int], str | None],
    cases_with_events_up_to: Callable[[int], set[str]],
) -> list[CheckpointProblem]:
    """Does the current log still extend the checkpoint?

    ``hash_at(case_id, seq)`` returns the stored hash of that event (None when it is gone);
    ``cases_with_events_up_to(max_id)`` the case ids having any event with global id ≤ max_id
    (a case that is not in the checkpoint but has such an event was inserted into the past).
    """
    problems: list[CheckpointProblem] = []
    known: set[str] = set()
    for c in doc["cases"]:
        cid, seq, expected = c["case_id"], int(c["seq"]), c["hash"]
        known.add(cid)
        actual = hash_at(cid, seq)
        if actual is None:
            problems.append(
                CheckpointProblem(
                    cid, "checkpoint.head_missing",
                    f"案件 {cid} 第 {seq} 号事件已不存在（检查点之后被删除或截断）",
                    f"case {cid}: event seq {seq} no longer exists (deleted or truncated "
                    "since the checkpoint)",
                )
            )
        elif actual != expected:
            problems.append(
                CheckpointProblem(
                    cid, "checkpoint.head_changed",
                    f"案件 {cid} 第 {seq} 号事件的哈希与检查点不同（历史被改写）",
                    f"case {cid}: event seq {seq} has a different hash than at the checkpoint "
                    "(history rewritten)",
                )
            )
    for cid in sorted(cases_with_events_up_to(int(doc["max_event_id"])) - known):
        problems.append(
            CheckpointProblem(
                cid, "checkpoint.case_inserted",
                f"案件 {cid} 不在检查点中，却有早于检查点的事件（插入了过去的历史）",
                f"case {cid} is not in the checkpoint but has events older than it "
                "(history inserted into the past)",
            )
        )
    return problems
