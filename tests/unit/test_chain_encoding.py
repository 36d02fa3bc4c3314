"""The fast canonical encoding in rongcuo.domain.chain writes exactly the bytes of its
definition (json.dumps, sorted keys, compact, ensure_ascii=False): the hashes are a contract."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo.domain import chain

_text = st.text(max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_text, kids, max_size=4),
    max_leaves=12,
)
_fields = st.fixed_dictionaries(
    {
        "case_id": _text, "seq": st.integers(min_value=-5, max_value=10**12),
        "prev_hash": _text, "trigger": _text, "type": _text, "on": _text, "actor": _text,
        "article": _text, "data": st.dictionaries(_text, _json, max_size=5),
        "workflow_id": _text, "workflow_version": _text, "recorded_at": _text,
    }
)


def _utf8_ok(fields: dict[str, Any]) -> bool:
    try:
        chain._reference_bytes(fields)
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(_fields)
def test_fast_encoding_is_the_reference_encoding(fields: dict[str, Any]) -> None:
    if not _utf8_ok(fields):  # a lone surrogate: both ways refuse it alike
        return
    ref = chain._reference_bytes(fields)
    assert chain.canonical_bytes(fields) == ref
    values = [fields[k] for k in chain.HASHED_FIELDS]
    text = chain.canonical_text(*values)
    assert text is not None and text.encode("utf-8") == ref
    assert chain.event_hash_of(*values) == chain.event_hash(fields)


def test_unusual_types_take_the_reference_path() -> None:
    base: dict[str, Any] = {
        "case_id": "c", "seq": 1, "prev_hash": chain.GENESIS, "trigger": "open",
        "type": "Opened", "on": "2025-09-26", "actor": "王", "article": "第十三条",
        "data": {"b": [1, {"z": None, "a": True}], "a": "历城\u2028\"\\"},
        "workflow_id": "w", "workflow_version": "1", "recorded_at": "2025-09-26T02:00:00.000000Z",
    }
    assert chain.canonical_text(*[base[k] for k in chain.HASHED_FIELDS]) is not None
    for key, odd in (("seq", True), ("data", {1: "x"}), ("actor", None), ("on", 3)):
        fields = {**base, key: odd}
        assert chain.canonical_text(*[fields[k] for k in chain.HASHED_FIELDS]) is None or (
            key == "data"
        )
        assert chain.canonical_bytes(fields) == chain._reference_bytes(fields)
        assert chain.event_hash_of(*[fields[k] for k in chain.HASHED_FIELDS]) == (
            chain.event_hash(fields)
        )
