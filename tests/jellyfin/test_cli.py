"""`reel sources add jellyfin`, `reel sync`, `reel ls`, `reel show` as real subprocesses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemQuery, Source
from tests.cli.helpers import run_reel
from tests.servers.jellyfin import FakeJellyfinServer


def _json(*args: str, input_text: str | None = None) -> Any:
    result = run_reel(*args, "--json", input_text=input_text)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_sync_list_and_show_a_jellyfin_server(jellyfin_server: FakeJellyfinServer) -> None:
    source = _json(
        "sources", "add", "jellyfin", jellyfin_server.url, "--username", "alice",
        "--password-stdin", input_text="wonderland\n",
    )  # fmt: skip
    assert source["kind"] == "jellyfin"
    assert source["name"] == "Fake Jellyfin"

    [result] = _json("sync", source["id"])
    movies = _json("ls", "--source", source["id"], "--type", "movie")
    assert len(movies) == len(jellyfin_server.item_ids("Movie"))
    shown = _json("show", movies[0]["id"])
    assert shown["item"] == movies[0]
    assert shown["overview"]
    shows = _json("ls", "--source", source["id"], "--type", "show")
    seasons = _json("show", shows[0]["id"])["children"]
    assert seasons and all(s["kind"] == "season" for s in seasons)
    listed = _json("sources", "list")
    assert [s["item_count"] for s in listed if s["id"] == source["id"]] == [result["items_total"]]


def test_a_wrong_password_fails_cleanly(jellyfin_server: FakeJellyfinServer) -> None:
    result = run_reel(
        "sources", "add", "jellyfin", jellyfin_server.url, "-u", "alice", "--password-stdin",
        input_text="wrong\n",
    )  # fmt: skip
    assert result.returncode == 1
    assert "user name or password" in result.stderr
    assert "Traceback" not in result.stderr
    assert _json("sources", "list") == []


def test_adding_the_server_again_after_a_revoked_token_signs_in_again(
    jellyfin_server: FakeJellyfinServer,
) -> None:
    add = ("sources", "add", "jellyfin", jellyfin_server.url, "-u", "alice", "--password-stdin")
    source = _json(*add, input_text="wonderland\n")
    [synced] = _json("sync", source["id"])
    assert jellyfin_server.auth.revoke_all()
    failed = run_reel("sync", source["id"])
    assert failed.returncode != 0
    assert "sign in again" in failed.stdout + failed.stderr

    again = run_reel(*add, input_text="wonderland\n")

    assert again.returncode == 0, again.stderr
    assert f"Signed in again to Fake Jellyfin (alice): {source['id']}" in again.stdout
    [listed] = _json("sources", "list")
    assert listed["id"] == source["id"]
    assert listed["item_count"] == synced["items_total"]  # the cache was kept
    [resynced] = _json("sync", source["id"])
    assert resynced["items_total"] == synced["items_total"]


def _start_quick_connect(server: FakeJellyfinServer) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "reel_tui", "sources", "add", "jellyfin", server.url,
         "--quick-connect", "--json"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line.startswith("Quick Connect code: "), line
    return process, line.split(": ", 1)[1].strip()


def test_quick_connect_waits_for_the_code_to_be_approved(
    jellyfin_server: FakeJellyfinServer,
) -> None:
    process, code = _start_quick_connect(jellyfin_server)
    assert jellyfin_server.approve_quick_connect(code)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert json.loads(out)["kind"] == "jellyfin"


def test_ctrl_c_cancels_quick_connect(jellyfin_server: FakeJellyfinServer) -> None:
    process, _code = _start_quick_connect(jellyfin_server)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "cancelled" in err
    assert _json("sources", "list") == []


def test_a_sync_killed_half_way_leaves_the_previous_state(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    before = [i.to_json() for i in engine.list_items(ItemQuery(source_id=synced.id))]
    movies = jellyfin_server.item_ids("Movie")
    jellyfin_server.touch_item(movies[0], name="Written Then Killed")
    jellyfin_server.remove_item(jellyfin_server.item_ids("Series")[0])
    jellyfin_server.requests.clear()
    jellyfin_server.delay_s = 0.5
    process = subprocess.Popen(
        [sys.executable, "-m", "reel_tui", "sync", synced.id, "--full"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        # The movies page has been answered (and written, uncommitted) before the shows page.
        while not any(r.path.lower() == "/items" for r in jellyfin_server.requests):
            assert time.monotonic() < deadline, "the sync never fetched a page"
            time.sleep(0.02)
        time.sleep(0.2)
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    after = [i.to_json() for i in engine.list_items(ItemQuery(source_id=synced.id))]
    assert after == before

    jellyfin_server.delay_s = 0.0
    engine.sync_now(synced.id, full=True)  # the next sync completes
    titles = {i.title for i in engine.list_items(ItemQuery(source_id=synced.id))}
    assert "Written Then Killed" in titles


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Any:
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("reel-jellyfin"):
            thread.join(5)
