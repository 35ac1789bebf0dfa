"""Start-up shows the cached library without waiting on any server.

`reel` runs for real in a pseudo-terminal, on a cache whose Jellyfin and Plex sources live on a
127.0.0.1 server that accepts connections and never answers: anything on the way to the first
screen that talked to a server would hang there (the network timeout is set to a minute).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui import locations
from reel_tui.engine.backends.jellyfin.signin import secret_key
from reel_tui.engine.backends.plex.backend import server_token_key
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import LibraryKind, Source, SourceKind
from reel_tui.engine.secrets import SecretStore
from tests.cache.factories import movie

FIRST_TITLE = "Aardvark Evening"


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts every connection and never says a word."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # so that the accepting thread sees close() soon
        self.port: int = self._listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(connection)

    def close(self) -> None:
        """Stop listening and drop every connection (their clients fail at once)."""
        self._closed.set()
        self._thread.join(5)
        self._listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def cache_of_silent_servers(port: int) -> None:
    """The test's data folder: a Jellyfin and a Plex source on `port`, signed in, with
    movies cached, never synced (so a sync is due as soon as background work starts)."""
    where = locations.resolve()
    where.ensure()
    url = f"http://127.0.0.1:{port}"
    secrets = SecretStore(where.secrets_file)
    with Repository.open(where.cache_db) as repo:
        for kind, key in ((SourceKind.JELLYFIN, secret_key), (SourceKind.PLEX, server_token_key)):
            source_id = f"{kind.value}-silent"
            repo.add_source(
                Source(
                    id=source_id,
                    kind=kind,
                    name=f"Silent {kind.value}",
                    location=url,
                    library_kind=LibraryKind.MOVIES,
                    settings={"user_id": "user-1", "server_id": "server-1", "uris": [url]},
                )
            )
            secrets.set(key(source_id), "a-token")
            titles = [f"{kind.value.title()} Movie {n}" for n in range(50)]
            if kind is SourceKind.JELLYFIN:
                titles.append(FIRST_TITLE)
            repo.replace_items(
                source_id,
                [
                    movie(f"{source_id}-{n}", title, source_id=source_id)
                    for n, title in enumerate(titles)
                ],
            )


def read_until(leader: int, needle: bytes, timeout_s: float) -> bool:
    """Read the terminal until `needle` was written to it, for at most `timeout_s`."""
    output = b""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not select.select([leader], [], [], 0.1)[0]:
            continue
        try:
            output += os.read(leader, 65536)
        except OSError:  # the program closed the terminal: it ended
            return False
        if needle in output:
            return True
    return False


def stop(process: subprocess.Popen[bytes], leader: int) -> None:
    """Terminate the program's process group, reading its terminal so it never blocks."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        if select.select([leader], [], [], 0.05)[0]:
            try:
                os.read(leader, 65536)
            except OSError:
                break
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_the_library_shows_while_every_server_hangs(
    isolated_home: Path, silent_server: SilentServer
) -> None:
    cache_of_silent_servers(silent_server.port)
    (isolated_home / "config.toml").write_text("[network]\ntimeout_s = 60\n")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "reel_tui"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(follower)
    try:
        # The first title of the cached list is drawn although no server ever answers.
        assert read_until(leader, FIRST_TITLE.encode(), 20.0)
        # And the servers were called meanwhile (the background sync): start-up did not wait.
        deadline = time.monotonic() + 20
        while not silent_server.accepted and time.monotonic() < deadline:
            time.sleep(0.05)
        assert silent_server.accepted, "no sync was tried: the test proves nothing"
    finally:
        silent_server.close()  # the sync's connections fail now, so the app can stop
        stop(process, leader)
        os.close(leader)


def test_showing_the_library_loads_no_keyring_and_no_http_client(
    isolated_home: Path, silent_server: SilentServer
) -> None:
    # What start-up imports is what it may use before the first screen: neither the keyring's
    # backends (D-Bus, KWallet ... a tenth of a second) nor an HTTP stack.
    cache_of_silent_servers(silent_server.port)
    code = (
        "import sys\n"
        "from reel_tui.commands.context import RunContext\n"
        "from reel_tui.locations import resolve\n"
        "run = RunContext(resolve())\n"
        "engine = run.engine\n"
        "from reel_tui.app import ReelApp\n"
        "ReelApp(engine=engine, config=run.config)\n"
        "print(engine.list_sources()[0].name)\n"
        "loaded = ('keyring', 'httpx', 'guessit', 'watchdog',\n"
        "          'reel_tui.engine.metadata.enrichment')\n"
        "print(','.join(m for m in loaded if m in sys.modules))\n"
        "run.close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Silent")
    assert lines[1] == ""
    assert not silent_server.accepted


def run_reel(command: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """`reel` with these arguments, with no terminal, until it ends; what it said and its
    status."""
    return subprocess.run(
        [sys.executable, "-m", "reel_tui", *command],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("command", [(), ("tui",)], ids=["reel", "reel tui"])
def test_a_broken_config_stops_the_tui_with_status_2(
    isolated_home: Path, command: tuple[str, ...]
) -> None:
    # `reel` alone starts without the command-line parser, with the same exit statuses.
    (isolated_home / "config.toml").write_text("[sync]\ninterval_minutes = 0\n")
    result = run_reel(command)
    assert result.returncode == 2
    config = isolated_home / "config.toml"
    assert f"reel: {config}:2: sync.interval_minutes must be at least 1" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [(), ("tui",)], ids=["reel", "reel tui"])
def test_an_unusable_cache_stops_the_tui_with_status_1(
    isolated_home: Path, command: tuple[str, ...]
) -> None:
    data = isolated_home / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "cache.db").write_bytes(b"not a database, only words " * 100)
    result = run_reel(command)
    assert result.returncode == 1
    assert result.stderr.startswith("reel: ")
    assert "Traceback" not in result.stderr
