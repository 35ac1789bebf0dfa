"""`reel download --quality` as a real subprocess: a killed transcoded download, bad choices."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.helpers import run_reel
from tests.downloads.slow_proxy import slow_proxy
from tests.downloads.test_cli import _add_and_sync, _queue
from tests.downloads.test_quality import assert_playable_at
from tests.servers.jellyfin import FakeJellyfinServer


@pytest.mark.slow
def test_a_killed_480p_download_resumes_in_480p_and_ends_playable(
    tall_jellyfin: FakeJellyfinServer, isolated_home: Path
) -> None:
    with slow_proxy(tall_jellyfin.port) as proxy:
        item_id = _add_and_sync(proxy.url)
        proxy.bytes_per_s = 150_000
        downloads = isolated_home / "data" / "downloads"
        child = subprocess.Popen(
            [sys.executable, "-m", "reel_tui", "download", item_id, "--quality", "480p"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while not any(p.stat().st_size > 100_000 for p in downloads.glob("*.part")):
                assert child.poll() is None, "the download ended before it was killed"
                assert time.monotonic() < deadline, "the download never got going"
                time.sleep(0.02)
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.wait(10)
        [entry] = _queue()["downloads"]
        assert entry["quality"] == "480p" and entry["state"] == "downloading"

        proxy.bytes_per_s = None
        resumed = run_reel("download", item_id)  # no --quality: the row's own
    assert resumed.returncode == 0, resumed.stderr
    assert "(480p)" in resumed.stdout
    [entry] = _queue()["downloads"]
    assert entry["state"] == "completed" and entry["quality"] == "480p"
    assert_playable_at(Path(entry["path"]), 480)
    assert not list(downloads.glob("*.part"))
    streams = [r for r in tall_jellyfin.requests if "/stream" in r.path.lower()]
    assert len(streams) == 2 and all(r.query["maxheight"] == ["480"] for r in streams)
    # Jellyfin's transcode has no validator: the second run starts the file again.
    assert all("Range" not in r.headers for r in streams)


def test_an_unknown_quality_is_a_usage_error(isolated_home: Path) -> None:
    refused = run_reel("download", "some-item", "--quality", "4k")
    assert refused.returncode == 2
    assert "Invalid value for '--quality'" in refused.stderr
    assert all(name in refused.stderr for name in ("original", "1080p", "720p", "480p"))


def test_a_local_item_refuses_a_transcoded_quality(isolated_home: Path, tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "Alien (1979).mkv").write_bytes(b"\x1a\x45\xdf\xa3")
    assert run_reel("sources", "add", "local", str(media), "--kind", "movies").returncode == 0
    assert run_reel("sync").returncode == 0
    [movie] = json.loads(run_reel("ls", "--json").stdout)
    refused = run_reel("download", movie["id"], "--quality", "480p")
    assert refused.returncode == 1
    assert "local sources cannot transcode it to 480p" in refused.stderr
    assert run_reel("downloads").stdout.startswith("No downloads.")
