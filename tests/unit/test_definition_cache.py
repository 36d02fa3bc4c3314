"""Built definitions kept by the hash of their file (issue 16): never stale, lazily read,
harmless when the cache folder cannot be written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rongcuo import paths
from rongcuo.definitions import load_definitions, loader
from rongcuo.definitions.cache import BuiltCache, DefinitionCache, Entry
from rongcuo.domain.errors import DefinitionError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three of the shipped definitions (licheng, banan 2 and its archived version 1)."""
    shipped = paths.shipped("workflows")
    root = tmp_path / "workflows"
    (root / "archive").mkdir(parents=True)
    for name in ("licheng.yaml", "banan.yaml", "archive/banan-1.yaml"):
        shutil.copy(shipped / name, root / name)
    return root


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader.parse_definition

    def spy(text: str, filename: str) -> object:
        parsed.append(Path(filename).name)
        return real(text, filename)

    monkeypatch.setattr(loader, "parse_definition", spy)
    return parsed


def test_a_cached_definition_is_the_one_parsed_and_is_read_back_without_parsing(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DefinitionCache(tmp_path / "cache")
    fresh = load_definitions(folder)
    parsed = _no_parsing(monkeypatch)
    first = load_definitions(folder, cache=cache)
    assert sorted(parsed) == ["banan-1.yaml", "banan.yaml", "licheng.yaml"]
    parsed.clear()
    again = load_definitions(folder, cache=cache)
    assert parsed == []
    assert list(again) == list(first) == list(fresh)  # equal, field by field
    assert again.get("licheng").filename == fresh.get("licheng").filename
    assert again.versions("banan") == fresh.versions("banan")
    assert len(fresh.versions("banan")) == 2


def test_only_the_definition_asked_for_is_read_back(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DefinitionCache(tmp_path / "cache")
    load_definitions(folder, cache=cache)
    loaded: list[tuple[str, str]] = []
    real = Entry.load

    def spy(self: Entry) -> object:
        loaded.append(self.key)
        return real(self)

    monkeypatch.setattr(Entry, "load", spy)
    registry = load_definitions(folder, cache=cache)
    assert registry.ids() == ["banan", "licheng"] and len(registry) == 3
    assert loaded == []
    assert registry.get("licheng").id == "licheng"
    assert loaded == [("licheng", "2025.1")]
    assert registry.get("licheng") is registry.get("licheng")
    assert loaded == [("licheng", "2025.1")]


def test_a_changed_file_is_parsed_again_never_read_stale(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DefinitionCache(tmp_path / "cache")
    load_definitions(folder, cache=cache)
    path = folder / "licheng.yaml"
    text = path.read_text(encoding="utf-8")
    title = load_definitions(folder).get("licheng").title
    path.write_text(text.replace(f"\ntitle: {title}\n", f"\ntitle: {title}（修订）\n", 1),
                    encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same times: content decides
    parsed = _no_parsing(monkeypatch)
    assert load_definitions(folder, cache=cache).get("licheng").title == title + "（修订）"
    assert parsed == ["licheng.yaml"]


def test_a_broken_file_is_never_cached_and_still_refused(
        folder: Path, tmp_path: Path) -> None:
    cache = DefinitionCache(tmp_path / "cache")
    (folder / "zz-broken.yaml").write_text("id: broken\nversion: '1'\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DefinitionError) as err:
            load_definitions(folder, cache=cache)
        assert "zz-broken.yaml" in str(err.value.message("en"))
    # banan.yaml and licheng.yaml, read before it; never an entry for the broken file
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_a_read_only_or_unusable_cache_folder_is_no_cache_not_an_error(
        folder: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        registry = load_definitions(folder, cache=DefinitionCache(ro / "definitions"))
        assert registry.get("licheng").id == "licheng"
    finally:
        ro.chmod(0o700)
    (tmp_path / "file").write_text("x")
    registry = load_definitions(folder, cache=DefinitionCache(tmp_path / "file" / "sub"))
    assert len(registry) == 3


def test_a_damaged_entry_is_a_miss_and_is_written_again(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DefinitionCache(tmp_path / "cache")
    load_definitions(folder, cache=cache)
    for entry in (tmp_path / "cache").glob("*.pickle"):
        entry.write_bytes(entry.read_bytes()[:20])  # truncated (a full disk, a crash)
    parsed = _no_parsing(monkeypatch)
    assert len(load_definitions(folder, cache=cache)) == 3
    assert len(parsed) == 3
    parsed.clear()
    load_definitions(folder, cache=cache)
    assert parsed == []


def test_the_cache_folder_is_private(folder: Path, tmp_path: Path) -> None:
    load_definitions(folder, cache=DefinitionCache(tmp_path / "c" / "definitions"))
    assert (tmp_path / "c" / "definitions").stat().st_mode & 0o077 == 0
    for entry in (tmp_path / "c" / "definitions").iterdir():
        assert entry.stat().st_mode & 0o077 == 0


def test_a_built_object_is_kept_by_its_sources(tmp_path: Path) -> None:
    cache = BuiltCache("things", tmp_path / "things")
    calls: list[int] = []
    sources = [(Path("a.yaml"), b"1")]
    assert cache.built(sources, lambda: calls.append(1) or [1, 2]) == [1, 2]
    assert cache.built(sources, lambda: calls.append(1) or [9]) == [1, 2]
    assert cache.built([(Path("a.yaml"), b"2")], lambda: calls.append(1) or [3]) == [3]
    assert len(calls) == 2


def test_the_cache_is_under_rongcuo_home(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setenv("RONGCUO_HOME", str(tmp_path / "h"))
    assert DefinitionCache().folder == tmp_path / "h" / "cache" / "definitions"
    monkeypatch.delenv("RONGCUO_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert DefinitionCache().folder == tmp_path / "x" / "rongcuo" / "definitions"


def test_a_cache_folder_others_may_write_to_is_never_read(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DefinitionCache(tmp_path / "shared")
    load_definitions(folder, cache=cache)
    (tmp_path / "shared").chmod(0o777)  # an entry there could have been written by anyone
    parsed = _no_parsing(monkeypatch)
    assert len(load_definitions(folder, cache=cache)) == 3
    assert len(parsed) == 3  # parsed again, nothing read back
    (tmp_path / "shared").chmod(0o700)
    parsed.clear()
    load_definitions(folder, cache=cache)
    assert parsed == []
