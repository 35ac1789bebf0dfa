"""Hostile names from a server never write outside the downloads folder."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads import DownloadState
from reel_tui.engine.downloads_names import choose_extension, clean_component, download_path
from reel_tui.engine.models import Item, ItemKind, SourceKind, Stream
from tests.downloads.conftest import ManagerFactory, add_source, movie
from tests.downloads.flaky_server import FlakyFileServer, flaky_server
from tests.servers.clips import shared_clip

HOSTILE_TITLES = [
    "../../x",
    "/etc/passwd",
    "..",
    ".",
    "",
    "a\x00b\x1b[31mred\r\nline",
    "C:\\Windows\\system32",
    "CON",
    "nul.txt",
    "\u202egnp.exe",
    "é" * 400,
    "   ...   ",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_give_a_plain_file_inside_the_folder(title: str, tmp_path: Path) -> None:
    item = Item(
        id="../../id/..",
        source_id="s",
        library_id="l",
        kind=ItemKind.EPISODE,
        title=title,
        show_title=title,
        season=1,
        episode=2,
    )
    for candidate in (item, replace(item, kind=ItemKind.MOVIE)):
        path = download_path(tmp_path, candidate, "/../../evil.sh", set())
        assert path.parent == tmp_path.resolve()
        assert path.suffix == ".mkv"
        assert len(path.name.encode()) <= 255 - len(".part")
        assert not any(ord(ch) < 32 or ch in "/\\\u202e" for ch in path.name)
        assert not path.name.startswith(".")
        assert path.stem.upper() not in {"CON", "NUL"}


def test_clean_component_keeps_ordinary_titles() -> None:
    assert clean_component("Amélie: The Fabulous Destiny?") == "Amélie The Fabulous Destiny"
    assert clean_component("AC/DC Live") == "AC DC Live"


def test_extensions_come_only_from_known_video_types() -> None:
    assert choose_extension("http://h/library/parts/1/2/file.mp4") == ".mp4"
    assert choose_extension("http://h/stream", content_type="video/mp4") == ".mp4"
    assert choose_extension("http://h/x.sh", content_disposition='attachment; filename="a.sh"') == (
        ".mkv"
    )
    name = 'attachment; filename="../../movie.webm"'
    assert choose_extension("http://h/stream", content_disposition=name) == ".webm"


@pytest.fixture
def server() -> Iterator[FlakyFileServer]:
    with flaky_server(shared_clip().path) as running:
        running.headers = {"Content-Disposition": 'attachment; filename="../../../../tmp/x.mkv"'}
        yield running


def test_a_hostile_item_downloads_into_the_folder_only(
    repo: Repository,
    server: FlakyFileServer,
    make_manager: ManagerFactory,
    downloads_dir: Path,
    tmp_path: Path,
) -> None:
    source = add_source(repo, SourceKind.JELLYFIN, server.url)
    items = [
        movie(source, f"h{n}", "r", title, year=None, files=())
        for n, title in enumerate(["../../x", "/abs/path", "\x07bell\ttab", "../../x"])
    ]
    repo.upsert_items(items)
    manager = make_manager(lambda item, quality: Stream(url=server.url))
    for item in items:
        record = manager.run(manager.enqueue(item.id).id)
        assert record.state is DownloadState.COMPLETED, record.error

    names = sorted(p.name for p in downloads_dir.iterdir())
    assert names == ["abs path.mkv", "bell tab.mkv", "x (2).mkv", "x.mkv"]
    outside = {p for p in tmp_path.rglob("*") if p.is_file()} - set(downloads_dir.iterdir())
    assert all(p.name in ("cache.db", "cache.db-wal", "cache.db-shm") for p in outside), outside
