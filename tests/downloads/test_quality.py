"""Downloads in a transcoded quality: real ffmpeg transcodes from the fake Jellyfin and Plex.

The servers stream a 1280x720 clip; a 480p download must come back as a playable file 480
pixels tall, made by the server's transcoder and fetched through the real backends.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from reel_tui.config_schema import OfflineSettings
from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
from reel_tui.engine.backends.plex import signin as plex_signin
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads import DownloadManager, DownloadState
from reel_tui.engine.downloads_errors import DownloadError
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery, SourceKind
from tests.downloads.conftest import ManagerFactory, add_source, movie, plex_stream
from tests.servers.jellyfin import FakeJellyfinServer
from tests.servers.plex import FakePlexServer


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's view of a file: its video stream and its duration."""
    ffprobe = shutil.which("ffprobe") or "ffprobe"
    args = [ffprobe, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)]
    found: dict[str, Any] = json.loads(
        subprocess.run(args, capture_output=True, check=True, text=True).stdout
    )
    return found


def assert_playable_at(path: Path, height: int) -> None:
    """The file decodes from end to end and its video is `height` pixels tall."""
    probed = probe(path)
    [video] = [s for s in probed["streams"] if s["codec_type"] == "video"]
    assert video["codec_name"] == "h264"
    assert video["height"] == height
    assert float(probed["format"]["duration"]) == pytest.approx(4.0, abs=0.3)
    ffmpeg = shutil.which("ffmpeg") or "ffmpeg"
    decoded = subprocess.run(
        [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert decoded.returncode == 0 and not decoded.stderr, decoded.stderr


def first_movie_id(engine: Engine, source_id: str) -> str:
    [first, *_] = engine.repo.list_items(ItemQuery(source_id=source_id, kinds=(ItemKind.MOVIE,)))
    return first.id


def jellyfin_movie(engine: Engine, server: FakeJellyfinServer) -> str:
    signed_in = sign_in_with_password(
        server.url, "alice", "wonderland", engine.config.network, engine.repo
    )
    source = add_jellyfin_source(engine, signed_in)
    engine.sync_now(source.id, full=True)
    return first_movie_id(engine, source.id)


def plex_movie(engine: Engine, server: FakePlexServer) -> str:
    added = plex_signin.add_server(engine, server.url, server.token)
    engine.sync_now(added.source.id)
    return first_movie_id(engine, added.source.id)


def test_jellyfin_480p_download_is_a_real_transcode_480_tall(
    engine: Engine, tall_jellyfin: FakeJellyfinServer
) -> None:
    item_id = jellyfin_movie(engine, tall_jellyfin)
    manager = engine.downloads
    record = manager.run(manager.enqueue(item_id, quality="480p").id)

    assert record.state is DownloadState.COMPLETED, record.error
    assert record.quality == "480p"
    path = manager.local_copy(item_id)
    assert path is not None and path.suffix == ".mkv"
    assert_playable_at(path, 480)
    assert path.read_bytes() == tall_jellyfin.transcodes[-1][1].read_bytes()
    [asked] = [r for r in tall_jellyfin.requests if "/stream" in r.path.lower()]
    assert asked.query["maxheight"] == ["480"] and asked.query["static"] == ["false"]
    assert not any(k in asked.query for k in ("apikey", "api_key"))
    assert "Range" not in asked.headers


def test_plex_480p_download_is_a_real_transcode_480_tall(
    engine: Engine, tall_plex: FakePlexServer
) -> None:
    item_id = plex_movie(engine, tall_plex)
    manager = engine.downloads
    record = manager.run(manager.enqueue(item_id, quality="480p").id)

    assert record.state is DownloadState.COMPLETED, record.error
    path = manager.local_copy(item_id)
    assert path is not None and path.suffix == ".mp4"
    assert_playable_at(path, 480)
    assert record.total_bytes == path.stat().st_size
    paths = [r.path for r in tall_plex.requests if "/transcode/universal/" in r.path]
    assert paths == [
        "/video/:/transcode/universal/decision",
        "/video/:/transcode/universal/start.mp4",
    ]
    start = next(r for r in tall_plex.requests if r.path.endswith("start.mp4"))
    assert start.param("videoResolution") == "854x480" and start.param("protocol") == "http"
    assert start.param("X-Plex-Token") is None and start.headers["x-plex-token"]


def test_a_paused_transcode_resumes_with_range_only_where_the_server_offers_it(
    engine: Engine, tall_plex: FakePlexServer
) -> None:
    tall_plex.transcode_ranges = True  # finished transcodes, with an ETag
    item_id = plex_movie(engine, tall_plex)
    slow = DownloadManager.for_engine(engine, max_bytes_per_s=200_000)
    record = slow.enqueue(item_id, quality="480p")
    stop = threading.Event()
    worker = threading.Thread(target=slow.run, args=(record.id, stop))
    worker.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        part = slow.store.get(record.id).part_path
        if part is not None and part.exists() and part.stat().st_size > 50_000:
            break
        time.sleep(0.02)
    stop.set()
    worker.join(10)
    slow.close()
    manager = engine.downloads
    paused = manager.store.get(record.id)
    assert paused.state is DownloadState.PAUSED and paused.validator
    assert paused.part_path is not None
    kept = paused.part_path.stat().st_size

    manager.resume(record.id)
    assert manager.enqueue(item_id).quality == "480p"  # no quality given: the row's own
    done = manager.run(record.id)
    assert done.state is DownloadState.COMPLETED, done.error
    assert Path(done.path or "").read_bytes() == tall_plex.transcodes[-1][1].read_bytes()
    ranges = [r.headers.get("range") for r in tall_plex.requests if r.path.endswith("start.mp4")]
    assert ranges == [None, f"bytes={kept}-"]


def test_a_transcode_without_a_validator_starts_again_from_zero(
    engine: Engine, tall_jellyfin: FakeJellyfinServer
) -> None:
    item_id = jellyfin_movie(engine, tall_jellyfin)
    manager = engine.downloads
    record = manager.enqueue(item_id, quality="480p")
    folder = engine.locations.downloads_dir
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / "left over.mkv.part"
    part.write_bytes(b"\x00" * 50_000)  # what a killed run of this download left behind
    manager.store.update(record.id, path=str(folder / "left over.mkv"), done_bytes=50_000)

    done = manager.run(record.id)
    assert done.state is DownloadState.COMPLETED, done.error
    assert_playable_at(Path(done.path or ""), 480)
    [asked] = [r for r in tall_jellyfin.requests if "/stream" in r.path.lower()]
    assert "Range" not in asked.headers


def test_the_setting_chooses_the_quality_and_a_new_quality_drops_the_partial(
    repo: Repository, plex: FakePlexServer, make_manager: ManagerFactory, downloads_dir: Path
) -> None:
    source = add_source(repo, SourceKind.PLEX, plex.url)
    repo.upsert_items([movie(source, "px-1", str(min(plex.library.by_part)), "Plex One")])
    manager = make_manager(plex_stream(plex), OfflineSettings(download_quality="720p"))
    record = manager.enqueue("px-1")
    assert record.quality == "720p"
    part = downloads_dir / "Plex One (2001).mkv.part"
    part.write_bytes(b"partial 720p bytes")
    manager.store.update(record.id, path=str(part.with_suffix("")), state=DownloadState.PAUSED)

    assert manager.enqueue("px-1").quality == "720p"  # no quality: the row keeps its own
    assert part.exists()
    changed = manager.enqueue("px-1", quality="original")
    assert changed.quality == "original" and changed.path is None and changed.done_bytes == 0
    assert not part.exists()


def test_unknown_qualities_are_refused_with_the_choices(
    repo: Repository, plex: FakePlexServer, make_manager: ManagerFactory
) -> None:
    source = add_source(repo, SourceKind.PLEX, plex.url)
    repo.upsert_items([movie(source, "px-1", str(min(plex.library.by_part)), "Plex One")])
    with pytest.raises(DownloadError, match=r"'4k': choose one of original, 1080p, 720p, 480p"):
        make_manager(plex_stream(plex)).enqueue("px-1", quality="4k")
    badly_set = make_manager(plex_stream(plex), OfflineSettings(download_quality="high"))
    with pytest.raises(DownloadError, match="unknown download quality 'high'"):
        badly_set.enqueue("px-1")
    assert badly_set.statuses() == []


def test_local_sources_refuse_a_transcoded_quality(
    repo: Repository, make_manager: ManagerFactory, tmp_path: Path
) -> None:
    source = add_source(repo, SourceKind.LOCAL, str(tmp_path))
    repo.upsert_items([movie(source, "local-1", "alien", "Alien")])
    manager = make_manager(plex_stream_never_called)
    with pytest.raises(DownloadError) as refused:
        manager.enqueue("local-1", quality="480p")
    assert str(refused.value) == (
        "Alien is a local file: it plays without a server, and local sources cannot "
        "transcode it to 480p"
    )
    assert manager.statuses() == []


def plex_stream_never_called(*args: object) -> Any:
    raise AssertionError("a refused download asked for a stream")


def test_config_accepts_exactly_the_download_qualities() -> None:
    # The config layer sits below the engine, so it lists the words itself: keep them equal.
    from reel_tui.config import CHOICES
    from reel_tui.engine.downloads_quality import QUALITY_NAMES

    assert CHOICES["offline.download_quality"] == QUALITY_NAMES
