"""An episode watched to the end queues the next ones for download (offline.auto_download_next)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, NetworkSettings
from reel_tui.engine.backends.base import PlaybackEvent
from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery
from reel_tui.locations import resolve
from reel_tui.player.session_progress import ProgressReporter
from tests.servers.jellyfin import FakeJellyfinServer, running_jellyfin_server


@pytest.fixture
def server() -> Iterator[FakeJellyfinServer]:
    with running_jellyfin_server(items=30) as started:
        yield started


def _engine(tmp_path: Path, server: FakeJellyfinServer, next_episodes: int) -> Engine:
    config = Config()
    config = replace(
        config,
        network=NetworkSettings(timeout_s=5.0, retries=1),
        offline=replace(config.offline, auto_download_next=next_episodes),
    )
    engine = Engine.open(config, resolve(data_dir=tmp_path / "data"))
    signed_in = sign_in_with_password(
        server.url, "alice", "wonderland", config.network, engine.repo
    )
    source = add_jellyfin_source(engine, signed_in)
    engine.sync_now(source.id, full=True)
    return engine


def _first_episode_with_a_successor(engine: Engine) -> tuple[Item, Item]:
    episodes = engine.list_items(ItemQuery(kinds=(ItemKind.EPISODE,)))
    by_season: dict[str | None, list[Item]] = {}
    for episode in episodes:
        by_season.setdefault(episode.parent_id, []).append(episode)
    for season in by_season.values():
        season.sort(key=lambda e: e.episode or 0)
        if len(season) >= 2:
            return season[0], season[1]
    raise AssertionError("the fake library has no season with two episodes")


@pytest.mark.parametrize(("next_episodes", "expect_queued"), [(1, True), (0, False)])
def test_watching_an_episode_to_the_end_queues_the_next(
    tmp_path: Path, server: FakeJellyfinServer, next_episodes: int, expect_queued: bool
) -> None:
    engine = _engine(tmp_path, server, next_episodes)
    try:
        watched, following = _first_episode_with_a_successor(engine)
        reporter = ProgressReporter(engine, threshold=0.9)
        try:
            reporter.save(watched, 95.0, 100.0, PlaybackEvent.STOP)
        finally:
            reporter.close()
        queued = [s.record.item_id for s in engine.downloads.statuses()]
        assert (following.id in queued) is expect_queued
        assert watched.id not in queued
    finally:
        engine.close()
