"""Pages of a long list, read one by one, add up to the whole list in every order the
library offers (pages are read keys first, the whole list in one query)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from reel_tui.engine.cache import item_reads as items
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import (
    ExternalIds,
    ItemKind,
    ItemQuery,
    LibraryKind,
    Progress,
    SortKey,
    Source,
    SourceKind,
)
from tests.cache.factories import movie

WORDS = ("night", "day", "river", "stone", "the last", "red", "king")


@pytest.fixture
def two_sources(repo: Repository) -> Repository:
    rng = random.Random(7)
    for source in ("a", "b"):
        repo.add_source(Source(source, SourceKind.LOCAL, source, f"/{source}", LibraryKind.MIXED))
    items = []
    for number in range(240):
        source = "a" if number % 3 else "b"
        title = f"{rng.choice(WORDS)} {rng.choice(WORDS)}".title()  # many equal titles
        items.append(
            movie(
                f"{source}-{number}",
                title,
                source_id=source,
                year=rng.choice([None, 1990, 2001, 2001, 2020]),
                added_at=float(rng.randrange(5)),
                # Every fifth of b's movies is also on a: those are shown once.
                external_ids=ExternalIds(tmdb=str(number % 40))
                if number % 5 == 0
                else ExternalIds(),
            )
        )
    repo.upsert_items(items)
    repo.refresh_merge()
    for item in items[::7]:
        repo.save_progress(Progress(item.id, 60.0, 600.0, watched=True))
    return repo


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    "narrowing",
    [{}, {"source_id": "a"}, {"search": "night"}, {"watched": True}, {"watched": False}],
    ids=["all-sources", "one-source", "search", "watched", "unwatched"],
)
@pytest.mark.parametrize("broad", [False, True], ids=["narrow", "broad"])
def test_pages_add_up_to_the_whole_list(
    two_sources: Repository,
    sort: SortKey,
    descending: bool,
    narrowing: dict[str, object],
    broad: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if broad:
        # Every search counts as broad: pages are read walking the sorted list instead.
        monkeypatch.setattr(items, "BROAD_SEARCH", 1)
    query = ItemQuery(kinds=(ItemKind.MOVIE,), sort=sort, descending=descending, **narrowing)  # type: ignore[arg-type]
    whole = [item.id for item in two_sources.list_items(query)]
    assert whole, "the case lists something"
    assert len(whole) == two_sources.count_items(query)
    paged: list[str] = []
    for offset in range(0, len(whole) + 9, 9):
        page = two_sources.list_items(replace(query, offset=offset, limit=9))
        paged += [item.id for item in page]
    assert paged == whole
