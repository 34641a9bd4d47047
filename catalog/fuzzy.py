"""Spelling-forgiving name matching for Hindi and English item searches (no I/O, no index server)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Final

MATCH_THRESHOLD: Final = 0.78
_NUKTA: Final = "\u093c"
_INVISIBLE: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
_DEVANAGARI_FOLD: Final = str.maketrans({"\u0901": "\u0902"})  # chandrabindu -> anusvara
_SEPARATORS: Final = re.compile(r"[\s,.;:!?/()\[\]'\"&+\-–—|।]+")
_STOPWORDS: Final = frozenset({"and", "the", "of", "for", "at", "in", "a", "an", "और", "की", "का", "के"})


def normalise(text: str) -> str:
    """Lower case, decomposed nukta removed, chandrabindu folded, invisible joiners dropped."""
    decomposed = unicodedata.normalize("NFD", text.translate(_INVISIBLE)).replace(_NUKTA, "")
    return unicodedata.normalize("NFC", decomposed).translate(_DEVANAGARI_FOLD).casefold()


def tokens(text: str) -> tuple[str, ...]:
    """Normalised words without stop words; an English plural `s` is dropped (pipes = pipe)."""
    words = [word for word in _SEPARATORS.split(normalise(text)) if word]
    return tuple(_singular(word) for word in words if word not in _STOPWORDS)


def _singular(word: str) -> str:
    return (
        word[:-1]
        if len(word) > 3 and word.isascii() and word.endswith("s") and not word.endswith("ss")
        else word
    )


def _token_similarity(query: str, candidate: str) -> float:
    if query == candidate or (len(query) >= 3 and candidate.startswith(query)):
        return 1.0
    matcher = SequenceMatcher(None, query, candidate, autojunk=False)
    if matcher.real_quick_ratio() < MATCH_THRESHOLD or matcher.quick_ratio() < MATCH_THRESHOLD:
        return 0.0
    return matcher.ratio()


def similarity(query_tokens: Iterable[str], candidate_tokens: Iterable[str]) -> float:
    """How well the query words are found among the candidate words (0 … 1, the mean best match)."""
    candidates = tuple(candidate_tokens)
    scores = [
        max((_token_similarity(word, other) for other in candidates), default=0.0) for word in query_tokens
    ]
    return sum(scores) / len(scores) if scores else 0.0


def matches(query: str, names: Iterable[str]) -> bool:
    """True when `query` names the thing called by any of `names`, allowing small misspellings."""
    query_tokens = tokens(query)
    if not query_tokens:
        return False
    candidate_tokens = tuple(word for name in names for word in tokens(name))
    return similarity(query_tokens, candidate_tokens) >= MATCH_THRESHOLD
