"""The Details screen's version picker: one movie on two sources, best copy first."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from reel_tui.app import ReelApp
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery, LibraryKind
from reel_tui.screens.details import DetailsScreen
from tests.tui.conftest import settle


@pytest.fixture
def two_copies(engine: Engine, tmp_path: Path) -> Engine:
    """Alien on "Disk A" (1080p, 100 bytes) and on "Disk B" (2160p, 300 bytes)."""
    for disk, resolution, size in (("A", "1080p", 100), ("B", "2160p", 300)):
        movie = tmp_path / disk / "Alien (1979)" / f"Alien (1979) - {resolution}.mkv"
        movie.parent.mkdir(parents=True)
        movie.write_bytes(b"x" * size)
        engine.add_local_source(tmp_path / disk, name=f"Disk {disk}", kind=LibraryKind.MOVIES)
    engine.sync_now()
    return engine


def labels(picker: OptionList) -> list[str]:
    return [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]


async def test_versions_are_listed_best_first_and_one_can_be_chosen(two_copies: Engine) -> None:
    if not callable(getattr(two_copies, "versions", None)):
        pytest.skip("this engine has no Engine.versions yet")
    (movie,) = two_copies.list_items(ItemQuery(kinds=(ItemKind.MOVIE,)))
    app = ReelApp(engine=two_copies, config=Config(), background=False)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        screen = DetailsScreen(movie.id)
        await app.push_screen(screen)
        await settle(pilot)
        picker = screen.query_one("#details-versions", OptionList)
        assert picker.display
        assert labels(picker) == [
            "● Disk B · 2160p · 300 B · offline",
            "○ Disk A · 1080p · 100 B · offline",
        ]
        picker.focus()
        picker.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert labels(picker)[1].startswith("● Disk A")
        disk_a = next(v for v in screen.versions if v.source_name == "Disk A")
        assert screen.play_id == disk_a.item.id


async def test_no_picker_for_a_single_copy(library: Engine) -> None:
    (heat,) = library.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), search="Heat"))
    app = ReelApp(engine=library, config=Config(), background=False)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        screen = DetailsScreen(heat.id)
        await app.push_screen(screen)
        await settle(pilot)
        assert not screen.query_one("#details-versions", OptionList).display
        assert not screen.query_one("#versions-heading").display


@pytest.mark.parametrize(
    "path", ["/data/Movies/Heat (1995)/Heat.1995.mkv", "D:\\Movies\\Heat (1995)\\Heat.1995.mkv"]
)
def test_a_server_copys_file_is_named_without_the_servers_path(path: str) -> None:
    from reel_tui.engine.models import Item, MediaFile

    copy = Item(
        id="plex-1:9",
        source_id="plex-1",
        library_id="plex-1:lib:1",
        kind=ItemKind.MOVIE,
        title="Heat",
        remote_id="9",
        files=(MediaFile(path, size=2_000_000_000),),
    )
    assert DetailsScreen._files_text(copy) == "Heat.1995.mkv  (2.0 GB) on the server"
    local = Item(id="local-1:x", source_id="local-1", library_id="l", kind=ItemKind.MOVIE,
                 title="Heat", files=(MediaFile("/media/Heat.1995.mkv"),))  # fmt: skip
    assert DetailsScreen._files_text(local) == "/media/Heat.1995.mkv"
