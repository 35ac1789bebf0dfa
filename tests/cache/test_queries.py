"""Paging, sorting, filters and title search of the item list."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.engine.cache import item_reads
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import (
    Item,
    ItemKind,
    ItemQuery,
    Progress,
    SortKey,
    Source,
    SourceKind,
)
from tests.cache.factories import movie, show_tree


@pytest.fixture
def library(repo: Repository, local_source: Source) -> Repository:
    repo.add_source(Source(id="local-2", kind=SourceKind.LOCAL, name="B", location="/b"))
    repo.replace_items(
        "local-1",
        [
            movie("m-matrix", "The Matrix", year=1999, added_at=3.0),
            movie("m-alien", "alien", year=1979, added_at=1.0),
            movie("m-brazil", "Brazil", year=None, added_at=2.0),
            movie("m-apple", "A Bug's Life", year=1998, added_at=5.0),
            movie("m-ecole", "École", year=2004, added_at=4.0),
            Item(
                id="x-trailer",
                source_id="local-1",
                library_id="local-1-lib",
                kind=ItemKind.EXTRA,
                title="Alien trailer",
                parent_id="m-alien",
            ),
            *show_tree("s-dark", "Dark", seasons=2, episodes=2),
        ],
    )
    repo.replace_items(
        "local-2",
        [movie("b-zelig", "Zelig", source_id="local-2", library_id="lib-b", year=1983)],
    )
    return repo


def titles(repo: Repository, query: ItemQuery) -> list[str]:
    return [item.title for item in repo.list_items(query)]


MOVIES = (ItemKind.MOVIE,)


def test_title_sort_ignores_case_articles_and_accents(library: Repository) -> None:
    assert titles(library, ItemQuery(kinds=MOVIES)) == [
        "alien",
        "Brazil",
        "A Bug's Life",
        "École",
        "The Matrix",
        "Zelig",
    ]
    assert titles(library, ItemQuery(kinds=MOVIES, descending=True))[0] == "Zelig"


def test_year_sort_puts_unknown_years_last(library: Repository) -> None:
    assert titles(library, ItemQuery(kinds=MOVIES, sort=SortKey.YEAR)) == [
        "alien",
        "Zelig",
        "A Bug's Life",
        "The Matrix",
        "École",
        "Brazil",
    ]
    assert titles(library, ItemQuery(kinds=MOVIES, sort=SortKey.YEAR, descending=True)) == [
        "École",
        "The Matrix",
        "A Bug's Life",
        "Zelig",
        "alien",
        "Brazil",
    ]


def test_added_sort(library: Repository) -> None:
    newest_first = ItemQuery(kinds=MOVIES, sort=SortKey.ADDED, descending=True, source_id="local-1")
    assert titles(library, newest_first) == [
        "A Bug's Life",
        "École",
        "The Matrix",
        "Brazil",
        "alien",
    ]


def test_paging_walks_the_sorted_list_without_gaps(library: Repository) -> None:
    everything = titles(library, ItemQuery(kinds=MOVIES))
    pages = [
        titles(library, ItemQuery(kinds=MOVIES, offset=offset, limit=2))
        for offset in range(0, 6, 2)
    ]
    assert [t for page in pages for t in page] == everything
    assert titles(library, ItemQuery(kinds=MOVIES, offset=5)) == everything[5:]
    assert library.count_items(ItemQuery(kinds=MOVIES, offset=2, limit=1)) == 6


def test_filters_by_source_library_parent_and_kind(library: Repository) -> None:
    assert titles(library, ItemQuery(source_id="local-2")) == ["Zelig"]
    assert titles(library, ItemQuery(library_id="lib-b")) == ["Zelig"]
    assert titles(library, ItemQuery(parent_id="s-dark")) == ["Season 1", "Season 2"]
    seasons_and_shows = ItemQuery(kinds=(ItemKind.SHOW, ItemKind.SEASON))
    assert library.count_items(seasons_and_shows) == 3
    # Every kind but extras by default: 6 movies, 1 show, 2 seasons, 4 episodes.
    assert library.count_items(ItemQuery()) == 13


def test_extras_only_when_asked(library: Repository) -> None:
    assert "Alien trailer" not in titles(library, ItemQuery())
    assert "Alien trailer" in titles(library, ItemQuery(include_extras=True))
    assert titles(library, ItemQuery(kinds=(ItemKind.EXTRA,))) == ["Alien trailer"]
    assert titles(library, ItemQuery(parent_id="m-alien", kinds=(ItemKind.EXTRA,))) == [
        "Alien trailer"
    ]
    with_extras = ItemQuery(kinds=MOVIES, include_extras=True)
    assert library.count_items(with_extras) == 7


def test_watched_filter_and_progress_on_items(library: Repository) -> None:
    library.save_progress(Progress(item_id="m-alien", position_s=7000, watched=True))
    library.save_progress(Progress(item_id="m-brazil", position_s=60.0))
    assert titles(library, ItemQuery(kinds=MOVIES, watched=True)) == ["alien"]
    assert library.count_items(ItemQuery(kinds=MOVIES, watched=False)) == 5
    brazil = library.get_item("m-brazil")
    assert (brazil.watched, brazil.position_s) == (False, 60.0)
    assert library.get_item("m-alien").watched is True


@pytest.mark.parametrize("few", [True, False], ids=["few-watched", "many-watched"])
def test_watched_filter_pages_alike_whether_few_or_many_are_watched(
    library: Repository, monkeypatch: pytest.MonkeyPatch, few: bool
) -> None:
    # Few watched items lead the query by their keys; many are found walking the title order.
    if not few:
        monkeypatch.setattr(item_reads, "BROAD_WATCHED", 2)
    for item_id in ("m-matrix", "m-ecole", "m-apple", "b-zelig"):
        library.save_progress(Progress(item_id=item_id, position_s=10.0, watched=True))
    library.save_progress(Progress(item_id="m-alien", position_s=60.0))
    watched = ItemQuery(kinds=MOVIES, watched=True)
    assert titles(library, watched) == ["A Bug's Life", "École", "The Matrix", "Zelig"]
    assert library.count_items(watched) == 4
    assert titles(library, replace(watched, offset=1, limit=2)) == ["École", "The Matrix"]
    newest = replace(watched, sort=SortKey.ADDED, descending=True, limit=3)
    assert titles(library, newest) == ["Zelig", "A Bug's Life", "École"]  # Zelig is newest
    assert titles(library, replace(watched, source_id="local-2")) == ["Zelig"]
    assert titles(library, replace(watched, search="matrix")) == ["The Matrix"]
    assert titles(library, replace(watched, watched=False)) == ["alien", "Brazil"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("matrix", ["The Matrix"]),
        ("MAT", ["The Matrix"]),
        ("ecole", ["École"]),
        ("éco", ["École"]),
        ("bug life", ["A Bug's Life"]),
        ("life bug", ["A Bug's Life"]),
        (
            "dark",
            ["Dark", "Episode 1", "Episode 1", "Episode 2", "Episode 2", "Season 1", "Season 2"],
        ),
        ("dark episode 2", ["Episode 2", "Episode 2"]),
        ("zzz", []),
    ],
)
def test_search_matches_word_prefixes(library: Repository, text: str, expected: list[str]) -> None:
    assert titles(library, ItemQuery(search=text)) == expected
    assert library.count_items(ItemQuery(search=text)) == len(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"', None),
        ("*", None),
        ("(", None),
        ("{}", None),
        ('"matrix', ["The Matrix"]),
        ("matrix*", ["The Matrix"]),
        ("-matrix", ["The Matrix"]),
        ("matrix -", ["The Matrix"]),
        ("^mat", ["The Matrix"]),
        ("the matrix", ["The Matrix"]),
        # Operators are words like any other: nothing is titled with "and", "or", "near".
        ("AND", []),
        ("matrix AND", []),
        ("OR alien", []),
        ("NOT", []),
        ("NEAR(matrix alien)", []),
        ("title:matrix", []),
        ("'; DROP TABLE items", []),
    ],
)
def test_search_treats_query_syntax_as_plain_text(
    library: Repository, text: str, expected: list[str] | None
) -> None:
    found = titles(library, ItemQuery(search=text))
    if expected is None:  # no words at all: the search filters nothing
        assert len(found) == library.count_items(ItemQuery())
    else:
        assert found == expected
    assert library.count_items(ItemQuery()) == 13


def test_search_of_only_punctuation_filters_nothing(library: Repository) -> None:
    assert library.count_items(ItemQuery(search=' "*- ')) == library.count_items(ItemQuery())


def test_search_finds_original_titles_and_follows_updates(
    repo: Repository, local_source: Source
) -> None:
    repo.replace_items("local-1", [movie("m1", "Spirited Away", original_title="Sen to Chihiro")])
    assert titles(repo, ItemQuery(search="chihiro")) == ["Spirited Away"]
    repo.replace_items("local-1", [movie("m1", "Away", original_title=None)])
    assert titles(repo, ItemQuery(search="chihiro")) == []
    assert titles(repo, ItemQuery(search="away")) == ["Away"]
    repo.replace_items("local-1", [])
    assert titles(repo, ItemQuery(search="away")) == []


def _title_index_is_consistent(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
        indexed = {r[0] for r in conn.execute("SELECT rowid FROM items_fts")}
        items = {r[0] for r in conn.execute("SELECT pk FROM items")}
        return indexed == items
    finally:
        conn.close()


def test_title_index_follows_every_write_path(cache_path: Path, library: Repository) -> None:
    assert _title_index_is_consistent(cache_path)
    library.upsert_items([movie("m-alien", "Aliens"), movie("m-new", "Nosferatu")])
    library.delete_items(["m-brazil"])
    library.replace_items("local-1", library.list_items(ItemQuery(source_id="local-1"))[:4])
    library.remove_source("local-2")
    assert _title_index_is_consistent(cache_path)
    assert titles(library, ItemQuery(search="zelig")) == []
    assert titles(library, ItemQuery(search="brazil")) == []
