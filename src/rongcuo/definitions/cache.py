"""Built definitions kept between processes, by the hash of their file (issue 16).

Parsing and validating every definition file cost each command most of its CPU, and each
definition a procedure adds made every command slower.  A definition file is built once; the
built :class:`~rongcuo.domain.workflow.model.WorkflowDefinition` is kept (pickled) under
:func:`rongcuo.paths.cache_dir` in a file named by the SHA-256 of

* the file's bytes and its path (the definition records its file name),
* and the code that builds and holds it: the Python version and every module of the
  installed ``rongcuo`` package (path, size, modification time) — a changed builder or a
  changed model class is a new key, never an old object read back.

So an entry is never stale: a changed file, or changed code, is a different name, and the
old entry is simply no longer asked for.  A hit reads a small header (id, version, in-force
period) and keeps the rest unread: the definition is unpickled only when a command asks for
it (:meth:`~rongcuo.domain.workflow.registry.DefinitionRegistry.add_lazy`).  A file that
does not validate is never cached (it fails on every start, as before).

The cache is only a cache: a folder that cannot be created or written (a read-only home, a
full disk) means no cache, never an error; an entry that cannot be read back (truncated,
written by another version) is a miss and is written again.  Entries are written whole
(a temporary file renamed over), in a folder made 0700, files 0600; a folder that another
account owns, or that the group or others may write to, is never read (an entry is a pickle).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

import rongcuo
from rongcuo import paths
from rongcuo.domain.workflow.model import WorkflowDefinition

FORMAT = 1  # of an entry: bump when the header changes
T = TypeVar("T")


@functools.cache
def code_fingerprint() -> bytes:
    """What the built objects depend on besides their file: this Python and this rongcuo."""
    h = hashlib.sha256(f"{FORMAT}|{sys.version}|".encode())
    package = Path(rongcuo.__file__).parent
    for root, dirs, files in os.walk(package):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(root, name))
                rel = os.path.relpath(os.path.join(root, name), package)
                h.update(f"{rel}|{st.st_size}|{st.st_mtime_ns};".encode())
    return h.digest()


@dataclass(frozen=True)
class Entry:
    """A cached definition: its key and in-force period read, the definition not yet."""

    key: tuple[str, str]
    in_force: tuple[date | None, date | None]
    body: bytes

    def load(self) -> WorkflowDefinition:
        definition = pickle.loads(self.body)
        if not isinstance(definition, WorkflowDefinition) or definition.key != self.key:
            raise ValueError(f"cache entry holds {type(definition).__name__}, not {self.key}")
        return definition


class BuiltCache:
    """Objects built from files, in ``folder`` (default: ``cache_dir()/<kind>``), each kept
    under the hash of its source files (path and bytes) and :func:`code_fingerprint`."""

    def __init__(self, kind: str, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else paths.cache_dir() / kind

    def file_for(self, sources: Iterable[tuple[Path, bytes]]) -> Path:
        h = hashlib.sha256(code_fingerprint())
        for path, data in sources:
            h.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
            h.update(len(data).to_bytes(8, "big") + data)
        return self.folder / f"{h.hexdigest()}.pickle"

    def trusted(self) -> bool:
        """Is the folder ours alone?  Entries are pickles, read back as code would be: a
        folder another account owns or may write to is never read (no cache instead)."""
        try:
            st = self.folder.stat()
        except OSError:
            return False
        return st.st_uid == os.getuid() and not st.st_mode & 0o022

    def read(self, file: Path) -> tuple[Any, bytes] | None:
        """The header and the (still pickled) object kept in ``file``; None: no usable entry."""
        if not self.trusted():
            return None
        try:
            blob = file.read_bytes()
            stream = io.BytesIO(blob)
            fmt, header = pickle.load(stream)
            return (header, blob[stream.tell():]) if fmt == FORMAT else None
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            return None

    def write(self, file: Path, header: Any, obj: Any) -> None:
        """Keep ``obj`` (with a small ``header`` read before it) in ``file``, whole or not at
        all; a folder that cannot be written is silently no cache."""
        try:
            paths.make_private_dir(self.folder)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((FORMAT, header), f, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, file)
        except (OSError, TypeError, AttributeError, pickle.PicklingError):  # unpicklable: none
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def built(self, sources: Sequence[tuple[Path, bytes]], build: Callable[[], T]) -> T:
        """The object ``build`` makes from ``sources``, read back if kept, else built and kept."""
        file = self.file_for(sources)
        hit = self.read(file)
        if hit is not None:
            with contextlib.suppress(Exception):
                return cast(T, pickle.loads(hit[1]))
        obj = build()
        self.write(file, None, obj)
        return obj


class DefinitionCache:
    """Built definitions, registered unbuilt on a hit (:meth:`get`)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._cache = BuiltCache("definitions", folder)
        self.folder = self._cache.folder

    def get(self, path: Path, data: bytes) -> Entry | None:
        """The entry for the file ``path`` holding ``data``; None if there is none usable."""
        hit = self._cache.read(self._cache.file_for([(path, data)]))
        if hit is None:
            return None
        try:
            key, in_force = hit[0]
            return Entry((str(key[0]), str(key[1])), in_force, hit[1])
        except (TypeError, ValueError, IndexError):
            return None

    def put(self, path: Path, data: bytes, definition: WorkflowDefinition) -> None:
        """Keep ``definition``, built from ``data`` (the bytes of ``path``)."""
        self._cache.write(self._cache.file_for([(path, data)]),
                          (definition.key, definition.in_force), definition)
