"""Which items of different sources count as the same title (a real cache, items as synced)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.cache.merge import title_key
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import (
    ExternalIds,
    Item,
    ItemKind,
    ItemQuery,
    LibraryKind,
    Source,
    SourceKind,
)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    with Repository.open(tmp_path / "cache.db") as repository:
        for name, kind in (("a", SourceKind.LOCAL), ("b", SourceKind.JELLYFIN)):
            repository.add_source(Source(name, kind, name, f"/{name}", LibraryKind.MIXED))
        yield repository


def movie(source: str, number: int, title: str, year: int | None, **ids: str) -> Item:
    return Item(
        id=f"{source}-{number}",
        source_id=source,
        library_id=f"{source}-lib",
        kind=ItemKind.MOVIE,
        title=title,
        year=year,
        external_ids=ExternalIds(**ids),
    )


def shown_titles(repo: Repository) -> list[tuple[str, str]]:
    return sorted((i.source_id, i.title) for i in repo.list_items(ItemQuery()))


def test_ids_first_then_title_and_year(repo: Repository) -> None:
    repo.upsert_items(
        [
            movie("a", 1, "The Matrix", 1999, imdb="tt0133093"),  # only an IMDb id (an NFO)
            movie("b", 1, "Matrix", 1999, tmdb="603", imdb="tt0133093"),
            movie("a", 2, "Heat", 1995),  # no ids: joins by title and year
            movie("b", 2, "Heat", 1995, tmdb="949"),
            movie("a", 3, "Dune", 1984, tmdb="841"),
            movie("b", 3, "Dune", 2021, tmdb="438631"),  # same title, another film
            movie("a", 4, "Solaris", None),  # no year, no ids: never merged
            movie("b", 4, "Solaris", None),
        ]
    )
    stats = repo.refresh_merge()
    assert (stats.groups, stats.hidden) == (2, 2)
    assert shown_titles(repo) == [
        ("a", "Dune"),
        ("a", "Heat"),
        ("a", "Solaris"),
        ("a", "The Matrix"),
        ("b", "Dune"),
        ("b", "Solaris"),
    ]
    assert {i.id for i in repo.versions("b-1")} == {"a-1", "b-1"}
    assert [i.id for i in repo.versions("a-4")] == ["a-4"]


def test_a_title_two_films_share_is_not_guessed(repo: Repository) -> None:
    repo.upsert_items(
        [
            movie("a", 1, "Hamlet", 1990),
            movie("b", 1, "Hamlet", 1990, tmdb="10549"),
            movie("b", 2, "Hamlet", 1990, tmdb="99999"),
        ]
    )
    repo.refresh_merge()
    assert len(repo.list_items(ItemQuery())) == 3


def test_a_group_follows_changes_of_its_items(repo: Repository) -> None:
    repo.upsert_items([movie("a", 1, "Heat", 1995), movie("b", 1, "Heat", 1995)])
    repo.refresh_merge()
    assert shown_titles(repo) == [("a", "Heat")]
    # Each source's sync regroups after its own changes only.
    repo.upsert_items([movie("a", 1, "Heat", 1995, tmdb="1")])
    repo.refresh_merge("a")  # b's copy, known by its title, follows a's id
    assert shown_titles(repo) == [("a", "Heat")]
    repo.upsert_items([movie("b", 1, "Heat", 1995, tmdb="2")])
    repo.refresh_merge("b")  # the providers say: two different films
    assert shown_titles(repo) == [("a", "Heat"), ("b", "Heat")]


def test_when_the_shown_item_leaves_another_takes_its_place(repo: Repository) -> None:
    repo.upsert_items(
        [
            movie("a", 1, "Alien", 1979, tmdb="348"),
            movie("b", 1, "Alien", 1979, tmdb="348"),
            movie("b", 2, "Alien", 1979, tmdb="348"),
        ]
    )
    repo.refresh_merge("b")
    assert [i.id for i in repo.list_items(ItemQuery())] == ["a-1"]
    repo.upsert_items([movie("a", 1, "Aliens", 1986, tmdb="679")])
    repo.refresh_merge("a")
    shown = sorted(i.id for i in repo.list_items(ItemQuery()))
    assert shown[0] == "a-1" and len(shown) == 2  # one of b's two copies stands for both
    repo.delete_items([shown[1]])
    repo.refresh_merge("b")
    assert len(repo.list_items(ItemQuery())) == 2


def test_titles_fold_case_accents_articles_and_punctuation() -> None:
    assert title_key("The Lord of the Rings: The Two Towers") == title_key(
        "lord of the rings - the two towers"
    )
    assert title_key("Amélie") == title_key("AMELIE")
    assert title_key("Fast & Furious") == title_key("Fast and Furious")
    assert title_key("Alien") != title_key("Aliens")


def test_a_repaired_cache_shows_each_title_once_again(tmp_path: Path) -> None:
    from reel_tui.engine.cache.repair import repair_cache

    path = tmp_path / "cache.db"
    with Repository.open(path) as repository:
        for name, kind in (("a", SourceKind.LOCAL), ("b", SourceKind.JELLYFIN)):
            repository.add_source(Source(name, kind, name, f"/{name}", LibraryKind.MIXED))
        repository.upsert_items(
            [movie("a", 1, "Heat", 1995, tmdb="949"), movie("b", 1, "Heat", 1995, tmdb="949")]
        )
        repository.refresh_merge()
    # The local copy, shown for the group, is among the rows a damaged file loses.
    with Repository.open(path) as repository:
        repository.remove_source("a")
    report = repair_cache(path, force=True)
    assert report.repaired
    with Repository.open(path) as repository:
        assert shown_titles(repository) == [("b", "Heat")]


def test_a_lone_source_is_grouped_once_a_second_one_has_items(repo: Repository) -> None:
    repo.upsert_items([movie("a", 1, "Heat", 1995, tmdb="949"), movie("a", 2, "Dune", 1984)])
    # One source: nothing to be the same as, so a big first sync pays nothing for grouping.
    assert repo.refresh_merge("a").keyed == 0
    repo.upsert_items([movie("b", 1, "Heat", 1995)])
    stats = repo.refresh_merge("b")
    assert (stats.keyed, stats.groups, stats.hidden) == (3, 1, 1)
    assert shown_titles(repo) == [("a", "Dune"), ("a", "Heat")]
