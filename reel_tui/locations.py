"""Every path Reel TUI reads or writes, in one place.

``REEL_CONFIG`` names the config file and ``REEL_DATA_DIR`` the data folder; otherwise the XDG
paths from platformdirs are used. Nothing here creates a folder at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "reel-tui"


@dataclass(frozen=True, slots=True)
class Locations:
    """The folders and files of one Reel TUI installation."""

    config_file: Path
    data_dir: Path

    @property
    def cache_db(self) -> Path:
        return self.data_dir / "cache.db"

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def downloads_dir(self) -> Path:
        return self.data_dir / "downloads"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    @property
    def secrets_file(self) -> Path:
        return self.data_dir / "secrets.json"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "reel.log"

    def ensure(self) -> None:
        """Create the data folders (private to the user)."""
        for folder in (self.data_dir, self.images_dir, self.downloads_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def default_config_file() -> Path:
    env = os.environ.get("REEL_CONFIG")
    if env:
        return Path(env).expanduser()
    return user_config_path(APP_NAME) / "config.toml"


def default_data_dir() -> Path:
    env = os.environ.get("REEL_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME)


def resolve(config_file: Path | None = None, data_dir: Path | None = None) -> Locations:
    """The locations for this run: explicit arguments, then the environment, then XDG."""
    return Locations(
        config_file=config_file or default_config_file(),
        data_dir=data_dir or default_data_dir(),
    )
