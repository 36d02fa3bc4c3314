"""同一工作、同一问题 — the normalised matter key (capability C16).

贵安新区办法第十二条: "在同一工作、同一问题上重复出现失误和问题的，只适用一次容错免责".  Whether
two cases concern *the same* work and problem must not hang on how a case worker typed it:
"招商引资 （A区）项目" and "招商引资(a区)项目" are one matter.  A data field of type ``key``
is stored normalised, so the repeated-mistake rule (:mod:`rongcuo.domain.rules.repetition`,
``matter_fact: matter_key``) and the store compare keys, never free text:

* Unicode NFKC (full-width letters, digits and brackets become their ordinary forms);
* case folded (``A区`` = ``a区``);
* white space and punctuation dropped (Unicode categories Z*, P* and the symbols S*), so
  ``·``, ``、``, ``（）`` and spaces never make two keys differ;
* what remains (letters of every script, digits) must not be empty.

The key is a comparison value, not a label: the case keeps the free-text ``matter`` beside it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["normalise_key"]

_DROPPED = ("Z", "P", "S", "C")  # separators, punctuation, symbols, controls


def normalise_key(text: str) -> str:
    """The key of ``text`` (may be empty: the caller refuses an empty key)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in _DROPPED)
