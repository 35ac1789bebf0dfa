"""Matching a real scanned library against the fake providers; NFO and corrections winning."""

from __future__ import annotations

from pathlib import Path

import pytest

from reel_tui.engine.backends.local.backend import LocalBackend
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.metadata.aggregator import MetadataAggregator
from reel_tui.engine.metadata.merge import field_sources
from reel_tui.engine.metadata.service import apply_match, enrich_source, open_aggregator
from reel_tui.engine.models import Item, ItemKind, ItemQuery, LibraryKind, Source, SourceKind
from tests.metadata.conftest import metadata_config
from tests.servers.omdb import FakeOmdb
from tests.servers.tmdb import FakeTmdb
from tests.servers.tvdb import FakeTvdb

TREE = [
    "Movies/The Lion King (1994)/The Lion King (1994).mkv",
    "Movies/Toy.Story.2.1999.1080p.BluRay.x264.mkv",
    "Movies/Amelie (2001)/Amelie (2001).mkv",
    "Movies/Dune/Dune.mkv",
    "TV/The Office/Season 05/The Office - S05E03.mkv",
    "TV/The Office/Season 07/The Office - S07E01.mkv",
]


class Library:
    """A real local source on a folder of (empty) files, scanned into a real cache."""

    def __init__(self, repo: Repository, root: Path) -> None:
        self.repo = repo
        self.root = root
        self.source = repo.add_source(
            Source("local-meta", SourceKind.LOCAL, "Media", str(root), LibraryKind.MIXED)
        )

    def scan(self, *, full: bool = False) -> None:
        LocalBackend(self.repo.get_source(self.source.id), self.repo, read_nfo=True).sync(full=full)

    def items(self) -> list[Item]:
        return self.repo.list_items(ItemQuery(source_id=self.source.id, include_extras=True))

    def one(self, kind: ItemKind, title: str) -> Item:
        found = [i for i in self.items() if i.kind is kind and i.title == title]
        assert len(found) == 1, [(i.kind, i.title) for i in self.items()]
        return found[0]


@pytest.fixture
def library(repo: Repository, tmp_path: Path) -> Library:
    root = tmp_path / "media"
    for rel_path in TREE:
        (root / rel_path).parent.mkdir(parents=True, exist_ok=True)
        (root / rel_path).write_bytes(b"")
    return Library(repo, root)


def test_a_scanned_library_is_matched_and_merged(
    library: Library, aggregator: MetadataAggregator, repo: Repository
) -> None:
    library.scan()
    enrich_source(aggregator, repo, library.source.id)
    lion = library.one(ItemKind.MOVIE, "The Lion King")
    assert lion.external_ids.as_dict() == {"tmdb": "8587", "imdb": "tt0110357", "tvdb": None}
    assert lion.overview == "A lion cub flees."
    assert lion.details["genres"] == ["Animation", "Family"]
    assert lion.details["cast"][0] == "Matthew Broderick"
    assert lion.details["ratings"] == {"tmdb": 8.3, "omdb": 8.4, "imdb": 8.4, "metacritic": 7.3}
    assert lion.details["poster_url"].endswith("/w500/poster-8587.jpg")
    assert lion.details["match"]["provider"] == "tmdb"
    sources = field_sources(lion)
    assert sources["title"] == "tmdb" and sources["overview"] == "tmdb"
    assert sources["ids.imdb"] == "tmdb"
    assert library.one(ItemKind.MOVIE, "Toy Story 2").external_ids.tmdb == "863"
    amelie = library.one(ItemKind.MOVIE, "Amélie")  # the provider's spelling
    assert amelie.original_title == "Le Fabuleux Destin d'Amélie Poulain"
    dune = library.one(ItemKind.MOVIE, "Dune")  # 1984 or 2021? left alone
    assert dune.external_ids.tmdb is None and "match" not in dune.details
    assert field_sources(dune)["title"] == "name"


def test_a_show_is_matched_by_the_episodes_it_has(
    library: Library, aggregator: MetadataAggregator, repo: Repository
) -> None:
    library.scan()
    enrich_source(aggregator, repo, library.source.id)
    office = library.one(ItemKind.SHOW, "The Office")
    assert office.external_ids.tmdb == "2316"  # the US one: the UK one has 2 seasons
    assert office.external_ids.tvdb == "73244"
    episode = library.one(ItemKind.EPISODE, "The Office 5x03")
    assert episode.overview == "The Office 5x03: what happens."
    assert field_sources(episode)["title"] == "tmdb"
    assert episode.details["still_url"].endswith("/still-2316-5-3.jpg")


def test_a_cache_only_run_asks_no_provider_and_reuses_earlier_answers(
    library: Library,
    aggregator: MetadataAggregator,
    repo: Repository,
    tmdb: FakeTmdb,
) -> None:
    library.scan()
    asked = len(tmdb.server.requests)
    enrich_source(aggregator, repo, library.source.id, cache_only=True)
    assert len(tmdb.server.requests) == asked  # the scanner's hook never waits on the network
    assert library.one(ItemKind.MOVIE, "The Lion King").external_ids.tmdb is None
    enrich_source(aggregator, repo, library.source.id)  # the follow-up run with the network
    matched = {i.id: i for i in library.items()}
    library.scan(full=True)
    asked = len(tmdb.server.requests)
    enrich_source(aggregator, repo, library.source.id, cache_only=True)
    assert len(tmdb.server.requests) == asked
    again = {i.id: i for i in library.items()}
    assert again.keys() == matched.keys()
    for item_id, item in matched.items():
        assert (again[item_id].title, again[item_id].external_ids) == (
            item.title,
            item.external_ids,
        )
        assert again[item_id].details.get("match") == item.details.get("match")


def test_an_nfo_wins_over_the_provider(
    library: Library, aggregator: MetadataAggregator, repo: Repository
) -> None:
    (library.root / "Movies/The Lion King (1994)/movie.nfo").write_text(
        "<movie><title>Der König der Löwen</title><year>1994</year>"
        '<plot>Told by the NFO.</plot><uniqueid type="tmdb">8587</uniqueid></movie>',
        encoding="utf-8",
    )
    library.scan()
    enrich_source(aggregator, repo, library.source.id)
    lion = library.one(ItemKind.MOVIE, "Der König der Löwen")
    assert lion.overview == "Told by the NFO."
    sources = field_sources(lion)
    assert sources["title"] == "nfo" and sources["overview"] == "nfo"
    # What the NFO did not say comes from the provider it names.
    assert lion.details["genres"] == ["Animation", "Family"] and sources["genres"] == "tmdb"
    assert lion.external_ids.imdb == "tt0110357"
    assert lion.details["match"] == {
        "provider": "tmdb",
        "id": "8587",
        "by": "id",
        "confidence": 1.0,
    }


def test_a_correction_survives_a_rescan_and_a_rename(
    library: Library, aggregator: MetadataAggregator, repo: Repository
) -> None:
    library.scan()
    enrich_source(aggregator, repo, library.source.id)
    dune = library.one(ItemKind.MOVIE, "Dune")
    corrected = apply_match(aggregator, repo, dune, "tmdb:438631")
    assert (corrected.year, corrected.external_ids.tmdb) == (2021, "438631")
    assert corrected.details["match"]["by"] == "correction"

    library.scan(full=True)  # the scan rewrites every item from the file names ...
    assert library.one(ItemKind.MOVIE, "Dune").external_ids.tmdb is None
    enrich_source(aggregator, repo, library.source.id)  # ... and the hook re-applies the fix
    again = library.one(ItemKind.MOVIE, "Dune")
    assert (again.year, again.external_ids.tmdb, again.overview) == (
        2021,
        "438631",
        "Villeneuve's desert.",
    )

    (library.root / "Movies/Dune/Dune.mkv").rename(library.root / "Movies/Dune/Dune.2160p.mkv")
    library.scan()
    enrich_source(aggregator, repo, library.source.id)
    assert library.one(ItemKind.MOVIE, "Dune").external_ids.tmdb == "438631"


def test_a_wrong_match_is_undone_and_a_typed_title_wins(
    library: Library, aggregator: MetadataAggregator, repo: Repository
) -> None:
    library.scan()
    enrich_source(aggregator, repo, library.source.id)
    toy = library.one(ItemKind.MOVIE, "Toy Story 2")
    apply_match(aggregator, repo, toy, "tmdb:862")  # the user insists on the first film
    aggregator.correct_field(toy, "title", "Toy Story (my cut)")
    library.scan(full=True)
    enrich_source(aggregator, repo, library.source.id)
    fixed = library.one(ItemKind.MOVIE, "Toy Story (my cut)")
    assert fixed.external_ids.tmdb == "862" and fixed.year == 1995
    assert field_sources(fixed)["title"] == "correction"


def test_an_unreachable_provider_leaves_the_library_as_it_was(
    library: Library, aggregator: MetadataAggregator, repo: Repository, tmdb: FakeTmdb
) -> None:
    library.scan()
    tmdb.server.fail(503, times=50)
    try:
        enrich_source(aggregator, repo, library.source.id)
    finally:
        tmdb.server.clear_faults()
    lion = library.one(ItemKind.MOVIE, "The Lion King")
    # TMDB is skipped for the rest of the run; OMDb, next in line, still matched the movie.
    assert lion.external_ids.tmdb is None
    assert lion.external_ids.imdb == "tt0110357" and lion.details["match"]["provider"] == "omdb"
    assert library.one(ItemKind.MOVIE, "Dune").external_ids.imdb is None


def test_thetvdb_first_names_the_show_and_its_episodes(
    library: Library, repo: Repository, tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb
) -> None:
    config = metadata_config(tmdb, tvdb, omdb, providers=("tvdb", "tmdb", "omdb"))
    aggregator = open_aggregator(config, repo, None)
    try:
        library.scan()
        enrich_source(aggregator, repo, library.source.id)
    finally:
        aggregator.close()
    office = library.one(ItemKind.SHOW, "The Office")
    assert office.details["match"]["provider"] == "tvdb"
    assert office.external_ids.as_dict() == {"tmdb": "2316", "imdb": "tt0386676", "tvdb": "73244"}
    assert office.details["cast"] == ["Steve Carell", "Rainn Wilson"]
    episode = library.one(ItemKind.EPISODE, "The Office 7x01")
    assert episode.overview == "The Office 7x01: TheTVDB's summary."
    assert field_sources(episode)["overview"] == "tvdb"
    # Movies are not TheTVDB's: the next provider matched them.
    assert library.one(ItemKind.MOVIE, "The Lion King").details["match"]["provider"] == "tmdb"


def test_no_match_is_a_correction_too(
    library: Library, aggregator: MetadataAggregator, repo: Repository
) -> None:
    library.scan()
    enrich_source(aggregator, repo, library.source.id)
    amelie = library.one(ItemKind.MOVIE, "Amélie")
    assert "match" in apply_match(aggregator, repo, amelie, "tmdb:194").details
    assert "match" not in apply_match(aggregator, repo, amelie, None).details
    library.scan(full=True)
    enrich_source(aggregator, repo, library.source.id)
    amelie = library.one(ItemKind.MOVIE, "Amelie")  # the name's spelling: never matched again
    assert amelie.external_ids.tmdb is None and "match" not in amelie.details
