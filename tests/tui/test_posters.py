"""Posters on the Details screen: drawn by the configured renderer, from the image cache or a
poster file, never writing to the terminal behind Textual's back.

Snapshots use explicit renderers (`display.images`), a pinned cell size and pinned kitty image
ids, so they do not depend on the terminal running the tests.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config_schema import Config, DisplaySettings
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery, LibraryKind
from reel_tui.screens.details import DetailsScreen
from reel_tui.widgets import image_renderers
from reel_tui.widgets.poster import Poster
from tests.servers.tiny_png import gradient_png
from tests.tui.conftest import settle
from tests.tui.test_tmux import REEL, Pane

#: Snapshots show file paths: the poster library lives in this fixed tree.
POSTER_TREE = Path("/tmp/reel-tui-poster-tree-v1")
MOVIE = "Alien (1979)/Alien (1979).mkv"


def write_movie_with_poster(root: Path) -> Path:
    """A movie folder holding an (empty) movie file and a poster.png; returns the folder."""
    movie = root / "Movies" / MOVIE
    movie.parent.mkdir(parents=True, exist_ok=True)
    movie.touch(exist_ok=True)
    poster = movie.parent / "poster.png"
    if not poster.exists():
        poster.write_bytes(gradient_png("alien", width=80, height=120))
    return root / "Movies"


def movie_id(engine: Engine) -> str:
    (movie,) = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,)))
    return movie.id


def poster_app(engine: Engine, images: str) -> ReelApp:
    config = replace(Config(), display=DisplaySettings(images=images))
    return ReelApp(engine=engine, config=config, background=False)


@pytest.fixture
def poster_library(engine: Engine) -> Engine:
    engine.add_local_source(
        write_movie_with_poster(POSTER_TREE), name="Movies", kind=LibraryKind.MOVIES
    )
    engine.sync_now()
    return engine


@pytest.fixture
def pinned_images() -> Iterator[None]:
    """A 10x20 cell and kitty image id 1: images draw the same on every machine and run."""
    tgp = image_renderers.textual_image_module("textual_image.renderable.tgp")
    counter = tgp.Image._image_id_counter
    size = image_renderers.cell_size()
    image_renderers.pin_cell_size(10, 20)
    # Every draw of a kitty image takes a new id, and how often Textual redraws depends on
    # timing: one fixed id keeps the snapshot the same whatever the number of draws.
    tgp.Image._image_id_counter = itertools.repeat(1)
    yield
    tgp.Image._image_id_counter = counter
    image_renderers.pin_cell_size(*size)


async def test_details_draws_the_poster_file_as_half_blocks(
    poster_library: Engine, pinned_images: None
) -> None:
    app = poster_app(poster_library, "halfcell")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(DetailsScreen(movie_id(poster_library)))
        await settle(pilot)
        poster = app.screen.query_one(Poster)
        assert poster.image is not None
        assert type(poster.query_one(".poster-image")).__name__ == "HalfcellImage"
        assert "▀" in app.export_screenshot()


async def test_a_movie_without_poster_shows_its_title_instead(
    engine: Engine, tmp_path: Path
) -> None:
    movie = tmp_path / "Movies" / "Heat (1995)" / "Heat (1995).mkv"
    movie.parent.mkdir(parents=True)
    movie.touch()
    engine.add_local_source(movie.parent.parent, name="Movies", kind=LibraryKind.MOVIES)
    engine.sync_now()
    app = poster_app(engine, "halfcell")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(DetailsScreen(movie_id(engine)))
        await settle(pilot)
        poster = app.screen.query_one(Poster)
        assert poster.image is None
        assert str(poster.query_one(".poster-placeholder").render()) == "Heat (1995)"


async def test_images_off_shows_no_poster_at_all(poster_library: Engine) -> None:
    app = poster_app(poster_library, "off")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(DetailsScreen(movie_id(poster_library)))
        await settle(pilot)
        poster = app.screen.query_one(Poster)
        assert not poster.display and poster.image is None
        assert "▀" not in app.export_screenshot()


def test_starting_the_app_imports_no_image_library() -> None:
    """textual-image asks the terminal questions when imported: only posters may import it."""
    code = "import sys, reel_tui.app, reel_tui.cli; print('textual_image' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# -- nothing written to the terminal ------------------------------------------------------

LOAD_IMAGES = (
    "from reel_tui.widgets import image_renderers as r\n"
    "chosen = r.prepare('auto')\n"
    "r.image_widget_class(r.Renderer.HALFCELL)\n"
    "print('chosen=' + chosen.value)\n"
)
RAW_IMPORT = "import textual_image.widget\nprint('chosen=raw')\n"


def run_in_pty(code: str, env: dict[str, str]) -> bytes:
    """Run `code` with a pseudo-terminal (80x24 cells of 10x20 pixels) as its terminal, no one
    answering it; returns every byte it wrote there."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 800, 480))
    # Only what Python needs: the runner's own terminal variables would change the choice.
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**base, **env},
    )
    os.close(slave)
    written = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 10)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            written += chunk
    finally:
        _, errors = process.communicate(timeout=10)
        os.close(master)
    assert process.returncode == 0, errors.decode()
    return written


@pytest.mark.parametrize(
    ("env", "chosen"),
    [
        pytest.param({"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0"}, "halfcell", id="tmux"),
        pytest.param({"TERM": "xterm-256color", "SSH_TTY": "/dev/pts/9"}, "halfcell", id="ssh"),
        pytest.param({"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "3"}, "kitty", id="kitty"),
    ],
)
def test_choosing_and_loading_a_renderer_writes_nothing_to_the_terminal(
    env: dict[str, str], chosen: str
) -> None:
    written = run_in_pty(LOAD_IMAGES, env)
    assert written.replace(b"\r\n", b"\n") == f"chosen={chosen}\n".encode()


def test_a_plain_local_terminal_is_asked_before_the_app_starts() -> None:
    # The control: here asking is allowed, and the question (DA1) is seen on the terminal.
    written = run_in_pty(LOAD_IMAGES, {"TERM": "xterm-256color"})
    assert b"\x1b[c" in written
    assert written.endswith(b"chosen=halfcell\r\n")  # nobody answered


def test_textual_image_alone_would_ask_at_import() -> None:
    """Why the guarded import exists: the plain import queries even inside tmux."""
    written = run_in_pty(RAW_IMPORT, {"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0"})
    assert b"\x1b[c" in written


# -- snapshots ------------------------------------------------------------------------------

SnapCompare = Callable[..., bool]


def open_details(engine: Engine) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(DetailsScreen(movie_id(engine)))
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("images", ["halfcell", "kitty"])
def test_details_poster_snapshot(
    snap_compare: SnapCompare, poster_library: Engine, pinned_images: None, images: str
) -> None:
    app = poster_app(poster_library, images)
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_details(poster_library))


# -- tmux -----------------------------------------------------------------------------------


@pytest.fixture
def panes() -> Iterator[list[Pane]]:
    started: list[Pane] = []
    yield started
    for pane in started:
        pane.kill()


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_reel_in_tmux_draws_the_poster_as_blocks(isolated_home: Path, panes: list[Pane]) -> None:
    """`display.images = auto` inside tmux: half blocks, and no graphics sequence shows."""
    engine = Engine.open(Config(), locations.resolve())
    try:
        engine.add_local_source(
            write_movie_with_poster(isolated_home / "media"), name="Movies", kind=LibraryKind.MOVIES
        )
        engine.sync_now()
    finally:
        engine.close()
    pane = Pane(f"reel-test-{uuid.uuid4().hex[:10]}")
    panes.append(pane)
    env = {name: os.environ[name] for name in ("REEL_DATA_DIR", "REEL_CONFIG", "HOME")}
    pane.start(100, 30, env, f"env -u COLUMNS -u LINES '{REEL}'")
    pane.wait_for("Alien")
    pane.keys("i")  # the details of the only movie
    screen = pane.wait_for("Fix match")
    screen = pane.wait_for("▀▀▀▀▀▀▀▀▀▀")
    poster_rows = [line for line in screen.splitlines() if "▀▀▀▀▀▀▀▀▀▀" in line]
    assert len(poster_rows) >= 10  # a poster, not a stray line
    assert "_G" not in screen and "\x1b" not in screen  # no kitty or sixel sequence leaked
    pane.keys("q")
