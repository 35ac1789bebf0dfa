"""Playback: the `Player` protocol and its backends (GStreamer, libmpv, mpv over JSON IPC).

Nothing here imports Textual. Backends load their libraries only when constructed, so importing
this package works on a machine with neither GStreamer nor mpv; `available_players` says what
is missing and `create_player` builds the configured one.

Modules: `base` (protocol, tracks, states, events), `core` (listeners and state shared by the
backends), `gstreamer` (+ `gst_support`, `gst_elements`), `mpv` (libmpv), `mpv_ipc` (external
mpv), `mpv_common` (what both mpv backends share), `displays`, `choose`.
"""

from __future__ import annotations

from reel_tui.player.base import (
    EndEvent,
    EndReason,
    ErrorEvent,
    Listener,
    Player,
    PlayerEvent,
    PlayerState,
    PositionEvent,
    StateEvent,
    TrackInfo,
    TrackKind,
    TracksEvent,
)
from reel_tui.player.choose import PlayerAvailability, available_players, create_player

__all__ = [
    "EndEvent",
    "EndReason",
    "ErrorEvent",
    "Listener",
    "Player",
    "PlayerAvailability",
    "PlayerEvent",
    "PlayerState",
    "PositionEvent",
    "StateEvent",
    "TrackInfo",
    "TrackKind",
    "TracksEvent",
    "available_players",
    "create_player",
]
