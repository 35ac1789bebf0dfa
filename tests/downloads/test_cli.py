"""`reel download` and `reel downloads` as real subprocesses against the fake Jellyfin server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import run_reel
from tests.downloads.slow_proxy import slow_proxy
from tests.servers.jellyfin import FakeJellyfinServer


def _add_and_sync(url: str) -> str:
    """Sign in to the server at `url`, sync, and return the id of a movie."""
    added = run_reel(
        "sources", "add", "jellyfin", url, "--username", "alice", "--password-stdin",
        input_text="wonderland\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    synced = run_reel("sync")
    assert synced.returncode == 0, synced.stderr
    movies = json.loads(run_reel("ls", "--type", "movie", "--json").stdout)
    return str(movies[0]["id"])


def _queue() -> dict[str, Any]:
    listed = run_reel("downloads", "--json")
    assert listed.returncode == 0, listed.stderr
    document: dict[str, Any] = json.loads(listed.stdout)
    return document


@pytest.mark.slow
def test_reel_download_fetches_the_item_and_lists_it(
    jellyfin_server: FakeJellyfinServer, isolated_home: Path
) -> None:
    item_id = _add_and_sync(jellyfin_server.url)
    done = run_reel("download", item_id)
    assert done.returncode == 0, done.stderr
    assert "Downloaded" in done.stdout

    queue = _queue()
    [entry] = queue["downloads"]
    assert entry["state"] == "completed" and entry["progress"] == 1.0
    assert Path(entry["path"]).read_bytes() == jellyfin_server.clip().path.read_bytes()
    assert Path(entry["path"]).parent == isolated_home / "data" / "downloads"
    assert queue["storage"] == {"used_bytes": jellyfin_server.clip().size, "cap_bytes": 50 * 10**9}

    again = run_reel("download", item_id)
    assert again.returncode == 0 and "already downloaded" in again.stdout

    removed = run_reel("downloads", "remove", str(entry["id"]))
    assert removed.returncode == 0, removed.stderr
    assert not Path(entry["path"]).exists()
    assert _queue()["downloads"] == []


@pytest.mark.slow
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl+c", "SIGTERM"])
def test_ctrl_c_pauses_and_running_again_resumes_with_range(
    jellyfin_server: FakeJellyfinServer, isolated_home: Path, number: signal.Signals
) -> None:
    with slow_proxy(jellyfin_server.port) as proxy:
        item_id = _add_and_sync(proxy.url)
        proxy.bytes_per_s = 250_000
        downloads = isolated_home / "data" / "downloads"
        child = subprocess.Popen(
            [sys.executable, "-m", "reel_tui", "download", item_id],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not any(p.stat().st_size > 100_000 for p in downloads.glob("*.part")):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the download never got going"
            time.sleep(0.02)
        child.send_signal(number)
        out, err = child.communicate(timeout=30)
        proxy.bytes_per_s = None
        assert child.returncode == 130, err
        assert "Paused" in err and f"reel download {item_id}" in err

        [part] = downloads.glob("*.part")
        kept = part.stat().st_size
        assert 0 < kept < jellyfin_server.clip().size
        [entry] = _queue()["downloads"]
        assert entry["state"] == "paused" and entry["done_bytes"] == kept

        resumed = run_reel("download", item_id)
        assert resumed.returncode == 0, resumed.stderr
    final = Path(entry["path"])
    assert final.read_bytes() == jellyfin_server.clip().path.read_bytes()
    ranges = [r.headers.get("Range") for r in jellyfin_server.requests if "/stream" in r.path]
    assert f"bytes={kept}-" in ranges
    assert not part.exists()


def test_reel_download_refuses_local_items(isolated_home: Path, tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "Alien (1979).mkv").write_bytes(b"\x1a\x45\xdf\xa3")
    assert run_reel("sources", "add", "local", str(media), "--kind", "movies").returncode == 0
    assert run_reel("sync").returncode == 0
    [movie] = json.loads(run_reel("ls", "--json").stdout)
    refused = run_reel("download", movie["id"])
    assert refused.returncode == 1
    assert "is a local file: it plays without a server" in refused.stderr
    assert run_reel("downloads").stdout.startswith("No downloads.")


@pytest.mark.parametrize("action", ["pause", "resume", "cancel", "remove"])
def test_actions_on_an_unknown_download_say_so(action: str, isolated_home: Path) -> None:
    result = run_reel("downloads", action, "42")
    assert result.returncode == 1
    assert "No download with id 42" in result.stderr
    assert os.environ["REEL_DATA_DIR"] in str(isolated_home / "data")
