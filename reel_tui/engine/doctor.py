"""`reel doctor`'s checks of the engine's surroundings, as data.

Each check says what works here and what to do about what does not: the config file, the data
folder, the cache, ffmpeg, the keyring, the terminal's graphics and the display for playback.
The command line prints them (and adds the player checks, which the engine may not import).
Checks never raise for what they find: a broken config or cache is a FAIL result.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from reel_tui.config import load_config
from reel_tui.config_schema import Config
from reel_tui.engine.errors import ConfigError
from reel_tui.locations import Locations


class CheckStatus(StrEnum):
    """How a check came out."""

    OK = "ok"
    WARN = "warn"
    """Works, but less well than it could; the detail says how to improve it."""
    FAIL = "fail"
    """Something Reel TUI needs does not work."""


@dataclass(frozen=True, slots=True)
class Check:
    """The result of one check."""

    name: str
    status: CheckStatus
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status.value, "detail": self.detail}


def load_config_for_checks(locations: Locations) -> tuple[Config, Check]:
    """The config to check the rest with (the defaults if the file is broken), and its check."""
    path = locations.config_file
    try:
        config = load_config(path)
    except ConfigError as error:
        return Config(), Check("config file", CheckStatus.FAIL, str(error))
    if not path.exists():
        return config, Check("config file", CheckStatus.OK, f"{path} (not present: defaults)")
    return config, Check("config file", CheckStatus.OK, f"{path} (valid)")


def check_data_dir(locations: Locations) -> Check:
    """The data folder exists (or can be made) and takes a new file."""
    folder = locations.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
        free = shutil.disk_usage(folder).free
    except OSError as error:
        reason = error.strerror or str(error)
        return Check("data folder", CheckStatus.FAIL, f"{folder}: not writable ({reason})")
    detail = f"{folder} (writable, {free / 1e9:.1f} GB free)"
    if free < 1e9:
        return Check("data folder", CheckStatus.WARN, f"{detail}: little space for downloads")
    return Check("data folder", CheckStatus.OK, detail)


def check_cache(locations: Locations) -> Check:
    """The cache database opens and passes SQLite's quick check (it is never changed here)."""
    from reel_tui.engine.cache.repair import CacheState, check_cache

    health = check_cache(locations.cache_db)
    detail = health.describe()
    if health.state is CacheState.LOCKED:
        return Check("cache", CheckStatus.WARN, f"{detail} (is another Reel TUI running?)")
    if health.ok:
        return Check("cache", CheckStatus.OK, detail)
    return Check("cache", CheckStatus.FAIL, detail)


def check_ffmpeg() -> Check:
    found = shutil.which("ffmpeg")
    if found:
        return Check("ffmpeg", CheckStatus.OK, found)
    return Check(
        "ffmpeg",
        CheckStatus.WARN,
        "not found: `reel demo` and generated posters need it (install the 'ffmpeg' package)",
    )


def check_keyring(locations: Locations) -> Check:
    """Where server tokens would be kept."""
    from reel_tui.engine.secrets import SecretStore

    store = SecretStore(locations.secrets_file)
    where = store.description
    if where.startswith("system keyring"):
        return Check("keyring", CheckStatus.OK, where)
    return Check(
        "keyring",
        CheckStatus.WARN,
        f"no usable keyring service: tokens fall back to a 0600 file ({locations.secrets_file})",
    )


def poster_renderer(config: Config, env: Mapping[str, str], on_tty: bool) -> tuple[str, str]:
    """Which renderer posters would use here (the app's own choice), and why."""
    from reel_tui import images_choice as choice

    setting = config.display.images
    renderer = choice.choose_renderer(setting, env, stdout_is_tty=on_tty).value
    term = env.get("TERM", "") or "unset"
    if setting != choice.AUTO:
        why = "set by display.images"
    elif env.get("NO_COLOR") or term == "dumb":
        why = f"no colours (NO_COLOR or TERM={term})"
    elif choice.in_multiplexer(env):
        why = "inside tmux or screen, which drop sixel and kitty graphics"
    elif choice.is_kitty(env):
        why = "kitty graphics protocol" if on_tty else "not on a terminal"
    elif choice.is_known_sixel(env):
        why = f"sixel graphics ({env.get('TERM_PROGRAM') or term})"
    elif choice.over_ssh(env):
        why = "over SSH the terminal is not asked: set display.images if yours draws graphics"
    else:
        why = (
            f"no graphics protocol known by name (TERM={term}); the app asks the terminal at start"
        )
    return renderer, why


def check_terminal(config: Config, env: Mapping[str, str], on_tty: bool) -> Check:
    renderer, why = poster_renderer(config, env, on_tty)
    detail = f"posters use {renderer}: {why}"
    if env.get("SSH_CONNECTION"):
        detail += "; over SSH, graphics go to the terminal you connect from"
    if renderer in ("unicode", "off"):
        return Check("terminal graphics", CheckStatus.WARN if on_tty else CheckStatus.OK, detail)
    return Check("terminal graphics", CheckStatus.OK, detail)


def _x11_display_exists(display: str) -> bool | None:
    """Whether a local X server answers `display` (":0"), None when it cannot be told."""
    if not display.startswith(":"):
        return None
    number = display[1:].split(".")[0]
    if not number.isdigit():
        return None
    return Path(f"/tmp/.X11-unix/X{number}").exists()


def check_display(config: Config, env: Mapping[str, str]) -> Check:
    """Where the video window of a playback would open."""
    name = "display for playback"
    chosen = config.playback.display
    if chosen:
        exists = _x11_display_exists(chosen)
        if exists is False:
            return Check(name, CheckStatus.WARN, f"{chosen} (playback.display): no X server there")
        return Check(name, CheckStatus.OK, f"{chosen} (playback.display)")
    wayland, x11 = env.get("WAYLAND_DISPLAY"), env.get("DISPLAY")
    if wayland:
        return Check(name, CheckStatus.OK, f"Wayland display {wayland}")
    if x11:
        return Check(name, CheckStatus.OK, f"X11 display {x11}")
    if config.playback.in_terminal:
        return Check(name, CheckStatus.OK, "no display: video plays inside the terminal")
    hint = 'set playback.display (":0" for the TV of this box) or playback.in_terminal'
    if env.get("SSH_CONNECTION") and _x11_display_exists(":0"):
        hint = 'an X server runs on :0 here: set playback.display = ":0" to play on it'
    return Check(name, CheckStatus.WARN, f"no DISPLAY or WAYLAND_DISPLAY; {hint}")


def run_checks(
    locations: Locations,
    *,
    env: Mapping[str, str] | None = None,
    on_tty: bool = False,
) -> tuple[Config, list[Check]]:
    """Every engine-side check, in the order `reel doctor` prints them.

    Returns the config the checks used (the defaults when the file is broken), so the caller
    can run its own checks with it.
    """
    environ = os.environ if env is None else env
    config, config_check = load_config_for_checks(locations)
    checks = [
        config_check,
        check_data_dir(locations),
        check_cache(locations),
        check_ffmpeg(),
        check_keyring(locations),
        check_terminal(config, environ, on_tty),
        check_display(config, environ),
    ]
    return config, checks
