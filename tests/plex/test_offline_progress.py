"""Progress made while the Plex server is away reaches it once it is back, without a restart."""

from __future__ import annotations

import logging

import pytest

from reel_tui.engine.backends.base import PlaybackEvent
from reel_tui.engine.engine import Engine
from reel_tui.player.session_progress import ProgressReporter
from tests.servers.plex import FakePlexServer
from tests.servers.plex_data import MOVIE
from tests.session.conftest import wait_until


def test_progress_saved_offline_is_sent_after_the_next_sync(
    server_engine: tuple[Engine, str], pms: FakePlexServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reel_tui.player.session_progress")
    engine, source_id = server_engine
    engine.sync_now(source_id)
    plex_movie = pms.library.sections[1].by_type[MOVIE][0]
    movie = engine.repo.get_item_by_remote_id(source_id, str(plex_movie.rating_key))
    duration = movie.duration_s or 60.0
    reporter = ProgressReporter(engine, 0.9)
    try:
        pms.stop_address(0)
        reporter.save(movie, duration, duration, PlaybackEvent.STOP, ended=True)
        assert wait_until(lambda: "stays queued" in caplog.text)
        saved = engine.repo.get_progress(movie.id)
        assert saved is not None and saved.watched and not saved.synced

        pms.start_address(0)
        engine.sync_queue.start()
        engine.sync_queue.request(source_id)

        assert wait_until(lambda: engine.repo.unsynced_progress() == [])
        paths = [(c.path, c.rating_key) for c in pms.playback_calls]
        assert paths == [
            ("/:/timeline", plex_movie.rating_key),
            ("/:/scrobble", plex_movie.rating_key),
        ]
        assert pms.playback_calls[0].params["state"] == "stopped"
    finally:
        reporter.close()
