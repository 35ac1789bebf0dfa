"""The settings Reel TUI understands, with their defaults.

``config/default.toml`` documents every field here (a test keeps the two equal). Loading and
validating a user's file is ``reel_tui.config``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

THEMES = (
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "catppuccin-mocha",
    "catppuccin-latte",
    "catppuccin-frappe",
    "catppuccin-macchiato",
    "dracula",
    "tokyo-night",
    "monokai",
    "flexoki",
    "solarized-light",
    "solarized-dark",
    "rose-pine",
    "rose-pine-moon",
    "rose-pine-dawn",
    "atom-one-dark",
    "atom-one-light",
    "ansi-dark",
    "ansi-light",
)
"""The colour themes `display.theme` may name: Textual's built-in ones (a test keeps the two
equal; this module cannot import Textual)."""

METADATA_PROVIDERS = ("tmdb", "tvdb", "omdb")
"""The metadata providers `metadata.providers` may name."""


@dataclass(frozen=True, slots=True)
class GeneralSettings:
    start_screen: str = "library"
    """Screen shown at start-up: library, home or sources."""
    log_level: str = "warning"


@dataclass(frozen=True, slots=True)
class MetadataSettings:
    read_nfo: bool = True
    """Kodi-style .nfo files next to local media override what the file name says."""
    providers: tuple[str, ...] = METADATA_PROVIDERS
    """Asked in this order; each one of `METADATA_PROVIDERS`."""
    match_threshold: float = 0.8
    language: str = "en-US"
    tmdb_api_key: str = ""
    """TMDB v3 API key or v4 read access token; empty: the secret "metadata:tmdb", else off."""
    tvdb_api_key: str = ""
    """TheTVDB v4 project API key; empty: the secret "metadata:tvdb", else TheTVDB is off."""
    omdb_api_key: str = ""
    """OMDb API key; empty: the secret "metadata:omdb", else OMDb is off."""
    tmdb_url: str = "https://api.themoviedb.org/3"
    tvdb_url: str = "https://api4.thetvdb.com/v4"
    omdb_url: str = "https://www.omdbapi.com"
    cache_days: float = 14.0
    """How long provider answers are kept before they are asked for again."""
    image_cache_mb: int = 512
    """Size cap of the poster and artwork cache; least recently used images go first."""


@dataclass(frozen=True, slots=True)
class PlaybackSettings:
    player: str = "auto"
    """auto, gstreamer or mpv."""
    display: str = ""
    """X11/Wayland display for the video window (":0": the TV of a media box); empty: this one."""
    fullscreen: bool = False
    in_terminal: bool = False
    """Play inside the terminal (mpv tct/sixel output) when no display can be opened."""
    watched_threshold: float = 0.9
    progress_interval_s: float = 10.0
    next_episode_countdown_s: int = 10
    audio_languages: tuple[str, ...] = ("eng",)
    subtitle_languages: tuple[str, ...] = ()
    volume: int = 100


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    timeout_s: float = 10.0
    retries: int = 3
    plex_tv_url: str = "https://plex.tv"


@dataclass(frozen=True, slots=True)
class SyncSettings:
    interval_minutes: int = 60
    full_sync_interval_hours: int = 24
    sync_on_start: bool = True
    watch_local_folders: bool = True
    """Keep local libraries live while the app runs (inotify, or polling on network mounts)."""
    poll_interval_s: float = 30.0


@dataclass(frozen=True, slots=True)
class OfflineSettings:
    max_concurrent_downloads: int = 2
    max_offline_storage_gb: float = 50.0
    keep_watched_days: int = 0
    """0 keeps watched downloads until removed by hand."""
    auto_download_next: int = 0
    download_quality: str = "original"
    """original (the file as stored), or a server transcode: 1080p, 720p or 480p."""


@dataclass(frozen=True, slots=True)
class DisplaySettings:
    theme: str = "textual-dark"
    """One of `THEMES`."""
    images: str = "auto"
    """auto, kitty, sixel, halfcell, unicode or off."""
    library_view: str = "list"
    """list or grid."""
    default_sort: str = "title"
    """title, year or added."""
    show_watched: bool = True


@dataclass(frozen=True, slots=True)
class Config:
    """All settings of one run."""

    general: GeneralSettings = field(default_factory=GeneralSettings)
    metadata: MetadataSettings = field(default_factory=MetadataSettings)
    playback: PlaybackSettings = field(default_factory=PlaybackSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    offline: OfflineSettings = field(default_factory=OfflineSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
