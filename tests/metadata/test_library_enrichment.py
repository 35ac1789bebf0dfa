"""A local library matched by the engine itself: scans stay offline, a pass after them asks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.metadata.background import MetadataState, MetadataStatus
from reel_tui.engine.metadata.enrichment import TRIED_KEY, enrich_pending
from reel_tui.engine.metadata.merge import field_sources
from reel_tui.engine.models import Item, ItemKind, ItemQuery, LibraryKind, Source
from reel_tui.locations import resolve
from tests.metadata.conftest import metadata_config
from tests.servers.omdb import FakeOmdb
from tests.servers.tmdb import FakeTmdb
from tests.servers.tvdb import FakeTvdb

TREE = [
    "Movies/The Lion King (1994)/The Lion King (1994).mkv",
    "Movies/Toy.Story.2.1999.1080p.BluRay.x264.mkv",
    "Movies/Dune/Dune.mkv",
    "TV/The Office/Season 05/The Office - S05E03.mkv",
]


class Fakes:
    def __init__(self, tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb) -> None:
        self.servers = (tmdb, tvdb, omdb)

    def asked(self) -> int:
        """Requests the three providers have answered so far."""
        return sum(len(fake.server.requests) for fake in self.servers)


@pytest.fixture
def fakes(tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb) -> Fakes:
    return Fakes(tmdb, tvdb, omdb)


@pytest.fixture
def media(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    for rel_path in TREE:
        (root / rel_path).parent.mkdir(parents=True, exist_ok=True)
        (root / rel_path).write_bytes(b"")
    return root


def open_engine(config: Config, tmp_path: Path) -> Engine:
    return Engine.open(config, resolve(data_dir=tmp_path / "data"))


@pytest.fixture
def engine(config: Config, tmp_path: Path) -> Iterator[Engine]:
    opened = open_engine(config, tmp_path)
    yield opened
    opened.close()


def one(engine: Engine, source: Source, kind: ItemKind, title: str) -> Item:
    found = [
        item
        for item in engine.list_items(ItemQuery(source_id=source.id, kinds=(kind,)))
        if item.title == title
    ]
    assert len(found) == 1, [i.title for i in engine.list_items(ItemQuery(source_id=source.id))]
    return found[0]


def test_the_scan_asks_no_provider_and_the_pass_after_it_matches(
    engine: Engine, media: Path, fakes: Fakes
) -> None:
    source = engine.add_local_source(media, kind=LibraryKind.MIXED)
    asked = fakes.asked()
    engine.sync_now(source.id)
    assert fakes.asked() == asked  # the scan wrote the items from their names, offline
    assert one(engine, source, ItemKind.MOVIE, "The Lion King").external_ids.tmdb is None

    result = engine.enrich_now(source.id)
    assert (result.pending, result.matched, result.failed) == (4, 3, 0)  # Dune is ambiguous
    lion = one(engine, source, ItemKind.MOVIE, "The Lion King")
    assert (lion.external_ids.tmdb, lion.overview) == ("8587", "A lion cub flees.")
    assert field_sources(lion)["overview"] == "tmdb"
    assert one(engine, source, ItemKind.SHOW, "The Office").external_ids.tvdb == "73244"

    # Unmatched Dune was tried: a second pass asks nobody.
    asked = fakes.asked()
    again = engine.enrich_now(source.id)
    assert (again.pending, again.written, fakes.asked()) == (0, 0, asked)

    # A new file makes the scan regroup every item: the matches come from the cache.
    (media / "Movies/Heat (1995)").mkdir()
    (media / "Movies/Heat (1995)/Heat (1995).mkv").write_bytes(b"")
    engine.sync_now(source.id)
    assert fakes.asked() == asked
    assert one(engine, source, ItemKind.MOVIE, "The Lion King").external_ids.tmdb == "8587"
    assert engine.enrich_now(source.id).pending == 1  # only Heat is new


def test_a_tried_item_is_tried_again_once_the_answers_expired(
    engine: Engine, media: Path, fakes: Fakes
) -> None:
    source = engine.add_local_source(media)
    engine.sync_now(source.id)
    engine.enrich_now(source.id)
    dune = one(engine, source, ItemKind.MOVIE, "Dune")
    assert dune.id in engine.repo.get_sync_meta(source.id, TRIED_KEY)
    retry_s = engine.config.metadata.cache_days * 86400.0

    def later() -> float:
        return time.time() + retry_s + 60

    result = enrich_pending(
        engine.metadata_aggregator, engine.repo, source.id, retry_after_s=retry_s, clock=later
    )
    assert result.pending == 1 and result.matched == 0


def test_the_background_pass_follows_a_queued_sync(
    engine: Engine, media: Path, fakes: Fakes
) -> None:
    source = engine.add_local_source(media)
    statuses: list[MetadataStatus] = []
    engine.metadata_queue.subscribe(statuses.append)
    engine.start_background()
    engine.sync_queue.request(source.id)
    assert engine.sync_queue.wait_idle(30)
    assert engine.metadata_queue.wait_idle(30)
    # (The start-up schedule may sync the source a second time: its pass finds nothing.)
    matched = [
        s.result.matched
        for s in statuses
        if s.state is MetadataState.COMPLETED and s.result is not None
    ]
    assert matched and matched[0] == 3 and sum(matched) == 3
    assert any(s.progress is not None and s.progress.total == 4 for s in statuses)
    toy = one(engine, source, ItemKind.MOVIE, "Toy Story 2")
    assert toy.external_ids.tmdb == "863"


def test_an_nfo_and_a_correction_win_and_survive_rescans(
    engine: Engine, media: Path, fakes: Fakes
) -> None:
    (media / "Movies/The Lion King (1994)/movie.nfo").write_text(
        "<movie><title>Der König der Löwen</title><year>1994</year>"
        "<plot>Told by the NFO.</plot></movie>",
        encoding="utf-8",
    )
    source = engine.add_local_source(media)
    engine.sync_now(source.id)
    engine.enrich_now(source.id)
    lion = one(engine, source, ItemKind.MOVIE, "Der König der Löwen")
    assert lion.overview == "Told by the NFO." and field_sources(lion)["title"] == "nfo"

    dune = one(engine, source, ItemKind.MOVIE, "Dune")
    engine.metadata_aggregator.choose_match(dune, "tmdb:438631")
    engine.enrich_now(source.id)  # Dune was tried: a correction is applied by the scan
    asked = fakes.asked()
    engine.sync_now(source.id, full=True)
    assert fakes.asked() == asked
    corrected = one(engine, source, ItemKind.MOVIE, "Dune")
    assert (corrected.year, corrected.external_ids.tmdb) == (2021, "438631")
    assert corrected.details["match"]["by"] == "correction"
    lion = one(engine, source, ItemKind.MOVIE, "Der König der Löwen")
    assert lion.overview == "Told by the NFO."


def test_without_an_api_key_nothing_is_asked_and_nothing_fails(
    media: Path, fakes: Fakes, tmp_path: Path
) -> None:
    engine = open_engine(metadata_config(None, None, None), tmp_path)
    try:
        source = engine.add_local_source(media)
        asked = fakes.asked()
        engine.sync_now(source.id)
        result = engine.enrich_now(source.id)
        assert not result.ran and result.matched == 0
        assert fakes.asked() == asked
        assert one(engine, source, ItemKind.MOVIE, "The Lion King").details.get("match") is None
    finally:
        engine.close()


def test_lookups_that_failed_are_tried_again_next_time(
    engine: Engine, media: Path, tmdb: FakeTmdb
) -> None:
    source = engine.add_local_source(media)
    engine.sync_now(source.id)
    tmdb.server.fail(503, times=200)
    try:
        failed = engine.enrich_now(source.id)
    finally:
        tmdb.server.clear_faults()
    # TheTVDB and OMDb still matched what they could; Dune was not asked everywhere.
    assert (failed.pending, failed.matched, failed.failed) == (4, 3, 1)
    assert not engine.repo.get_sync_meta(source.id, TRIED_KEY)  # nothing counts as tried
    dune = one(engine, source, ItemKind.MOVIE, "Dune")
    assert dune.details.get("match") is None
    again = engine.enrich_now(source.id)
    assert (again.pending, again.matched, again.failed) == (1, 0, 0)
    assert dune.id in engine.repo.get_sync_meta(source.id, TRIED_KEY)


def test_expired_answers_still_serve_a_scan_that_may_not_ask(
    engine: Engine, media: Path, fakes: Fakes
) -> None:
    source = engine.add_local_source(media)
    engine.sync_now(source.id)
    engine.enrich_now(source.id)
    with engine.repo.transaction():  # every provider answer is out of date now
        engine.repo.database.raw().execute("UPDATE metadata_cache SET expires_at = 1")
    asked = fakes.asked()
    engine.sync_now(source.id, full=True)
    assert fakes.asked() == asked
    lion = one(engine, source, ItemKind.MOVIE, "The Lion King")
    assert (lion.external_ids.tmdb, lion.overview) == ("8587", "A lion cub flees.")


async def test_the_library_on_screen_shows_matches_once_a_pass_wrote_them(
    engine: Engine, media: Path, fakes: Fakes
) -> None:
    import asyncio

    from reel_tui.app import ReelApp
    from reel_tui.widgets.media_table import MediaTable
    from tests.tui.conftest import settle

    source = engine.add_local_source(media)
    engine.sync_now(source.id)  # names only: the pass has not run
    app = ReelApp(engine=engine, config=engine.config, background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(MediaTable)

        # What the rows hold: their title, year and the match their poster and details use.
        def rows(items: list[Item]) -> list[tuple[str, int | None, str | None]]:
            return [(item.title, item.year, item.external_ids.tmdb) for item in items]

        shown_before = rows(table.items)
        engine.metadata_queue.start()
        try:
            engine.metadata_queue.request(source.id)
            assert await asyncio.to_thread(engine.metadata_queue.wait_idle, 30)
        finally:
            engine.metadata_queue.stop()
        await pilot.pause(0.1)
        await settle(pilot)
        cached = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,)))
        assert rows(table.items) != shown_before, "the pass matched something the list shows"
        assert rows(table.items) == rows(cached)
