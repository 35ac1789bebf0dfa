"""`reel sources add plex|plex-server`, then `reel sync`, `ls` and `show`, as real processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.helpers import reel_json, run_reel
from tests.servers.plex import FakePlexServer, PlexWorld


def _point_at(plex_tv_url: str, tmp_path: Path) -> None:
    # REEL_CONFIG (set by the autouse isolated_home fixture) names this file.
    (tmp_path / "config.toml").write_text(f'[network]\nplex_tv_url = "{plex_tv_url}"\n')


def test_a_single_server_is_added_synced_listed_and_shown(pms: FakePlexServer) -> None:
    added = run_reel(
        "sources", "add", "plex-server", pms.url, "--token-stdin", input_text=pms.token
    )
    assert added.returncode == 0, added.stderr
    assert "Fake Plex" in added.stdout and " ms)" in added.stdout
    assert pms.token not in added.stdout

    (source,) = reel_json("sources", "list")
    assert source["kind"] == "plex" and source["location"] == pms.url
    synced = reel_json("sync")
    assert synced[0]["items_total"] == len(pms.library.items)

    movies = reel_json("ls", "--type", "movie")
    assert len(movies) == len(pms.library.sections[1].by_type[1])
    shown = reel_json("show", movies[0]["id"])
    assert shown["item"]["title"] == movies[0]["title"]
    assert shown["item"]["source_id"] == source["id"]
    assert shown["details"]["thumb"].startswith("/photo/:/transcode?")
    shows = reel_json("ls", "--type", "show")
    seasons = reel_json("show", shows[0]["id"])["children"]
    assert seasons and all(s["kind"] == "season" for s in seasons)


def test_the_token_must_come_on_stdin(pms: FakePlexServer) -> None:
    result = run_reel("sources", "add", "plex-server", pms.url)
    assert result.returncode != 0
    assert "--token-stdin" in result.stderr


def test_an_account_token_adds_every_server(world: PlexWorld, tmp_path: Path) -> None:
    _point_at(world.plex_tv.url, tmp_path)
    added = run_reel(
        "sources", "add", "plex", "--token-stdin", "--json", input_text=world.account.token
    )
    assert added.returncode == 0, added.stderr
    document = json.loads(added.stdout)
    assert sorted(d["name"] for d in document) == ["Fake Plex", "Friend's Plex"]
    assert all(d["address_kind"] == "local" and d["latency_ms"] >= 0 for d in document)


def _start_pin_sign_in() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "reel_tui", "sources", "add", "plex", "--pin"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert "https://plex.tv/link" in first, first + (
        process.stderr.read() if process.stderr else ""
    )
    return process, first.rsplit(" ", 1)[1].strip()


def test_pin_sign_in_prints_the_code_waits_and_adds_the_servers(
    world: PlexWorld, tmp_path: Path
) -> None:
    _point_at(world.plex_tv.url, tmp_path)
    process, code = _start_pin_sign_in()
    try:
        time.sleep(0.3)
        world.plex_tv.link_pin(code)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Fake Plex" in out and "Friend's Plex" in out and "shared by a-friend" in out
    assert len(reel_json("sources", "list")) == 2


def test_ctrl_c_cancels_the_pin_sign_in(world: PlexWorld, tmp_path: Path) -> None:
    _point_at(world.plex_tv.url, tmp_path)
    process, _code = _start_pin_sign_in()
    assert process.stdout is not None
    assert "Ctrl-C cancels" in process.stdout.readline()
    try:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "cancelled" in err and "Traceback" not in err
    assert reel_json("sources", "list") == []
