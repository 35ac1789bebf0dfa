"""Reel's own commands in the command palette (ctrl+p): every screen's actions that are not
only moves of the cursor, with the key that does the same shown beside each."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

if TYPE_CHECKING:
    from reel_tui.app import ReelApp

Command = tuple[str, str, Callable[[], Any]]
"""(name, help, what it does)."""


def _playing(app: ReelApp) -> list[Command]:
    if app.now_playing is None:
        return []
    return [
        ("Pause or play", "What plays now (space)", app.action_toggle_pause),
        ("Stop playback", "Stop what plays now (x)", app.action_stop_playback),
        ("Next episode", "Play the next episode now (n)", app.action_next_episode),
    ]


def _places(app: ReelApp) -> list[Command]:
    go = app.switch_mode
    return [
        ("Go to Home", "Continue Watching and Next Up (0)", partial(go, "home")),
        ("Go to Library", "Browse movies and shows (1)", partial(go, "library")),
        ("Go to Sources", "Add, remove and sync sources (2)", partial(go, "sources")),
        ("Go to Downloads", "The download queue and offline copies (3)", partial(go, "downloads")),
    ]


def _sources(app: ReelApp) -> list[Command]:
    add = app.action_add_source
    return [
        ("Sync all sources", "Re-scan every source now (S on Sources)", app.action_sync_all),
        ("Add local folder", "A folder of videos (a on Sources)", partial(add, "folder")),
        (
            "Add Jellyfin server",
            "Password or Quick Connect (j on Sources)",
            partial(add, "jellyfin"),
        ),
        ("Add Plex", "A plex.tv account or one server (p on Sources)", partial(add, "plex")),
    ]


def _library(app: ReelApp) -> list[Command]:
    return [
        ("Search the library", "Search as you type (/)", app.action_search),
        ("Toggle watched filter", "All / unwatched / watched (w)", app.action_toggle_watched),
        ("Change sort", "Title / year / date added (S)", app.action_cycle_sort),
        ("Poster grid or list", "Switch how the library shows (g)", app.action_library_view),
    ]


def _screen(screen: Screen[object]) -> list[Command]:
    """Commands of the screen under the palette: marking its item watched."""
    mark = getattr(screen, "action_toggle_item_watched", None)
    if not callable(mark):
        return []
    return [("Mark watched or unwatched", "The selected item, or unmark it (W)", mark)]


class ReelCommands(Provider):
    """Reel's own commands for the command palette (ctrl+p)."""

    def _commands(self) -> list[Command]:
        from reel_tui.app import ReelApp

        app = self.app
        assert isinstance(app, ReelApp)
        return [
            *_playing(app),
            *_places(app),
            *_sources(app),
            *_library(app),
            *_screen(self.screen),
            ("Quit", "Leave Reel (q)", app.exit),
        ]

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
