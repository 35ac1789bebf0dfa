"""How sure a candidate is the item: title similarity, year, kind and episodes, as 0..1.

The parts and their weights:

- title (0.6 for movies, 0.55 for shows): the best similarity between the item's titles and the
  candidate's (title and original title), after dropping case, accents, punctuation and a
  leading article ("The Matrix" = "Matrix, The"). A differing number ("Toy Story 2" against
  "Toy Story") halves it: sequels are different films.
- year (0.3 movies, 0.15 shows): equal 1, one apart 0.7 (festival vs. wide release), else 0;
  unknown on either side 0.5.
- kind (0.1): a movie for a movie, a show for a show.
- episodes (0.2, shows only): the share of the library's episodes the candidate has; unknown
  0.5. Tells "The Office" (UK, 2 seasons) from "The Office" (US, 9) for S05E03.

Different candidates that score the same cannot be told apart: each of them loses a quarter,
so a library item never gets a coin-flip match ("Dune" with no year: 1984 or 2021?).
A candidate found by an external id the item carried is certain (1.0).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from reel_tui.engine.backends.local.grouping_meta import normalise_title
from reel_tui.engine.metadata.types import Candidate, MatchQuery

_ARTICLES = ("the", "a", "an", "le", "la", "les", "l", "der", "die", "das", "el", "los", "il")
_TRAILING_ARTICLE_RE = re.compile(r"^(?P<rest>.+?),\s*(?P<article>the|a|an)$", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\b\d+\b")
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8"}
TIE_MARGIN = 0.02
TIE_PENALTY = 0.75

EpisodeCheck = Callable[[Candidate], float | None]
"""Share (0..1) of the item's episodes a show candidate has; None when unknown."""


def comparable_title(title: str) -> str:
    """A title as compared: normalised, trailing article moved, leading article dropped."""
    match = _TRAILING_ARTICLE_RE.match(title.strip())
    if match:
        title = f"{match['article']} {match['rest']}"
    words = normalise_title(title).split()
    words = [_ROMAN.get(word, word) for word in words]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def title_similarity(a: str, b: str) -> float:
    """0..1: how alike two titles are (see the module docstring)."""
    left, right = comparable_title(a), comparable_title(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    ratio = SequenceMatcher(None, left, right, autojunk=False).ratio()
    if set(_NUMBER_RE.findall(left)) != set(_NUMBER_RE.findall(right)):
        ratio *= 0.5
    return ratio


def year_score(wanted: int | None, found: int | None) -> float:
    if wanted is None or found is None:
        return 0.5
    gap = abs(wanted - found)
    return 1.0 if gap == 0 else 0.7 if gap == 1 else 0.0


def score(query: MatchQuery, candidate: Candidate, episodes: float | None = None) -> float:
    """The confidence that `candidate` is the item `query` describes."""
    if candidate.exact_id and candidate.kind == query.kind:
        return 1.0
    wanted = [t for t in (query.title, query.original_title) if t]
    found = [t for t in (candidate.title, candidate.original_title) if t]
    title = max((title_similarity(w, f) for w in wanted for f in found), default=0.0)
    kind = 1.0 if candidate.kind == query.kind else 0.0
    year = year_score(query.year, candidate.year)
    if query.kind == "show":
        episode_part = 0.5 if episodes is None else episodes
        total = 0.55 * title + 0.15 * year + 0.1 * kind + 0.2 * episode_part
    else:
        total = 0.6 * title + 0.3 * year + 0.1 * kind
    return round(min(max(total, 0.0), 1.0), 4)


def rank(
    query: MatchQuery,
    candidates: Sequence[Candidate],
    episode_check: EpisodeCheck | None = None,
    *,
    check_top: int = 3,
) -> list[Candidate]:
    """The candidates with their confidence, best first.

    Args:
        episode_check: asked for the `check_top` best show candidates only (it costs a
            request each).
    """
    scored = [replace(c, confidence=score(query, c)) for c in candidates]
    scored.sort(key=lambda c: -c.confidence)
    if episode_check is not None and query.kind == "show" and query.episodes:
        rescored = []
        for index, candidate in enumerate(scored):
            share = episode_check(candidate) if index < check_top else None
            rescored.append(replace(candidate, confidence=score(query, candidate, share)))
        scored = sorted(rescored, key=lambda c: -c.confidence)
    if len(scored) > 1 and not scored[0].exact_id:
        top = scored[0].confidence
        tied = [c.confidence >= top - TIE_MARGIN for c in scored]
        if sum(tied) > 1:
            scored = [
                replace(c, confidence=round(c.confidence * TIE_PENALTY, 4)) if tie else c
                for c, tie in zip(scored, tied, strict=True)
            ]
    return scored
