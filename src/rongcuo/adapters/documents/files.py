"""Where issued files live: ``$RONGCUO_HOME/documents/<case id>/<sha256>.<pdf|docx>``.

The file is named by its own SHA-256 (the hash the issuing step's event and the
``issued_documents`` row record), so a file is never overwritten by a different one, and a
step that rolls back after its file was written leaves at most a file no row names — never a
wrong one.  Folders are 0700 and files 0600 (``paths.make_private_dir``): a document names
the parties.  Writing goes through a temporary file and ``os.replace`` (a reader never sees
half a file), then ``fsync``.
"""

from __future__ import annotations

import os
from pathlib import Path

from rongcuo import paths
from rongcuo.documents.integrity import sha256_hex

FOLDER = "documents"


def documents_dir() -> Path:
    return paths.data_dir() / FOLDER


def file_path(case_id: str, sha256: str, fmt: str) -> Path:
    return documents_dir() / case_id / f"{sha256}.{fmt}"


def store_file(case_id: str, fmt: str, data: bytes) -> Path:
    """Write ``data`` as the issued file of ``case_id`` (idempotent: the name is its hash)."""
    digest = sha256_hex(data)
    path = file_path(case_id, digest, fmt)
    if path.is_file() and sha256_hex(path.read_bytes()) == digest:
        return path
    paths.make_private_dir(path.parent)
    tmp = path.with_name(f".{digest}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, paths.PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, paths.PRIVATE_FILE_MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def read_file(case_id: str, sha256: str, fmt: str) -> bytes | None:
    """The issued file's bytes if it is kept here and still has its recorded hash."""
    path = file_path(case_id, sha256, fmt)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if sha256_hex(data) == sha256 else None
